//! Tests of the marker verdict: the measures on real UI-PRMD repetitions against an independent
//! numpy implementation (written for the calibration, outside the repo; values copied below), the
//! built-in models' verdicts on those reps, a bar tilt injected into a correct lunge, and the
//! logistic arithmetic and threshold checks.

use std::io::Read;

use super::*;
use crate::mocap::{parse_uiprmd, prepare};
use crate::thresholds::ModelFeature;

fn prepared(bytes: &[u8]) -> PreparedTrial {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut text).expect("fixture decompresses");
    prepare(&parse_uiprmd(&text).expect("fixture parses")).expect("fixture prepares")
}

const M01_S01_E01: &[u8] = include_bytes!("../../tests/data/ui-prmd/m01_s01_e01_positions.txt.gz");
const M01_S01_E01_INC: &[u8] = include_bytes!("../../tests/data/ui-prmd/m01_s01_e01_positions_inc.txt.gz");
const M01_S05_E01: &[u8] = include_bytes!("../../tests/data/ui-prmd/m01_s05_e01_positions.txt.gz");
const M03_S01_E04: &[u8] = include_bytes!("../../tests/data/ui-prmd/m03_s01_e04_positions.txt.gz");
const M03_S02_E01: &[u8] = include_bytes!("../../tests/data/ui-prmd/m03_s02_e01_positions.txt.gz");

#[track_caller]
fn close(what: &str, got: Option<f64>, want: f64, tol: f64) {
    let got = got.unwrap_or_else(|| panic!("{what}: not measured"));
    assert!((got - want).abs() <= tol, "{what}: got {got}, want {want} ± {tol}");
}

