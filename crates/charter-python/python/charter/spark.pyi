"""Charter on Apache Spark."""

from typing import Any, Mapping, Optional

def simulate(
    policy_path: str,
    events_df: Any,
    partners_df: Any = None,
    overrides: Optional[Mapping[str, str]] = None,
    as_of: Any = None,
) -> Any:
    """Payouts (a `pyspark.sql.DataFrame` with the CSV report's columns) of the
    events and partners DataFrames under the policy, equal to `charter simulate`."""
