//! Spotter's web app and JSON API (`spotter serve`): axum on tokio over the application layer
//! (`spotter-app`). The web layer adds no clinical or coaching logic: the JSON answers are the
//! CLI's documents, byte for byte, and the pages render the same results.
//!
//! - [`router`] builds the whole app (routes, limits, security headers, request logs) for a given
//!   [`AppState`]; tests call it directly with `tower::ServiceExt::oneshot`.
//! - [`check_config`] refuses a configuration before anything is bound (a network address
//!   without TLS); [`serve`] binds, says `listening on http://HOST:PORT`, and serves until the
//!   shutdown future completes, finishing the requests in flight.
//!
//! Modules: `api` (the JSON routes), `diary` (the diary's JSON routes and the `/diary` page), `warmup` (the guided warm-up player), `pages` (server-rendered pages), `questionnaire` (which
//! questions the check asks next, and reading the form's answers), `html` (escaping and the page
//! layout from `web/`), `openapi` (the route table and the OpenAPI document built from it),
//! `layers` (security headers, timeouts, logs), `error` (one error type mapped to status codes).

mod api;
mod diary;
mod error;
mod html;
mod layers;
mod openapi;
mod pages;
mod questionnaire;
mod warmup;

use std::future::Future;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use error::ApiError;
pub use openapi::{ROUTES, Route, openapi_document};
pub use questionnaire::should_ask;

/// The largest answers body the API and the pages read, in bytes (spec: 64 KiB).
pub const MAX_ANSWERS_BODY_BYTES: usize = 64 * 1024;

/// How long one request may take, headers to last byte of the answer, before it gets 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Default upload limit of the video routes (spec: 512 MiB), in bytes.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 512 * 1024 * 1024;

/// What `spotter serve` was asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeConfig {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Where the server keeps its files (the self-signed certificate, later the diary).
    pub data_dir: PathBuf,
    /// TLS, required for any address other than loopback.
    pub tls: Option<Tls>,
    /// The diary database (`--db`, `SPOTTER_DB`, or `spotter.db` in the data dir); `None` serves
    /// no diary (its routes answer 503).
    pub db: Option<spotter_store::Location>,
    /// The largest video upload, in bytes (the video routes are not built yet).
    pub max_upload_bytes: u64,
    /// After the shutdown signal, how long requests in flight may take before the server stops
    /// anyway (a client that never finishes its request cannot hold it up).
    pub shutdown_grace: Duration,
}

impl ServeConfig {
    /// The spec's defaults: `127.0.0.1:8080`, no TLS, 512 MiB uploads.
    pub fn new(data_dir: PathBuf) -> ServeConfig {
        ServeConfig {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8080),
            data_dir,
            tls: None,
            db: None,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            shutdown_grace: REQUEST_TIMEOUT,
        }
    }
}

/// Where the certificate comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Tls {
    /// `--tls-cert FILE --tls-key FILE` (PEM).
    Files { cert: PathBuf, key: PathBuf },
    /// `--tls self-signed`: made once and kept in the data dir.
    SelfSigned,
}

/// Why `spotter serve` will not start (exit 2 in the CLI: the person's flags).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "--addr {addr} can be reached from other machines, so it needs TLS (--tls-cert FILE --tls-key FILE, or --tls self-signed): \
         browsers drop secure cookies and the screen wake lock on plain-http network addresses. \
         Use --addr 127.0.0.1:{port} to serve this machine only",
        port = .addr.port()
    )]
    NetworkWithoutTls { addr: SocketAddr },
    #[error("TLS is not built into this version of spotter serve yet; serve on a loopback address (127.0.0.1 or [::1]) without --tls")]
    TlsNotAvailable,
    #[error("--addr {given:?} is not HOST:PORT with an IP address or `localhost` as HOST (for example 127.0.0.1:8080)")]
    BadAddr { given: String },
}

/// Reads `--addr`: `IP:PORT`, `[IPv6]:PORT` or `localhost:PORT` (taken as 127.0.0.1, without
/// asking a resolver).
pub fn parse_addr(given: &str) -> Result<SocketAddr, ConfigError> {
    if let Ok(a) = given.parse::<SocketAddr>() {
        return Ok(a);
    }
    let bad = || ConfigError::BadAddr { given: given.to_string() };
    let (host, port) = given.rsplit_once(':').ok_or_else(bad)?;
    if !host.eq_ignore_ascii_case("localhost") {
        return Err(bad());
    }
    let port: u16 = port.parse().map_err(|_| bad())?;
    Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
}

