//! The pain diary for any front end: the store opened from a location (`--db`, `SPOTTER_DB`, the
//! default file), one person's entries and checks added, listed, imported and exported, and the
//! status worked out by `spotter-diary` (spec/memory.md). Success is returned only once the
//! engine says the transaction is durable.

use spotter_diary::{Date, Diary, DiaryError, SavedCheck, parse_diary_json, parse_entry_json};
use spotter_kb::Kb;
use spotter_store::{
    CheckId, DiaryStore, EntryId, ImportCounts, Location, OnExisting, PersonId, Store, StoreError, StoredEntry,
};
use spotter_triage::Answers;

/// Why a diary request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum DiaryAppError {
    /// The entry, diary document or import file is not valid (exit 2, HTTP 422).
    #[error("{what}: {error}")]
    Input { what: String, error: DiaryError },
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl DiaryAppError {
    /// Whether the person's input is at fault (exit 2 / 422) rather than the machine.
    pub fn is_bad_input(&self) -> bool {
        match self {
            DiaryAppError::Input { .. } => true,
            DiaryAppError::Store(e) => e.is_bad_input(),
        }
    }
}

/// Opens the database at `location`: a SQLite file (made on first use) or a PostgreSQL server.
pub fn open_store(location: &Location) -> Result<Box<dyn Store>, StoreError> {
    Ok(match location {
        Location::Sqlite { .. } => Box::new(spotter_store_sqlite::SqliteStore::open_location(location)?),
        Location::Postgres { .. } => Box::new(spotter_store_postgres::PostgresStore::open_location(location)?),
    })
}

/// One person's diary in one store (local use: the one person made on first use).
pub struct DiaryBook {
    store: Box<dyn Store>,
    person: PersonId,
}

impl DiaryBook {
    pub fn open(location: &Location) -> Result<DiaryBook, DiaryAppError> {
        let store = open_store(location)?;
        let person = store.local_person()?;
        Ok(DiaryBook { store, person })
    }

    pub fn location(&self) -> &Location {
        self.store.location()
    }

    /// Adds the entry JSON `text` (spec/memory.md's diary entry), checked against `today`. A second
    /// entry for a date is refused unless `replace`, which keeps the old version.
    pub fn add_entry_json(&self, kb: &Kb, text: &str, what: &str, today: Date, replace: bool) -> Result<EntryId, DiaryAppError> {
        let entry = parse_entry_json(kb, text, today).map_err(|error| DiaryAppError::Input { what: what.to_string(), error })?;
        let on_existing = if replace { OnExisting::Replace } else { OnExisting::Refuse };
        Ok(self.store.add_entry(self.person, &entry, on_existing)?)
    }

    /// Stores a check's answers with its result document (the triage JSON that was shown).
    pub fn record_check(&self, kb: &Kb, date: Date, answers: Answers, result_json: &str) -> Result<CheckId, DiaryAppError> {
        let check = SavedCheck::from_answers(kb, date, answers);
        Ok(self.store.save_check(self.person, &check, Some(result_json))?)
    }

    /// The whole diary, read back.
    pub fn diary(&self, kb: &Kb) -> Result<Diary, DiaryAppError> {
        Ok(self.store.load_diary(kb, self.person)?)
    }

    /// The current entries with their ids, in date order.
    pub fn entries(&self) -> Result<Vec<StoredEntry>, DiaryAppError> {
        let mut v: Vec<StoredEntry> = self.store.entries(self.person)?.into_iter().filter(|e| !e.replaced).collect();
        v.sort_by_key(|e| e.record.date);
        Ok(v)
    }

    /// `diary list --format json`: `{"entries": [...]}`, each entry's JSON plus its `id`.
    pub fn list_json(&self) -> Result<serde_json::Value, DiaryAppError> {
        let mut list = Vec::new();
        for e in self.entries()? {
            let mut doc: serde_json::Value = serde_json::from_str(&e.record.doc)
                .map_err(|err| StoreError::Corrupt { what: format!("the entry of {}", e.record.date), reason: err.to_string() })?;
            if let Some(obj) = doc.as_object_mut() {
                obj.insert("id".into(), serde_json::Value::from(e.id.0));
            }
            list.push(doc);
        }
        Ok(serde_json::json!({ "entries": list }))
    }

