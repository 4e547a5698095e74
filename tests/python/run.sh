#!/usr/bin/env bash
# Charter's Python package (crates/charter-python) and its Spark stages:
# builds the wheel once with maturin in cargo's target dir (dev profile, so
# it reuses the libraries `cargo test --workspace` built), installs it with
# pyarrow, pandas, polars, PySpark and pytest in a venv under the target dir
# (pip caches nothing), and runs tests/python with pytest. The results are
# compared with the `charter` binary of that same build ($CHARTER_BIN to
# choose another). The Spark tests skip themselves without a Java runtime.
set -euo pipefail
exec < /dev/null
cd "$(dirname "$0")/../.."
if ! python3 -m venv --help >/dev/null 2>&1; then
  echo "tests/python: skipped (python3 -m venv is not available)"
  exit 0
fi
target="${CARGO_TARGET_DIR:-$PWD/target}"
venv="$target/python-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir \
  maturin==1.16.0 pytest==9.2.0 pyarrow==26.0.1 pandas==3.1.1 polars==2.1.0 pyspark==4.3.0
rm -rf "$target/python-wheels"
CARGO_TARGET_DIR="$target" "$venv/bin/maturin" build --quiet \
  --manifest-path crates/charter-python/Cargo.toml \
  --interpreter "$venv/bin/python" --out "$target/python-wheels"
"$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir --no-deps \
  --force-reinstall "$target"/python-wheels/charter_policy-*.whl
cd tests/python
CARGO_TARGET_DIR="$target" "$venv/bin/python" -m pytest -q -p no:cacheprovider
