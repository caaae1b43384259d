//! `FrameReader`: upright RGB frames with their real presentation times, streamed from the
//! system ffmpeg (`-f rawvideo -pix_fmt rgb24` on stdout, `showinfo` timestamps on stderr)
//!
//! Why `showinfo`: it is the last filter of the chain, so it sees exactly the frames written to
//! stdout, in order, each with its integer PTS and the filter's time base; one ffmpeg process
//! decodes once. A parallel `ffprobe -show_frames` would decode everything a second time (the
//! 2 cores are needed for inference) and `-show_packets` gives decode-order packets that have to
//! be matched to frames by guesswork when the decoder drops one. `showinfo` would also hash each
//! frame (about 1.7 ms of CPU per 608×1080 frame on this machine, against about 2.5 ms to decode
//! it); `checksum=0` (FFmpeg 4.4 and later) turns that off. The times come from the integer PTS
//! and the filter's time base, not from the rounded `pts_time` text.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::probe::{VideoInfo, probe_with};
use crate::tools::{check_input_file, input_arg, spawn_error};
use crate::{Tools, VideoError};

/// How to decode.
#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {
    /// Downscale (aspect kept) so the longer side is at most this many pixels; `None` keeps the
    /// full size. Never upscales. The pose step needs at most about 1080.
    pub max_long_side_px: Option<u32>,
    /// Decode on a thread of its own, with up to this many decoded frames waiting in a bounded
    /// queue (so decoding overlaps inference); `None` decodes on the caller's thread when it
    /// asks for the next frame. Memory is bounded by (queue + 2) frames either way.
    pub queue_frames: Option<usize>,
    /// The ffmpeg/ffprobe programs.
    pub tools: Tools,
}

