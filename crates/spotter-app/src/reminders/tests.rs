//! The reminders read back with an iCalendar parser: the calendar's required properties, one
//! weekly sitting-break event per time of day at the plan's interval on work days, the warm-up
//! 15 minutes before each leg day, an alarm on each, lines folded as RFC 5545 asks.

use super::*;
use icalendar::parser::{Component as Parsed, read_components, unfold};

fn kb() -> spotter_kb::Kb {
    spotter_kb::Kb::builtin().expect("kb")
}

const SEED: &str = include_str!("../../../../examples/plan-seed-story.json");
const EMERGENCY: &str = include_str!("../../../../examples/intake-emergency.json");

fn date(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd(y, m, d).expect("date")
}

fn stamp() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_796_000_000, 0).expect("time")
}

fn prop<'a>(c: &'a Parsed<'_>, name: &str) -> Option<String> {
    c.properties.iter().find(|p| p.name.as_str() == name).map(|p| p.val.as_str().to_string())
}

#[test]
fn weekdays_and_times_read_as_people_write_them() {
    assert_eq!(Weekday::of(date(2026, 12, 4)), Weekday::Fri);
    assert_eq!(Weekday::of(date(2026, 12, 7)), Weekday::Mon);
    assert_eq!(Weekday::of(date(2000, 2, 29)), Weekday::Tue);
    assert_eq!(Weekday::parse("Thu"), Some(Weekday::Thu));
    assert_eq!(Weekday::parse("monday"), Some(Weekday::Mon));
    assert_eq!(Weekday::parse("SU"), Some(Weekday::Sun));
    assert_eq!(Weekday::parse("thurs"), None);
    assert_eq!(TimeOfDay::parse("07:05"), Some(TimeOfDay { minutes: 425 }));
    assert_eq!(TimeOfDay::parse("7:05"), Some(TimeOfDay { minutes: 425 }));
    for bad in ["24:00", "12:60", "12", "12:5", "-1:00", "ab:cd", ""] {
        assert_eq!(TimeOfDay::parse(bad), None, "{bad}");
    }
}

