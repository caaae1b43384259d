//! Tests of the analysis on synthetic reps with known angles, and golden tests on UI-PRMD
//! repetitions (one deep squat correct and incorrect, one inline lunge).

use super::*;
use crate::keypoints::{Keypoint, KeypointFrame, KeypointSequence, Layout};
use crate::load::{ExternalLoad, Lifter, LoadPosition, Sex};
use crate::mocap;

/// Segment lengths of the stick figure, in metres.
const SHANK: f64 = 0.43;
const THIGH: f64 = 0.43;
const TRUNK: f64 = 0.50;

/// Joint positions (x forward, y up, metres) at squat depth `d` in 0..=1: the shin tips forward up
/// to 35 degrees, the thigh turns back to 100 degrees from vertical (hip below the knee), and the
/// trunk leans from 5 to 40 degrees.
fn figure(d: f64) -> [(usize, [f64; 2]); 17] {
    use crate::keypoints::bp::*;
    let r = |deg: f64| deg.to_radians();
    let ankle = [0.0, 0.08];
    let shin = r(35.0 * d);
    let knee = [ankle[0] + SHANK * shin.sin(), ankle[1] + SHANK * shin.cos()];
    let beta = r(100.0 * d);
    let hip = [knee[0] - THIGH * beta.sin(), knee[1] + THIGH * beta.cos()];
    let lean = r(5.0 + 35.0 * d);
    let shoulder = [hip[0] + TRUNK * lean.sin(), hip[1] + TRUNK * lean.cos()];
    let ear = [shoulder[0] + 0.2 * lean.sin(), shoulder[1] + 0.2 * lean.cos()];
    let nose = [ear[0] + 0.1, ear[1]];
    let wrist = [shoulder[0], shoulder[1] - 0.55];
    let heel = [ankle[0] - 0.06, 0.02];
    let toe = [ankle[0] + 0.14, 0.02];
    [
        (NOSE, nose), (LEFT_EAR, ear), (RIGHT_EAR, ear), (LEFT_SHOULDER, shoulder), (RIGHT_SHOULDER, shoulder),
        (LEFT_WRIST, wrist), (RIGHT_WRIST, wrist), (LEFT_HIP, hip), (RIGHT_HIP, hip), (LEFT_KNEE, knee),
        (RIGHT_KNEE, knee), (LEFT_ANKLE, ankle), (RIGHT_ANKLE, ankle), (LEFT_HEEL, heel), (RIGHT_HEEL, heel),
        (LEFT_FOOT_INDEX, toe), (RIGHT_FOOT_INDEX, toe),
    ]
}

/// A side view of `reps` squats (2 s each, 0.5 s standing between) at 30 fps, filmed in a
/// 1000 x 1000 image at 400 px per metre, lifter facing image-right.
fn squat_clip(reps: usize) -> KeypointSequence {
    let fps = 30.0;
    let n = ((0.5 + 2.5 * reps as f64) * fps) as usize;
    let frames = (0..n)
        .map(|i| {
            let t = i as f64 / fps;
            let phase = (t - 0.5).rem_euclid(2.5);
            let d = if t < 0.5 || phase >= 2.0 { 0.0 } else { 0.5 - 0.5 * (std::f64::consts::PI * phase).cos() };
            let mut lms = vec![Keypoint { x: 0.0, y: 0.0, z: 0.0, visibility: 0.0 }; 33];
            for (idx, p) in figure(d) {
                lms[idx] = Keypoint { x: (500.0 + 400.0 * p[0]) / 1000.0, y: (900.0 - 400.0 * p[1]) / 1000.0, z: 0.0, visibility: 0.95 };
            }
            KeypointFrame { t, landmarks: Some(lms), world_landmarks: None }
        })
        .collect();
    KeypointSequence { fps, width: 1000, height: 1000, layout: Layout::Blazepose33, frames }
}

/// The body height that makes the standing ankle-to-shoulder distance exactly the nominal
/// fraction of height, so the image scale is recovered exactly.
fn exact_height() -> f64 {
    let f = figure(0.0);
    let (a, s) = (f[11].1, f[3].1);
    ((s[0] - a[0]).powi(2) + (s[1] - a[1]).powi(2)).sqrt() / crate::body::ANKLE_TO_SHOULDER_OF_HEIGHT
}

