//! The movement analysis as a front end asks for it: a keypoint file (JSON or CSV), a UI-PRMD
//! marker file or a video in, the analysis and its [`crate::wire::AnalysisDoc`] out. Every input
//! goes through the one streaming engine (`spotter_motion::stream`): a keypoint file is parsed
//! a frame at a time into it, a video is decoded, posed and analysed frame by frame, so memory
//! does not grow with the length of the recording (except the plot's per-frame curves, six
//! numbers a frame, kept only when asked for). A motion-capture file is one repetition: the
//! engine holds its frames (at most 30,000) and measures it at the end, and the marker verdict
//! (`mocap::verdict`, which sees the frontal plane) replaces the side-view one.

use crate::AppError;
use crate::video::{KeyFrame, PoseOptions, PoseReport, PoseSession};
use spotter_kb::{Kb, Pattern};
use spotter_motion::analysis::{self, Analysis, Movement, Options, RepMeasures};
use spotter_motion::keypoints::reader::Header;
use spotter_motion::keypoints::{Keypoint, KeypointFrame, KeypointSequence};
use spotter_motion::load::{self, ExternalLoad, Lifter, LoadPosition, Sex};
use spotter_motion::mocap;
use spotter_motion::stream::{AnalyzerSink, StreamAnalyzer, StreamConfig, StreamError, StreamSummary};
use spotter_motion::thresholds::Thresholds;
use spotter_video::ProgressSink;
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::Path;

/// What kind of input a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    KeypointJson,
    KeypointCsv,
    Uiprmd { gz: bool },
    Video,
}

/// The kind of the input at `path`, by its name; an unknown one is refused, naming the kinds.
pub fn input_kind(path: &Path) -> Result<InputKind, AppError> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    Ok(if name.ends_with(".txt.gz") {
        InputKind::Uiprmd { gz: true }
    } else if name.ends_with(".txt") {
        InputKind::Uiprmd { gz: false }
    } else if name.ends_with(".json") {
        InputKind::KeypointJson
    } else if name.ends_with(".csv") {
        InputKind::KeypointCsv
    } else if [".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm"].iter().any(|e| name.ends_with(e)) {
        InputKind::Video
    } else {
        return Err(AppError::input(format!(
            "{}: unknown input type; expected keypoints (.json, .csv), a UI-PRMD marker file (.txt, .txt.gz) or a video (.mp4, .mov, .m4v, .avi, .mkv, .webm)",
            path.display()
        )));
    })
}

/// Where the analysis reads from.
pub enum AnalysisInput<'a> {
    /// A file; its kind by its name ([`input_kind`]).
    Path(&'a Path),
    /// Keypoint JSON read from `reader`, named `name` in the document and in messages (the
    /// demo's built-in clip, an upload).
    KeypointJson { name: &'a str, reader: Box<dyn Read + 'a> },
}

/// The lifter, the exercise and the load, as a person gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Lift<'a> {
    /// An exercise id of the knowledge base (squat, hinge or lunge pattern).
    pub exercise: &'a str,
    pub body_mass_kg: f64,
    pub height_m: f64,
    pub sex: Sex,
    pub load_kg: f64,
    /// Where the load is held; `None`: on the back with a load, none without.
    pub load_position: Option<LoadPosition>,
    /// Add inertial terms to the load model.
    pub dynamic: bool,
}

/// An analysis request.
pub struct AnalyzeRequest<'a> {
    pub input: AnalysisInput<'a>,
    pub lift: Lift<'a>,
    /// Keep the per-frame curves for a plot (`Analysis::series`).
    pub series: bool,
    /// For a video: keep the frame at each rep's bottom for [`crate::video::draw_key_frames`].
    pub key_frames: bool,
    /// For a video: how the pose step runs.
    pub pose: PoseOptions,
}

