#!/usr/bin/env bash
# Makes a 1280x720 landscape version of a portrait clip, as a phone held sideways films it: the
# picture scaled to 720 pixels high and padded with black to 1280 wide (the lifter keeps their
# size in pixels relative to the frame height). Same frames, same timing, H.264.
#   bash bench/make-landscape.sh IN.mp4 OUT.mp4
set -euo pipefail
IN="$1"; OUT="$2"
ffmpeg -v error -y -i "$IN" -vf "scale=-2:720,pad=1280:720:(ow-iw)/2:0:black,setsar=1" \
  -c:v libx264 -preset medium -crf 18 -pix_fmt yuv420p -an "$OUT"
