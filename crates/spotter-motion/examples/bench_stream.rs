//! Bench binary for the streaming analysis (issue 4's benchmark). Prints:
//! - frames analysed per second on a 60 s, 30 fps synthetic clip of squat sets, batch
//!   (`analysis::analyze` after `SagittalBody::from_keypoints`) and streaming (`StreamAnalyzer`);
//!   the goal is the whole clip well under 10 ms;
//! - the keypoint JSON parse of that clip: through `serde_json::Value` (the reader before), typed
//!   (`parse_keypoints_json` now), and streamed frame by frame;
//! - peak memory (VmHWM of /proc/self/status) of a child process streaming a synthetic 10-minute
//!   and one-hour 30 fps session as JSON text made on the fly by a generator that implements
//!   `io::Read` (the file never exists), through the streaming reader into the streaming analyser;
//!   and, for contrast, the peak memory of holding the clip and running the batch analysis.
//!
//! Run: `cargo run --release -p spotter-motion --example bench_stream`
//! (`-- rss SECONDS` runs one child measurement by itself; `-- write SECONDS FILE` writes the
//! generator's keypoint JSON to a file; `-- speed` skips the memory part; `-- loop`
//! runs the streaming analysis alone 300 times, for a profiler).

use spotter_motion::analysis::{self, Movement, Options};
use spotter_motion::body::SagittalBody;
use spotter_motion::keypoints::reader::{FrameSink, Header, stream_keypoints_json};
use spotter_motion::keypoints::{KeypointFrame, KeypointSequence, parse_keypoints_json, parse_keypoints_json_via_value};
use spotter_motion::load::{ExternalLoad, Lifter, LoadPosition, Sex};
use spotter_motion::stream::synth::{Session, SessionSpec};
use spotter_motion::stream::{AnalyzerSink, StreamConfig, analyze_streaming};
use spotter_motion::thresholds::Thresholds;
use std::hint::black_box;
use std::io::{BufReader, Read, Write};
use std::time::Instant;

fn spec(seconds: f64) -> SessionSpec {
    SessionSpec { seconds, fps: 30.0, reps_per_set: 8, rest_s: 45.0, seed: 42 }
}

fn options() -> Options {
    Options {
        movement: Movement::Squat,
        single_rep: false,
        lifter: Lifter { body_mass_kg: 80.0, height_m: 1.75, sex: Sex::Male },
        load: ExternalLoad { mass_kg: 100.0, position: LoadPosition::Back },
        dynamic: false,
    }
}

/// The median of `runs` timings of `f`, in milliseconds.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

/// The keypoint JSON of a session, made frame by frame as it is read.
struct JsonGenerator {
    header: Header,
    frames: Session,
    buf: Vec<u8>,
    pos: usize,
    started: bool,
    first: bool,
    done: bool,
}

impl JsonGenerator {
    fn new(spec: SessionSpec) -> JsonGenerator {
        JsonGenerator { header: spec.header(), frames: Session::new(spec), buf: Vec::with_capacity(8192), pos: 0, started: false, first: true, done: false }
    }

    fn refill(&mut self) {
        self.buf.clear();
        self.pos = 0;
        if !self.started {
            self.started = true;
            let h = self.header;
            write!(self.buf, "{{\"fps\": {}, \"width\": {}, \"height\": {}, \"layout\": \"{}\", \"frames\": [", h.fps, h.width, h.height, h.layout.id()).expect("to memory");
            return;
        }
        match self.frames.next() {
            Some(f) => {
                if !self.first {
                    self.buf.extend_from_slice(b",\n");
                }
                self.first = false;
                write!(self.buf, "{{\"t\": {}, \"landmarks\": ", f.t).expect("to memory");
                match &f.landmarks {
                    None => self.buf.extend_from_slice(b"null"),
                    Some(l) => {
                        self.buf.push(b'[');
                        for (i, k) in l.iter().enumerate() {
                            if i > 0 {
                                self.buf.push(b',');
                            }
                            write!(self.buf, "[{:.5},{:.5},{},{}]", k.x, k.y, k.z, k.visibility).expect("to memory");
                        }
                        self.buf.push(b']');
                    }
                }
                self.buf.push(b'}');
            }
            None if !self.done => {
                self.done = true;
                self.buf.extend_from_slice(b"]}\n");
            }
            None => {}
        }
    }
}

