//! Spotter's embedded storage engine: the `spotter_store::Store` trait on one SQLite file,
//! through sqlx, with this crate's own numbered migrations (`migrations/`, never edited once
//! released).
//!
//! Every connection sets, explicitly: `journal_mode=WAL`, `synchronous=FULL` (a commit is on disk
//! before it returns, so a write reports success only once durable), `foreign_keys=ON`, and a
//! busy timeout of [`BUSY_TIMEOUT`] so the web server and the command line can write to one file
//! at once. Every write is one `BEGIN IMMEDIATE` transaction: it takes the write lock first, so
//! two writers queue instead of failing part way.
//!
//! Opening never changes a database it should not: a file that is not SQLite, an SQLite file of
//! another program, or a Spotter database of a newer schema is refused before anything is written
//! (the first look uses a plain connection that sets no persistent setting).

use spotter_diary::Date;
use spotter_store::{
    CheckId, CheckRecord, EntryId, EntryRecord, ImportCounts, Location, OnExisting, PersonId, Store, StoreError, StoredCheck,
    StoredEntry,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{Connection, Row};
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// This crate's migrations, compiled in.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a write waits for another connection's write lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The record fields the schema checks, as its columns are named.
const RECORD_FIELDS: [&str; 8] = ["pain_now", "trained", "doc", "entry_date", "check_date", "answers", "tier", "result"];

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// The highest schema version this build knows (its last migration).
pub fn known_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// A Spotter database in one SQLite file.
pub struct SqliteStore {
    rt: tokio::runtime::Runtime,
    pool: SqlitePool,
    location: Location,
    path: PathBuf,
}

/// The connection settings as SQLite reports them (what [`SqliteStore::settings`] reads back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `wal`.
    pub journal_mode: String,
    /// 2 is FULL.
    pub synchronous: i64,
    pub foreign_keys: bool,
    /// Milliseconds.
    pub busy_timeout_ms: i64,
}

impl SqliteStore {
    /// Opens the database at `location` (which must be an SQLite one).
    pub fn open_location(location: &Location) -> Result<SqliteStore, StoreError> {
        match location {
            Location::Sqlite { path } => SqliteStore::open(path),
            Location::Postgres { .. } => Err(StoreError::Open {
                engine: "SQLite",
                location: location.to_string(),
                reason: "this is a PostgreSQL URL; the SQLite engine opens files".into(),
            }),
        }
    }

