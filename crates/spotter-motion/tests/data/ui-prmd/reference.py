#!/usr/bin/env python3
"""Independent numpy implementation of the UI-PRMD README formulas (pre-processing, subject-aligned
frame, Harrington hip centres, derived quantities, side-view keypoints).

It exists to produce the expected values pasted into crates/spotter-motion/src/mocap/tests.rs; it
shares no code with the Rust module (Kabsch here is numpy's SVD, the Rust side uses Horn's
quaternion method).

    python3 reference.py                  # the test files in this folder, values for the Rust tests
    python3 reference.py --all DIR        # whole-set summary over DIR (the ui-prmd folder)

Units printed: metres and degrees.
"""

import csv
import glob
import gzip
import os
import sys
from collections import defaultdict

import numpy as np

NAMES = ("LFHD RFHD LBHD RBHD C7 T10 CLAV STRN RBAK LSHO LUPA LELB LFRM LWRA LWRB LFIN RSHO RUPA "
         "RELB RFRM RWRA RWRB RFIN LASI RASI LPSI RPSI LTHI LKNE LTIB LANK LHEE LTOE RTHI RKNE RTIB "
         "RANK RHEE RTOE").split()
K = {n: i for i, n in enumerate(NAMES)}
PELVIS = [K["LASI"], K["RASI"], K["LPSI"], K["RPSI"]]


def load_text(text):
    a = np.array([[float(v) for v in line.split(",")] for line in text.splitlines() if line.strip()])
    assert a.shape[1] == 117
    m = a.reshape(len(a), 39, 3) / 1000.0  # metres
    missing = np.all(m == 0.0, axis=2)
    m[missing] = np.nan
    return m


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return load_text(f.read())


def kabsch(src, dst):
    """R, t with R @ src_i + t ~ dst_i (least squares), by SVD."""
    cs, cd = src.mean(0), dst.mean(0)
    h = (src - cs).T @ (dst - cd)
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1, 1, d]) @ u.T
    return r, cd - r @ cs


def fill_pelvis(m):
    p = m[:, PELVIS, :]
    ok = ~np.isnan(p[:, :, 0])
    complete = np.where(ok.all(1))[0]
    assert len(complete) > 0, "no complete pelvis frame"
    for t in range(len(m)):
        if ok[t].all():
            continue
        ref = complete[np.argmin(np.abs(complete - t))]
        tmpl = p[ref]
        vis = ok[t]
        # only the missing markers are replaced; a frame with none visible is left to fill_linear
        if vis.sum() >= 3:
            r, tr = kabsch(tmpl[vis], p[t][vis])
            p[t][~vis] = (r @ tmpl[~vis].T).T + tr
        elif vis.sum() >= 1:
            p[t][~vis] = tmpl[~vis] + (p[t][vis].mean(0) - tmpl[vis].mean(0))
    m[:, PELVIS, :] = p
    return m


def fill_linear(m):
    t = np.arange(len(m))
    for k in range(39):
        ok = ~np.isnan(m[:, k, 0])
        if ok.all() or not ok.any():
            continue
        for c in range(3):
            m[:, k, c] = np.interp(t, t[ok], m[ok, k, c])
    return m


def unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def features(m, fps=100.0):
    m = fill_linear(fill_pelvis(m.copy()))
    lasi, rasi, lpsi, rpsi = (m[:, K[n]] for n in ("LASI", "RASI", "LPSI", "RPSI"))
    asis, psis = (lasi + rasi) / 2, (lpsi + rpsi) / 2
    f = np.median((asis - psis)[:, :2], axis=0)
    f = f / np.linalg.norm(f)
    rot = np.array([[f[0], f[1], 0.0], [-f[1], f[0], 0.0], [0.0, 0.0, 1.0]])
    a = m @ rot.T  # aligned frame
    lasi, rasi, lpsi, rpsi = (a[:, K[n]] for n in ("LASI", "RASI", "LPSI", "RPSI"))
    asis, psis = (lasi + rasi) / 2, (lpsi + rpsi) / 2
    pw = np.median(np.linalg.norm(rasi - lasi, axis=1))
    pd = np.median(np.linalg.norm(asis - psis, axis=1))
    z = unit(rasi - lasi)
    x = asis - psis
    x = unit(x - np.sum(x * z, axis=1, keepdims=True) * z)
    y = np.cross(z, x)
    base = asis + (-0.24 * pd - 0.0099) * x + (-0.30 * pw - 0.0109) * y
    side = (0.33 * pw + 0.0073) * z
    hjc_r, hjc_l = base + side, base - side
    yhat = np.array([0.0, 1.0, 0.0])
    knee_l, knee_r = a[:, K["LKNE"]] - 0.057 * yhat, a[:, K["RKNE"]] + 0.057 * yhat
    ank_l, ank_r = a[:, K["LANK"]] - 0.042 * yhat, a[:, K["RANK"]] + 0.042 * yhat
    mid_hip = (hjc_l + hjc_r) / 2
    mid_sh = (a[:, K["LSHO"]] + a[:, K["RSHO"]]) / 2
    d = mid_sh - mid_hip
    lean = np.degrees(np.arctan2(d[:, 0], d[:, 2]))
    dc7 = a[:, K["C7"]] - mid_hip
    lean_c7 = np.degrees(np.arctan2(dc7[:, 0], dc7[:, 2]))
    ap = asis - psis
    tilt = np.degrees(np.arctan2(-ap[:, 2], np.linalg.norm(ap[:, :2], axis=1)))

    def flex(h, k, an, dims):
        u, v = (h - k)[:, dims], (an - k)[:, dims]
        c = np.sum(u * v, 1) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1)
        return 180.0 - np.degrees(np.arccos(np.clip(c, -1, 1)))

    kf3 = np.maximum(flex(hjc_l, knee_l, ank_l, [0, 1, 2]), flex(hjc_r, knee_r, ank_r, [0, 1, 2]))
    kf2 = np.maximum(flex(hjc_l, knee_l, ank_l, [0, 2]), flex(hjc_r, knee_r, ank_r, [0, 2]))
    hz = mid_hip[:, 2]
    bottom = int(np.argmin(hz))
    stand = int(np.argmax(hz[: bottom + 1]))
    drop = hz.max() - hz.min()

    def leg(dims):
        l = [np.linalg.norm((h - k)[stand, dims]) + np.linalg.norm((k - an)[stand, dims])
             for h, k, an in ((hjc_l, knee_l, ank_l), (hjc_r, knee_r, ank_r))]
        return (l[0] + l[1]) / 2

    kc = (a[:, K["LANK"], 1] - a[:, K["RANK"], 1]) - (a[:, K["LKNE"], 1] - a[:, K["RKNE"], 1])
    deep = hz < hz.max() - drop / 2
    kc_rep = np.max(kc[deep] - kc[stand])
    out = dict(
        frames=len(m), heading_deg=np.degrees(np.arctan2(f[1], f[0])), stand=stand, bottom=bottom,
        pelvic_width_m=pw, pelvic_depth_m=pd, drop_m=drop, leg_3d_m=leg([0, 1, 2]),
        leg_2d_m=leg([0, 2]), drop_rel_3d=drop / leg([0, 1, 2]), drop_rel_2d=drop / leg([0, 2]),
        peak_trunk_lean_deg=lean.max(), peak_trunk_lean_c7_deg=lean_c7.max(),
        lean_at_bottom_deg=lean[bottom], tilt_standing_deg=tilt[stand], tilt_bottom_deg=tilt[bottom],
        butt_wink_deg=tilt[stand: bottom + 1].max() - tilt[bottom],
        peak_knee_flex_3d_deg=kf3.max(), peak_knee_flex_2d_deg=kf2.max(),
        knee_convergence_m=kc_rep,
    )
    frame0 = dict(hjc_l=hjc_l[0], hjc_r=hjc_r[0], mid_hip=mid_hip[0], lean=lean[0], tilt=tilt[0])
    return out, a, dict(hjc_l=hjc_l, hjc_r=hjc_r, mid_hip=mid_hip, stand=int(np.argmax(hz))), frame0


BP = {0: None, 2: "LFHD", 5: "RFHD", 11: "LSHO", 12: "RSHO", 13: "LELB", 14: "RELB",
      23: "hjc_l", 24: "hjc_r", 25: "LKNE", 26: "RKNE", 27: "LANK", 28: "RANK", 29: "LHEE",
      30: "RHEE", 31: "LTOE", 32: "RTOE"}


def side_view(a, extra, idx, camera, fps_in, fps_out, window=2.4):
    """(u, v, depth) of BlazePose landmark idx, camera 'right' or 'left', at t = k / fps_out."""
    if idx == 0:
        p = (a[:, K["LFHD"]] + a[:, K["RFHD"]]) / 2
    elif BP[idx].startswith("hjc"):
        p = extra[BP[idx]]
    else:
        p = a[:, K[BP[idx]]]
    t_in = np.arange(len(a)) / fps_in
    n_out = int(np.floor((len(a) - 1) / fps_in * fps_out + 1e-9)) + 1
    t_out = np.arange(n_out) / fps_out
    pi = np.stack([np.interp(t_out, t_in, p[:, c]) for c in range(3)], 1)
    mh = np.stack([np.interp(t_out, t_in, extra["mid_hip"][:, c]) for c in range(3)], 1)
    x0 = extra["mid_hip"][extra["stand"], 0]
    s = 1.0 if camera == "right" else -1.0
    u = 0.5 + s * (pi[:, 0] - x0) / window
    v = 0.5 - (pi[:, 2] - 1.0) / window
    depth = s * (pi[:, 1] - mh[:, 1]) / window
    return u, v, depth, n_out


HERE = os.path.dirname(os.path.abspath(__file__))


