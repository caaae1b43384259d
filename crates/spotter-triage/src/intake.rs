//! Answers to intake items, and the parser that reads them from a JSON object of item id to value,
//! validating each against the knowledge base. Parsing works on `&str`; reading files is the
//! caller's business.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;
use spotter_kb::{ItemKind, Kb};
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// The largest answers file read, in bytes (4 MiB). A complete answers file is about 2 KB; the
/// limit only stops a runaway input (a device, a wrong file) from filling the memory.
pub const MAX_ANSWERS_BYTES: usize = 4 * 1024 * 1024;

/// How many problems an [`IntakeError::Invalid`] message spells out; the rest are counted.
pub const PROBLEMS_SHOWN: usize = 5;

/// One answer, already checked against its item.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Bool(bool),
    Integer(i64),
    Number(f64),
    /// The id of one of the item's values.
    Choice(String),
    /// Ids of the item's values, in the item's order, without repeats.
    Multi(Vec<String>),
}

impl Answer {
    /// The answer as a number, for integer and number items.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Answer::Integer(i) => Some(*i as f64),
            Answer::Number(x) => Some(*x),
            _ => None,
        }
    }

    /// The answer as JSON, the way an answers file writes it.
    pub fn to_json(&self) -> Value {
        match self {
            Answer::Bool(b) => Value::Bool(*b),
            Answer::Integer(i) => Value::from(*i),
            Answer::Number(x) => Value::from(*x),
            Answer::Choice(c) => Value::String(c.clone()),
            Answer::Multi(v) => Value::Array(v.iter().cloned().map(Value::String).collect()),
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Bool(true) => f.write_str("yes"),
            Answer::Bool(false) => f.write_str("no"),
            Answer::Integer(i) => write!(f, "{i}"),
            Answer::Number(x) => write!(f, "{x}"),
            Answer::Choice(c) => f.write_str(c),
            Answer::Multi(v) if v.is_empty() => f.write_str("none"),
            Answer::Multi(v) => f.write_str(&v.join(", ")),
        }
    }
}

/// Answers by item id. An item that is absent was not answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    map: BTreeMap<String, Answer>,
}

impl Answers {
    pub fn new() -> Answers {
        Answers::default()
    }

    pub fn get(&self, item: &str) -> Option<&Answer> {
        self.map.get(item)
    }

    /// Sets an answer, checked against the item; on error the answers are unchanged.
    pub fn set(&mut self, kb: &Kb, item: &str, answer: Answer) -> Result<(), Problem> {
        let checked = check_answer(kb, item, &answer.to_json())?;
        self.map.insert(item.to_string(), checked);
        Ok(())
    }

    /// Sets an answer without checking it; for callers that built it from the item's own values.
    pub fn set_unchecked(&mut self, item: &str, answer: Answer) {
        self.map.insert(item.to_string(), answer);
    }

    pub fn remove(&mut self, item: &str) -> Option<Answer> {
        self.map.remove(item)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Answer)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Safety-critical items that were not answered, in the knowledge base's order.
    pub fn missing_safety_critical<'kb>(&self, kb: &'kb Kb) -> Vec<&'kb str> {
        kb.items.iter().filter(|i| i.safety_critical && !self.map.contains_key(&i.id)).map(|i| i.id.as_str()).collect()
    }

    /// The items a complete answers file must have but this one lacks: the safety-critical items,
    /// then the follow-ups that the answers make necessary. When an emergency rule already fires
    /// they are listed with the result rather than demanded (see [`require_safety_critical`]).
    pub fn not_answered_required<'kb>(&self, kb: &'kb Kb) -> Vec<&'kb str> {
        let mut ids = self.missing_safety_critical(kb);
        ids.extend(self.missing_required_follow_ups(kb));
        ids
    }

    /// Follow-up items whose `required_if` holds but that were not answered.
    pub fn missing_required_follow_ups<'kb>(&self, kb: &'kb Kb) -> Vec<&'kb str> {
        kb.items
            .iter()
            .filter(|i| !self.map.contains_key(&i.id) && i.required_if.as_ref().is_some_and(|c| crate::eval::holds(c, self)))
            .map(|i| i.id.as_str())
            .collect()
    }

    /// The answers as a JSON object, the form `parse_answers_json` reads.
    pub fn to_json(&self) -> Value {
        Value::Object(self.map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
    }
}

/// One thing wrong with an answers file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The item id concerned; empty for problems with the file as a whole.
    pub item: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.item.is_empty() { f.write_str(&self.message) } else { write!(f, "`{}`: {}", self.item, self.message) }
    }
}

