//! The video step of `spotter pose` and `spotter analyze VIDEO`: decodes the video with ffmpeg
//! (spotter-video) on its own thread, runs BlazePose on tract (spotter-infer) through the
//! MediaPipe-style tracking pipeline (spotter-pose) on this thread, and collects the keypoints in
//! the spec's keypoint form, with a progress bar, timings and diagnostics. Also draws the key
//! frames (bottom of each rep with the skeleton and angles) for `--keyframes`.

use crate::cli::{MAX_THREADS, ModelArg, PoseArgs, PoseModelArgs};
use crate::input_error;
use crate::output::{self, count};
use anyhow::Context;
use serde::Serialize;
use spotter_motion::analysis::Analysis;
use spotter_motion::keypoints::{Keypoint, KeypointFrame, KeypointSequence, Layout, MAX_DURATION_S, MAX_FRAMES, bp};
use spotter_pose::tract_nets::TractNets;
use spotter_pose::{Frame, PoseConfig, PoseTracker};
use spotter_report::keyframe::{self, Bone, Joint, Label, Overlay, RgbFrame, Side};
use spotter_video::{DecodeOptions, FrameReader, IndicatifProgress, LandmarkModel, ModelPaths, NoProgress, Progress, ProgressSink};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Frames are decoded at most this long on their longer side (pixels): a 4K phone frame would
/// cost four times the decoding for no better landmarks (the networks see 224 and 256 px crops).
pub const MAX_DECODE_LONG_SIDE_PX: u32 = 1920;

/// Decoded frames that may wait for the pose step (bounded memory; decoding overlaps inference).
const DECODE_QUEUE_FRAMES: usize = 4;

/// What the pose step did, for the user and for the speed comparison (`bench/compare-pose.sh`).
#[derive(Debug, Clone, Serialize)]
pub struct PoseReport {
    pub video: String,
    pub model: &'static str,
    pub threads: usize,
    pub width_px: u32,
    pub height_px: u32,
    pub rotation_cw_deg: u32,
    pub codec: String,
    pub frames: u64,
    pub frames_with_person: u64,
    /// Frames on which the person detector ran (the first, and each time tracking was lost).
    pub detector_runs: u64,
    /// Frames where the detector saw more than one person (only the most likely is tracked).
    pub frames_with_several_people: u64,
    /// Loading and preparing both networks, seconds.
    pub model_load_s: f64,
    /// From the first frame asked for to the last one's keypoints, seconds (decode overlapped).
    pub wall_s: f64,
    /// Frames per second over `wall_s`: decoding, pose and tracking, end to end.
    pub fps_end_to_end: f64,
    /// Time spent in the pose step alone (crops, networks, tracking), seconds.
    pub pose_s: f64,
    /// Frames per second of the pose step alone.
    pub fps_pose: f64,
    /// Median time of the pose step per frame, milliseconds.
    pub pose_ms_median: f64,
    /// Time the pose step waited for the decoder, seconds.
    pub decode_wait_s: f64,
    pub diagnostics: Vec<String>,
}

/// Keypoints of a video and how they were made.
pub struct PoseRun {
    pub sequence: KeypointSequence,
    pub report: PoseReport,
}

fn model_of(m: ModelArg) -> LandmarkModel {
    match m {
        ModelArg::Lite => LandmarkModel::Lite,
        ModelArg::Full => LandmarkModel::Full,
        ModelArg::Heavy => LandmarkModel::Heavy,
    }
}

fn model_id(m: ModelArg) -> &'static str {
    match m {
        ModelArg::Lite => "lite",
        ModelArg::Full => "full",
        ModelArg::Heavy => "heavy",
    }
}

/// Threads for inference: the flag (1 to 64, checked by the parser), or every core but one (at
/// most 4), which is left to the ffmpeg decoder. On this project's 2-core machines one inference thread beside the decoder
/// ran the shared squat clip at 64–79 frames/s end to end, against 53–59 with two, which fight
/// the decoder for the second core (docs/pose.md).
fn threads(args: &PoseModelArgs) -> anyhow::Result<usize> {
    match args.threads {
        Some(n) if !(1..=MAX_THREADS).contains(&n) => Err(input_error(format!("--threads must be 1 to {MAX_THREADS}, got {n}"))),
        Some(n) => Ok(n),
        None => Ok(default_threads(std::thread::available_parallelism().map_or(1, |n| n.get()))),
    }
}

/// The default number of inference threads on a machine with `cores` cores.
fn default_threads(cores: usize) -> usize {
    cores.saturating_sub(1).clamp(1, 4)
}

