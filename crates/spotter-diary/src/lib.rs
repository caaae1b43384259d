//! Spotter's pain diary, as pure computation: entries in (JSON text or typed), the time-based
//! triage items derived from them, the status triage through the same engine and rules as
//! `spotter triage`, alerts and the adherence view out. No IO and no clock: "today" is always
//! passed in, so the same diary always gives the same status.
//!
//! The binding definitions are `spec/memory.md`: [`entry`] reads and writes one day,
//! [`diary`] holds the entries and saved checks, [`derive`] works out the derived items at the
//! latest entry's date, and [`status`] lays them over the latest check, runs triage, and lists
//! the alerts and the adherence view.

pub mod date;
pub mod derive;
pub mod diary;
pub mod entry;
mod error;
mod json;
pub mod status;

pub use date::{Date, DateError};
pub use derive::{Derived, OnsetSource, RestRun, Trend, TrendWindow, derive, derive_from};
pub use diary::{Diary, MAX_DIARY_BYTES, SavedCheck, parse_diary_json};
pub use entry::{DIARY_ITEMS, ENTRY_FIELDS, Entry, MAX_ENTRY_BYTES, MAX_NOTE_CHARS, Pain, Training, parse_entry_json};
pub use error::{DiaryError, FieldProblem};
pub use status::{
    Adherence, Alert, AlertId, MIN_ADHERENCE_DAYS, Severity, Status, StatusJson, StatusTriage, TrainingDays, adherence,
    alerts, status, status_triage,
};
