//! Where the database is: `--db URL` or `SPOTTER_DB` (`sqlite:PATH`, a bare path, or
//! `postgres://...`), else the default SQLite file in the user's data directory. Pure functions:
//! the environment's values are passed in, so every case is tested without touching it.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

/// The file name of the default database, in `$XDG_DATA_HOME/spotter/` or
/// `~/.local/share/spotter/`.
pub const DEFAULT_FILE_NAME: &str = "spotter.db";

/// A database: one SQLite file, or a PostgreSQL server by URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite { path: PathBuf },
    /// The URL as given (`postgres://` or `postgresql://`); shown with its password hidden.
    Postgres { url: String },
}

/// Where the location came from, for messages ("the database named by SPOTTER_DB").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `--db`.
    Flag,
    /// The `SPOTTER_DB` environment variable.
    Env,
    /// Neither was given: the default file.
    Default,
}

/// Why a database location was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    #[error("the database location is empty: give sqlite:PATH, a file path, or a postgres:// URL")]
    Empty,
    #[error("`{given}` names no file: give sqlite:PATH, for example sqlite:/home/me/spotter.db")]
    NoPath { given: String },
    #[error("an in-memory database keeps nothing after the command ends: give a file, sqlite:PATH")]
    InMemory,
    /// (The text is not repeated: it may hold a password.)
    #[error("that is not a PostgreSQL URL: write it postgres://USER@HOST/DATABASE")]
    BadPostgres,
    #[error("`{scheme}:` databases are not supported: give sqlite:PATH, a file path, or a postgres:// URL")]
    UnknownScheme { scheme: String },
    #[error(
        "there is no default place for the database: neither XDG_DATA_HOME nor HOME is set to an absolute path; give --db PATH or set SPOTTER_DB"
    )]
    NoDataDir,
}

impl Location {
    /// Reads `sqlite:PATH`, `sqlite://PATH`, `postgres://...`, `postgresql://...`, or a bare path.
    /// A leading `~/` in a path is the home directory `home` (when given). Everything after
    /// `sqlite:` is the path (no query parameters are read from it).
    pub fn parse(text: &OsStr, home: Option<&OsStr>) -> Result<Location, LocationError> {
        let Some(s) = text.to_str() else {
            // Not UTF-8: cannot be a URL, so it is a file name.
            return Ok(Location::Sqlite { path: PathBuf::from(text) });
        };
        let s_trim = s.trim();
        if s_trim.is_empty() {
            return Err(LocationError::Empty);
        }
        let lower = s.to_ascii_lowercase();
        if let Some(rest) = strip_prefix_ci(s, &lower, "sqlite:") {
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            if rest == ":memory:" || rest.starts_with(":memory:") || rest.contains("mode=memory") {
                return Err(LocationError::InMemory);
            }
            if rest.is_empty() {
                return Err(LocationError::NoPath { given: s.to_string() });
            }
            return Ok(Location::Sqlite { path: expand_home(rest, home) });
        }
        for scheme in ["postgres:", "postgresql:"] {
            if let Some(rest) = strip_prefix_ci(s, &lower, scheme) {
                if !rest.starts_with("//") || rest.len() <= 2 {
                    return Err(LocationError::BadPostgres);
                }
                return Ok(Location::Postgres { url: s.to_string() });
            }
        }
        if let Some(at) = s.find("://") {
            let scheme = &s[..at];
            if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
                return Err(LocationError::UnknownScheme { scheme: scheme.to_string() });
            }
        }
        Ok(Location::Sqlite { path: expand_home(s, home) })
    }

    /// The engine's name as people read it.
    pub fn engine(&self) -> &'static str {
        match self {
            Location::Sqlite { .. } => "SQLite",
            Location::Postgres { .. } => "PostgreSQL",
        }
    }
}

/// The location shown to people: the file's path, or the URL with any password replaced by `***`.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite { path } => write!(f, "{}", path.display()),
            Location::Postgres { url } => f.write_str(&redact_password(url)),
        }
    }
}

fn strip_prefix_ci<'a>(s: &'a str, lower: &str, prefix: &str) -> Option<&'a str> {
    lower.starts_with(prefix).then(|| &s[prefix.len()..])
}

fn expand_home(path: &str, home: Option<&OsStr>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) if !h.is_empty() => Path::new(h).join(rest),
        _ => PathBuf::from(path),
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`; other text unchanged.
pub fn redact_password(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else { return url.to_string() };
    let authority_end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    let authority = &url[start..authority_end];
    let Some(at) = authority.rfind('@') else { return url.to_string() };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else { return url.to_string() };
    format!("{}{}:***{}", &url[..start], &userinfo[..colon], &url[start + at..])
}

/// The default database file: `$XDG_DATA_HOME/spotter/spotter.db` when XDG_DATA_HOME is an
/// absolute path (the XDG base directory specification ignores a relative one), else
/// `$HOME/.local/share/spotter/spotter.db`.
pub fn default_sqlite_path(xdg_data_home: Option<&OsStr>, home: Option<&OsStr>) -> Result<PathBuf, LocationError> {
    let absolute = |v: Option<&OsStr>| v.map(Path::new).filter(|p| p.is_absolute()).map(Path::to_path_buf);
    if let Some(xdg) = absolute(xdg_data_home) {
        return Ok(xdg.join("spotter").join(DEFAULT_FILE_NAME));
    }
    if let Some(home) = absolute(home) {
        return Ok(home.join(".local").join("share").join("spotter").join(DEFAULT_FILE_NAME));
    }
    Err(LocationError::NoDataDir)
}

/// The environment values that decide the database (each as the process sees it, or `None`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Environment<'a> {
    /// `SPOTTER_DB`.
    pub spotter_db: Option<&'a OsStr>,
    /// `XDG_DATA_HOME`.
    pub xdg_data_home: Option<&'a OsStr>,
    /// `HOME`.
    pub home: Option<&'a OsStr>,
}

/// The database to use: `--db` (`flag`) first, then a non-empty `SPOTTER_DB`, then the default
/// file. An empty `--db` is refused; an empty `SPOTTER_DB` counts as unset.
pub fn resolve(flag: Option<&OsStr>, env: Environment<'_>) -> Result<(Location, Source), LocationError> {
    if let Some(flag) = flag {
        return Ok((Location::parse(flag, env.home)?, Source::Flag));
    }
    if let Some(v) = env.spotter_db.filter(|v| !v.is_empty()) {
        return Ok((Location::parse(v, env.home)?, Source::Env));
    }
    let path = default_sqlite_path(env.xdg_data_home, env.home)?;
    Ok((Location::Sqlite { path }, Source::Default))
}

#[cfg(test)]
mod tests;
