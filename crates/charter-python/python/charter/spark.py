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
of one day and type (a DataFrame read from files keeps the files' order).

How it runs (engine v2's phases, ``charter_sim::phases``, as Spark stages):

1. The input order becomes a column (``monotonically_increasing_id`` made
   dense with one count per partition), the replay key (date, same-day rank,
   input order) is computed per row, and each payment or refund is routed to
   the customer its invoice was last issued to before it (a window per
   invoice).
2. On the driver: each partner's first claim of each method (a window per
   partner and type: at most four rows per partner) decides the tracks
   partners without one assume; the partners table is broadcast.
3. Phase (a), by customer: the events are shuffled by customer
   (``repartition``), each partition sorted by customer, and a
   ``mapInArrow`` stage hands the Rust attribution whole customers at a
   time (a customer running on into the next Arrow batch waits for its
   end), with the records of the partners they name; credits come out by
   name, as JSON text. Partner events (activity, notice, invitation, staff)
   become credits in a ``mapInArrow`` stage without a shuffle. (This is
   ``groupBy(customer).applyInArrow`` without one Python call per customer,
   which measured three times slower.)
4. Phase (b), by partner, the same way: each partner's credits with its
   record go through the Rust payouts and come out as payouts with their
   replay keys.
5. A global ``orderBy`` on the keys, materialised on the executors
   (``localCheckpoint``), numbers the payouts ``P1…Pn`` as the CLI does.

A Python worker thus holds one Arrow batch (``spark.sql.execution.arrow.
maxRecordsPerBatch`` rows, 10,000 by default) plus the largest customer's
events (phase a) or the largest partner's credits (phase b), besides the
partners table; the driver holds the partners table and the first claims
only. A policy whose attribution is
scoped to a tier or a benefit, or that pays partners in their own currency
at the scenario's exchange rates (*coupled*), cannot be split: it runs on the
driver, as ``charter.Policy.simulate`` does, with a
:class:`DriverFallbackWarning`.
"""

from __future__ import annotations

import os
import re
import uuid
import warnings
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import pyarrow as pa

from . import Policy, PolicyError, ScenarioError, _as_of, _charter, _import_table, _input, _normalize

__all__ = ["simulate", "stages", "DriverFallbackWarning"]


class DriverFallbackWarning(UserWarning):
    """A coupled policy's simulation ran on the driver, not as Spark stages."""


# Helper columns (dropped before a part reaches the engine).
_PREFIX = "__charter_"
_INPUT = _PREFIX + "input"
_DATE = _PREFIX + "date"
_RANK = _PREFIX + "rank"
_GROUP = _PREFIX + "group"
_INVOICE = _PREFIX + "invoice"
_ISSUED = _PREFIX + "issued"

# How the engine routes event types (`charter_sim` engine.rs, Router::route).
_PARTNER_EVENTS = ("activity", "notice", "invitation", "staff")
_INVOICE_EVENTS = ("payment", "refund")
_CLAIMS = ("referral", "registration", "attachment", "order")
# Rows no customer takes (a payment before its invoice, a row missing its
# customer) go to this many small groups, where the engine skips them or
# reports them, as the CLI does.
_STRAY_GROUPS = 16

_CREDITS_SCHEMA = "partner string, credit string"
_PAYOUTS_SCHEMA = (
    "partner string, customer string, invoice string, rule string, base string, "
    "rate string, amount string, currency string, tax string, gross string, "
    "earned date, due date, "
    "settlement string, k_date date, k_rank int, k_input bigint, k_sub int, k_n int"
)
_KEYS = ["k_date", "k_rank", "k_input", "k_sub", "k_n", "partner"]


def _arrow(df: Any, what: str) -> pa.Table:
    """A Spark DataFrame as a pyarrow Table (Spark's Arrow path)."""
    if not hasattr(df, "toArrow"):
        raise TypeError(f"{what}: expected a pyspark.sql.DataFrame, got {type(df).__name__}")
    try:
        return df.toArrow()
    except Exception as e:  # Spark's own errors (an unreadable source, say)
        raise ScenarioError(f"{what}: Spark could not read the DataFrame: {e}") from e


# ---------------------------------------------------------------- executors


def _policy_path(path: str) -> str:
    """The policy as an executor sees it: the driver's path, else the file
    of that name shipped with ``spark-submit --files``."""
    if os.path.exists(path):
        return path
    from pyspark import SparkFiles

    shipped = SparkFiles.get(os.path.basename(path))
    return shipped if os.path.exists(shipped) else path


class _Context:
    """What every task of one simulation needs, loaded once per Python worker."""

    def __init__(self, setup: Dict[str, Any]) -> None:
        self.policy = _charter.Policy.load(_policy_path(setup["policy"]), setup["overrides"])
        self.assumed: str = setup["assumed"]
        self.as_of: str = setup["as_of"]
        ipc = setup["partners"]
        self.partners: Optional[pa.Table] = (
            None if ipc is None else pa.ipc.open_stream(ipc).read_all()
        )
        self.rows: Dict[str, int] = {}
        if self.partners is not None and "id" in self.partners.column_names:
            for i, pid in enumerate(self.partners.column("id").to_pylist()):
                if pid is not None:
                    self.rows.setdefault(str(pid), i)

    def records(self, ids: List[Any]) -> Optional[pa.Table]:
        """The partners table's rows of `ids` (in table order); `None` without a table."""
        if self.partners is None:
            return None
        rows = sorted({self.rows[i] for i in ids if i in self.rows})
        return self.partners.take(pa.array(rows, pa.int64()))


_CONTEXTS: Dict[str, _Context] = {}


def _context(token: str, setup: Any) -> _Context:
    ctx = _CONTEXTS.get(token)
    if ctx is None:
        ctx = _Context(setup.value)
        _CONTEXTS.clear()  # one simulation at a time per worker
        _CONTEXTS[token] = ctx
    return ctx


def _part(ctx: _Context, table: pa.Table) -> pa.Table:
    """Phase (a) over one part (a customer's events, or partner events)."""
    inputs = table.column(_INPUT).to_pylist()
    events = table.drop_columns([c for c in table.column_names if c.startswith(_PREFIX)])
    named = events.column("partner").to_pylist() if "partner" in events.column_names else []
    partners = ctx.records(named)
    capsule = ctx.policy.attribute(
        _input(events, "events"),
        None if partners is None else _input(partners, "partners"),
        inputs,
        ctx.assumed,
        ctx.as_of,
    )
    return _import_table(capsule)


def _whole_groups(batches: Iterator[pa.RecordBatch], key: str) -> Iterator[pa.Table]:
    """Tables of whole groups from batches sorted by `key`: a group that
    runs on into the next batch waits for its end, so a table holds at most
    a batch and the largest group."""
    import pyarrow.compute as pc

    pending: Optional[pa.Table] = None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        table = pa.Table.from_batches([batch])
        if pending is not None:
            table = pa.concat_tables([pending, table])
        keys = table.column(key)
        last_group = pc.index(pc.equal(keys, keys[-1]), True).as_py()
        if last_group > 0:
            yield table.slice(0, last_group)
        pending = table.slice(last_group)
    if pending is not None and pending.num_rows:
        yield pending


def _phase_a(token: str, setup: Any, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Phase (a) over one partition sorted by customer group, whole customers at a time."""
    ctx = _context(token, setup)
    for table in _whole_groups(batches, _GROUP):
        yield from _part(ctx, table).to_batches()


def _phase_a_partner_events(token: str, setup: Any, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Partner events become credits alone: any batch is a part."""
    ctx = _context(token, setup)
    for batch in batches:
        if batch.num_rows:
            yield from _part(ctx, pa.Table.from_batches([batch])).to_batches()


def _phase_b(token: str, setup: Any, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Phase (b) over one partition sorted by partner, one partner at a time."""
    ctx = _context(token, setup)
    for table in _whole_groups(batches, "partner"):
        partners = table.column("partner").to_pylist()
        credits = table.column("credit").to_pylist()
        start = 0
        for end in range(1, len(partners) + 1):
            if end < len(partners) and partners[end] == partners[start]:
                continue
            partner = partners[start]
            record = ctx.records([partner])
            if record is None or record.num_rows == 0:
                raise ScenarioError(f"partners: no record of partner `{partner}`")
            capsule = ctx.policy.pay(
                _input(record, "partners"), partner, credits[start:end], ctx.assumed, ctx.as_of
            )
            yield from _import_table(capsule).to_batches()
            start = end


# ---------------------------------------------------------------- driver


def _worker_error(e: Exception) -> Exception:
    """A Charter exception raised in a Python worker, raised again as itself."""
    text = str(e)
    for cls in (ScenarioError, PolicyError):
        found = re.search(cls.__name__ + r": (.+)", text)
        if found:
            return cls(found.group(1).strip())
    return e


def _dense_input(df: Any, *aggregates: Any) -> Tuple[Any, List[Any]]:
    """`df` with its row's position (from 0, in DataFrame order) as `_INPUT`,
    and `aggregates` over the whole of `df`, from one job (rows are counted
    per partition, and partitions follow each other in DataFrame order)."""
    from pyspark.sql import functions as F

    per_partition = (
        df.withColumn("__p", F.spark_partition_id())
        .groupBy("__p")
        .agg(F.count(F.lit(1)).alias("__n"), *[a.alias(f"__a{i}") for i, a in enumerate(aggregates)])
        .collect()
    )
    per_partition.sort(key=lambda r: r["__p"])
    offsets: List[Any] = []
    total = 0
    for r in per_partition:
        offsets += [F.lit(r["__p"]), F.lit(total)]
        total += r["__n"]
    pid = F.spark_partition_id()
    offset = F.create_map(*offsets)[pid] if offsets else F.lit(0)
    dense = df.withColumn(
        _INPUT,
        (offset + F.monotonically_increasing_id() - F.shiftleft(pid.cast("long"), 33)).cast("long"),
    )
    return dense, [[r[f"__a{i}"] for r in per_partition] for i in range(len(aggregates))]


def _column(df: Any, name: str) -> Any:
    from pyspark.sql import functions as F

    return F.col(name) if name in df.columns else F.lit(None).cast("string")


def _on_driver(policy: Policy, events_df: Any, partners_df: Any, as_of: Any) -> Any:
    events = _arrow(events_df, "events")
    partners = None if partners_df is None else _arrow(partners_df, "partners")
    payouts = policy.simulate(events, partners=partners, as_of=as_of)
    return events_df.sparkSession.createDataFrame(payouts)


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
    ISO string. The policy file must be readable at ``policy_path`` on the
    executors too (a shared file system, or ``spark-submit --files`` and
    ``SparkFiles.get``). The stages run when this is called (the payouts are
    materialised on the executors), so bad input raises
    :class:`charter.ScenarioError` here, naming the row (in DataFrame order,
    from 1) and the column. A coupled policy runs on the driver with a
    :class:`DriverFallbackWarning`.
    """
    _check_frames(events_df, partners_df)
    policy = Policy.load(policy_path, overrides)
    if policy._native.coupled:
        warnings.warn(
            f"`{policy_path}` scopes an attribution rule to a tier or a benefit, or pays partners "
            "in their own currency at the scenario's exchange rates: customers and partners "
            "cannot run apart, so the simulation runs on the driver",
            DriverFallbackWarning,
            stacklevel=2,
        )
        return _on_driver(policy, events_df, partners_df, as_of)
    try:
        return _merge(_staged(policy, overrides, events_df, partners_df, _as_of(as_of)))
    except Exception as e:
        raise _worker_error(e) from None


def stages(
    policy_path: str,
    events_df: Any,
    partners_df: Any = None,
    overrides: Optional[Mapping[str, str]] = None,
    as_of: Any = None,
) -> Any:
    """The two phases as Spark stages, not run yet: a ``DataFrame`` of the
    payouts, unordered and unnumbered, with their replay keys (``k_date``,
    ``k_rank``, ``k_input``, ``k_sub``, ``k_n``) and money as exact decimal
    text. For looking at the plan (``.explain()``) or writing the payouts out
    without the global ordering; :func:`simulate` orders and numbers them.
    The driver has already run the small jobs (row counts, the first claims).
    Raises :class:`charter.PolicyError` for a coupled policy."""
    _check_frames(events_df, partners_df)
    policy = Policy.load(policy_path, overrides)
    if policy._native.coupled:
        raise PolicyError(f"`{policy_path}` is coupled: its phases cannot run as Spark stages")
    return _staged(policy, overrides, events_df, partners_df, _as_of(as_of))


def _check_frames(events_df: Any, partners_df: Any) -> None:
    if not hasattr(events_df, "sparkSession"):
        raise TypeError(f"events: expected a pyspark.sql.DataFrame, got {type(events_df).__name__}")
    if partners_df is not None and not hasattr(partners_df, "sparkSession"):
        raise TypeError(f"partners: expected a pyspark.sql.DataFrame, got {type(partners_df).__name__}")


def _staged(
    policy: Policy,
    overrides: Optional[Mapping[str, str]],
    events_df: Any,
    partners_df: Any,
    as_of: Optional[str],
) -> Any:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    session = events_df.sparkSession
    native = policy._native
    for required in ("date", "type"):
        if required not in events_df.columns:
            raise ScenarioError(f"events: missing column `{required}`")
    kind = F.col("type")
    ranks = dict(_charter.same_day_ranks())
    rank_map = F.create_map(*[F.lit(x) for item in sorted(ranks.items()) for x in item])

    # 1. Input order, replay key, routing.
    events, (lasts,) = _dense_input(events_df, F.max(F.col("date").try_cast("date")))
    events = events.withColumn(_DATE, F.col("date").try_cast("date")).withColumn(_RANK, rank_map[kind])
    if as_of is None:
        last = max((d for d in lasts if d is not None), default=None)
        if last is None:
            raise ScenarioError(
                "the scenario has no events and no `as_of`: there is nothing to simulate; pass `as_of`"
            )
        as_of = last.isoformat()
    invoice_of = F.when(kind == "invoice", _column(events, "id")).when(
        kind.isin(*_INVOICE_EVENTS), _column(events, "invoice")
    )
    customer = _column(events, "customer")
    partner = _column(events, "partner")
    events = events.withColumn(_INVOICE, invoice_of)
    by_invoice = (
        Window.partitionBy(_INVOICE)
        .orderBy(_DATE, _RANK, _INPUT)
        .rowsBetween(Window.unboundedPreceding, Window.currentRow)
    )
    with_invoice = events.filter(F.col(_INVOICE).isNotNull()).withColumn(
        _ISSUED, F.last(F.when(kind == "invoice", customer), ignorenulls=True).over(by_invoice)
    )
    without_invoice = events.filter(F.col(_INVOICE).isNull()).withColumn(
        _ISSUED, F.lit(None).cast("string")
    )
    routed = with_invoice.unionByName(without_invoice)
    stray = F.concat(F.lit("u:"), F.pmod(F.col(_INPUT), F.lit(_STRAY_GROUPS)).cast("string"))
    owner = F.when(kind.isin(*_INVOICE_EVENTS), F.col(_ISSUED)).otherwise(customer)
    routed = routed.withColumn(
        _GROUP, F.when(owner.isNotNull(), F.concat(F.lit("c:"), owner)).otherwise(stray)
    )
    is_partner_event = kind.isin(*_PARTNER_EVENTS) & partner.isNotNull()
    customer_rows = routed.filter(~is_partner_event)
    partner_rows = routed.filter(is_partner_event)

    # 2. The partners table and the assumed tracks, on the driver.
    partners = None
    if partners_df is not None:
        partners = _normalize(_arrow(partners_df, "partners"), "partners")
    claims = (
        events.filter(kind.isin(*_CLAIMS) & partner.isNotNull() & (F.col(_DATE) <= F.lit(as_of).cast("date")))
        .withColumn(
            "__n",
            F.row_number().over(Window.partitionBy(partner, kind).orderBy(_DATE, _INPUT)),
        )
        .filter(F.col("__n") == 1)
        .drop("__n")
    )
    claims = _arrow(claims, "events")
    claims = claims.sort_by(_INPUT)
    inputs = claims.column(_INPUT).to_pylist()
    claim_events = claims.drop_columns([c for c in claims.column_names if c.startswith(_PREFIX)])
    assumed = native.assumed_tracks(
        _input(claim_events, "events"),
        None if partners is None else _input(partners, "partners"),
        inputs,
        as_of,
    )
    ipc = None
    if partners is not None:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, partners.schema) as writer:
            writer.write_table(partners)
        ipc = sink.getvalue().to_pybytes()
    setup = session.sparkContext.broadcast(
        {
            "policy": policy.path,
            "overrides": None if overrides is None else [(str(k), str(v)) for k, v in overrides.items()],
            "assumed": assumed,
            "as_of": as_of,
            "partners": ipc,
        }
    )
    token = uuid.uuid4().hex

    # 3. Phase (a): by customer; partner events without grouping.
    def phase_a(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _phase_a(token, setup, batches)

    def phase_a_partner_events(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _phase_a_partner_events(token, setup, batches)

    def phase_b(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _phase_b(token, setup, batches)

    # A shuffle by customer, each partition sorted by customer, read whole
    # customers at a time: `groupBy(customer).applyInArrow` without one
    # Python call (and one engine call) per customer, which measured three
    # times slower on a 100k-event billing export (BENCHMARKS.md).
    credits = (
        customer_rows.repartition(F.col(_GROUP))
        .sortWithinPartitions(_GROUP)
        .mapInArrow(phase_a, _CREDITS_SCHEMA)
    )
    credits = credits.unionByName(partner_rows.mapInArrow(phase_a_partner_events, _CREDITS_SCHEMA))

    # 4. Phase (b): by partner, the same way.
    paid = (
        credits.repartition(F.col("partner"))
        .sortWithinPartitions("partner")
        .mapInArrow(phase_b, _PAYOUTS_SCHEMA)
    )

    return paid


def _merge(paid: Any) -> Any:
    """The payouts of every partner ordered by key, materialised on the
    executors, numbered `P1…Pn`, money as exact decimals."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DecimalType

    ordered = paid.orderBy(*_KEYS).localCheckpoint(eager=True)

    def scale(c: str) -> Any:
        decimals = F.length(F.substring_index(F.col(c), ".", -1))
        return F.max(F.when(F.col(c).contains("."), decimals).otherwise(0))

    money = ("base", "rate", "amount", "tax", "gross")
    numbered, aggregates = _dense_input(ordered, *[scale(c) for c in money], F.count(F.col("tax")))
    *scales, taxed = aggregates
    cast = {
        c: F.col(c).cast(DecimalType(38, int(max((x for x in xs if x is not None), default=0))))
        for c, xs in zip(money, scales)
    }
    # As the CSV report: tax and gross only when some partner is paid tax on top.
    tax = [cast["tax"].alias("tax"), cast["gross"].alias("gross")] if sum(taxed) else []
    return numbered.select(
        F.concat(F.lit("P"), (F.col(_INPUT) + 1).cast("string")).alias("id"),
        "partner",
        "customer",
        "invoice",
        "rule",
        cast["base"].alias("base"),
        cast["rate"].alias("rate"),
        cast["amount"].alias("amount"),
        "currency",
        *tax,
        "earned",
        "due",
        "settlement",
    )
