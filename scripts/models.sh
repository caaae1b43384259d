#!/usr/bin/env bash
# Installs the BlazePose models from the npm package @mediapipe/pose (pinned in package-lock.json)
# into node_modules/@mediapipe/pose and checks each file against the sha256 pinned below.
# Idempotent: npm ci runs only when a file is missing or does not match.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=node_modules/@mediapipe/pose
SUMS="e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f  $DIR/pose_landmark_full.tflite
59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe  $DIR/pose_landmark_heavy.tflite
f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61  $DIR/pose_landmark_lite.tflite
a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85  $DIR/pose_solution_packed_assets.data"

if ! echo "$SUMS" | sha256sum --check --quiet --status 2>/dev/null; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm not found; it is needed once to install the pose models (@mediapipe/pose)." >&2
    exit 1
  fi
  npm ci --no-audit --no-fund --loglevel=error
  if ! echo "$SUMS" | sha256sum --check --quiet; then
    echo "setup: the pose model files in $DIR do not match their pinned sha256" >&2
    exit 1
  fi
fi