    /// Imports Spotter's own JSON export (`{"entries": [...], "checks": [...]}`); importing the
    /// same file twice adds nothing twice. Nothing is added when any of it is refused.
    pub fn import_json(&self, kb: &Kb, text: &str, what: &str, today: Date) -> Result<ImportCounts, DiaryAppError> {
        let diary = parse_diary_json(kb, text, today).map_err(|error| DiaryAppError::Input { what: what.to_string(), error })?;
        Ok(self.store.import_diary(self.person, &diary)?)
    }

    /// Everything stored, as one document that [`DiaryBook::import_json`] reads back.
    pub fn export_json(&self, kb: &Kb) -> Result<String, DiaryAppError> {
        Ok(self.store.export_diary_json(kb, self.person)? + "\n")
    }
}

/// A consistent copy of the SQLite database at `location` in the new file `to`, safe while others
/// write. A PostgreSQL diary is backed up with the server's own tools (`pg_dump`).
pub fn backup(location: &Location, to: &std::path::Path) -> Result<(), DiaryAppError> {
    match location {
        Location::Sqlite { .. } => Ok(spotter_store_sqlite::SqliteStore::open_location(location)?.backup_to(to)?),
        Location::Postgres { .. } => Err(DiaryAppError::Store(StoreError::BadRecord {
            field: "--db".into(),
            message: "a PostgreSQL diary is backed up with the server's own tools (pg_dump); `spotter backup` copies a SQLite file".into(),
        })),
    }
}

