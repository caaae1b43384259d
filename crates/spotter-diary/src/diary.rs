//! A person's diary in memory: entries in date order (one per date) and saved checks, with the
//! document that holds both (`{"entries": [...], "checks": [...]}`) and its reader.
//!
//! A saved check is what `spotter diary check` stores: its date, the answers, and the tier they
//! got then: `{"date": "2026-11-23", "answers": {...}, "tier": "self_care"}`.

use crate::date::Date;
use crate::entry::{Entry, answers_from_json, date, entry_from_json, object_fields, path};
use crate::error::{DiaryError, FieldProblem};
use crate::json::{self, Json};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use spotter_kb::{Kb, Tier};
use spotter_triage::{Answers, require_safety_critical};

/// The largest diary document read, in bytes (64 MiB): about 100 years of daily entries with
/// long notes; the limit stops a runaway input.
pub const MAX_DIARY_BYTES: usize = 64 * 1024 * 1024;

/// A triage check as it was saved: the day, the answers, and the tier they got.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedCheck {
    pub date: Date,
    pub answers: Answers,
    /// The tier the check gave when it was saved.
    pub tier: Tier,
}

impl SavedCheck {
    /// A check saved now: `answers` (complete, as `spotter triage` requires them) with the tier the
    /// triage engine gives them.
    pub fn from_answers(kb: &Kb, date: Date, answers: Answers) -> SavedCheck {
        let tier = spotter_triage::tier_only(kb, &answers);
        SavedCheck { date, answers, tier }
    }
}

impl Serialize for SavedCheck {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("date", &self.date)?;
        m.serialize_entry("answers", &self.answers.to_json())?;
        m.serialize_entry("tier", &self.tier)?;
        m.end()
    }
}

/// Entries in date order, at most one per date, and saved checks in the order they were saved
/// (a stable sort by date).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diary {
    entries: Vec<Entry>,
    checks: Vec<SavedCheck>,
}

impl Diary {
    pub fn new() -> Diary {
        Diary::default()
    }

    /// A diary of these entries and checks, in any order; two entries for one date are refused
    /// (naming the later one's position in `entries`).
    pub fn from_parts(entries: Vec<Entry>, mut checks: Vec<SavedCheck>) -> Result<Diary, DiaryError> {
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by_key(|&i| entries[i].date);
        let mut problems = Vec::new();
        for w in order.windows(2) {
            if entries[w[0]].date == entries[w[1]].date {
                let (first, second) = (w[0].min(w[1]), w[0].max(w[1]));
                problems.push(FieldProblem {
                    field: format!("entries[{second}].date"),
                    message: format!("{} already has an entry (entries[{first}]); a diary has one entry per date", entries[second].date),
                });
            }
        }
        if !problems.is_empty() {
            return Err(DiaryError::Invalid(problems));
        }
        let mut entries = entries;
        entries.sort_by_key(|e| e.date);
        checks.sort_by_key(|c| c.date);
        Ok(Diary { entries, checks })
    }

    /// Entries in date order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Saved checks by date; checks of one date in the order they were saved.
    pub fn checks(&self) -> &[SavedCheck] {
        &self.checks
    }

    /// The latest saved check (of the latest date, the last saved).
    pub fn latest_check(&self) -> Option<&SavedCheck> {
        self.checks.last()
    }

    /// The entry of `date`, if any.
    pub fn entry(&self, date: Date) -> Option<&Entry> {
        self.entries.binary_search_by_key(&date, |e| e.date).ok().map(|i| &self.entries[i])
    }

    /// Adds an entry in date order. A date that already has one is refused and the diary is left
    /// as it was (see [`Diary::replace`]). The entry itself is not checked here: read it with
    /// [`crate::parse_entry_json`], or call [`Entry::check`] on one built in code.
    pub fn add(&mut self, entry: Entry) -> Result<(), DiaryError> {
        match self.entries.binary_search_by_key(&entry.date, |e| e.date) {
            Ok(_) => Err(DiaryError::one(
                "date",
                format!("{} already has an entry; replace it to change it (the old version is kept)", entry.date),
            )),
            Err(at) => {
                self.entries.insert(at, entry);
                Ok(())
            }
        }
    }

    /// Puts `entry` in place of the one of its date, returning the old one (`None` if the date
    /// had none).
    pub fn replace(&mut self, entry: Entry) -> Option<Entry> {
        match self.entries.binary_search_by_key(&entry.date, |e| e.date) {
            Ok(at) => Some(std::mem::replace(&mut self.entries[at], entry)),
            Err(at) => {
                self.entries.insert(at, entry);
                None
            }
        }
    }

