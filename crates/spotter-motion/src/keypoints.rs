//! Keypoint sequences as the pose model writes them (spec/movement.md, "Inputs"): per frame, 33
//! BlazePose (or 17 COCO) landmarks in normalised image coordinates, with visibility, and
//! optionally world landmarks in metres.
//!
//! # Size limits
//!
//! No keypoint file may exhaust memory, so every reader stops at these limits with an error that
//! names the limit ([`KeypointError::TooLarge`]):
//!
//! - a clip's length: at most [`MAX_FRAMES`] = 432,000 frames (2 hours at 60 frames per second,
//!   4 hours at 30), and no frame time past [`MAX_DURATION_S`] = 14,400 s (4 hours);
//! - one frame's size: at most [`MAX_LANDMARKS_PER_LIST`] = 100 rows in a landmark list (a frame
//!   has 33 or 17; numbers past the fourth in a row are counted, not kept); in CSV, at most [`MAX_CSV_LINE_BYTES`] = 64 KiB on one line (a frame's line is about 3 KB) and
//!   [`MAX_CSV_LINES`] lines in all (blank ones included);
//! - for callers that read a file as a stream (`spotter analyze`): at most [`MAX_JSON_BYTES`] =
//!   4 GiB of JSON, [`MAX_JSON_STRING_BYTES`] = 1 MiB in any one JSON string, and
//!   [`MAX_JSON_BYTES_PER_FRAME`] = 64 KiB per frame read (after [`MAX_JSON_HEADER_BYTES`] =
//!   1 MiB; a frame of the spec's form is 2 to 5 KB, pretty-printed some 15 KB). The callers
//!   enforce these, since only they see the bytes
//!   ([`reader::parse_keypoints_json_counted`] tells them the frames read); a 2-hour 60 fps file
//!   of the spec's form is about 1 to 2 GB.
//!
//! Within them, a 2-hour 60 fps clip held whole takes about 0.5 GB (33 landmarks of 32 bytes a
//! frame), more with world landmarks.


pub mod reader;

/// Most frames in a keypoint file: 2 hours at 60 frames per second.
pub const MAX_FRAMES: usize = 432_000;
/// Latest frame time accepted, in seconds (4 hours).
pub const MAX_DURATION_S: f64 = 14_400.0;
/// Most rows in one frame's landmark list (a frame has 33 or 17).
pub const MAX_LANDMARKS_PER_LIST: usize = 100;
/// Longest line of a keypoint CSV, in bytes (a frame's line is about 3 KB).
pub const MAX_CSV_LINE_BYTES: usize = 64 * 1024;
/// Most lines in a keypoint CSV, blank ones included (two per frame, and the two header lines).
pub const MAX_CSV_LINES: usize = 2 * MAX_FRAMES + 2;
/// Most bytes of keypoint JSON a streaming caller reads (4 GiB).
pub const MAX_JSON_BYTES: u64 = 4 << 30;
/// Longest JSON string a streaming caller accepts, in bytes (1 MiB).
pub const MAX_JSON_STRING_BYTES: usize = 1 << 20;
/// Bytes of keypoint JSON a streaming caller accepts per frame read, on top of
/// [`MAX_JSON_HEADER_BYTES`] (64 KiB; a frame is 2 to 5 KB).
pub const MAX_JSON_BYTES_PER_FRAME: u64 = 64 << 10;
/// Bytes of keypoint JSON a streaming caller accepts before the first frame (1 MiB).
pub const MAX_JSON_HEADER_BYTES: u64 = 1 << 20;

/// Which landmark set a sequence uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// MediaPipe BlazePose: 33 landmarks.
    Blazepose33,
    /// COCO: 17 keypoints.
    Coco17,
}

impl Layout {
    pub fn landmark_count(self) -> usize {
        match self {
            Layout::Blazepose33 => 33,
            Layout::Coco17 => 17,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Layout::Blazepose33 => "blazepose33",
            Layout::Coco17 => "coco17",
        }
    }
}