fn options(movement: Movement, single_rep: bool) -> Options {
    Options {
        movement,
        single_rep,
        lifter: Lifter { body_mass_kg: 80.0, height_m: exact_height(), sex: Sex::Male },
        load: ExternalLoad::NONE,
        dynamic: false,
    }
}

fn analyze_clip(seq: &KeypointSequence, opts: &Options) -> Analysis {
    let body = SagittalBody::from_keypoints(seq, opts.lifter.height_m, crate::filter::DEFAULT_CUTOFF_HZ).expect("body");
    analyze(&body, opts, &Thresholds::builtin())
}

#[test]
fn synthetic_squats_are_counted_and_measured() {
    let a = analyze_clip(&squat_clip(3), &options(Movement::Squat, false));
    assert_eq!(a.rep_count, 3, "{:?}", a.diagnostics);
    for (i, r) in a.reps.iter().enumerate() {
        let bottom = 0.5 + 2.5 * i as f64 + 1.0;
        assert!((r.bottom_s - bottom).abs() <= 1.0 / 30.0 + 1e-9, "rep {i} bottom at {}", r.bottom_s);
        assert!((r.peak_trunk_lean_deg.unwrap() - 40.0).abs() < 0.5, "lean {:?}", r.peak_trunk_lean_deg);
        // Hip 0.43 * -cos(100 deg) = 0.0747 m below the knee at the bottom.
        assert!((r.hip_below_knee_m.unwrap() - 0.0747).abs() < 0.003, "{:?}", r.hip_below_knee_m);
        assert_eq!(r.depth_below_parallel, Some(true));
        assert!((r.knee_flexion_bottom_deg.unwrap() - (100.0 + 35.0)).abs() < 1.0, "{:?}", r.knee_flexion_bottom_deg);
        assert!((r.shin_angle_bottom_deg.unwrap() - 35.0).abs() < 0.5);
        // Start and end are where the hips are back within 10% of the depth: symmetric, inside the 1 s halves.
        assert!((r.descent_s - r.ascent_s).abs() <= 1.0 / 30.0 + 1e-9, "{} {}", r.descent_s, r.ascent_s);
        assert!((0.5..1.0).contains(&r.descent_s), "{}", r.descent_s);
        assert_eq!(r.verdict, Some("correct"));
    }
    assert!(a.camera.side_on);
    assert!(a.camera.yaw_deg.unwrap() < 1.0);
}

#[test]
fn synthetic_squat_load_matches_the_load_model_at_the_bottom() {
    let mut opts = options(Movement::Squat, false);
    opts.load = ExternalLoad { mass_kg: 100.0, position: LoadPosition::Back };
    let a = analyze_clip(&squat_clip(1), &opts);
    let peak = a.reps[0].l5s1.as_ref().expect("load");
    let f = figure(1.0);
    let pose = crate::load::SagittalPose {
        mid_hip: f[7].1,
        mid_shoulder: f[3].1,
        head: Some(f[1].1),
        hands: Some(f[5].1),
        facing: crate::load::Facing::PositiveX,
    };
    let expected = crate::load::l5s1_static(&opts.lifter, &opts.load, &pose).unwrap();
    assert!((peak.moment_nm / expected.moment_nm - 1.0).abs() < 0.02, "{} vs {}", peak.moment_nm, expected.moment_nm);
    assert!((peak.compression_n / expected.compression_n - 1.0).abs() < 0.02);
    assert!((peak.shear_n_flexed / expected.shear_n_flexed - 1.0).abs() < 0.03);
    assert_eq!(peak.compression_limit, "above_maximum", "{peak:?}");
}

