//! Reminders without an app: the plan as an iCalendar file (RFC 5545) that any calendar imports.
//!
//! - The sitting-break habit: on work days, every `interval_minutes` of the plan's `sitting_break`
//!   through the working hours, one short event per time of day, repeating weekly on the work
//!   days (`RRULE:FREQ=WEEKLY;BYDAY=...`), each with a display alarm at its start.
//! - The warm-up: on each leg day the lifter names, an event of the warm-up's length starting
//!   15 minutes before the session, repeating weekly, with an alarm at its start; its description
//!   lists the warm-up's drills in order.
//!
//! Times are floating local times (no time zone): 09:00 means 09:00 wherever the calendar is, as
//! a person means it. Every event has a stable UID, so importing an updated file replaces the old
//! events instead of doubling them.

use icalendar::{Alarm, Calendar, Component, Event, EventLike, Property, Trigger};
use spotter_coach::{BlockId, Plan};
use spotter_diary::Date;

/// How long before a leg-day session the warm-up starts, in minutes.
pub const WARMUP_LEAD_MINUTES: u32 = 15;

/// How long each sitting-break event lasts, in minutes (stand up, walk, come back).
pub const SITTING_BREAK_EVENT_MINUTES: u32 = 2;

/// A day of the week, as RFC 5545 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

    /// `mon`, `monday`, `Mo` (any case).
    pub fn parse(text: &str) -> Option<Weekday> {
        let t = text.trim().to_ascii_lowercase();
        let names = ["mo", "tu", "we", "th", "fr", "sa", "su"];
        let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        (0..7).find(|&i| t == names[i] || t == &full[i][..3] || t == full[i]).map(|i| Weekday::ALL[i])
    }

    /// The RFC 5545 two-letter code (`MO`).
    pub fn code(self) -> &'static str {
        ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][self as usize]
    }

    fn of(date: Date) -> Weekday {
        // 1970-01-01 was a Thursday.
        let epoch = Date::from_ymd(1970, 1, 1).expect("a valid date");
        let n = date.days_since(epoch).rem_euclid(7) as usize;
        Weekday::ALL[(n + 3) % 7]
    }
}

/// A time of day, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay {
    pub minutes: u32,
}

impl TimeOfDay {
    /// `HH:MM`, 00:00 to 23:59.
    pub fn parse(text: &str) -> Option<TimeOfDay> {
        let (h, m) = text.trim().split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60).then_some(TimeOfDay { minutes: h * 60 + m })
    }

    fn hm(self) -> (u32, u32) {
        (self.minutes / 60, self.minutes % 60)
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (h, m) = self.hm();
        write!(f, "{h:02}:{m:02}")
    }
}

/// When the lifter trains and works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Leg days (the warm-up's days); may be empty.
    pub leg_days: Vec<Weekday>,
    /// When a leg-day session starts.
    pub session_start: TimeOfDay,
    /// Work days (the sitting breaks' days); may be empty.
    pub work_days: Vec<Weekday>,
    /// Working hours: breaks from `work_start` + interval up to `work_end`.
    pub work_start: TimeOfDay,
    pub work_end: TimeOfDay,
    /// The first day the reminders may fall on (today).
    pub from: Date,
}

impl Schedule {
    /// Monday to Friday, 09:00 to 17:00, leg days at 18:00, from `from`.
    pub fn new(from: Date) -> Schedule {
        Schedule {
            leg_days: Vec::new(),
            session_start: TimeOfDay { minutes: 18 * 60 },
            work_days: Weekday::ALL[..5].to_vec(),
            work_start: TimeOfDay { minutes: 9 * 60 },
            work_end: TimeOfDay { minutes: 17 * 60 },
            from,
        }
    }
}

/// Why no calendar can be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReminderError {
    #[error("the working hours end ({end}) before they start ({start})")]
    WorkHours { start: TimeOfDay, end: TimeOfDay },
    #[error("the warm-up would start before midnight: a session at {0} leaves no {WARMUP_LEAD_MINUTES} minutes before it")]
    SessionTooEarly(TimeOfDay),
    #[error("the plan has nothing to remind of: no warm-up and no sitting breaks (its tier allows no training plan)")]
    NothingToRemind,
    #[error("the plan has a warm-up but no leg days were named: give the days you train legs")]
    NoLegDays,
}

/// What the calendar holds, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminders {
    /// The iCalendar text (CRLF line ends, as RFC 5545 asks).
    pub ics: String,
    /// Sitting-break times of day (one weekly event each).
    pub sitting_breaks: Vec<TimeOfDay>,
    /// The warm-up's start on each leg day.
    pub warmup_start: Option<TimeOfDay>,
    pub warmup_minutes: u32,
}

fn next_on(from: Date, days: &[Weekday]) -> Date {
    (0..7).filter_map(|i| from.add_days(i)).find(|d| days.contains(&Weekday::of(*d))).unwrap_or(from)
}

fn at(date: Date, t: TimeOfDay) -> chrono::NaiveDateTime {
    let (h, m) = t.hm();
    chrono::NaiveDate::from_ymd_opt(date.year(), date.month(), date.day())
        .and_then(|d| d.and_hms_opt(h, m, 0))
        .unwrap_or_default()
}

