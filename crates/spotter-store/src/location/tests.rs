//! Tests of database locations: every accepted form, every refusal, the default path's rules.

use super::*;

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

fn parse(s: &str) -> Result<Location, LocationError> {
    Location::parse(os(s), Some(os("/home/lee")))
}

fn sqlite(p: &str) -> Location {
    Location::Sqlite { path: PathBuf::from(p) }
}

#[test]
fn sqlite_forms_and_bare_paths() {
    assert_eq!(parse("sqlite:/data/spotter.db"), Ok(sqlite("/data/spotter.db")));
    assert_eq!(parse("sqlite:rel/x.db"), Ok(sqlite("rel/x.db")));
    assert_eq!(parse("sqlite:///data/x.db"), Ok(sqlite("/data/x.db")));
    assert_eq!(parse("SQLite:/data/x.db"), Ok(sqlite("/data/x.db")));
    assert_eq!(parse("/var/lib/x.db"), Ok(sqlite("/var/lib/x.db")));
    assert_eq!(parse("my:diary.db"), Ok(sqlite("my:diary.db")));
    assert_eq!(parse("~/d/x.db"), Ok(sqlite("/home/lee/d/x.db")));
    assert_eq!(parse("sqlite:~/x.db"), Ok(sqlite("/home/lee/x.db")));
    // Without a home, `~` stays as written.
    assert_eq!(Location::parse(os("~/x.db"), None), Ok(sqlite("~/x.db")));
}

#[test]
fn postgres_urls_are_kept_as_given() {
    for url in ["postgres://me@localhost/spotter", "postgresql://me:pw@db:5433/s?sslmode=disable", "postgres:///s?host=/tmp/pg"] {
        assert_eq!(parse(url), Ok(Location::Postgres { url: url.into() }), "{url}");
    }
}

#[test]
fn refusals_say_what_to_write() {
    assert_eq!(parse(""), Err(LocationError::Empty));
    assert_eq!(parse("  "), Err(LocationError::Empty));
    assert_eq!(parse("sqlite:"), Err(LocationError::NoPath { given: "sqlite:".into() }));
    assert_eq!(parse("sqlite://"), Err(LocationError::NoPath { given: "sqlite://".into() }));
    assert_eq!(parse("sqlite::memory:"), Err(LocationError::InMemory));
    assert_eq!(parse("sqlite://file.db?mode=memory"), Err(LocationError::InMemory));
    assert_eq!(parse("postgres:spotter"), Err(LocationError::BadPostgres));
    assert_eq!(parse("postgres://"), Err(LocationError::BadPostgres));
    assert_eq!(parse("mysql://me@db/x"), Err(LocationError::UnknownScheme { scheme: "mysql".into() }));
    let msg = parse("mysql://x").unwrap_err().to_string();
    assert!(msg.contains("`mysql:`") && msg.contains("postgres://"), "{msg}");
}

#[test]
fn passwords_never_shown() {
    let loc = parse("postgres://lee:s3cret@db.local:5432/spotter").expect("url");
    assert_eq!(loc.to_string(), "postgres://lee:***@db.local:5432/spotter");
    assert_eq!(redact_password("postgres://lee@db/x"), "postgres://lee@db/x");
    assert_eq!(redact_password("postgres://db/x?password=a"), "postgres://db/x?password=a".to_string());
    let msg = parse("postgres:lee:s3cret@db").unwrap_err().to_string();
    assert!(!msg.contains("s3cret"), "{msg}");
    assert_eq!(redact_password("postgresql://u:p@h"), "postgresql://u:***@h");
}

#[test]
fn default_path_follows_xdg_then_home() {
    let d = |x: Option<&str>, h: Option<&str>| default_sqlite_path(x.map(os), h.map(os));
    assert_eq!(d(Some("/xdg"), Some("/home/lee")), Ok(PathBuf::from("/xdg/spotter/spotter.db")));
    assert_eq!(d(None, Some("/home/lee")), Ok(PathBuf::from("/home/lee/.local/share/spotter/spotter.db")));
    // A relative or empty XDG_DATA_HOME is ignored, as the XDG specification says.
    assert_eq!(d(Some("rel/data"), Some("/home/lee")), Ok(PathBuf::from("/home/lee/.local/share/spotter/spotter.db")));
    assert_eq!(d(Some(""), Some("/home/lee")), Ok(PathBuf::from("/home/lee/.local/share/spotter/spotter.db")));
    assert_eq!(d(None, None), Err(LocationError::NoDataDir));
    assert_eq!(d(None, Some("")), Err(LocationError::NoDataDir));
    assert_eq!(d(Some("x"), Some("y")), Err(LocationError::NoDataDir));
}

#[test]
fn resolve_prefers_flag_then_env_then_default() {
    let env = Environment { spotter_db: Some(os("sqlite:/env.db")), xdg_data_home: Some(os("/xdg")), home: Some(os("/h")) };
    assert_eq!(resolve(Some(os("/flag.db")), env), Ok((sqlite("/flag.db"), Source::Flag)));
    assert_eq!(resolve(None, env), Ok((sqlite("/env.db"), Source::Env)));
    let no_env = Environment { spotter_db: None, ..env };
    assert_eq!(resolve(None, no_env), Ok((sqlite("/xdg/spotter/spotter.db"), Source::Default)));
    let empty_env = Environment { spotter_db: Some(os("")), ..env };
    assert_eq!(resolve(None, empty_env), Ok((sqlite("/xdg/spotter/spotter.db"), Source::Default)));
    // An empty --db is a mistake, not "use the default".
    assert_eq!(resolve(Some(os("")), env), Err(LocationError::Empty));
    assert_eq!(resolve(None, Environment::default()), Err(LocationError::NoDataDir));
}

#[test]
fn engine_names() {
    assert_eq!(sqlite("/x").engine(), "SQLite");
    assert_eq!(parse("postgres://h/d").expect("url").engine(), "PostgreSQL");
}
