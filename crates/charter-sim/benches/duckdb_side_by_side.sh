#!/usr/bin/env bash
# Charter against one DuckDB query, side by side on the same files.
#
# For each size: `charter gen-scenario --shape billing-export --events N`
# (an Optimetriks billing export: one partner per 100 events, half Referral,
# half Affiliate; referrals or partner-sold Starter orders, then 1 to 8
# monthly invoices of 100.00 each paid 5 days later), then, each under
# /usr/bin/time -v (wall time, CPU time = user + system, max RSS):
#   - charter simulate policies/optimetriks.charter --format json  > file
#   - dd writing as many bytes as that report into a new file (the floor
#     under any program that writes the report)
#   - charter simulate policies/optimetriks.charter --format csv   > file
#   - duckdb_optimetriks.py (one SQL query computing the same per-partner totals)
# then compares every partner's total (JSON totals, and the CSV payouts summed
# per partner) with DuckDB's to the cent, and prints a markdown table.
# Exits 1 when any total disagrees (after printing the table), 2 on a usage
# or setup error, 3 when a command fails.
#
#   cargo build --release -p charter-cli
#   python3 -m venv target/bench/venv && target/bench/venv/bin/pip install duckdb
#   bash crates/charter-sim/benches/duckdb_side_by_side.sh \
#       --charter target/release/charter --python target/bench/venv/bin/python [SIZES...]
#
# Options (each also read from the environment variable in brackets):
#   --charter PATH   the release `charter` binary [CHARTER; default target/release/charter]
#   --python PATH    a Python with `duckdb` installed [PYTHON; default python3]
#   --repeat N       run each command N times, report the medians [REPEAT; 1]
#   --shape SHAPE    billing-export (default) or mixed (`gen-scenario --tracks-only`,
#                    every event type) [SHAPE]
#   --work DIR       keep the generated files and outputs in DIR [WORK; a temporary
#                    folder, removed at exit]
#   --smoke          10,000 events only: the CI check that the totals agree
#   SIZES            event counts [default: 10000 100000 1000000]; 10000000 is about
#                    1.1 GB of NDJSON
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
here="$root/crates/charter-sim/benches"
charter=${CHARTER:-$root/target/release/charter}
python=${PYTHON:-python3}
repeat=${REPEAT:-1}
shape=${SHAPE:-billing-export}
work=${WORK:-}
sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --charter) charter=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --shape) shape=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --smoke) sizes=(10000); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) sizes+=("$1"); shift ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
[ -x "$charter" ] || { echo "no charter binary at $charter: cargo build --release -p charter-cli, or give --charter" >&2; exit 2; }
"$python" -c 'import duckdb' 2>/dev/null || { echo "$python cannot import duckdb: pip install duckdb, or give --python" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
case "$shape" in
  billing-export) gen_flags=(--shape billing-export) ;;
  mixed) gen_flags=(--shape mixed --tracks-only) ;;
  *) echo "--shape is billing-export or mixed" >&2; exit 2 ;;
esac
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || { echo "--repeat takes a positive count" >&2; exit 2; }
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
policy="$root/policies/optimetriks.charter"

# Runs a command under /usr/bin/time -v, stdout to the file $1; sets WALL
# (seconds) and RSS (max resident set, MB).
measure() {
  local out=$1; shift
  if ! /usr/bin/time -v "$@" >"$out" 2>"$work/time"; then
    echo "failed: $*" >&2; tail -n 30 "$work/time" >&2; exit 3
  fi
  WALL=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time" \
    | awk -F: '{ if (NF == 3) printf "%.2f", $1*3600 + $2*60 + $3; else printf "%.2f", $1*60 + $2 }')
  RSS=$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time") / 1024 ))
  CPU=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$work/time")
}

# `measure` --repeat times; sets WALL, CPU and RSS to the medians.
median_of() {
  local i walls=() cpus=() rsses=() mid=$((repeat / 2 + 1))
  for ((i = 0; i < repeat; i++)); do
    measure "$@"
    walls+=("$WALL") cpus+=("$CPU") rsses+=("$RSS")
  done
  WALL=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "${mid}p")
  CPU=$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n "${mid}p")
  RSS=$(printf '%s\n' "${rsses[@]}" | sort -n | sed -n "${mid}p")
}

# 1234567 → 1,234,567
commas() { printf '%s' "$1" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "—" }'; }

echo "charter: $charter (source tree at $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'))" >&2
echo "duckdb: $("$python" -c 'import duckdb; print(duckdb.__version__)'), shape: $shape, repeat: $repeat" >&2
echo "load before: $(uptime | sed 's/.*load average/load average/')" >&2

