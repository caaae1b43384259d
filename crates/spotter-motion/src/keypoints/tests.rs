//! Tests of the keypoint readers: both JSON forms, the CSV form, and every kind of bad file.

use super::*;

fn frame_json(t: f64, x: f64) -> String {
    let lm: Vec<String> = (0..33).map(|i| format!("[{x}, {}, 0.0, 0.9]", 0.1 + i as f64 * 0.02)).collect();
    format!("{{\"t\": {t}, \"landmarks\": [{}]}}", lm.join(","))
}

fn spec_json(frames: &[String]) -> String {
    format!("{{\"fps\": 30.0, \"width\": 1080, \"height\": 1920, \"layout\": \"blazepose33\", \"frames\": [{}]}}", frames.join(","))
}

#[test]
fn reads_the_spec_form() {
    let text = spec_json(&[frame_json(0.0, 0.5), "{\"t\": 0.0333, \"landmarks\": null}".into(), frame_json(0.0667, 0.51)]);
    let s = parse_keypoints_json(&text).expect("valid");
    assert_eq!((s.fps, s.width, s.height, s.layout), (30.0, 1080, 1920, Layout::Blazepose33));
    assert_eq!(s.frames.len(), 3);
    assert!(s.frames[1].landmarks.is_none());
    let k = s.frames[2].landmarks.as_ref().unwrap()[3];
    assert_eq!((k.x, k.visibility), (0.51, 0.9));
    // Written out and read back: spotter-wire's tests (`KeypointsDoc`).
}

#[test]
fn reads_a_mediapipe_dump_with_video_info_and_milliseconds() {
    let lm: Vec<String> = (0..33).map(|_| "[0.5, 0.5, 0.0, 1.0]".to_string()).collect();
    let text = format!(
        "{{\"video_info\": {{\"width\": 608, \"height\": 1080, \"fps\": 29.97}}, \"frames\": [{{\"frame\": 0, \"timestamp_ms\": 0.0, \"landmarks\": [{}], \"world_landmarks\": null}}, {{\"frame\": 1, \"timestamp_ms\": 33.4, \"landmarks\": null, \"world_landmarks\": null}}]}}",
        lm.join(",")
    );
    let s = parse_keypoints_json(&text).expect("valid");
    assert_eq!((s.width, s.height), (608, 1080));
    assert!((s.frames[1].t - 0.0334).abs() < 1e-12);
}

