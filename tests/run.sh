#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (unit, data-driven,
# property and CLI tests, including `charter test tests/scenarios`), the
# language server's end-to-end test with a real LSP client, and the VS Code
# grammar tests. The last two skip themselves (saying so) when Python or
# Node.js is missing.
set -euo pipefail
# A closed standard input lets a pipe take descriptor 0; give every tool a real, empty one.
exec < /dev/null
cd "$(dirname "$0")/.."

cargo test --workspace

if [ -x tests/lsp/run.sh ] || [ -f tests/lsp/run.sh ]; then
  bash tests/lsp/run.sh
fi

if [ -f editors/vscode/test.sh ]; then
  bash editors/vscode/test.sh
fi
