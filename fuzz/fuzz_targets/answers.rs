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
    let Ok(text) = std::str::from_utf8(data) else { return };
    let kb = kb();
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
});
