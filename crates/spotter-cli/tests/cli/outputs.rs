//! Outputs and flags (issue 10, items 4, 6, 8, 9): every output path is checked before the work,
//! files are written whole, the card says where it went, negative numbers reach our own range
//! checks, and the help shows a video.
//!
//! "Before the work" is shown by giving a file that is not a video (or an input that does not
//! exist): if the error is about the output, the input was never opened. Tests run as root, which
//! can write anywhere, so "unwritable" is a path under a regular file (`somefile/x.json`) or in
//! /proc, where not even root can create files.

use super::*;

/// A fresh scratch folder for one test, with a text file that is named like a video, a regular
/// file to put paths under, and nothing else.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("spotter-outputs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("notes.mp4"), "squat notes, not a video").unwrap();
        std::fs::write(dir.join("somefile"), "a regular file").unwrap();
        Scratch { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_str().unwrap().to_string()
    }

    /// The names in the folder, sorted (hidden temporary files included).
    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs spotter, expects exit 2 with nothing on stdout, and returns stderr.
fn refused(args: &[&str]) -> String {
    let out = spotter(args, "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr {err}");
    assert!(out.stdout.is_empty(), "{args:?}: stdout {}", text(&out.stdout));
    err
}

const LIFTER: [&str; 6] = ["--exercise", "back_squat", "--body-mass", "80", "--height", "1.8"];

fn analyze_video(video: &str, extra: &[&str]) -> String {
    let mut args = vec!["analyze", video];
    args.extend(LIFTER);
    args.extend(extra);
    refused(&args)
}

#[test]
fn analyze_keyframes_into_a_file_or_an_unwritable_place_fails_before_the_video() {
    let s = Scratch::new("keyframes");
    let video = s.path("notes.mp4");
    // An existing file where the folder should be.
    let err = analyze_video(&video, &["--keyframes", &s.path("somefile")]);
    assert!(err.contains(&format!("--keyframes {}: is a file, not a folder", s.path("somefile"))), "{err}");
    // A folder that cannot be made: under a regular file.
    let err = analyze_video(&video, &["--keyframes", &s.path("somefile/frames")]);
    assert!(err.contains("--keyframes ") && err.contains("cannot make this folder") && err.contains("somefile is a file, not a folder"), "{err}");
    // A folder where nobody may create anything (/proc refuses even root).
    let err = analyze_video(&video, &["--keyframes", "/proc/spotter-frames"]);
    assert!(err.contains("--keyframes /proc/spotter-frames: cannot make this folder in /proc"), "{err}");
    assert!(!err.contains("not a video"), "the video was opened first: {err}");
    // The same video with a good folder gets as far as the video, which is refused by name.
    let err = analyze_video(&video, &["--keyframes", &s.path("frames")]);
    assert!(err.contains("notes.mp4: not a video"), "{err}");
    assert!(!s.dir.join("frames").exists(), "no folder is made for a run that fails");
    assert_eq!(s.names(), ["notes.mp4", "somefile"]);
}

#[test]
fn analyze_keypoints_out_and_plot_are_checked_before_the_video() {
    let s = Scratch::new("analyze-files");
    let video = s.path("notes.mp4");
    for (flag, bad, why) in [
        ("--keypoints-out", "/nonexistent/k.json".to_string(), "the folder /nonexistent does not exist".to_string()),
        ("--keypoints-out", s.path("somefile/k.json"), "somefile is a file, not a folder".to_string()),
        ("--keypoints-out", "/proc/k.json".to_string(), "cannot write in the folder /proc".to_string()),
        ("--keypoints-out", s.path("k.txt"), "the file name must end in .json".to_string()),
        ("--plot", "/nonexistent/set.svg".to_string(), "the folder /nonexistent does not exist".to_string()),
        ("--plot", s.path("somefile/set.svg"), "somefile is a file, not a folder".to_string()),
        ("--plot", s.path("set.png"), "the file name must end in .svg".to_string()),
    ] {
        let err = analyze_video(&video, &[flag, &bad]);
        assert!(err.contains(&format!("{flag} {bad}: ")) && err.contains(&why), "{flag} {bad}: {err}");
        assert!(!err.contains("not a video"), "the video was opened first: {err}");
    }
    assert_eq!(s.names(), ["notes.mp4", "somefile"]);
}