/// Where a video's by-products go while it is analysed.
pub struct VideoHooks<'a> {
    pub progress: &'a mut dyn ProgressSink,
    /// The keypoints as the pose step finds them, as the keypoint JSON (`wire::KeypointsDoc`),
    /// streamed.
    pub keypoints_out: Option<&'a mut dyn Write>,
}

/// The analysis, its document, and for a video the pose step's report and the key frames kept.
pub struct AnalysisOutcome {
    pub analysis: Analysis,
    pub doc: crate::wire::AnalysisDoc,
    /// A motion-capture file: one repetition, with the marker verdict.
    pub single_rep: bool,
    pub pose: Option<PoseReport>,
    pub key_frames: Vec<KeyFrame>,
}

/// The body mass a lifter may give, in kg (the load model's range).
pub const BODY_MASS_RANGE_KG: (f64, f64) = load::BODY_MASS_RANGE_KG;
/// The height a lifter may give, in m.
pub const HEIGHT_RANGE_M: (f64, f64) = load::HEIGHT_RANGE_M;
/// The external load, in kg.
pub const LOAD_MASS_RANGE_KG: (f64, f64) = load::LOAD_MASS_RANGE_KG;

fn movement_of(kb: &Kb, exercise: &str) -> Result<Movement, AppError> {
    let Some(e) = kb.coaching.exercise(exercise) else {
        let known: Vec<&str> = kb.coaching.exercises.iter().map(|e| e.id.as_str()).collect();
        return Err(AppError::input(format!("--exercise: unknown exercise `{exercise}` (known: {})", known.join(", "))));
    };
    match e.pattern {
        Pattern::Squat => Ok(Movement::Squat),
        Pattern::Hinge => Ok(Movement::Hinge),
        Pattern::Lunge => Ok(Movement::Lunge),
        other => Err(AppError::input(format!(
            "--exercise: `{exercise}` is {}; the analysis measures squats, hinges and lunges",
            match other {
                Pattern::Machine => "done on a machine",
                Pattern::Bridge => "a bridge (lying on the back)",
                Pattern::Squat | Pattern::Hinge | Pattern::Lunge => "not a squat, hinge or lunge",
            }
        ))),
    }
}

fn in_range(v: f64, (lo, hi): (f64, f64)) -> bool {
    (lo..=hi).contains(&v)
}

/// The analysis options of `lift`, or what is wrong with it (checked before any input is read).
pub fn options(kb: &Kb, lift: &Lift<'_>, single_rep: bool) -> Result<Options, AppError> {
    let show = spotter_kb::number::show;
    if !in_range(lift.body_mass_kg, BODY_MASS_RANGE_KG) {
        let (lo, hi) = BODY_MASS_RANGE_KG;
        return Err(AppError::input(format!("--body-mass must be {} to {} kg, got {}", show(lo), show(hi), show(lift.body_mass_kg))));
    }
    if !in_range(lift.height_m, HEIGHT_RANGE_M) {
        let (lo, hi) = HEIGHT_RANGE_M;
        return Err(AppError::input(format!("--height must be {lo:.1} to {hi:.1} m, got {}", show(lift.height_m))));
    }
    if !in_range(lift.load_kg, LOAD_MASS_RANGE_KG) {
        let (lo, hi) = LOAD_MASS_RANGE_KG;
        return Err(AppError::input(format!("--load must be {} to {} kg, got {}", show(lo), show(hi), show(lift.load_kg))));
    }
    let position = match lift.load_position {
        Some(p) => p,
        None if lift.load_kg > 0.0 => LoadPosition::Back,
        None => LoadPosition::None,
    };
    if position == LoadPosition::None && lift.load_kg > 0.0 {
        return Err(AppError::input("--load-position none cannot carry a load; say where it is held (back, front_rack, hands)"));
    }
    Ok(Options {
        movement: movement_of(kb, lift.exercise)?,
        single_rep,
        lifter: Lifter { body_mass_kg: lift.body_mass_kg, height_m: lift.height_m, sex: lift.sex },
        load: ExternalLoad { mass_kg: if position == LoadPosition::None { 0.0 } else { lift.load_kg }, position },
        dynamic: lift.dynamic,
    })
}

