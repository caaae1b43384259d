//! Plausibility gates: garbage in is not a report. Every frame goes through [`FrameGate`] before
//! the analysis uses it, in file order, in the batch path ([`crate::body::SagittalBody`]) and the
//! streaming one ([`crate::stream::StreamAnalyzer`]) alike, so both leave out the same frames. A
//! frame with a person in it is left out (treated as if no person were seen) when:
//!
//! - **outside**: a landmark the analysis uses lies more than one picture width or height outside
//!   the picture (normalised x or y below −1 or above 2; a pose model places landmarks it cannot
//!   see a little outside the picture, never a whole picture away);
//! - **not upright**: the mid-hip or the mid-shoulder is not above the mid-ankle in the picture
//!   (no squat, hinge or lunge puts them below; random landmarks, a rotated picture or a lifter
//!   lying down do);
//! - **jump**: against the frame before (when it is at most [`JUMP_GAP_S`] earlier and had no
//!   landmark outside the picture), a limb (either thigh or shin, or the trunk from mid-hip to
//!   mid-shoulder) is more than [`MAX_LIMB_CHANGE`] times longer or shorter in the picture, or a
//!   landmark moved more than [`MAX_STEP`] of the picture's width or height. On real video the
//!   largest limb change from one frame to the next is under 1.1 times and the largest step
//!   under 0.05 of the picture (`examples/`, and the full 20 s clip with both MediaPipe models);
//!   random landmarks step a third of the picture on average.
//!
//! A repetition is reported only when its own frames pass ([`rep_problem`]): it lasts at least
//! [`MIN_REP_S`] and [`MIN_REP_FRAMES`] frames, and at least [`MIN_REP_COVERAGE`] of its frames
//! have the depth signal. What was left out, and why, goes to the analysis's diagnostics in plain
//! words.

use crate::body::{MIN_VISIBILITY, SagittalBody, coco_index};
use crate::keypoints::{KeypointFrame, Layout, bp};
use crate::reps::RepFrames;

/// Landmarks further than this many picture sizes outside the picture are not believed.
pub const OUTSIDE_MARGIN: f64 = 1.0;
/// Largest change of a limb's length in the picture from one frame to the next (as a ratio).
pub const MAX_LIMB_CHANGE: f64 = 1.5;
/// Largest step of a landmark from one frame to the next, as a fraction of the picture's width
/// (for x) or height (for y).
pub const MAX_STEP: f64 = 0.25;
/// Frames further apart than this, in seconds, are not compared for limb lengths and steps.
pub const JUMP_GAP_S: f64 = 0.25;
/// Shortest repetition reported, in seconds.
pub const MIN_REP_S: f64 = 0.4;
/// Fewest frames of a reported repetition.
pub const MIN_REP_FRAMES: usize = 5;
/// Smallest share of a repetition's frames that must carry the depth signal.
pub const MIN_REP_COVERAGE: f64 = 0.9;

/// Why a frame was left out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reject {
    /// Landmark `landmark` (BlazePose index) has `axis` (`'x'` or `'y'`) at `value` (normalised).
    Outside { landmark: usize, axis: char, value: f64 },
    /// The hips (`hips == true`) or the shoulders were not above the ankles.
    NotUpright { hips: bool },
    /// A limb changed length by `ratio` (at least 1) from the frame before.
    Jump { limb: &'static str, ratio: f64 },
    /// A landmark moved `step` (fraction of the picture) from the frame before.
    Step { landmark: usize, step: f64 },
}

const LIMBS: [(&str, usize, usize); 4] = [
    ("left thigh", bp::LEFT_HIP, bp::LEFT_KNEE),
    ("left shin", bp::LEFT_KNEE, bp::LEFT_ANKLE),
    ("right thigh", bp::RIGHT_HIP, bp::RIGHT_KNEE),
    ("right shin", bp::RIGHT_KNEE, bp::RIGHT_ANKLE),
];

