//! Tests of the subject-robust measures, the calibrated verdict model and the pose-noise generator, on built marker sets and side views with known geometry.

use super::*;
use crate::keypoints::{Keypoint, KeypointFrame, Layout};
use crate::mocap::{FrameKinematics, MarkerFrame, PelvisSource, Point3, N_MARKERS};

/// A lifter's pose: lengths in metres, angles in degrees.
#[derive(Clone, Copy)]
struct Pose {
    thigh_m: f64,
    shank_m: f64,
    trunk_m: f64,
    /// Thigh below horizontal (−90 standing).
    thigh_deg: f64,
    /// Shin from vertical, + forward.
    shin_deg: f64,
    /// Trunk lean from vertical, + forward.
    lean_deg: f64,
    /// Left wrist raised above the right, metres (bar tilt).
    wrist_tip_m: f64,
}

const ANKLE_Z: f64 = 0.08;
const HALF_WIDTH: f64 = 0.1;

/// Joint centres of one pose (left leg first), x forward, y left, z up.
fn joints(p: &Pose) -> ([Point3; 2], [Point3; 2], [Point3; 2], Point3) {
    let (s, b) = (p.shin_deg.to_radians(), p.thigh_deg.to_radians());
    let ankle = [[0.0, HALF_WIDTH, ANKLE_Z], [0.0, -HALF_WIDTH, ANKLE_Z]];
    let knee = ankle.map(|a| [a[0] + p.shank_m * s.sin(), a[1], a[2] + p.shank_m * s.cos()]);
    // knee − hip = L (cos b, 0, sin b): the hip behind and (b > 0) below the knee.
    let hip = knee.map(|k| [k[0] - p.thigh_m * b.cos(), k[1], k[2] - p.thigh_m * b.sin()]);
    let mid_hip = [(hip[0][0] + hip[1][0]) / 2.0, 0.0, (hip[0][2] + hip[1][2]) / 2.0];
    let l = p.lean_deg.to_radians();
    let mid_sh = [mid_hip[0] + p.trunk_m * l.sin(), 0.0, mid_hip[2] + p.trunk_m * l.cos()];
    (hip, knee, ankle, mid_sh)
}

fn marker_frame(p: &Pose) -> (MarkerFrame, FrameKinematics) {
    let (hip, knee, ankle, sh) = joints(p);
    let mut m: MarkerFrame = [None; N_MARKERS];
    let put = |m: &mut MarkerFrame, k: usize, v: Point3| m[k] = Some(v);
    put(&mut m, marker::LSHO, [sh[0], 0.18, sh[2]]);
    put(&mut m, marker::RSHO, [sh[0], -0.18, sh[2]]);
    for (k, dz) in [(marker::LWRA, p.wrist_tip_m), (marker::LWRB, p.wrist_tip_m), (marker::RWRA, 0.0), (marker::RWRB, 0.0)] {
        let y = if k == marker::LWRA || k == marker::LWRB { 0.2 } else { -0.2 };
        put(&mut m, k, [sh[0], y, sh[2] + 0.6 + dz]);
    }
    put(&mut m, marker::LASI, [hip[0][0] + 0.05, 0.12, hip[0][2] + 0.08]);
    put(&mut m, marker::RASI, [hip[1][0] + 0.05, -0.12, hip[1][2] + 0.08]);
    for (l, (kn, an, he, to)) in [(0, (marker::LKNE, marker::LANK, marker::LHEE, marker::LTOE)), (1, (marker::RKNE, marker::RANK, marker::RHEE, marker::RTOE))] {
        let side = if l == 0 { 1.0 } else { -1.0 };
        put(&mut m, kn, [knee[l][0], knee[l][1] + side * 0.057, knee[l][2]]);
        put(&mut m, an, [ankle[l][0], ankle[l][1] + side * 0.042, ankle[l][2]]);
        put(&mut m, he, [ankle[l][0] - 0.06, ankle[l][1], ankle[l][2] - 0.03]);
        put(&mut m, to, [ankle[l][0] + 0.15, ankle[l][1], ankle[l][2] - 0.03]);
    }
    let mid_hip = [(hip[0][0] + hip[1][0]) / 2.0, 0.0, (hip[0][2] + hip[1][2]) / 2.0];
    let k = FrameKinematics {
        t_s: 0.0,
        hip_centre_l_m: hip[0],
        hip_centre_r_m: hip[1],
        knee_centre_l_m: knee[0],
        knee_centre_r_m: knee[1],
        ankle_centre_l_m: ankle[0],
        ankle_centre_r_m: ankle[1],
        mid_hip_m: mid_hip,
        mid_shoulder_m: sh,
        trunk_lean_rad: p.lean_deg.to_radians(),
        trunk_lean_c7_rad: None,
        pelvic_tilt_rad: 0.0,
        knee_flexion_3d_l_rad: 0.0,
        knee_flexion_3d_r_rad: 0.0,
        knee_flexion_2d_l_rad: 0.0,
        knee_flexion_2d_r_rad: 0.0,
        knee_convergence_m: 0.0,
    };
    (m, k)
}

