//! Unit tests of the status helpers: words, ids, and the "items not given do not hold" copy of
//! a condition.

use super::*;
use spotter_kb::Condition;

#[test]
fn plurals_and_capitals() {
    assert_eq!(plural(1, "day", "days"), "1 day");
    assert_eq!(plural(3, "day", "days"), "3 days");
    assert_eq!(plural(0, "day", "days"), "0 days");
    assert_eq!(capitalise("3 days"), "3 days");
    assert_eq!(capitalise("rest"), "Rest");
    assert_eq!(lower_first("Possible cauda equina syndrome"), "possible cauda equina syndrome");
    assert_eq!(lower_first(""), "");
}

#[test]
fn ids_are_the_specs() {
    let all = [
        AlertId::RedFlag,
        AlertId::NeedsCheck,
        AlertId::TierRaised,
        AlertId::NoImprovementAfterRest,
        AlertId::Worsening,
        AlertId::NightPain,
        AlertId::Improving,
    ];
    for id in all {
        assert_eq!(serde_json::to_value(id).unwrap(), id.id());
    }
    assert_eq!(all.map(AlertId::id), [
        "red_flag",
        "needs_check",
        "tier_raised",
        "no_improvement_after_rest",
        "worsening",
        "night_pain",
        "improving"
    ]);
    assert_eq!(serde_json::to_value(Severity::Info).unwrap(), "info");
    assert_eq!(serde_json::to_value(Severity::Tier(Tier::SeeProfessional)).unwrap(), "see_professional");
}

#[test]
fn given_only_turns_off_if_unanswered_everywhere() {
    let leaf = |item: &str| Condition::In { item: item.into(), values: vec!["worse".into()], if_unanswered: true };
    let c = Condition::All(vec![
        Condition::Any(vec![leaf("trend"), Condition::AtLeast { item: "x".into(), threshold: 1.0, strict: false, if_unanswered: true }]),
        Condition::AtMost { item: "y".into(), threshold: 1.0, strict: true, if_unanswered: true },
        Condition::Is { item: "z".into(), expected: true },
    ]);
    let empty = Answers::new();
    let mut z = Answers::new();
    z.set_unchecked("z", Answer::Bool(true));
    assert!(spotter_triage::eval::holds(&c, &z));
    assert!(!spotter_triage::eval::holds(&given_only(&c), &z));
    assert!(!spotter_triage::eval::holds(&given_only(&c), &empty));
    let mut all = z.clone();
    all.set_unchecked("trend", Answer::Choice("worse".into()));
    all.set_unchecked("y", Answer::Integer(0));
    assert!(spotter_triage::eval::holds(&given_only(&c), &all));
}
