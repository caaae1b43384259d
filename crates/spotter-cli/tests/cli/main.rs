//! End-to-end tests of the `spotter` binary: the interfaces of spec/triage.md, bad input,
//! the interactive check driven through a pipe, and snapshots of what a person reads.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

/// Runs `spotter` with `args`, feeding `stdin`, without colour and at a fixed width.
fn spotter(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spotter"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "88")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spotter starts");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("spotter runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("utf-8 output")
}

fn json_of(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

/// The rule ids in a JSON result's `reasons`.
fn rules(v: &Value) -> Vec<&str> {
    v["reasons"].as_array().expect("reasons").iter().map(|r| r["rule"].as_str().expect("rule")).collect()
}

mod triage {
    use super::*;

    #[test]
    fn json_interface_of_the_spec() {
        let v = json_of(&spotter(&["triage", "--answers", example("intake-emergency.json").to_str().unwrap(), "--format", "json"], ""));
        assert_eq!(v["tier"], "emergency");
        assert_eq!(rules(&v), ["E1", "P1", "P3"]);
        assert_eq!(v["reasons"][0]["items"], serde_json::json!(["saddle_numbness", "bladder_difficulty_starting"]));
        assert!(v["call_script"].as_str().unwrap().contains("numbness in my groin or saddle area"));
        assert!(v["disclaimer"].as_str().unwrap().contains("not a diagnosis"));
    }

    #[test]
    fn answers_from_standard_input() {
        let body = std::fs::read_to_string(example("intake-urgent.json")).unwrap();
        let v = json_of(&spotter(&["triage", "--answers", "-", "--format", "json"], &body));
        assert_eq!(v["tier"], "urgent");
        assert_eq!(rules(&v), ["U5", "P1"], "self-care notes are left out of a more urgent result");
    }

    #[test]
    fn self_care_names_transient_tingling_as_nerve_tension() {
        let v = json_of(&spotter(&["triage", "--answers", example("intake-self-care.json").to_str().unwrap(), "--format", "json"], ""));
        assert_eq!(v["tier"], "self_care");
        assert_eq!(rules(&v), ["S1"]);
        let reason = v["reasons"][0]["reason"].as_str().unwrap();
        assert!(reason.contains("nerve tension") && reason.contains("Re-check if it persists"), "{reason}");
        assert_eq!(v["unanswered_could_raise"], serde_json::json!([]));
    }

    #[test]
    fn text_output_snapshots() {
        for name in ["self-care", "urgent", "emergency"] {
            let out = spotter(&["triage", "--answers", example(&format!("intake-{name}.json")).to_str().unwrap()], "");
            assert_eq!(out.status.code(), Some(0));
            insta::assert_snapshot!(format!("triage_text_{name}"), text(&out.stdout));
        }
    }

    #[test]
    fn json_output_snapshot() {
        let out = spotter(&["triage", "--answers", example("intake-urgent.json").to_str().unwrap(), "--format", "json"], "");
        let mut v = json_of(&out);
        v["spotter_version"] = "[version]".into();
        insta::assert_json_snapshot!("triage_json_urgent", v);
    }

    /// Runs triage on `body` from stdin and returns stderr, checking exit code 2 and empty stdout.
    fn refused(body: &str) -> String {
        let out = spotter(&["triage", "--answers", "-", "--format", "json"], body);
        assert_eq!(out.status.code(), Some(2), "stdout: {}", text(&out.stdout));
        assert!(out.stdout.is_empty(), "no tier may be printed: {}", text(&out.stdout));
        text(&out.stderr)
    }

    fn complete_with(extra: &str) -> String {
        let base = std::fs::read_to_string(example("intake-self-care.json")).unwrap();
        base.trim_end().trim_end_matches('}').to_string() + "," + extra + "}"
    }

    #[test]
    fn invalid_json_is_refused_with_its_position() {
        let err = refused("{\"fever\": false,,}");
        assert!(err.contains("not valid JSON") && err.contains("line 1, column 17"), "{err}");
    }

    #[test]
    fn wrong_type_names_the_field() {
        let err = refused(&complete_with("\"age_years\": \"thirty\""));
        // A repeated key is also refused: age_years is already in the example.
        assert!(err.contains("age_years"), "{err}");
        let base = std::fs::read_to_string(example("intake-self-care.json")).unwrap().replace("\"fever\": false", "\"fever\": \"no\"");
        let err = refused(&base);
        assert!(err.contains("`fever`: expected true or false, got a string \"no\""), "{err}");
    }

    #[test]
    fn out_of_range_and_unknown_ids_are_named() {
        let base = std::fs::read_to_string(example("intake-self-care.json")).unwrap().replace("\"pain_now\": 4", "\"pain_now\": 14");
        let err = refused(&base);
        assert!(err.contains("`pain_now`: 14 is out of range: expected 0 to 10"), "{err}");
        let err = refused(&complete_with("\"butt_wink\": true"));
        assert!(err.contains("`butt_wink`: is not an item Spotter knows"), "{err}");
        let base = std::fs::read_to_string(example("intake-self-care.json")).unwrap().replace("\"leg_weakness\": \"none\"", "\"leg_weakness\": \"left\"");
        let err = refused(&base);
        assert!(err.contains("`leg_weakness`: \"left\" is not an allowed value (expected one of none, one_leg, both_legs)"), "{err}");
    }

    #[test]
    fn missing_safety_critical_items_are_named_and_no_tier_is_guessed() {
        let err = refused("{\"pain_now\": 3, \"saddle_numbness\": false}");
        for id in ["altered_sensation_wiping", "bladder_difficulty_starting", "sexual_dysfunction_new", "leg_weakness", "numbness_tingling", "major_trauma", "chest_or_abdominal_pain"] {
            assert!(err.contains(id), "{id} not named: {err}");
        }
        assert!(!err.contains("saddle_numbness,"), "answered item named as missing: {err}");
    }

    #[test]
    fn not_an_object_and_missing_file() {
        assert!(refused("[]").contains("must be one JSON object"));
        let out = spotter(&["triage", "--answers", "/nonexistent/answers.json"], "");
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("--answers: cannot read /nonexistent/answers.json"), "{}", text(&out.stderr));
    }

    #[test]
    fn usage_errors_exit_2() {
        let out = spotter(&["triage"], "");
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("--answers"));
        let out = spotter(&["triage", "--answers", "x.json", "--format", "yaml"], "");
        assert_eq!(out.status.code(), Some(2));
    }
}

