//! `spotter analyze` on hostile and broken movement input: every keypoint and marker reader stops
//! at its documented size limit with exit 2 and a message naming it (endless files, `/dev/zero`
//! under a keypoint name, a gzip bomb), and garbage that parses is not a report (random
//! landmarks, a coordinate of 1e300, one frame, a limb whose length jumps, NaN, a load outside
//! the physical envelope). Real data still passes.

use super::*;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spotter-motion-input-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const LIFTER: [&str; 6] = ["--exercise", "back_squat", "--body-mass", "80", "--height", "1.78"];

fn analyze(input: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["analyze", input.to_str().unwrap()];
    args.extend(LIFTER);
    args.extend(extra);
    spotter(&args, "")
}

/// Text with its line wrapping undone (notes wrap at the terminal width).
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn refused(out: &Output, part: &str) -> String {
    let err = flat(&text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "stdout: {}\nstderr: {err}", text(&out.stdout));
    assert!(err.contains(part), "{part:?} not in: {err}");
    assert!(err.len() < 1_000, "a short message, not {} bytes", err.len());
    err
}

/// The example clip's keypoints as JSON values, to break on purpose.
fn example_clip() -> Value {
    serde_json::from_str(&std::fs::read_to_string(example("squat-side-gym.keypoints.json")).unwrap()).unwrap()
}

fn to_csv(clip: &Value) -> String {
    let mut out = format!("# fps={},width={},height={},layout=blazepose33\nt", clip["fps"], clip["width"], clip["height"]);
    for k in 0..33 {
        out.push_str(&format!(",x{k},y{k},z{k},v{k}"));
    }
    out.push('\n');
    for f in clip["frames"].as_array().unwrap() {
        out.push_str(&f["t"].to_string());
        for row in f["landmarks"].as_array().unwrap() {
            for v in row.as_array().unwrap() {
                out.push(',');
                out.push_str(&v.to_string());
            }
        }
        out.push('\n');
    }
    out
}