/// The cause-finder observation each measured fault counts as (coach/measured.toml), in the
/// order the faults first show; partial reps count only when they are all there is.
pub fn observations<'k>(kb: &'k Kb, analysis: &Analysis) -> Vec<&'k str> {
    let mut out: Vec<&str> = Vec::new();
    for f in analysis.reps.iter().filter(|r| !r.partial || analysis.reps.len() == 1).flat_map(|r| &r.faults) {
        for o in kb.coaching.measured.iter().filter(|m| m.fault == f.id.as_str()).filter_map(|m| m.observation.as_deref()) {
            if !out.contains(&o) {
                out.push(o);
            }
        }
    }
    out
}

fn stream_error(name: &str, e: StreamError) -> AppError {
    AppError::input(format!("{name}: {e}"))
}

fn config(opts: &Options, series: bool) -> StreamConfig {
    let mut cfg = StreamConfig::new(opts.lifter.height_m, spotter_motion::filter::DEFAULT_CUTOFF_HZ);
    cfg.series = series;
    cfg
}

/// The reps handed out while streaming and the summary at the end, as one analysis.
fn assemble(movement: Movement, mut reps: Vec<RepMeasures>, s: StreamSummary) -> Analysis {
    reps.extend(s.reps);
    Analysis {
        movement,
        rep_count: s.rep_count,
        reps,
        camera: s.camera,
        butt_wink: analysis::BUTT_WINK_NOTE,
        leg_length_m: s.leg_length_m,
        diagnostics: s.diagnostics,
        series: s.series,
        rep_frames: Vec::new(),
    }
}

/// Runs a whole keypoint sequence (a CSV file, a motion-capture side view) through the engine.
fn analyze_sequence(name: &str, seq: &KeypointSequence, opts: &Options, series: bool) -> Result<Analysis, AppError> {
    let header = Header { fps: seq.fps, width: seq.width, height: seq.height, layout: seq.layout };
    let mut a = StreamAnalyzer::new(&header, config(opts, series), opts.clone(), Thresholds::builtin()).map_err(|e| stream_error(name, e))?;
    let mut reps = Vec::new();
    for f in &seq.frames {
        reps.extend(a.push(f));
    }
    let s = a.finish().map_err(|e| stream_error(name, e))?;
    Ok(assemble(opts.movement, reps, s))
}

/// Streams keypoint JSON from `reader` through the engine.
fn analyze_json(name: &str, reader: impl Read, opts: &Options, series: bool) -> Result<Analysis, AppError> {
    let mut reps = Vec::new();
    let mut sink = AnalyzerSink::new(config(opts, series), opts.clone(), Thresholds::builtin(), |m| reps.push(m));
    crate::input::stream_keypoints_json(reader, name, &mut sink)?;
    // The sink hands the last reps to `on_rep` too.
    let s = sink.finish().map_err(|e| stream_error(name, e))?;
    Ok(assemble(opts.movement, reps, StreamSummary { reps: Vec::new(), ..s }))
}

