"""Payouts of a partner program on Spark, for spark-submit:

    pip install ./crates/charter-python pyspark      # on the driver and every executor
    spark-submit --files policies/optimetriks.charter \
        examples/spark_simulate.py policies/optimetriks.charter \
        events.parquet partners.csv payouts/ [--set referral_share=7%] [--as-of 2025-12-31]

The engine runs on the executors: phase (a) by customer and phase (b) by
partner, as Spark stages (see `charter.spark`), so each Python worker holds an
Arrow batch plus the largest customer's events or the largest partner's
credits, and the partners table (broadcast). Executors read the policy at the path given,
or, when it is not there, the file of that name shipped with `--files` (ship
the files it imports the same way). A policy whose attribution rules are
scoped to a tier or a benefit cannot be split and runs on the driver, with a
warning.

Events and partners are read by Spark from Parquet (a file or a folder),
CSV (with a header row; every column read as text) or NDJSON (.json,
.ndjson, .jsonl), with the scenario's field names as columns. The payouts,
with the columns of `charter simulate --format csv`, are written as Parquet to
the output folder. Exits 2 on bad input, printing the row and column.
"""

from __future__ import annotations

import argparse
import sys

from pyspark.sql import SparkSession

import charter
from charter import spark as charter_spark


def read(spark: SparkSession, path: str):
    lower = path.lower().rstrip("/")
    if lower.endswith(".csv"):
        # Text columns: the loader reads amounts and dates from text exactly.
        return spark.read.option("header", True).option("inferSchema", False).csv(path)
    if lower.endswith((".json", ".ndjson", ".jsonl")):
        # Amounts as text too: JSON numbers would be read as doubles.
        return spark.read.option("primitivesAsString", True).json(path)
    return spark.read.parquet(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("policy")
    parser.add_argument("events")
    parser.add_argument("partners")
    parser.add_argument("out")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--as-of", default=None, metavar="YYYY-MM-DD")
    args = parser.parse_args()
    overrides = dict(s.split("=", 1) for s in args.set) or None

    spark = SparkSession.builder.appName("charter-simulate").getOrCreate()
    try:
        payouts = charter_spark.simulate(
            args.policy, read(spark, args.events), read(spark, args.partners),
            overrides=overrides, as_of=args.as_of,
        )
    except (charter.ScenarioError, charter.PolicyError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    payouts.write.mode("overwrite").parquet(args.out)
    print(f"{payouts.count()} payouts written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
