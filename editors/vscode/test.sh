#!/usr/bin/env bash
# Runs the VS Code extension's tests: TextMate grammar unit tests and snapshots, the
# grammar checks (policies tokenize, every keyword of grammar/charter.pest highlights),
# a smoke test of the compiled extension against a stand-in language server, checks of
# the manifest, then `npm run package`: the platform .vsix must hold the charter binary.
# The binary bundled: $CHARTER_BIN if set, else target/release/charter if built, else
# the debug build (cargo builds it if needed; the package is then only a test).
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

# The platform package, with the binary CI already built (vsce needs Node.js 20+).
if [ "$node_major" -lt 20 ]; then
  echo "editors/vscode: npm run package skipped (Node.js $(node --version); vsce needs Node.js 20+)"
  exit 0
fi
if [ -z "${CHARTER_BIN:-}" ]; then
  target_dir=$(cd ../.. && cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
  if [ -x "$target_dir/release/charter" ]; then
    CHARTER_BIN="$target_dir/release/charter"
  else
    (cd ../.. && cargo build -q -p charter-cli)
    CHARTER_BIN="$target_dir/debug/charter"
  fi
fi
CHARTER_BIN="$CHARTER_BIN" npm run --silent package > package.log 2>&1 || { cat package.log; exit 1; }
tail -n 1 package.log
rm -f package.log charter-policy-*.vsix
rm -rf server
