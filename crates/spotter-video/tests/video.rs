//! Integration tests of the video edge on clips made by ffmpeg in each test (H.264, HEVC 10-bit
//! `hvc1` .mov, portrait, rotated, variable frame rate, cut short) and on the example clip

use std::path::{Path, PathBuf};
use std::process::Command;

use spotter_video::{DecodeOptions, Diagnostic, FrameReader, Tools, VideoError, VideoFrame, probe, probe_with};

/// Runs `ffmpeg -v error -y ARGS` and fails the test with ffmpeg's message if it fails.
fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-nostdin"])
        .args(args)
        .output()
        .expect("ffmpeg runs (install it with `bash scripts/setup.sh`)");
    assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

fn decode_all(path: &Path, options: &DecodeOptions) -> (Vec<VideoFrame>, Vec<Diagnostic>) {
    let mut reader = FrameReader::open(path, options).expect("reader opens");
    let frames: Vec<VideoFrame> = reader.by_ref().map(|f| f.expect("frame decodes")).collect();
    (frames, reader.diagnostics().to_vec())
}

/// Mean of one channel over a rectangle of rows `y0..y1`, all columns.
fn mean_rows(f: &VideoFrame, y0: u32, y1: u32, channel: usize) -> f64 {
    let (w, mut sum, mut n) = (f.width as usize, 0.0, 0.0);
    for y in y0 as usize..y1 as usize {
        for x in 0..w {
            sum += f64::from(f.rgb[(y * w + x) * 3 + channel]);
            n += 1.0;
        }
    }
    sum / n
}

fn example_clip() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/squat-side-gym-3s.mp4")
}

#[test]
fn h264_clip_gives_every_frame_with_its_time_and_true_colours() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clip = dir.path().join("red.mp4");
    // 2 s of pure red at 10 fps, H.264 with B-frames (presentation order differs from decode order).
    ffmpeg(&["-f", "lavfi", "-i", "color=c=0xFF0000:s=64x48:r=10", "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", s(&clip)]);
    let info = probe(&clip).expect("probe");
    assert_eq!((info.width_px, info.height_px, info.rotation_cw_deg), (64, 48, 0));
    assert_eq!((info.codec.as_str(), info.frame_count, info.avg_frame_rate_hz), ("h264", Some(20), Some(10.0)));
    assert_eq!(info.duration_s, Some(2.0));
    assert!(!info.is_hdr(), "{:?}", info.color_transfer);
    let (frames, diags) = decode_all(&clip, &DecodeOptions::default());
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(frames.len(), 20);
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.index, i as u64);
        assert!((f.t_s - i as f64 * 0.1).abs() < 1e-9, "frame {i} at {} s", f.t_s);
        assert_eq!((f.width, f.height, f.rgb.len()), (64, 48, 64 * 48 * 3));
        let (r, g, b) = (mean_rows(f, 0, 48, 0), mean_rows(f, 0, 48, 1), mean_rows(f, 0, 48, 2));
        assert!(r > 240.0 && g < 15.0 && b < 15.0, "frame {i} is not red: {r} {g} {b}");
    }
}

#[test]
fn hevc_10_bit_hvc1_mov_decodes_and_downscales() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clip = dir.path().join("iphone-like.mov");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "1", "-c:v", "libx265", "-x265-params", "log-level=error",
        "-pix_fmt", "yuv420p10le", "-tag:v", "hvc1", s(&clip),
    ]);
    let info = probe(&clip).expect("probe");
    assert_eq!((info.codec.as_str(), info.pix_fmt.as_deref()), ("hevc", Some("yuv420p10le")));
    assert_eq!((info.width_px, info.height_px, info.frame_count), (640, 360, Some(30)));
    let opts = DecodeOptions { max_long_side_px: Some(256), ..Default::default() };
    let (frames, diags) = decode_all(&clip, &opts);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(frames.len(), 30);
    assert!(frames.iter().all(|f| (f.width, f.height, f.rgb.len()) == (256, 144, 256 * 144 * 3)));
    assert!((frames[29].t_s - 29.0 / 30.0).abs() < 1e-9);
    // Not a blank picture: testsrc2 has bright and dark areas.
    let lum: Vec<u8> = frames[0].rgb.iter().step_by(3).copied().collect();
    assert!(lum.iter().any(|&v| v > 200) && lum.iter().any(|&v| v < 50));
}

