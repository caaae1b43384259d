//! Shared helpers: the built-in knowledge base and a benign baseline intake.

use serde_json::{Value, json};
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
    let v = json!({
        "age_years": 30, "major_trauma": false, "chest_or_abdominal_pain": false,
        "onset": "during_set", "days_since_onset": 1,
        "saddle_numbness": false, "altered_sensation_wiping": false,
        "bladder_difficulty_starting": false, "bladder_sensation_reduced": false,
        "urinary_incontinence": false, "bowel_incontinence": false, "bowel_sensation_reduced": false,
        "sexual_dysfunction_new": false,
        "leg_weakness": "none", "foot_drop_or_tripping": false, "numbness_tingling": "none",
        "pain_now": 3, "pain_worst_24h": 4, "pain_character": ["dull_ache"],
        "pain_spread": "back_only", "pain_pattern": "movement_related",
        "worse_at_night": false, "eased_by_rest": true, "worse_with_cough_sneeze_strain": false,
        "trend": "improving", "rest_days_without_improvement": 0,
        "fever": false, "unexplained_weight_loss": false, "history_of_cancer": false,
        "immunosuppressed_or_iv_drug_use": false, "recent_infection": false,
        "osteoporosis_or_long_term_steroids": false, "back_deformity_or_lump": false,
        "pain_between_shoulder_blades": false
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
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
