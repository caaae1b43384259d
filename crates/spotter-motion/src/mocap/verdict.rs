//! Spotter's verdict (correct / incorrect form) on one motion-capture repetition, from measures
//! that need the 3-D markers: depth, the bar's (wrist line's) tilt in the frontal plane, trunk
//! movement forward and sideways, and the back knee's height. A logistic model per movement
//! whose coefficients live in `data/thresholds.toml` (`[[marker_verdict]]`), fitted on UI-PRMD
//! s01–s06 by `examples/calibrate.rs`.
//!
//! These follow the Functional Movement Screen criteria the UI-PRMD exercises come from: in the
//! overhead deep squat the hips go below the knees and the dowel stays level over the feet; in the
//! inline lunge the trunk stays still (no forward or sideways movement), the dowel stays level and
//! the back knee comes down to the floor. A phone video cannot see the frontal plane, so keypoint
//! input keeps the side-view rules of [`crate::analysis`].


use super::{marker, MarkerFrame, Point3, PreparedTrial};
use crate::analysis::{Analysis, Movement};
use crate::thresholds::{MarkerVerdictModel, Thresholds};

/// Per-repetition measures from the markers, each relative to the rep's own standing frame where
/// that makes sense; `None` when the markers it needs are missing throughout.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MarkerMeasures {
    /// Mean knee marker height minus mid hip-joint-centre height at the bottom, over the standing
    /// 3-D leg length (positive: hips below the knees).
    pub hip_below_knee_over_leg: Option<f64>,
    /// Largest change, from standing, of the wrist line's tilt in the frontal plane (left wrist
    /// minus right wrist height against their sideways distance), degrees: the bar tipping.
    pub wrist_line_tilt_deg: Option<f64>,
    /// Sagittal trunk lean (mid-hip to mid-shoulder from vertical), largest minus smallest over
    /// the repetition, degrees.
    pub trunk_lean_range_deg: Option<f64>,
    /// Largest change, from standing, of the trunk's sideways lean (mid-hip to mid-shoulder from
    /// vertical in the frontal plane), degrees.
    pub trunk_side_lean_deg: Option<f64>,
    /// Lower knee marker height minus lower ankle marker height at the bottom, over the standing
    /// 3-D leg length (the lunge's back knee; near 0 when it reaches the floor).
    pub back_knee_height_over_leg: Option<f64>,
}

impl MarkerMeasures {
    /// The measure a model feature names, if it is one of these and was measured.
    pub fn value(&self, measure: &str) -> Option<f64> {
        match measure {
            "hip_below_knee_over_leg" => self.hip_below_knee_over_leg,
            "wrist_line_tilt_deg" => self.wrist_line_tilt_deg,
            "trunk_lean_range_deg" => self.trunk_lean_range_deg,
            "trunk_side_lean_deg" => self.trunk_side_lean_deg,
            "back_knee_height_over_leg" => self.back_knee_height_over_leg,
            _ => None,
        }
    }

    /// The names [`MarkerMeasures::value`] knows.
    pub const NAMES: [&'static str; 5] = [
        "hip_below_knee_over_leg",
        "wrist_line_tilt_deg",
        "trunk_lean_range_deg",
        "trunk_side_lean_deg",
        "back_knee_height_over_leg",
    ];
}

