"""Shared fixtures: the CLI (the reference every result is compared with),
generated scenarios, and conversions of NDJSON events and JSON partners into
pyarrow, pandas and polars tables with the scenario's field names as columns."""

from __future__ import annotations

import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

ROOT = Path(__file__).resolve().parents[2]
POLICIES = sorted((ROOT / "policies").glob("*.charter"))


def charter_bin() -> str:
    """`$CHARTER_BIN`, else the debug build `cargo test --workspace` made."""
    env = os.environ.get("CHARTER_BIN")
    if env:
        return env
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "debug" / "charter")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([charter_bin(), *args], capture_output=True, text=True, cwd=ROOT)


def currency(policy: Path) -> str:
    return json.loads(cli("ir", str(policy)).stdout)["currency"]


def cli_payouts(policy, events, partners=None, as_of=None):
    """The payouts of `charter simulate --format json`, as comparable rows."""
    args = ["simulate", str(policy), "--scenario", str(events), "--format", "json"]
    if partners is not None:
        args += ["--partners", str(partners)]
    if as_of is not None:
        args += ["--as-of", as_of]
    run = cli(*args)
    assert run.returncode in (0, 1), run.stderr
    return [
        (
            p["id"], p["partner"], p.get("customer"), p.get("invoice"), p["rule"],
            Decimal(p["base"]), None if p.get("rate") is None else Decimal(p["rate"]),
            Decimal(p["amount"]), p["currency"], p["earned"], p["due"], p["settlement"],
        )
        for p in json.loads(run.stdout)["payouts"]
    ]


def rows(table: pa.Table):
    """A payouts table (Python API or Spark) as the same comparable rows."""
    out = []
    for r in table.to_pylist():
        out.append(
            (
                r["id"], r["partner"], r["customer"], r["invoice"], r["rule"],
                Decimal(r["base"]), None if r["rate"] is None else Decimal(r["rate"]),
                Decimal(r["amount"]), r["currency"], str(r["earned"]), str(r["due"]),
                r["settlement"],
            )
        )
    return out


def generate(tmp: Path, policy: Path, events: int, seed: int = 1, shape: str = "mixed"):
    out, partners = tmp / f"{policy.stem}-{events}.ndjson", tmp / f"{policy.stem}-{events}-partners.json"
    run = cli(
        "gen-scenario", "--events", str(events), "--seed", str(seed), "--shape", shape,
        "--currency", currency(policy), "--out", str(out), "--partners-out", str(partners),
    )
    assert run.returncode == 0, run.stderr
    elect = ELECTED.get(policy.stem)
    if elect:
        records = json.loads(partners.read_text())
        for r in records:
            chosen = [e for e in r.get("elected") or [] if e not in elect[1]]
            r["elected"] = chosen + [elect[0]]
        partners.write_text(json.dumps(records))
    return out, partners


# Programs whose commission is a benefit a partner elects: generated partners
# elect it (and none of its alternatives), as the program's seed scenarios do.
ELECTED = {"future-processing": ("registered_commission", ("registered_discount",))}


def events_table(path: Path) -> pa.Table:
    """NDJSON events as a table: one column per field, text as in the file
    (amounts as strings, dates as ISO strings), a null where a type has no
    such field."""
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return records_table(records)


def records_table(records) -> pa.Table:
    """Dicts as a table with a column for every key of any of them."""
    columns: dict = {}
    for r in records:
        for k in r:
            columns.setdefault(k, None)
    return pa.table({k: pa.array([r.get(k) for r in records]) for k in columns})


def partners_table(path: Path) -> pa.Table:
    """Partners as a table: lists as Arrow lists, staff as `staff.<q>` columns."""
    partners = json.loads(path.read_text())
    flat = []
    for p in partners:
        row = {k: v for k, v in p.items() if k != "staff"}
        for q, n in (p.get("staff") or {}).items():
            row[f"staff.{q}"] = n
        flat.append(row)
    keys: dict = {}
    for r in flat:
        for k in r:
            keys.setdefault(k, None)
    return pa.table({k: pa.array([r.get(k) for r in flat]) for k in keys})


@pytest.fixture(scope="session")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("charter")
