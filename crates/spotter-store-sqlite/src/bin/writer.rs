//! Test helper of the crash test (tests/it/crash.rs): `spotter-store-sqlite-writer DB FIRST STEP
//! COUNT` writes COUNT rest-day entries for the local person, on days FIRST, FIRST+STEP, ...
//! (FIRST a day number after 2000-01-01), printing `ack YYYY-MM-DD` after each write returns,
//! which is after its transaction is durable. Exits 2 on bad arguments, 1 on a failed write.

use spotter_diary::{Date, Entry, Pain};
use spotter_store::{DiaryStore, OnExisting, Store};
use spotter_store_sqlite::SqliteStore;
use std::io::Write;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<i64>().ok());
    let (Some(path), Some(first), Some(step), Some(count)) = (args.first(), num(1), num(2), num(3)) else {
        eprintln!("usage: spotter-store-sqlite-writer DB FIRST STEP COUNT");
        std::process::exit(2);
    };
    let base = Date::from_ymd(2000, 1, 1).expect("a date");
    let store = SqliteStore::open(Path::new(path)).unwrap_or_else(|e| fail(&e.to_string()));
    let me = store.local_person().unwrap_or_else(|e| fail(&e.to_string()));
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        let Some(day) = base.add_days(first + i * step) else { fail("date out of range") };
        let entry = Entry::rest_day(day, Pain::new((i % 11) as u8).expect("0..=10"));
        store.add_entry(me, &entry, OnExisting::Refuse).unwrap_or_else(|e| fail(&e.to_string()));
        // Said only now: the write is durable.
        let _ = writeln!(out, "ack {day}");
        let _ = out.flush();
    }
}

fn fail(message: &str) -> ! {
    eprintln!("writer: {message}");
    std::process::exit(1);
}
