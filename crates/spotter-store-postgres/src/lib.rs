//! Spotter's server storage engine: the `spotter_store::Store` trait on PostgreSQL, chosen by a
//! `postgres://` (or `postgresql://`) URL, through sqlx, with this crate's own numbered
//! migrations (`migrations/`, never edited once released).
//!
//! Every write is one transaction that first takes a transaction-scoped advisory lock on its
//! person, so two writers for one person queue instead of racing (one entry per date holds under
//! any interleaving); a commit returns once PostgreSQL has made it durable (its default
//! `synchronous_commit=on`). Opening takes a database-wide advisory lock, looks at what is there,
//! and refuses, before any change, a database of a newer Spotter schema or one holding other
//! programs' tables.

use spotter_diary::Date;
use spotter_store::{
    CheckId, CheckRecord, EntryId, EntryRecord, ImportCounts, Location, OnExisting, PersonId, Store, StoreError, StoredCheck,
    StoredEntry,
};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::Row;
use std::collections::HashMap;
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

/// This crate's migrations, compiled in.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long to wait for a connection (the server, or a free one from the pool).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

const ENTRY_COLUMNS: &str = "id, to_char(entry_date, 'YYYY-MM-DD') AS entry_date, pain_now, trained, doc, \
     to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS recorded_at, replaces, \
     replaced_at IS NOT NULL AS replaced";

/// The highest schema version this build knows (its last migration).
pub fn known_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// A Spotter database on a PostgreSQL server.
pub struct PostgresStore {
    rt: tokio::runtime::Runtime,
    pool: PgPool,
    location: Location,
}

impl PostgresStore {
    /// Opens the database at `location` (which must be a PostgreSQL URL).
    pub fn open_location(location: &Location) -> Result<PostgresStore, StoreError> {
        match location {
            Location::Postgres { url } => PostgresStore::open(url),
            Location::Sqlite { .. } => Err(StoreError::Open {
                engine: "PostgreSQL",
                location: location.to_string(),
                reason: "this is a file; the PostgreSQL engine opens postgres:// URLs".into(),
            }),
        }
    }

    /// Connects to `url` and brings the database's schema up to this build's; refuses, unchanged,
    /// a database whose schema is newer or that holds other programs' tables.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let location = Location::Postgres { url: url.to_string() };
        let open_err = |reason: String| StoreError::Open { engine: "PostgreSQL", location: location.to_string(), reason };
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| open_err(format!("the URL does not read: {e}")))?
            // A commit returns only once durable, whatever the server's default says.
            .options([("synchronous_commit", "on")]);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| open_err(e.to_string()))?;
        let pool = rt.block_on(async {
            let pool = PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect_with(options)
                .await
                .map_err(|e| open_err(e.to_string()))?;
            let mut tx = pool.begin().await.map_err(|e| open_err(e.to_string()))?;
            // One opener at a time per database: the look and the migration see the same state.
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('spotter schema', 0))")
                .execute(&mut *tx)
                .await
                .map_err(|e| open_err(e.to_string()))?;
            inspect(&mut tx, &location).await?;
            MIGRATOR.run(&mut *tx).await.map_err(|e| migrate_error(&location, e))?;
            tx.commit().await.map_err(|e| open_err(e.to_string()))?;
            Ok::<_, StoreError>(pool)
        })?;
        Ok(PostgresStore { rt, pool, location })
    }

    /// The server's `synchronous_commit` on this store's connections (`on`: a commit returns once
    /// it is on disk).
    pub fn synchronous_commit(&self) -> Result<String, StoreError> {
        self.run(async { sqlx::query_scalar("SHOW synchronous_commit").fetch_one(&self.pool).await.map_err(engine) })
    }

    /// Runs `fut` on this store's runtime; from inside another runtime, on a thread of its own.
    fn run<T: Send>(&self, fut: impl Future<Output = T> + Send) -> T {
        if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|s| match s.spawn(|| self.rt.block_on(fut)).join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
        } else {
            self.rt.block_on(fut)
        }
    }

    /// A write transaction for `person`: the person's lock taken, the person known to exist.
    async fn begin_for(&self, person: PersonId) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(engine)?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('spotter person ' || $1::text, 0))")
            .bind(person.0)
            .execute(&mut *tx)
            .await
            .map_err(engine)?;
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM person WHERE id = $1").bind(person.0).fetch_optional(&mut *tx).await.map_err(engine)?;
        if found.is_none() {
            return Err(StoreError::UnknownPerson(person));
        }
        Ok(tx)
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        let pool = self.pool.clone();
        self.run(async move { pool.close().await });
    }
}

