//! The check as a sequence of form steps. Which question is asked is decided by
//! `spotter_app::questionnaire`, the same rules `spotter check` follows: safety-critical items are
//! always asked, follow-ups only when their condition holds, other questions only while an answer
//! could still raise the tier; an answer that makes this an emergency ends the questionnaire at once.
//!
//! The form carries every answer so far in fields named by item id. An item's field present with
//! the empty value marks it as shown: a question the person left blank is not asked again, unless
//! it must be answered (safety-critical, or a follow-up its condition makes necessary).

use spotter_kb::{Item, ItemKind, Kb, Tier};
use spotter_triage::{Answers, eval, tier_only};
use std::collections::{BTreeMap, BTreeSet};

/// Field names the forms use besides item ids.
pub const GO_ON_FIELD: &str = "go_on";

pub use spotter_app::questionnaire::{must_answer, offered_values, should_ask};

/// What a check form sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormAnswers {
    pub answers: Answers,
    /// Items whose field was present (answered, or shown and left blank).
    pub seen: BTreeSet<String>,
    /// The person chose to go on to the cause finder and plan.
    pub go_on: bool,
    /// Other fields the route allows (`minutes`, `format`), by name.
    pub extra: BTreeMap<String, String>,
}

/// A form field that is not an answer, named for the page.
#[derive(Debug, Clone, PartialEq)]
pub struct FormError {
    /// The item concerned, if any.
    pub item: Option<String>,
    pub message: String,
}

/// Reads a form body (`application/x-www-form-urlencoded`): answers by item id, `go_on`, and the
/// `extra` field names allowed. Every value is checked against its item as the JSON reader does.
pub fn parse_form(kb: &Kb, body: &[u8], extra: &[&str]) -> Result<FormAnswers, FormError> {
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut form = FormAnswers::default();
    for (k, v) in form_urlencoded::parse(body) {
        if k == GO_ON_FIELD {
            form.go_on = v == "true";
            continue;
        }
        if extra.contains(&k.as_ref()) {
            if form.extra.insert(k.to_string(), v.to_string()).is_some() {
                return Err(FormError { item: None, message: format!("the field {k} was sent more than once") });
            }
            continue;
        }
        if kb.item(&k).is_none() {
            return Err(FormError {
                item: None,
                message: format!("the form sent a field Spotter does not know ({:?}); start the check again", crate::api::shorten(&k)),
            });
        }
        let entry = values.entry(k.to_string()).or_default();
        if !v.is_empty() {
            entry.push(v.to_string());
        }
    }
    for (id, vals) in values {
        let Some(item) = kb.item(&id) else { continue };
        form.seen.insert(id.clone());
        let value = match (&item.kind, vals.as_slice()) {
            (ItemKind::Multi { .. }, vals) => serde_json::Value::Array(vals.iter().cloned().map(serde_json::Value::String).collect()),
            (_, []) => continue,
            (kind, [one]) => form_value(kind, one),
            (_, _) => {
                return Err(FormError { item: Some(id.clone()), message: format!("more than one answer was sent to “{}”", item.question) });
            }
        };
        let answer = spotter_triage::check_answer(kb, &id, &value)
            .map_err(|p| FormError { item: Some(id.clone()), message: format!("the answer to “{}” is not valid: {}", item.question, p.message) })?;
        form.answers.set_unchecked(&id, answer);
    }
    Ok(form)
}

/// A form's text as the JSON value the answers reader expects for `kind`.
fn form_value(kind: &ItemKind, text: &str) -> serde_json::Value {
    use serde_json::Value;
    let text = text.trim();
    match kind {
        ItemKind::Bool => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_string()),
        },
        ItemKind::Integer { .. } | ItemKind::Number { .. } => {
            if let Ok(i) = text.parse::<i64>() {
                Value::from(i)
            } else if let Some(n) = text.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                Value::Number(n)
            } else {
                Value::String(text.to_string())
            }
        }
        ItemKind::Choice { .. } | ItemKind::Multi { .. } => Value::String(text.to_string()),
    }
}

/// What the check shows after a form.
#[derive(Debug, Clone, PartialEq)]
pub enum Next<'k> {
    /// These questions next (one section's worth), on one step.
    Ask(Vec<&'k Item>),
    /// The answers make this an emergency: the result now, whatever is left.
    Emergency,
    /// Every triage question that can matter is answered: the result.
    TriageDone,
    /// The cause finder's questions are answered too: result, causes and plan.
    CoachingDone,
}

/// The next step of the check for the answers so far.
pub fn next_step<'k>(kb: &'k Kb, form: &FormAnswers) -> Next<'k> {
    let answers = &form.answers;
    if tier_only(kb, answers) == Tier::Emergency {
        return Next::Emergency;
    }
    let done = |item: &Item| answers.get(&item.id).is_some() || (form.seen.contains(&item.id) && !must_answer(item, answers));
    let triage: Vec<&Item> = kb.items.iter().filter(|i| !i.coaching && !done(i) && should_ask(kb, i, answers)).collect();
    if !triage.is_empty() {
        return Next::Ask(one_section(triage));
    }
    if !(form.go_on && spotter_coach::causes::coaching_allowed(tier_only(kb, answers))) {
        return Next::TriageDone;
    }
    let coaching: Vec<&Item> = kb
        .items
        .iter()
        .filter(|i| i.coaching && !done(i) && i.ask_if.as_ref().is_none_or(|c| eval::holds(c, answers)))
        .collect();
    if coaching.is_empty() { Next::CoachingDone } else { Next::Ask(one_section(coaching)) }
}

/// The first pending items that share the first one's section.
fn one_section(pending: Vec<&Item>) -> Vec<&Item> {
    let section = pending[0].section.clone();
    pending.into_iter().take_while(|i| i.section == section).collect()
}

#[cfg(test)]
mod tests;
