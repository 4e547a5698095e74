"""Charter for Python: check partner-program policies and simulate payouts.

    import charter

    charter.check("policies/")                       # list of diagnostics (dicts)
    policy = charter.Policy.load("policies/optimetriks.charter",
                                 overrides={"referral_share": "7%"})
    payouts = policy.simulate("events.parquet", partners="partners.csv")

``events`` and ``partners`` are each a path (JSON, NDJSON, CSV, Parquet), a
``pyarrow.Table``, a pandas DataFrame or a polars DataFrame whose columns are
the scenario's field names (LANGUAGE.md, Scenario files): amounts as decimals,
integers or strings (never floats), dates as dates or ISO strings. Tables go
to the engine through the Arrow C data interface. Results are exactly those of
``charter simulate``: the payouts table has the CSV report's columns, money as
exact ``decimal128`` columns.

``charter.spark.simulate`` runs the same simulation as Spark stages.
"""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import pyarrow as pa

from . import _charter
from ._charter import PolicyError, ScenarioError

__all__ = ["check", "Policy", "PolicyError", "ScenarioError"]

PathLike = Union[str, "os.PathLike[str]"]


def check(path_or_paths: Union[PathLike, Sequence[PathLike]]) -> List[Dict[str, Any]]:
    """Checks policy files (folders are walked for ``*.charter`` files).

    Returns the ``diagnostics`` of ``charter check --format json``: one dict
    per finding with ``code``, ``name``, ``severity``, ``message``, ``file``,
    ``span``, ``labels``, ``help`` and ``fixes``. An empty list is a clean
    policy. Raises ``OSError`` for a file that cannot be read.
    """
    if isinstance(path_or_paths, (str, os.PathLike)):
        paths = [os.fspath(path_or_paths)]
    else:
        paths = [os.fspath(p) for p in path_or_paths]
    return json.loads(_charter.check_json(paths))["diagnostics"]


class _Stream:
    """Wraps an ``arrow_array_stream`` capsule for pyarrow to import."""

    def __init__(self, capsule: Any) -> None:
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._capsule


def _import_table(capsule: Any) -> pa.Table:
    return pa.RecordBatchReader.from_stream(_Stream(capsule)).read_all()


def _whole_days(column: "pa.ChunkedArray", name: str, what: str) -> None:
    """Refuses a timestamp with a time of day, naming its row."""
    import pyarrow.compute as pc

    same = pc.equal(pc.floor_temporal(column, unit="day"), column)
    bad = pc.index(same, False).as_py()
    if bad >= 0:
        raise ScenarioError(
            f"{what}: row {bad + 1}, column `{name}`: {column[bad]} has a time of day; "
            "expected a date"
        )


def _normalize(table: pa.Table, what: str) -> pa.Table:
    """Plain types the scenario loader reads: text as ``string``, timestamps
    as dates (a time of day other than midnight is refused); anything else is
    left for the loader to accept or refuse with a located error."""
    for i, field in enumerate(table.schema):
        t = field.type
        if pa.types.is_dictionary(t):
            t = t.value_type
        if pa.types.is_large_string(t) or pa.types.is_string_view(t):
            t = pa.string()
        elif pa.types.is_timestamp(t) or pa.types.is_date64(t):
            t = pa.date32()
        if t == field.type:
            continue
        if pa.types.is_timestamp(field.type):
            _whole_days(table.column(i), field.name, what)
        try:
            column = table.column(i).cast(t)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
            raise ScenarioError(
                f"{what}: column `{field.name}`: cannot be read as {t} (dates must be whole days): {e}"
            ) from None
        table = table.set_column(i, pa.field(field.name, t, field.nullable), column)
    return table