fn lerp(a: f64, b: f64, w: f64) -> f64 {
    a + (b - a) * w
}

/// 20 standing frames, 30 down to `bottom`, 30 back up (100 Hz).
fn poses(stand: Pose, bottom: Pose) -> Vec<Pose> {
    let at = |w: f64| Pose {
        thigh_deg: lerp(stand.thigh_deg, bottom.thigh_deg, w),
        shin_deg: lerp(stand.shin_deg, bottom.shin_deg, w),
        lean_deg: lerp(stand.lean_deg, bottom.lean_deg, w),
        wrist_tip_m: lerp(stand.wrist_tip_m, bottom.wrist_tip_m, w),
        ..stand
    };
    let mut v: Vec<Pose> = (0..20).map(|_| at(0.0)).collect();
    v.extend((1..=30).map(|i| at(i as f64 / 30.0)));
    v.extend((1..=30).map(|i| at(1.0 - i as f64 / 30.0)));
    v
}

fn trial(ps: &[Pose]) -> PreparedTrial {
    let (markers, mut frames): (Vec<MarkerFrame>, Vec<FrameKinematics>) = ps.iter().map(marker_frame).unzip();
    for (i, f) in frames.iter_mut().enumerate() {
        f.t_s = i as f64 / 100.0;
    }
    PreparedTrial {
        fps_hz: 100.0,
        heading_rad: 0.0,
        markers,
        missing_frames: [0; N_MARKERS],
        pelvis_source: vec![PelvisSource::Measured; ps.len()],
        pelvic_width_m: 0.24,
        pelvic_depth_m: 0.15,
        frames,
    }
}

fn window(t: &PreparedTrial) -> RepWindow {
    let h: Vec<Option<f64>> = t.frames.iter().map(|f| Some(f.mid_hip_m[2])).collect();
    RepWindow::whole_clip(&h, t.fps_hz).expect("window")
}

const STAND: Pose = Pose { thigh_m: 0.45, shank_m: 0.43, trunk_m: 0.52, thigh_deg: -90.0, shin_deg: 0.0, lean_deg: 5.0, wrist_tip_m: 0.0 };
const BOTTOM: Pose = Pose { thigh_deg: 10.0, shin_deg: 30.0, lean_deg: 35.0, ..STAND };

fn close(a: Option<f64>, b: f64, tol: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= tol)
}

