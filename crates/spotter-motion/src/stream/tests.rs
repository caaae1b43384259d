//! Tests of the streaming analysis against the batch analysis: the repo's real MediaPipe clip,
//! synthetic sessions of several minutes with sets, pauses, noise and dropped frames, hinges and
//! lunges; the memory bound; the streaming JSON reader against the collecting one.

use super::synth::{Session, SessionSpec};
use super::*;
use crate::analysis::analyze;
use crate::keypoints::reader::stream_keypoints_json;
use crate::keypoints::{KeypointError, KeypointSequence, parse_keypoints_json};
use crate::load::{ExternalLoad, Lifter, LoadPosition, Sex};

fn example_clip() -> KeypointSequence {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/squat-side-gym.keypoints.json")).expect("example clip");
    parse_keypoints_json(&text).expect("parses")
}

fn options(movement: Movement, height_m: f64, dynamic: bool) -> Options {
    Options {
        movement,
        single_rep: false,
        lifter: Lifter { body_mass_kg: 80.0, height_m, sex: Sex::Male },
        load: ExternalLoad { mass_kg: 100.0, position: LoadPosition::Back },
        dynamic,
    }
}

fn batch(seq: &KeypointSequence, opts: &Options) -> Analysis {
    let body = SagittalBody::from_keypoints(seq, opts.lifter.height_m, crate::filter::DEFAULT_CUTOFF_HZ).expect("body");
    analyze(&body, opts, &Thresholds::builtin())
}

fn streamed(seq: &KeypointSequence, opts: &Options) -> Analysis {
    analyze_streaming(seq, StreamConfig::new(opts.lifter.height_m, crate::filter::DEFAULT_CUTOFF_HZ), opts, &Thresholds::builtin()).expect("streams")
}

/// Largest differences between two analyses' reps, by kind.
#[derive(Debug, Default)]
struct Diff {
    time_s: f64,
    angle_deg: f64,
    length_m: f64,
    ratio: f64,
    load_rel: f64,
}

fn close(what: &str, a: Option<f64>, b: Option<f64>, worst: &mut f64) {
    match (a, b) {
        (Some(a), Some(b)) => *worst = worst.max((a - b).abs()),
        (None, None) => {}
        _ => panic!("{what}: {a:?} vs {b:?}"),
    }
}

/// Asserts the same reps (count, partial flags, faults, verdicts) and returns the largest
/// numeric differences, over all reps and over the reps that end after the warm-up (the reps
/// inside it are measured with figures from the warm-up alone).
fn compare(b: &Analysis, s: &Analysis) -> Diff {
    compare_split(b, s, 0.0).0
}

fn compare_split(b: &Analysis, s: &Analysis, warmup_s: f64) -> (Diff, Diff) {
    let all = compare_reps(b, s, |_| true);
    let after = compare_reps(b, s, |r| r.end_s > warmup_s);
    (all, after)
}

