//! Shared helpers: the knowledge base, a safe baseline intake, and answers with changes.

use serde_json::{Value, json};
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
        "trend": "improving",
        "fever": false, "unexplained_weight_loss": false, "history_of_cancer": false,
        "immunosuppressed_or_iv_drug_use": false, "recent_infection": false,
        "osteoporosis_or_long_term_steroids": false, "back_deformity_or_lump": false,
        "pain_between_shoulder_blades": false
    });
    v.as_object().expect("object").clone()
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
