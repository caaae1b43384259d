#!/usr/bin/env bash
# Side-by-side speed of Spotter's pose step and MediaPipe 0.10.14's Python pose solution on the
# same video with the same BlazePose model, interleaved in one run (Spotter, MediaPipe, Spotter,
# MediaPipe, ...) so both see the same machine load. Prints each run and the medians as JSON.
#
#   bash bench/compare-pose.sh [VIDEO] [MODEL] [ROUNDS]
#   defaults: the shared real squat clip if present, else examples/squat-side-gym-3s.mp4; full; 5
#
# Run with nothing else on the machine: a build next door costs MediaPipe about 20 %.
# Spotter's figures: fps end to end (decode on its own thread + pose + tracking, wall time of the
# frame loop; model loading excluded as for MediaPipe, whose Pose() construction is excluded too)
# and fps of the pose step alone. MediaPipe's: the same two (see bench/mediapipe_pose.py).
set -euo pipefail
cd "$(dirname "$0")/.."
VIDEO="${1:-}"
if [ -z "$VIDEO" ]; then
  if [ -f ../shared/data/videos/squat_side_gym_barbell.mp4 ]; then VIDEO=../shared/data/videos/squat_side_gym_barbell.mp4
  else VIDEO=examples/squat-side-gym-3s.mp4; fi
fi
MODEL="${2:-full}"
ROUNDS="${3:-5}"
THREADS="${SPOTTER_THREADS:-}"

PY="$(bash bench/setup-peer.sh)"
cargo build --release --locked --quiet -p spotter-cli
SPOTTER="${CARGO_TARGET_DIR:-target}/release/spotter"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

for i in $(seq 1 "$ROUNDS"); do
  "$SPOTTER" pose "$VIDEO" -o "$OUT/spotter.json" --model "$MODEL" --quiet --stats "$OUT/spotter-$i.json" ${THREADS:+--threads "$THREADS"}
  "$PY" bench/mediapipe_pose.py --video "$VIDEO" --model "$MODEL" --out "$OUT/mediapipe.json" --repeat 1 > "$OUT/mediapipe-$i.json"
done

python3 - "$OUT" "$ROUNDS" "$VIDEO" "$MODEL" <<'PY'
import json, statistics, sys
out, rounds, video, model = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sp = [json.load(open(f"{out}/spotter-{i}.json")) for i in range(1, rounds + 1)]
mp = [json.load(open(f"{out}/mediapipe-{i}.json"))["median_over_runs"] for i in range(1, rounds + 1)]
med = statistics.median
s_e2e = [r["fps_end_to_end"] for r in sp]; s_pose = [r["fps_pose"] for r in sp]
m_e2e = [r["fps_end_to_end"] for r in mp]; m_pose = [r["fps_pose_only"] for r in mp]
print(json.dumps({
    "video": video, "model": model, "rounds": rounds, "frames": sp[0]["frames"],
    "spotter": {"fps_end_to_end": s_e2e, "fps_pose": s_pose, "threads": sp[0]["threads"],
                "pose_ms_median": [r["pose_ms_median"] for r in sp], "detector_runs": sp[0]["detector_runs"]},
    "mediapipe": {"fps_end_to_end": m_e2e, "fps_pose_only": m_pose,
                  "ms_per_frame_median": [r.get("ms_per_frame_median") for r in mp]},
    "median": {"spotter_fps_end_to_end": med(s_e2e), "mediapipe_fps_end_to_end": med(m_e2e),
               "ratio_end_to_end": med(s_e2e) / med(m_e2e),
               "spotter_fps_pose": med(s_pose), "mediapipe_fps_pose_only": med(m_pose),
               "ratio_pose": med(s_pose) / med(m_pose)},
}, indent=1))
PY
