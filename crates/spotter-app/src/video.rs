//! The video step of `spotter pose` and of the analysis of a video: decodes the video with
//! ffmpeg (spotter-video) on its own thread, runs BlazePose on tract (spotter-infer) through the
//! MediaPipe-style tracking pipeline (spotter-pose) on this thread, and hands each frame's
//! keypoints on as soon as it has them ([`PoseSession::run`]): nothing here holds the frames of a
//! video. Also the key frames (the bottom of each rep with the skeleton and angles drawn),
//! drawn from a second decode that stops after the last one wanted.

use crate::AppError;
use spotter_motion::analysis::Analysis;
use spotter_motion::faults::FaultId;
use spotter_motion::keypoints::{Keypoint, KeypointFrame, Layout, MAX_DURATION_S, MAX_FRAMES, bp};
use spotter_pose::tract_nets::TractNets;
use spotter_pose::{Frame, PoseConfig, PoseTracker};
use spotter_report::keyframe::{self, Bone, Joint, Label, Overlay, RgbFrame, Side};
use spotter_video::{DecodeOptions, FrameReader, LandmarkModel, ModelPaths, Progress, ProgressSink, ProgressUpdate, VideoInfo};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Frames are decoded at most this long on their longer side (pixels): a 4K phone frame would
/// cost four times the decoding for no better landmarks (the networks see 224 and 256 px crops).
pub const MAX_DECODE_LONG_SIDE_PX: u32 = 1920;

/// Decoded frames that may wait for the pose step (bounded memory; decoding overlaps inference).
const DECODE_QUEUE_FRAMES: usize = 4;

/// Most threads the pose networks may be given.
pub const MAX_POSE_THREADS: usize = 64;

/// How the pose step runs.
#[derive(Debug, Clone, PartialEq)]
pub struct PoseOptions {
    pub model: LandmarkModel,
    /// Threads for inference, 1 to [`MAX_POSE_THREADS`]; `None`: [`default_threads`].
    pub threads: Option<usize>,
    /// Where the model files are (`None`: `ModelPaths::locate`'s search).
    pub models_dir: Option<PathBuf>,
}

impl Default for PoseOptions {
    fn default() -> PoseOptions {
        PoseOptions { model: LandmarkModel::Full, threads: None, models_dir: None }
    }
}

/// What the pose step did (`spotter pose --stats` prints its [`crate::wire::PoseStatsDoc`]).
pub type PoseReport = crate::wire::PoseStatsDoc;

fn model_id(m: LandmarkModel) -> &'static str {
    match m {
        LandmarkModel::Lite => "lite",
        LandmarkModel::Full => "full",
        LandmarkModel::Heavy => "heavy",
    }
}

/// The default number of inference threads on a machine with `cores` cores: every core but one
/// (at most 4), which is left to the ffmpeg decoder. On this project's 2-core machines one
/// inference thread beside the decoder ran the shared squat clip at 64–79 frames/s end to end,
/// against 53–59 with two, which fight the decoder for the second core (docs/pose.md).
pub fn default_threads(cores: usize) -> usize {
    cores.saturating_sub(1).clamp(1, 4)
}

fn threads(o: &PoseOptions) -> Result<usize, AppError> {
    match o.threads {
        Some(n) if !(1..=MAX_POSE_THREADS).contains(&n) => Err(AppError::input(format!("--threads must be 1 to {MAX_POSE_THREADS}, got {n}"))),
        Some(n) => Ok(n),
        None => Ok(default_threads(std::thread::available_parallelism().map_or(1, |n| n.get()))),
    }
}

/// A progress sink borrowed for one run.
struct Borrowed<'a>(&'a mut dyn ProgressSink);

impl ProgressSink for Borrowed<'_> {
    fn update(&mut self, p: &ProgressUpdate) {
        self.0.update(p)
    }
    fn finish(&mut self, p: &ProgressUpdate) {
        self.0.finish(p)
    }
}

/// A video opened for the pose step: probed, within the limits, models loaded.
pub struct PoseSession {
    video: PathBuf,
    reader: FrameReader,
    nets: TractNets,
    threads: usize,
    model: LandmarkModel,
    model_load_s: f64,
    info: VideoInfo,
    width: u32,
    height: u32,
}

/// The keypoints' clip-wide fields, known before the first frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoseHeader {
    /// Frames per second: the container's average rate (else its base rate).
    pub fps: Option<f64>,
    pub width: u32,
    pub height: u32,
    pub layout: Layout,
}

