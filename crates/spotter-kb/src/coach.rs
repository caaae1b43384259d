//! Validated coaching knowledge: exercises, causes, drills, the cause finder's evidence weights,
//! and the rules that put a plan together.

use crate::model::Condition;
use serde::Serialize;

/// Movement pattern of an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    Squat,
    Hinge,
    Lunge,
    Machine,
    Bridge,
}

impl Pattern {
    pub fn from_id(id: &str) -> Option<Pattern> {
        Some(match id {
            "squat" => Pattern::Squat,
            "hinge" => Pattern::Hinge,
            "lunge" => Pattern::Lunge,
            "machine" => Pattern::Machine,
            "bridge" => Pattern::Bridge,
            _ => return None,
        })
    }
}

/// A coaching cue and the causes it answers (empty: for everyone).
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub text: String,
    pub causes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    pub id: String,
    pub name: String,
    pub pattern: Pattern,
    /// How it loads the lower back, in plain words.
    pub spinal_load: String,
    /// Cause ids of the faults that show up in it.
    pub faults: Vec<String>,
    pub cues: Vec<Cue>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    /// A lapse in form, changed today.
    Technique,
    /// A weakness, tightness or habit, trained over weeks.
    Foundation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    pub id: String,
    pub kind: CauseKind,
    pub name: String,
    pub mechanism: String,
    pub change_today: String,
    pub train_over_weeks: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillKind {
    /// Moving, for the warm-up.
    Dynamic,
    /// Held stretches, after training only.
    Static,
    /// Core and glute strengthening.
    Strength,
    /// Daily habits.
    Habit,
}

impl DrillKind {
    pub fn from_id(id: &str) -> Option<DrillKind> {
        Some(match id {
            "dynamic" => DrillKind::Dynamic,
            "static" => DrillKind::Static,
            "strength" => DrillKind::Strength,
            "habit" => DrillKind::Habit,
            _ => return None,
        })
    }

    pub fn id(self) -> &'static str {
        match self {
            DrillKind::Dynamic => "dynamic",
            DrillKind::Static => "static",
            DrillKind::Strength => "strength",
            DrillKind::Habit => "habit",
        }
    }
}

/// A default dose. Times are in seconds; `seconds` and `hold_seconds` are per side when
/// `per_side` is true, and so are `reps`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dose {
    pub seconds: Option<u32>,
    pub reps: Option<u32>,
    pub sets: Option<u32>,
    pub hold_seconds: Option<u32>,
    pub per_side: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Drill {
    pub id: String,
    pub name: String,
    pub kind: DrillKind,
    pub dose: Dose,
    pub cues: Vec<String>,
    /// Cause ids this drill helps with.
    pub serves: Vec<String>,
    /// When not to do it, or how to change it.
    pub avoid_when: Option<String>,
    pub sources: Vec<String>,
}

/// One piece of evidence for a cause: `points` when `when` holds, shown with `says`.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub cause: String,
    pub points: u32,
    /// What the evidence was, in words that finish "because ...".
    pub says: String,
    pub when: Condition,
}

/// A drill with its time in a template (seconds, per side for per-side drills).
#[derive(Debug, Clone, PartialEq)]
pub struct TimedDrill {
    pub drill: String,
    pub seconds: u32,
    /// Only when this cause is among the top causes.
    pub when_cause: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WarmupRules {
    /// Warm-up budget when none is chosen, in minutes.
    pub default_minutes: f64,
    pub min_minutes: f64,
    pub max_minutes: f64,
    pub template: Vec<TimedDrill>,
    pub extras: Vec<TimedDrill>,
    /// Extra share of time per top cause a drill serves (1.0 doubles its share for one cause).
    pub boost_per_cause: f64,
    pub top_causes: usize,
    /// Gentle mobility for tier `see_professional`.
    pub gentle: Vec<TimedDrill>,
}

/// Add `drill` (or put it in place of `instead_of`) when `when_cause` is among the causes found.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillRule {
    pub drill: String,
    pub when_cause: String,
    pub instead_of: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CooldownRules {
    pub template: Vec<String>,
    pub add: Vec<DrillRule>,
    pub swap: Vec<DrillRule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DailyRules {
    /// Stand up at least this often when sitting, in minutes.
    pub sitting_break_minutes: u32,
    pub nerve_floss_drill: String,
    /// Nerve-specific evidence that allows nerve flossing (never tight hamstrings alone).
    pub nerve_evidence: Condition,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanRules {
    pub warmup: WarmupRules,
    pub cooldown: CooldownRules,
    /// Strength drill ids, in order.
    pub strength: Vec<String>,
    pub daily: DailyRules,
    pub sources: Vec<String>,
}

/// What a fault measured by the movement analysis counts as for the cause finder.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// Fault id of the movement analysis.
    pub fault: String,
    /// The `observations` value it counts as, if any.
    pub observation: Option<String>,
    /// The cause whose advice applies, if any.
    pub cause: Option<String>,
}

/// All coaching knowledge.
#[derive(Debug, Clone, PartialEq)]
pub struct Coaching {
    pub exercises: Vec<Exercise>,
    pub causes: Vec<Cause>,
    pub drills: Vec<Drill>,
    pub evidence: Vec<Evidence>,
    pub plan: PlanRules,
    pub measured: Vec<Measured>,
}

impl Coaching {
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    pub fn cause(&self, id: &str) -> Option<&Cause> {
        self.causes.iter().find(|c| c.id == id)
    }

    pub fn drill(&self, id: &str) -> Option<&Drill> {
        self.drills.iter().find(|d| d.id == id)
    }
}
