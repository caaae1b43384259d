//! Tests of the UI-PRMD marker pipeline: parser errors and robustness, the rigid-body fit, gap
//! filling, and the derived quantities and side view on real files (tests/data/ui-prmd), checked
//! against the independent numpy implementation in tests/data/ui-prmd/reference.py.

use std::io::Read;

use proptest::prelude::*;

use super::*;

const M01_S01_E01: &[u8] = include_bytes!("../../tests/data/ui-prmd/m01_s01_e01_positions.txt.gz");
const M01_S01_E01_INC: &[u8] =
    include_bytes!("../../tests/data/ui-prmd/m01_s01_e01_positions_inc.txt.gz");
const M01_S05_E01: &[u8] = include_bytes!("../../tests/data/ui-prmd/m01_s05_e01_positions.txt.gz");
const M03_S01_E04: &[u8] = include_bytes!("../../tests/data/ui-prmd/m03_s01_e04_positions.txt.gz");
const M03_S02_E01: &[u8] = include_bytes!("../../tests/data/ui-prmd/m03_s02_e01_positions.txt.gz");

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("fixture decompresses");
    text
}

fn trial(bytes: &[u8]) -> MarkerTrial {
    parse_uiprmd(&gunzip(bytes)).expect("fixture parses")
}

fn prepared(bytes: &[u8]) -> PreparedTrial {
    prepare(&trial(bytes)).expect("fixture prepares")
}

#[track_caller]
fn close(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} ± {tol}"
    );
}

// ---------------------------------------------------------------------------------------------
// Parser

