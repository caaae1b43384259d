//! The personal leg-day plan (spec/coaching.md): five blocks in order, built from the templates in
//! `coach/plan.toml`, shaped by the causes found, and gated by the triage tier.
//!
//! - `warmup`: dynamic drills only, filling the chosen budget to the second.
//! - `exercise_cues`: cues for each exercise of the day, chosen from the causes.
//! - `cooldown`: static stretches, after training only.
//! - `strength`: core and glute work.
//! - `daily`: sitting breaks, and nerve flossing only with nerve-specific evidence at `self_care`.
//!
//! `see_professional` gets gentle mobility and daily habits only; `urgent` and `emergency` get no
//! blocks at all.

use crate::causes::{RankedCause, find_causes};
use spotter_kb::coach::TimedDrill;
use spotter_kb::{Drill, DrillKind, Exercise, Kb, Tier};
use spotter_triage::{Answer, Answers, Triage, eval, triage};

/// The blocks of a plan, in the order they are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockId {
    Warmup,
    ExerciseCues,
    Cooldown,
    Strength,
    Daily,
}

impl BlockId {
    pub fn id(self) -> &'static str {
        match self {
            BlockId::Warmup => "warmup",
            BlockId::ExerciseCues => "exercise_cues",
            BlockId::Cooldown => "cooldown",
            BlockId::Strength => "strength",
            BlockId::Daily => "daily",
        }
    }

    /// Heading for people.
    pub fn title(self) -> &'static str {
        match self {
            BlockId::Warmup => "Warm-up before leg day",
            BlockId::ExerciseCues => "Cues for today's lifts",
            BlockId::Cooldown => "Stretches after training",
            BlockId::Strength => "Core and glute strength",
            BlockId::Daily => "Every day",
        }
    }
}

/// What a plan item is: a drill of some kind, or the cues for an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Dynamic,
    Static,
    Strength,
    Habit,
    Exercise,
}

impl From<DrillKind> for ItemKind {
    fn from(k: DrillKind) -> ItemKind {
        match k {
            DrillKind::Dynamic => ItemKind::Dynamic,
            DrillKind::Static => ItemKind::Static,
            DrillKind::Strength => ItemKind::Strength,
            DrillKind::Habit => ItemKind::Habit,
        }
    }
}

/// One thing to do. Times in seconds; `seconds`, `reps` and `hold_seconds` are per side when
/// `per_side` is true.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanItem<'kb> {
    /// Drill id, or exercise id for cues.
    pub id: &'kb str,
    pub name: &'kb str,
    pub kind: ItemKind,
    pub seconds: Option<u32>,
    pub reps: Option<u32>,
    pub sets: Option<u32>,
    pub hold_seconds: Option<u32>,
    pub per_side: bool,
    /// For `sitting_break`: stand up at least this often when sitting, in minutes.
    pub interval_minutes: Option<u32>,
    pub cues: Vec<&'kb str>,
    /// Ids of the causes found that this item answers.
    pub serves: Vec<&'kb str>,
    /// When to stop or change it.
    pub caution: Option<&'kb str>,
}