impl Store for PostgresStore {
    fn location(&self) -> &Location {
        &self.location
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        self.run(async {
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0)::BIGINT FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await
                .map_err(engine)
        })
    }

    fn local_person(&self) -> Result<PersonId, StoreError> {
        self.run(async {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM person WHERE local").fetch_optional(&self.pool).await.map_err(engine)?;
            if let Some(id) = found {
                return Ok(PersonId(id));
            }
            let mut tx = self.pool.begin().await.map_err(engine)?;
            sqlx::query("INSERT INTO person (local) VALUES (TRUE) ON CONFLICT (local) DO NOTHING")
                .execute(&mut *tx)
                .await
                .map_err(engine)?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM person WHERE local").fetch_one(&mut *tx).await.map_err(engine)?;
            tx.commit().await.map_err(engine)?;
            Ok(PersonId(id))
        })
    }

    fn new_person(&self) -> Result<PersonId, StoreError> {
        self.run(async {
            let id: i64 =
                sqlx::query_scalar("INSERT INTO person DEFAULT VALUES RETURNING id").fetch_one(&self.pool).await.map_err(engine)?;
            Ok(PersonId(id))
        })
    }

    fn insert_entry(&self, person: PersonId, entry: &EntryRecord, on_existing: OnExisting) -> Result<EntryId, StoreError> {
        entry.validate()?;
        self.run(async {
            let mut tx = self.begin_for(person).await?;
            let id = write_entry(&mut tx, person, entry, on_existing).await?;
            tx.commit().await.map_err(engine)?;
            Ok(id)
        })
    }

    fn entries(&self, person: PersonId) -> Result<Vec<StoredEntry>, StoreError> {
        self.run(async {
            let sql = format!("SELECT {ENTRY_COLUMNS} FROM diary_entry WHERE person_id = $1 AND replaced_at IS NULL ORDER BY entry_date");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(person.0).fetch_all(&self.pool).await.map_err(engine)?;
            rows.iter().map(entry_from_row).collect()
        })
    }

    fn entry_versions(&self, person: PersonId, date: Date) -> Result<Vec<StoredEntry>, StoreError> {
        self.run(async {
            let sql = format!("SELECT {ENTRY_COLUMNS} FROM diary_entry WHERE person_id = $1 AND entry_date = $2::date ORDER BY id");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person.0)
                .bind(date.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(engine)?;
            rows.iter().map(entry_from_row).collect()
        })
    }

    fn insert_check(&self, person: PersonId, check: &CheckRecord) -> Result<CheckId, StoreError> {
        check.validate()?;
        self.run(async {
            let mut tx = self.begin_for(person).await?;
            let id = write_check(&mut tx, person, check).await?;
            tx.commit().await.map_err(engine)?;
            Ok(id)
        })
    }

    fn checks(&self, person: PersonId) -> Result<Vec<StoredCheck>, StoreError> {
        self.run(async {
            let rows = sqlx::query(
                "SELECT id, to_char(check_date, 'YYYY-MM-DD') AS check_date, answers, tier, result,
                        to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS recorded_at
                 FROM triage_check WHERE person_id = $1 ORDER BY check_date, id",
            )
            .bind(person.0)
            .fetch_all(&self.pool)
            .await
            .map_err(engine)?;
            rows.iter().map(check_from_row).collect()
        })
    }

    fn import(&self, person: PersonId, entries: &[EntryRecord], checks: &[CheckRecord]) -> Result<ImportCounts, StoreError> {
        for e in entries {
            e.validate()?;
        }
        for c in checks {
            c.validate()?;
        }
        self.run(async {
            let mut tx = self.begin_for(person).await?;
            let mut counts = ImportCounts::default();
            for e in entries {
                let current: Option<String> = sqlx::query_scalar(
                    "SELECT doc FROM diary_entry WHERE person_id = $1 AND entry_date = $2::date AND replaced_at IS NULL",
                )
                .bind(person.0)
                .bind(e.date.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(engine)?;
                match current {
                    Some(doc) if doc == e.doc => counts.entries_already_stored += 1,
                    Some(_) => return Err(StoreError::DateTaken { date: e.date }),
                    None => {
                        write_entry(&mut tx, person, e, OnExisting::Refuse).await?;
                        counts.entries_added += 1;
                    }
                }
            }
            // Each stored check matches at most one imported one, so a file with two equal checks
            // keeps both, and importing it again adds neither.
            let mut stored_left: HashMap<(Date, &str, &str), i64> = HashMap::new();
            for c in checks {
                let key = (c.date, c.answers.as_str(), c.tier.id());
                let left = match stored_left.entry(key) {
                    std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        let n: i64 = sqlx::query_scalar(
                            "SELECT COUNT(*) FROM triage_check WHERE person_id = $1 AND check_date = $2::date AND answers = $3 AND tier = $4",
                        )
                        .bind(person.0)
                        .bind(c.date.to_string())
                        .bind(&c.answers)
                        .bind(c.tier.id())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(engine)?;
                        v.insert(n)
                    }
                };
                if *left > 0 {
                    *left -= 1;
                    counts.checks_already_stored += 1;
                } else {
                    write_check(&mut tx, person, c).await?;
                    counts.checks_added += 1;
                }
            }
            tx.commit().await.map_err(engine)?;
            Ok(counts)
        })
    }
}

