//! Load errors of the knowledge base: every one names the file, the key and the line.

use std::fmt;

/// A problem found while loading a knowledge-base file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct KbError {
    /// File name as given to the loader, e.g. `triage/rules.toml`.
    pub file: String,
    /// Dotted key path to the offending value, e.g. `rule[E1].when.any[2].item`; empty when the
    /// whole file could not be read.
    pub key: String,
    /// 1-based line of the offending value (0 when unknown).
    pub line: usize,
    /// 1-based column of the offending value (0 when unknown).
    pub column: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for KbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, ": key `{}`", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Turns byte offsets of one file into line and column numbers.
pub(crate) struct SourceText<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl SourceText<'_> {
    /// 1-based (line, column) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    pub fn error(&self, key: impl Into<String>, span: Option<std::ops::Range<usize>>, message: impl Into<String>) -> KbError {
        let (line, column) = span.map_or((0, 0), |s| self.line_col(s.start));
        KbError { file: self.name.to_string(), key: key.into(), line, column, message: message.into() }
    }

    /// Wraps a TOML syntax or shape error, keeping its position.
    pub fn toml_error(&self, err: &toml::de::Error) -> KbError {
        let key = guess_key(self.text, err.span());
        self.error(key, err.span(), err.message().trim().to_string())
    }
}

/// The key whose line a span points at (`id = ...` gives `id`), for messages of serde errors that
/// do not carry the key themselves.
fn guess_key(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else { return String::new() };
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    match line.split_once('=') {
        Some((k, _)) if !k.trim().starts_with('{') => k.trim().trim_matches('"').to_string(),
        _ => String::new(),
    }
}