impl Read for JsonGenerator {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.buf.len() {
            self.refill();
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn vm_hwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// Child mode: streams a session of `seconds` and prints `bytes frames reps held hwm_kb secs`.
fn rss_child(seconds: f64) {
    let before = vm_hwm_kb().unwrap_or(0);
    let started = Instant::now();
    let mut reps = 0usize;
    let mut counted = JsonGenerator::new(spec(seconds));
    let mut bytes = 0u64;
    let mut sink = AnalyzerSink::new(StreamConfig::new(1.75, 6.0), options(), Thresholds::builtin(), |_| reps += 1);
    {
        let reader = BufReader::with_capacity(64 * 1024, CountingRead { inner: &mut counted, bytes: &mut bytes });
        stream_keypoints_json(&mut serde_json::Deserializer::from_reader(reader), &mut sink).expect("valid JSON");
    }
    let summary = sink.finish().expect("analysable");
    println!(
        "{bytes} {} {reps} {} {} {before} {:.2}",
        summary.frames,
        summary.max_frames_held,
        vm_hwm_kb().unwrap_or(0),
        started.elapsed().as_secs_f64()
    );
}

/// Child mode, for contrast: the whole file into memory the old ways, then the batch analysis.
/// `typed`: frames collected by the typed reader from the generator; `value`: the text in a
/// `String`, parsed through `serde_json::Value`. Prints `frames reps hwm_kb before_kb secs`.
fn rss_batch_child(seconds: f64, how: &str) {
    let before = vm_hwm_kb().unwrap_or(0);
    let started = Instant::now();
    let seq = if how == "value" {
        let mut text = String::new();
        JsonGenerator::new(spec(seconds)).read_to_string(&mut text).expect("UTF-8");
        parse_keypoints_json_via_value(&text).expect("parses")
    } else {
        let reader = BufReader::with_capacity(64 * 1024, JsonGenerator::new(spec(seconds)));
        spotter_motion::keypoints::reader::parse_keypoints_json_from(&mut serde_json::Deserializer::from_reader(reader)).expect("parses")
    };
    let body = SagittalBody::from_keypoints(&seq, 1.75, 6.0).expect("body");
    let a = analysis::analyze(&body, &options(), &Thresholds::builtin());
    println!("{} {} {} {before} {:.2}", seq.frames.len(), a.reps.len(), vm_hwm_kb().unwrap_or(0), started.elapsed().as_secs_f64());
}

struct CountingRead<'a, R> {
    inner: &'a mut R,
    bytes: &'a mut u64,
}

impl<R: Read> Read for CountingRead<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        *self.bytes += n as u64;
        Ok(n)
    }
}