#[test]
fn the_seed_story_plan_is_a_valid_calendar_of_breaks_and_warm_ups() {
    let kb = kb();
    let answers = crate::read_answers(&kb, SEED, "seed").expect("answers");
    let (plan, _) = crate::plan(&kb, &answers, None).expect("plan");
    let interval = plan.blocks.iter().flat_map(|b| &b.items).find(|i| i.id == "sitting_break").and_then(|i| i.interval_minutes).expect("the seed story sits long");
    let mut schedule = Schedule::new(date(2026, 12, 2)); // a Wednesday
    schedule.leg_days = vec![Weekday::Thu, Weekday::Mon];
    let r = plan_calendar(&plan, &schedule, stamp()).expect("a calendar");

    // RFC 5545 3.1: CRLF line ends, content lines folded at 75 octets.
    assert!(r.ics.ends_with("\r\n"));
    assert!(!r.ics.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
    for line in r.ics.split("\r\n") {
        assert!(line.len() <= 75, "a line of {} octets: {line}", line.len());
    }
    let unfolded = unfold(&r.ics);
    let roots = read_components(&unfolded).expect("parses");
    assert_eq!(roots.len(), 1, "one calendar, nothing around it");
    let vcal = &roots[0];
    assert_eq!(vcal.name, "VCALENDAR");
    assert_eq!(prop(vcal, "VERSION").as_deref(), Some("2.0"));
    assert_eq!(prop(vcal, "PRODID").as_deref(), Some("-//Spotter//Spotter reminders//EN"));
    let events: Vec<&Parsed<'_>> = vcal.components.iter().filter(|c| c.name == "VEVENT").collect();

    // Sitting breaks: every `interval` minutes after 09:00 up to 17:00, Monday to Friday.
    let expected = (8 * 60 / interval) as usize;
    assert_eq!(r.sitting_breaks.len(), expected);
    let breaks: Vec<&&Parsed<'_>> = events.iter().filter(|e| prop(e, "UID").is_some_and(|u| u.starts_with("spotter-sitting-break-"))).collect();
    assert_eq!(breaks.len(), expected);
    let first_minutes = 9 * 60 + interval;
    assert_eq!(prop(breaks[0], "DTSTART"), Some(format!("20261202T{:02}{:02}00", first_minutes / 60, first_minutes % 60)));
    for e in &breaks {
        assert_eq!(prop(e, "RRULE").as_deref(), Some("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"));
    }
    let last = prop(breaks.last().unwrap(), "DTSTART").unwrap();
    assert!(last.ends_with("T170000") || last.as_str() < "20261202T170000", "{last}");

    // The warm-up: the next leg day after Wednesday is Thursday, 15 minutes before 18:00, for the
    // warm-up's length, weekly on Monday and Thursday.
    let w = events.iter().find(|e| prop(e, "UID").as_deref() == Some("spotter-warmup@spotter.local")).expect("the warm-up");
    assert_eq!(prop(w, "DTSTART").as_deref(), Some("20261203T174500"));
    let end_seconds = 17 * 3600 + 45 * 60 + plan.warmup_budget_seconds;
    assert_eq!(prop(w, "DTEND"), Some(format!("20261203T{:02}{:02}{:02}", end_seconds / 3600, end_seconds / 60 % 60, end_seconds % 60)));
    assert_eq!(prop(w, "RRULE").as_deref(), Some("FREQ=WEEKLY;BYDAY=MO,TH"));
    let description = prop(w, "DESCRIPTION").expect("a description");
    let first_drill = plan.block(BlockId::Warmup).unwrap().items[0].name;
    assert!(description.contains(first_drill), "{description}");

    // Every event: UID, DTSTAMP, DTSTART, DTEND, and a display alarm with its text.
    for e in &events {
        for p in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"] {
            assert!(prop(e, p).is_some(), "{p} missing in {:?}", prop(e, "UID"));
        }
        let alarm = e.components.iter().find(|c| c.name == "VALARM").expect("an alarm");
        assert_eq!(prop(alarm, "ACTION").as_deref(), Some("DISPLAY"));
        assert!(prop(alarm, "DESCRIPTION").is_some(), "a DISPLAY alarm needs its text");
        assert!(prop(alarm, "TRIGGER").is_some());
    }
    assert_eq!(events.len(), expected + 1);
}

#[test]
fn what_cannot_be_reminded_is_refused() {
    let kb = kb();
    let answers = crate::read_answers(&kb, SEED, "seed").expect("answers");
    let (plan, _) = crate::plan(&kb, &answers, None).expect("plan");
    let schedule = Schedule::new(date(2026, 12, 2));
    assert_eq!(plan_calendar(&plan, &schedule, stamp()), Err(ReminderError::NoLegDays));
    let mut s = schedule.clone();
    s.leg_days = vec![Weekday::Sat];
    s.work_end = TimeOfDay { minutes: 8 * 60 };
    assert!(matches!(plan_calendar(&plan, &s, stamp()), Err(ReminderError::WorkHours { .. })));
    let mut s = schedule.clone();
    s.leg_days = vec![Weekday::Sat];
    s.session_start = TimeOfDay { minutes: 10 };
    assert_eq!(plan_calendar(&plan, &s, stamp()), Err(ReminderError::SessionTooEarly(TimeOfDay { minutes: 10 })));
    // No work days: the warm-up alone.
    let mut s = schedule.clone();
    s.leg_days = vec![Weekday::Sat];
    s.work_days.clear();
    let r = plan_calendar(&plan, &s, stamp()).expect("the warm-up alone");
    assert!(r.sitting_breaks.is_empty());
    assert_eq!(r.ics.matches("BEGIN:VEVENT").count(), 1);
    // An emergency has no plan to remind of.
    let answers = crate::read_answers(&kb, EMERGENCY, "emergency").expect("answers");
    let (plan, _) = crate::plan(&kb, &answers, None).expect("plan");
    assert_eq!(plan_calendar(&plan, &s, stamp()), Err(ReminderError::NothingToRemind));
}
