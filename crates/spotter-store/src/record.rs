//! What a store keeps, as plain records every engine writes the same way: a diary entry as its
//! date, its key numbers and the entry JSON of `spec/memory.md`; a saved check as its date, its
//! answers JSON, its tier and the result document that was shown. The typed diary values
//! (`spotter_diary::Entry`, `SavedCheck`) convert to records and back here, once, for every engine.

use crate::error::StoreError;
use spotter_diary::{Date, Entry, SavedCheck};
use spotter_kb::{Kb, Tier};
use spotter_triage::{Answers, check_answer};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A person: every stored row belongs to one. Local use has one, made on first use.
    PersonId
);
id_type!(
    /// One stored version of an entry (a replaced entry keeps its id; the new version gets one).
    EntryId
);
id_type!(
    /// One saved check.
    CheckId
);

/// What to do when the entry's date already has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExisting {
    /// Refuse ([`StoreError::DateTaken`]); nothing changes.
    Refuse,
    /// Store the new version as the date's entry and keep the old one as history.
    Replace,
}

/// A diary entry as stored. `pain_now` and `trained` repeat what `doc` says, so the database can
/// check and query them; [`EntryRecord::from_entry`] keeps them in step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    pub date: Date,
    /// 0 to 10 points.
    pub pain_now: u8,
    pub trained: bool,
    /// The entry JSON of `spec/memory.md` (as `Entry` serializes, fields in the spec's order),
    /// compact.
    pub doc: String,
}

impl EntryRecord {
    pub fn from_entry(entry: &Entry) -> EntryRecord {
        // Straight from the entry, so the fields keep the spec's order (`date`, `pain_now`, ...).
        let doc = serde_json::to_string(entry).unwrap_or_else(|_| entry.to_json().to_string());
        EntryRecord { date: entry.date, pain_now: entry.pain_now.points(), trained: entry.trained(), doc }
    }

    /// Refuses a record whose fields disagree with each other or with the schema: `pain_now` above
    /// 10, a `doc` that is not a JSON object whose `date`, `pain_now` and `trained` are the
    /// record's. Every engine calls it before writing.
    pub fn validate(&self) -> Result<(), StoreError> {
        if self.pain_now > 10 {
            return Err(bad("pain_now", format!("{} is out of range: expected 0 to 10 points", self.pain_now)));
        }
        let doc = json_object(&self.doc, "doc")?;
        let date = self.date.to_string();
        let same = doc.get("date").and_then(|v| v.as_str()) == Some(date.as_str())
            && doc.get("pain_now").and_then(|v| v.as_u64()) == Some(u64::from(self.pain_now))
            && doc.get("trained").and_then(|v| v.as_bool()) == Some(self.trained);
        if !same {
            return Err(bad("doc", "its date, pain_now and trained must be the record's".into()));
        }
        Ok(())
    }

    /// The entry again, read as `parse_entry_json` reads one (against the knowledge base); a
    /// stored date is never "in the future".
    pub fn to_entry(&self, kb: &Kb) -> Result<Entry, StoreError> {
        let what = || format!("the entry of {}", self.date);
        let entry = spotter_diary::parse_entry_json(kb, &self.doc, far_future())
            .map_err(|e| StoreError::Corrupt { what: what(), reason: e.to_string() })?;
        if entry.date != self.date || entry.pain_now.points() != self.pain_now || entry.trained() != self.trained {
            return Err(StoreError::Corrupt { what: what(), reason: "its columns disagree with its document".into() });
        }
        Ok(entry)
    }
}

/// An entry as a store returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub id: EntryId,
    pub record: EntryRecord,
    /// When the database stored it, UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub recorded_at: String,
    /// The version this one replaced, if any.
    pub replaces: Option<EntryId>,
    /// True when a later version replaced this one (it is history, not the date's entry).
    pub replaced: bool,
}

/// A saved check as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRecord {
    pub date: Date,
    /// The answers as a JSON object (`Answers::to_json`), compact.
    pub answers: String,
    /// The tier the check gave when it was saved.
    pub tier: Tier,
    /// The result document that was shown (the triage JSON), when the front end gives it.
    pub result: Option<String>,
}

impl CheckRecord {
    pub fn from_check(check: &SavedCheck, result: Option<&str>) -> CheckRecord {
        CheckRecord { date: check.date, answers: check.answers.to_json().to_string(), tier: check.tier, result: result.map(str::to_string) }
    }

    /// Refuses `answers` that are not a JSON object and a `result` that is not JSON. Every engine
    /// calls it before writing.
    pub fn validate(&self) -> Result<(), StoreError> {
        json_object(&self.answers, "answers")?;
        if let Some(r) = &self.result {
            serde_json::from_str::<serde_json::Value>(r).map_err(|e| bad("result", format!("is not JSON: {e}")))?;
        }
        Ok(())
    }

    /// The saved check again. Each answer is read against the knowledge base's item, as the
    /// triage engine reads it; completeness is not asked again (it was when the check was saved,
    /// and a later knowledge base may ask more).
    pub fn to_check(&self, kb: &Kb) -> Result<SavedCheck, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt { what: format!("the check of {}", self.date), reason };
        let value: serde_json::Value = serde_json::from_str(&self.answers).map_err(|e| corrupt(e.to_string()))?;
        let serde_json::Value::Object(map) = value else { return Err(corrupt("its answers are not a JSON object".into())) };
        let mut answers = Answers::new();
        for (id, v) in &map {
            let answer = check_answer(kb, id, v).map_err(|p| corrupt(p.to_string()))?;
            answers.set_unchecked(id, answer);
        }
        Ok(SavedCheck { date: self.date, answers, tier: self.tier })
    }
}

/// A check as a store returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheck {
    pub id: CheckId,
    pub record: CheckRecord,
    /// When the database stored it, UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub recorded_at: String,
}

/// What an import added; what it already had is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    pub entries_added: usize,
    pub entries_already_stored: usize,
    pub checks_added: usize,
    pub checks_already_stored: usize,
}

fn bad(field: &str, message: String) -> StoreError {
    StoreError::BadRecord { field: field.into(), message }
}

fn json_object(text: &str, field: &str) -> Result<serde_json::Map<String, serde_json::Value>, StoreError> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(bad(field, "expected a JSON object".into())),
        Err(e) => Err(bad(field, format!("is not JSON: {e}"))),
    }
}

fn far_future() -> Date {
    Date::from_ymd(9999, 12, 31).unwrap_or_else(|| unreachable!("9999-12-31 is a date"))
}

#[cfg(test)]
mod tests;