/// Why an answers file was refused. No tier is given for a refused file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    /// Not JSON at all, or not one JSON object.
    #[error("the answers are not valid JSON: {message} at line {line}, column {column}")]
    Syntax { line: usize, column: usize, message: String },
    #[error("the answers must be one JSON object of item id to value, but this is {found}")]
    NotAnObject { found: &'static str },
    /// Longer than [`MAX_ANSWERS_BYTES`].
    #[error("the answers are larger than {} MiB; an answers file is a few kilobytes, so this is not one", .limit / (1024 * 1024))]
    TooLarge { limit: usize },
    /// Every problem found, in the order of the file.
    #[error("{}", format_problems(.0))]
    Invalid(Vec<Problem>),
    /// Safety-critical items that were not answered; no tier is guessed without them.
    #[error(
        "safety-critical items not answered: {}. Every one must be answered true/false (or for leg_weakness and numbness_tingling: none, one_leg or both_legs); no result is given without them",
        .0.join(", ")
    )]
    MissingSafetyCritical(Vec<String>),
    /// Follow-ups that the other answers make necessary (see the items' `required_if`).
    #[error(
        "follow-up items not answered: {}. Your other answers make them necessary (pain_spread_side when pain reaches the thigh or below the knee; numbness_persistent when one leg is numb or tingles): they decide whether this is urgent or an emergency",
        .0.join(", ")
    )]
    MissingFollowUp(Vec<String>),
}

/// Any list of problems, as every Spotter reader words it: one as it is; several as a count and the
/// first [`PROBLEMS_SHOWN`], then how many more (so a huge bad file gets a short message).
pub fn format_problems<P: fmt::Display>(problems: &[P]) -> String {
    let shown: Vec<String> = problems.iter().take(PROBLEMS_SHOWN).map(|p| p.to_string()).collect();
    match problems.len() {
        0 => "no problems".to_string(),
        1 => shown[0].clone(),
        n if n <= PROBLEMS_SHOWN => format!("{n} problems: {}", shown.join("; ")),
        n => format!("{n} problems: {}; and {} more", shown.join("; "), n - PROBLEMS_SHOWN),
    }
}

