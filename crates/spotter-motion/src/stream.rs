//! Streaming analysis: frames are pushed one at a time ([`StreamAnalyzer::push`]) and each
//! repetition's measurements come out as soon as the rep is over (after a 30 s warm-up), with
//! memory bounded by a window of frames (`window_s`, 40 s by default), not by the clip. Built
//! for hour-long recordings.
//!
//! It computes what [`crate::analysis::analyze`] computes, with the clip-wide figures of the
//! batch path replaced by running ones:
//! - cleaning: [`filter::TrackFilter`] fills gaps and low-passes each track as
//!   `filter::clean` does, forward exactly and backward over blocks with a margin (agreement
//!   better than 1e-9 px), in pixels; the pixels-to-metres map (origin, facing, scale) is applied
//!   when a rep is measured (the filter is linear with unit gain, so the order does not matter);
//! - percentiles over frames (scale from the standing shoulder-to-ankle distance, camera yaw,
//!   standing hip height, leg length): [`quantile::Histogram`]s of 0.25 px bins over the frames
//!   seen so far; facing and the nearer leg: running counts;
//! - repetitions: the hysteresis of [`crate::reps::segment`] run incrementally on the depth
//!   signal against the running standing level; a rep is measured when the next one starts, when
//!   the lifter has settled for `settle_s`, or at the end, and the measuring reuses the batch
//!   code ([`crate::analysis`]'s per-rep measures, faults, verdict and L5/S1 peak) on the rep's
//!   frames.
//!
//! Frames go through the same plausibility gates as in the batch path
//! ([`crate::plausibility::FrameGate`], in frame order, so both leave out the same frames), and a
//! rep is handed out only when its own frames pass ([`crate::plausibility::rep_problem`]); the
//! summary's diagnostics say what was left out and why.
//!
//! The first `warmup_s` seconds are held before reps are cut, so the running figures have seen
//! the lifter stand. On a clip no longer than the warm-up, every figure comes from the whole clip
//! as in the batch path. Differences from the batch analysis come from the running figures (the
//! batch path knows the whole clip before it measures the first rep), from half-bin percentile
//! rounding, and from the standing level after the last rep of a set being judged over
//! `settle_s` rather than until the next rep. Per-frame series for plots are not kept.
//! `Options::single_rep` (a whole clip as one rep: a motion-capture trial) holds every frame and
//! measures the one rep at the end, as the batch path does; its inputs are bounded by their
//! reader (`mocap`: at most 30,000 frames).
//!
//! With `StreamConfig::series`, the per-frame curves of a plot ([`analysis::Series`]) are kept:
//! each frame's values are worked out when it leaves the window (or at the end), with the running
//! figures of that moment. That is the only part that grows with the clip (six numbers a frame).

pub mod filter;
pub mod quantile;
pub mod synth;

use crate::analysis::{self, Analysis, CameraCheck, Movement, Options, RepMeasures};
use crate::body::{ANKLE_TO_SHOULDER_OF_HEIGHT, BodyError, MAX_GAP_S, MIN_VISIBILITY, P2, SHOULDER_WIDTH_OF_HEIGHT, SagittalBody, TRACKED, coco_index, dist, mid};
use crate::keypoints::reader::{FrameSink, Header};
use crate::keypoints::{KeypointFrame, Layout, bp};
use crate::kinematics::{self, LEFT_LEG, Leg, RIGHT_LEG};
use crate::plausibility::{self, FrameGate, RepNotes};
use crate::reps::RepFrames;
use crate::thresholds::Thresholds;
use filter::TrackFilter;
use quantile::Histogram;
use std::collections::VecDeque;

/// Seconds of frames held at the start before reps are cut.
pub const DEFAULT_WARMUP_S: f64 = 30.0;
/// Seconds of frames kept at most (bounds memory; a rep longer than this is cut short).
pub const DEFAULT_WINDOW_S: f64 = 40.0;
/// Seconds of standing after a rep before it is measured, when no next rep starts sooner.
pub const DEFAULT_SETTLE_S: f64 = 3.0;
/// Width of the histogram bins of the running percentiles, in pixels.
pub const PERCENTILE_BIN_PX: f64 = 0.25;

/// Settings of the streaming analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamConfig {
    /// The lifter's height, in metres (sets the scale, as in the batch path).
    pub height_m: f64,
    /// Low-pass cut-off, in hertz.
    pub cutoff_hz: f64,
    /// Frames held at the start before reps are cut, in seconds.
    pub warmup_s: f64,
    /// Longest stretch of frames kept, in seconds.
    pub window_s: f64,
    /// Standing time after a rep before it is measured (unless the next rep starts first), in seconds.
    pub settle_s: f64,
    /// Keep the per-frame curves for a plot (see the module docs).
    pub series: bool,
}

