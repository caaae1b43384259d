//! Joint and segment angles in the sagittal plane, per frame. Angles are in radians; positive trunk
//! lean and shin angle mean forward of vertical; flexion is 0 when the joint is straight.

use crate::body::{P2, SagittalBody};
use crate::keypoints::bp;

/// Angle of the segment `from → to` away from vertical (up), positive when `to` is forward.
pub fn angle_from_vertical(from: P2, to: P2) -> f64 {
    (to[0] - from[0]).atan2(to[1] - from[1])
}

/// The angle at `b` between `b→a` and `b→c`, in 0..=π.
pub fn inner_angle(a: P2, b: P2, c: P2) -> f64 {
    let (u, v) = ([a[0] - b[0], a[1] - b[1]], [c[0] - b[0], c[1] - b[1]]);
    let cross = u[0] * v[1] - u[1] * v[0];
    let dot = u[0] * v[0] + u[1] * v[1];
    cross.abs().atan2(dot)
}

/// One leg's landmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leg {
    pub hip: usize,
    pub knee: usize,
    pub ankle: usize,
    pub heel: usize,
    pub toe: usize,
}

pub const LEFT_LEG: Leg = Leg { hip: bp::LEFT_HIP, knee: bp::LEFT_KNEE, ankle: bp::LEFT_ANKLE, heel: bp::LEFT_HEEL, toe: bp::LEFT_FOOT_INDEX };
pub const RIGHT_LEG: Leg = Leg { hip: bp::RIGHT_HIP, knee: bp::RIGHT_KNEE, ankle: bp::RIGHT_ANKLE, heel: bp::RIGHT_HEEL, toe: bp::RIGHT_FOOT_INDEX };

/// Angles of one frame (radians); `None` where a landmark is missing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FrameAngles {
    /// Mid-hip → mid-shoulder from vertical, + forward.
    pub trunk_lean: Option<f64>,
    /// 180° − angle(shoulder, hip, knee) of the given leg.
    pub hip_flexion: Option<f64>,
    /// 180° − angle(hip, knee, ankle).
    pub knee_flexion: Option<f64>,
    /// Ankle → knee from vertical, + forward.
    pub shin: Option<f64>,
}

pub fn trunk_lean(body: &SagittalBody, f: usize) -> Option<f64> {
    Some(angle_from_vertical(body.mid_hip(f)?, body.mid_shoulder(f)?))
}

pub fn leg_angles(body: &SagittalBody, leg: Leg, f: usize) -> FrameAngles {
    let (hip, knee, ankle) = (body.at(leg.hip, f), body.at(leg.knee, f), body.at(leg.ankle, f));
    let shoulder = body.mid_shoulder(f);
    FrameAngles {
        trunk_lean: trunk_lean(body, f),
        hip_flexion: match (shoulder, hip, knee) {
            (Some(s), Some(h), Some(k)) => Some(std::f64::consts::PI - inner_angle(s, h, k)),
            _ => None,
        },
        knee_flexion: match (hip, knee, ankle) {
            (Some(h), Some(k), Some(a)) => Some(std::f64::consts::PI - inner_angle(h, k, a)),
            _ => None,
        },
        shin: match (ankle, knee) {
            (Some(a), Some(k)) => Some(angle_from_vertical(a, k)),
            _ => None,
        },
    }
}

/// The leg with more landmarks seen over the clip: the one nearer the camera, for a side view.
pub fn near_leg(body: &SagittalBody) -> Leg {
    let count = |leg: Leg| [leg.hip, leg.knee, leg.ankle].iter().map(|&lm| body.tracks[lm].iter().flatten().count()).sum::<usize>();
    if count(RIGHT_LEG) >= count(LEFT_LEG) { RIGHT_LEG } else { LEFT_LEG }
}

/// Standing leg length (hip → knee → ankle), in metres: the 90th percentile over frames.
pub fn leg_length(body: &SagittalBody, leg: Leg) -> Option<f64> {
    let mut v: Vec<f64> = (0..body.len())
        .filter_map(|f| {
            let (h, k, a) = (body.at(leg.hip, f)?, body.at(leg.knee, f)?, body.at(leg.ankle, f)?);
            let d = |p: P2, q: P2| ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt();
            Some(d(h, k) + d(k, a))
        })
        .collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[((v.len() - 1) as f64 * 0.9).round() as usize])
}
