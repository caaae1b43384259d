#!/usr/bin/env bash
# Load on the web app (issue 13): POST /api/v1/triage with the self-care example answers, at 64
# connections on loopback, with wrk (Debian's package), against `spotter serve` from the release
# build; then the same while a video analysis runs beside it (`spotter analyze` on a 10-minute clip
# looped from the repo clip, in its own process: the server's video jobs are not built yet).
# Goal: at least 20,000 requests/s with p99 under 10 ms on a 2-core machine.
#
# Usage: bench/load.sh [DURATION_SECONDS] (default 15). Prints wrk's summary and latency
# distribution for each run. The machine is shared: run it with nothing else running, and repeat.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
[ -x target/release/spotter ] || cargo build --release --locked -p spotter-cli
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; kill $analysis 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/triage.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("examples/intake-self-care.json", "r")
wrk.body = f:read("*a")
f:close()
LUA
target/release/spotter serve --addr 127.0.0.1:0 --data-dir "$work" > "$work/serve.out" 2> /dev/null &
server=$!
for _ in $(seq 100); do grep -q '^listening on' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/serve.out")
curl -sf -X POST -H 'Content-Type: application/json' --data @examples/intake-self-care.json "$url/api/v1/triage" | grep -q '"tier": "self_care"'
echo "== POST /api/v1/triage, 64 connections, 2 threads, ${secs} s (server alone)"
wrk -t2 -c64 -d"${secs}s" --latency -s "$work/triage.lua" "$url/api/v1/triage"
ffmpeg -v error -y -stream_loop -1 -i examples/squat-side-gym-3s.mp4 -t 600 -c copy "$work/loop-10min.mp4"
target/release/spotter analyze "$work/loop-10min.mp4" --exercise back_squat --body-mass 80 --height 1.78 --format json > /dev/null 2>&1 &
analysis=$!
sleep 3
echo "== the same while a video analysis runs"
wrk -t2 -c64 -d"${secs}s" --latency -s "$work/triage.lua" "$url/api/v1/triage"
kill "$analysis" 2>/dev/null || true