#[test]
fn squat_measures_on_a_built_marker_set_are_the_known_geometry() {
    let t = trial(&poses(STAND, BOTTOM));
    let w = window(&t);
    assert_eq!((w.bottom, w.standing_frames, w.end), (49, 10, 79));
    let m = from_markers(&t, w);
    assert!(close(m.thigh_below_horizontal_deg, 10.0, 1e-9), "{:?}", m.thigh_below_horizontal_deg);
    // Standing hip height 0.08 + 0.43 + 0.45; bottom 0.08 + 0.43 cos 30° − 0.45 sin 10°.
    let drop = (0.43 + 0.45) - (0.43 * 30f64.to_radians().cos() - 0.45 * 10f64.to_radians().sin());
    assert!(close(m.pelvis_drop_over_leg, drop / 0.88, 1e-9), "{:?}", m.pelvis_drop_over_leg);
    assert!(close(m.trunk_lean_gain_deg, 30.0, 1e-9));
    assert!(close(m.trunk_lean_range_deg, 30.0, 1e-9));
    assert!(close(m.trunk_minus_shin_deg, 5.0, 1e-9));
    assert!(close(m.bar_tilt_deg, 0.0, 1e-9));
    assert!(close(m.trunk_side_lean_deg, 0.0, 1e-9));
    assert!(close(m.torso_twist_deg, 0.0, 1e-9));
    assert!(close(m.arms_drop_over_trunk, 0.0, 1e-9));
    assert!(close(m.knees_in_ratio, 0.0, 1e-9));
    assert!(close(m.step_over_leg, 0.0, 1e-9));
}

#[test]
fn a_taller_lifter_and_a_forward_standing_posture_give_the_same_measures() {
    let base = from_markers(&trial(&poses(STAND, BOTTOM)), window(&trial(&poses(STAND, BOTTOM))));
    let big = Pose { thigh_m: 0.45 * 1.25, shank_m: 0.43 * 1.25, trunk_m: 0.52 * 1.25, ..STAND };
    let t = trial(&poses(big, Pose { thigh_deg: 10.0, shin_deg: 30.0, lean_deg: 35.0, ..big }));
    let tall = from_markers(&t, window(&t));
    assert!(close(tall.thigh_below_horizontal_deg, base.thigh_below_horizontal_deg.unwrap(), 1e-9));
    assert!(close(tall.trunk_lean_gain_deg, base.trunk_lean_gain_deg.unwrap(), 1e-9));
    // The drop over the leg, not in metres: the same for a lifter 25 % taller.
    assert!(close(tall.pelvis_drop_over_leg, base.pelvis_drop_over_leg.unwrap(), 1e-9));
    // Standing 7° further forward and leaning 7° more at the bottom is the same lean gain.
    let fwd = Pose { lean_deg: 12.0, ..STAND };
    let t = trial(&poses(fwd, Pose { lean_deg: 42.0, ..BOTTOM }));
    let m = from_markers(&t, window(&t));
    assert!(close(m.trunk_lean_gain_deg, 30.0, 1e-9));
    assert!(close(m.trunk_minus_shin_deg, 12.0, 1e-9));
}

#[test]
fn a_tipping_bar_and_a_shallow_squat_are_measured() {
    // Left wrists 0.05 m higher than the right at the bottom, 0.4 m apart: atan(0.05 / 0.4).
    let t = trial(&poses(STAND, Pose { wrist_tip_m: 0.05, thigh_deg: -20.0, ..BOTTOM }));
    let m = from_markers(&t, window(&t));
    assert!(close(m.bar_tilt_deg, (0.05f64 / 0.4).atan().to_degrees(), 1e-9), "{:?}", m.bar_tilt_deg);
    assert!(close(m.thigh_below_horizontal_deg, -20.0, 1e-9));
}

