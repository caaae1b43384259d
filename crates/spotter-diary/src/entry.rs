//! One diary day: the entry type, its JSON reader (text in, a checked entry or every problem with
//! its field out) and its JSON form (the same document back).
//!
//! The JSON of `memory.md`:
//! `{"date": "2026-12-01", "pain_now": 4, "pain_worst_24h": 6, "trained": true,
//! "exercises": ["back_squat"], "warmed_up": false, "pain_after_training": 6,
//! "worse_at_night": false, "onset_date": "2026-11-28", "answers": {"numbness_tingling": "none"},
//! "note": "felt it on the third set"}`. Required: `date`, `pain_now`, `trained`.

use crate::date::Date;
use crate::error::{DiaryError, FieldProblem};
use crate::json::{self, Json};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use spotter_kb::Kb;
use spotter_triage::{Answer, Answers, check_answer};

/// The largest entry text read, in bytes (256 KiB). A full entry with a 2,000-character note and
/// every triage item answered is under 16 KB; the limit stops a runaway input.
pub const MAX_ENTRY_BYTES: usize = 256 * 1024;

/// The longest note, in characters (Unicode scalar values, not bytes).
pub const MAX_NOTE_CHARS: usize = 2000;

/// The fields of an entry, in the order they are written.
pub const ENTRY_FIELDS: [&str; 11] = [
    "date",
    "pain_now",
    "pain_worst_24h",
    "trained",
    "exercises",
    "warmed_up",
    "pain_after_training",
    "worse_at_night",
    "onset_date",
    "answers",
    "note",
];

/// Triage items an entry records in its own fields, or that the diary works out from the entries
/// ([`crate::derive`]); an entry's `answers` may not hold them, so each fact has one place.
pub const DIARY_ITEMS: [&str; 6] =
    ["pain_now", "pain_worst_24h", "worse_at_night", "days_since_onset", "rest_days_without_improvement", "trend"];

/// A pain score on the 0 (none) to 10 (worst imaginable) numeric rating scale, in points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pain(u8);

impl Pain {
    pub const MAX: u8 = 10;

    /// `None` above 10.
    pub fn new(points: u8) -> Option<Pain> {
        (points <= Pain::MAX).then_some(Pain(points))
    }

    /// The score in points, 0 to 10.
    pub fn points(self) -> u8 {
        self.0
    }
}

impl Serialize for Pain {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

/// What a training day adds to an entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Training {
    /// Exercise ids of the knowledge base (`kb.coaching.exercises`), without repeats, in the order
    /// given.
    pub exercises: Vec<String>,
    /// Whether the warm-up was done before training; `None`: not said.
    pub warmed_up: Option<bool>,
    pub pain_after_training: Option<Pain>,
}

/// One diary day.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub date: Date,
    pub pain_now: Pain,
    /// The worst pain in the last 24 hours; `None`: not said.
    pub pain_worst_24h: Option<Pain>,
    /// `Some` on a training day (`"trained": true`), `None` on a rest day.
    pub training: Option<Training>,
    pub worse_at_night: Option<bool>,
    /// When this episode of pain started, if the person says.
    pub onset_date: Option<Date>,
    /// Triage items for a warning sign noticed that day (never one of [`DIARY_ITEMS`]).
    pub answers: Answers,
    pub note: Option<String>,
}

impl Entry {
    /// A rest day with only the required fields.
    pub fn rest_day(date: Date, pain_now: Pain) -> Entry {
        Entry {
            date,
            pain_now,
            pain_worst_24h: None,
            training: None,
            worse_at_night: None,
            onset_date: None,
            answers: Answers::new(),
            note: None,
        }
    }

    /// A training day with only the required fields.
    pub fn training_day(date: Date, pain_now: Pain) -> Entry {
        Entry { training: Some(Training::default()), ..Entry::rest_day(date, pain_now) }
    }

    pub fn trained(&self) -> bool {
        self.training.is_some()
    }

