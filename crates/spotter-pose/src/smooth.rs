//! Temporal smoothing as MediaPipe's pose graph applies it
//! (mediapipe/modules/pose_landmark/pose_landmark_filtering.pbtxt):
//! `VisibilitySmoothingCalculator` (a per-frame low-pass on visibility, α = 0.1) then
//! `LandmarksSmoothingCalculator` with a one-euro filter per coordinate
//! (landmarks_smoothing_calculator_utils.cc, mediapipe/util/filtering/one_euro_filter.cc,
//! low_pass_filter.cc). Image landmarks are filtered in pixels with velocities divided by the
//! person's size in pixels; world landmarks in metres without that scaling. Timestamps are in
//! seconds and may be irregular: the filter's rate comes from the gap between frames, as in
//! MediaPipe (which keeps whole nanoseconds).

/// One-euro settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneEuroParams {
    /// Rate assumed before two timestamps are known, frames per second.
    pub frequency_hz: f64,
    /// Cut-off at rest, Hz.
    pub min_cutoff_hz: f64,
    /// How fast the cut-off rises with speed (per unit of scaled speed).
    pub beta: f64,
    /// Cut-off of the speed estimate, Hz.
    pub derivative_cutoff_hz: f64,
    /// Skip the division of speeds by the object's size (world landmarks).
    pub disable_value_scaling: bool,
}

/// Body landmarks: min cut-off 0.05 Hz, β 80, derivative cut-off 1 Hz.
pub const POSE_LANDMARKS: OneEuroParams = OneEuroParams {
    frequency_hz: 30.0,
    min_cutoff_hz: 0.05,
    beta: 80.0,
    derivative_cutoff_hz: 1.0,
    disable_value_scaling: false,
};
/// Auxiliary (region) landmarks, smoothed harder: min cut-off 0.01 Hz, β 10.
pub const AUX_LANDMARKS: OneEuroParams = OneEuroParams {
    frequency_hz: 30.0,
    min_cutoff_hz: 0.01,
    beta: 10.0,
    derivative_cutoff_hz: 1.0,
    disable_value_scaling: false,
};
/// World landmarks: min cut-off 0.1 Hz, β 40, no size scaling.
pub const WORLD_LANDMARKS: OneEuroParams = OneEuroParams {
    frequency_hz: 30.0,
    min_cutoff_hz: 0.1,
    beta: 40.0,
    derivative_cutoff_hz: 1.0,
    disable_value_scaling: true,
};
/// Visibility low-pass weight of the new value, per frame.
pub const VISIBILITY_ALPHA: f64 = 0.1;
/// Below this object size (pixels) smoothing is skipped.
const MIN_OBJECT_SCALE: f64 = 1e-6;

/// Exponential smoothing; the first value passes through.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LowPass {
    last_raw: Option<f64>,
    stored: f64,
}

impl LowPass {
    /// Filters `value` with weight `alpha` (0..1) on the new value.
    pub fn apply(&mut self, value: f64, alpha: f64) -> f64 {
        let out = if self.last_raw.is_some() { alpha * value + (1.0 - alpha) * self.stored } else { value };
        self.last_raw = Some(value);
        self.stored = out;
        out
    }
}

/// A one-euro filter on one value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneEuro {
    p: OneEuroParams,
    frequency_hz: f64,
    x: LowPass,
    dx: LowPass,
    last_time_ns: i64,
}

impl OneEuro {
    pub fn new(p: OneEuroParams) -> OneEuro {
        OneEuro { p, frequency_hz: p.frequency_hz, x: LowPass::default(), dx: LowPass::default(), last_time_ns: 0 }
    }

    fn alpha(&self, cutoff_hz: f64) -> f64 {
        let te = 1.0 / self.frequency_hz;
        let tau = 1.0 / (2.0 * std::f64::consts::PI * cutoff_hz);
        1.0 / (1.0 + tau / te)
    }

    /// Filters `value` seen at `t_ns` (nanoseconds); `value_scale` multiplies the speed (the
    /// inverse of the object's size). A timestamp not after the last one returns `value` as is.
    pub fn apply(&mut self, t_ns: i64, value_scale: f64, value: f64) -> f64 {
        if self.last_time_ns >= t_ns {
            return value;
        }
        if self.last_time_ns != 0 && t_ns != 0 {
            self.frequency_hz = 1.0 / ((t_ns - self.last_time_ns) as f64 * 1e-9);
        }
        self.last_time_ns = t_ns;
        let dvalue = match self.x.last_raw {
            Some(last) => (value - last) * value_scale * self.frequency_hz,
            None => 0.0,
        };
        let edvalue = self.dx.apply(dvalue, self.alpha(self.p.derivative_cutoff_hz));
        let cutoff = self.p.min_cutoff_hz + self.p.beta * edvalue.abs();
        self.x.apply(value, self.alpha(cutoff))
    }
}

/// One-euro filters for a list of 3-D points (x, y, z filtered separately).
#[derive(Debug, Clone, PartialEq)]
pub struct PointSmoother {
    p: OneEuroParams,
    filters: Vec<[OneEuro; 3]>,
}

impl PointSmoother {
    pub fn new(p: OneEuroParams) -> PointSmoother {
        PointSmoother { p, filters: Vec::new() }
    }

    /// Forgets the history (MediaPipe resets when a frame has no landmarks).
    pub fn reset(&mut self) {
        self.filters.clear();
    }