    /// Opens the database file at `path`, making it (and its folders) on first use, and brings its
    /// schema up to this build's. Refuses, unchanged, a file that is not a Spotter database or
    /// whose schema is newer.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let location = Location::Sqlite { path: path.to_path_buf() };
        let open_err = |reason: String| StoreError::Open { engine: "SQLite", location: location.to_string(), reason };
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| open_err(e.to_string()))?;
        if path.is_dir() {
            return Err(open_err("it is a folder; give a file, such as spotter.db inside it".into()));
        }
        let exists = std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
        if exists {
            // A first look that sets nothing persistent (no journal mode), so a file we refuse is
            // left exactly as it was.
            rt.block_on(async {
                let opts = SqliteConnectOptions::new().filename(path).create_if_missing(false).busy_timeout(BUSY_TIMEOUT);
                let mut conn = SqliteConnection::connect_with(&opts).await.map_err(|e| open_error(&location, &e))?;
                let seen = inspect(&mut conn, &location).await;
                let _ = conn.close().await;
                seen
            })?;
        } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_dirs_durably(parent).map_err(|e| open_err(format!("cannot make the folder {}: {e}", parent.display())))?;
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = rt.block_on(async {
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .acquire_timeout(BUSY_TIMEOUT * 3)
                .connect_with(opts)
                .await
                .map_err(|e| open_error(&location, &e))?;
            // Look again and migrate under the write lock: two programs opening a new file at
            // once make its schema once.
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(|e| open_error(&location, &e))?;
            inspect(&mut tx, &location).await?;
            MIGRATOR.run(&mut *tx).await.map_err(|e| migrate_error(&location, e))?;
            tx.commit().await.map_err(|e| open_error(&location, &e))?;
            Ok::<_, StoreError>(pool)
        })?;
        // A new file's name in its folder is durable too, not only its contents.
        if !exists && let Some(parent) = path.parent() {
            sync_dir(if parent.as_os_str().is_empty() { Path::new(".") } else { parent })
                .map_err(|e| open_err(format!("cannot sync its folder: {e}")))?;
        }
        Ok(SqliteStore { rt, pool, location, path: path.to_path_buf() })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The settings of a connection, as SQLite reports them.
    pub fn settings(&self) -> Result<Settings, StoreError> {
        self.run(async {
            let mut conn = self.pool.acquire().await.map_err(engine)?;
            let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *conn).await.map_err(engine)?;
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut *conn).await.map_err(engine)?;
            let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut *conn).await.map_err(engine)?;
            let busy_timeout_ms: i64 = sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(&mut *conn).await.map_err(engine)?;
            Ok(Settings { journal_mode, synchronous, foreign_keys: foreign_keys == 1, busy_timeout_ms })
        })
    }

    /// `PRAGMA integrity_check`: `["ok"]` for a sound file, else the problems SQLite lists.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        self.run(async { sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&self.pool).await.map_err(engine) })
    }

    /// Writes a consistent copy of the whole database to a new file `dest` (`VACUUM INTO`: one
    /// read transaction, so writers may go on meanwhile), synced to disk with its folder before
    /// returning. An existing `dest` is refused and left alone.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        let bad = |message: String| StoreError::BadRecord { field: "backup file".into(), message };
        if dest.exists() {
            return Err(bad(format!("{} already exists; give a new file name", dest.display())));
        }
        let Some(dest_text) = dest.to_str() else { return Err(bad("the file name is not valid UTF-8".into())) };
        self.run(async {
            sqlx::query("VACUUM INTO ?").bind(dest_text).execute(&self.pool).await.map_err(engine)
        })?;
        let failed = |e: std::io::Error| StoreError::Engine(format!("cannot sync the copy {}: {e}", dest.display()));
        std::fs::File::open(dest).and_then(|f| f.sync_all()).map_err(failed)?;
        sync_dir(dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))).map_err(failed)
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
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        let pool = self.pool.clone();
        self.run(async move { pool.close().await });
    }
}

impl Store for SqliteStore {
    fn location(&self) -> &Location {
        &self.location
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        self.run(async {
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await
                .map_err(engine)
        })
    }

    fn local_person(&self) -> Result<PersonId, StoreError> {
        self.run(async {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM person WHERE local = 1").fetch_optional(&self.pool).await.map_err(engine)?;
            if let Some(id) = found {
                return Ok(PersonId(id));
            }
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(engine)?;
            sqlx::query("INSERT INTO person (local) VALUES (1) ON CONFLICT (local) DO NOTHING")
                .execute(&mut *tx)
                .await
                .map_err(engine)?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM person WHERE local = 1").fetch_one(&mut *tx).await.map_err(engine)?;
            tx.commit().await.map_err(engine)?;
            Ok(PersonId(id))
        })
    }

    fn new_person(&self) -> Result<PersonId, StoreError> {
        self.run(async {
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(engine)?;
            let id: i64 =
                sqlx::query_scalar("INSERT INTO person DEFAULT VALUES RETURNING id").fetch_one(&mut *tx).await.map_err(engine)?;
            tx.commit().await.map_err(engine)?;
            Ok(PersonId(id))
        })
    }

    fn insert_entry(&self, person: PersonId, entry: &EntryRecord, on_existing: OnExisting) -> Result<EntryId, StoreError> {
        entry.validate()?;
        self.run(async {
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(engine)?;
            require_person(&mut tx, person).await?;
            let id = write_entry(&mut tx, person, entry, on_existing).await?;
            tx.commit().await.map_err(engine)?;
            Ok(id)
        })
    }

    fn entries(&self, person: PersonId) -> Result<Vec<StoredEntry>, StoreError> {
        self.run(async {
            let rows = sqlx::query(
                "SELECT id, entry_date, pain_now, trained, doc, recorded_at, replaces, replaced_at IS NOT NULL AS replaced
                 FROM diary_entry WHERE person_id = ? AND replaced_at IS NULL ORDER BY entry_date",
            )
            .bind(person.0)
            .fetch_all(&self.pool)
            .await
            .map_err(engine)?;
            rows.iter().map(entry_from_row).collect()
        })
    }

