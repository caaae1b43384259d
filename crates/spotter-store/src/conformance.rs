//! The conformance suite: one set of stories every storage engine must pass, run by each engine's
//! tests through [`conformance_tests!`](crate::conformance_tests) with a small [`Engine`] harness
//! that makes fresh databases. The stories speak only through the [`Store`] trait (and the
//! harness's engine-specific hooks for what the trait cannot do: stamping a newer schema, dumping
//! every row to prove nothing changed).

use crate::{CheckRecord, DiaryStore, EntryRecord, Location, OnExisting, PersonId, Store, StoreError};
use spotter_diary::{Date, Diary, Entry, SavedCheck, parse_diary_json, parse_entry_json};
use spotter_kb::{Kb, Tier};
use std::io::Write;
use std::sync::OnceLock;

/// What an engine's test gives the suite.
pub trait Engine: Sync {
    /// `SQLite`, `PostgreSQL`.
    fn name(&self) -> &'static str;
    /// A new, empty database no other test uses (nothing is made until it is opened).
    fn fresh(&self) -> Location;
    /// Opens a database, as a front end would (a new connection each time).
    fn open(&self, location: &Location) -> Result<Box<dyn Store>, StoreError>;
    /// The schema version this build brings databases to.
    fn known_schema_version(&self) -> i64;
    /// Makes the database look written by a newer Spotter (records a migration this build lacks).
    fn stamp_newer_schema(&self, location: &Location);
    /// Every row of every table as text, in a fixed order: equal dumps mean nothing changed.
    fn dump(&self, location: &Location) -> String;
}

/// Writes a line straight to the test's stderr (not captured), so it is seen even when tests pass.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Reports a story not run, and why; with `SPOTTER_TEST_NO_SKIP=1` (for CI) a story that cannot
/// run fails instead.
pub fn skipped(engine: &str, story: &str, reason: &str) {
    if std::env::var_os("SPOTTER_TEST_NO_SKIP").is_some_and(|v| v == "1") {
        panic!("{engine} conformance `{story}` cannot run and SPOTTER_TEST_NO_SKIP=1: {reason}");
    }
    say(&format!("SKIPPED {engine} conformance `{story}`: {reason}"));
}

/// One `#[test]` per story of the suite, each run on a fresh harness from `$engine`, an
/// expression of type `Result<impl Engine, String>` (an `Err` skips the story, saying why).
#[macro_export]
macro_rules! conformance_tests {
    ($engine_name:literal, $engine:expr) => {
        $crate::conformance_tests!(@each $engine_name, $engine;
            entries_round_trip, checks_round_trip, one_entry_per_date_replace_keeps_history, people_are_kept_apart,
            local_person_is_made_once, reopening_keeps_everything, newer_schema_is_refused_unchanged,
            bad_input_changes_nothing, import_is_all_or_nothing_and_idempotent, export_import_export_is_identical,
            concurrent_writers_lose_nothing, racing_writers_for_one_date_one_wins, new_database_opened_by_three_at_once);
    };
    (@each $engine_name:literal, $engine:expr; $($story:ident),* $(,)?) => {
        $(
            #[test]
            fn $story() {
                match $engine {
                    Ok(engine) => $crate::conformance::$story(&engine),
                    Err(reason) => $crate::conformance::skipped($engine_name, stringify!($story), &reason),
                }
            }
        )*
    };
}

fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().unwrap_or_else(|e| panic!("built-in knowledge base: {e}")))
}

