//! Cleaning of noisy landmark tracks: gaps filled by linear interpolation (short gaps only), and a
//! zero-phase low-pass filter.
//!
//! The low-pass is a second-order Butterworth filter, designed by the bilinear transform with
//! frequency pre-warping, run forward and backward (as `filtfilt`), so it adds no lag and its
//! effective order is four. The default cut-off of 6 Hz follows common practice for
//! marker and video kinematics of human movement (Winter, Biomechanics and Motor Control of Human
//! Movement, ch. 3: 4 to 6 Hz for gross body motion).

/// Default cut-off frequency, in hertz.
pub const DEFAULT_CUTOFF_HZ: f64 = 6.0;

/// Coefficients of a second-order section: `b0, b1, b2, a1, a2` (a0 = 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Biquad {
    pub b: [f64; 3],
    pub a: [f64; 2],
}

/// A second-order Butterworth low-pass at `cutoff_hz` for samples at `fs_hz`. `None` when the
/// cut-off is not below the Nyquist frequency (nothing to filter).
pub fn butterworth_lowpass(cutoff_hz: f64, fs_hz: f64) -> Option<Biquad> {
    if !(cutoff_hz > 0.0 && fs_hz > 0.0 && cutoff_hz < fs_hz / 2.0) {
        return None;
    }
    let k = (std::f64::consts::PI * cutoff_hz / fs_hz).tan();
    let q = std::f64::consts::FRAC_1_SQRT_2;
    let norm = 1.0 / (1.0 + k / q + k * k);
    let b0 = k * k * norm;
    Some(Biquad { b: [b0, 2.0 * b0, b0], a: [2.0 * (k * k - 1.0) * norm, (1.0 - k / q + k * k) * norm] })
}

fn run(f: &Biquad, x: &[f64]) -> Vec<f64> {
    let (mut x1, mut x2, mut y1, mut y2) = (x[0], x[0], x[0], x[0]);
    x.iter()
        .map(|&x0| {
            let y0 = f.b[0] * x0 + f.b[1] * x1 + f.b[2] * x2 - f.a[0] * y1 - f.a[1] * y2;
            x2 = x1;
            x1 = x0;
            y2 = y1;
            y1 = y0;
            y0
        })
        .collect()
}

/// Zero-phase low-pass of a series without gaps. The ends are padded by odd reflection (as
/// `filtfilt` does) so they do not droop. Series shorter than 4 samples come back unchanged.
pub fn filtfilt(f: &Biquad, x: &[f64]) -> Vec<f64> {
    let n = x.len();
    if n < 4 {
        return x.to_vec();
    }
    let pad = (3 * 3).min(n - 1);
    let mut ext = Vec::with_capacity(n + 2 * pad);
    ext.extend((1..=pad).rev().map(|i| 2.0 * x[0] - x[i]));
    ext.extend_from_slice(x);
    ext.extend((1..=pad).map(|i| 2.0 * x[n - 1] - x[n - 1 - i]));
    let mut y = run(f, &ext);
    y.reverse();
    let mut y = run(f, &y);
    y.reverse();
    y[pad..pad + n].to_vec()
}

/// Fills gaps (`None`) of at most `max_gap` samples by linear interpolation between the known
/// neighbours; longer gaps, and gaps at the ends, stay `None`.
pub fn fill_gaps(x: &[Option<f64>], max_gap: usize) -> Vec<Option<f64>> {
    let mut out = x.to_vec();
    let mut i = 0;
    while i < x.len() {
        if x[i].is_some() {
            i += 1;
            continue;
        }
        let start = i;
        while i < x.len() && x[i].is_none() {
            i += 1;
        }
        let (Some(before), Some(after)) = (start.checked_sub(1).and_then(|b| x[b]), x.get(i).copied().flatten()) else {
            continue;
        };
        let len = i - start;
        if len > max_gap {
            continue;
        }
        for (k, slot) in out[start..i].iter_mut().enumerate() {
            let w = (k + 1) as f64 / (len + 1) as f64;
            *slot = Some(before + w * (after - before));
        }
    }
    out
}

/// Fills short gaps, then low-passes each run of known samples on its own. Returns `None` where
/// the value stays unknown.
pub fn clean(x: &[Option<f64>], fs_hz: f64, cutoff_hz: f64, max_gap: usize) -> Vec<Option<f64>> {
    let filled = fill_gaps(x, max_gap);
    let Some(f) = butterworth_lowpass(cutoff_hz, fs_hz) else { return filled };
    let mut out = vec![None; filled.len()];
    let mut i = 0;
    while i < filled.len() {
        if filled[i].is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < filled.len() && filled[i].is_some() {
            i += 1;
        }
        let run: Vec<f64> = filled[start..i].iter().map(|v| v.expect("known run")).collect();
        for (k, v) in filtfilt(&f, &run).into_iter().enumerate() {
            out[start + k] = Some(v);
        }
    }
    out
}

#[cfg(test)]
mod tests;
