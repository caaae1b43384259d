//! Spotter's knowledge base: the triage questions, rules, tier messages and their sources, kept as
//! TOML under `data/` and compiled into the binary. Parsing works on `&str`; this crate does no IO.
//!
//! Loading converts the raw files (`raw`) once into validated types (`model`). Every problem is a
//! [`KbError`] naming the file, the key and the line.

pub mod coach;
mod error;
mod load;
mod load_coach;
pub mod model;
pub mod number;
mod raw;

pub use coach::{Cause, CauseKind, Coaching, Cue, Dose, Drill, DrillKind, Evidence, Exercise, Measured, Pattern};
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
    coach_items: include_str!("../data/coach/items.toml"),
    coach_causes: include_str!("../data/coach/causes.toml"),
    coach_exercises: include_str!("../data/coach/exercises.toml"),
    coach_drills: include_str!("../data/coach/drills.toml"),
    coach_evidence: include_str!("../data/coach/evidence.toml"),
    coach_plan: include_str!("../data/coach/plan.toml"),
    coach_measured: include_str!("../data/coach/measured.toml"),
};

/// The text of each knowledge-base file.
#[derive(Debug, Clone, Copy)]
pub struct KbFiles<'a> {
    pub sources: &'a str,
    pub triage_items: &'a str,
    pub triage_tiers: &'a str,
    pub triage_rules: &'a str,
    pub coach_items: &'a str,
    pub coach_causes: &'a str,
    pub coach_exercises: &'a str,
    pub coach_drills: &'a str,
    pub coach_evidence: &'a str,
    pub coach_plan: &'a str,
    pub coach_measured: &'a str,
}

impl<'a> KbFiles<'a> {
    /// File names (as written in error messages) with their text.
    pub fn named(&self) -> [(&'static str, &'a str); 11] {
        [
            ("sources.toml", self.sources),
            ("triage/items.toml", self.triage_items),
            ("triage/tiers.toml", self.triage_tiers),
            ("triage/rules.toml", self.triage_rules),
            ("coach/items.toml", self.coach_items),
            ("coach/causes.toml", self.coach_causes),
            ("coach/exercises.toml", self.coach_exercises),
            ("coach/drills.toml", self.coach_drills),
            ("coach/evidence.toml", self.coach_evidence),
            ("coach/plan.toml", self.coach_plan),
            ("coach/measured.toml", self.coach_measured),
        ]
    }
}

/// The validated knowledge base.
#[derive(Debug, Clone)]
pub struct Kb {
    pub sources: Vec<Source>,
    pub sections: Vec<Section>,
    /// Intake items in the order they are asked: triage items, then the cause finder's.
    pub items: Vec<Item>,
    /// Tier messages, most urgent first.
    pub tiers: Vec<TierInfo>,
    /// Rules in file order (E, U, P, S).
    pub rules: Vec<Rule>,
    /// Said with every result: what Spotter is not, and when to call for help.
    pub disclaimer: String,
    /// Exercises, causes, drills, evidence weights and plan rules.
    pub coaching: Coaching,
}

impl Kb {
    /// The knowledge base compiled into this binary.
    pub fn builtin() -> Result<Kb, KbError> {
        Kb::from_files(&BUILTIN_FILES)
    }

    /// Loads and cross-checks a full set of files.
    pub fn from_files(files: &KbFiles<'_>) -> Result<Kb, KbError> {
        let [s, i, t, r, ci, causes, exercises, drills, evidence, plan, measured] =
            files.named().map(|(name, text)| SourceText { name, text });
        let sources = load::sources(&s)?;
        let known: HashSet<&str> = sources.iter().map(|s| s.id.as_str()).collect();
        let triage_items = load::items(&i, &known, load::ItemsOut::default(), false)?;
        let tiers = load::tiers(&t, &known)?;
        // Triage rules read triage items only; the cause finder's items come after them.
        let rules = load::rules(&r, &triage_items.items, &known)?;
        let items = load::items(&ci, &known, triage_items, true)?;
        let coach_files = load_coach::CoachSources { causes, exercises, drills, evidence, plan, measured };
        let coaching = load_coach::coaching(&coach_files, &items.items, &known)?;
        Ok(Kb {
            sections: items.sections,
            items: items.items,
            tiers: tiers.tiers,
            disclaimer: tiers.disclaimer,
            rules,
            coaching,
            sources,
        })
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