/// Runs the pose step over a whole video. Errors name what is wrong (no video, no models, no
/// person anywhere); problems that still leave keypoints are in `report.diagnostics`.
pub fn run_pose(video: &Path, args: &PoseModelArgs, show_progress: bool) -> anyhow::Result<PoseRun> {
    let threads = threads(args)?;
    let options = DecodeOptions { max_long_side_px: Some(MAX_DECODE_LONG_SIDE_PX), queue_frames: Some(DECODE_QUEUE_FRAMES), ..DecodeOptions::default() };
    // What the file is, before seconds go into loading models: a wrong file fails at once.
    let info = spotter_video::probe_with(&options.tools, video).map_err(|e| input_error(e.to_string()))?;
    // The same bounds as a keypoint file (4 hours, 432,000 frames): refused before any decoding
    // when the container says so, and stopped at the limit otherwise.
    if let Some(d) = info.duration_s.filter(|d| *d > MAX_DURATION_S) {
        return Err(input_error(format!(
            "{}: the video lasts {:.0} min, longer than the {:.0} min a set analysis reads; cut it to the sets you want measured",
            video.display(),
            d / 60.0,
            MAX_DURATION_S / 60.0
        )));
    }
    let models = ModelPaths::locate(args.models.as_deref()).map_err(|e| input_error(e.to_string()))?;
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("cannot read the model file {}", p.display()));
    let load_started = Instant::now();
    let detector = read(&models.detector)?;
    let landmark = read(models.landmark(model_of(args.model)))?;
    let nets = TractNets::from_tflite(&detector, &landmark, threads, true)
        .with_context(|| format!("cannot load the pose models from {}", models.dir.display()))?;
    let model_load_s = load_started.elapsed().as_secs_f64();

    let mut reader = FrameReader::open_probed(video, info, &options).map_err(|e| input_error(e.to_string()))?;
    let info = reader.info().clone();
    let (width, height) = (reader.frame_width_px(), reader.frame_height_px());
    let total = info.frame_count_estimate();
    if show_progress {
        pose_loop(video, &mut reader, nets, Progress::new(total, IndicatifProgress::stderr("pose")), threads, args.model, model_load_s, (width, height))
    } else {
        pose_loop(video, &mut reader, nets, Progress::new(total, NoProgress), threads, args.model, model_load_s, (width, height))
    }
}

