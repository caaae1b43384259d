//! The triage document (`spotter triage --format json`, spec/triage.md's interface).

use serde::Serialize;
use spotter_kb::{Kb, Tier};
use spotter_triage::{Answers, CouldRaise, Triage};

/// The JSON document of a triage result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriageDoc {
    /// `emergency`, `urgent`, `see_professional` or `self_care`.
    pub tier: Tier,
    pub label: String,
    /// What the person is told first.
    pub headline: String,
    pub next_steps: Vec<String>,
    /// For `emergency`: what to say when calling for help.
    pub call_script: Option<String>,
    /// Every fired rule, most urgent first.
    pub reasons: Vec<ReasonDoc>,
    /// Items not answered that could make the result more urgent.
    pub unanswered_could_raise: Vec<CouldRaiseDoc>,
    /// Safety items (and follow-ups they need) that were not answered. Only an emergency result
    /// can have any: an emergency never waits for the rest of the questionnaire.
    pub not_answered: Vec<NotAnsweredDoc>,
    pub disclaimer: String,
    pub spotter_version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonDoc {
    pub rule: String,
    pub tier: Tier,
    pub title: String,
    pub reason: String,
    /// Item ids whose answers fired the rule.
    pub items: Vec<String>,
    pub sources: Vec<SourceDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceDoc {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CouldRaiseDoc {
    pub item: String,
    pub question: String,
    pub up_to: Tier,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotAnsweredDoc {
    pub item: String,
    pub question: String,
}

impl TriageDoc {
    pub fn new(kb: &Kb, t: &Triage<'_>, raise: &[CouldRaise<'_>], answers: &Answers) -> TriageDoc {
        TriageDoc {
            tier: t.tier,
            label: t.info.label.clone(),
            headline: t.info.headline.clone(),
            next_steps: t.info.steps.clone(),
            call_script: t.call_script.clone(),
            reasons: t
                .fired
                .iter()
                .map(|f| ReasonDoc {
                    rule: f.rule.id.clone(),
                    tier: f.rule.tier,
                    title: f.rule.title.clone(),
                    reason: f.rule.reason.clone(),
                    items: f.items.iter().map(|s| s.to_string()).collect(),
                    sources: f
                        .rule
                        .sources
                        .iter()
                        .filter_map(|id| kb.source(id))
                        .map(|s| SourceDoc { id: s.id.clone(), title: s.title.clone(), url: s.url.clone() })
                        .collect(),
                })
                .collect(),
            unanswered_could_raise: raise
                .iter()
                .map(|c| CouldRaiseDoc { item: c.item.id.clone(), question: c.item.question.clone(), up_to: c.up_to })
                .collect(),
            not_answered: answers
                .not_answered_required(kb)
                .into_iter()
                .filter_map(|id| kb.item(id))
                .map(|i| NotAnsweredDoc { item: i.id.clone(), question: i.question.clone() })
                .collect(),
            disclaimer: kb.disclaimer.clone(),
            spotter_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}
