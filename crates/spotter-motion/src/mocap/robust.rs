//! Subject-robust measures of a repetition and a small calibrated verdict on them (issue 14).
//!
//! Every measure here is scaled by the lifter's own body or referred to their own standing
//! posture, so that a tall lifter, a long-thighed lifter or a lifter who stands with a slight
//! forward lean is not mistaken for a fault:
//!
//! - **standing reference** = the mean over the first [`STANDING_WINDOW_S`] of the clip (UI-PRMD
//!   files start standing; in a set, the lifter stands before the first rep);
//! - **lengths** (leg, thigh, shank, trunk) are measured in that standing window;
//! - **angles** rather than positions wherever the fault is an angle (depth as the thigh's angle
//!   below horizontal, lean as the trunk's angle, bar tilt as the wrist line's angle);
//! - **changes from standing** rather than absolute values where posture and landmark placement
//!   differ between people (trunk lean gain, arms dropping, heels rising, knees coming in).
//!
//! The same [`RobustMeasures`] are taken from the 3-D markers ([`from_markers`], all fields) and
//! from a side-view [`SagittalBody`] ([`from_side_view`], the sagittal fields only; the frontal
//! ones stay `None` because a side-on camera cannot see them). A [`RobustModel`] is a logistic
//! model on one to three of them with a calibration map (Platt scaling fitted on out-of-subject
//! scores) and an "unclear" band around 0.5. `examples/verdict_study.rs` chooses and scores the
//! models by nested leave-one-subject-out on UI-PRMD s01–s06 (see `docs/verdicts.md`).
//!
//! Sources (see `docs/verdicts.md` for each measure): FMS deep-squat and inline-lunge criteria
//! (Cook, Burton and Hoogenboom 2006, from memory, not in the research notes); the IPF depth rule
//! and UI-PRMD fault statistics (`research/movement.md` §2.2, §6); EC3D's fault labels
//! (front_bend, knee_passes_toe); de Leva 1996 segment definitions; Harrington 2007 hip centres
//! (already in [`super::prepare`]); the MediaPipe side-view error of Cosoli et al. 2026 for the
//! keypoint noise ([`PoseNoise`]).

use serde::Deserialize;

use super::{marker, PreparedTrial};
use crate::body::{SagittalBody, P2};
use crate::keypoints::{bp, KeypointSequence};

/// Length of the standing reference at the start of the clip, seconds.
pub const STANDING_WINDOW_S: f64 = 0.1;

/// Measures of one repetition that do not depend on the lifter's size or standing posture.
/// `None` when the landmarks a measure needs are missing, or (side view) the measure needs the
/// frontal plane. Sign conventions are chosen so that larger is "more of the fault" except for the
/// depth measures, where larger is deeper.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RobustMeasures {
    /// Thigh (hip joint centre → knee centre) angle below horizontal at the bottom, mean of the two
    /// legs, degrees; positive when the hips are below the knees (IPF / FMS depth).
    pub thigh_below_horizontal_deg: Option<f64>,
    /// The same for the front leg only (the leg whose ankle is further forward), degrees (lunge).
    pub front_thigh_below_horizontal_deg: Option<f64>,
    /// Mid-hip drop from standing to the bottom over the standing leg length, dimensionless.
    pub pelvis_drop_over_leg: Option<f64>,
    /// Largest sagittal trunk lean (mid-hip → mid-shoulder from vertical) minus the standing lean,
    /// degrees (EC3D "front_bend").
    pub trunk_lean_gain_deg: Option<f64>,
    /// Largest minus smallest sagittal trunk lean over the repetition, degrees (FMS lunge: the
    /// torso stays still).
    pub trunk_lean_range_deg: Option<f64>,
    /// Trunk lean minus shin angle (ankle → knee from vertical) at the bottom, mean of both legs,
    /// degrees; ≤ 0 when the torso is parallel to the tibia or more upright (FMS deep squat).
    pub trunk_minus_shin_deg: Option<f64>,
    /// Largest drop of the wrists relative to the shoulders from standing, over the standing trunk
    /// length, dimensionless (the overhead dowel falling forward).
    pub arms_drop_over_trunk: Option<f64>,
    /// Largest forward move of the mid-wrist relative to the mid-ankle from standing, over the
    /// standing leg length, dimensionless (FMS: dowel stays over the feet).
    pub bar_forward_over_leg: Option<f64>,
    /// Largest rise of a heel from standing over the standing shank length, dimensionless.
    pub heel_rise_over_shank: Option<f64>,
    /// Lower knee's height above the floor at the bottom over its standing height, dimensionless
    /// (lunge back knee; small when it comes down to the floor).
    pub back_knee_height_ratio: Option<f64>,
    /// Fore-aft ankle separation at the bottom over the standing leg length (lunge step).
    pub step_over_leg: Option<f64>,
    /// Front knee ahead of the front toe at the bottom, over the standing shank length (knee travel).
    pub knee_past_toe_over_shank: Option<f64>,
    /// Largest change from standing of the wrist line's frontal tilt, degrees (bar tipping). Markers only.
    pub bar_tilt_deg: Option<f64>,
    /// Largest change from standing of the trunk's sideways lean, degrees. Markers only.
    pub trunk_side_lean_deg: Option<f64>,
    /// Largest change from standing of the shoulder line's heading relative to the pelvis (ASIS
    /// line), degrees (torso twist). Markers only.
    pub torso_twist_deg: Option<f64>,
    /// Standing knee-to-ankle width ratio minus its smallest value in the deeper half of the rep,
    /// dimensionless; positive when the knees come in relative to the feet (valgus). Markers only.
    pub knees_in_ratio: Option<f64>,
}

