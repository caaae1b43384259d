//! Tests of the entry reader: the spec's example reads and writes back the same JSON; every bad
//! input of `memory.md` is refused with its field named and nothing else.

use super::*;
use std::sync::OnceLock;

fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().expect("built-in knowledge base loads"))
}

fn today() -> Date {
    Date::parse("2026-12-04").unwrap()
}

/// The spec's example entry, as `memory.md` writes it.
const SPEC_EXAMPLE: &str = r#"{"date": "2026-12-01", "pain_now": 4, "pain_worst_24h": 6, "trained": true,
 "exercises": ["back_squat"], "warmed_up": false, "pain_after_training": 6,
 "worse_at_night": false, "onset_date": "2026-11-28",
 "answers": {"numbness_tingling": "none"}, "note": "felt it on the third set"}"#;

fn parse(text: &str) -> Result<Entry, DiaryError> {
    parse_entry_json(kb(), text, today())
}

/// The fields of the problems of a refused entry.
fn refused(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(e) => panic!("accepted {text}: {e:?}"),
        Err(e) => e.fields().into_iter().map(str::to_string).collect(),
    }
}

/// The spec example with `field` set to `value` (a JSON fragment), or removed when `None`.
fn example_with(field: &str, value: Option<&str>) -> String {
    let mut v: serde_json::Map<String, Value> = serde_json::from_str(SPEC_EXAMPLE).unwrap();
    match value {
        Some(x) => {
            v.insert(field.to_string(), serde_json::from_str(x).unwrap());
        }
        None => {
            v.remove(field);
        }
    }
    Value::Object(v).to_string()
}

#[test]
fn reads_the_spec_example() {
    let e = parse(SPEC_EXAMPLE).unwrap();
    assert_eq!(e.date, Date::parse("2026-12-01").unwrap());
    assert_eq!(e.pain_now.points(), 4);
    assert_eq!(e.pain_worst_24h.map(Pain::points), Some(6));
    let t = e.training.as_ref().unwrap();
    assert_eq!(t.exercises, ["back_squat"]);
    assert_eq!(t.warmed_up, Some(false));
    assert_eq!(t.pain_after_training.map(Pain::points), Some(6));
    assert_eq!(e.worse_at_night, Some(false));
    assert_eq!(e.onset_date, Some(Date::parse("2026-11-28").unwrap()));
    assert_eq!(e.answers.get("numbness_tingling"), Some(&Answer::Choice("none".into())));
    assert_eq!(e.note.as_deref(), Some("felt it on the third set"));
}