impl StreamConfig {
    pub fn new(height_m: f64, cutoff_hz: f64) -> StreamConfig {
        StreamConfig { height_m, cutoff_hz, warmup_s: DEFAULT_WARMUP_S, window_s: DEFAULT_WINDOW_S, settle_s: DEFAULT_SETTLE_S, series: false }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StreamError {
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error("frames per second must be above 0 and up to 1000, got {0}")]
    Fps(f64),
    #[error("the window ({window_s} s) must be at least the warm-up ({warmup_s} s) and above 0")]
    Window { window_s: f64, warmup_s: f64 },
}

/// What is left once the stream ends: the reps not yet handed out, and the clip-wide findings.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSummary {
    /// Reps measured at the end (the last one, usually).
    pub reps: Vec<RepMeasures>,
    /// Complete reps over the whole stream.
    pub rep_count: usize,
    /// Reps over the whole stream, partial ones included.
    pub reps_total: usize,
    pub camera: CameraCheck,
    /// Standing leg length, in metres.
    pub leg_length_m: Option<f64>,
    pub diagnostics: Vec<String>,
    pub frames: usize,
    /// The most frames held at once (the memory bound in frames).
    pub max_frames_held: usize,
    /// The per-frame curves, when `StreamConfig::series` asked for them (else empty).
    pub series: analysis::Series,
}

/// Slot of each BlazePose landmark in a frame's point array (`usize::MAX`: not tracked).
const SLOTS: [usize; 33] = {
    let mut s = [usize::MAX; 33];
    let mut k = 0;
    while k < TRACKED.len() {
        s[TRACKED[k]] = k;
        k += 1;
    }
    s
};

/// Slot of a tracked landmark in a frame's point array.
fn slot(lm: usize) -> usize {
    SLOTS[lm]
}

type Pts = [Option<P2>; 17];

/// What the depth signal of a frame is made from, kept so it can be re-read as the running
/// figures move: the mid-hip height and the hip-to-shoulder vector, in pixels (y up, x right).
#[derive(Debug, Clone, Copy, PartialEq)]
struct SigSrc {
    hip_y: Option<f64>,
    trunk: Option<P2>,
}

/// One cleaned frame, in pixels (x right, y up).
#[derive(Debug, Clone, PartialEq)]
struct Rec {
    t: f64,
    pts: Pts,
    src: SigSrc,
}

/// A rep whose bottom is known and whose end is not yet.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pending {
    start: usize,
    start_partial: bool,
    bottom: usize,
    bottom_src: SigSrc,
    /// Time the deep part ended, in seconds.
    region_end_t: f64,
    /// Waiting for the next bottom (the lifter did not come back near standing).
    await_next_bottom: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Seg {
    Searching,
    InRegion { start: usize, base: f64, deepest: f64 },
}

/// The running figures the depth signal and the measures are read with.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Est {
    facing: f64,
    standing_px: Option<f64>,
    leg_px: Option<f64>,
}

/// The streaming analyser. See the module docs.
#[derive(Debug, Clone)]
pub struct StreamAnalyzer {
    cfg: StreamConfig,
    opts: Options,
    thresholds: Thresholds,
    fps: f64,
    width: f64,
    height: f64,
    layout: Layout,
    // Raw-frame figures.
    gate: FrameGate,
    frames_in: usize,
    person: usize,
    seen: [usize; 17],
    votes: u64,
    votes_negative: u64,
    scale_px: Histogram,
    shoulder_px: Histogram,
    origin: Option<P2>,
    t_first: Option<f64>,
    // Cleaning.
    tracks: Vec<TrackFilter>,
    times: VecDeque<f64>,
    // Cleaned-frame figures.
    near_count: [usize; 2],
    leg_hist: [Histogram; 2],
    hip_hist: Histogram,
    est: Est,
    // Frames held, from global index `buf_start`.
    buf: VecDeque<Rec>,
    buf_start: usize,
    /// Next frame for the segmenter (frames before it are cut; during the warm-up none are).
    next_seg: usize,
    warm: bool,
    max_held: usize,
    // Segmentation.
    seg: Seg,
    first_region: bool,
    /// Lowest signal since the last deep region ended (its source), for the hysteresis.
    local_min: Option<SigSrc>,
    /// Lowest signal since the last bottom (frame, source): standing between reps.
    since_bottom: Option<(usize, SigSrc)>,
    last_bottom: Option<(usize, SigSrc)>,
    pending: Option<Pending>,
    // Frames with the depth signal's source, and the first and last of their times.
    usable: usize,
    usable_t: Option<(f64, f64)>,
    // Output.
    rep_notes: RepNotes,
    emitted: usize,
    complete: usize,
    load_note: Option<String>,
    series: analysis::Series,
}

