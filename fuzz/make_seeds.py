#!/usr/bin/env python3
"""Builds the fuzz seeds from the repository's real files.

Small seeds go to fuzz/seeds/<target>/ (committed, well under 1 MB in all); the repository's
full-size files go to fuzz/corpus/<target>/ (ignored by git, the working corpus libFuzzer grows).
Run from anywhere: `python3 fuzz/make_seeds.py`. The analysis_json seeds made by
`spotter analyze --format json` are committed as they are (see fuzz/seeds/README.md).
"""

import gzip
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
CORPUS = ROOT / "fuzz" / "corpus"
EXAMPLES = ROOT / "examples"
PRMD = ROOT / "crates" / "spotter-motion" / "tests" / "data" / "ui-prmd"

# BlazePose 33 index of each COCO 17 keypoint, in COCO order.
COCO_FROM_BP = [0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28]


def write(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def full(target, src, name=None):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, d / (name or src.name))


def r(x, nd):
    return round(x, nd)


def compact_frames(frames, step, nd=3, coco=False, world=False):
    out = []
    for f in frames[::step]:
        lm = f.get("landmarks")
        g = {"t": r(f["t"], 3)}
        if lm is None:
            g["landmarks"] = None
        else:
            pts = [lm[i] for i in COCO_FROM_BP] if coco else lm
            g["landmarks"] = [[r(p[0], nd), r(p[1], nd), r(p[2], nd), r(p[3], 2)] for p in pts]
        if world and f.get("world_landmarks") is not None:
            g["world_landmarks"] = [[r(p[0], nd), r(p[1], nd), r(p[2], nd)] for p in f["world_landmarks"]]
        out.append(g)
    return out


def dumps(doc):
    return json.dumps(doc, separators=(",", ":"))


def to_csv(doc):
    layout = doc["layout"]
    n = 33 if layout == "blazepose33" else 17
    lines = [f"# fps={doc['fps']},width={doc['width']},height={doc['height']},layout={layout}"]
    lines.append(",".join(["t"] + [f"{c}{k}" for k in range(n) for c in ("x", "y", "z", "v")]))
    for f in doc["frames"]:
        lm = f["landmarks"]
        cells = [str(f["t"])]
        cells += [""] * (4 * n) if lm is None else [str(v) for p in lm for v in p]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def keypoints():
    src = json.loads((EXAMPLES / "squat-side-gym.keypoints.json").read_text())
    head = {k: src[k] for k in ("fps", "width", "height", "layout")}
    # One rep with standing either side (0 to 3.8 s), every third frame.
    one_rep = dict(head, fps=src["fps"] / 3, frames=compact_frames(src["frames"][:114], 3))
    write("keypoints_json", "one-rep-10fps.json", dumps(one_rep))
    write("keypoints_csv", "one-rep-10fps.csv", to_csv(one_rep))
    # Both reps at 5 fps, two decimals.
    both = dict(head, fps=src["fps"] / 6, frames=compact_frames(src["frames"], 6, nd=2))
    write("keypoints_json", "two-reps-5fps.json", dumps(both))
    write("keypoints_csv", "two-reps-5fps.csv", to_csv(both))
    # The COCO 17 layout, and a clip with frames where no person was found.
    coco = dict(head, layout="coco17", frames=compact_frames(src["frames"][:114], 3, coco=True))
    coco["fps"] = src["fps"] / 3
    write("keypoints_json", "one-rep-coco17.json", dumps(coco))
    write("keypoints_csv", "one-rep-coco17.csv", to_csv(coco))
    gaps = dict(one_rep, frames=[dict(f, landmarks=None) if i % 4 == 1 else f for i, f in enumerate(one_rep["frames"])])
    write("keypoints_json", "one-rep-gaps.json", dumps(gaps))
    write("keypoints_csv", "one-rep-gaps.csv", to_csv(gaps))
    # The clip-wide fields after the frames (read, but the frames are held until the end).
    write("keypoints_json", "fields-after-frames.json", dumps({"frames": one_rep["frames"][:6], **head}))
    # A MediaPipe dump: video_info, timestamp_ms, world landmarks.
    mp = json.loads((EXAMPLES / "squat-side-gym-3s.mediapipe-0.10.14-full.json").read_text())
    frames = []
    for f, g in zip(mp["frames"][:30:3], compact_frames(mp["frames"][:30], 3, world=True)):
        g = dict(g)
        del g["t"]
        frames.append({"frame": f["frame"], "timestamp_ms": r(f["timestamp_ms"], 1), **g})
    write("keypoints_json", "mediapipe-dump.json", dumps({"layout": "blazepose33", "video_info": mp["video_info"], "frames": frames}))
    for f in sorted(EXAMPLES.glob("*.json")):
        if "keypoints" in f.name or "mediapipe" in f.name:
            full("keypoints_json", f)
    (CORPUS / "keypoints_csv").mkdir(parents=True, exist_ok=True)
    (CORPUS / "keypoints_csv" / "squat-side-gym.csv").write_text(to_csv(src))


