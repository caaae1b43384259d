//! Decode speed of the video edge: frames per second for a clip at full size and downscaled,
//! inline and on a decode thread. `cargo bench -p spotter-video --bench decode [-- VIDEO]`
//! (default: examples/squat-side-gym-3s.mp4; the shared 20 s clip is a better measure). Under
//! `cargo test` it decodes the fixture once per setting and checks the frame count.

use std::path::PathBuf;
use std::time::Instant;

use spotter_video::{DecodeOptions, FrameReader, probe};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let benching = args.iter().any(|a| a == "--bench");
    // Under `cargo test` a positional argument is a test-name filter, not a video.
    let video = args
        .iter()
        .find(|a| benching && !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/squat-side-gym-3s.mp4"));
    let repeats = if benching { 3 } else { 1 };
    let info = match probe(&video) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("decode bench: {e}");
            std::process::exit(1);
        }
    };
    println!("{}: {}x{} {} {:?} fps, {:?} frames", video.display(), info.width_px, info.height_px, info.codec, info.avg_frame_rate_hz, info.frame_count);
    for max in [None, Some(1080), Some(540), Some(256)] {
        for queue in [None, Some(4)] {
            let mut best = 0.0f64;
            let mut frames = 0;
            for _ in 0..repeats {
                let opts = DecodeOptions { max_long_side_px: max, queue_frames: queue, ..Default::default() };
                let start = Instant::now();
                let mut reader = FrameReader::open(&video, &opts).expect("decoder starts");
                frames = 0;
                while let Some(frame) = reader.next() {
                    let frame = frame.expect("frame");
                    frames += 1;
                    reader.recycle(frame);
                }
                let fps = frames as f64 / start.elapsed().as_secs_f64();
                best = best.max(fps);
                assert!(reader.diagnostics().is_empty(), "{:?}", reader.diagnostics());
            }
            if let Some(n) = info.frame_count {
                assert_eq!(frames, n, "every declared frame decoded");
            }
            let size = max.map_or("full size".to_string(), |m| format!("long side <= {m} px"));
            let mode = if queue.is_some() { "decode thread, queue 4" } else { "inline" };
            println!("  {size:>22}, {mode:<22}: {best:7.1} frames/s (best of {repeats}, {frames} frames, incl. ffmpeg start)");
        }
    }
}