/// A sink that drops frames (the parse alone).
struct Discard;
impl FrameSink for Discard {
    fn header(&mut self, h: &Header) {
        black_box(h);
    }
    fn frame(&mut self, f: KeypointFrame) {
        black_box(f);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("rss") {
        rss_child(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(600.0));
        return;
    }
    if args.get(1).map(String::as_str) == Some("write") {
        // The generator's JSON to a file (bench/memory.sh runs `spotter analyze` on it).
        let seconds = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(600.0);
        let path = args.get(3).expect("write SECONDS FILE");
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create the file"));
        std::io::copy(&mut JsonGenerator::new(spec(seconds)), &mut out).expect("write the keypoints");
        out.flush().expect("write the keypoints");
        return;
    }
    if args.get(1).map(String::as_str) == Some("rss-batch") {
        rss_batch_child(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(600.0), args.get(3).map_or("typed", String::as_str));
        return;
    }
    let s = spec(60.0);
    let h = s.header();
    let seq = KeypointSequence { fps: h.fps, width: h.width, height: h.height, layout: h.layout, frames: Session::new(s).collect() };
    let n = seq.frames.len();
    let opts = options();
    let thresholds = Thresholds::builtin();
    let batch = || {
        let body = SagittalBody::from_keypoints(black_box(&seq), 1.75, 6.0).expect("body");
        analysis::analyze(&body, &opts, &thresholds)
    };
    let streaming = || analyze_streaming(black_box(&seq), StreamConfig::new(1.75, 6.0), &opts, &thresholds).expect("streams");
    if args.get(1).map(String::as_str) == Some("loop") {
        // For a profiler: the streaming analysis alone, many times.
        for _ in 0..300 {
            black_box(streaming());
        }
        return;
    }
    let (b, st) = (batch(), streaming());
    println!("60 s clip at 30 fps: {n} frames, {} reps (batch) / {} reps (streaming)", b.reps.len(), st.reps.len());
    let runs = 31;
    for (name, ms) in [("batch", median_ms(runs, || drop(black_box(batch())))), ("streaming", median_ms(runs, || drop(black_box(streaming()))))] {
        println!("  analyse, {name:<9}: {ms:7.2} ms per clip, {:>9.0} frames/s (goal: well under 10 ms)", n as f64 / (ms / 1e3));
    }
    let json = serde_json::to_string(&spotter_wire::KeypointsDoc::new(&seq)).expect("keypoints JSON");
    println!("keypoint JSON of the clip: {:.1} MB", json.len() as f64 / 1e6);
    let before = median_ms(11, || drop(black_box(parse_keypoints_json_via_value(black_box(&json)).expect("parses"))));
    let typed = median_ms(11, || drop(black_box(parse_keypoints_json(black_box(&json)).expect("parses"))));
    let streamed = median_ms(11, || {
        stream_keypoints_json(&mut serde_json::Deserializer::from_str(black_box(&json)), &mut Discard).expect("parses");
    });
    let from_reader = median_ms(11, || {
        let r = BufReader::new(json.as_bytes());
        stream_keypoints_json(&mut serde_json::Deserializer::from_reader(r), &mut Discard).expect("parses");
    });
    println!("  parse via serde_json::Value (before): {before:7.2} ms");
    println!("  parse typed (parse_keypoints_json)  : {typed:7.2} ms  ({:.1}x faster)", before / typed);
    println!("  streamed from &str, frame by frame  : {streamed:7.2} ms");
    println!("  streamed from an io::Read (BufReader): {from_reader:7.2} ms");

    if args.get(1).map(String::as_str) == Some("speed") {
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    println!("peak memory streaming a synthetic 30 fps session (JSON made on the fly, never stored):");
    for (label, seconds) in [("10 min", 600.0), ("1 hour", 3600.0)] {
        let out = std::process::Command::new(&exe).args(["rss", &format!("{seconds}")]).output().expect("child runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let v: Vec<&str> = text.split_whitespace().collect();
        if v.len() < 7 {
            println!("  {label}: child failed: {}", String::from_utf8_lossy(&out.stderr));
            continue;
        }
        let mb = |kb: &str| kb.parse::<f64>().unwrap_or(0.0) / 1024.0;
        println!(
            "  {label:>6}: {:>7.1} MB of JSON, {} frames, {} reps, at most {} frames held; VmHWM {:.1} MB (at start {:.1} MB); {} s",
            v[0].parse::<f64>().unwrap_or(0.0) / 1e6,
            v[1],
            v[2],
            v[3],
            mb(v[4]),
            mb(v[5]),
            v[6]
        );
    }
    println!("for contrast, the whole clip in memory and the batch analysis:");
    for (label, seconds, how) in [("10 min", 600.0, "value"), ("10 min", 600.0, "typed"), ("1 hour", 3600.0, "typed")] {
        let out = std::process::Command::new(&exe).args(["rss-batch", &format!("{seconds}"), how]).output().expect("child runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let v: Vec<&str> = text.split_whitespace().collect();
        if v.len() < 5 {
            println!("  {label}, {how}: child failed: {}", String::from_utf8_lossy(&out.stderr));
            continue;
        }
        let mb = |kb: &str| kb.parse::<f64>().unwrap_or(0.0) / 1024.0;
        let reader = if how == "value" { "text + serde_json::Value (before)" } else { "typed reader, frames collected" };
        println!("  {label:>6}, {reader:<34}: {} frames, {} reps; VmHWM {:.1} MB; {} s", v[0], v[1], mb(v[2]), v[4]);
    }
}