fn compare_reps(b: &Analysis, s: &Analysis, keep: impl Fn(&RepMeasures) -> bool) -> Diff {
    assert_eq!(s.reps.len(), b.reps.len(), "reps: batch {:?} vs streamed {:?}", b.reps.iter().map(|r| r.bottom_s).collect::<Vec<_>>(), s.reps.iter().map(|r| r.bottom_s).collect::<Vec<_>>());
    assert_eq!(s.rep_count, b.rep_count);
    let mut d = Diff::default();
    for (x, y) in b.reps.iter().zip(&s.reps).filter(|(x, _)| keep(x)) {
        if std::env::var_os("STREAM_DEBUG").is_some() {
            eprintln!("rep {} partial {}: t {:.3}/{:.3}/{:.3} vs {:.3}/{:.3}/{:.3}; drop {:?} vs {:?}; hbk {:?} vs {:?}", x.index, x.partial, x.start_s, x.bottom_s, x.end_s, y.start_s, y.bottom_s, y.end_s, x.hip_drop_m, y.hip_drop_m, x.hip_below_knee_m, y.hip_below_knee_m);
        }
        assert_eq!((x.index, x.partial), (y.index, y.partial), "rep at {} s", x.bottom_s);
        for (a, c) in [(x.start_s, y.start_s), (x.bottom_s, y.bottom_s), (x.end_s, y.end_s)] {
            d.time_s = d.time_s.max((a - c).abs());
        }
        close("lean", x.peak_trunk_lean_deg, y.peak_trunk_lean_deg, &mut d.angle_deg);
        close("hip flexion", x.hip_flexion_bottom_deg, y.hip_flexion_bottom_deg, &mut d.angle_deg);
        close("knee flexion", x.knee_flexion_bottom_deg, y.knee_flexion_bottom_deg, &mut d.angle_deg);
        close("shin", x.shin_angle_bottom_deg, y.shin_angle_bottom_deg, &mut d.angle_deg);
        close("lean range", x.trunk_lean_range_deg, y.trunk_lean_range_deg, &mut d.angle_deg);
        close("ascent lean", x.ascent_lean_increase_deg, y.ascent_lean_increase_deg, &mut d.angle_deg);
        close("hip below knee", x.hip_below_knee_m, y.hip_below_knee_m, &mut d.length_m);
        close("hip drop", x.hip_drop_m, y.hip_drop_m, &mut d.length_m);
        close("hip below knee / leg", x.hip_below_knee_over_leg, y.hip_below_knee_over_leg, &mut d.ratio);
        close("hip drop / leg", x.hip_drop_over_leg, y.hip_drop_over_leg, &mut d.ratio);
        match (&x.l5s1, &y.l5s1) {
            (Some(p), Some(q)) => {
                for (a, c) in [(p.moment_nm, q.moment_nm), (p.compression_n, q.compression_n), (p.shear_n_neutral, q.shear_n_neutral), (p.shear_n_flexed, q.shear_n_flexed)] {
                    d.load_rel = d.load_rel.max(((a - c) / a.abs().max(1.0)).abs());
                }
            }
            (None, None) => {}
            other => panic!("l5s1: {other:?}"),
        }
        let ids = |r: &RepMeasures| r.faults.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(x), ids(y), "faults of the rep at {} s", x.bottom_s);
        assert_eq!(x.verdict, y.verdict, "verdict of the rep at {} s", x.bottom_s);
    }
    d
}

/// The tolerances streaming keeps against batch on normal clips.
fn assert_within(d: &Diff, frame_s: f64) {
    assert!(d.time_s <= 2.0 * frame_s + 1e-9, "rep times differ by {} s", d.time_s);
    assert!(d.angle_deg <= 0.5, "angles differ by {} deg", d.angle_deg);
    assert!(d.length_m <= 0.005, "lengths differ by {} m", d.length_m);
    assert!(d.ratio <= 0.01, "ratios differ by {}", d.ratio);
    assert!(d.load_rel <= 0.01, "L5/S1 figures differ by {:.4} of their value", d.load_rel);
}

#[test]
fn the_example_clip_streams_to_the_batch_reps_and_numbers() {
    let seq = example_clip();
    for dynamic in [false, true] {
        let opts = options(Movement::Squat, 1.75, dynamic);
        let (b, s) = (batch(&seq, &opts), streamed(&seq, &opts));
        assert_eq!(b.rep_count, 2, "{:?}", b.diagnostics);
        let d = compare(&b, &s);
        eprintln!("example clip (dynamic {dynamic}): {d:?}");
        assert_within(&d, 1.0 / seq.fps);
        assert_eq!(s.camera.side_on, b.camera.side_on);
        assert!((s.camera.yaw_deg.unwrap() - b.camera.yaw_deg.unwrap()).abs() < 0.1);
        assert!((s.leg_length_m.unwrap() - b.leg_length_m.unwrap()).abs() < 1e-3);
    }
}

/// A session as one sequence, and how many reps it started.
#[test]
fn the_example_clip_played_ten_times_over_streams_like_the_batch_path() {
    // Two minutes of real MediaPipe tracking: the clip end to end, ten times.
    let one = example_clip();
    let span = one.frames.last().unwrap().t + 1.0 / one.fps;
    let frames = (0..10)
        .flat_map(|k| one.frames.iter().map(move |f| KeypointFrame { t: f.t + k as f64 * span, ..f.clone() }))
        .collect();
    let seq = KeypointSequence { frames, ..one.clone() };
    let opts = options(Movement::Squat, 1.75, false);
    let (b, s) = (batch(&seq, &opts), streamed(&seq, &opts));
    let (all, after) = compare_split(&b, &s, DEFAULT_WARMUP_S);
    eprintln!("example clip x10: {} reps, all {all:?}, after the warm-up {after:?}", b.reps.len());
    assert!(b.reps.len() >= 20);
    assert_within(&after, 1.0 / seq.fps);
    // The reps inside the warm-up are measured with the figures of its 30 s alone: as close.
    assert_within(&all, 1.0 / seq.fps);
}