impl StreamAnalyzer {
    pub fn new(header: &Header, cfg: StreamConfig, opts: Options, thresholds: Thresholds) -> Result<StreamAnalyzer, StreamError> {
        if !(1.0..=2.5).contains(&cfg.height_m) {
            return Err(BodyError::Height(cfg.height_m).into());
        }
        if !(header.fps.is_finite() && header.fps > 0.0 && header.fps <= 1000.0) {
            return Err(StreamError::Fps(header.fps));
        }
        if !(cfg.window_s > 0.0 && cfg.window_s >= cfg.warmup_s) {
            return Err(StreamError::Window { window_s: cfg.window_s, warmup_s: cfg.warmup_s });
        }
        let (w, h) = (f64::from(header.width), f64::from(header.height));
        let span = 2.0 * w.max(h);
        let max_gap = (MAX_GAP_S * header.fps).round() as usize;
        let tracks = (0..2 * TRACKED.len()).map(|_| TrackFilter::new(header.fps, cfg.cutoff_hz, max_gap)).collect();
        Ok(StreamAnalyzer {
            fps: header.fps,
            width: w,
            height: h,
            layout: header.layout,
            gate: FrameGate::new(header.width, header.height, header.layout),
            frames_in: 0,
            person: 0,
            seen: [0; 17],
            votes: 0,
            votes_negative: 0,
            scale_px: Histogram::new(0.0, span, PERCENTILE_BIN_PX, 0.9),
            shoulder_px: Histogram::new(0.0, span, PERCENTILE_BIN_PX, 0.5),
            origin: None,
            t_first: None,
            tracks,
            times: VecDeque::new(),
            near_count: [0; 2],
            leg_hist: [Histogram::new(0.0, span, PERCENTILE_BIN_PX, 0.9), Histogram::new(0.0, span, PERCENTILE_BIN_PX, 0.9)],
            hip_hist: Histogram::new(-2.0 * h, h, PERCENTILE_BIN_PX, 0.95),
            est: Est { facing: 1.0, standing_px: None, leg_px: None },
            buf: VecDeque::new(),
            buf_start: 0,
            next_seg: 0,
            warm: false,
            max_held: 0,
            seg: Seg::Searching,
            first_region: true,
            local_min: None,
            since_bottom: None,
            last_bottom: None,
            pending: None,
            usable: 0,
            usable_t: None,
            rep_notes: RepNotes::default(),
            emitted: 0,
            complete: 0,
            load_note: None,
            series: analysis::Series::default(),
            cfg,
            opts,
            thresholds,
        })
    }

    /// Takes the next frame; returns the reps this frame completed (usually none).
    pub fn push(&mut self, frame: &KeypointFrame) -> Vec<RepMeasures> {
        // A frame that fails the plausibility gates counts as a frame without a person.
        let pts = if self.gate.check(frame) { self.raw_points(frame) } else { [None; 17] };
        self.raw_figures(frame, &pts);
        self.times.push_back(frame.t);
        for (k, p) in pts.iter().enumerate() {
            self.tracks[2 * k].push(p.map(|p| p[0]));
            self.tracks[2 * k + 1].push(p.map(|p| p[1]));
        }
        let mut out = Vec::new();
        self.drain_cleaned(&mut out);
        out
    }

    /// Ends the stream: the last reps, and the clip-wide findings. Fails as the batch path does
    /// when the body could never be measured.
    pub fn finish(mut self) -> Result<StreamSummary, StreamError> {
        for t in &mut self.tracks {
            t.finish();
        }
        let mut out = Vec::new();
        self.drain_cleaned(&mut out);
        self.body_error()?;
        if self.opts.single_rep {
            // The whole clip as one rep (`reps::whole`), on every frame held.
            let signal: Vec<Option<f64>> = (self.buf_start..self.buf_start + self.buf.len()).map(|k| self.sig_at(k)).collect();
            if let Some(r) = crate::reps::whole(&signal) {
                let (start, bottom) = (self.buf_start + r.start, self.buf_start + r.bottom);
                let bottom_src = self.rec(bottom).expect("held").src;
                let p = Pending { start, start_partial: false, bottom, bottom_src, region_end_t: 0.0, await_next_bottom: false };
                out.extend(self.finish_rep(p, self.buf_start + r.end, false));
            }
        } else {
            if !self.warm {
                self.warm = true;
                self.run_segmenter(&mut out);
            }
            if let Seg::InRegion { start, .. } = self.seg {
                let end = self.buf_start + self.buf.len();
                self.close_region(start, end, &mut out);
            }
            if let Some(p) = self.pending.take() {
                let end = self.buf_start + self.buf.len();
                out.extend(self.close_pending(p, end));
            }
        }
        if self.cfg.series {
            self.record_series(self.buf_start, self.buf_start + self.buf.len());
        }
        let mut diagnostics = Vec::new();
        if self.person < self.frames_in {
            diagnostics.push(format!("no person in {} of {} frames", self.frames_in - self.person, self.frames_in));
        }
        diagnostics.extend(self.gate.notes());
        let leg_length_m = self.leg_length_m();
        if leg_length_m.is_none() {
            diagnostics.push("no frame shows hip, knee and ankle together: depth cannot be scaled".into());
        }
        let left_out = self.rep_notes.count();
        diagnostics.extend(std::mem::take(&mut self.rep_notes).into_notes());
        if self.emitted == 0 {
            let span = self.usable_t.map_or(0.0, |(a, b)| b - a);
            diagnostics.push(plausibility::no_rep_note(self.opts.movement.id(), self.usable, span, left_out));
        }
        if let Some(n) = self.load_note.take() {
            diagnostics.push(n);
        }
        Ok(StreamSummary {
            reps: out,
            rep_count: self.complete,
            reps_total: self.emitted,
            camera: if self.person > 0 && self.gate.passed() == 0 {
                analysis::camera_unchecked()
            } else {
                analysis::camera_check(self.yaw_rad().map(f64::to_degrees))
            },
            leg_length_m,
            diagnostics,
            frames: self.frames_in,
            max_frames_held: self.max_held,
            series: std::mem::take(&mut self.series),
        })
    }

