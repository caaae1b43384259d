//! Integration tests of coaching over the built-in knowledge base: each cause ranks first on its
//! clearest story, the seed article's own story, refusal at urgent tiers, and plan invariants.

mod causes;
mod common;
mod plan;
