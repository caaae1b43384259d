#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ one after another, each until 10 million executions or the
# given number of seconds (default 1800), whichever comes first, with a 2 GiB memory limit and a
# 10 s per-input timeout; one process at a time (the machine has 2 cores). Stops at the first
# target that finds a crash, an out-of-memory or a timeout (its input is in fuzz/artifacts/).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 60   or   scripts/fuzz.sh 1800 uiprmd
#
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz --locked`). Logs go to fuzz/logs/;
# the summary line of each run (executions, exec/s, peak RSS, corpus) is printed at the end.
# docs/fuzzing.md has the figures of the last full run and why the sanitizer is off by default
# (SANITIZER=address turns AddressSanitizer back on, at about a sixth of the speed).
set -euo pipefail

SECONDS_EACH="${1:-1800}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(answers analysis_json keypoints_json keypoints_csv uiprmd)
RUNS=10000000
SANITIZER="${SANITIZER:-none}"

cd "$(dirname "$0")/../fuzz"

# Longest input tried, in bytes: a few pages for the small JSON readers; the keypoint and
# marker readers get room for several seconds of frames.
max_len() {
  case "$1" in
    answers | analysis_json) echo 65536 ;;
    keypoints_json | uiprmd) echo 131072 ;;
    keypoints_csv) echo 262144 ;;
    *) echo "unknown target $1" >&2; exit 2 ;;
  esac
}

# The working corpus (ignored by git) starts from the repository's full-size files.
[ -d corpus ] || python3 make_seeds.py

# What is fuzzed: the commit, and whether the crates under test differed from it when built.
code="$(git rev-parse --short HEAD)"
changed="$(git status --short -- ../crates/spotter-kb ../crates/spotter-triage ../crates/spotter-motion | awk '{print $2}' | tr '\n' ' ')"
[ -z "$changed" ] || code="$code + uncommitted changes to ${changed% }"
started="$(date -u +%FT%TZ)"
cargo +nightly fuzz build -s "$SANITIZER"
mkdir -p logs
summary=()
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  log="logs/$t.log"
  echo "== $t: up to $RUNS runs or $SECONDS_EACH s, max_len $(max_len "$t"), sanitizer $SANITIZER (log: fuzz/$log)"
  start=$(date +%s)
  status=0
  mkdir -p "artifacts/$t"
  # The binary built above, run directly (as `cargo fuzz run` does), so every target runs the
  # same build even when the sources change meanwhile.
  "target/x86_64-unknown-linux-gnu/release/$t" -artifact_prefix="artifacts/$t/" "corpus/$t" "seeds/$t" \
    -dict="dicts/$t.dict" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10 \
    -runs="$RUNS" -max_total_time="$SECONDS_EACH" -print_final_stats=1 >"$log" 2>&1 || status=$?
  wall=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)
  result=$([ "$status" -eq 0 ] && echo "no finding" || echo "FINDING (exit $status), see fuzz/$log")
  line="$t: ${execs:-?} executions, ${rate:-?} exec/s, ${secs:-?} s fuzzing (${wall} s wall), peak RSS ${rss:-?} MB, corpus ${corp:-?} (inputs/bytes), $result"
  echo "$line"
  summary+=("$line")
  [ "$status" -eq 0 ] || break
done
echo
echo "== summary: $code; $started to $(date -u +%FT%TZ); sanitizer $SANITIZER"
printf '%s\n' "${summary[@]}"
