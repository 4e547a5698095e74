#!/usr/bin/env bash
# The hooks of .pre-commit-hooks.yaml run by pre-commit itself: `pre-commit
# try-repo` of this repository on a scratch git repository, with the `charter`
# that cargo already built (tests/run.sh runs `cargo test` first) on PATH.
# Creates (or reuses) a virtualenv under target/ci-venv. Ends with
# `N passed, N failed`; exits 1 when a case failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v python3 >/dev/null 2>&1; then
  echo "tests/ci: skipped, python3 is not installed"
  exit 0
fi
repo=$(pwd)
venv=target/ci-venv
requirements=tests/ci/requirements.txt
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
  "$venv/bin/pip" install --disable-pip-version-check -q -r "$requirements"
  cp "$requirements" "$stamp"
fi
# The binary cargo built, wherever CARGO_TARGET_DIR (or a config) put it.
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/debug/charter"
if [ ! -x "$bin" ]; then
  cargo build -q -p charter-cli
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/bin" "$scratch/work"
ln -s "$bin" "$scratch/bin/charter"
export PATH="$scratch/bin:$PATH"
export PRE_COMMIT_HOME="$scratch/cache"
export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@localhost GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@localhost
export NO_COLOR=1
cd "$scratch/work"
git init -q .

passed=0
failed=0
# expect EXIT HOOK [FILE...]: try-repo HOOK on FILE (all tracked files when
# none) exits EXIT.
expect() {
  local want=$1 hook=$2 status=0
  shift 2
  local files=(--all-files)
  if [ $# -gt 0 ]; then files=(--files "$@"); fi
  "$repo/$venv/bin/pre-commit" try-repo "$repo" "$hook" "${files[@]}" --color never > "$scratch/out" 2>&1 || status=$?
  if [ "$status" = "$want" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: pre-commit try-repo $hook $*: exit $status, expected $want"
    cat "$scratch/out"
  fi
}
# contains TEXT: the last output holds TEXT.
contains() {
  if grep -qF -- "$1" "$scratch/out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: the output lacks '$1':"
    cat "$scratch/out"
  fi
}

printf 'program "P" {\n  currency EUR\n}\n\nregion DACH = [DE, AT, CH]\n\npartner alpen {\n  region DACH\n}\n' > good.charter
printf 'program "P" {\n  currency EUR\n}\n\ntiers Registered < Select\n\nbenefit dedicated_partner_manager (support) for Selcet\n' > typo.charter
printf 'program "P" {currency EUR}\n' > messy.charter
echo "not a policy" > notes.txt
git add good.charter typo.charter messy.charter notes.txt

expect 0 charter-check good.charter notes.txt
expect 1 charter-check
contains "C0201"
contains "did you mean \`Select\`?"
expect 0 charter-fmt good.charter
# fmt rewrites a file: pre-commit fails the hook and the file is formatted.
expect 1 charter-fmt messy.charter
contains "files were modified by this hook"
if [ "$(cat messy.charter)" = "$(printf 'program "P" {\n  currency EUR\n}')" ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAILED: messy.charter was not formatted:"
  cat messy.charter
fi
expect 0 charter-fmt messy.charter

echo "tests/ci pre-commit: $passed passed, $failed failed"
[ "$failed" = 0 ]
