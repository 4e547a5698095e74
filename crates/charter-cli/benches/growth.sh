#!/usr/bin/env bash
# Growth benchmark (issue 8, section 7): every path that used to be quadratic,
# run as the whole `charter` command (release binary, output to /dev/null) at
# 1k, 10k and 100k items, printed as a markdown table for BENCHMARKS.md.
#
#   bash crates/charter-cli/benches/growth.sh                 # builds, then runs
#   CHARTER=/path/to/charter bash crates/charter-cli/benches/growth.sh
#   SIZES="1000 10000" PATHS="simulate diff" TIMEOUT=60 bash crates/charter-cli/benches/growth.sh
#
# Inputs come from `crates/charter-cli/examples/growth_inputs.rs` (see its
# table of paths); they are written once under $WORK (default: a folder in
# target/) and reused. A run longer than $TIMEOUT seconds is stopped and
# shown as "> TIMEOUT s". Each cell is the wall time of the fastest of $RUNS
# runs (default 1) and, in parentheses, its CPU time (user + system).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
SIZES="${SIZES:-1000 10000 100000}"
PATHS="${PATHS:-simulate roster diff exclusive did-you-mean region-cycle tier-chain choose-one warnings warnings-json}"
TIMEOUT="${TIMEOUT:-300}"
RUNS="${RUNS:-1}"
WORK="${WORK:-$TARGET/growth-inputs}"

if [[ -z "${CHARTER:-}" ]]; then
    (cd "$ROOT" && cargo build --release -q -p charter-cli) >&2
    CHARTER="$TARGET/release/charter"
fi
GEN="${GEN:-}"
if [[ -z "$GEN" ]]; then
    (cd "$ROOT" && cargo build --release -q -p charter-cli --example growth_inputs) >&2
    GEN="$TARGET/release/examples/growth_inputs"
fi

# The generator's path of a benchmark row (two rows share the warnings policy).
input_of() {
    case "$1" in
        warnings-json) echo warnings ;;
        *) echo "$1" ;;
    esac
}

# The command a row runs, inside the inputs folder.
command_of() {
    case "$1" in
        simulate | roster)
            echo "$CHARTER simulate policy.charter --scenario events.ndjson --partners partners.json" ;;
        diff)
            echo "$CHARTER diff policy.charter policy2.charter --scenario events.ndjson --partners partners.json" ;;
        warnings-json)
            echo "$CHARTER check --format json policy.charter" ;;
        *)
            echo "$CHARTER check policy.charter" ;;
    esac
}

describe() {
    case "$1" in
        simulate) echo "\`simulate\` (table), N partners with a sale each" ;;
        roster) echo "\`simulate\`, N partners also in the policy's roster" ;;
        diff) echo "\`diff\`, N partners" ;;
        exclusive) echo "\`check\`, N partners exclusive in one country" ;;
        did-you-mean) echo "\`check\`, 0.8 N benefits, 0.2 N misspelt elections" ;;
        region-cycle) echo "\`check\`, N/2 regions in one cycle + N/4 two-region cycles" ;;
        tier-chain) echo "\`check\`, N tiers, each requiring more" ;;
        choose-one) echo "\`check\`, \`choose one of\` N benefits" ;;
        warnings) echo "\`check\` (human), N unused-region warnings" ;;
        warnings-json) echo "\`check --format json\`, N unused-region warnings" ;;
    esac
}

# "wall s (cpu s)" of the fastest of $RUNS runs (cpu: user + system time,
# which other jobs on the machine disturb less than the wall time), or
# "> TIMEOUT s".
measure() {
    local dir="$1" cmd="$2" best="" best_cpu="" times
    times=$(mktemp)
    for _ in $(seq "$RUNS"); do
        local status=0
        (cd "$dir" && timeout "$TIMEOUT" /usr/bin/time -f "%e %U %S" -o "$times" $cmd >/dev/null 2>&1) || status=$?
        if [[ $status -eq 124 ]]; then
            rm -f "$times"
            echo "> $TIMEOUT s"
            return
        fi
        local wall cpu
        wall=$(tail -n 1 "$times" | cut -d' ' -f1)
        cpu=$(tail -n 1 "$times" | awk '{print $2 + $3}')
        if [[ -z "$best" ]] || (($(echo "$wall < $best" | bc -l))); then
            best=$wall
            best_cpu=$cpu
        fi
    done
    rm -f "$times"
    printf "%.2f s (%.2f s)" "$best" "$best_cpu"
}

header="| path |"
rule="|---|"
for n in $SIZES; do
    if ((n % 1000 == 0)); then header+=" $((n / 1000))k |"; else header+=" $n |"; fi
    rule+="---|"
done
echo "$header"
echo "$rule"
for path in $PATHS; do
    row="| $(describe "$path") |"
    for n in $SIZES; do
        input="$(input_of "$path")"
        dir="$WORK/$input-$n"
        if [[ ! -f "$dir/policy.charter" ]]; then
            "$GEN" "$input" "$n" "$dir"
        fi
        row+=" $(measure "$dir" "$(command_of "$path")") |"
    done
    echo "$row"
done
