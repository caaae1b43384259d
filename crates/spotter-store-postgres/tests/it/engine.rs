//! The conformance harness for PostgreSQL: each fresh database is a new database on the test
//! server (`CREATE DATABASE`), dropped when the harness is.

use spotter_store::conformance::Engine;
use spotter_store::{Location, Store, StoreError};
use spotter_store_postgres::PostgresStore;
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable naming the test server.
pub const URL_VAR: &str = "SPOTTER_TEST_PG_URL";

pub struct PgEngine {
    base: String,
    created: Mutex<Vec<String>>,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl PgEngine {
    /// The harness on the server of `SPOTTER_TEST_PG_URL`, or why there is none.
    pub fn from_env() -> Result<PgEngine, String> {
        match std::env::var(URL_VAR) {
            Ok(url) if !url.is_empty() => Ok(PgEngine { base: url, created: Mutex::new(Vec::new()) }),
            _ => Err(format!("{URL_VAR} is not set (bash scripts/pg-test.sh cargo test -p spotter-store-postgres sets it)")),
        }
    }

    /// The URL of database `name` on the test server.
    pub fn url_of(&self, name: &str) -> String {
        with_database(&self.base, name)
    }

    /// A new, empty database on the test server; its name.
    pub fn create_database(&self) -> String {
        let name = format!("spotter_t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        self.admin(&format!("CREATE DATABASE {name}"));
        self.created.lock().expect("lock").push(name.clone());
        name
    }

    /// Runs one statement on the server's own database.
    pub fn admin(&self, sql: &str) {
        let sql = sql.to_string();
        sql_on(&self.base, async move |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *c).await.expect("admin statement");
        })
    }
}

impl Drop for PgEngine {
    fn drop(&mut self) {
        let names = std::mem::take(&mut *self.created.lock().expect("lock"));
        for name in names {
            self.admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// `url` with its database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let (head, query) = match url[start..].find('?') {
        Some(q) => url.split_at(start + q),
        None => (url, ""),
    };
    let authority_end = head[start..].find('/').map_or(head.len(), |i| start + i);
    format!("{}/{name}{query}", &head[..authority_end])
}

/// Runs `f` on a plain connection to `url`.
pub fn sql_on<T>(url: &str, f: impl AsyncFnOnce(&mut PgConnection) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let mut conn = PgConnection::connect(url).await.unwrap_or_else(|e| panic!("cannot connect to the test server: {e}"));
        let out = f(&mut conn).await;
        let _ = conn.close().await;
        out
    })
}

fn url(location: &Location) -> &str {
    match location {
        Location::Postgres { url } => url,
        other => panic!("not a PostgreSQL location: {other}"),
    }
}

impl Engine for PgEngine {
    fn name(&self) -> &'static str {
        "PostgreSQL"
    }

    fn fresh(&self) -> Location {
        Location::Postgres { url: self.url_of(&self.create_database()) }
    }

    fn open(&self, location: &Location) -> Result<Box<dyn Store>, StoreError> {
        Ok(Box::new(PostgresStore::open_location(location)?))
    }

    fn known_schema_version(&self) -> i64 {
        spotter_store_postgres::known_schema_version()
    }

    fn stamp_newer_schema(&self, location: &Location) {
        sql_on(url(location), async |c| {
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES (99990101000000, 'from a newer Spotter', TRUE, '\\x00', 0)",
            )
            .execute(&mut *c)
            .await
            .expect("stamp");
        })
    }

    fn dump(&self, location: &Location) -> String {
        sql_on(url(location), async |c| {
            let mut out = String::new();
            for (table, order) in [("person", "id"), ("diary_entry", "id"), ("triage_check", "id"), ("_sqlx_migrations", "version")] {
                let rows: Vec<String> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT t::text FROM {table} t ORDER BY {order}")))
                        .fetch_all(&mut *c)
                        .await
                        .expect("rows");
                out.push_str(&format!("{table}:\n{}\n", rows.join("\n")));
            }
            out
        })
    }
}
