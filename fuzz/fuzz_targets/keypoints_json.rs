//! Fuzz target: the keypoint JSON readers behind `spotter analyze FILE.json`: the typed reader on
//! text, over a byte slice and over a `Read` counting frames (which must all agree), and the
//! streaming mode that hands each frame to the streaming engine as `spotter analyze` runs it;
//! then the batch analysis of whatever parsed. Any input must give a typed error or an analysis;
//! never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spotter_motion::keypoints::parse_keypoints_json;
use spotter_motion::keypoints::reader::{parse_keypoints_json_counted, parse_keypoints_json_from, stream_keypoints_json_counted};
use spotter_motion::stream::{AnalyzerSink, StreamSummary};
use std::cell::Cell;
use std::io::Read;

/// A reader that hands out at most `chunk` bytes a call, so that reads end inside tokens and
/// characters as they do with a real file.
struct Chunks<'a> {
    rest: &'a [u8],
    chunk: usize,
}

impl Read for Chunks<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = out.len().min(self.chunk).min(self.rest.len());
        out[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let selector = data.len();
    let from_slice = parse_keypoints_json_from(&mut serde_json::Deserializer::from_slice(data));
    // As the CLI reads a file: from a `Read`, counting the frames as they are read (the CLI's
    // per-frame byte limit hangs on that count; at this target's input sizes it never applies).
    let reader = Chunks { rest: data, chunk: 1 + data.len() % 4093 };
    let frames_read = Cell::new(0);
    let from_reader = parse_keypoints_json_counted(&mut serde_json::Deserializer::from_reader(reader), &frames_read);
    if let Ok(seq) = &from_reader {
        assert_eq!(frames_read.get(), seq.frames.len(), "frames counted and frames read differ");
    }
    // The three ways in read the same document the same way.
    assert_eq!(from_slice.as_ref().ok(), from_reader.as_ref().ok(), "slice and reader disagree");
    if let Ok(text) = std::str::from_utf8(data) {
        let from_str = parse_keypoints_json(text);
        assert_eq!(from_str.as_ref().ok(), from_slice.as_ref().ok(), "str and slice disagree");
    }

    // As `spotter analyze FILE.json` runs: frames streamed straight into the streaming engine,
    // counted as they are read, the reps handed out as they complete.
    let mut reps = Vec::new();
    let opts = spotter_fuzz::options(selector, false);
    let movement = opts.movement;
    let mut sink = AnalyzerSink::new(spotter_fuzz::config(selector), opts, spotter_fuzz::thresholds().clone(), |m| reps.push(m));
    let streamed_frames = Cell::new(0);
    let streamed = stream_keypoints_json_counted(&mut serde_json::Deserializer::from_slice(data), &mut sink, &streamed_frames);
    if streamed.is_ok()
        && let Ok(summary) = sink.finish()
    {
        let analysis = spotter_fuzz::assemble(movement, reps, StreamSummary { reps: Vec::new(), ..summary });
        spotter_fuzz::finish(&analysis, false);
    }

    if let (Ok(_), Ok(seq)) = (&streamed, &from_slice) {
        assert_eq!(streamed_frames.get(), seq.frames.len(), "streamed and collected frames differ");
    }

    // The batch analysis of what was read whole (the streaming one ran in the sink above).
    if let Ok(seq) = from_slice {
        spotter_fuzz::analyze_batch(&seq, None, selector);
    }
});
