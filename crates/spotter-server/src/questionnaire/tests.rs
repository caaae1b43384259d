//! Unit tests of the questionnaire's steps and form reading, with expectations from
//! spec/triage.md (which questions can still matter, an emergency ends the check).

use super::*;
use spotter_triage::Answer;

fn kb() -> Kb {
    Kb::builtin().expect("kb")
}

fn answers(kb: &Kb, json: &str) -> Answers {
    spotter_triage::parse_answers_json(kb, json).expect("answers")
}

#[test]
fn safety_items_are_always_asked_and_others_only_while_they_can_raise_the_tier() {
    let kb = kb();
    let urgent = answers(&kb, r#"{"worse_at_night": true}"#);
    assert_eq!(tier_only(&kb, &urgent), Tier::Urgent);
    let item = |id: &str| kb.item(id).unwrap_or_else(|| panic!("{id}"));
    // A safety item is asked whatever the tier.
    assert!(should_ask(&kb, item("saddle_numbness"), &urgent));
    // `pain_now` only feeds a see-a-professional rule (P3): pointless once the result is urgent.
    assert!(should_ask(&kb, item("pain_now"), &Answers::new()));
    assert!(!should_ask(&kb, item("pain_now"), &urgent));
    // A follow-up waits for its condition: the side only matters once pain reaches the thigh.
    assert!(!should_ask(&kb, item("pain_spread_side"), &Answers::new()));
    assert!(should_ask(&kb, item("pain_spread_side"), &answers(&kb, r#"{"pain_spread": "thigh"}"#)));
    assert!(must_answer(item("pain_spread_side"), &answers(&kb, r#"{"pain_spread": "thigh"}"#)));
}

fn form(kb: &Kb, body: &str) -> FormAnswers {
    parse_form(kb, body.as_bytes(), &[]).expect("a valid form")
}

#[test]
fn a_form_reads_each_kind_of_answer_and_marks_blank_questions_as_shown() {
    let kb = kb();
    let f = form(&kb, "age_years=&age_years=34&major_trauma=&major_trauma=false&leg_weakness=none&pain_character=&pain_character=burning&pain_character=dull_ache&fever=&go_on=true");
    assert_eq!(f.answers.get("age_years"), Some(&Answer::Integer(34)));
    assert_eq!(f.answers.get("major_trauma"), Some(&Answer::Bool(false)));
    assert_eq!(f.answers.get("leg_weakness"), Some(&Answer::Choice("none".into())));
    // List answers in the item's order, whatever the order sent.
    assert_eq!(f.answers.get("pain_character"), Some(&Answer::Multi(vec!["dull_ache".into(), "burning".into()])));
    assert_eq!(f.answers.get("fever"), None);
    assert!(f.seen.contains("fever"), "shown and left blank");
    assert!(f.go_on);
    // A list question shown with nothing ticked is answered with no values.
    assert_eq!(form(&kb, "pain_character=").answers.get("pain_character"), Some(&Answer::Multi(vec![])));
}

#[test]
fn a_bad_form_value_is_refused_naming_the_question() {
    let kb = kb();
    for (body, says) in [
        ("age_years=200", "How old are you?"),
        ("age_years=thirty", "is not valid"),
        ("major_trauma=yes", "is not valid"),
        ("leg_weakness=a_bit", "is not valid"),
        ("major_trauma=true&major_trauma=false", "more than one answer"),
        ("nope=1", "a field Spotter does not know"),
    ] {
        let e = parse_form(&kb, body.as_bytes(), &[]).expect_err(body);
        assert!(e.message.contains(says), "{body}: {}", e.message);
    }
    assert_eq!(parse_form(&kb, b"minutes=6", &["minutes"]).expect("allowed").extra.get("minutes").map(String::as_str), Some("6"));
    assert!(parse_form(&kb, b"minutes=6&minutes=7", &["minutes"]).is_err());
}

#[test]
fn an_emergency_answer_ends_the_check_at_once() {
    let kb = kb();
    assert_eq!(next_step(&kb, &form(&kb, "urinary_incontinence=true")), Next::Emergency);
    assert_eq!(next_step(&kb, &form(&kb, "chest_or_abdominal_pain=true")), Next::Emergency);
    // One leg, gradual: urgent, and the check goes on.
    assert!(matches!(next_step(&kb, &form(&kb, "leg_weakness=one_leg")), Next::Ask(_)));
}

#[test]
fn each_step_is_one_section_and_the_check_ends_when_nothing_can_matter() {
    let kb = kb();
    let Next::Ask(first) = next_step(&kb, &FormAnswers::default()) else { panic!("questions first") };
    assert!(first.iter().all(|i| i.section == first[0].section && !i.coaching));
    // Every triage question answered (the example self-care intake): the result, then on
    // "go on" the cause finder's questions, then result and plan.
    let full = FormAnswers { answers: answers(&kb, include_str!("../../../../examples/intake-self-care.json")), ..Default::default() };
    assert_eq!(next_step(&kb, &full), Next::TriageDone);
    let going_on = FormAnswers { go_on: true, ..full.clone() };
    let Next::Ask(coaching) = next_step(&kb, &going_on) else { panic!("the cause finder asks") };
    assert!(coaching.iter().all(|i| i.coaching));
    let mut all_seen = going_on.clone();
    all_seen.seen.extend(kb.items.iter().filter(|i| i.coaching).map(|i| i.id.clone()));
    assert_eq!(next_step(&kb, &all_seen), Next::CoachingDone);
    // "Go on" cannot skip the triage questions.
    let tampered = FormAnswers { go_on: true, ..Default::default() };
    assert!(matches!(next_step(&kb, &tampered), Next::Ask(items) if items.iter().all(|i| !i.coaching)));
}

#[test]
fn offered_values_follow_the_earlier_pick() {
    let kb = kb();
    let item = kb.items.iter().find(|i| i.offer_from.is_some()).expect("the knowledge base has an item offered from an earlier pick");
    let from = item.offer_from.as_deref().expect("offer_from");
    let first = kb.item(from).expect("item").kind.choices()[0].id.clone();
    let a = answers(&kb, &format!("{{\"{from}\": [\"{first}\"]}}"));
    let offered = offered_values(item, &a).expect("restricted");
    assert_eq!(offered.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [first.as_str()]);
    assert_eq!(offered_values(item, &Answers::new()), None);
}
