//! The derived items of `memory.md`, each on its boundary: 2 vs 3 rest days, a drop of 1 vs 2
//! points, day 6 vs 7 of the trend window, day 13 vs 14 of the answer window, and the three
//! onset sources in their order.

use crate::common::*;
use spotter_diary::{Derived, OnsetSource, SavedCheck, Trend, derive};
use spotter_kb::Tier;
use spotter_triage::{Answer, check_answer};

fn derived(entries: Vec<spotter_diary::Entry>) -> Derived {
    derive(&diary(entries)).expect("entries")
}

fn derived_with(entries: Vec<spotter_diary::Entry>, check: SavedCheck) -> Derived {
    derive(&diary_with_check(entries, check)).expect("entries")
}

#[test]
fn nothing_is_derived_without_entries() {
    assert_eq!(derive(&diary(vec![])), None);
}

#[test]
fn pain_now_and_the_worst_of_24_hours() {
    let d = derived(vec![rest(0, 7), rest(1, 4)]);
    assert_eq!((d.as_of, d.pain_now.points(), d.pain_worst_24h.points()), (day(1), 4, 4));
    let mut e = rest(2, 4);
    e.pain_worst_24h = Some(pain(6));
    assert_eq!(derived(vec![e.clone()]).pain_worst_24h.points(), 6);
    // A "worst" below the pain now is raised to it.
    e.pain_worst_24h = Some(pain(2));
    assert_eq!(derived(vec![e]).pain_worst_24h.points(), 4);
}

#[test]
fn rest_days_2_vs_3() {
    let two = derived(vec![train(0, 4), rest(1, 4), rest(2, 4)]);
    assert_eq!(two.rest_days_without_improvement, 2);
    let three = derived(vec![train(0, 4), rest(1, 4), rest(2, 4), rest(3, 4)]);
    assert_eq!(three.rest_days_without_improvement, 3);
    let run = three.rest_run.unwrap();
    assert_eq!((run.first_date, run.baseline.points(), run.after_training), (day(1), 4, true));
}

#[test]
fn rest_days_drop_of_1_vs_2_points() {
    // b = 5, the last training day's pain.
    let drop1 = derived(vec![train(0, 5), rest(1, 5), rest(2, 5), rest(3, 4)]);
    assert_eq!(drop1.rest_days_without_improvement, 3);
    let drop2 = derived(vec![train(0, 5), rest(1, 5), rest(2, 5), rest(3, 3)]);
    assert_eq!(drop2.rest_days_without_improvement, 0);
    // Only L's pain counts: a better day in between does not reset the count.
    let dip = derived(vec![train(0, 5), rest(1, 2), rest(2, 5), rest(3, 5)]);
    assert_eq!(dip.rest_days_without_improvement, 3);
    // Pain going up is not an improvement.
    assert_eq!(derived(vec![train(0, 2), rest(1, 4), rest(2, 6), rest(3, 8)]).rest_days_without_improvement, 3);
}

#[test]
fn rest_days_are_0_on_a_training_day() {
    let d = derived(vec![rest(0, 5), rest(1, 5), rest(2, 5), rest(3, 5), train(4, 5)]);
    assert_eq!(d.rest_days_without_improvement, 0);
    assert_eq!(d.rest_run, None);
}

#[test]
fn rest_days_without_any_training_entry() {
    // R is every entry, b the first entry's pain; n counts calendar days, gaps included.
    let d = derived(vec![rest(0, 5), rest(2, 4)]);
    assert_eq!(d.rest_days_without_improvement, 3);
    let run = d.rest_run.unwrap();
    assert_eq!((run.first_date, run.baseline.points(), run.after_training), (day(0), 5, false));
    assert_eq!(derived(vec![rest(0, 5), rest(2, 3)]).rest_days_without_improvement, 0);
    // A single rest entry is one rest day.
    assert_eq!(derived(vec![rest(0, 5)]).rest_days_without_improvement, 1);
}