#[test]
fn writes_back_the_same_json() {
    let e = parse(SPEC_EXAMPLE).unwrap();
    let spec: Value = serde_json::from_str(SPEC_EXAMPLE).unwrap();
    assert_eq!(e.to_json(), spec);
    // Fields in the spec's order, and the text reads back to the same entry.
    let text = serde_json::to_string(&e).unwrap();
    assert!(text.starts_with(r#"{"date":"2026-12-01","pain_now":4,"pain_worst_24h":6,"trained":true,"exercises":["back_squat"]"#), "{text}");
    assert_eq!(parse(&text).unwrap(), e);
    // A rest day writes no training fields.
    let rest = parse(r#"{"date": "2026-12-02", "pain_now": 3, "trained": false}"#).unwrap();
    assert_eq!(serde_json::to_string(&rest).unwrap(), r#"{"date":"2026-12-02","pain_now":3,"trained":false}"#);
}

#[test]
fn only_date_pain_and_trained_are_required() {
    let e = parse(r#"{"date": "2026-12-04", "pain_now": 0, "trained": true}"#).unwrap();
    assert_eq!(e.training, Some(Training::default()));
    assert_eq!(refused(r#"{"pain_now": 1, "trained": false}"#), ["date"]);
    assert_eq!(refused(r#"{"date": "2026-12-01", "trained": false}"#), ["pain_now"]);
    assert_eq!(refused(r#"{"date": "2026-12-01", "pain_now": 1}"#), ["trained"]);
    assert_eq!(refused(r#"{"date": null, "pain_now": 1, "trained": false}"#), ["date"]);
    assert_eq!(refused("{}"), ["date", "pain_now", "trained"]);
}

#[test]
fn a_pain_of_11_is_refused() {
    let err = parse(&example_with("pain_now", Some("11"))).unwrap_err();
    assert_eq!(err.fields(), ["pain_now"]);
    assert_eq!(err.to_string(), "`pain_now`: 11 is out of range: expected 0 to 10 points");
    assert_eq!(refused(&example_with("pain_worst_24h", Some("11"))), ["pain_worst_24h"]);
    assert_eq!(refused(&example_with("pain_after_training", Some("11"))), ["pain_after_training"]);
    assert_eq!(refused(&example_with("pain_now", Some("-1"))), ["pain_now"]);
    assert_eq!(refused(&example_with("pain_now", Some("4.5"))), ["pain_now"]);
    assert_eq!(refused(&example_with("pain_now", Some("\"4\""))), ["pain_now"]);
    // 10 and 0 are the ends of the scale.
    assert_eq!(parse(&example_with("pain_now", Some("10"))).unwrap().pain_now.points(), 10);
    assert_eq!(parse(&example_with("pain_now", Some("0"))).unwrap().pain_now.points(), 0);
}

#[test]
fn a_date_that_does_not_exist_is_refused() {
    let err = parse(&example_with("date", Some("\"2026-02-30\""))).unwrap_err();
    assert_eq!(err.fields(), ["date"]);
    assert_eq!(err.to_string(), "`date`: 2026-02-30 is not a date: February 2026 has 28 days");
    assert_eq!(refused(&example_with("date", Some("\"1 December 2026\""))), ["date"]);
    assert_eq!(refused(&example_with("date", Some("20261201"))), ["date"]);
    assert_eq!(refused(&example_with("onset_date", Some("\"2026-11-31\""))), ["onset_date"]);
}

#[test]
fn a_future_date_is_refused() {
    // Today is accepted, tomorrow is not.
    let text = |d: &str| format!(r#"{{"date": "{d}", "pain_now": 2, "trained": false}}"#);
    assert!(parse(&text("2026-12-04")).is_ok());
    let err = parse(&text("2026-12-05")).unwrap_err();
    assert_eq!(err.fields(), ["date"]);
    assert!(err.to_string().contains("2026-12-05 is after today (2026-12-04)"), "{err}");
    // An onset after the entry's own date cannot be.
    let err = parse(&example_with("onset_date", Some("\"2026-12-02\""))).unwrap_err();
    assert_eq!(err.fields(), ["onset_date"]);
    assert!(err.to_string().contains("after the entry's date 2026-12-01"), "{err}");
    assert!(parse(&example_with("onset_date", Some("\"2026-12-01\""))).is_ok());
}

#[test]
fn an_unknown_exercise_is_refused() {
    let err = parse(&example_with("exercises", Some(r#"["back_squat", "zercher_squat"]"#))).unwrap_err();
    assert_eq!(err.fields(), ["exercises"]);
    assert!(err.to_string().contains("\"zercher_squat\" is not an exercise Spotter knows (known: back_squat, front_squat"), "{err}");
    assert_eq!(refused(&example_with("exercises", Some(r#"["back_squat", "back_squat"]"#))), ["exercises"]);
    assert_eq!(refused(&example_with("exercises", Some(r#""back_squat""#))), ["exercises"]);
    assert_eq!(refused(&example_with("exercises", Some("[1]"))), ["exercises"]);
    // Every exercise of the knowledge base is accepted.
    let all: Vec<&str> = kb().coaching.exercises.iter().map(|e| e.id.as_str()).collect();
    let e = parse(&example_with("exercises", Some(&serde_json::to_string(&all).unwrap()))).unwrap();
    assert_eq!(e.training.unwrap().exercises, all);
}

#[test]
fn an_unknown_item_id_is_refused() {
    let err = parse(&example_with("answers", Some(r#"{"fever": true, "feverish": true}"#))).unwrap_err();
    assert_eq!(err.fields(), ["answers.feverish"]);
    assert!(err.to_string().contains("is not an item Spotter knows"), "{err}");
    // Values are checked as the triage engine checks them.
    assert_eq!(refused(&example_with("answers", Some(r#"{"leg_weakness": "a_bit"}"#))), ["answers.leg_weakness"]);
    assert_eq!(refused(&example_with("answers", Some(r#"{"fever": "yes"}"#))), ["answers.fever"]);
    assert_eq!(refused(&example_with("answers", Some(r#"{"age_years": 200}"#))), ["answers.age_years"]);
    assert_eq!(refused(&example_with("answers", Some(r#"["fever"]"#))), ["answers"]);
    // The entry's own fields and the derived items have one place each.
    for id in DIARY_ITEMS {
        let value = match id {
            "worse_at_night" => "true",
            "trend" => "\"worse\"",
            _ => "3",
        };
        let answers = format!(r#"{{"{id}": {value}}}"#);
        assert_eq!(refused(&example_with("answers", Some(&answers))), [format!("answers.{id}")], "{id}");
    }
    // The cause finder's questions are not warning signs.
    assert_eq!(refused(&example_with("answers", Some(r#"{"warmed_up": false}"#))), ["answers.warmed_up"]);
    // null means not answered.
    let e = parse(&example_with("answers", Some(r#"{"fever": null, "recent_infection": true}"#))).unwrap();
    assert_eq!(e.answers.len(), 1);
}

#[test]
fn a_note_over_2000_characters_is_refused() {
    // Characters, not bytes: 2,000 three-byte characters are accepted.
    let ok = "é".repeat(1000) + &"痛".repeat(1000);
    assert!(parse(&example_with("note", Some(&serde_json::to_string(&ok).unwrap()))).is_ok());
    let long = "a".repeat(2001);
    let err = parse(&example_with("note", Some(&serde_json::to_string(&long).unwrap()))).unwrap_err();
    assert_eq!(err.fields(), ["note"]);
    assert_eq!(err.to_string(), "`note`: is 2,001 characters long; a note can have at most 2,000");
    assert_eq!(refused(&example_with("note", Some("42"))), ["note"]);
}

#[test]
fn training_fields_on_a_rest_day_are_refused() {
    let text = r#"{"date": "2026-12-01", "pain_now": 2, "trained": false, "exercises": ["back_squat"], "warmed_up": true, "pain_after_training": 3}"#;
    let err = parse(text).unwrap_err();
    assert_eq!(err.fields(), ["exercises", "warmed_up", "pain_after_training"]);
    assert!(err.to_string().contains("`warmed_up`: is only for a training day, and `trained` is false"), "{err}");
    // null is absent, so it is not a training field.
    assert!(parse(r#"{"date": "2026-12-01", "pain_now": 2, "trained": false, "warmed_up": null}"#).is_ok());
}

#[test]
fn unknown_and_repeated_fields_are_refused() {
    let err = parse(&example_with("pain_level", Some("3"))).unwrap_err();
    assert_eq!(err.fields(), ["pain_level"]);
    assert!(err.to_string().contains("is not a field of a diary entry (the fields are date, pain_now,"), "{err}");
    assert_eq!(refused(&example_with("id", Some("7"))), ["id"]);
    assert_eq!(refused(r#"{"date": "2026-12-01", "pain_now": 2, "pain_now": 3, "trained": false}"#), ["pain_now"]);
    assert_eq!(
        refused(r#"{"date": "2026-12-01", "pain_now": 2, "trained": false, "answers": {"fever": false, "fever": true}}"#),
        ["answers.fever"]
    );
}

#[test]
fn wrong_types_are_named() {
    assert_eq!(refused(&example_with("trained", Some("\"yes\""))), ["trained"]);
    assert_eq!(refused(&example_with("warmed_up", Some("1"))), ["warmed_up"]);
    assert_eq!(refused(&example_with("worse_at_night", Some("\"no\""))), ["worse_at_night"]);
    assert_eq!(refused(&example_with("onset_date", Some("3"))), ["onset_date"]);
}

#[test]
fn every_problem_is_reported_together() {
    let text = r#"{"date": "2026-02-30", "pain_now": 11, "trained": false, "warmed_up": true, "note": 1, "mood": "ok"}"#;
    let err = parse(text).unwrap_err();
    assert_eq!(err.fields(), ["mood", "date", "pain_now", "warmed_up", "note"]);
    assert!(err.to_string().starts_with("5 problems: "), "{err}");
}

#[test]
fn not_an_object_not_json_too_large() {
    assert_eq!(parse("[1, 2]").unwrap_err(), DiaryError::NotAnObject { found: "a list" });
    assert_eq!(parse("\"x\"").unwrap_err(), DiaryError::NotAnObject { found: "a string" });
    assert!(matches!(parse("{\"date\": "), Err(DiaryError::Syntax { line: 1, .. })));
    assert!(matches!(parse("{} {}"), Err(DiaryError::Syntax { .. })));
    // Just over the limit is refused unread; a byte-order mark is skipped.
    let big = format!("{{\"note\": \"{}\"}}", "a".repeat(MAX_ENTRY_BYTES));
    assert_eq!(parse(&big).unwrap_err(), DiaryError::TooLarge { limit: MAX_ENTRY_BYTES });
    assert!(parse(&format!("\u{feff}{SPEC_EXAMPLE}")).is_ok());
}

#[test]
fn check_validates_built_entries_like_the_reader() {
    let good = parse(SPEC_EXAMPLE).unwrap();
    assert!(good.check(kb(), today()).is_ok());
    let mut bad = good.clone();
    bad.training.as_mut().unwrap().exercises.push("curl".into());
    bad.note = Some("x".repeat(2001));
    assert_eq!(bad.check(kb(), today()).unwrap_err().fields(), ["exercises", "note"]);
    let mut future = good;
    future.date = Date::parse("2026-12-05").unwrap();
    future.onset_date = None;
    assert_eq!(future.check(kb(), today()).unwrap_err().fields(), ["date"]);
}

#[test]
fn thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(2000), "2,000");
    assert_eq!(thousands(1234567), "1,234,567");
}