def main_tests():
    for name in sorted(glob.glob(os.path.join(HERE, "*.txt.gz"))):
        m = load(name)
        out, a, extra, f0 = features(m)
        print(os.path.basename(name))
        print("  missing marker-frames:", {NAMES[k]: int(np.isnan(m[:, k, 0]).sum())
                                          for k in range(39) if np.isnan(m[:, k, 0]).any()})
        for k, v in out.items():
            print(f"  {k} = {v:.6f}" if isinstance(v, float) else f"  {k} = {v}")
        print("  frame0 hjc_l =", np.round(f0["hjc_l"], 6), "hjc_r =", np.round(f0["hjc_r"], 6))
        print(f"  frame0 lean_deg = {f0['lean']:.6f} tilt_deg = {f0['tilt']:.6f}")
        for cam in ("right", "left"):
            for idx in (24, 25, 32):
                u, v, dep, n = side_view(a, extra, idx, cam, 100.0, 30.0)
                print(f"  side {cam} 30fps n={n} lm{idx} k=10: u={u[10]:.6f} v={v[10]:.6f} "
                      f"z={dep[10]:.6f}")
        u, v, dep, n = side_view(a, extra, 26, "right", 100.0, 100.0)
        print(f"  side right 100fps n={n} lm26 k=37: u={u[37]:.6f} v={v[37]:.6f} z={dep[37]:.6f}")
    # pelvis gap fill checks on m01_s01_e01: (a) RASI blanked in frames 40..=139 (three visible:
    # rigid fit); (b) both ASIS blanked in frames 60..=79 (only the PSIS: carried along)
    m = load(os.path.join(HERE, "m01_s01_e01_positions.txt.gz"))
    for label, gaps in (("rasi_40_140", [("RASI", 40, 140)]),
                        ("asis_60_80", [("RASI", 60, 80), ("LASI", 60, 80)])):
        gap = m.copy()
        for name, a, b in gaps:
            gap[a:b, K[name]] = np.nan
        filled = fill_pelvis(gap.copy())
        a, b = gaps[0][1], gaps[0][2]
        err = np.linalg.norm(filled[a:b, K["RASI"]] - m[a:b, K["RASI"]], axis=1)
        print(f"pelvis gap {label}: RASI max err m = {err.max():.6f} mean = {err.mean():.6f}")
        t = (a + b) // 2
        print(f"  RASI filled at frame {t} =", np.round(filled[t, K["RASI"]], 6),
              "true =", np.round(m[t, K["RASI"]], 6))
        out, *_ = features(gap)
        print("  with gap: butt_wink_deg = %.6f peak_trunk_lean_deg = %.6f drop_m = %.6f"
              " tilt_bottom_deg = %.6f" % (out["butt_wink_deg"], out["peak_trunk_lean_deg"],
                                          out["drop_m"], out["tilt_bottom_deg"]))


def main_all(root):
    rows = []
    for label, sub, suf in ((0, "Segmented Movements", ""), (1, "Incorrect Segmented Movements", "_inc")):
        for path in sorted(glob.glob(os.path.join(root, sub, "Vicon/Positions/*.txt.gz"))):
            base = os.path.basename(path)
            out, *_ = features(load(path))
            rows.append((base[:3], label, base, out))
    ref = {}
    ref_path = os.path.join(root, "features_reference.csv")
    if os.path.exists(ref_path):
        for r in csv.DictReader(open(ref_path)):
            ref[os.path.basename(r["file"])] = r
    groups = defaultdict(list)
    for mv, label, base, out in rows:
        groups[(mv, label)].append((base, out))
    cols = ["drop_m", "drop_rel_3d", "drop_rel_2d", "peak_trunk_lean_deg", "butt_wink_deg",
            "peak_knee_flex_3d_deg", "peak_knee_flex_2d_deg", "knee_convergence_m",
            "peak_trunk_lean_c7_deg"]
    for (mv, label), items in sorted(groups.items()):
        print(mv, "incorrect" if label else "correct", "n =", len(items))
        for c in cols:
            print(f"  mean {c} = {np.mean([o[c] for _, o in items]):.4f}")
    if ref:
        pairs = [("drop_m", "drop_mm", 1000), ("drop_rel_2d", "drop_rel", 1),
                 ("peak_trunk_lean_deg", "peak_trunk_lean", 1), ("butt_wink_deg", "butt_wink", 1),
                 ("peak_knee_flex_3d_deg", "peak_knee_flex_3d", 1),
                 ("peak_knee_flex_2d_deg", "peak_knee_flex_2d", 1),
                 ("knee_convergence_m", "knee_convergence_mm", 1000),
                 ("tilt_standing_deg", "tilt_standing", 1), ("heading_deg", "heading_deg", 1),
                 ("stand", "t_stand", 1), ("bottom", "t_bottom", 1)]
        print("max |ours - features_reference.csv| over", len(rows), "files:")
        for mine, theirs, scale in pairs:
            d = [abs(o[mine] * scale - float(ref[b][theirs])) for _, _, b, o in rows if b in ref]
            worst = max(range(len(d)), key=lambda i: d[i])
            print(f"  {mine}: max {max(d):.4f} median {np.median(d):.4f} (worst {rows[worst][2]})")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--all":
        main_all(sys.argv[2])
    else:
        main_tests()