/// Refuses what cannot be served safely, before anything is bound: a non-loopback address
/// without TLS (and, until it is built, any TLS).
pub fn check_config(config: &ServeConfig) -> Result<(), ConfigError> {
    match (&config.tls, config.addr.ip().is_loopback()) {
        (None, true) => Ok(()),
        (None, false) => Err(ConfigError::NetworkWithoutTls { addr: config.addr }),
        (Some(_), _) => Err(ConfigError::TlsNotAvailable),
    }
}

/// Why serving stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("the built-in knowledge base failed to load: {0}")]
    Kb(#[from] spotter_kb::KbError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot write the `listening on` line: {0}")]
    Announce(std::io::Error),
    #[error("the diary cannot be opened: {0}")]
    Diary(#[from] spotter_app::diary::DiaryAppError),
    #[error("the server stopped: {0}")]
    Io(std::io::Error),
}

/// What every handler shares: the knowledge base, loaded once, the diary (when the server has
/// one), and the slots for CPU-heavy work (card rendering), one per core, so a burst of cards
/// queues instead of taking every thread.
#[derive(Clone)]
pub struct AppState {
    pub kb: Arc<spotter_kb::Kb>,
    heavy: Arc<tokio::sync::Semaphore>,
    diary: Option<Arc<diary::SharedDiary>>,
}

impl AppState {
    pub fn new(kb: spotter_kb::Kb) -> AppState {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        AppState { kb: Arc::new(kb), heavy: Arc::new(tokio::sync::Semaphore::new(cores)), diary: None }
    }

    /// This state with the diary at `location` (opened, and made on first use, now).
    pub async fn with_diary(mut self, location: spotter_store::Location) -> Result<AppState, spotter_app::diary::DiaryAppError> {
        self.diary = Some(diary::open_shared(location).await?);
        Ok(self)
    }

    /// Whether this server keeps a diary.
    pub fn has_diary(&self) -> bool {
        self.diary.is_some()
    }

    /// The state with the knowledge base compiled into the binary.
    pub fn builtin() -> Result<AppState, spotter_kb::KbError> {
        Ok(AppState::new(spotter_kb::Kb::builtin()?))
    }

    /// Waits for a slot for CPU-heavy work; the slot is freed when the permit is dropped.
    pub(crate) async fn heavy_slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.heavy.clone().acquire_owned().await.ok()
    }
}

/// The whole app: pages, the JSON API, static assets, with body limits, timeouts, security
/// headers and request logs on every route.
pub fn router(state: AppState) -> axum::Router {
    let app = axum::Router::new().merge(api::routes()).merge(diary::routes()).merge(warmup::routes()).merge(pages::routes()).with_state(state.clone());
    layers::apply(app, state)
}

/// Serves `config` until `shutdown` completes, then stops accepting, finishes the requests in
/// flight and returns. The first line on standard output is `listening on http://HOST:PORT`.
/// `spotter serve` for a synchronous caller: checks the configuration, starts a runtime of its
/// own, logs requests to standard error (tracing, without bodies), and serves until Ctrl-C or
/// SIGTERM, then finishes the requests in flight and returns.
pub fn serve_until_signal(config: ServeConfig) -> Result<(), ServeError> {
    check_config(&config)?;
    let _ = tracing_subscriber::fmt().with_writer(std::io::stderr).with_target(false).try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(ServeError::Io)?;
    runtime.block_on(serve(config, stop_signal()))
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

pub async fn serve(config: ServeConfig, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServeError> {
    serve_with_output(config, shutdown, std::io::stdout()).await
}

/// [`serve`] writing its `listening on` line to `out` instead of standard output.
pub async fn serve_with_output(
    config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
    mut out: impl Write,
) -> Result<(), ServeError> {
    check_config(&config)?;
    let mut state = AppState::builtin()?;
    if let Some(db) = config.db.clone() {
        state = state.with_diary(db).await?;
    }
    let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|source| ServeError::Bind { addr: config.addr, source })?;
    let local = listener.local_addr().map_err(|source| ServeError::Bind { addr: config.addr, source })?;
    // The socket accepts connections from here on (they wait in the backlog until served).
    writeln!(out, "listening on http://{local}").and_then(|()| out.flush()).map_err(ServeError::Announce)?;
    tracing::info!(addr = %local, "listening");
    let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: no new connections, finishing the requests in flight");
        let _ = signalled_tx.send(());
    };
    let server = axum::serve(listener, router(state)).with_graceful_shutdown(signal);
    let grace = async {
        if signalled_rx.await.is_err() {
            // The signal future was dropped without completing: no shutdown was asked for.
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(config.shutdown_grace).await;
    };
    tokio::select! {
        r = server => r.map_err(ServeError::Io)?,
        () = grace => tracing::warn!(grace = ?config.shutdown_grace, "requests still open after the grace period; stopping anyway"),
    }
    tracing::info!("stopped");
    Ok(())
}

#[cfg(test)]
mod tests;