#[test]
fn hdr_clips_are_tone_mapped_to_standard_range() {
    // Mid grey stored as 10-bit HEVC with the PQ (HDR10) transfer, as phones record HDR. Shown
    // as is, its code values give grey 126; as PQ light tone-mapped to standard range, about 153.
    let dir = tempfile::tempdir().expect("tempdir");
    let clip = dir.path().join("hdr10.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=0x808080:s=64x48:r=10", "-t", "0.5", "-c:v", "libx265",
        "-x265-params", "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc",
        "-pix_fmt", "yuv420p10le", "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", s(&clip),
    ]);
    let info = probe(&clip).expect("probe");
    assert_eq!(info.color_transfer.as_deref(), Some("smpte2084"));
    assert!(info.is_hdr());
    let (frames, diags) = decode_all(&clip, &DecodeOptions::default());
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(frames.len(), 5);
    for f in &frames {
        assert_eq!((f.width, f.height), (64, 48));
        let grey = mean_rows(f, 0, 48, 1);
        assert!((140.0..170.0).contains(&grey), "frame {} grey {grey}: not tone-mapped", f.index);
    }
}

#[test]
fn a_mirrored_clip_is_recognised_and_comes_out_mirrored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = dir.path().join("plain.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-t", "0.3", "-c:v", "libx264", "-pix_fmt", "yuv444p", s(&plain)]);
    // Write a left-right flip into the track header's matrix (its first entry, a, becomes -1.0
    // in 16.16 fixed point), as a front camera's mirrored recording has; ffmpeg 5.1 cannot set it.
    let mut bytes = std::fs::read(&plain).expect("read");
    let tkhd = bytes.windows(4).position(|w| w == b"tkhd").expect("a tkhd box") - 4;
    assert_eq!(bytes[tkhd + 8], 0, "version 0 tkhd");
    let matrix = tkhd + 8 + 4 + 20 + 8 + 8;
    assert_eq!(bytes[matrix..matrix + 4], 0x0001_0000i32.to_be_bytes());
    bytes[matrix..matrix + 4].copy_from_slice(&(-0x0001_0000i32).to_be_bytes());
    let mirrored = dir.path().join("mirrored.mp4");
    std::fs::write(&mirrored, &bytes).expect("write");

    assert!(!probe(&plain).expect("probe").mirrored);
    let info = probe(&mirrored).expect("probe");
    assert!(info.mirrored);
    assert_eq!((info.width_px, info.height_px), (64, 48));
    let (a, _) = decode_all(&plain, &DecodeOptions::default());
    let (b, _) = decode_all(&mirrored, &DecodeOptions::default());
    assert_eq!(a.len(), b.len());
    // Column x of the mirrored picture is column 63 - x of the plain one.
    let (w, h) = (64usize, 48usize);
    let mut diff = 0u64;
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let p = i64::from(a[0].rgb[(y * w + x) * 3 + c]);
                let q = i64::from(b[0].rgb[(y * w + (w - 1 - x)) * 3 + c]);
                diff += p.abs_diff(q);
            }
        }
    }
    let mean = diff as f64 / (w * h * 3) as f64;
    assert!(mean < 1.0, "mirrored frame differs from the flipped plain frame by {mean} on average");
}

#[test]
fn portrait_clip_keeps_its_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clip = dir.path().join("portrait.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc=size=360x640:rate=30", "-t", "0.5", "-c:v", "libx264", "-pix_fmt", "yuv420p", s(&clip)]);
    let info = probe(&clip).expect("probe");
    assert_eq!((info.width_px, info.height_px), (360, 640));
    let opts = DecodeOptions { max_long_side_px: Some(320), ..Default::default() };
    let (frames, _) = decode_all(&clip, &opts);
    assert_eq!(frames.len(), 15);
    assert_eq!((frames[0].width, frames[0].height), (180, 320));
}

/// A 80x48 white clip with a black bar on its left 20 columns, given a display rotation with
/// the legacy `rotate` tag (ffmpeg 5.1 turns it into a display matrix).
fn rotated_clip(dir: &Path, tag: &str) -> PathBuf {
    let plain = dir.join("plain.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=white:s=80x48:r=10,drawbox=x=0:y=0:w=20:h=48:color=black:t=fill", "-t", "0.5",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", s(&plain),
    ]);
    let rotated = dir.join(format!("rotated-{tag}.mp4"));
    ffmpeg(&["-i", s(&plain), "-c", "copy", "-metadata:s:v:0", &format!("rotate={tag}"), s(&rotated)]);
    rotated
}

