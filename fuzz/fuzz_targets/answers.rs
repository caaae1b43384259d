//! Fuzz target: the answers parser and the triage engine behind it. Any input must give either a
//! typed error or a result that keeps the engine's invariants; never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spotter_kb::Kb;
use spotter_triage::{could_raise, parse_answers_json, parse_complete_answers_json, tier_only, triage};
use std::sync::OnceLock;

fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().expect("built-in knowledge base"))
}

fuzz_target!(|data: &[u8]| {
    // The bytes as UTF-8 when they are; otherwise their lossy text, so that every mutation reaches
    // the parser (the CLI refuses a file that is not UTF-8 before parsing).
    check(kb(), &String::from_utf8_lossy(data));
});

fn check(kb: &Kb, text: &str) {
    // The partial parser accepts anything the complete one does.
    let partial = parse_answers_json(kb, text);
    let complete = parse_complete_answers_json(kb, text);
    if let Ok(c) = &complete {
        assert_eq!(partial.as_ref().ok(), Some(c));
    }
    let Ok(answers) = partial else { return };
    let t = triage(kb, &answers);
    assert_eq!(t.tier, tier_only(kb, &answers));
    assert!(t.fired.iter().all(|f| f.rule.tier <= t.tier));
    assert_eq!(t.call_script.is_some(), t.tier == spotter_triage::Tier::Emergency);
    for c in could_raise(kb, &answers, t.tier) {
        assert!(c.up_to > t.tier);
        assert!(answers.get(&c.item.id).is_none());
    }
    // What was read writes back to the same answers.
    let again = parse_answers_json(kb, &answers.to_json().to_string()).expect("round trip");
    assert_eq!(again, answers);
}
