//! Integration tests of the diary core over the built-in knowledge base: each derivation on its
//! boundary, each alert on its clearest case and its near miss, the status triage through the
//! engine, the seed story, and properties over random diaries.

mod alerts;
mod common;
mod derived;
mod properties;
mod seed_story;
mod status;