impl RobustMeasures {
    /// Every measure name, in field order.
    pub const NAMES: [&'static str; 16] = [
        "thigh_below_horizontal_deg",
        "front_thigh_below_horizontal_deg",
        "pelvis_drop_over_leg",
        "trunk_lean_gain_deg",
        "trunk_lean_range_deg",
        "trunk_minus_shin_deg",
        "arms_drop_over_trunk",
        "bar_forward_over_leg",
        "heel_rise_over_shank",
        "back_knee_height_ratio",
        "step_over_leg",
        "knee_past_toe_over_shank",
        "bar_tilt_deg",
        "trunk_side_lean_deg",
        "torso_twist_deg",
        "knees_in_ratio",
    ];

    /// The measures a side-on camera can take (the rest need the frontal plane).
    pub const SIDE_VIEW: [&'static str; 12] = [
        "thigh_below_horizontal_deg",
        "front_thigh_below_horizontal_deg",
        "pelvis_drop_over_leg",
        "trunk_lean_gain_deg",
        "trunk_lean_range_deg",
        "trunk_minus_shin_deg",
        "arms_drop_over_trunk",
        "bar_forward_over_leg",
        "heel_rise_over_shank",
        "back_knee_height_ratio",
        "step_over_leg",
        "knee_past_toe_over_shank",
    ];

    /// The measure of that name, if known and taken.
    pub fn value(&self, name: &str) -> Option<f64> {
        let v = match name {
            "thigh_below_horizontal_deg" => self.thigh_below_horizontal_deg,
            "front_thigh_below_horizontal_deg" => self.front_thigh_below_horizontal_deg,
            "pelvis_drop_over_leg" => self.pelvis_drop_over_leg,
            "trunk_lean_gain_deg" => self.trunk_lean_gain_deg,
            "trunk_lean_range_deg" => self.trunk_lean_range_deg,
            "trunk_minus_shin_deg" => self.trunk_minus_shin_deg,
            "arms_drop_over_trunk" => self.arms_drop_over_trunk,
            "bar_forward_over_leg" => self.bar_forward_over_leg,
            "heel_rise_over_shank" => self.heel_rise_over_shank,
            "back_knee_height_ratio" => self.back_knee_height_ratio,
            "step_over_leg" => self.step_over_leg,
            "knee_past_toe_over_shank" => self.knee_past_toe_over_shank,
            "bar_tilt_deg" => self.bar_tilt_deg,
            "trunk_side_lean_deg" => self.trunk_side_lean_deg,
            "torso_twist_deg" => self.torso_twist_deg,
            "knees_in_ratio" => self.knees_in_ratio,
            _ => None,
        };
        v.filter(|x| x.is_finite())
    }
}

/// Frames of one repetition inside a clip, and the clip's standing reference frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepWindow {
    /// First frame of the rep.
    pub start: usize,
    /// Bottom frame (lowest mid-hip).
    pub bottom: usize,
    /// Last frame of the rep (inclusive).
    pub end: usize,
    /// Number of frames from the clip's start that form the standing reference (≥ 1).
    pub standing_frames: usize,
}

impl RepWindow {
    /// The whole clip as one rep, the bottom at the lowest value of `hip_height` (`None`s
    /// skipped), standing = the first [`STANDING_WINDOW_S`] at `fps`. `None` for an empty clip
    /// or one with no known hip height.
    pub fn whole_clip(hip_height: &[Option<f64>], fps: f64) -> Option<RepWindow> {
        let n = hip_height.len();
        let (bottom, _) = hip_height
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.filter(|v| v.is_finite()).map(|v| (i, v)))
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        let k = if fps.is_finite() && fps > 0.0 { (STANDING_WINDOW_S * fps).round() as usize } else { 1 };
        Some(RepWindow { start: 0, bottom, end: n - 1, standing_frames: k.clamp(1, n) })
    }
}

/// Mean of the known values.
fn mean_of(it: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (s, c) = it.flatten().filter(|v| v.is_finite()).fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    (c > 0).then(|| s / c as f64)
}