mod check {
    use super::*;

    /// Every answer "no" or the mildest choice: age, trauma, chest, days, 8 cauda-equina items,
    /// leg weakness, foot drop, numbness, pain now and worst, character, spread, pattern, night,
    /// cough, trend (improving, so rest days are not asked), 8 general-health flags, and "n" to
    /// the offer of the cause finder and plan.
    const ALL_CLEAR: &str = "30\nn\nn\n2\nn\nn\nn\nn\nn\nn\nn\nn\n1\nn\n1\n3\n4\n1,2\n1\n1\nn\nn\n1\nn\nn\nn\nn\nn\nn\nn\nn\nn\n";

    /// The seed story after ALL_CLEAR's triage answers: yes to going on; walking lunge and leg
    /// curl today, pain in the lunge (the first of the two exercises offered) at the bottom, no
    /// warm-up, 8 h sitting, hands to the shins, straight-leg raise 60 degrees, thigh
    /// horizontal, 25 s bridge, nothing seen; then "f" for the full result after the summary.
    fn seed_story_script() -> String {
        ALL_CLEAR.strip_suffix("n\n").expect("ends with the offer").to_string() + "y\n8,12\n1\n5\nn\n8\n4\n60\n2\n25\n0\nf\n"
    }

    #[test]
    fn check_goes_on_to_causes_and_plan_when_safe() {
        let out = spotter(&["check"], &seed_story_script());
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(s.contains("Go on to find out why your back took the load"), "{s}");
        let causes = s.find("Why your back took the load").expect("causes shown");
        assert!(s[causes..].contains("1. Tight hamstrings"), "{s}");
        assert!(s[causes..].contains("2. Skipped warm-up"), "{s}");
        assert!(s.contains("Warm-up before leg day (5:30)"));
        assert!(s.contains("Cues for today's lifts") && s.contains("Walking lunge"));
    }