    /// The entry as the JSON document [`parse_entry_json`] reads (fields in [`ENTRY_FIELDS`]
    /// order, absent ones left out).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The same checks as [`parse_entry_json`], for an entry built in code (from command-line
    /// flags, a form): the knowledge base's exercises and items, the note's length, no date after
    /// `today`, no onset after the entry's date.
    pub fn check(&self, kb: &Kb, today: Date) -> Result<(), DiaryError> {
        let tree = json::parse(&self.to_json().to_string(), usize::MAX)?;
        let mut problems = Vec::new();
        entry_from_json(kb, &tree, today, "", &mut problems);
        if problems.is_empty() { Ok(()) } else { Err(DiaryError::Invalid(problems)) }
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("date", &self.date)?;
        m.serialize_entry("pain_now", &self.pain_now)?;
        if let Some(p) = self.pain_worst_24h {
            m.serialize_entry("pain_worst_24h", &p)?;
        }
        m.serialize_entry("trained", &self.trained())?;
        if let Some(t) = &self.training {
            if !t.exercises.is_empty() {
                m.serialize_entry("exercises", &t.exercises)?;
            }
            if let Some(w) = t.warmed_up {
                m.serialize_entry("warmed_up", &w)?;
            }
            if let Some(p) = t.pain_after_training {
                m.serialize_entry("pain_after_training", &p)?;
            }
        }
        if let Some(n) = self.worse_at_night {
            m.serialize_entry("worse_at_night", &n)?;
        }
        if let Some(d) = self.onset_date {
            m.serialize_entry("onset_date", &d)?;
        }
        if !self.answers.is_empty() {
            m.serialize_entry("answers", &self.answers.to_json())?;
        }
        if let Some(n) = &self.note {
            m.serialize_entry("note", n)?;
        }
        m.end()
    }
}

/// Reads one entry from a JSON object and checks every field: `date` a real date no later than
/// `today`; pains whole numbers 0 to 10; exercises known to the knowledge base; training fields
/// only when `trained` is true; `answers` triage items checked as the triage engine checks them;
/// a note of at most [`MAX_NOTE_CHARS`] characters; no unknown or repeated fields. Every problem
/// is reported with its field. A `null` optional field counts as absent.
///
/// Text longer than [`MAX_ENTRY_BYTES`] is refused unread; a leading byte-order mark is skipped.
pub fn parse_entry_json(kb: &Kb, text: &str, today: Date) -> Result<Entry, DiaryError> {
    let tree = json::parse(text, MAX_ENTRY_BYTES)?;
    if !matches!(tree, Json::Object(_)) {
        return Err(DiaryError::NotAnObject { found: tree.kind() });
    }
    let mut problems = Vec::new();
    match entry_from_json(kb, &tree, today, "", &mut problems) {
        Some(e) if problems.is_empty() => Ok(e),
        _ => Err(DiaryError::Invalid(problems)),
    }
}

/// `prefix.field`, or `field` without a prefix.
pub(crate) fn path(prefix: &str, field: &str) -> String {
    if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") }
}

/// The entries of an object, with repeated and unknown keys reported; `None` (and a problem) when
/// `tree` is not an object.
pub(crate) fn object_fields<'j>(
    tree: &'j Json,
    prefix: &str,
    known: &[&str],
    what: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<Vec<(&'j str, &'j Json)>> {
    let Json::Object(entries) = tree else {
        problems.push(FieldProblem { field: prefix.to_string(), message: format!("expected {what} (a JSON object), got {}", tree.kind()) });
        return None;
    };
    let mut out: Vec<(&str, &Json)> = Vec::with_capacity(entries.len());
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    for (k, v) in entries {
        if !seen.insert(k.as_str()) {
            problems.push(FieldProblem { field: path(prefix, k), message: "is given more than once".into() });
        } else if !known.contains(&k.as_str()) {
            problems.push(FieldProblem {
                field: path(prefix, k),
                message: format!("is not a field of {what} (the fields are {})", known.join(", ")),
            });
        } else {
            out.push((k, v));
        }
    }
    Some(out)
}

fn get<'j>(fields: &[(&str, &'j Json)], name: &str) -> Option<&'j Json> {
    fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v).filter(|v| !matches!(v, Json::Null))
}