#[test]
fn rotated_clips_come_out_upright_with_the_reported_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    // ffmpeg 5.1 writes tag 270 as display-matrix rotation -90: shown turned 90 degrees clockwise,
    // so the left bar ends up on top (as an iPhone portrait clip stored landscape).
    let clip = rotated_clip(dir.path(), "270");
    let info = probe(&clip).expect("probe");
    assert_eq!((info.rotation_cw_deg, info.width_px, info.height_px), (90, 48, 80));
    assert_eq!((info.coded_width_px, info.coded_height_px), (80, 48));
    let (frames, _) = decode_all(&clip, &DecodeOptions::default());
    let f = &frames[0];
    assert_eq!((f.width, f.height), (48, 80));
    assert!(mean_rows(f, 0, 16, 0) < 40.0, "top should be the black bar");
    assert!(mean_rows(f, 30, 80, 0) > 215.0, "the rest should be white");
    // Tag 90 becomes rotation +90: turned counter-clockwise, the bar ends up at the bottom.
    let clip = rotated_clip(dir.path(), "90");
    let info = probe(&clip).expect("probe");
    assert_eq!((info.rotation_cw_deg, info.width_px, info.height_px), (270, 48, 80));
    let (frames, _) = decode_all(&clip, &DecodeOptions { max_long_side_px: Some(40), ..Default::default() });
    let f = &frames[0];
    assert_eq!((f.width, f.height), (24, 40));
    assert!(mean_rows(f, 32, 40, 0) < 40.0, "bottom should be the black bar");
    assert!(mean_rows(f, 0, 25, 0) > 215.0, "the rest should be white");
}

#[test]
fn variable_frame_rate_times_come_from_each_frames_own_timestamp() {
    let dir = tempfile::tempdir().expect("tempdir");
    for ext in ["mkv", "mp4"] {
        let clip = dir.path().join(format!("vfr.{ext}"));
        // 20 frames: the first 10 every 50 ms, the next 10 every 100 ms (t = 0.05 N, then 0.1 N).
        ffmpeg(&[
            "-f", "lavfi", "-i", "testsrc=size=64x48:rate=20", "-frames:v", "20", "-vf", "setpts='(0.05*N+0.05*N*gte(N,10))/TB'",
            "-fps_mode", "passthrough", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-video_track_timescale", "1000", s(&clip),
        ]);
        let (frames, _) = decode_all(&clip, &DecodeOptions { queue_frames: Some(3), ..Default::default() });
        assert_eq!(frames.len(), 20, "{ext}");
        for (n, f) in frames.iter().enumerate() {
            let n = n as f64;
            let want = if n < 10.0 { 0.05 * n } else { 0.1 * n };
            assert!((f.t_s - want).abs() < 1.5e-3, "{ext} frame {n}: {} s, want {want} s", f.t_s);
        }
    }
}

#[test]
fn a_cut_short_faststart_file_decodes_what_is_there_and_says_it_ended_early() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clip = dir.path().join("whole.mp4");
    ffmpeg(&[
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "3", "-c:v", "libx264", "-g", "15", "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", s(&clip),
    ]);
    let bytes = std::fs::read(&clip).expect("read");
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let info = probe(&cut).expect("the index is at the front, so the cut file probes");
    assert_eq!(info.frame_count, Some(90));
    let (frames, diags) = decode_all(&cut, &DecodeOptions::default());
    assert!(frames.len() > 10 && frames.len() < 90, "{} frames", frames.len());
    let ended = diags.iter().find_map(|d| match d {
        Diagnostic::EndedEarly { frames_decoded, frames_expected, .. } => Some((*frames_decoded, *frames_expected)),
        _ => None,
    });
    assert_eq!(ended, Some((frames.len() as u64, Some(90))), "{diags:?}");
    let text = diags.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; ");
    assert!(text.contains("ended early"), "{text}");
}

#[test]
fn a_cut_short_file_without_its_index_is_a_truncated_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clip = dir.path().join("whole.mp4");
    // No faststart: the index (moov) is written last, as phones do while recording.
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", s(&clip)]);
    let bytes = std::fs::read(&clip).expect("read");
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() * 3 / 4]).expect("write");
    match probe(&cut) {
        Err(e @ VideoError::Truncated { .. }) => assert!(e.to_string().contains("moov atom not found"), "{e}"),
        other => panic!("expected Truncated, got {other:?}"),
    }
    assert!(matches!(FrameReader::open(&cut, &DecodeOptions::default()), Err(VideoError::Truncated { .. })));
}

