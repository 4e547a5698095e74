#!/usr/bin/env bash
# End-to-end test of `charter lsp` with a real LSP client (pytest-lsp).
# Creates (or reuses) a virtualenv under target/lsp-venv, builds the binary,
# and runs the tests in this folder. Usage: tests/lsp/run.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v python3 >/dev/null 2>&1; then
  echo "tests/lsp: skipped, python3 is not installed"
  exit 0
fi
venv=target/lsp-venv
requirements=tests/lsp/requirements.txt
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# Reinstall only when the pinned requirements change.
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
  "$venv/bin/pip" install --disable-pip-version-check -q -r "$requirements"
  cp "$requirements" "$stamp"
fi
cargo build -q -p charter-cli
# Wherever cargo put it: CARGO_TARGET_DIR (or a config) may move the target folder.
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
export CHARTER_BIN="$target_dir/debug/charter"
exec "$venv/bin/python" -m pytest -c tests/lsp/pytest.ini tests/lsp -q -p no:cacheprovider "$@"
