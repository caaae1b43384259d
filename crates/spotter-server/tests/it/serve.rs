//! The real server on a loopback port: the `listening on` line first, a real HTTP request,
//! a request in flight finished after the shutdown signal, and the network address refused.

use spotter_server::{ConfigError, ServeConfig, ServeError, Tls, serve_with_output};
use std::io::Write;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A writer whose bytes arrive on a channel, so the test sees the first line as it is written.
struct Lines(tokio::sync::mpsc::UnboundedSender<Vec<u8>>);

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.send(buf.to_vec());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn config(addr: &str) -> ServeConfig {
    ServeConfig { addr: addr.parse().expect("addr"), ..ServeConfig::new(std::env::temp_dir()) }
}

/// Sends `head` then `rest` on a new connection and reads the whole answer (`Connection: close`).
async fn exchange(stream: &mut TcpStream, bytes: &[u8]) -> String {
    stream.write_all(bytes).await.expect("write");
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut out)).await.expect("an answer in time").expect("read");
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn serves_on_a_free_port_says_where_and_finishes_requests_in_flight_on_shutdown() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with_output(config("127.0.0.1:0"), async { let _ = stop_rx.await; }, Lines(tx)));

    let mut first = Vec::new();
    while !first.ends_with(b"\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.expect("the line in time").expect("a line");
        first.extend(chunk);
    }
    let line = String::from_utf8(first).expect("text");
    let addr = line.strip_prefix("listening on http://").and_then(|s| s.strip_suffix('\n')).unwrap_or_else(|| panic!("first line {line:?}"));
    let (host, port) = addr.rsplit_once(':').expect("HOST:PORT");
    assert_eq!(host, "127.0.0.1");
    let port: u16 = port.parse().expect("a port");
    assert_ne!(port, 0, "port 0 picks a free port and the line says which");

    // A real request.
    let mut c = TcpStream::connect(addr).await.expect("connect");
    let answer = exchange(&mut c, b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("{\"status\":\"ok\"}"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("content-security-policy:"));

    // Garbage on one connection and a stalled request on another do not stop the others.
    let mut garbage = TcpStream::connect(addr).await.expect("connect");
    let answer = exchange(&mut garbage, b"\x00\x01\x02 NOT HTTP\r\n\r\n").await;
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 400"), "{answer}");
    let mut stalled = TcpStream::connect(addr).await.expect("connect");
    stalled.write_all(b"POST /api/v1/triage HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n{").await.expect("write");
    let mut c = TcpStream::connect(addr).await.expect("connect");
    let answer = exchange(&mut c, b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    drop(stalled);

    // A request in flight: the headers and half the body sent, then the shutdown signal.
    let body = super::SELF_CARE.as_bytes();
    let head = format!(
        "POST /api/v1/triage HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    slow.write_all(head.as_bytes()).await.expect("head");
    slow.write_all(&body[..body.len() / 2]).await.expect("half");
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop_tx.send(()).expect("server still running");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!server.is_finished(), "the server waits for the request in flight");
    let answer = exchange(&mut slow, &body[body.len() / 2..]).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with(&super::cli_triage_json(super::SELF_CARE)), "{answer}");

    let result = tokio::time::timeout(Duration::from_secs(20), server).await.expect("stops in time").expect("task");
    assert!(result.is_ok(), "{result:?}");
    assert!(TcpStream::connect(addr).await.is_err(), "no longer accepting");
}

#[tokio::test]
async fn a_network_address_without_tls_is_refused_before_anything_is_bound() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let r = serve_with_output(config("0.0.0.0:0"), std::future::pending(), Lines(tx)).await;
    match r {
        Err(ServeError::Config(ConfigError::NetworkWithoutTls { addr })) => assert_eq!(addr.to_string(), "0.0.0.0:0"),
        other => panic!("{other:?}"),
    }
    assert!(rx.try_recv().is_err(), "nothing was said on standard output");
    let mut tls = config("127.0.0.1:0");
    tls.tls = Some(Tls::SelfSigned);
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    assert!(matches!(serve_with_output(tls, std::future::pending(), Lines(tx)).await, Err(ServeError::Config(ConfigError::TlsNotAvailable))));
}

#[tokio::test]
async fn a_client_stalled_in_its_headers_does_not_hold_up_the_shutdown() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut c = config("127.0.0.1:0");
    c.shutdown_grace = Duration::from_millis(500);
    let server = tokio::spawn(serve_with_output(c, async { let _ = stop_rx.await; }, Lines(tx)));
    let mut first = Vec::new();
    while !first.ends_with(b"\n") {
        first.extend(rx.recv().await.expect("a line"));
    }
    let line = String::from_utf8(first).expect("text");
    let addr = line.trim_end().strip_prefix("listening on http://").expect("the line").to_string();
    let mut slow = TcpStream::connect(&addr).await.expect("connect");
    slow.write_all(b"POST /api/v1/triage HTTP/1.1\r\nHost: te").await.expect("write");
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop_tx.send(()).expect("running");
    let result = tokio::time::timeout(Duration::from_secs(10), server).await.expect("stops within the grace period").expect("task");
    assert!(result.is_ok(), "{result:?}");
    drop(slow);
}
