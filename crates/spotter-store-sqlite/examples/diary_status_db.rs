//! Prints the status JSON of the local person's diary in an SQLite database, the way `spotter
//! diary status --format json` will: `cargo run --release -p spotter-store-sqlite --example
//! diary_status_db -- DB`. With `--make-five-years` first, it
//! writes a 5-year diary (1,800 entries) into a new DB. Used to time the whole process.

use spotter_diary::{Date, Entry, Pain, Training, status};
use spotter_store::{DiaryStore, Store};
use spotter_store_sqlite::SqliteStore;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kb = spotter_kb::Kb::builtin()?;
    if args.first().map(String::as_str) == Some("--make-five-years") {
        let path = args.get(1).ok_or("usage: diary_status_db --make-five-years NEW.db")?;
        let store = SqliteStore::open(Path::new(path))?;
        let me = store.local_person()?;
        let start = Date::from_ymd(2021, 12, 1).ok_or("date")?;
        let entries: Vec<Entry> = (0..1800)
            .map(|i| {
                let mut e = Entry::rest_day(start.add_days(i).expect("date"), Pain::new(((i * 37) % 7) as u8).expect("pain"));
                if i % 3 == 0 {
                    e.training = Some(Training {
                        exercises: vec!["back_squat".into()],
                        warmed_up: Some(i % 4 != 0),
                        pain_after_training: Pain::new(3),
                    });
                }
                e
            })
            .collect();
        store.import_diary(me, &spotter_diary::Diary::from_parts(entries, vec![])?)?;
        return Ok(());
    }
    let Some(path) = args.first() else {
        return Err("usage: diary_status_db DB".into());
    };
    let store = SqliteStore::open(Path::new(path))?;
    let me = store.local_person()?;
    let diary = store.load_diary(&kb, me)?;
    println!("{}", serde_json::to_string_pretty(&status(&kb, &diary).to_json())?);
    Ok(())
}