#[test]
fn inputs_that_are_not_videos_get_errors_that_name_the_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.mp4");
    assert!(matches!(probe(&missing), Err(VideoError::FileMissing { path }) if path == missing));
    assert!(matches!(probe(dir.path()), Err(VideoError::NotAFile { .. })));
    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").expect("write");
    assert!(matches!(probe(&empty), Err(VideoError::Empty { .. })));
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "squat 3x5 at 100 kg\nfelt fine\n").expect("write");
    match probe(&text) {
        Err(e @ VideoError::NotAVideo { .. }) => assert!(e.to_string().contains("notes.mp4: not a video ffmpeg can read"), "{e}"),
        other => panic!("expected NotAVideo, got {other:?}"),
    }
    let jpeg = dir.path().join("photo.jpg");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1", s(&jpeg)]);
    assert!(matches!(probe(&jpeg), Err(VideoError::StillImage { codec, .. }) if codec == "mjpeg"));
    let audio = dir.path().join("voice.m4a");
    ffmpeg(&["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", s(&audio)]);
    match FrameReader::open(&audio, &DecodeOptions::default()) {
        Err(VideoError::NoVideoStream { streams, .. }) => assert_eq!(streams, "audio (aac)"),
        Err(other) => panic!("expected NoVideoStream, got {other:?}"),
        Ok(_) => panic!("expected NoVideoStream, got a reader"),
    }
}

#[test]
fn missing_ffmpeg_or_ffprobe_says_how_to_install_it() {
    let clip = example_clip();
    let tools = Tools::new("/nonexistent/ffmpeg", "/nonexistent/ffprobe");
    match probe_with(&tools, &clip) {
        Err(e @ VideoError::ToolMissing { tool: "ffprobe", .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("bash scripts/setup.sh") && msg.contains("apt-get install ffmpeg"), "{msg}");
        }
        other => panic!("expected ToolMissing, got {other:?}"),
    }
    let info = probe(&clip).expect("system ffprobe");
    let opts = DecodeOptions { tools, ..Default::default() };
    assert!(matches!(FrameReader::open_probed(&clip, info, &opts), Err(VideoError::ToolMissing { tool: "ffmpeg", .. })));
    assert!(matches!(Tools::default().check(), Ok(v) if v.starts_with("ffmpeg version")));
}

#[test]
fn example_clip_decodes_full_size_and_downscaled_on_a_thread_like_inline() {
    let clip = example_clip();
    let info = probe(&clip).expect("probe");
    assert_eq!((info.width_px, info.height_px, info.frame_count, info.has_audio), (608, 1080, Some(90), false));
    let (inline, diags) = decode_all(&clip, &DecodeOptions::default());
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(inline.len(), 90);
    for (k, f) in inline.iter().enumerate() {
        assert!((f.t_s - k as f64 * 1001.0 / 30000.0).abs() < 1e-9, "frame {k}: {}", f.t_s);
    }
    let threaded = DecodeOptions { queue_frames: Some(2), ..Default::default() };
    let (on_thread, _) = decode_all(&clip, &threaded);
    assert!(inline == on_thread, "the decode thread gives the same frames");
    let small = DecodeOptions { max_long_side_px: Some(540), queue_frames: Some(2), ..Default::default() };
    let (frames, _) = decode_all(&clip, &small);
    assert_eq!((frames.len(), frames[0].width, frames[0].height), (90, 304, 540));
}

#[test]
fn recycled_buffers_are_reused_and_dropping_a_reader_early_stops_ffmpeg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clip = dir.path().join("long.mkv");
    // A minute of video: read a few frames, then drop the reader; ffmpeg must not be waited out.
    ffmpeg(&["-f", "lavfi", "-i", "testsrc=size=64x48:rate=30", "-t", "60", "-c:v", "libx264", "-preset", "ultrafast", s(&clip)]);
    let info = probe(&clip).expect("probe");
    assert_eq!(info.frame_count_estimate(), Some(1800));
    let mut reader = FrameReader::open(&clip, &DecodeOptions::default()).expect("open");
    let first = reader.next().expect("a frame").expect("decodes");
    let ptr = first.rgb.as_ptr();
    reader.recycle(first);
    for _ in 0..5 {
        let f = reader.next().expect("a frame").expect("decodes");
        assert_eq!(f.rgb.as_ptr(), ptr, "the recycled buffer is filled again");
        reader.recycle(f);
    }
    let start = std::time::Instant::now();
    drop(reader);
    let mut threaded = FrameReader::open(&clip, &DecodeOptions { queue_frames: Some(4), ..Default::default() }).expect("open");
    assert!(threaded.next().is_some());
    drop(threaded);
    assert!(start.elapsed().as_secs_f64() < 5.0, "dropping took {:?}", start.elapsed());
}