    fn entry_versions(&self, person: PersonId, date: Date) -> Result<Vec<StoredEntry>, StoreError> {
        self.run(async {
            let rows = sqlx::query(
                "SELECT id, entry_date, pain_now, trained, doc, recorded_at, replaces, replaced_at IS NOT NULL AS replaced
                 FROM diary_entry WHERE person_id = ? AND entry_date = ? ORDER BY id",
            )
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
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(engine)?;
            require_person(&mut tx, person).await?;
            let id = write_check(&mut tx, person, check).await?;
            tx.commit().await.map_err(engine)?;
            Ok(id)
        })
    }

    fn checks(&self, person: PersonId) -> Result<Vec<StoredCheck>, StoreError> {
        self.run(async {
            let rows = sqlx::query(
                "SELECT id, check_date, answers, tier, result, recorded_at FROM triage_check
                 WHERE person_id = ? ORDER BY check_date, id",
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
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(engine)?;
            require_person(&mut tx, person).await?;
            let mut counts = ImportCounts::default();
            for e in entries {
                let current: Option<String> = sqlx::query_scalar(
                    "SELECT doc FROM diary_entry WHERE person_id = ? AND entry_date = ? AND replaced_at IS NULL",
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
                            "SELECT COUNT(*) FROM triage_check WHERE person_id = ? AND check_date = ? AND answers = ? AND tier = ?",
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

async fn require_person(conn: &mut SqliteConnection, person: PersonId) -> Result<(), StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM person WHERE id = ?").bind(person.0).fetch_optional(&mut *conn).await.map_err(engine)?;
    found.map(|_| ()).ok_or(StoreError::UnknownPerson(person))
}

async fn write_entry(conn: &mut SqliteConnection, person: PersonId, e: &EntryRecord, on_existing: OnExisting) -> Result<EntryId, StoreError> {
    let date = e.date.to_string();
    let current: Option<i64> =
        sqlx::query_scalar("SELECT id FROM diary_entry WHERE person_id = ? AND entry_date = ? AND replaced_at IS NULL")
            .bind(person.0)
            .bind(&date)
            .fetch_optional(&mut *conn)
            .await
            .map_err(engine)?;
    let replaces = match (current, on_existing) {
        (Some(_), OnExisting::Refuse) => return Err(StoreError::DateTaken { date: e.date }),
        (Some(old), OnExisting::Replace) => {
            sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE diary_entry SET replaced_at = {NOW} WHERE id = ?")))
                .bind(old)
                .execute(&mut *conn)
                .await
                .map_err(engine)?;
            Some(old)
        }
        (None, _) => None,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO diary_entry (person_id, entry_date, pain_now, trained, doc, replaces) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(person.0)
    .bind(&date)
    .bind(i64::from(e.pain_now))
    .bind(e.trained)
    .bind(&e.doc)
    .bind(replaces)
    .fetch_one(&mut *conn)
    .await
    .map_err(|err| write_error(err, e.date))?;
    Ok(EntryId(id))
}

async fn write_check(conn: &mut SqliteConnection, person: PersonId, c: &CheckRecord) -> Result<CheckId, StoreError> {
    let id: i64 =
        sqlx::query_scalar("INSERT INTO triage_check (person_id, check_date, answers, tier, result) VALUES (?, ?, ?, ?, ?) RETURNING id")
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

fn parse_date(text: &str, what: &str) -> Result<Date, StoreError> {
    Date::parse(text).map_err(|e| StoreError::Corrupt { what: what.into(), reason: e.to_string() })
}

fn entry_from_row(row: &SqliteRow) -> Result<StoredEntry, StoreError> {
    let get = || -> Result<StoredEntry, sqlx::Error> {
        let date: String = row.try_get("entry_date")?;
        let pain: i64 = row.try_get("pain_now")?;
        Ok(StoredEntry {
            id: EntryId(row.try_get("id")?),
            record: EntryRecord {
                date: parse_date(&date, "an entry's date").map_err(|e| sqlx::Error::Decode(e.to_string().into()))?,
                pain_now: u8::try_from(pain).map_err(|e| sqlx::Error::Decode(e.to_string().into()))?,
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

fn check_from_row(row: &SqliteRow) -> Result<StoredCheck, StoreError> {
    let get = || -> Result<StoredCheck, sqlx::Error> {
        let date: String = row.try_get("check_date")?;
        let tier: String = row.try_get("tier")?;
        let decode = |m: String| sqlx::Error::Decode(m.into());
        Ok(StoredCheck {
            id: CheckId(row.try_get("id")?),
            record: CheckRecord {
                date: parse_date(&date, "a check's date").map_err(|e| decode(e.to_string()))?,
                answers: row.try_get("answers")?,
                tier: spotter_kb::Tier::from_id(&tier).ok_or_else(|| decode(format!("{tier:?} is not a tier")))?,
                result: row.try_get("result")?,
            },
            recorded_at: row.try_get("recorded_at")?,
        })
    };
    get().map_err(|e| StoreError::Corrupt { what: "a stored check".into(), reason: e.to_string() })
}

/// Looks at a database before anything is written to it: a Spotter schema this build knows (or
/// none yet, in an empty file) passes; anything else is refused.
async fn inspect(conn: &mut SqliteConnection, location: &Location) -> Result<(), StoreError> {
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| open_error(location, &e))?;
    if tables.is_empty() {
        return Ok(());
    }
    if !tables.iter().any(|t| t == "_sqlx_migrations") {
        let shown: Vec<&str> = tables.iter().take(3).map(String::as_str).collect();
        let more = if tables.len() > 3 { format!(" and {} more", tables.len() - 3) } else { String::new() };
        return Err(StoreError::NotSpotter {
            location: location.to_string(),
            reason: format!("it holds tables Spotter did not make: {}{more}", shown.join(", ")),
        });
    }
    let applied: Vec<(i64, bool)> = sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| open_error(location, &e))?;
    let known = known_schema_version();
    let unknown = applied.iter().map(|a| a.0).filter(|v| !MIGRATOR.iter().any(|m| m.version == *v)).max();
    if let Some(found) = unknown {
        return Err(StoreError::NewerSchema { engine: "SQLite", location: location.to_string(), found: found.max(known + 1), known });
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
            StoreError::NewerSchema { engine: "SQLite", location: location.to_string(), found, known: known_schema_version() }
        }
        M::Dirty(version) => StoreError::UnfinishedUpgrade { location: location.to_string(), version },
        M::VersionMismatch(v) => StoreError::Corrupt {
            what: format!("schema version {v} of {location}"),
            reason: "it differs from the migration of that number this Spotter has (a released migration was edited)".into(),
        },
        other => StoreError::Open { engine: "SQLite", location: location.to_string(), reason: other.to_string() },
    }
}

fn open_error(location: &Location, e: &sqlx::Error) -> StoreError {
    let reason = match e.as_database_error().and_then(|d| d.code()) {
        Some(code) if code == "26" => {
            return StoreError::NotSpotter { location: location.to_string(), reason: "it is not an SQLite database file".into() };
        }
        Some(code) if code == "5" || code == "517" => format!("another program held it for more than {} s", BUSY_TIMEOUT.as_secs()),
        _ => e.to_string(),
    };
    StoreError::Open { engine: "SQLite", location: location.to_string(), reason }
}

/// A failed write: the schema's own refusals by field, the rest as a database failure.
fn write_error(e: sqlx::Error, date: Date) -> StoreError {
    if let Some(d) = e.as_database_error() {
        let code = d.code().unwrap_or_default();
        let message = d.message().to_string();
        // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY, _CHECK, _FOREIGNKEY, _NOTNULL
        match code.as_ref() {
            "2067" | "1555" => return StoreError::DateTaken { date },
            "275" | "1299" => {
                // "CHECK constraint failed: pain_now BETWEEN 0 AND 10": the first column named.
                let field = message
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .find(|w| RECORD_FIELDS.contains(w))
                    .unwrap_or("record")
                    .to_string();
                return StoreError::BadRecord { field, message };
            }
            _ => {}
        }
    }
    engine(e)
}

fn engine(e: sqlx::Error) -> StoreError {
    if let Some(code) = e.as_database_error().and_then(|d| d.code())
        && (code == "5" || code == "517")
    {
        return StoreError::Engine(format!("the database stayed busy for more than {} s (another program is writing to it)", BUSY_TIMEOUT.as_secs()));
    }
    StoreError::Engine(e.to_string())
}

/// Makes `dir` and its missing parents, syncing each new folder's parent so the new names survive
/// a power loss.
fn create_dirs_durably(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dirs_durably(parent)?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => return Ok(()),
        Err(e) => return Err(e),
    }
    sync_dir(dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}
