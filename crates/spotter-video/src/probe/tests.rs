//! Unit tests of ffprobe-output interpretation, on JSON text shaped like ffprobe 5.1's

use std::path::Path;

use super::{parse_probe_json, parse_rate};
use crate::VideoError;

fn stream(extra: &str) -> String {
    format!(
        r#"{{"index": 0, "codec_name": "hevc", "codec_type": "video", "width": 1920, "height": 1080, "pix_fmt": "yuv420p10le",
        "r_frame_rate": "30/1", "avg_frame_rate": "30000/1001", "duration": "2.002000", "nb_frames": "60"{extra}}}"#
    )
}

fn doc(streams: &[String], format_name: &str) -> String {
    format!(r#"{{"streams": [{}], "format": {{"format_name": "{format_name}", "duration": "2.010000"}}}}"#, streams.join(","))
}

fn check(json: &str) -> Result<crate::VideoInfo, VideoError> {
    parse_probe_json(Path::new("clip.mov"), json, "", b"")
}

#[test]
fn reads_size_codec_rates_duration_and_count() {
    let info = check(&doc(&[stream("")], "mov,mp4,m4a,3gp,3g2,mj2")).expect("a video");
    assert_eq!((info.width_px, info.height_px, info.rotation_cw_deg), (1920, 1080, 0));
    assert_eq!(info.codec, "hevc");
    assert_eq!(info.pix_fmt.as_deref(), Some("yuv420p10le"));
    assert!((info.avg_frame_rate_hz.expect("rate") - 29.97003).abs() < 1e-5);
    assert_eq!(info.r_frame_rate_hz, Some(30.0));
    assert_eq!(info.duration_s, Some(2.002));
    assert_eq!(info.frame_count, Some(60));
    assert_eq!(info.frame_count_estimate(), Some(60));
    assert!(!info.has_audio);
}

#[test]
fn display_matrix_rotation_is_counter_clockwise_and_swaps_the_size() {
    // An iPhone portrait clip: stored 1920x1080, display matrix rotation -90 (turn clockwise).
    let side = r#", "side_data_list": [{"side_data_type": "Display Matrix", "displaymatrix": "...", "rotation": -90}]"#;
    let info = check(&doc(&[stream(side)], "mov,mp4,m4a,3gp,3g2,mj2")).expect("a video");
    assert_eq!(info.rotation_cw_deg, 90);
    assert_eq!((info.width_px, info.height_px), (1080, 1920));
    assert_eq!((info.coded_width_px, info.coded_height_px), (1920, 1080));
    let side = r#", "side_data_list": [{"side_data_type": "Display Matrix", "rotation": 180}]"#;
    let info = check(&doc(&[stream(side)], "mov")).expect("a video");
    assert_eq!((info.rotation_cw_deg, info.width_px), (180, 1920));
}

#[test]
fn a_mirroring_display_matrix_is_recognised() {
    // What ffprobe 5.1 prints for a left-right flip: rotation -180 and a negative determinant.
    let side = r#", "side_data_list": [{"side_data_type": "Display Matrix", "displaymatrix": "\n00000000:       -65536           0           0\n00000001:            0       65536           0\n00000002:            0           0  1073741824\n", "rotation": -180}]"#;
    let info = check(&doc(&[stream(side)], "mov")).expect("a video");
    assert!(info.mirrored);
    assert_eq!((info.rotation_cw_deg, info.width_px), (180, 1920));
    // A plain 90° turn (an iPhone portrait clip) is not a mirror.
    let side = r#", "side_data_list": [{"side_data_type": "Display Matrix", "displaymatrix": "\n00000000:            0       65536           0\n00000001:       -65536           0           0\n00000002:            0           0  1073741824\n", "rotation": -90}]"#;
    let info = check(&doc(&[stream(side)], "mov")).expect("a video");
    assert!(!info.mirrored);
    assert_eq!(info.rotation_cw_deg, 90);
    // No matrix text: not a mirror.
    assert!(!check(&doc(&[stream("")], "mov")).expect("a video").mirrored);
}

#[test]
fn legacy_rotate_tag_is_clockwise() {
    let info = check(&doc(&[stream(r#", "tags": {"rotate": "270"}"#)], "mov")).expect("a video");
    assert_eq!(info.rotation_cw_deg, 270);
    assert_eq!((info.width_px, info.height_px), (1080, 1920));
}

#[test]
fn missing_count_is_estimated_from_duration_and_rate() {
    let s = stream("").replace(r#", "nb_frames": "60""#, "");
    let info = check(&doc(&[s], "matroska,webm")).expect("a video");
    assert_eq!(info.frame_count, None);
    assert_eq!(info.frame_count_estimate(), Some(60)); // 2.002 s x 29.97 fps
}

#[test]
fn audio_only_is_no_video_stream_and_says_what_is_there() {
    let audio = r#"{"index": 0, "codec_name": "aac", "codec_type": "audio"}"#.to_string();
    match check(&doc(&[audio], "mov")) {
        Err(VideoError::NoVideoStream { streams, .. }) => assert_eq!(streams, "audio (aac)"),
        other => panic!("expected NoVideoStream, got {other:?}"),
    }
}

#[test]
fn cover_art_is_not_a_video_stream() {
    let audio = r#"{"index": 0, "codec_name": "mp3", "codec_type": "audio"}"#.to_string();
    let cover = r#"{"index": 1, "codec_name": "mjpeg", "codec_type": "video", "width": 300, "height": 300, "disposition": {"attached_pic": 1}}"#.to_string();
    match check(&doc(&[audio.clone(), cover.clone()], "mp3")) {
        Err(VideoError::NoVideoStream { streams, .. }) => assert_eq!(streams, "audio (mp3), cover picture (mjpeg)"),
        other => panic!("expected NoVideoStream, got {other:?}"),
    }
    // With a real video stream after the cover, the video stream is chosen.
    let video = stream("").replace(r#""index": 0"#, r#""index": 2"#);
    let info = check(&doc(&[audio, cover, video], "mov")).expect("a video");
    assert_eq!((info.stream_index, info.has_audio), (2, true));
}

#[test]
fn a_picture_is_refused_as_a_still_image() {
    let jpeg = r#"{"index": 0, "codec_name": "mjpeg", "codec_type": "video", "width": 64, "height": 48}"#.to_string();
    match check(&doc(&[jpeg], "jpeg_pipe")) {
        Err(VideoError::StillImage { codec, .. }) => assert_eq!(codec, "mjpeg"),
        other => panic!("expected StillImage, got {other:?}"),
    }
    // Motion JPEG in AVI is a video.
    let mjpeg = r#"{"index": 0, "codec_name": "mjpeg", "codec_type": "video", "width": 64, "height": 48, "nb_frames": "10"}"#.to_string();
    assert!(check(&doc(&[mjpeg], "avi")).is_ok());
}

#[test]
fn unreadable_input_names_ffprobes_reason() {
    let stderr = "file:clip.mov: Invalid data found when processing input\n";
    match parse_probe_json(Path::new("clip.mov"), "{\n\n}", stderr, b"hello") {
        Err(VideoError::NotAVideo { detail, .. }) => assert_eq!(detail, "Invalid data found when processing input"),
        other => panic!("expected NotAVideo, got {other:?}"),
    }
    let with_error = r#"{"error": {"code": -1094995529, "string": "Invalid data found when processing input"}}"#;
    assert!(matches!(parse_probe_json(Path::new("x"), with_error, stderr, b""), Err(VideoError::NotAVideo { .. })));
}

#[test]
fn missing_moov_atom_is_a_truncated_file() {
    let stderr = "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0] moov atom not found\nfile:clip.mov: Invalid data found when processing input\n";
    let mp4_head = b"\0\0\0\x20ftypisom";
    match parse_probe_json(Path::new("clip.mov"), "{}", stderr, mp4_head) {
        Err(e @ VideoError::Truncated { .. }) => {
            assert_eq!(e.to_string(), "clip.mov: the file looks cut short, its index is missing (moov atom not found); copy the original video again");
        }
        other => panic!("expected Truncated, got {other:?}"),
    }
    // A text file named .mp4 gets the same message from ffmpeg but is not a cut-short video.
    let not_mp4 = parse_probe_json(Path::new("notes.mp4"), "{}", stderr, b"squat 3x5 at");
    assert!(matches!(not_mp4, Err(VideoError::NotAVideo { .. })), "{not_mp4:?}");
}

#[test]
fn garbage_output_is_a_probe_output_error() {
    assert!(matches!(check("not json"), Err(VideoError::ProbeOutput { .. })));
    let no_size = r#"{"index": 0, "codec_name": "h264", "codec_type": "video"}"#.to_string();
    assert!(matches!(check(&doc(&[no_size], "mov")), Err(VideoError::ProbeOutput { .. })));
}

#[test]
fn rates_parse_as_fractions() {
    assert_eq!(parse_rate("30/1"), Some(30.0));
    assert!((parse_rate("30000/1001").expect("rate") - 29.970_029_97).abs() < 1e-8);
    assert_eq!(parse_rate("0/0"), None);
    assert_eq!(parse_rate("25"), Some(25.0));
    assert_eq!(parse_rate("x/y"), None);
}