/// A pain score, checked against the range of the knowledge base's pain item.
fn pain(kb: &Kb, value: &Json, field: &str, problems: &mut Vec<FieldProblem>) -> Option<Pain> {
    match check_answer(kb, "pain_now", &value.to_value()) {
        Ok(Answer::Integer(n)) => u8::try_from(n).ok().and_then(Pain::new).or_else(|| {
            problems.push(FieldProblem { field: field.into(), message: format!("{n} is out of range: expected 0 to 10 points") });
            None
        }),
        Ok(_) => None,
        Err(p) => {
            problems.push(FieldProblem { field: field.into(), message: p.message });
            None
        }
    }
}

fn boolean(value: &Json, field: &str, problems: &mut Vec<FieldProblem>) -> Option<bool> {
    match value {
        Json::Bool(b) => Some(*b),
        other => {
            problems.push(FieldProblem { field: field.into(), message: format!("expected true or false, got {} {}", other.kind(), other.show()) });
            None
        }
    }
}

/// A date no later than `today`.
pub(crate) fn date(value: &Json, field: &str, today: Date, problems: &mut Vec<FieldProblem>) -> Option<Date> {
    let Json::String(s) = value else {
        problems.push(FieldProblem {
            field: field.into(),
            message: format!("expected a date written YYYY-MM-DD, got {} {}", value.kind(), value.show()),
        });
        return None;
    };
    match Date::parse(s) {
        Ok(d) if d > today => {
            problems.push(FieldProblem {
                field: field.into(),
                message: format!("{d} is after today ({today}): a diary day cannot be in the future"),
            });
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            problems.push(FieldProblem { field: field.into(), message: e.to_string() });
            None
        }
    }
}

/// Answers from a JSON object of item id to value, each checked with the triage engine's
/// [`check_answer`]; `null` means not answered. With `in_entry`, the items the diary keeps in
/// its own fields or derives ([`DIARY_ITEMS`]) and the cause finder's questions are refused.
pub(crate) fn answers_from_json(kb: &Kb, value: &Json, field: &str, in_entry: bool, problems: &mut Vec<FieldProblem>) -> Answers {
    let mut answers = Answers::new();
    let Json::Object(pairs) = value else {
        problems.push(FieldProblem {
            field: field.into(),
            message: format!("expected an object of triage item id to answer, got {} {}", value.kind(), value.show()),
        });
        return answers;
    };
    let mut seen = std::collections::HashSet::with_capacity(pairs.len());
    for (id, v) in pairs {
        let item_field = format!("{field}.{id}");
        if !seen.insert(id.as_str()) {
            problems.push(FieldProblem { field: item_field, message: "is given more than once".into() });
            continue;
        }
        if matches!(v, Json::Null) {
            continue;
        }
        if in_entry && DIARY_ITEMS.contains(&id.as_str()) {
            let message = match id.as_str() {
                "pain_now" | "pain_worst_24h" | "worse_at_night" => format!("is recorded in the entry's own `{id}` field, not in `answers`"),
                _ => "is worked out by the diary from your daily entries; leave it out of `answers`".to_string(),
            };
            problems.push(FieldProblem { field: item_field, message });
            continue;
        }
        if in_entry && kb.item(id).is_some_and(|i| i.coaching) {
            problems.push(FieldProblem {
                field: item_field,
                message: "is a cause-finder question, not a triage item; a diary entry's answers hold warning signs only".into(),
            });
            continue;
        }
        match check_answer(kb, id, &v.to_value()) {
            Ok(a) => answers.set_unchecked(id, a),
            Err(p) => problems.push(FieldProblem { field: item_field, message: p.message }),
        }
    }
    answers
}

