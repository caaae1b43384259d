//! Tests of the plausibility gates, one per kind of garbage (random landmarks, a coordinate of
//! 1e300, one frame, a limb whose length jumps, non-finite numbers, a load outside the physical
//! envelope), each through the batch and the streaming analysis, and the real data that must
//! still pass.

use super::*;
use crate::analysis::{self, Analysis, Movement, Options, analyze};
use crate::body::SagittalBody;
use crate::keypoints::{Keypoint, KeypointFrame, KeypointSequence, parse_keypoints_csv, parse_keypoints_json};
use crate::load::{ExternalLoad, Lifter, LoadPosition, Sex};
use crate::stream::{StreamConfig, analyze_streaming};
use crate::thresholds::Thresholds;

fn example_clip() -> KeypointSequence {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/squat-side-gym.keypoints.json")).expect("example clip");
    parse_keypoints_json(&text).expect("parses")
}

fn options(dynamic: bool) -> Options {
    Options {
        movement: Movement::Squat,
        single_rep: false,
        lifter: Lifter { body_mass_kg: 80.0, height_m: 1.78, sex: Sex::Male },
        load: ExternalLoad { mass_kg: 60.0, position: LoadPosition::Back },
        dynamic,
    }
}

fn batch(seq: &KeypointSequence, opts: &Options) -> Analysis {
    let body = SagittalBody::from_keypoints(seq, opts.lifter.height_m, crate::filter::DEFAULT_CUTOFF_HZ).expect("a body, perhaps empty");
    analyze(&body, opts, &Thresholds::builtin())
}

fn streamed(seq: &KeypointSequence, opts: &Options) -> Analysis {
    analyze_streaming(seq, StreamConfig::new(opts.lifter.height_m, crate::filter::DEFAULT_CUTOFF_HZ), opts, &Thresholds::builtin()).expect("streams")
}

/// Both engines, which must agree on the reps kept and on what they say about the rest.
fn both(seq: &KeypointSequence) -> Analysis {
    let (b, s) = (batch(seq, &options(false)), streamed(seq, &options(false)));
    assert_eq!(b.rep_count, s.rep_count, "batch {:?}\nstream {:?}", b.diagnostics, s.diagnostics);
    assert_eq!(b.reps.len(), s.reps.len());
    // The same frames left out, and the same words on it (the load model's first skipped frame
    // may differ: the engines cut different windows for it).
    // Repetition candidates in garbage differ too (the running figures are not the clip's).
    let words = |a: &Analysis| {
        a.diagnostics.iter().filter(|d| !d.starts_with("the load model skipped") && !d.contains("possible repetition")).cloned().collect::<Vec<_>>()
    };
    assert_eq!(words(&b), words(&s));
    b
}

/// Every number a report carries is of a sane size (no 300-digit numbers, nothing infinite).
fn sane_numbers(a: &Analysis) {
    for r in &a.reps {
        let mut v = vec![Some(r.start_s), Some(r.bottom_s), Some(r.end_s), Some(r.descent_s), Some(r.ascent_s)];
        v.extend([r.hip_below_knee_m, r.hip_below_knee_over_leg, r.hip_drop_m, r.hip_drop_over_leg, r.peak_trunk_lean_deg]);
        v.extend([r.hip_flexion_bottom_deg, r.knee_flexion_bottom_deg, r.shin_angle_bottom_deg, r.ascent_lean_increase_deg, r.trunk_lean_range_deg]);
        if let Some(h) = &r.hinge {
            v.extend([h.trunk_angle_bottom_deg, h.hip_to_knee_flexion_ratio]);
        }
        if let Some(l) = &r.lunge {
            v.extend([l.step_over_leg, l.front_knee_past_toes_over_leg, l.side_shift_m, l.back_knee_height_over_leg]);
        }
        if let Some(l) = &r.l5s1 {
            v.extend([l.moment_nm, l.compression_n, l.compression_bw, l.shear_n_neutral, l.shear_n_flexed].map(Some));
        }
        for f in &r.faults {
            v.extend([f.value, f.threshold, f.confidence].map(Some));
        }
        for x in v.into_iter().flatten() {
            assert!(x.is_finite() && x.abs() < 1e5, "{x}");
        }
    }
}

/// A small deterministic generator (xorshift), numbers in 0..1.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn random_landmarks_give_no_reps_and_say_they_are_not_a_person() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let frames = (0..3000)
        .map(|i| KeypointFrame {
            t: i as f64 / 30.0,
            landmarks: Some((0..33).map(|_| Keypoint { x: rng.next(), y: rng.next(), z: rng.next(), visibility: rng.next() }).collect()),
            world_landmarks: None,
        })
        .collect();
    let seq = KeypointSequence { fps: 30.0, width: 1080, height: 1920, layout: crate::keypoints::Layout::Blazepose33, frames };
    let a = both(&seq);
    assert_eq!((a.rep_count, a.reps.len()), (0, 0), "{:?}", a.diagnostics);
    let text = a.diagnostics.join("\n");
    assert!(text.contains("landmarks jumped"), "{text}");
    assert!(text.contains("not a person on their feet"), "{text}");
    assert!(text.contains("most frames with landmarks (2889 of 3000) do not show a plausible person"), "{text}");
    assert!(a.diagnostics.iter().any(|d| d == "no repetition is reported: every possible repetition failed the checks above"), "{text}");
    assert!(!text.contains("never went deep enough"), "{text}");
}

