//! What the diary says now: the status triage (the latest saved check's answers with the derived
//! items and the entry answers laid over them, through the triage engine), the alerts, and the
//! adherence view; and the status JSON document of `memory.md`.

use crate::date::Date;
use crate::derive::{ANSWERS_WINDOW_DAYS, Derived, TREND_WINDOW_DAYS, Trend, derive, highest_pain_before_latest};
use crate::diary::{Diary, SavedCheck};
use serde::Serialize;
use spotter_kb::{Kb, Tier};
use spotter_wire::TriageDoc;
use spotter_triage::{Answer, Answers, CouldRaise, Fired, Triage, could_raise, join_words, tier_only, triage};

/// Adherence is reported only when each group has at least this many training days.
pub const MIN_ADHERENCE_DAYS: usize = 3;

/// The status triage: the engine's result over the latest check with the diary laid over it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusTriage<'kb> {
    /// The check the status starts from.
    pub check: SavedCheck,
    /// The check's answers with the derived items and the entry answers laid over them.
    pub answers: Answers,
    pub triage: Triage<'kb>,
    /// Unanswered items that could still raise the status tier.
    pub could_raise: Vec<CouldRaise<'kb>>,
}

/// The answers the status triage reads: `check`'s answers, then each derived item and entry
/// answer in place of the check's answer to the same item.
pub fn status_answers(check: &SavedCheck, derived: Option<&Derived>) -> Answers {
    let mut answers = check.answers.clone();
    if let Some(d) = derived {
        for (id, a) in d.to_answers().iter() {
            answers.set_unchecked(id, a.clone());
        }
    }
    answers
}

/// The status triage of `diary`; `None` when no check is saved.
pub fn status_triage<'kb>(kb: &'kb Kb, diary: &Diary, derived: Option<&Derived>) -> Option<StatusTriage<'kb>> {
    let check = diary.latest_check()?;
    let answers = status_answers(check, derived);
    let t = triage(kb, &answers);
    let could_raise = could_raise(kb, &answers, t.tier);
    Some(StatusTriage { check: check.clone(), answers, triage: t, could_raise })
}

/// An alert's kind, in the order alerts are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertId {
    /// An emergency or urgent rule fires on the entry answers of L-13..L alone.
    RedFlag,
    /// No check is saved.
    NeedsCheck,
    /// The status tier is more urgent than the latest check's.
    TierRaised,
    /// `rest_days_without_improvement` >= 3.
    NoImprovementAfterRest,
    /// `trend` = `worse`.
    Worsening,
    /// `worse_at_night` = true.
    NightPain,
    /// Pain down by at least 2 points and to at most 70 % of the highest of the spell.
    Improving,
}

impl AlertId {
    pub fn id(self) -> &'static str {
        match self {
            AlertId::RedFlag => "red_flag",
            AlertId::NeedsCheck => "needs_check",
            AlertId::TierRaised => "tier_raised",
            AlertId::NoImprovementAfterRest => "no_improvement_after_rest",
            AlertId::Worsening => "worsening",
            AlertId::NightPain => "night_pain",
            AlertId::Improving => "improving",
        }
    }
}

/// How much an alert matters: a tier, or `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Tier(Tier),
    Info,
}

impl Severity {
    /// The tier id, or `info`.
    pub fn id(self) -> &'static str {
        match self {
            Severity::Tier(t) => t.id(),
            Severity::Info => "info",
        }
    }
}

impl Serialize for Severity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// One alert: what the record shows, in plain words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub id: AlertId,
    pub severity: Severity,
    /// For a person: no item or rule ids.
    pub message: String,
    /// For programs: the ids of the rules behind a `red_flag` or `tier_raised` alert.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

/// Training days of one group and their mean pain after training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrainingDays {
    /// Training days with `warmed_up` and `pain_after_training` given.
    pub training_days: usize,
    /// Mean `pain_after_training` of those days, in points (0 to 10).
    pub mean_pain_after_training: f64,
}