/// Reads one entry (an object) into `problems`; `Some` only when nothing was wrong with it.
pub(crate) fn entry_from_json(kb: &Kb, tree: &Json, today: Date, prefix: &str, problems: &mut Vec<FieldProblem>) -> Option<Entry> {
    let before = problems.len();
    let fields = object_fields(tree, prefix, &ENTRY_FIELDS, "a diary entry", problems)?;
    let f = |name: &str| path(prefix, name);
    let required = |name: &str, problems: &mut Vec<FieldProblem>| {
        let v = get(&fields, name);
        if v.is_none() {
            problems.push(FieldProblem { field: f(name), message: "is required".into() });
        }
        v
    };

    let date = required("date", problems).and_then(|v| date(v, &f("date"), today, problems));
    let pain_now = required("pain_now", problems).and_then(|v| pain(kb, v, &f("pain_now"), problems));
    let pain_worst_24h = get(&fields, "pain_worst_24h").and_then(|v| pain(kb, v, &f("pain_worst_24h"), problems));
    let trained = required("trained", problems).and_then(|v| boolean(v, &f("trained"), problems));

    let mut training = Training::default();
    for name in ["exercises", "warmed_up", "pain_after_training"] {
        let Some(v) = get(&fields, name) else { continue };
        if trained == Some(false) {
            problems.push(FieldProblem { field: f(name), message: "is only for a training day, and `trained` is false".into() });
            continue;
        }
        match name {
            "exercises" => training.exercises = exercises(kb, v, &f(name), problems),
            "warmed_up" => training.warmed_up = boolean(v, &f(name), problems),
            _ => training.pain_after_training = pain(kb, v, &f(name), problems),
        }
    }

    let worse_at_night = get(&fields, "worse_at_night").and_then(|v| boolean(v, &f("worse_at_night"), problems));
    let onset_date = get(&fields, "onset_date").and_then(|v| crate::entry::date(v, &f("onset_date"), today, problems));
    if let (Some(onset), Some(day)) = (onset_date, date)
        && onset > day
    {
        problems.push(FieldProblem {
            field: f("onset_date"),
            message: format!("{onset} is after the entry's date {day}: the pain cannot have started after the day it is logged"),
        });
    }
    let answers = get(&fields, "answers").map(|v| answers_from_json(kb, v, &f("answers"), true, problems)).unwrap_or_default();
    let note = get(&fields, "note").and_then(|v| match v {
        Json::String(s) => {
            let n = s.chars().count();
            if n > MAX_NOTE_CHARS {
                problems.push(FieldProblem {
                    field: f("note"),
                    message: format!("is {} characters long; a note can have at most {}", thousands(n), thousands(MAX_NOTE_CHARS)),
                });
                None
            } else {
                Some(s.clone())
            }
        }
        other => {
            problems.push(FieldProblem { field: f("note"), message: format!("expected text, got {} {}", other.kind(), other.show()) });
            None
        }
    });

    if problems.len() > before {
        return None;
    }
    Some(Entry {
        date: date?,
        pain_now: pain_now?,
        pain_worst_24h,
        training: trained?.then_some(training),
        worse_at_night,
        onset_date,
        answers,
        note,
    })
}

fn exercises(kb: &Kb, value: &Json, field: &str, problems: &mut Vec<FieldProblem>) -> Vec<String> {
    let known = || kb.coaching.exercises.iter().map(|e| e.id.as_str()).collect::<Vec<_>>().join(", ");
    let Json::Array(list) = value else {
        problems.push(FieldProblem {
            field: field.into(),
            message: format!("expected a list of exercise ids, got {} {}", value.kind(), value.show()),
        });
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::with_capacity(list.len().min(kb.coaching.exercises.len()));
    for v in list {
        match v {
            Json::String(s) if kb.coaching.exercise(s).is_none() => {
                problems.push(FieldProblem {
                    field: field.into(),
                    message: format!("{} is not an exercise Spotter knows (known: {})", v.show(), known()),
                });
            }
            Json::String(s) if out.contains(s) => {
                problems.push(FieldProblem { field: field.into(), message: format!("{} is listed more than once", v.show()) });
            }
            Json::String(s) => out.push(s.clone()),
            other => {
                problems.push(FieldProblem {
                    field: field.into(),
                    message: format!("list entries must be exercise ids (text), got {} {}", other.kind(), other.show()),
                });
            }
        }
    }
    out
}

/// 2000 -> "2,000".
pub(crate) fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
