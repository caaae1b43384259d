//! What only the PostgreSQL engine has: a database holding other programs' tables is refused
//! unchanged; a server that is not there, and a file location, are refused with what was wrong
//! (never the password).

use crate::engine::{PgEngine, sql_on, with_database};
use spotter_store::conformance::skipped;
use spotter_store::{Location, StoreError};
use spotter_store_postgres::PostgresStore;

#[test]
fn urls_get_a_new_database_name_only() {
    assert_eq!(with_database("postgres://u@h/postgres?host=/tmp/s&port=5432", "x"), "postgres://u@h/x?host=/tmp/s&port=5432");
    assert_eq!(with_database("postgres://u:p@h:5433/db", "x"), "postgres://u:p@h:5433/x");
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}

#[test]
fn commits_are_durable_whatever_the_server_default() {
    let engine = match PgEngine::from_env() {
        Ok(e) => e,
        Err(reason) => return skipped("PostgreSQL", "commits_are_durable_whatever_the_server_default", &reason),
    };
    let name = engine.create_database();
    engine.admin(&format!("ALTER DATABASE {name} SET synchronous_commit = off"));
    let store = PostgresStore::open(&engine.url_of(&name)).expect("open");
    assert_eq!(store.synchronous_commit().expect("setting"), "on");
}

#[test]
fn a_diary_moves_from_sqlite_to_postgresql_unchanged() {
    use spotter_store::conformance::seed_story;
    use spotter_store::{DiaryStore, OnExisting, Store};
    let engine = match PgEngine::from_env() {
        Ok(e) => e,
        Err(reason) => return skipped("PostgreSQL", "a_diary_moves_from_sqlite_to_postgresql_unchanged", &reason),
    };
    let kb = spotter_kb::Kb::builtin().expect("knowledge base");
    let dir = tempfile::tempdir().expect("folder");
    let sqlite = spotter_store_sqlite::SqliteStore::open(&dir.path().join("spotter.db")).expect("open SQLite");
    let me = sqlite.local_person().expect("person");
    let seed = seed_story();
    sqlite.import_diary(me, &seed).expect("import");
    let replaced = spotter_diary::Entry { note: Some("rewritten".into()), ..seed.entries()[3].clone() };
    sqlite.add_entry(me, &replaced, OnExisting::Replace).expect("replace");
    let from_sqlite = sqlite.export_diary_json(&kb, me).expect("export");
    let pg = PostgresStore::open(&engine.url_of(&engine.create_database())).expect("open PostgreSQL");
    let someone = pg.local_person().expect("person");
    let today = spotter_diary::Date::from_ymd(2026, 12, 31).expect("date");
    let doc = spotter_diary::parse_diary_json(&kb, &from_sqlite, today).expect("export reads back");
    pg.import_diary(someone, &doc).expect("import");
    let from_pg = pg.export_diary_json(&kb, someone).expect("export");
    assert_eq!(from_pg, from_sqlite);
    // And back again.
    let again = spotter_store_sqlite::SqliteStore::open(&dir.path().join("again.db")).expect("open SQLite");
    let p = again.local_person().expect("person");
    again.import_diary(p, &spotter_diary::parse_diary_json(&kb, &from_pg, today).expect("reads")).expect("import");
    assert_eq!(again.export_diary_json(&kb, p).expect("export"), from_sqlite);
}

#[test]
fn a_database_of_other_tables_is_refused_unchanged() {
    let engine = match PgEngine::from_env() {
        Ok(e) => e,
        Err(reason) => return skipped("PostgreSQL", "a_database_of_other_tables_is_refused_unchanged", &reason),
    };
    let name = engine.create_database();
    let url = engine.url_of(&name);
    sql_on(&url, async |c| {
        sqlx::query("CREATE TABLE songs (title TEXT)").execute(&mut *c).await.expect("create");
    });
    match PostgresStore::open(&url) {
        Err(err @ StoreError::NotSpotter { .. }) => assert!(err.to_string().contains("songs"), "{err}"),
        Err(other) => panic!("expected NotSpotter, got {other}"),
        Ok(_) => panic!("another program's database must be refused"),
    }
    let tables: Vec<String> = sql_on(&url, async |c| {
        sqlx::query_scalar("SELECT tablename::TEXT FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            .fetch_all(&mut *c)
            .await
            .expect("tables")
    });
    assert_eq!(tables, vec!["songs".to_string()], "nothing was added");
}

#[test]
fn an_unreachable_server_or_a_file_is_refused_by_name() {
    // A socket folder with no server in it: nothing on the network is tried.
    let dir = tempfile_dir();
    let url = format!("postgres://me:s3cret@localhost/spotter?host={dir}&port=5999");
    let err = PostgresStore::open(&url).err().expect("no server there");
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Open { engine: "PostgreSQL", .. }), "{msg}");
    assert!(msg.contains("cannot open the PostgreSQL database") && !msg.contains("s3cret"), "{msg}");
    let err = PostgresStore::open("postgres://h/db?sslmode=sometimes").err().expect("bad URL");
    assert!(err.to_string().contains("the URL does not read"), "{err}");
    let err = PostgresStore::open_location(&Location::Sqlite { path: "/tmp/x.db".into() }).err().expect("a file");
    assert!(err.to_string().contains("postgres:// URLs"), "{err}");
    let _ = std::fs::remove_dir(&dir);
}

fn tempfile_dir() -> String {
    let dir = std::env::temp_dir().join(format!("spotter-no-pg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("folder");
    dir.display().to_string()
}