fn session(minutes: f64, fps: f64, seed: u64) -> (usize, KeypointSequence) {
    let spec = SessionSpec { seconds: minutes * 60.0, fps, reps_per_set: 8, rest_s: 45.0, seed };
    let h = spec.header();
    let mut session = Session::new(spec);
    let frames: Vec<KeypointFrame> = session.by_ref().collect();
    (session.reps_planned, KeypointSequence { fps: h.fps, width: h.width, height: h.height, layout: h.layout, frames })
}

#[test]
fn a_long_synthetic_session_streams_to_the_batch_reps_and_numbers() {
    for (minutes, fps, seed) in [(6.0, 30.0, 1), (3.0, 60.0, 7)] {
        let (planned, seq) = session(minutes, fps, seed);
        let opts = options(Movement::Squat, 1.75, false);
        let (b, s) = (batch(&seq, &opts), streamed(&seq, &opts));
        let d = compare(&b, &s);
        eprintln!("{minutes} min at {fps} fps: {} reps, {d:?}", b.reps.len());
        // Every rep the session holds is found (the last may be cut by the end of the clip).
        assert!(b.reps.len() == planned || b.reps.len() + 1 == planned, "{} reps of {planned}", b.reps.len());
        assert_within(&d, 1.0 / fps);
    }
}

#[test]
fn hinges_and_lunges_stream_like_the_batch_path() {
    // The UI-PRMD lunge and a synthetic hinge (the squat figure with the knees kept straighter
    // reads as a hinge by trunk lean) both run through the same rep code.
    let (_, seq) = session(2.0, 30.0, 3);
    for m in [Movement::Hinge, Movement::Lunge] {
        let opts = options(m, 1.75, false);
        let (b, s) = (batch(&seq, &opts), streamed(&seq, &opts));
        let d = compare(&b, &s);
        eprintln!("{m:?}: {} reps, {d:?}", b.reps.len());
        assert!(!b.reps.is_empty());
        assert_within(&d, 1.0 / 30.0);
    }
}

#[test]
fn memory_is_bounded_by_the_window_not_the_length() {
    let held = |minutes: f64| {
        let spec = SessionSpec { seconds: minutes * 60.0, fps: 30.0, reps_per_set: 8, rest_s: 45.0, seed: 5 };
        let mut a = StreamAnalyzer::new(&spec.header(), StreamConfig::new(1.75, 6.0), options(Movement::Squat, 1.75, false), Thresholds::builtin()).unwrap();
        let mut reps = 0;
        for f in Session::new(spec) {
            reps += a.push(&f).len();
        }
        let s = a.finish().unwrap();
        (s.max_frames_held, reps + s.reps.len())
    };
    let (short, short_reps) = held(3.0);
    let (long, long_reps) = held(12.0);
    assert!(long_reps > 3 * short_reps, "{short_reps} vs {long_reps}");
    // At most the window and the filter delay, whatever the length.
    let bound = (DEFAULT_WINDOW_S * 30.0) as usize + filter::TrackFilter::new(30.0, 6.0, 9).max_delay();
    assert!(short <= bound && long <= bound, "{short} and {long} frames held, bound {bound}");
    assert!(long <= short + 2, "frames held grew from {short} to {long}");
}

#[test]
fn reps_come_out_while_the_stream_runs() {
    let spec = SessionSpec { seconds: 120.0, fps: 30.0, reps_per_set: 5, rest_s: 20.0, seed: 9 };
    let mut a = StreamAnalyzer::new(&spec.header(), StreamConfig::new(1.75, 6.0), options(Movement::Squat, 1.75, false), Thresholds::builtin()).unwrap();
    let mut lag = Vec::new();
    let mut session = Session::new(spec);
    for f in session.by_ref() {
        let t = f.t;
        for r in a.push(&f) {
            lag.push((r.end_s, t - r.end_s));
        }
    }
    // All but the last rep come out before the stream ends.
    assert!(lag.len() + 2 >= session.reps_planned && lag.len() > 10, "{} of {} reps out during the stream", lag.len(), session.reps_planned);
    // After the warm-up, a rep is out within the settle time plus the filter delay of its end.
    let delay_s = filter::TrackFilter::new(30.0, 6.0, 9).max_delay() as f64 / 30.0;
    let after_warmup: Vec<f64> = lag.iter().filter(|(end, _)| *end > DEFAULT_WARMUP_S).map(|l| l.1).collect();
    let worst = after_warmup.iter().fold(0.0f64, |m, &l| m.max(l));
    assert!(after_warmup.len() > 10 && worst <= DEFAULT_SETTLE_S + delay_s + 1.0, "a rep came out {worst} s after its end (delay {delay_s} s)");
}