fn max_of(it: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    it.flatten().filter(|v| v.is_finite()).fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v))))
}

fn min_of(it: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    max_of(it.map(|v| v.map(|x| -x))).map(|v| -v)
}

/// `x / d` when `d` is a usable length.
fn over(x: Option<f64>, d: Option<f64>) -> Option<f64> {
    let (x, d) = (x?, d?);
    (d > 1e-6).then(|| x / d).filter(|v| v.is_finite())
}

/// Largest `|x(t) − x_standing|` over the rep, `x_standing` the mean over the standing frames.
fn largest_change(x: &[Option<f64>], w: RepWindow) -> Option<f64> {
    let x0 = mean_of(x[..w.standing_frames].iter().copied())?;
    max_of(x[w.start..=w.end].iter().map(|v| v.map(|v| (v - x0).abs())))
}

/// Angle of `to − from` from vertical in a plane, `a` the horizontal and `b` the vertical
/// component, degrees (+ toward +a).
fn from_vertical_deg(a: f64, b: f64) -> f64 {
    a.atan2(b).to_degrees()
}

/// The 2-D (or 3-D, through `z`) geometry both paths share: a few named tracks per frame, with
/// forward (x) and up (z) coordinates in metres.
struct Sagittal<'a> {
    n: usize,
    w: RepWindow,
    /// Per frame: mid-hip, mid-shoulder, hips, knees, ankles, heels, toes, mid-wrist (x, z) and the
    /// thigh's angle below horizontal per leg (from 3-D where available).
    get: &'a dyn Fn(usize, Part) -> Option<[f64; 2]>,
    thigh_deg: &'a dyn Fn(usize, usize) -> Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    MidHip,
    MidShoulder,
    Wrists,
    Hip(usize),
    Knee(usize),
    Ankle(usize),
    Heel(usize),
    Toe(usize),
}

fn sagittal_measures(s: &Sagittal) -> RobustMeasures {
    let w = s.w;
    let g = s.get;
    let st = 0..w.standing_frames;
    let rep = w.start..=w.end;
    let b = w.bottom;
    let dist = |p: [f64; 2], q: [f64; 2]| (p[0] - q[0]).hypot(p[1] - q[1]);
    let seg = |a: fn(usize) -> Part, c: fn(usize) -> Part, leg: usize, f: usize| Some(dist(g(f, a(leg))?, g(f, c(leg))?));
    let standing = |f: &dyn Fn(usize) -> Option<f64>| mean_of(st.clone().map(f));
    let thigh_len = standing(&|f| mean_of((0..2).map(|l| seg(Part::Hip, Part::Knee, l, f))));
    let shank_len = standing(&|f| mean_of((0..2).map(|l| seg(Part::Knee, Part::Ankle, l, f))));
    let leg_len = thigh_len.zip(shank_len).map(|(a, c)| a + c);
    let trunk_len = standing(&|f| Some(dist(g(f, Part::MidHip)?, g(f, Part::MidShoulder)?)));
    let lean = |f: usize| {
        let (h, sh) = (g(f, Part::MidHip)?, g(f, Part::MidShoulder)?);
        Some(from_vertical_deg(sh[0] - h[0], sh[1] - h[1]))
    };
    let shin = |f: usize, l: usize| {
        let (a, k) = (g(f, Part::Ankle(l))?, g(f, Part::Knee(l))?);
        Some(from_vertical_deg(k[0] - a[0], k[1] - a[1]))
    };
    let lean_st = standing(&lean);
    let lean_max = max_of(rep.clone().map(lean));
    let lean_min = min_of(rep.clone().map(lean));
    let front = match (g(b, Part::Ankle(0)), g(b, Part::Ankle(1))) {
        (Some(a0), Some(a1)) => Some(if a0[0] >= a1[0] { 0 } else { 1 }),
        _ => None,
    };
    let hip_z = |f: usize| g(f, Part::MidHip).map(|p| p[1]);
    let wrist_rel = |f: usize| {
        let (wr, sh, an) = (g(f, Part::Wrists)?, g(f, Part::MidShoulder)?, mean2(g(f, Part::Ankle(0))?, g(f, Part::Ankle(1))?));
        Some((wr[1] - sh[1], wr[0] - an[0]))
    };
    let wr_st_up = standing(&|f| wrist_rel(f).map(|v| v.0));
    let wr_st_fwd = standing(&|f| wrist_rel(f).map(|v| v.1));
    let arms_drop = max_of(rep.clone().map(|f| Some(wr_st_up? - wrist_rel(f)?.0)));
    let bar_fwd = max_of(rep.clone().map(|f| Some(wrist_rel(f)?.1 - wr_st_fwd?)));
    let heel_rise = max_of((0..2).map(|l| {
        let h0 = standing(&|f| g(f, Part::Heel(l)).map(|p| p[1]));
        max_of(rep.clone().map(|f| Some(g(f, Part::Heel(l))?[1] - h0?)))
    }));
    let floor = standing(&|f| min_of((0..2).flat_map(|l| [g(f, Part::Heel(l)), g(f, Part::Toe(l))]).map(|p| p.map(|p| p[1]))));
    let back_knee = match (g(b, Part::Knee(0)), g(b, Part::Knee(1))) {
        (Some(k0), Some(k1)) => {
            let low = if k0[1] <= k1[1] { 0 } else { 1 };
            let kz0 = standing(&|f| g(f, Part::Knee(low)).map(|p| p[1]));
            floor.zip(kz0).and_then(|(fl, kz0)| over(Some(g(b, Part::Knee(low))?[1] - fl), Some(kz0 - fl)))
        }
        _ => None,
    };
    let step = match (g(b, Part::Ankle(0)), g(b, Part::Ankle(1))) {
        (Some(a0), Some(a1)) => over(Some((a0[0] - a1[0]).abs()), leg_len),
        _ => None,
    };
    let knee_past_toe = front.and_then(|l| over(Some(g(b, Part::Knee(l))?[0] - g(b, Part::Toe(l))?[0]), shank_len));
    RobustMeasures {
        thigh_below_horizontal_deg: mean_of((0..2).map(|l| (s.thigh_deg)(b, l))),
        front_thigh_below_horizontal_deg: front.and_then(|l| (s.thigh_deg)(b, l)),
        pelvis_drop_over_leg: over(standing(&hip_z).zip(hip_z(b)).map(|(a, c)| a - c), leg_len),
        trunk_lean_gain_deg: lean_max.zip(lean_st).map(|(a, c)| a - c),
        trunk_lean_range_deg: lean_max.zip(lean_min).map(|(a, c)| a - c),
        trunk_minus_shin_deg: lean(b).zip(mean_of((0..2).map(|l| shin(b, l)))).map(|(a, c)| a - c),
        arms_drop_over_trunk: over(arms_drop, trunk_len),
        bar_forward_over_leg: over(bar_fwd, leg_len),
        heel_rise_over_shank: over(heel_rise, shank_len),
        back_knee_height_ratio: back_knee,
        step_over_leg: step,
        knee_past_toe_over_shank: knee_past_toe,
        ..RobustMeasures::default()
    }
    .finite()
    .with_len_check(s.n)
}

