//! Tests of the answers parser: every kind of bad input is refused with the item named.

use super::*;

fn kb() -> Kb {
    Kb::builtin().expect("built-in knowledge base")
}

/// Parses `json` and returns the problems' (item, message) pairs.
fn problems(json: &str) -> Vec<(String, String)> {
    match parse_answers_json(&kb(), json) {
        Err(IntakeError::Invalid(ps)) => ps.into_iter().map(|p| (p.item, p.message)).collect(),
        other => panic!("expected problems for {json}, got {other:?}"),
    }
}

fn check_problem(json: &str, item: &str, message_part: &str) {
    let ps = problems(json);
    assert_eq!(ps.len(), 1, "{ps:?}");
    assert_eq!(ps[0].0, item);
    assert!(ps[0].1.contains(message_part), "{:?} does not contain {message_part:?}", ps[0].1);
}

#[test]
fn valid_answers_of_every_kind() {
    let a = parse_answers_json(
        &kb(),
        r#"{"age_years": 34, "fever": false, "onset": "during_set",
            "pain_character": ["burning", "dull_ache", "burning"], "pain_now": 4.0, "trend": null}"#,
    )
    .expect("valid");
    assert_eq!(a.get("age_years"), Some(&Answer::Integer(34)));
    assert_eq!(a.get("fever"), Some(&Answer::Bool(false)));
    assert_eq!(a.get("onset"), Some(&Answer::Choice("during_set".into())));
    // Item order, repeats dropped.
    assert_eq!(a.get("pain_character"), Some(&Answer::Multi(vec!["dull_ache".into(), "burning".into()])));
    assert_eq!(a.get("pain_now"), Some(&Answer::Integer(4)));
    assert_eq!(a.get("trend"), None, "null means not answered");
    assert_eq!(a.len(), 5);
}

