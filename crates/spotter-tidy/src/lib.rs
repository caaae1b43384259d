//! Repository-wide checks of the invariants in ARCHITECTURE.md. The checks are the tests in
//! `tests/tidy.rs`; this crate has no code of its own.
