#!/usr/bin/env python3
"""Regenerates the golden outputs of spotter-infer's numerical tests (crates/spotter-infer/tests/golden/).

Runs the ORIGINAL BlazePose model files, as shipped by @mediapipe/pose, with LiteRT (PyPI
ai-edge-litert 2.3.0, the official TFLite runtime; XNNPACK, 1 thread) on deterministic inputs, and
writes small JSON files that the Rust tests compare tract's output of our rewritten models with.
Not needed to build or test Spotter: run it only to regenerate the goldens.

  python3 scripts/pose-golden.py            # creates/reuses target/pyenv-golden, then runs in it

Inputs (the Rust tests rebuild exactly the same f32 tensors):
  - "pattern": element i of the NHWC tensor is (i % 255) / 255 as f32 (landmarks, [0, 1]);
    the detector gets 2 * that - 1 (in [-1, 1]).
  - "frame": one real frame, the one at t = 5.0 s of shared/data/videos/squat_side_gym_barbell.mp4
    (608x1080 portrait), padded with black to 1080x1080 (centred horizontally) and scaled to
    256x256 by ffmpeg (bilinear), RGB24. Stored as tests/golden/frame256.rgb.gz so that the tests
    need neither ffmpeg nor the video. Landmark input = byte / 255 (f32). Detector input = the
    256 image sampled nearest to 224x224 (source pixel (y * 256) // 224, (x * 256) // 224),
    byte / 127.5 - 1 (f32).
"""
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "pyenv-golden"
GOLDEN = ROOT / "crates" / "spotter-infer" / "tests" / "golden"
VIDEO = ROOT.parent / "shared" / "data" / "videos" / "squat_side_gym_barbell.mp4"
FRAME_TIME_S = "5.0"
TOP_K = 50          # detector anchors kept per input (highest scores)
HEATMAP_STRIDE = 997  # every 997th heatmap value is kept (161 of 159 744)


def in_venv():
    return Path(sys.prefix).resolve() == VENV.resolve()


def ensure_venv():
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", "ai-edge-litert==2.3.0", "numpy"], check=True)
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


def models_dir():
    return Path(os.environ.get("SPOTTER_MODELS", ROOT / "node_modules" / "@mediapipe" / "pose"))


def frame_rgb256():
    """The real frame as 256x256x3 uint8 bytes (see the module doc), extracted with ffmpeg."""
    vf = "pad=1080:1080:(ow-iw)/2:0:black,scale=256:256:flags=bilinear"
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", FRAME_TIME_S, "-i", str(VIDEO), "-frames:v", "1", "-vf", vf,
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True).stdout
    assert len(raw) == 256 * 256 * 3, len(raw)
    return raw


def inputs(np, rgb):
    f32 = np.float32
    lm_pattern = ((np.arange(256 * 256 * 3) % 255).astype(f32) / f32(255)).reshape(1, 256, 256, 3)
    det_pattern = ((np.arange(224 * 224 * 3) % 255).astype(f32) / f32(255) * f32(2) - f32(1)).reshape(1, 224, 224, 3)
    img = np.frombuffer(rgb, dtype=np.uint8).reshape(256, 256, 3)
    lm_frame = (img.astype(f32) / f32(255)).reshape(1, 256, 256, 3)
    src = (np.arange(224) * 256) // 224
    small = img[src][:, src]
    det_frame = (small.astype(f32) / f32(127.5) - f32(1)).reshape(1, 224, 224, 3)
    return {"pattern": (lm_pattern, det_pattern), "frame": (lm_frame, det_frame)}


def run(Interpreter, path, x):
    it = Interpreter(model_path=str(path), num_threads=1)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    return {d["name"]: it.get_tensor(d["index"]).copy() for d in it.get_output_details()}


def floats(a):
    return [float(v) for v in a.reshape(-1)]


def main():
    if not in_venv():
        ensure_venv()
    import numpy as np
    from ai_edge_litert.interpreter import Interpreter

    GOLDEN.mkdir(parents=True, exist_ok=True)
    rgb = frame_rgb256()
    (GOLDEN / "frame256.rgb.gz").write_bytes(gzip.compress(rgb, compresslevel=9, mtime=0))
    ins = inputs(np, rgb)
    mdir = models_dir()

    for variant in ("lite", "full", "heavy"):
        cases = {}
        for name, (lm_x, _) in ins.items():
            out = run(Interpreter, mdir / f"pose_landmark_{variant}.tflite", lm_x)
            heat = out["Identity_3"].reshape(-1)
            cases[name] = {
                "landmarks": floats(out["Identity"]),
                "pose_flag": float(out["Identity_1"].reshape(-1)[0]),
                "world": floats(out["Identity_4"]),
                "heatmap_stride": HEATMAP_STRIDE,
                "heatmap_sampled": floats(heat[::HEATMAP_STRIDE]),
            }
        doc = {
            "source": "LiteRT (ai-edge-litert 2.3.0, 1 thread) on the original "
                      f"pose_landmark_{variant}.tflite; see scripts/pose-golden.py",
            # Identity_1 is RESHAPE(activation_poseflag/Sigmoid): already a probability.
            "cases": cases,
        }
        (GOLDEN / f"landmark_{variant}.json").write_text(json.dumps(doc, indent=None))
        print(variant, "pose flag:", {k: round(v["pose_flag"], 6) for k, v in cases.items()})

    cases = {}
    for name, (_, det_x) in ins.items():
        out = run(Interpreter, mdir / "pose_solution_packed_assets.data", det_x)
        boxes = out["Identity"].reshape(2254, 12)
        scores = out["Identity_1"].reshape(2254)
        top = np.argsort(-scores, kind="stable")[:TOP_K]
        cases[name] = {
            "top_indices": [int(i) for i in top],
            "top_scores": [float(scores[i]) for i in top],
            "top_boxes": [floats(boxes[i]) for i in top],
            "score_max": float(scores.max()),
            "score_min": float(scores.min()),
        }
    doc = {"source": "LiteRT (ai-edge-litert 2.3.0, 1 thread) on the original pose_detection.tflite "
                     "(pose_solution_packed_assets.data); see scripts/pose-golden.py",
           "cases": cases}
    (GOLDEN / "detector.json").write_text(json.dumps(doc, indent=None))
    total = sum(p.stat().st_size for p in GOLDEN.iterdir())
    print(f"wrote {GOLDEN} ({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
