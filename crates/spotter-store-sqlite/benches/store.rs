//! Speed of the SQLite engine, as medians of many runs (`cargo bench -p spotter-store-sqlite`):
//! adding one entry (a durable transaction: WAL, synchronous=FULL), opening the database and
//! adding one as `spotter diary add` would, and loading what `diary status` needs from a 5-year
//! diary (1,800 entries). Under `cargo test` (no `--bench`) each runs a few times only, as a smoke
//! test. Figures are printed, never asserted.

use spotter_diary::{Date, Entry, Pain, SavedCheck, Training, parse_diary_json, status};
use spotter_kb::Kb;
use spotter_store::{DiaryStore, OnExisting, Store};
use spotter_store_sqlite::SqliteStore;
use std::time::{Duration, Instant};

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let n = |many: usize| if full { many } else { 3 };
    if !full {
        println!("smoke run (no --bench): 3 runs each; use `cargo bench -p spotter-store-sqlite` for figures");
    }
    let kb = Kb::builtin().expect("knowledge base");
    let dir = tempfile::tempdir().expect("temporary folder");
    let start = Date::from_ymd(2021, 12, 1).expect("date");

    // 1. One entry added to an open database.
    let path = dir.path().join("add.db");
    let store = SqliteStore::open(&path).expect("open");
    let me = store.local_person().expect("person");
    let times: Vec<Duration> = (0..n(300))
        .map(|i| {
            let e = day(start, i as i64);
            let t = Instant::now();
            store.add_entry(me, &e, OnExisting::Refuse).expect("add");
            t.elapsed()
        })
        .collect();
    report("add one entry (open database, one durable transaction)", &times);

    // 2. Open, find the local person, add, close: the storage part of `spotter diary add`.
    let times: Vec<Duration> = (0..n(60))
        .map(|i| {
            let e = day(start, 10_000 + i as i64);
            let t = Instant::now();
            let s = SqliteStore::open(&path).expect("open");
            let me = s.local_person().expect("person");
            s.add_entry(me, &e, OnExisting::Refuse).expect("add");
            drop(s);
            t.elapsed()
        })
        .collect();
    report("open + local person + add one entry + close", &times);
    drop(store);

    // 3. A 5-year diary: what `diary status` loads.
    let path = dir.path().join("five-years.db");
    let store = SqliteStore::open(&path).expect("open");
    let me = store.local_person().expect("person");
    let entries: Vec<Entry> = (0..1800).map(|i| day(start, i)).collect();
    let seed = parse_diary_json(&kb, include_str!("../../../examples/diary-seed-story.json"), Date::from_ymd(2026, 12, 31).expect("date"))
        .expect("seed story");
    let checks: Vec<SavedCheck> =
        (0..20).map(|i| SavedCheck { date: start.add_days(i * 90).expect("date"), ..seed.checks()[0].clone() }).collect();
    let diary = spotter_diary::Diary::from_parts(entries, checks).expect("diary");
    store.import_diary(me, &diary).expect("import");
    drop(store);
    let times: Vec<Duration> = (0..n(40))
        .map(|_| {
            let t = Instant::now();
            let s = SqliteStore::open(&path).expect("open");
            let me = s.local_person().expect("person");
            let d = s.load_diary(&kb, me).expect("load");
            assert_eq!(d.entries().len(), 1800);
            drop(s);
            t.elapsed()
        })
        .collect();
    report("open + load a 1,800-entry diary (20 checks) + close", &times);
    let store = SqliteStore::open(&path).expect("open");
    let times: Vec<Duration> = (0..n(40))
        .map(|_| {
            let t = Instant::now();
            let d = store.load_diary(&kb, me).expect("load");
            std::hint::black_box(&d);
            t.elapsed()
        })
        .collect();
    report("load a 1,800-entry diary (20 checks), database open", &times);
    let loaded = store.load_diary(&kb, me).expect("load");
    let times: Vec<Duration> = (0..n(40))
        .map(|_| {
            let t = Instant::now();
            let st = status(&kb, &loaded);
            std::hint::black_box(st.to_json());
            t.elapsed()
        })
        .collect();
    report("status JSON of that diary (spotter-diary, for comparison)", &times);
    let times: Vec<Duration> = (0..n(20))
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(Kb::builtin().expect("knowledge base"));
            t.elapsed()
        })
        .collect();
    report("load the built-in knowledge base (for comparison)", &times);
}

/// A day of a 5-year diary: every third day a training day (squats and deadlifts, the warm-up on
/// most), pain drifting between 0 and 6.
fn day(start: Date, i: i64) -> Entry {
    let date = start.add_days(i).expect("date");
    let pain = Pain::new(((i * 37) % 7) as u8).expect("pain");
    let mut e = Entry::rest_day(date, pain);
    if i % 3 == 0 {
        e.training = Some(Training {
            exercises: vec!["back_squat".into(), "romanian_deadlift".into()],
            warmed_up: Some(i % 4 != 0),
            pain_after_training: Pain::new(pain.points().saturating_add(1).min(10)),
        });
    }
    e.note = (i % 10 == 0).then(|| "Felt fine; walked 30 minutes after.".to_string());
    e
}

fn report(what: &str, times: &[Duration]) {
    let mut ms: Vec<f64> = times.iter().map(|t| t.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!("{what}: median {:.2} ms, p90 {:.2} ms, min {:.2} ms ({} runs)", at(0.5), at(0.9), ms[0], ms.len());
}
