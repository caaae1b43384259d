//! Helpers: the knowledge base, dates as offsets from a fixed day, entries, and a complete
//! self-care check.

use spotter_diary::{Date, Diary, Entry, Pain, SavedCheck, Training};
use spotter_kb::{Kb, Tier};
use spotter_triage::{Answer, Answers};
use std::sync::OnceLock;

pub fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().expect("built-in knowledge base loads"))
}

pub fn date(text: &str) -> Date {
    Date::parse(text).expect(text)
}

/// Day `n` after 2026-11-01 (day 0).
pub fn day(n: i64) -> Date {
    date("2026-11-01").add_days(n).expect("in range")
}

pub fn pain(points: u8) -> Pain {
    Pain::new(points).expect("0..=10")
}

pub fn rest(n: i64, points: u8) -> Entry {
    Entry::rest_day(day(n), pain(points))
}

pub fn train(n: i64, points: u8) -> Entry {
    Entry::training_day(day(n), pain(points))
}

/// A training day with the warm-up said and the pain after training.
pub fn session(n: i64, points: u8, warmed_up: bool, after: u8) -> Entry {
    Entry {
        training: Some(Training { exercises: vec!["back_squat".into()], warmed_up: Some(warmed_up), pain_after_training: Some(pain(after)) }),
        ..Entry::rest_day(day(n), pain(points))
    }
}

/// `e` with these entry answers.
pub fn with_answers(mut e: Entry, answers: &[(&str, Answer)]) -> Entry {
    for (id, a) in answers {
        e.answers.set(kb(), id, a.clone()).expect("valid answer");
    }
    e
}

pub fn diary(entries: Vec<Entry>) -> Diary {
    Diary::from_parts(entries, Vec::new()).expect("one entry per date")
}

pub fn diary_with_check(entries: Vec<Entry>, check: SavedCheck) -> Diary {
    Diary::from_parts(entries, vec![check]).expect("one entry per date")
}

/// Every safety-critical item answered "no", mechanical pain of 3: a self-care check.
pub fn self_care_answers() -> Answers {
    let mut a = Answers::new();
    for id in [
        "major_trauma",
        "chest_or_abdominal_pain",
        "saddle_numbness",
        "altered_sensation_wiping",
        "bladder_difficulty_starting",
        "bladder_sensation_reduced",
        "urinary_incontinence",
        "bowel_incontinence",
        "bowel_sensation_reduced",
        "sexual_dysfunction_new",
        "worse_at_night",
        "fever",
    ] {
        a.set(kb(), id, Answer::Bool(false)).unwrap();
    }
    for (id, v) in [("leg_weakness", "none"), ("numbness_tingling", "none"), ("onset", "during_set"), ("pain_pattern", "movement_related")] {
        a.set(kb(), id, Answer::Choice(v.into())).unwrap();
    }
    a.set(kb(), "pain_now", Answer::Integer(3)).unwrap();
    a.set(kb(), "age_years", Answer::Integer(29)).unwrap();
    assert_eq!(spotter_triage::triage(kb(), &a).tier, Tier::SelfCare);
    a
}

/// A self-care check saved on day `n`.
pub fn check(n: i64) -> SavedCheck {
    SavedCheck { date: day(n), answers: self_care_answers(), tier: Tier::SelfCare }
}

pub fn yes(id: &str) -> (&str, Answer) {
    (id, Answer::Bool(true))
}

pub fn choice<'a>(id: &'a str, v: &str) -> (&'a str, Answer) {
    (id, Answer::Choice(v.into()))
}