impl PoseSession {
    /// Opens `video`. Errors name what is wrong (no video, too long, no models) before minutes go
    /// into decoding.
    pub fn open(video: &Path, o: &PoseOptions) -> Result<PoseSession, AppError> {
        let threads = threads(o)?;
        let options = DecodeOptions { max_long_side_px: Some(MAX_DECODE_LONG_SIDE_PX), queue_frames: Some(DECODE_QUEUE_FRAMES), ..DecodeOptions::default() };
        // What the file is, before seconds go into loading models: a wrong file fails at once.
        let info = spotter_video::probe_with(&options.tools, video).map_err(|e| AppError::input(e.to_string()))?;
        // The same bounds as a keypoint file (4 hours, 432,000 frames): refused before any
        // decoding when the container says so, and stopped at the limit otherwise.
        if let Some(d) = info.duration_s.filter(|d| *d > MAX_DURATION_S) {
            return Err(AppError::input(format!(
                "{}: the video lasts {:.0} min, longer than the {:.0} min a set analysis reads; cut it to the sets you want measured",
                video.display(),
                d / 60.0,
                MAX_DURATION_S / 60.0
            )));
        }
        let models = ModelPaths::locate(o.models_dir.as_deref()).map_err(|e| AppError::input(e.to_string()))?;
        let read = |p: &Path| std::fs::read(p).map_err(|e| AppError::Failed(format!("cannot read the model file {}: {e}", p.display())));
        let load_started = Instant::now();
        let detector = read(&models.detector)?;
        let landmark = read(models.landmark(o.model))?;
        let nets = TractNets::from_tflite(&detector, &landmark, threads, true)
            .map_err(|e| AppError::Failed(format!("cannot load the pose models from {}: {e:#}", models.dir.display())))?;
        let model_load_s = load_started.elapsed().as_secs_f64();
        let reader = FrameReader::open_probed(video, info, &options).map_err(|e| AppError::input(e.to_string()))?;
        let info = reader.info().clone();
        let (width, height) = (reader.frame_width_px(), reader.frame_height_px());
        Ok(PoseSession { video: video.to_path_buf(), reader, nets, threads, model: o.model, model_load_s, info, width, height })
    }

    pub fn header(&self) -> PoseHeader {
        let fps = self.info.avg_frame_rate_hz.or(self.info.r_frame_rate_hz).filter(|f| f.is_finite() && *f > 0.0);
        PoseHeader { fps, width: self.width, height: self.height, layout: Layout::Blazepose33 }
    }

    /// Frames the container says it holds (for a progress bar).
    pub fn frames_estimate(&self) -> Option<u64> {
        self.info.frame_count_estimate()
    }