/// Pain after training with and without the warm-up, over the whole diary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adherence {
    pub with_warm_up: TrainingDays,
    pub without_warm_up: TrainingDays,
    /// The comparison as an observation of this person's record, not proof.
    pub message: String,
}

/// The adherence view; `None` until each group has [`MIN_ADHERENCE_DAYS`] training days with
/// `warmed_up` and `pain_after_training` given.
pub fn adherence(diary: &Diary) -> Option<Adherence> {
    let mut sums = [(0usize, 0u32); 2];
    for t in diary.entries().iter().filter_map(|e| e.training.as_ref()) {
        if let (Some(w), Some(p)) = (t.warmed_up, t.pain_after_training) {
            let g = &mut sums[usize::from(w)];
            g.0 += 1;
            g.1 += u32::from(p.points());
        }
    }
    let [(n_without, s_without), (n_with, s_with)] = sums;
    if n_with < MIN_ADHERENCE_DAYS || n_without < MIN_ADHERENCE_DAYS {
        return None;
    }
    let with_warm_up = TrainingDays { training_days: n_with, mean_pain_after_training: f64::from(s_with) / n_with as f64 };
    let without_warm_up =
        TrainingDays { training_days: n_without, mean_pain_after_training: f64::from(s_without) / n_without as f64 };
    let (a, b) = (with_warm_up.mean_pain_after_training, without_warm_up.mean_pain_after_training);
    let compare = if (a - b).abs() < 0.05 {
        "about the same".to_string()
    } else if a < b {
        format!("{:.1} points lower with the warm-up", b - a)
    } else {
        format!("{:.1} points higher with the warm-up", a - b)
    };
    let message = format!(
        "In your diary, pain after training averaged {a:.1} out of 10 on the {} you warmed up and {b:.1} out of 10 on the {} you did not: {compare}. \
         This is what your own record shows, not proof that the warm-up is the reason; other things change from day to day too.",
        plural(n_with, "training day", "training days"),
        plural(n_without, "training day", "training days"),
    );
    Some(Adherence { with_warm_up, without_warm_up, message })
}

/// "1 day", "3 days".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `Is { if_unanswered }` and friends with `if_unanswered` off: an item not given does not hold.
fn given_only(c: &spotter_kb::Condition) -> spotter_kb::Condition {
    use spotter_kb::Condition as C;
    match c {
        C::In { item, values, .. } => C::In { item: item.clone(), values: values.clone(), if_unanswered: false },
        C::AtLeast { item, threshold, strict, .. } => {
            C::AtLeast { item: item.clone(), threshold: *threshold, strict: *strict, if_unanswered: false }
        }
        C::AtMost { item, threshold, strict, .. } => {
            C::AtMost { item: item.clone(), threshold: *threshold, strict: *strict, if_unanswered: false }
        }
        C::All(cs) => C::All(cs.iter().map(given_only).collect()),
        C::Any(cs) => C::Any(cs.iter().map(given_only).collect()),
        other => other.clone(),
    }
}

/// The emergency and urgent rules that fire on `answers` alone (items not given count as not
/// holding), as the triage engine reports them, most urgent first.
pub fn red_flag_rules<'kb>(kb: &'kb Kb, answers: &Answers) -> Vec<Fired<'kb>> {
    triage(kb, answers)
        .fired
        .into_iter()
        .filter(|f| f.rule.tier >= Tier::Urgent && spotter_triage::eval::holds(&given_only(&f.rule.when), answers))
        .collect()
}

/// The tier the engine gives these answers alone: how much a finding matters by itself.
fn finding_tier(kb: &Kb, items: &[(&str, Answer)]) -> Tier {
    let mut a = Answers::new();
    for (id, v) in items {
        a.set_unchecked(id, v.clone());
    }
    tier_only(kb, &a)
}