/// The same geometry as a side-view body (left leg and right leg overlapping, 100 Hz).
fn side_body(ps: &[Pose]) -> SagittalBody {
    let mut tracks = vec![Vec::new(); 33];
    for lm in crate::body::TRACKED {
        tracks[lm] = vec![None; ps.len()];
    }
    for (f, p) in ps.iter().enumerate() {
        let (hip, knee, ankle, sh) = joints(p);
        let xz = |q: Point3| Some([q[0], q[2]]);
        for (l, (h, k, a, he, to)) in [
            (0, (bp::LEFT_HIP, bp::LEFT_KNEE, bp::LEFT_ANKLE, bp::LEFT_HEEL, bp::LEFT_FOOT_INDEX)),
            (1, (bp::RIGHT_HIP, bp::RIGHT_KNEE, bp::RIGHT_ANKLE, bp::RIGHT_HEEL, bp::RIGHT_FOOT_INDEX)),
        ] {
            tracks[h][f] = xz(hip[l]);
            tracks[k][f] = xz(knee[l]);
            tracks[a][f] = xz(ankle[l]);
            tracks[he][f] = xz([ankle[l][0] - 0.06, 0.0, ankle[l][2] - 0.03]);
            tracks[to][f] = xz([ankle[l][0] + 0.15, 0.0, ankle[l][2] - 0.03]);
        }
        tracks[bp::LEFT_SHOULDER][f] = xz(sh);
        tracks[bp::RIGHT_SHOULDER][f] = xz(sh);
        tracks[bp::LEFT_WRIST][f] = xz([sh[0], 0.0, sh[2] + 0.6]);
        tracks[bp::RIGHT_WRIST][f] = xz([sh[0], 0.0, sh[2] + 0.6]);
    }
    SagittalBody {
        t: (0..ps.len()).map(|i| i as f64 / 100.0).collect(),
        fps: 100.0,
        tracks,
        facing: 1.0,
        metres_per_pixel: 0.001,
        camera_yaw_rad: Some(0.0),
        person_fraction: 1.0,
        diagnostics: Vec::new(),
    }
}

#[test]
fn the_side_view_measures_agree_with_the_markers_and_leave_the_frontal_plane_out() {
    let ps = poses(STAND, BOTTOM);
    let t = trial(&ps);
    let mk = from_markers(&t, window(&t));
    let body = side_body(&ps);
    let h: Vec<Option<f64>> = (0..body.len()).map(|f| body.mid_hip(f).map(|p| p[1])).collect();
    let w = RepWindow::whole_clip(&h, body.fps).unwrap();
    let sv = from_side_view(&body, w);
    for name in RobustMeasures::SIDE_VIEW {
        assert!(close(sv.value(name), mk.value(name).unwrap(), 1e-9), "{name}: {:?} vs {:?}", sv.value(name), mk.value(name));
    }
    assert_eq!((sv.bar_tilt_deg, sv.trunk_side_lean_deg, sv.torso_twist_deg, sv.knees_in_ratio), (None, None, None, None));
}

#[test]
fn a_window_outside_the_clip_measures_nothing() {
    let t = trial(&poses(STAND, BOTTOM));
    let w = RepWindow { start: 0, bottom: 90, end: 95, standing_frames: 10 };
    assert_eq!(from_markers(&t, w), RobustMeasures::default());
    assert_eq!(RepWindow::whole_clip(&[None, None], 30.0), None);
}

fn model(band: f64) -> RobustModel {
    RobustModel {
        intercept: 0.0,
        features: vec![RobustFeature { measure: "thigh_below_horizontal_deg".into(), mean: 0.0, sd: 10.0, weight: -1.0 }],
        platt_a: 2.0,
        platt_b: 0.0,
        unclear_band: band,
    }
}

#[test]
fn the_verdict_says_unclear_near_even_odds_and_why() {
    let m = |deg: f64| RobustMeasures { thigh_below_horizontal_deg: Some(deg), ..RobustMeasures::default() };
    let md = model(0.15);
    // 10° below horizontal: s = −1, p = σ(−2) = 0.119: correct with 88 % confidence.
    let v = md.judge(&m(10.0)).unwrap();
    assert_eq!(v.verdict, "correct");
    assert!((v.probability_incorrect - sigmoid(-2.0)).abs() < 1e-12 && (v.confidence - sigmoid(2.0)).abs() < 1e-12);
    assert_eq!(md.judge(&m(-10.0)).unwrap().verdict, "incorrect");
    // 1° below: p = σ(−0.2) = 0.45, inside 0.35..0.65.
    let v = md.judge(&m(1.0)).unwrap();
    assert_eq!(v.verdict, "unclear");
    assert!(v.reasons.iter().any(|r| r.contains("45 %")), "{:?}", v.reasons);
    assert_eq!(model(0.0).judge(&m(1.0)).unwrap().verdict, "correct");
    // A missing input is not guessed.
    assert_eq!(md.judge(&RobustMeasures::default()), None);
}

