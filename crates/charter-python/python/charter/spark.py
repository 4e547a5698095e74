"""Charter on Apache Spark: payouts of events and partners held in Spark
DataFrames, equal row for row to ``charter simulate``.

    from charter import spark as charter_spark

    payouts = charter_spark.simulate("policy.charter",
                                     spark.read.parquet("events/"),
                                     spark.read.parquet("partners/"))

The DataFrames have the scenario's field names as columns, as a Parquet or CSV
scenario file does (LANGUAGE.md, Scenario files): ``date`` and ``type`` and
the fields of each event type; amounts as ``DecimalType``, integers or
strings (never ``DoubleType``), dates as ``DateType`` or ISO strings. The
order of ``events_df`` is the input order, which breaks ties between events
of one day and type (a DataFrame read from one file keeps the file's order).

How it runs today: both DataFrames are collected to the driver through
Spark's Arrow path (``DataFrame.toArrow``, no per-row Python objects) and the
Rust engine simulates there, on every core of the driver, as
``charter.Policy.simulate`` does; the payouts come back as a Spark DataFrame.
The driver therefore needs memory for the scenario and its payouts (about
0.9 GB per million events, BENCHMARKS.md); executors only read and hand over
the input.

Running engine v2's phase (a) grouped by customer and phase (b) grouped by
partner as Spark stages needs the engine's phases callable one by one with a
serialisable credit between them; that is not built yet (README, Python and
Spark). The function's signature and result will not change when it
is.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import pyarrow as pa

from . import Policy, ScenarioError

__all__ = ["simulate"]


def _arrow(df: Any, what: str) -> pa.Table:
    """A Spark DataFrame as a pyarrow Table (Spark's Arrow path)."""
    if not hasattr(df, "toArrow"):
        raise TypeError(f"{what}: expected a pyspark.sql.DataFrame, got {type(df).__name__}")
    try:
        return df.toArrow()
    except Exception as e:  # Spark's own errors (an unreadable source, say)
        raise ScenarioError(f"{what}: Spark could not read the DataFrame: {e}") from e


def simulate(
    policy_path: str,
    events_df: Any,
    partners_df: Any = None,
    overrides: Optional[Mapping[str, str]] = None,
    as_of: Any = None,
) -> Any:
    """The payouts of ``events_df`` and ``partners_df`` under the policy at
    ``policy_path`` as a ``pyspark.sql.DataFrame`` with the columns of
    ``charter simulate --format csv`` (money as ``DecimalType``, dates as
    ``DateType``), ordered by payout id as the CLI orders them.

    ``overrides`` as in :meth:`charter.Policy.load`; ``as_of`` a date or an
    ISO string. Bad input raises :class:`charter.ScenarioError` naming the
    row (in DataFrame order, from 1) and the column.
    """
    policy = Policy.load(policy_path, overrides)
    events = _arrow(events_df, "events")
    partners = None if partners_df is None else _arrow(partners_df, "partners")
    payouts = policy.simulate(events, partners=partners, as_of=as_of)
    session = events_df.sparkSession
    return session.createDataFrame(payouts)