    /// Reads an entry ([`crate::parse_entry_json`]) and adds it; on any error the diary is
    /// unchanged.
    pub fn add_entry_json(&mut self, kb: &Kb, text: &str, today: Date) -> Result<(), DiaryError> {
        let entry = crate::entry::parse_entry_json(kb, text, today)?;
        self.add(entry)
    }

    /// Saves a check after the others of its date.
    pub fn add_check(&mut self, check: SavedCheck) {
        let at = self.checks.partition_point(|c| c.date <= check.date);
        self.checks.insert(at, check);
    }

    /// The diary document: `{"entries": [...], "checks": [...]}`, what [`parse_diary_json`] reads.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// Reads a diary document `{"entries": [...], "checks": [...]}` (both optional). Each entry is
/// checked as [`crate::parse_entry_json`] checks it; each check needs a `date` no later than
/// `today`, `answers` as complete as `spotter triage` requires, and the `tier` it got. Every
/// problem is reported with its path (`entries[3].pain_now`, `checks[0].tier`).
///
/// Text longer than [`MAX_DIARY_BYTES`] is refused unread.
pub fn parse_diary_json(kb: &Kb, text: &str, today: Date) -> Result<Diary, DiaryError> {
    let tree = json::parse(text, MAX_DIARY_BYTES)?;
    if !matches!(tree, Json::Object(_)) {
        return Err(DiaryError::NotAnObject { found: tree.kind() });
    }
    let mut problems = Vec::new();
    let Some(fields) = object_fields(&tree, "", &["entries", "checks"], "a diary document", &mut problems) else {
        return Err(DiaryError::Invalid(problems));
    };
    let list = |name: &str, problems: &mut Vec<FieldProblem>| -> &[Json] {
        match fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v) {
            None | Some(Json::Null) => &[],
            Some(Json::Array(items)) => items,
            Some(other) => {
                problems.push(FieldProblem { field: name.into(), message: format!("expected a list, got {}", other.kind()) });
                &[]
            }
        }
    };
    let mut entries = Vec::new();
    for (i, e) in list("entries", &mut problems).iter().enumerate() {
        if let Some(e) = entry_from_json(kb, e, today, &format!("entries[{i}]"), &mut problems) {
            entries.push(e);
        }
    }
    let mut checks = Vec::new();
    for (i, c) in list("checks", &mut problems).iter().enumerate() {
        if let Some(c) = check_from_json(kb, c, today, &format!("checks[{i}]"), &mut problems) {
            checks.push(c);
        }
    }
    if !problems.is_empty() {
        return Err(DiaryError::Invalid(problems));
    }
    Diary::from_parts(entries, checks)
}

fn check_from_json(kb: &Kb, tree: &Json, today: Date, prefix: &str, problems: &mut Vec<FieldProblem>) -> Option<SavedCheck> {
    let before = problems.len();
    let fields = object_fields(tree, prefix, &["date", "answers", "tier"], "a saved check", problems)?;
    let get = |name: &str, problems: &mut Vec<FieldProblem>| {
        let v = fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v).filter(|v| !matches!(v, Json::Null));
        if v.is_none() {
            problems.push(FieldProblem { field: path(prefix, name), message: "is required".into() });
        }
        v
    };
    let day = get("date", problems).and_then(|v| date(v, &path(prefix, "date"), today, problems));
    let answers = get("answers", problems).map(|v| {
        let field = path(prefix, "answers");
        let before_answers = problems.len();
        let a = answers_from_json(kb, v, &field, false, problems);
        // Completeness is judged only on answers that are otherwise valid.
        if problems.len() == before_answers
            && let Err(e) = require_safety_critical(kb, &a)
        {
            problems.push(FieldProblem { field, message: e.to_string() });
        }
        a
    });
    let tier = get("tier", problems).and_then(|v| match v {
        Json::String(s) if Tier::from_id(s).is_some() => Tier::from_id(s),
        other => {
            problems.push(FieldProblem {
                field: path(prefix, "tier"),
                message: format!("{} is not a tier (expected emergency, urgent, see_professional or self_care)", other.show()),
            });
            None
        }
    });
    if problems.len() > before {
        return None;
    }
    Some(SavedCheck { date: day?, answers: answers?, tier: tier? })
}