/// numpy reference (bottom and standing from a 9-frame moving average of the mid-hip height, leg
/// from the lateral knee and ankle markers), so small differences are expected.
#[test]
fn measures_match_the_numpy_reference() {
    // (file, hip below knee / leg, bar tilt deg, lean range deg, side lean deg, back knee / leg)
    type Case = (&'static [u8], f64, f64, f64, f64, f64);
    let cases: [Case; 5] = [
        (M01_S01_E01, 0.1070, 2.8054, 35.4673, 4.4331, 0.3850),
        (M01_S01_E01_INC, -0.2301, 2.3134, 25.1103, 2.3455, 0.4608),
        (M01_S05_E01, -0.0062, 2.8599, 26.5984, 5.8242, 0.4362),
        (M03_S01_E04, -0.2352, 8.0044, 6.2325, 4.8777, 0.0174),
        (M03_S02_E01, -0.3251, 9.7491, 10.6647, 1.6973, -0.0055),
    ];
    for (i, (bytes, hbk, tilt, range, side, back)) in cases.into_iter().enumerate() {
        let m = measures(&prepared(bytes));
        close(&format!("case {i} hip below knee"), m.hip_below_knee_over_leg, hbk, 0.01);
        close(&format!("case {i} bar tilt"), m.wrist_line_tilt_deg, tilt, 0.3);
        close(&format!("case {i} lean range"), m.trunk_lean_range_deg, range, 0.3);
        close(&format!("case {i} side lean"), m.trunk_side_lean_deg, side, 0.3);
        close(&format!("case {i} back knee"), m.back_knee_height_over_leg, back, 0.01);
    }
}

#[test]
fn builtin_models_judge_the_fixture_reps() {
    let th = Thresholds::builtin();
    let v = |bytes: &[u8], mv: Movement| judge(&measures(&prepared(bytes)), mv, &th).expect("a model for the movement");
    let ok = v(M01_S01_E01, Movement::Squat);
    assert_eq!(ok.verdict, "correct", "{ok:?}");
    assert!(ok.probability_incorrect < 0.2, "{ok:?}");
    let bad = v(M01_S01_E01_INC, Movement::Squat);
    assert_eq!(bad.verdict, "incorrect", "{bad:?}");
    // The shallow squat is judged incorrect because of its depth, and the reason says so.
    assert!(bad.reasons[0].starts_with("hip_below_knee_over_leg = -0.2"), "{:?}", bad.reasons);
    assert_eq!(v(M01_S05_E01, Movement::Squat).verdict, "correct");
    assert_eq!(v(M03_S01_E04, Movement::Lunge).verdict, "correct");
    assert_eq!(v(M03_S02_E01, Movement::Lunge).verdict, "correct");
    // No marker model for the hinge.
    assert_eq!(judge(&MarkerMeasures::default(), Movement::Hinge, &th), None);
}

/// Tipping the bar: the left wrist markers are raised in proportion to the depth of the lunge, so
/// the wrist line tilts by about 25° at the bottom. The measure must see it and the verdict flip.
#[test]
fn a_tipped_bar_makes_a_correct_lunge_incorrect() {
    let mut t = prepared(M03_S02_E01);
    let before = measures(&t);
    let rep = t.repetition();
    let top = t.frames[rep.standing_frame].mid_hip_m[2];
    let width = {
        let f = &t.markers[rep.bottom_frame];
        (f[marker::LWRA].unwrap()[1] - f[marker::RWRA].unwrap()[1]).abs()
    };
    let lift_at_bottom = width * 25f64.to_radians().tan();
    for (f, k) in t.markers.iter_mut().zip(&t.frames) {
        let depth = ((top - k.mid_hip_m[2]) / rep.pelvis_drop_m).clamp(0.0, 1.0);
        for w in [marker::LWRA, marker::LWRB] {
            if let Some(p) = f[w].as_mut() {
                p[2] += lift_at_bottom * depth;
            }
        }
    }
    let after = measures(&t);
    let added = after.wrist_line_tilt_deg.unwrap() - before.wrist_line_tilt_deg.unwrap();
    assert!(added > 15.0 && added < 30.0, "tilt grew by {added}°");
    assert_eq!(after.trunk_lean_range_deg, before.trunk_lean_range_deg);
    let th = Thresholds::builtin();
    assert_eq!(judge(&before, Movement::Lunge, &th).unwrap().verdict, "correct");
    assert_eq!(judge(&after, Movement::Lunge, &th).unwrap().verdict, "incorrect");
}

#[test]
fn logistic_arithmetic_and_missing_measures() {
    let model = MarkerVerdictModel {
        movement: "squat".into(),
        intercept: -1.0,
        feature: vec![
            ModelFeature { measure: "wrist_line_tilt_deg".into(), mean: 4.0, sd: 2.0, weight: 1.5 },
            ModelFeature { measure: "hip_below_knee_over_leg".into(), mean: 0.0, sd: 0.1, weight: -2.0 },
        ],
        sources: vec!["test".into()],
        source: "test".into(),
    };
    // score = -1 + 1.5·(8 − 4)/2 − 2·(−0.05 − 0)/0.1 = -1 + 3 + 1 = 3.
    let m = MarkerMeasures { wrist_line_tilt_deg: Some(8.0), hip_below_knee_over_leg: Some(-0.05), ..Default::default() };
    let v = apply_model(&model, &m).unwrap();
    assert!((v.probability_incorrect - 1.0 / (1.0 + (-3.0f64).exp())).abs() < 1e-12);
    assert_eq!(v.verdict, "incorrect");
    // A missing measure counts as its mean: score = -1 + 3 = 2, and the reason says it is missing.
    let m = MarkerMeasures { wrist_line_tilt_deg: Some(8.0), ..Default::default() };
    let v = apply_model(&model, &m).unwrap();
    assert!((v.probability_incorrect - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-12);
    assert!(v.reasons[1].contains("not measured"), "{:?}", v.reasons);
    // Nothing measured: no verdict.
    assert_eq!(apply_model(&model, &MarkerMeasures::default()), None);
    // At the means the intercept decides.
    let m = MarkerMeasures { wrist_line_tilt_deg: Some(4.0), hip_below_knee_over_leg: Some(0.0), ..Default::default() };
    assert_eq!(apply_model(&model, &m).unwrap().verdict, "correct");
}

#[test]
fn thresholds_reject_bad_marker_models() {
    let base = crate::thresholds::BUILTIN;
    let bad_measure = base.replacen("measure = \"wrist_line_tilt_deg\"", "measure = \"wrist_tilt\"", 1);
    let err = Thresholds::parse(&bad_measure).unwrap_err();
    assert!(err.contains("unknown measure `wrist_tilt`"), "{err}");
    let bad_sd = base.replacen("sd = 4.915466", "sd = 0.0", 1);
    assert_ne!(bad_sd, base, "the built-in squat model changed; update this test");
    let err = Thresholds::parse(&bad_sd).unwrap_err();
    assert!(err.contains("sd must be above 0"), "{err}");
}

#[test]
fn apply_to_analysis_replaces_the_side_view_verdict() {
    use crate::analysis::{analyze, Options};
    use crate::body::SagittalBody;
    use crate::load::{ExternalLoad, Lifter, Sex};
    let t = prepared(M01_S01_E01_INC);
    let seq = crate::mocap::to_side_view(&t, crate::mocap::CameraSide::Right, Some(30.0));
    let body = SagittalBody::from_keypoints(&seq, 1.75, 6.0).expect("body");
    let opts = Options {
        movement: Movement::Squat,
        single_rep: true,
        lifter: Lifter { body_mass_kg: 75.0, height_m: 1.75, sex: Sex::Male },
        load: ExternalLoad::NONE,
        dynamic: false,
    };
    let th = Thresholds::builtin();
    let mut a = analyze(&body, &opts, &th);
    assert_eq!(a.reps.len(), 1);
    let v = apply_to_analysis(&mut a, &t, &th).expect("a verdict");
    assert_eq!(a.reps[0].verdict, Some("incorrect"));
    assert_eq!(a.reps[0].verdict_reasons, v.reasons);
    assert!(a.reps[0].verdict_reasons[0].contains("log-odds"));
}