    /// Pixel positions (x right, y up) of the tracked landmarks seen well enough.
    fn raw_points(&self, frame: &KeypointFrame) -> Pts {
        let mut pts = [None; 17];
        if let Some(lms) = &frame.landmarks {
            for (k, &lm) in TRACKED.iter().enumerate() {
                let src = match self.layout {
                    Layout::Blazepose33 => Some(lm),
                    Layout::Coco17 => coco_index(lm),
                };
                pts[k] = src.and_then(|s| lms.get(s)).and_then(|p| (p.visibility >= MIN_VISIBILITY).then_some([p.x * self.width, -p.y * self.height]));
            }
        }
        pts
    }

    /// The clip-wide figures the batch path takes from raw frames: facing votes, the scale and
    /// camera percentiles, the origin, what was seen.
    fn raw_figures(&mut self, frame: &KeypointFrame, pts: &Pts) {
        self.frames_in += 1;
        self.t_first.get_or_insert(frame.t);
        if frame.landmarks.is_some() {
            self.person += 1;
        }
        for (s, p) in self.seen.iter_mut().zip(pts) {
            *s += usize::from(p.is_some());
        }
        let at = |lm: usize| pts[slot(lm)];
        let mut vote = |v: f64| {
            self.votes += 1;
            self.votes_negative += u64::from(v < 0.0);
        };
        for (toe, heel) in [(bp::LEFT_FOOT_INDEX, bp::LEFT_HEEL), (bp::RIGHT_FOOT_INDEX, bp::RIGHT_HEEL)] {
            if let (Some(t), Some(h)) = (at(toe), at(heel)) {
                vote(t[0] - h[0]);
            }
        }
        if let (Some(nose), Some(ear)) = (at(bp::NOSE), mid(at(bp::LEFT_EAR), at(bp::RIGHT_EAR))) {
            vote(nose[0] - ear[0]);
        }
        let ankle = mid(at(bp::LEFT_ANKLE), at(bp::RIGHT_ANKLE));
        if let (Some(s), Some(a)) = (mid(at(bp::LEFT_SHOULDER), at(bp::RIGHT_SHOULDER)), ankle) {
            self.scale_px.add(dist(s, a));
        }
        if let (Some(l), Some(r)) = (at(bp::LEFT_SHOULDER), at(bp::RIGHT_SHOULDER)) {
            self.shoulder_px.add((l[0] - r[0]).abs());
        }
        if self.origin.is_none() {
            self.origin = ankle;
        }
    }

    /// Facing as the batch path decides it: the sign of the median vote (+1 without votes).
    fn facing(&self) -> f64 {
        if self.votes == 0 {
            return 1.0;
        }
        let idx = ((self.votes - 1) as f64 * 0.5).round() as u64;
        if idx < self.votes_negative { -1.0 } else { 1.0 }
    }

    fn metres_per_pixel(&self) -> Option<f64> {
        let standing = self.scale_px.followed()?;
        (standing > 0.0).then(|| ANKLE_TO_SHOULDER_OF_HEIGHT * self.cfg.height_m / standing)
    }

    fn yaw_rad(&self) -> Option<f64> {
        let mpp = self.metres_per_pixel()?;
        let wd = self.shoulder_px.followed()? * mpp;
        Some((wd / (SHOULDER_WIDTH_OF_HEIGHT * self.cfg.height_m)).min(1.0).asin())
    }

    fn near(&self) -> Leg {
        if self.near_count[1] >= self.near_count[0] { RIGHT_LEG } else { LEFT_LEG }
    }

    /// Standing leg length in pixels: the nearer leg's, else the other's.
    fn leg_px(&self) -> Option<f64> {
        let (near, other) = if self.near() == RIGHT_LEG { (1, 0) } else { (0, 1) };
        self.leg_hist[near].followed().or(self.leg_hist[other].followed())
    }

    fn leg_length_m(&self) -> Option<f64> {
        Some(self.leg_px()? * self.metres_per_pixel()?)
    }

    /// The batch path's refusals, in its order.
    fn body_error(&self) -> Result<(), BodyError> {
        if self.person == 0 {
            return Err(BodyError::NoPerson);
        }
        if self.gate.passed() == 0 {
            // Nothing plausible to measure: the summary says why (as the batch path's empty body).
            return Ok(());
        }
        let seen = |lm: usize| self.seen[slot(lm)];
        for (l, r, what) in [
            (bp::LEFT_HIP, bp::RIGHT_HIP, "hips"),
            (bp::LEFT_SHOULDER, bp::RIGHT_SHOULDER, "shoulders"),
            (bp::LEFT_KNEE, bp::RIGHT_KNEE, "knees"),
            (bp::LEFT_ANKLE, bp::RIGHT_ANKLE, "ankles"),
        ] {
            if seen(l) + seen(r) == 0 {
                return Err(BodyError::Missing(what));
            }
        }
        match self.scale_px.followed() {
            None => Err(BodyError::Missing("shoulders and ankles together")),
            Some(s) if s <= 0.0 => Err(BodyError::Missing("shoulders and ankles apart")),
            Some(_) => Ok(()),
        }
    }