/// Landmarks the gates look at (the ones the analysis measures with).
const CHECKED: [usize; 13] = {
    // The body's tracked landmarks up to the ankles (nose, ears, shoulders, wrists, hips, knees,
    // ankles); heels and toes are left to the body's own checks.
    let mut out = [0; 13];
    let mut i = 0;
    while i < 13 {
        out[i] = crate::body::TRACKED[i];
        i += 1;
    }
    out
};

/// A landmark's name in plain words.
pub fn landmark_name(lm: usize) -> &'static str {
    match lm {
        bp::NOSE => "nose",
        bp::LEFT_EAR => "left ear",
        bp::RIGHT_EAR => "right ear",
        bp::LEFT_SHOULDER => "left shoulder",
        bp::RIGHT_SHOULDER => "right shoulder",
        bp::LEFT_WRIST => "left wrist",
        bp::RIGHT_WRIST => "right wrist",
        bp::LEFT_HIP => "left hip",
        bp::RIGHT_HIP => "right hip",
        bp::LEFT_KNEE => "left knee",
        bp::RIGHT_KNEE => "right knee",
        bp::LEFT_ANKLE => "left ankle",
        bp::RIGHT_ANKLE => "right ankle",
        bp::LEFT_HEEL => "left heel",
        bp::RIGHT_HEEL => "right heel",
        bp::LEFT_FOOT_INDEX => "left toes",
        bp::RIGHT_FOOT_INDEX => "right toes",
        _ => "a landmark",
    }
}

/// A number for a message: plain below a million, else in scientific notation (a coordinate of
/// 1e300 must not print as 300 digits).
pub fn short_number(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e6 { format!("{:.2}", v) } else { format!("{v:.1e}") }
}

/// What the jump gate keeps of a frame: its time, limb lengths (pixels) and checked landmarks
/// (normalised).
type Before = (f64, [Option<f64>; 5], [Option<[f64; 2]>; CHECKED.len()]);

/// The gates, run over frames in order. See the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameGate {
    width: f64,
    height: f64,
    layout: Layout,
    /// Time and limb lengths (pixels) of the frame before, when it had a person and nothing far
    /// outside the picture.
    prev: Option<Before>,
    /// Frames with a person, frames passed, and per reason (outside, not upright, jump) the count
    /// and the first case.
    person: usize,
    passed: usize,
    counts: [usize; 3],
    first: [Option<(f64, Reject)>; 3],
}

impl FrameGate {
    pub fn new(width: u32, height: u32, layout: Layout) -> FrameGate {
        FrameGate {
            width: f64::from(width),
            height: f64::from(height),
            layout,
            prev: None,
            person: 0,
            passed: 0,
            counts: [0; 3],
            first: [None; 3],
        }
    }

    /// Whether the analysis may use this frame's landmarks (frames without a person pass: they
    /// carry nothing to use). Call once per frame, in order.
    pub fn check(&mut self, frame: &KeypointFrame) -> bool {
        let Some(lms) = &frame.landmarks else {
            self.prev = None;
            return true;
        };
        self.person += 1;
        let (w, h, layout) = (self.width, self.height, self.layout);
        let point = |lm: usize| -> Option<[f64; 2]> {
            let src = match layout {
                Layout::Blazepose33 => Some(lm),
                Layout::Coco17 => coco_index(lm),
            }?;
            let k = lms.get(src)?;
            (k.visibility >= MIN_VISIBILITY).then_some([k.x, k.y])
        };
        let verdict = self.judge(frame.t, &point, w, h);
        match verdict {
            Ok(()) => {
                self.passed += 1;
                true
            }
            Err(r) => {
                let i = match r {
                    Reject::Outside { .. } => 0,
                    Reject::NotUpright { .. } => 1,
                    Reject::Jump { .. } | Reject::Step { .. } => 2,
                };
                self.counts[i] += 1;
                self.first[i].get_or_insert((frame.t, r));
                false
            }
        }
    }

