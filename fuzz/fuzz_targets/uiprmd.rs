//! Fuzz target: the UI-PRMD marker reader behind `spotter analyze FILE.txt[.gz]`: parse,
//! prepare (hip joint centres, pelvis gaps), the side view a phone would see, the analysis of
//! that view as one repetition (streaming, as `spotter analyze` runs it, and batch), with the
//! marker verdict. Bytes that start with the gzip magic go
//! through the decoder first (at most `MAX_UNZIPPED` bytes of it), as a `.txt.gz` file does.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spotter_motion::mocap::{self, CameraSide};
use std::io::Read;

/// The most decompressed bytes looked at, so that a small "gzip bomb" does not turn into a
/// memory finding of the harness (the reader takes text; the size limit is the CLI's business).
const MAX_UNZIPPED: u64 = 4 * 1024 * 1024;

fn run(text: &str, selector: usize) {
    let Ok(trial) = mocap::parse_uiprmd(text) else { return };
    let Ok(prepared) = mocap::prepare(&trial) else { return };
    let _ = prepared.repetition();
    let _ = mocap::verdict::measures(&prepared);
    // The CLI's view (camera on the right, resampled to 30 fps) for most inputs; for one in four,
    // picked by length, the other side at the recording's own rate.
    let seq = if selector % 4 == 3 {
        mocap::to_side_view(&prepared, CameraSide::Left, None)
    } else {
        mocap::to_side_view(&prepared, CameraSide::Right, Some(30.0))
    };
    spotter_fuzz::analyze_all(&seq, Some(&prepared), selector);
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(&[0x1f, 0x8b]) {
        let mut text = String::new();
        let unzipped = flate2::read::GzDecoder::new(data).take(MAX_UNZIPPED).read_to_string(&mut text);
        if unzipped.is_ok() {
            run(&text, data.len());
        }
    } else if let Ok(text) = std::str::from_utf8(data) {
        run(text, data.len());
    }
});
