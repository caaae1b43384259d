//! Spotter's coaching: why this lifter's back took the load ([`causes`]) and the personal plan
//! that follows ([`plan`]), plus the warm-up timer's clock ([`timer`]). Pure library: answers
//! and the knowledge base in, values out; no IO, no clock of its own.
//!
//! Both refuse to coach when triage says `urgent` or `emergency`: safety comes first.

pub mod causes;
pub mod plan;
pub mod timer;

pub use causes::{Explanation, RankedCause, explain, find_causes};
pub use plan::{Block, BlockId, Plan, PlanError, PlanItem, make_plan};
