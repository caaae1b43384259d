//! Tests of the filters on signals with known answers.

use super::*;

#[test]
fn passes_slow_signals_and_removes_fast_ones() {
    let fs = 100.0;
    let f = butterworth_lowpass(6.0, fs).expect("valid");
    let slow: Vec<f64> = (0..400).map(|i| (2.0 * std::f64::consts::PI * 0.5 * i as f64 / fs).sin()).collect();
    let fast: Vec<f64> = (0..400).map(|i| (2.0 * std::f64::consts::PI * 30.0 * i as f64 / fs).sin()).collect();
    let ys = filtfilt(&f, &slow);
    let yf = filtfilt(&f, &fast);
    let max_err = slow.iter().zip(&ys).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(max_err < 0.01, "0.5 Hz passes unchanged (max error {max_err})");
    let residual = yf[50..350].iter().map(|v| v.abs()).fold(0.0, f64::max);
    assert!(residual < 0.01, "30 Hz is removed (residual {residual})");
}

#[test]
fn gain_at_the_cutoff_is_minus_6_db_after_two_passes() {
    // filtfilt squares the magnitude response: 0.707^2 = 0.5 at the cut-off.
    let fs = 100.0;
    let f = butterworth_lowpass(6.0, fs).unwrap();
    let x: Vec<f64> = (0..2000).map(|i| (2.0 * std::f64::consts::PI * 6.0 * i as f64 / fs).sin()).collect();
    let y = filtfilt(&f, &x);
    let amp = y[500..1500].iter().map(|v| v.abs()).fold(0.0, f64::max);
    assert!((amp - 0.5).abs() < 0.02, "amplitude at cut-off {amp}");
}

#[test]
fn no_lag_on_a_ramp_and_flat_ends() {
    let f = butterworth_lowpass(6.0, 30.0).unwrap();
    let ramp: Vec<f64> = (0..60).map(|i| i as f64 * 0.1).collect();
    let y = filtfilt(&f, &ramp);
    for (a, b) in ramp.iter().zip(&y) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
    let flat = vec![3.0; 10];
    assert_eq!(filtfilt(&f, &flat).iter().map(|v| (v * 1e9).round()).collect::<Vec<_>>(), vec![3e9; 10]);
}

#[test]
fn cutoff_at_or_above_nyquist_means_no_filter() {
    assert_eq!(butterworth_lowpass(15.0, 30.0), None);
    assert_eq!(butterworth_lowpass(0.0, 30.0), None);
}

#[test]
fn short_gaps_are_interpolated_long_ones_and_ends_are_kept_unknown() {
    let x = [None, Some(1.0), None, None, Some(4.0), None, None, None, None, Some(0.0), None];
    let y = fill_gaps(&x, 3);
    assert_eq!(y, [None, Some(1.0), Some(2.0), Some(3.0), Some(4.0), None, None, None, None, Some(0.0), None]);
}

#[test]
fn clean_filters_each_known_run() {
    let x: Vec<Option<f64>> = (0..40).map(|i| if (18..24).contains(&i) { None } else { Some(1.0) }).collect();
    let y = clean(&x, 30.0, 6.0, 3);
    assert!(y[18..24].iter().all(Option::is_none));
    assert!(y.iter().flatten().all(|v| (v - 1.0).abs() < 1e-9));
}
