#!/usr/bin/env bash
# Installs what Spotter needs on a fresh machine of this kind (Debian with rustup's Rust
# toolchain, Node.js and npm). Safe to run any number of times: it only installs what is missing.
#   - ffmpeg (Debian): decodes phone videos for `spotter pose` / `spotter analyze VIDEO`
#   - @mediapipe/pose (npm, Apache-2.0): the BlazePose model files, checked against pinned sha256
#   - crates from crates.io, exactly the versions in Cargo.lock
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found. Install Rust with rustup, then run this again." >&2
  exit 1
fi

if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
fi

bash scripts/models.sh

cargo fetch --locked --quiet
