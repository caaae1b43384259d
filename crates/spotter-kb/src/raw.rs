//! Raw mirrors of the TOML files, exactly as written, with spans for error messages. They are
//! converted once into the validated types of `model` by `load`.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    #[serde(default)]
    pub source: Vec<Spanned<RawSource>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub publisher: Option<String>,
    pub year: Option<u16>,
    pub url: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemsFile {
    #[serde(default)]
    pub section: Vec<Spanned<RawSection>>,
    #[serde(default)]
    pub item: Vec<Spanned<RawItem>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub id: Spanned<String>,
    pub title: String,
    pub intro: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub id: Spanned<String>,
    pub section: Spanned<String>,
    pub kind: Spanned<String>,
    pub question: Spanned<String>,
    pub help: Option<String>,
    pub safety_critical: Option<bool>,
    pub min: Option<Spanned<f64>>,
    pub max: Option<Spanned<f64>>,
    pub unit: Option<String>,
    pub values: Option<Spanned<Vec<Spanned<RawChoice>>>>,
    pub ask_if: Option<Spanned<RawCondition>>,
    pub required_if: Option<Spanned<RawCondition>>,
    pub offer_from: Option<Spanned<String>>,
    pub say: Option<String>,
    pub sources: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub id: Spanned<String>,
    pub label: String,
    pub say: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub item: Option<Spanned<String>>,
    pub is: Option<Spanned<bool>>,
    pub eq: Option<Spanned<String>>,
    #[serde(rename = "in")]
    pub in_: Option<Spanned<Vec<Spanned<String>>>>,
    pub has_any: Option<Spanned<Vec<Spanned<String>>>>,
    pub ge: Option<Spanned<f64>>,
    pub gt: Option<Spanned<f64>>,
    pub lt: Option<Spanned<f64>>,
    pub le: Option<Spanned<f64>>,
    pub if_unanswered: Option<Spanned<bool>>,
    pub all: Option<Spanned<Vec<Spanned<RawCondition>>>>,
    pub any: Option<Spanned<Vec<Spanned<RawCondition>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TiersFile {
    pub disclaimer: Spanned<String>,
    #[serde(default)]
    pub tier: Vec<Spanned<RawTier>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    pub id: Spanned<String>,
    pub label: String,
    pub headline: String,
    pub steps: Vec<String>,
    pub call_script: Option<Spanned<String>>,
    pub sources: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub tier: Spanned<String>,
    pub title: String,
    pub reason: Spanned<String>,
    pub say: Option<String>,
    pub concern: Option<String>,
    pub sources: Spanned<Vec<Spanned<String>>>,
    pub when: Spanned<RawCondition>,
    pub unless: Option<Vec<Spanned<String>>>,
}

// ---------------------------------------------------------------- coaching

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CausesFile {
    #[serde(default)]
    pub cause: Vec<Spanned<RawCause>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCause {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub name: String,
    pub mechanism: Spanned<String>,
    pub change_today: Spanned<String>,
    pub train_over_weeks: Spanned<String>,
    pub sources: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExercisesFile {
    #[serde(default)]
    pub exercise: Vec<Spanned<RawExercise>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExercise {
    pub id: Spanned<String>,
    pub name: String,
    pub pattern: Spanned<String>,
    pub spinal_load: String,
    pub faults: Vec<Spanned<String>>,
    pub cues: Vec<RawCue>,
    pub sources: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCue {
    pub text: String,
    pub causes: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillsFile {
    #[serde(default)]
    pub drill: Vec<Spanned<RawDrill>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDrill {
    pub id: Spanned<String>,
    pub name: String,
    pub kind: Spanned<String>,
    pub seconds: Option<u32>,
    pub reps: Option<u32>,
    pub sets: Option<u32>,
    pub hold_seconds: Option<u32>,
    pub per_side: bool,
    pub cues: Vec<String>,
    pub serves: Vec<Spanned<String>>,
    pub avoid_when: Option<String>,
    pub sources: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceFile {
    #[serde(default)]
    pub evidence: Vec<Spanned<RawEvidence>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvidence {
    pub cause: Spanned<String>,
    pub points: Spanned<u32>,
    pub says: String,
    pub when: Spanned<RawCondition>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub warmup: RawWarmup,
    pub cooldown: RawCooldown,
    pub strength: RawStrength,
    pub daily: RawDaily,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWarmup {
    pub default_minutes: Spanned<f64>,
    pub min_minutes: Spanned<f64>,
    pub max_minutes: Spanned<f64>,
    pub template: Vec<Spanned<RawTimed>>,
    #[serde(default)]
    pub extras: Vec<Spanned<RawTimed>>,
    pub boost_per_cause: Spanned<f64>,
    pub top_causes: usize,
    pub gentle: Vec<Spanned<RawTimed>>,
    pub sources: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTimed {
    pub drill: Spanned<String>,
    pub seconds: u32,
    pub when_cause: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCooldown {
    pub template: Vec<Spanned<String>>,
    #[serde(default)]
    pub add: Vec<Spanned<RawDrillRule>>,
    #[serde(default)]
    pub swap: Vec<Spanned<RawDrillRule>>,
    pub sources: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDrillRule {
    pub drill: Spanned<String>,
    pub when_cause: Spanned<String>,
    pub instead_of: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStrength {
    pub template: Vec<Spanned<String>>,
    pub sources: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDaily {
    pub sitting_break_minutes: u32,
    pub nerve_floss_drill: Spanned<String>,
    pub nerve_evidence: Spanned<RawCondition>,
    pub sources: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredFile {
    #[serde(default)]
    pub measured: Vec<Spanned<RawMeasured>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeasured {
    pub fault: Spanned<String>,
    pub observation: Option<Spanned<String>>,
    pub cause: Option<Spanned<String>>,
}