    /// Moves cleaned frames from the track filters into the buffer, and runs the segmenter.
    fn drain_cleaned(&mut self, out: &mut Vec<RepMeasures>) {
        while self.tracks.iter().all(|t| t.ready() > 0) {
            let t = self.times.pop_front().expect("a time per frame");
            let mut pts: Pts = [None; 17];
            for (k, p) in pts.iter_mut().enumerate() {
                let x = self.tracks[2 * k].pop().flatten();
                let y = self.tracks[2 * k + 1].pop().flatten();
                *p = x.zip(y).map(|(x, y)| [x, y]);
            }
            self.cleaned_figures(&pts);
            let hip = mid(pts[slot(bp::LEFT_HIP)], pts[slot(bp::RIGHT_HIP)]);
            let shoulder = mid(pts[slot(bp::LEFT_SHOULDER)], pts[slot(bp::RIGHT_SHOULDER)]);
            let src = SigSrc { hip_y: hip.map(|h| h[1]), trunk: hip.zip(shoulder).map(|(h, s)| [s[0] - h[0], s[1] - h[1]]) };
            if self.has_src(&src) {
                self.usable += 1;
                self.usable_t = Some(self.usable_t.map_or((t, t), |(a, _)| (a, t)));
            }
            self.buf.push_back(Rec { t, pts, src });
            self.max_held = self.max_held.max(self.buf.len() + self.times.len());
            if !self.warm && self.t_first.is_some_and(|t0| t - t0 >= self.cfg.warmup_s) {
                self.warm = true;
            }
            // A whole clip as one rep is cut at the end, from every frame.
            if self.warm && !self.opts.single_rep {
                self.run_segmenter(out);
                self.evict(out);
            }
        }
    }

    /// Running figures over cleaned frames: the nearer leg, leg length, standing hip height.
    fn cleaned_figures(&mut self, pts: &Pts) {
        for (i, leg) in [LEFT_LEG, RIGHT_LEG].into_iter().enumerate() {
            let (h, k, a) = (pts[slot(leg.hip)], pts[slot(leg.knee)], pts[slot(leg.ankle)]);
            self.near_count[i] += [h, k, a].iter().filter(|p| p.is_some()).count();
            if let (Some(h), Some(k), Some(a)) = (h, k, a) {
                self.leg_hist[i].add(dist(h, k) + dist(k, a));
            }
        }
        if let Some(h) = mid(pts[slot(bp::LEFT_HIP)], pts[slot(bp::RIGHT_HIP)]) {
            self.hip_hist.add(h[1]);
        }
        self.est = Est { facing: self.facing(), standing_px: self.hip_hist.followed(), leg_px: self.leg_px() };
    }

    /// The depth signal of a frame under the current running figures (as `analysis::analyze`
    /// builds it: hip drop over leg length, or trunk lean in degrees for a hinge).
    fn sig(&self, s: &SigSrc) -> Option<f64> {
        match self.opts.movement {
            Movement::Hinge => s.trunk.map(|d| (d[0] * self.est.facing).atan2(d[1]).to_degrees()),
            _ => Some((self.est.standing_px? - s.hip_y?) / self.est.leg_px?),
        }
    }

    /// Whether a frame has what the depth signal is made from (as `analysis::analyze` counts it).
    fn has_src(&self, s: &SigSrc) -> bool {
        match self.opts.movement {
            Movement::Hinge => s.trunk.is_some(),
            _ => s.hip_y.is_some(),
        }
    }

    fn rec(&self, k: usize) -> Option<&Rec> {
        self.buf.get(k.checked_sub(self.buf_start)?)
    }

    fn sig_at(&self, k: usize) -> Option<f64> {
        self.sig(&self.rec(k)?.src)
    }

    fn thresholds_enter_leave(&self) -> (f64, f64) {
        let seg = &self.thresholds.segmentation;
        match self.opts.movement {
            Movement::Hinge => (seg.hinge_enter_deg, seg.hinge_leave_deg),
            Movement::Lunge => (seg.lunge_enter, seg.lunge_leave),
            Movement::Squat => (seg.squat_enter, seg.squat_leave),
        }
    }

    /// Feeds the segmenter every held frame it has not seen.
    fn run_segmenter(&mut self, out: &mut Vec<RepMeasures>) {
        let end = self.buf_start + self.buf.len();
        while self.next_seg < end {
            let k = self.next_seg;
            self.next_seg += 1;
            self.segment_frame(k, out);
        }
    }