impl IntakeError {
    /// The item ids this error is about.
    pub fn items(&self) -> Vec<&str> {
        match self {
            IntakeError::Invalid(ps) => ps.iter().filter(|p| !p.item.is_empty()).map(|p| p.item.as_str()).collect(),
            IntakeError::MissingSafetyCritical(ids) | IntakeError::MissingFollowUp(ids) => ids.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// Reads answers from a JSON object of item id to value and checks every one against the
/// knowledge base: unknown ids, wrong types, out-of-range numbers and unknown values are all
/// reported together. A JSON `null` means "not answered". Safety-critical items are not required
/// here; see [`require_safety_critical`].
///
/// A leading UTF-8 byte-order mark (as some editors write) is skipped. Text longer than
/// [`MAX_ANSWERS_BYTES`] is refused unread. Every check is linear in the size of the text.
pub fn parse_answers_json(kb: &Kb, text: &str) -> Result<Answers, IntakeError> {
    if text.len() > MAX_ANSWERS_BYTES {
        return Err(IntakeError::TooLarge { limit: MAX_ANSWERS_BYTES });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let entries = parse_entries(text)?;
    let mut answers = Answers::new();
    let mut problems = Vec::new();
    let mut seen: HashSet<&str> = HashSet::with_capacity(entries.len());
    for (id, value) in &entries {
        if !seen.insert(id.as_str()) {
            problems.push(Problem { item: id.clone(), message: "is given more than once".into() });
            continue;
        }
        if value.is_null() {
            continue;
        }
        match check_answer(kb, id, value) {
            Ok(a) => {
                answers.map.insert(id.clone(), a);
            }
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() { Ok(answers) } else { Err(IntakeError::Invalid(problems)) }
}

/// Refuses answers that leave any safety-critical item unanswered, naming them all; then any
/// follow-up that its `required_if` makes necessary (such as the side of leg pain, which decides
/// whether it is sciatica in both legs).
///
/// An emergency never waits: when an emergency rule already fires on the answers given, no
/// further answer can lower the result (the rules have no negation), so the answers are accepted
/// as they are and the result is `emergency`; [`Answers::not_answered_required`] lists what is
/// missing, for the output.
pub fn require_safety_critical(kb: &Kb, answers: &Answers) -> Result<(), IntakeError> {
    if crate::tier_only(kb, answers) == spotter_kb::Tier::Emergency {
        return Ok(());
    }
    let missing = answers.missing_safety_critical(kb);
    if !missing.is_empty() {
        return Err(IntakeError::MissingSafetyCritical(missing.into_iter().map(str::to_string).collect()));
    }
    let follow_ups = answers.missing_required_follow_ups(kb);
    if follow_ups.is_empty() {
        Ok(())
    } else {
        Err(IntakeError::MissingFollowUp(follow_ups.into_iter().map(str::to_string).collect()))
    }
}

/// [`parse_answers_json`] then [`require_safety_critical`]: what a non-interactive request needs.
pub fn parse_complete_answers_json(kb: &Kb, text: &str) -> Result<Answers, IntakeError> {
    let answers = parse_answers_json(kb, text)?;
    require_safety_critical(kb, &answers)?;
    Ok(answers)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a decimal number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 { format!("{}...", s.chars().take(40).collect::<String>()) } else { s }
}

/// Checks one value against its item.
pub fn check_answer(kb: &Kb, id: &str, value: &Value) -> Result<Answer, Problem> {
    let problem = |message: String| Problem { item: id.to_string(), message };
    let Some(item) = kb.item(id) else {
        return Err(problem("is not an item Spotter knows (check the spelling against `spotter check` or the README)".into()));
    };
    let wrong = |expected: &str| problem(format!("expected {expected}, got {} {}", json_type(value), show(value)));
    match &item.kind {
        ItemKind::Bool => value.as_bool().map(Answer::Bool).ok_or_else(|| wrong("true or false")),
        ItemKind::Integer { min, max, unit } => {
            let n = match value {
                Value::Number(n) => n
                    .as_i64()
                    .or_else(|| n.as_f64().filter(|x| x.fract() == 0.0 && x.abs() < 9.0e15).map(|x| x as i64)),
                _ => None,
            };
            let unit_words = || unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            // A whole number too large for 64 bits (1e23, or 100000000000000000000000) is out of
            // range, not "a decimal number".
            if n.is_none() && value.as_f64().is_some_and(|x| x.is_finite() && x.fract() == 0.0) {
                return Err(problem(format!("{} is out of range: expected {min} to {max}{}", show(value), unit_words())));
            }
            let Some(n) = n else { return Err(wrong("a whole number")) };
            if !(*min..=*max).contains(&n) {
                return Err(problem(format!("{n} is out of range: expected {min} to {max}{}", unit_words())));
            }
            Ok(Answer::Integer(n))
        }
        ItemKind::Number { min, max, unit } => {
            let Some(x) = value.as_f64().filter(|x| x.is_finite()) else { return Err(wrong("a number")) };
            if !(*min..=*max).contains(&x) {
                let unit = unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
                return Err(problem(format!("{} is out of range: expected {min} to {max}{unit}", spotter_kb::number::show(x))));
            }
            Ok(Answer::Number(x))
        }
        ItemKind::Choice { values } => {
            let allowed = || values.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ");
            let Some(s) = value.as_str() else { return Err(wrong(&format!("one of {}", allowed()))) };
            if values.iter().any(|c| c.id == s) {
                Ok(Answer::Choice(s.to_string()))
            } else {
                Err(problem(format!("{} is not an allowed value (expected one of {})", show(value), allowed())))
            }
        }
        ItemKind::Multi { values } => {
            let allowed = || values.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ");
            let Some(list) = value.as_array() else {
                return Err(wrong(&format!("a list of any of {}", allowed())));
            };
            let mut picked = Vec::new();
            for v in list {
                let Some(s) = v.as_str() else {
                    return Err(problem(format!("list entries must be strings, got {} {}", json_type(v), show(v))));
                };
                if !values.iter().any(|c| c.id == s) {
                    return Err(problem(format!("{} is not an allowed value (expected any of {})", show(v), allowed())));
                }
                picked.push(s);
            }
            // Keep the item's own order and drop repeats, so equal sets compare equal.
            let ordered = values.iter().filter(|c| picked.contains(&c.id.as_str())).map(|c| c.id.clone()).collect();
            Ok(Answer::Multi(ordered))
        }
    }
}

/// The top-level object's entries in file order, keeping repeated keys so they can be refused.
fn parse_entries(text: &str) -> Result<Vec<(String, Value)>, IntakeError> {
    struct Entries;
    impl<'de> Visitor<'de> for Entries {
        type Value = Option<Vec<(String, Value)>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, Value>()? {
                out.push((k, v));
            }
            Ok(Some(out))
        }
        // Anything else is read whole so the error can say what it was.
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = (&mut de).deserialize_any(Entries).and_then(|v| de.end().map(|()| v));
    match parsed {
        Ok(Some(entries)) => Ok(entries),
        Ok(None) => {
            let found = match serde_json::from_str::<Value>(text) {
                Ok(v) => json_type(&v),
                Err(_) => "not an object",
            };
            Err(IntakeError::NotAnObject { found })
        }
        Err(e) => Err(IntakeError::Syntax {
            line: e.line(),
            column: e.column(),
            message: e.to_string().split(" at line ").next().unwrap_or("invalid JSON").to_string(),
        }),
    }
}

#[cfg(test)]
mod tests;