    fn judge(&mut self, t: f64, point: &dyn Fn(usize) -> Option<[f64; 2]>, w: f64, h: f64) -> Result<(), Reject> {
        let (lo, hi) = (-OUTSIDE_MARGIN, 1.0 + OUTSIDE_MARGIN);
        for lm in CHECKED {
            if let Some(p) = point(lm) {
                for (axis, v) in [('x', p[0]), ('y', p[1])] {
                    if !(lo..=hi).contains(&v) {
                        self.prev = None;
                        return Err(Reject::Outside { landmark: lm, axis, value: v });
                    }
                }
            }
        }
        let px = |lm: usize| point(lm).map(|p| [p[0] * w, p[1] * h]);
        let mid = |a: usize, b: usize| crate::body::mid(px(a), px(b));
        let dist = |a: Option<[f64; 2]>, b: Option<[f64; 2]>| Some(crate::body::dist(a?, b?));
        let (hip, shoulder, ankle) = (mid(bp::LEFT_HIP, bp::RIGHT_HIP), mid(bp::LEFT_SHOULDER, bp::RIGHT_SHOULDER), mid(bp::LEFT_ANKLE, bp::RIGHT_ANKLE));
        let mut points = [None; CHECKED.len()];
        for (slot, lm) in points.iter_mut().zip(CHECKED) {
            *slot = point(lm);
        }
        let mut lengths = [None; 5];
        for (slot, (_, a, b)) in lengths.iter_mut().zip(LIMBS) {
            *slot = dist(px(a), px(b));
        }
        lengths[4] = dist(hip, shoulder);
        let prev = self.prev.replace((t, lengths, points));
        // Image y points down: above means a smaller y.
        if let Some(a) = ankle {
            if hip.is_some_and(|p| p[1] >= a[1]) {
                return Err(Reject::NotUpright { hips: true });
            }
            if shoulder.is_some_and(|p| p[1] >= a[1]) {
                return Err(Reject::NotUpright { hips: false });
            }
        }
        if let Some((t0, before, before_points)) = prev
            && t - t0 <= JUMP_GAP_S
        {
            for (k, (now, then)) in points.iter().zip(before_points).enumerate() {
                if let (Some(a), Some(b)) = (now, then) {
                    let step = (a[0] - b[0]).abs().max((a[1] - b[1]).abs());
                    if step > MAX_STEP {
                        return Err(Reject::Step { landmark: CHECKED[k], step });
                    }
                }
            }
            for (k, (now, then)) in lengths.iter().zip(before).enumerate() {
                if let (Some(a), Some(b)) = (*now, then) {
                    let ratio = if a.min(b) > 0.0 { a.max(b) / a.min(b) } else if a.max(b) > 0.0 { f64::INFINITY } else { 1.0 };
                    if ratio > MAX_LIMB_CHANGE {
                        let limb = LIMBS.get(k).map_or("trunk", |l| l.0);
                        return Err(Reject::Jump { limb, ratio });
                    }
                }
            }
        }
        Ok(())
    }

    /// Frames with a person in them.
    pub fn person_frames(&self) -> usize {
        self.person
    }

    /// Frames with a person that passed.
    pub fn passed(&self) -> usize {
        self.passed
    }

    /// Frames with a person that were left out.
    pub fn rejected(&self) -> usize {
        self.person - self.passed
    }

