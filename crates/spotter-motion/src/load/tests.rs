//! Tests of the L5/S1 load model: the spec's reference table (golden values), the published
//! envelopes (Cappozzo 1985, Cholewicki 1991), invariants as property tests, and the typed errors.

use super::*;
use proptest::prelude::*;

const REF_LIFTER: Lifter = Lifter { body_mass_kg: 80.0, height_m: 1.80, sex: Sex::Male };

fn deg(d: f64) -> f64 {
    d.to_radians()
}

fn load(mass_kg: f64, position: LoadPosition) -> ExternalLoad {
    ExternalLoad { mass_kg, position }
}

fn reference(lifter: &Lifter, external: ExternalLoad, trunk_deg: f64) -> L5s1Load {
    let pose = reference_posture(lifter, external.position, deg(trunk_deg));
    l5s1_static(lifter, &external, &pose).expect("reference posture is valid")
}

fn pct(got: f64, want: f64) -> f64 {
    100.0 * (got - want) / want
}

/// One row of spec/movement.md "Load model reference values": (case, load kg, where, trunk deg,
/// moment N m, compression N, shear N at 5 deg, shear N at 0 deg, compression x BW from research §3).
type Row = (&'static str, f64, LoadPosition, f64, [f64; 4], f64);

const REFERENCE_TABLE: [Row; 6] = [
    ("bodyweight squat, trunk 30", 0.0, LoadPosition::None, 30.0, [51.0, 1222.0, 137.0, 212.0], 1.6),
    ("back squat 100 kg, trunk 45", 100.0, LoadPosition::Back, 45.0, [376.0, 7240.0, 447.0, 993.0], 9.2),
    ("back squat 100 kg, trunk 55", 100.0, LoadPosition::Back, 55.0, [436.0, 8042.0, 518.0, 1151.0], 10.2),
    ("RDL 60 kg in hands, trunk 70", 60.0, LoadPosition::Hands, 70.0, [339.0, 5970.0, 459.0, 951.0], 7.6),
    ("good morning 40 kg, trunk 80", 40.0, LoadPosition::Back, 80.0, [270.0, 4632.0, 411.0, 804.0], 5.9),
    ("deadlift 180 kg, trunk 60", 180.0, LoadPosition::Hands, 60.0, [758.0, 13681.0, 795.0, 1896.0], 17.4),
];

/// Percent errors [moment, compression, shear 5 deg, shear 0 deg] of one reference row.
fn row_errors(row: &Row) -> [f64; 4] {
    let (_, mass, position, trunk_deg, want, _) = *row;
    let got = reference(&REF_LIFTER, load(mass, position), trunk_deg);
    let got = [got.moment_nm, got.compression_n, got.shear_n_neutral, got.shear_n_flexed];
    [0, 1, 2, 3].map(|i| pct(got[i], want[i]))
}

#[test]
fn reference_table_within_two_percent() {
    // The spec allows 10 %; the model is the research's own, so only the table's rounding is left.
    for row in &REFERENCE_TABLE {
        let errors = row_errors(row);
        assert!(errors.iter().all(|e| e.abs() < 2.0), "{}: errors {errors:?} %", row.0);
    }
}

#[test]
fn reference_table_body_weight_multiples() {
    for &(case, mass, position, trunk_deg, want, compression_bw) in &REFERENCE_TABLE {
        let got = reference(&REF_LIFTER, load(mass, position), trunk_deg);
        assert!((got.compression_bw - compression_bw).abs() < 0.06, "{case}: {} x BW", got.compression_bw);
        let bw_n = 80.0 * GRAVITY_M_S2;
        assert!((got.shear_flexed_bw - want[3] / bw_n).abs() < 0.01, "{case}");
        assert!((got.moment_per_bw_m - want[0] / bw_n).abs() < 0.002, "{case}");
    }
}

#[test]
fn reference_geometry() {
    // L5/S1 0.045 H above the hips, centre of mass 0.135 H and shoulders 0.243 H above L5/S1.
    let h = REF_LIFTER.height_m;
    let got = reference(&REF_LIFTER, ExternalLoad::NONE, 0.0);
    assert!((got.l5s1[1] - 0.045 * h).abs() < 1e-12);
    assert!((got.upper_body_com[1] - got.l5s1[1] - 0.135 * h).abs() < 1e-12);
    assert!((got.upper_body_mass_kg - 43.2).abs() < 1e-9);
    assert_eq!(got.load_point, None);
    let got = reference(&REF_LIFTER, load(60.0, LoadPosition::Hands), 70.0);
    let pose = reference_posture(&REF_LIFTER, LoadPosition::Hands, deg(70.0));
    assert_eq!(got.load_point, pose.hands);
    assert!((pose.mid_shoulder[0] - got.l5s1[0] - 0.243 * h * deg(70.0).sin()).abs() < 1e-12);
}

#[test]
fn reference_table_limit_zones() {
    let bw_squat = reference(&REF_LIFTER, ExternalLoad::NONE, 30.0);
    assert_eq!(bw_squat.compression_zone, LimitZone::BelowActionLimit);
    assert_eq!(bw_squat.shear_zone_flexed, LimitZone::BelowActionLimit);
    let back_squat = reference(&REF_LIFTER, load(100.0, LoadPosition::Back), 45.0);
    assert_eq!(back_squat.compression_zone, LimitZone::AboveMaximum);
    assert_eq!(back_squat.shear_zone_neutral, LimitZone::BelowActionLimit);
    assert_eq!(back_squat.shear_zone_flexed, LimitZone::AboveActionLimit);
    let good_morning = reference(&REF_LIFTER, load(40.0, LoadPosition::Back), 80.0);
    assert_eq!(good_morning.compression_zone, LimitZone::AboveActionLimit);
    let deadlift = reference(&REF_LIFTER, load(180.0, LoadPosition::Hands), 60.0);
    assert_eq!(deadlift.shear_zone_flexed, LimitZone::AboveMaximum);
    assert_eq!(deadlift.shear_zone_neutral, LimitZone::AboveActionLimit);
}

#[test]
fn limit_zone_boundaries() {
    let check = |value: f64, want: LimitZone| assert_eq!(LimitZone::compression(value), want, "{value} N");
    check(3400.0, LimitZone::BelowActionLimit);
    check(3400.1, LimitZone::AboveActionLimit);
    check(6400.0, LimitZone::AboveActionLimit);
    check(6400.1, LimitZone::AboveMaximum);
    assert_eq!(LimitZone::shear(-750.0), LimitZone::AboveActionLimit);
    assert_eq!(LimitZone::shear(1000.5), LimitZone::AboveMaximum);
}

#[test]
fn cappozzo_1985_half_squat_envelope() {
    // Half squats with 0.8-1.6 x BW on the bar: 6-10 x BW compression (measured at L3-L4, no
    // posture reported here). Realistic half-squat trunk lean 35-42 deg; the model lands within
    // 10 % of the band over the whole grid, and at 40 deg spans 6.2-10.5 x BW.
    for trunk_deg in [35.0, 38.0, 40.0, 42.0] {
        for bar_bw in [0.8, 1.0, 1.2, 1.4, 1.6] {
            let got = reference(&REF_LIFTER, load(bar_bw * 80.0, LoadPosition::Back), trunk_deg);
            assert!(
                (6.0 * 0.9..=10.0 * 1.1).contains(&got.compression_bw),
                "{bar_bw} x BW at {trunk_deg} deg: {} x BW",
                got.compression_bw
            );
        }
    }
    let light = reference(&REF_LIFTER, load(0.8 * 80.0, LoadPosition::Back), 40.0);
    let heavy = reference(&REF_LIFTER, load(1.6 * 80.0, LoadPosition::Back), 40.0);
    assert!(light.compression_bw >= 6.0 && heavy.compression_bw <= 10.0 * 1.06);
}

#[test]
fn cholewicki_1991_competition_deadlift_envelope() {
    // Highest average L4/L5 moment 988 N m and compression up to 17 192 N (6 cm arm, 5 deg).
    // An 80 kg lifter pulling 230 kg (2.9 x BW) at lift-off, trunk 60 deg.
    let got = reference(&REF_LIFTER, load(230.0, LoadPosition::Hands), 60.0);
    assert!(pct(got.moment_nm, 988.0).abs() < 10.0, "{} N m", got.moment_nm);
    assert!(pct(got.compression_n, 17_192.0).abs() < 10.0, "{} N", got.compression_n);
    // The spec's 180 kg row stays below the published maxima.
    let spec_row = reference(&REF_LIFTER, load(180.0, LoadPosition::Hands), 60.0);
    assert!(spec_row.moment_nm < 1000.0 && spec_row.compression_n < 17_192.0);
}

#[test]
fn head_in_line_changes_nothing_and_head_forward_adds_its_lever() {
    let external = load(100.0, LoadPosition::Back);
    let mut pose = reference_posture(&REF_LIFTER, LoadPosition::Back, deg(45.0));
    let in_line = l5s1_static(&REF_LIFTER, &external, &pose).unwrap();
    pose.head = None;
    let without = l5s1_static(&REF_LIFTER, &external, &pose).unwrap();
    assert!((in_line.moment_nm - without.moment_nm).abs() < 1e-9);
    // Neck flexed 30 deg further than the trunk (looking down), same shoulder-to-head distance:
    // moment + m_head g times the head's forward shift.
    let d = REFERENCE_HEAD_ABOVE_SHOULDER_PER_HEIGHT * REF_LIFTER.height_m;
    let [sx, sy] = pose.mid_shoulder;
    pose.head = Some([sx + d * deg(75.0).sin(), sy + d * deg(75.0).cos()]);
    let forward = l5s1_static(&REF_LIFTER, &external, &pose).unwrap();
    let expected = 0.0694 * 80.0 * GRAVITY_M_S2 * d * (deg(75.0).sin() - deg(45.0).sin());
    assert!((forward.moment_nm - in_line.moment_nm - expected).abs() < 1e-9);
}

#[test]
fn front_rack_sits_in_front_of_the_shoulders() {
    let h = REF_LIFTER.height_m;
    let upright_front = reference(&REF_LIFTER, load(100.0, LoadPosition::FrontRack), 0.0);
    let expected = 100.0 * GRAVITY_M_S2 * 0.055 * h;
    assert!((upright_front.moment_nm - expected).abs() < 1e-9);
    let front = reference(&REF_LIFTER, load(100.0, LoadPosition::FrontRack), 30.0);
    let back = reference(&REF_LIFTER, load(100.0, LoadPosition::Back), 30.0);
    assert!(front.moment_nm > back.moment_nm);
}

#[test]
fn wrists_in_front_of_the_shoulders_lengthen_the_lever() {
    let external = load(60.0, LoadPosition::Hands);
    let mut pose = reference_posture(&REF_LIFTER, LoadPosition::Hands, deg(50.0));
    let under = l5s1_static(&REF_LIFTER, &external, &pose).unwrap();
    pose.hands = pose.hands.map(|[x, y]| [x + 0.05, y]);
    let forward = l5s1_static(&REF_LIFTER, &external, &pose).unwrap();
    assert!((forward.moment_nm - under.moment_nm - 60.0 * GRAVITY_M_S2 * 0.05).abs() < 1e-9);
    pose.hands = None;
    let unseen = l5s1_static(&REF_LIFTER, &external, &pose).unwrap();
    assert!((unseen.moment_nm - under.moment_nm).abs() < 1e-9);
}

#[test]
fn backward_lean_gives_a_flexor_moment_and_still_compresses() {
    let got = reference(&REF_LIFTER, ExternalLoad::NONE, -10.0);
    assert!(got.moment_nm < 0.0 && got.extensor_force_n < 0.0);
    assert!(got.compression_n > 43.2 * GRAVITY_M_S2 * deg(10.0).cos());
    assert!(got.shear_n_neutral < 0.0 && got.shear_n_neutral == got.shear_n_flexed);
}

#[test]
fn uniform_vertical_acceleration_scales_the_static_load() {
    // Everything accelerating upward at a behaves like gravity g + a.
    let external = load(100.0, LoadPosition::Back);
    let pose = reference_posture(&REF_LIFTER, LoadPosition::Back, deg(45.0));
    let a = 2.0;
    let accel = Accelerations { upper_body_com_m_s2: [0.0, a], load_m_s2: [0.0, a] };
    let stat = l5s1_static(&REF_LIFTER, &external, &pose).unwrap();
    let dynamic = l5s1_dynamic(&REF_LIFTER, &external, &pose, &accel).unwrap();
    let k = (GRAVITY_M_S2 + a) / GRAVITY_M_S2;
    assert!((dynamic.moment_nm - k * stat.moment_nm).abs() < 1e-9);
    assert!((dynamic.compression_n - k * stat.compression_n).abs() < 1e-6);
    assert!((dynamic.shear_n_flexed - k * stat.shear_n_flexed).abs() < 1e-6);
}

#[test]
fn horizontal_acceleration_of_the_load_uses_its_height() {
    // A bar accelerating forward needs a backward push whose lever is its height above L5/S1.
    let external = load(100.0, LoadPosition::Back);
    let pose = reference_posture(&REF_LIFTER, LoadPosition::Back, 0.0);
    let accel = Accelerations { upper_body_com_m_s2: [0.0; 2], load_m_s2: [1.0, 0.0] };
    let got = l5s1_dynamic(&REF_LIFTER, &external, &pose, &accel).unwrap();
    let height_above_l5 = 0.243 * REF_LIFTER.height_m;
    assert!((got.moment_nm - (-100.0 * 1.0 * height_above_l5)).abs() < 1e-9);
}

#[test]
fn facing_negative_x_reads_the_lean_forward() {
    let external = load(100.0, LoadPosition::Back);
    let pose = reference_posture(&REF_LIFTER, LoadPosition::Back, deg(55.0)).mirrored();
    assert_eq!(pose.facing, Facing::NegativeX);
    assert!(pose.mid_shoulder[0] < 0.0);
    let got = l5s1_static(&REF_LIFTER, &external, &pose).unwrap();
    assert!(pct(got.moment_nm, 436.0).abs() < 2.0);
    assert!(got.l5s1[0] < 0.0, "output points stay in the input frame");
    // The same points read as facing +x lean 55 deg backward: refused.
    let wrong = SagittalPose { facing: Facing::PositiveX, ..pose };
    assert!(matches!(l5s1_static(&REF_LIFTER, &external, &wrong), Err(LoadError::ImplausibleTrunkAngle { .. })));
}

#[test]
fn de_leva_table_is_consistent() {
    for table in [&DE_LEVA_1996_MALE, &DE_LEVA_1996_FEMALE] {
        for (i, row) in table.segments.iter().enumerate() {
            assert_eq!(row.segment as usize, i, "rows in Segment order");
            assert!((0.0..1.0).contains(&row.com_from_start_fraction));
        }
        let m = |s| table.segment(s).mass_fraction;
        let limbs = m(Segment::UpperArm) + m(Segment::Forearm) + m(Segment::Hand);
        let legs = m(Segment::Thigh) + m(Segment::Shank) + m(Segment::Foot);
        let whole = m(Segment::HeadNeck) + m(Segment::Trunk) + 2.0 * (limbs + legs);
        assert!((whole - 1.0).abs() < 0.001, "{:?}: {whole}", table.sex);
        let parts = m(Segment::UpperTrunk) + m(Segment::MiddleTrunk) + m(Segment::LowerTrunk);
        assert!((parts - m(Segment::Trunk)).abs() < 1e-9);
    }
    assert_eq!(de_leva_1996(Sex::Female).sex, Sex::Female);
    assert!(DE_LEVA_1996_SOURCE.contains("1996"));
}

#[test]
fn de_leva_upper_body_mass_by_sex() {
    let model = LoadModel { upper_body_mass: UpperBodyMass::DeLeva1996, ..LoadModel::REFERENCE };
    let male = model.upper_body_mass_fraction(Sex::Male);
    let female = model.upper_body_mass_fraction(Sex::Female);
    assert!((male - 0.543).abs() < 0.001, "{male}");
    assert!((female - 0.529).abs() < 0.001, "{female}");
    assert_eq!(LoadModel::REFERENCE.upper_body_mass_fraction(Sex::Female), 0.54);
    // Used by the model: the male reference rows move by well under 1 %.
    let pose = reference_posture(&REF_LIFTER, LoadPosition::Back, deg(45.0));
    let got = model.static_load(&REF_LIFTER, &load(100.0, LoadPosition::Back), &pose).unwrap();
    assert!(pct(got.moment_nm, 376.0).abs() < 1.0);
}

#[test]
fn central_difference_is_exact_for_constant_acceleration() {
    let dt = 1.0 / 30.0;
    let a = [0.7, -3.0];
    let positions: Vec<[f64; 2]> = (0..10)
        .map(|i| i as f64 * dt)
        .map(|t| [1.0 + 0.2 * t + 0.5 * a[0] * t * t, 0.9 + 0.5 * a[1] * t * t])
        .collect();
    let got = accelerations_central_difference(&positions, dt).unwrap();
    assert_eq!(got.len(), positions.len());
    for g in got {
        assert!((g[0] - a[0]).abs() < 1e-9 && (g[1] - a[1]).abs() < 1e-9, "{g:?}");
    }
}

#[test]
fn central_difference_errors() {
    let ok = [[0.0, 0.0]; 3];
    assert_eq!(accelerations_central_difference(&ok, 0.0), Err(LoadError::NotPositive { field: "dt_s", value: 0.0 }));
    assert!(matches!(
        accelerations_central_difference(&ok, f64::NAN),
        Err(LoadError::NotPositive { field: "dt_s", .. })
    ));
    assert_eq!(
        accelerations_central_difference(&ok[..2], 0.1),
        Err(LoadError::TooFewSamples { n_samples: 2, min_samples: 3 })
    );
    let bad = [[0.0, 0.0], [0.0, f64::INFINITY], [0.0, 0.0]];
    assert_eq!(
        accelerations_central_difference(&bad, 0.1),
        Err(LoadError::NotFiniteSample { field: "positions_m", index: 1, value: f64::INFINITY })
    );
}

/// The field an error names, for the error table below.
fn field_of(err: &LoadError) -> &'static str {
    match err {
        LoadError::NotFinite { field, .. }
        | LoadError::NotPositive { field, .. }
        | LoadError::OutOfRange { field, .. }
        | LoadError::NotFiniteSample { field, .. }
        | LoadError::InvalidModel { field, .. } => field,
        LoadError::LoadWithoutPosition { .. } => "load.position",
        LoadError::ImplausibleTrunkLength { .. } | LoadError::ImplausibleTrunkAngle { .. } => "pose.mid_shoulder",
        LoadError::TooFewSamples { .. } => "positions_m",
    }
}