    /// Smooths `pts` in place at time `t_ns`. `object_scale` is the person's size in the
    /// points' units (used unless value scaling is disabled; when `None`, the mean of the
    /// points' x and y extents is used, as MediaPipe does).
    pub fn apply(&mut self, pts: &mut [[f64; 3]], t_ns: i64, object_scale: Option<f64>) {
        if self.filters.len() != pts.len() {
            self.filters = vec![[OneEuro::new(self.p); 3]; pts.len()];
        }
        let mut value_scale = 1.0;
        if !self.p.disable_value_scaling {
            let scale = object_scale.unwrap_or_else(|| extent_scale(pts));
            if scale.is_nan() || scale < MIN_OBJECT_SCALE {
                return;
            }
            value_scale = 1.0 / scale;
        }
        for (pt, f) in pts.iter_mut().zip(&mut self.filters) {
            for k in 0..3 {
                pt[k] = f[k].apply(t_ns, value_scale, pt[k]);
            }
        }
    }
}

fn extent_scale(pts: &[[f64; 3]]) -> f64 {
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in pts {
        x0 = x0.min(p[0]);
        x1 = x1.max(p[0]);
        y0 = y0.min(p[1]);
        y1 = y1.max(p[1]);
    }
    if pts.is_empty() { 0.0 } else { ((x1 - x0) + (y1 - y0)) / 2.0 }
}

/// Per-frame low-pass on a list of visibilities.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VisibilitySmoother {
    filters: Vec<LowPass>,
}

impl VisibilitySmoother {
    pub fn reset(&mut self) {
        self.filters.clear();
    }

    pub fn apply(&mut self, vis: &mut [f64]) {
        if self.filters.len() != vis.len() {
            self.filters = vec![LowPass::default(); vis.len()];
        }
        for (v, f) in vis.iter_mut().zip(&mut self.filters) {
            *v = f.apply(*v, VISIBILITY_ALPHA);
        }
    }
}

/// Seconds to whole nanoseconds, as MediaPipe's timestamps are kept.
pub fn seconds_to_ns(t_s: f64) -> i64 {
    (t_s * 1e9).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_input_stays_constant() {
        let mut s = PointSmoother::new(POSE_LANDMARKS);
        for i in 1..50 {
            let mut p = [[100.0, 200.0, -5.0]];
            s.apply(&mut p, seconds_to_ns(i as f64 / 30.0), Some(300.0));
            assert_eq!(p[0], [100.0, 200.0, -5.0]);
        }
    }

    #[test]
    fn step_input_converges_and_lags_first() {
        let mut s = PointSmoother::new(POSE_LANDMARKS);
        let mut out = Vec::new();
        for i in 1..120 {
            let x = if i < 10 { 0.0 } else { 30.0 };
            let mut p = [[x, 0.0, 0.0]];
            s.apply(&mut p, seconds_to_ns(i as f64 / 30.0), Some(300.0));
            out.push(p[0][0]);
        }
        // At the step the output moves part-way, then keeps approaching the new value.
        let at_step = out[9];
        assert_eq!(out[8], 0.0);
        assert!(at_step > 0.0 && at_step < 30.0, "{at_step}");
        assert!(out.windows(2).skip(9).all(|w| w[1] >= w[0] - 1e-12));
        assert!((out[out.len() - 1] - 30.0).abs() < 0.5, "{}", out[out.len() - 1]);
    }

    #[test]
    fn rate_comes_from_timestamps_and_bad_timestamps_pass_values_through() {
        // The same motion sampled at 30 fps and at 15 fps ends at a similar lag per second.
        let run = |fps: f64| {
            let mut f = OneEuro::new(AUX_LANDMARKS);
            let n = (fps * 2.0) as usize;
            let mut last = 0.0;
            for i in 1..=n {
                let t = i as f64 / fps;
                last = f.apply(seconds_to_ns(t), 1.0 / 100.0, 50.0 * t);
            }
            100.0 - last // lag behind the true 100 at t = 2 s
        };
        let (lag30, lag15) = (run(30.0), run(15.0));
        assert!(lag30 > 0.0 && lag15 > 0.0);
        assert!((lag30 - lag15).abs() / lag30 < 0.3, "{lag30} vs {lag15}");
        // Irregular gaps: the filter follows the gap, not a fixed rate.
        let mut f = OneEuro::new(POSE_LANDMARKS);
        f.apply(seconds_to_ns(0.1), 0.01, 0.0);
        f.apply(seconds_to_ns(0.15), 0.01, 0.0);
        assert!((f.frequency_hz - 20.0).abs() < 1e-6);
        f.apply(seconds_to_ns(0.25), 0.01, 0.0);
        assert!((f.frequency_hz - 10.0).abs() < 1e-6);
        // Repeated timestamp: value as is.
        assert_eq!(f.apply(seconds_to_ns(0.25), 0.01, 7.0), 7.0);
    }

    #[test]
    fn visibility_low_pass_weights_new_values_by_a_tenth() {
        let mut v = VisibilitySmoother::default();
        let mut a = [1.0];
        v.apply(&mut a);
        assert_eq!(a[0], 1.0);
        let mut a = [0.0];
        v.apply(&mut a);
        assert!((a[0] - 0.9).abs() < 1e-12);
        v.reset();
        let mut a = [0.0];
        v.apply(&mut a);
        assert_eq!(a[0], 0.0);
    }
}
