//! Request logs (what they hold and what they never hold) and the request timeout.

use super::*;
use axum::body::HttpBody;
use std::pin::Pin;
use std::task::{Context, Poll};

thread_local! {
    /// What the log subscriber wrote on this thread (each test runs on its own thread, and a
    /// `#[tokio::test]` runs its requests on that thread).
    static LOGS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

struct ThreadLogs;

impl std::io::Write for ThreadLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.with(|l| l.borrow_mut().extend_from_slice(buf));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One global subscriber for the test binary (a per-test one races with the other tests over
/// tracing's cached interest), writing to the current thread's buffer.
fn capture_logs() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        let subscriber = tracing_subscriber::fmt().with_writer(|| ThreadLogs).with_ansi(false).with_max_level(tracing::Level::TRACE).finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    });
    LOGS.with(|l| l.borrow_mut().clear());
}

#[tokio::test]
async fn requests_are_logged_with_method_path_and_status_but_never_their_answers() {
    capture_logs();
    // Answers that must not reach the logs, in the body and in the query (the numbers are
    // left out of the check: a latency could show the same digits).
    let r = post_json("/api/v1/plan?minutes=6.125", SELF_CARE).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = post_json("/api/v1/triage", r#"{"saddle_numbness": "secret-value"}"#).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = LOGS.with(|l| String::from_utf8(l.borrow().clone()).expect("text"));
    assert!(text.contains("method=POST") && text.contains("path=/api/v1/plan"), "{text}");
    assert!(text.contains("status=200") && text.contains("status=422"), "{text}");
    for secret in ["6.125", "secret-value", "saddle_numbness", "movement_related", "tightness"] {
        assert!(!text.contains(secret), "the logs hold {secret:?}:\n{text}");
    }
}

/// A body that never sends a byte (a client that stalls after its headers).
struct Stalled;

impl HttpBody for Stalled {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Poll::Pending
    }
}

#[tokio::test(start_paused = true)]
async fn a_stalled_request_gets_408_after_the_timeout() {
    let started = tokio::time::Instant::now();
    let r = send(request(Method::POST, "/api/v1/triage", Some("application/json"), Body::new(Stalled))).await;
    r.assert_error(StatusCode::REQUEST_TIMEOUT, "longer than 30 s");
    assert_eq!(started.elapsed().as_secs(), spotter_server::REQUEST_TIMEOUT.as_secs());
    let r = send(request(Method::POST, "/check", Some("application/x-www-form-urlencoded"), Body::new(Stalled))).await;
    assert_eq!(r.status, StatusCode::REQUEST_TIMEOUT);
    assert!(r.content_type().starts_with("text/html"));
}

/// A body of `n` chunks of 8 KiB of spaces, of unknown length (as a chunked upload).
struct Chunks(usize);

impl HttpBody for Chunks {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        if self.0 == 0 {
            return Poll::Ready(None);
        }
        self.0 -= 1;
        Poll::Ready(Some(Ok(http_body::Frame::data(axum::body::Bytes::from(vec![b' '; 8 * 1024])))))
    }
}

#[tokio::test]
async fn a_body_of_unknown_length_is_stopped_at_64_kib() {
    for uri in ["/api/v1/triage", "/api/v1/plan"] {
        let r = send(request(Method::POST, uri, Some("application/json"), Body::new(Chunks(1000)))).await;
        r.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "larger than 64 KiB");
    }
    let r = send(request(Method::POST, "/check", Some("application/x-www-form-urlencoded"), Body::new(Chunks(1000)))).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Eight chunks are exactly the limit: read, and refused for what they are (no answers).
    let r = send(request(Method::POST, "/api/v1/triage", Some("application/json"), Body::new(Chunks(8)))).await;
    r.assert_error(StatusCode::BAD_REQUEST, "the request body is empty");
}