async fn write_entry(conn: &mut PgConnection, person: PersonId, e: &EntryRecord, on_existing: OnExisting) -> Result<EntryId, StoreError> {
    let date = e.date.to_string();
    let current: Option<i64> =
        sqlx::query_scalar("SELECT id FROM diary_entry WHERE person_id = $1 AND entry_date = $2::date AND replaced_at IS NULL")
            .bind(person.0)
            .bind(&date)
            .fetch_optional(&mut *conn)
            .await
            .map_err(engine)?;
    let replaces = match (current, on_existing) {
        (Some(_), OnExisting::Refuse) => return Err(StoreError::DateTaken { date: e.date }),
        (Some(old), OnExisting::Replace) => {
            sqlx::query("UPDATE diary_entry SET replaced_at = now() WHERE id = $1").bind(old).execute(&mut *conn).await.map_err(engine)?;
            Some(old)
        }
        (None, _) => None,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO diary_entry (person_id, entry_date, pain_now, trained, doc, replaces)
         VALUES ($1, $2::date, $3, $4, $5, $6) RETURNING id",
    )
    .bind(person.0)
    .bind(&date)
    .bind(i32::from(e.pain_now))
    .bind(e.trained)
    .bind(&e.doc)
    .bind(replaces)
    .fetch_one(&mut *conn)
    .await
    .map_err(|err| write_error(err, e.date))?;
    Ok(EntryId(id))
}

async fn write_check(conn: &mut PgConnection, person: PersonId, c: &CheckRecord) -> Result<CheckId, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO triage_check (person_id, check_date, answers, tier, result) VALUES ($1, $2::date, $3, $4, $5) RETURNING id",
    )
    .bind(person.0)
    .bind(c.date.to_string())
    .bind(&c.answers)
    .bind(c.tier.id())
    .bind(c.result.as_deref())
    .fetch_one(&mut *conn)
    .await
    .map_err(|err| write_error(err, c.date))?;
    Ok(CheckId(id))
}

