//! From image keypoints to a sagittal body in metres: the side the lifter faces becomes +x
//! (forward), y points up, pixels become metres by the lifter's height, low-visibility points are
//! dropped, short gaps are filled and every track is low-passed (`filter`).
//!
//! Scale: the standing distance from mid-ankle to mid-shoulder is taken as (0.818 − 0.039) of body
//! height (shoulder and ankle heights of Drillis and Contini, in Winter's Biomechanics and Motor
//! Control of Human Movement, fig. 4.1). The camera check compares the apparent shoulder width with
//! a nominal 0.22 of height between the shoulder landmarks: side-on, the shoulders overlap.

use crate::filter;
use crate::keypoints::{KeypointSequence, Layout, bp};
use crate::plausibility::FrameGate;

/// A point in the sagittal plane, in metres: x forward (the way the lifter faces), y up.
pub type P2 = [f64; 2];

/// Landmarks below this visibility are treated as not seen.
pub const MIN_VISIBILITY: f64 = 0.5;
/// Standing ankle-to-shoulder height as a fraction of body height.
pub const ANKLE_TO_SHOULDER_OF_HEIGHT: f64 = 0.818 - 0.039;
/// Nominal distance between the shoulder landmarks as a fraction of body height.
pub const SHOULDER_WIDTH_OF_HEIGHT: f64 = 0.22;
/// Longest gap filled by interpolation, in seconds.
pub const MAX_GAP_S: f64 = 0.3;

/// The landmarks the analysis uses, one track each (BlazePose indices).
pub const TRACKED: [usize; 17] = [
    bp::NOSE,
    bp::LEFT_EAR,
    bp::RIGHT_EAR,
    bp::LEFT_SHOULDER,
    bp::RIGHT_SHOULDER,
    bp::LEFT_WRIST,
    bp::RIGHT_WRIST,
    bp::LEFT_HIP,
    bp::RIGHT_HIP,
    bp::LEFT_KNEE,
    bp::RIGHT_KNEE,
    bp::LEFT_ANKLE,
    bp::RIGHT_ANKLE,
    bp::LEFT_HEEL,
    bp::RIGHT_HEEL,
    bp::LEFT_FOOT_INDEX,
    bp::RIGHT_FOOT_INDEX,
];

/// COCO-17 index of each BlazePose landmark that COCO has.
pub(crate) fn coco_index(blazepose: usize) -> Option<usize> {
    Some(match blazepose {
        bp::NOSE => 0,
        bp::LEFT_EAR => 3,
        bp::RIGHT_EAR => 4,
        bp::LEFT_SHOULDER => 5,
        bp::RIGHT_SHOULDER => 6,
        bp::LEFT_WRIST => 9,
        bp::RIGHT_WRIST => 10,
        bp::LEFT_HIP => 11,
        bp::RIGHT_HIP => 12,
        bp::LEFT_KNEE => 13,
        bp::RIGHT_KNEE => 14,
        bp::LEFT_ANKLE => 15,
        bp::RIGHT_ANKLE => 16,
        _ => return None,
    })
}