#[allow(clippy::too_many_arguments)]
fn pose_loop<S: ProgressSink>(
    video: &Path,
    reader: &mut FrameReader,
    nets: TractNets,
    mut progress: Progress<S>,
    threads: usize,
    model: ModelArg,
    model_load_s: f64,
    (width, height): (u32, u32),
) -> anyhow::Result<PoseRun> {
    let info = reader.info().clone();
    let mut tracker = PoseTracker::new(nets, PoseConfig::default());
    let mut frames = Vec::new();
    let mut pose_ms = Vec::new();
    let (mut with_person, mut detector_runs, mut several) = (0u64, 0u64, 0u64);
    let mut decode_wait_s = 0.0;
    let started = Instant::now();
    loop {
        let asked = Instant::now();
        let Some(next) = reader.next() else { break };
        decode_wait_s += asked.elapsed().as_secs_f64();
        let vf = next.map_err(|e| input_error(e.to_string()))?;
        if frames.len() >= MAX_FRAMES || vf.t_s > MAX_DURATION_S {
            return Err(input_error(format!(
                "{}: more than {MAX_FRAMES} frames or {:.0} min of video, the limit of a set analysis; cut it to the sets you want measured",
                video.display(),
                MAX_DURATION_S / 60.0
            )));
        }
        let t_s = vf.t_s;
        let frame = Frame::new(vf.width, vf.height, vf.rgb).map_err(|e| anyhow::anyhow!("frame {}: {e}", vf.index))?;
        let pose_started = Instant::now();
        let result = tracker.process(&frame, t_s).with_context(|| format!("{}: the pose step failed on frame {}", video.display(), vf.index))?;
        pose_ms.push(pose_started.elapsed().as_secs_f64() * 1e3);
        reader.recycle(spotter_video::VideoFrame { index: vf.index, t_s, width: vf.width, height: vf.height, rgb: frame.into_data() });
        let d = &result.diagnostics;
        detector_runs += u64::from(d.detector_ran);
        several += u64::from(d.people_detected.is_some_and(|n| n > 1));
        with_person += u64::from(result.keypoints.landmarks.is_some());
        frames.push(result.keypoints);
        progress.advance(1);
    }
    let wall_s = started.elapsed().as_secs_f64();
    progress.finish();
    let n = frames.len() as u64;
    let mut diagnostics: Vec<String> = reader.diagnostics().iter().map(|d| d.to_string()).collect();
    if n == 0 {
        return Err(input_error(format!("{}: the video has no frames that could be decoded", video.display())));
    }
    if with_person == 0 {
        let frames = if n == 1 { "its one frame".to_string() } else { format!("any of its {n} frames") };
        return Err(input_error(format!(
            "{}: no person was found in {frames}; film the whole body from the side, in good light",
            video.display()
        )));
    }
    if with_person < n {
        diagnostics.push(format!("no person was found in {} of {n} frames; those frames have no landmarks", n - with_person));
    }
    if info.mirrored {
        diagnostics.push(
            "the video is stored mirrored (as some front cameras record): the landmarks follow the picture as shown, so the lifter's left and right are swapped in them".to_string(),
        );
    }
    if several > 0 {
        let frames = if detector_runs == 1 {
            "the one frame where the detector ran".to_string()
        } else {
            format!("{several} of the {detector_runs} frames where the detector ran")
        };
        diagnostics.push(format!(
            "more than one person was in view in {frames}; only the most likely one was tracked, so check the skeleton is on the lifter (--keyframes)"
        ));
    }
    let pose_s: f64 = pose_ms.iter().sum::<f64>() / 1e3;
    let fps = info.avg_frame_rate_hz.or(info.r_frame_rate_hz).filter(|f| f.is_finite() && *f > 0.0).unwrap_or_else(|| {
        let last = frames.last().map_or(0.0, |f| f.t);
        if last > 0.0 { (n - 1) as f64 / last } else { 30.0 }
    });
    let report = PoseReport {
        video: video.display().to_string(),
        model: model_id(model),
        threads,
        width_px: width,
        height_px: height,
        rotation_cw_deg: info.rotation_cw_deg,
        codec: info.codec.clone(),
        frames: n,
        frames_with_person: with_person,
        detector_runs,
        frames_with_several_people: several,
        model_load_s,
        wall_s,
        fps_end_to_end: n as f64 / wall_s.max(1e-9),
        pose_s,
        fps_pose: n as f64 / pose_s.max(1e-9),
        pose_ms_median: median(&mut pose_ms),
        decode_wait_s,
        diagnostics,
    };
    let sequence = KeypointSequence { fps, width, height, layout: Layout::Blazepose33, frames };
    Ok(PoseRun { sequence, report })
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 { v[m] } else { 0.5 * (v[m - 1] + v[m]) }
}

/// `spotter pose VIDEO -o keypoints.json`. Both outputs are checked before the video is touched.
pub fn run_pose_command(a: &PoseArgs) -> anyhow::Result<()> {
    if a.output.extension().is_none_or(|e| !e.eq_ignore_ascii_case("json")) {
        return Err(input_error(format!("-o {}: the keypoints are written as JSON; give a .json file name", a.output.display())));
    }
    output::check_file("-o", &a.output)?;
    output::check_not_input("-o", &a.output, &a.video)?;
    if let Some(stats) = &a.stats {
        output::check_extension("--stats", stats, &["json"])?;
        output::check_file("--stats", stats)?;
        output::check_not_input("--stats", stats, &a.video)?;
        output::check_distinct(&[("-o", &a.output), ("--stats", stats)])?;
    }
    let run = run_pose(&a.video, &a.pose, !a.quiet)?;
    write_keypoints("-o", &a.output, &run.sequence)?;
    if let Some(stats) = &a.stats {
        output::write_atomic("--stats", stats, &serde_json::to_vec_pretty(&run.report)?)?;
    }
    let r = &run.report;
    if !a.quiet {
        eprintln!(
            "{} ({} with a person) in {:.1} s: {:.1} frames/s end to end, pose step {:.1} ms per frame (median), model {} on {}; keypoints in {}",
            count(r.frames, "frame", "frames"),
            r.frames_with_person,
            r.wall_s,
            r.fps_end_to_end,
            r.pose_ms_median,
            r.model,
            count(r.threads as u64, "thread", "threads"),
            a.output.display()
        );
        for d in &r.diagnostics {
            eprintln!("note: {d}");
        }
    }
    Ok(())
}

/// Writes keypoints as JSON (the form `spotter analyze` reads) to the output `path` of `flag`,
/// streamed, whole or not at all.
pub fn write_keypoints(flag: &str, path: &Path, seq: &KeypointSequence) -> anyhow::Result<()> {
    output::write_atomic_with(flag, path, |w| serde_json::to_writer(w, &spotter_app::wire::KeypointsDoc::new(seq)).map_err(std::io::Error::from))
}

