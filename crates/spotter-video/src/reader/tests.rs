//! Unit tests of the reader's pure parts: stderr line parsing, output size, version check

use super::{ShowinfoFrame, StderrLine, output_size, parse_stderr_line};
use crate::VideoError;
use crate::tools::supports_fps_mode;

#[test]
fn showinfo_lines_give_exact_times_from_pts_and_time_base() {
    let mut tb = None;
    let config = "[Parsed_showinfo_1 @ 0x5560f1fe4740] [info] config in time_base: 1/30000, frame_rate: 30000/1001";
    assert_eq!(parse_stderr_line(config, &mut tb), StderrLine::Other);
    assert_eq!(tb, Some((1, 30000)));
    let frame = "[Parsed_showinfo_1 @ 0x5560f1fe4740] [info] n: 345 pts:10355345 pts_time:345.178 pos: 48 fmt:rgb24 sar:1/1 s:608x1080 i:P iskey:0 type:B";
    assert_eq!(parse_stderr_line(frame, &mut tb), StderrLine::Frame(ShowinfoFrame { n: 345, t_s: Some(10_355_345.0 / 30_000.0) }));
}

#[test]
fn showinfo_without_time_base_falls_back_to_pts_time_and_nopts_is_none() {
    let mut tb = None;
    let frame = "[Parsed_showinfo_0 @ 0x1] [info] n:   2 pts:   2048 pts_time:0.2     pos: 48";
    assert_eq!(parse_stderr_line(frame, &mut tb), StderrLine::Frame(ShowinfoFrame { n: 2, t_s: Some(0.2) }));
    let nopts = "[Parsed_showinfo_0 @ 0x1] [info] n:   3 pts:NOPTS pts_time:NOPTS pos: 48";
    assert_eq!(parse_stderr_line(nopts, &mut tb), StderrLine::Frame(ShowinfoFrame { n: 3, t_s: None }));
}

#[test]
fn warnings_and_errors_are_kept_and_info_is_noise() {
    let mut tb = None;
    let err = "[h264 @ 0x55] [error] Invalid NAL unit size (1100 > 842).";
    assert_eq!(parse_stderr_line(err, &mut tb), StderrLine::Problem("Invalid NAL unit size (1100 > 842).".into()));
    let bare = "[error] file:x.mp4: Invalid data found when processing input";
    assert_eq!(parse_stderr_line(bare, &mut tb), StderrLine::Problem("file:x.mp4: Invalid data found when processing input".into()));
    assert_eq!(parse_stderr_line("[info]   Duration: 00:00:01.00, start: 0.000000", &mut tb), StderrLine::Other);
    let side = "[Parsed_showinfo_1 @ 0x1] [info]   side data - User Data Unregistered:";
    assert_eq!(parse_stderr_line(side, &mut tb), StderrLine::Other);
}

#[test]
fn output_size_keeps_aspect_and_never_upscales() {
    assert_eq!(output_size(608, 1080, None).expect("ok"), (608, 1080));
    assert_eq!(output_size(608, 1080, Some(1080)).expect("ok"), (608, 1080));
    assert_eq!(output_size(608, 1080, Some(2000)).expect("ok"), (608, 1080));
    assert_eq!(output_size(608, 1080, Some(540)).expect("ok"), (304, 540));
    assert_eq!(output_size(3840, 2160, Some(1080)).expect("ok"), (1080, 608));
    assert_eq!(output_size(1000, 1, Some(10)).expect("ok"), (10, 1));
    assert!(matches!(output_size(10, 10, Some(0)), Err(VideoError::InvalidOption(_))));
}

#[test]
fn fps_mode_needs_ffmpeg_5_1() {
    assert!(supports_fps_mode("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026"));
    assert!(supports_fps_mode("ffmpeg version 7.1 Copyright"));
    assert!(supports_fps_mode("ffmpeg version N-112345-gabcdef Copyright"));
    assert!(!supports_fps_mode("ffmpeg version 5.0.1 Copyright"));
    assert!(!supports_fps_mode("ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright"));
}

#[test]
fn diagnostics_read_with_correct_plurals() {
    use crate::Diagnostic;
    let early = |n| Diagnostic::EndedEarly { frames_decoded: n, frames_expected: Some(90), last_t_s: 0.0, duration_s: None }.to_string();
    assert!(early(1).starts_with("the video ended early: 1 frame decoded of 90 declared"), "{}", early(1));
    assert!(early(2).starts_with("the video ended early: 2 frames decoded"), "{}", early(2));
    assert_eq!(Diagnostic::TimestampsEstimated { frames: 1 }.to_string(), "1 frame had no timestamp; its time is estimated");
    assert_eq!(Diagnostic::TimestampsEstimated { frames: 3 }.to_string(), "3 frames had no timestamp; their times are estimated");
    assert_eq!(Diagnostic::PartialFrame { bytes: 1 }.to_string(), "the last byte was an incomplete frame and was dropped");
}