#[test]
fn logistic_fit_recovers_a_known_model() {
    // y ~ Bernoulli(σ(1.5 z − 0.5)), z standard normal: 4000 rows.
    let mut rng = Rng::new(7);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for _ in 0..4000 {
        let z = rng.normal();
        x.push(vec![3.0 + 2.0 * z]);
        y.push(rng.uniform() < sigmoid(1.5 * z - 0.5));
    }
    let f = fit_logistic(&x, &y, &[], 0.0);
    assert!((f.mean[0] - 3.0).abs() < 0.1 && (f.sd[0] - 2.0).abs() < 0.1, "{f:?}");
    // Weight per training SD (≈ 2 units of x, ≈ 1 unit of z).
    assert!((f.weight[0] - 1.5).abs() < 0.15, "{f:?}");
    assert!((f.intercept + 0.5).abs() < 0.12, "{f:?}");
    // A strong penalty shrinks the weight toward 0.
    let g = fit_logistic(&x, &y, &[], 10.0);
    assert!(g.weight[0].abs() < 0.2 * f.weight[0].abs(), "{g:?}");
}

#[test]
fn logistic_fit_stays_finite_on_separable_data() {
    let x: Vec<Vec<f64>> = (0..20).map(|i| vec![i as f64]).collect();
    let y: Vec<bool> = (0..20).map(|i| i >= 10).collect();
    let f = fit_logistic(&x, &y, &[], 0.0);
    assert!(f.weight[0].is_finite() && f.weight[0] > 0.0);
    assert!(f.score(&[15.0]) > 0.0 && f.score(&[4.0]) < 0.0);
}

#[test]
fn the_generator_is_seeded_and_normal() {
    let (mut a, mut b) = (Rng::new(42), Rng::new(42));
    assert_eq!(a.next_u64(), b.next_u64());
    assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    let v: Vec<f64> = (0..20000).map(|_| a.normal()).collect();
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let s = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64).sqrt();
    assert!(m.abs() < 0.03 && (s - 1.0).abs() < 0.03, "{m} {s}");
}

/// A still person: 33 landmarks, hips at y 0.5, nose at 0.2, heels at 0.9 (span 0.7).
fn still(frames: usize) -> KeypointSequence {
    let lm: Vec<Keypoint> = (0..33)
        .map(|j| {
            let y = match j {
                0..=10 => 0.2,
                23 | 24 => 0.5,
                29..=32 => 0.9,
                _ => 0.6,
            };
            Keypoint { x: 0.5, y, z: 0.0, visibility: if j == 23 { 0.5 } else { 1.0 } }
        })
        .collect();
    KeypointSequence {
        fps: 30.0,
        width: 1080,
        height: 1920,
        layout: Layout::Blazepose33,
        frames: (0..frames).map(|i| KeypointFrame { t: i as f64 / 30.0, landmarks: Some(lm.clone()), world_landmarks: None }).collect(),
    }
}

#[test]
fn pose_noise_has_the_size_asked_for_and_none_when_zero() {
    let zero = PoseNoise { offset: [0.0; 6], deep_offset: [0.0; 6], jitter: 0.0, jitter_corr: 0.8, far_factor: 1.5 };
    let mut s = still(5);
    add_pose_noise(&mut s, &zero, &mut Rng::new(3));
    assert_eq!(s, still(5));
    // Hip offsets only, 1 % of the 0.7 span: the right hip (near side) moves by SD 0.007 in y,
    // the left hip (far side, visibility 0.5) by 1.5 times that; knees stay.
    let hips = PoseNoise { offset: [0.0, 0.0, 0.0, 0.01, 0.0, 0.0], ..zero };
    let (mut near, mut far) = (Vec::new(), Vec::new());
    for seed in 0..2000 {
        let mut s = still(2);
        add_pose_noise(&mut s, &hips, &mut Rng::new(seed));
        let l = s.frames[1].landmarks.as_ref().unwrap();
        near.push(l[24].y - 0.5);
        far.push(l[23].y - 0.5);
        assert_eq!(l[25].y, 0.6);
        // The same offset in every frame of a clip.
        assert_eq!(s.frames[0].landmarks.as_ref().unwrap()[24].y, l[24].y);
    }
    let sd = |v: &[f64]| (v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64).sqrt();
    assert!((sd(&near) - 0.007).abs() < 0.0005, "{}", sd(&near));
    assert!((sd(&far) - 0.0105).abs() < 0.0008, "{}", sd(&far));
}