/// BlazePose landmark indices used by the analysis.
pub mod bp {
    pub const NOSE: usize = 0;
    pub const LEFT_EAR: usize = 7;
    pub const RIGHT_EAR: usize = 8;
    pub const LEFT_SHOULDER: usize = 11;
    pub const RIGHT_SHOULDER: usize = 12;
    pub const LEFT_WRIST: usize = 15;
    pub const RIGHT_WRIST: usize = 16;
    pub const LEFT_HIP: usize = 23;
    pub const RIGHT_HIP: usize = 24;
    pub const LEFT_KNEE: usize = 25;
    pub const RIGHT_KNEE: usize = 26;
    pub const LEFT_ANKLE: usize = 27;
    pub const RIGHT_ANKLE: usize = 28;
    pub const LEFT_HEEL: usize = 29;
    pub const RIGHT_HEEL: usize = 30;
    pub const LEFT_FOOT_INDEX: usize = 31;
    pub const RIGHT_FOOT_INDEX: usize = 32;
}

/// One landmark: `x`, `y` in 0..1 of the image width and height (y down), `z` relative depth in
/// the same scale as x (negative toward the camera), `visibility` 0..1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Keypoint {
    pub x: f64,
    pub y: f64,
    pub z: f64,
    pub visibility: f64,
}

/// One frame. `landmarks` is `None` when no person was found.
#[derive(Debug, Clone, PartialEq)]
pub struct KeypointFrame {
    /// Time from the start of the clip, in seconds.
    pub t: f64,
    pub landmarks: Option<Vec<Keypoint>>,
    /// World landmarks in metres (y down, origin between the hips), when the pose model gives them.
    pub world_landmarks: Option<Vec<[f64; 3]>>,
}

/// A clip's keypoints.
#[derive(Debug, Clone, PartialEq)]
pub struct KeypointSequence {
    /// Frames per second of the source.
    pub fps: f64,
    /// Image size in pixels, for turning normalised coordinates into a true aspect ratio.
    pub width: u32,
    pub height: u32,
    pub layout: Layout,
    pub frames: Vec<KeypointFrame>,
}

/// Why a keypoint file was refused, with where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeypointError {
    #[error("not valid JSON: {message} at line {line}, column {column}")]
    Json { line: usize, column: usize, message: String },
    #[error("line {line}, column {column}: {message}")]
    Csv { line: usize, column: usize, message: String },
    #[error("`{field}`: {message}")]
    Field { field: String, message: String },
    /// A field error met while streaming, with where reading stopped.
    #[error("`{field}`: {message} (line {line}, column {column})")]
    FieldAt { field: String, message: String, line: usize, column: usize },
    /// A size limit of the module docs was reached; reading stopped there.
    #[error("{message}")]
    TooLarge { message: String },
}

pub(crate) fn too_large(message: impl Into<String>) -> KeypointError {
    KeypointError::TooLarge { message: message.into() }
}

/// A time for a message, short even when absurd.
pub(crate) fn short_time(t: f64) -> String {
    crate::plausibility::short_number(t)
}

fn field(field: impl Into<String>, message: impl Into<String>) -> KeypointError {
    KeypointError::Field { field: field.into(), message: message.into() }
}

fn layout_from(id: &str) -> Option<Layout> {
    match id {
        "blazepose33" | "blazepose" | "mediapipe" => Some(Layout::Blazepose33),
        "coco17" | "coco" => Some(Layout::Coco17),
        _ => None,
    }
}

/// Checks the sequence-wide fields and each frame, naming the first problem.
fn validate(seq: &KeypointSequence) -> Result<(), KeypointError> {
    if !(seq.fps.is_finite() && seq.fps > 0.0 && seq.fps <= 1000.0) {
        return Err(field("fps", format!("expected frames per second above 0 and up to 1000, got {}", seq.fps)));
    }
    if seq.width == 0 || seq.height == 0 {
        return Err(field("width", "image width and height must be above 0 pixels"));
    }
    if seq.frames.is_empty() {
        return Err(field("frames", "the file has no frames"));
    }
    let mut last_t = f64::NEG_INFINITY;
    for (i, f) in seq.frames.iter().enumerate() {
        validate_frame(i, f, seq.layout, last_t)?;
        last_t = f.t;
    }
    Ok(())
}

