//! `spotter serve` end to end: the first line says where it listens, it answers on loopback,
//! SIGTERM stops it with exit 0, and a network address without TLS is refused with exit 2.

use super::*;
use std::io::{BufRead, BufReader, Read};

/// Starts `spotter serve --addr 127.0.0.1:0` with `extra` flags; the child and the HOST:PORT its
/// first line names.
fn start_serve(extra: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spotter"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spotter serve starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("first line");
    let addr = first.trim().strip_prefix("listening on http://").unwrap_or_else(|| panic!("first line: {first:?}")).to_string();
    (child, addr)
}

/// SIGTERM, then the exit status must be 0.
fn stop_serve(mut child: std::process::Child) {
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs").success());
    assert_eq!(child.wait().expect("exits").code(), Some(0), "SIGTERM stops the server cleanly");
}

#[test]
fn serve_announces_answers_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("spotter-serve-cli-{}", std::process::id()));
    let (child, addr) = start_serve(&["--data-dir", dir.to_str().unwrap()]);
    let mut conn = std::net::TcpStream::connect(&addr).expect("connects");
    conn.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes()).unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.ends_with("{\"status\":\"ok\"}"), "{reply}");
    stop_serve(child);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_network_address_without_tls_is_refused() {
    let out = spotter(&["serve", "--addr", "0.0.0.0:0"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("needs TLS"), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
}

/// One HTTP/1.1 request on a new connection; the status code and the body.
fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut conn = std::net::TcpStream::connect(addr).expect("connects");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(req.as_bytes()).unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    let status = reply.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = reply.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[test]
fn the_cli_and_the_web_server_writing_one_sqlite_file_at_once_lose_nothing() {
    let dir = std::env::temp_dir().join(format!("spotter-serve-writers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("spotter.db");
    let db_arg = db.to_str().unwrap().to_string();
    let (child, addr) = start_serve(&["--db", &db_arg, "--data-dir", dir.to_str().unwrap()]);
    let today = spotter_app::diary::today();
    let day = |n: i64| today.add_days(-n).expect("date").to_string();
    const EACH: i64 = 30;
    // The command line logs days 1..=30 ago, one process each; the web app days 31..=60 ago, at
    // the same time. Each side keeps the ids it was told were stored.
    let cli_days: Vec<String> = (1..=EACH).map(day).collect();
    let web_days: Vec<String> = (EACH + 1..=2 * EACH).map(day).collect();
    let cli = {
        let db_arg = db_arg.clone();
        std::thread::spawn(move || {
            let mut ids = Vec::new();
            for (i, d) in cli_days.iter().enumerate() {
                let pain = (i % 11).to_string();
                let out = spotter(&["diary", "add", "--date", d, "--pain", &pain, "--db", &db_arg], "");
                assert_eq!(out.status.code(), Some(0), "{d}: {}", text(&out.stderr));
                ids.push(text(&out.stdout).trim().parse::<i64>().expect("an id"));
            }
            ids
        })
    };
    let web = {
        let addr = addr.clone();
        std::thread::spawn(move || {
            let mut ids = Vec::new();
            for (i, d) in web_days.iter().enumerate() {
                let body = format!(r#"{{"date": "{d}", "pain_now": {}, "trained": true, "exercises": ["back_squat"], "warmed_up": true}}"#, i % 11);
                let (status, reply) = http(&addr, "POST", "/api/v1/diary", &body);
                assert_eq!(status, 201, "{d}: {reply}");
                let v: Value = serde_json::from_str(&reply).expect("JSON");
                ids.push(v["id"].as_i64().expect("an id"));
            }
            ids
        })
    };
    let mut acknowledged = cli.join().expect("cli writer");
    acknowledged.extend(web.join().expect("web writer"));
    // Every acknowledged entry is there, read by the command line and by the server alike.
    let listed = json_of(&spotter(&["diary", "list", "--format", "json", "--db", &db_arg], ""));
    let mut ids: Vec<i64> = listed["entries"].as_array().expect("entries").iter().map(|e| e["id"].as_i64().expect("id")).collect();
    ids.sort();
    acknowledged.sort();
    assert_eq!(ids, acknowledged, "no acknowledged entry lost, none added");
    assert_eq!(ids.len() as i64, 2 * EACH);
    let (status, from_server) = http(&addr, "GET", "/api/v1/diary", "");
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<Value>(&from_server).unwrap(), listed);
    stop_serve(child);
    let _ = std::fs::remove_dir_all(&dir);
}
