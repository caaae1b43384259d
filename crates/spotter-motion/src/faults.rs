//! The registry of what the analysis can say about a rep: every fault id, every measure a rule
//! may read, and the two verdicts, each defined once here. `data/thresholds.toml` is checked
//! against it when it loads ([`crate::thresholds::Thresholds::parse`]: an unknown fault or
//! measure, a fault on the wrong movement or a fault of the registry without a rule is an error),
//! and spotter-app's tests check the coaching `measured.toml` against it, so a typo fails a test
//! instead of silently switching a fault off.

use crate::analysis::Movement;

/// A fault the side-view analysis can flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultId {
    /// Squat: the hips stayed above the knees.
    ShallowDepth,
    /// Squat: the trunk leaned far forward.
    ForwardLean,
    /// Squat: the trunk tipped forward early in the ascent (the hips rose first).
    HipsRiseFirst,
    /// Lunge: the trunk leaned forward.
    LungeTrunkLean,
    /// Lunge: a very long step.
    LungeLongStep,
    /// Lunge: the front knee far past the toes.
    KneeTravel,
}

impl FaultId {
    pub const ALL: [FaultId; 6] =
        [FaultId::ShallowDepth, FaultId::ForwardLean, FaultId::HipsRiseFirst, FaultId::LungeTrunkLean, FaultId::LungeLongStep, FaultId::KneeTravel];

    /// The id in data files and in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultId::ShallowDepth => "shallow_depth",
            FaultId::ForwardLean => "forward_lean",
            FaultId::HipsRiseFirst => "hips_rise_first",
            FaultId::LungeTrunkLean => "lunge_trunk_lean",
            FaultId::LungeLongStep => "lunge_long_step",
            FaultId::KneeTravel => "knee_travel",
        }
    }

    pub fn from_id(id: &str) -> Option<FaultId> {
        FaultId::ALL.into_iter().find(|f| f.as_str() == id)
    }

    /// The movement whose reps the fault is judged on.
    pub fn movement(self) -> Movement {
        match self {
            FaultId::ShallowDepth | FaultId::ForwardLean | FaultId::HipsRiseFirst => Movement::Squat,
            FaultId::LungeTrunkLean | FaultId::LungeLongStep | FaultId::KneeTravel => Movement::Lunge,
        }
    }

    /// A fault of the trunk's lean (drawn on the trunk angle of a key frame).
    pub fn is_trunk_lean(self) -> bool {
        matches!(self, FaultId::ForwardLean | FaultId::LungeTrunkLean)
    }

    /// A fault of the knee (drawn on the knee angle of a key frame).
    pub fn is_knee(self) -> bool {
        matches!(self, FaultId::KneeTravel)
    }
}

impl std::fmt::Display for FaultId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The measures a fault or verdict rule may read ([`crate::analysis::measure_value`] knows each).
pub const MEASURES: [&str; 9] = [
    "hip_below_knee_over_leg",
    "hip_drop_over_leg",
    "peak_trunk_lean_deg",
    "ascent_lean_increase_deg",
    "trunk_lean_range_deg",
    "back_knee_height_over_leg",
    "knee_flexion_bottom_deg",
    "step_over_leg",
    "front_knee_past_toes_over_leg",
];

/// The verdict on a rep whose form passed the verdict rules.
pub const CORRECT: &str = "correct";
/// The verdict on a rep that met a verdict condition.
pub const INCORRECT: &str = "incorrect";

/// A source entry that is not a publication: Spotter's own coaching heuristic, stated as such.
pub const JUDGEMENT: &str = "judgement";

#[cfg(test)]
mod tests;
