#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, one after the
# other, and prints executions, coverage and crashes per target.
#
#   bash fuzz/run-all.sh 60                  # every target, 60 s each
#   bash fuzz/run-all.sh 300 parse check     # two targets, 5 minutes each
#   JOBS=2 bash fuzz/run-all.sh 600 simulate # two libFuzzer workers
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain the
# nightly-only sanitizer flags are allowed by RUSTC_BOOTSTRAP=1. Logs go to
# fuzz/logs/<target>.log, crashes to fuzz/artifacts/<target>/.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: run-all.sh SECONDS [TARGET...]}
shift
export RUSTC_BOOTSTRAP=1
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz); fi
[ -d fuzz/corpus ] || bash fuzz/seed-corpus.sh
mkdir -p fuzz/logs
cargo fuzz build --fuzz-dir fuzz || exit 2
bin=fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release

rows=()
jobs=()
if [ "${JOBS:-1}" -gt 1 ]; then jobs=(-jobs="$JOBS" -workers="$JOBS"); fi
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  log="fuzz/logs/$t.log"
  echo "fuzzing $t for ${seconds}s ..." >&2
  # The binary directly: `cargo fuzz run` would rebuild whenever a source
  # file changes, which is often in a shared checkout.
  # The structure-aware target reads its input as choices, not text: let it
  # use long inputs from the start.
  case $t in
    simulate_events) len=(-max_len=8192 -len_control=0) ;;
    *) len=(-max_len=262144) ;;
  esac
  "$bin/$t" -artifact_prefix="fuzz/artifacts/$t/" "fuzz/corpus/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 "${len[@]}" \
    -print_final_stats=1 "${jobs[@]}" >"$log" 2>&1
  status=$?
  # With -jobs, libFuzzer writes each worker's output to fuzz-N.log.
  if [ ${#jobs[@]} -gt 0 ]; then cat fuzz-*.log >>"$log" 2>/dev/null; rm -f fuzz-*.log; fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
  last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  crashes=$(find "fuzz/artifacts/$t" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  rows+=("$(printf '%-18s %12s %8s %8s %8s %8s  %s' "$t" "$execs" "${cov:-?}" "${ft:-?}" "$corpus" "$crashes" "$([ $status -eq 0 ] && echo ok || echo "exit $status")")")
done

printf '%-18s %12s %8s %8s %8s %8s  %s\n' target executions cov features corpus crashes status
printf '%s\n' "${rows[@]}"
