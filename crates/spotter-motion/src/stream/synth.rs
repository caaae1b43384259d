//! Synthetic training sessions for tests and benchmarks: a side view of a lifter squatting in
//! sets, frame by frame, generated on the fly (no memory grows with length). Deterministic:
//! the same seed gives the same frames.
//!
//! The stick figure: shank and thigh 0.43 m, trunk 0.50 m; at depth `d` (0 standing, 1 deep)
//! the shin tips forward to 35 d degrees, the thigh turns back to 100 d degrees from vertical and
//! the trunk leans 5 + 35 d degrees. Reps take 2.0 to 3.2 s with 0.4 to 1.4 s standing between
//! them, depth 0.8 to 1.05, sets of `reps_per_set` with `rest_s` of standing (slight sway)
//! between sets. Every landmark gets about 1.5 px of jitter; about 1 frame in 200 has no person
//! and 1 in 100 has a wrist at low visibility.

use crate::keypoints::{Keypoint, KeypointFrame, Layout, bp};
use crate::keypoints::reader::Header;

/// How a session is built.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSpec {
    /// Length, in seconds.
    pub seconds: f64,
    /// Frames per second.
    pub fps: f64,
    pub reps_per_set: usize,
    /// Standing rest between sets, in seconds.
    pub rest_s: f64,
    pub seed: u64,
}

impl SessionSpec {
    /// The image is 1080 x 1920 (a phone held upright), 800 px per metre, blazepose33.
    pub fn header(&self) -> Header {
        Header { fps: self.fps, width: 1080, height: 1920, layout: Layout::Blazepose33 }
    }

    pub fn frame_count(&self) -> usize {
        (self.seconds * self.fps).floor() as usize
    }
}

/// A small deterministic generator (64-bit LCG, high bits out).
#[derive(Debug, Clone)]
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

/// One planned movement: a rep (depth) or standing, over a time span.
#[derive(Debug, Clone, Copy)]
struct Phase {
    start_s: f64,
    end_s: f64,
    depth: f64,
}

/// The frames of a session, one at a time.
#[derive(Debug, Clone)]
pub struct Session {
    spec: SessionSpec,
    rng: Lcg,
    plan: Lcg,
    phase: Phase,
    reps_in_set: usize,
    next_frame: usize,
    /// Reps started so far (complete or not).
    pub reps_planned: usize,
}

impl Session {
    pub fn new(spec: SessionSpec) -> Session {
        let seed = spec.seed;
        // The clip opens with 1.5 s of standing.
        Session { spec, rng: Lcg(seed ^ 0x9e37_79b9), plan: Lcg(seed), phase: Phase { start_s: 0.0, end_s: 1.5, depth: 0.0 }, reps_in_set: 0, next_frame: 0, reps_planned: 0 }
    }

    fn advance_plan(&mut self, t: f64) {
        while t >= self.phase.end_s {
            let start_s = self.phase.end_s;
            self.phase = if self.phase.depth > 0.0 {
                // After a rep: stand briefly, or rest between sets.
                self.reps_in_set += 1;
                let stand = if self.reps_in_set >= self.spec.reps_per_set {
                    self.reps_in_set = 0;
                    self.spec.rest_s
                } else {
                    self.plan.range(0.4, 1.4)
                };
                Phase { start_s, end_s: start_s + stand, depth: 0.0 }
            } else {
                self.reps_planned += 1;
                Phase { start_s, end_s: start_s + self.plan.range(2.0, 3.2), depth: self.plan.range(0.8, 1.05) }
            };
        }
    }

    fn jitter(&mut self) -> f64 {
        // Sum of three uniforms: roughly normal, standard deviation about 1.5 px.
        (self.rng.next() + self.rng.next() + self.rng.next() - 1.5) * 3.0
    }
}

impl Iterator for Session {
    type Item = KeypointFrame;
    fn next(&mut self) -> Option<KeypointFrame> {
        if self.next_frame >= self.spec.frame_count() {
            return None;
        }
        let i = self.next_frame;
        self.next_frame += 1;
        let t = i as f64 / self.spec.fps;
        self.advance_plan(t);
        let p = self.phase;
        let d = if p.depth > 0.0 {
            let u = (t - p.start_s) / (p.end_s - p.start_s);
            p.depth * (0.5 - 0.5 * (2.0 * std::f64::consts::PI * u).cos())
        } else {
            0.0
        };
        let sway = 0.01 * (0.7 * t).sin();
        if self.rng.next() < 0.005 {
            return Some(KeypointFrame { t, landmarks: None, world_landmarks: None });
        }
        let r = |deg: f64| deg.to_radians();
        let ankle = [0.0, 0.08];
        let knee = [ankle[0] + 0.43 * r(35.0 * d).sin(), ankle[1] + 0.43 * r(35.0 * d).cos()];
        let hip = [knee[0] - 0.43 * r(100.0 * d).sin() + sway, knee[1] + 0.43 * r(100.0 * d).cos()];
        let lean = r(5.0 + 35.0 * d);
        let sh = [hip[0] + 0.5 * lean.sin(), hip[1] + 0.5 * lean.cos()];
        let ear = [sh[0] + 0.2 * lean.sin(), sh[1] + 0.2 * lean.cos()];
        let mut lms = vec![Keypoint { x: 0.5, y: 0.5, z: 0.0, visibility: 0.1 }; 33];
        let low_wrist = self.rng.next() < 0.01;
        for (idx, q) in [
            (bp::NOSE, [ear[0] + 0.1, ear[1]]),
            (bp::LEFT_EAR, ear),
            (bp::RIGHT_EAR, ear),
            (bp::LEFT_SHOULDER, sh),
            (bp::RIGHT_SHOULDER, sh),
            (bp::LEFT_WRIST, [sh[0] - 0.05, sh[1] + 0.02]),
            (bp::RIGHT_WRIST, [sh[0] - 0.05, sh[1] + 0.02]),
            (bp::LEFT_HIP, hip),
            (bp::RIGHT_HIP, hip),
            (bp::LEFT_KNEE, knee),
            (bp::RIGHT_KNEE, knee),
            (bp::LEFT_ANKLE, ankle),
            (bp::RIGHT_ANKLE, ankle),
            (bp::LEFT_HEEL, [-0.06, 0.02]),
            (bp::RIGHT_HEEL, [-0.06, 0.02]),
            (bp::LEFT_FOOT_INDEX, [0.14, 0.02]),
            (bp::RIGHT_FOOT_INDEX, [0.14, 0.02]),
        ] {
            let (jx, jy) = (self.jitter(), self.jitter());
            let vis = if low_wrist && idx == bp::LEFT_WRIST { 0.3 } else { 0.95 };
            lms[idx] = Keypoint { x: (440.0 + 800.0 * q[0] + jx) / 1080.0, y: (1800.0 - 800.0 * q[1] + jy) / 1920.0, z: 0.0, visibility: vis };
        }
        Some(KeypointFrame { t, landmarks: Some(lms), world_landmarks: None })
    }
}
