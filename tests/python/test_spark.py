"""`charter.spark.simulate` on a local Spark session (`local[2]`): payouts
equal to `charter simulate --format json` on every seed scenario and on
generated ones (100,000 events for one program), the phases run as Spark
stages in the Python workers (not on the driver), a coupled policy falling
back to the driver with a warning, and bad input from Spark raising an
exception that names the row and the column."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import charter
from conftest import POLICIES, ROOT, cli_payouts, generate, partners_table, records_table, rows

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The stages' Python workers import `charter`: they run this interpreter.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("charter-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def spark_rows(df):
    return rows(df.toArrow())


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.stem)
def test_generated_scenarios_equal_the_cli(spark, policy, scratch):
    from charter import spark as charter_spark

    events, partners = generate(scratch, policy, 3000, seed=3)
    expected = cli_payouts(policy, events, partners)
    assert expected
    events_df = spark.read.json(str(events))
    partners_df = spark.createDataFrame(partners_table(partners))
    got = charter_spark.simulate(str(policy), events_df, partners_df)
    assert spark_rows(got) == expected


def test_a_hundred_thousand_events_from_parquet(spark, scratch):
    from charter import spark as charter_spark

    policy = ROOT / "policies" / "optimetriks.charter"
    events, partners = generate(scratch, policy, 100_000, seed=11, shape="billing-export")
    expected = cli_payouts(policy, events, partners)
    parquet = scratch / "events-100k.parquet"
    spark.read.json(str(events)).coalesce(1).write.mode("overwrite").parquet(str(parquet))
    got = charter_spark.simulate(
        str(policy), spark.read.parquet(str(parquet)), spark.createDataFrame(partners_table(partners))
    )
    assert spark_rows(got) == expected


def test_overrides_and_seed_scenario_document(spark):
    from charter import spark as charter_spark

    policy = ROOT / "policies" / "optimetriks.charter"
    scenario = ROOT / "tests" / "scenarios" / "optimetriks" / "01-referral-window.json"
    import json

    doc = json.loads(scenario.read_text())
    events_df = spark.createDataFrame(records_table(doc["events"]))
    partners = [{k: v for k, v in p.items() if k != "staff"} for p in doc["partners"]]
    partners_df = spark.createDataFrame(records_table(partners))
    got = charter_spark.simulate(str(policy), events_df, partners_df, overrides={"referral_share": "7%"})
    expected = charter.Policy.load(policy, overrides={"referral_share": "7%"}).simulate(scenario)
    assert spark_rows(got) == rows(expected)


def test_bad_input_from_spark_names_row_and_column(spark):
    from charter import spark as charter_spark
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    policy = str(ROOT / "policies" / "optimetriks.charter")
    schema = StructType([StructField(n, StringType()) for n in ("date", "type", "id", "customer", "amount")])
    ok = ("2025-01-02", "invoice", "i1", "c1", "100.00")
    null_id = spark.createDataFrame([ok, ("2025-01-03", "invoice", None, "c1", "5.00")], schema)
    with pytest.raises(charter.ScenarioError) as err:
        charter_spark.simulate(policy, null_id, None)
    assert "row 2" in str(err.value) and "`id`" in str(err.value), str(err.value)

    unknown = spark.createDataFrame([ok, ("2025-01-03", "invoise", "i2", "c1", "5.00")], schema)
    with pytest.raises(charter.ScenarioError, match=r"row 2, column `type`"):
        charter_spark.simulate(policy, unknown, None)

    doubles = StructType(schema.fields[:4] + [StructField("amount", DoubleType())])
    floats = spark.createDataFrame([("2025-01-02", "invoice", "i1", "c1", 100.0)], doubles)
    with pytest.raises(charter.ScenarioError, match="amount"):
        charter_spark.simulate(policy, floats, None)

    with pytest.raises(TypeError):
        charter_spark.simulate(policy, "not a dataframe", None)


SEEDS = sorted(p for p in (ROOT / "tests" / "scenarios").iterdir() if (ROOT / "policies" / f"{p.name}.charter").exists())


@pytest.mark.parametrize("program", SEEDS, ids=lambda p: p.name)
def test_seed_scenarios_equal_the_cli(spark, program, scratch):
    """Every scenario document of the seed program, its events and partners
    as DataFrames (customer records are not a Spark input: those scenarios
    are left out)."""
    from charter import spark as charter_spark

    policy = ROOT / "policies" / f"{program.name}.charter"
    ran = 0
    for scenario in sorted(program.glob("*.json")):
        doc = json.loads(scenario.read_text())
        if doc.get("customers"):
            continue
        partners = scratch / f"{program.name}-{scenario.stem}-partners.json"
        partners.write_text(json.dumps(doc.get("partners", [])))
        # JSON numbers as amounts become text (the loader reads text exactly; a
        # float column is refused).
        events = [
            {k: str(v) if k == "amount" and isinstance(v, (int, float)) else v for k, v in e.items()}
            for e in doc["events"]
        ]
        events_df = spark.createDataFrame(records_table(events))
        partners_df = spark.createDataFrame(partners_table(partners)) if doc.get("partners") else None
        got = charter_spark.simulate(str(policy), events_df, partners_df, as_of=doc.get("as_of"))
        assert spark_rows(got) == cli_payouts(policy, scenario), scenario.name
        ran += 1
    assert ran >= 3


def test_the_phases_run_as_spark_stages_in_the_workers(spark, scratch):
    """The plan shuffles by customer group and by partner into Arrow UDFs
    (phase (a), partner events, phase (b)), and the engine's phases never run
    in the driver's interpreter."""
    from charter import spark as charter_spark

    policy = ROOT / "policies" / "leadsender.charter"
    events, partners = generate(scratch, policy, 2000, seed=5)
    events_df = spark.read.json(str(events))
    partners_df = spark.createDataFrame(partners_table(partners))
    lazy = charter_spark.stages(str(policy), events_df, partners_df)
    plan = lazy._jdf.queryExecution().executedPlan().toString()
    udfs = [line for line in plan.splitlines() if "MapInArrow" in line]
    assert len(udfs) == 3, plan
    shuffles = [line for line in plan.splitlines() if "Exchange hashpartitioning" in line]
    assert any("__charter_group" in line for line in shuffles), shuffles
    assert any("hashpartitioning(partner" in line for line in shuffles), shuffles
    got = charter_spark.simulate(str(policy), events_df, partners_df)
    assert spark_rows(got) == cli_payouts(policy, events, partners)
    assert charter_spark._CONTEXTS == {}, "a phase ran on the driver"


