//! Calendar dates of the proleptic Gregorian calendar, years 1 to 9999, written `YYYY-MM-DD`.
//! A date is kept as its day number (days since 1970-01-01), so ordering and day arithmetic are
//! plain integer operations. There is no clock here: "today" is always passed in.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A calendar day (no time, no time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days since 1970-01-01 (negative before it).
    days: i32,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("expected a date written YYYY-MM-DD, such as 2026-12-01, got {0:?}")]
    Format(String),
    #[error("{text} is not a date: month {month} does not exist")]
    Month { text: String, month: u32 },
    #[error("{text} is not a date: {month_name} {year} has {days} days")]
    Day { text: String, month_name: &'static str, year: i32, days: u8 },
    #[error("{0} is not a date: the year must be 0001 to 9999")]
    Year(String),
}

const MONTH_NAMES: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// The first and last day numbers allowed (0001-01-01 and 9999-12-31).
const MIN_DAYS: i64 = -719_162;
const MAX_DAYS: i64 = 2_932_896;

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1..=12) of `year`.
pub fn days_in_month(year: i32, month: u32) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Day number of a valid date. Years are counted from March so that the leap day is the last day
/// of the counted year; 400 Gregorian years are exactly 146,097 days.
fn day_number(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719,468 days from 0000-03-01 to 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`day_number`].
fn civil(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Within 0001..=9999 every part fits.
    (year as i32, month as u32, day as u32)
}

impl Date {
    /// The date, if it exists and its year is 1 to 9999.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 || day > u32::from(days_in_month(year, month)) {
            return None;
        }
        Some(Date { days: day_number(year, month, day) as i32 })
    }

    /// Reads `YYYY-MM-DD` (exactly four, two and two digits).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
            let shown: String = text.chars().take(40).collect();
            return Err(DateError::Format(shown));
        }
        let num = |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        let (year, month, day) = (num(0..4) as i32, num(5..7), num(8..10));
        if year == 0 {
            return Err(DateError::Year(text.to_string()));
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::Month { text: text.to_string(), month });
        }
        Date::from_ymd(year, month, day).ok_or_else(|| DateError::Day {
            text: text.to_string(),
            month_name: MONTH_NAMES[month as usize - 1],
            year,
            days: days_in_month(year, month),
        })
    }

    pub fn year(self) -> i32 {
        civil(i64::from(self.days)).0
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        civil(i64::from(self.days)).1
    }

    /// 1 to 31.
    pub fn day(self) -> u32 {
        civil(i64::from(self.days)).2
    }

    /// The date `days` days later (earlier when negative), if it is within years 1 to 9999.
    pub fn add_days(self, days: i64) -> Option<Date> {
        let n = i64::from(self.days).checked_add(days)?;
        (MIN_DAYS..=MAX_DAYS).contains(&n).then_some(Date { days: n as i32 })
    }

    /// Days from `earlier` to `self` (negative when `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i64 {
        i64::from(self.days) - i64::from(earlier.days)
    }

    /// The date as people read it: "23 November 2026".
    pub fn in_words(self) -> String {
        let (y, m, d) = civil(i64::from(self.days));
        format!("{d} {} {y}", MONTH_NAMES[m as usize - 1])
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil(i64::from(self.days));
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
