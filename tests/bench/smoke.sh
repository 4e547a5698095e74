#!/usr/bin/env bash
# The DuckDB side-by-side benchmark's smoke run: 10,000 events of the
# billing-export shape through `charter simulate` (JSON and CSV) and through
# one DuckDB query, every partner's total compared to the cent
# (crates/charter-sim/benches/duckdb_side_by_side.sh --smoke). It uses the
# `charter` binary `cargo test --workspace` built ($CHARTER_BIN to choose
# another) and DuckDB from PyPI in a venv under the target dir. Skips itself
# (saying so) without `python3 -m venv`.
set -euo pipefail
exec < /dev/null
cd "$(dirname "$0")/../.."
if ! python3 -m venv --help >/dev/null 2>&1; then
  echo "tests/bench: skipped (python3 -m venv is not available)"
  exit 0
fi
target="${CARGO_TARGET_DIR:-$PWD/target}"
charter="${CHARTER_BIN:-$target/debug/charter}"
[ -x "$charter" ] || cargo build -q -p charter-cli
venv="$target/bench-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir duckdb==2.0.1
bash crates/charter-sim/benches/duckdb_side_by_side.sh --smoke \
  --charter "$charter" --python "$venv/bin/python"