    /// What was left out and why, in plain words (empty when nothing was).
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.person > 0 && self.passed == 0 {
            out.push(format!(
                "no frame shows a plausible person: all {} frames with landmarks were left out, so there is nothing to measure",
                self.person
            ));
        } else if 2 * self.rejected() > self.person {
            out.push(format!(
                "most frames with landmarks ({} of {}) do not show a plausible person: is this one lifter's pose, filmed from the side?",
                self.rejected(),
                self.person
            ));
        }
        for (i, first) in self.first.iter().enumerate() {
            let Some((t, r)) = first else { continue };
            let n = self.counts[i];
            let frames = if n == 1 { "1 frame".to_string() } else { format!("{n} frames") };
            let why = match *r {
                Reject::Outside { landmark, axis, value } => format!(
                    "{frames} left out because a landmark lay far outside the picture (first at {t:.2} s: the {} at {axis} = {}, where the picture spans 0 to 1)",
                    landmark_name(landmark),
                    short_number(value)
                ),
                Reject::NotUpright { hips } => format!(
                    "{frames} left out because the pose is not a person on their feet (first at {t:.2} s: the {} not above the ankles; is the video rotated?)",
                    if hips { "hips were" } else { "shoulders were" }
                ),
                Reject::Jump { limb, ratio } => format!(
                    "{frames} left out because landmarks jumped from one frame to the next, as no body's do (first at {t:.2} s: the {limb} changed length {} times)",
                    if ratio.is_finite() { format!("{ratio:.1}") } else { "many".into() }
                ),
                Reject::Step { landmark, step } => format!(
                    "{frames} left out because landmarks jumped from one frame to the next, as no body's do (first at {t:.2} s: the {} moved {:.0} % of the picture in one frame)",
                    landmark_name(landmark),
                    step * 100.0
                ),
            };
            out.push(why);
        }
        out
    }
}

/// Why a repetition found by the segmenter is not reported, or `None` when its frames pass:
/// `has_signal(f)` says whether frame `f` of `body` carries the depth signal.
pub fn rep_problem(body: &SagittalBody, r: RepFrames, has_signal: &dyn Fn(usize) -> bool) -> Option<String> {
    let frames = r.end.saturating_sub(r.start) + 1;
    let span = body.t[r.end] - body.t[r.start];
    if frames < MIN_REP_FRAMES || span.is_nan() || span < MIN_REP_S {
        let frames_word = if frames == 1 { "1 frame".to_string() } else { format!("{frames} frames") };
        return Some(format!(
            "it spans {frames_word} ({span:.2} s), too short for a repetition (at least {MIN_REP_FRAMES} frames and {MIN_REP_S} s)"
        ));
    }
    let with = (r.start..=r.end).filter(|&f| has_signal(f)).count();
    if (with as f64) < MIN_REP_COVERAGE * frames as f64 {
        return Some(format!(
            "only {with} of its {frames} frames could be measured (at least {:.0} % must be)",
            MIN_REP_COVERAGE * 100.0
        ));
    }
    None
}

/// The diagnostic when no repetition is reported: too few usable frames, every candidate failed
/// [`rep_problem`] (`left_out` of them), or not deep enough. `usable` counts the frames with the
/// depth signal's source, over `span_s` seconds.
pub fn no_rep_note(movement: &str, usable: usize, span_s: f64, left_out: usize) -> String {
    if usable < MIN_REP_FRAMES || span_s.is_nan() || span_s < MIN_REP_S {
        let frames = if usable == 1 { "1 usable frame".to_string() } else { format!("{usable} usable frames") };
        format!(
            "no repetition found: the clip has {frames} ({:.2} s), too few for a repetition (at least {MIN_REP_FRAMES} frames and {MIN_REP_S} s)",
            span_s.max(0.0)
        )
    } else if left_out > 0 {
        "no repetition is reported: every possible repetition failed the checks above".to_string()
    } else {
        format!("no repetition found: the {movement} never went deep enough to count")
    }
}

/// Collects the repetitions left out, as diagnostics (the first three, then a count).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepNotes {
    notes: Vec<String>,
    more: usize,
}

impl RepNotes {
    /// Repetitions left out so far.
    pub fn count(&self) -> usize {
        self.notes.len() + self.more
    }

    pub fn push(&mut self, bottom_s: f64, why: String) {
        if self.notes.len() < 3 {
            self.notes.push(format!("a possible repetition with its bottom at {bottom_s:.2} s is not reported: {why}"));
        } else {
            self.more += 1;
        }
    }

    pub fn into_notes(mut self) -> Vec<String> {
        if self.more > 0 {
            let reps = if self.more == 1 { "1 more possible repetition was".to_string() } else { format!("{} more possible repetitions were", self.more) };
            self.notes.push(format!("{reps} not reported for the same kinds of reason"));
        }
        self.notes
    }
}

#[cfg(test)]
mod tests;
