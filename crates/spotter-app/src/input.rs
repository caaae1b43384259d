//! Keypoint and marker input of the analysis, read as streams with bounded memory.
//!
//! Keypoint JSON goes through a buffered reader straight into typed frames handed one at a time
//! to the streaming analysis (`spotter_motion::keypoints::reader`, a [`FrameSink`]), so neither
//! the file's text, nor a `serde_json::Value` tree of it, nor its frames are ever held (an hour of
//! 30 fps keypoints is some 100 to 400 MB of text, 200 MB of frames). Keypoint
//! CSV is read a line at a time into `keypoints::CsvReader`. Errors read as before: a syntax
//! error with its line and column, a bad field named with its frame, and a file that is not UTF-8
//! said to be so.
//!
//! Size limits (exit 2 with a message naming the limit; the motion crate documents them):
//! every keypoint file at most `keypoints::MAX_FRAMES` = 432,000 frames (2 hours at 60 fps), no
//! frame time past 4 hours, at most 100 landmark rows in one frame's list; JSON at most 4 GiB
//! read and 1 MiB in any one string (checked here, on the bytes); CSV lines at most 64 KiB each
//! (checked here before a line is held). UI-PRMD marker files (`.txt`, `.txt.gz`) at most
//! 64 MiB of text after decompression and 64 MiB compressed (a repetition is about 1 MB of
//! text), so a gzip bomb stops at 64 MiB; at most 30,000 frames. Endless inputs (a pipe,
//! `/dev/zero` under a keypoint name) stop at these limits in bounded memory.

use crate::AppError;
use spotter_motion::keypoints::reader::{FrameSink, Header, stream_keypoints_json_counted};
use spotter_motion::keypoints::{
    self, CsvReader, KeypointSequence, MAX_CSV_LINE_BYTES, MAX_JSON_BYTES, MAX_JSON_BYTES_PER_FRAME, MAX_JSON_HEADER_BYTES, MAX_JSON_STRING_BYTES,
};
use spotter_motion::mocap::{self, MAX_UIPRMD_TEXT_BYTES};
use std::cell::Cell;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

/// Which limit a JSON byte stream broke.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Broke {
    Bytes,
    /// Bytes per frame, with the frames read then.
    PerFrame(usize),
    String,
}

/// Passes JSON bytes through, counting them, and fails the read past [`MAX_JSON_BYTES`] in all,
/// past [`MAX_JSON_BYTES_PER_FRAME`] per frame read (`frames`, which the parser counts) after
/// [`MAX_JSON_HEADER_BYTES`], or past [`MAX_JSON_STRING_BYTES`] inside one string (serde_json
/// holds a string whole while it reads it). Endless blank space or ignored values so stop within
/// a few MiB.
struct JsonLimits<R> {
    inner: R,
    frames: Rc<Cell<usize>>,
    total: u64,
    in_string: bool,
    escaped: bool,
    string_len: usize,
    broke: Rc<Cell<Option<Broke>>>,
}

impl<R: Read> JsonLimits<R> {
    fn new(inner: R, frames: Rc<Cell<usize>>, broke: Rc<Cell<Option<Broke>>>) -> JsonLimits<R> {
        JsonLimits { inner, frames, total: 0, in_string: false, escaped: false, string_len: 0, broke }
    }

    fn fail(&self, b: Broke) -> std::io::Error {
        self.broke.set(Some(b));
        std::io::Error::other("size limit")
    }
}

impl<R: Read> Read for JsonLimits<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.total += n as u64;
        if self.total > MAX_JSON_BYTES {
            return Err(self.fail(Broke::Bytes));
        }
        let frames = self.frames.get();
        if self.total > MAX_JSON_HEADER_BYTES + MAX_JSON_BYTES_PER_FRAME * frames as u64 {
            return Err(self.fail(Broke::PerFrame(frames)));
        }
        for &b in &out[..n] {
            if self.in_string {
                self.string_len += 1;
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                if self.string_len > MAX_JSON_STRING_BYTES {
                    return Err(self.fail(Broke::String));
                }
            } else if b == b'"' {
                self.in_string = true;
                self.string_len = 0;
            }
        }
        Ok(n)
    }
}

/// Passes bytes through, failing the read at the first byte sequence that is not UTF-8 (and
/// noting it, so the error can say so rather than blame the JSON).
struct Utf8Check<R> {
    inner: R,
    /// The start of a character cut by the end of the last read (at most 3 bytes).
    carry: Vec<u8>,
    bad: Rc<Cell<bool>>,
}

