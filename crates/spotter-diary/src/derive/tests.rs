//! Unit tests of the window and pain-run helpers behind the derived items.

use super::*;

fn e(n: i64, pain: u8) -> Entry {
    Entry::rest_day(Date::parse("2026-11-01").unwrap().add_days(n).unwrap(), Pain::new(pain).unwrap())
}

#[test]
fn window_holds_the_last_days_inclusive() {
    let entries = [e(0, 1), e(3, 1), e(4, 1), e(10, 1)];
    let l = entries[3].date;
    let dates = |w: &[Entry]| w.iter().map(|x| x.date.days_since(entries[0].date)).collect::<Vec<_>>();
    assert_eq!(dates(window(&entries, l, 7)), [4, 10]);
    assert_eq!(dates(window(&entries, l, 8)), [3, 4, 10]);
    assert_eq!(dates(window(&entries, l, 1)), [10]);
    assert_eq!(dates(window(&entries, l, 11)), [0, 3, 4, 10]);
}

#[test]
fn pain_run_start_is_after_the_last_day_without_pain() {
    let entries = [e(0, 3), e(1, 0), e(2, 2), e(3, 5)];
    assert_eq!(pain_run_start(&entries, 4), 2);
    assert_eq!(pain_run_start(&entries, 2), 2);
    assert_eq!(pain_run_start(&entries, 1), 0);
    assert_eq!(pain_run_start(&entries, 0), 0);
}

#[test]
fn highest_pain_before_the_latest_entry() {
    let dated = |n: i64| Date::parse("2026-11-01").unwrap().add_days(n).unwrap();
    assert_eq!(highest_pain_before_latest(&[]), None);
    assert_eq!(highest_pain_before_latest(&[e(0, 5)]), None);
    assert_eq!(highest_pain_before_latest(&[e(0, 5), e(1, 0), e(2, 1)]), None);
    // The latest of equal highs.
    assert_eq!(highest_pain_before_latest(&[e(0, 6), e(1, 6), e(2, 4), e(3, 1)]), Some((Pain::new(6).unwrap(), dated(1))));
}

#[test]
fn trend_ids_are_the_items_values() {
    assert_eq!([Trend::Improving, Trend::Same, Trend::Worse].map(Trend::id), ["improving", "same", "worse"]);
}