/// The CSV export: one row per diary entry, a header row, dates as `YYYY-MM-DD`, lists joined
/// with `;`; empty cells for what was not given.
pub fn entries_csv(diary: &Diary) -> String {
    let mut out = String::from("date,pain_now,pain_worst_24h,trained,exercises,warmed_up,pain_after_training,worse_at_night,onset_date,note\n");
    let opt = |v: Option<String>| v.unwrap_or_default();
    for e in diary.entries() {
        let t = e.training.as_ref();
        let row = [
            e.date.to_string(),
            e.pain_now.points().to_string(),
            opt(e.pain_worst_24h.map(|p| p.points().to_string())),
            e.trained().to_string(),
            opt(t.map(|t| t.exercises.join(";"))),
            opt(t.and_then(|t| t.warmed_up).map(|b| b.to_string())),
            opt(t.and_then(|t| t.pain_after_training).map(|p| p.points().to_string())),
            opt(e.worse_at_night.map(|b| b.to_string())),
            opt(e.onset_date.map(|d| d.to_string())),
            e.note.clone().unwrap_or_default(),
        ];
        out.push_str(&row.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// The code system of Spotter's question item values in the FHIR export (`valueCoding.system`).
pub const FHIR_ITEM_SYSTEM: &str = "urn:spotter:triage-item-value";

/// The FHIR R4 export (spec/memory.md): a `Bundle` of type `collection` with a
/// `QuestionnaireResponse` for each check (`completed`, `authored` on the check's date, one item
/// per answer: `linkId` = item id, the answer as `valueBoolean`, `valueInteger`, `valueDecimal` or
/// `valueCoding`, a multiple choice as one answer per value) and an `Observation` for each entry's
/// pain now (`final`, category `survey`, LOINC 72514-3, `valueInteger` 0-10, `effectiveDateTime`).
pub fn fhir_bundle(diary: &Diary) -> serde_json::Value {
    use serde_json::json;
    use spotter_triage::Answer;
    let coding = |code: &str| json!({ "system": FHIR_ITEM_SYSTEM, "code": code });
    let mut entries = Vec::new();
    for c in diary.checks() {
        let items: Vec<serde_json::Value> = c
            .answers
            .iter()
            .map(|(id, a)| {
                let answers: Vec<serde_json::Value> = match a {
                    Answer::Bool(b) => vec![json!({ "valueBoolean": b })],
                    Answer::Integer(i) => vec![json!({ "valueInteger": i })],
                    Answer::Number(x) => vec![json!({ "valueDecimal": x })],
                    Answer::Choice(v) => vec![json!({ "valueCoding": coding(v) })],
                    Answer::Multi(vs) => vs.iter().map(|v| json!({ "valueCoding": coding(v) })).collect(),
                };
                json!({ "linkId": id, "answer": answers })
            })
            .collect();
        let mut qr = json!({
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "authored": c.date.to_string(),
        });
        if !items.is_empty() {
            qr["item"] = serde_json::Value::Array(items);
        }
        entries.push(json!({ "resource": qr }));
    }
    for e in diary.entries() {
        entries.push(json!({ "resource": {
            "resourceType": "Observation",
            "status": "final",
            "category": [{ "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey",
                "display": "Survey"
            }] }],
            "code": { "coding": [{
                "system": "http://loinc.org",
                "code": "72514-3",
                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
            }] },
            "effectiveDateTime": e.date.to_string(),
            "valueInteger": e.pain_now.points()
        } }));
    }
    json!({ "resourceType": "Bundle", "type": "collection", "entry": entries })
}

/// A CSV cell, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> Kb {
        Kb::builtin().expect("kb")
    }

    fn today() -> Date {
        Date::from_ymd(2026, 12, 4).expect("date")
    }

    fn book(dir: &std::path::Path) -> DiaryBook {
        DiaryBook::open(&Location::Sqlite { path: dir.join("spotter.db") }).expect("opens")
    }

    fn temp() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("spotter-app-diary-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn rand_suffix() -> u64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        N.fetch_add(1, Ordering::Relaxed)
    }

    #[test]
    fn entries_added_listed_exported_and_imported_back() {
        let kb = kb();
        let dir = temp();
        let b = book(&dir);
        let e1 = r#"{"date": "2026-12-01", "pain_now": 4, "trained": true, "exercises": ["back_squat", "walking_lunge"], "warmed_up": false, "pain_after_training": 6, "note": "third set, \"sharp\", then ok"}"#;
        b.add_entry_json(&kb, e1, "entry", today(), false).expect("added");
        b.add_entry_json(&kb, r#"{"date": "2026-12-02", "pain_now": 3, "trained": false}"#, "entry", today(), false).expect("added");
        // One entry per date, unless replaced.
        let again = b.add_entry_json(&kb, r#"{"date": "2026-12-02", "pain_now": 2, "trained": false}"#, "entry", today(), false);
        assert!(again.as_ref().is_err_and(DiaryAppError::is_bad_input), "{:?}", again.err());
        b.add_entry_json(&kb, r#"{"date": "2026-12-02", "pain_now": 2, "trained": false}"#, "entry", today(), true).expect("replaced");
        let list = b.list_json().expect("list");
        let entries = list["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1]["pain_now"], 2);
        assert!(entries[0]["id"].is_i64());
        let csv = entries_csv(&b.diary(&kb).unwrap());
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.lines().nth(1).unwrap().starts_with("2026-12-01,4,,true,back_squat;walking_lunge,false,6,,,\"third set, \"\"sharp\"\", then ok\""), "{csv}");
        // Export, import into an empty database, export again: the same document.
        let exported = b.export_json(&kb).unwrap();
        let other = temp();
        let b2 = book(&other);
        let counts = b2.import_json(&kb, &exported, "import", today()).expect("imports");
        assert_eq!(counts.entries_added, 2);
        assert_eq!(b2.import_json(&kb, &exported, "import", today()).unwrap().entries_added, 0, "twice adds nothing twice");
        assert_eq!(b2.export_json(&kb).unwrap(), exported);
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&other).unwrap();
    }

    #[test]
    fn bad_entries_name_the_field_and_change_nothing() {
        let kb = kb();
        let dir = temp();
        let b = book(&dir);
        for (text, field) in [
            (r#"{"date": "2026-12-01", "pain_now": 11, "trained": false}"#, "pain_now"),
            (r#"{"date": "2026-02-30", "pain_now": 1, "trained": false}"#, "date"),
            (r#"{"date": "2027-01-01", "pain_now": 1, "trained": false}"#, "date"),
            (r#"{"date": "2026-12-01", "pain_now": 1, "trained": true, "exercises": ["bench_press"]}"#, "exercises"),
        ] {
            let err = b.add_entry_json(&kb, text, "--entry", today(), false).expect_err(text);
            assert!(err.is_bad_input() && err.to_string().contains(field), "{text}: {err}");
        }
        assert!(b.entries().unwrap().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
