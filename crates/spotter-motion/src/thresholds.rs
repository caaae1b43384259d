//! Fault thresholds, read from `data/thresholds.toml` (compiled in), each with its source, the
//! words a report shows for it, and the ids of the knowledge base's sources it rests on; checked
//! against the registry of [`crate::faults`] as it loads.

use crate::faults::{FaultId, JUDGEMENT, MEASURES};
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
    /// Knowledge-base source ids (or [`crate::faults::JUDGEMENT`]).
    pub sources: Vec<String>,
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
    /// The fault's heading in plain words (reports and key frames show it; the JSON keeps the id).
    pub words: String,
    /// Knowledge-base source ids (or [`crate::faults::JUDGEMENT`]).
    pub sources: Vec<String>,
    pub source: String,
}

/// What a measure is in plain words, and the unit its numbers are in (`""` for a fraction of
/// leg length, which the words say; else with its leading space, e.g. `" degrees"`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureWords {
    pub id: String,
    pub words: String,
    pub unit: String,
}

/// A verdict rule: the rep is `incorrect` when any condition is met.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictRule {
    pub movement: String,
    pub condition: Vec<VerdictCondition>,
    pub sources: Vec<String>,
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
    pub sources: Vec<String>,
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
    pub measure: Vec<MeasureWords>,
    #[serde(default)]
    pub verdict: Vec<VerdictRule>,
    #[serde(default)]
    pub marker_verdict: Vec<MarkerVerdictModel>,
}

pub const BUILTIN: &str = include_str!("../data/thresholds.toml");

impl Thresholds {
    pub fn parse(text: &str) -> Result<Thresholds, String> {
        let t: Thresholds = toml::from_str(text).map_err(|e| e.to_string())?;
        for m in &t.measure {
            if !MEASURES.contains(&m.id.as_str()) {
                return Err(format!("measure `{}`: not a measure the analysis takes (known: {})", m.id, MEASURES.join(", ")));
            }
            if m.words.trim().is_empty() {
                return Err(format!("measure `{}`: needs words", m.id));
            }
            if t.measure.iter().filter(|x| x.id == m.id).count() > 1 {
                return Err(format!("measure `{}`: listed twice", m.id));
            }
        }
        let known_measure = |what: &str, measure: &str| {
            if t.measure.iter().any(|m| m.id == measure) {
                Ok(())
            } else {
                Err(format!("{what}: unknown measure `{measure}` (a [[measure]] entry names each one)"))
            }
        };
        if t.segmentation.sources.is_empty() {
            return Err("segmentation: `sources` must name at least one source".into());
        }
        for f in &t.fault {
            let Some(id) = FaultId::from_id(&f.id) else {
                let known: Vec<&str> = FaultId::ALL.iter().map(|f| f.as_str()).collect();
                return Err(format!("fault `{}`: not a fault of the registry (known: {})", f.id, known.join(", ")));
            };
            if f.movement != id.movement().id() {
                return Err(format!("fault `{}`: is judged on the {} (movement `{}`), not `{}`", f.id, id.movement().id(), id.movement().id(), f.movement));
            }
            if t.fault.iter().filter(|x| x.id == f.id).count() > 1 {
                return Err(format!("fault `{}`: has two rules", f.id));
            }
            known_measure(&format!("fault `{}`", f.id), &f.measure)?;
            if !(f.sigma > 0.0 && f.threshold.is_finite()) {
                return Err(format!("fault `{}`: sigma must be above 0 and the threshold finite", f.id));
            }
            if f.words.trim().is_empty() {
                return Err(format!("fault `{}`: needs words", f.id));
            }
            if f.sources.is_empty() {
                return Err(format!("fault `{}`: `sources` must name at least one source", f.id));
            }
        }
        if let Some(missing) = FaultId::ALL.iter().find(|id| !t.fault.iter().any(|f| f.id == id.as_str())) {
            return Err(format!("fault `{missing}` of the registry has no rule"));
        }
        for v in &t.verdict {
            if !matches!(v.movement.as_str(), "squat" | "hinge" | "lunge") {
                return Err(format!("verdict: unknown movement `{}`", v.movement));
            }
            for c in &v.condition {
                known_measure(&format!("verdict `{}`", v.movement), &c.measure)?;
            }
            if v.sources.is_empty() {
                return Err(format!("verdict `{}`: `sources` must name at least one source", v.movement));
            }
        }
        for v in &t.marker_verdict {
            if !matches!(v.movement.as_str(), "squat" | "hinge" | "lunge") {
                return Err(format!("marker_verdict: unknown movement `{}`", v.movement));
            }
            if v.sources.is_empty() {
                return Err(format!("marker_verdict `{}`: `sources` must name at least one source", v.movement));
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

    /// The words of the fault `id`, if it has a rule.
    pub fn fault_words(&self, id: &str) -> Option<&str> {
        self.fault.iter().find(|f| f.id == id).map(|f| f.words.as_str())
    }

    /// The words and unit of the measure `id`, if listed.
    pub fn measure_words(&self, id: &str) -> Option<(&str, &str)> {
        self.measure.iter().find(|m| m.id == id).map(|m| (m.words.as_str(), m.unit.as_str()))
    }

    /// Every source id the rules name, with what names it (`fault `x``, `segmentation`, ...).
    pub fn source_ids(&self) -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = self.segmentation.sources.iter().map(|s| ("segmentation".to_string(), s.as_str())).collect();
        for f in &self.fault {
            out.extend(f.sources.iter().map(|s| (format!("fault `{}`", f.id), s.as_str())));
        }
        for v in &self.verdict {
            out.extend(v.sources.iter().map(|s| (format!("verdict `{}`", v.movement), s.as_str())));
        }
        for v in &self.marker_verdict {
            out.extend(v.sources.iter().map(|s| (format!("marker_verdict `{}`", v.movement), s.as_str())));
        }
        out
    }

    /// Checks every source id the rules name against `known` (the knowledge base's source ids);
    /// [`crate::faults::JUDGEMENT`] is always allowed. The error names the rule and the id.
    pub fn check_sources(&self, known: &dyn Fn(&str) -> bool) -> Result<(), String> {
        match self.source_ids().into_iter().find(|(_, id)| *id != JUDGEMENT && !known(id)) {
            Some((what, id)) => Err(format!("data/thresholds.toml, {what}: `{id}` is not a source of the knowledge base")),
            None => Ok(()),
        }
    }
}