/// Checks frame `i` (time after `last_t`, landmark counts for `layout`, finite values, visibility).
fn validate_frame(i: usize, f: &KeypointFrame, layout: Layout, last_t: f64) -> Result<(), KeypointError> {
    let n = layout.landmark_count();
    if !f.t.is_finite() || f.t < 0.0 {
        return Err(field(format!("frames[{i}].t"), format!("expected a time in seconds of at least 0, got {}", f.t)));
    }
    if f.t <= last_t {
        return Err(field(format!("frames[{i}].t"), format!("times must increase, but {} follows {last_t}", f.t)));
    }
    if let Some(lms) = &f.landmarks {
        if lms.len() != n {
            return Err(field(format!("frames[{i}].landmarks"), format!("expected {n} landmarks for {}, got {}", layout.id(), lms.len())));
        }
        for (j, k) in lms.iter().enumerate() {
            if ![k.x, k.y, k.z, k.visibility].iter().all(|v| v.is_finite()) {
                return Err(field(format!("frames[{i}].landmarks[{j}]"), "values must be finite numbers"));
            }
            if !(0.0..=1.0).contains(&k.visibility) {
                return Err(field(format!("frames[{i}].landmarks[{j}]"), format!("visibility must be 0 to 1, got {}", k.visibility)));
            }
        }
    }
    if let Some(w) = &f.world_landmarks {
        if w.len() != n {
            return Err(field(format!("frames[{i}].world_landmarks"), format!("expected {n} world landmarks, got {}", w.len())));
        }
        if w.iter().flatten().any(|v| !v.is_finite()) {
            return Err(field(format!("frames[{i}].world_landmarks"), "values must be finite numbers"));
        }
    }
    Ok(())
}

/// Reads the keypoint JSON of spec/movement.md:
/// `{"fps", "width", "height", "layout", "frames": [{"t", "landmarks": [[x, y, z, v] ...] | null,
/// "world_landmarks": [[x, y, z] ...]?}]}`. Also reads MediaPipe dumps that give
/// `video_info: {fps, width, height}` and per-frame `timestamp_ms` instead (BlazePose layout).
/// Parses straight into typed frames ([`reader`]); a syntax error gives its line and column.
pub fn parse_keypoints_json(text: &str) -> Result<KeypointSequence, KeypointError> {
    reader::parse_keypoints_json_from(&mut serde_json::Deserializer::from_str(text))
}

/// The earlier reader of the same JSON, through a `serde_json::Value` tree: same results and
/// errors as [`parse_keypoints_json`], several times slower and about ten times the memory. Kept
/// as the reference the typed reader is tested against, and for the parse benchmark.
pub fn parse_keypoints_json_via_value(text: &str) -> Result<KeypointSequence, KeypointError> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| KeypointError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string().split(" at line ").next().unwrap_or("invalid JSON").to_string(),
    })?;
    let obj = v.as_object().ok_or_else(|| field("(top level)", "expected one JSON object"))?;
    let info = obj.get("video_info").and_then(|i| i.as_object()).unwrap_or(obj);
    let num = |key: &str| -> Result<f64, KeypointError> {
        info.get(key).and_then(|x| x.as_f64()).ok_or_else(|| field(key, "missing or not a number"))
    };
    let fps = num("fps")?;
    let size = |key: &str| -> Result<u32, KeypointError> {
        let x = num(key)?;
        if x.fract() != 0.0 || !(1.0..=100_000.0).contains(&x) {
            return Err(field(key, format!("expected a whole number of pixels, got {x}")));
        }
        Ok(x as u32)
    };
    let (width, height) = (size("width")?, size("height")?);
    let layout = match obj.get("layout") {
        None => Layout::Blazepose33,
        Some(l) => {
            let id = l.as_str().ok_or_else(|| field("layout", "expected a string"))?;
            layout_from(id).ok_or_else(|| field("layout", format!("unknown layout `{id}` (expected blazepose33 or coco17)")))?
        }
    };
    let frames_v = obj.get("frames").and_then(|f| f.as_array()).ok_or_else(|| field("frames", "missing or not a list"))?;
    let mut frames = Vec::with_capacity(frames_v.len());
    for (i, f) in frames_v.iter().enumerate() {
        let at = |k: &str| format!("frames[{i}].{k}");
        let fo = f.as_object().ok_or_else(|| field(format!("frames[{i}]"), "expected an object"))?;
        let t = match (fo.get("t"), fo.get("timestamp_ms")) {
            (Some(t), _) => t.as_f64().ok_or_else(|| field(at("t"), "expected a number of seconds"))?,
            (None, Some(ms)) => ms.as_f64().ok_or_else(|| field(at("timestamp_ms"), "expected a number"))? / 1000.0,
            (None, None) => return Err(field(at("t"), "missing (time in seconds)")),
        };
        let landmarks = match fo.get("landmarks") {
            None | Some(serde_json::Value::Null) => None,
            Some(l) => {
                let rows = l.as_array().ok_or_else(|| field(at("landmarks"), "expected a list of [x, y, z, visibility]"))?;
                let mut out = Vec::with_capacity(rows.len());
                for (j, r) in rows.iter().enumerate() {
                    let nums: Option<Vec<f64>> = r.as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect());
                    match nums.as_deref() {
                        Some([x, y, z, v]) => out.push(Keypoint { x: *x, y: *y, z: *z, visibility: *v }),
                        Some([x, y, z]) => out.push(Keypoint { x: *x, y: *y, z: *z, visibility: 1.0 }),
                        _ => return Err(field(format!("frames[{i}].landmarks[{j}]"), "expected [x, y, z, visibility] numbers")),
                    }
                }
                Some(out)
            }
        };
        let world_landmarks = match fo.get("world_landmarks") {
            None | Some(serde_json::Value::Null) => None,
            Some(l) => {
                let rows = l.as_array().ok_or_else(|| field(at("world_landmarks"), "expected a list of [x, y, z]"))?;
                let mut out = Vec::with_capacity(rows.len());
                for (j, r) in rows.iter().enumerate() {
                    let nums: Option<Vec<f64>> = r.as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect());
                    match nums.as_deref() {
                        Some([x, y, z]) => out.push([*x, *y, *z]),
                        _ => return Err(field(format!("frames[{i}].world_landmarks[{j}]"), "expected [x, y, z] numbers in metres")),
                    }
                }
                Some(out)
            }
        };
        frames.push(KeypointFrame { t, landmarks, world_landmarks });
    }
    let seq = KeypointSequence { fps, width, height, layout, frames };
    validate(&seq)?;
    Ok(seq)
}

