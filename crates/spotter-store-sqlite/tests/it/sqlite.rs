//! What only the SQLite engine has: the connection settings it sets, the files it refuses to
//! touch, the folders it makes on first use, and two writer processes on one file.

use crate::engine::{SqliteEngine, plain};
use spotter_store::{Location, Store, StoreError};
use spotter_store_sqlite::{BUSY_TIMEOUT, SqliteStore};
use std::process::Command;

#[test]
fn every_connection_is_wal_full_with_foreign_keys_and_a_busy_timeout() {
    let engine = SqliteEngine::new();
    let store = SqliteStore::open(&engine.fresh_path()).expect("open");
    // Several times: the pool may hand out different connections.
    for _ in 0..5 {
        let s = store.settings().expect("settings");
        assert_eq!(s.journal_mode, "wal");
        assert_eq!(s.synchronous, 2, "synchronous=FULL is 2");
        assert!(s.foreign_keys);
        assert_eq!(s.busy_timeout_ms, BUSY_TIMEOUT.as_millis() as i64);
    }
    assert_eq!(store.integrity_check().expect("integrity"), vec!["ok".to_string()]);
}

#[test]
fn first_use_makes_the_folders_and_the_file() {
    let engine = SqliteEngine::new();
    let path = engine.fresh_path().parent().expect("parent").join("a/b/c/spotter.db");
    assert!(!path.parent().expect("parent").exists());
    let store = SqliteStore::open(&path).expect("open");
    assert!(path.is_file());
    assert_eq!(store.location(), &Location::Sqlite { path: path.clone() });
    assert_eq!(store.path(), path);
}

#[test]
fn a_file_that_is_not_a_spotter_database_is_refused_unchanged() {
    let engine = SqliteEngine::new();
    let dir = engine.fresh_path();
    let dir = dir.parent().expect("parent");
    std::fs::create_dir_all(dir).expect("folder");
    // Not SQLite at all.
    let text = dir.join("notes.txt");
    std::fs::write(&text, "my training notes, not a database\n".repeat(200)).expect("write");
    let before = std::fs::read(&text).expect("read");
    match SqliteStore::open(&text) {
        Err(err @ StoreError::NotSpotter { .. }) => assert!(err.to_string().contains("not an SQLite database file"), "{err}"),
        Err(other) => panic!("expected NotSpotter, got {other}"),
        Ok(_) => panic!("a text file must be refused"),
    }
    assert_eq!(std::fs::read(&text).expect("read"), before);
    assert!(!dir.join("notes.txt-wal").exists());
    // Another program's SQLite database, in rollback-journal mode: refused, still not WAL.
    let other = dir.join("other.db");
    std::fs::File::create(&other).expect("create");
    plain(&other, async |c| {
        sqlx::query("CREATE TABLE songs (title TEXT)").execute(&mut *c).await.expect("create");
        sqlx::query("INSERT INTO songs VALUES ('a'), ('b')").execute(&mut *c).await.expect("insert");
    });
    let before = std::fs::read(&other).expect("read");
    match SqliteStore::open(&other) {
        Err(err @ StoreError::NotSpotter { .. }) => assert!(err.to_string().contains("songs"), "{err}"),
        Err(other) => panic!("expected NotSpotter, got {other}"),
        Ok(_) => panic!("another program's database must be refused"),
    }
    assert_eq!(std::fs::read(&other).expect("read"), before, "the other program's file was changed");
    let mode: String = plain(&other, async |c| sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *c).await.expect("mode"));
    assert_eq!(mode, "delete");
}

#[test]
fn a_folder_or_a_postgres_url_is_not_an_sqlite_file() {
    let engine = SqliteEngine::new();
    let dir = engine.fresh_path();
    let dir = dir.parent().expect("parent");
    std::fs::create_dir_all(dir).expect("folder");
    let err = SqliteStore::open(dir).err().expect("a folder is refused");
    assert!(err.to_string().contains("it is a folder"), "{err}");
    let pg = Location::Postgres { url: "postgres://me:pw@localhost/spotter".into() };
    let err = SqliteStore::open_location(&pg).err().expect("a URL is refused");
    assert!(err.to_string().contains("PostgreSQL URL") && !err.to_string().contains("pw@"), "{err}");
}