#[test]
fn rest_days_count_from_the_first_entry_after_training() {
    // Trained on day 0, nothing logged on day 1: R starts on day 2, so n = 2.
    assert_eq!(derived(vec![train(0, 4), rest(2, 4), rest(3, 4)]).rest_days_without_improvement, 2);
    assert_eq!(derived(vec![train(0, 4), rest(2, 4), rest(4, 4)]).rest_days_without_improvement, 3);
}

#[test]
fn trend_day_6_vs_7() {
    // L = day 10. An entry on L-6 is in the window, one on L-7 is not.
    let in_window = derived(vec![rest(4, 2), rest(10, 4)]);
    let t = in_window.trend.unwrap();
    assert_eq!((t.trend, t.from_date, t.from_pain.points(), t.entries), (Trend::Worse, day(4), 2, 2));
    let outside = derived(vec![rest(3, 2), rest(10, 4)]);
    assert_eq!(outside.trend, None);
    // The earliest entry in the window is compared, not the earliest overall.
    let both = derived(vec![rest(3, 0), rest(4, 3), rest(10, 4)]);
    assert_eq!(both.trend.unwrap().trend, Trend::Same);
}

#[test]
fn trend_thresholds() {
    let trend = |first: u8, last: u8| derived(vec![rest(0, first), rest(3, last)]).trend.unwrap().trend;
    assert_eq!(trend(3, 5), Trend::Worse);
    assert_eq!(trend(3, 4), Trend::Same);
    assert_eq!(trend(3, 3), Trend::Same);
    assert_eq!(trend(3, 2), Trend::Same);
    assert_eq!(trend(3, 1), Trend::Improving);
    // One entry is not a trend.
    assert_eq!(derived(vec![rest(0, 3)]).trend, None);
}

#[test]
fn worse_at_night_day_6_vs_7() {
    let night = |n: i64, v: bool| {
        let mut e = rest(n, 3);
        e.worse_at_night = Some(v);
        e
    };
    assert_eq!(derived(vec![night(4, true), rest(10, 3)]).worse_at_night, Some(true));
    assert_eq!(derived(vec![night(3, true), rest(10, 3)]).worse_at_night, None);
    assert_eq!(derived(vec![night(3, true), night(10, false)]).worse_at_night, Some(false));
    // Any true in the window wins over a later false.
    assert_eq!(derived(vec![night(5, true), night(9, false), night(10, false)]).worse_at_night, Some(true));
}

#[test]
fn entry_answers_day_13_vs_14() {
    let fever = |n: i64| with_answers(rest(n, 3), &[yes("fever")]);
    let d13 = derived(vec![fever(7), rest(20, 3)]);
    assert_eq!(d13.entry_answers.get("fever"), Some(&Answer::Bool(true)));
    let d14 = derived(vec![fever(6), rest(20, 3)]);
    assert_eq!(d14.entry_answers.get("fever"), None);
}

#[test]
fn entry_answers_keep_the_latest_answer_of_each_item() {
    let d = derived(vec![
        with_answers(rest(0, 3), &[choice("numbness_tingling", "one_leg"), yes("numbness_persistent")]),
        with_answers(rest(2, 3), &[choice("numbness_tingling", "none")]),
        rest(3, 3),
    ]);
    assert_eq!(d.entry_answers.get("numbness_tingling"), Some(&Answer::Choice("none".into())));
    assert_eq!(d.entry_answers.get("numbness_persistent"), Some(&Answer::Bool(true)));
    assert_eq!(d.entry_answers.len(), 2);
}

#[test]
fn onset_from_the_latest_onset_date_of_any_entry() {
    let mut a = rest(0, 3);
    a.onset_date = Some(day(-10));
    let mut b = rest(3, 3);
    b.onset_date = Some(day(-2));
    let mut c = rest(5, 0);
    c.onset_date = Some(day(-20));
    // The latest onset date given (day -2), even though a later entry names an earlier one; and
    // even though L has no pain. It wins over the check.
    let d = derived_with(vec![a, b, c], SavedCheck { answers: dso(1), ..check(4) });
    assert_eq!((d.onset_date, d.onset_source, d.days_since_onset), (Some(day(-2)), Some(OnsetSource::EntryOnsetDate), Some(7)));
}