#[test]
fn bad_settings_and_bodies_are_errors() {
    let h = Header { fps: 30.0, width: 100, height: 100, layout: Layout::Blazepose33 };
    let opts = options(Movement::Squat, 1.75, false);
    let t = Thresholds::builtin();
    assert_eq!(StreamAnalyzer::new(&h, StreamConfig::new(3.0, 6.0), opts.clone(), t.clone()).err(), Some(StreamError::Body(BodyError::Height(3.0))));
    let mut a = StreamAnalyzer::new(&h, StreamConfig::new(1.75, 6.0), opts, t).unwrap();
    for i in 0..10 {
        a.push(&KeypointFrame { t: i as f64 / 30.0, landmarks: None, world_landmarks: None });
    }
    assert_eq!(a.finish().err(), Some(StreamError::Body(BodyError::NoPerson)));
}

/// A frame sink that keeps what it is given.
#[derive(Debug, Default)]
struct Keep {
    header: Option<Header>,
    frames: Vec<KeypointFrame>,
}

impl FrameSink for Keep {
    fn header(&mut self, h: &Header) {
        self.header = Some(*h);
    }
    fn frame(&mut self, f: KeypointFrame) {
        self.frames.push(f);
    }
}

fn stream_text(text: &str) -> Result<Keep, KeypointError> {
    let mut k = Keep::default();
    stream_keypoints_json(&mut serde_json::Deserializer::from_str(text), &mut k)?;
    Ok(k)
}

#[test]
fn the_streaming_reader_gives_the_frames_the_collecting_one_gives() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/squat-side-gym.keypoints.json")).unwrap();
    let seq = parse_keypoints_json(&text).unwrap();
    let k = stream_text(&text).unwrap();
    assert_eq!(k.header, Some(Header { fps: seq.fps, width: seq.width, height: seq.height, layout: seq.layout }));
    assert_eq!(k.frames, seq.frames);
    // From an io::Read, byte by byte in effect (a reader that hands out 7 bytes at a time).
    struct Drip<'a>(&'a [u8]);
    impl std::io::Read for Drip<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(7).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let mut k2 = Keep::default();
    stream_keypoints_json(&mut serde_json::Deserializer::from_reader(Drip(text.as_bytes())), &mut k2).unwrap();
    assert_eq!(k2.frames, seq.frames);
}

#[test]
fn the_streaming_reader_handles_late_headers_and_says_where_it_stopped() {
    let lm: Vec<String> = (0..33).map(|_| "[0.5, 0.5, 0.0, 0.9]".to_string()).collect();
    let frame = |t: f64| format!("{{\"t\": {t}, \"landmarks\": [{}]}}", lm.join(","));
    // The header after the frames: kept, then handed on once known.
    let late = format!("{{\"frames\": [{}, {}], \"fps\": 30, \"width\": 10, \"height\": 20}}", frame(0.0), frame(0.1));
    let k = stream_text(&late).unwrap();
    assert_eq!((k.header.unwrap().width, k.frames.len()), (10, 2));
    // A layout after streamed frames that changes how they were read is refused.
    let changed = format!("{{\"fps\": 30, \"width\": 10, \"height\": 20, \"frames\": [{}], \"layout\": \"coco17\"}}", frame(0.0));
    assert!(matches!(stream_text(&changed), Err(KeypointError::Field { ref field, .. }) if field == "frames"));
    // The second frame goes back in time: the error names it and says where reading stopped.
    let text = format!("{{\"fps\": 30, \"width\": 10, \"height\": 20,\n\"frames\": [{},\n{}]}}", frame(0.5), frame(0.1));
    match stream_text(&text) {
        Err(KeypointError::FieldAt { field, message, line, .. }) => {
            assert_eq!(field, "frames[1].t");
            assert!(message.contains("must increase"), "{message}");
            assert_eq!(line, 3);
        }
        other => panic!("{other:?}"),
    }
    // The collecting reader gives the same error without a position.
    assert!(matches!(parse_keypoints_json(&text), Err(KeypointError::Field { ref field, .. }) if field == "frames[1].t"));
    // Syntax errors keep their line and column.
    assert!(matches!(stream_text("{\"fps\": 30,\n \"width\": }"), Err(KeypointError::Json { line: 2, .. })));
    assert!(matches!(stream_text("{\"fps\": 30, \"width\": 10, \"height\": 20, \"frames\": []}"), Err(KeypointError::Field { ref field, .. }) if field == "frames"));
}