/// Analyses the request's input. Lifter numbers and the exercise are checked before anything
/// is read; every input error names the input (`AppError::Input`).
pub fn analyze(kb: &Kb, req: AnalyzeRequest<'_>, hooks: VideoHooks<'_>) -> Result<AnalysisOutcome, AppError> {
    let (name, kind) = match &req.input {
        AnalysisInput::Path(p) => (p.display().to_string(), input_kind(p)?),
        AnalysisInput::KeypointJson { name, .. } => (name.to_string(), InputKind::KeypointJson),
    };
    let single_rep = matches!(kind, InputKind::Uiprmd { .. });
    let opts = options(kb, &req.lift, single_rep)?;
    thresholds(kb)?;
    let mut pose = None;
    let mut key_frames = Vec::new();
    let analysis = match (req.input, kind) {
        (AnalysisInput::KeypointJson { name, reader }, _) => analyze_json(name, reader, &opts, req.series)?,
        (AnalysisInput::Path(p), InputKind::KeypointJson) => {
            let file = std::fs::File::open(p).map_err(|e| AppError::input(format!("cannot read {}: {e}", p.display())))?;
            analyze_json(&name, file, &opts, req.series)?
        }
        (AnalysisInput::Path(p), InputKind::KeypointCsv) => analyze_sequence(&name, &crate::input::read_keypoints_csv(p)?, &opts, req.series)?,
        (AnalysisInput::Path(p), InputKind::Uiprmd { gz }) => {
            let trial = crate::input::read_uiprmd(p, gz)?;
            let prepared = mocap::prepare(&trial).map_err(|e| AppError::input(format!("{}: {e}", p.display())))?;
            // The side view a phone would see, at a phone's frame rate.
            let seq = mocap::to_side_view(&prepared, mocap::CameraSide::Right, Some(30.0));
            let mut a = analyze_sequence(&name, &seq, &opts, req.series)?;
            mocap::verdict::apply_to_analysis(&mut a, &prepared, &Thresholds::builtin());
            a
        }
        (AnalysisInput::Path(p), InputKind::Video) => {
            let (a, report, frames) = analyze_video(p, &opts, req.series, req.key_frames, &req.pose, hooks)?;
            pose = Some(report);
            key_frames = frames;
            a
        }
    };
    let asked = crate::wire::AnalysisAsked {
        input: &name,
        exercise: req.lift.exercise,
        body_mass_kg: req.lift.body_mass_kg,
        height_m: req.lift.height_m,
        load_kg: req.lift.load_kg,
        single_rep,
    };
    let doc = crate::wire::AnalysisDoc::new(&asked, &analysis, observations(kb, &analysis).into_iter().map(str::to_string).collect());
    Ok(AnalysisOutcome { analysis, doc, single_rep, pose, key_frames })
}

/// Frames held to find a rep's bottom frame when the rep comes out: the engine's window and the
/// settling time after a rep, with a margin, in seconds.
const KEY_FRAME_HISTORY_S: f64 = spotter_motion::stream::DEFAULT_WINDOW_S + spotter_motion::stream::DEFAULT_SETTLE_S + 5.0;

/// Frames read before the engine starts when the container gives no frame rate (it is then
/// worked out from their times).
const FPS_PROBE_FRAMES: usize = 60;

/// The engine fed by the pose step, frame by frame, with the by-products a video run writes.
pub(crate) struct VideoRun<'a> {
    name: String,
    opts: Options,
    series: bool,
    width: u32,
    height: u32,
    fps: Option<f64>,
    /// Frames read before the frame rate was known.
    early: Vec<KeypointFrame>,
    analyzer: Option<StreamAnalyzer>,
    reps: Vec<RepMeasures>,
    out: Option<&'a mut dyn Write>,
    frames_out: usize,
    index: usize,
    history: Option<VecDeque<(usize, f64, Option<Vec<Keypoint>>)>>,
    history_cap: usize,
    key_frames: Vec<KeyFrame>,
}

fn write_error(e: std::io::Error) -> AppError {
    AppError::Write(e.to_string())
}

impl<'a> VideoRun<'a> {
    pub(crate) fn start(&mut self, fps: f64) -> Result<(), AppError> {
        let header = Header { fps, width: self.width, height: self.height, layout: spotter_motion::keypoints::Layout::Blazepose33 };
        self.analyzer = Some(StreamAnalyzer::new(&header, config(&self.opts, self.series), self.opts.clone(), Thresholds::builtin()).map_err(|e| stream_error(&self.name, e))?);
        self.history_cap = (KEY_FRAME_HISTORY_S * fps).ceil() as usize;
        self.fps = Some(fps);
        if let Some(w) = self.out.as_mut() {
            w.write_all(crate::wire::KeypointsDoc::head(fps, self.width, self.height, spotter_motion::keypoints::Layout::Blazepose33).as_bytes()).map_err(write_error)?;
        }
        for f in std::mem::take(&mut self.early) {
            self.feed(f)?;
        }
        Ok(())
    }