fn decode(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

fn entry_from_row(row: &PgRow) -> Result<StoredEntry, StoreError> {
    let get = || -> Result<StoredEntry, sqlx::Error> {
        let date: String = row.try_get("entry_date")?;
        let pain: i32 = row.try_get("pain_now")?;
        Ok(StoredEntry {
            id: EntryId(row.try_get("id")?),
            record: EntryRecord {
                date: Date::parse(&date).map_err(|e| decode(e.to_string()))?,
                pain_now: u8::try_from(pain).map_err(|e| decode(e.to_string()))?,
                trained: row.try_get("trained")?,
                doc: row.try_get("doc")?,
            },
            recorded_at: row.try_get("recorded_at")?,
            replaces: row.try_get::<Option<i64>, _>("replaces")?.map(EntryId),
            replaced: row.try_get("replaced")?,
        })
    };
    get().map_err(|e| StoreError::Corrupt { what: "a stored entry".into(), reason: e.to_string() })
}

fn check_from_row(row: &PgRow) -> Result<StoredCheck, StoreError> {
    let get = || -> Result<StoredCheck, sqlx::Error> {
        let date: String = row.try_get("check_date")?;
        let tier: String = row.try_get("tier")?;
        Ok(StoredCheck {
            id: CheckId(row.try_get("id")?),
            record: CheckRecord {
                date: Date::parse(&date).map_err(|e| decode(e.to_string()))?,
                answers: row.try_get("answers")?,
                tier: spotter_kb::Tier::from_id(&tier).ok_or_else(|| decode(format!("{tier:?} is not a tier")))?,
                result: row.try_get("result")?,
            },
            recorded_at: row.try_get("recorded_at")?,
        })
    };
    get().map_err(|e| StoreError::Corrupt { what: "a stored check".into(), reason: e.to_string() })
}

/// Looks at the database before anything is written to it: a Spotter schema this build knows (or
/// an empty schema) passes; anything else is refused.
async fn inspect(conn: &mut PgConnection, location: &Location) -> Result<(), StoreError> {
    let open_err = |e: sqlx::Error| StoreError::Open { engine: "PostgreSQL", location: location.to_string(), reason: e.to_string() };
    let tables: Vec<String> = sqlx::query_scalar("SELECT tablename::TEXT FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
        .fetch_all(&mut *conn)
        .await
        .map_err(open_err)?;
    if tables.is_empty() {
        return Ok(());
    }
    if !tables.iter().any(|t| t == "_sqlx_migrations") {
        let shown: Vec<&str> = tables.iter().take(3).map(String::as_str).collect();
        let more = if tables.len() > 3 { format!(" and {} more", tables.len() - 3) } else { String::new() };
        return Err(StoreError::NotSpotter {
            location: location.to_string(),
            reason: format!("its schema holds tables Spotter did not make: {}{more}", shown.join(", ")),
        });
    }
    let applied: Vec<(i64, bool)> =
        sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version").fetch_all(&mut *conn).await.map_err(open_err)?;
    let known = known_schema_version();
    let unknown = applied.iter().map(|a| a.0).filter(|v| !MIGRATOR.iter().any(|m| m.version == *v)).max();
    if let Some(found) = unknown {
        return Err(StoreError::NewerSchema { engine: "PostgreSQL", location: location.to_string(), found: found.max(known + 1), known });
    }
    if let Some((version, _)) = applied.iter().find(|a| !a.1) {
        return Err(StoreError::UnfinishedUpgrade { location: location.to_string(), version: *version });
    }
    Ok(())
}

fn migrate_error(location: &Location, e: sqlx::migrate::MigrateError) -> StoreError {
    use sqlx::migrate::MigrateError as M;
    match e {
        M::VersionMissing(found) => {
            StoreError::NewerSchema { engine: "PostgreSQL", location: location.to_string(), found, known: known_schema_version() }
        }
        M::Dirty(version) => StoreError::UnfinishedUpgrade { location: location.to_string(), version },
        M::VersionMismatch(v) => StoreError::Corrupt {
            what: format!("schema version {v} of {location}"),
            reason: "it differs from the migration of that number this Spotter has (a released migration was edited)".into(),
        },
        other => StoreError::Open { engine: "PostgreSQL", location: location.to_string(), reason: other.to_string() },
    }
}

/// A failed write: the schema's own refusals by field, the rest as a database failure.
fn write_error(e: sqlx::Error, date: Date) -> StoreError {
    if let Some(d) = e.as_database_error() {
        let code = d.code().unwrap_or_default();
        let constraint = d.constraint().unwrap_or_default().to_string();
        match code.as_ref() {
            // unique_violation
            "23505" if constraint == "diary_entry_one_per_date" => return StoreError::DateTaken { date },
            // check_violation: the constraint is named table_field_check
            "23514" => {
                let field = constraint.trim_end_matches("_check");
                let field = ["diary_entry_", "triage_check_"].iter().find_map(|t| field.strip_prefix(t)).unwrap_or(field);
                return StoreError::BadRecord { field: field.to_string(), message: d.message().to_string() };
            }
            _ => {}
        }
    }
    engine(e)
}

fn engine(e: sqlx::Error) -> StoreError {
    StoreError::Engine(e.to_string())
}