fn field_error(text: &str) -> (String, String) {
    match parse_keypoints_json(text) {
        Err(KeypointError::Field { field, message }) => (field, message),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn bad_json_files_name_what_is_wrong() {
    match parse_keypoints_json("{\"fps\": 30,\n \"width\": }") {
        Err(KeypointError::Json { line, .. }) => assert_eq!(line, 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(field_error("{\"width\": 10, \"height\": 10, \"frames\": []}").0, "fps");
    assert_eq!(field_error(&spec_json(&[])).0, "frames");
    let short = "{\"t\": 0, \"landmarks\": [[0.5, 0.5, 0, 1]]}".to_string();
    let (f, m) = field_error(&spec_json(&[short]));
    assert_eq!(f, "frames[0].landmarks");
    assert!(m.contains("expected 33 landmarks"), "{m}");
    let (f, m) = field_error(&spec_json(&[frame_json(0.1, 0.5), frame_json(0.1, 0.5)]));
    assert_eq!(f, "frames[1].t");
    assert!(m.contains("must increase"), "{m}");
    let (f, _) = field_error(&spec_json(&[frame_json(0.0, 0.5)]).replace("blazepose33", "openpose25"));
    assert_eq!(f, "layout");
    let bad_vis = spec_json(&[frame_json(0.0, 0.5).replacen("0.9]", "1.7]", 1)]);
    let (f, m) = field_error(&bad_vis);
    assert_eq!(f, "frames[0].landmarks[0]");
    assert!(m.contains("visibility"), "{m}");
    let text = spec_json(&[frame_json(0.0, 0.5)]).replace("\"width\": 1080", "\"width\": 10.5");
    assert_eq!(field_error(&text).0, "width");
}

fn csv_text(rows: &[String]) -> String {
    let mut header = vec!["t".to_string()];
    for i in 0..33 {
        for c in ["x", "y", "z", "visibility"] {
            header.push(format!("lm{i}_{c}"));
        }
    }
    format!("# fps=30,width=640,height=480,layout=blazepose33\n{}\n{}\n", header.join(","), rows.join("\n"))
}

fn csv_row(t: f64) -> String {
    let mut v = vec![format!("{t}")];
    for _ in 0..33 {
        v.extend(["0.5", "0.4", "0", "0.9"].map(String::from));
    }
    v.join(",")
}

#[test]
fn reads_the_csv_form_with_empty_frames() {
    let empty = format!("0.0333{}", ",".repeat(132));
    let s = parse_keypoints_csv(&csv_text(&[csv_row(0.0), empty, csv_row(0.0667)])).expect("valid");
    assert_eq!(s.frames.len(), 3);
    assert!(s.frames[1].landmarks.is_none());
    assert_eq!(s.frames[2].landmarks.as_ref().unwrap()[0].y, 0.4);
}

#[test]
fn bad_csv_files_give_line_and_column() {
    let bad_cell = csv_row(0.0).replacen("0.4", "oops", 1);
    match parse_keypoints_csv(&csv_text(&[bad_cell])) {
        Err(KeypointError::Csv { line, column, message }) => {
            assert_eq!((line, column), (3, 3));
            assert!(message.contains("`oops` is not a number"));
        }
        other => panic!("{other:?}"),
    }
    match parse_keypoints_csv(&csv_text(&["0.0,1,2".into()])) {
        Err(KeypointError::Csv { line, message, .. }) => {
            assert_eq!(line, 3);
            assert!(message.contains("expected 133 columns, got 3"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(parse_keypoints_csv("t,x\n"), Err(KeypointError::Csv { line: 1, .. })));
    assert!(matches!(parse_keypoints_csv(""), Err(KeypointError::Csv { line: 1, .. })));
}

/// Every file, good or bad, gets the same answer from the typed reader as from the `Value` one.
fn same_as_value_reader(text: &str) {
    assert_eq!(parse_keypoints_json(text), parse_keypoints_json_via_value(text), "on {text:?}");
}

#[test]
fn the_typed_reader_answers_as_the_value_reader_did() {
    let lm = |n: usize| (0..n).map(|i| format!("[0.5, {}, 0.0, 0.9]", 0.1 + i as f64 * 0.02)).collect::<Vec<_>>().join(",");
    let base = spec_json(&[frame_json(0.0, 0.5), frame_json(0.1, 0.6), "{\"t\": 0.2, \"landmarks\": null}".into()]);
    let mut cases: Vec<String> = vec![
        base.clone(),
        base.replace("\"fps\": 30.0", "\"fps\": \"30\""),
        base.replace("\"fps\": 30.0, ", ""),
        base.replace("\"fps\": 30.0", "\"fps\": 0"),
        base.replace("\"width\": 1080", "\"width\": 0"),
        base.replace("\"height\": 1920", "\"height\": null"),
        base.replace("\"blazepose33\"", "17"),
        base.replace("\"blazepose33\"", "\"coco17\""),
        base.replace("\"frames\": [", "\"frames\": {\"a\": [").replace("]}", "]}}"),
        base.replace("\"t\": 0.1", "\"t\": \"x\""),
        base.replace("\"t\": 0.1", "\"timestamp_ms\": 100"),
        base.replace("\"t\": 0.1", "\"timestamp_ms\": [1]"),
        base.replace("\"t\": 0.1", "\"frame\": 1"),
        base.replace("\"t\": 0.1", "\"t\": 0.0"),
        base.replacen("[0.5, 0.1, 0.0, 0.9]", "[0.5, 0.1, 0.0]", 1),
        base.replacen("[0.5, 0.1, 0.0, 0.9]", "[0.5, \"y\", 0.1, 0.0, 0.9]", 1),
        base.replacen("[0.5, 0.1, 0.0, 0.9]", "[0.5, 0.1, 0.0, 0.9, 1.0]", 1),
        base.replacen("[0.5, 0.1, 0.0, 0.9]", "{\"x\": 0.5}", 1),
        base.replacen("[0.5, 0.1, 0.0, 0.9]", "[0.5, 0.1, 0.0, 1e400]", 1),
        base.replacen("\"landmarks\": null", "\"landmarks\": 3", 1),
        base.replacen("\"landmarks\": null", "\"landmarks\": null, \"world_landmarks\": [[0, 0, 0]]", 1),
        base.replacen("\"landmarks\": null", &format!("\"landmarks\": null, \"world_landmarks\": [{}]", vec!["[0.1, 0.2, 0.3]"; 33].join(",")), 1),
        base.replacen("\"landmarks\": null", &format!("\"landmarks\": null, \"world_landmarks\": [{}]", vec!["[0.1, 0.2]"; 33].join(",")), 1),
        base.replacen("{\"t\": 0.2, \"landmarks\": null}", "[1, 2]", 1),
        base.replacen("{\"t\": 0.2, \"landmarks\": null}", "{\"landmarks\": null}", 1),
        format!("{{\"frames\": [{{\"t\": 0, \"landmarks\": [{}]}}], \"layout\": \"blazepose33\", \"fps\": 30, \"width\": 10, \"height\": 10}}", lm(33)),
        format!("{{\"video_info\": {{\"fps\": 25, \"width\": 10, \"height\": 10}}, \"fps\": \"bad\", \"frames\": [{{\"timestamp_ms\": 0, \"landmarks\": [{}]}}]}}", lm(33)),
        format!("{{\"video_info\": 3, \"fps\": 25, \"width\": 10, \"height\": 10, \"frames\": [{{\"t\": 0, \"landmarks\": [{}]}}]}}", lm(33)),
        format!("{{\"fps\": 30, \"fps\": 31, \"width\": 10, \"height\": 10, \"frames\": [], \"frames\": [{{\"t\": 0, \"t\": 1, \"landmarks\": [{}]}}]}}", lm(33)),
        "[]".into(),
        "3".into(),
        "".into(),
        "{} x".into(),
        "{\"fps\": 30,\n \"width\": }".into(),
    ];
    // And byte-level damage at deterministic random places: cut, doubled, or swapped characters.
    let mut seed = 12345u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    let bytes = base.as_bytes();
    for _ in 0..600 {
        let (i, j) = (next(bytes.len()), next(bytes.len()));
        let mut b = bytes.to_vec();
        match next(3) {
            0 => {
                b.remove(i);
            }
            1 => b.insert(i, bytes[j]),
            _ => b.swap(i, j),
        }
        if let Ok(s) = String::from_utf8(b) {
            cases.push(s);
        }
    }
    // And the real MediaPipe clip of the examples.
    cases.push(std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/squat-side-gym.keypoints.json")).expect("example clip"));
    for c in &cases {
        same_as_value_reader(c);
    }
    assert!(parse_keypoints_json(cases.last().expect("the clip")).is_ok());
}

/// The limit a reader stopped at, or a panic naming what it gave instead.
fn limit_message(r: Result<KeypointSequence, KeypointError>) -> String {
    match r {
        Err(KeypointError::TooLarge { message }) => message,
        other => panic!("expected a size limit, got {other:?}"),
    }
}

#[test]
fn json_stops_at_the_frame_limit() {
    let mut text = String::from("{\"fps\": 60, \"width\": 1080, \"height\": 1920, \"frames\": [");
    for i in 0..=MAX_FRAMES {
        text.push_str(&format!("{{\"t\": {}}},", i as f64 / 60.0));
    }
    text.push_str("{\"t\": 99999}]}");
    let m = limit_message(parse_keypoints_json(&text));
    assert_eq!(m, "more than 432000 frames, the limit on a keypoint file's length (2 hours at 60 frames per second)");
    // Streamed, the same limit, and no frame past it is handed on.
    struct Count(usize);
    impl reader::FrameSink for Count {
        fn header(&mut self, _: &reader::Header) {}
        fn frame(&mut self, _: KeypointFrame) {
            self.0 += 1;
        }
    }
    let mut sink = Count(0);
    let e = reader::stream_keypoints_json(&mut serde_json::Deserializer::from_str(&text), &mut sink).unwrap_err();
    assert!(matches!(&e, KeypointError::TooLarge { message } if message == &m), "{e:?}");
    assert_eq!(sink.0, MAX_FRAMES);
}

#[test]
fn json_stops_at_the_limit_on_one_frames_size_and_on_time() {
    let rows = |n: usize| (0..n).map(|_| "[0.5, 0.5, 0, 1]").collect::<Vec<_>>().join(",");
    let one = |n: usize| format!("{{\"fps\": 30, \"width\": 10, \"height\": 10, \"frames\": [{{\"t\": 0, \"landmarks\": [{}]}}]}}", rows(n));
    // A little over a layout's count: the usual message; far over: the limit, at once.
    assert!(parse_keypoints_json(&one(34)).unwrap_err().to_string().contains("expected 33 landmarks for blazepose33, got 34"));
    let m = limit_message(parse_keypoints_json(&one(MAX_LANDMARKS_PER_LIST + 1)));
    assert!(m.starts_with("frames[0]: more than 100 landmark rows in one list, the limit on one frame's size"), "{m}");
    let late = "{\"fps\": 30, \"width\": 10, \"height\": 10, \"frames\": [{\"t\": 0}, {\"t\": 14400.5}]}";
    let m = limit_message(parse_keypoints_json(late));
    assert_eq!(m, "frames[1].t: 14400.50 s is past 14400 s, the limit on a keypoint file's length (4 hours)");
    let m = limit_message(parse_keypoints_json(&late.replace("14400.5", "1e300")));
    assert!(m.contains("1.0e300 s is past"), "{m}");
}

#[test]
fn csv_is_read_line_by_line_and_stops_at_its_limits() {
    let head = "# fps=60,width=10,height=10,layout=coco17\n".to_string() + &["t"; 69].join(",") + "\n";
    let empty_cells = ",".repeat(68);
    // A frame per line, one too many.
    let mut text = head.clone();
    for i in 0..=MAX_FRAMES {
        text.push_str(&format!("{}{empty_cells}\n", i as f64 / 60.0));
    }
    let m = limit_message(parse_keypoints_csv(&text));
    assert_eq!(m, "line 432003: more than 432000 frames, the limit on a keypoint file's length (2 hours at 60 frames per second)");
    // Endless blank lines.
    let m = limit_message(parse_keypoints_csv(&(head.clone() + &"\n".repeat(MAX_CSV_LINES))));
    assert!(m.starts_with("line 864003: more than 864002 lines"), "{m}");
    // A line with no end.
    let e = parse_keypoints_csv(&(head.clone() + &"0".repeat(MAX_CSV_LINE_BYTES + 1))).unwrap_err();
    assert_eq!(e.to_string(), "line 3, column 1: the line is longer than 64 KiB, the limit on one frame's line");
    // Time past the limit.
    let m = limit_message(parse_keypoints_csv(&format!("{head}0{empty_cells}\n20000{empty_cells}\n")));
    assert_eq!(m, "line 4: t = 20000.00 s is past 14400 s, the limit on a keypoint file's length (4 hours)");
    // Frames are checked as they come: the second frame's time stops the reader at once.
    let e = parse_keypoints_csv(&format!("{head}1{empty_cells}\n1{empty_cells}\n{}", "garbage\n".repeat(3))).unwrap_err();
    assert!(e.to_string().contains("frames[1].t") && e.to_string().contains("must increase"), "{e}");
    // `yes 0,0,0`: refused at the first line.
    assert!(matches!(parse_keypoints_csv(&"0,0,0\n".repeat(1000)), Err(KeypointError::Csv { line: 1, .. })));
    // Fed a line at a time, as `spotter analyze` does, the same sequence as the whole text.
    let text = format!("\u{feff}{head}0{empty_cells}\n\n0.5{empty_cells}\n");
    let mut r = CsvReader::new();
    for line in text.lines() {
        r.line(line).unwrap();
    }
    assert_eq!(r.finish().unwrap(), parse_keypoints_csv(&text).unwrap());
}

#[test]
fn the_counted_reader_says_how_many_frames_it_has_read() {
    let text = spec_json(&[frame_json(0.0, 0.5), frame_json(0.1, 0.5), frame_json(0.2, 0.5)]);
    let read = std::cell::Cell::new(0);
    let seq = reader::parse_keypoints_json_counted(&mut serde_json::Deserializer::from_str(&text), &read).unwrap();
    assert_eq!((seq.frames.len(), read.get()), (3, 3));
    // Stopped inside the second frame: one frame read.
    let read = std::cell::Cell::new(0);
    let cut = &text[..text.find("{\"t\": 0.1").unwrap() + 20];
    assert!(reader::parse_keypoints_json_counted(&mut serde_json::Deserializer::from_str(cut), &read).is_err());
    assert_eq!(read.get(), 1);
}
