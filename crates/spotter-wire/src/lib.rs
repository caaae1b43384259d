//! The stable JSON documents of Spotter, in one place for every front end (the CLI, the web app)
//! and for the crates that embed one (the diary's status holds a triage document): owned,
//! serializable, built from the domain results. Fields are only ever added; the field order is
//! the order printed. The domain types themselves are not the wire format.
//!
//! IO-free: values in, values out.

mod analysis;
mod coach;
mod triage;

pub use analysis::{AnalysisAsked, AnalysisDoc, CameraDoc, FaultDoc, FrameDoc, HingeDoc, KeypointsDoc, L5s1Doc, LungeDoc, PoseStatsDoc, RepDoc};
pub use coach::{BlockDoc, CauseDoc, CheckDoc, EvidenceDoc, ExplainDoc, PlanDoc, PlanItemDoc};
pub use triage::{CouldRaiseDoc, NotAnsweredDoc, ReasonDoc, SourceDoc, TriageDoc};