#[test]
fn a_shallow_squat_is_flagged_with_its_value_and_threshold() {
    // Stop at 60% depth: the hip stays above the knee.
    let mut seq = squat_clip(1);
    let fps = seq.fps;
    for (i, f) in seq.frames.iter_mut().enumerate() {
        let t = i as f64 / fps;
        let d = if (0.5..2.5).contains(&t) { 0.6 * (0.5 - 0.5 * (std::f64::consts::PI * (t - 0.5)).cos()) } else { 0.0 };
        for (idx, p) in figure(d) {
            f.landmarks.as_mut().unwrap()[idx] = Keypoint { x: (500.0 + 400.0 * p[0]) / 1000.0, y: (900.0 - 400.0 * p[1]) / 1000.0, z: 0.0, visibility: 0.95 };
        }
    }
    let a = analyze_clip(&seq, &options(Movement::Squat, false));
    let r = &a.reps[0];
    assert_eq!(r.depth_below_parallel, Some(false));
    let fault = r.faults.iter().find(|f| f.id == "shallow_depth").expect("shallow depth flagged");
    assert!(fault.value < fault.threshold && fault.confidence > 0.9, "{fault:?}");
    assert_eq!(r.verdict, Some("incorrect"));
}

#[test]
fn a_front_view_fails_the_camera_check() {
    let mut seq = squat_clip(1);
    for f in &mut seq.frames {
        let l = f.landmarks.as_mut().unwrap();
        // Shoulders 0.4 m apart across the image: the lifter faces the camera.
        l[crate::keypoints::bp::LEFT_SHOULDER].x += 0.08;
        l[crate::keypoints::bp::RIGHT_SHOULDER].x -= 0.08;
    }
    let a = analyze_clip(&seq, &options(Movement::Squat, false));
    assert!(!a.camera.side_on, "{:?}", a.camera);
    assert!(a.camera.message.contains("not reliable"));
}

#[test]
fn no_rep_in_a_clip_of_standing_is_a_diagnostic_not_an_error() {
    let mut seq = squat_clip(1);
    seq.frames.truncate(12);
    let a = analyze_clip(&seq, &options(Movement::Squat, false));
    assert_eq!(a.rep_count, 0);
    assert!(a.diagnostics.iter().any(|d| d.contains("no repetition found")));
}

#[test]
fn butt_wink_is_reported_as_not_measurable() {
    let a = analyze_clip(&squat_clip(1), &options(Movement::Squat, false));
    assert!(a.butt_wink.contains("not measured") && a.butt_wink.contains("10 degrees"));
}

fn uiprmd(bytes: &[u8], movement: Movement) -> (Analysis, mocap::RepetitionSummary) {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut text).expect("gunzip");
    let prepared = mocap::prepare(&mocap::parse_uiprmd(&text).expect("parses")).expect("prepares");
    let seq = mocap::to_side_view(&prepared, mocap::CameraSide::Right, Some(30.0));
    let mut opts = options(movement, true);
    opts.lifter.height_m = 1.75;
    (analyze_clip(&seq, &opts), prepared.repetition())
}

#[test]
fn uiprmd_deep_squats_golden() {
    let (ok, truth) = uiprmd(include_bytes!("../../tests/data/ui-prmd/m01_s01_e01_positions.txt.gz"), Movement::Squat);
    let r = &ok.reps[0];
    assert_eq!(r.verdict, Some("correct"));
    assert!((r.peak_trunk_lean_deg.unwrap() - truth.peak_trunk_lean_rad.to_degrees()).abs() < 0.5);
    assert!((r.hip_drop_over_leg.unwrap() - truth.pelvis_drop_rel).abs() < 0.03, "{:?} vs {}", r.hip_drop_over_leg, truth.pelvis_drop_rel);
    let (bad, _) = uiprmd(include_bytes!("../../tests/data/ui-prmd/m01_s01_e01_positions_inc.txt.gz"), Movement::Squat);
    assert_eq!(bad.reps[0].verdict, Some("incorrect"), "{:?}", bad.reps[0]);
    assert!(bad.reps[0].verdict_reasons[0].starts_with("hip_below_knee_over_leg"));
}

#[test]
fn uiprmd_inline_lunge_golden() {
    let (a, truth) = uiprmd(include_bytes!("../../tests/data/ui-prmd/m03_s02_e01_positions.txt.gz"), Movement::Lunge);
    let r = &a.reps[0];
    assert_eq!(a.reps.len(), 1);
    assert!((r.peak_trunk_lean_deg.unwrap() - truth.peak_trunk_lean_rad.to_degrees()).abs() < 0.5);
    let lunge = r.lunge.as_ref().expect("lunge measures");
    // s02 leads with the left leg (README).
    assert_eq!(lunge.front_leg, "left");
    assert!(r.verdict.is_some());
}
