#!/usr/bin/env bash
# Charter against DuckDB on Optimetriks commissions: generates scenarios of
# 10k, 100k and 1M events (`charter gen-scenario --tracks-only --currency
# USD`, one partner per 100 events), runs the release `charter simulate`
# under /usr/bin/time -v (wall time and max RSS, JSON output to /dev/null)
# and the one-query DuckDB equivalent (duckdb_optimetriks.py), and prints a
# table with how many partners' totals agree to the cent.
#
#   cargo build --release -p charter-cli && pip install duckdb
#   bash crates/charter-sim/benches/compare.sh [SIZES...]   # default: 10000 100000 1000000
set -euo pipefail
cd "$(dirname "$0")/../../.."
charter=target/release/charter
[ -x "$charter" ] || { echo "build it first: cargo build --release -p charter-cli" >&2; exit 2; }
python3 -c 'import duckdb' 2>/dev/null || { echo "pip install duckdb" >&2; exit 2; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs a command under /usr/bin/time -v; prints "WALL_SECONDS MAX_RSS_MB".
measure() {
  /usr/bin/time -v "$@" >"$work/out" 2>"$work/time" || { cat "$work/time" >&2; exit 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time" \
    | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time")
  echo "$wall $((rss / 1024))"
}

rows=()
for n in "${sizes[@]}"; do
  p=$(( n / 100 > 0 ? n / 100 : 1 ))
  ev="$work/events-$n.ndjson" pa="$work/partners-$n.json"
  "$charter" gen-scenario --events "$n" --partners "$p" --tracks-only --currency USD \
    --out "$ev" --partners-out "$pa"
  mb=$(du -m "$ev" | cut -f1)
  read -r c_wall c_rss < <(measure "$charter" simulate policies/optimetriks.charter \
    --scenario "$ev" --partners "$pa" --format json)
  "$charter" simulate policies/optimetriks.charter --scenario "$ev" --partners "$pa" \
    --format json >"$work/charter.json"
  read -r d_wall d_rss < <(measure python3 crates/charter-sim/benches/duckdb_optimetriks.py \
    "$ev" "$pa" --totals "$work/duckdb.json")
  agree=$(python3 - "$work/charter.json" "$work/duckdb.json" <<'PY'
import json, sys
charter = {t["partner"]: t["amount"] for t in json.load(open(sys.argv[1]))["totals"]}
duck = json.load(open(sys.argv[2]))
same = sum(1 for k, v in charter.items() if duck.get(k) == v)
print(f"{same}/{len(charter)}")
PY
)
  rows+=("$(printf '%9s %8s %7s %12s %10s %12s %10s %9s' "$n" "$p" "${mb}MB" "${c_wall}s" "${c_rss}MB" "${d_wall}s" "${d_rss}MB" "$agree")")
done
printf '%9s %8s %7s %12s %10s %12s %10s %9s\n' events partners ndjson charter_wall charter_rss duckdb_wall duckdb_rss agree
printf '%s\n' "${rows[@]}"