/// What to do at `tier`, for an alert's message (nothing at self-care: an alert is not an
/// all-clear, and self-care's headline would read like one).
fn action(kb: &Kb, tier: Tier) -> String {
    if tier > Tier::SelfCare { format!(" {}", kb.tier_info(tier).headline) } else { String::new() }
}

/// The alerts, in the order of `memory.md`: `red_flag` first, then `needs_check`, `tier_raised`,
/// `no_improvement_after_rest`, `worsening`, `night_pain`, `improving`.
pub fn alerts(kb: &Kb, diary: &Diary, derived: Option<&Derived>, status: Option<&StatusTriage<'_>>) -> Vec<Alert> {
    let mut out = Vec::new();
    let alert = |id, severity, message: String, rules: Vec<String>| Alert { id, severity, message, rules };

    if let Some(d) = derived {
        let fired = red_flag_rules(kb, &d.entry_answers);
        if let Some(tier) = fired.iter().map(|f| f.rule.tier).max() {
            let titles: Vec<String> = fired.iter().map(|f| lower_first(&f.rule.title)).collect();
            let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
            let signs = if fired.len() == 1 { "a warning sign" } else { "warning signs" };
            out.push(alert(
                AlertId::RedFlag,
                Severity::Tier(tier),
                format!("In the last {ANSWERS_WINDOW_DAYS} days your diary notes {signs}: {}.{}", join_words(&titles), action(kb, tier)),
                fired.iter().map(|f| f.rule.id.clone()).collect(),
            ));
        }
    }

    match status {
        None => out.push(alert(
            AlertId::NeedsCheck,
            Severity::Info,
            "No check is saved yet, so the diary cannot say how urgent this is. Answer the safety questions once (a check); \
             after that the diary re-runs them with what you log each day."
                .to_string(),
            Vec::new(),
        )),
        Some(s) if s.triage.tier > s.check.tier => {
            let raising: Vec<&Fired<'_>> = s.triage.fired.iter().filter(|f| f.rule.tier > s.check.tier).collect();
            let titles: Vec<String> = raising.iter().map(|f| lower_first(&f.rule.title)).collect();
            let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
            out.push(alert(
                AlertId::TierRaised,
                Severity::Tier(s.triage.tier),
                format!(
                    "Your check on {} said \"{}\"; with what you have logged since, it is now \"{}\" because of: {}.{}",
                    s.check.date.in_words(),
                    kb.tier_info(s.check.tier).label,
                    s.triage.info.label,
                    join_words(&titles),
                    action(kb, s.triage.tier),
                ),
                raising.iter().map(|f| f.rule.id.clone()).collect(),
            ));
        }
        Some(_) => {}
    }

    let Some(d) = derived else { return out };

    if d.rest_days_without_improvement >= 3 {
        let n = d.rest_days_without_improvement;
        let tier = finding_tier(kb, &[("rest_days_without_improvement", Answer::Integer(i64::from(n)))]);
        let since = match d.rest_run {
            Some(r) if r.after_training => format!(", {} on your last training day", r.baseline.points()),
            Some(r) => format!(", {} on {}", r.baseline.points(), r.first_date.in_words()),
            None => String::new(),
        };
        out.push(alert(
            AlertId::NoImprovementAfterRest,
            Severity::Tier(tier),
            format!(
                "{} of rest and the pain has not eased: {} out of 10 now{since}. Pain that does not improve after a few days of rest should be looked at.{}",
                capitalise(&plural(n as usize, "day", "days")),
                d.pain_now.points(),
                action(kb, tier),
            ),
            Vec::new(),
        ));
    }

    if let Some(t) = d.trend.filter(|t| t.trend == Trend::Worse) {
        let mut items = vec![("trend", Answer::Choice("worse".into()))];
        if let Some(days) = d.days_since_onset {
            items.push(("days_since_onset", Answer::Integer(i64::from(days))));
        }
        let tier = finding_tier(kb, &items);
        let advice = if tier > Tier::SelfCare {
            action(kb, tier)
        } else {
            " If it is still getting worse a few days after it started, book a doctor or physiotherapist.".to_string()
        };
        out.push(alert(
            AlertId::Worsening,
            Severity::Tier(tier),
            format!(
                "Your pain is getting worse: {} out of 10 now, {} on {}.{advice}",
                d.pain_now.points(),
                t.from_pain.points(),
                t.from_date.in_words(),
            ),
            Vec::new(),
        ));
    }

    if d.worse_at_night == Some(true) {
        let tier = finding_tier(kb, &[("worse_at_night", Answer::Bool(true))]);
        out.push(alert(
            AlertId::NightPain,
            Severity::Tier(tier),
            format!(
                "In the last {TREND_WINDOW_DAYS} days your diary notes pain that is worse at night. Back pain that is worse at night, or wakes you when you lie still, should be checked by a doctor.{}",
                action(kb, tier)
            ),
            Vec::new(),
        ));
    }

    if let Some((highest, on)) = highest_pain_before_latest(diary.entries()) {
        let (now, top) = (u32::from(d.pain_now.points()), u32::from(highest.points()));
        if now + 2 <= top && now * 10 <= top * 7 {
            out.push(alert(
                AlertId::Improving,
                Severity::Info,
                format!(
                    "Your pain is easing: {now} out of 10 now, down from {top} on {}. Keep to your plan, and re-check if anything new or worrying happens.",
                    on.in_words()
                ),
                Vec::new(),
            ));
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Everything the diary says now.
#[derive(Debug, Clone)]
pub struct Status<'kb> {
    kb: &'kb Kb,
    /// The derived items at the latest entry's date; `None` without entries.
    pub derived: Option<Derived>,
    /// `None` when no check is saved.
    pub triage: Option<StatusTriage<'kb>>,
    pub alerts: Vec<Alert>,
    pub adherence: Option<Adherence>,
}

/// The status of `diary`.
pub fn status<'kb>(kb: &'kb Kb, diary: &Diary) -> Status<'kb> {
    let derived = derive(diary);
    let triage = status_triage(kb, diary, derived.as_ref());
    let alerts = alerts(kb, diary, derived.as_ref(), triage.as_ref());
    Status { kb, derived, triage, alerts, adherence: adherence(diary) }
}