def test_a_coupled_policy_runs_on_the_driver_with_a_warning(spark, scratch):
    """An attribution rule inside a tier makes customers depend on partners'
    standings: the phases cannot split, and the driver runs the engine."""
    from charter import spark as charter_spark

    policy = scratch / "coupled.charter"
    policy.write_text(
        'program "Coupled" { currency EUR }\n\ntiers Silver < Gold\n\n'
        "tier Silver {\n  require staff sales >= 1\n}\n"
        "tier Gold {\n  require staff sales >= 2\n  attribute customer by referral\n}\n\n"
        "commission referral_share: 10% of payments\n"
    )
    events = [
        {"date": "2026-01-05", "type": "referral", "partner": "p1", "customer": "c1"},
        {"date": "2026-01-06", "type": "invoice", "id": "i1", "customer": "c1", "amount": "100.00"},
        {"date": "2026-01-07", "type": "payment", "invoice": "i1", "amount": "100.00"},
    ]
    partners = scratch / "coupled-partners.json"
    partners.write_text(json.dumps([{"id": "p1", "staff": {"sales": 2}}]))
    events_path = scratch / "coupled.ndjson"
    events_path.write_text("".join(json.dumps(e) + "\n" for e in events))
    with pytest.warns(charter_spark.DriverFallbackWarning, match="runs on the driver"):
        got = charter_spark.simulate(
            str(policy), spark.createDataFrame(records_table(events)), spark.createDataFrame(partners_table(partners))
        )
    expected = cli_payouts(policy, events_path, partners)
    assert expected and spark_rows(got) == expected
    with pytest.raises(charter.PolicyError, match="coupled"):
        charter_spark.stages(str(policy), spark.createDataFrame(records_table(events)))


def test_tax_on_top_reaches_the_spark_payouts(spark, scratch):
    """A partner paid tax on top: the phases' payouts carry its tax and gross
    (the CSV report's columns after `currency`), equal to the CLI's."""
    from decimal import Decimal

    from charter import spark as charter_spark
    from conftest import cli

    money = ROOT / "tests" / "scenarios" / "patterns" / "money"
    scenario = money / "01-vat-registered-and-not.json"
    doc = json.loads(scenario.read_text())
    policy = money / doc["policy"]
    assert not charter.Policy.load(policy)._native.coupled
    partners = scratch / "tax-partners.json"
    partners.write_text(json.dumps(doc["partners"]))
    events = [
        {k: str(v) if k == "amount" and isinstance(v, (int, float)) else v for k, v in e.items()}
        for e in doc["events"]
    ]
    got = charter_spark.simulate(
        str(policy),
        spark.createDataFrame(records_table(events)),
        spark.createDataFrame(partners_table(partners)),
        as_of=doc.get("as_of"),
    ).toArrow()
    names = got.column_names
    assert names.index("currency") + 1 == names.index("tax") and names.index("gross") < names.index("earned")
    assert rows(got) == cli_payouts(policy, scenario)
    run = cli("simulate", str(policy), "--scenario", str(scenario), "--format", "json")
    expected = [
        (p["id"], None if "tax" not in p else Decimal(p["tax"]), None if "gross" not in p else Decimal(p["gross"]))
        for p in json.loads(run.stdout)["payouts"]
    ]
    assert any(t is not None for _, t, _ in expected)
    assert [(r["id"], r["tax"], r["gross"]) for r in got.to_pylist()] == expected
