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
    pub sources: Spanned<Vec<Spanned<String>>>,
    pub when: Spanned<RawCondition>,
    pub unless: Option<Vec<Spanned<String>>>,
}
