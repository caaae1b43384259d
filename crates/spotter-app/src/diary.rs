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

/// Today's date where the person is (the machine's local time zone), for the diary's "no date
/// after today" rule and the default date of an entry or a check. A lifter east of UTC logging in
/// the morning is already on the next day; UTC's date would refuse their entry as in the future.
pub fn today() -> Date {
    use chrono::Datelike;
    let d = chrono::Local::now().date_naive();
    // chrono's dates are all valid; only a year past 9999 would not fit the diary's.
    Date::from_ymd(d.year(), d.month(), d.day()).unwrap_or_else(|| Date::from_ymd(9999, 12, 31).expect("a valid date"))
}

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

    /// Every version of the entry of `date`, oldest first (a replaced entry is kept).
    pub fn entry_versions(&self, date: Date) -> Result<Vec<StoredEntry>, DiaryAppError> {
        Ok(self.store.entry_versions(self.person, date)?)
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

/// The days the clinician summary's chart shows: the four weeks up to the latest entry.
pub const SUMMARY_CHART_DAYS: i64 = 28;

/// The clinician summary of the diary (spec/memory.md's PDF export) in words: the pain chart with
/// training and warm-up days, the days logged, the checks with their tiers and fired rules, the
/// alerts, the warm-up comparison; `name` only when given.
pub fn clinician_report(kb: &Kb, diary: &Diary, name: Option<&str>) -> spotter_report::clinician::ClinicianReport {
    use spotter_report::clinician::{AlertRow, Chart, CheckRow, ClinicianReport, DayRow};
    let st = spotter_diary::status(kb, diary);
    let entries = diary.entries();
    let checks = diary.checks();
    let first = [entries.first().map(|e| e.date), checks.first().map(|c| c.date)].into_iter().flatten().min();
    let last = [entries.last().map(|e| e.date), checks.last().map(|c| c.date)].into_iter().flatten().max();
    let period = match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
        (Some(a), _) => a.to_string(),
        _ => "nothing logged yet".to_string(),
    };
    let label = |s: spotter_diary::Severity| match s {
        spotter_diary::Severity::Tier(t) => kb.tier_info(t).label.clone(),
        spotter_diary::Severity::Info => "Note".to_string(),
    };
    let alerts = st.alerts.iter().map(|a| AlertRow { label: label(a.severity), message: a.message.clone() }).collect();
    let status = st.triage.as_ref().map(|t| {
        let info = kb.tier_info(t.triage.tier);
        let rules: Vec<String> = t.triage.fired.iter().map(|f| format!("{} {}", f.rule.id, f.rule.title)).collect();
        if rules.is_empty() { format!("{}: {}", info.label, info.headline) } else { format!("{} ({}): {}", info.label, rules.join("; "), info.headline) }
    });
    let chart = match entries.last() {
        None => Chart { days: 1, first: String::new(), last: String::new(), segments: Vec::new(), points: Vec::new(), training: Vec::new() },
        Some(l) => {
            let start = l.date.add_days(-(SUMMARY_CHART_DAYS - 1)).unwrap_or(l.date);
            let shown: Vec<&spotter_diary::Entry> = entries.iter().filter(|e| e.date >= start).collect();
            let index = |d: Date| d.days_since(start) as u32;
            let mut segments: Vec<Vec<(u32, u8)>> = Vec::new();
            let mut prev: Option<Date> = None;
            for e in &shown {
                let pt = (index(e.date), e.pain_now.points());
                match (prev, segments.last_mut()) {
                    (Some(p), Some(seg)) if e.date.days_since(p) == 1 => seg.push(pt),
                    _ => segments.push(vec![pt]),
                }
                prev = Some(e.date);
            }
            Chart {
                days: SUMMARY_CHART_DAYS as u32,
                first: start.to_string(),
                last: l.date.to_string(),
                points: shown.iter().map(|e| (index(e.date), e.pain_now.points())).collect(),
                training: shown.iter().filter_map(|e| e.training.as_ref().map(|t| (index(e.date), t.warmed_up == Some(true)))).collect(),
                segments,
            }
        }
    };
    let days = entries
        .iter()
        .map(|e| {
            let (training, after) = match &e.training {
                Some(t) => {
                    let warm = match t.warmed_up {
                        Some(true) => ", warmed up",
                        Some(false) => ", no warm-up",
                        None => "",
                    };
                    let names: Vec<&str> =
                        t.exercises.iter().map(|id| kb.coaching.exercise(id).map_or(id.as_str(), |x| x.name.as_str())).collect();
                    let what = if names.is_empty() { "trained".to_string() } else { names.join(", ") };
                    (format!("{what}{warm}"), t.pain_after_training.map(|p| p.points().to_string()).unwrap_or_default())
                }
                None => ("rest".to_string(), String::new()),
            };
            let night = if e.worse_at_night == Some(true) { "; worse at night" } else { "" };
            DayRow {
                date: e.date.to_string(),
                pain_now: e.pain_now.points().to_string(),
                worst: e.pain_worst_24h.map(|p| p.points().to_string()).unwrap_or_default(),
                training: format!("{training}{night}"),
                pain_after: after,
            }
        })
        .collect();
    let checks = checks
        .iter()
        .map(|c| {
            let t = spotter_triage::triage(kb, &c.answers);
            CheckRow {
                date: c.date.to_string(),
                tier: kb.tier_info(c.tier).label.clone(),
                rules: t.fired.iter().map(|f| format!("{} {}", f.rule.id, f.rule.title)).collect(),
            }
        })
        .collect();
    ClinicianReport {
        title: "Low back pain diary: summary".into(),
        period,
        name: name.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string),
        self_reported: "Self-reported by the lifter in Spotter (pain 0 to 10, training days, answers to its triage questions); not a clinical record.".into(),
        status,
        alerts,
        chart,
        days,
        checks,
        adherence: st.adherence.as_ref().map(|a| a.message.clone()),
        footer: format!("Made by Spotter {} on the lifter's own machine. {}", env!("CARGO_PKG_VERSION"), kb.disclaimer),
    }
}