/// The lifter's body over time, in the sagittal plane.
#[derive(Debug, Clone, PartialEq)]
pub struct SagittalBody {
    /// Sample times, in seconds.
    pub t: Vec<f64>,
    /// Samples per second.
    pub fps: f64,
    /// Per BlazePose landmark index: its track (`None` where not seen); empty for untracked ones.
    pub tracks: Vec<Vec<Option<P2>>>,
    /// +1 when the lifter faces image-right, −1 when facing left.
    pub facing: f64,
    /// Metres per pixel (NaN when no frame showed a plausible person: see `plausibility`).
    pub metres_per_pixel: f64,
    /// Estimated angle of the camera away from side-on, in radians (0 = side-on).
    pub camera_yaw_rad: Option<f64>,
    /// Fraction of frames with a person in view.
    pub person_fraction: f64,
    /// Problems met on the way, in plain words.
    pub diagnostics: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BodyError {
    #[error("no person is visible in any frame")]
    NoPerson,
    #[error("the {0} are never visible, so the body cannot be measured")]
    Missing(&'static str),
    #[error("the body height must be 1.0 to 2.5 m, got {0}")]
    Height(f64),
}

fn percentile(mut v: Vec<f64>, q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let idx = ((v.len() - 1) as f64 * q).round() as usize;
    Some(v[idx])
}

/// Midpoint of two points, or the one that is there.
pub(crate) fn mid(a: Option<P2>, b: Option<P2>) -> Option<P2> {
    match (a, b) {
        (Some(a), Some(b)) => Some([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]),
        (one, other) => one.or(other),
    }
}

/// Distance between two points, in their unit.
pub(crate) fn dist(a: P2, b: P2) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

impl SagittalBody {
    /// Builds the body from keypoints; `height_m` sets the scale.
    pub fn from_keypoints(seq: &KeypointSequence, height_m: f64, cutoff_hz: f64) -> Result<SagittalBody, BodyError> {
        if !(1.0..=2.5).contains(&height_m) {
            return Err(BodyError::Height(height_m));
        }
        let n = seq.frames.len();
        let (w, h) = (f64::from(seq.width), f64::from(seq.height));
        // Frames that fail the plausibility gates count as frames without a person.
        let mut gate = FrameGate::new(seq.width, seq.height, seq.layout);
        let keep: Vec<bool> = seq.frames.iter().map(|f| gate.check(f)).collect();
        // Pixel positions (x right, y up) of the tracked landmarks, before cleaning.
        let mut raw: Vec<Vec<Option<P2>>> = vec![Vec::new(); 33];
        for &lm in &TRACKED {
            let src = match seq.layout {
                Layout::Blazepose33 => Some(lm),
                Layout::Coco17 => coco_index(lm),
            };
            raw[lm] = seq
                .frames
                .iter()
                .zip(&keep)
                .map(|(f, &keep)| {
                    let k = f.landmarks.as_ref().filter(|_| keep)?.get(src?)?;
                    (k.visibility >= MIN_VISIBILITY).then_some([k.x * w, -k.y * h])
                })
                .collect();
        }
        let person = seq.frames.iter().filter(|f| f.landmarks.is_some()).count();
        if person == 0 {
            return Err(BodyError::NoPerson);
        }
        let mut diagnostics = Vec::new();
        if person < n {
            diagnostics.push(format!("no person in {} of {} frames", n - person, n));
        }
        diagnostics.extend(gate.notes());
        if gate.passed() == 0 {
            // Nothing plausible to measure: an empty body, so the report says why.
            return Ok(SagittalBody::without_points(seq, diagnostics, person as f64 / n as f64));
        }
        let seen = |lm: usize| raw[lm].iter().filter(|p| p.is_some()).count();
        if seen(bp::LEFT_HIP) + seen(bp::RIGHT_HIP) == 0 {
            return Err(BodyError::Missing("hips"));
        }
        if seen(bp::LEFT_SHOULDER) + seen(bp::RIGHT_SHOULDER) == 0 {
            return Err(BodyError::Missing("shoulders"));
        }
        if seen(bp::LEFT_KNEE) + seen(bp::RIGHT_KNEE) == 0 {
            return Err(BodyError::Missing("knees"));
        }
        if seen(bp::LEFT_ANKLE) + seen(bp::RIGHT_ANKLE) == 0 {
            return Err(BodyError::Missing("ankles"));
        }

        // Facing: toes ahead of heels (BlazePose), else the nose ahead of the ears.
        let mut votes = Vec::new();
        for f in 0..n {
            for (toe, heel) in [(bp::LEFT_FOOT_INDEX, bp::LEFT_HEEL), (bp::RIGHT_FOOT_INDEX, bp::RIGHT_HEEL)] {
                if let (Some(Some(t)), Some(Some(hl))) = (raw[toe].get(f), raw[heel].get(f)) {
                    votes.push(t[0] - hl[0]);
                }
            }
            if let (Some(Some(nose)), Some(ear)) = (raw[bp::NOSE].get(f), mid(raw[bp::LEFT_EAR][f], raw[bp::RIGHT_EAR][f])) {
                votes.push(nose[0] - ear[0]);
            }
        }
        let facing = if percentile(votes, 0.5).unwrap_or(1.0) >= 0.0 { 1.0 } else { -1.0 };

        // Scale from the standing ankle-to-shoulder distance (its 90th percentile over frames).
        let lengths: Vec<f64> = (0..n)
            .filter_map(|f| {
                let s = mid(raw[bp::LEFT_SHOULDER][f], raw[bp::RIGHT_SHOULDER][f])?;
                let a = mid(raw[bp::LEFT_ANKLE][f], raw[bp::RIGHT_ANKLE][f])?;
                Some(dist(s, a))
            })
            .collect();
        let standing_px = percentile(lengths, 0.9).ok_or(BodyError::Missing("shoulders and ankles together"))?;
        if standing_px <= 0.0 {
            return Err(BodyError::Missing("shoulders and ankles apart"));
        }
        let metres_per_pixel = ANKLE_TO_SHOULDER_OF_HEIGHT * height_m / standing_px;

        // Camera check: apparent shoulder width against the nominal width.
        let widths: Vec<f64> = (0..n)
            .filter_map(|f| Some((raw[bp::LEFT_SHOULDER][f]?[0] - raw[bp::RIGHT_SHOULDER][f]?[0]).abs() * metres_per_pixel))
            .collect();
        let camera_yaw_rad = percentile(widths, 0.5).map(|wd| (wd / (SHOULDER_WIDTH_OF_HEIGHT * height_m)).min(1.0).asin());

        // To metres, facing +x, origin at the first seen mid-ankle; then clean each coordinate.
        let origin = (0..n).find_map(|f| mid(raw[bp::LEFT_ANKLE][f], raw[bp::RIGHT_ANKLE][f])).unwrap_or([0.0, 0.0]);
        let max_gap = (MAX_GAP_S * seq.fps).round() as usize;
        let mut tracks = vec![Vec::new(); 33];
        for &lm in &TRACKED {
            let pts: Vec<Option<P2>> = raw[lm]
                .iter()
                .map(|p| p.map(|p| [(p[0] - origin[0]) * facing * metres_per_pixel, (p[1] - origin[1]) * metres_per_pixel]))
                .collect();
            let xs: Vec<Option<f64>> = pts.iter().map(|p| p.map(|p| p[0])).collect();
            let ys: Vec<Option<f64>> = pts.iter().map(|p| p.map(|p| p[1])).collect();
            let xs = filter::clean(&xs, seq.fps, cutoff_hz, max_gap);
            let ys = filter::clean(&ys, seq.fps, cutoff_hz, max_gap);
            tracks[lm] = xs.into_iter().zip(ys).map(|(x, y)| Some([x?, y?])).collect();
        }
        Ok(SagittalBody {
            t: seq.frames.iter().map(|f| f.t).collect(),
            fps: seq.fps,
            tracks,
            facing,
            metres_per_pixel,
            camera_yaw_rad,
            person_fraction: person as f64 / n as f64,
            diagnostics,
        })
    }

    /// A body with no landmark in any frame (every frame failed the plausibility gates).
    fn without_points(seq: &KeypointSequence, diagnostics: Vec<String>, person_fraction: f64) -> SagittalBody {
        let n = seq.frames.len();
        let mut tracks = vec![Vec::new(); 33];
        for &lm in &TRACKED {
            tracks[lm] = vec![None; n];
        }
        SagittalBody {
            t: seq.frames.iter().map(|f| f.t).collect(),
            fps: seq.fps,
            tracks,
            facing: 1.0,
            metres_per_pixel: f64::NAN,
            camera_yaw_rad: None,
            person_fraction,
            diagnostics,
        }
    }

    pub fn len(&self) -> usize {
        self.t.len()
    }

    pub fn is_empty(&self) -> bool {
        self.t.is_empty()
    }

    /// A landmark at frame `f`.
    pub fn at(&self, lm: usize, f: usize) -> Option<P2> {
        self.tracks.get(lm)?.get(f).copied().flatten()
    }

    /// The midpoint of a left/right pair at frame `f` (or the one side seen).
    pub fn mid(&self, left: usize, right: usize, f: usize) -> Option<P2> {
        mid(self.at(left, f), self.at(right, f))
    }

    pub fn mid_hip(&self, f: usize) -> Option<P2> {
        self.mid(bp::LEFT_HIP, bp::RIGHT_HIP, f)
    }

    pub fn mid_shoulder(&self, f: usize) -> Option<P2> {
        self.mid(bp::LEFT_SHOULDER, bp::RIGHT_SHOULDER, f)
    }
}
