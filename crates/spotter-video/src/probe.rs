//! `probe`: what a video file holds (size after rotation, rotation, codec, rates, duration,
//! frame count), read from `ffprobe -print_format json`

use std::path::Path;
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::tools::{check_input_file, input_arg, spawn_error};
use crate::{Tools, VideoError};

/// What a video file holds, for its first usable video stream (cover art is skipped).
#[derive(Debug, Clone, PartialEq)]
pub struct VideoInfo {
    /// Frame width in pixels as displayed, i.e. after rotation (what [`crate::FrameReader`] gives
    /// at full size).
    pub width_px: u32,
    /// Frame height in pixels as displayed, after rotation.
    pub height_px: u32,
    /// Width of the stored (coded) picture in pixels, before rotation.
    pub coded_width_px: u32,
    /// Height of the stored picture in pixels, before rotation.
    pub coded_height_px: u32,
    /// Rotation applied for display, degrees clockwise, normalised to 0..360 (a portrait iPhone
    /// clip stored landscape says 90). From the display matrix side data, else the `rotate` tag.
    pub rotation_cw_deg: u32,
    /// Whether the display matrix mirrors the picture (as some front-camera "selfie" videos
    /// are stored). ffmpeg shows the picture mirrored as the file asks, and ffprobe then reports
    /// a pure left-right flip as a 180° rotation (a 180° turn and an upside-down flip make a
    /// left-right flip), so `rotation_cw_deg` reads 180 for it.
    pub mirrored: bool,
    /// Codec name as ffmpeg spells it (`h264`, `hevc`, ...).
    pub codec: String,
    /// Pixel format of the stream (`yuv420p`, `yuv420p10le`, ...), when known.
    pub pix_fmt: Option<String>,
    /// Transfer characteristic as ffmpeg spells it (`bt709`, `smpte2084` for HDR10/PQ,
    /// `arib-std-b67` for HLG, ...), when the file says.
    pub color_transfer: Option<String>,
    /// Average frame rate in frames per second (frames / duration), when known.
    pub avg_frame_rate_hz: Option<f64>,
    /// The "real base" frame rate ffmpeg guesses (lowest rate that represents all timestamps),
    /// frames per second, when known. Differs from the average on variable-frame-rate clips.
    pub r_frame_rate_hz: Option<f64>,
    /// Duration in seconds (stream's, else the container's), when known.
    pub duration_s: Option<f64>,
    /// Number of frames the container declares, when it does (MP4/MOV do; Matroska often not).
    pub frame_count: Option<u64>,
    /// ffmpeg's index of the video stream in the file.
    pub stream_index: u32,
    /// Container name as ffmpeg spells it (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, ...).
    pub container: String,
    /// Whether the file also holds an audio stream (ignored by the decoder).
    pub has_audio: bool,
}

impl VideoInfo {
    /// Whether the picture is high dynamic range (PQ or HLG transfer, as phones record HDR
    /// video); the decoder then tone-maps it to standard range, which the pose models expect.
    pub fn is_hdr(&self) -> bool {
        matches!(self.color_transfer.as_deref(), Some("smpte2084" | "arib-std-b67"))
    }

    /// Frames to expect: the declared count, else duration × average rate rounded; `None` when
    /// neither is known. For progress bars, not for logic.
    pub fn frame_count_estimate(&self) -> Option<u64> {
        self.frame_count.or_else(|| match (self.duration_s, self.avg_frame_rate_hz) {
            (Some(d), Some(r)) if d > 0.0 && r > 0.0 => Some((d * r).round() as u64),
            _ => None,
        })
    }
}

/// Probes a video with the system `ffprobe`.
pub fn probe(path: &Path) -> Result<VideoInfo, VideoError> {
    probe_with(&Tools::default(), path)
}

/// Probes a video with the given programs.
pub fn probe_with(tools: &Tools, path: &Path) -> Result<VideoInfo, VideoError> {
    check_input_file(path)?;
    let out = Command::new(&tools.ffprobe)
        .args(["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_error"])
        .arg(input_arg(path))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| spawn_error(&tools.ffprobe, "ffprobe", e))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut head = [0u8; 12];
    let n = std::fs::File::open(path).and_then(|mut f| std::io::Read::read(&mut f, &mut head)).unwrap_or(0);
    parse_probe_json(path, &stdout, &stderr, &head[..n])
}

#[derive(Deserialize)]
struct RawProbe {
    #[serde(default)]
    streams: Vec<RawStream>,
    format: Option<RawFormat>,
    error: Option<RawError>,
}

