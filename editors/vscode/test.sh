#!/usr/bin/env bash
# Runs the VS Code extension's tests: TextMate grammar unit tests and snapshots, the
# grammar checks (policies tokenize, every keyword of grammar/charter.pest highlights),
# and a smoke test of the compiled extension against a stand-in language server.
# Installs the npm dev dependencies first (`npm ci`) when node_modules is missing or
# older than package-lock.json. Skips (exit 0) when Node.js 18+ or npm is not installed.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "editors/vscode: skipped (node and npm are not installed; the grammar tests need Node.js 18+)"
  exit 0
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "editors/vscode: skipped (Node.js $(node --version) is too old; the grammar tests need Node.js 18+)"
  exit 0
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm test
