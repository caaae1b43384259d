//! Tests of the calendar: day numbers against known dates, every day of years 1 to 9999 round
//! trips, and the reader refuses what is not a date.

use super::*;

fn d(text: &str) -> Date {
    Date::parse(text).expect(text)
}

#[test]
fn known_day_numbers() {
    assert_eq!(d("1970-01-01").days, 0);
    assert_eq!(d("1970-01-02").days, 1);
    assert_eq!(d("1969-12-31").days, -1);
    // 2000-03-01: 30 years of 365 days plus 7 leap days (72..96, 2000 itself is a leap year) + 31 + 29.
    assert_eq!(d("2000-03-01").days, 30 * 365 + 7 + 31 + 29);
    assert_eq!(d("0001-01-01").days as i64, MIN_DAYS);
    assert_eq!(d("9999-12-31").days as i64, MAX_DAYS);
}

#[test]
fn every_day_round_trips_and_follows_the_previous() {
    let mut prev: Option<(i32, u32, u32)> = None;
    for n in MIN_DAYS..=MAX_DAYS {
        let (y, m, day) = civil(n);
        assert_eq!(day_number(y, m, day), n);
        if let Some((py, pm, pd)) = prev {
            let next = if pd < u32::from(days_in_month(py, pm)) {
                (py, pm, pd + 1)
            } else if pm < 12 {
                (py, pm + 1, 1)
            } else {
                (py + 1, 1, 1)
            };
            assert_eq!((y, m, day), next, "day {n}");
        }
        prev = Some((y, m, day));
    }
}

#[test]
fn leap_years() {
    assert!(Date::from_ymd(2024, 2, 29).is_some());
    assert!(Date::from_ymd(2000, 2, 29).is_some());
    assert!(Date::from_ymd(1900, 2, 29).is_none());
    assert!(Date::from_ymd(2026, 2, 29).is_none());
    assert_eq!(d("2024-03-01").days_since(d("2024-02-28")), 2);
    assert_eq!(d("2026-03-01").days_since(d("2026-02-28")), 1);
}

#[test]
fn display_and_words() {
    assert_eq!(d("2026-12-01").to_string(), "2026-12-01");
    assert_eq!(d("0009-01-05").to_string(), "0009-01-05");
    assert_eq!(d("2026-11-23").in_words(), "23 November 2026");
    let x = d("2026-12-31");
    assert_eq!((x.year(), x.month(), x.day()), (2026, 12, 31));
}

#[test]
fn arithmetic() {
    assert_eq!(d("2026-12-31").add_days(1), Some(d("2027-01-01")));
    assert_eq!(d("2026-03-01").add_days(-1), Some(d("2026-02-28")));
    assert_eq!(d("9999-12-31").add_days(1), None);
    assert_eq!(d("0001-01-01").add_days(-1), None);
    assert_eq!(d("2026-01-01").add_days(i64::MAX), None);
    assert_eq!(d("2026-12-07").days_since(d("2026-12-01")), 6);
}

#[test]
fn refuses_what_is_not_a_date() {
    assert_eq!(
        Date::parse("2026-02-30").unwrap_err().to_string(),
        "2026-02-30 is not a date: February 2026 has 28 days"
    );
    assert_eq!(Date::parse("2026-13-01").unwrap_err().to_string(), "2026-13-01 is not a date: month 13 does not exist");
    assert_eq!(Date::parse("2026-04-31").unwrap_err(), DateError::Day {
        text: "2026-04-31".into(),
        month_name: "April",
        year: 2026,
        days: 30
    });
    assert!(matches!(Date::parse("2026-00-10"), Err(DateError::Month { month: 0, .. })));
    assert!(matches!(Date::parse("2026-01-00"), Err(DateError::Day { .. })));
    assert!(matches!(Date::parse("0000-01-01"), Err(DateError::Year(_))));
    for bad in ["2026-1-01", "26-01-01", "2026/01/01", "2026-01-01T00:00", " 2026-01-01", "", "２０２６-01-01", "2026-0a-01"] {
        assert!(matches!(Date::parse(bad), Err(DateError::Format(_))), "{bad:?}");
    }
}

#[test]
fn serde_as_text() {
    let x: Date = serde_json::from_str("\"2026-12-01\"").unwrap();
    assert_eq!(serde_json::to_string(&x).unwrap(), "\"2026-12-01\"");
    assert!(serde_json::from_str::<Date>("\"2026-02-30\"").is_err());
}
