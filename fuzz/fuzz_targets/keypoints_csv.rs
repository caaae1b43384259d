//! Fuzz target: the keypoint CSV reader behind `spotter analyze FILE.csv`, both as the CLI runs it
//! (bytes read a line at a time, at most one line's limit held, each line fed to
//! `keypoints::CsvReader`) and on the whole text (`parse_keypoints_csv`), which must agree; then
//! the analysis of whatever parses, streaming (as `spotter analyze` runs it) and batch. Never a
//! panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spotter_motion::keypoints::{CsvReader, KeypointError, KeypointSequence, MAX_CSV_LINE_BYTES, parse_keypoints_csv};
use std::io::{BufRead, BufReader, Read};

/// Why the line-by-line read stopped.
#[derive(Debug, PartialEq)]
enum Stop {
    Csv(KeypointError),
    NotUtf8,
}

/// The read of `spotter analyze FILE.csv` (crates/spotter-app/src/input.rs,
/// `read_keypoints_csv`) on bytes instead of a file: lines of at most the limit and a byte,
/// `\n` or `\r\n` endings dropped, each line UTF-8 on its own.
fn read_lines(data: &[u8]) -> Result<KeypointSequence, Stop> {
    let mut input = BufReader::with_capacity(4096, data);
    let mut csv = CsvReader::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut input).take(MAX_CSV_LINE_BYTES as u64 + 2).read_until(b'\n', &mut line).expect("reading a slice");
        if n == 0 {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        } else if n > MAX_CSV_LINE_BYTES {
            return Err(Stop::Csv(csv.line_too_long()));
        }
        let text = std::str::from_utf8(&line).map_err(|_| Stop::NotUtf8)?;
        csv.line(text).map_err(Stop::Csv)?;
    }
    csv.finish().map_err(Stop::Csv)
}

fuzz_target!(|data: &[u8]| {
    let by_line = read_lines(data);
    if let Ok(text) = std::str::from_utf8(data) {
        // Same checks, same messages, whichever way the text comes in.
        let whole = parse_keypoints_csv(text).map_err(Stop::Csv);
        assert_eq!(whole, by_line, "whole text and line by line disagree");
    }
    if let Ok(seq) = by_line {
        spotter_fuzz::analyze_all(&seq, None, data.len());
    }
});
