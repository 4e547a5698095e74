"""The native half of the `charter` package (a PyO3 extension). Use the
`charter` module instead: these signatures may change between versions."""

from typing import Any, List, Optional, Tuple

class PolicyError(ValueError):
    """A policy that cannot be read or has errors, or an override that does not apply."""

class ScenarioError(ValueError):
    """Scenario input the simulator cannot take; the message names the file or
    table, the row and the column."""

def check_json(paths: List[str]) -> str:
    """The report of `charter check --format json` for policy files and folders."""

def same_day_ranks() -> List[Tuple[str, int]]:
    """Each event type with its same-day rank in the replay order."""

class Run:
    """A finished simulation."""

    @property
    def as_of(self) -> str: ...
    def payouts(self) -> Any:
        """The payouts as an `arrow_array_stream` PyCapsule."""
    def json(self) -> str:
        """The JSON report of `charter simulate --format json`."""
    def has_errors(self) -> bool: ...

class Policy:
    """A checked policy."""

    @staticmethod
    def load(path: str, overrides: Optional[List[Tuple[str, str]]] = None) -> "Policy": ...
    @property
    def path(self) -> str: ...
    def run(
        self,
        events: Any,
        partners: Optional[Any] = None,
        as_of: Optional[str] = None,
        explain: bool = False,
    ) -> Run:
        """Runs the simulation: `events` and `partners` each a path or an
        `arrow_array_stream` PyCapsule."""
    @property
    def coupled(self) -> bool:
        """Whether an attribution rule is scoped to a tier or a benefit (the
        phases cannot run apart)."""
    def assumed_tracks(
        self, events: Any, partners: Optional[Any], inputs: List[int], as_of: str
    ) -> str:
        """The tracks partners without one assume (JSON), from each partner's
        first claim of each method; `inputs` the rows' input positions."""
    def attribute(
        self,
        events: Any,
        partners: Optional[Any],
        inputs: List[int],
        assumed: str,
        as_of: str,
    ) -> Any:
        """Phase (a) over a part (whole customers, or partner events): the
        credits (`partner`, `credit` as JSON) as an `arrow_array_stream`
        PyCapsule. Table errors name the row by its input position."""
    def pay(self, record: Any, partner: str, credits: List[str], assumed: str) -> Any:
        """Phase (b) for one partner (`record` its one-row partners table):
        its payouts with their replay keys, money as decimal text, as an
        `arrow_array_stream` PyCapsule."""
