//! Repetition segmentation. A depth signal (how far the lifter is from standing: hip drop over leg
//! length for squats and lunges, trunk lean for hinges) is cut into repetitions with hysteresis:
//! a rep is a stretch where the signal rises above `enter` and comes back below `leave`. The bottom
//! is the deepest frame (the middle of a paused bottom); the start and end are the nearest frames
//! before and after it where the signal is back within 10% of the rep's depth from standing.
//! A rep whose start or end lies outside the clip is kept but marked partial.

/// One repetition, as frame indices into the signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepFrames {
    pub start: usize,
    pub bottom: usize,
    pub end: usize,
    /// The clip starts or ends inside this rep.
    pub partial: bool,
}

/// Segments `signal` (larger = deeper; `None` = unknown). `enter` and `leave` are thresholds in
/// the signal's unit, `leave < enter`.
pub fn segment(signal: &[Option<f64>], enter: f64, leave: f64) -> Vec<RepFrames> {
    let s: Vec<f64> = signal.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let n = s.len();
    let mut reps = Vec::new();
    let mut i = 0;
    while i < n {
        if !(s[i] > enter) {
            i += 1;
            continue;
        }
        // Extend the deep region until the signal is back below `leave`.
        let region_start = i;
        let mut j = i;
        while j < n && !(s[j] < leave) {
            j += 1;
        }
        let region_end = j; // exclusive
        let deepest = (region_start..region_end).filter(|&k| s[k].is_finite()).map(|k| s[k]).fold(f64::NEG_INFINITY, f64::max);
        // The middle of the frames within 2% of the deepest value (a paused bottom).
        let tol = 0.02 * deepest.abs().max(1e-9);
        let near: Vec<usize> = (region_start..region_end).filter(|&k| s[k].is_finite() && deepest - s[k] <= tol).collect();
        let bottom = near[near.len() / 2];
        let back = 0.1 * deepest;
        let start = (0..bottom).rev().find(|&k| s[k].is_finite() && s[k] <= back);
        let end = (bottom + 1..n).find(|&k| s[k].is_finite() && s[k] <= back);
        reps.push(RepFrames {
            start: start.unwrap_or(0),
            bottom,
            end: end.unwrap_or(n - 1),
            partial: start.is_none() || end.is_none(),
        });
        i = region_end.max(end.unwrap_or(region_end)).max(i + 1);
    }
    reps
}

/// The whole signal as one repetition (motion-capture files hold exactly one).
pub fn whole(signal: &[Option<f64>]) -> Option<RepFrames> {
    let (bottom, _) = signal
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some(RepFrames { start: 0, bottom, end: signal.len() - 1, partial: false })
}

#[cfg(test)]
mod tests;
