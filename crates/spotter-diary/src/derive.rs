//! The triage items the diary works out at the latest entry's date L, exactly as `memory.md`
//! defines them: `pain_now`, `pain_worst_24h`, `days_since_onset`,
//! `rest_days_without_improvement`, `trend` (over L-6..L), `worse_at_night` (over L-6..L), and
//! the answers of the entries of L-13..L (the latest answer for each item).

use crate::date::Date;
use crate::diary::{Diary, SavedCheck};
use crate::entry::{Entry, Pain};
use spotter_triage::{Answer, Answers};

/// The trend and night-pain window: the entries dated L-6..L (7 calendar days).
pub const TREND_WINDOW_DAYS: i64 = 7;
/// The entry-answers window: the entries dated L-13..L (14 calendar days).
pub const ANSWERS_WINDOW_DAYS: i64 = 14;
/// The largest value of the day-count items (`days_since_onset`,
/// `rest_days_without_improvement`) in the knowledge base, in days; longer spans are given as
/// this (100 years).
pub const MAX_DAYS: u32 = 36_500;
/// A change of at least this many points over the trend window is `worse` or `improving`.
pub const TREND_POINTS: i64 = 2;

/// `trend` as the triage item has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trend {
    Improving,
    Same,
    Worse,
}

impl Trend {
    /// The value id of the `trend` item.
    pub fn id(self) -> &'static str {
        match self {
            Trend::Improving => "improving",
            Trend::Same => "same",
            Trend::Worse => "worse",
        }
    }
}

/// Where the onset date came from, in the spec's order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnsetSource {
    /// The latest `onset_date` given in any entry.
    EntryOnsetDate,
    /// The latest saved check's date minus its `days_since_onset`.
    Check,
    /// The first date of the run of entries with pain (`pain_now` >= 1) that ends at L.
    PainRun,
}

/// The trend over L-6..L and what it compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendWindow {
    pub trend: Trend,
    /// The earliest entry of the window, whose pain L's is compared with.
    pub from_date: Date,
    pub from_pain: Pain,
    /// How many entries the window holds (at least 2).
    pub entries: usize,
}

/// The rest days counted by `rest_days_without_improvement`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestRun {
    /// The first entry after the last training entry (the first entry when none trained).
    pub first_date: Date,
    /// `b`: the pain of the last training entry, or of the first rest entry when there is none.
    pub baseline: Pain,
    /// Whether `baseline` is a training day's pain.
    pub after_training: bool,
}

/// The derived items at `as_of` (L).
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// L: the date of the latest entry.
    pub as_of: Date,
    pub pain_now: Pain,
    /// The larger of L's `pain_worst_24h` and `pain_now`.
    pub pain_worst_24h: Pain,
    /// In days (at most [`MAX_DAYS`]); `None` when L's pain is 0 and no onset date is known.
    pub days_since_onset: Option<u32>,
    pub onset_date: Option<Date>,
    pub onset_source: Option<OnsetSource>,
    /// In days (at most [`MAX_DAYS`]); 0 on a training day or after an improvement of 2 points.
    pub rest_days_without_improvement: u32,
    /// `None` on a training day.
    pub rest_run: Option<RestRun>,
    /// `None` with fewer than 2 entries in L-6..L.
    pub trend: Option<TrendWindow>,
    /// `None` when no entry of L-6..L says.
    pub worse_at_night: Option<bool>,
    /// The latest answer for each item among the entries of L-13..L.
    pub entry_answers: Answers,
}

impl Derived {
    /// The derived items and the entry answers, by item id, as the triage engine reads them
    /// (items not derived are absent).
    pub fn to_answers(&self) -> Answers {
        let mut a = self.entry_answers.clone();
        a.set_unchecked("pain_now", Answer::Integer(i64::from(self.pain_now.points())));
        a.set_unchecked("pain_worst_24h", Answer::Integer(i64::from(self.pain_worst_24h.points())));
        if let Some(d) = self.days_since_onset {
            a.set_unchecked("days_since_onset", Answer::Integer(i64::from(d)));
        }
        a.set_unchecked("rest_days_without_improvement", Answer::Integer(i64::from(self.rest_days_without_improvement)));
        if let Some(t) = self.trend {
            a.set_unchecked("trend", Answer::Choice(t.trend.id().to_string()));
        }
        if let Some(n) = self.worse_at_night {
            a.set_unchecked("worse_at_night", Answer::Bool(n));
        }
        a
    }
}

fn days(n: i64) -> u32 {
    n.clamp(0, i64::from(MAX_DAYS)) as u32
}

