//! The JSON API under `/api/v1` (and `/healthz`): each handler reads the body, calls the
//! application layer and sends its `spotter_wire` document exactly as `spotter … --format json`
//! prints it (pretty JSON and a newline).

use crate::error::ApiError;
use crate::{AppState, MAX_ANSWERS_BODY_BYTES};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::value::RawValue;
use spotter_kb::Kb;
use spotter_triage::Answers;
use std::collections::BTreeMap;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/triage", post(triage))
        .route("/api/v1/explain", post(explain))
        .route("/api/v1/plan", post(plan))
        .route("/api/v1/card", post(card))
        .route("/api/v1/openapi.json", get(openapi))
}

async fn healthz() -> Response {
    json_response(StatusCode::OK, "{\"status\":\"ok\"}".to_string())
}

async fn openapi() -> Response {
    json_response(StatusCode::OK, pretty(&crate::openapi_document()))
}

async fn triage(State(s): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    query_params(q.as_deref(), &[])?;
    let text = body_text(&headers, body)?;
    let answers = spotter_app::read_answers(&s.kb, &text, "the request body").map_err(|e| ApiError::from_app(&e))?;
    Ok(json_response(StatusCode::OK, pretty(&spotter_app::triage(&s.kb, &answers).doc)))
}

async fn explain(State(s): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    query_params(q.as_deref(), &[])?;
    let text = body_text(&headers, body)?;
    let answers = read_request(&s.kb, &text)?;
    Ok(json_response(StatusCode::OK, pretty(&spotter_app::explain(&s.kb, &answers).1)))
}

async fn plan(State(s): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let params = query_params(q.as_deref(), &["minutes"])?;
    let minutes = minutes(&params)?;
    let text = body_text(&headers, body)?;
    let answers = read_request(&s.kb, &text)?;
    let (_, doc) = spotter_app::plan(&s.kb, &answers, minutes).map_err(|e| ApiError::from_app(&e))?;
    Ok(json_response(StatusCode::OK, pretty(&doc)))
}

pub use spotter_app::card::CardFormat;

async fn card(State(s): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let params = query_params(q.as_deref(), &["format", "minutes"])?;
    let format = match params.get("format") {
        None => return Err(ApiError::bad_request("format is missing: add ?format=pdf, ?format=png or ?format=svg")),
        Some(f) => CardFormat::parse(f)
            .ok_or_else(|| ApiError::bad_request(format!("format must be pdf, png or svg, got {:?}", shorten(f))))?,
    };
    let minutes = minutes(&params)?;
    let text = body_text(&headers, body)?;
    let answers = read_request(&s.kb, &text)?;
    render_card(s, answers, minutes, format).await
}

/// Makes the plan and its card on a blocking thread (typst takes milliseconds of CPU per card).
pub async fn render_card(s: AppState, answers: Answers, minutes: Option<f64>, format: CardFormat) -> Result<Response, ApiError> {
    let slot = s.heavy_slot().await;
    let made = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let _slot = slot;
        let (plan, _) = spotter_app::plan(&s.kb, &answers, minutes).map_err(|e| ApiError::from_app(&e))?;
        spotter_app::card::render_card(&s.kb, &plan, format).map(|c| c.bytes).map_err(|e| ApiError::from_app(&e))
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "card task failed");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the card could not be made")
    })??;
    let mut r = made.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    let disposition = format!("inline; filename=\"spotter-card.{}\"", format.extension());
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// The document as the CLI prints it: pretty JSON and a newline.
pub fn pretty<T: serde::Serialize>(doc: &T) -> String {
    // The documents are plain structs of strings and numbers: serializing them cannot fail, and
    // if it ever did the answer would be an empty object rather than a crash.
    serde_json::to_string_pretty(doc).unwrap_or_else(|_| "{}".to_string()) + "\n"
}

pub fn json_response(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// The body as text: JSON (or no Content-Type at all), within the limit, UTF-8, not empty.
pub fn body_text(headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<String, ApiError> {
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if ct != "application/json" && !ct.ends_with("+json") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("the request body must be JSON (Content-Type: application/json), not {:?}", shorten(&ct)),
            ));
        }
    }
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, too_large())
        } else {
            ApiError::bad_request(format!("the request body could not be read: {e}"))
        }
    })?;
    if bytes.len() > MAX_ANSWERS_BODY_BYTES {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, too_large()));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("the request body is empty: send the answers as one JSON object of item id to value"));
    }
    String::from_utf8(bytes.to_vec())
        .map_err(|e| ApiError::bad_request(format!("the request body is not UTF-8 text (at byte {})", e.utf8_error().valid_up_to())))
}

fn too_large() -> String {
    format!("the request body is larger than {} KiB, the limit for answers", MAX_ANSWERS_BODY_BYTES / 1024)
}

/// The body of explain, plan and card: `{"answers": {...}, "analysis": {...}?}` or a bare
/// answers object (no item is called `answers`, so the two cannot be confused). The answers'
/// own text goes to the same reader as `spotter triage --answers`.
pub fn read_request(kb: &Kb, text: &str) -> Result<Answers, ApiError> {
    let unmarked = text.strip_prefix('\u{feff}').unwrap_or(text);
    let wrapped = serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(unmarked).ok().filter(|m| m.contains_key("answers"));
    let Some(fields) = wrapped else {
        return spotter_app::read_answers(kb, text, "the request body").map_err(|e| ApiError::from_app(&e));
    };
    let unknown: Vec<&str> = fields.keys().map(String::as_str).filter(|k| !matches!(*k, "answers" | "analysis")).collect();
    if !unknown.is_empty() {
        return Err(ApiError::unprocessable(format!(
            "unknown field{} {} in the request: send {{\"answers\": {{...}}, \"analysis\": {{...}}}} (analysis optional) or the answers object alone",
            if unknown.len() == 1 { "" } else { "s" },
            unknown.iter().map(|k| format!("{:?}", shorten(k))).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut answers = spotter_app::read_answers(kb, fields["answers"].get(), "`answers`").map_err(|e| ApiError::from_app(&e))?;
    if let Some(analysis) = fields.get("analysis").filter(|a| a.get() != "null") {
        spotter_app::add_analysis(kb, &mut answers, analysis.get(), "`analysis`").map_err(|e| ApiError::from_app(&e))?;
    }
    Ok(answers)
}

/// The query's parameters, each at most once and only those `allowed`.
pub fn query_params(q: Option<&str>, allowed: &[&str]) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(q.unwrap_or("").as_bytes()) {
        if !allowed.contains(&k.as_ref()) {
            let known = if allowed.is_empty() { "this route takes none".to_string() } else { format!("this route takes {}", allowed.join(", ")) };
            return Err(ApiError::bad_request(format!("unknown query parameter {:?}: {known}", shorten(&k))));
        }
        if out.insert(k.to_string(), v.to_string()).is_some() {
            return Err(ApiError::bad_request(format!("query parameter {k} is given more than once")));
        }
    }
    Ok(out)
}

/// `minutes`, the warm-up budget (checked against 5..=10 by the plan itself).
fn minutes(params: &BTreeMap<String, String>) -> Result<Option<f64>, ApiError> {
    let Some(m) = params.get("minutes") else { return Ok(None) };
    match m.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(ApiError::unprocessable(format!("minutes must be a number of minutes from 5 to 10, got {:?}", shorten(m)))),
    }
}

/// At most 40 characters of something the client sent, for messages.
pub fn shorten(s: &str) -> String {
    if s.chars().count() > 40 { format!("{}...", s.chars().take(40).collect::<String>()) } else { s.to_string() }
}
