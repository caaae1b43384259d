#!/usr/bin/env bash
# Creates the Python venv for the peer benchmark (MediaPipe 0.10.14's own pose solution, the tool
# people use today) under target/peer-venv, from PyPI only. Idempotent: it does nothing when the
# venv already has the pinned versions. Prints the venv's python path on stdout.
#
# Usage: bash bench/setup-peer.sh     # then: target/peer-venv/bin/python bench/mediapipe_pose.py ...
# Env:   PEER_VENV=DIR to put the venv elsewhere; PYTHON=python3.11 to choose the interpreter
#        (mediapipe 0.10.14 ships wheels for CPython 3.8-3.12 on x86_64 Linux).
#
# Pins: OpenCV decodes the video, and its version changes the pixels MediaPipe sees. With
# opencv 5.0.0.93 (which needs NumPy 2; mediapipe 0.10.14's legacy solution runs with it) the
# script reproduces shared/data/videos/squat_side_gym_barbell.mediapipe_full.json exactly; with
# opencv 4.11 + NumPy 1.26 landmarks differed by up to 0.14 (normalised x/y). mediapipe itself
# depends on opencv-contrib-python; both packages install the same `cv2`, so both are pinned.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${PEER_VENV:-$PWD/target/peer-venv}"
PY="${PYTHON:-python3}"
PINS=("mediapipe==0.10.14" "opencv-python-headless==5.0.0.93" "opencv-contrib-python==5.0.0.93")

check() {
  "$VENV/bin/python" - <<'PY' 2>/dev/null
import mediapipe as mp, cv2, numpy
assert mp.__version__ == "0.10.14", mp.__version__
assert cv2.__version__ == "5.0.0", cv2.__version__
mp.solutions.pose.Pose  # the legacy solution API the benchmark uses
PY
}

# MediaPipe's wheel carries only the full landmark model; for lite and heavy it would download
# from storage.googleapis.com at first use, which this machine cannot reach. The npm package
# @mediapipe/pose (installed by scripts/setup.sh, sha256-pinned) has the same files, so they are
# copied into the wheel's folder, where MediaPipe looks before downloading.
place_models() {
  local dst
  dst="$("$VENV/bin/python" -c 'import mediapipe, os; print(os.path.join(os.path.dirname(mediapipe.__file__), "modules", "pose_landmark"))')"
  bash scripts/models.sh >&2
  for m in lite heavy; do
    [ -f "$dst/pose_landmark_$m.tflite" ] || cp "node_modules/@mediapipe/pose/pose_landmark_$m.tflite" "$dst/"
  done
}

if [ -x "$VENV/bin/python" ] && check; then
  place_models
  echo "$VENV/bin/python"
  exit 0
fi

"$PY" -m venv --clear "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}" >&2
if ! check; then
  echo "setup-peer: $VENV does not import mediapipe 0.10.14 with OpenCV 5.0.0; see the pip output above" >&2
  exit 1
fi
place_models
echo "$VENV/bin/python"
