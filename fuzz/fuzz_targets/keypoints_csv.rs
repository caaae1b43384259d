//! Fuzz target: the keypoint CSV reader behind `spotter analyze FILE.csv`, then the analysis of
//! whatever parses, batch and streaming. Any input must give a typed error or an analysis.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spotter_motion::keypoints::parse_keypoints_csv;

fuzz_target!(|data: &[u8]| {
    // The CLI refuses a file that is not UTF-8 before the reader sees it.
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(seq) = parse_keypoints_csv(text) {
        spotter_fuzz::analyze_all(&seq, data.len());
    }
});
