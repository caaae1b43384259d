//! Spotter's storage interface, engine-neutral: the [`Store`] trait (domain operations on
//! people, diary entries and saved checks, never SQL), the records it keeps, where the database
//! is ([`location`]: `--db`, `SPOTTER_DB`, the default file), and the conformance suite every
//! engine passes (feature `conformance`). The engines are `spotter-store-sqlite` (the embedded
//! default) and `spotter-store-postgres` (by URL); the binding interface is `spec/memory.md`.
//!
//! This crate has no SQL driver and no async runtime.

mod error;
pub mod location;
mod record;
mod store;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use error::StoreError;
pub use location::{Environment, Location, LocationError, Source, default_sqlite_path, resolve};
pub use record::{CheckId, CheckRecord, EntryId, EntryRecord, ImportCounts, OnExisting, PersonId, StoredCheck, StoredEntry};
pub use store::{DiaryStore, Store};