impl PlanItem<'_> {
    /// Time the item takes, in seconds, counting both sides (timed items only).
    pub fn total_seconds(&self) -> Option<u32> {
        self.seconds.map(|s| if self.per_side { 2 * s } else { s })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block<'kb> {
    pub id: BlockId,
    pub items: Vec<PlanItem<'kb>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan<'kb> {
    pub triage: Triage<'kb>,
    /// The causes found (empty when triage does not allow coaching).
    pub causes: Vec<RankedCause<'kb>>,
    /// The warm-up budget, in seconds; the warm-up block adds up to exactly this.
    pub warmup_budget_seconds: u32,
    pub blocks: Vec<Block<'kb>>,
    /// What to do besides the blocks (book a professional; or the triage message).
    pub advice: Option<String>,
}

impl<'kb> Plan<'kb> {
    pub fn block(&self, id: BlockId) -> Option<&Block<'kb>> {
        self.blocks.iter().find(|b| b.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("the warm-up budget must be {min} to {max} minutes, got {}", spotter_kb::number::show(*.got))]
    BudgetOutOfRange { got: f64, min: f64, max: f64 },
}

/// Builds the plan: triage first, then the causes, then the blocks the tier allows.
/// `minutes`: the warm-up budget (default from the knowledge base, 5.5).
pub fn make_plan<'kb>(kb: &'kb Kb, answers: &Answers, minutes: Option<f64>) -> Result<Plan<'kb>, PlanError> {
    let rules = &kb.coaching.plan;
    let w = &rules.warmup;
    let minutes = minutes.unwrap_or(w.default_minutes);
    if !(minutes.is_finite() && (w.min_minutes..=w.max_minutes).contains(&minutes)) {
        return Err(PlanError::BudgetOutOfRange { got: minutes, min: w.min_minutes, max: w.max_minutes });
    }
    let budget = (minutes * 60.0).round() as u32;
    let triage = triage(kb, answers);
    let tier = triage.tier;
    let mut plan = Plan { triage, causes: Vec::new(), warmup_budget_seconds: budget, blocks: Vec::new(), advice: None };
    match tier {
        Tier::Emergency | Tier::Urgent => {
            plan.advice = Some(format!("No training plan today. {}", plan.triage.info.headline));
        }
        Tier::SeeProfessional => {
            plan.causes = find_causes(kb, answers);
            let found: Vec<&str> = plan.causes.iter().map(|c| c.cause.id.as_str()).collect();
            plan.advice = Some(format!(
                "{} Until then, only gentle movement: no heavy squats, hinges or lunges.",
                plan.triage.info.headline
            ));
            plan.blocks.push(Block { id: BlockId::Warmup, items: timed_block(kb, &w.gentle, budget, &[], w.boost_per_cause) });
            plan.blocks.push(Block { id: BlockId::Daily, items: daily(kb, answers, tier, &found) });
        }
        Tier::SelfCare => {
            plan.causes = find_causes(kb, answers);
            let found: Vec<&str> = plan.causes.iter().map(|c| c.cause.id.as_str()).collect();
            let top: Vec<&str> = found.iter().copied().take(w.top_causes).collect();
            let mut entries: Vec<TimedDrill> = w.template.clone();
            let squat_at = entries.iter().position(|t| t.drill == "bodyweight_squat").unwrap_or(entries.len());
            for (n, extra) in w.extras.iter().filter(|e| e.when_cause.as_deref().is_some_and(|c| top.contains(&c))).enumerate() {
                entries.insert(squat_at + n, extra.clone());
            }
            plan.blocks.push(Block { id: BlockId::Warmup, items: timed_block(kb, &entries, budget, &top, w.boost_per_cause) });
            plan.blocks.push(Block { id: BlockId::ExerciseCues, items: exercise_cues(kb, answers, &found) });
            plan.blocks.push(Block { id: BlockId::Cooldown, items: cooldown(kb, &found) });
            plan.blocks.push(Block { id: BlockId::Strength, items: strength(kb, &found) });
            plan.blocks.push(Block { id: BlockId::Daily, items: daily(kb, answers, tier, &found) });
        }
    }
    Ok(plan)
}

fn drill<'kb>(kb: &'kb Kb, id: &str) -> &'kb Drill {
    kb.coaching.drill(id).expect("the loader checks that plan drills exist")
}

/// A drill with its default dose, and the causes found that it serves.
fn drill_item<'kb>(d: &'kb Drill, found: &[&str]) -> PlanItem<'kb> {
    PlanItem {
        id: &d.id,
        name: &d.name,
        kind: d.kind.into(),
        seconds: d.dose.seconds,
        reps: d.dose.reps,
        sets: d.dose.sets,
        hold_seconds: d.dose.hold_seconds,
        per_side: d.dose.per_side,
        interval_minutes: None,
        cues: d.cues.iter().map(String::as_str).collect(),
        serves: d.serves.iter().map(String::as_str).filter(|s| found.contains(s)).collect(),
        caution: d.avoid_when.as_deref(),
    }
}

