//! The PostgreSQL engine's tests: the conformance suite, on a new database per story, on the
//! server named by `SPOTTER_TEST_PG_URL` (`bash scripts/pg-test.sh cargo test -p
//! spotter-store-postgres` starts a throwaway one); each story says SKIPPED when it is not set.
//! Then what only this engine has: refusing a schema of other tables, URLs it cannot use.

mod engine;
mod postgres;

spotter_store::conformance_tests!("PostgreSQL", crate::engine::PgEngine::from_env());