/// Measures the repetition (the whole trial taken as one rep, standing and bottom frames from
/// [`PreparedTrial::repetition`]).
pub fn measures(trial: &PreparedTrial) -> MarkerMeasures {
    let fr = &trial.frames;
    if fr.is_empty() || trial.markers.len() != fr.len() {
        return MarkerMeasures::default();
    }
    let rep = trial.repetition();
    let (st, b) = (rep.standing_frame, rep.bottom_frame);
    let leg = rep.leg_length_3d_m;
    let rel = |x: f64| (leg > 0.0 && x.is_finite()).then_some(x / leg);
    let at = |t: usize, k: usize| trial.markers[t][k];

    let hip_below_knee_over_leg = match (at(b, marker::LKNE), at(b, marker::RKNE)) {
        (Some(l), Some(r)) => rel((l[2] + r[2]) / 2.0 - fr[b].mid_hip_m[2]),
        _ => None,
    };
    let back_knee_height_over_leg = match (
        at(b, marker::LKNE),
        at(b, marker::RKNE),
        at(b, marker::LANK),
        at(b, marker::RANK),
    ) {
        (Some(lk), Some(rk), Some(la), Some(ra)) => rel(lk[2].min(rk[2]) - la[2].min(ra[2])),
        _ => None,
    };

    let wrist = |f: &MarkerFrame, a: usize, bb: usize| -> Option<Point3> { Some(super::mid(f[a]?, f[bb]?)) };
    let tilt: Vec<Option<f64>> = trial
        .markers
        .iter()
        .map(|f| {
            let (l, r) = (wrist(f, marker::LWRA, marker::LWRB)?, wrist(f, marker::RWRA, marker::RWRB)?);
            Some((l[2] - r[2]).atan2((l[1] - r[1]).abs()).to_degrees())
        })
        .collect();
    let wrist_line_tilt_deg = largest_change(&tilt, st);

    let lean: Vec<f64> = fr.iter().map(|f| f.trunk_lean_rad.to_degrees()).collect();
    let trunk_lean_range_deg = Some(
        lean.iter().copied().fold(f64::NEG_INFINITY, f64::max) - lean.iter().copied().fold(f64::INFINITY, f64::min),
    )
    .filter(|v| v.is_finite());
    let side: Vec<Option<f64>> = fr
        .iter()
        .map(|f| {
            let d = super::sub(f.mid_shoulder_m, f.mid_hip_m);
            Some(d[1].atan2(d[2]).to_degrees()).filter(|v| v.is_finite())
        })
        .collect();
    let trunk_side_lean_deg = largest_change(&side, st);

    MarkerMeasures {
        hip_below_knee_over_leg,
        wrist_line_tilt_deg,
        trunk_lean_range_deg,
        trunk_side_lean_deg,
        back_knee_height_over_leg,
    }
}

/// `max |x(t) − x(reference)|` over the frames where `x` is known (`None` if it is not known at
/// the reference frame).
fn largest_change(x: &[Option<f64>], reference: usize) -> Option<f64> {
    let x0 = (*x.get(reference)?)?;
    x.iter().flatten().map(|v| (v - x0).abs()).fold(None, |acc: Option<f64>, v| Some(acc.map_or(v, |a| a.max(v))))
}

/// The verdict on a repetition and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkerVerdict {
    /// `correct` or `incorrect`.
    pub verdict: &'static str,
    /// The model's probability that the form is incorrect (0..1); `incorrect` above 0.5.
    pub probability_incorrect: f64,
    /// Each measure with its value and how far it pushed toward `incorrect` (positive) or
    /// `correct` (negative), in log-odds; measures that could not be taken say so.
    pub reasons: Vec<String>,
}

/// Applies a logistic model: `p = 1 / (1 + exp(−(b + Σ wᵢ (xᵢ − meanᵢ) / sdᵢ)))`. A measure that
/// could not be taken counts as its mean (contributes 0). `None` if no measure could be taken.
pub fn apply_model(model: &MarkerVerdictModel, m: &MarkerMeasures) -> Option<MarkerVerdict> {
    let mut score = model.intercept;
    let mut reasons = Vec::new();
    let mut known = 0;
    for f in &model.feature {
        match m.value(&f.measure) {
            Some(x) => {
                let c = f.weight * (x - f.mean) / f.sd;
                score += c;
                known += 1;
                reasons.push(format!("{} = {x:.3} ({c:+.2} log-odds)", f.measure));
            }
            None => reasons.push(format!("{} not measured (markers missing)", f.measure)),
        }
    }
    if known == 0 {
        return None;
    }
    let p = 1.0 / (1.0 + (-score).exp());
    Some(MarkerVerdict {
        verdict: if p > 0.5 { crate::faults::INCORRECT } else { crate::faults::CORRECT },
        probability_incorrect: p,
        reasons,
    })
}

/// The verdict for `movement` by the built-in (or given) thresholds, if they have a marker model
/// for it (squat and lunge).
pub fn judge(m: &MarkerMeasures, movement: Movement, thresholds: &Thresholds) -> Option<MarkerVerdict> {
    let model = thresholds.marker_verdict.iter().find(|v| v.movement == movement.id())?;
    apply_model(model, m)
}

/// Replaces the side-view verdict of a one-repetition analysis of a marker trial with the marker
/// verdict (which sees the frontal plane too). Leaves the analysis unchanged when it does not hold
/// exactly one rep or there is no marker model for its movement. Returns the verdict applied.
pub fn apply_to_analysis(analysis: &mut Analysis, trial: &PreparedTrial, thresholds: &Thresholds) -> Option<MarkerVerdict> {
    if analysis.reps.len() != 1 {
        return None;
    }
    let v = judge(&measures(trial), analysis.movement, thresholds)?;
    let rep = &mut analysis.reps[0];
    rep.verdict = Some(v.verdict);
    rep.verdict_reasons = v.reasons.clone();
    Some(v)
}

#[cfg(test)]
#[path = "verdict_tests.rs"]
mod tests;