/// One decoded frame: upright (rotation applied), packed RGB, 3 bytes per pixel, rows top to
/// bottom, no padding.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoFrame {
    /// 0-based position in decode output order (presentation order).
    pub index: u64,
    /// Presentation time in seconds from the first frame's (the first frame is at 0.0); from the
    /// frame's own PTS, so variable frame rate is honoured.
    pub t_s: f64,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 3` bytes, R G B.
    pub rgb: Vec<u8>,
}

/// Something worth knowing about a decode that still delivered frames. Complete once the
/// reader has returned `None`.
#[derive(Debug, Clone, PartialEq)]
pub enum Diagnostic {
    /// Fewer frames came out than the file declares, or the last one is well before the end:
    /// the file is probably cut short or damaged. Everything up to there was decoded.
    EndedEarly {
        frames_decoded: u64,
        /// Frames the container declares, when it does.
        frames_expected: Option<u64>,
        /// Time of the last frame decoded, seconds from the first.
        last_t_s: f64,
        /// Duration the container declares, seconds.
        duration_s: Option<f64>,
    },
    /// ffmpeg printed errors or warnings (the last few lines, without ffmpeg's context tags).
    DecoderMessages { lines: Vec<String> },
    /// ffmpeg exited unsuccessfully after delivering some frames.
    DecoderExit { status: String },
    /// The output ended in the middle of a frame (dropped).
    PartialFrame { bytes: usize },
    /// Some frames had no timestamp from ffmpeg; their time was extrapolated from the previous
    /// frame at the average frame rate.
    TimestampsEstimated { frames: u64 },
}

/// "1 frame", "2 frames".
fn frames_words(n: u64) -> String {
    format!("{n} {}", if n == 1 { "frame" } else { "frames" })
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Diagnostic::EndedEarly { frames_decoded, frames_expected, last_t_s, duration_s } => {
                write!(f, "the video ended early: {} decoded", frames_words(*frames_decoded))?;
                if let Some(n) = frames_expected {
                    write!(f, " of {n} declared")?;
                }
                write!(f, ", last at {last_t_s:.3} s")?;
                if let Some(d) = duration_s {
                    write!(f, " of {d:.3} s")?;
                }
                write!(f, " (the file is probably cut short or damaged)")
            }
            Diagnostic::DecoderMessages { lines } => write!(f, "ffmpeg reported: {}", lines.join(" | ")),
            Diagnostic::DecoderExit { status } => write!(f, "ffmpeg stopped with {status} after some frames"),
            Diagnostic::PartialFrame { bytes: 1 } => write!(f, "the last byte was an incomplete frame and was dropped"),
            Diagnostic::PartialFrame { bytes } => write!(f, "the last {bytes} bytes were an incomplete frame and were dropped"),
            Diagnostic::TimestampsEstimated { frames: 1 } => write!(f, "1 frame had no timestamp; its time is estimated"),
            Diagnostic::TimestampsEstimated { frames } => write!(f, "{frames} frames had no timestamp; their times are estimated"),
        }
    }
}

/// Decoded frames of one video, in presentation order, as an iterator. Memory stays flat for
/// any length: ffmpeg writes into a pipe and frames are read one at a time. Dropping the reader
/// stops ffmpeg.
pub struct FrameReader {
    info: VideoInfo,
    width: u32,
    height: u32,
    mode: Mode,
    diagnostics: Vec<Diagnostic>,
    finished: bool,
}

enum Mode {
    Inline(Box<Decoder>),
    Threaded { rx: Option<Receiver<Msg>>, recycle: Sender<Vec<u8>>, handle: Option<JoinHandle<()>> },
}

enum Msg {
    Frame(Result<VideoFrame, VideoError>),
    Done(Result<Vec<Diagnostic>, VideoError>),
}

impl FrameReader {
    /// Probes the file, then starts ffmpeg.
    pub fn open(path: &Path, options: &DecodeOptions) -> Result<FrameReader, VideoError> {
        let info = probe_with(&options.tools, path)?;
        FrameReader::open_probed(path, info, options)
    }

    /// Starts ffmpeg on a file already probed with [`crate::probe`].
    pub fn open_probed(path: &Path, info: VideoInfo, options: &DecodeOptions) -> Result<FrameReader, VideoError> {
        check_input_file(path)?;
        let (width, height) = output_size(info.width_px, info.height_px, options.max_long_side_px)?;
        let decoder = Decoder::start(path, &info, width, height, &options.tools)?;
        let mode = match options.queue_frames {
            None => Mode::Inline(Box::new(decoder)),
            Some(0) => return Err(VideoError::InvalidOption("queue_frames must be at least 1".into())),
            Some(n) => {
                let (tx, rx) = mpsc::sync_channel(n);
                let (recycle, recycled) = mpsc::channel();
                let handle = std::thread::Builder::new()
                    .name("spotter-video-decode".into())
                    .spawn(move || decode_thread(decoder, tx, recycled))
                    .map_err(|source| VideoError::ToolFailed { program: options.tools.ffmpeg.clone(), source })?;
                Mode::Threaded { rx: Some(rx), recycle, handle: Some(handle) }
            }
        };
        Ok(FrameReader { info, width, height, mode, diagnostics: Vec::new(), finished: false })
    }

    /// What the file holds (full-size, upright dimensions).
    pub fn info(&self) -> &VideoInfo {
        &self.info
    }

    /// Width of the frames this reader delivers, pixels (after rotation and downscaling).
    pub fn frame_width_px(&self) -> u32 {
        self.width
    }

    /// Height of the frames this reader delivers, pixels.
    pub fn frame_height_px(&self) -> u32 {
        self.height
    }

    /// Gives a frame's buffer back for reuse by a later frame (saves an allocation per frame).
    pub fn recycle(&mut self, frame: VideoFrame) {
        match &mut self.mode {
            Mode::Inline(d) => d.spare = Some(frame.rgb),
            Mode::Threaded { recycle, .. } => {
                let _ = recycle.send(frame.rgb);
            }
        }
    }

    /// What went wrong without stopping the decode (cut-short file, decoder warnings). Complete
    /// once the iterator has returned `None`.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl Iterator for FrameReader {
    type Item = Result<VideoFrame, VideoError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let item = match &mut self.mode {
            Mode::Inline(d) => match d.next_frame() {
                Some(r) => Some(r),
                None => match d.finish() {
                    Ok(diags) => {
                        self.diagnostics = diags;
                        None
                    }
                    Err(e) => Some(Err(e)),
                },
            },
            Mode::Threaded { rx, .. } => match rx.as_ref().and_then(|rx| rx.recv().ok()) {
                Some(Msg::Frame(r)) => Some(r),
                Some(Msg::Done(Ok(diags))) => {
                    self.diagnostics = diags;
                    None
                }
                Some(Msg::Done(Err(e))) => Some(Err(e)),
                None => None,
            },
        };
        match &item {
            None | Some(Err(_)) => self.finished = true,
            Some(Ok(_)) => {}
        }
        item
    }
}

impl Drop for FrameReader {
    fn drop(&mut self) {
        if let Mode::Threaded { rx, handle, .. } = &mut self.mode {
            // The decode thread's next send fails, it stops ffmpeg and ends.
            drop(rx.take());
            if let Some(h) = handle.take() {
                let _ = h.join();
            }
        }
    }
}

fn decode_thread(mut decoder: Decoder, tx: SyncSender<Msg>, recycled: Receiver<Vec<u8>>) {
    loop {
        if decoder.spare.is_none() {
            decoder.spare = recycled.try_recv().ok();
        }
        match decoder.next_frame() {
            Some(r) => {
                let stop = r.is_err();
                if tx.send(Msg::Frame(r)).is_err() || stop {
                    return;
                }
            }
            None => {
                let _ = tx.send(Msg::Done(decoder.finish()));
                return;
            }
        }
    }
}

/// Output size for an upright `width × height` picture whose long side must not exceed
/// `max_long_side_px` (aspect kept, rounded to whole pixels, never upscaled).
pub fn output_size(width: u32, height: u32, max_long_side_px: Option<u32>) -> Result<(u32, u32), VideoError> {
    let long = width.max(height);
    match max_long_side_px {
        Some(0) => Err(VideoError::InvalidOption("max_long_side_px must be at least 1".into())),
        Some(max) if long > max => {
            let s = f64::from(max) / f64::from(long);
            let w = ((f64::from(width) * s).round() as u32).clamp(1, max);
            let h = ((f64::from(height) * s).round() as u32).clamp(1, max);
            Ok((w, h))
        }
        _ => Ok((width, height)),
    }
}

/// One ffmpeg process and the thread reading its stderr.
struct Decoder {
    path: PathBuf,
    child: Child,
    stdout: ChildStdout,
    stderr_thread: Option<JoinHandle<()>>,
    times: Receiver<ShowinfoFrame>,
    log: Arc<Mutex<Vec<String>>>,
    width: u32,
    height: u32,
    frame_bytes: usize,
    next_index: u64,
    first_t: Option<f64>,
    last_t_s: f64,
    avg_rate_hz: Option<f64>,
    frames_expected: Option<u64>,
    duration_s: Option<f64>,
    estimated: u64,
    partial: usize,
    spare: Option<Vec<u8>>,
}

/// A frame as `showinfo` announced it: PTS converted to seconds (None when ffmpeg had none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ShowinfoFrame {
    pub n: u64,
    pub t_s: Option<f64>,
}

/// ffmpeg's filter chain from an HDR picture (PQ or HLG, BT.2020) to standard-range BT.709:
/// to linear light with 100 cd/m² as reference white, to BT.709 primaries, Hable's tone curve
/// (highlights compressed, colours kept), back to BT.709's transfer and matrix. The recipe of
/// ffmpeg's `tonemap` filter documentation, with the `zscale` filter (zimg) Debian's ffmpeg has.
const HDR_TO_SDR: &str = "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p";

/// The decoder's filter chain: HDR to standard range when the file is HDR, the size, then
/// `showinfo` for each frame's timestamp.
pub(crate) fn decode_filter(info: &VideoInfo, width: u32, height: u32) -> String {
    let tonemap = if info.is_hdr() { format!("{HDR_TO_SDR},") } else { String::new() };
    format!("{tonemap}scale={width}:{height}:flags=area,showinfo=checksum=0")
}

/// Decoder messages kept for diagnostics.
const LOG_LINES_KEPT: usize = 12;

impl Decoder {
    fn start(path: &Path, info: &VideoInfo, width: u32, height: u32, tools: &Tools) -> Result<Decoder, VideoError> {
        let passthrough = tools.passthrough_args()?;
        let filter = decode_filter(info, width, height);
        let mut child = Command::new(&tools.ffmpeg)
            .args(["-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info", "-i"])
            .arg(input_arg(path))
            .args(["-map", &format!("0:{}", info.stream_index), "-an", "-sn", "-dn", "-vf", &filter])
            .args(passthrough)
            .args(["-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| spawn_error(&tools.ffmpeg, "ffmpeg", e))?;
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(VideoError::ToolFailed { program: tools.ffmpeg.clone(), source: std::io::Error::other("no pipes") });
        };
        let (tx, times) = mpsc::channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = Arc::clone(&log);
        let stderr_thread = std::thread::Builder::new()
            .name("spotter-video-stderr".into())
            .spawn(move || read_stderr(stderr, tx, log2))
            .map_err(|source| VideoError::ToolFailed { program: tools.ffmpeg.clone(), source })?;
        Ok(Decoder {
            path: path.to_path_buf(),
            child,
            stdout,
            stderr_thread: Some(stderr_thread),
            times,
            log,
            width,
            height,
            frame_bytes: width as usize * height as usize * 3,
            next_index: 0,
            first_t: None,
            last_t_s: 0.0,
            avg_rate_hz: info.avg_frame_rate_hz.or(info.r_frame_rate_hz),
            frames_expected: info.frame_count,
            duration_s: info.duration_s,
            estimated: 0,
            partial: 0,
            spare: None,
        })
    }

    fn next_frame(&mut self) -> Option<Result<VideoFrame, VideoError>> {
        let mut buf = self.spare.take().unwrap_or_default();
        buf.resize(self.frame_bytes, 0);
        let mut filled = 0;
        while filled < self.frame_bytes {
            match self.stdout.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(source) => return Some(Err(VideoError::Pipe { path: self.path.clone(), source })),
            }
        }
        if filled < self.frame_bytes {
            self.partial = filled;
            return None;
        }
        // showinfo logs a frame before it reaches the output, so its line is already on the way.
        let stamp = self.times.recv().ok();
        let t_abs = stamp.and_then(|s| s.t_s);
        let t_s = match (t_abs, self.first_t) {
            (Some(t), None) => {
                self.first_t = Some(t);
                0.0
            }
            (Some(t), Some(t0)) => t - t0,
            (None, _) => {
                self.estimated += 1;
                if self.next_index == 0 {
                    0.0
                } else {
                    self.last_t_s + self.avg_rate_hz.map_or(0.0, |r| 1.0 / r)
                }
            }
        };
        let frame = VideoFrame { index: self.next_index, t_s, width: self.width, height: self.height, rgb: buf };
        self.next_index += 1;
        self.last_t_s = t_s;
        Some(Ok(frame))
    }

    /// Waits for ffmpeg and turns what happened into diagnostics, or an error if no frame came.
    fn finish(&mut self) -> Result<Vec<Diagnostic>, VideoError> {
        let status = self.child.wait();
        if let Some(h) = self.stderr_thread.take() {
            let _ = h.join();
        }
        let lines = self.log.lock().map(|l| l.clone()).unwrap_or_default();
        let mut diags = Vec::new();
        let failed = match &status {
            Ok(s) if s.success() => None,
            Ok(s) => Some(s.to_string()),
            Err(e) => Some(e.to_string()),
        };
        if self.next_index == 0 {
            let status = failed.unwrap_or_else(|| "exit status 0".into());
            let detail = if lines.is_empty() { "no error message".to_string() } else { lines.join(" | ") };
            return Err(VideoError::Decode { path: self.path.clone(), status, detail });
        }
        if let Some(status) = failed {
            diags.push(Diagnostic::DecoderExit { status });
        }
        if self.partial > 0 {
            diags.push(Diagnostic::PartialFrame { bytes: self.partial });
        }
        let short_of_count = self.frames_expected.is_some_and(|n| self.next_index < n);
        let frame_s = self.avg_rate_hz.map_or(0.1, |r| 1.0 / r);
        let short_of_time = self.duration_s.is_some_and(|d| self.next_index > 0 && self.last_t_s + 3.0 * frame_s < d - 0.5);
        if self.next_index > 0 && (short_of_count || short_of_time) {
            diags.push(Diagnostic::EndedEarly {
                frames_decoded: self.next_index,
                frames_expected: self.frames_expected,
                last_t_s: self.last_t_s,
                duration_s: self.duration_s,
            });
        }
        if self.estimated > 0 {
            diags.push(Diagnostic::TimestampsEstimated { frames: self.estimated });
        }
        if !lines.is_empty() {
            diags.push(Diagnostic::DecoderMessages { lines });
        }
        Ok(diags)
    }
}

impl Drop for Decoder {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        if let Some(h) = self.stderr_thread.take() {
            let _ = h.join();
        }
    }
}

fn read_stderr(stderr: std::process::ChildStderr, tx: Sender<ShowinfoFrame>, log: Arc<Mutex<Vec<String>>>) {
    let mut reader = BufReader::new(stderr);
    let mut line = Vec::new();
    let mut time_base: Option<(i64, i64)> = None;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        match parse_stderr_line(text.trim_end(), &mut time_base) {
            StderrLine::Frame(f) => {
                let _ = tx.send(f);
            }
            StderrLine::Problem(msg) => {
                if let Ok(mut l) = log.lock() {
                    if l.len() == LOG_LINES_KEPT {
                        l.remove(0);
                    }
                    l.push(msg);
                }
            }
            StderrLine::Other => {}
        }
    }
}

#[derive(Debug, PartialEq)]
pub(crate) enum StderrLine {
    Frame(ShowinfoFrame),
    Problem(String),
    Other,
}

/// Classifies one line of `ffmpeg -loglevel level+info` output: a `showinfo` frame line, a
/// warning or error worth keeping, or noise. Keeps the showinfo time base it sees.
pub(crate) fn parse_stderr_line(line: &str, time_base: &mut Option<(i64, i64)>) -> StderrLine {
    let (context, rest) = match line.strip_prefix('[').and_then(|l| l.split_once("] ")) {
        Some((ctx, rest)) if !matches!(ctx, "info" | "warning" | "error" | "fatal" | "panic" | "verbose" | "debug") => (Some(ctx), rest),
        _ => (None, line),
    };
    let (level, msg) = match rest.strip_prefix('[').and_then(|l| l.split_once("] ")) {
        Some((lvl, msg)) => (lvl, msg.trim()),
        None => ("", rest.trim()),
    };
    if context.is_some_and(|c| c.starts_with("Parsed_showinfo_")) {
        if let Some(tb) = msg.strip_prefix("config in time_base:") {
            let tb = tb.split(',').next().unwrap_or("").trim();
            if let Some((n, d)) = tb.split_once('/')
                && let (Ok(n), Ok(d)) = (n.parse::<i64>(), d.parse::<i64>())
                && n > 0
                && d > 0
            {
                *time_base = Some((n, d));
            }
            return StderrLine::Other;
        }
        if msg.starts_with("n:") {
            let field = |key: &str| -> Option<&str> {
                let i = msg.find(key)?;
                msg[i + key.len()..].split_whitespace().next()
            };
            let Some(n) = field("n:").and_then(|v| v.parse::<u64>().ok()) else { return StderrLine::Other };
            let pts = field(" pts:").and_then(|v| v.parse::<i64>().ok());
            let t_s = match (pts, *time_base) {
                (Some(p), Some((num, den))) => Some(p as f64 * num as f64 / den as f64),
                (Some(_), None) => field("pts_time:").and_then(|v| v.parse::<f64>().ok()),
                (None, _) => None,
            };
            return StderrLine::Frame(ShowinfoFrame { n, t_s });
        }
        return StderrLine::Other;
    }
    if matches!(level, "warning" | "error" | "fatal" | "panic") && !msg.is_empty() {
        return StderrLine::Problem(msg.to_string());
    }
    StderrLine::Other
}

#[cfg(test)]
mod tests;