#[derive(Deserialize)]
struct RawError {
    string: Option<String>,
}

#[derive(Deserialize)]
struct RawFormat {
    format_name: Option<String>,
    duration: Option<String>,
}

#[derive(Deserialize)]
struct RawStream {
    index: u32,
    codec_type: Option<String>,
    codec_name: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    pix_fmt: Option<String>,
    color_transfer: Option<String>,
    avg_frame_rate: Option<String>,
    r_frame_rate: Option<String>,
    duration: Option<String>,
    nb_frames: Option<String>,
    #[serde(default)]
    tags: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    side_data_list: Vec<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    disposition: std::collections::BTreeMap<String, serde_json::Value>,
}

/// Codecs of single pictures; a file whose only video is one of these in an image container
/// (`image2`, `*_pipe`) is a still image.
const IMAGE_CODECS: [&str; 10] = ["mjpeg", "png", "bmp", "webp", "tiff", "jpeg2000", "jpegls", "qoi", "ppm", "pgm"];

/// Turns ffprobe's JSON (and its error text) into [`VideoInfo`] or the error that names the
/// problem; `head` is the file's first bytes (up to 12). Pure: split from [`probe_with`] so the
/// rules are tested on text.
pub(crate) fn parse_probe_json(path: &Path, stdout: &str, stderr: &str, head: &[u8]) -> Result<VideoInfo, VideoError> {
    let p = || path.to_path_buf();
    let raw: RawProbe = serde_json::from_str(stdout).map_err(|e| {
        if stderr.trim().is_empty() {
            VideoError::ProbeOutput { path: p(), detail: e.to_string() }
        } else {
            not_readable(path, stderr, None, head)
        }
    })?;
    if let Some(err) = &raw.error {
        return Err(not_readable(path, stderr, err.string.as_deref(), head));
    }
    let Some(format) = raw.format else {
        return Err(not_readable(path, stderr, None, head));
    };
    let container = format.format_name.unwrap_or_default();
    let flag = |s: &RawStream, k: &str| s.disposition.get(k).and_then(|v| v.as_i64()).unwrap_or(0) != 0;
    let video: Vec<&RawStream> = raw.streams.iter().filter(|s| s.codec_type.as_deref() == Some("video")).collect();
    let stream = video.iter().copied().find(|s| !flag(s, "attached_pic"));
    let Some(s) = stream else {
        let kinds: Vec<String> = raw
            .streams
            .iter()
            .map(|s| {
                let kind = if flag(s, "attached_pic") { "cover picture" } else { s.codec_type.as_deref().unwrap_or("unknown") };
                format!("{kind} ({})", s.codec_name.as_deref().unwrap_or("?"))
            })
            .collect();
        let streams = if kinds.is_empty() { "nothing".to_string() } else { kinds.join(", ") };
        return Err(VideoError::NoVideoStream { path: p(), streams });
    };
    let codec = s.codec_name.clone().unwrap_or_else(|| "unknown".to_string());
    let image_container = container == "image2" || container.ends_with("_pipe");
    if flag(s, "still_image") || (image_container && IMAGE_CODECS.contains(&codec.as_str())) {
        return Err(VideoError::StillImage { path: p(), codec });
    }
    let (Some(w), Some(h)) = (s.width.filter(|w| *w > 0), s.height.filter(|h| *h > 0)) else {
        return Err(VideoError::ProbeOutput { path: p(), detail: format!("video stream {} has no picture size", s.index) });
    };
    let rotation_cw_deg = rotation_cw(s);
    let mirrored = mirrored(s);
    let (width_px, height_px) = if rotation_cw_deg % 180 == 90 { (h, w) } else { (w, h) };
    let num = |x: &Option<String>| x.as_deref().and_then(|v| v.parse::<f64>().ok()).filter(|v| v.is_finite() && *v > 0.0);
    Ok(VideoInfo {
        width_px,
        height_px,
        coded_width_px: w,
        coded_height_px: h,
        rotation_cw_deg,
        mirrored,
        codec,
        pix_fmt: s.pix_fmt.clone().filter(|f| f != "unknown"),
        color_transfer: s.color_transfer.clone().filter(|t| t != "unknown"),
        avg_frame_rate_hz: s.avg_frame_rate.as_deref().and_then(parse_rate),
        r_frame_rate_hz: s.r_frame_rate.as_deref().and_then(parse_rate),
        duration_s: num(&s.duration).or_else(|| num(&format.duration)),
        frame_count: s.nb_frames.as_deref().and_then(|n| n.parse::<u64>().ok()).filter(|n| *n > 0),
        stream_index: s.index,
        container,
        has_audio: raw.streams.iter().any(|s| s.codec_type.as_deref() == Some("audio")),
    })
}

