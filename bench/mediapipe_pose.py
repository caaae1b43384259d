#!/usr/bin/env python3
"""Peer benchmark: MediaPipe 0.10.14's own pose solution on a video, as people use it today.

Runs `mp.solutions.pose.Pose(static_image_mode=False, model_complexity=0|1|2,
smooth_landmarks=True, enable_segmentation=False)` (other settings at their defaults) on every
frame of a video decoded with OpenCV (BGR -> RGB, full resolution), writes the landmarks as keypoint
JSON and prints timing as one JSON object on stdout.

The keypoint JSON has the layout of shared/data/videos/*.mediapipe_*.json (`config`, `machine`,
`video_info`, `median_over_runs`, `frames[{frame, timestamp_ms, landmarks, world_landmarks}]`) plus
the fields of the spec's keypoint JSON (top-level `fps`, `width`, `height`, `layout`, per-frame `t`
in seconds), so both Spotter's keypoint reader and a diff against the shared files work on it.
`timestamp_ms` is frame_index * 1000 / fps (the shared files' convention); `t` is the frame's
presentation time from OpenCV (CAP_PROP_POS_MSEC / 1000), which also holds for variable frame rate.

Timing (stdout), each the median over --repeat runs of the whole clip in one process:
  fps_pose_only        frames / sum of Pose.process() wall time
  fps_end_to_end       frames / wall time of the loop (decode + BGR->RGB + pose + extraction)
  ms_per_frame_median  median Pose.process() wall time per frame, ms
  first_frame_ms       Pose.process() wall time of frame 0 (includes graph start-up), ms
  init_s               Pose() construction time, s
Every run builds a fresh Pose() and re-opens the video, so runs are independent; the script also
reports whether all runs gave identical landmarks. Interleaving with another tool is left to the
caller: run this script once per measurement (--repeat 1) and alternate.

Usage:
  target/peer-venv/bin/python bench/mediapipe_pose.py --video CLIP.mp4 --model full \
      --out landmarks.json [--repeat 3] [--compare REFERENCE.json] [--max-frames N]
Set up the venv with `bash bench/setup-peer.sh`.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

MODELS = {"lite": 0, "full": 1, "heavy": 2}


def machine_info(cv2, mp):
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "os_cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "mediapipe": mp.__version__,
        "opencv": cv2.__version__,
    }


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def run_once(args, cv2, mp):
    """One full pass over the video. Returns (frames, video_info, timing)."""
    cap = cv2.VideoCapture(args.video)
    if not cap.isOpened():
        raise SystemExit(f"mediapipe_pose: OpenCV cannot open {args.video!r}")
    fps = cap.get(cv2.CAP_PROP_FPS)
    info = {
        "width": int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
        "height": int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        "fps": fps,
        "frame_count_reported": int(cap.get(cv2.CAP_PROP_FRAME_COUNT)),
    }
    t0 = time.perf_counter()
    pose = mp.solutions.pose.Pose(
        static_image_mode=False,
        model_complexity=MODELS[args.model],
        smooth_landmarks=True,
        enable_segmentation=False,
    )
    init_s = time.perf_counter() - t0
    frames, pose_ms = [], []
    decode_s = convert_s = extract_s = 0.0
    cpu0 = time.process_time()
    loop0 = time.perf_counter()
    index = 0
    while args.max_frames is None or index < args.max_frames:
        a = time.perf_counter()
        ok, bgr = cap.read()
        b = time.perf_counter()
        decode_s += b - a
        if not ok:
            break
        pos_ms = cap.get(cv2.CAP_PROP_POS_MSEC)
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        c = time.perf_counter()
        convert_s += c - b
        result = pose.process(rgb)
        d = time.perf_counter()
        pose_ms.append((d - c) * 1000.0)
        lms = result.pose_landmarks
        wls = result.pose_world_landmarks
        frames.append({
            "frame": index,
            "timestamp_ms": index * 1000.0 / fps if fps > 0 else pos_ms,
            "t": pos_ms / 1000.0,
            "landmarks": None if lms is None else [[p.x, p.y, p.z, p.visibility] for p in lms.landmark],
            "world_landmarks": None if wls is None else [[p.x, p.y, p.z] for p in wls.landmark],
        })
        extract_s += time.perf_counter() - d
        index += 1
    loop_s = time.perf_counter() - loop0
    cpu_s = time.process_time() - cpu0
    pose.close()
    cap.release()
    n = len(frames)
    if n == 0:
        raise SystemExit(f"mediapipe_pose: no frame decoded from {args.video!r}")
    pose_s = sum(pose_ms) / 1000.0
    timing = {
        "frames": n,
        # Frames where MediaPipe found the person: a run that lost the lifter is not comparable.
        "frames_with_person": sum(1 for f in frames if f["landmarks"] is not None),
        "fps_pose_only": n / pose_s,
        "fps_end_to_end": n / loop_s,
        "fps_end_to_end_incl_init": n / (loop_s + init_s),
        "fps_decode_only": n / decode_s if decode_s > 0 else None,
        "ms_per_frame_median": statistics.median(pose_ms),
        "first_frame_ms": pose_ms[0],
        "init_s": init_s,
        "decode_s": decode_s,
        "convert_s": convert_s,
        "pose_s": pose_s,
        "extract_s": extract_s,
        "loop_wall_s": loop_s,
        "own_cpu_cores_avg": cpu_s / loop_s,
    }
    return frames, info, timing


def compare(frames, reference_path):
    """Max |difference| of landmarks and world landmarks against a reference keypoint JSON."""
    with open(reference_path, encoding="utf-8") as f:
        ref = json.load(f)["frames"]
    out = {"reference": reference_path, "frames_ours": len(frames), "frames_reference": len(ref),
           "presence_mismatches": 0, "max_abs_diff_landmarks_xy": 0.0, "max_abs_diff_landmarks_z": 0.0,
           "max_abs_diff_visibility": 0.0, "max_abs_diff_world_m": 0.0}
    for ours, theirs in zip(frames, ref):
        a, b = ours["landmarks"], theirs["landmarks"]
        if (a is None) != (b is None):
            out["presence_mismatches"] += 1
            continue
        if a is not None:
            for p, q in zip(a, b):
                out["max_abs_diff_landmarks_xy"] = max(out["max_abs_diff_landmarks_xy"], abs(p[0] - q[0]), abs(p[1] - q[1]))
                out["max_abs_diff_landmarks_z"] = max(out["max_abs_diff_landmarks_z"], abs(p[2] - q[2]))
                out["max_abs_diff_visibility"] = max(out["max_abs_diff_visibility"], abs(p[3] - q[3]))
        a, b = ours.get("world_landmarks"), theirs.get("world_landmarks")
        if a is not None and b is not None:
            for p, q in zip(a, b):
                out["max_abs_diff_world_m"] = max(out["max_abs_diff_world_m"], *(abs(x - y) for x, y in zip(p, q)))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--video", required=True, help="video file (anything OpenCV's FFmpeg backend opens)")
    ap.add_argument("--model", choices=sorted(MODELS), default="full", help="lite, full or heavy (model_complexity 0, 1, 2)")
    ap.add_argument("--out", help="write the keypoint JSON here (from the last run); omit to time only")
    ap.add_argument("--repeat", type=int, default=1, help="runs of the whole clip; timing is the median (default 1)")
    ap.add_argument("--max-frames", type=int, default=None, help="stop after this many frames")
    ap.add_argument("--compare", help="keypoint JSON to diff the landmarks against (e.g. a shared/data/videos file)")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if not os.path.isfile(args.video):
        ap.error(f"no such file: {args.video}")

    os.environ.setdefault("GLOG_minloglevel", "2")
    import cv2
    import mediapipe as mp

    load_before = load_average()
    runs, frames, info, identical = [], None, None, True
    for _ in range(args.repeat):
        f, info, timing = run_once(args, cv2, mp)
        if frames is not None and f != frames:
            identical = False
        frames = f
        runs.append(timing)
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0] if runs[0][k] is not None}
    report = {
        "tool": "mediapipe",
        "video": args.video,
        "model": args.model,
        "repeat": args.repeat,
        "runs_identical": identical,
        "loadavg_1min_before": load_before,
        "loadavg_1min_after": load_average(),
        "median_over_runs": median,
        "runs": runs,
    }
    if args.compare:
        report["compare"] = compare(frames, args.compare)
    if args.out:
        doc = {
            "fps": info["fps"],
            "width": info["width"],
            "height": info["height"],
            "layout": "blazepose33",
            "config": {
                "static_image_mode": False,
                "model_complexity": MODELS[args.model],
                "smooth_landmarks": True,
                "enable_segmentation": False,
                "min_detection_confidence": 0.5,
                "min_tracking_confidence": 0.5,
                "input": "cv2.VideoCapture BGR frame -> cv2.cvtColor(BGR2RGB), full resolution",
            },
            "machine": machine_info(cv2, mp),
            "video_info": info,
            "median_over_runs": median,
            "frames": frames,
        }
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(doc, f, separators=(",", ":"))
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
