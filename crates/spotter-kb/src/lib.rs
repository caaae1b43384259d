//! Spotter's knowledge base: the triage questions, rules, tier messages and their sources, kept as
//! TOML under `data/` and compiled into the binary. Parsing works on `&str`; this crate does no IO.
//!
//! Loading converts the raw files (`raw`) once into validated types (`model`). Every problem is a
//! [`KbError`] naming the file, the key and the line.

mod error;
mod load;
pub mod model;
mod raw;

pub use error::KbError;
pub use model::{Choice, Condition, Item, ItemKind, Rule, Section, Source, Tier, TierInfo};

use error::SourceText;
use std::collections::HashSet;

/// The knowledge-base files, by the name used in error messages, as compiled into the binary.
pub const BUILTIN_FILES: KbFiles<'static> = KbFiles {
    sources: include_str!("../data/sources.toml"),
    triage_items: include_str!("../data/triage/items.toml"),
    triage_tiers: include_str!("../data/triage/tiers.toml"),
    triage_rules: include_str!("../data/triage/rules.toml"),
};

/// The text of each knowledge-base file.
#[derive(Debug, Clone, Copy)]
pub struct KbFiles<'a> {
    pub sources: &'a str,
    pub triage_items: &'a str,
    pub triage_tiers: &'a str,
    pub triage_rules: &'a str,
}

impl<'a> KbFiles<'a> {
    /// File names (as written in error messages) with their text.
    pub fn named(&self) -> [(&'static str, &'a str); 4] {
        [
            ("sources.toml", self.sources),
            ("triage/items.toml", self.triage_items),
            ("triage/tiers.toml", self.triage_tiers),
            ("triage/rules.toml", self.triage_rules),
        ]
    }
}

/// The validated knowledge base.
#[derive(Debug, Clone)]
pub struct Kb {
    pub sources: Vec<Source>,
    pub sections: Vec<Section>,
    /// Intake items in the order they are asked.
    pub items: Vec<Item>,
    /// Tier messages, most urgent first.
    pub tiers: Vec<TierInfo>,
    /// Rules in file order (E, U, P, S).
    pub rules: Vec<Rule>,
    /// Said with every result: what Spotter is not, and when to call for help.
    pub disclaimer: String,
}

impl Kb {
    /// The knowledge base compiled into this binary.
    pub fn builtin() -> Result<Kb, KbError> {
        Kb::from_files(&BUILTIN_FILES)
    }

    /// Loads and cross-checks a full set of files.
    pub fn from_files(files: &KbFiles<'_>) -> Result<Kb, KbError> {
        let [s, i, t, r] = files.named().map(|(name, text)| SourceText { name, text });
        let sources = load::sources(&s)?;
        let known: HashSet<&str> = sources.iter().map(|s| s.id.as_str()).collect();
        let items = load::items(&i, &known)?;
        let tiers = load::tiers(&t, &known)?;
        let rules = load::rules(&r, &items.items, &known)?;
        Ok(Kb { sections: items.sections, items: items.items, tiers: tiers.tiers, disclaimer: tiers.disclaimer, rules, sources })
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// What a person is told for `tier` (every tier is present once loading succeeded).
    pub fn tier_info(&self, tier: Tier) -> &TierInfo {
        self.tiers.iter().find(|t| t.tier == tier).expect("the loader checks that every tier is present")
    }

    /// The most urgent tier any rule reading `item_id` can give: answering the item can never
    /// raise the result above this.
    pub fn max_tier_reading(&self, item_id: &str) -> Option<Tier> {
        self.rules.iter().filter(|r| r.when.items().contains(&item_id)).map(|r| r.tier).max()
    }
}

#[cfg(test)]
mod tests;