/// Shares `budget` seconds out among timed drills: each gets time in proportion to its template
/// time, boosted by `boost` for each of the `top` causes it serves, rounded to 5 s (5 s per side
/// for per-side drills), with the rounding difference given to the most important drill that is
/// not per side. The result adds up to `budget` exactly; with no causes and the default budget it
/// is the template itself.
fn timed_block<'kb>(kb: &'kb Kb, entries: &[TimedDrill], budget: u32, top: &[&str], boost: f64) -> Vec<PlanItem<'kb>> {
    let drills: Vec<&Drill> = entries.iter().map(|t| drill(kb, &t.drill)).collect();
    let sides = |d: &Drill| if d.dose.per_side { 2 } else { 1 };
    let weights: Vec<f64> = entries
        .iter()
        .zip(&drills)
        .map(|(t, d)| {
            let relevance = top.iter().filter(|c| d.serves.iter().any(|s| s == *c)).count() as f64;
            f64::from(t.seconds * sides(d)) * (1.0 + boost * relevance)
        })
        .collect();
    let total_weight: f64 = weights.iter().sum();
    let mut alloc: Vec<u32> = weights
        .iter()
        .zip(&drills)
        .map(|(w, d)| {
            let quantum = 5 * sides(d);
            let target = f64::from(budget) * w / total_weight;
            ((target / f64::from(quantum)).round() as u32).max(2) * quantum
        })
        .collect();
    // Settle the rounding on the drills that are not per side, most important first.
    let mut order: Vec<usize> = (0..entries.len()).filter(|&i| !drills[i].dose.per_side).collect();
    order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
    let mut diff = i64::from(budget) - alloc.iter().map(|&a| i64::from(a)).sum::<i64>();
    for &i in &order {
        if diff == 0 {
            break;
        }
        let min = 10i64;
        let new = (i64::from(alloc[i]) + diff).max(min);
        diff -= new - i64::from(alloc[i]);
        alloc[i] = new as u32;
    }
    // Still off only if every drill that is not per side hit its minimum: take from per-side ones.
    let mut per_side: Vec<usize> = (0..entries.len()).filter(|&i| drills[i].dose.per_side).collect();
    per_side.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
    while diff <= -10 {
        let Some(&i) = per_side.iter().find(|&&i| alloc[i] > 20) else { break };
        alloc[i] -= 10;
        diff += 10;
    }
    entries
        .iter()
        .zip(&drills)
        .zip(alloc)
        .map(|((_, d), a)| {
            let mut item = drill_item(d, top);
            item.seconds = Some(a / sides(d));
            item
        })
        .collect()
}

/// Cues for each exercise of the day (or the one that hurt): the cues answering the causes found,
/// in the causes' order, then the general ones; at most four.
fn exercise_cues<'kb>(kb: &'kb Kb, answers: &Answers, found: &[&str]) -> Vec<PlanItem<'kb>> {
    let mut ids: Vec<&str> = match answers.get("exercises_today") {
        Some(Answer::Multi(v)) => v.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    if let Some(Answer::Choice(e)) = answers.get("pain_exercise")
        && !ids.contains(&e.as_str())
    {
        ids.push(e);
    }
    ids.iter()
        .filter_map(|id| kb.coaching.exercise(id))
        .map(|e: &'kb Exercise| {
            let mut cues: Vec<&'kb str> = Vec::new();
            let mut serves: Vec<&'kb str> = Vec::new();
            for cause in found {
                for cue in e.cues.iter().filter(|c| c.causes.iter().any(|x| x == cause)) {
                    if !cues.contains(&cue.text.as_str()) {
                        cues.push(&cue.text);
                    }
                    if let Some(c) = kb.coaching.cause(cause)
                        && !serves.contains(&c.id.as_str())
                    {
                        serves.push(&c.id);
                    }
                }
            }
            for cue in e.cues.iter().filter(|c| c.causes.is_empty()) {
                cues.push(&cue.text);
            }
            cues.truncate(4);
            PlanItem {
                id: &e.id,
                name: &e.name,
                kind: ItemKind::Exercise,
                seconds: None,
                reps: None,
                sets: None,
                hold_seconds: None,
                per_side: false,
                interval_minutes: None,
                cues,
                serves,
                caution: None,
            }
        })
        .collect()
}

fn cooldown<'kb>(kb: &'kb Kb, found: &[&str]) -> Vec<PlanItem<'kb>> {
    let rules = &kb.coaching.plan.cooldown;
    let mut ids: Vec<&str> = rules.template.iter().map(String::as_str).collect();
    for swap in rules.swap.iter().filter(|r| found.contains(&r.when_cause.as_str())) {
        if let Some(from) = &swap.instead_of
            && let Some(pos) = ids.iter().position(|i| i == from)
        {
            ids[pos] = &swap.drill;
        }
    }
    for add in rules.add.iter().filter(|r| found.contains(&r.when_cause.as_str())) {
        if !ids.contains(&add.drill.as_str()) {
            ids.push(&add.drill);
        }
    }
    ids.into_iter().map(|id| drill_item(drill(kb, id), found)).collect()
}

fn strength<'kb>(kb: &'kb Kb, found: &[&str]) -> Vec<PlanItem<'kb>> {
    kb.coaching.plan.strength.iter().map(|id| drill_item(drill(kb, id), found)).collect()
}

fn daily<'kb>(kb: &'kb Kb, answers: &Answers, tier: Tier, found: &[&str]) -> Vec<PlanItem<'kb>> {
    let rules = &kb.coaching.plan.daily;
    let mut sit = drill_item(drill(kb, "sitting_break"), found);
    sit.interval_minutes = Some(rules.sitting_break_minutes);
    let mut items = vec![sit];
    if tier == Tier::SelfCare && eval::holds(&rules.nerve_evidence, answers) {
        items.push(drill_item(drill(kb, &rules.nerve_floss_drill), found));
    }
    items
}
