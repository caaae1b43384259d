//! Which question the check asks next, shared by `spotter check` (terminal) and the web app's
//! `/check` form, so that both ask the same questions in the same cases:
//! safety-critical items are always asked, follow-ups only when their condition holds, other
//! questions only while an answer could still raise the tier; a choice that lists the exercises
//! picked earlier offers only those.

use spotter_kb::{Choice, Item, ItemKind, Kb};
use spotter_triage::{Answer, Answers, eval, tier_only};

/// Whether the question can still matter: safety-critical items always; follow-ups only when
/// their condition holds; others only while some rule reading them is above the tier reached.
pub fn should_ask(kb: &Kb, item: &Item, answers: &Answers) -> bool {
    if let Some(c) = &item.ask_if
        && !eval::holds(c, answers)
    {
        return false;
    }
    // Safety-critical items, and follow-ups the answers so far make necessary, are always asked,
    // so that saved answers are complete for `spotter triage`.
    if must_answer(item, answers) {
        return true;
    }
    kb.max_tier_reading(&item.id).is_some_and(|max| max > tier_only(kb, answers))
}

/// Safety-critical items, and follow-ups the answers so far make necessary: never skipped.
pub fn must_answer(item: &Item, answers: &Answers) -> bool {
    item.safety_critical || item.required_if.as_ref().is_some_and(|c| eval::holds(c, answers))
}

/// The values a choice question offers: all of them (`None`), or for an item with `offer_from`,
/// those picked in the earlier item (when it was answered with at least one).
pub fn offered_values(item: &Item, answers: &Answers) -> Option<Vec<Choice>> {
    let from = item.offer_from.as_deref()?;
    let ItemKind::Choice { values } = &item.kind else { return None };
    let Some(Answer::Multi(picked)) = answers.get(from) else { return None };
    let offered: Vec<Choice> = values.iter().filter(|c| picked.contains(&c.id)).cloned().collect();
    (!offered.is_empty()).then_some(offered)
}