    /// Runs the pose step over the whole video, handing each frame's keypoints to `on_frame` in
    /// order as soon as they are known. Errors name what is wrong (no frames, no person
    /// anywhere); problems that still leave keypoints are in the report's `diagnostics`.
    pub fn run(
        mut self,
        progress: &mut dyn ProgressSink,
        on_frame: &mut dyn FnMut(KeypointFrame) -> Result<(), AppError>,
    ) -> Result<PoseReport, AppError> {
        let video = self.video.clone();
        let info = self.info.clone();
        let mut progress = Progress::new(info.frame_count_estimate(), Borrowed(progress));
        let mut tracker = PoseTracker::new(self.nets, PoseConfig::default());
        let mut pose_ms = Vec::new();
        let (mut n, mut with_person, mut detector_runs, mut several) = (0u64, 0u64, 0u64, 0u64);
        let (mut first_t, mut last_t) = (None, 0.0);
        let mut decode_wait_s = 0.0;
        let started = Instant::now();
        loop {
            let asked = Instant::now();
            let Some(next) = self.reader.next() else { break };
            decode_wait_s += asked.elapsed().as_secs_f64();
            let vf = next.map_err(|e| AppError::input(e.to_string()))?;
            if n as usize >= MAX_FRAMES || vf.t_s > MAX_DURATION_S {
                return Err(AppError::input(format!(
                    "{}: more than {MAX_FRAMES} frames or {:.0} min of video, the limit of a set analysis; cut it to the sets you want measured",
                    video.display(),
                    MAX_DURATION_S / 60.0
                )));
            }
            let t_s = vf.t_s;
            let frame = Frame::new(vf.width, vf.height, vf.rgb).map_err(|e| AppError::Failed(format!("frame {}: {e}", vf.index)))?;
            let pose_started = Instant::now();
            let result = tracker
                .process(&frame, t_s)
                .map_err(|e| AppError::Failed(format!("{}: the pose step failed on frame {}: {e:#}", video.display(), vf.index)))?;
            // Times of the pose step alone: a few bytes a frame, for the median.
            pose_ms.push((pose_started.elapsed().as_secs_f64() * 1e3) as f32);
            self.reader.recycle(spotter_video::VideoFrame { index: vf.index, t_s, width: vf.width, height: vf.height, rgb: frame.into_data() });
            let d = &result.diagnostics;
            detector_runs += u64::from(d.detector_ran);
            several += u64::from(d.people_detected.is_some_and(|n| n > 1));
            with_person += u64::from(result.keypoints.landmarks.is_some());
            n += 1;
            first_t.get_or_insert(result.keypoints.t);
            last_t = result.keypoints.t;
            on_frame(result.keypoints)?;
            progress.advance(1);
            if n % crate::alloc::TRIM_EVERY_FRAMES == 0 {
                crate::alloc::release_free_memory();
            }
        }
        let wall_s = started.elapsed().as_secs_f64();
        progress.finish();
        let mut diagnostics: Vec<String> = self.reader.diagnostics().iter().map(|d| d.to_string()).collect();
        if n == 0 {
            return Err(AppError::input(format!("{}: the video has no frames that could be decoded", video.display())));
        }
        if with_person == 0 {
            let frames = if n == 1 { "its one frame".to_string() } else { format!("any of its {n} frames") };
            return Err(AppError::input(format!(
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
        let _ = (first_t, last_t);
        let pose_s: f64 = pose_ms.iter().map(|&m| f64::from(m)).sum::<f64>() / 1e3;
        Ok(PoseReport {
            video: video.display().to_string(),
            model: model_id(self.model),
            threads: self.threads,
            width_px: self.width,
            height_px: self.height,
            rotation_cw_deg: info.rotation_cw_deg,
            codec: info.codec.clone(),
            frames: n,
            frames_with_person: with_person,
            detector_runs,
            frames_with_several_people: several,
            model_load_s: self.model_load_s,
            wall_s,
            fps_end_to_end: n as f64 / wall_s.max(1e-9),
            pose_s,
            fps_pose: n as f64 / pose_s.max(1e-9),
            pose_ms_median: median(&mut pose_ms),
            decode_wait_s,
            diagnostics,
        })
    }
}

fn median(v: &mut [f32]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f32::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 { f64::from(v[m]) } else { 0.5 * (f64::from(v[m - 1]) + f64::from(v[m])) }
}

/// Frames per second for a video whose container gives no rate: from the first frames' times
/// (`times`, seconds), else 30.
pub fn fps_from_times(times: &[f64]) -> f64 {
    match (times.first(), times.last()) {
        (Some(a), Some(b)) if times.len() > 1 && b > a => (times.len() - 1) as f64 / (b - a),
        _ => 30.0,
    }
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
    let any = |which: fn(FaultId) -> bool| r.faults.iter().any(|f| FaultId::from_id(&f.id).is_some_and(which));
    if let Some(lean) = r.peak_trunk_lean_deg {
        let (x, y) = px(hip);
        o.labels.push(Label { x, y, text: format!("trunk {lean:.0}°"), fault: any(FaultId::is_trunk_lean) });
    }
    if let Some(k) = r.knee_flexion_bottom_deg {
        let (x, y) = px(knee);
        o.labels.push(Label { x, y, text: format!("knee {k:.0}°"), fault: any(FaultId::is_knee) });
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
    let faults: Vec<String> = r.faults.iter().map(|f| crate::analyze::fault_words(&f.id)).collect();
    o.lines.push(if faults.is_empty() { "no fault crossed its threshold".into() } else { faults.join("; ") });
    o
}

/// A frame kept for a key frame: the rep (its place in the analysis's reps), the frame's index
/// in the video, and its landmarks.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFrame {
    pub rep: usize,
    pub frame: usize,
    pub landmarks: Vec<Keypoint>,
}

/// A key frame drawn: the rep (its place in the analysis's reps) and the PNG.
pub struct KeyFramePng {
    pub rep: usize,
    pub png: Vec<u8>,
}

/// Draws the key frames of `analysis` (`wanted`, picked as the reps completed) on the frames of
/// `video`, decoding it again and stopping after the last one; each PNG goes to `on_png` as it
/// is drawn, so none is held longer than it takes to write it.
pub fn draw_key_frames(
    video: &Path,
    wanted: &[KeyFrame],
    analysis: &Analysis,
    on_png: &mut dyn FnMut(KeyFramePng) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let Some(last) = wanted.iter().map(|w| w.frame).max() else { return Ok(()) };
    let options = DecodeOptions { max_long_side_px: Some(MAX_DECODE_LONG_SIDE_PX), ..DecodeOptions::default() };
    let mut reader = FrameReader::open(video, &options).map_err(|e| AppError::input(e.to_string()))?;
    for vf in reader.by_ref() {
        let vf = vf.map_err(|e| AppError::input(e.to_string()))?;
        let i = vf.index as usize;
        for w in wanted.iter().filter(|w| w.frame == i) {
            let overlay = rep_overlay(&w.landmarks, vf.width, vf.height, analysis, w.rep);
            let png = keyframe::keyframe_png(RgbFrame { width_px: vf.width, height_px: vf.height, rgb: &vf.rgb }, &overlay)
                .map_err(|e| AppError::Failed(format!("key frame of rep {}: {e}", w.rep + 1)))?;
            on_png(KeyFramePng { rep: w.rep, png })?;
        }
        if i >= last {
            break;
        }
    }
    Ok(())
}
