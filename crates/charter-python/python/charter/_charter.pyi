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
