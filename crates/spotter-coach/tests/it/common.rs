//! Shared helpers: the knowledge base, a safe baseline intake, and answers with changes.

use serde_json::Value;
use spotter_kb::Kb;
use spotter_triage::{Answers, parse_complete_answers_json};
use std::sync::OnceLock;

pub fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().expect("built-in knowledge base"))
}

/// A 30-year-old with a mild, improving, movement-related ache and no warning sign; no
/// cause-finder answers.
pub fn baseline() -> serde_json::Map<String, Value> {
    // Shared with the other crate's tests: crates/spotter-triage/tests/data/baseline-intake.json.
    serde_json::from_str(include_str!("../../../spotter-triage/tests/data/baseline-intake.json")).expect("baseline intake parses")
}

/// The baseline with `changes` applied (`null` removes an item), parsed and checked.
pub fn answers(changes: Value) -> Answers {
    let mut m = baseline();
    for (k, v) in changes.as_object().expect("changes are an object") {
        if v.is_null() {
            m.remove(k);
        } else {
            m.insert(k.clone(), v.clone());
        }
    }
    let text = Value::Object(m).to_string();
    parse_complete_answers_json(kb(), &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}