    /// One step of `reps::segment`'s hysteresis, and the bookkeeping for rep starts and ends.
    fn segment_frame(&mut self, k: usize, out: &mut Vec<RepMeasures>) {
        let (enter, leave) = self.thresholds_enter_leave();
        let rec = self.rec(k).expect("held");
        let (src, t) = (rec.src, rec.t);
        let Some(s) = self.sig(&src) else { return };
        match self.seg {
            Seg::Searching => {
                // Standing since the last bottom: the lowest signal, first frame on ties.
                if self.since_bottom.is_none_or(|(_, m)| self.sig(&m).is_none_or(|m| s < m)) {
                    self.since_bottom = Some((k, src));
                }
                if self.local_min.is_none_or(|m| self.sig(&m).is_none_or(|m| s < m)) {
                    self.local_min = Some(src);
                }
                let floor = if self.first_region { 0.0 } else { f64::INFINITY };
                let local_min = self.local_min.and_then(|m| self.sig(&m)).map_or(floor, |m| m.min(floor));
                let starts = s > enter && s - local_min > enter;
                if let Some(p) = self.pending
                    && !p.await_next_bottom
                    && (starts || t - p.region_end_t >= self.cfg.settle_s)
                {
                    // Settled, or the next rep begins: the end is known if the lifter came back
                    // near standing; otherwise the rep ends at the next bottom (the batch rule).
                    match self.end_of(&p) {
                        Some(end) => {
                            self.pending = None;
                            out.extend(self.finish_rep(p, end, false));
                        }
                        None => self.pending = Some(Pending { await_next_bottom: true, ..p }),
                    }
                }
                if starts {
                    self.seg = Seg::InRegion { start: k, base: local_min, deepest: s };
                }
            }
            Seg::InRegion { start, base, deepest } => {
                if s < leave || deepest - s > 0.7 * (deepest - base) {
                    self.close_region(start, k, out);
                    self.local_min = Some(src);
                } else {
                    self.seg = Seg::InRegion { start, base, deepest: deepest.max(s) };
                }
            }
        }
    }

    /// The end of a pending rep if the lifter has come back near standing since its bottom: the
    /// first frame after the bottom within 10% of the depth from the standing level reached.
    fn end_of(&self, p: &Pending) -> Option<usize> {
        let (_, leave) = self.thresholds_enter_leave();
        let depth = self.sig(&p.bottom_src)?;
        let (m, msrc) = self.since_bottom.filter(|(k, _)| *k > p.bottom)?;
        let base = self.sig(&msrc)?;
        if base > leave.max(0.3 * depth) {
            return None;
        }
        let level = base + 0.1 * (depth - base);
        Some((p.bottom + 1..=m).find(|&k| self.sig_at(k).is_some_and(|v| v <= level)).unwrap_or(m))
    }

    /// Ends a pending rep for good: at its standing end if there is one, else just before
    /// `next` (the next bottom, or the end of what is held), marked partial.
    fn close_pending(&mut self, p: Pending, next: usize) -> Option<RepMeasures> {
        match self.end_of(&p) {
            Some(end) => self.finish_rep(p, end, false),
            None => self.finish_rep(p, next.saturating_sub(1).max(p.bottom), true),
        }
    }

    /// A deep region `[start, end)` is over: find its bottom and the rep's start.
    fn close_region(&mut self, start: usize, end: usize, out: &mut Vec<RepMeasures>) {
        self.seg = Seg::Searching;
        self.first_region = false;
        let region: Vec<(usize, f64)> = (start.max(self.buf_start)..end).filter_map(|k| Some((k, self.sig_at(k)?))).collect();
        let Some(deepest) = region.iter().map(|r| r.1).max_by(f64::total_cmp) else { return };
        let tol = 0.02 * deepest.abs().max(1e-9);
        let near: Vec<usize> = region.iter().filter(|r| deepest - r.1 <= tol).map(|r| r.0).collect();
        let bottom = near[near.len() / 2];
        let bottom_src = self.rec(bottom).expect("held").src;
        let depth = deepest;
        // A rep that never came back near standing ends just before this bottom.
        if let Some(p) = self.pending.take() {
            out.extend(self.close_pending(p, bottom));
        }
        let (_, leave) = self.thresholds_enter_leave();
        let prev = self.last_bottom.map_or(0, |b| b.0);
        // Standing before: the lowest point since the previous bottom (the bottom itself counts).
        let mut before = self.since_bottom;
        if let Some((b, bsrc)) = self.last_bottom
            && before.is_none_or(|(_, m)| self.sig(&bsrc).zip(self.sig(&m)).is_some_and(|(x, y)| x <= y))
        {
            before = Some((b, bsrc));
        }
        let start_frame = before.and_then(|(m, msrc)| {
            let base = self.sig(&msrc)?;
            if base > leave.max(0.3 * depth) {
                return None;
            }
            let level = base + 0.1 * (depth - base);
            let from = m.max(self.buf_start);
            Some((from..bottom).rev().find(|&k| self.sig_at(k).is_some_and(|v| v <= level)).unwrap_or(from))
        });
        let last_t = self.rec(end.saturating_sub(1)).map_or(0.0, |r| r.t);
        self.pending = Some(Pending {
            start: start_frame.unwrap_or(prev).max(self.buf_start),
            start_partial: start_frame.is_none(),
            bottom,
            bottom_src,
            region_end_t: last_t,
            await_next_bottom: false,
        });
        self.last_bottom = Some((bottom, bottom_src));
        // Standing after this bottom: from the frame after it.
        self.since_bottom = None;
        for k in bottom + 1..end {
            if let Some(v) = self.sig_at(k)
                && self.since_bottom.is_none_or(|(_, m)| self.sig(&m).is_none_or(|m| v < m))
            {
                self.since_bottom = Some((k, self.rec(k).expect("held").src));
            }
        }
    }

