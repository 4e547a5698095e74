#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (unit, data-driven,
# property and CLI tests, including `charter test tests/scenarios`), the
# language server's end-to-end test with a real LSP client, the pre-commit
# hooks run by pre-commit, the DuckDB benchmark's smoke run, and the VS Code
# grammar tests. The Python and Node.js parts skip themselves (saying so) when
# Python or Node.js is missing.
set -euo pipefail
# A closed standard input lets a pipe take descriptor 0; give every tool a real, empty one.
exec < /dev/null
cd "$(dirname "$0")/.."

cargo test --workspace

if [ -x tests/lsp/run.sh ] || [ -f tests/lsp/run.sh ]; then
  bash tests/lsp/run.sh
fi

# Headless Neovim 0.11 against `charter lsp`, with the tree-sitter parser.
bash editors/neovim/test/run.sh

# The pre-commit hooks through pre-commit itself, on the binary built above.
bash tests/ci/precommit.sh

# The DuckDB side-by-side benchmark on 10,000 events: every total agrees.
bash tests/bench/smoke.sh

# The Python package (wheel built once by maturin) and charter.spark on local[2].
bash tests/python/run.sh

if [ -f editors/vscode/test.sh ]; then
  bash editors/vscode/test.sh
fi
