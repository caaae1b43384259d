#!/usr/bin/env bash
# Side-by-side speed of Spotter's pose step and MediaPipe 0.10.14's Python pose solution on the
# same video with the same BlazePose model, interleaved in one run (Spotter, MediaPipe, Spotter,
# MediaPipe, ...) so both see the same machine load. Prints each run and the medians as JSON.
#
#   bash bench/compare-pose.sh [VIDEO|landscape] [MODEL] [ROUNDS]
#   defaults: the shared real squat clip if present, else examples/squat-side-gym-3s.mp4; full; 5
#   `landscape`: the repo clip padded to 1280x720 (bench/make-landscape.sh), as many phones film.
#
# The run guards itself: both tools must decode the same number of frames and find the person in
# the same number of them, in every round; otherwise no ratio is printed and it exits 1 (a run
# that lost the lifter must not look fast).
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
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
if [ "$VIDEO" = landscape ]; then
  bash bench/make-landscape.sh examples/squat-side-gym-3s.mp4 "$OUT/landscape-1280x720.mp4"
  VIDEO="$OUT/landscape-1280x720.mp4"
fi
MODEL="${2:-full}"
ROUNDS="${3:-5}"
THREADS="${SPOTTER_THREADS:-}"

PY="$(bash bench/setup-peer.sh)"
cargo build --release --locked --quiet -p spotter-cli
SPOTTER="${CARGO_TARGET_DIR:-target}/release/spotter"

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
# The guard: the same frames decoded, and the person found in the same frames, in every round.
mismatch = [
    {"round": i + 1, "spotter_frames": s["frames"], "mediapipe_frames": m["frames"],
     "spotter_frames_with_person": s["frames_with_person"], "mediapipe_frames_with_person": m["frames_with_person"]}
    for i, (s, m) in enumerate(zip(sp, mp))
    if s["frames"] != m["frames"] or s["frames_with_person"] != m["frames_with_person"]
]
if mismatch:
    print(json.dumps({"video": video, "model": model, "refused": "the two tools did not see the same frames "
                      "or the same person; a speed ratio would compare different work", "rounds": mismatch}, indent=1))
    sys.exit(1)
s_e2e = [r["fps_end_to_end"] for r in sp]; s_pose = [r["fps_pose"] for r in sp]
m_e2e = [r["fps_end_to_end"] for r in mp]; m_pose = [r["fps_pose_only"] for r in mp]
print(json.dumps({
    "video": video, "model": model, "rounds": rounds, "frames": sp[0]["frames"],
    "frames_with_person": sp[0]["frames_with_person"],
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