fn writer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spotter-store-sqlite-writer"))
}

#[test]
fn two_writer_processes_on_one_file_lose_nothing() {
    let engine = SqliteEngine::new();
    let path = engine.fresh_path();
    let per_writer = 60;
    let children: Vec<_> = (0..2)
        .map(|k| {
            writer()
                .arg(&path)
                .args([k.to_string(), "2".into(), per_writer.to_string()])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("writer starts")
        })
        .collect();
    let mut acks = 0;
    for c in children {
        let out = c.wait_with_output().expect("writer ends");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        acks += String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with("ack ")).count();
    }
    assert_eq!(acks, 2 * per_writer);
    let store = SqliteStore::open(&path).expect("open");
    let me = store.local_person().expect("local person");
    assert_eq!(store.entries(me).expect("entries").len(), 2 * per_writer);
    assert_eq!(store.integrity_check().expect("integrity"), vec!["ok".to_string()]);
}

#[test]
fn a_backup_is_a_consistent_copy_taken_while_another_writes() {
    use spotter_diary::{Date, Entry, Pain};
    use spotter_store::{DiaryStore, OnExisting};
    let engine = SqliteEngine::new();
    let path = engine.fresh_path();
    let store = SqliteStore::open(&path).expect("open");
    let me = store.local_person().expect("person");
    let start = Date::from_ymd(2025, 1, 1).expect("date");
    for i in 0..50 {
        let day = start.add_days(i).expect("date");
        store.add_entry(me, &Entry::rest_day(day, Pain::new(3).expect("pain")), OnExisting::Refuse).expect("add");
    }
    let copy = path.with_file_name("backup.db");
    let other = SqliteStore::open(&path).expect("second connection");
    std::thread::scope(|s| {
        s.spawn(|| {
            for i in 50..150 {
                let day = start.add_days(i).expect("date");
                other.add_entry(me, &Entry::rest_day(day, Pain::new(2).expect("pain")), OnExisting::Refuse).expect("add");
            }
        });
        store.backup_to(&copy).expect("backup");
    });
    let restored = SqliteStore::open(&copy).expect("the copy opens");
    assert_eq!(restored.integrity_check().expect("integrity"), vec!["ok".to_string()]);
    let n = restored.entries(me).expect("entries").len();
    assert!((50..=150).contains(&n), "{n} entries in the copy");
    // Entries are consecutive days: a consistent copy has no gap.
    let dates: Vec<Date> = restored.entries(me).expect("entries").iter().map(|e| e.record.date).collect();
    assert!(dates.windows(2).all(|w| w[1].days_since(w[0]) == 1), "a gap in the copy");
    let err = store.backup_to(&copy).err().expect("an existing file is refused");
    assert!(err.to_string().contains("already exists"), "{err}");
}

#[test]
fn a_store_called_from_inside_an_async_runtime_still_works() {
    use spotter_diary::{Date, Entry, Pain};
    use spotter_store::{DiaryStore, OnExisting};
    let engine = SqliteEngine::new();
    let store = SqliteStore::open(&engine.fresh_path()).expect("open");
    let outer = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    // As a web handler would call it without spawn_blocking: no "runtime within a runtime" panic.
    let n = outer.block_on(async {
        let me = store.local_person().expect("person");
        let day = Date::from_ymd(2026, 1, 2).expect("date");
        store.add_entry(me, &Entry::rest_day(day, Pain::new(1).expect("pain")), OnExisting::Refuse).expect("add");
        store.entries(me).expect("entries").len()
    });
    assert_eq!(n, 1);
}
