#!/usr/bin/env bash
# Peak memory (maximum resident set size, /usr/bin/time -v) of `spotter analyze` on long inputs:
# a 60-second and a 10-minute video made by looping the repo clip (examples/squat-side-gym-3s.mp4)
# with ffmpeg, and synthetic keypoint JSON files of 10 minutes and one hour at 30 fps (the motion
# crate's generator, examples/bench_stream.rs `write`). Issue 11: memory must not grow with the
# length of a video or a keypoint file (the two of each within 10 % of each other).
#
# Usage: bench/memory.sh [SPOTTER_BINARY [BEFORE_BINARY]]
#   SPOTTER_BINARY defaults to target/release/spotter (built here if missing);
#   BEFORE_BINARY, if given, is measured on the same inputs for comparison (e.g. the previous
#   commit's binary).
# Environment: MEMORY_SKIP_LONG=1 skips the 10-minute video and the one-hour file.
# The machine this project runs on is shared and noisy: run once per input, figures are single runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/spotter}
before=${2:-}
[ -x "$bin" ] || cargo build --release -p spotter-cli
cargo build --release -q -p spotter-motion --example bench_stream
work=${MEMORY_WORK:-$(mktemp -d)}
mkdir -p "$work"
clip=examples/squat-side-gym-3s.mp4
lift=(--exercise back_squat --body-mass 80 --height 1.78 --load 60 --format json)

video() { # seconds file
  [ -s "$2" ] || ffmpeg -v error -y -stream_loop -1 -i "$clip" -t "$1" -c copy "$2"
}
keypoints() { # seconds file
  [ -s "$2" ] || target/release/examples/bench_stream write "$1" "$2"
}
peak() { # binary input -> "peak_kb seconds reps"
  local out
  out=$( { /usr/bin/time -v "$1" analyze "$2" "${lift[@]}" > "$work/out.json"; } 2>&1 )
  local kb s
  kb=$(grep 'Maximum resident set size' <<<"$out" | awk '{print $NF}')
  s=$(grep 'Elapsed (wall clock)' <<<"$out" | awk '{print $NF}')
  echo "$kb $s $(grep -c '"index"' "$work/out.json")"
}
report() { # label binary input
  read -r kb s reps < <(peak "$2" "$3")
  printf '%-34s %-10s peak %7.1f MB  wall %8s  reps %s\n' "$1" "$(basename "$2")" "$(echo "$kb / 1024" | bc -l)" "$s" "$reps"
}

video 60 "$work/loop-60s.mp4"
keypoints 600 "$work/keypoints-10min.json"
inputs=("video 60 s:$work/loop-60s.mp4" "keypoints 10 min:$work/keypoints-10min.json")
if [ -z "${MEMORY_SKIP_LONG:-}" ]; then
  video 600 "$work/loop-10min.mp4"
  keypoints 3600 "$work/keypoints-1h.json"
  inputs+=("video 10 min:$work/loop-10min.mp4" "keypoints 1 h:$work/keypoints-1h.json")
fi
for i in "${inputs[@]}"; do
  label=${i%%:*}; input=${i#*:}
  report "$label ($(du -h "$input" | cut -f1))" "$bin" "$input"
  [ -n "$before" ] && report "$label ($(du -h "$input" | cut -f1))" "$before" "$input"
done
echo "inputs in $work"
