//! Runs the web app until Ctrl-C or SIGTERM, as `spotter serve` will: `cargo run -p
//! spotter-server --example serve -- [HOST:PORT]` (default 127.0.0.1:8080; port 0 picks a free
//! one). The browser tests start it; the first line on standard output says where it listens.
//! Its diary is a new SQLite file in a temporary folder of its own, removed when it stops.

use spotter_server::{ServeConfig, parse_addr, serve};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let given = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let addr = match parse_addr(&given) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let data_dir = std::env::temp_dir().join(format!("spotter-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let db = spotter_store::Location::Sqlite { path: data_dir.join("spotter.db") };
    let config = ServeConfig { addr, db: Some(db), ..ServeConfig::new(data_dir.clone()) };
    let served = serve(config, stop_signal()).await;
    let _ = std::fs::remove_dir_all(&data_dir);
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(spotter_server::ServeError::Config(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C or SIGTERM, whichever comes first.
async fn stop_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}