fn mean2(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]
}

impl RobustMeasures {
    /// Non-finite values become `None`.
    fn finite(mut self) -> RobustMeasures {
        for v in [
            &mut self.thigh_below_horizontal_deg,
            &mut self.front_thigh_below_horizontal_deg,
            &mut self.pelvis_drop_over_leg,
            &mut self.trunk_lean_gain_deg,
            &mut self.trunk_lean_range_deg,
            &mut self.trunk_minus_shin_deg,
            &mut self.arms_drop_over_trunk,
            &mut self.bar_forward_over_leg,
            &mut self.heel_rise_over_shank,
            &mut self.back_knee_height_ratio,
            &mut self.step_over_leg,
            &mut self.knee_past_toe_over_shank,
            &mut self.bar_tilt_deg,
            &mut self.trunk_side_lean_deg,
            &mut self.torso_twist_deg,
            &mut self.knees_in_ratio,
        ] {
            *v = v.filter(|x| x.is_finite());
        }
        self
    }

    fn with_len_check(self, n: usize) -> RobustMeasures {
        if n == 0 { RobustMeasures::default() } else { self }
    }
}

/// Whether `w` fits a clip of `n` frames.
fn window_ok(w: RepWindow, n: usize) -> bool {
    n > 0 && w.start <= w.bottom && w.bottom <= w.end && w.end < n && w.standing_frames >= 1 && w.standing_frames <= n
}