#[test]
fn bad_inputs_are_typed_errors_naming_the_field() {
    let good_load = load(100.0, LoadPosition::Back);
    let good_pose = reference_posture(&REF_LIFTER, LoadPosition::Back, deg(40.0));
    let lifter = |body_mass_kg, height_m| Lifter { body_mass_kg, height_m, sex: Sex::Female };
    let pose_with = |f: &dyn Fn(&mut SagittalPose)| {
        let mut p = good_pose;
        f(&mut p);
        p
    };
    let cases: Vec<(&str, Lifter, ExternalLoad, SagittalPose, Accelerations, &str)> = vec![
        ("negative body mass", lifter(-80.0, 1.8), good_load, good_pose, Accelerations::ZERO, "lifter.body_mass_kg"),
        ("NaN body mass", lifter(f64::NAN, 1.8), good_load, good_pose, Accelerations::ZERO, "lifter.body_mass_kg"),
        ("height too low", lifter(80.0, 0.99), good_load, good_pose, Accelerations::ZERO, "lifter.height_m"),
        ("height too high", lifter(80.0, 2.51), good_load, good_pose, Accelerations::ZERO, "lifter.height_m"),
        ("height in cm", lifter(80.0, 180.0), good_load, good_pose, Accelerations::ZERO, "lifter.height_m"),
        ("negative load", REF_LIFTER, load(-5.0, LoadPosition::Back), good_pose, Accelerations::ZERO, "load.mass_kg"),
        ("NaN load", REF_LIFTER, load(f64::NAN, LoadPosition::Hands), good_pose, Accelerations::ZERO, "load.mass_kg"),
        (
            "load without a place",
            REF_LIFTER,
            load(20.0, LoadPosition::None),
            good_pose,
            Accelerations::ZERO,
            "load.position",
        ),
        (
            "NaN hip",
            REF_LIFTER,
            good_load,
            pose_with(&|p| p.mid_hip[0] = f64::NAN),
            Accelerations::ZERO,
            "pose.mid_hip",
        ),
        (
            "infinite shoulder",
            REF_LIFTER,
            good_load,
            pose_with(&|p| p.mid_shoulder[1] = f64::INFINITY),
            Accelerations::ZERO,
            "pose.mid_shoulder",
        ),
        (
            "NaN head",
            REF_LIFTER,
            good_load,
            pose_with(&|p| p.head = Some([f64::NAN, 0.0])),
            Accelerations::ZERO,
            "pose.head",
        ),
        (
            "NaN hands",
            REF_LIFTER,
            good_load,
            pose_with(&|p| p.hands = Some([0.0, f64::NAN])),
            Accelerations::ZERO,
            "pose.hands",
        ),
        (
            "hips well above the shoulders",
            REF_LIFTER,
            good_load,
            reference_posture(&REF_LIFTER, LoadPosition::Back, deg(130.0)),
            Accelerations::ZERO,
            "pose.mid_shoulder",
        ),
        (
            "hip and shoulder the same point",
            REF_LIFTER,
            good_load,
            pose_with(&|p| p.mid_shoulder = p.mid_hip),
            Accelerations::ZERO,
            "pose.mid_shoulder",
        ),
        (
            "trunk in millimetres",
            REF_LIFTER,
            good_load,
            pose_with(&|p| p.mid_shoulder = [p.mid_shoulder[0] * 1000.0, p.mid_shoulder[1] * 1000.0]),
            Accelerations::ZERO,
            "pose.mid_shoulder",
        ),
        (
            "NaN acceleration",
            REF_LIFTER,
            good_load,
            good_pose,
            Accelerations { upper_body_com_m_s2: [f64::NAN, 0.0], load_m_s2: [0.0; 2] },
            "accel.upper_body_com_m_s2",
        ),
        (
            "glitch acceleration",
            REF_LIFTER,
            good_load,
            good_pose,
            Accelerations { upper_body_com_m_s2: [0.0; 2], load_m_s2: [0.0, 5000.0] },
            "accel.load_m_s2",
        ),
    ];
    for (case, lifter, external, pose, accel, field) in cases {
        let err = l5s1_dynamic(&lifter, &external, &pose, &accel).expect_err(case);
        assert_eq!(field_of(&err), field, "{case}: {err}");
        assert!(err.to_string().contains(field) || field == "load.position", "{case}: {err}");
    }
}