    /// A run with nothing started yet (the engine starts with the frame rate, [`VideoRun::start`]).
    pub(crate) fn new(name: &str, opts: &Options, width: u32, height: u32, series: bool, key_frames: bool, out: Option<&'a mut dyn Write>) -> VideoRun<'a> {
        VideoRun {
            name: name.to_string(),
            opts: opts.clone(),
            series,
            width,
            height,
            fps: None,
            early: Vec::new(),
            analyzer: None,
            reps: Vec::new(),
            out,
            frames_out: 0,
            index: 0,
            history: key_frames.then(VecDeque::new),
            history_cap: 0,
            key_frames: Vec::new(),
        }
    }

    pub(crate) fn frame(&mut self, f: KeypointFrame) -> Result<(), AppError> {
        if self.fps.is_some() {
            return self.feed(f);
        }
        self.early.push(f);
        if self.early.len() >= FPS_PROBE_FRAMES {
            let times: Vec<f64> = self.early.iter().map(|f| f.t).collect();
            self.start(crate::video::fps_from_times(&times))?;
        }
        Ok(())
    }

    fn feed(&mut self, f: KeypointFrame) -> Result<(), AppError> {
        if let Some(w) = self.out.as_mut() {
            if self.frames_out > 0 {
                w.write_all(b",").map_err(write_error)?;
            }
            serde_json::to_writer(&mut **w, &crate::wire::FrameDoc::new(&f)).map_err(|e| AppError::Write(e.to_string()))?;
            self.frames_out += 1;
        }
        let i = self.index;
        self.index += 1;
        let done = self.analyzer.as_mut().expect("started").push(&f);
        if let Some(h) = self.history.as_mut() {
            if h.len() == self.history_cap.max(1) {
                h.pop_front();
            }
            h.push_back((i, f.t, f.landmarks));
        }
        for m in done {
            self.rep_out(m);
        }
        Ok(())
    }

    /// A rep came out: keep its bottom frame's landmarks for its key frame.
    fn rep_out(&mut self, m: RepMeasures) {
        if let Some(h) = &self.history {
            let nearest = h.iter().min_by(|a, b| (a.1 - m.bottom_s).abs().total_cmp(&(b.1 - m.bottom_s).abs()));
            if let Some((frame, _, Some(lm))) = nearest {
                self.key_frames.push(KeyFrame { rep: self.reps.len(), frame: *frame, landmarks: lm.clone() });
            }
        }
        self.reps.push(m);
    }

    pub(crate) fn finish(mut self) -> Result<(Analysis, Vec<KeyFrame>), AppError> {
        if self.fps.is_none() {
            let times: Vec<f64> = self.early.iter().map(|f| f.t).collect();
            self.start(crate::video::fps_from_times(&times))?;
        }
        if let Some(w) = self.out.as_mut() {
            w.write_all(crate::wire::KeypointsDoc::TAIL.as_bytes()).map_err(write_error)?;
        }
        let mut s = self.analyzer.take().expect("started").finish().map_err(|e| stream_error(&self.name, e))?;
        // The last reps come out at the end: their key frames too.
        for m in std::mem::take(&mut s.reps) {
            self.rep_out(m);
        }
        let a = assemble(self.opts.movement, std::mem::take(&mut self.reps), s);
        Ok((a, self.key_frames))
    }
}

/// A video: the pose step feeding the engine frame by frame.
fn analyze_video(
    video: &Path,
    opts: &Options,
    series: bool,
    key_frames: bool,
    pose: &PoseOptions,
    hooks: VideoHooks<'_>,
) -> Result<(Analysis, PoseReport, Vec<KeyFrame>), AppError> {
    let session = PoseSession::open(video, pose)?;
    let h = session.header();
    let mut run = VideoRun::new(&video.display().to_string(), opts, h.width, h.height, series, key_frames, hooks.keypoints_out);
    if let Some(fps) = h.fps {
        run.start(fps)?;
    }
    let report = session.run(hooks.progress, &mut |f| run.frame(f))?;
    let (analysis, frames) = run.finish()?;
    Ok((analysis, report, frames))
}

/// `spotter pose`: the keypoints of `video`, streamed to `out` as the keypoint JSON
/// (`wire::KeypointsDoc`) as the pose step finds them; the report of what it did.
pub fn pose(video: &Path, o: &PoseOptions, progress: &mut dyn ProgressSink, out: &mut dyn Write) -> Result<PoseReport, AppError> {
    let session = PoseSession::open(video, o)?;
    let h = session.header();
    let mut early: Vec<KeypointFrame> = Vec::new();
    let mut fps = h.fps;
    let mut n = 0usize;
    let mut write = |f: &KeypointFrame, out: &mut dyn Write| -> Result<(), AppError> {
        if n > 0 {
            out.write_all(b",").map_err(write_error)?;
        }
        n += 1;
        serde_json::to_writer(&mut *out, &crate::wire::FrameDoc::new(f)).map_err(|e| AppError::Write(e.to_string()))
    };
    if let Some(fps) = fps {
        out.write_all(crate::wire::KeypointsDoc::head(fps, h.width, h.height, h.layout).as_bytes()).map_err(write_error)?;
    }
    let report = session.run(progress, &mut |f| {
        if fps.is_some() {
            return write(&f, &mut *out);
        }
        early.push(f);
        if early.len() >= FPS_PROBE_FRAMES {
            let times: Vec<f64> = early.iter().map(|f| f.t).collect();
            let rate = crate::video::fps_from_times(&times);
            fps = Some(rate);
            out.write_all(crate::wire::KeypointsDoc::head(rate, h.width, h.height, h.layout).as_bytes()).map_err(write_error)?;
            for f in std::mem::take(&mut early) {
                write(&f, &mut *out)?;
            }
        }
        Ok(())
    })?;
    if fps.is_none() {
        let times: Vec<f64> = early.iter().map(|f| f.t).collect();
        out.write_all(crate::wire::KeypointsDoc::head(crate::video::fps_from_times(&times), h.width, h.height, h.layout).as_bytes()).map_err(write_error)?;
        for f in std::mem::take(&mut early) {
            write(&f, &mut *out)?;
        }
    }
    out.write_all(crate::wire::KeypointsDoc::TAIL.as_bytes()).map_err(write_error)?;
    Ok(report)
}

/// The built-in thresholds, with every source id they name checked against the knowledge base.
pub fn thresholds(kb: &Kb) -> Result<Thresholds, AppError> {
    let t = Thresholds::builtin();
    t.check_sources(&|id| kb.sources.iter().any(|s| s.id == id)).map_err(AppError::Failed)?;
    Ok(t)
}

/// The heading of a fault, in plain words (the JSON keeps the id), from `data/thresholds.toml`;
/// a fault without a rule (never, for the registry's: the loader refuses that) reads as a
/// generic heading, never as its id.
pub fn fault_words(id: &str) -> String {
    Thresholds::builtin().fault_words(id).unwrap_or("A measured fault").to_string()
}

/// What a measure is in plain words, and its unit (`""` for a fraction of leg length).
pub fn measure_words(id: &str) -> (String, String) {
    let t = Thresholds::builtin();
    t.measure_words(id).map_or(("Measured".into(), String::new()), |(w, u)| (w.to_string(), u.to_string()))
}