/// The entries dated `l - (window - 1) ..= l` of `entries` (in date order, ending at `l`).
fn window(entries: &[Entry], l: Date, window_days: i64) -> &[Entry] {
    let start = entries.partition_point(|e| l.days_since(e.date) >= window_days);
    &entries[start..]
}

/// The first index of the run of entries with pain >= 1 that ends at `end` (exclusive).
fn pain_run_start(entries: &[Entry], end: usize) -> usize {
    entries[..end].iter().rposition(|e| e.pain_now.points() == 0).map_or(0, |i| i + 1)
}

/// The derived items of `diary`; `None` when it has no entries.
pub fn derive(diary: &Diary) -> Option<Derived> {
    derive_from(diary.entries(), diary.latest_check())
}

/// [`derive`] over entries in date order (one per date) and the latest saved check.
pub fn derive_from(entries: &[Entry], latest_check: Option<&SavedCheck>) -> Option<Derived> {
    let last = entries.last()?;
    let l = last.date;

    let pain_now = last.pain_now;
    let pain_worst_24h = last.pain_worst_24h.map_or(pain_now, |w| w.max(pain_now));

    // Onset: the latest onset_date in any entry; else the latest check's date minus its
    // days_since_onset (when that falls on or before L); else the start of the pain run at L.
    let from_entries = entries.iter().filter_map(|e| e.onset_date).max().map(|d| (d, OnsetSource::EntryOnsetDate));
    let from_check = || {
        let c = latest_check?;
        let Some(Answer::Integer(n)) = c.answers.get("days_since_onset") else { return None };
        let d = c.date.add_days(-*n)?;
        (d <= l).then_some((d, OnsetSource::Check))
    };
    let from_run = || {
        (pain_now.points() >= 1).then(|| (entries[pain_run_start(entries, entries.len())].date, OnsetSource::PainRun))
    };
    let onset = from_entries.or_else(from_check).or_else(from_run);
    let days_since_onset = onset.map(|(d, _)| days(l.days_since(d)));

    // Rest days without improvement.
    let (rest_days_without_improvement, rest_run) = if last.trained() {
        (0, None)
    } else {
        let last_training = entries.iter().rposition(Entry::trained);
        let r_start = last_training.map_or(0, |i| i + 1);
        let r_first = &entries[r_start];
        let n = days(l.days_since(r_first.date) + 1);
        let (baseline, after_training) = match last_training {
            Some(i) => (entries[i].pain_now, true),
            None => (r_first.pain_now, false),
        };
        let improved = i64::from(pain_now.points()) <= i64::from(baseline.points()) - TREND_POINTS;
        (if improved { 0 } else { n }, Some(RestRun { first_date: r_first.date, baseline, after_training }))
    };

    // Trend over L-6..L.
    let week = window(entries, l, TREND_WINDOW_DAYS);
    let trend = (week.len() >= 2).then(|| {
        let first = &week[0];
        let d = i64::from(pain_now.points()) - i64::from(first.pain_now.points());
        let trend = if d >= TREND_POINTS {
            Trend::Worse
        } else if d <= -TREND_POINTS {
            Trend::Improving
        } else {
            Trend::Same
        };
        TrendWindow { trend, from_date: first.date, from_pain: first.pain_now, entries: week.len() }
    });

    let worse_at_night = if week.iter().any(|e| e.worse_at_night == Some(true)) {
        Some(true)
    } else if week.iter().any(|e| e.worse_at_night == Some(false)) {
        Some(false)
    } else {
        None
    };

    let mut entry_answers = Answers::new();
    for e in window(entries, l, ANSWERS_WINDOW_DAYS) {
        for (id, a) in e.answers.iter() {
            entry_answers.set_unchecked(id, a.clone());
        }
    }

    Some(Derived {
        as_of: l,
        pain_now,
        pain_worst_24h,
        days_since_onset,
        onset_date: onset.map(|(d, _)| d),
        onset_source: onset.map(|(_, s)| s),
        rest_days_without_improvement,
        rest_run,
        trend,
        worse_at_night,
        entry_answers,
    })
}

/// The highest pain of the run of entries with pain >= 1 that ends just before the last entry
/// (for the `improving` alert); `None` when the entry before L has no pain or there is none.
pub fn highest_pain_before_latest(entries: &[Entry]) -> Option<(Pain, Date)> {
    let end = entries.len().checked_sub(1)?;
    let start = pain_run_start(entries, end);
    // Ties: the latest of the highest.
    entries[start..end].iter().map(|e| (e.pain_now, e.date)).max()
}

#[cfg(test)]
mod tests;