    /// Measures a rep whose frames are now decided, and counts it.
    fn finish_rep(&mut self, p: Pending, end: usize, end_partial: bool) -> Option<RepMeasures> {
        let last = (self.buf_start + self.buf.len()).checked_sub(1)?;
        let partial = p.start_partial || end_partial;
        let m = self.measure(p.start, p.bottom, end.min(last), partial);
        if m.is_some() {
            self.emitted += 1;
            self.complete += usize::from(!partial);
        }
        m
    }

    /// The batch measures of one rep, on a body built from the held frames around it.
    /// A body in metres over the held frames `w0..=w1`, under the running figures.
    fn body_over(&self, w0: usize, w1: usize) -> Option<SagittalBody> {
        let mpp = self.metres_per_pixel()?;
        let origin = self.origin?;
        let facing = self.est.facing;
        let to_m = |p: P2| [(p[0] - origin[0]) * facing * mpp, (p[1] - origin[1]) * mpp];
        let mut tracks = vec![Vec::new(); 33];
        for (k, &lm) in TRACKED.iter().enumerate() {
            tracks[lm] = (w0..=w1).map(|f| self.rec(f).and_then(|r| r.pts[k]).map(to_m)).collect();
        }
        Some(SagittalBody {
            t: (w0..=w1).map(|f| self.rec(f).map_or(f64::NAN, |r| r.t)).collect(),
            fps: self.fps,
            tracks,
            facing,
            metres_per_pixel: mpp,
            camera_yaw_rad: self.yaw_rad(),
            person_fraction: self.person as f64 / self.frames_in.max(1) as f64,
            diagnostics: Vec::new(),
        })
    }

    /// Adds the plot's values of the held frames `from..to` to the series (two frames either side
    /// for the accelerations of the dynamic load model).
    fn record_series(&mut self, from: usize, to: usize) {
        if from >= to {
            return;
        }
        let held_end = self.buf_start + self.buf.len();
        let w0 = from.saturating_sub(2).max(self.buf_start);
        let w1 = (to + 1).min(held_end - 1);
        let mut chunk = analysis::Series::default();
        match self.body_over(w0, w1) {
            None => {
                for k in from..to {
                    chunk.t_s.push(self.buf[k - self.buf_start].t);
                    chunk.trunk_lean_deg.push(None);
                    chunk.hip_height_m.push(None);
                    chunk.knee_flexion_deg.push(None);
                    chunk.compression_n.push(None);
                    chunk.shear_n_neutral.push(None);
                }
            }
            Some(body) => {
                let standing = match (self.est.standing_px, self.origin, self.metres_per_pixel()) {
                    (Some(st), Some(o), Some(mpp)) => Some((st - o[1]) * mpp),
                    _ => None,
                };
                let loads = analysis::frame_loads(&body, &self.opts, &mut Vec::new());
                let near = self.near();
                for f in from - w0..to - w0 {
                    chunk.t_s.push(body.t[f]);
                    chunk.trunk_lean_deg.push(kinematics::trunk_lean(&body, f).map(f64::to_degrees));
                    chunk.hip_height_m.push(body.mid_hip(f).zip(standing).map(|(h, st)| h[1] - st));
                    chunk.knee_flexion_deg.push(kinematics::leg_angles(&body, near, f).knee_flexion.map(f64::to_degrees));
                    chunk.compression_n.push(loads[f].map(|l| l.compression_n));
                    chunk.shear_n_neutral.push(loads[f].map(|l| l.shear_n_neutral));
                }
            }
        }
        let s = &mut self.series;
        s.t_s.extend(chunk.t_s);
        s.trunk_lean_deg.extend(chunk.trunk_lean_deg);
        s.hip_height_m.extend(chunk.hip_height_m);
        s.knee_flexion_deg.extend(chunk.knee_flexion_deg);
        s.compression_n.extend(chunk.compression_n);
        s.shear_n_neutral.extend(chunk.shear_n_neutral);
    }