/// The error for a file ffprobe could not open: a missing MP4 index in a file that starts like
/// an MP4/MOV (an `ftyp`, `mdat`, `wide` or `free` box) means a cut-short file; any other file
/// named `.mp4` gets the same ffmpeg message but is simply not a video.
fn not_readable(path: &Path, stderr: &str, message: Option<&str>, head: &[u8]) -> VideoError {
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let detail = message.map(str::to_string).or_else(|| lines.last().map(|l| strip_path(l, path))).unwrap_or_else(|| "ffprobe found no media".into());
    let mp4_box = head.get(4..8).is_some_and(|b| matches!(b, b"ftyp" | b"mdat" | b"wide" | b"free" | b"skip"));
    if let Some(l) = lines.iter().find(|l| l.contains("moov atom not found")).filter(|_| mp4_box) {
        return VideoError::Truncated { path: path.to_path_buf(), detail: strip_context(l) };
    }
    VideoError::NotAVideo { path: path.to_path_buf(), detail }
}

/// `file:/x/y.mp4: Invalid data...` -> `Invalid data...`
fn strip_path(line: &str, path: &Path) -> String {
    let prefix = format!("{}: ", input_arg(path).to_string_lossy());
    line.strip_prefix(&prefix).unwrap_or(line).to_string()
}

/// `[mov,mp4,m4a @ 0x55] moov atom not found` -> `moov atom not found`
fn strip_context(line: &str) -> String {
    match (line.starts_with('['), line.find("] ")) {
        (true, Some(i)) => line[i + 2..].to_string(),
        _ => line.to_string(),
    }
}

/// `30000/1001` -> 29.97; `0/0` and junk -> None.
pub(crate) fn parse_rate(s: &str) -> Option<f64> {
    let (n, d) = s.split_once('/').unwrap_or((s, "1"));
    let (n, d) = (n.trim().parse::<f64>().ok()?, d.trim().parse::<f64>().ok()?);
    let r = n / d;
    (d > 0.0 && r.is_finite() && r > 0.0).then_some(r)
}

/// Clockwise display rotation in degrees, 0..360. ffprobe's display-matrix `rotation` is
/// counter-clockwise (ffmpeg's autorotate turns the picture that way), the legacy `rotate` tag
/// is clockwise. Values are rounded to whole degrees.
fn rotation_cw(s: &RawStream) -> u32 {
    let from_matrix = s
        .side_data_list
        .iter()
        .filter(|d| d.get("side_data_type").and_then(|t| t.as_str()) == Some("Display Matrix"))
        .find_map(|d| d.get("rotation").and_then(json_f64))
        .map(|ccw| -ccw);
    let from_tag = || s.tags.get("rotate").and_then(json_f64);
    let cw = from_matrix.or_else(from_tag).unwrap_or(0.0);
    (cw.round() as i64).rem_euclid(360) as u32
}

/// Whether the stream's display matrix flips the picture: the determinant of its 2×2 part
/// (`a b` on ffprobe's row 0, `c d` on row 1 of `displaymatrix`) is negative.
fn mirrored(s: &RawStream) -> bool {
    s.side_data_list
        .iter()
        .filter(|d| d.get("side_data_type").and_then(|t| t.as_str()) == Some("Display Matrix"))
        .find_map(|d| d.get("displaymatrix").and_then(|m| m.as_str()).and_then(matrix_determinant))
        .is_some_and(|det| det < 0.0)
}

/// The determinant of the 2×2 part of ffprobe's `displaymatrix` text
/// (`00000000: a b u`, `00000001: c d v`, `00000002: x y w`); `None` when it does not parse.
fn matrix_determinant(text: &str) -> Option<f64> {
    let rows: Vec<Vec<f64>> = text
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(_, values)| values.split_whitespace().filter_map(|v| v.parse::<f64>().ok()).collect())
        .collect();
    match rows.as_slice() {
        [r0, r1, ..] if r0.len() >= 2 && r1.len() >= 2 => Some(r0[0] * r1[1] - r0[1] * r1[0]),
        _ => None,
    }
}

fn json_f64(v: &serde_json::Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())).filter(|x: &f64| x.is_finite())
}

#[cfg(test)]
mod tests;
