//! Shared helpers: the built-in knowledge base and a benign baseline intake.

use serde_json::Value;
use spotter_kb::Kb;
use spotter_triage::{Answers, Tier, parse_complete_answers_json, triage};
use std::sync::OnceLock;

pub fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().expect("built-in knowledge base"))
}

/// A 30-year-old with a mild, improving, movement-related ache and no warning sign: every item
/// answered, nothing fires.
pub fn baseline() -> serde_json::Map<String, Value> {
    // Shared with the other crate's tests: crates/spotter-triage/tests/data/baseline-intake.json.
    serde_json::from_str(include_str!("../data/baseline-intake.json")).expect("baseline intake parses")
}

pub fn parse(map: &serde_json::Map<String, Value>) -> Answers {
    let text = Value::Object(map.clone()).to_string();
    parse_complete_answers_json(kb(), &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The tier and the ids of every fired rule, sorted.
pub fn outcome(map: &serde_json::Map<String, Value>) -> (Tier, Vec<String>) {
    let t = triage(kb(), &parse(map));
    let mut ids: Vec<String> = t.fired.iter().map(|f| f.rule.id.clone()).collect();
    ids.sort();
    (t.tier, ids)
}

/// The baseline with `changes` applied (a `null` removes the item).
pub fn with(changes: &Value) -> serde_json::Map<String, Value> {
    let mut m = baseline();
    for (k, v) in changes.as_object().expect("changes are an object") {
        if v.is_null() {
            m.remove(k);
        } else {
            m.insert(k.clone(), v.clone());
        }
    }
    m
}
