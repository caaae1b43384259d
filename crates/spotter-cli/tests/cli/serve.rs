//! `spotter serve` end to end: the first line says where it listens, it answers on loopback,
//! SIGTERM stops it with exit 0, and a network address without TLS is refused with exit 2.

use super::*;
use std::io::{BufRead, BufReader, Read};

#[test]
fn serve_announces_answers_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("spotter-serve-cli-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_spotter"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir", dir.to_str().unwrap()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spotter serve starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("first line");
    let addr = first.trim().strip_prefix("listening on http://").unwrap_or_else(|| panic!("first line: {first:?}")).to_string();
    let mut conn = std::net::TcpStream::connect(&addr).expect("connects");
    conn.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes()).unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.ends_with("{\"status\":\"ok\"}"), "{reply}");
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs").success());
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_network_address_without_tls_is_refused() {
    let out = spotter(&["serve", "--addr", "0.0.0.0:0"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("needs TLS"), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
}
