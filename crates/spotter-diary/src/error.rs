//! Why a diary entry, a saved check or a diary document was refused: every problem names its
//! field (`pain_now`, `answers.fever`, `entries[2].date`).

use std::fmt;


/// One thing wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field concerned, as a path: `pain_now`, `answers.fever`, `exercises`,
    /// `entries[2].date`; empty for the document as a whole.
    pub field: String,
    pub message: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() { f.write_str(&self.message) } else { write!(f, "`{}`: {}", self.field, self.message) }
    }
}

/// Why input was refused. Nothing is half-read: a refused entry adds nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiaryError {
    #[error("not valid JSON: {message} at line {line}, column {column}")]
    Syntax { line: usize, column: usize, message: String },
    #[error("expected one JSON object, but this is {found}")]
    NotAnObject { found: &'static str },
    /// Longer than the reader's limit ([`crate::MAX_ENTRY_BYTES`], [`crate::MAX_DIARY_BYTES`]).
    #[error("the text is larger than {} KiB, the most this reader takes", .limit / 1024)]
    TooLarge { limit: usize },
    /// Every problem found, in the order of the text (the message names the first few and counts
    /// the rest, as every reader's does).
    #[error("{}", spotter_triage::intake::format_problems(.0))]
    Invalid(Vec<FieldProblem>),
}

impl DiaryError {
    /// The fields this error is about, in order.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            DiaryError::Invalid(ps) => ps.iter().map(|p| p.field.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn one(field: impl Into<String>, message: impl Into<String>) -> DiaryError {
        DiaryError::Invalid(vec![FieldProblem { field: field.into(), message: message.into() }])
    }
}