impl<R: Read> Utf8Check<R> {
    fn fail(&self) -> std::io::Error {
        self.bad.set(true);
        std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8")
    }
}

impl<R: Read> Read for Utf8Check<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        if n == 0 {
            return if self.carry.is_empty() { Ok(0) } else { Err(self.fail()) };
        }
        let checked: &[u8] = if self.carry.is_empty() {
            &out[..n]
        } else {
            self.carry.extend_from_slice(&out[..n]);
            &self.carry
        };
        let rest = match std::str::from_utf8(checked) {
            Ok(_) => Vec::new(),
            Err(e) if e.error_len().is_none() => checked[e.valid_up_to()..].to_vec(),
            Err(_) => return Err(self.fail()),
        };
        self.carry = rest;
        Ok(n)
    }
}

fn open(path: &Path) -> Result<std::fs::File, AppError> {
    std::fs::File::open(path).map_err(|e| AppError::input(format!("cannot read {}: {e}", path.display())))
}

/// Streams the keypoint JSON of `input` (named `name` in messages) into `sink`, with the checks
/// and messages of `keypoints::parse_keypoints_json`, stopping at the size limits of the module
/// docs and at the first bad frame (its line and column said).
pub fn stream_keypoints_json(input: impl Read, name: &str, sink: &mut dyn FrameSink) -> Result<Header, AppError> {
    let bad = Rc::new(Cell::new(false));
    let broke = Rc::new(Cell::new(None));
    let frames = Rc::new(Cell::new(0));
    let limited = JsonLimits::new(input, Rc::clone(&frames), Rc::clone(&broke));
    let reader = BufReader::with_capacity(256 * 1024, Utf8Check { inner: limited, carry: Vec::new(), bad: Rc::clone(&bad) });
    let parsed = stream_keypoints_json_counted(&mut serde_json::Deserializer::from_reader(reader), sink, &frames);
    let path = std::path::Path::new(name);
    match parsed {
        Ok(header) => Ok(header),
        Err(_) if broke.get() == Some(Broke::Bytes) => Err(AppError::input(format!(
            "{}: more than {} GiB of keypoint JSON, the limit on a keypoint file (2 hours at 60 frames per second is 1 to 2 GB)",
            path.display(),
            MAX_JSON_BYTES >> 30
        ))),
        Err(_) if broke.get() == Some(Broke::PerFrame(0)) => Err(AppError::input(format!(
            "{}: more than {} MiB of keypoint JSON before the first frame, the limit on what comes before the frames",
            path.display(),
            MAX_JSON_HEADER_BYTES >> 20
        ))),
        Err(_) if let Some(Broke::PerFrame(n)) = broke.get() => Err(AppError::input(format!(
            "{}: more than {} KiB of keypoint JSON per frame on average ({} MiB for {n} {}), the limit on one frame's size (a frame is 2 to 5 KB)",
            path.display(),
            MAX_JSON_BYTES_PER_FRAME >> 10,
            (MAX_JSON_HEADER_BYTES + MAX_JSON_BYTES_PER_FRAME * n as u64) >> 20,
            if n == 1 { "frame" } else { "frames" }
        ))),
        Err(_) if broke.get() == Some(Broke::String) => Err(AppError::input(format!(
            "{}: a JSON string longer than {} MiB, the limit on any one text value in a keypoint file",
            path.display(),
            MAX_JSON_STRING_BYTES >> 20
        ))),
        Err(_) if bad.get() => Err(AppError::input(format!("{}: not a text file (not UTF-8)", path.display()))),
        Err(e) => Err(AppError::input(format!("{}: {e}", path.display()))),
    }
}

/// Reads the keypoint JSON file at `path` into a sequence (as [`stream_keypoints_json`] streams it).
pub fn read_keypoints_json(path: &Path) -> Result<KeypointSequence, AppError> {
    #[derive(Default)]
    struct Keep(Option<Header>, Vec<spotter_motion::keypoints::KeypointFrame>);
    impl FrameSink for Keep {
        fn header(&mut self, h: &Header) {
            self.0 = Some(*h);
        }
        fn frame(&mut self, f: spotter_motion::keypoints::KeypointFrame) {
            self.1.push(f);
        }
    }
    let mut keep = Keep::default();
    let h = stream_keypoints_json(open(path)?, &path.display().to_string(), &mut keep)?;
    Ok(KeypointSequence { fps: h.fps, width: h.width, height: h.height, layout: h.layout, frames: keep.1 })
}

