//! The status triage (the latest check with the derived items and entry answers laid over it,
//! through the triage engine), the adherence view, the status JSON document, and bad input that
//! leaves the diary as it was.

use crate::common::*;
use serde_json::{Value, json};
use spotter_diary::{Diary, DiaryError, MIN_ADHERENCE_DAYS, SavedCheck, parse_diary_json, status};
use spotter_kb::Tier;
use spotter_triage::{Answer, triage};

#[test]
fn no_check_no_status_triage() {
    let s = status(kb(), &diary(vec![rest(0, 9)]));
    assert!(s.triage.is_none());
    assert_eq!(s.tier(), None);
    assert_eq!(s.to_json_value()["triage"], Value::Null);
}

#[test]
fn the_diary_is_laid_over_the_latest_check() {
    // The check said pain 3; the diary says 8 now: severe pain, through the engine's P3.
    let s = status(kb(), &diary_with_check(vec![rest(1, 8)], check(0)));
    let t = s.triage.as_ref().unwrap();
    assert_eq!(t.answers.get("pain_now"), Some(&Answer::Integer(8)));
    assert_eq!(t.triage.tier, Tier::SeeProfessional);
    let rules: Vec<&str> = t.triage.fired.iter().map(|f| f.rule.id.as_str()).collect();
    assert_eq!(rules, ["P3"]);
    // The check's other answers stay.
    assert_eq!(t.answers.get("age_years"), Some(&Answer::Integer(29)));
    // Entry answers replace the check's answer to the same item.
    let e = with_answers(rest(1, 2), &[choice("numbness_tingling", "one_leg"), yes("numbness_persistent")]);
    let s = status(kb(), &diary_with_check(vec![e], check(0)));
    assert_eq!(s.tier(), Some(Tier::Urgent));
    // The same result as the engine run by hand on the laid-over answers.
    let t = s.triage.as_ref().unwrap();
    assert_eq!(t.triage, triage(kb(), &t.answers));
}

#[test]
fn the_latest_check_is_the_one_laid_over() {
    let mut urgent = check(3);
    urgent.answers.set(kb(), "fever", Answer::Bool(true)).unwrap();
    urgent.tier = Tier::Urgent;
    let d = Diary::from_parts(vec![rest(5, 2)], vec![urgent.clone(), check(1)]).unwrap();
    assert_eq!(status(kb(), &d).tier(), Some(Tier::Urgent));
    let d = Diary::from_parts(vec![rest(5, 2)], vec![urgent, check(4)]).unwrap();
    assert_eq!(status(kb(), &d).tier(), Some(Tier::SelfCare));
}

#[test]
fn adherence_needs_3_days_in_each_group() {
    let mut entries = vec![
        session(0, 1, true, 2),
        session(2, 1, true, 3),
        session(4, 1, true, 1),
        session(6, 2, false, 5),
        session(8, 3, false, 6),
    ];
    assert_eq!(spotter_diary::adherence(&diary(entries.clone())), None);
    // Days that do not say whether they warmed up, or the pain after, do not count.
    entries.push(train(9, 4));
    let mut unsaid = session(10, 3, false, 9);
    unsaid.training.as_mut().unwrap().pain_after_training = None;
    entries.push(unsaid);
    assert_eq!(spotter_diary::adherence(&diary(entries.clone())), None);
    entries.push(session(12, 3, false, 7));
    let a = spotter_diary::adherence(&diary(entries)).unwrap();
    assert_eq!((a.with_warm_up.training_days, a.without_warm_up.training_days), (3, MIN_ADHERENCE_DAYS));
    assert_eq!((a.with_warm_up.mean_pain_after_training, a.without_warm_up.mean_pain_after_training), (2.0, 6.0));
    assert_eq!(
        a.message,
        "In your diary, pain after training averaged 2.0 out of 10 on the 3 training days you warmed up and 6.0 out of 10 on the 3 training days you did not: 4.0 points lower with the warm-up. This is what your own record shows, not proof that the warm-up is the reason; other things change from day to day too."
    );
}

#[test]
fn the_status_document() {
    let d = diary_with_check(vec![train(0, 4), rest(1, 4), rest(2, 4), rest(3, 4)], check(0));
    let v = status(kb(), &d).to_json_value();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["adherence", "alerts", "as_of", "derived", "triage"]);
    assert_eq!(v["as_of"], "2026-11-04");
    assert_eq!(
        v["derived"],
        json!({"pain_now": 4, "pain_worst_24h": 4, "days_since_onset": 3, "rest_days_without_improvement": 3, "trend": "same"})
    );
    // The triage document has the fields of `spotter triage --format json`.
    let t = &v["triage"];
    let mut keys: Vec<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["call_script", "disclaimer", "headline", "label", "next_steps", "not_answered", "reasons", "spotter_version", "tier", "unanswered_could_raise"]
    );
    assert_eq!(t["tier"], "see_professional");
    assert_eq!(t["label"], "Book a professional");
    assert_eq!(t["reasons"][0]["rule"], "P4");
    assert_eq!(t["reasons"][0]["items"], json!(["rest_days_without_improvement"]));
    assert_eq!(t["reasons"][0]["sources"][0]["id"], "seed_legday_back");
    assert_eq!(t["not_answered"], json!([]));
    assert_eq!(
        v["alerts"].as_array().unwrap().iter().map(|a| (a["id"].as_str().unwrap(), a["severity"].as_str().unwrap())).collect::<Vec<_>>(),
        [("tier_raised", "see_professional"), ("no_improvement_after_rest", "see_professional")]
    );
    assert_eq!(v["alerts"][0]["rules"], json!(["P4"]));
    assert!(v["alerts"][1].get("rules").is_none());
    assert_eq!(v["adherence"], Value::Null);
}

