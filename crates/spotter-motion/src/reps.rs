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
/// the signal's unit, `leave < enter`. Depth is judged from the local standing level (the lowest
/// value since the previous rep), so a lifter who rests between reps a little below their tallest
/// standing height still gets separate reps.
pub fn segment(signal: &[Option<f64>], enter: f64, leave: f64) -> Vec<RepFrames> {
    let s: Vec<f64> = signal.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let n = s.len();
    // Deep regions and their bottoms, by hysteresis relative to the local standing level: a region
    // starts when the signal rises `enter` above the lowest value since the last region, and ends
    // when it has come back 70% of the way (or below `leave`).
    let mut regions: Vec<(usize, usize, usize)> = Vec::new(); // (start, bottom, end exclusive)
    // The signal is 0 at standing by construction, so a clip that starts deep starts a region.
    let mut local_min = 0.0f64;
    let mut i = 0;
    while i < n {
        if s[i].is_nan() {
            i += 1;
            continue;
        }
        local_min = local_min.min(s[i]);
        if !(s[i] > enter && s[i] - local_min > enter) {
            i += 1;
            continue;
        }
        let region_start = i;
        let base = local_min;
        let mut deepest = s[i];
        let mut j = i;
        while j < n && (s[j].is_nan() || !(s[j] < leave || deepest - s[j] > 0.7 * (deepest - base))) {
            deepest = deepest.max(s[j]);
            j += 1;
        }
        // The middle of the frames within 2% of the deepest value (a paused bottom).
        let tol = 0.02 * deepest.abs().max(1e-9);
        let near: Vec<usize> = (region_start..j).filter(|&k| s[k].is_finite() && deepest - s[k] <= tol).collect();
        regions.push((region_start, near[near.len() / 2], j));
        local_min = if j < n { s[j] } else { f64::INFINITY };
        i = j.max(i + 1);
    }
    let argmin = |from: usize, to: usize| (from..to).filter(|&k| s[k].is_finite()).min_by(|&a, &b| s[a].total_cmp(&s[b]));
    regions
        .iter()
        .enumerate()
        .map(|(r, &(_, bottom, _))| {
            let depth = s[bottom];
            let prev = if r == 0 { 0 } else { regions[r - 1].1 };
            let next = regions.get(r + 1).map_or(n, |x| x.1);
            // Standing before and after: the shallowest point between this bottom and its neighbours'.
            let before = argmin(prev, bottom);
            let after = argmin(bottom + 1, next);
            let near_standing = |base: f64| base <= leave.max(0.3 * depth);
            let start = before.and_then(|m| {
                let base = s[m];
                let level = base + 0.1 * (depth - base);
                near_standing(base).then(|| (m..bottom).rev().find(|&k| s[k].is_finite() && s[k] <= level).unwrap_or(m))
            });
            let end = after.and_then(|m| {
                let base = s[m];
                let level = base + 0.1 * (depth - base);
                near_standing(base).then(|| (bottom + 1..=m).find(|&k| s[k].is_finite() && s[k] <= level).unwrap_or(m))
            });
            RepFrames {
                start: start.unwrap_or(prev),
                bottom,
                end: end.unwrap_or_else(|| next.saturating_sub(1).max(bottom)),
                partial: start.is_none() || end.is_none(),
            }
        })
        .collect()
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
