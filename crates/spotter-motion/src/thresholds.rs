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

/// A logistic verdict model on motion-capture measures (`mocap::verdict`): the rep is `incorrect`
/// when `1 / (1 + exp(−(intercept + Σ weight·(x − mean)/sd))) > 0.5`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkerVerdictModel {
    pub movement: String,
    /// Log-odds of `incorrect` for a rep at every feature's mean.
    pub intercept: f64,
    pub feature: Vec<ModelFeature>,
    pub source: String,
}

/// One standardised input of a [`MarkerVerdictModel`]; `mean` and `sd` are in the measure's own
/// unit (its name says which), `weight` is log-odds per standard deviation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFeature {
    pub measure: String,
    pub mean: f64,
    pub sd: f64,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub segmentation: Segmentation,
    pub fault: Vec<FaultRule>,
    #[serde(default)]
    pub verdict: Vec<VerdictRule>,
    #[serde(default)]
    pub marker_verdict: Vec<MarkerVerdictModel>,
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
        for v in &t.marker_verdict {
            if !matches!(v.movement.as_str(), "squat" | "hinge" | "lunge") {
                return Err(format!("marker_verdict: unknown movement `{}`", v.movement));
            }
            if !v.intercept.is_finite() || v.feature.is_empty() {
                return Err(format!("marker_verdict `{}`: needs a finite intercept and at least one feature", v.movement));
            }
            for f in &v.feature {
                if !crate::mocap::verdict::MarkerMeasures::NAMES.contains(&f.measure.as_str()) {
                    return Err(format!("marker_verdict `{}`: unknown measure `{}`", v.movement, f.measure));
                }
                if !(f.sd > 0.0 && f.sd.is_finite() && f.mean.is_finite() && f.weight.is_finite()) {
                    return Err(format!("marker_verdict `{}`, `{}`: sd must be above 0 and mean, weight finite", v.movement, f.measure));
                }
            }
        }
        Ok(t)
    }

    pub fn builtin() -> Thresholds {
        Thresholds::parse(BUILTIN).expect("built-in thresholds are checked by a test")
    }
}