#[test]
fn set_relative_measures_a_rep_against_the_lifters_others() {
    // Four reps to parallel and one 15° shallower: only that one stands out.
    let v = [Some(2.0), Some(3.0), Some(-12.0), Some(2.5), None, Some(3.5)];
    let r = set_relative(&v);
    assert_eq!(r, vec![Some(-0.5), Some(0.5), Some(-14.5), Some(0.0), None, Some(1.0)]);
    // A set that is shallow in every rep looks the same as a deep one: the limit of the measure.
    let shallow = set_relative(&[Some(-12.0), Some(-11.0), Some(-13.0)]);
    let deep = set_relative(&[Some(12.0), Some(13.0), Some(11.0)]);
    assert_eq!(shallow, vec![Some(0.0), Some(1.0), Some(-1.0)]);
    assert_eq!(deep, vec![Some(0.0), Some(1.0), Some(-1.0)]);
    assert_eq!(set_relative(&[Some(1.0), Some(2.0)]), vec![None, None]);
}

/// The squat marker model `examples/verdict_study.rs` chose on s01–s06 (docs/verdicts.md).
const SQUAT_MARKER_MODEL: &str = r#"
intercept = 0.001761
platt_a = 14.700073
platt_b = 0.404166
unclear_band = 0.15
features = [
  { measure = "thigh_below_horizontal_deg", mean = -0.906735, sd = 14.904437, weight = -0.267709 },
  { measure = "bar_tilt_deg", mean = 4.185075, sd = 5.330564, weight = 0.158059 },
]
"#;

#[test]
fn the_study_model_reads_from_toml_and_judges_built_squats() {
    let model: RobustModel = toml::from_str(SQUAT_MARKER_MODEL).expect("parses");
    assert!(toml::from_str::<RobustModel>("intercept = 0.0\nplatt_a = 1.0\nplatt_b = 0.0\nunclear_band = 0.1\nfeatures = []\nextra = 1").is_err());
    // Thighs 10° below horizontal, bar level: s = −0.318, p = σ(14.7 s + 0.404) ≈ 0.014.
    let t = trial(&poses(STAND, BOTTOM));
    let v = model.judge(&from_markers(&t, window(&t))).unwrap();
    assert_eq!(v.verdict, "correct");
    assert!((v.probability_incorrect - 0.0137).abs() < 0.002, "{}", v.probability_incorrect);
    // Thighs 20° above horizontal, bar tipped 7.1°: p ≈ 0.9988.
    let t = trial(&poses(STAND, Pose { wrist_tip_m: 0.05, thigh_deg: -20.0, ..BOTTOM }));
    let v = model.judge(&from_markers(&t, window(&t))).unwrap();
    assert_eq!(v.verdict, "incorrect");
    assert!(v.probability_incorrect > 0.998 && v.reasons.len() == 2, "{v:?}");
    // Thighs 6° above horizontal with the bar level: p ≈ 0.49, inside the unclear band; at
    // parallel, p ≈ 0.16: correct.
    let t = trial(&poses(STAND, Pose { thigh_deg: -6.0, ..BOTTOM }));
    let v = model.judge(&from_markers(&t, window(&t))).unwrap();
    assert_eq!(v.verdict, "unclear", "{v:?}");
    assert!((v.probability_incorrect - 0.4875).abs() < 0.01, "{v:?}");
    let t = trial(&poses(STAND, Pose { thigh_deg: 0.0, ..BOTTOM }));
    assert_eq!(model.judge(&from_markers(&t, window(&t))).unwrap().verdict, "correct");
}
