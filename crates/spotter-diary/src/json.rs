//! A JSON tree that keeps every key of an object in file order, repeats included, so a reader can
//! refuse a field given twice (serde_json's `Value` would silently keep the last one). Bounded:
//! text longer than the caller's limit is refused unread.

use crate::error::DiaryError;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use std::fmt;

/// One JSON value; objects keep their entries in order, repeats included.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// "a string", "an integer", ... for error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(n) if n.is_i64() || n.is_u64() => "an integer",
            Json::Number(_) => "a decimal number",
            Json::String(_) => "a string",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    /// As serde_json's value (a repeated key keeps its last value; callers refuse repeats first).
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(v) => Value::Array(v.iter().map(Json::to_value).collect()),
            Json::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_value())).collect()),
        }
    }

    /// The value shortened for a message.
    pub(crate) fn show(&self) -> String {
        let s = self.to_value().to_string();
        if s.chars().count() > 40 { format!("{}...", s.chars().take(40).collect::<String>()) } else { s }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
                Ok(Json::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
                Ok(Json::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
                Ok(Json::Number(n.into()))
            }
            fn visit_f64<E>(self, x: f64) -> Result<Json, E> {
                // serde_json never produces a non-finite number from text.
                Ok(Number::from_f64(x).map_or(Json::Null, Json::Number))
            }
            fn visit_str<E>(self, s: &str) -> Result<Json, E> {
                Ok(Json::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Json, E> {
                Ok(Json::String(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Json::Array(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Json>()? {
                    out.push((k, v));
                }
                Ok(Json::Object(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads `text` as one JSON value: refused unread when longer than `limit` bytes; a leading
/// UTF-8 byte-order mark is skipped.
pub(crate) fn parse(text: &str, limit: usize) -> Result<Json, DiaryError> {
    if text.len() > limit {
        return Err(DiaryError::TooLarge { limit });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Json::deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    parsed.map_err(|e| DiaryError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string().split(" at line ").next().unwrap_or("invalid JSON").to_string(),
    })
}
