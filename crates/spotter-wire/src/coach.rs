//! The cause finder's and the plan's documents (`spotter explain|plan --format json`, and the
//! `plan` of `spotter check --format json`).

use crate::TriageDoc;
use serde::Serialize;
use spotter_coach::plan::ItemKind;
use spotter_coach::{Explanation, Plan, RankedCause};
use spotter_kb::{CauseKind, Kb, Tier};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceDoc {
    pub says: String,
    pub points: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CauseDoc {
    pub id: String,
    /// Sum of the evidence points.
    pub score: u32,
    pub name: String,
    pub kind: CauseKind,
    pub evidence: Vec<EvidenceDoc>,
    pub mechanism: String,
    pub change_today: String,
    pub train_over_weeks: String,
    pub sources: Vec<String>,
}

impl CauseDoc {
    pub fn new(r: &RankedCause<'_>) -> CauseDoc {
        CauseDoc {
            id: r.cause.id.clone(),
            score: r.score,
            name: r.cause.name.clone(),
            kind: r.cause.kind,
            evidence: r.evidence.iter().map(|e| EvidenceDoc { says: e.says.clone(), points: e.points }).collect(),
            mechanism: r.cause.mechanism.clone(),
            change_today: r.cause.change_today.clone(),
            train_over_weeks: r.cause.train_over_weeks.clone(),
            sources: r.cause.sources.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainDoc {
    pub tier: Tier,
    pub headline: String,
    /// Causes best first; empty when triage does not allow coaching.
    pub causes: Vec<CauseDoc>,
    /// Why there are no causes, when triage does not allow coaching.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    pub disclaimer: String,
}

impl ExplainDoc {
    pub fn new(kb: &Kb, e: &Explanation<'_>) -> ExplainDoc {
        ExplainDoc {
            tier: e.triage.tier,
            headline: e.triage.info.headline.clone(),
            causes: e.causes.iter().flatten().map(CauseDoc::new).collect(),
            refused: e.refusal(),
            disclaimer: kb.disclaimer.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanItemDoc {
    pub id: String,
    pub name: String,
    pub kind: ItemKind,
    /// Seconds, per side when `per_side` is true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<u32>,
    /// Repetitions per set, per side when `per_side` is true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reps: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sets: Option<u32>,
    /// Hold per repetition, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_seconds: Option<u32>,
    pub per_side: bool,
    /// For the sitting break: stand up at least this often, in minutes of sitting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval_minutes: Option<u32>,
    pub cues: Vec<String>,
    /// Causes found that this item answers.
    pub serves: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caution: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockDoc {
    pub id: String,
    pub title: String,
    pub items: Vec<PlanItemDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDoc {
    pub tier: Tier,
    pub headline: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
    /// The warm-up budget in seconds; the warm-up block adds up to exactly this.
    pub warmup_seconds: u32,
    pub causes: Vec<CauseDoc>,
    pub blocks: Vec<BlockDoc>,
    pub disclaimer: String,
}

impl PlanDoc {
    pub fn new(kb: &Kb, plan: &Plan<'_>) -> PlanDoc {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        PlanDoc {
            tier: plan.triage.tier,
            headline: plan.triage.info.headline.clone(),
            advice: plan.advice.clone(),
            warmup_seconds: plan.warmup_budget_seconds,
            causes: plan.causes.iter().map(CauseDoc::new).collect(),
            blocks: plan
                .blocks
                .iter()
                .map(|b| BlockDoc {
                    id: b.id.id().to_string(),
                    title: b.id.title().to_string(),
                    items: b
                        .items
                        .iter()
                        .map(|i| PlanItemDoc {
                            id: i.id.to_string(),
                            name: i.name.to_string(),
                            kind: i.kind,
                            seconds: i.seconds,
                            reps: i.reps,
                            sets: i.sets,
                            hold_seconds: i.hold_seconds,
                            per_side: i.per_side,
                            interval_minutes: i.interval_minutes,
                            cues: strings(&i.cues),
                            serves: strings(&i.serves),
                            caution: i.caution.map(str::to_string),
                        })
                        .collect(),
                })
                .collect(),
            disclaimer: kb.disclaimer.clone(),
        }
    }
}

/// `spotter check --format json` after the plan: the triage document's fields, then `plan`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckDoc {
    #[serde(flatten)]
    pub triage: TriageDoc,
    pub plan: PlanDoc,
}
