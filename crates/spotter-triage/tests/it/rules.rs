//! One test per rule: the rule alone fires its tier, and its near neighbours do not fire it.
//! Expectations are written from spec/triage.md, not from the engine.

use crate::common::{outcome, with};
use serde_json::{Value, json};
use spotter_triage::Tier::{self, *};

/// Applies `changes` to the benign baseline and checks the tier and the exact set of fired rules.
fn check(changes: Value, tier: Tier, rules: &[&str]) {
    let (got_tier, got_rules) = outcome(&with(&changes));
    let mut want: Vec<String> = rules.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!((got_tier, &got_rules), (tier, &want), "answers changed: {changes}");
}

#[test]
fn baseline_is_self_care_with_nothing_fired() {
    check(json!({}), SelfCare, &[]);
}

#[test]
fn e1_each_cauda_equina_item_alone() {
    for item in [
        "saddle_numbness", "altered_sensation_wiping", "bladder_difficulty_starting", "bladder_sensation_reduced",
        "urinary_incontinence", "bowel_incontinence", "bowel_sensation_reduced",
    ] {
        check(json!({ item: true }), Emergency, &["E1"]);
    }
}

#[test]
fn e2_both_legs() {
    check(json!({"leg_weakness": "both_legs", "leg_weakness_onset": "gradual", "leg_weakness_worsening": false}), Emergency, &["E2"]);
    check(json!({"numbness_tingling": "both_legs", "numbness_persistent": false}), Emergency, &["E2"]);
    // Neighbours: one leg is not E2.
    check(json!({"numbness_tingling": "one_leg", "numbness_persistent": true}), Urgent, &["U2"]);
}

#[test]
fn e3_sciatica_in_both_legs() {
    check(json!({"pain_spread": "thigh", "pain_spread_side": "both"}), Emergency, &["E3"]);
    check(json!({"pain_spread": "below_knee", "pain_spread_side": "both"}), Emergency, &["E3"]);
    // Neighbours: both buttocks is not sciatica in both legs; one leg is not E3.
    check(json!({"pain_spread": "buttock", "pain_spread_side": "both"}), SelfCare, &[]);
    // One leg below the knee: not E3; a self-care note says to watch it.
    check(json!({"pain_spread": "below_knee", "pain_spread_side": "left"}), SelfCare, &["S2"]);
}

#[test]
fn e4_sexual_dysfunction_with_a_leg_symptom() {
    check(json!({"sexual_dysfunction_new": true, "pain_spread": "thigh", "pain_spread_side": "right"}), Emergency, &["E4"]);
    check(json!({"sexual_dysfunction_new": true, "numbness_tingling": "one_leg", "numbness_persistent": false}), Emergency, &["E4"]);
    check(
        json!({"sexual_dysfunction_new": true, "leg_weakness": "one_leg", "leg_weakness_onset": "gradual", "leg_weakness_worsening": false}),
        Emergency,
        &["E4", "U8"],
    );
    // Neighbour: spread only into the buttock is not a leg symptom.
    check(json!({"sexual_dysfunction_new": true, "pain_spread": "buttock", "pain_spread_side": "left"}), Urgent, &["U6"]);
}

#[test]
fn e5_major_trauma() {
    check(json!({"major_trauma": true}), Emergency, &["E5"]);
}

#[test]
fn e6_chest_or_abdominal_pain() {
    check(json!({"chest_or_abdominal_pain": true}), Emergency, &["E6"]);
}

#[test]
fn u1_sudden_or_worsening_weakness_or_foot_drop() {
    let weak = |onset: &str, worsening: bool| {
        json!({"leg_weakness": "one_leg", "leg_weakness_onset": onset, "leg_weakness_worsening": worsening})
    };
    check(weak("sudden", false), Urgent, &["U1", "U8"]);
    check(weak("gradual", true), Urgent, &["U1", "U8"]);
    check(json!({"foot_drop_or_tripping": true}), Urgent, &["U1"]);
    // Neighbour: gradual and stable is U8 only.
    check(weak("gradual", false), Urgent, &["U8"]);
}

