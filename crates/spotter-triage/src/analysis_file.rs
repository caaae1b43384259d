//! The observations of a `spotter analyze --format json` document (`--analysis FILE` of
//! `explain`, `plan` and `check`), checked and merged into the answers' `observations` item.
//! Text in, answers changed or an error out; reading the file is the caller's business.

use crate::intake::{Answer, Answers, check_answer};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use spotter_kb::Kb;

/// The largest analysis file read, in bytes (16 MiB). An analysis is about 1 KB a rep, so this
/// is room for thousands of reps; the limit only stops a runaway input from filling the memory.
pub const MAX_ANALYSIS_BYTES: usize = 16 * 1024 * 1024;

/// Why an analysis file was refused; the answers are then left as they were.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisFileError {
    #[error("larger than {} MiB; the JSON of `spotter analyze` is a few kilobytes a set, so this is not one", .limit / (1024 * 1024))]
    TooLarge { limit: usize },
    #[error("not valid JSON: {message} at line {line}, column {column}")]
    Syntax { line: usize, column: usize, message: String },
    #[error("not the JSON output of `spotter analyze` ({why}); make one with `spotter analyze FILE --format json > analysis.json`")]
    NotAnAnalysis { why: String },
    #[error("this is an answers file, not an analysis; give it with --answers, and the JSON output of `spotter analyze --format json` with --analysis")]
    AnswersFile,
    #[error("{0}")]
    BadObservations(String),
}

/// The fields this reader uses; all others are skipped. `movement` and `reps` are only checked
/// to be there: every analysis has them, and an answers file has neither.
#[derive(Deserialize)]
struct Doc {
    movement: Option<IgnoredAny>,
    reps: Option<IgnoredAny>,
    observations: Option<Value>,
}

/// Adds the observations of the analysis document `text` to the answers' `observations`,
/// keeping the ones already there. A leading byte-order mark is skipped.
pub fn merge_analysis_json(kb: &Kb, answers: &mut Answers, text: &str) -> Result<(), AnalysisFileError> {
    if text.len() > MAX_ANALYSIS_BYTES {
        return Err(AnalysisFileError::TooLarge { limit: MAX_ANALYSIS_BYTES });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: Doc = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) if e.is_data() => {
            let why = match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(_)) => format!("{e}"),
                Ok(_) => "it is not a JSON object".to_string(),
                Err(_) => format!("{e}"),
            };
            return Err(AnalysisFileError::NotAnAnalysis { why });
        }
        Err(e) => {
            return Err(AnalysisFileError::Syntax {
                line: e.line(),
                column: e.column(),
                message: e.to_string().split(" at line ").next().unwrap_or("invalid JSON").to_string(),
            });
        }
    };
    if doc.movement.is_none() || doc.reps.is_none() {
        if looks_like_answers(kb, text) {
            return Err(AnalysisFileError::AnswersFile);
        }
        let missing: Vec<&str> = [("movement", doc.movement.is_none()), ("reps", doc.reps.is_none())]
            .into_iter()
            .filter(|(_, m)| *m)
            .map(|(f, _)| f)
            .collect();
        return Err(AnalysisFileError::NotAnAnalysis { why: format!("no `{}` field", missing.join("` or `")) });
    }
    let Some(Value::Array(list)) = doc.observations else {
        return Err(AnalysisFileError::NotAnAnalysis { why: "no `observations` list".to_string() });
    };
    let mut all: Vec<Value> = match answers.get("observations") {
        Some(Answer::Multi(v)) => v.iter().cloned().map(Value::String).collect(),
        _ => Vec::new(),
    };
    all.extend(list);
    let merged =
        check_answer(kb, "observations", &Value::Array(all)).map_err(|p| AnalysisFileError::BadObservations(p.to_string()))?;
    answers.set_unchecked("observations", merged);
    Ok(())
}

/// Whether the top-level keys of `text` are mostly intake item ids (an answers file given by
/// mistake).
fn looks_like_answers(kb: &Kb, text: &str) -> bool {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else { return false };
    let known = map.keys().filter(|k| kb.item(k).is_some()).count();
    known > 0 && known * 2 >= map.len()
}

#[cfg(test)]
mod tests;