/// The measures of the repetition `w` from the 3-D markers of a prepared trial (all fields).
/// Default (all `None`) when `w` does not fit the trial.
pub fn from_markers(trial: &PreparedTrial, w: RepWindow) -> RobustMeasures {
    let (fr, mk) = (&trial.frames, &trial.markers);
    let n = fr.len().min(mk.len());
    if !window_ok(w, n) {
        return RobustMeasures::default();
    }
    let xz = |p: [f64; 3]| [p[0], p[2]];
    let m = |f: usize, k: usize| mk[f][k];
    let mid = |f: usize, a: usize, c: usize| Some(super::mid(m(f, a)?, m(f, c)?));
    let get = |f: usize, part: Part| -> Option<[f64; 2]> {
        let k = &fr[f];
        Some(match part {
            Part::MidHip => xz(k.mid_hip_m),
            Part::MidShoulder => xz(k.mid_shoulder_m),
            Part::Wrists => xz(super::mid(mid(f, marker::LWRA, marker::LWRB)?, mid(f, marker::RWRA, marker::RWRB)?)),
            Part::Hip(l) => xz(if l == 0 { k.hip_centre_l_m } else { k.hip_centre_r_m }),
            Part::Knee(l) => xz(if l == 0 { k.knee_centre_l_m } else { k.knee_centre_r_m }),
            Part::Ankle(l) => xz(if l == 0 { k.ankle_centre_l_m } else { k.ankle_centre_r_m }),
            Part::Heel(l) => xz(m(f, if l == 0 { marker::LHEE } else { marker::RHEE })?),
            Part::Toe(l) => xz(m(f, if l == 0 { marker::LTOE } else { marker::RTOE })?),
        })
    };
    let thigh = |f: usize, l: usize| {
        let k = &fr[f];
        let (h, kn) = if l == 0 { (k.hip_centre_l_m, k.knee_centre_l_m) } else { (k.hip_centre_r_m, k.knee_centre_r_m) };
        let d = super::sub(kn, h);
        let len = super::norm3(d);
        (len > 1e-6).then(|| (d[2] / len).asin().to_degrees())
    };
    let mut out = sagittal_measures(&Sagittal { n, w, get: &get, thigh_deg: &thigh });

    // Frontal-plane and rotation measures, markers only.
    let tilt: Vec<Option<f64>> = (0..n)
        .map(|f| {
            let (l, r) = (mid(f, marker::LWRA, marker::LWRB)?, mid(f, marker::RWRA, marker::RWRB)?);
            Some((l[2] - r[2]).atan2((l[1] - r[1]).abs()).to_degrees())
        })
        .collect();
    out.bar_tilt_deg = largest_change(&tilt, w);
    let side: Vec<Option<f64>> = fr[..n]
        .iter()
        .map(|k| {
            let d = super::sub(k.mid_shoulder_m, k.mid_hip_m);
            Some(d[1].atan2(d[2]).to_degrees())
        })
        .collect();
    out.trunk_side_lean_deg = largest_change(&side, w);
    let heading = |a: [f64; 3], c: [f64; 3]| (a[0] - c[0]).atan2(a[1] - c[1]).to_degrees();
    let twist: Vec<Option<f64>> = (0..n)
        .map(|f| Some(heading(m(f, marker::LSHO)?, m(f, marker::RSHO)?) - heading(m(f, marker::LASI)?, m(f, marker::RASI)?)))
        .collect();
    out.torso_twist_deg = largest_change(&twist, w);
    let ratio = |f: usize| {
        let kw = (m(f, marker::LKNE)?[1] - m(f, marker::RKNE)?[1]).abs();
        let aw = (m(f, marker::LANK)?[1] - m(f, marker::RANK)?[1]).abs();
        (aw > 1e-3).then(|| kw / aw)
    };
    let r0 = mean_of((0..w.standing_frames).map(ratio));
    let z0 = mean_of((0..w.standing_frames).map(|f| Some(fr[f].mid_hip_m[2])));
    let zb = fr[w.bottom].mid_hip_m[2];
    let deep = z0.map(|z0| (z0 + zb) / 2.0);
    let rmin = min_of((w.start..=w.end).filter(|&f| deep.is_some_and(|d| fr[f].mid_hip_m[2] <= d)).map(ratio));
    out.knees_in_ratio = r0.zip(rmin).map(|(a, c)| a - c);
    out.finite()
}

/// The measures of the repetition `w` from a side-view body (sagittal fields only). Left is leg 0.
/// Default when `w` does not fit the body.
pub fn from_side_view(body: &SagittalBody, w: RepWindow) -> RobustMeasures {
    let n = body.len();
    if !window_ok(w, n) {
        return RobustMeasures::default();
    }
    let pick = |l: usize, left: usize, right: usize| if l == 0 { left } else { right };
    let get = |f: usize, part: Part| -> Option<P2> {
        match part {
            Part::MidHip => body.mid_hip(f),
            Part::MidShoulder => body.mid_shoulder(f),
            Part::Wrists => body.mid(bp::LEFT_WRIST, bp::RIGHT_WRIST, f),
            Part::Hip(l) => body.at(pick(l, bp::LEFT_HIP, bp::RIGHT_HIP), f),
            Part::Knee(l) => body.at(pick(l, bp::LEFT_KNEE, bp::RIGHT_KNEE), f),
            Part::Ankle(l) => body.at(pick(l, bp::LEFT_ANKLE, bp::RIGHT_ANKLE), f),
            Part::Heel(l) => body.at(pick(l, bp::LEFT_HEEL, bp::RIGHT_HEEL), f),
            Part::Toe(l) => body.at(pick(l, bp::LEFT_FOOT_INDEX, bp::RIGHT_FOOT_INDEX), f),
        }
    };
    let thigh = |f: usize, l: usize| {
        let (h, k) = (get(f, Part::Hip(l))?, get(f, Part::Knee(l))?);
        let len = (k[0] - h[0]).hypot(k[1] - h[1]);
        (len > 1e-6).then(|| ((k[1] - h[1]) / len).asin().to_degrees())
    };
    sagittal_measures(&Sagittal { n, w, get: &get, thigh_deg: &thigh })
}

