//! Handler tests of the web app (the router driven with `tower::ServiceExt::oneshot`, no socket)
//! and one real server on a loopback port. Expectations come from spec/web.md and
//! spec/triage.md; the JSON documents are compared with the application layer's, which is what
//! the CLI prints.

mod api;
mod diary;
mod form;
mod headers;
mod limits;
mod openapi;
mod pages;
mod serve;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use spotter_server::{AppState, router};
use std::sync::OnceLock;
use tower::ServiceExt;

pub const SELF_CARE: &str = include_str!("../../../../examples/intake-self-care.json");
pub const URGENT: &str = include_str!("../../../../examples/intake-urgent.json");
pub const EMERGENCY: &str = include_str!("../../../../examples/intake-emergency.json");

pub fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE.get_or_init(|| AppState::builtin().expect("the built-in knowledge base loads")).clone()
}

pub fn kb() -> &'static spotter_kb::Kb {
    static KB: OnceLock<spotter_kb::Kb> = OnceLock::new();
    KB.get_or_init(|| spotter_kb::Kb::builtin().expect("kb"))
}

/// An answer of the app.
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a text answer")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// Asserts a JSON error answer with `status` whose message contains `says`; returns the body.
    pub fn assert_error(&self, status: StatusCode, says: &str) -> serde_json::Value {
        assert_eq!(self.status, status, "{}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.content_type(), "application/json");
        let v = self.json();
        let msg = v["error"].as_str().unwrap_or_else(|| panic!("no error text in {v}"));
        assert!(msg.contains(says), "{msg:?} does not say {says:?}");
        v
    }
}

pub async fn send(req: Request<Body>) -> Resp {
    let r = router(state()).oneshot(req).await.expect("the router answers");
    let status = r.status();
    let headers = r.headers().clone();
    let body = http_body_util::BodyExt::collect(r.into_body()).await.expect("body").to_bytes().to_vec();
    Resp { status, headers, body }
}

pub fn request(method: Method, uri: &str, content_type: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    b.body(body.into()).expect("request")
}

pub async fn get(uri: &str) -> Resp {
    send(request(Method::GET, uri, None, Body::empty())).await
}

pub async fn post_json(uri: &str, body: impl Into<Body>) -> Resp {
    send(request(Method::POST, uri, Some("application/json"), body)).await
}

pub async fn post_form(uri: &str, body: impl Into<Body>) -> Resp {
    send(request(Method::POST, uri, Some("application/x-www-form-urlencoded"), body)).await
}

/// Exactly what `spotter triage --format json` prints for `answers`.
pub fn cli_triage_json(answers: &str) -> String {
    let a = spotter_app::read_answers(kb(), answers, "test").expect("valid answers");
    serde_json::to_string_pretty(&spotter_app::triage(kb(), &a).doc).expect("json") + "\n"
}

/// `text` with `keys` removed (a JSON object).
pub fn without(text: &str, keys: &[&str]) -> String {
    let mut v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).expect("object");
    for k in keys {
        assert!(v.remove(*k).is_some(), "{k} not in the fixture");
    }
    serde_json::Value::Object(v).to_string()
}