impl<'kb> Status<'kb> {
    /// The most urgent tier the status knows: the status triage's; `None` without a check.
    pub fn tier(&self) -> Option<Tier> {
        self.triage.as_ref().map(|t| t.triage.tier)
    }

    /// The status JSON document as a value.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self.to_json()).unwrap_or(serde_json::Value::Null)
    }

    /// The status JSON document (`diary status --format json`).
    pub fn to_json(&self) -> StatusJson<'_> {
        StatusJson {
            as_of: self.derived.as_ref().map(|d| d.as_of),
            derived: self.derived.as_ref().map(Derived::to_answers).unwrap_or_default().to_json(),
            triage: self.triage.as_ref().map(|s| TriageDoc::new(self.kb, &s.triage, &s.could_raise, &s.answers)),
            alerts: &self.alerts,
            adherence: self.adherence.as_ref(),
        }
    }
}

/// The status document of `memory.md`.
#[derive(Debug, Serialize)]
pub struct StatusJson<'a> {
    /// L, the latest entry's date; `null` without entries.
    pub as_of: Option<Date>,
    /// The derived items and entry answers by item id (items not derived are absent).
    pub derived: serde_json::Value,
    /// The status triage, in the form of `spotter triage --format json` (the shared
    /// `spotter_wire::TriageDoc`); `null` without a check.
    pub triage: Option<TriageDoc>,
    pub alerts: &'a [Alert],
    /// `null` until each group has enough training days.
    pub adherence: Option<&'a Adherence>,
}

#[cfg(test)]
mod tests;
