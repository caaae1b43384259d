//! The cause finder: evidence in, causes ranked by a transparent score out. Each piece of evidence
//! in `coach/evidence.toml` adds its points to one cause when its condition holds; a cause's score
//! is the sum, and the evidence that counted is returned with it, so a person can see exactly why
//! a cause ranks where it does.
//!
//! Measured movement results feed the same evidence: a caller adds measured faults to the
//! `observations` answer (a measured forward lean counts as `chest_drops_forward`).

use spotter_kb::{Cause, Evidence, Kb, Tier};
use spotter_triage::{Answers, Triage, eval, triage};

/// A cause with its score and the evidence behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedCause<'kb> {
    pub cause: &'kb Cause,
    /// Sum of the points of `evidence`.
    pub score: u32,
    /// The evidence that counted, strongest first.
    pub evidence: Vec<&'kb Evidence>,
}

/// Every cause with at least one piece of evidence, best first; ties keep the knowledge base's
/// order (technique before foundations).
pub fn find_causes<'kb>(kb: &'kb Kb, answers: &Answers) -> Vec<RankedCause<'kb>> {
    let coaching = &kb.coaching;
    let mut ranked: Vec<RankedCause<'kb>> = coaching
        .causes
        .iter()
        .filter_map(|cause| {
            let mut evidence: Vec<&Evidence> =
                coaching.evidence.iter().filter(|e| e.cause == cause.id && eval::holds(&e.when, answers)).collect();
            if evidence.is_empty() {
                return None;
            }
            evidence.sort_by_key(|e| std::cmp::Reverse(e.points));
            Some(RankedCause { cause, score: evidence.iter().map(|e| e.points).sum(), evidence })
        })
        .collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.score));
    ranked
}

/// What the cause finder says: the triage result first, then the causes, or why there are none.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation<'kb> {
    pub triage: Triage<'kb>,
    /// `None` when triage does not allow coaching (`urgent` or `emergency`).
    pub causes: Option<Vec<RankedCause<'kb>>>,
}

impl Explanation<'_> {
    /// Why no causes are given, when they are not.
    pub fn refusal(&self) -> Option<String> {
        self.causes.is_none().then(|| {
            format!(
                "Spotter does not look for training causes when the result is `{}`: {} Deal with that first.",
                self.triage.tier, self.triage.info.headline
            )
        })
    }
}

/// Whether a tier allows coaching at all.
pub fn coaching_allowed(tier: Tier) -> bool {
    tier <= Tier::SeeProfessional
}

/// Triage, then the cause finder when triage allows it.
pub fn explain<'kb>(kb: &'kb Kb, answers: &Answers) -> Explanation<'kb> {
    let triage = triage(kb, answers);
    let causes = coaching_allowed(triage.tier).then(|| find_causes(kb, answers));
    Explanation { triage, causes }
}
