//! What wraps every route: request logs (method, path, status, time; never bodies, queries or
//! headers, which may hold health data), security headers, a request timeout, the body limit,
//! and error answers with a body (JSON under `/api` and `/healthz`, a page elsewhere) where the
//! framework itself answers with an empty one (unknown route, wrong method, timeout).

use crate::error::ApiError;
use crate::{AppState, MAX_ANSWERS_BODY_BYTES, REQUEST_TIMEOUT};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// The Content-Security-Policy of every answer: only this server's own scripts, styles and
/// images; no inline script or style; no framing; forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; media-src 'self' blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

pub fn apply(app: axum::Router, state: AppState) -> axum::Router {
    let header = |name: HeaderName, value: &'static str| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    app.layer(DefaultBodyLimit::max(MAX_ANSWERS_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(middleware::from_fn_with_state(state, error_bodies))
        .layer(header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
        .layer(header(HeaderName::from_static("cross-origin-resource-policy"), "same-origin"))
        .layer(header(HeaderName::from_static("permissions-policy"), "camera=(self), microphone=(), geolocation=(), interest-cohort=()"))
        // Answers carry health data: no cache keeps them. Static assets set their own.
        .layer(header(header::CACHE_CONTROL, "no-store"))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| tracing::info_span!("request", method = %req.method(), path = %req.uri().path()))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}

/// Whether `path` belongs to the JSON side of the server.
pub fn is_api(path: &str) -> bool {
    path == "/healthz" || path == "/api" || path.starts_with("/api/")
}

/// Gives the framework's empty error answers a body that says what is wrong.
async fn error_bodies(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).and_then(|v| v.to_str().ok()).map(str::to_string);
    let message = describe(status, &method, &path, allow.as_deref());
    let mut new = if is_api(&path) {
        ApiError::new(status, message).into_response()
    } else {
        crate::pages::error_page(&s.kb.disclaimer, status, &message)
    };
    if let Some(allow) = response.headers().get(header::ALLOW) {
        new.headers_mut().insert(header::ALLOW, allow.clone());
    }
    new
}

fn describe(status: StatusCode, method: &Method, path: &str, allow: Option<&str>) -> String {
    let path = crate::api::shorten(path);
    match status {
        StatusCode::NOT_FOUND => format!("there is nothing at {path}"),
        StatusCode::METHOD_NOT_ALLOWED => match allow {
            Some(a) if !a.is_empty() => format!("{method} is not allowed on {path}; use {a}"),
            _ => format!("{method} is not allowed on {path}"),
        },
        StatusCode::REQUEST_TIMEOUT => format!("the request took longer than {} s and was stopped", REQUEST_TIMEOUT.as_secs()),
        StatusCode::PAYLOAD_TOO_LARGE => format!("the request body is larger than {} KiB, the limit", MAX_ANSWERS_BODY_BYTES / 1024),
        s => format!("{method} {path}: {}", s.canonical_reason().unwrap_or("the request was refused")),
    }
}