#[test]
fn an_empty_diary_has_a_status() {
    let v = status(kb(), &Diary::new()).to_json_value();
    assert_eq!(v, json!({"as_of": null, "derived": {}, "triage": null, "alerts": [{"id": "needs_check", "severity": "info", "message": v["alerts"][0]["message"]}], "adherence": null}));
}

fn today() -> spotter_diary::Date {
    date("2026-12-04")
}

#[test]
fn a_refused_entry_changes_nothing() {
    let mut d = diary_with_check(vec![train(0, 4), rest(1, 4)], check(0));
    let before = d.clone();
    let status_before = status(kb(), &d).to_json_value();
    for (text, field) in [
        (r#"{"date": "2026-11-05", "pain_now": 11, "trained": false}"#, "pain_now"),
        (r#"{"date": "2026-02-30", "pain_now": 1, "trained": false}"#, "date"),
        (r#"{"date": "2026-12-05", "pain_now": 1, "trained": false}"#, "date"),
        (r#"{"date": "2026-11-05", "pain_now": 1, "trained": true, "exercises": ["curls"]}"#, "exercises"),
        (r#"{"date": "2026-11-05", "pain_now": 1, "trained": false, "answers": {"fevers": true}}"#, "answers.fevers"),
        (r#"{"date": "2026-11-05", "pain_now": 1, "trained": false, "warmed_up": true}"#, "warmed_up"),
        (r#"{"date": "2026-11-05", "pain_now": 1, "trained": false, "mood": 3}"#, "mood"),
        // One entry per date: day 1 has one.
        (r#"{"date": "2026-11-02", "pain_now": 1, "trained": false}"#, "date"),
    ] {
        let err = d.add_entry_json(kb(), text, today()).unwrap_err();
        assert_eq!(err.fields(), [field], "{text}");
        assert_eq!(d, before, "{text}");
        assert_eq!(status(kb(), &d).to_json_value(), status_before);
    }
    let note = format!(r#"{{"date": "2026-11-05", "pain_now": 1, "trained": false, "note": "{}"}}"#, "x".repeat(2001));
    assert_eq!(d.add_entry_json(kb(), &note, today()).unwrap_err().fields(), ["note"]);
    assert_eq!(d, before);
    // A good one is added in date order.
    d.add_entry_json(kb(), r#"{"date": "2026-11-05", "pain_now": 1, "trained": false}"#, today()).unwrap();
    assert_eq!(d.entries().len(), 3);
    // Replacing keeps one entry per date and gives the old version back.
    let old = d.replace(rest(1, 6)).unwrap();
    assert_eq!(old.pain_now.points(), 4);
    assert_eq!(d.entry(day(1)).unwrap().pain_now.points(), 6);
}

#[test]
fn the_diary_document_reader_names_each_path() {
    let text = r#"{"entries": [
        {"date": "2026-11-01", "pain_now": 3, "trained": false},
        {"date": "2026-11-02", "pain_now": 12, "trained": false},
        {"date": "2026-11-01", "pain_now": 3, "trained": false}
    ], "checks": [{"date": "2026-11-01", "answers": {"fever": false}, "tier": "fine"}], "people": []}"#;
    let err = parse_diary_json(kb(), text, today()).unwrap_err();
    assert_eq!(err.fields(), ["people", "entries[1].pain_now", "checks[0].answers", "checks[0].tier"]);
    assert!(err.to_string().contains("`checks[0].answers`: safety-critical items not answered"), "{err}");
    // Two entries for one date.
    let text = r#"{"entries": [{"date": "2026-11-01", "pain_now": 3, "trained": false}, {"date": "2026-11-01", "pain_now": 4, "trained": false}]}"#;
    let err = parse_diary_json(kb(), text, today()).unwrap_err();
    assert_eq!(err.fields(), ["entries[1].date"]);
    assert!(err.to_string().contains("2026-11-01 already has an entry (entries[0])"), "{err}");
    assert_eq!(parse_diary_json(kb(), "[]", today()).unwrap_err(), DiaryError::NotAnObject { found: "a list" });
    assert_eq!(parse_diary_json(kb(), r#"{"entries": {}}"#, today()).unwrap_err().fields(), ["entries"]);
    assert!(parse_diary_json(kb(), "{}", today()).unwrap().entries().is_empty());
}

#[test]
fn the_diary_document_round_trips() {
    let mut c = check(0);
    c.answers.set(kb(), "days_since_onset", Answer::Integer(0)).unwrap();
    let d = Diary::from_parts(vec![session(0, 4, false, 6), with_answers(rest(1, 4), &[yes("fever")]), rest(2, 3)], vec![c]).unwrap();
    let text = serde_json::to_string_pretty(&d.to_json()).unwrap();
    let back = parse_diary_json(kb(), &text, today()).unwrap();
    assert_eq!(back, d);
    assert_eq!(serde_json::to_string_pretty(&back.to_json()).unwrap(), text);
    // A check saved from answers gets the engine's tier.
    let saved = SavedCheck::from_answers(kb(), day(0), back.checks()[0].answers.clone());
    assert_eq!(saved, back.checks()[0]);
    let mut urgent = self_care_answers();
    urgent.set(kb(), "fever", Answer::Bool(true)).unwrap();
    assert_eq!(SavedCheck::from_answers(kb(), day(0), urgent).tier, Tier::Urgent);
}