#[test]
fn u2_persistent_numbness_in_one_leg() {
    check(json!({"numbness_tingling": "one_leg", "numbness_persistent": true}), Urgent, &["U2"]);
    // Neighbour: transient tingling stays self-care, named as possible nerve tension.
    check(json!({"numbness_tingling": "one_leg", "numbness_persistent": false}), SelfCare, &["S1"]);
}

#[test]
fn u3_each_serious_pathology_flag_alone() {
    for item in [
        "fever", "unexplained_weight_loss", "history_of_cancer", "immunosuppressed_or_iv_drug_use", "recent_infection",
        "back_deformity_or_lump", "pain_between_shoulder_blades", "osteoporosis_or_long_term_steroids",
    ] {
        check(json!({ item: true }), Urgent, &["U3"]);
    }
}

#[test]
fn u4_worse_at_night() {
    check(json!({"worse_at_night": true}), Urgent, &["U4"]);
    // Neighbour: not eased by rest alone is not a rule of the spec.
    check(json!({"eased_by_rest": false}), SelfCare, &[]);
}

#[test]
fn u5_cough_sneeze_strain() {
    check(json!({"worse_with_cough_sneeze_strain": true}), Urgent, &["U5"]);
}

#[test]
fn u6_sexual_dysfunction_alone() {
    check(json!({"sexual_dysfunction_new": true}), Urgent, &["U6"]);
}

#[test]
fn u7_constant_pain_over_50() {
    check(json!({"age_years": 51, "pain_pattern": "constant"}), Urgent, &["P2", "U7"]);
    // Neighbours: exactly 50 is not over 50; over 50 with movement-related pain is nothing.
    check(json!({"age_years": 50, "pain_pattern": "constant"}), SeeProfessional, &["P2"]);
    check(json!({"age_years": 75}), SelfCare, &[]);
}

#[test]
fn u8_gradual_weakness_in_one_leg() {
    check(json!({"leg_weakness": "one_leg", "leg_weakness_onset": "gradual", "leg_weakness_worsening": false}), Urgent, &["U8"]);
    // Unanswered onset and course still give at least U8.
    check(json!({"leg_weakness": "one_leg"}), Urgent, &["U8"]);
}

#[test]
fn p1_radicular_pain_down_one_leg() {
    check(json!({"pain_character": ["electric_shooting"], "pain_spread": "below_knee", "pain_spread_side": "right"}), SeeProfessional, &["P1"]);
    check(json!({"pain_character": ["dull_ache", "burning"], "pain_spread": "thigh", "pain_spread_side": "left"}), SeeProfessional, &["P1"]);
    // Neighbours: electric pain into the buttock only; an ache down the thigh.
    check(json!({"pain_character": ["electric_shooting"], "pain_spread": "buttock", "pain_spread_side": "left"}), SelfCare, &[]);
    check(json!({"pain_character": ["dull_ache"], "pain_spread": "thigh", "pain_spread_side": "left"}), SelfCare, &[]);
}

#[test]
fn p2_constant_pain() {
    check(json!({"pain_pattern": "constant"}), SeeProfessional, &["P2"]);
}

#[test]
fn p3_severe_pain() {
    check(json!({"pain_now": 7, "pain_worst_24h": 7}), SeeProfessional, &["P3"]);
    check(json!({"pain_worst_24h": 9}), SeeProfessional, &["P3"]);
    // Neighbour: 6 out of 10 is not severe.
    check(json!({"pain_now": 6, "pain_worst_24h": 6}), SelfCare, &[]);
}

#[test]
fn p4_not_improving_with_rest() {
    check(json!({"rest_days_without_improvement": 3, "trend": "same"}), SeeProfessional, &["P4"]);
    check(json!({"trend": "worse", "days_since_onset": 3}), SeeProfessional, &["P4"]);
    // Neighbours: two days of rest; worse on day 2.
    check(json!({"rest_days_without_improvement": 2, "trend": "same", "days_since_onset": 2}), SelfCare, &[]);
    check(json!({"trend": "worse", "days_since_onset": 2}), SelfCare, &[]);
}