fn dso(n: i64) -> spotter_triage::Answers {
    let mut a = self_care_answers();
    a.set(kb(), "days_since_onset", Answer::Integer(n)).unwrap();
    a
}

#[test]
fn onset_from_the_latest_check() {
    // The check on day 4 said 2 days: onset day 2; L = day 6, so 4 days.
    let d = derived_with(vec![rest(0, 0), rest(5, 3), rest(6, 3)], SavedCheck { answers: dso(2), ..check(4) });
    assert_eq!((d.onset_date, d.onset_source, d.days_since_onset), (Some(day(2)), Some(OnsetSource::Check), Some(4)));
    // The latest check counts, not an earlier one with more days.
    let older = SavedCheck { answers: dso(30), ..check(1) };
    let newer = SavedCheck { answers: dso(2), ..check(4) };
    let dy = spotter_diary::Diary::from_parts(vec![rest(6, 3)], vec![newer, older]).unwrap();
    assert_eq!(derive(&dy).unwrap().days_since_onset, Some(4));
    // Also when L has no pain.
    let d = derived_with(vec![rest(6, 0)], SavedCheck { answers: dso(2), ..check(4) });
    assert_eq!(d.days_since_onset, Some(4));
}

#[test]
fn a_check_onset_after_the_latest_entry_falls_back_to_the_pain_run() {
    // The check on day 9 says the pain started today (day 9), after L = day 6.
    let d = derived_with(vec![rest(4, 0), rest(5, 2), rest(6, 3)], SavedCheck { answers: dso(0), ..check(9) });
    assert_eq!((d.onset_date, d.onset_source, d.days_since_onset), (Some(day(5)), Some(OnsetSource::PainRun), Some(1)));
}

#[test]
fn onset_from_the_run_of_days_with_pain() {
    // The check has no days_since_onset: the run of entries with pain >= 1 ending at L.
    let d = derived_with(vec![rest(0, 4), rest(1, 0), train(3, 2), rest(4, 5), rest(8, 1)], check(2));
    assert_eq!((d.onset_date, d.onset_source, d.days_since_onset), (Some(day(3)), Some(OnsetSource::PainRun), Some(5)));
    // Every entry has pain: the first entry.
    assert_eq!(derived(vec![rest(0, 4), rest(2, 4)]).days_since_onset, Some(2));
    assert_eq!(derived(vec![rest(2, 4)]).days_since_onset, Some(0));
}

#[test]
fn no_onset_when_l_has_no_pain_and_none_is_known() {
    let d = derived(vec![rest(0, 4), rest(1, 0)]);
    assert_eq!((d.days_since_onset, d.onset_source), (None, None));
    assert!(d.to_answers().get("days_since_onset").is_none());
}

#[test]
fn derived_answers_are_valid_triage_answers() {
    let mut e = rest(10, 6);
    e.worse_at_night = Some(true);
    e.onset_date = Some(day(-40000));
    let d = derived(vec![train(0, 5), with_answers(rest(5, 5), &[yes("fever")]), e]);
    // 40,010 days is more than the item's 100 years: given as the largest value it takes.
    assert_eq!(d.days_since_onset, Some(36_500));
    let a = d.to_answers();
    let ids: Vec<&str> = a.iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        ["days_since_onset", "fever", "pain_now", "pain_worst_24h", "rest_days_without_improvement", "trend", "worse_at_night"]
    );
    for (id, answer) in a.iter() {
        assert_eq!(check_answer(kb(), id, &answer.to_json()).as_ref(), Ok(answer), "{id}");
    }
    assert_eq!(spotter_triage::tier_only(kb(), &a), Tier::Urgent);
}

#[test]
fn max_days_matches_the_knowledge_base() {
    for id in ["days_since_onset", "rest_days_without_improvement"] {
        let item = kb().item(id).unwrap();
        assert!(matches!(item.kind, spotter_kb::ItemKind::Integer { min: 0, max, .. } if max == i64::from(spotter_diary::derive::MAX_DAYS)), "{id}");
    }
}
