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