#[test]
fn a_knee_at_1e300_is_left_out_and_the_reps_stay_real() {
    let clean = both(&example_clip());
    assert_eq!(clean.rep_count, 2, "{:?}", clean.diagnostics);
    let mut seq = example_clip();
    seq.frames[100].landmarks.as_mut().unwrap()[crate::keypoints::bp::RIGHT_KNEE].y = 1e300;
    let a = both(&seq);
    assert_eq!(a.rep_count, 2, "{:?}", a.diagnostics);
    sane_numbers(&a);
    let note = a.diagnostics.iter().find(|d| d.contains("far outside the picture")).expect("a note on the left-out frame");
    assert!(note.starts_with("1 frame left out") && note.contains("right knee at y = 1.0e300"), "{note}");
    // The same frame as CSV text, as the issue's report had it.
    let csv = to_csv(&seq);
    let a = batch(&parse_keypoints_csv(&csv).unwrap(), &options(false));
    assert_eq!(a.rep_count, 2);
    sane_numbers(&a);

    // Every frame so: nothing to measure, and the report says why.
    for f in &mut seq.frames {
        f.landmarks.as_mut().unwrap()[crate::keypoints::bp::RIGHT_KNEE].y = 1e300;
    }
    let a = both(&seq);
    assert_eq!(a.reps.len(), 0);
    assert!(a.diagnostics[0].starts_with("no frame shows a plausible person"), "{:?}", a.diagnostics);
    assert_eq!(a.camera.message, "The camera angle could not be checked: no frame shows a plausible person.");
    assert_eq!(streamed(&seq, &options(false)).camera, a.camera);
    assert!(a.diagnostics.iter().any(|d| d.contains("too few for a repetition")), "{:?}", a.diagnostics);
}

fn to_csv(seq: &KeypointSequence) -> String {
    let mut out = format!("# fps={},width={},height={},layout=blazepose33\nt", seq.fps, seq.width, seq.height);
    for k in 0..33 {
        out.push_str(&format!(",x{k},y{k},z{k},v{k}"));
    }
    out.push('\n');
    for f in &seq.frames {
        out.push_str(&f.t.to_string());
        for k in f.landmarks.as_ref().unwrap() {
            out.push_str(&format!(",{},{},{},{}", k.x, k.y, k.z, k.visibility));
        }
        out.push('\n');
    }
    out
}

#[test]
fn one_frame_is_too_few_for_a_rep_and_is_not_called_shallow() {
    let mut seq = example_clip();
    seq.frames.truncate(1);
    let a = both(&seq);
    assert_eq!(a.reps.len(), 0);
    let last = a.diagnostics.last().unwrap();
    assert_eq!(last, "no repetition found: the clip has 1 usable frame (0.00 s), too few for a repetition (at least 5 frames and 0.4 s)");
    // The motion-capture path (the whole clip as one rep) gives no rep from one frame either.
    let body = SagittalBody::from_keypoints(&seq, 1.78, crate::filter::DEFAULT_CUTOFF_HZ).unwrap();
    let a = analyze(&body, &Options { single_rep: true, ..options(false) }, &Thresholds::builtin());
    assert_eq!((a.rep_count, a.reps.len()), (0, 0));
    assert!(a.diagnostics.iter().any(|d| d.contains("too short for a repetition")), "{:?}", a.diagnostics);
}

#[test]
fn a_thigh_that_jumps_in_length_leaves_its_frames_out() {
    let mut seq = example_clip();
    // Frames 150..154: the right knee is thrown far down the picture (the thigh three times as
    // long), as a tracker glitch would.
    for f in &mut seq.frames[150..154] {
        let lms = f.landmarks.as_mut().unwrap();
        let (hip, knee) = (lms[crate::keypoints::bp::RIGHT_HIP], lms[crate::keypoints::bp::RIGHT_KNEE]);
        lms[crate::keypoints::bp::RIGHT_KNEE].x = hip.x + 3.0 * (knee.x - hip.x);
        lms[crate::keypoints::bp::RIGHT_KNEE].y = hip.y + 3.0 * (knee.y - hip.y);
    }
    let a = both(&seq);
    assert_eq!(a.rep_count, 2, "{:?}", a.diagnostics);
    let note = a.diagnostics.iter().find(|d| d.contains("landmarks jumped")).expect("a note");
    // The first glitch frame jumps from the frame before, and the first good one back; the
    // glitch frames among themselves do not jump.
    assert!(note.starts_with("2 frames left out") && note.contains("right thigh"), "{note}");
    assert!(note.contains(&format!("first at {:.2} s", seq.frames[150].t)), "{note}");
}