    fn measure(&mut self, start: usize, bottom: usize, end: usize, partial: bool) -> Option<RepMeasures> {
        let mpp = self.metres_per_pixel()?;
        let origin = self.origin?;
        // Two frames either side for the accelerations of the dynamic load model.
        let w0 = start.saturating_sub(2).max(self.buf_start);
        let w1 = (end + 2).min(self.buf_start + self.buf.len() - 1);
        let body = self.body_over(w0, w1)?;
        let n = body.len();
        let lean: Vec<Option<f64>> = (0..n).map(|f| kinematics::trunk_lean(&body, f)).collect();
        let hip_y: Vec<Option<f64>> = (0..n).map(|f| body.mid_hip(f).map(|p| p[1])).collect();
        let standing = self.est.standing_px.map(|s| (s - origin[1]) * mpp);
        let leg_len = self.leg_length_m();
        let camera = analysis::camera_check(self.yaw_rad().map(f64::to_degrees));
        let r = RepFrames { start: start - w0, bottom: bottom - w0, end: end - w0, partial };
        // A rep is reported only when its own frames pass, as in the batch path.
        let has_src = |f: usize| if self.opts.movement == Movement::Hinge { lean[f].is_some() } else { hip_y[f].is_some() };
        if let Some(why) = plausibility::rep_problem(&body, r, &has_src) {
            self.rep_notes.push(body.t[r.bottom], why);
            return None;
        }
        let mut m = analysis::measure_rep(&body, &self.opts, &self.thresholds, &lean, &hip_y, standing, leg_len, self.near(), self.emitted, r, camera.side_on);
        let mut notes = Vec::new();
        let loads = analysis::frame_loads(&body, &self.opts, &mut notes);
        m.l5s1 = analysis::peak_load(&loads[r.start..=r.end], self.opts.lifter.body_mass_kg);
        if self.load_note.is_none() {
            self.load_note = notes.into_iter().next();
        }
        Some(m)
    }

    /// Drops held frames no rep can still need, and keeps at most `window_s` of them.
    fn evict(&mut self, out: &mut Vec<RepMeasures>) {
        let held_end = self.buf_start + self.buf.len();
        let window = ((self.cfg.window_s * self.fps).ceil() as usize).max(1);
        let floor = held_end.saturating_sub(window);
        if let Some(p) = self.pending
            && p.start < floor
        {
            // The rep has outgrown the window: measure it with what is held.
            self.pending = None;
            out.extend(self.close_pending(p, held_end));
        }
        let mut keep = self.next_seg.min(self.last_bottom.map_or(0, |b| b.0));
        if let Some(p) = self.pending {
            keep = keep.min(p.start);
        }
        if let Seg::InRegion { start, .. } = self.seg {
            keep = keep.min(start);
        }
        let keep = keep.max(floor);
        if self.cfg.series {
            self.record_series(self.buf_start, keep.min(held_end));
        }
        while self.buf_start < keep && !self.buf.is_empty() {
            self.buf.pop_front();
            self.buf_start += 1;
        }
    }
}

/// A [`FrameSink`] that runs the streaming analysis on a streamed keypoint file, handing each
/// rep to `on_rep` as it completes.
pub struct AnalyzerSink<F: FnMut(RepMeasures)> {
    cfg: StreamConfig,
    opts: Options,
    thresholds: Thresholds,
    analyzer: Option<Result<StreamAnalyzer, StreamError>>,
    on_rep: F,
}

impl<F: FnMut(RepMeasures)> AnalyzerSink<F> {
    pub fn new(cfg: StreamConfig, opts: Options, thresholds: Thresholds, on_rep: F) -> AnalyzerSink<F> {
        AnalyzerSink { cfg, opts, thresholds, analyzer: None, on_rep }
    }

    /// Ends the stream; the reps measured at the end go to `on_rep` too.
    pub fn finish(mut self) -> Result<StreamSummary, StreamError> {
        let a = self.analyzer.take().ok_or(StreamError::Body(BodyError::NoPerson))??;
        let summary = a.finish()?;
        for m in summary.reps.iter().cloned() {
            (self.on_rep)(m);
        }
        Ok(summary)
    }
}

impl<F: FnMut(RepMeasures)> FrameSink for AnalyzerSink<F> {
    fn header(&mut self, header: &Header) {
        self.analyzer = Some(StreamAnalyzer::new(header, self.cfg.clone(), self.opts.clone(), self.thresholds.clone()));
    }

    fn frame(&mut self, frame: KeypointFrame) {
        if let Some(Ok(a)) = &mut self.analyzer {
            for m in a.push(&frame) {
                (self.on_rep)(m);
            }
        }
    }
}

/// The streaming analysis of a whole sequence, shaped like the batch result (`series` only with
/// `cfg.series`; `rep_frames` stays empty).
pub fn analyze_streaming(seq: &crate::keypoints::KeypointSequence, cfg: StreamConfig, opts: &Options, thresholds: &Thresholds) -> Result<Analysis, StreamError> {
    let header = Header { fps: seq.fps, width: seq.width, height: seq.height, layout: seq.layout };
    let mut a = StreamAnalyzer::new(&header, cfg, opts.clone(), thresholds.clone())?;
    let mut reps = Vec::new();
    for f in &seq.frames {
        reps.extend(a.push(f));
    }
    let s = a.finish()?;
    reps.extend(s.reps);
    Ok(Analysis {
        movement: opts.movement,
        rep_count: s.rep_count,
        reps,
        camera: s.camera,
        butt_wink: analysis::BUTT_WINK_NOTE,
        leg_length_m: s.leg_length_m,
        diagnostics: s.diagnostics,
        series: s.series,
        rep_frames: Vec::new(),
    })
}

#[cfg(test)]
mod tests;
