//! Why a storage operation failed. Refusals that come from what the person gave (a date that
//! already has an entry, a bad location) are told apart from failures of the database itself, so
//! a front end can exit 2 or answer 422 for the first kind only.

use crate::location::LocationError;
use crate::record::PersonId;
use spotter_diary::Date;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Location(#[from] LocationError),
    /// One entry per date: `date` has one and the write did not ask to replace it.
    #[error("{date} already has an entry; replace it to change it (the old version is kept)")]
    DateTaken { date: Date },
    #[error("there is no person {0} in this database")]
    UnknownPerson(PersonId),
    /// A record the database refused (its constraints): a pain out of 0..=10, a document that is
    /// not JSON. `field` names the record's field.
    #[error("`{field}`: {message}")]
    BadRecord { field: String, message: String },
    /// The schema is newer than this build knows: the database was left exactly as it was.
    #[error(
        "the {engine} database {location} was written by a newer Spotter (schema version {found}; this Spotter knows up to {known}); it was left unchanged: use that newer Spotter, or another database with --db"
    )]
    NewerSchema { engine: &'static str, location: String, found: i64, known: i64 },
    /// Not a database this program made (other tables, no Spotter schema): left unchanged.
    #[error("{location} is not a Spotter database ({reason}); it was left unchanged: give another file with --db")]
    NotSpotter { location: String, reason: String },
    /// A schema upgrade failed part way (the database records it as not finished).
    #[error("the database {location} has an unfinished schema upgrade (version {version}); restore it from a backup")]
    UnfinishedUpgrade { location: String, version: i64 },
    /// The database could not be opened or reached.
    #[error("cannot open the {engine} database {location}: {reason}")]
    Open { engine: &'static str, location: String, reason: String },
    /// Stored data that does not read back (written by hand, or by a broken build).
    #[error("stored data does not read back: {what}: {reason}")]
    Corrupt { what: String, reason: String },
    /// Any other failure of the database.
    #[error("the database failed: {0}")]
    Engine(String),
}

impl StoreError {
    /// True when the refusal is about what the person gave (a front end exits 2 or answers 422);
    /// false when the database itself failed or refused to be used.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, StoreError::Location(_) | StoreError::DateTaken { .. } | StoreError::BadRecord { .. })
    }

    /// The input field the refusal is about, when there is one (`date`, `pain_now`).
    pub fn field(&self) -> Option<&str> {
        match self {
            StoreError::DateTaken { .. } => Some("date"),
            StoreError::BadRecord { field, .. } => Some(field),
            _ => None,
        }
    }
}