fn today() -> Date {
    date("2026-12-31")
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn entry(json: &str) -> Entry {
    parse_entry_json(kb(), json, today()).unwrap_or_else(|e| panic!("test entry {json}: {e}"))
}

fn rest(day: Date, pain: u8) -> Entry {
    entry(&format!(r#"{{"date": "{day}", "pain_now": {pain}, "trained": false}}"#))
}

/// The seed story of `examples/diary-seed-story.json`: a week of entries and one saved check.
pub fn seed_story() -> Diary {
    let text = include_str!("../../../examples/diary-seed-story.json");
    parse_diary_json(kb(), text, today()).unwrap_or_else(|e| panic!("seed story: {e}"))
}

fn open(e: &dyn Engine, loc: &Location) -> Box<dyn Store> {
    e.open(loc).unwrap_or_else(|err| panic!("{} cannot open {loc}: {err}", e.name()))
}

fn fresh(e: &dyn Engine) -> (Location, Box<dyn Store>, PersonId) {
    let loc = e.fresh();
    let store = open(e, &loc);
    let person = store.local_person().unwrap_or_else(|err| panic!("local person: {err}"));
    (loc, store, person)
}

fn ok<T>(r: Result<T, StoreError>, what: &str) -> T {
    r.unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn entries_of(store: &dyn Store, person: PersonId) -> Vec<Entry> {
    ok(store.load_diary(kb(), person), "load diary").entries().to_vec()
}

/// Entries of every shape come back equal, in date order whatever the order written, with
/// distinct ids.
pub fn entries_round_trip(e: &dyn Engine) {
    let (_loc, store, me) = fresh(e);
    let written = [
        entry(
            r#"{"date": "2026-12-01", "pain_now": 4, "pain_worst_24h": 6, "trained": true, "exercises": ["back_squat"],
               "warmed_up": false, "pain_after_training": 6, "worse_at_night": false, "onset_date": "2026-11-28",
               "answers": {"numbness_tingling": "none"}, "note": "felt it on the third set — «ça tire» 背中"}"#,
        ),
        rest(date("2026-11-29"), 0),
        entry(r#"{"date": "2026-11-30", "pain_now": 10, "trained": true}"#),
        entry(&format!(r#"{{"date": "2026-12-02", "pain_now": 3, "trained": false, "note": "{}"}}"#, "x".repeat(2000))),
    ];
    let mut ids = Vec::new();
    for w in &written {
        ids.push(ok(store.add_entry(me, w, OnExisting::Refuse), "add entry"));
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), written.len(), "every entry gets its own id");
    let mut expected = written.to_vec();
    expected.sort_by_key(|x| x.date);
    assert_eq!(entries_of(&*store, me), expected);
    let stored = ok(store.entries(me), "entries");
    assert!(stored.iter().all(|s| !s.replaced && s.replaces.is_none() && s.recorded_at.ends_with('Z')), "{stored:?}");
    assert_eq!(stored[0].record, EntryRecord::from_entry(&expected[0]));
}

/// Checks come back with their answers, tier and result document, by date and then in the order
/// saved.
pub fn checks_round_trip(e: &dyn Engine) {
    let (_loc, store, me) = fresh(e);
    let seed = seed_story();
    let first = seed.checks()[0].clone();
    let later = SavedCheck { date: date("2026-11-26"), ..first.clone() };
    let urgent_same_day = SavedCheck { tier: Tier::Urgent, ..later.clone() };
    let result = r#"{"tier": "self_care", "fired": []}"#;
    ok(store.save_check(me, &later, Some(result)), "save check");
    ok(store.save_check(me, &urgent_same_day, None), "save check");
    ok(store.save_check(me, &first, None), "save check");
    let diary = ok(store.load_diary(kb(), me), "load");
    assert_eq!(diary.checks(), &[first.clone(), later.clone(), urgent_same_day.clone()]);
    assert_eq!(diary.latest_check(), Some(&urgent_same_day), "the last saved of the latest date is the latest check");
    let stored = ok(store.checks(me), "checks");
    assert_eq!(stored[1].record.result.as_deref(), Some(result));
    assert_eq!(stored[0].record.result, None);
    assert_eq!(stored[2].record, CheckRecord::from_check(&urgent_same_day, None));
}

/// One entry per date: a second is refused and changes nothing; replacing keeps every old version.
pub fn one_entry_per_date_replace_keeps_history(e: &dyn Engine) {
    let (_loc, store, me) = fresh(e);
    let day = date("2026-12-01");
    let v1 = rest(day, 5);
    let v2 = rest(day, 3);
    let v3 = entry(r#"{"date": "2026-12-01", "pain_now": 2, "trained": true, "note": "v3"}"#);
    let id1 = ok(store.add_entry(me, &v1, OnExisting::Refuse), "add");
    match store.add_entry(me, &v2, OnExisting::Refuse) {
        Err(err @ StoreError::DateTaken { .. }) => {
            assert_eq!(err, StoreError::DateTaken { date: day });
            assert!(err.is_bad_input() && err.field() == Some("date"));
            assert!(err.to_string().contains("2026-12-01 already has an entry"), "{err}");
        }
        other => panic!("a second entry for one date must be refused, got {other:?}"),
    }
    assert_eq!(entries_of(&*store, me), vec![v1.clone()], "the refused entry changed nothing");
    let id2 = ok(store.add_entry(me, &v2, OnExisting::Replace), "replace");
    let id3 = ok(store.add_entry(me, &v3, OnExisting::Replace), "replace");
    assert_eq!(entries_of(&*store, me), vec![v3.clone()]);
    let versions = ok(store.entry_versions(me, day), "versions");
    let ids: Vec<_> = versions.iter().map(|v| v.id).collect();
    assert_eq!(ids, vec![id1, id2, id3], "every version kept, oldest first");
    assert_eq!(versions.iter().map(|v| v.replaced).collect::<Vec<_>>(), vec![true, true, false]);
    assert_eq!(versions.iter().map(|v| v.replaces).collect::<Vec<_>>(), vec![None, Some(id1), Some(id2)]);
    assert_eq!(versions[0].record, EntryRecord::from_entry(&v1));
    assert_eq!(versions[1].record, EntryRecord::from_entry(&v2));
    // Replacing a date that has no entry simply adds one.
    let other = rest(date("2026-12-02"), 1);
    ok(store.add_entry(me, &other, OnExisting::Replace), "replace on an empty date");
    assert_eq!(ok(store.entry_versions(me, other.date), "versions").len(), 1);
    assert_eq!(entries_of(&*store, me), vec![v3, other]);
}

/// Every row belongs to a person: one person's entries, checks, replacements and imports never
/// touch another's.
pub fn people_are_kept_apart(e: &dyn Engine) {
    let (_loc, store, me) = fresh(e);
    let coach = ok(store.new_person(), "new person");
    let third = ok(store.new_person(), "new person");
    assert!(me != coach && coach != third && me != third);
    assert_eq!(ok(store.local_person(), "local person"), me, "the local person stays the same");
    let day = date("2026-12-01");
    ok(store.add_entry(me, &rest(day, 6), OnExisting::Refuse), "add");
    ok(store.add_entry(coach, &rest(day, 1), OnExisting::Refuse), "the same date for another person");
    ok(store.add_entry(coach, &rest(day, 2), OnExisting::Replace), "replace for another person");
    ok(store.save_check(coach, &seed_story().checks()[0], None), "check");
    assert_eq!(entries_of(&*store, me), vec![rest(day, 6)]);
    assert_eq!(entries_of(&*store, coach), vec![rest(day, 2)]);
    assert_eq!(ok(store.entry_versions(me, day), "versions").len(), 1);
    assert!(ok(store.checks(me), "checks").is_empty());
    assert_eq!(ok(store.checks(coach), "checks").len(), 1);
    let counts = ok(store.import_diary(third, &seed_story()), "import for a third person");
    assert_eq!(counts.entries_added, seed_story().entries().len());
    assert_eq!(entries_of(&*store, me), vec![rest(day, 6)], "another person's import leaves mine alone");
    assert!(ok(store.entries(PersonId(i64::MAX)), "entries of nobody").is_empty());
}

/// The local person is made on first use, once, even when two connections ask at the same time.
pub fn local_person_is_made_once(e: &dyn Engine) {
    let loc = e.fresh();
    let a = open(e, &loc);
    let b = open(e, &loc);
    let ids: Vec<PersonId> = std::thread::scope(|s| {
        let ta = s.spawn(|| (0..10).map(|_| ok(a.local_person(), "local person")).collect::<Vec<_>>());
        let tb = s.spawn(|| (0..10).map(|_| ok(b.local_person(), "local person")).collect::<Vec<_>>());
        let mut ids = ta.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        ids.extend(tb.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        ids
    });
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    drop((a, b));
    assert_eq!(ok(open(e, &loc).local_person(), "local person"), ids[0]);
}

/// What a write acknowledged is there for the next connection, the schema at this build's version.
pub fn reopening_keeps_everything(e: &dyn Engine) {
    let (loc, store, me) = fresh(e);
    let seed = seed_story();
    for x in seed.entries() {
        ok(store.add_entry(me, x, OnExisting::Refuse), "add");
    }
    ok(store.save_check(me, &seed.checks()[0], Some("{}")), "check");
    assert_eq!(ok(store.schema_version(), "schema version"), e.known_schema_version());
    drop(store);
    let again = open(e, &loc);
    assert_eq!(ok(again.local_person(), "local person"), me);
    assert_eq!(ok(again.load_diary(kb(), me), "load"), seed);
    assert_eq!(ok(again.schema_version(), "schema version"), e.known_schema_version());
}

/// A database written by a newer Spotter is refused with a message saying so, and left unchanged.
pub fn newer_schema_is_refused_unchanged(e: &dyn Engine) {
    let (loc, store, me) = fresh(e);
    ok(store.add_entry(me, &rest(date("2026-12-01"), 3), OnExisting::Refuse), "add");
    drop(store);
    e.stamp_newer_schema(&loc);
    let before = e.dump(&loc);
    for _ in 0..2 {
        match e.open(&loc) {
            Err(err @ StoreError::NewerSchema { .. }) => {
                let StoreError::NewerSchema { found, known, .. } = &err else { unreachable!() };
                assert!(found > known, "{err}");
                assert_eq!(*known, e.known_schema_version());
                let msg = err.to_string();
                assert!(msg.contains("newer Spotter") && msg.contains("left unchanged"), "{msg}");
                assert!(!err.is_bad_input());
            }
            Err(other) => panic!("expected the newer schema to be named, got: {other}"),
            Ok(_) => panic!("a database of a newer schema must be refused"),
        }
    }
    assert_eq!(e.dump(&loc), before, "the refused database was changed");
}

/// Bad records, unknown people and refused writes leave every row as it was.
pub fn bad_input_changes_nothing(e: &dyn Engine) {
    let (loc, store, me) = fresh(e);
    let seed = seed_story();
    ok(store.import_diary(me, &seed), "import");
    let before = e.dump(&loc);
    let good = EntryRecord::from_entry(&rest(date("2026-12-05"), 2));
    fn field_of<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
        match r {
            Err(StoreError::BadRecord { field, message }) => {
                assert!(!message.is_empty());
                field
            }
            other => panic!("expected a refused record, got {other:?}"),
        }
    }
    let pain_11 = EntryRecord { pain_now: 11, doc: good.doc.replace("\"pain_now\":2", "\"pain_now\":11"), ..good.clone() };
    assert_eq!(field_of(store.insert_entry(me, &pain_11, OnExisting::Refuse)), "pain_now");
    let not_json = EntryRecord { doc: "{\"date\": ".into(), ..good.clone() };
    assert_eq!(field_of(store.insert_entry(me, &not_json, OnExisting::Replace)), "doc");
    let disagrees = EntryRecord { pain_now: 7, ..good.clone() };
    assert_eq!(field_of(store.insert_entry(me, &disagrees, OnExisting::Refuse)), "doc");
    let bad_check = CheckRecord { answers: "[1, 2]".into(), ..CheckRecord::from_check(&seed.checks()[0], None) };
    assert_eq!(field_of(store.insert_check(me, &bad_check)), "answers");
    let bad_result = CheckRecord::from_check(&seed.checks()[0], Some("<html>"));
    assert_eq!(field_of(store.insert_check(me, &bad_result)), "result");
    assert_eq!(field_of(store.import(me, &[good.clone(), pain_11.clone()], &[])), "pain_now");
    let nobody = PersonId(i64::MAX);
    assert_eq!(store.insert_entry(nobody, &good, OnExisting::Refuse), Err(StoreError::UnknownPerson(nobody)));
    assert_eq!(store.save_check(nobody, &seed.checks()[0], None), Err(StoreError::UnknownPerson(nobody)));
    assert_eq!(store.import(nobody, std::slice::from_ref(&good), &[]), Err(StoreError::UnknownPerson(nobody)));
    let taken = rest(seed.entries()[0].date, 9);
    assert_eq!(store.add_entry(me, &taken, OnExisting::Refuse), Err(StoreError::DateTaken { date: taken.date }));
    assert_eq!(e.dump(&loc), before, "a refused write changed the database");
    assert_eq!(ok(store.load_diary(kb(), me), "load"), seed);
}

/// An import adds everything or nothing, and importing the same document twice adds nothing twice.
pub fn import_is_all_or_nothing_and_idempotent(e: &dyn Engine) {
    let (loc, store, me) = fresh(e);
    let seed = seed_story();
    let counts = ok(store.import_diary(me, &seed), "import");
    assert_eq!((counts.entries_added, counts.checks_added), (seed.entries().len(), seed.checks().len()));
    let again = ok(store.import_diary(me, &seed), "import again");
    assert_eq!((again.entries_added, again.checks_added), (0, 0));
    assert_eq!((again.entries_already_stored, again.checks_already_stored), (seed.entries().len(), seed.checks().len()));
    assert_eq!(ok(store.load_diary(kb(), me), "load"), seed);
    // A document with one new entry and one that contradicts a stored date adds nothing at all.
    let before = e.dump(&loc);
    let new_day = rest(date("2026-12-10"), 1);
    let contradicts = rest(seed.entries()[2].date, 9);
    let conflicted = Diary::from_parts(vec![new_day.clone(), contradicts.clone()], vec![]).expect("two dates");
    assert_eq!(store.import_diary(me, &conflicted), Err(StoreError::DateTaken { date: contradicts.date }));
    assert_eq!(e.dump(&loc), before, "a refused import changed the database");
    // Two equal checks in one document are both kept, and both recognised on the next import.
    let check = seed.checks()[0].clone();
    let twice = Diary::from_parts(vec![new_day], vec![check.clone(), check.clone()]).expect("diary");
    let counts = ok(store.import_diary(me, &twice), "import");
    assert_eq!((counts.entries_added, counts.checks_added, counts.checks_already_stored), (1, 1, 1));
    let counts = ok(store.import_diary(me, &twice), "import");
    assert_eq!((counts.entries_added, counts.checks_added, counts.checks_already_stored), (0, 0, 2));
}

/// Export, import into an empty database, export again: the same document.
pub fn export_import_export_is_identical(e: &dyn Engine) {
    let (_a_loc, a, me) = fresh(e);
    let seed = seed_story();
    for x in seed.entries() {
        ok(a.add_entry(me, x, OnExisting::Refuse), "add");
    }
    ok(a.add_entry(me, &rest(seed.entries()[1].date, 2), OnExisting::Replace), "replace");
    ok(a.save_check(me, &seed.checks()[0], Some("{}")), "check");
    ok(a.save_check(me, &SavedCheck { tier: Tier::SeeProfessional, ..seed.checks()[0].clone() }, None), "check");
    let first = ok(a.export_diary_json(kb(), me), "export");
    let (_b_loc, b, someone) = fresh(e);
    let read = parse_diary_json(kb(), &first, today()).unwrap_or_else(|err| panic!("export does not read back: {err}"));
    ok(b.import_diary(someone, &read), "import");
    let second = ok(b.export_diary_json(kb(), someone), "export again");
    assert_eq!(first, second);
    assert!(first.contains("\"2026-11-18\"") && first.contains("see_professional"), "{first}");
}

/// Two connections writing at once (distinct dates) both succeed, and every write is kept.
pub fn concurrent_writers_lose_nothing(e: &dyn Engine) {
    let (loc, first, me) = fresh(e);
    let second = open(e, &loc);
    let start = date("2026-01-01");
    let per_writer = 40;
    std::thread::scope(|s| {
        for (k, store) in [&first, &second].into_iter().enumerate() {
            s.spawn(move || {
                for i in 0..per_writer {
                    let day = start.add_days((2 * i + k) as i64).expect("date");
                    ok(store.add_entry(me, &rest(day, (i % 11) as u8), OnExisting::Refuse), "concurrent add");
                    if i % 10 == 0 {
                        ok(store.save_check(me, &SavedCheck { date: day, ..seed_story().checks()[0].clone() }, None), "check");
                    }
                }
            });
        }
    });
    let third = open(e, &loc);
    let entries = entries_of(&*third, me);
    assert_eq!(entries.len(), 2 * per_writer, "lost writes");
    for (i, x) in entries.iter().enumerate() {
        assert_eq!(x.date, start.add_days(i as i64).expect("date"));
    }
    assert_eq!(ok(third.checks(me), "checks").len(), 2 * per_writer.div_ceil(10));
}

/// Two connections racing for the same dates: exactly one entry per date wins, the other writer
/// is told the date is taken (not a database failure).
pub fn racing_writers_for_one_date_one_wins(e: &dyn Engine) {
    let (loc, first, me) = fresh(e);
    let second = open(e, &loc);
    let start = date("2026-03-01");
    let days = 25;
    let wins: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = [&first, &second]
            .into_iter()
            .enumerate()
            .map(|(k, store)| {
                s.spawn(move || {
                    let mut won = 0;
                    for i in 0..days {
                        let day = start.add_days(i).expect("date");
                        match store.add_entry(me, &rest(day, k as u8), OnExisting::Refuse) {
                            Ok(_) => won += 1,
                            Err(StoreError::DateTaken { date }) => assert_eq!(date, day),
                            Err(other) => panic!("a racing writer must be told the date is taken, got: {other}"),
                        }
                    }
                    won
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    assert_eq!(wins.iter().sum::<usize>(), days as usize, "{wins:?}");
    let entries = ok(first.entries(me), "entries");
    assert_eq!(entries.len(), days as usize);
    for x in &entries {
        assert_eq!(ok(first.entry_versions(me, x.record.date), "versions").len(), 1);
    }
}

/// A new database opened by three programs at once gets its schema once; all three work.
pub fn new_database_opened_by_three_at_once(e: &dyn Engine) {
    let loc = e.fresh();
    let stores: Vec<Box<dyn Store>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..3).map(|_| s.spawn(|| open(e, &loc))).collect();
        hs.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    let me = ok(stores[0].local_person(), "local person");
    for (i, st) in stores.iter().enumerate() {
        assert_eq!(ok(st.schema_version(), "schema version"), e.known_schema_version());
        ok(st.add_entry(me, &rest(date("2026-05-01").add_days(i as i64).expect("date"), 1), OnExisting::Refuse), "add");
    }
    assert_eq!(ok(stores[2].entries(me), "entries").len(), 3);
}