/// The skeleton drawn on key frames: (from, to, side).
const BONES: [(usize, usize, Side); 16] = [
    (bp::LEFT_SHOULDER, bp::RIGHT_SHOULDER, Side::Body),
    (bp::LEFT_HIP, bp::RIGHT_HIP, Side::Body),
    (bp::LEFT_SHOULDER, bp::LEFT_HIP, Side::Left),
    (bp::RIGHT_SHOULDER, bp::RIGHT_HIP, Side::Right),
    (bp::LEFT_HIP, bp::LEFT_KNEE, Side::Left),
    (bp::RIGHT_HIP, bp::RIGHT_KNEE, Side::Right),
    (bp::LEFT_KNEE, bp::LEFT_ANKLE, Side::Left),
    (bp::RIGHT_KNEE, bp::RIGHT_ANKLE, Side::Right),
    (bp::LEFT_ANKLE, bp::LEFT_HEEL, Side::Left),
    (bp::RIGHT_ANKLE, bp::RIGHT_HEEL, Side::Right),
    (bp::LEFT_HEEL, bp::LEFT_FOOT_INDEX, Side::Left),
    (bp::RIGHT_HEEL, bp::RIGHT_FOOT_INDEX, Side::Right),
    (bp::LEFT_SHOULDER, 13, Side::Left),
    (13, bp::LEFT_WRIST, Side::Left),
    (bp::RIGHT_SHOULDER, 14, Side::Right),
    (14, bp::RIGHT_WRIST, Side::Right),
];

/// Landmarks this faint are not drawn (visibility 0..1).
const MIN_DRAW_VISIBILITY: f64 = 0.3;

/// The overlay of one rep's bottom frame: skeleton, trunk lean at the hips, knee angle, depth.
pub fn rep_overlay(lm: &[Keypoint], width: u32, height: u32, an: &Analysis, rep: usize) -> Overlay {
    let (w, h) = (f64::from(width), f64::from(height));
    let px = |i: usize| (lm[i].x * w, lm[i].y * h);
    let seen = |i: usize| lm.get(i).is_some_and(|k| k.visibility >= MIN_DRAW_VISIBILITY);
    let side_of = |i: usize| match i {
        11 | 13 | 15 | 23 | 25 | 27 | 29 | 31 => Side::Left,
        12 | 14 | 16 | 24 | 26 | 28 | 30 | 32 => Side::Right,
        _ => Side::Body,
    };
    let mut o = Overlay::default();
    let r = &an.reps[rep];
    for (a, b, side) in BONES {
        if seen(a) && seen(b) {
            let ((x0, y0), (x1, y1)) = (px(a), px(b));
            o.bones.push(Bone { x0, y0, x1, y1, side });
        }
    }
    let mut joints: Vec<usize> = BONES.iter().flat_map(|&(a, b, _)| [a, b]).collect();
    joints.sort_unstable();
    joints.dedup();
    for j in joints.into_iter().filter(|&j| seen(j)) {
        let (x, y) = px(j);
        o.joints.push(Joint { x, y, side: side_of(j) });
    }
    // Labels on the side nearer the camera (higher mean visibility of hip and knee).
    let vis = |a: usize, b: usize| lm[a].visibility + lm[b].visibility;
    let (hip, knee) = if vis(bp::LEFT_HIP, bp::LEFT_KNEE) >= vis(bp::RIGHT_HIP, bp::RIGHT_KNEE) {
        (bp::LEFT_HIP, bp::LEFT_KNEE)
    } else {
        (bp::RIGHT_HIP, bp::RIGHT_KNEE)
    };
    let fault = |id: &str| r.faults.iter().any(|f| f.id == id);
    if let Some(lean) = r.peak_trunk_lean_deg {
        let (x, y) = px(hip);
        o.labels.push(Label { x, y, text: format!("trunk {lean:.0}°"), fault: fault("forward_lean") || fault("lunge_trunk_lean") });
    }
    if let Some(k) = r.knee_flexion_bottom_deg {
        let (x, y) = px(knee);
        o.labels.push(Label { x, y, text: format!("knee {k:.0}°"), fault: fault("knee_travel") });
    }
    o.title = format!("Rep {} · bottom at {:.2} s", rep + 1, r.bottom_s);
    let mut line = Vec::new();
    if let Some(m) = r.hip_below_knee_m {
        line.push(format!("hips {:.0} cm {} the knees", (m * 100.0).abs(), if m >= 0.0 { "below" } else { "above" }));
    }
    if let Some(l) = &r.l5s1 {
        line.push(format!("L5/S1 peak {:.1} kN compression, {:.0} N m", l.compression_n / 1e3, l.moment_nm));
    }
    if !line.is_empty() {
        o.lines.push(line.join(" · "));
    }
    let faults: Vec<&str> = r.faults.iter().map(|f| crate::analyze::fault_words(&f.id)).collect();
    o.lines.push(if faults.is_empty() { "no fault crossed its threshold".into() } else { faults.join("; ") });
    o
}