/// A row of 117 numbers: marker k at (k+1, 2(k+1), 3(k+1)) mm, except those in `missing`.
fn row(missing: &[usize]) -> String {
    (0..N_MARKERS)
        .map(|k| {
            if missing.contains(&k) {
                "0,0,0".to_string()
            } else {
                format!("{}.5,{},{}", k + 1, 2 * (k + 1), 3 * (k + 1))
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn parses_millimetres_to_metres_and_zeros_to_missing() {
    let text = format!("{}\r\n{}\n\n", row(&[]), row(&[marker::RASI, marker::LTOE]));
    let t = parse_uiprmd(&text).unwrap();
    assert_eq!(t.n_frames(), 2);
    assert_eq!(t.fps_hz, 100.0);
    assert_eq!(t.frames[0][0], Some([0.0015, 0.002, 0.003]));
    assert_eq!(t.frames[0][marker::RASI], Some([0.0255, 0.050, 0.075]));
    assert_eq!(t.frames[1][marker::RASI], None);
    assert_eq!(t.frames[1][marker::LTOE], None);
    assert_eq!(t.missing_frames(marker::RASI), 1);
    assert_eq!(t.missing_frames(marker::LASI), 0);
    assert_eq!(marker_index("RASI"), Some(marker::RASI));
    assert_eq!(marker_index("RTOE"), Some(38));
    assert_eq!(marker_index("HEAD"), None);
}

#[test]
fn a_marker_with_only_some_zero_coordinates_is_present() {
    let mut fields: Vec<String> = row(&[]).split(',').map(str::to_string).collect();
    fields[0] = "0".into();
    fields[1] = "0".into();
    let t = parse_uiprmd(&fields.join(",")).unwrap();
    assert_eq!(t.frames[0][0], Some([0.0, 0.0, 0.003]));
}

fn check_error(text: &str, expected: MocapError, message: &str) {
    let err = parse_uiprmd(text).unwrap_err();
    assert_eq!(err, expected);
    assert_eq!(err.to_string(), message);
}

#[test]
fn parse_errors_say_where_and_what() {
    check_error("", MocapError::Empty, "empty marker file: no data rows");
    check_error(
        " \n\n\t\n",
        MocapError::Empty,
        "empty marker file: no data rows",
    );
    let short = row(&[]).rsplit_once(',').unwrap().0.to_string();
    check_error(
        &format!("{}\n\n{short}\n", row(&[])),
        MocapError::ColumnCount {
            line: 3,
            found: 116,
        },
        "line 3: expected 117 columns (39 markers × x, y, z), found 116",
    );
    check_error(
        &format!("{},", row(&[])),
        MocapError::ColumnCount {
            line: 1,
            found: 118,
        },
        "line 1: expected 117 columns (39 markers × x, y, z), found 118",
    );
    let base = row(&[]);
    let long = "x".repeat(100);
    let mut fields: Vec<&str> = base.split(',').collect();
    fields[4] = " 12,5mm ";
    let bad = fields.join(";");
    check_error(
        &bad,
        MocapError::ColumnCount { line: 1, found: 2 },
        "line 1: expected 117 columns (39 markers × x, y, z), found 2",
    );
    fields[4] = " 12.5mm ";
    check_error(
        &format!("{}\n{}", row(&[]), fields.join(",")),
        MocapError::NotANumber {
            line: 2,
            column: 5,
            text: "12.5mm".into(),
        },
        "line 2, column 5: `12.5mm` is not a number",
    );
    fields[4] = "";
    check_error(
        &fields.join(","),
        MocapError::NotANumber {
            line: 1,
            column: 5,
            text: "".into(),
        },
        "line 1, column 5: `` is not a number",
    );
    fields[4] = "inf";
    check_error(
        &fields.join(","),
        MocapError::NotFinite {
            line: 1,
            column: 5,
            text: "inf".into(),
        },
        "line 1, column 5: `inf` is not a finite number",
    );
    fields[116] = "NaN";
    fields[4] = "1";
    check_error(
        &fields.join(","),
        MocapError::NotFinite {
            line: 1,
            column: 117,
            text: "NaN".into(),
        },
        "line 1, column 117: `NaN` is not a finite number",
    );
    fields[116] = &long;
    let MocapError::NotANumber { text, .. } = parse_uiprmd(&fields.join(",")).unwrap_err() else {
        panic!("not a number")
    };
    assert_eq!(
        text.chars().count(),
        41,
        "long fields are shortened: {text}"
    );
}

#[test]
fn real_files_parse_with_their_missing_markers() {
    let t = trial(M03_S02_E01);
    assert_eq!(t.n_frames(), 252);
    assert_eq!(t.missing_frames(marker::RTHI), 3);
    assert_eq!(t.missing_frames(marker::RKNE), 4);
    assert_eq!(
        (0..N_MARKERS).map(|k| t.missing_frames(k)).sum::<usize>(),
        7
    );
    let t = trial(M03_S01_E04);
    assert_eq!(t.n_frames(), 196);
    assert_eq!(t.missing_frames(marker::LTOE), 196);
    let t = trial(M01_S05_E01);
    assert_eq!(t.n_frames(), 339);
    assert_eq!(t.missing_frames(marker::STRN), 17);
    assert!(t.frames[..17].iter().all(|f| f[marker::STRN].is_none()));
    assert_eq!(trial(M01_S01_E01).n_frames(), 191);
    assert_eq!(trial(M01_S01_E01_INC).n_frames(), 217);
    // First value of m01_s01_e01: LFHD x = -138.008 mm.
    close(
        "LFHD x (m)",
        trial(M01_S01_E01).frames[0][marker::LFHD].unwrap()[0],
        -0.138008,
        1e-15,
    );
}

proptest! {
    #[test]
    fn parser_never_panics_on_random_text(text in "\\PC{0,400}") {
        let _ = parse_uiprmd(&text);
    }

    #[test]
    fn parser_never_panics_on_number_soup(text in "[0-9eE+\\-.,\\n\\r inNaf]{0,2000}") {
        let _ = parse_uiprmd(&text);
    }

    #[test]
    fn parser_never_panics_on_garbled_real_rows(
        edits in prop::collection::vec((0usize..10_000, prop::sample::select(vec!["", ",", "\n", "x", "-", ".", "0", "e", "1e400", "\u{feff}", "é"])), 1..8),
    ) {
        let rows = gunzip(M01_S01_E01);
        let mut text: String = rows.lines().take(3).collect::<Vec<_>>().join("\n");
        for (at, with) in edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let end = (at + 1..=text.len()).find(|&e| text.is_char_boundary(e)).unwrap_or(text.len());
            text.replace_range(at..end, with);
        }
        if let Ok(t) = parse_uiprmd(&text) {
            prop_assert!(t.n_frames() <= 4);
            prop_assert!(t.frames.iter().flatten().flatten().flatten().all(|c| c.is_finite()));
            let _ = prepare(&t).map(|p| (p.repetition(), to_side_view(&p, CameraSide::Left, Some(30.0))));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rigid-body fit and gap filling

fn rotation_about(axis: Point3, angle: f64) -> [[f64; 3]; 3] {
    let a = unit(axis);
    let h = (angle / 2.0).sin();
    quaternion_to_matrix([(angle / 2.0).cos(), a[0] * h, a[1] * h, a[2] * h])
}

#[test]
fn rigid_fit_recovers_a_known_motion() {
    let src = [
        [0.13, 0.0, 0.9],
        [-0.13, 0.01, 0.91],
        [0.04, -0.2, 0.95],
        [-0.04, -0.21, 0.94],
    ];
    for (axis, angle) in [
        ([0.0, 0.0, 1.0], 0.0),
        ([0.3, -1.0, 0.2], 0.7),
        ([1.0, 1.0, 1.0], 3.1),
        ([0.0, 1.0, 0.0], -2.5),
    ] {
        let r = rotation_about(axis, angle);
        let shift = [0.4, -1.2, 0.05];
        let dst: Vec<Point3> = src.iter().map(|p| add(mat_vec(&r, *p), shift)).collect();
        for n in [3, 4] {
            let (fr, ft) = fit_rigid(&src[..n], &dst[..n]);
            for (a, b) in fr.iter().flatten().zip(r.iter().flatten()) {
                close("rotation entry", *a, *b, 1e-9);
            }
            for c in 0..3 {
                close("translation", ft[c], shift[c], 1e-9);
            }
            // Proper rotation: determinant +1.
            close("det", dot(fr[0], cross(fr[1], fr[2])), 1.0, 1e-12);
        }
    }
}

#[test]
fn jacobi_diagonalises_a_symmetric_matrix() {
    let a = [
        [4.0, 1.0, -2.0, 0.5],
        [1.0, 3.0, 0.0, 1.5],
        [-2.0, 0.0, -1.0, 2.0],
        [0.5, 1.5, 2.0, 0.0],
    ];
    let (values, v) = symmetric_eigen4(a);
    close("trace", values.iter().sum(), 6.0, 1e-12);
    for j in 0..4 {
        for i in 0..4 {
            let av: f64 = (0..4).map(|k| a[i][k] * v[k][j]).sum();
            close("A v = λ v", av, values[j] * v[i][j], 1e-10);
        }
    }
}

#[test]
fn nearest_frame_prefers_the_earlier_on_a_tie() {
    assert_eq!(nearest(&[], 3), None);
    assert_eq!(nearest(&[5], 0), Some(5));
    assert_eq!(nearest(&[2, 6], 4), Some(2));
    assert_eq!(nearest(&[2, 6], 5), Some(6));
    assert_eq!(nearest(&[2, 6], 9), Some(6));
}

#[test]
fn linear_fill_interpolates_and_holds_the_ends() {
    let mut m: Vec<MarkerFrame> = vec![[None; N_MARKERS]; 6];
    m[1][0] = Some([1.0, 0.0, 0.0]);
    m[4][0] = Some([4.0, 3.0, 0.0]);
    fill_linear(&mut m);
    let x: Vec<Point3> = m.iter().map(|f| f[0].unwrap()).collect();
    assert_eq!(
        x,
        vec![
            [1.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [2.0, 1.0, 0.0],
            [3.0, 2.0, 0.0],
            [4.0, 3.0, 0.0],
            [4.0, 3.0, 0.0]
        ]
    );
    assert!(
        m.iter().all(|f| f[1].is_none()),
        "a marker missing throughout stays missing"
    );
}

/// m01_s01_e01 with RASI blanked in frames 40..=139 (reference.py "pelvis gap rasi_40_140").
#[test]
fn pelvis_gap_with_three_markers_is_filled_by_a_rigid_fit() {
    let original = trial(M01_S01_E01);
    let mut t = original.clone();
    for f in &mut t.frames[40..140] {
        f[marker::RASI] = None;
    }
    let mut lab = t.frames.clone();
    let sources = fill_pelvis(&mut lab, None).unwrap();
    assert!(
        sources[..40]
            .iter()
            .chain(&sources[140..])
            .all(|s| *s == PelvisSource::Measured)
    );
    assert!(
        sources[40..140]
            .iter()
            .all(|s| *s == PelvisSource::RigidFit)
    );
    let filled = lab[90][marker::RASI].unwrap();
    for (c, want) in [-0.406057, -0.109809, 0.430844].into_iter().enumerate() {
        close("filled RASI at frame 90 (lab, m)", filled[c], want, 1e-6);
    }
    let errors: Vec<f64> = (40..140)
        .map(|i| {
            norm3(sub(
                lab[i][marker::RASI].unwrap(),
                original.frames[i][marker::RASI].unwrap(),
            ))
        })
        .collect();
    close(
        "max fill error (m)",
        errors.iter().copied().fold(0.0, f64::max),
        0.063021,
        1e-6,
    );
    close(
        "mean fill error (m)",
        errors.iter().sum::<f64>() / errors.len() as f64,
        0.024012,
        1e-6,
    );
    // Deep hip flexion moves the ASIS markers against each other by centimetres, so the fill is
    // only as good as the pelvis is rigid: butt wink moves from 16.4 to 24.6 degrees here.
    let rep = prepare(&t).unwrap().repetition();
    assert!(rep.pelvic_tilt_measured);
    close(
        "butt wink (deg)",
        rep.butt_wink_rad.to_degrees(),
        24.557872,
        1e-5,
    );
    close(
        "peak trunk lean (deg)",
        rep.peak_trunk_lean_rad.to_degrees(),
        30.362500,
        1e-5,
    );
    close("drop (m)", rep.pelvis_drop_m, 0.533569, 1e-6);
    close(
        "tilt at the bottom (deg)",
        rep.pelvic_tilt_bottom_rad.to_degrees(),
        6.270916,
        1e-5,
    );
}

/// m01_s01_e01 with both ASIS blanked in frames 60..=79 (reference.py "pelvis gap asis_60_80").
#[test]
fn pelvis_with_two_markers_is_carried_and_flagged() {
    let mut t = trial(M01_S01_E01);
    for f in &mut t.frames[60..80] {
        f[marker::RASI] = None;
        f[marker::LASI] = None;
    }
    let p = prepare(&t).unwrap();
    assert_eq!(
        p.pelvis_source
            .iter()
            .filter(|s| **s == PelvisSource::Carried)
            .count(),
        20
    );
    assert_eq!(p.missing_frames[marker::LASI], 20);
    let rep = p.repetition();
    assert!(!rep.pelvic_tilt_measured);
    close(
        "butt wink (deg)",
        rep.butt_wink_rad.to_degrees(),
        16.438601,
        1e-5,
    );
    close(
        "peak trunk lean (deg)",
        rep.peak_trunk_lean_rad.to_degrees(),
        30.854451,
        1e-5,
    );
    let mut lab = t.frames.clone();
    fill_pelvis(&mut lab, None).unwrap();
    for (c, want) in [-0.427415, -0.107188, 0.439696].into_iter().enumerate() {
        close(
            "carried RASI at frame 70 (lab, m)",
            lab[70][marker::RASI].unwrap()[c],
            want,
            1e-6,
        );
    }
}

#[test]
fn without_a_complete_pelvis_frame_a_template_is_needed() {
    let original = trial(M01_S01_E01);
    let mut t = original.clone();
    for f in &mut t.frames {
        f[marker::RASI] = None;
    }
    assert_eq!(prepare_with_template(&t, None).unwrap_err(), MocapError::NoPelvisTemplate);
    assert_eq!(PelvisTemplate::from_trial(&t), None);
    let template = PelvisTemplate::from_trial(&original).unwrap();
    assert_eq!(
        template.markers_m[1],
        original.frames[0][marker::RASI].unwrap()
    );
    let p = prepare_with_template(&t, Some(&template)).unwrap();
    assert!(p.pelvis_source.iter().all(|s| *s == PelvisSource::RigidFit));
    assert!(p.repetition().pelvic_tilt_measured);
    // Frame 0 is the template's own frame: the fit puts RASI back where it was.
    let mut lab = t.frames.clone();
    fill_pelvis(&mut lab, Some(&template)).unwrap();
    for c in 0..3 {
        close(
            "RASI at frame 0 (lab, m)",
            lab[0][marker::RASI].unwrap()[c],
            original.frames[0][marker::RASI].unwrap()[c],
            1e-12,
        );
    }
}

/// RASI missing throughout: `prepare` mirrors LASI across the PSIS midline. The pelvis is nearly
/// symmetric, so the pelvis drop, width and tilt and the verdict measures stay close to those
/// from all four markers (tolerances: what two real files show, with a margin).
#[test]
fn a_pelvis_marker_missing_throughout_is_mirrored_from_its_partner() {
    for bytes in [M01_S01_E01, M03_S02_E01] {
        let original = trial(bytes);
        let mut t = original.clone();
        for f in &mut t.frames {
            f[marker::RASI] = None;
        }
        let full = prepare(&original).unwrap();
        let p = prepare(&t).expect("mirrored template");
        assert!(p.pelvis_source.iter().all(|s| *s == PelvisSource::RigidFit));
        close("pelvic width (m)", p.pelvic_width_m, full.pelvic_width_m, 0.03);
        let (a, b) = (full.repetition(), p.repetition());
        close("pelvis drop (m)", b.pelvis_drop_m, a.pelvis_drop_m, 0.025);
        close("peak trunk lean (deg)", b.peak_trunk_lean_rad.to_degrees(), a.peak_trunk_lean_rad.to_degrees(), 2.0);
        close("pelvic tilt standing (deg)", b.pelvic_tilt_standing_rad.to_degrees(), a.pelvic_tilt_standing_rad.to_degrees(), 4.0);
        close(
            "mid-hip height at the bottom (m)",
            p.frames[a.bottom_frame].mid_hip_m[2],
            full.frames[a.bottom_frame].mid_hip_m[2],
            0.02,
        );
        let (mf, mp) = (verdict::measures(&full), verdict::measures(&p));
        let d = |x: Option<f64>, y: Option<f64>| (x.unwrap() - y.unwrap()).abs();
        assert!(d(mf.hip_below_knee_over_leg, mp.hip_below_knee_over_leg) < 0.03);
        // The mirrored pelvis moves the mid-hip sideways a little: the side lean shifts by up to a
        // few degrees (3.2° on m01_s01_e01).
        assert!(d(mf.trunk_side_lean_deg, mp.trunk_side_lean_deg) < 4.0);
        assert!(d(mf.trunk_lean_range_deg, mp.trunk_lean_range_deg) < 2.0);
        assert!(d(mf.wrist_line_tilt_deg, mp.wrist_line_tilt_deg) < 0.5);
    }
    // Two markers missing: no mirror.
    let mut t = trial(M01_S01_E01);
    for f in &mut t.frames {
        f[marker::RASI] = None;
        f[marker::LASI] = None;
    }
    assert_eq!(PelvisTemplate::mirrored(&t), None);
    assert_eq!(prepare(&t).unwrap_err(), MocapError::NoPelvisTemplate);
}

#[test]
fn required_markers_missing_throughout_are_an_error() {
    let mut t = trial(M01_S01_E01_INC);
    for f in &mut t.frames {
        f[marker::LKNE] = None;
    }
    let err = prepare(&t).unwrap_err();
    assert_eq!(err, MocapError::MarkerMissingThroughout { marker: "LKNE" });
    assert_eq!(
        err.to_string(),
        "marker LKNE is missing in every frame and the analysis needs it"
    );
    let empty = MarkerTrial {
        fps_hz: 100.0,
        frames: vec![],
    };
    assert_eq!(prepare(&empty).unwrap_err(), MocapError::Empty);
    let t = MarkerTrial {
        fps_hz: 0.0,
        ..trial(M01_S01_E01_INC)
    };
    assert_eq!(
        prepare(&t).unwrap_err(),
        MocapError::InvalidFrameRate { fps_hz: 0.0 }
    );
}

#[test]
fn other_gaps_are_interpolated_and_held() {
    // RKNE is missing in frames 0..=3 of m03_s02_e01: held at frame 4's value.
    let p = prepared(M03_S02_E01);
    let first = p.markers[4][marker::RKNE].unwrap();
    assert!(
        p.markers[..4]
            .iter()
            .all(|f| f[marker::RKNE] == Some(first))
    );
    // STRN is missing in frames 0..=16 of m01_s05_e01.
    let p = prepared(M01_S05_E01);
    assert!(
        p.markers[..17]
            .iter()
            .all(|f| f[marker::STRN] == p.markers[17][marker::STRN])
    );
    // LTOE is missing throughout m03_s01_e04 and stays missing; everything else is present.
    let p = prepared(M03_S01_E04);
    assert_eq!(p.missing_frames[marker::LTOE], 196);
    for f in &p.markers {
        for (k, m) in f.iter().enumerate() {
            assert_eq!(m.is_none(), k == marker::LTOE, "marker {}", MARKER_NAMES[k]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Derived quantities on real files, against reference.py

/// Expected values printed by reference.py (metres and degrees).
struct Expected {
    file: &'static [u8],
    frames: usize,
    heading_deg: f64,
    stand: usize,
    bottom: usize,
    pelvic_width_m: f64,
    pelvic_depth_m: f64,
    drop_m: f64,
    leg_3d_m: f64,
    leg_2d_m: f64,
    drop_rel_3d: f64,
    drop_rel_2d: f64,
    peak_trunk_lean_deg: f64,
    peak_trunk_lean_c7_deg: f64,
    lean_at_bottom_deg: f64,
    tilt_standing_deg: f64,
    tilt_bottom_deg: f64,
    butt_wink_deg: f64,
    peak_knee_flex_3d_deg: f64,
    peak_knee_flex_2d_deg: f64,
    knee_convergence_m: f64,
    hjc_l0: Point3,
    hjc_r0: Point3,
    lean0_deg: f64,
    tilt0_deg: f64,
}

/// Tolerances: reference.py prints 6 decimals, and both sides compute in f64.
const TOL_M: f64 = 2e-6;
const TOL_DEG: f64 = 2e-5;
const TOL_RATIO: f64 = 2e-6;

fn check(e: &Expected) {
    let p = prepared(e.file);
    let r = p.repetition();
    assert_eq!(p.n_frames(), e.frames);
    assert_eq!((r.standing_frame, r.bottom_frame), (e.stand, e.bottom));
    close(
        "standing t (s)",
        r.standing_t_s,
        e.stand as f64 / 100.0,
        1e-12,
    );
    close("bottom t (s)", r.bottom_t_s, e.bottom as f64 / 100.0, 1e-12);
    close(
        "heading",
        p.heading_rad.to_degrees(),
        e.heading_deg,
        TOL_DEG,
    );
    close("pelvic width", p.pelvic_width_m, e.pelvic_width_m, TOL_M);
    close("pelvic depth", p.pelvic_depth_m, e.pelvic_depth_m, TOL_M);
    close("drop", r.pelvis_drop_m, e.drop_m, TOL_M);
    close("leg 3-D", r.leg_length_3d_m, e.leg_3d_m, TOL_M);
    close("leg 2-D", r.leg_length_2d_m, e.leg_2d_m, TOL_M);
    close(
        "drop rel 3-D",
        r.pelvis_drop_rel_3d,
        e.drop_rel_3d,
        TOL_RATIO,
    );
    close("drop rel", r.pelvis_drop_rel, e.drop_rel_2d, TOL_RATIO);
    close(
        "peak trunk lean",
        r.peak_trunk_lean_rad.to_degrees(),
        e.peak_trunk_lean_deg,
        TOL_DEG,
    );
    close(
        "peak trunk lean C7",
        r.peak_trunk_lean_c7_rad.unwrap().to_degrees(),
        e.peak_trunk_lean_c7_deg,
        TOL_DEG,
    );
    close(
        "lean at bottom",
        r.trunk_lean_bottom_rad.to_degrees(),
        e.lean_at_bottom_deg,
        TOL_DEG,
    );
    close(
        "tilt standing",
        r.pelvic_tilt_standing_rad.to_degrees(),
        e.tilt_standing_deg,
        TOL_DEG,
    );
    close(
        "tilt bottom",
        r.pelvic_tilt_bottom_rad.to_degrees(),
        e.tilt_bottom_deg,
        TOL_DEG,
    );
    close(
        "butt wink",
        r.butt_wink_rad.to_degrees(),
        e.butt_wink_deg,
        TOL_DEG,
    );
    close(
        "peak knee flexion 3-D",
        r.peak_knee_flexion_3d_rad.to_degrees(),
        e.peak_knee_flex_3d_deg,
        TOL_DEG,
    );
    close(
        "peak knee flexion 2-D",
        r.peak_knee_flexion_2d_rad.to_degrees(),
        e.peak_knee_flex_2d_deg,
        TOL_DEG,
    );
    close(
        "knee convergence",
        r.knee_convergence_m,
        e.knee_convergence_m,
        TOL_M,
    );
    let f0 = &p.frames[0];
    for c in 0..3 {
        close(
            "left HJC at frame 0",
            f0.hip_centre_l_m[c],
            e.hjc_l0[c],
            TOL_M,
        );
        close(
            "right HJC at frame 0",
            f0.hip_centre_r_m[c],
            e.hjc_r0[c],
            TOL_M,
        );
    }
    close(
        "trunk lean at frame 0",
        f0.trunk_lean_rad.to_degrees(),
        e.lean0_deg,
        TOL_DEG,
    );
    close(
        "pelvic tilt at frame 0",
        f0.pelvic_tilt_rad.to_degrees(),
        e.tilt0_deg,
        TOL_DEG,
    );
    assert!(r.pelvic_tilt_measured);
    assert!(p.pelvis_source.iter().all(|s| *s == PelvisSource::Measured));
    // Invariants of the definitions.
    assert!(r.butt_wink_rad >= 0.0);
    assert!(r.standing_frame <= r.bottom_frame);
    for f in &p.frames {
        close(
            "mid-hip",
            f.mid_hip_m[0],
            (f.hip_centre_l_m[0] + f.hip_centre_r_m[0]) / 2.0,
            1e-12,
        );
    }
}

#[test]
fn m01_s01_e01_correct_deep_squat() {
    check(&Expected {
        file: M01_S01_E01,
        frames: 191,
        heading_deg: 2.686852,
        stand: 0,
        bottom: 87,
        pelvic_width_m: 0.258082,
        pelvic_depth_m: 0.203345,
        drop_m: 0.548822,
        leg_3d_m: 0.808930,
        leg_2d_m: 0.781943,
        drop_rel_3d: 0.678455,
        drop_rel_2d: 0.701870,
        peak_trunk_lean_deg: 30.523717,
        peak_trunk_lean_c7_deg: 26.256343,
        lean_at_bottom_deg: 28.973950,
        tilt_standing_deg: 14.610590,
        tilt_bottom_deg: 14.583593,
        butt_wink_deg: 16.438601,
        peak_knee_flex_3d_deg: 130.519924,
        peak_knee_flex_2d_deg: 141.035254,
        knee_convergence_m: -0.121066,
        hjc_l0: [-0.402376, 0.126525, 0.858678],
        hjc_r0: [-0.396455, -0.058299, 0.861028],
        lean0_deg: 4.578305,
        tilt0_deg: 14.610590,
    });
}

#[test]
fn m01_s01_e01_incorrect_shallow_squat() {
    check(&Expected {
        file: M01_S01_E01_INC,
        frames: 217,
        heading_deg: 1.703719,
        stand: 32,
        bottom: 106,
        pelvic_width_m: 0.264349,
        pelvic_depth_m: 0.205264,
        drop_m: 0.212086,
        leg_3d_m: 0.806809,
        leg_2d_m: 0.782638,
        drop_rel_3d: 0.262870,
        drop_rel_2d: 0.270989,
        peak_trunk_lean_deg: 15.150080,
        peak_trunk_lean_c7_deg: 11.540561,
        lean_at_bottom_deg: 15.013915,
        tilt_standing_deg: 5.589107,
        tilt_bottom_deg: 24.109278,
        butt_wink_deg: 0.0,
        peak_knee_flex_3d_deg: 74.657825,
        peak_knee_flex_2d_deg: 73.705432,
        knee_convergence_m: -0.143849,
        hjc_l0: [-0.292726, 0.12792, 0.853099],
        hjc_r0: [-0.297396, -0.061088, 0.854483],
        lean0_deg: -9.960241,
        tilt0_deg: 3.998542,
    });
}

#[test]
fn m01_s05_e01_wide_pelvis_and_strn_gap() {
    check(&Expected {
        file: M01_S05_E01,
        frames: 339,
        heading_deg: 0.632269,
        stand: 0,
        bottom: 151,
        pelvic_width_m: 0.424258,
        pelvic_depth_m: 0.300961,
        drop_m: 0.454304,
        leg_3d_m: 0.814879,
        leg_2d_m: 0.807121,
        drop_rel_3d: 0.557512,
        drop_rel_2d: 0.562870,
        peak_trunk_lean_deg: 21.318604,
        peak_trunk_lean_c7_deg: 16.060991,
        lean_at_bottom_deg: 21.318601,
        tilt_standing_deg: 1.380927,
        tilt_bottom_deg: 0.487461,
        butt_wink_deg: 12.291609,
        peak_knee_flex_3d_deg: 122.867440,
        peak_knee_flex_2d_deg: 125.863548,
        knee_convergence_m: -0.129258,
        hjc_l0: [0.780907, -0.016281, 0.886111],
        hjc_r0: [0.805239, -0.309884, 0.885501],
        lean0_deg: -5.015684,
        tilt0_deg: 1.380927,
    });
}

#[test]
fn m03_s01_e04_lunge_turned_toward_minus_y_without_ltoe() {
    check(&Expected {
        file: M03_S01_E04,
        frames: 196,
        heading_deg: -51.929421,
        stand: 13,
        bottom: 99,
        pelvic_width_m: 0.265702,
        pelvic_depth_m: 0.206909,
        drop_m: 0.314652,
        leg_3d_m: 0.809164,
        leg_2d_m: 0.808270,
        drop_rel_3d: 0.388860,
        drop_rel_2d: 0.389291,
        peak_trunk_lean_deg: 9.459149,
        peak_trunk_lean_c7_deg: 3.065415,
        lean_at_bottom_deg: 9.455534,
        tilt_standing_deg: 20.579599,
        tilt_bottom_deg: 15.321658,
        butt_wink_deg: 5.257942,
        peak_knee_flex_3d_deg: 103.974791,
        peak_knee_flex_2d_deg: 104.356382,
        knee_convergence_m: 0.029693,
        hjc_l0: [-0.219191, -0.566551, 0.763736],
        hjc_r0: [-0.230622, -0.755069, 0.784142],
        lean0_deg: 6.389171,
        tilt0_deg: 20.671272,
    });
}

#[test]
fn m03_s02_e01_lunge_left_leg_forward_with_early_gaps() {
    check(&Expected {
        file: M03_S02_E01,
        frames: 252,
        heading_deg: 44.309709,
        stand: 0,
        bottom: 110,
        pelvic_width_m: 0.271275,
        pelvic_depth_m: 0.193681,
        drop_m: 0.341809,
        leg_3d_m: 0.906905,
        leg_2d_m: 0.905748,
        drop_rel_3d: 0.376896,
        drop_rel_2d: 0.377377,
        peak_trunk_lean_deg: 9.417487,
        peak_trunk_lean_c7_deg: 3.129748,
        lean_at_bottom_deg: 9.023533,
        tilt_standing_deg: 10.147328,
        tilt_bottom_deg: 3.757023,
        butt_wink_deg: 7.265343,
        peak_knee_flex_3d_deg: 104.485127,
        peak_knee_flex_2d_deg: 104.849173,
        knee_convergence_m: 0.050351,
        hjc_l0: [0.378165, -0.824178, 0.878943],
        hjc_r0: [0.386946, -1.016834, 0.861511],
        lean0_deg: -1.247196,
        tilt0_deg: 10.147328,
    });
}

#[test]
fn lunge_front_leg_is_forward_in_the_aligned_frame() {
    // s02 has the left leg in front, s01 the right (README), once the heading is removed.
    let p = prepared(M03_S02_E01);
    let b = p.repetition().bottom_frame;
    assert!(p.frames[b].ankle_centre_l_m[0] > p.frames[b].ankle_centre_r_m[0] + 0.3);
    let p = prepared(M03_S01_E04);
    let b = p.repetition().bottom_frame;
    assert!(p.frames[b].ankle_centre_r_m[0] > p.frames[b].ankle_centre_l_m[0] + 0.3);
    // The subject's left stays at +y′.
    assert!(
        p.frames
            .iter()
            .all(|f| f.hip_centre_l_m[1] > f.hip_centre_r_m[1])
    );
}

#[test]
fn knee_and_ankle_centres_sit_medial_to_the_markers() {
    let p = prepared(M01_S01_E01);
    for (f, m) in p.frames.iter().zip(&p.markers) {
        close(
            "left knee shift",
            m[marker::LKNE].unwrap()[1] - f.knee_centre_l_m[1],
            KNEE_MEDIAL_SHIFT_M,
            1e-12,
        );
        close(
            "right knee shift",
            f.knee_centre_r_m[1] - m[marker::RKNE].unwrap()[1],
            KNEE_MEDIAL_SHIFT_M,
            1e-12,
        );
        close(
            "left ankle shift",
            m[marker::LANK].unwrap()[1] - f.ankle_centre_l_m[1],
            ANKLE_MEDIAL_SHIFT_M,
            1e-12,
        );
        close(
            "right ankle shift",
            f.ankle_centre_r_m[1] - m[marker::RANK].unwrap()[1],
            ANKLE_MEDIAL_SHIFT_M,
            1e-12,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Side view

/// reference.py: (camera, landmark, u, v, z) at output frame 10 of a 30 fps side view.
type SidePoint = (CameraSide, usize, f64, f64, f64);

fn check_side_view(
    file: &[u8],
    n_out: usize,
    points: &[SidePoint],
    at_100_hz: (usize, usize, f64, f64, f64),
) {
    let p = prepared(file);
    for &(camera, lm, u, v, z) in points {
        let seq = to_side_view(&p, camera, Some(30.0));
        assert_eq!(seq.frames.len(), n_out);
        let k = seq.frames[10].landmarks.as_ref().unwrap()[lm];
        close("u", k.x, u, 2e-6);
        close("v", k.y, v, 2e-6);
        close("z", k.z, z, 2e-6);
        close("t", seq.frames[10].t, 10.0 / 30.0, 1e-12);
    }
    let seq = to_side_view(&p, CameraSide::Right, None);
    assert_eq!(seq.frames.len(), p.n_frames());
    assert_eq!(seq.fps, 100.0);
    let (k, lm, u, v, z) = at_100_hz;
    let l = seq.frames[k].landmarks.as_ref().unwrap()[lm];
    close("u at 100 Hz", l.x, u, 2e-6);
    close("v at 100 Hz", l.y, v, 2e-6);
    close("z at 100 Hz", l.z, z, 2e-6);
}

#[test]
fn side_views_match_the_reference() {
    use CameraSide::{Left, Right};
    check_side_view(
        M01_S01_E01,
        58,
        &[
            (Right, 24, 0.428800, 0.650048, -0.038522),
            (Right, 25, 0.528299, 0.717082, 0.135374),
            (Right, 32, 0.517812, 0.895246, -0.159223),
            (Left, 24, 0.571200, 0.650048, 0.038522),
            (Left, 25, 0.471701, 0.717082, -0.135374),
            (Left, 32, 0.482188, 0.895246, 0.159223),
        ],
        (37, 26, 0.519557, 0.724832, -0.149267),
    );
    check_side_view(
        M01_S01_E01_INC,
        65,
        &[
            (Right, 24, 0.503781, 0.556557, -0.039378),
            (Right, 25, 0.505895, 0.700036, 0.101470),
            (Left, 32, 0.473442, 0.895970, 0.155447),
        ],
        (37, 26, 0.497910, 0.703242, -0.108558),
    );
    check_side_view(
        M01_S05_E01,
        102,
        &[
            (Right, 24, 0.467876, 0.608161, -0.061066),
            (Left, 25, 0.455551, 0.710426, -0.114531),
        ],
        (37, 26, 0.552589, 0.709363, -0.134484),
    );
    check_side_view(
        M03_S01_E04,
        59,
        &[
            (Right, 24, 0.499689, 0.605362, -0.039205),
            (Right, 25, 0.431142, 0.747645, 0.066029),
            (Right, 32, 0.677898, 0.895522, -0.028419),
            (Left, 32, 0.322102, 0.895522, 0.028419),
        ],
        (37, 26, 0.626426, 0.709222, -0.063100),
    );
    check_side_view(
        M03_S02_E01,
        76,
        &[
            (Right, 24, 0.521773, 0.577947, -0.040095),
            (Right, 25, 0.640465, 0.697494, 0.058517),
            (Left, 24, 0.478227, 0.577947, 0.040095),
            (Left, 32, 0.617361, 0.898571, 0.031609),
        ],
        (37, 26, 0.497945, 0.773018, -0.043953),
    );
}

const NO_SOURCE: [usize; 10] = [1, 3, 4, 6, 9, 10, 17, 18, 21, 22];

#[test]
fn side_view_visibility_follows_the_camera_side() {
    let p = prepared(M03_S01_E04);
    for (camera, near_is_left) in [(CameraSide::Right, false), (CameraSide::Left, true)] {
        let seq = to_side_view(&p, camera, Some(30.0));
        assert_eq!(
            (seq.width, seq.height, seq.layout),
            (1080, 1080, Layout::Blazepose33)
        );
        assert_eq!(seq.fps, 30.0);
        for f in &seq.frames {
            assert!(f.world_landmarks.is_none());
            let l = f.landmarks.as_ref().unwrap();
            assert_eq!(l.len(), 33);
            for (i, k) in l.iter().enumerate() {
                assert!(
                    k.x.is_finite()
                        && k.y.is_finite()
                        && k.z.is_finite()
                        && k.visibility.is_finite()
                );
                // LTOE (foot index 31) is missing from the whole of m03_s01_e04.
                if NO_SOURCE.contains(&i) || i == 31 {
                    assert_eq!(
                        (k.x, k.y, k.z, k.visibility),
                        (0.0, 0.0, 0.0, 0.0),
                        "landmark {i}"
                    );
                } else if i == 0 {
                    assert_eq!(k.visibility, 1.0);
                } else {
                    let is_left = matches!(i, 2 | 7 | 11 | 13 | 15 | 19 | 23 | 25 | 27 | 29);
                    assert_eq!(
                        k.visibility,
                        if is_left == near_is_left { 1.0 } else { 0.5 },
                        "landmark {i}"
                    );
                }
            }
        }
    }
}

#[test]
fn side_view_keeps_the_sagittal_angles() {
    // At the trial's own frame rate the projected landmarks give back the trunk lean and the 2-D
    // knee flexion (of the hip centre, knee marker and ankle marker, the same in x′–z).
    let p = prepared(M03_S02_E01);
    for camera in [CameraSide::Right, CameraSide::Left] {
        let sign = if camera == CameraSide::Right {
            1.0
        } else {
            -1.0
        };
        let seq = to_side_view(&p, camera, None);
        for (f, kf) in p.frames.iter().zip(&seq.frames) {
            let l = kf.landmarks.as_ref().unwrap();
            let mid = |a: usize, b: usize| ((l[a].x + l[b].x) / 2.0, (l[a].y + l[b].y) / 2.0);
            let (sh, hip) = (mid(11, 12), mid(23, 24));
            let lean = (sign * (sh.0 - hip.0)).atan2(hip.1 - sh.1);
            close("trunk lean from keypoints", lean, f.trunk_lean_rad, 1e-9);
            let u = (l[23].x - l[25].x, l[23].y - l[25].y);
            let v = (l[27].x - l[25].x, l[27].y - l[25].y);
            let angle = (u.0 * v.1 - u.1 * v.0).abs().atan2(u.0 * v.0 + u.1 * v.1);
            close(
                "left knee flexion from keypoints",
                std::f64::consts::PI - angle,
                f.knee_flexion_2d_l_rad,
                1e-9,
            );
            // The mid-hip sits on the depth origin.
            close("hip depth", (l[23].z + l[24].z) / 2.0, 0.0, 1e-12);
        }
    }
}

#[test]
fn side_view_world_landmarks_and_options() {
    let p = prepared(M01_S01_E01);
    let opts = SideViewOptions {
        world_landmarks: true,
        image_size_px: 720,
        fps_out_hz: Some(25.0),
        ..SideViewOptions::default()
    };
    let seq = to_side_view_with(&p, &opts);
    assert_eq!((seq.width, seq.height, seq.fps), (720, 720, 25.0));
    assert_eq!(seq.frames.len(), 48); // 1.90 s at 25 Hz: t = 0, 0.04, ..., 1.88
    let f = &seq.frames[0];
    let w = f.world_landmarks.as_ref().unwrap();
    let l = f.landmarks.as_ref().unwrap();
    // World landmarks: metres from the mid-hip, y down; the image is the same at 2.4 m per unit.
    close(
        "world hips centred x",
        (w[23][0] + w[24][0]) / 2.0,
        0.0,
        1e-12,
    );
    close(
        "world hips centred y",
        (w[23][1] + w[24][1]) / 2.0,
        0.0,
        1e-12,
    );
    close(
        "world vs image x",
        (w[11][0] - w[23][0]) / 2.4,
        l[11].x - l[23].x,
        1e-12,
    );
    close(
        "world vs image y",
        (w[11][1] - w[23][1]) / 2.4,
        l[11].y - l[23].y,
        1e-12,
    );
    close("world vs image z", w[11][2] / 2.4, l[11].z, 1e-12);
    // Bad output rates keep the trial's own frames.
    for bad in [
        Some(0.0),
        Some(-30.0),
        Some(f64::NAN),
        Some(f64::INFINITY),
        Some(1e12),
    ] {
        let seq = to_side_view(&p, CameraSide::Right, bad);
        assert_eq!((seq.frames.len(), seq.fps), (191, 100.0));
    }
    // The standing mid-hip is centred horizontally.
    let seq = to_side_view(&p, CameraSide::Left, None);
    let h = p.highest_frame();
    let l = seq.frames[h].landmarks.as_ref().unwrap();
    close("standing mid-hip u", (l[23].x + l[24].x) / 2.0, 0.5, 1e-12);
}

#[test]
fn degenerate_prepared_trials_do_not_panic() {
    let mut p = prepared(M01_S01_E01_INC);
    p.frames.clear();
    assert_eq!(p.repetition(), RepetitionSummary::default());
    assert!(
        to_side_view(&p, CameraSide::Right, Some(30.0))
            .frames
            .is_empty()
    );
    let mut p = prepared(M01_S01_E01_INC);
    p.fps_hz = 0.0;
    assert_eq!(
        to_side_view(&p, CameraSide::Right, Some(30.0)).frames.len(),
        65
    );
}

// ---------------------------------------------------------------------------------------------
// Properties on synthetic trials

fn synthetic_trial() -> impl Strategy<Value = MarkerTrial> {
    let marker = prop_oneof![
        1 => Just(None),
        6 => (-2.0f64..2.0, -2.0f64..2.0, 0.0f64..2.0).prop_map(|(x, y, z)| Some([x, y, z])),
    ];
    let frame = prop::collection::vec(marker, N_MARKERS).prop_map(|v| {
        let mut f: MarkerFrame = [None; N_MARKERS];
        f.copy_from_slice(&v);
        f
    });
    prop::collection::vec(frame, 1..12).prop_map(|frames| MarkerTrial {
        fps_hz: 100.0,
        frames,
    })
}

proptest! {
    #[test]
    fn preparing_random_trials_never_panics_and_stays_finite(t in synthetic_trial(), rate in prop::option::of(1.0f64..240.0)) {
        if let Ok(p) = prepare(&t) {
            let r = p.repetition();
            prop_assert!(r.butt_wink_rad >= 0.0);
            let json = serde_json::to_value(r).unwrap();
            let all_finite = json.as_object().unwrap().values().all(|v| v.is_null() || v.is_boolean() || v.as_f64().is_some_and(f64::is_finite));
            prop_assert!(all_finite, "{json}");
            for f in &p.frames {
                prop_assert!(f.trunk_lean_rad.is_finite() && f.pelvic_tilt_rad.is_finite());
                prop_assert!(f.knee_flexion_3d_l_rad.is_finite() && f.knee_flexion_2d_r_rad.is_finite());
            }
            let seq = to_side_view_with(&p, &SideViewOptions { fps_out_hz: rate, world_landmarks: true, ..SideViewOptions::default() });
            for f in &seq.frames {
                for k in f.landmarks.as_ref().unwrap() {
                    prop_assert!(k.x.is_finite() && k.y.is_finite() && k.z.is_finite());
                }
            }
        }
    }

    #[test]
    fn rigid_fit_is_exact_for_rigid_motion(
        angle in -3.1f64..3.1, ax in -1.0f64..1.0, ay in -1.0f64..1.0, az in 0.1f64..1.0,
        shift in prop::array::uniform3(-2.0f64..2.0),
    ) {
        let src = [[0.13, 0.0, 0.9], [-0.13, 0.01, 0.91], [0.04, -0.2, 0.95], [-0.04, -0.21, 0.94]];
        let r = rotation_about([ax, ay, az], angle);
        let dst: Vec<Point3> = src.iter().map(|p| add(mat_vec(&r, *p), shift)).collect();
        let (fr, ft) = fit_rigid(&src[..3], &dst[..3]);
        let moved = add(mat_vec(&fr, src[3]), ft);
        prop_assert!(norm3(sub(moved, dst[3])) < 1e-9);
    }
}

#[test]
fn marker_files_stop_at_their_size_limits() {
    let row = vec!["1"; N_COLUMNS].join(",") + "\n";
    let e = parse_uiprmd(&row.repeat(MAX_UIPRMD_FRAMES + 1)).unwrap_err();
    assert_eq!(e.to_string(), "line 30001: more than 30000 frames, the limit on a marker file (5 minutes at 100 Hz; a repetition lasts seconds)");
    assert_eq!(parse_uiprmd(&row.repeat(3)).unwrap().n_frames(), 3);
    let e = parse_uiprmd(&" ".repeat(MAX_UIPRMD_TEXT_BYTES + 1)).unwrap_err();
    assert_eq!(e.to_string(), "more than 64 MiB of marker text, the limit on a marker file (a repetition is about 1 MB)");
}
