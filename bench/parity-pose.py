#!/usr/bin/env python3
"""Landmark agreement between two keypoint JSON files of the same video (Spotter's `spotter pose`
output and MediaPipe's, e.g. from bench/mediapipe_pose.py), frame by frame.

For each frame where both found the person, each landmark's distance in image pixels is divided
by the person's height in that frame, taken as the vertical span of MediaPipe's 33 landmarks in
pixels (eyes/nose to heels/toes: a little less than standing height, and less when squatting, so
the fractions are on the strict side). Reported as mean and 95th percentile per
landmark group, plus frames where only one of the two found a person.

  python3 bench/parity-pose.py SPOTTER.json MEDIAPIPE.json [--skip N]

--skip N leaves out the first N frames (both tools start from a fresh detection; smoothing
settles within a few frames).
"""
import argparse
import json
import math
import statistics

GROUPS = {
    "face (0-10)": range(0, 11),
    "arms (11-22)": range(11, 23),
    "hips (23-24)": range(23, 25),
    "legs (25-32)": range(25, 33),
    "all 33": range(0, 33),
}


def load(path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    return d, d["frames"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spotter")
    ap.add_argument("mediapipe")
    ap.add_argument("--skip", type=int, default=0)
    args = ap.parse_args()
    sd, sf = load(args.spotter)
    md, mf = load(args.mediapipe)
    # bench/mediapipe_pose.py writes width/height at the top; the shared reference files keep
    # them under video_info.
    info = md if "width" in md else md["video_info"]
    w, h = info["width"], info["height"]
    n = min(len(sf), len(mf))
    errs = {g: [] for g in GROUPS}
    only_spotter = only_mp = both = 0
    for i in range(args.skip, n):
        a, b = sf[i].get("landmarks"), mf[i].get("landmarks")
        if a is None and b is None:
            continue
        if a is None:
            only_mp += 1
            continue
        if b is None:
            only_spotter += 1
            continue
        both += 1
        ys = [p[1] * h for p in b]
        height = max(ys) - min(ys)
        if height <= 0:
            continue
        d = [math.hypot((a[k][0] - b[k][0]) * w, (a[k][1] - b[k][1]) * h) / height for k in range(33)]
        for g, idx in GROUPS.items():
            errs[g].append(statistics.fmean(d[k] for k in idx))
    out = {
        "frames_compared": both,
        "frames_only_mediapipe_found_person": only_mp,
        "frames_only_spotter_found_person": only_spotter,
        "skipped_first_frames": args.skip,
        "error_over_person_height": {
            g: {"mean": statistics.fmean(v), "p95": sorted(v)[int(0.95 * (len(v) - 1))], "max": max(v)}
            for g, v in errs.items() if v
        },
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
