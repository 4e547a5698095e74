"""`charter.check`, `charter.Policy` and its simulation on files and on
pyarrow, pandas and polars inputs, each compared with `charter simulate
--format json` (ids, amounts, due dates: every column of every payout)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

import charter
from conftest import POLICIES, ROOT, cli, cli_payouts, events_table, generate, partners_table, rows

SEED_SCENARIOS = sorted(
    p for p in (ROOT / "tests" / "scenarios").glob("*/*.json")
    if (ROOT / "policies" / f"{p.parent.name}.charter").exists()
)


def test_check_matches_the_cli_json():
    assert charter.check(ROOT / "policies") == []
    failing = sorted((ROOT / "tests" / "check" / "fail").rglob("*.charter"))[:8]
    assert failing
    paths = [str(p) for p in failing]
    diags = charter.check(paths)
    assert diags and all({"code", "severity", "message", "file", "span"} <= set(d) for d in diags)
    run = cli("check", "--format", "json", *paths)
    assert diags == json.loads(run.stdout)["diagnostics"]


def test_check_of_a_missing_file_raises_oserror(tmp_path):
    with pytest.raises(OSError, match="nothing.charter"):
        charter.check(tmp_path / "nothing.charter")


@pytest.mark.parametrize("scenario", SEED_SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_seed_scenarios_equal_the_cli(scenario):
    policy = ROOT / "policies" / f"{scenario.parent.name}.charter"
    got = rows(charter.Policy.load(policy).simulate(scenario))
    assert got == cli_payouts(policy, scenario)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.stem)
def test_generated_scenarios_on_every_input_kind(policy, scratch):
    events, partners = generate(scratch, policy, 3000)
    expected = cli_payouts(policy, events, partners)
    assert expected, "the generated scenario earns payouts"
    p = charter.Policy.load(policy)
    # Files.
    assert rows(p.simulate(events, partners=partners)) == expected
    # pyarrow, text columns.
    ev, pa_partners = events_table(events), partners_table(partners)
    assert rows(p.simulate(ev, partners=pa_partners)) == expected
    # Mixed: a table of events with a partners file.
    assert rows(p.simulate(ev, partners=str(partners))) == expected
    # pandas with dates as dates and amounts as Decimals.
    import pandas as pd

    df = ev.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    for col in ("date", "decided"):
        if col in df:
            df[col] = pd.Series([datetime.date.fromisoformat(v) if isinstance(v, str) else None for v in df[col]], dtype=object)
    df["amount"] = pd.Series([Decimal(v) if isinstance(v, str) else None for v in df["amount"]], dtype=object)
    # Counts with gaps as pandas' nullable integers (a float column is refused).
    pdf = pa_partners.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    assert rows(p.simulate(df, partners=pdf)) == expected
    # polars (large strings and string views are read as text).
    import polars as pl

    assert rows(p.simulate(pl.from_arrow(ev), partners=pl.from_arrow(pa_partners))) == expected


def test_a_hundred_thousand_events(scratch):
    policy = ROOT / "policies" / "optimetriks.charter"
    events, partners = generate(scratch, policy, 100_000, seed=7, shape="billing-export")
    expected = cli_payouts(policy, events, partners)
    assert len(expected) > 10_000
    p = charter.Policy.load(policy)
    assert rows(p.simulate(events, partners=partners)) == expected
    assert rows(p.simulate(events_table(events), partners=partners_table(partners))) == expected


def test_totals_standings_findings_and_as_of():
    policy = ROOT / "policies" / "optimetriks.charter"
    scenario = ROOT / "tests" / "scenarios" / "optimetriks" / "01-referral-window.json"
    p = charter.Policy.load(policy)
    report = p.report(scenario)
    totals = p.totals(scenario).to_pylist()
    assert [(t["partner"], t["currency"], str(t["amount"])) for t in totals] == [
        (t["partner"], t["currency"], t["amount"]) for t in report["totals"]
    ]
    assert p.standings(scenario).to_pylist() == [
        {"partner": s["partner"], "tier": s["tier"]} for s in report["standings"]
    ]
    assert p.findings(scenario) == report["findings"]
    early = p.simulate(scenario, as_of=datetime.date(2025, 5, 1))
    assert rows(early) == cli_payouts(policy, scenario, as_of="2025-05-01")
    assert early.num_rows < p.simulate(scenario).num_rows


def test_overrides_are_checked_like_set():
    policy = ROOT / "policies" / "optimetriks.charter"
    scenario = ROOT / "tests" / "scenarios" / "optimetriks" / "01-referral-window.json"
    base = charter.Policy.load(policy).simulate(scenario)
    more = charter.Policy.load(policy, overrides={"referral_share": "7%"}).simulate(scenario)
    assert [r["rate"] for r in more.to_pylist() if r["rule"] == "referral_share"] == [
        Decimal(7) for r in base.to_pylist() if r["rule"] == "referral_share"
    ]
    with pytest.raises(charter.PolicyError, match="no_such_rule"):
        charter.Policy.load(policy, overrides={"no_such_rule": "7%"})


def test_a_policy_with_errors_raises_policyerror(tmp_path):
    bad = tmp_path / "bad.charter"
    bad.write_text("commission x: 5% of payments on invoices\ncommission x: 6% of payments on invoices\n")
    with pytest.raises(charter.PolicyError, match="has errors"):
        charter.Policy.load(bad)


# Bad input: an exception that names the column and the row, never a crash.

def _one_invoice(**changes):
    row = {"date": "2025-01-02", "type": "invoice", "id": "i1", "customer": "c1", "amount": "100.00"}
    row.update(changes)
    return row


@pytest.fixture
def policy():
    return charter.Policy.load(ROOT / "policies" / "optimetriks.charter")


def test_a_missing_column_is_named(policy):
    table = pa.table({"date": ["2025-01-02"], "customer": ["c1"]})
    with pytest.raises(charter.ScenarioError, match="type"):
        policy.simulate(table)


def test_a_float_amount_is_refused_with_its_column(policy):
    table = pa.table({"date": ["2025-01-02", "2025-01-03"], "type": ["invoice", "invoice"],
                      "id": ["i1", "i2"], "customer": ["c1", "c1"], "amount": [100.0, 12.5]})
    with pytest.raises(charter.ScenarioError, match="amount") as err:
        policy.simulate(table)
    assert "events" in str(err.value)


def test_a_null_id_names_row_and_column(policy):
    table = pa.Table.from_pylist([_one_invoice(), _one_invoice(id=None, date="2025-01-03")])
    with pytest.raises(charter.ScenarioError) as err:
        policy.simulate(table)
    message = str(err.value)
    assert "row 2" in message and "id" in message, message


def test_an_unknown_event_type_names_row_and_column(policy):
    table = pa.Table.from_pylist([_one_invoice(), _one_invoice(type="invoise", id="i2")])
    with pytest.raises(charter.ScenarioError) as err:
        policy.simulate(table)
    message = str(err.value)
    assert "row 2" in message and "type" in message and "invoise" in message, message


def test_a_bad_date_names_row_and_column(policy):
    import pandas as pd

    df = pd.DataFrame([_one_invoice(), _one_invoice(id="i2", date="2025-13-40")])
    with pytest.raises(charter.ScenarioError) as err:
        policy.simulate(df)
    message = str(err.value)
    assert "row 2" in message and "date" in message, message


def test_wrong_python_types_raise_typeerror(policy):
    with pytest.raises(TypeError):
        policy.simulate(42)
    with pytest.raises(TypeError):
        policy.simulate(ROOT / "tests" / "scenarios" / "optimetriks" / "01-referral-window.json", as_of=3)


def test_pandas_timestamps_are_dates_and_a_time_of_day_is_refused(policy):
    import pandas as pd

    df = pd.DataFrame([_one_invoice(), _one_invoice(id="i2", date="2025-01-03")])
    df["date"] = pd.to_datetime(df["date"])
    assert policy.simulate(df, as_of="2025-02-01").num_rows == 0
    df["date"] = pd.to_datetime(["2025-01-02 10:30:00", "2025-01-03 00:00:00"], format="%Y-%m-%d %H:%M:%S")
    with pytest.raises(charter.ScenarioError, match="row 1, column `date`"):
        policy.simulate(df)


MONEY = ROOT / "tests" / "scenarios" / "patterns" / "money"


@pytest.mark.parametrize(
    "scenario",
    ["01-vat-registered-and-not.json", "03-converted-at-the-event-date.json"],
)
def test_tax_and_conversion_columns_equal_the_cli(scenario):
    """Tax on top and payouts in the partner's currency reach the payouts
    table with the CSV report's columns, each value as the JSON report has it."""
    scenario = MONEY / scenario
    policy = MONEY / json.loads(scenario.read_text())["policy"]
    table = charter.Policy.load(policy).simulate(scenario)
    run = cli("simulate", str(policy), "--scenario", str(scenario), "--format", "json")
    assert run.returncode in (0, 1), run.stderr
    payouts = json.loads(run.stdout)["payouts"]
    taxed = any("tax" in p for p in payouts)
    converted = any("converted" in p for p in payouts)
    assert taxed or converted
    names = table.column_names
    assert ("tax" in names and "gross" in names) == taxed
    assert ("converted_amount" in names) == converted
    assert names.index("currency") < names.index("tax" if taxed else "converted_currency") < names.index("earned")

    def dec(v):
        return None if v is None else Decimal(v)

    for row, p in zip(table.to_pylist(), payouts, strict=True):
        assert row["id"] == p["id"]
        if taxed:
            assert (dec(row["tax"]), dec(row["gross"])) == (dec(p.get("tax")), dec(p.get("gross")))
        if converted:
            c = p.get("converted") or {}
            assert row["converted_currency"] == c.get("currency")
            assert dec(row["exchange_rate"]) == dec(c.get("rate"))
            assert (None if row["rate_date"] is None else str(row["rate_date"])) == c.get("rate_date")
            assert dec(row["converted_amount"]) == dec(c.get("amount"))
            assert dec(row["converted_tax"]) == dec(c.get("tax"))
            assert dec(row["converted_gross"]) == dec(c.get("gross"))