/// Reads the keypoint CSV file at `path` a line at a time, with the checks and messages of
/// `keypoints::parse_keypoints_csv`, stopping at the size limits of the module docs: a line is
/// never held past 64 KiB, and every frame is checked as it comes.
pub fn read_keypoints_csv(path: &Path) -> Result<KeypointSequence, AppError> {
    let mut input = BufReader::with_capacity(256 * 1024, open(path)?);
    let mut csv = CsvReader::new();
    let mut line = Vec::new();
    let err = |e: keypoints::KeypointError| AppError::input(format!("{}: {e}", path.display()));
    loop {
        line.clear();
        // At most one byte past the limit, so an endless line stops there.
        let n = (&mut input)
            .take(MAX_CSV_LINE_BYTES as u64 + 2)
            .read_until(b'\n', &mut line)
            .map_err(|e| AppError::input(format!("cannot read {}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        let ended = line.last() == Some(&b'\n');
        if ended {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        } else if n > MAX_CSV_LINE_BYTES {
            return Err(err(csv.line_too_long()));
        }
        let text = std::str::from_utf8(&line).map_err(|_| AppError::input(format!("{}: not a text file (not UTF-8)", path.display())))?;
        csv.line(text).map_err(err)?;
    }
    csv.finish().map_err(err)
}

/// Reads at most `limit` bytes of `r`, or says the limit was passed.
fn read_at_most(r: impl Read, limit: usize) -> std::io::Result<Result<Vec<u8>, ()>> {
    let mut out = Vec::new();
    r.take(limit as u64 + 1).read_to_end(&mut out)?;
    Ok(if out.len() > limit { Err(()) } else { Ok(out) })
}

/// Reads a UI-PRMD marker file (`.txt`, or `.txt.gz` when `gz`) and parses it, stopping at
/// 64 MiB of file and of text (a gzip bomb expands no further than that).
pub fn read_uiprmd(path: &Path, gz: bool) -> Result<mocap::MarkerTrial, AppError> {
    let file = open(path)?;
    let too_long = || AppError::input(format!("{}: {}", path.display(), mocap::too_long_text()));
    let bytes = read_at_most(file, MAX_UIPRMD_TEXT_BYTES).map_err(|e| AppError::input(format!("cannot read {}: {e}", path.display())))?;
    let bytes = bytes.map_err(|()| {
        if gz {
            AppError::input(format!(
                "{}: more than {} MiB of compressed marker file, the limit on a marker file (a repetition is about 0.1 MB compressed)",
                path.display(),
                MAX_UIPRMD_TEXT_BYTES >> 20
            ))
        } else {
            too_long()
        }
    })?;
    let bytes = if gz {
        read_at_most(flate2::read::GzDecoder::new(&bytes[..]), MAX_UIPRMD_TEXT_BYTES)
            .map_err(|e| AppError::input(format!("{}: not a readable gzip text file ({e})", path.display())))?
            .map_err(|()| too_long())?
    } else {
        bytes
    };
    let text = String::from_utf8(bytes).map_err(|_| AppError::input(format!("{}: not a text file (not UTF-8)", path.display())))?;
    mocap::parse_uiprmd(&text).map_err(|e| AppError::input(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(bytes: &[u8], chunk: usize) -> (Vec<u8>, bool) {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = out.len().min(self.1).min(self.0.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let bad = Rc::new(Cell::new(false));
        let mut r = Utf8Check { inner: Chunks(bytes, chunk), carry: Vec::new(), bad: Rc::clone(&bad) };
        let mut out = Vec::new();
        let ok = r.read_to_end(&mut out).is_ok();
        assert_eq!(ok, !bad.get());
        (out, ok)
    }

    #[test]
    fn utf8_is_checked_across_read_boundaries() {
        let text = "{\"note\": \"Kniebeuge – 深蹲 🏋\"}".as_bytes();
        for chunk in 1..8 {
            assert_eq!(checked(text, chunk), (text.to_vec(), true), "chunk {chunk}");
        }
        for bad in [&b"{\"a\": \"\xff\"}"[..], b"{\"a\": \"\xe6\xb7\"}", b"{} \xe6"] {
            for chunk in 1..5 {
                assert!(!checked(bad, chunk).1, "{bad:?} in chunks of {chunk}");
            }
        }
    }
}
