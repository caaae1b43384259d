//! Keypoint JSON input for `spotter analyze`, read as a stream: the file goes through a buffered
//! reader straight into typed frames (`spotter_motion::keypoints::reader`), so neither the file's
//! text nor a `serde_json::Value` tree of it is ever held (an hour of 30 fps keypoints is some
//! 100 to 400 MB of text). Errors read as before: a syntax error with its line and column, a bad
//! field named with its frame, and a file that is not UTF-8 said to be so.

use crate::input_error;
use spotter_motion::keypoints::KeypointSequence;
use spotter_motion::keypoints::reader::parse_keypoints_json_from;
use std::cell::Cell;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;

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

/// Reads the keypoint JSON file at `path` (any size) into a sequence, with the same checks and
/// messages as `keypoints::parse_keypoints_json` on its text.
pub fn read_keypoints_json(path: &Path) -> anyhow::Result<KeypointSequence> {
    let file = std::fs::File::open(path).map_err(|e| input_error(format!("cannot read {}: {e}", path.display())))?;
    let bad = Rc::new(Cell::new(false));
    let reader = BufReader::with_capacity(256 * 1024, Utf8Check { inner: file, carry: Vec::new(), bad: Rc::clone(&bad) });
    let parsed = parse_keypoints_json_from(&mut serde_json::Deserializer::from_reader(reader));
    match parsed {
        Ok(seq) => Ok(seq),
        Err(_) if bad.get() => Err(input_error(format!("{}: not a text file (not UTF-8)", path.display()))),
        Err(e) => Err(input_error(format!("{}: {e}", path.display()))),
    }
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
