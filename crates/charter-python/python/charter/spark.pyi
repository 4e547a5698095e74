"""Charter on Apache Spark: engine v2's phases as Spark stages."""

from typing import Any, Mapping, Optional

class DriverFallbackWarning(UserWarning):
    """A coupled policy's simulation ran on the driver, not as Spark stages."""

def simulate(
    policy_path: str,
    events_df: Any,
    partners_df: Any = None,
    overrides: Optional[Mapping[str, str]] = None,
    as_of: Any = None,
) -> Any:
    """Payouts (a `pyspark.sql.DataFrame` with the CSV report's columns) of the
    events and partners DataFrames under the policy, equal to `charter simulate`:
    phase (a) grouped by customer and phase (b) grouped by partner as Spark
    stages, then ordered and numbered. A coupled policy runs on the driver
    with a `DriverFallbackWarning`."""

def stages(
    policy_path: str,
    events_df: Any,
    partners_df: Any = None,
    overrides: Optional[Mapping[str, str]] = None,
    as_of: Any = None,
) -> Any:
    """The two phases as Spark stages, not run yet: the payouts unordered and
    unnumbered, with their replay keys and money as decimal text."""