/// Each rep's value minus the median of the same measure over the lifter's reps in the same set
/// (`None` stays `None`; with fewer than 3 known values everything is `None`, since a median of
/// one or two reps says nothing about the lifter's usual rep). This separates one rep that differs
/// from the lifter's others from a body type that shows in every rep, but it cannot see a fault
/// the lifter makes in every rep of the set: use it beside the absolute measures, never instead.
pub fn set_relative(values: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut known: Vec<f64> = values.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    if known.len() < 3 {
        return vec![None; values.len()];
    }
    known.sort_by(f64::total_cmp);
    let h = known.len() / 2;
    let median = if known.len() % 2 == 1 { known[h] } else { (known[h - 1] + known[h]) / 2.0 };
    values.iter().map(|v| v.filter(|x| x.is_finite()).map(|x| x - median)).collect()
}

// ---------------------------------------------------------------------------------------------
// Logistic model with calibration and an unclear band

/// One input of a [`RobustModel`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RobustFeature {
    /// A [`RobustMeasures::NAMES`] entry.
    pub measure: String,
    /// Standardisation: the training mean and standard deviation (the measure's unit).
    pub mean: f64,
    pub sd: f64,
    /// Weight on the standardised value, log-odds per standard deviation.
    pub weight: f64,
}

/// A logistic verdict model: `s = b + Σ wᵢ (xᵢ − meanᵢ) / sdᵢ`, then the calibration map
/// `p = 1 / (1 + exp(−(platt_a · s + platt_b)))`, the probability that the form is incorrect.
/// Within `unclear_band` of 0.5 the verdict is "unclear". Reads from TOML (the block
/// `examples/verdict_study.rs` prints; see `docs/verdicts.md`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RobustModel {
    pub intercept: f64,
    pub features: Vec<RobustFeature>,
    pub platt_a: f64,
    pub platt_b: f64,
    /// Half-width of the "unclear" band around p = 0.5 (0 = never unclear).
    pub unclear_band: f64,
}

/// A verdict with its probability.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustVerdict {
    /// `correct`, `incorrect` or `unclear`.
    pub verdict: &'static str,
    /// Calibrated probability that the form is incorrect, 0..1.
    pub probability_incorrect: f64,
    /// Probability of the verdict given (max(p, 1 − p)), 0.5..1.
    pub confidence: f64,
    /// Each input's value and push in log-odds, and for "unclear" why.
    pub reasons: Vec<String>,
}

impl RobustModel {
    /// The uncalibrated score (log-odds); `None` when a measure the model needs is missing (the
    /// model does not guess a missing input).
    pub fn score(&self, m: &RobustMeasures) -> Option<f64> {
        let mut s = self.intercept;
        for f in &self.features {
            s += f.weight * (m.value(&f.measure)? - f.mean) / f.sd;
        }
        Some(s).filter(|v| v.is_finite())
    }

    /// Calibrated probability of incorrect form.
    pub fn probability(&self, m: &RobustMeasures) -> Option<f64> {
        Some(sigmoid(self.platt_a * self.score(m)? + self.platt_b))
    }

    /// The verdict; `None` when a measure the model needs is missing.
    pub fn judge(&self, m: &RobustMeasures) -> Option<RobustVerdict> {
        let p = self.probability(m)?;
        let mut reasons: Vec<String> = self
            .features
            .iter()
            .filter_map(|f| {
                let x = m.value(&f.measure)?;
                Some(format!("{} = {x:.3} ({:+.2} log-odds)", f.measure, self.platt_a * f.weight * (x - f.mean) / f.sd))
            })
            .collect();
        let verdict = verdict_of(p, self.unclear_band);
        if verdict == "unclear" {
            reasons.push(format!(
                "the chance that the form is incorrect is {:.0} %, too close to even to call either way",
                100.0 * p
            ));
        }
        Some(RobustVerdict { verdict, probability_incorrect: p, confidence: p.max(1.0 - p), reasons })
    }
}

/// `incorrect` above 0.5 + band, `correct` below 0.5 − band, otherwise `unclear`.
pub fn verdict_of(p: f64, band: f64) -> &'static str {
    if p > 0.5 + band {
        "incorrect"
    } else if p < 0.5 - band {
        "correct"
    } else {
        "unclear"
    }
}

pub fn sigmoid(s: f64) -> f64 {
    1.0 / (1.0 + (-s).exp())
}

/// A fitted logistic regression on standardised inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    pub mean: Vec<f64>,
    pub sd: Vec<f64>,
    pub weight: Vec<f64>,
    pub intercept: f64,
}