#[test]
fn dev_zero_and_endless_files_under_keypoint_names_stop_at_once() {
    let dir = scratch("zero");
    for (name, part) in [
        ("x.csv", "longer than 64 KiB, the limit on one frame's line"),
        ("x.json", "not valid JSON"),
        ("x.txt", "more than 64 MiB of marker text, the limit on a marker file"),
        ("x.txt.gz", "more than 64 MiB of compressed marker file, the limit on a marker file"),
    ] {
        let link = dir.join(name);
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        refused(&analyze(&link, &[]), part);
    }
    // `yes 0,0,0` as a CSV: refused at its first line.
    let yes = dir.join("yes.csv");
    std::fs::write(&yes, "0,0,0\n".repeat(200_000)).unwrap();
    refused(&analyze(&yes, &[]), "line 1, column 1: the first line must be");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn keypoint_files_stop_at_the_frame_limit() {
    let dir = scratch("frames");
    // 432,001 frames with no person: a valid file in every other way.
    let mut json = String::from("{\"fps\": 60, \"width\": 608, \"height\": 1080, \"frames\": [");
    let mut csv = String::from("# fps=60,width=608,height=1080,layout=coco17\n");
    csv.push_str(&["t"; 69].join(","));
    csv.push('\n');
    let empty = ",".repeat(68);
    for i in 0..=432_000u32 {
        let t = f64::from(i) / 60.0;
        json.push_str(&format!("{{\"t\": {t}, \"landmarks\": null}},"));
        csv.push_str(&format!("{t}{empty}\n"));
    }
    json.push_str("{\"t\": 1e4}]}");
    let (j, c) = (dir.join("long.json"), dir.join("long.csv"));
    std::fs::write(&j, json).unwrap();
    std::fs::write(&c, csv).unwrap();
    refused(&analyze(&j, &[]), "more than 432000 frames, the limit on a keypoint file's length (2 hours at 60 frames per second)");
    refused(&analyze(&c, &[]), "line 432003: more than 432000 frames");
    // One frame's landmark list far too long.
    let rows = vec!["[0.5, 0.5, 0, 1]"; 150].join(",");
    std::fs::write(&j, format!("{{\"fps\": 30, \"width\": 10, \"height\": 10, \"frames\": [{{\"t\": 0, \"landmarks\": [{rows}]}}]}}")).unwrap();
    refused(&analyze(&j, &[]), "more than 100 landmark rows in one list, the limit on one frame's size");
    // A string that never ends, after a hundred frames (so that the bytes per frame allow it).
    let frames: Vec<String> = (0..100).map(|i| format!("{{\"t\": {i}}}")).collect();
    std::fs::write(&j, format!("{{\"fps\": 30, \"frames\": [{}, {{\"t\": 200, \"note\": \"{}", frames.join(","), "a".repeat(1_100_000))).unwrap();
    refused(&analyze(&j, &[]), "a JSON string longer than 1 MiB");
    // Blank space or ignored values without end: stopped by the bytes allowed per frame.
    std::fs::write(&j, format!("{{\"fps\": 30, {}", " ".repeat(1_100_000))).unwrap();
    refused(&analyze(&j, &[]), "more than 1 MiB of keypoint JSON before the first frame");
    let padding = "0,".repeat(40_000);
    let frames: Vec<String> = (0..200).map(|i| format!("{{\"t\": {i}, \"landmarks\": null, \"note\": [{padding}0]}}")).collect();
    std::fs::write(&j, format!("{{\"fps\": 30, \"width\": 10, \"height\": 10, \"frames\": [{}]}}", frames.join(","))).unwrap();
    refused(&analyze(&j, &[]), "more than 64 KiB of keypoint JSON per frame on average");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_gzip_bomb_stops_at_the_text_limit() {
    use std::io::Write as _;
    let dir = scratch("gz");
    let bomb = dir.join("m01_s01_e01_positions.txt.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b'0'; 1 << 20];
    for _ in 0..80 {
        gz.write_all(&zeros).unwrap();
    }
    let bytes = gz.finish().unwrap();
    assert!(bytes.len() < 200_000, "{} bytes compressed", bytes.len());
    std::fs::write(&bomb, bytes).unwrap();
    refused(&analyze(&bomb, &[]), "more than 64 MiB of marker text");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn random_landmarks_are_not_a_person_and_give_no_reps() {
    let dir = scratch("random");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let frames: Vec<Value> = (0..3000)
        .map(|i| serde_json::json!({"t": f64::from(i) / 30.0, "landmarks": (0..33).map(|_| [next(), next(), next(), next()]).collect::<Vec<_>>()}))
        .collect();
    let path = dir.join("random.json");
    std::fs::write(&path, serde_json::json!({"fps": 30, "width": 1080, "height": 1920, "frames": frames}).to_string()).unwrap();
    let out = analyze(&path, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    let s = format!("{}\n{}", s.lines().next().unwrap_or(""), flat(&s));
    assert!(s.starts_with("back_squat (squat): 0 reps\n"), "{s}");
    assert!(s.contains("No repetition to report; the notes below say why."), "{s}");
    assert!(s.contains("do not show a plausible person"), "{s}");
    assert!(!s.contains("never went deep enough"), "{s}");
    let v = json_of(&analyze(&path, &["--format", "json"]));
    assert_eq!((v["rep_count"].as_u64(), v["reps"].as_array().map(Vec::len)), (Some(0), Some(0)));
    let notes: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert!(notes.iter().any(|d| d.contains("landmarks jumped from one frame to the next")), "{notes:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_knee_at_1e300_is_left_out_and_never_printed_whole() {
    let dir = scratch("1e300");
    let mut clip = example_clip();
    clip["frames"][100]["landmarks"][26][1] = serde_json::json!(1e300);
    let path = dir.join("knee.csv");
    std::fs::write(&path, to_csv(&clip)).unwrap();
    let out = analyze(&path, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    let s = format!("{}\n{}", s.lines().next().unwrap_or(""), flat(&s));
    assert!(s.starts_with("back_squat (squat): 2 reps\n"), "{s}");
    assert!(s.contains("1 frame left out because a landmark lay far outside the picture"), "{s}");
    assert!(s.contains("right knee at y = 1.0e300"), "{s}");
    assert!(!s.contains("0000000000"), "no number is printed in full: {s}");
    assert!(!s.contains("confidence 100%"), "{s}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn one_frame_is_too_few_for_a_rep() {
    let dir = scratch("one");
    let mut clip = example_clip();
    clip["frames"].as_array_mut().unwrap().truncate(1);
    let path = dir.join("one.json");
    std::fs::write(&path, clip.to_string()).unwrap();
    let out = analyze(&path, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    let s = format!("{}\n{}", s.lines().next().unwrap_or(""), flat(&s));
    assert!(s.starts_with("back_squat (squat): 0 reps\n"), "{s}");
    assert!(s.contains("the clip has 1 usable frame (0.00 s), too few for a repetition"), "{s}");
    assert!(!s.contains("never went deep enough"), "{s}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_thigh_that_jumps_in_length_is_left_out_and_the_reps_stay() {
    let dir = scratch("jump");
    let mut clip = example_clip();
    for f in 150..154 {
        let lms = &mut clip["frames"][f]["landmarks"];
        let (hx, hy) = (lms[24][0].as_f64().unwrap(), lms[24][1].as_f64().unwrap());
        let (kx, ky) = (lms[26][0].as_f64().unwrap(), lms[26][1].as_f64().unwrap());
        lms[26][0] = serde_json::json!(hx + 3.0 * (kx - hx));
        lms[26][1] = serde_json::json!(hy + 3.0 * (ky - hy));
    }
    let path = dir.join("jump.json");
    std::fs::write(&path, clip.to_string()).unwrap();
    let v = json_of(&analyze(&path, &["--format", "json"]));
    assert_eq!(v["rep_count"], 2);
    let notes = v["diagnostics"].to_string();
    assert!(notes.contains("2 frames left out because landmarks jumped from one frame to the next") && notes.contains("right thigh"), "{notes}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn nan_and_infinity_are_refused_by_name() {
    let dir = scratch("nan");
    let mut clip = example_clip();
    clip["frames"].as_array_mut().unwrap().truncate(5);
    let csv = to_csv(&clip);
    let path = dir.join("nan.csv");
    for bad in ["NaN", "inf"] {
        // The second frame's first cell after its time: landmark 0's x.
        let line = csv.lines().nth(3).unwrap();
        let cells: Vec<&str> = line.split(',').collect();
        let broken = [cells[0], bad].iter().chain(&cells[2..]).copied().collect::<Vec<_>>().join(",");
        std::fs::write(&path, csv.replacen(line, &broken, 1)).unwrap();
        refused(&analyze(&path, &[]), "frames[1].landmarks[0]`: values must be finite numbers");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_negative_compression_is_left_out_with_its_cause() {
    // A side view (facing right, 800 px per metre) standing still, then the hips and shoulders
    // drop at three times gravity for a fifth of a second, as no lifter can.
    let dir = scratch("envelope");
    let (w, h) = (1080.0, 1920.0);
    let frames: Vec<Value> = (0..90)
        .map(|i| {
            let t = f64::from(i) / 30.0;
            let s = (t - 1.5).clamp(0.0, 0.2);
            let fall = 0.5 * 3.0 * 9.81 * s * s + (t - 1.7).max(0.0) * 3.0 * 9.81 * 0.2;
            let fall = fall.min(0.35);
            let p = |x: f64, y: f64, falls: bool| {
                let y = if falls { y - fall } else { y };
                [0.5 + x * 800.0 / w, 0.9 - y * 800.0 / h, 0.0, 1.0]
            };
            let mut lms = vec![[0.5, 0.5, 0.0, 0.1]; 33];
            for (k, x, y, falls) in [
                (0, 0.08, 1.62, true),
                (7, -0.02, 1.6, true),
                (8, -0.02, 1.6, true),
                (11, 0.0, 1.42, true),
                (12, 0.0, 1.42, true),
                (15, 0.05, 1.0, true),
                (16, 0.05, 1.0, true),
                (23, 0.0, 0.93, true),
                (24, 0.0, 0.93, true),
                (25, 0.04, 0.5, false),
                (26, 0.04, 0.5, false),
                (27, 0.0, 0.08, false),
                (28, 0.0, 0.08, false),
                (29, -0.05, 0.03, false),
                (30, -0.05, 0.03, false),
                (31, 0.15, 0.02, false),
                (32, 0.15, 0.02, false),
            ] {
                lms[k] = p(x, y, falls);
            }
            serde_json::json!({"t": t, "landmarks": lms})
        })
        .collect();
    let path = dir.join("fall.json");
    std::fs::write(&path, serde_json::json!({"fps": 30, "width": w, "height": h, "frames": frames}).to_string()).unwrap();
    let v = json_of(&analyze(&path, &["--format", "json", "--dynamic"]));
    let notes = v["diagnostics"].to_string();
    assert!(notes.contains("outside the physical envelope") && notes.contains("the upper body's acceleration read from the landmark motion"), "{notes}");
    for r in v["reps"].as_array().unwrap() {
        assert!(r["l5s1"]["compression_n"].as_f64().is_none_or(|c| c >= 0.0), "{r}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn real_data_still_passes() {
    let v = json_of(&analyze(&example("squat-side-gym.keypoints.json"), &["--format", "json"]));
    assert_eq!(v["rep_count"], 2);
    assert!(!v["diagnostics"].to_string().contains("left out"), "{}", v["diagnostics"]);
    for name in ["lite", "full", "heavy"] {
        let v = json_of(&analyze(&example(&format!("squat-side-gym-3s.mediapipe-0.10.14-{name}.json")), &["--format", "json"]));
        assert_eq!(v["rep_count"], 1, "{name}: {}", v["diagnostics"]);
    }
}

#[test]
fn the_text_report_speaks_plainly() {
    let out = analyze(&example("squat-side-gym-3s.mediapipe-0.10.14-full.json"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    let s = format!("{}\n{}", s.lines().next().unwrap_or(""), flat(&s));
    assert!(s.starts_with("back_squat (squat): 1 rep\n"), "{s}");
    for id in ["hip_below_knee_over_leg", "shallow_depth", "peak_trunk_lean_deg", "ascent_lean_increase_deg"] {
        assert!(!s.contains(id), "`{id}` reached the text: {s}");
    }
    let out = spotter(&["analyze", example("squat-side-gym.keypoints.json").to_str().unwrap(), "--exercise", "leg_press", "--body-mass", "80", "--height", "1.78"], "");
    let err = refused(&out, "`leg_press` is done on a machine; the analysis measures squats, hinges and lunges");
    assert!(!err.contains("Machine"), "{err}");
}
