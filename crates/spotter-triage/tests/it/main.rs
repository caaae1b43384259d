//! Integration tests of the triage engine over the built-in knowledge base: one test per rule,
//! the vignette suites, and property tests of monotonicity and determinism.

mod common;
mod could_raise;
mod properties;
mod rules;
mod vignettes;