/// Reads the CSV form: a first line `# fps=30,width=1080,height=1920,layout=blazepose33`, a header
/// line, then one line per frame: `t` followed by x, y, z, visibility of every landmark in layout
/// order (a frame with no person leaves the landmark cells empty). A byte-order mark before the
/// first line is skipped. Stops at the size limits of the module docs. Line by line through
/// [`CsvReader`], which a caller reading a file can feed as it reads.
pub fn parse_keypoints_csv(text: &str) -> Result<KeypointSequence, KeypointError> {
    let mut r = CsvReader::new();
    for line in text.lines() {
        r.line(line)?;
    }
    r.finish()
}

/// The keypoint CSV read one line at a time, each frame checked as it comes, so a reader stops
/// at the first problem (or limit) without holding the text. Feed lines without their line
/// ending (`\r\n` or `\n`), then [`CsvReader::finish`].
#[derive(Debug, Clone, Default)]
pub struct CsvReader {
    /// Lines taken so far.
    lines: usize,
    header: Option<reader::Header>,
    header_line_seen: bool,
    frames: Vec<KeypointFrame>,
}

fn csv_err(line: usize, column: usize, message: impl Into<String>) -> KeypointError {
    KeypointError::Csv { line, column, message: message.into() }
}

impl CsvReader {
    pub fn new() -> CsvReader {
        CsvReader::default()
    }

    /// The error for a line longer than [`MAX_CSV_LINE_BYTES`], for a caller that stopped
    /// reading it there (the line it would have been).
    pub fn line_too_long(&self) -> KeypointError {
        csv_err(self.lines + 1, 1, format!("the line is longer than {} KiB, the limit on one frame's line", MAX_CSV_LINE_BYTES / 1024))
    }

