"""Charter for Python: check partner-program policies and simulate payouts."""

import os
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import pyarrow as pa

from ._charter import PolicyError as PolicyError, ScenarioError as ScenarioError

PathLike = Union[str, os.PathLike[str]]
# A path (JSON, NDJSON, CSV, Parquet), a pyarrow Table or RecordBatch, a
# pandas or polars DataFrame, or any object with `__arrow_c_stream__`.
Input = Union[PathLike, pa.Table, pa.RecordBatch, Any]
AsOf = Union[None, str, date]

def check(path_or_paths: Union[PathLike, Sequence[PathLike]]) -> List[Dict[str, Any]]:
    """The diagnostics of `charter check --format json` (an empty list: clean)."""

class Policy:
    """A checked policy, ready to simulate scenarios."""

    @staticmethod
    def load(path: PathLike, overrides: Optional[Mapping[str, str]] = None) -> Policy:
        """Reads and checks a policy; `overrides` like `{"referral_share": "7%"}`."""
    @property
    def path(self) -> str: ...
    def simulate(self, events: Input, partners: Optional[Input] = None, as_of: AsOf = None) -> pa.Table:
        """Payouts with the columns of `charter simulate --format csv`."""
    def report(self, events: Input, partners: Optional[Input] = None, as_of: AsOf = None) -> Dict[str, Any]:
        """The JSON report of `charter simulate --format json` as a dict."""
    def totals(self, events: Input, partners: Optional[Input] = None, as_of: AsOf = None) -> pa.Table:
        """Per partner and currency, the sum of its payouts."""
    def standings(self, events: Input, partners: Optional[Input] = None, as_of: AsOf = None) -> pa.Table:
        """Each declared partner's tier on the simulation date."""
    def findings(self, events: Input, partners: Optional[Input] = None, as_of: AsOf = None) -> List[Dict[str, Any]]:
        """What the scenario contradicts or leaves open in the policy."""