impl Logistic {
    /// Log-odds for one row (same columns as the fit; a non-finite value counts as the mean).
    pub fn score(&self, x: &[f64]) -> f64 {
        self.intercept
            + x.iter()
                .zip(&self.mean)
                .zip(&self.sd)
                .zip(&self.weight)
                .map(|(((v, m), s), w)| if v.is_finite() { w * (v - m) / s } else { 0.0 })
                .sum::<f64>()
    }
}

/// Logistic regression by Newton's method on the mean log-loss plus `lambda / 2 · |w|²` (the
/// intercept is not penalised), inputs standardised by their training mean and SD; non-finite
/// inputs count as the mean. `weights` (one per row, or empty for all 1) weight the log-loss.
pub fn fit_logistic(x: &[Vec<f64>], y: &[bool], weights: &[f64], lambda: f64) -> Logistic {
    let k = x.first().map_or(0, Vec::len);
    let wt = |i: usize| if weights.is_empty() { 1.0 } else { weights[i] };
    let total: f64 = (0..x.len()).map(wt).sum::<f64>().max(1e-12);
    let mut mean = vec![0.0; k];
    let mut sd = vec![1.0; k];
    for j in 0..k {
        let col: Vec<f64> = x.iter().map(|r| r[j]).filter(|v| v.is_finite()).collect();
        if col.is_empty() {
            continue;
        }
        let m = col.iter().sum::<f64>() / col.len() as f64;
        let v = col.iter().map(|c| (c - m).powi(2)).sum::<f64>() / col.len() as f64;
        mean[j] = m;
        sd[j] = v.sqrt().max(1e-9);
    }
    let z: Vec<Vec<f64>> = x
        .iter()
        .map(|r| std::iter::once(1.0).chain(r.iter().enumerate().map(|(j, v)| if v.is_finite() { (v - mean[j]) / sd[j] } else { 0.0 })).collect())
        .collect();
    let mut th = vec![0.0; k + 1];
    for _ in 0..100 {
        let mut grad = vec![0.0; k + 1];
        let mut hess = vec![vec![0.0; k + 1]; k + 1];
        for (i, (zi, &yi)) in z.iter().zip(y).enumerate() {
            let s: f64 = zi.iter().zip(&th).map(|(a, c)| a * c).sum();
            let p = sigmoid(s);
            let r = (p - if yi { 1.0 } else { 0.0 }) * wt(i) / total;
            let h = p * (1.0 - p) * wt(i) / total;
            for a in 0..=k {
                grad[a] += r * zi[a];
                for c in 0..=k {
                    hess[a][c] += h * zi[a] * zi[c];
                }
            }
        }
        for a in 1..=k {
            grad[a] += lambda * th[a];
            hess[a][a] += lambda;
        }
        hess[0][0] += 1e-9;
        let step = solve(hess, grad);
        let size = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        // Damped step: a separable training set drives the weights up without bound otherwise.
        let damp = if size > 5.0 { 5.0 / size } else { 1.0 };
        for a in 0..=k {
            th[a] -= damp * step[a];
        }
        if !th.iter().all(|v| v.is_finite()) {
            th = vec![0.0; k + 1];
            break;
        }
        if size < 1e-10 {
            break;
        }
    }
    Logistic { mean, sd, weight: th[1..].to_vec(), intercept: th[0] }
}

/// Solves `a · x = v` (small, positive definite) by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut v: Vec<f64>) -> Vec<f64> {
    let n = v.len();
    for i in 0..n {
        let p = (i..n).max_by(|&r, &s| a[r][i].abs().total_cmp(&a[s][i].abs())).unwrap_or(i);
        a.swap(i, p);
        v.swap(i, p);
        if a[i][i].abs() < 1e-300 {
            continue;
        }
        let (top, rest) = a.split_at_mut(i + 1);
        let pivot = &top[i];
        for (r, row) in rest.iter_mut().enumerate() {
            let f = row[i] / pivot[i];
            for (x, p) in row[i..].iter_mut().zip(&pivot[i..]) {
                *x -= f * p;
            }
            v[i + 1 + r] -= f * v[i];
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|c| a[i][c] * x[c]).sum();
        x[i] = if a[i][i].abs() < 1e-300 { 0.0 } else { (v[i] - s) / a[i][i] };
    }
    x
}

// ---------------------------------------------------------------------------------------------
// Pose-model noise for the keypoint path

/// A small seeded random number generator (SplitMix64, Steele, Lea and Flood 2014) with normal
/// deviates by Box–Muller. Deterministic for a seed; not for cryptography.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal.
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// The pose model's error as added to a clean side view, in fractions of the person's standing
/// height in the image, per image axis. Each landmark gets, per clip, an offset drawn once
/// (`offset`), a second offset that grows with the depth of the squat (`deep_offset`, scaled by
/// the hip's drop from standing over the deepest drop), and frame-to-frame jitter (`jitter`,
/// first-order autoregressive with correlation `jitter_corr` between frames). Far-side landmarks
/// (visibility below 1) get `far_factor` times more.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoseNoise {
    /// Per-landmark-group offset SD: head, shoulders, elbows/wrists/hands, hips, knees, ankles/feet.
    pub offset: [f64; 6],
    pub deep_offset: [f64; 6],
    pub jitter: f64,
    pub jitter_corr: f64,
    pub far_factor: f64,
}