    /// Takes the next line.
    pub fn line(&mut self, line: &str) -> Result<(), KeypointError> {
        if line.len() > MAX_CSV_LINE_BYTES {
            return Err(self.line_too_long());
        }
        self.lines += 1;
        let no = self.lines;
        if no > MAX_CSV_LINES {
            return Err(too_large(format!("line {no}: more than {MAX_CSV_LINES} lines, the limit on a keypoint CSV's length ({MAX_FRAMES} frames)")));
        }
        let Some(header) = self.header else {
            self.header = Some(Self::meta(line)?);
            return Ok(());
        };
        let expected_cols = 1 + 4 * header.layout.landmark_count();
        if !self.header_line_seen {
            self.header_line_seen = true;
            let hcols = line.split(',').count();
            if hcols != expected_cols {
                return Err(csv_err(no, 1, format!("expected {expected_cols} header columns (t and 4 per landmark), got {hcols}")));
            }
            return Ok(());
        }
        if line.trim().is_empty() {
            return Ok(());
        }
        let cells = line.split(',').count();
        if cells != expected_cols {
            return Err(csv_err(no, cells.min(expected_cols), format!("expected {expected_cols} columns, got {cells}")));
        }
        let mut cells = line.split(',');
        let t_cell = cells.next().unwrap_or("");
        let t = t_cell.trim().parse::<f64>().map_err(|_| csv_err(no, 1, format!("`{}` is not a time in seconds", shorten(t_cell))))?;
        let rest: Vec<&str> = cells.collect();
        let landmarks = if rest.iter().all(|c| c.trim().is_empty()) {
            None
        } else {
            let mut vals = Vec::with_capacity(rest.len());
            for (j, c) in rest.iter().enumerate() {
                let v = c.trim().parse::<f64>().map_err(|_| csv_err(no, j + 2, format!("`{}` is not a number", shorten(c))))?;
                vals.push(v);
            }
            Some(vals.chunks(4).map(|c| Keypoint { x: c[0], y: c[1], z: c[2], visibility: c[3] }).collect())
        };
        let i = self.frames.len();
        if i >= MAX_FRAMES {
            return Err(too_large(format!(
                "line {no}: more than {MAX_FRAMES} frames, the limit on a keypoint file's length (2 hours at 60 frames per second)"
            )));
        }
        if t > MAX_DURATION_S {
            return Err(too_large(format!(
                "line {no}: t = {} s is past {MAX_DURATION_S} s, the limit on a keypoint file's length (4 hours)",
                short_time(t)
            )));
        }
        let frame = KeypointFrame { t, landmarks, world_landmarks: None };
        validate_frame(i, &frame, header.layout, self.frames.last().map_or(f64::NEG_INFINITY, |f| f.t))?;
        self.frames.push(frame);
        Ok(())
    }

    /// The first line: `# fps=...,width=...,height=...,layout=...`.
    fn meta(line: &str) -> Result<reader::Header, KeypointError> {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let meta = line
            .trim()
            .strip_prefix('#')
            .ok_or_else(|| csv_err(1, 1, "the first line must be `# fps=...,width=...,height=...,layout=...`"))?;
        let (mut fps, mut width, mut height, mut layout) = (None, None, None, Layout::Blazepose33);
        for part in meta.split(',') {
            let Some((k, v)) = part.split_once('=') else { continue };
            let (k, v) = (k.trim(), v.trim());
            match k {
                "fps" => fps = v.parse::<f64>().ok(),
                "width" => width = v.parse::<u32>().ok(),
                "height" => height = v.parse::<u32>().ok(),
                "layout" => layout = layout_from(v).ok_or_else(|| csv_err(1, 1, format!("unknown layout `{}`", shorten(v))))?,
                _ => {}
            }
        }
        let fps = fps.ok_or_else(|| csv_err(1, 1, "fps missing or not a number in the first line"))?;
        let width = width.ok_or_else(|| csv_err(1, 1, "width missing or not a whole number in the first line"))?;
        let height = height.ok_or_else(|| csv_err(1, 1, "height missing or not a whole number in the first line"))?;
        let header = reader::Header { fps, width, height, layout };
        // The sequence-wide checks, before any frame is read.
        validate(&KeypointSequence { fps, width, height, layout, frames: vec![KeypointFrame { t: 0.0, landmarks: None, world_landmarks: None }] })?;
        Ok(header)
    }

    /// Ends the file: the sequence, or what is missing.
    pub fn finish(self) -> Result<KeypointSequence, KeypointError> {
        let Some(h) = self.header else { return Err(csv_err(1, 1, "the file is empty")) };
        if !self.header_line_seen {
            return Err(csv_err(2, 1, "the header line is missing"));
        }
        let seq = KeypointSequence { fps: h.fps, width: h.width, height: h.height, layout: h.layout, frames: self.frames };
        validate(&seq)?;
        Ok(seq)
    }
}

/// At most 40 characters of a bad cell, for an error message.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests;
