//! Fault thresholds, read from `data/thresholds.toml` (compiled in), each with its source.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segmentation {
    pub squat_enter: f64,
    pub squat_leave: f64,
    pub lunge_enter: f64,
    pub lunge_leave: f64,
    pub hinge_enter_deg: f64,
    pub hinge_leave_deg: f64,
    pub source: String,
}

/// One fault rule: the fault shows when `measure` is beyond `threshold` (above it when
/// `above_is_fault`). `sigma` is the measurement's typical error in its own unit, used for the
/// confidence.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    pub id: String,
    pub movement: String,
    pub measure: String,
    pub threshold: f64,
    pub above_is_fault: bool,
    pub sigma: f64,
    pub source: String,
}

/// A verdict rule: the rep is `incorrect` when any condition is met.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictRule {
    pub movement: String,
    pub condition: Vec<VerdictCondition>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictCondition {
    pub measure: String,
    pub threshold: f64,
    pub above_is_incorrect: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub segmentation: Segmentation,
    pub fault: Vec<FaultRule>,
    #[serde(default)]
    pub verdict: Vec<VerdictRule>,
}

pub const BUILTIN: &str = include_str!("../data/thresholds.toml");

impl Thresholds {
    pub fn parse(text: &str) -> Result<Thresholds, String> {
        let t: Thresholds = toml::from_str(text).map_err(|e| e.to_string())?;
        for f in &t.fault {
            if !matches!(f.movement.as_str(), "squat" | "hinge" | "lunge") {
                return Err(format!("fault `{}`: unknown movement `{}`", f.id, f.movement));
            }
            if !(f.sigma > 0.0 && f.threshold.is_finite()) {
                return Err(format!("fault `{}`: sigma must be above 0 and the threshold finite", f.id));
            }
        }
        Ok(t)
    }

    pub fn builtin() -> Thresholds {
        Thresholds::parse(BUILTIN).expect("built-in thresholds are checked by a test")
    }
}