/// The clinician summary as a one-page black-and-white A4 PDF.
pub fn clinician_pdf(kb: &Kb, diary: &Diary, name: Option<&str>) -> Result<Vec<u8>, spotter_report::ReportError> {
    spotter_report::clinician::summary_pdf(&clinician_report(kb, diary, name))
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

    const SEED: &str = include_str!("../../../examples/diary-seed-story.json");

    #[test]
    fn the_clinician_summary_of_the_seed_story_is_one_page_with_what_a_clinician_needs() {
        let kb = kb();
        let diary = spotter_diary::parse_diary_json(&kb, SEED, today()).expect("the seed story");
        let report = clinician_report(&kb, &diary, None);
        assert_eq!(report.name, None, "no name unless one is given");
        assert_eq!(report.days.len(), 7);
        assert_eq!(report.chart.points.len(), 7);
        assert!(report.chart.segments.len() >= 2, "a gap where days were not logged");
        let laid = spotter_report::clinician::lay_out_summary(&report).expect("lays out");
        assert_eq!(laid.pages(), 1);
        assert!(laid.warnings.is_empty(), "{:?}", laid.warnings);
        assert_eq!((laid.days_left_out, laid.checks_left_out), (0, 0));
        let text = laid.text();
        for says in ["Self-reported", "2026-11-16 to 2026-11-26", "2026-11-23", "Book a professional", "rest"] {
            assert!(text.contains(says), "{says:?} not on the page: {text}");
        }
        // The status and the alert: no improvement after rest.
        let st = spotter_diary::status(&kb, &diary);
        for a in &st.alerts {
            let first_words: String = a.message.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
            assert!(text.contains(&first_words), "alert {:?} not on the page", a.id);
        }
        // The check's tier and fired rules.
        let fired = spotter_triage::triage(&kb, &diary.checks()[0].answers);
        for f in &fired.fired {
            assert!(text.contains(&f.rule.id), "{} not on the page", f.rule.id);
        }
        assert!(spotter_report::clinician::summary_pdf(&report).expect("pdf").starts_with(b"%PDF-"));
        // A name only when given.
        let named = spotter_report::clinician::lay_out_summary(&clinician_report(&kb, &diary, Some("A. Lifter"))).expect("lays out");
        assert!(named.text().contains("A. Lifter") && !text.contains("Name:"));
    }

    #[test]
    fn a_five_year_diary_still_fits_one_page_and_says_what_it_left_out() {
        let kb = kb();
        let start = Date::from_ymd(2021, 12, 1).expect("date");
        let mut entries = Vec::new();
        for i in 0..1800 {
            let d = start.add_days(i).expect("date");
            let trained = i % 3 == 0;
            let mut e = serde_json::json!({"date": d.to_string(), "pain_now": (i % 7) as u8, "trained": trained});
            if trained {
                e["exercises"] = serde_json::json!(["back_squat", "romanian_deadlift"]);
                e["warmed_up"] = serde_json::json!(i % 2 == 0);
                e["pain_after_training"] = serde_json::json!((i % 5) as u8);
            }
            entries.push(e);
        }
        let text = serde_json::json!({"entries": entries, "checks": []}).to_string();
        let diary = spotter_diary::parse_diary_json(&kb, &text, today()).expect("a long diary");
        let laid = spotter_report::clinician::lay_out_summary(&clinician_report(&kb, &diary, None)).expect("lays out");
        assert_eq!(laid.pages(), 1);
        assert!(laid.days_left_out > 1700, "{}", laid.days_left_out);
        assert!(laid.text().contains(&format!("{} earlier days are in the full export", laid.days_left_out)));
        assert_eq!(clinician_report(&kb, &diary, None).chart.points.len(), SUMMARY_CHART_DAYS as usize);
    }
}