#[test]
fn hips_above_shoulders_error_is_specific() {
    let pose = reference_posture(&REF_LIFTER, LoadPosition::None, deg(120.0));
    let err = l5s1_static(&REF_LIFTER, &ExternalLoad::NONE, &pose).unwrap_err();
    let LoadError::ImplausibleTrunkAngle { trunk_angle_rad, .. } = err else { panic!("{err:?}") };
    assert!((trunk_angle_rad - deg(120.0)).abs() < 1e-9);
    assert!(err.to_string().contains("hips above the shoulders"));
    // Just past horizontal (100 deg, hips slightly above the shoulders) is still accepted.
    let pose = reference_posture(&REF_LIFTER, LoadPosition::None, deg(100.0));
    assert!(l5s1_static(&REF_LIFTER, &ExternalLoad::NONE, &pose).is_ok());
}

#[test]
fn invalid_model_constants_are_refused() {
    let pose = reference_posture(&REF_LIFTER, LoadPosition::None, deg(30.0));
    let cases = [
        (LoadModel { extensor_moment_arm_m: 0.0, ..LoadModel::REFERENCE }, "extensor_moment_arm_m"),
        (LoadModel { upper_body_mass: UpperBodyMass::Fraction(f64::NAN), ..LoadModel::REFERENCE }, "upper_body_mass"),
        (LoadModel { upper_body_com_fraction: -0.1, ..LoadModel::REFERENCE }, "upper_body_com_fraction"),
    ];
    for (model, field) in cases {
        let err = model.static_load(&REF_LIFTER, &ExternalLoad::NONE, &pose).unwrap_err();
        assert_eq!(field_of(&err), field);
    }
    assert_eq!(LoadModel::default(), LoadModel::REFERENCE);
    assert!(LoadModel::REFERENCE.validate().is_ok());
}