#[test]
fn analyze_plot_of_a_keypoint_file_is_checked_before_the_file_is_read() {
    let s = Scratch::new("plot");
    // The input does not even exist: the plot's path is what is wrong first.
    let missing = s.path("missing.json");
    let mut args = vec!["analyze", &missing];
    args.extend(LIFTER);
    args.extend(["--plot", "/nonexistent/set.svg"]);
    let err = refused(&args);
    assert!(err.contains("--plot /nonexistent/set.svg: the folder /nonexistent does not exist"), "{err}");
    // A plot that is the input under another name (a link) is refused, and the input is left alone.
    let input = s.path("k.json");
    std::fs::write(&input, "{}").unwrap();
    std::os::unix::fs::symlink(&input, s.dir.join("k.svg")).unwrap();
    let linked = s.path("k.svg");
    let mut args = vec!["analyze", &input];
    args.extend(LIFTER);
    args.extend(["--plot", &linked]);
    let err = refused(&args);
    assert!(err.contains(&format!("--plot {linked}: is the input file")), "{err}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "{}");
}

#[test]
fn pose_outputs_are_checked_before_the_video() {
    let s = Scratch::new("pose");
    let video = s.path("notes.mp4");
    let err = refused(&["pose", &video, "-o", "/nonexistent/x.json"]);
    assert!(err.contains("-o /nonexistent/x.json: the folder /nonexistent does not exist"), "{err}");
    let err = refused(&["pose", &video, "-o", &s.path("somefile/x.json")]);
    assert!(err.contains("somefile is a file, not a folder"), "{err}");
    let err = refused(&["pose", &video, "-o", "/proc/x.json"]);
    assert!(err.contains("-o /proc/x.json: cannot write in the folder /proc"), "{err}");
    let err = refused(&["pose", &video, "-o", &s.path("k.json"), "--stats", "/nonexistent/stats.json"]);
    assert!(err.contains("--stats /nonexistent/stats.json: the folder /nonexistent does not exist"), "{err}");
    let err = refused(&["pose", &video, "-o", &s.path("k.json"), "--stats", &s.path("k.json")]);
    assert!(err.contains("is also the -o file"), "{err}");
    // With good outputs the video itself is refused, and nothing is written.
    let err = refused(&["pose", &video, "-o", &s.path("k.json"), "--stats", &s.path("stats.json")]);
    assert!(err.contains("notes.mp4: not a video"), "{err}");
    assert_eq!(s.names(), ["notes.mp4", "somefile"]);
}

#[test]
fn plan_card_is_checked_before_the_work_and_says_where_it_went() {
    let s = Scratch::new("card");
    let seed = example("plan-seed-story.json");
    let seed = seed.to_str().unwrap();
    // A wrong card path fails before the answers are read (these answers do not exist).
    let missing = s.path("missing.json");
    let err = refused(&["plan", "--answers", &missing, "--card", "/nonexistent/card.pdf"]);
    assert!(err.contains("--card /nonexistent/card.pdf: the folder /nonexistent does not exist"), "{err}");
    let err = refused(&["plan", "--answers", seed, "--card", &s.path("somefile/card.pdf")]);
    assert!(err.contains("somefile is a file, not a folder"), "{err}");
    let err = refused(&["plan", "--answers", seed, "--card", "/proc/card.pdf"]);
    assert!(err.contains("--card /proc/card.pdf: cannot write in the folder /proc"), "{err}");
    std::fs::create_dir(s.dir.join("card.pdf")).unwrap();
    let err = refused(&["plan", "--answers", seed, "--card", &s.path("card.pdf")]);
    assert!(err.contains("is a folder; give a file name"), "{err}");
    std::fs::remove_dir(s.dir.join("card.pdf")).unwrap();

    // A good path: the card replaces an old file whole, the plan is printed, and a line on
    // stderr says where the card went. No temporary file is left.
    let card = s.path("card.pdf");
    std::fs::write(&card, "an old card").unwrap();
    let out = spotter(&["plan", "--answers", seed, "--card", &card, "--format", "json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let plan: Value = serde_json::from_slice(&out.stdout).expect("stdout is the plan's JSON alone");
    assert!(plan.is_object());
    assert_eq!(text(&out.stderr).trim(), format!("Card written to {card} (one A5 page, PDF)"));
    assert!(std::fs::read(&card).unwrap().starts_with(b"%PDF-"));
    let png = s.path("card.png");
    let out = spotter(&["plan", "--answers", seed, "--card", &png], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&format!("Card written to {png} (one A5 page, PNG, 839 × 1191 pixels)")), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Warm-up"), "the plan is printed too");
    assert_eq!(s.names(), ["card.pdf", "card.png", "notes.mp4", "somefile"]);
}

#[test]
fn plan_ics_writes_reminders_a_calendar_imports() {
    let s = Scratch::new("ics");
    let seed = example("plan-seed-story.json");
    let seed = seed.to_str().unwrap();
    let ics = s.path("reminders.ics");
    // Bad flags are refused before the work (these answers do not exist).
    let missing = s.path("missing.json");
    let err = refused(&["plan", "--answers", &missing, "--ics", &s.path("reminders.txt"), "--leg-days", "mon"]);
    assert!(err.contains("--ics"), "{err}");
    let err = refused(&["plan", "--answers", &missing, "--ics", &ics, "--leg-days", "mon,funday"]);
    assert!(err.contains("--leg-days: \"funday\" is not a day of the week"), "{err}");
    let err = refused(&["plan", "--answers", &missing, "--ics", &ics, "--leg-days", "mon", "--session-time", "25:00"]);
    assert!(err.contains("--session-time"), "{err}");
    let err = refused(&["plan", "--answers", seed, "--ics", &ics]);
    assert!(err.contains("no leg days were named"), "{err}");
    let err = refused(&["plan", "--answers", seed, "--leg-days", "mon"]);
    assert!(err.contains("--ics"), "--leg-days needs --ics: {err}");
    assert!(!std::path::Path::new(&ics).exists());

    let out = spotter(&["plan", "--answers", seed, "--ics", &ics, "--leg-days", "mon,thu", "--work-hours", "08:30-16:30"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(said.contains(&format!("Reminders written to {ics}: the ")) && said.contains("warm-up at 17:45 on mon, thu"), "{said}");
    let cal = std::fs::read_to_string(&ics).unwrap();
    assert!(cal.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{}", &cal[..cal.len().min(200)]);
    assert!(cal.trim_end().ends_with("END:VCALENDAR"));
    assert!(cal.contains("RRULE:FREQ=WEEKLY;BYDAY=MO,TH"));
    assert!(cal.contains("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"));
    assert_eq!(cal.matches("BEGIN:VEVENT").count(), cal.matches("BEGIN:VALARM").count());
    assert!(cal.matches("BEGIN:VEVENT").count() > 2);
    assert!(text(&out.stdout).contains("Warm-up"), "the plan is printed too");
    assert_eq!(s.names(), ["notes.mp4", "reminders.ics", "somefile"]);
}

#[test]
fn negative_numbers_reach_the_range_checks_of_every_numeric_flag() {
    let uiprmd = root().join("crates/spotter-motion/tests/data/ui-prmd/m01_s01_e01_positions.txt.gz");
    let uiprmd = uiprmd.to_str().unwrap();
    let seed = example("plan-seed-story.json");
    let seed = seed.to_str().unwrap();
    // The analysis with one flag's value replaced (or added).
    let analyze = |flag: &str, value: &str| {
        let mut args = vec!["analyze", uiprmd, "--exercise", "bodyweight_squat"];
        for (f, v) in [("--body-mass", "75"), ("--height", "1.75")] {
            if f != flag {
                args.extend([f, v]);
            }
        }
        args.extend([flag, value]);
        refused(&args)
    };
    let cases: Vec<(String, &str)> = vec![
        (analyze("--body-mass", "-5"), "--body-mass must be 20 to 350 kg, got -5"),
        (analyze("--height", "-1.8"), "--height must be 1.0 to 2.5 m, got -1.8"),
        (analyze("--load", "-10"), "--load must be 0 to 1000 kg, got -10"),
        (analyze("--threads", "-1"), "must be 1 to 64, got -1"),
        (refused(&["plan", "--answers", seed, "--minutes", "-5"]), "--minutes"),
        (refused(&["warmup", "--answers", seed, "--minutes", "-5", "--plain"]), "--minutes"),
        (refused(&["warmup", "--answers", seed, "--speed", "-2", "--plain"]), "--speed must be 0.01 to 1000000, got -2"),
        (refused(&["warmup", "--answers", seed, "--get-ready", "-5", "--plain"]), "must be 0 to 600 seconds, got -5"),
        (refused(&["pose", "v.mp4", "-o", "k.json", "--threads", "-2"]), "must be 1 to 64, got -2"),
        (refused(&["pose", "v.mp4", "-o", "k.json", "--threads", "0"]), "must be 1 to 64, got 0"),
    ];
    for (err, wanted) in cases {
        assert!(err.contains(wanted), "wanted {wanted:?} in: {err}");
        // Never clap's tip to put the number after `--`, which does not work here, nor a
        // number cut down to its first digit as an unknown flag.
        assert!(!err.contains("-- -") && !err.contains("unexpected argument"), "{err}");
    }
    // The minutes message names the number it got.
    let err = refused(&["plan", "--answers", seed, "--minutes", "-5"]);
    assert!(err.contains("-5"), "{err}");
}

#[test]
fn analyze_help_shows_a_video_example_and_the_ranges() {
    let out = spotter(&["analyze", "--help"], "");
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(help.contains("Examples:"), "{help}");
    let video_example = help.lines().find(|l| l.trim_start().starts_with("spotter analyze ") && l.contains(".mp4"));
    assert!(video_example.is_some_and(|l| l.contains("--keyframes")), "no video example:\n{help}");
    for words in ["Body mass in kilograms, 20 to 350", "1.0 to 2.5", "0 to 1000", "1 to 64"] {
        assert!(help.contains(words), "{words:?} not in:\n{help}");
    }
    let out = spotter(&["warmup", "--help"], "");
    let help = text(&out.stdout);
    assert!(help.contains("0 to 600 seconds") && help.contains("0.01 to 1000000"), "{help}");
}