    #[test]
    fn check_json_with_plan_and_saved_answers_reproduce_it() {
        let dir = std::env::temp_dir().join(format!("spotter-check-plan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("answers.json");
        let _ = std::fs::remove_file(&file);
        let v = json_of(&spotter(&["check", "--format", "json", "--save", file.to_str().unwrap()], &seed_story_script()));
        assert_eq!(v["tier"], "self_care");
        assert_eq!(v["plan"]["causes"][0]["id"], "tight_hamstrings");
        let again = json_of(&spotter(&["plan", "--answers", file.to_str().unwrap(), "--format", "json"], ""));
        assert_eq!(v["plan"], again);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn all_clear_is_self_care() {
        let out = spotter(&["check"], ALL_CLEAR);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(s.contains("SELF-CARE"), "{s}");
        assert!(s.contains("None of the warning signs Spotter asks about is present"), "{s}");
    }

    #[test]
    fn check_offers_to_record_its_result_in_the_diary() {
        let dir = std::env::temp_dir().join(format!("spotter-check-record-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = dir.join("spotter.db");
        let db = db.to_str().unwrap();
        // Enter (or the end of the input) declines: no diary is made.
        let out = spotter(&["check", "--db", db], &(ALL_CLEAR.to_string() + "\n"));
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("s to save this check in your diary, or Enter to finish >"));
        assert!(!dir.exists(), "nothing stored when declined");
        // s saves it, with the date, and says so.
        let out = spotter(&["check", "--db", db], &(ALL_CLEAR.to_string() + "s\n"));
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Saved in your diary for"), "{}", text(&out.stdout));
        let status = json_of(&spotter(&["diary", "status", "--format", "json", "--db", db], ""));
        assert_eq!(status["triage"]["tier"], "self_care", "{status}");
        // --record saves without asking, in JSON mode too (the note goes to stderr).
        let v = json_of(&spotter(&["check", "--format", "json", "--record", "--db", db], ALL_CLEAR));
        assert_eq!(v["tier"], "self_care");
        let list = json_of(&spotter(&["export", "--format", "json", "--db", db], ""));
        assert_eq!(list["checks"].as_array().map(Vec::len), Some(2));
        // No offer after an emergency.
        let out = spotter(&["check", "--db", db], "30\ny\n");
        assert!(!text(&out.stdout).contains("save this check in your diary"), "{}", text(&out.stdout));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_cauda_equina_question_is_asked_explicitly() {
        let s = text(&spotter(&["check"], ALL_CLEAR).stdout);
        for phrase in [
            "saddle", "wipe after the toilet", "hard to pee", "feel less when you pee", "leaked urine",
            "control of your bowels", "need to open your bowels", "change in sex",
        ] {
            assert!(s.contains(phrase), "no question about {phrase:?}");
        }
    }

    #[test]
    fn an_emergency_answer_shows_the_result_at_once_even_if_the_input_ends() {
        // Saddle numbness: yes, and the input ends right there.
        let script = "30\nn\nn\n2\ny\n";
        let out = spotter(&["check"], script);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(s.contains("  EMERGENCY  "), "{s}");
        assert!(s.contains("What to say when you call"));
        assert!(!s.contains("When you wipe after the toilet, does the paper feel different from normal, or can\n    you hardly feel it?\n    Yes"), "no further question asked: {s}");
        assert!(s.contains("Not asked, because this is already an emergency"), "{s}");
        assert!(s.contains("- When you wipe after the toilet"), "the missing items are listed: {s}");
        // The same in JSON: one document on stdout with the missing items.
        let v = json_of(&spotter(&["check", "--format", "json"], script));
        assert_eq!(v["tier"], "emergency");
        assert_eq!(rules(&v), ["E1"]);
        let missing: Vec<&str> = v["not_answered"].as_array().unwrap().iter().map(|m| m["item"].as_str().unwrap()).collect();
        assert!(missing.contains(&"altered_sensation_wiping") && missing.contains(&"leg_weakness"), "{missing:?}");
    }

    #[test]
    fn an_answer_typed_by_mistake_can_be_taken_back() {
        // "y" to saddle numbness, then b: the result was shown, the question comes back, and the
        // check goes on to an all-clear self-care result.
        let script = ALL_CLEAR.replacen("30\nn\nn\n2\nn\n", "30\nn\nn\n2\ny\nb\nn\n", 1);
        let out = spotter(&["check"], &script);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let s = text(&out.stdout);
        let first = s.find("  EMERGENCY  ").expect("shown at once");
        assert!(s[first..].contains("  SELF-CARE  "), "{s}");
        // Back from an ordinary question too: age 99 taken back and answered 30; numbers follow
        // the questions asked, with no repeats.
        let script = ALL_CLEAR.replacen("30\n", "99\nb\n30\n", 1);
        let out = spotter(&["check", "--format", "json"], &script);
        let v = json_of(&out);
        assert_eq!(v["tier"], "self_care");
        let prompts = text(&out.stderr);
        assert!(prompts.contains("Back to the question before."), "{prompts}");
        let numbers: Vec<&str> = prompts.lines().filter_map(|l| l.get(..4)).filter(|p| p.ends_with(". ") && p.trim_end_matches(". ").trim().parse::<u32>().is_ok()).collect();
        assert!(numbers.len() > 20, "{numbers:?}");
        // b was typed at question 2, so 1 and 2 were shown, then 1, 2, 3, ... without a repeat.
        let numbers: Vec<u32> = numbers.iter().map(|p| p.trim_end_matches(". ").trim().parse().unwrap()).collect();
        assert_eq!(numbers[..2], [1, 2]);
        assert_eq!(numbers[2..], (1..=numbers.len() as u32 - 2).collect::<Vec<_>>(), "{numbers:?}");
    }

    #[test]
    fn every_e_rule_gives_the_result_when_input_ends_right_after_the_answer() {
        // For each E rule, a script that answers no/mildest until the firing answer and stops.
        // Order of the first questions: age, trauma, chest, days, 8 cauda-equina items, leg
        // weakness (1 none, 2 one leg, 3 both), foot drop, numbness (1 none, 2 one leg, 3 both).
        let base = ["30", "n", "n", "2"];
        let ce = |k: usize| -> Vec<&str> { let mut v = vec!["n"; 8]; v[k] = "y"; v.truncate(k + 1); v };
        let mut cases: Vec<(String, &str)> = Vec::new();
        for k in 0..7 {
            cases.push(([&base[..], &ce(k)].concat().join("\n") + "\n", "E1"));
        }
        cases.push(("30\ny\n".into(), "E5"));
        cases.push(("30\nn\ny\n".into(), "E6"));
        let no_ce = vec!["n"; 8];
        cases.push(([&base[..], &no_ce[..], &["3"]].concat().join("\n") + "\n", "E2"));
        cases.push(([&base[..], &no_ce[..], &["1", "n", "3"]].concat().join("\n") + "\n", "E2"));
        // Sexual dysfunction (the 8th item) is urgent alone; then a leg symptom makes it E4.
        let sex = ["n", "n", "n", "n", "n", "n", "n", "y"];
        cases.push(([&base[..], &sex[..], &["1", "n", "2"]].concat().join("\n") + "\n", "E4"));
        // Pain into the thigh (3) on both sides (3): after pain now, worst and its character.
        cases.push(([&base[..], &no_ce[..], &["1", "n", "1", "3", "4", "1,2", "3", "3"]].concat().join("\n") + "\n", "E3"));
        for (script, rule) in &cases {
            for format in ["text", "json"] {
                let out = spotter(&["check", "--format", format], script);
                assert_eq!(out.status.code(), Some(0), "{rule} {format} {script:?}: {}", text(&out.stderr));
                let s = text(&out.stdout);
                if format == "json" {
                    let v: Value = serde_json::from_str(&s).unwrap_or_else(|e| panic!("{e}: {s}"));
                    assert_eq!(v["tier"], "emergency", "{rule}");
                    assert!(rules(&v).contains(&rule.as_ref()), "{rule}: {:?}", rules(&v));
                } else {
                    assert!(s.contains("  EMERGENCY  ") && s.contains(&format!("  {rule} ")), "{rule}: {s}");
                }
            }
        }
    }

    #[test]
    fn bad_replies_are_asked_again() {
        let script = ALL_CLEAR.replacen("30\nn\n", "thirty\n30\nmaybe\n?\nn\n", 1);
        let out = spotter(&["check"], &script);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(s.contains("Please type a whole number from 10 to 110 years."), "{s}");
        assert!(s.contains("Please answer y (yes) or n (no)."), "{s}");
        assert!(s.contains("SELF-CARE"));
    }

    #[test]
    fn safety_questions_cannot_be_skipped_but_others_can() {
        // Skip the age (allowed), try to skip trauma (refused, then answered).
        let script = ALL_CLEAR.replacen("30\nn\n", "skip\nskip\nn\n", 1);
        let out = spotter(&["check", "--format", "json"], &script);
        let v = json_of(&out);
        assert_eq!(v["tier"], "self_care");
        assert!(text(&out.stderr).contains("cannot be skipped"));
    }

    #[test]
    fn answers_that_end_early_give_no_result() {
        let out = spotter(&["check"], "30\nn\nn\n2\nn\n");
        assert_eq!(out.status.code(), Some(2));
        assert!(!text(&out.stdout).contains("SELF-CARE"));
        assert!(text(&out.stderr).contains("ended before question `altered_sensation_wiping` was answered"), "{}", text(&out.stderr));
    }

    #[test]
    fn follow_ups_are_asked_only_when_they_apply() {
        // Numbness in one leg: the persistence follow-up is asked; "n" keeps it self-care.
        let script = ALL_CLEAR.replacen("1\nn\n1\n3\n", "1\nn\n2\nn\n3\n", 1);
        let out = spotter(&["check", "--format", "json"], &script);
        let v = json_of(&out);
        assert_eq!(rules(&v), ["S1"]);
        assert!(text(&out.stderr).contains("Does the numbness or tingling stay"));
        let all_clear = text(&spotter(&["check"], ALL_CLEAR).stdout);
        assert!(!all_clear.contains("Does the numbness or tingling stay"));
    }

    #[test]
    fn saved_answers_give_the_same_result_through_triage() {
        let dir = std::env::temp_dir().join(format!("spotter-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("answers.json");
        let _ = std::fs::remove_file(&file);
        let script = ALL_CLEAR.replacen("1\nn\n1\n3\n", "1\nn\n2\ny\n3\n", 1); // persistent numbness: urgent
        let out = spotter(&["check", "--format", "json", "--save", file.to_str().unwrap()], &script);
        let from_check = json_of(&out);
        assert_eq!(from_check["tier"], "urgent");
        let from_file = json_of(&spotter(&["triage", "--answers", file.to_str().unwrap(), "--format", "json"], ""));
        assert_eq!(from_check, from_file);
        // An existing file is not overwritten without --force, and is left as it was.
        let before = std::fs::read(&file).unwrap();
        let out = spotter(&["check", "--save", file.to_str().unwrap()], ALL_CLEAR);
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("already exists"));
        assert_eq!(std::fs::read(&file).unwrap(), before);
        let out = spotter(&["check", "--save", file.to_str().unwrap(), "--force"], ALL_CLEAR);
        assert_eq!(out.status.code(), Some(0));
        assert_ne!(std::fs::read(&file).unwrap(), before);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn required_follow_ups_are_asked_even_when_they_cannot_raise_the_tier_further() {
        // Foot drop (urgent) first, then numbness in one leg: the persistence question is still
        // asked, so the saved answers are complete for `spotter triage`.
        let dir = std::env::temp_dir().join(format!("spotter-check-follow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("answers.json");
        let _ = std::fs::remove_file(&file);
        let script = ALL_CLEAR.replacen("1\nn\n1\n3\n", "1\ny\n2\nn\n3\n", 1);
        let out = spotter(&["check", "--format", "json", "--save", file.to_str().unwrap()], &script);
        let v = json_of(&out);
        assert_eq!(v["tier"], "urgent");
        assert!(text(&out.stderr).contains("Does the numbness or tingling stay"));
        let again = json_of(&spotter(&["triage", "--answers", file.to_str().unwrap(), "--format", "json"], ""));
        assert_eq!(again["tier"], "urgent");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn transcript_snapshot() {
        let out = spotter(&["check"], ALL_CLEAR);
        insta::assert_snapshot!("check_all_clear", text(&out.stdout));
    }
}

mod help {
    use super::*;

    #[test]
    fn every_command_has_help_with_examples_and_there_is_a_version() {
        for args in [vec!["--help"], vec!["triage", "--help"], vec!["check", "--help"]] {
            let out = spotter(&args, "");
            assert_eq!(out.status.code(), Some(0));
            assert!(text(&out.stdout).contains("Examples:"), "{args:?}");
        }
        let out = spotter(&["--version"], "");
        assert_eq!(text(&out.stdout).trim(), format!("spotter {}", env!("CARGO_PKG_VERSION")));
    }
}

mod demo {
    use super::*;

    #[test]
    fn demo_runs_every_built_in_example() {
        let out = spotter(&["demo", "--format", "json"], "");
        let v = json_of(&out);
        let all = v.as_array().unwrap();
        let tiers: Vec<&str> = all[..3].iter().map(|e| e["result"]["tier"].as_str().unwrap()).collect();
        assert_eq!(tiers, ["self_care", "urgent", "emergency"]);
        assert_eq!(all[3]["plan"]["causes"][0]["id"], "tight_hamstrings");
        assert_eq!(all[4]["analysis"]["rep_count"], 2, "the real clip has two squats");
        let out = spotter(&["demo"], "");
        assert_eq!(out.status.code(), Some(0));
        let s = text(&out.stdout);
        assert!(s.contains("Example 3 of 3") && s.contains("  EMERGENCY  "), "{s}");
        assert!(s.contains("Example 4") && s.contains("Warm-up before leg day (5:30)"), "{s}");
        assert!(s.contains("Example 5") && s.contains("back_squat (squat): 2 reps"), "{s}");
    }
}

mod coaching {
    use super::*;

    fn seed() -> String {
        example("plan-seed-story.json").to_str().unwrap().to_string()
    }

    #[test]
    fn explain_json_interface_of_the_spec() {
        let v = json_of(&spotter(&["explain", "--answers", &seed(), "--format", "json"], ""));
        assert_eq!(v["tier"], "self_care");
        let causes = v["causes"].as_array().unwrap();
        let ids: Vec<&str> = causes.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(&ids[..2], ["tight_hamstrings", "skipped_warmup"]);
        let scores: Vec<u64> = causes.iter().map(|c| c["score"].as_u64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "sorted best first: {scores:?}");
        assert!(causes[0]["evidence"][0]["says"].as_str().unwrap().contains("straight-leg raise"));
    }

    #[test]
    fn explain_refuses_at_urgent_and_says_why() {
        let v = json_of(&spotter(&["explain", "--answers", example("intake-urgent.json").to_str().unwrap(), "--format", "json"], ""));
        assert_eq!(v["tier"], "urgent");
        assert_eq!(v["causes"], serde_json::json!([]));
        assert!(v["refused"].as_str().unwrap().contains("urgent"));
    }

    #[test]
    fn plan_json_interface_of_the_spec() {
        let v = json_of(&spotter(&["plan", "--answers", &seed(), "--minutes", "7", "--format", "json"], ""));
        assert_eq!(v["tier"], "self_care");
        let blocks = v["blocks"].as_array().unwrap();
        let ids: Vec<&str> = blocks.iter().map(|b| b["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["warmup", "exercise_cues", "cooldown", "strength", "daily"]);
        let warmup = blocks[0]["items"].as_array().unwrap();
        let total: u64 = warmup
            .iter()
            .map(|i| i["seconds"].as_u64().unwrap() * if i["per_side"].as_bool().unwrap() { 2 } else { 1 })
            .sum();
        assert_eq!(total, 420);
        assert!(warmup.iter().all(|i| i["kind"] == "dynamic"));
        let daily = blocks[4]["items"].as_array().unwrap();
        assert_eq!(daily[0]["id"], "sitting_break");
        assert_eq!(daily[0]["interval_minutes"], 30);
    }

    #[test]
    fn plan_refuses_a_budget_outside_5_to_10_minutes() {
        for bad in ["4", "10.5", "abc"] {
            let out = spotter(&["plan", "--answers", &seed(), "--minutes", bad], "");
            assert_eq!(out.status.code(), Some(2), "{bad}");
            assert!(out.stdout.is_empty());
            assert!(text(&out.stderr).contains("minutes"), "{}", text(&out.stderr));
        }
    }

    #[test]
    fn plan_for_urgent_has_no_blocks() {
        let v = json_of(&spotter(&["plan", "--answers", example("intake-emergency.json").to_str().unwrap(), "--format", "json"], ""));
        assert_eq!(v["tier"], "emergency");
        assert_eq!(v["blocks"], serde_json::json!([]));
        assert!(v["advice"].as_str().unwrap().starts_with("No training plan today."));
    }

    #[test]
    fn text_snapshots() {
        let out = spotter(&["explain", "--answers", &seed()], "");
        insta::assert_snapshot!("explain_text_seed_story", text(&out.stdout));
        let out = spotter(&["plan", "--answers", &seed()], "");
        insta::assert_snapshot!("plan_text_seed_story", text(&out.stdout));
    }
}

mod warmup {
    use super::*;

    #[test]
    fn plain_player_walks_through_the_warm_up_and_adds_up_to_the_budget() {
        let out = spotter(&["warmup", "--answers", example("plan-seed-story.json").to_str().unwrap(), "--plain", "--speed", "100000", "--minutes", "6"], "");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let s = text(&out.stdout);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "0:00 get ready (5 s)");
        assert!(lines.iter().any(|l| l.contains("SWITCH SIDES Leg swings")), "{s}");
        // 5 s to get ready + a 6-minute warm-up.
        assert_eq!(*lines.last().unwrap(), "6:05 done: warm-up complete");
        assert_eq!(lines.iter().filter(|l| l.contains(" BELL ")).count(), 6);
    }

    #[test]
    fn no_warm_up_when_triage_says_get_help() {
        let out = spotter(&["warmup", "--answers", example("intake-urgent.json").to_str().unwrap(), "--plain"], "");
        assert_eq!(out.status.code(), Some(0));
        let s = text(&out.stdout);
        assert!(s.contains("No training plan today") && !s.contains("BELL"), "{s}");
    }

    #[test]
    fn bad_speed_is_refused() {
        let out = spotter(&["warmup", "--answers", example("plan-seed-story.json").to_str().unwrap(), "--speed", "0"], "");
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("--speed"));
    }
}

mod analyze {
    use super::*;

    fn uiprmd(name: &str) -> String {
        root().join("crates/spotter-motion/tests/data/ui-prmd").join(name).to_str().unwrap().to_string()
    }

    #[test]
    fn uiprmd_file_gives_one_rep_with_a_verdict_and_the_spec_fields() {
        for (file, verdict) in [("m01_s01_e01_positions.txt.gz", "correct"), ("m01_s01_e01_positions_inc.txt.gz", "incorrect")] {
            let v = json_of(&spotter(
                &["analyze", &uiprmd(file), "--exercise", "bodyweight_squat", "--body-mass", "75", "--height", "1.75", "--format", "json"],
                "",
            ));
            assert_eq!(v["rep_count"], 1, "{file}");
            assert_eq!(v["verdict"], verdict, "{file}");
            let rep = &v["reps"][0];
            assert_eq!(rep["verdict"], verdict);
            // A marker file is judged on its 3-D markers (mocap::verdict): every model input is
            // listed with its push in log-odds, depth first.
            let reasons = rep["verdict_reasons"].as_array().unwrap();
            assert_eq!(reasons.len(), 2, "{file}: {reasons:?}");
            assert!(reasons[0].as_str().unwrap().starts_with("hip_below_knee_over_leg = "), "{reasons:?}");
            assert!(reasons.iter().all(|r| r.as_str().unwrap().ends_with("log-odds)")), "{reasons:?}");
            for key in ["depth_below_parallel", "peak_trunk_lean_deg", "faults"] {
                assert!(!rep[key].is_null(), "{file}: {key} missing");
            }
            for key in ["moment_nm", "compression_n", "shear_n_neutral", "shear_n_flexed"] {
                assert!(rep["l5s1"][key].as_f64().is_some_and(|x| x > 0.0), "{file}: l5s1.{key}");
            }
            assert!(rep["faults"].as_array().unwrap().iter().all(|f| f.is_string()));
        }
    }

    #[test]
    fn load_positions_are_named_as_in_the_spec() {
        for p in ["back", "front_rack", "hands", "none"] {
            let load = if p == "none" { "0" } else { "40" };
            let out = spotter(
                &["analyze", &uiprmd("m01_s01_e01_positions.txt.gz"), "--exercise", "front_squat", "--body-mass", "75", "--height", "1.75", "--load", load, "--load-position", p, "--format", "json"],
                "",
            );
            assert_eq!(out.status.code(), Some(0), "{p}: {}", text(&out.stderr));
        }
    }

    #[test]
    fn the_lunge_is_analysed_as_split_squat() {
        let v = json_of(&spotter(
            &["analyze", &uiprmd("m03_s02_e01_positions.txt.gz"), "--exercise", "split_squat", "--body-mass", "70", "--height", "1.70", "--format", "json"],
            "",
        ));
        assert_eq!(v["movement"], "lunge");
        assert_eq!(v["reps"][0]["lunge"]["front_leg"], "left");
        // A correct lunge (s02 e01), judged on trunk sway, bar tilt and the back knee.
        assert_eq!(v["verdict"], "correct");
        assert_eq!(v["reps"][0]["verdict_reasons"].as_array().unwrap().len(), 4);
    }

    #[test]
    fn text_report_and_plot() {
        let dir = std::env::temp_dir().join(format!("spotter-analyze-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let svg = dir.join("set.svg");
        let out = spotter(
            &["analyze", &uiprmd("m01_s01_e01_positions_inc.txt.gz"), "--exercise", "bodyweight_squat", "--body-mass", "75", "--height", "1.75", "--plot", svg.to_str().unwrap()],
            "",
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(s.contains("Shallow: the hips stayed above the knees"), "{s}");
        assert!(s.contains("Butt wink") && s.contains("not measured"));
        let plot = std::fs::read_to_string(&svg).expect("plot written");
        assert!(plot.starts_with("<svg") && plot.contains("trunk lean (deg)") && plot.contains("L5/S1 compression (N)"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_inputs_exit_2_with_the_reason() {
        let dir = std::env::temp_dir().join(format!("spotter-analyze-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad_json = dir.join("k.json");
        std::fs::write(&bad_json, "{\"fps\": 30, \"width\": 100, \"height\": 100, \"frames\": [{\"t\": 0, \"landmarks\": [[0.5, 0.5, 0, 1]]}]}").unwrap();
        let bad_txt = dir.join("m.txt");
        std::fs::write(&bad_txt, "1,2,3\n").unwrap();
        let cases: Vec<(Vec<String>, &str)> = vec![
            (vec![bad_json.display().to_string()], "frames[0].landmarks"),
            (vec![bad_txt.display().to_string()], "line 1"),
            (vec![dir.join("x.mp4").display().to_string()], "x.mp4: no such file"),
            (vec![dir.join("x.xyz").display().to_string()], "unknown input type"),
        ];
        for (input, msg) in cases {
            let mut args: Vec<&str> = vec!["analyze"];
            args.extend(input.iter().map(String::as_str));
            args.extend(["--exercise", "back_squat", "--body-mass", "80", "--height", "1.8"]);
            let out = spotter(&args, "");
            assert_eq!(out.status.code(), Some(2), "{input:?}");
            assert!(text(&out.stderr).contains(msg), "{input:?}: {}", text(&out.stderr));
        }
        let u = uiprmd("m01_s01_e01_positions.txt.gz");
        for (extra, msg) in [
            (vec!["--exercise", "leg_curl", "--body-mass", "80", "--height", "1.8"], "squats, hinges and lunges"),
            (vec!["--exercise", "back_squat", "--body-mass", "8", "--height", "1.8"], "--body-mass"),
            (vec!["--exercise", "back_squat", "--body-mass", "80", "--height", "18"], "--height"),
            (vec!["--exercise", "backsquat", "--body-mass", "80", "--height", "1.8"], "unknown exercise"),
        ] {
            let mut args = vec!["analyze", u.as_str()];
            args.extend(extra);
            let out = spotter(&args, "");
            assert_eq!(out.status.code(), Some(2));
            assert!(text(&out.stderr).contains(msg), "{}", text(&out.stderr));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn measured_faults_feed_the_cause_finder() {
        let dir = std::env::temp_dir().join(format!("spotter-analysis-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let analysis = dir.join("analysis.json");
        std::fs::write(&analysis, r#"{"movement": "squat", "reps": [], "observations": ["chest_drops_forward"]}"#).unwrap();
        let base = json_of(&spotter(&["explain", "--answers", example("intake-self-care.json").to_str().unwrap(), "--format", "json"], ""));
        assert!(!base["causes"].as_array().unwrap().iter().any(|c| c["id"] == "forward_lean"));
        let v = json_of(&spotter(
            &["explain", "--answers", example("intake-self-care.json").to_str().unwrap(), "--analysis", analysis.to_str().unwrap(), "--format", "json"],
            "",
        ));
        assert_eq!(v["causes"][0]["id"], "forward_lean", "{v}");
        std::fs::write(&analysis, r#"{"reps": []}"#).unwrap();
        let out = spotter(&["explain", "--answers", example("intake-self-care.json").to_str().unwrap(), "--analysis", analysis.to_str().unwrap()], "");
        assert_eq!(out.status.code(), Some(2));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

mod card {
    use super::*;

    #[test]
    fn plan_writes_a_one_page_card_in_the_format_asked() {
        let dir = std::env::temp_dir().join(format!("spotter-card-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let seed = example("plan-seed-story.json");
        for (name, magic) in [("card.pdf", &b"%PDF"[..]), ("card.png", &b"\x89PNG"[..]), ("card.svg", &b"<svg"[..])] {
            let path = dir.join(name);
            let out = spotter(&["plan", "--answers", seed.to_str().unwrap(), "--card", path.to_str().unwrap()], "");
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            let bytes = std::fs::read(&path).expect("card written");
            assert!(bytes.starts_with(magic), "{name}");
            if name == "card.pdf" {
                let s = String::from_utf8_lossy(&bytes);
                // The page objects: `/Type/Page` not followed by `s` (which is the page tree).
                let pages = s.match_indices("/Type/Page").filter(|(i, _)| !s[i + 10..].starts_with('s')).count();
                assert_eq!(pages, 1, "one page");
            }
        }
        let out = spotter(&["plan", "--answers", seed.to_str().unwrap(), "--card", dir.join("card.docx").to_str().unwrap()], "");
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains(".pdf, .png or .svg"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

mod video {
    use super::*;

    /// Equal JSON, numbers within 1e-9 (relative): the saved keypoints go through decimal text.
    fn assert_close(a: &Value, b: &Value, at: &str) {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                assert!((x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0), "{at}: {x} vs {y}");
            }
            (Value::Array(x), Value::Array(y)) => {
                assert_eq!(x.len(), y.len(), "{at}: lengths");
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    assert_close(p, q, &format!("{at}[{i}]"));
                }
            }
            (Value::Object(x), Value::Object(y)) => {
                assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>(), "{at}: keys");
                for (k, p) in x {
                    assert_close(p, &y[k], &format!("{at}.{k}"));
                }
            }
            _ => assert_eq!(a, b, "{at}"),
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spotter-video-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn pose_then_analyze_the_repo_clip_with_key_frames() {
        let dir = scratch("clip");
        let clip = example("squat-side-gym-3s.mp4");
        let keypoints = dir.join("squat.json");
        let out = spotter(&["pose", clip.to_str().unwrap(), "-o", keypoints.to_str().unwrap(), "--model", "lite", "--threads", "1", "--quiet"], "");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let seq: Value = serde_json::from_str(&std::fs::read_to_string(&keypoints).unwrap()).unwrap();
        assert_eq!(seq["layout"], "blazepose33");
        assert_eq!((seq["width"].as_u64(), seq["height"].as_u64()), (Some(608), Some(1080)));
        let frames = seq["frames"].as_array().unwrap();
        assert_eq!(frames.len(), 90);
        assert!(frames.iter().all(|f| f["landmarks"].as_array().is_some_and(|l| l.len() == 33)), "a person in every frame");
        // Frame times are the clip's own (29.97 fps).
        let t89 = frames[89]["t"].as_f64().unwrap();
        assert!((t89 - 89.0 / 29.97).abs() < 1e-3, "t of the last frame {t89}");

        // The saved keypoints analyse like the video itself, and the video gives a key frame.
        let frames_dir = dir.join("frames");
        let args = ["--exercise", "back_squat", "--body-mass", "80", "--height", "1.78", "--format", "json"];
        let mut from_video = vec!["analyze", clip.to_str().unwrap(), "--model", "lite", "--threads", "1", "--keyframes", frames_dir.to_str().unwrap()];
        from_video.extend(args);
        let v = spotter(&from_video, "");
        assert_eq!(v.status.code(), Some(0), "{}", text(&v.stderr));
        let mut from_json = vec!["analyze", keypoints.to_str().unwrap()];
        from_json.extend(args);
        let k = spotter(&from_json, "");
        let (v, k) = (json_of(&v), json_of(&k));
        assert_eq!(v["rep_count"], 1, "one squat in the clip");
        assert_close(&v["reps"], &k["reps"], "reps");
        let png = std::fs::read(frames_dir.join("rep-01-bottom.png")).expect("key frame written");
        assert!(png.starts_with(b"\x89PNG"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn two_people_in_view_give_one_steady_skeleton_and_a_note() {
        // The repo clip beside its mirror image: two lifters squatting side by side.
        let dir = scratch("two");
        let two = dir.join("two-lifters.mp4");
        let made = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-i"])
            .arg(example("squat-side-gym-3s.mp4"))
            .args(["-filter_complex", "[0:v]split[a][b];[b]hflip[c];[a][c]hstack,scale=608:-2", "-t", "1", "-an", "-pix_fmt", "yuv420p"])
            .arg(&two)
            .status()
            .expect("ffmpeg runs (scripts/setup.sh installs it)");
        assert!(made.success());
        let (keypoints, stats) = (dir.join("two.json"), dir.join("stats.json"));
        let out = spotter(
            &["pose", two.to_str().unwrap(), "-o", keypoints.to_str().unwrap(), "--model", "lite", "--threads", "1", "--quiet", "--stats", stats.to_str().unwrap()],
            "",
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stats: Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
        assert!(stats["frames_with_several_people"].as_u64().unwrap() >= 1, "{stats}");
        let notes = stats["diagnostics"].as_array().unwrap();
        assert!(notes.iter().any(|n| n.as_str().unwrap().contains("more than one person was in view")), "{notes:?}");
        let seq: Value = serde_json::from_str(&std::fs::read_to_string(&keypoints).unwrap()).unwrap();
        let frames = seq["frames"].as_array().unwrap();
        assert_eq!(frames.len(), 30);
        // One skeleton, and it stays on the same lifter: the hip centre never crosses the middle.
        let hip_x: Vec<f64> = frames
            .iter()
            .map(|f| {
                let l = f["landmarks"].as_array().expect("a person in every frame");
                (l[23][0].as_f64().unwrap() + l[24][0].as_f64().unwrap()) / 2.0
            })
            .collect();
        let left = hip_x[0] < 0.5;
        assert!(hip_x.iter().all(|&x| (x < 0.5) == left && (x - hip_x[0]).abs() < 0.1), "hip x {hip_x:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_video_without_a_person_and_files_that_are_not_videos_are_refused_by_name() {
        let dir = scratch("bad");
        let empty_scene = dir.join("no-person.mp4");
        let made = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:size=320x568:rate=10", "-t", "1", "-pix_fmt", "yuv420p"])
            .arg(&empty_scene)
            .status()
            .expect("ffmpeg runs (scripts/setup.sh installs it)");
        assert!(made.success());
        let out_json = dir.join("out.json");
        let out = spotter(&["pose", empty_scene.to_str().unwrap(), "-o", out_json.to_str().unwrap(), "--model", "lite", "--quiet"], "");
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("no person was found in any of its 10 frames"), "{}", text(&out.stderr));
        assert!(!out_json.exists(), "nothing written on failure");

        let not_video = dir.join("notes.mp4");
        std::fs::write(&not_video, "squat notes, not a video").unwrap();
        let out = spotter(&["pose", not_video.to_str().unwrap(), "-o", out_json.to_str().unwrap()], "");
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("notes.mp4: not a video"), "{}", text(&out.stderr));

        let out = spotter(&["pose", example("squat-side-gym-3s.mp4").to_str().unwrap(), "-o", dir.join("out.txt").to_str().unwrap()], "");
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("give a .json file name"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

mod bounded;
mod motion_input;
mod outputs;
mod readme;
mod diary;
mod serve;
