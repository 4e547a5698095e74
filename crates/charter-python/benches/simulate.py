"""Times one scenario through the Python API and charter.spark (local[2]),
for BENCHMARKS.md:

    python crates/charter-python/benches/simulate.py POLICY EVENTS.parquet PARTNERS.json

Prints, per way of running, the wall time and the payouts; the peak RSS of
this process (the Python API runs in it; for Spark, the Python driver only:
the JVM and the Python workers running the phases are other processes:
sample them with `ps`, as BENCHMARKS.md does) after the Python runs.
"""

from __future__ import annotations

import os
import resource
import sys
import time

import pyarrow.parquet as pq

import charter


def timed(label, fn):
    start = time.perf_counter()
    out = fn()
    print(f"{label}: {time.perf_counter() - start:.2f} s, {out} payouts", flush=True)


def main() -> None:
    policy_path, events_path, partners_path = sys.argv[1:4]
    policy = charter.Policy.load(policy_path)
    timed("Policy.simulate(parquet path)", lambda: policy.simulate(events_path, partners_path).num_rows)
    table = pq.read_table(events_path)
    timed("Policy.simulate(pyarrow.Table)", lambda: policy.simulate(table, partners_path).num_rows)
    del table
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the Python process so far: {rss:.0f} MB", flush=True)

    from pyspark.sql import SparkSession

    # The phases run in Python workers: this interpreter, with `charter`.
    os.environ["PYSPARK_PYTHON"] = sys.executable

    from charter import spark as charter_spark

    spark = (
        SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g").getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    import pyarrow as pa, json

    partners = json.load(open(partners_path))
    events_df = spark.read.parquet(events_path)
    events_df.count()  # warm the session up
    flat = []
    for p in partners:
        row = {k: v for k, v in p.items() if k != "staff"}
        for q, n in (p.get("staff") or {}).items():
            row[f"staff.{q}"] = n
        flat.append(row)
    keys = list(dict.fromkeys(k for r in flat for k in r))
    partners_df = spark.createDataFrame(pa.table({k: pa.array([r.get(k) for r in flat]) for k in keys}))
    timed(
        "charter.spark.simulate (local[2])",
        lambda: charter_spark.simulate(policy_path, events_df, partners_df).count(),
    )
    spark.stop()


if __name__ == "__main__":
    main()