#[test]
fn p5_six_weeks_not_improving() {
    check(json!({"days_since_onset": 42, "trend": "same"}), SeeProfessional, &["P5"]);
    check(json!({"days_since_onset": 60, "trend": "worse"}), SeeProfessional, &["P4", "P5"]);
    // Unanswered trend counts as not improving.
    check(json!({"days_since_onset": 42, "trend": null}), SeeProfessional, &["P5"]);
    // Neighbours: day 41; six weeks but improving.
    check(json!({"days_since_onset": 41, "trend": "same"}), SelfCare, &[]);
    check(json!({"days_since_onset": 90, "trend": "improving"}), SelfCare, &[]);
}

#[test]
fn most_urgent_tier_wins_and_every_rule_is_reported() {
    check(
        json!({"saddle_numbness": true, "fever": true, "pain_now": 8, "pain_pattern": "constant"}),
        Emergency,
        &["E1", "P2", "P3", "U3"],
    );
}

#[test]
fn fired_rules_name_the_items_that_fired_them_most_urgent_first() {
    let answers = crate::common::parse(&with(&json!({"bladder_difficulty_starting": true, "bowel_incontinence": true, "pain_now": 8})));
    let t = spotter_triage::triage(crate::common::kb(), &answers);
    let summary: Vec<(&str, Vec<&str>)> = t.fired.iter().map(|f| (f.rule.id.as_str(), f.items.clone())).collect();
    assert_eq!(summary, [("E1", vec!["bladder_difficulty_starting", "bowel_incontinence"]), ("P3", vec!["pain_now"])]);
}

#[test]
fn emergency_call_script_names_the_symptoms() {
    let answers = crate::common::parse(&with(&json!({"saddle_numbness": true, "leg_weakness": "both_legs", "fever": true})));
    let t = spotter_triage::triage(crate::common::kb(), &answers);
    let script = t.call_script.expect("emergency has a call script");
    assert!(script.contains("numbness in my groin or saddle area, new weakness in both legs and a fever"), "{script}");
    assert!(!script.contains("{symptoms}"));
    // Chest pain and trauma name their own worries, not the nerves.
    let chest = spotter_triage::triage(crate::common::kb(), &crate::common::parse(&with(&json!({"chest_or_abdominal_pain": true}))));
    let script = chest.call_script.expect("script");
    assert!(script.contains("chest or belly pain") && script.contains("my heart or a large blood vessel"), "{script}");
    assert!(!script.contains("cauda equina"), "{script}");
    let fall = spotter_triage::triage(crate::common::kb(), &crate::common::parse(&with(&json!({"major_trauma": true}))));
    assert!(fall.call_script.expect("script").contains("a broken bone in my spine"));
    // Other tiers have none.
    let t = spotter_triage::triage(crate::common::kb(), &crate::common::parse(&with(&json!({"fever": true}))));
    assert_eq!(t.call_script, None);
}

#[test]
fn s2_pain_below_the_knee_is_named_at_self_care_only() {
    check(json!({"pain_spread": "below_knee", "pain_spread_side": "right"}), SelfCare, &["S2"]);
    check(json!({"pain_spread": "thigh", "pain_spread_side": "right"}), SelfCare, &[]);
    // With a more urgent result the note is left out rather than contradict it.
    check(json!({"pain_spread": "below_knee", "pain_spread_side": "right", "pain_now": 8}), SeeProfessional, &["P3"]);
}

#[test]
fn follow_ups_that_decide_the_tier_are_required() {
    use spotter_triage::{IntakeError, parse_complete_answers_json};
    for (changes, missing) in [
        (json!({"pain_spread": "thigh"}), "pain_spread_side"),
        (json!({"pain_spread": "below_knee"}), "pain_spread_side"),
        (json!({"numbness_tingling": "one_leg"}), "numbness_persistent"),
    ] {
        let text = Value::Object(with(&changes)).to_string();
        let err = parse_complete_answers_json(crate::common::kb(), &text).unwrap_err();
        assert_eq!(err, IntakeError::MissingFollowUp(vec![missing.to_string()]), "{changes}");
    }
    // Not needed when the answer cannot change the tier.
    for changes in [json!({"pain_spread": "buttock"}), json!({"numbness_tingling": "both_legs"})] {
        let text = Value::Object(with(&changes)).to_string();
        assert!(parse_complete_answers_json(crate::common::kb(), &text).is_ok(), "{changes}");
    }
}