#[test]
fn syntax_error_gives_line_and_column() {
    match parse_answers_json(&kb(), "{\n  \"fever\": true,\n  \"pain_now\" 3\n}") {
        Err(IntakeError::Syntax { line, column, message }) => {
            assert_eq!((line, column), (3, 14), "{message}");
            assert_eq!(message, "expected `:`");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(parse_answers_json(&kb(), ""), Err(IntakeError::Syntax { .. })));
    assert!(matches!(parse_answers_json(&kb(), "{} {}"), Err(IntakeError::Syntax { .. })));
}

#[test]
fn not_an_object() {
    assert_eq!(parse_answers_json(&kb(), "[1, 2]"), Err(IntakeError::NotAnObject { found: "a list" }));
    assert_eq!(parse_answers_json(&kb(), "\"fever\""), Err(IntakeError::NotAnObject { found: "a string" }));
    assert_eq!(parse_answers_json(&kb(), "null"), Err(IntakeError::NotAnObject { found: "null" }));
}

#[test]
fn unknown_item() {
    check_problem(r#"{"saddle_numbnes": true}"#, "saddle_numbnes", "not an item Spotter knows");
}

#[test]
fn wrong_types() {
    check_problem(r#"{"fever": "yes"}"#, "fever", "expected true or false, got a string \"yes\"");
    check_problem(r#"{"age_years": "34"}"#, "age_years", "expected a whole number");
    check_problem(r#"{"age_years": 34.5}"#, "age_years", "expected a whole number, got a decimal number 34.5");
    check_problem(r#"{"onset": 1}"#, "onset", "expected one of during_set, after_session, next_day, gradual");
    check_problem(r#"{"pain_character": "burning"}"#, "pain_character", "expected a list");
    check_problem(r#"{"pain_character": [1]}"#, "pain_character", "list entries must be strings");
}

#[test]
fn out_of_range() {
    check_problem(r#"{"pain_now": 11}"#, "pain_now", "11 is out of range: expected 0 to 10");
    check_problem(r#"{"age_years": 9}"#, "age_years", "expected 10 to 110 years");
    check_problem(r#"{"days_since_onset": -1}"#, "days_since_onset", "out of range");
}

#[test]
fn unknown_values() {
    check_problem(r#"{"leg_weakness": "left_leg"}"#, "leg_weakness", "\"left_leg\" is not an allowed value");
    check_problem(r#"{"pain_character": ["throbbing"]}"#, "pain_character", "\"throbbing\" is not an allowed value");
}

#[test]
fn repeated_item_is_refused_not_guessed() {
    check_problem(r#"{"fever": false, "fever": true}"#, "fever", "more than once");
}

#[test]
fn all_problems_are_reported_together() {
    let ps = problems(r#"{"fever": 1, "pain_now": 12, "nope": true}"#);
    let items: Vec<&str> = ps.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(items, ["fever", "pain_now", "nope"]);
}

#[test]
fn missing_safety_critical_items_are_all_named() {
    let err = parse_complete_answers_json(&kb(), r#"{"saddle_numbness": false, "leg_weakness": "none"}"#).unwrap_err();
    let IntakeError::MissingSafetyCritical(ids) = &err else { panic!("{err:?}") };
    assert_eq!(
        ids,
        &[
            "major_trauma", "chest_or_abdominal_pain", "altered_sensation_wiping", "bladder_difficulty_starting",
            "bladder_sensation_reduced", "urinary_incontinence", "bowel_incontinence", "bowel_sensation_reduced",
            "sexual_dysfunction_new", "numbness_tingling",
        ]
    );
    assert!(err.to_string().contains("major_trauma"));
}

#[test]
fn null_safety_critical_item_counts_as_missing() {
    let kb = kb();
    let mut json = serde_json::Map::new();
    for item in kb.items.iter().filter(|i| i.safety_critical) {
        let v = if matches!(item.kind, ItemKind::Bool) { Value::Bool(false) } else { Value::String("none".into()) };
        json.insert(item.id.clone(), v);
    }
    json.insert("bowel_incontinence".into(), Value::Null);
    let err = parse_complete_answers_json(&kb, &Value::Object(json).to_string()).unwrap_err();
    assert_eq!(err, IntakeError::MissingSafetyCritical(vec!["bowel_incontinence".into()]));
}

#[test]
fn answers_round_trip_through_json() {
    let kb = kb();
    let text = r#"{"age_years": 41, "pain_character": ["tightness"], "trend": "same", "fever": true}"#;
    let a = parse_answers_json(&kb, text).unwrap();
    let again = parse_answers_json(&kb, &a.to_json().to_string()).unwrap();
    assert_eq!(a, again);
}

#[test]
fn many_unknown_keys_take_linear_time_and_the_message_stays_short() {
    // 200,000 distinct unknown keys and a repeat of each of the first 1,000: with a linear
    // duplicate check this parses in well under a second even in a debug build (it took
    // quadratic time before); the message names the first few and counts the rest.
    let mut text = String::from("{");
    for i in 0..200_000 {
        text.push_str(&format!("\"unknown_{i}\": 1,"));
    }
    for i in 0..1_000 {
        text.push_str(&format!("\"unknown_{i}\": 1,"));
    }
    text.push_str("\"fever\": true}");
    let err = parse_answers_json(&kb(), &text).expect_err("unknown keys");
    let IntakeError::Invalid(ps) = &err else { panic!("{err:?}") };
    assert_eq!(ps.len(), 201_000);
    assert_eq!(ps.iter().filter(|p| p.message == "is given more than once").count(), 1_000);
    let message = err.to_string();
    assert!(message.starts_with("201000 problems: `unknown_0`: is not an item"), "{}", &message[..200.min(message.len())]);
    assert!(message.ends_with(&format!("; and {} more", 201_000 - PROBLEMS_SHOWN)), "{message}");
    assert!(message.len() < 1_000, "{} bytes", message.len());
}

#[test]
fn answers_over_the_size_limit_are_refused_unread() {
    let big = format!("{{\"pad\": \"{}\"}}", " ".repeat(MAX_ANSWERS_BYTES));
    assert_eq!(parse_answers_json(&kb(), &big), Err(IntakeError::TooLarge { limit: MAX_ANSWERS_BYTES }));
    assert!(IntakeError::TooLarge { limit: MAX_ANSWERS_BYTES }.to_string().contains("4 MiB"));
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let a = parse_answers_json(&kb(), "\u{feff}{\"fever\": true}").expect("BOM skipped");
    assert_eq!(a.get("fever"), Some(&Answer::Bool(true)));
}

#[test]
fn huge_whole_numbers_are_out_of_range_not_decimals() {
    check_problem(r#"{"age_years": 1e23}"#, "age_years", "is out of range: expected 10 to 110");
    check_problem(r#"{"age_years": 100000000000000000000000}"#, "age_years", "is out of range: expected 10 to 110");
    check_problem(r#"{"age_years": 18446744073709551615}"#, "age_years", "is out of range");
    check_problem(r#"{"age_years": 34.5}"#, "age_years", "expected a whole number, got a decimal number 34.5");
}

#[test]
fn an_emergency_is_accepted_with_safety_items_missing() {
    let kb = kb();
    // E1 on one answer, nothing else answered: accepted, the missing items listed.
    let a = parse_complete_answers_json(&kb, r#"{"bladder_difficulty_starting": true}"#).expect("an emergency never waits");
    let missing = a.not_answered_required(&kb);
    assert!(missing.contains(&"leg_weakness") && missing.contains(&"saddle_numbness"), "{missing:?}");
    assert!(!missing.contains(&"bladder_difficulty_starting"));
    // Without an emergency, the same gap is refused.
    assert!(matches!(
        parse_complete_answers_json(&kb, r#"{"bladder_difficulty_starting": false}"#),
        Err(IntakeError::MissingSafetyCritical(_))
    ));
}
