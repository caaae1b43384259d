//! Validated knowledge-base types: what the rest of Spotter works with after loading.

use serde::Serialize;
use std::fmt;

/// Triage tier, ordered from least to most urgent, so `max()` gives the most urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    SelfCare,
    SeeProfessional,
    Urgent,
    Emergency,
}

impl Tier {
    /// All tiers, most urgent first.
    pub const ALL: [Tier; 4] = [Tier::Emergency, Tier::Urgent, Tier::SeeProfessional, Tier::SelfCare];

    /// The stable id of the spec (`emergency`, `urgent`, `see_professional`, `self_care`).
    pub fn id(self) -> &'static str {
        match self {
            Tier::Emergency => "emergency",
            Tier::Urgent => "urgent",
            Tier::SeeProfessional => "see_professional",
            Tier::SelfCare => "self_care",
        }
    }

    pub fn from_id(id: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The letter rule ids of this tier start with.
    pub fn rule_letter(self) -> char {
        match self {
            Tier::Emergency => 'E',
            Tier::Urgent => 'U',
            Tier::SeeProfessional => 'P',
            Tier::SelfCare => 'S',
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A publication or page a fact comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub year: Option<u16>,
    pub url: Option<String>,
    /// The facts taken from it, in our words.
    pub note: Option<String>,
}

/// A group of questions, asked together.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: String,
    /// Said once before the section's first question.
    pub intro: Option<String>,
}

/// One allowed value of a choice or multi item.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub id: String,
    pub label: String,
    /// How this answer is put when Spotter suggests words for calling for help (overrides the
    /// item's `say`).
    pub say: Option<String>,
}

/// What kind of answer an item takes.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    Bool,
    /// Whole number within `min..=max`, in `unit`.
    Integer { min: i64, max: i64, unit: Option<String> },
    /// Decimal number within `min..=max`, in `unit`.
    Number { min: f64, max: f64, unit: Option<String> },
    /// Exactly one of `values`, mildest first.
    Choice { values: Vec<Choice> },
    /// Any subset of `values`.
    Multi { values: Vec<Choice> },
}

impl ItemKind {
    pub fn name(&self) -> &'static str {
        match self {
            ItemKind::Bool => "bool",
            ItemKind::Integer { .. } => "integer",
            ItemKind::Number { .. } => "number",
            ItemKind::Choice { .. } => "choice",
            ItemKind::Multi { .. } => "multi",
        }
    }

    /// Allowed ids of a choice or multi item (empty for other kinds).
    pub fn choices(&self) -> &[Choice] {
        match self {
            ItemKind::Choice { values } | ItemKind::Multi { values } => values,
            _ => &[],
        }
    }
}

/// One intake question.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub section: String,
    pub kind: ItemKind,
    pub question: String,
    pub help: Option<String>,
    /// A request without this item is refused; the interactive check always asks it.
    pub safety_critical: bool,
    /// Asked only when this holds.
    pub ask_if: Option<Condition>,
    /// When this holds, the item must be answered like a safety-critical one (a follow-up that
    /// can make the result more urgent, such as the side of leg pain).
    pub required_if: Option<Condition>,
    /// For a choice item: the multi item (asked before it) whose picks are the only values worth
    /// offering when it is answered (in which of today's exercises did the pain start). Every
    /// value is still accepted in an answers file.
    pub offer_from: Option<String>,
    /// How the symptom is put when Spotter suggests words for calling for help.
    pub say: Option<String>,
    pub sources: Vec<String>,
    /// Asked by the cause finder, after triage allows coaching (from `coach/items.toml`).
    pub coaching: bool,
}

/// A condition over answers. Leaves test one item; `All` and `Any` combine.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A bool item answered `expected`.
    Is { item: String, expected: bool },
    /// A choice item answered one of `values` (one value for `eq`).
    In { item: String, values: Vec<String>, if_unanswered: bool },
    /// A multi item containing at least one of `values`.
    HasAny { item: String, values: Vec<String> },
    /// A numeric item at or above (`strict = false`) or above (`strict = true`) `threshold`,
    /// in the item's unit.
    AtLeast { item: String, threshold: f64, strict: bool, if_unanswered: bool },
    /// A numeric item at or below (`strict = false`) or below (`strict = true`) `threshold`. A
    /// "less is worse" test: allowed only where it cannot lower a triage tier (not in E, U, P rules).
    AtMost { item: String, threshold: f64, strict: bool, if_unanswered: bool },
    All(Vec<Condition>),
    Any(Vec<Condition>),
}

impl Condition {
    /// Every item id this condition reads, in order of appearance.
    pub fn items(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_items(&mut out);
        out
    }

    fn collect_items<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Condition::Is { item, .. }
            | Condition::In { item, .. }
            | Condition::HasAny { item, .. }
            | Condition::AtLeast { item, .. }
            | Condition::AtMost { item, .. } => {
                if !out.contains(&item.as_str()) {
                    out.push(item);
                }
            }
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.collect_items(out)),
        }
    }
}

/// A named triage rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Stable id of the spec: E1..E6, U1..U8, P1..P5, S1...
    pub id: String,
    pub tier: Tier,
    pub title: String,
    /// Why it matters, in plain words.
    pub reason: String,
    /// How the rule's finding is put when Spotter suggests words for calling for help; when absent,
    /// the `say` of each item that fired it is used.
    pub say: Option<String>,
    /// For emergency rules: what the caller is worried about, for the call script.
    pub concern: Option<String>,
    pub sources: Vec<String>,
    pub when: Condition,
    /// Not reported when one of these more urgent rules fires (U6 "alone" gives way to E4).
    /// Only more urgent rules may be named, so this can never lower the tier.
    pub unless: Vec<String>,
}

/// What a person is told for a tier.
#[derive(Debug, Clone, PartialEq)]
pub struct TierInfo {
    pub tier: Tier,
    pub label: String,
    pub headline: String,
    pub steps: Vec<String>,
    /// For `emergency`: what to say when calling for help; `{symptoms}` is filled in.
    pub call_script: Option<String>,
    pub sources: Vec<String>,
}
