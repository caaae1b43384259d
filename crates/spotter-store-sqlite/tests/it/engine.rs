//! The conformance harness for SQLite: fresh databases are new files (in new folders) under one
//! temporary folder per test.

use spotter_store::conformance::Engine;
use spotter_store::{Location, Store, StoreError};
use spotter_store_sqlite::SqliteStore;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct SqliteEngine {
    dir: tempfile::TempDir,
    next: AtomicUsize,
}

impl SqliteEngine {
    pub fn new() -> SqliteEngine {
        SqliteEngine { dir: tempfile::tempdir().expect("temporary folder"), next: AtomicUsize::new(0) }
    }

    pub fn fresh_path(&self) -> PathBuf {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        self.dir.path().join(format!("db{n}")).join("spotter.db")
    }
}

fn path_of(location: &Location) -> &Path {
    match location {
        Location::Sqlite { path } => path,
        other => panic!("not an SQLite location: {other}"),
    }
}

/// Runs SQL statements on a plain connection (one that sets no journal mode).
pub fn plain<T>(path: &Path, f: impl AsyncFnOnce(&mut SqliteConnection) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let opts = SqliteConnectOptions::new().filename(path).create_if_missing(false);
        let mut conn = SqliteConnection::connect_with(&opts).await.expect("plain connection");
        let out = f(&mut conn).await;
        conn.close().await.expect("close");
        out
    })
}

impl Engine for SqliteEngine {
    fn name(&self) -> &'static str {
        "SQLite"
    }

    fn fresh(&self) -> Location {
        Location::Sqlite { path: self.fresh_path() }
    }

    fn open(&self, location: &Location) -> Result<Box<dyn Store>, StoreError> {
        Ok(Box::new(SqliteStore::open_location(location)?))
    }

    fn known_schema_version(&self) -> i64 {
        spotter_store_sqlite::known_schema_version()
    }

    fn stamp_newer_schema(&self, location: &Location) {
        plain(path_of(location), async |c| {
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES (99990101000000, 'from a newer Spotter', TRUE, x'00', 0)",
            )
            .execute(&mut *c)
            .await
            .expect("stamp");
        })
    }

    fn dump(&self, location: &Location) -> String {
        plain(path_of(location), async |c| {
            let mut out = String::new();
            for (table, order) in
                [("person", "id"), ("diary_entry", "id"), ("triage_check", "id"), ("_sqlx_migrations", "version")]
            {
                let cols: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{table}')")))
                    .fetch_all(&mut *c)
                    .await
                    .expect("columns");
                let quoted: Vec<String> = cols.iter().map(|col| format!("quote({col})")).collect();
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM {table} ORDER BY {order}",
                    quoted.join(" || '|' || ")
                )))
                .fetch_all(&mut *c)
                .await
                .expect("rows");
                out.push_str(&format!("{table}:\n{}\n", rows.join("\n")));
            }
            out
        })
    }
}