/// Writes `rep-NN-bottom.png` into `dir` for every rep: the frame nearest the rep's bottom with
/// the skeleton and angles drawn. Decodes the video a second time, stopping after the last one.
/// Each PNG is written whole or not at all; the folder is made if needed (check it first with
/// [`output::check_dir`]).
pub fn write_keyframes(video: &Path, dir: &Path, seq: &KeypointSequence, an: &Analysis) -> anyhow::Result<Vec<PathBuf>> {
    // Wanted frame index per rep: the keypoint frame nearest the bottom time.
    let nearest = |t: f64| {
        seq.frames.iter().enumerate().min_by(|a, b| (a.1.t - t).abs().total_cmp(&(b.1.t - t).abs())).map(|(i, _)| i)
    };
    let wanted: Vec<(usize, usize)> = an.reps.iter().enumerate().filter_map(|(r, rep)| nearest(rep.bottom_s).map(|i| (r, i))).collect();
    let Some(last) = wanted.iter().map(|w| w.1).max() else { return Ok(Vec::new()) };
    output::make_dir("--keyframes", dir)?;
    let options = DecodeOptions { max_long_side_px: Some(MAX_DECODE_LONG_SIDE_PX), ..DecodeOptions::default() };
    let mut reader = FrameReader::open(video, &options).map_err(|e| input_error(e.to_string()))?;
    let mut written = Vec::new();
    for vf in reader.by_ref() {
        let vf = vf.map_err(|e| input_error(e.to_string()))?;
        let i = vf.index as usize;
        for &(rep, _) in wanted.iter().filter(|w| w.1 == i) {
            let Some(lm) = seq.frames.get(i).and_then(|f: &KeypointFrame| f.landmarks.as_deref()) else { continue };
            let overlay = rep_overlay(lm, vf.width, vf.height, an, rep);
            let png = keyframe::keyframe_png(RgbFrame { width_px: vf.width, height_px: vf.height, rgb: &vf.rgb }, &overlay)
                .with_context(|| format!("key frame of rep {}", rep + 1))?;
            let path = dir.join(format!("rep-{:02}-bottom.png", rep + 1));
            output::write_atomic("--keyframes", &path, &png)?;
            written.push(path);
        }
        if i >= last {
            break;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::{default_threads, rep_overlay};
    use spotter_motion::analysis::{Movement, Options, analyze};
    use spotter_motion::body::SagittalBody;
    use spotter_motion::load::{ExternalLoad, Lifter, LoadPosition, Sex};

    #[test]
    fn key_frames_name_faults_in_words_not_ids() {
        // The repo's real squat keypoints: both reps stop just short of parallel (shallow_depth).
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/squat-side-gym.keypoints.json");
        let seq = crate::stream_input::read_keypoints_json(&path).expect("example keypoints");
        let body = SagittalBody::from_keypoints(&seq, 1.78, spotter_motion::filter::DEFAULT_CUTOFF_HZ).expect("body");
        let opts = Options {
            movement: Movement::Squat,
            single_rep: false,
            lifter: Lifter { body_mass_kg: 80.0, height_m: 1.78, sex: Sex::Male },
            load: ExternalLoad { mass_kg: 60.0, position: LoadPosition::Back },
            dynamic: false,
        };
        let an = analyze(&body, &opts, &spotter_motion::thresholds::Thresholds::builtin());
        let rep = an.reps.iter().position(|r| !r.faults.is_empty()).expect("a rep with a fault");
        let frame = seq.frames.iter().find_map(|f| f.landmarks.as_ref()).expect("landmarks");
        let o = rep_overlay(frame, 608, 1080, &an, rep);
        let text = o.lines.join(" | ");
        for f in &an.reps[rep].faults {
            assert!(!text.contains(&f.id), "the fault id `{}` reached the key frame: {text}", f.id);
        }
        assert!(text.contains(crate::analyze::fault_words(&an.reps[rep].faults[0].id)), "{text}");
    }

    #[test]
    fn default_threads_leave_a_core_to_the_decoder() {
        assert_eq!(default_threads(1), 1);
        assert_eq!(default_threads(2), 1);
        assert_eq!(default_threads(4), 3);
        assert_eq!(default_threads(64), 4);
    }
}