#[test]
fn non_finite_numbers_are_refused_by_the_readers() {
    let mut seq = example_clip();
    seq.frames.truncate(3);
    let csv = to_csv(&seq);
    for bad in ["NaN", "inf", "-inf"] {
        let text = csv.replacen(&format!(",{}", seq.frames[1].landmarks.as_ref().unwrap()[0].x), &format!(",{bad}"), 1);
        let err = parse_keypoints_csv(&text).unwrap_err().to_string();
        assert!(err.contains("finite"), "{bad}: {err}");
    }
    // JSON has no NaN; a number too large for a double is refused by the parser.
    let err = parse_keypoints_json(r#"{"fps": 30, "width": 10, "height": 10, "frames": [{"t": 1e999}]}"#).unwrap_err();
    assert!(err.to_string().contains("number out of range"), "{err}");
}

/// A body standing still, then falling freely at three times gravity (no lifter can).
fn falling_body() -> SagittalBody {
    let fps = 100.0;
    let n = 60;
    let t: Vec<f64> = (0..n).map(|i| i as f64 / fps).collect();
    let drop = |i: usize| {
        let s = (i as f64 - 30.0).max(0.0) / fps;
        0.5 * 3.0 * crate::load::GRAVITY_M_S2 * s * s
    };
    let mut tracks = vec![Vec::new(); 33];
    for lm in crate::body::TRACKED {
        tracks[lm] = vec![None; n];
    }
    use crate::keypoints::bp;
    for i in 0..n {
        for (lm, x, y) in [
            (bp::LEFT_HIP, 0.0, 0.95),
            (bp::RIGHT_HIP, 0.0, 0.95),
            (bp::LEFT_SHOULDER, 0.02, 1.45),
            (bp::RIGHT_SHOULDER, 0.02, 1.45),
            (bp::LEFT_ANKLE, 0.0, 0.08),
            (bp::RIGHT_ANKLE, 0.0, 0.08),
            (bp::LEFT_KNEE, 0.05, 0.5),
            (bp::RIGHT_KNEE, 0.05, 0.5),
        ] {
            let fall = if lm == bp::LEFT_ANKLE || lm == bp::RIGHT_ANKLE { 0.0 } else { drop(i) };
            tracks[lm][i] = Some([x, y - fall]);
        }
    }
    SagittalBody { t, fps, tracks, facing: 1.0, metres_per_pixel: 0.001, camera_yaw_rad: Some(0.1), person_fraction: 1.0, diagnostics: Vec::new() }
}

#[test]
fn a_negative_compression_is_outside_the_envelope_and_its_cause_is_named() {
    let body = falling_body();
    let mut notes = Vec::new();
    let loads = analysis::frame_loads(&body, &options(true), &mut notes);
    // Standing: loads, all of them above zero.
    assert!(loads[5..25].iter().all(|l| l.is_some_and(|l| l.compression_n > 0.0)));
    // Falling at 3 g: left out, never reported as a negative compression.
    assert!(loads.iter().flatten().all(|l| l.compression_n >= 0.0));
    let gone = loads[35..55].iter().filter(|l| l.is_none()).count();
    assert!(gone >= 15, "{gone} frames of the fall left out; notes {notes:?}");
    let note = notes.iter().find(|n| n.contains("physical envelope")).expect("a note");
    assert!(note.contains("the upper body's acceleration read from the landmark motion, 1.5 g"), "{note}");
    // Statically (no accelerations) the same positions are inside the envelope.
    let mut notes = Vec::new();
    let loads = analysis::frame_loads(&body, &options(false), &mut notes);
    assert!(loads.iter().all(|l| l.is_some_and(|l| l.compression_n > 0.0)), "{notes:?}");
}

#[test]
fn real_data_passes_every_gate() {
    let seq = example_clip();
    let mut gate = FrameGate::new(seq.width, seq.height, seq.layout);
    assert!(seq.frames.iter().all(|f| gate.check(f)), "{:?}", gate.notes());
    for name in ["lite", "full", "heavy"] {
        let text = std::fs::read_to_string(format!("{}/../../examples/squat-side-gym-3s.mediapipe-0.10.14-{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let seq = parse_keypoints_json(&text).unwrap();
        let mut gate = FrameGate::new(seq.width, seq.height, seq.layout);
        assert!(seq.frames.iter().all(|f| gate.check(f)), "{name}: {:?}", gate.notes());
        let a = batch(&seq, &options(false));
        assert_eq!(a.rep_count, 1, "{name}: {:?}", a.diagnostics);
    }
}

#[test]
fn numbers_in_messages_stay_short() {
    assert_eq!(short_number(1e300), "1.0e300");
    assert_eq!(short_number(-0.25), "-0.25");
    assert_eq!(short_number(f64::INFINITY), "inf");
}
