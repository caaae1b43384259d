//! Fuzz target: the analysis-file reader behind `explain`, `plan` and `check --analysis FILE`
//! (`spotter_triage::merge_analysis_json`), into empty answers and into a full intake that
//! already has observations. Any input must give a typed error that leaves the answers as they
//! were, or answers that still read back as answers; never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spotter_kb::Kb;
use spotter_triage::{Answer, Answers, merge_analysis_json, parse_answers_json, tier_only};
use std::sync::OnceLock;

fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().expect("built-in knowledge base"))
}

/// A whole intake (examples/plan-seed-story.json) with two observations already given.
fn seeded() -> &'static Answers {
    static A: OnceLock<Answers> = OnceLock::new();
    A.get_or_init(|| {
        let text = include_str!("../../examples/plan-seed-story.json")
            .replace("\"observations\": []", "\"observations\": [\"chest_drops_forward\", \"long_lunge_step\"]");
        parse_answers_json(kb(), &text).expect("the seed intake reads")
    })
}

fn observations(a: &Answers) -> Vec<String> {
    match a.get("observations") {
        Some(Answer::Multi(v)) => v.clone(),
        _ => Vec::new(),
    }
}

fn merge_into(kb: &Kb, before: &Answers, text: &str) {
    let mut answers = before.clone();
    match merge_analysis_json(kb, &mut answers, text) {
        Err(_) => assert_eq!(&answers, before, "a refused file changed the answers"),
        Ok(()) => {
            // Only observations are added, and those already given are kept.
            let (old, new) = (observations(before), observations(&answers));
            assert!(old.iter().all(|o| new.contains(o)), "observations lost: {old:?} -> {new:?}");
            let mut rest = answers.clone();
            let mut rest_before = before.clone();
            rest.set_unchecked("observations", Answer::Multi(Vec::new()));
            rest_before.set_unchecked("observations", Answer::Multi(Vec::new()));
            assert_eq!(rest, rest_before, "a merge changed more than the observations");
            assert_eq!(tier_only(kb, &answers), tier_only(kb, before), "observations changed the tier");
            // What was merged writes back as an answers file that reads the same.
            let again = parse_answers_json(kb, &answers.to_json().to_string()).expect("merged answers read back");
            assert_eq!(again, answers);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let kb = kb();
    // The CLI refuses a file that is not UTF-8 before the reader sees it; the lossy text lets
    // every mutation reach the reader (it is the bytes themselves when they are UTF-8).
    let text = String::from_utf8_lossy(data);
    merge_into(kb, &Answers::new(), &text);
    merge_into(kb, seeded(), &text);
});
