//! The SQLite engine's tests: the conformance suite on temporary files, what only SQLite has
//! (the connection settings, refusing files that are not Spotter databases, folders made on first
//! use), and the crash test (writers killed with SIGKILL at random moments).

mod crash;
mod engine;
mod sqlite;

spotter_store::conformance_tests!("SQLite", Ok::<_, String>(crate::engine::SqliteEngine::new()));
