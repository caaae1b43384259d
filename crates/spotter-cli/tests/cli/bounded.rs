//! Hostile and broken input to the readers of answers and analysis files and to `check`: each
//! stops at its documented limit with exit 2 and a message naming it, checks in linear time, and
//! keeps its messages short. An emergency never waits for missing items, in every front end.

use super::*;

/// Runs `spotter` with standard input read from `stdin_file` (a device such as /dev/zero).
fn spotter_stdin_from(args: &[&str], stdin_file: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spotter"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "88")
        .stdin(std::fs::File::open(stdin_file).expect("stdin file"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("spotter runs")
}

fn refused_with(out: &Output, part: &str) -> String {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stdout: {}\nstderr: {err}", text(&out.stdout));
    assert!(err.contains(part), "{part:?} not in: {err}");
    assert!(err.len() < 2_000, "a short message, not {} bytes", err.len());
    err
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spotter-bounded-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn endless_answers_stop_at_the_limit() {
    let seed = example("plan-seed-story.json");
    let seed = seed.to_str().unwrap();
    for args in [
        vec!["triage", "--answers", "/dev/zero"],
        vec!["triage", "--answers", "/dev/zero", "--format", "json"],
        vec!["plan", "--answers", "/dev/zero"],
        vec!["warmup", "--answers", "/dev/zero", "--plain"],
        vec!["explain", "--answers", "/dev/zero"],
        vec!["explain", "--answers", seed, "--analysis", "/dev/zero"],
        vec!["plan", "--answers", seed, "--analysis", "/dev/zero"],
        vec!["check", "--analysis", "/dev/zero"],
    ] {
        let out = spotter(&args, "");
        let err = refused_with(&out, "larger than");
        assert!(err.contains("4 MiB") || err.contains("16 MiB"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = spotter_stdin_from(&["triage", "--answers", "-"], "/dev/zero");
    refused_with(&out, "--answers standard input: larger than 4 MiB");
}

#[test]
fn check_fed_from_a_device_stops_at_the_first_reply() {
    let out = spotter_stdin_from(&["check"], "/dev/zero");
    refused_with(&out, "a reply longer than 4096 bytes");
    let out = spotter_stdin_from(&["check", "--format", "json"], "/dev/zero");
    refused_with(&out, "a reply longer than 4096 bytes");
    assert!(out.stdout.is_empty());
    // Endless wrong replies: given up on after a few, not asked forever.
    let out = spotter(&["check"], &"x\n".repeat(10_000));
    refused_with(&out, "replies in a row to question `age_years` were not answers to it");
}

#[test]
fn a_hundred_thousand_unknown_keys_are_checked_quickly_with_a_short_message() {
    let mut body = String::from("{");
    for i in 0..100_000 {
        body.push_str(&format!("\"k{i}\": true, "));
    }
    body.push_str("\"fever\": false}");
    let out = spotter(&["triage", "--answers", "-"], &body);
    let err = refused_with(&out, "100000 problems: `k0`: is not an item Spotter knows");
    assert!(err.contains("and 99995 more"), "{err}");
}

#[test]
fn byte_order_mark_huge_numbers_and_wrong_files_are_named() {
    let base = std::fs::read_to_string(example("intake-self-care.json")).unwrap();
    let v = json_of(&spotter(&["triage", "--answers", "-", "--format", "json"], &format!("\u{feff}{base}")));
    assert_eq!(v["tier"], "self_care");
    let huge = base.replace("\"age_years\": 28", "\"age_years\": 1e23");
    assert_ne!(huge, base);
    refused_with(&spotter(&["triage", "--answers", "-"], &huge), "`age_years`: 1e+23 is out of range: expected 10 to 110 years");
    // An answers file given as the analysis is named as such.
    let seed = example("plan-seed-story.json");
    let out = spotter(&["explain", "--answers", seed.to_str().unwrap(), "--analysis", seed.to_str().unwrap()], "");
    refused_with(&out, "this is an answers file, not an analysis");
    // Not UTF-8, and a folder.
    let dir = temp_dir("files");
    let latin1 = dir.join("latin1.json");
    std::fs::write(&latin1, b"{\"fever\": \"\xe9\"}").unwrap();
    refused_with(&spotter(&["triage", "--answers", latin1.to_str().unwrap()], ""), "not a text file (not UTF-8");
    refused_with(&spotter(&["triage", "--answers", dir.to_str().unwrap()], ""), "is a folder, not a file");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// One answer that fires each E rule, with everything else left out.
const EMERGENCIES: &[(&str, &str)] = &[
    (r#"{"saddle_numbness": true}"#, "E1"),
    (r#"{"altered_sensation_wiping": true}"#, "E1"),
    (r#"{"bladder_difficulty_starting": true}"#, "E1"),
    (r#"{"bladder_sensation_reduced": true}"#, "E1"),
    (r#"{"urinary_incontinence": true}"#, "E1"),
    (r#"{"bowel_incontinence": true}"#, "E1"),
    (r#"{"bowel_sensation_reduced": true}"#, "E1"),
    (r#"{"leg_weakness": "both_legs"}"#, "E2"),
    (r#"{"numbness_tingling": "both_legs"}"#, "E2"),
    (r#"{"pain_spread": "below_knee", "pain_spread_side": "both"}"#, "E3"),
    (r#"{"sexual_dysfunction_new": true, "pain_spread": "thigh"}"#, "E4"),
    (r#"{"major_trauma": true}"#, "E5"),
    (r#"{"chest_or_abdominal_pain": true}"#, "E6"),
];

#[test]
fn every_e_rule_gives_an_emergency_from_a_file_with_the_rest_missing() {
    for (body, rule) in EMERGENCIES {
        let v = json_of(&spotter(&["triage", "--answers", "-", "--format", "json"], body));
        assert_eq!(v["tier"], "emergency", "{body}");
        assert!(rules(&v).contains(rule), "{body}: {:?}", rules(&v));
        let missing: Vec<&str> = v["not_answered"].as_array().unwrap().iter().map(|m| m["item"].as_str().unwrap()).collect();
        assert!(!missing.is_empty(), "{body}: the missing items are listed");
        for (id, _) in serde_json::from_str::<serde_json::Map<String, Value>>(body).unwrap() {
            assert!(!missing.contains(&id.as_str()), "{body}: answered {id} listed as missing");
        }
        let out = spotter(&["triage", "--answers", "-"], body);
        assert_eq!(out.status.code(), Some(0), "{body}: {}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(s.contains("  EMERGENCY  ") && s.contains("Not asked, because this is already an emergency"), "{s}");
        // plan and explain say the same: no plan, the emergency first.
        let out = spotter(&["plan", "--answers", "-", "--format", "json"], body);
        assert_eq!(json_of(&out)["tier"], "emergency", "plan {body}");
        let out = spotter(&["explain", "--answers", "-", "--format", "json"], body);
        assert_eq!(json_of(&out)["tier"], "emergency", "explain {body}");
    }
    // Not an emergency: the same gap is still refused.
    let out = spotter(&["triage", "--answers", "-", "--format", "json"], r#"{"sexual_dysfunction_new": true}"#);
    refused_with(&out, "safety-critical items not answered");
    assert!(out.stdout.is_empty());
}

#[test]
fn check_refuses_a_save_path_it_cannot_write_before_the_first_question() {
    let dir = temp_dir("save");
    let file = dir.join("file");
    std::fs::write(&file, "x").unwrap();
    for (path, why) in [
        ("/nonexistent/answers.json".to_string(), "does not exist"),
        (file.join("answers.json").display().to_string(), "is a file, not a folder"),
        (dir.display().to_string(), "is a folder"),
    ] {
        let out = spotter(&["check", "--save", &path], "30\n");
        refused_with(&out, why);
        assert!(!text(&out.stdout).contains("How old are you"), "refused before any question: {path}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn huge_numbers_in_flags_are_written_briefly() {
    let seed = example("plan-seed-story.json");
    let out = spotter(&["plan", "--answers", seed.to_str().unwrap(), "--minutes=1e308"], "");
    let err = refused_with(&out, "the warm-up budget must be 5 to 10 minutes, got 1e308");
    assert!(err.len() < 200, "{err}");
    let out = spotter(&["warmup", "--answers", seed.to_str().unwrap(), "--plain", "--speed=nan"], "");
    refused_with(&out, "--speed must be 0.01 to 1000000, got not a number");
}