impl PoseNoise {
    /// The default model (see `docs/verdicts.md`): sized so that the knee-flexion error at the
    /// bottom of a squat has an SD near the 6.4° that Cosoli et al. (2026) measured for MediaPipe
    /// filmed side-on, with the hip landmark the least certain (it is not a visible point).
    pub const DEFAULT: PoseNoise = PoseNoise {
        offset: [0.008, 0.008, 0.010, 0.012, 0.007, 0.0055],
        deep_offset: [0.0055, 0.0055, 0.008, 0.010, 0.007, 0.0055],
        jitter: 0.003,
        jitter_corr: 0.8,
        far_factor: 1.5,
    };

    /// Scales every SD by `k`.
    pub fn scaled(self, k: f64) -> PoseNoise {
        PoseNoise { offset: self.offset.map(|v| v * k), deep_offset: self.deep_offset.map(|v| v * k), jitter: self.jitter * k, ..self }
    }
}

/// Landmark group of a BlazePose index (see [`PoseNoise::offset`]).
fn noise_group(lm: usize) -> usize {
    match lm {
        0..=10 => 0,
        11 | 12 => 1,
        13..=22 => 2,
        23 | 24 => 3,
        25 | 26 => 4,
        _ => 5,
    }
}

/// Adds pose-model noise to a keypoint sequence in place (landmarks with visibility 0 untouched).
/// The person's height in the image is the vertical span of the visible landmarks in the first
/// frame that has them; the depth signal is the mid-hip's image height.
pub fn add_pose_noise(seq: &mut KeypointSequence, noise: &PoseNoise, rng: &mut Rng) {
    let first = seq.frames.iter().find_map(|f| f.landmarks.as_ref());
    let Some(first) = first else { return };
    let ys: Vec<f64> = first.iter().filter(|k| k.visibility > 0.0).map(|k| k.y).collect();
    let span = ys.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - ys.iter().cloned().fold(f64::INFINITY, f64::min);
    if !span.is_finite() || span <= 0.0 {
        return;
    }
    let aspect = f64::from(seq.height.max(1)) / f64::from(seq.width.max(1));
    let hip_y = |f: &crate::keypoints::KeypointFrame| -> Option<f64> {
        let l = f.landmarks.as_ref()?;
        Some((l.get(bp::LEFT_HIP)?.y + l.get(bp::RIGHT_HIP)?.y) / 2.0)
    };
    let y0 = seq.frames.iter().find_map(hip_y);
    let ymax = seq.frames.iter().filter_map(hip_y).fold(f64::NEG_INFINITY, f64::max);
    let depth = |f: &crate::keypoints::KeypointFrame| match (hip_y(f), y0) {
        (Some(y), Some(y0)) if ymax - y0 > 1e-9 => ((y - y0) / (ymax - y0)).clamp(0.0, 1.0),
        _ => 0.0,
    };
    let n_lm = first.len();
    let draws: Vec<[f64; 4]> = (0..n_lm).map(|_| [rng.normal(), rng.normal(), rng.normal(), rng.normal()]).collect();
    let mut ar = vec![[0.0f64; 2]; n_lm];
    let rho = noise.jitter_corr.clamp(0.0, 0.999);
    let innov = (1.0 - rho * rho).sqrt();
    let mut started = false;
    for f in seq.frames.iter_mut() {
        let d = depth(f);
        let Some(lms) = f.landmarks.as_mut() else { continue };
        for (j, k) in lms.iter_mut().enumerate().take(n_lm) {
            let (e0, e1) = (rng.normal(), rng.normal());
            ar[j] = if started { [rho * ar[j][0] + innov * e0, rho * ar[j][1] + innov * e1] } else { [e0, e1] };
            if k.visibility <= 0.0 {
                continue;
            }
            let g = noise_group(j);
            let far = if k.visibility < 1.0 { noise.far_factor } else { 1.0 };
            let sd_x = |o: f64, dd: f64, z: f64| far * span * (noise.offset[g] * o + noise.deep_offset[g] * d * dd + noise.jitter * z);
            // Height fractions are in image-height units: x needs the aspect ratio.
            k.x += sd_x(draws[j][0], draws[j][2], ar[j][0]) * aspect;
            k.y += sd_x(draws[j][1], draws[j][3], ar[j][1]);
        }
        started = true;
    }
}

#[cfg(test)]
#[path = "robust/tests.rs"]
mod tests;
