//! Evaluation of knowledge-base conditions over answers.

use crate::intake::{Answer, Answers};
use spotter_kb::Condition;

/// Whether `c` holds for `answers`. A leaf on an unanswered item is false, unless it says
/// `if_unanswered`.
pub fn holds(c: &Condition, answers: &Answers) -> bool {
    match c {
        Condition::Is { item, expected } => matches!(answers.get(item), Some(Answer::Bool(b)) if b == expected),
        Condition::In { item, values, if_unanswered } => match answers.get(item) {
            Some(Answer::Choice(v)) => values.contains(v),
            Some(_) => false,
            None => *if_unanswered,
        },
        Condition::HasAny { item, values } => {
            matches!(answers.get(item), Some(Answer::Multi(picked)) if picked.iter().any(|p| values.contains(p)))
        }
        Condition::AtLeast { item, threshold, strict, if_unanswered } => match answers.get(item).and_then(Answer::as_f64) {
            Some(x) if *strict => x > *threshold,
            Some(x) => x >= *threshold,
            None => answers.get(item).is_none() && *if_unanswered,
        },
        Condition::AtMost { item, threshold, strict, if_unanswered } => match answers.get(item).and_then(Answer::as_f64) {
            Some(x) if *strict => x < *threshold,
            Some(x) => x <= *threshold,
            None => answers.get(item).is_none() && *if_unanswered,
        },
        Condition::All(cs) => cs.iter().all(|c| holds(c, answers)),
        Condition::Any(cs) => cs.iter().any(|c| holds(c, answers)),
    }
}

/// The items that made `c` hold: every leaf of an `All`, the holding branches of an `Any`. Call it
/// only when `holds(c, answers)`.
pub fn items_that_fired<'c>(c: &'c Condition, answers: &Answers, out: &mut Vec<&'c str>) {
    let mut push = |item: &'c str| {
        if !out.contains(&item) {
            out.push(item);
        }
    };
    match c {
        Condition::Is { item, .. }
        | Condition::In { item, .. }
        | Condition::HasAny { item, .. }
        | Condition::AtLeast { item, .. }
        | Condition::AtMost { item, .. } => push(item),
        Condition::All(cs) => cs.iter().for_each(|c| items_that_fired(c, answers, out)),
        Condition::Any(cs) => cs.iter().filter(|c| holds(c, answers)).for_each(|c| items_that_fired(c, answers, out)),
    }
}

/// Whether some answers to the unanswered items `c` reads could make it hold, given the answered
/// ones. When they could, the unanswered items of the branches that could hold are pushed to
/// `needed`. Every leaf can be met by some value of its item (the loader checks thresholds against
/// the item's range), so an unanswered leaf counts as "could hold".
pub fn could_hold<'c>(c: &'c Condition, answers: &Answers, needed: &mut Vec<&'c str>) -> bool {
    match c {
        Condition::Is { item, .. }
        | Condition::In { item, .. }
        | Condition::HasAny { item, .. }
        | Condition::AtLeast { item, .. }
        | Condition::AtMost { item, .. } => {
            if answers.get(item).is_none() {
                if !needed.contains(&item.as_str()) {
                    needed.push(item);
                }
                true
            } else {
                holds(c, answers)
            }
        }
        Condition::All(cs) => {
            let mut mine = Vec::new();
            if cs.iter().all(|c| could_hold(c, answers, &mut mine)) {
                mine.into_iter().for_each(|i| if !needed.contains(&i) { needed.push(i) });
                true
            } else {
                false
            }
        }
        Condition::Any(cs) => {
            let mut any = false;
            for c in cs {
                let mut mine = Vec::new();
                if could_hold(c, answers, &mut mine) {
                    any = true;
                    mine.into_iter().for_each(|i| if !needed.contains(&i) { needed.push(i) });
                }
            }
            any
        }
    }
}