def prmd_lines(path, step, nd):
    rows = gzip.decompress(path.read_bytes()).decode().splitlines()
    out = []
    for line in rows[::step]:
        out.append(",".join(f"{float(x):.{nd}f}" for x in line.split(",")))
    return "\n".join(out) + "\n"


def uiprmd():
    # The whole repetition at a fifth of the frames, 1 decimal (mm): about 30 KB each.
    write("uiprmd", "squat-s01.txt", prmd_lines(PRMD / "m01_s01_e01_positions.txt.gz", 5, 1))
    write("uiprmd", "squat-s01-inc.txt.gz", gzip.compress(prmd_lines(PRMD / "m01_s01_e01_positions_inc.txt.gz", 5, 1).encode(), mtime=0))
    write("uiprmd", "lunge-s01.txt", prmd_lines(PRMD / "m03_s01_e04_positions.txt.gz", 5, 1))
    for f in sorted(PRMD.glob("*.txt.gz")):
        full("uiprmd", f)
        (CORPUS / "uiprmd" / f.name[: -len(".gz")]).write_bytes(gzip.decompress(f.read_bytes()))


def answers():
    for f in sorted(EXAMPLES.glob("*.json")):
        if f.name.startswith(("intake-", "plan-")):
            write("answers", f.name, f.read_bytes())
    base = ROOT / "crates" / "spotter-triage" / "tests" / "data" / "baseline-intake.json"
    write("answers", base.name, base.read_bytes())
    write("answers", "bom-" + base.name, b"\xef\xbb\xbf" + base.read_bytes())
    vignettes = json.loads((base.parent / "vignettes_narrative.json").read_text())
    for v in vignettes[::6]:
        write("answers", f"vignette-{v['id']}.json", json.dumps(v["answers"], indent=1))
    full("answers", base.parent / "vignettes_narrative.json")


def analysis():
    # Answers files given by mistake, and analyses with observations already in them.
    write("analysis_json", "answers-not-analysis.json", (EXAMPLES / "plan-seed-story.json").read_bytes())
    d = SEEDS / "analysis_json"
    for f in sorted(d.glob("analyze-*.json")):
        doc = json.loads(f.read_text())
        doc["observations"] = ["chest_drops_forward", "hips_shoot_up_first"]
        write("analysis_json", "obs-" + f.name, json.dumps(doc, indent=1))
    doc = json.loads((d / "analyze-squat-keypoints.json").read_text())
    doc["observations"] = ["no_such_observation"]
    write("analysis_json", "bad-observation.json", json.dumps(doc))


if __name__ == "__main__":
    keypoints()
    uiprmd()
    answers()
    analysis()
    total = sum(f.stat().st_size for f in SEEDS.rglob("*") if f.is_file())
    print(f"seeds: {total} bytes in {SEEDS}")