fn any_sex() -> impl Strategy<Value = Sex> {
    prop_oneof![Just(Sex::Male), Just(Sex::Female)]
}

fn any_position() -> impl Strategy<Value = LoadPosition> {
    prop_oneof![Just(LoadPosition::Back), Just(LoadPosition::FrontRack), Just(LoadPosition::Hands)]
}

fn any_lifter() -> impl Strategy<Value = Lifter> {
    (40.0..150.0f64, 1.5..2.1f64, any_sex()).prop_map(|(body_mass_kg, height_m, sex)| Lifter {
        body_mass_kg,
        height_m,
        sex,
    })
}

proptest! {
    /// With the load on the trunk line (back bar, hands under the shoulders) the moment grows like
    /// sin(theta) up to 90 deg. A front-racked bar sits 0.055 H in front of the trunk, so its lever
    /// (0.243 sin + 0.055 cos) H peaks at 77 deg; it is checked up to 75 deg.
    #[test]
    fn moment_grows_with_trunk_angle(
        lifter in any_lifter(), position in any_position(), mass in 0.0..300.0f64,
        a in 0.0..90.0f64, b in 0.0..90.0f64,
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let top = if position == LoadPosition::FrontRack { 75.0 } else { 90.0 };
        let (lo, hi) = (lo.min(top), hi.min(top));
        let low = reference(&lifter, load(mass, position), lo);
        let high = reference(&lifter, load(mass, position), hi);
        prop_assert!(high.moment_nm >= low.moment_nm - 1e-9);
    }

    /// Compression rises with lean only up to about 70 deg: C = M/d cos(beta) + W cos(theta) peaks
    /// where tan(theta) = lever x cos(beta) / d_ES, at 73-77 deg for 1.5-2.1 m lifters (the
    /// passive W cos(theta) then falls faster than the muscle term rises; at 90 deg it is about
    /// 3 % below the peak).
    #[test]
    fn compression_grows_with_trunk_angle_up_to_70_deg(
        lifter in any_lifter(), position in any_position(), mass in 0.0..300.0f64,
        a in 0.0..70.0f64, b in 0.0..70.0f64,
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let low = reference(&lifter, load(mass, position), lo);
        let high = reference(&lifter, load(mass, position), hi);
        prop_assert!(high.compression_n >= low.compression_n - 1e-9);
    }

    #[test]
    fn moment_and_compression_grow_with_load(
        lifter in any_lifter(), position in any_position(),
        a in 0.0..300.0f64, b in 0.0..300.0f64, trunk_deg in 0.0..100.0f64,
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let low = reference(&lifter, load(lo, position), trunk_deg);
        let high = reference(&lifter, load(hi, position), trunk_deg);
        prop_assert!(high.moment_nm >= low.moment_nm - 1e-9);
        prop_assert!(high.compression_n >= low.compression_n - 1e-9);
    }

    #[test]
    fn mirror_symmetry(
        lifter in any_lifter(), position in any_position(), mass in 0.0..300.0f64,
        trunk_deg in -30.0..100.0f64, origin in prop::array::uniform2(-3.0..3.0f64),
        head_dx in -0.1..0.1f64, hands_dx in -0.2..0.2f64,
        accel_ub in prop::array::uniform2(-20.0..20.0f64), accel_load in prop::array::uniform2(-20.0..20.0f64),
    ) {
        let mut pose = reference_posture(&lifter, LoadPosition::Hands, trunk_deg.to_radians());
        let shift = |p: [f64; 2]| [p[0] + origin[0], p[1] + origin[1]];
        pose.mid_hip = shift(pose.mid_hip);
        pose.mid_shoulder = shift(pose.mid_shoulder);
        pose.head = pose.head.map(shift).map(|[x, y]| [x + head_dx, y]);
        pose.hands = pose.hands.map(shift).map(|[x, y]| [x + hands_dx, y]);
        let accel = Accelerations { upper_body_com_m_s2: accel_ub, load_m_s2: accel_load };
        let mirrored_accel = Accelerations {
            upper_body_com_m_s2: [-accel_ub[0], accel_ub[1]],
            load_m_s2: [-accel_load[0], accel_load[1]],
        };
        let external = load(mass, position);
        let got = l5s1_dynamic(&lifter, &external, &pose, &accel).unwrap();
        let mirrored = l5s1_dynamic(&lifter, &external, &pose.mirrored(), &mirrored_accel).unwrap();
        for (x, y) in [
            (got.moment_nm, mirrored.moment_nm),
            (got.compression_n, mirrored.compression_n),
            (got.shear_n_neutral, mirrored.shear_n_neutral),
            (got.shear_n_flexed, mirrored.shear_n_flexed),
            (got.trunk_angle_rad, mirrored.trunk_angle_rad),
        ] {
            prop_assert!((x - y).abs() <= 1e-9 * (1.0 + x.abs()), "{x} vs {y}");
        }
        prop_assert!((got.l5s1[0] + mirrored.l5s1[0]).abs() < 1e-9);
    }

    #[test]
    fn upright_without_load_has_no_moment(lifter in any_lifter(), origin in prop::array::uniform2(-3.0..3.0f64)) {
        let mut pose = reference_posture(&lifter, LoadPosition::None, 0.0);
        pose.mid_hip = origin;
        pose.mid_shoulder = [origin[0], origin[1] + REFERENCE_TRUNK_LENGTH_PER_HEIGHT * lifter.height_m];
        pose.head = None;
        let got = l5s1_static(&lifter, &ExternalLoad::NONE, &pose).unwrap();
        prop_assert!(got.moment_nm.abs() < 1e-9);
        prop_assert!(got.shear_n_flexed.abs() < 1e-9);
        let weight = got.upper_body_mass_kg * GRAVITY_M_S2;
        prop_assert!((got.compression_n - weight).abs() < 1e-9);
    }

    #[test]
    fn dynamic_with_zero_acceleration_equals_static(
        lifter in any_lifter(), position in any_position(), mass in 0.0..300.0f64,
        trunk_deg in -40.0..105.0f64, hands_dx in -0.2..0.2f64,
    ) {
        let mut pose = reference_posture(&lifter, LoadPosition::Hands, trunk_deg.to_radians());
        pose.hands = pose.hands.map(|[x, y]| [x + hands_dx, y]);
        let external = load(mass, position);
        let stat = l5s1_static(&lifter, &external, &pose).unwrap();
        let dynamic = l5s1_dynamic(&lifter, &external, &pose, &Accelerations::ZERO).unwrap();
        prop_assert_eq!(stat, dynamic);
    }

    #[test]
    fn arbitrary_numbers_never_panic(
        mass in prop::num::f64::ANY, height in prop::num::f64::ANY, load_kg in prop::num::f64::ANY,
        hip in prop::array::uniform2(prop::num::f64::ANY), shoulder in prop::array::uniform2(prop::num::f64::ANY),
        accel in prop::array::uniform2(prop::num::f64::ANY), position in any_position(),
    ) {
        let lifter = Lifter { body_mass_kg: mass, height_m: height, sex: Sex::Male };
        let pose = SagittalPose { mid_hip: hip, mid_shoulder: shoulder, head: None, hands: None, facing: Facing::PositiveX };
        let accel = Accelerations { upper_body_com_m_s2: accel, load_m_s2: accel };
        if let Ok(got) = l5s1_dynamic(&lifter, &load(load_kg, position), &pose, &accel) {
            prop_assert!(got.moment_nm.is_finite() && got.compression_n.is_finite());
        }
    }
}