/// The side view of a UI-PRMD repetition at 30 fps, as the CLI analyses a marker file.
fn uiprmd_side_view(bytes: &[u8]) -> KeypointSequence {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut text).expect("gunzip");
    let prepared = crate::mocap::prepare(&crate::mocap::parse_uiprmd(&text).expect("parses")).expect("prepares");
    crate::mocap::to_side_view(&prepared, crate::mocap::CameraSide::Right, Some(30.0))
}

#[test]
fn a_motion_capture_repetition_streams_as_one_rep_like_the_batch_path() {
    let files: [(&[u8], Movement, Option<&str>); 4] = [
        (include_bytes!("../../tests/data/ui-prmd/m01_s01_e01_positions.txt.gz"), Movement::Squat, Some("correct")),
        (include_bytes!("../../tests/data/ui-prmd/m01_s01_e01_positions_inc.txt.gz"), Movement::Squat, Some("incorrect")),
        (include_bytes!("../../tests/data/ui-prmd/m01_s05_e01_positions.txt.gz"), Movement::Squat, None),
        (include_bytes!("../../tests/data/ui-prmd/m03_s02_e01_positions.txt.gz"), Movement::Lunge, None),
    ];
    for (bytes, movement, verdict) in files {
        let seq = uiprmd_side_view(bytes);
        let mut opts = options(movement, 1.75, false);
        opts.single_rep = true;
        opts.load = ExternalLoad::NONE;
        let (b, s) = (batch(&seq, &opts), streamed(&seq, &opts));
        assert_eq!(s.reps.len(), 1, "{:?}", s.diagnostics);
        let d = compare(&b, &s);
        eprintln!("UI-PRMD {movement:?}: {d:?}");
        // The same rep frames: the whole clip, the bottom at the same frame.
        assert_eq!(d.time_s, 0.0);
        assert_within(&d, 1.0 / seq.fps);
        if let Some(v) = verdict {
            assert_eq!(s.reps[0].verdict, Some(v));
        }
    }
}

#[test]
fn the_plot_series_covers_every_frame_and_follows_the_batch_curves() {
    let seq = example_clip();
    let opts = options(Movement::Squat, 1.75, false);
    let b = batch(&seq, &opts);
    let mut cfg = StreamConfig::new(1.75, crate::filter::DEFAULT_CUTOFF_HZ);
    cfg.series = true;
    let s = analyze_streaming(&seq, cfg, &opts, &Thresholds::builtin()).expect("streams");
    assert_eq!(s.series.t_s, b.series.t_s);
    for (name, x, y) in [
        ("trunk lean", &s.series.trunk_lean_deg, &b.series.trunk_lean_deg),
        ("knee flexion", &s.series.knee_flexion_deg, &b.series.knee_flexion_deg),
    ] {
        let worst = x.iter().zip(y).filter_map(|(a, c)| Some((a.as_ref()? - c.as_ref()?).abs())).fold(0.0, f64::max);
        assert!(worst < 0.5, "{name} differs by {worst} deg");
        assert_eq!(x.iter().filter(|v| v.is_some()).count(), y.iter().filter(|v| v.is_some()).count(), "{name}");
    }
    let rel = s.series.compression_n.iter().zip(&b.series.compression_n).filter_map(|(a, c)| Some((a.as_ref()? - c.as_ref()?).abs() / c.as_ref()?.abs().max(1.0))).fold(0.0, f64::max);
    assert!(rel < 0.01, "compression differs by {rel} of its value");
    // Without the flag nothing is kept.
    assert!(streamed(&seq, &opts).series.t_s.is_empty());
}