fn byday(days: &[Weekday]) -> String {
    let mut d = days.to_vec();
    d.sort();
    d.dedup();
    d.iter().map(|w| w.code()).collect::<Vec<_>>().join(",")
}

/// Whether the plan has anything to remind of (a warm-up or sitting breaks).
pub fn has_reminders(plan: &Plan<'_>) -> bool {
    plan.block(BlockId::Warmup).is_some_and(|b| !b.items.is_empty()) || sitting_interval(plan).is_some()
}

fn sitting_interval(plan: &Plan<'_>) -> Option<u32> {
    plan.blocks.iter().flat_map(|b| &b.items).find(|i| i.id == "sitting_break").and_then(|i| i.interval_minutes)
}

/// The plan's reminders on `schedule`, made at `stamp` (the DTSTAMP every event must carry).
pub fn plan_calendar(plan: &Plan<'_>, schedule: &Schedule, stamp: chrono::DateTime<chrono::Utc>) -> Result<Reminders, ReminderError> {
    let warmup = plan.block(BlockId::Warmup).filter(|b| !b.items.is_empty());
    let interval = sitting_interval(plan);
    if warmup.is_none() && interval.is_none() {
        return Err(ReminderError::NothingToRemind);
    }
    if warmup.is_some() && schedule.leg_days.is_empty() {
        return Err(ReminderError::NoLegDays);
    }
    // VERSION and CALSCALE as RFC 5545 asks; PRODID names the program (3.7.3).
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//Spotter//Spotter reminders//EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.name("Spotter: warm-up and sitting breaks");
    cal.description("Reminders from your Spotter plan: the warm-up before leg day, and standing up from long sitting. Made on your own machine.");
    let mut sitting_breaks = Vec::new();
    if let Some(interval) = interval.filter(|_| !schedule.work_days.is_empty()) {
        if schedule.work_end <= schedule.work_start {
            return Err(ReminderError::WorkHours { start: schedule.work_start, end: schedule.work_end });
        }
        let first = next_on(schedule.from, &schedule.work_days);
        let mut t = schedule.work_start.minutes + interval.max(1);
        while t <= schedule.work_end.minutes {
            let time = TimeOfDay { minutes: t };
            sitting_breaks.push(time);
            let start = at(first, time);
            let event = Event::new()
                .uid(&format!("spotter-sitting-break-{:02}{:02}@spotter.local", time.hm().0, time.hm().1))
                .timestamp(stamp)
                .summary("Stand up: sitting break")
                .description(&format!(
                    "Stand up, walk a few steps and move your hips and back for a minute or two. Your plan asks for a break at least every {interval} minutes of sitting."
                ))
                .starts(start)
                .ends(start + chrono::Duration::minutes(i64::from(SITTING_BREAK_EVENT_MINUTES)))
                .add_property("RRULE", format!("FREQ=WEEKLY;BYDAY={}", byday(&schedule.work_days)))
                .add_property("TRANSP", "TRANSPARENT")
                .alarm(Alarm::display("Stand up: sitting break", Trigger::before_start(chrono::Duration::zero())))
                .done();
            cal.push(event);
            t += interval.max(1);
        }
    }
    let mut warmup_start = None;
    let mut warmup_minutes = 0;
    if let Some(block) = warmup {
        let lead = WARMUP_LEAD_MINUTES;
        let Some(start_min) = schedule.session_start.minutes.checked_sub(lead) else {
            return Err(ReminderError::SessionTooEarly(schedule.session_start));
        };
        let start_time = TimeOfDay { minutes: start_min };
        warmup_start = Some(start_time);
        warmup_minutes = plan.warmup_budget_seconds.div_ceil(60);
        let first = next_on(schedule.from, &schedule.leg_days);
        let start = at(first, start_time);
        let drills: Vec<String> = block
            .items
            .iter()
            .map(|i| match i.seconds {
                Some(s) if i.per_side => format!("{}: {s} s each side", i.name),
                Some(s) => format!("{}: {s} s", i.name),
                None => i.name.to_string(),
            })
            .collect();
        let event = Event::new()
            .uid("spotter-warmup@spotter.local")
            .timestamp(stamp)
            .summary("Leg day warm-up (Spotter)")
            .description(&format!(
                "Your {warmup_minutes}-minute warm-up, {lead} minutes before the session at {}: {}. Open `spotter warmup` or the web app's warm-up player for the timer.",
                schedule.session_start,
                drills.join("; ")
            ))
            .starts(start)
            .ends(start + chrono::Duration::seconds(i64::from(plan.warmup_budget_seconds)))
            .add_property("RRULE", format!("FREQ=WEEKLY;BYDAY={}", byday(&schedule.leg_days)))
            .alarm(Alarm::display("Leg day: warm up now", Trigger::before_start(chrono::Duration::zero())))
            .done();
        cal.push(event);
    }
    let ics = cal.done().to_string();
    Ok(Reminders { ics, sitting_breaks, warmup_start, warmup_minutes })
}

/// [`plan_calendar`] stamped with the clock's time now.
pub fn plan_calendar_now(plan: &Plan<'_>, schedule: &Schedule) -> Result<Reminders, ReminderError> {
    plan_calendar(plan, schedule, chrono::Utc::now())
}

#[cfg(test)]
mod tests;