rows=()
disagree=0
for n in "${sizes[@]}"; do
  p=$(( n / 100 > 0 ? n / 100 : 1 ))
  ev="$work/events-$n.ndjson" pa="$work/partners-$n.json"
  [ -s "$ev" ] && [ -s "$pa" ] || "$charter" gen-scenario "${gen_flags[@]}" --events "$n" \
    --partners "$p" --out "$ev" --partners-out "$pa"
  lines=$(wc -l <"$ev")
  mb=$(awk -v b="$(stat -L -c %s "$ev")" 'BEGIN { printf (b < 1e7 ? "%.1f" : "%.0f"), b / 1e6 }')
  echo "$n events: $lines lines, $mb MB" >&2
  median_of "$work/charter-$n.json" "$charter" simulate "$policy" \
    --scenario "$ev" --partners "$pa" --format json
  j_wall=$WALL j_cpu=$CPU j_rss=$RSS
  # The floor under any JSON time: writing as many bytes into a new file
  # (dd of zeros in 1 MiB blocks; the page cache's cost, which on a VM
  # includes the host backing each fresh page).
  bytes=$(stat -c %s "$work/charter-$n.json")
  median_of /dev/null bash -c 'rm -f "$1"; dd if=/dev/zero of="$1" bs=1M count="$2" iflag=count_bytes status=none; rm -f "$1"' \
    floor "$work/floor-$n" "$bytes"
  f_wall=$WALL
  report_mb=$(awk -v b="$bytes" 'BEGIN { printf (b < 1e7 ? "%.1f" : "%.0f"), b / 1e6 }')
  median_of "$work/charter-$n.csv" "$charter" simulate "$policy" \
    --scenario "$ev" --partners "$pa" --format csv
  c_wall=$WALL c_cpu=$CPU c_rss=$RSS
  median_of "$work/duckdb-$n.log" "$python" "$here/duckdb_optimetriks.py" \
    "$ev" "$pa" --totals "$work/duckdb-$n.json"
  d_wall=$WALL d_cpu=$CPU d_rss=$RSS
  # Every partner of the partners file, to the cent: JSON totals, CSV payouts
  # summed per partner (a partner without payouts: 0.00), DuckDB's totals.
  counts=$("$python" - "$pa" "$work/charter-$n.json" "$work/charter-$n.csv" \
    "$work/duckdb-$n.json" <<'PY'
import csv, json, sys
from decimal import Decimal
partners_file, charter_json, charter_csv, duck_json = sys.argv[1:]
text = open(partners_file).read()
try:
    partners = [p["id"] for p in json.loads(text)]
except ValueError:
    partners = [json.loads(line)["id"] for line in text.splitlines() if line.strip()]
# The JSON output is pretty-printed and can be gigabytes: only its `totals`
# array is read, line by line.
totals, inside = [], False
with open(charter_json) as f:
    for line in f:
        if not inside:
            inside = line.startswith('  "totals": [')
        elif line.startswith("  ]"):
            break
        else:
            totals.append(line)
from_json = {t["partner"]: Decimal(t["amount"]) for t in json.loads("[" + "".join(totals) + "]")}
from_csv, payouts = {}, 0
with open(charter_csv, newline="") as f:
    for row in csv.DictReader(f):
        payouts += 1
        from_csv[row["partner"]] = from_csv.get(row["partner"], Decimal(0)) + Decimal(row["amount"])
duck = {k: Decimal(v) for k, v in json.load(open(duck_json)).items()}
def agree(charter):
    bad = [p for p in partners if charter.get(p, Decimal(0)) != duck.get(p)]
    for p in bad[:5]:
        print(f"disagree: {p}: charter {charter.get(p, Decimal(0))}, duckdb {duck.get(p)}", file=sys.stderr)
    return len(partners) - len(bad)
print(len(partners), payouts, agree(from_json), agree(from_csv))
PY
)
  read -r partners payouts j_agree c_agree <<<"$counts"
  [ "$j_agree" = "$partners" ] && [ "$c_agree" = "$partners" ] || disagree=1
  rows+=("$(printf '| %s | %s | %s | %s | %s s / %s s / %s MB | %s MB: %s s | %s s / %s s / %s MB | %s s / %s s / %s MB | %s / %s | %s / %s | %s |' \
    "$(commas "$lines")" "$(commas "$partners")" "$mb" "$(commas "$payouts")" \
    "$j_wall" "$j_cpu" "$j_rss" "$report_mb" "$f_wall" "$c_wall" "$c_cpu" "$c_rss" "$d_wall" "$d_cpu" "$d_rss" \
    "$(ratio "$j_wall" "$d_wall")" "$(ratio "$c_wall" "$d_wall")" \
    "$(ratio "$j_rss" "$d_rss")" "$(ratio "$c_rss" "$d_rss")" \
    "$j_agree / $c_agree of $partners")")
done
echo "load after: $(uptime | sed 's/.*load average/load average/')" >&2

echo "| events | partners | NDJSON MB | payouts | charter JSON: wall / CPU / max RSS | JSON report: size, dd of as many bytes | charter CSV: wall / CPU / max RSS | DuckDB: wall / CPU / max RSS | wall ÷ DuckDB (JSON / CSV) | RSS ÷ DuckDB (JSON / CSV) | totals agreeing (JSON / CSV) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
if [ "$disagree" -ne 0 ]; then
  echo "some totals disagree with DuckDB's (see above)" >&2
  exit 1
fi
