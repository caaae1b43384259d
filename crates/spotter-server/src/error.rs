//! One error type for the JSON API, mapped to a status code and the body
//! `{"error": text}` (with `"items": [ids]` for answers, `"fields": [names]` for diary entries). Bad input is always 4xx and names what
//! is wrong; nothing about the server's insides is sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use spotter_app::AppError;
use spotter_triage::IntakeError;

/// An error answer of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// The item ids the error is about (answers errors only; `None` leaves the field out).
    pub items: Option<Vec<String>>,
    /// The fields of a diary entry or check the error is about (`pain_now`, `date`), diary
    /// routes only (`None` leaves the field out).
    pub fields: Option<Vec<String>>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), items: None, fields: None }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// The refusal of an answers text (`what` names it: "the request body", "`answers`").
    pub fn from_intake(error: &IntakeError, what: &str) -> ApiError {
        let status = match error {
            IntakeError::Syntax { .. } | IntakeError::NotAnObject { .. } => StatusCode::BAD_REQUEST,
            IntakeError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            IntakeError::Invalid(_) | IntakeError::MissingSafetyCritical(_) | IntakeError::MissingFollowUp(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        };
        let items = error.items().into_iter().map(str::to_string).collect();
        ApiError { status, message: format!("invalid answers in {what}: {error}"), items: Some(items), fields: None }
    }

    /// The application layer's refusals, worded for HTTP (no command-line flags).
    pub fn from_app(error: &AppError) -> ApiError {
        match error {
            AppError::Answers { input, error } => ApiError::from_intake(error, input),
            AppError::Analysis { input, error } => ApiError::unprocessable(format!("invalid analysis in {input}: {error}")),
            AppError::Plan(e) => ApiError::unprocessable(format!("minutes: {e}")),
            AppError::Input(msg) => ApiError::unprocessable(msg.clone()),
            // Not the request's fault: logged, and the client told only that it failed.
            AppError::Write(msg) | AppError::Failed(msg) => {
                tracing::error!(error = %msg, "request failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the request could not be completed")
            }
        }
    }

    pub fn body(&self) -> String {
        let mut doc = serde_json::Map::new();
        doc.insert("error".into(), self.message.clone().into());
        if let Some(items) = &self.items {
            doc.insert("items".into(), items.clone().into());
        }
        if let Some(fields) = &self.fields {
            doc.insert("fields".into(), fields.clone().into());
        }
        serde_json::Value::Object(doc).to_string()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, self.body()).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        r
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}
