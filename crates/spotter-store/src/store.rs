//! The storage interface: [`Store`], the operations every engine implements on records, and
//! [`DiaryStore`], the same operations on the diary's typed values (written once, here, for every
//! engine).
//!
//! The interface is synchronous. The command line, its only user today, is synchronous; this
//! crate stays free of any async runtime (spotter-tidy fences tokio and sqlx into the engine
//! crates); and an async trait object would need boxed futures and a runtime in every caller.
//! Each engine drives its async driver on a small runtime of its own. The web server calls a store
//! from `tokio::task::spawn_blocking`, as it would any blocking work; an engine called from inside
//! a runtime still works (it runs the call on a thread of its own) but blocks that worker meanwhile.

use crate::error::StoreError;
use crate::location::Location;
use crate::record::{CheckId, CheckRecord, EntryId, EntryRecord, ImportCounts, OnExisting, PersonId, StoredCheck, StoredEntry};
use spotter_diary::{Date, Diary, Entry, SavedCheck};
use spotter_kb::Kb;

/// A database of people, their diary entries and their saved checks.
///
/// Every write is one transaction: it either happens whole or not at all (a refused or failed
/// write leaves what is stored unchanged), and it returns only once the transaction is durable
/// (on SQLite: committed to the write-ahead log with `synchronous=FULL`).
///
/// Reads return the current state: entries in date order (one per date), checks in date order and,
/// within a date, in the order they were saved.
pub trait Store: Send + Sync {
    /// Which database this is (for messages).
    fn location(&self) -> &Location;

    /// The schema version the database is at (its highest applied migration).
    fn schema_version(&self) -> Result<i64, StoreError>;

    /// The one person of local use, made on first use; the same id every time, from any connection.
    fn local_person(&self) -> Result<PersonId, StoreError>;

    /// A new person (accounts and coaches build on this).
    fn new_person(&self) -> Result<PersonId, StoreError>;

    /// Stores an entry for its date. A date that already has one is refused unless `on_existing`
    /// is [`OnExisting::Replace`], which stores the new version and keeps the old one (see
    /// [`Store::entry_versions`]).
    fn insert_entry(&self, person: PersonId, entry: &EntryRecord, on_existing: OnExisting) -> Result<EntryId, StoreError>;

    /// The person's current entries (one per date), in date order.
    fn entries(&self, person: PersonId) -> Result<Vec<StoredEntry>, StoreError>;

    /// Every version of the person's entry of `date`, oldest first; the last is current.
    fn entry_versions(&self, person: PersonId, date: Date) -> Result<Vec<StoredEntry>, StoreError>;

    /// Saves a check (a date may have several).
    fn insert_check(&self, person: PersonId, check: &CheckRecord) -> Result<CheckId, StoreError>;

    /// The person's checks, by date, each date's in the order saved.
    fn checks(&self, person: PersonId) -> Result<Vec<StoredCheck>, StoreError>;

    /// Adds entries and checks in one transaction, in the order given. An entry whose date has the
    /// same current entry (the same document) and a check equal to a stored one (date, answers,
    /// tier) are already stored and are skipped, so importing a file twice adds nothing twice. An
    /// entry whose date has a different entry refuses the whole import
    /// ([`StoreError::DateTaken`]): nothing is added.
    fn import(&self, person: PersonId, entries: &[EntryRecord], checks: &[CheckRecord]) -> Result<ImportCounts, StoreError>;
}

/// The diary's typed values in and out of any [`Store`]. The values are expected checked already
/// (`spotter_diary::parse_entry_json`, `Entry::check`, `parse_diary_json`): the store adds no rules
/// of the diary's own, only one entry per date.
pub trait DiaryStore: Store {
    /// Stores `entry` (see [`Store::insert_entry`]).
    fn add_entry(&self, person: PersonId, entry: &Entry, on_existing: OnExisting) -> Result<EntryId, StoreError> {
        self.insert_entry(person, &EntryRecord::from_entry(entry), on_existing)
    }

    /// Saves a check with the result document that was shown, if any.
    fn save_check(&self, person: PersonId, check: &SavedCheck, result: Option<&str>) -> Result<CheckId, StoreError> {
        self.insert_check(person, &CheckRecord::from_check(check, result))
    }

    /// The person's diary: current entries and saved checks, read back against `kb`.
    fn load_diary(&self, kb: &Kb, person: PersonId) -> Result<Diary, StoreError> {
        let entries = self.entries(person)?.iter().map(|e| e.record.to_entry(kb)).collect::<Result<Vec<_>, _>>()?;
        let checks = self.checks(person)?.iter().map(|c| c.record.to_check(kb)).collect::<Result<Vec<_>, _>>()?;
        Diary::from_parts(entries, checks).map_err(|e| StoreError::Corrupt { what: "the diary".into(), reason: e.to_string() })
    }

    /// Imports a diary (see [`Store::import`]); checks come without a result document.
    fn import_diary(&self, person: PersonId, diary: &Diary) -> Result<ImportCounts, StoreError> {
        let entries: Vec<EntryRecord> = diary.entries().iter().map(EntryRecord::from_entry).collect();
        let checks: Vec<CheckRecord> = diary.checks().iter().map(|c| CheckRecord::from_check(c, None)).collect();
        self.import(person, &entries, &checks)
    }

    /// The person's diary document (`{"entries": [...], "checks": [...]}`), what
    /// `spotter_diary::parse_diary_json` and [`DiaryStore::import_diary`] read back.
    fn export_diary_json(&self, kb: &Kb, person: PersonId) -> Result<String, StoreError> {
        let doc = self.load_diary(kb, person)?.to_json();
        serde_json::to_string_pretty(&doc).map_err(|e| StoreError::Engine(e.to_string()))
    }
}

impl<S: Store + ?Sized> DiaryStore for S {}