def _to_table(data: Any) -> pa.Table:
    """A pyarrow Table for a pyarrow Table or RecordBatch, a pandas or polars
    DataFrame, or any object of the Arrow PyCapsule stream interface."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False)
    if module == "polars":
        return data.to_arrow()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(data).read_all()
    raise TypeError(
        "expected a path, a pyarrow.Table, a pandas or a polars DataFrame, "
        f"got {type(data).__name__}"
    )


def _input(data: Any, what: str) -> Any:
    """A path as text, or a table as an Arrow C stream capsule."""
    if isinstance(data, (str, os.PathLike)):
        return os.fspath(data)
    table = _normalize(_to_table(data), what)
    return table.__arrow_c_stream__()


def _as_of(as_of: Union[None, str, date]) -> Optional[str]:
    if as_of is None or isinstance(as_of, str):
        return as_of
    if isinstance(as_of, date):
        return as_of.isoformat()
    raise TypeError(f"as_of: expected a date or an ISO date string, got {type(as_of).__name__}")


def _overrides(overrides: Optional[Mapping[str, str]]) -> Optional[List[tuple]]:
    if overrides is None:
        return None
    return [(str(name), str(value)) for name, value in overrides.items()]


Input = Any


class Policy:
    """A checked policy, ready to simulate scenarios.

    Load one with :meth:`Policy.load`; a policy with errors raises
    :class:`PolicyError` with its diagnostics.
    """

    def __init__(self, native: Any) -> None:
        self._native = native

    @staticmethod
    def load(path: PathLike, overrides: Optional[Mapping[str, str]] = None) -> "Policy":
        """Reads and checks the policy at ``path``.

        ``overrides`` maps a rate, window, threshold or bracket name to its
        new value, as ``{"referral_share": "7%"}`` (``charter simulate --set
        referral_share=7%``); an override that names nothing or fails the
        policy's checks raises :class:`PolicyError`.
        """
        return Policy(_charter.Policy.load(os.fspath(path), _overrides(overrides)))

    @property
    def path(self) -> str:
        """The path the policy was loaded from."""
        return self._native.path

    def _run(self, events: Input, partners: Input, as_of: Any, explain: bool = False) -> Any:
        return self._native.run(
            _input(events, "events"),
            None if partners is None else _input(partners, "partners"),
            _as_of(as_of),
            explain,
        )

    def simulate(self, events: Input, partners: Input = None, as_of: Any = None) -> pa.Table:
        """The payouts of the scenario: one row per payout, with the columns
        of ``charter simulate --format csv`` (``id``, ``partner``,
        ``customer``, ``invoice``, ``rule``, ``base``, ``rate``, ``amount``,
        ``currency``, ``earned``, ``due``, ``settlement``; after ``currency``,
        ``tax`` and ``gross`` when a partner is paid tax on top, and
        ``converted_currency``, ``exchange_rate``, ``rate_date``,
        ``converted_amount``, ``converted_tax``, ``converted_gross`` when a
        partner is paid in its own currency); money as exact ``decimal128``,
        dates as ``date32``.

        ``as_of`` (a date or ISO string) replaces the scenario's date.
        Bad input raises :class:`ScenarioError` naming the row and column.
        """
        return _import_table(self._run(events, partners, as_of).payouts())

    def report(self, events: Input, partners: Input = None, as_of: Any = None) -> Dict[str, Any]:
        """The whole JSON report of ``charter simulate --format json`` as a
        dict (payouts with their explanations, totals, standings, findings;
        money as strings)."""
        return json.loads(self._run(events, partners, as_of, explain=True).json())

    def totals(self, events: Input, partners: Input = None, as_of: Any = None) -> pa.Table:
        """Per partner and currency, the sum of its payouts
        (``partner``, ``currency``, ``amount`` as ``decimal128``)."""
        from decimal import Decimal

        rows = json.loads(self._run(events, partners, as_of).json())["totals"]
        amounts = [Decimal(r["amount"]) for r in rows]
        scale = max((-a.as_tuple().exponent for a in amounts), default=0)
        return pa.table(
            {
                "partner": pa.array([r["partner"] for r in rows], pa.string()),
                "currency": pa.array([r["currency"] for r in rows], pa.string()),
                "amount": pa.array(amounts, pa.decimal128(38, max(scale, 0))),
            }
        )

    def standings(self, events: Input, partners: Input = None, as_of: Any = None) -> pa.Table:
        """Each declared partner's tier on the simulation date
        (``partner``, ``tier``; null where no tier is reached)."""
        rows = json.loads(self._run(events, partners, as_of).json())["standings"]
        return pa.table(
            {
                "partner": pa.array([r["partner"] for r in rows], pa.string()),
                "tier": pa.array([r["tier"] for r in rows], pa.string()),
            }
        )

    def findings(self, events: Input, partners: Input = None, as_of: Any = None) -> List[Dict[str, Any]]:
        """What the scenario contradicts or leaves open in the policy: dicts
        with ``code``, ``severity``, ``message`` and, where known,
        ``partner``, ``customer``, ``event`` and ``rule_location``."""
        return json.loads(self._run(events, partners, as_of).json())["findings"]

    def __repr__(self) -> str:
        return f"charter.Policy.load({self.path!r})"
