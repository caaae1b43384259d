//! Unanswered items that could change the result are named, including pairs that only matter
//! together.

use crate::common::{kb, with};
use serde_json::json;
use spotter_triage::{Tier, could_raise, triage};

fn names(changes: serde_json::Value) -> Vec<(String, Tier)> {
    // Partial answers: required follow-ups may be missing here on purpose.
    let answers = spotter_triage::parse_answers_json(kb(), &serde_json::Value::Object(with(&changes)).to_string()).expect("valid");
    let t = triage(kb(), &answers);
    could_raise(kb(), &answers, t.tier).into_iter().map(|c| (c.item.id.clone(), c.up_to)).collect()
}

#[test]
fn fully_answered_intake_has_nothing_left_to_raise() {
    assert_eq!(names(json!({})), []);
}

#[test]
fn missing_spread_and_side_could_both_raise_to_emergency() {
    let got = names(json!({"pain_spread": null, "pain_spread_side": null}));
    assert!(got.contains(&("pain_spread".into(), Tier::Emergency)), "{got:?}");
    assert!(got.contains(&("pain_spread_side".into(), Tier::Emergency)), "{got:?}");
}

#[test]
fn side_alone_is_not_listed_when_the_pain_stays_in_the_back() {
    // With pain_spread answered back_only, the side cannot fire anything.
    assert_eq!(names(json!({"pain_spread_side": null})), []);
}

#[test]
fn missing_persistence_of_one_leg_tingling_could_raise_to_urgent() {
    let got = names(json!({"numbness_tingling": "one_leg", "numbness_persistent": null}));
    assert_eq!(got, [("numbness_persistent".to_string(), Tier::Urgent)]);
}

#[test]
fn nothing_is_listed_above_an_emergency() {
    let got = names(json!({"major_trauma": true, "fever": null, "pain_now": null}));
    assert_eq!(got, []);
}

#[test]
fn only_items_that_matter_above_the_current_tier() {
    // Already urgent: pain_now (at most see_professional) is not listed, nor is a flag like
    // history_of_cancer (urgent is not above urgent); the spread, with its side, could still reach
    // emergency.
    let got = names(json!({"worse_at_night": true, "pain_now": null, "history_of_cancer": null, "pain_spread": null}));
    assert_eq!(got, [("pain_spread".to_string(), Tier::Emergency), ("pain_spread_side".to_string(), Tier::Emergency)]);
}

#[test]
fn a_follow_up_ruled_out_by_the_answers_is_not_listed() {
    // rest_days_without_improvement is asked only when the trend is the same or worse; with the
    // pain improving it does not apply, so it is not named as missing.
    let got = names(json!({"trend": "improving", "rest_days_without_improvement": null}));
    assert!(!got.iter().any(|(id, _)| id == "rest_days_without_improvement"), "{got:?}");
    let got = names(json!({"trend": "same", "rest_days_without_improvement": null}));
    assert!(got.contains(&("rest_days_without_improvement".into(), Tier::SeeProfessional)), "{got:?}");
}
