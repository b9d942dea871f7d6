//! The HTTP face of corroborate: a JSON API over the store, the web pages (story list with
//! search, story page), exports, Atom feeds of the stories and of each story's changes,
//! and an OpenAPI document. Built on axum.
//!
//! Main items: [`router`] (all routes over an [`AppState`]), [`run`] (binds an address and
//! serves until Ctrl-C, blocking; it brings its own async runtime), [`spawn`] (serves in the
//! background until stopped), [`ServerConfig`] (limits), [`ErrorCode`] (the one table from
//! error to status, machine code and meaning) with [`ApiError`] (a code and a message), and
//! [`client::Client`] (a blocking client of the API, for load tests).
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let state = corroborate_server::AppState::open(
//!     std::path::Path::new("news.db"),
//!     corroborate_engine::Config::default(),
//!     corroborate_server::ServerConfig::default(),
//! )?;
//! let addr = "127.0.0.1:8080".parse()?;
//! corroborate_server::run(addr, state, |bound| eprintln!("serving on http://{bound}/"))?;
//! # Ok(()) }
//! ```
//!
//! Architecture invariant: the only crate that knows HTTP. It reads and writes through the
//! store and renders through the report crate; it holds no analysis logic of its own.
//!
//! Architecture invariant: bad input never gives a 500. Unknown ids are 404, unreadable
//! queries and bodies 400, bodies over the limit 413; every error body is
//! `{"message", "code"}` (the axum rejections' plain-text bodies are rewritten by
//! [`finish_response`]).
//!
//! Architecture invariant: nobody writes without leave. With a token configured every
//! write needs `Authorization: Bearer TOKEN`; without one, writes come only from loopback
//! peers and never from a web page of another origin; a loopback request whose `Host` is
//! not a loopback name is refused (DNS rebinding). No CORS headers are ever sent. See
//! `docs/service.md`, "Threat model".
//!
//! Architecture invariant: bounded work per request: request headers within
//! `header_timeout_secs`, bodies within `body_timeout_secs`, at most
//! `max_pending_writes` writes waiting (503 + `Retry-After` beyond), `q` at most
//! `max_query_bytes`, connections at most `max_connections`, and shutdown within 5 s of
//! SIGTERM or Ctrl-C (4 s of grace for open requests).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path as UrlPath, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use corroborate_model::Dossier;
use corroborate_report::html::{escape, STYLE};
use corroborate_report::{Format, PageOptions};
use corroborate_store::{Store, StoreError, StoryFilter, StoryPage};
use serde::{Deserialize, Serialize};

pub mod client;
mod conn;
mod error;
mod feeds;
mod openapi;

pub use conn::serve_connection;
pub use error::{ApiError, ErrorCode};

/// Limits of the server. Every field is optional in a config file; unknown fields are an
/// error.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Largest request body accepted, in bytes (default 16 MiB); larger ones get 413.
    pub body_limit: usize,
    /// Stories per page when the request does not say (default 20; at most 100).
    pub per_page: i64,
    /// The write token: when set, every write needs `Authorization: Bearer TOKEN`; when
    /// not, writes are accepted from loopback peers only, and never from a web page of
    /// another origin (`serve --token-file`).
    #[serde(skip_serializing)]
    pub token: Option<String>,
    /// Host names accepted besides loopback names in a loopback request's `Host` (a
    /// reverse proxy's public name); any other is refused as DNS rebinding.
    pub allowed_hosts: Vec<String>,
    /// Writes allowed to wait for the writer besides the one running (default 2); more
    /// get 503 with `Retry-After`.
    pub max_pending_writes: usize,
    /// Longest search query `q`, in bytes (default 1,000); longer ones get 400.
    pub max_query_bytes: usize,
    /// Seconds a client has to send a request's headers, also the keep-alive idle time
    /// (default 10).
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request's body (default 30); then 408.
    pub body_timeout_secs: u64,
    /// Open connections at most (default: the process's open-file limit less 64 for the
    /// database and the rest, between 64 and 4,096); more wait in the listen queue.
    pub max_connections: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: 16 * 1024 * 1024,
            per_page: 20,
            token: None,
            allowed_hosts: Vec::new(),
            max_pending_writes: 2,
            max_query_bytes: 1000,
            header_timeout_secs: 10,
            body_timeout_secs: 30,
            max_connections: default_max_connections(),
        }
    }
}

/// The default of `max_connections`: what the open-file limit leaves after 64 descriptors
/// for the database, its readers and the rest, between 64 and 4,096 (512 where the limit
/// cannot be read).
pub fn default_max_connections() -> usize {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit only writes the struct it is given
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
            let open_files = usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX);
            return open_files.saturating_sub(64).clamp(64, 4096);
        }
    }
    512
}

/// The warning `serve` prints for `addr`, if any: bound beyond loopback, the API can be
/// read by anyone who can reach it (and written with the token, when there is one).
pub fn exposure_warning(addr: SocketAddr, has_token: bool) -> Option<String> {
    if addr.ip().is_loopback() {
        return None;
    }
    Some(format!(
        "warning: {addr} is reachable beyond this machine: anyone who can reach it can read every stored article and dossier over plain HTTP{}",
        if has_token {
            "; writes need the token"
        } else {
            "; writes are refused from beyond loopback (no --token-file given)"
        }
    ))
}

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// What every handler shares: where the database is, a pool of read connections, the one
/// write connection, and the configs.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: PathBuf,
    readers: Mutex<Vec<Store>>,
    /// `None` when the database is read-only (file, folder or media): reads only.
    writer: Option<Mutex<Store>>,
    engine: corroborate_engine::Config,
    config: ServerConfig,
    /// Permits for writes: the running one plus `max_pending_writes` waiting.
    writes: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Opens (creating if needed) the database at `db`; one that cannot be written here
    /// (a read-only file, folder or media) is served for reading only, see
    /// [`AppState::writable`].
    pub fn open(
        db: &Path,
        engine: corroborate_engine::Config,
        config: ServerConfig,
    ) -> Result<AppState, ServerError> {
        let store = Store::open_writable_or_read_only(db)?;
        let writer = store.writable().then(|| Mutex::new(store));
        Ok(AppState {
            inner: Arc::new(Inner {
                db: db.to_path_buf(),
                readers: Mutex::new(Vec::new()),
                writer,
                engine,
                writes: Arc::new(tokio::sync::Semaphore::new(config.max_pending_writes + 1)),
                config,
            }),
        })
    }

    /// The webhooks that posted articles' re-analyses enqueue deliveries for
    /// ([`Store::set_webhooks`] on the write connection); sending them is the caller's
    /// (`corroborate serve` runs a deliverer beside the server).
    pub fn set_webhooks(&self, webhooks: Vec<corroborate_store::Webhook>) {
        if let Some(writer) = &self.inner.writer {
            let mut store = writer.lock().unwrap_or_else(|p| p.into_inner());
            store.set_webhooks(webhooks);
        }
    }

    /// Whether writes are possible: false when the database is read-only, and every write
    /// then answers 403 `read_only`.
    pub fn writable(&self) -> bool {
        self.inner.writer.is_some()
    }

    /// Runs `f` on a read connection from the pool (opening one when all are busy), on a
    /// blocking thread so SQLite never stalls the async workers.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = inner.readers.lock().ok().and_then(|mut p| p.pop());
            let store = match pooled {
                Some(s) => s,
                None => Store::open_read_only(&inner.db)?,
            };
            let result = f(&store);
            if let Ok(mut pool) = inner.readers.lock() {
                pool.push(store);
            }
            result
        })
        .await
        .map_err(|e| ApiError::internal(format!("reader task failed: {e}")))?
        .map_err(ApiError::from)
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn to_json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::internal(e.to_string()))
}

/// Every route of the service.
pub fn router(state: AppState) -> Router {
    let limit = state.inner.config.body_limit;
    Router::new()
        .route("/", get(list_page))
        .route("/stories/{id}", get(story_page))
        .route("/feed.atom", get(feeds::stories_feed))
        .route("/stories/{id}/feed.atom", get(feeds::story_feed))
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi_document))
        .route("/api/stories", get(list_stories))
        .route("/api/stories/{id}", get(get_story))
        .route("/api/stories/{id}/export/{format}", get(export_story))
        .route("/api/articles", axum::routing::post(post_articles))
        .route("/api/articles/{id}", get(get_article))
        .route("/api/facts/{id}", get(get_fact))
        .fallback(|| async { ApiError::new(ErrorCode::NotFound, "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                ErrorCode::MethodNotAllowed,
                "this route does not take that method",
            )
        })
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), access))
        .layer(axum::middleware::map_response(finish_response))
        .with_state(state)
}

/// The content security policy of every response: no scripts, no plugins, no frames;
/// the pages need only their inline style.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Every response leaves here: `nosniff` and the CSP on all of them, and an error that
/// is neither JSON nor one of our HTML pages (an axum rejection's plain text, such as
/// "Invalid URL" for bad percent-encoding) rewritten as `{"message","code"}`.
pub async fn finish_response(response: Response) -> Response {
    let status = response.status();
    let typed = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/html"));
    let mut response = if (status.is_client_error() || status.is_server_error()) && !typed {
        let code = match status {
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::BAD_REQUEST => ErrorCode::BadQuery,
            s if s.is_server_error() => ErrorCode::Internal,
            _ => ErrorCode::BadBody,
        };
        let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap_or_default();
        let mut message = String::from_utf8_lossy(&body).trim().to_string();
        if message.is_empty() {
            message = status.canonical_reason().unwrap_or("error").to_string();
        }
        ApiError::new(code, message).into_response()
    } else {
        response
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

/// The host part of a `Host` header or an origin's authority, without the port.
fn host_name(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// Whether `authority` names this machine (localhost, 127.0.0.0/8, ::1) or an allowed host.
fn is_local_host(authority: &str, allowed: &[String]) -> bool {
    let host = host_name(authority).to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(&host))
}

/// The access policy, before any handler: DNS rebinding refused, writes only with the
/// token or, without one, from loopback and not from another origin's page.
async fn access(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match verdict(&state.inner.config, &request) {
        Ok(()) => next.run(request).await,
        Err(refused) => refused.into_response(),
    }
}

/// [`check_access`] on a request.
fn verdict(config: &ServerConfig, request: &Request) -> Result<(), ApiError> {
    // no peer address: called in-process (tests), not over a socket
    let loopback_peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_none_or(|c| c.0.ip().is_loopback());
    let header_str = |name: header::HeaderName| {
        request
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or("\u{fffd}").to_string())
    };
    let write = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    check_access(
        config,
        loopback_peer,
        write,
        header_str(header::HOST),
        header_str(header::AUTHORIZATION),
        header_str(header::ORIGIN),
    )
}

/// The policy of [`access`] on the request's peer, method and headers.
fn check_access(
    config: &ServerConfig,
    loopback_peer: bool,
    write: bool,
    host: Option<String>,
    authorization: Option<String>,
    origin: Option<String>,
) -> Result<(), ApiError> {
    if loopback_peer {
        if let Some(host) = host {
            if !is_local_host(&host, &config.allowed_hosts) {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    format!("Host {host:?} is not this machine: refused as DNS rebinding (allowed_hosts adds names)"),
                ));
            }
        }
    }
    if write {
        match &config.token {
            Some(token) => {
                let given = authorization;
                let ok = given
                    .as_deref()
                    .and_then(|g| g.strip_prefix("Bearer "))
                    .is_some_and(|g| constant_time_eq(g.trim().as_bytes(), token.as_bytes()));
                if !ok {
                    return Err(ApiError::new(
                        ErrorCode::Unauthorized,
                        "writes need Authorization: Bearer TOKEN (the serve --token-file token)",
                    ));
                }
            }
            None => {
                if !loopback_peer {
                    return Err(ApiError::new(
                        ErrorCode::Forbidden,
                        "no write token is configured: writes are accepted from loopback only",
                    ));
                }
                if let Some(origin) = origin {
                    let authority = origin
                        .strip_prefix("http://")
                        .or_else(|| origin.strip_prefix("https://"));
                    if !authority.is_some_and(|a| is_local_host(a, &config.allowed_hosts)) {
                        return Err(ApiError::new(
                            ErrorCode::Forbidden,
                            format!("a write from the web page of {origin:?} is refused"),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Serves `router(state)` on `listener` until Ctrl-C (or SIGTERM on Unix), then lets
/// open requests finish for at most 4 s.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, shutdown_signal()).await
}

/// How long open requests get after the shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(4);

/// The accept loop: each connection through [`serve_connection`], at most
/// `max_connections` at once; when `signal` resolves, no more accepts and open
/// connections get [`SHUTDOWN_GRACE`] to finish the request in flight.
async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    signal: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let config = state.inner.config.clone();
    let app = router(state);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let max_connections = config.max_connections.clamp(1, u32::MAX as usize);
    let slots = Arc::new(tokio::sync::Semaphore::new(max_connections));
    let header_timeout = Duration::from_secs(config.header_timeout_secs.max(1));
    tokio::pin!(signal);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.map_err(std::io::Error::other)?,
            _ = &mut signal => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // out of file descriptors, or a connection reset before accept: wait, go on
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut signal => break,
        };
        let mut stopped = stopped.clone();
        let shutdown = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        let app = app.clone();
        tokio::spawn(async move {
            serve_connection(stream, peer, app, header_timeout, shutdown).await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    // every slot back means every connection closed
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(max_connections as u32)).await;
    Ok(())
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, ServerError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })
}

/// Binds `addr` (port 0 picks a free one), tells `on_listening` the address it got, and
/// serves until Ctrl-C (or SIGTERM on Unix), letting open requests finish. Blocks the
/// calling thread, on an async runtime of its own.
pub fn run(
    addr: SocketAddr,
    state: AppState,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Runtime::new()?;
    let served = runtime.block_on(async {
        let listener = bind(addr).await?;
        on_listening(listener.local_addr()?);
        serve(listener, state).await?;
        Ok(())
    });
    // a re-analysis still running on a blocking thread is abandoned: its transaction was
    // not committed, so the store stays as it was
    runtime.shutdown_timeout(Duration::from_millis(500));
    served
}

/// A server answering on its own threads; see [`spawn`].
pub struct Running {
    addr: SocketAddr,
    runtime: tokio::runtime::Runtime,
}

/// Binds `addr` (port 0 picks a free one) and serves on background threads until the
/// returned [`Running`] is stopped or dropped.
pub fn spawn(addr: SocketAddr, state: AppState) -> Result<Running, ServerError> {
    let runtime = tokio::runtime::Runtime::new()?;
    let listener = runtime.block_on(bind(addr))?;
    let addr = listener.local_addr()?;
    runtime.spawn(serve_until(listener, state, std::future::pending()));
    Ok(Running { addr, runtime })
}

impl Running {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving: open connections are dropped, and store reads under way get a few
    /// seconds to end.
    pub fn stop(self) {
        self.runtime.shutdown_timeout(Duration::from_secs(5));
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

#[derive(Clone, Default, Deserialize)]
struct ListParams {
    q: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
    from: Option<String>,
    to: Option<String>,
    outlet: Option<String>,
    language: Option<String>,
    status: Option<String>,
}

impl ListParams {
    /// The store's filter, or the reason a parameter is unusable.
    fn filter(&self, max_query_bytes: usize) -> Result<StoryFilter, ApiError> {
        for (name, value) in [
            ("q", &self.q),
            ("outlet", &self.outlet),
            ("language", &self.language),
        ] {
            if value.as_ref().is_some_and(|v| v.len() > max_query_bytes) {
                return Err(ApiError::new(
                    ErrorCode::BadQuery,
                    format!("the query {name} is longer than {max_query_bytes} bytes"),
                ));
            }
        }
        for (name, value) in [("from", &self.from), ("to", &self.to)] {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                if !is_date_prefix(v) {
                    return Err(ApiError::new(
                        ErrorCode::BadQuery,
                        format!("{name} must be a date, YYYY-MM-DD (or YYYY-MM, YYYY); got {v:?}"),
                    ));
                }
            }
        }
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                s.parse()
                    .map_err(|e: String| ApiError::new(ErrorCode::BadQuery, e))?,
            ),
        };
        Ok(StoryFilter {
            q: self.q.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            outlet: self.outlet.clone(),
            language: self.language.clone(),
            status,
        })
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, digits where digits go.
fn is_date_prefix(v: &str) -> bool {
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && digits(5..7),
        10 => digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10),
        _ => false,
    }
}

async fn health(State(state): State<AppState>) -> Result<Response, ApiError> {
    let h = state.read(|s| s.health()).await?;
    let mut v = serde_json::to_value(&h).map_err(|e| ApiError::internal(e.to_string()))?;
    v["status"] = "ok".into();
    Ok(json_response(StatusCode::OK, to_json(&v)?))
}

async fn openapi_document() -> Response {
    json_response(StatusCode::OK, openapi::document())
}

fn bad_query(e: QueryRejection) -> ApiError {
    ApiError::new(ErrorCode::BadQuery, e.body_text())
}

async fn story_list(state: &AppState, params: ListParams) -> Result<StoryPage, ApiError> {
    let filter = params.filter(state.inner.config.max_query_bytes)?;
    let per_page = params.per_page.unwrap_or(state.inner.config.per_page);
    let page = params.page.unwrap_or(1);
    if page < 1 || !(1..=100).contains(&per_page) {
        return Err(ApiError::new(
            ErrorCode::BadQuery,
            "page must be at least 1 and per_page between 1 and 100",
        ));
    }
    state
        .read(move |s| s.stories(&filter, page, per_page))
        .await
}

async fn list_stories(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(bad_query)?;
    let page = story_list(&state, params).await?;
    Ok(json_response(StatusCode::OK, to_json(&page)?))
}

/// A story looked up by id: found, or an id that left the dossier (merged into another
/// story) and now redirects to the story holding its articles.
enum Lookup<T> {
    Found(T),
    Moved(String),
}

/// Finds story `id` with `get`, else its alias; 404 when it is neither.
async fn find_story<T: Send + 'static>(
    state: &AppState,
    id: &str,
    get: impl FnOnce(&Store, &str) -> Result<Option<T>, StoreError> + Send + 'static,
) -> Result<Lookup<T>, ApiError> {
    let lookup = id.to_string();
    let found = state
        .read(move |s| match get(s, &lookup)? {
            Some(t) => Ok(Some(Lookup::Found(t))),
            None => Ok(s.story_alias(&lookup)?.map(Lookup::Moved)),
        })
        .await?;
    found.ok_or_else(|| ApiError::not_found("story", id))
}

/// `307` to `location`: the story asked for was merged into the one there. Temporary, so
/// nothing caches it: with corpus frequencies a later re-analysis may give the id back.
fn moved(location: String, to: &str) -> Response {
    let body = serde_json::json!({ "moved_to": to }).to_string();
    (
        StatusCode::TEMPORARY_REDIRECT,
        [
            (header::LOCATION, location),
            (header::CONTENT_TYPE, "application/json".to_string()),
        ],
        body,
    )
        .into_response()
}

async fn get_story(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    // The story's dossier is stored as JSON: served as is, with no decoding.
    match find_story(&state, &id, |s, id| s.story_json(id)).await? {
        Lookup::Found(body) => Ok(json_response(StatusCode::OK, body)),
        Lookup::Moved(to) => Ok(moved(format!("/api/stories/{}", percent_encode(&to)), &to)),
    }
}

async fn story_dossier(state: &AppState, id: &str) -> Result<Lookup<Dossier>, ApiError> {
    find_story(state, id, |s, id| s.story(id)).await
}

async fn export_story(
    State(state): State<AppState>,
    UrlPath((id, format)): UrlPath<(String, String)>,
) -> Result<Response, ApiError> {
    let format: Format = format
        .parse()
        .map_err(|e: String| ApiError::new(ErrorCode::UnknownFormat, e))?;
    let d = match story_dossier(&state, &id).await? {
        Lookup::Found(d) => d,
        Lookup::Moved(to) => {
            let location = format!(
                "/api/stories/{}/export/{}",
                percent_encode(&to),
                format.name()
            );
            return Ok(moved(location, &to));
        }
    };
    let disposition = format!(
        "inline; filename=\"{}.{}\"",
        id.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
            "_"
        ),
        format.extension()
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, format.media_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        format.render(&d),
    )
        .into_response())
}

async fn get_article(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let lookup = id.clone();
    match state.read(move |s| s.article(&lookup)).await? {
        Some(record) => Ok(json_response(StatusCode::OK, to_json(&record)?)),
        None => Err(ApiError::not_found("article", &id)),
    }
}

async fn get_fact(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let lookup = id.clone();
    match state.read(move |s| s.fact(&lookup)).await? {
        Some(fact) => Ok(json_response(StatusCode::OK, to_json(&fact)?)),
        None => Err(ApiError::not_found("fact", &id)),
    }
}

#[derive(Serialize)]
struct IngestResponse {
    stored: Vec<String>,
    unchanged: Vec<(String, String)>,
    renamed: Vec<(String, String)>,
    diagnostics: Vec<String>,
    dossier_version: i64,
    /// Set when the articles were stored but the dossier could not be brought up to date
    /// (answered 202): why, and that the next write retries.
    #[serde(skip_serializing_if = "Option::is_none")]
    dossier_pending: Option<String>,
}

/// Ingests one article object or an array of them (the fields of `.json` input), then
/// brings the dossier up to date. 201 when something was stored, 200 when every article was
/// already there, 202 when the articles are stored but the dossier could not be updated
/// (`dossier_pending` says why).
async fn post_articles(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    if !state.writable() {
        return Err(ApiError::new(
            ErrorCode::ReadOnly,
            format!(
                "{} is read-only here: this server serves reads only",
                state.inner.db.display()
            ),
        ));
    }
    // a permit before the body is read: beyond the writer and max_pending_writes waiting,
    // a write is refused at once instead of holding a thread (issue 23: 520 concurrent
    // POSTs starved every read)
    let Ok(_permit) = state.inner.writes.clone().try_acquire_owned() else {
        return Err(ApiError::new(
            ErrorCode::WritesBusy,
            format!(
                "{} writes are already running or waiting; retry later",
                state.inner.config.max_pending_writes + 1
            ),
        ));
    };
    let config = &state.inner.config;
    let too_large = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "the body is larger than the limit of {} bytes",
                config.body_limit
            ),
        )
    };
    // a declared length over the limit is refused before anything is read
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > config.body_limit as u64) {
        return Err(too_large());
    }
    let limited = http_body_util::Limited::new(request.into_body(), config.body_limit);
    let collected = tokio::time::timeout(
        Duration::from_secs(config.body_timeout_secs),
        http_body_util::BodyExt::collect(limited),
    )
    .await
    .map_err(|_| {
        ApiError::new(
            ErrorCode::RequestTimeout,
            format!(
                "the body did not arrive within {} s",
                config.body_timeout_secs
            ),
        )
    })?;
    let body = match collected {
        Ok(c) => c.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => return Err(too_large()),
        Err(e) => return Err(ApiError::new(ErrorCode::BadBody, e.to_string())),
    };
    let text = std::str::from_utf8(&body).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidJson,
            format!("the body is not UTF-8: {e}"),
        )
    })?;
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(ApiError::new(
            ErrorCode::InvalidJson,
            format!("the body is not valid JSON: {e}"),
        ));
    }
    let read = corroborate_ingest::read_json_str(text, "request");
    let diagnostics: Vec<String> = read.diagnostics.iter().map(|d| d.to_string()).collect();
    if read.articles.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidArticle,
            format!(
                "no readable article in the body: {}",
                diagnostics.join("; ")
            ),
        ));
    }
    let inner = state.inner.clone();
    let articles = read.articles;
    let outcome = tokio::task::spawn_blocking(move || {
        let mut store = inner
            .writer
            .as_ref()
            .ok_or_else(|| StoreError::Analysis("the database is read-only".into()))?
            .lock()
            .map_err(|_| StoreError::Analysis("the writer lock was poisoned".into()))?;
        let before = store.health()?.dossier_version;
        let added = store.add_articles(articles)?;
        // the articles are committed: from here a failure (a full disk, a failed analysis)
        // leaves the dossier pending, and the answer says so instead of a 500
        let engine = inner.engine.clone();
        let refreshed = store
            .refresh(|articles| {
                corroborate_engine::run(articles, &engine, &|_| {}).map(|a| a.dossier)
            })
            .and_then(|_| store.health());
        Ok::<_, StoreError>(match refreshed {
            Ok(h) => (added, h.dossier_version, None),
            Err(e) => (added, before, Some(e.to_string())),
        })
    })
    .await
    .map_err(|e| ApiError::internal(format!("ingest task failed: {e}")))??;
    let (added, version, pending) = outcome;
    let status = if pending.is_some() {
        StatusCode::ACCEPTED
    } else if added.stored.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let response = IngestResponse {
        stored: added.stored,
        unchanged: added.unchanged,
        renamed: added.renamed,
        diagnostics,
        dossier_version: version,
        dossier_pending: pending.map(|e| {
            format!("the articles are stored, but the dossier was not brought up to date ({e}); the next write or `corroborate ingest` retries")
        }),
    };
    Ok(json_response(status, to_json(&response)?))
}

fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
    html_page_with(status, title, "", body)
}

/// [`html_page`] with `head` (markup) added at the end of the page's head.
fn html_page_with(status: StatusCode, title: &str, head: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        escape(title)
    );
    (status, Html(page)).into_response()
}

fn html_error(e: ApiError) -> Response {
    let body = format!(
        "<nav><a href=\"/\">← All stories</a></nav><h1>{}</h1><p>{}</p>",
        e.status().as_u16(),
        escape(&e.message)
    );
    html_page(e.status(), "Error", &body)
}

/// The head link of the list page to the feed of stories.
const FEED_LINK: &str = "\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Stories\" href=\"/feed.atom\">";

/// The story list with a search box and filters (dates, outlet, language, status); a GET
/// form, so it works without JavaScript, and every filter stays in the pager's links.
async fn list_page(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(p)) => p,
        Err(e) => return html_error(bad_query(e)),
    };
    let shown = params.clone();
    let page = match story_list(&state, params).await {
        Ok(p) => p,
        Err(e) => return html_error(e),
    };
    let facets = match state.read(|s| s.facet_values(200)).await {
        Ok(f) => f,
        Err(e) => return html_error(e),
    };
    let value = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
    let mut body = String::from(
        "<h1>Stories</h1>\n<form class=\"search filters\" method=\"get\" action=\"/\">",
    );
    body.push_str(&format!(
        "<label>Search<input type=\"search\" name=\"q\" placeholder=\"Words in articles and facts\" value=\"{}\"></label>",
        value(&shown.q)
    ));
    body.push_str(&format!(
        "<label>From<input type=\"date\" name=\"from\" value=\"{}\"></label><label>To<input type=\"date\" name=\"to\" value=\"{}\"></label>",
        value(&shown.from),
        value(&shown.to)
    ));
    body.push_str(&format!(
        "<label>Outlet<input type=\"text\" name=\"outlet\" list=\"outlets\" value=\"{}\"></label><datalist id=\"outlets\">",
        value(&shown.outlet)
    ));
    for (name, n) in &facets.outlets {
        body.push_str(&format!(
            "<option value=\"{}\">{n} {}</option>",
            escape(name),
            if *n == 1 { "story" } else { "stories" }
        ));
    }
    body.push_str(
        "</datalist><label>Language<select name=\"language\"><option value=\"\">any</option>",
    );
    let chosen_language = shown.language.as_deref().unwrap_or("");
    for (lang, n) in &facets.languages {
        body.push_str(&format!(
            "<option value=\"{0}\"{1}>{0} ({n})</option>",
            escape(lang),
            if lang.eq_ignore_ascii_case(chosen_language) {
                " selected"
            } else {
                ""
            }
        ));
    }
    body.push_str("</select></label><label>Status<select name=\"status\">");
    let chosen_status = shown.status.as_deref().unwrap_or("");
    for (v, label) in [
        ("", "any"),
        ("corroborated", "has a corroborated fact"),
        ("contested", "has a contested fact"),
        ("single_source", "single source only"),
    ] {
        body.push_str(&format!(
            "<option value=\"{v}\"{}>{label}</option>",
            if v == chosen_status { " selected" } else { "" }
        ));
    }
    body.push_str("</select></label> <button type=\"submit\">Filter</button>");
    let filtered = !shown
        .filter(usize::MAX)
        .map(|f| f.is_empty())
        .unwrap_or(true);
    if filtered {
        body.push_str(" <a href=\"/\">clear</a>");
    }
    body.push_str("</form>\n");
    if page.total == 0 {
        body.push_str(&format!(
            "<p class=\"empty\"><em>{}</em></p>\n",
            escape(&if filtered {
                format!("No story matches {}.", describe_filter(&shown))
            } else {
                "No stories yet: ingest articles (corroborate ingest) or POST them to /api/articles.".to_string()
            })
        ));
        return html_page_with(StatusCode::OK, "Stories — corroborate", FEED_LINK, &body);
    }
    body.push_str(&format!(
        "<p class=\"meta\">{} {}{}, latest activity first.</p>\n",
        page.total,
        if page.total == 1 { "story" } else { "stories" },
        if filtered {
            format!(" matching {}", escape(&describe_filter(&shown)))
        } else {
            String::new()
        }
    ));
    body.push_str("<table class=\"stories\"><thead><tr><th>Story</th><th>Outlets</th><th>Published</th><th class=\"num\">Articles</th><th class=\"num\">Facts</th><th class=\"num\">Corroborated</th><th class=\"num\">Contested</th></tr></thead><tbody>\n");
    for s in &page.stories {
        let outlets = match s.outlets.len() {
            0 => "<span class=\"meta\">not named</span>".to_string(),
            n if n <= 3 => escape(&s.outlets.join(", ")),
            n => format!("{} +{}", escape(&s.outlets[..3].join(", ")), n - 3),
        };
        let dates = match (&s.first_published, &s.last_published) {
            (Some(a), Some(b)) if a != b => format!("{} – {}", escape(day(a)), escape(day(b))),
            (Some(a), _) => escape(day(a)),
            _ => String::new(),
        };
        body.push_str(&format!(
            "<tr><td><a href=\"/stories/{}\">{}</a></td><td>{outlets}</td><td class=\"date\">{dates}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            escape(&percent_encode(&s.id)),
            escape(&s.title),
            s.articles,
            s.facts,
            s.corroborated,
            s.contested
        ));
    }
    body.push_str("</tbody></table>\n");
    let pages = (page.total + page.per_page - 1) / page.per_page;
    if pages > 1 {
        let mut keep = String::new();
        for (name, v) in [
            ("q", &shown.q),
            ("from", &shown.from),
            ("to", &shown.to),
            ("outlet", &shown.outlet),
            ("language", &shown.language),
            ("status", &shown.status),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                keep.push_str(&format!("{name}={}&", percent_encode(v)));
            }
        }
        let link = |p: i64| escape(&format!("/?{keep}page={p}&per_page={}", page.per_page));
        body.push_str("<nav class=\"pager\">");
        if page.page > 1 {
            body.push_str(&format!("<a href=\"{}\">← newer</a> ", link(page.page - 1)));
        }
        body.push_str(&format!("page {} of {pages}", page.page));
        if page.page < pages {
            body.push_str(&format!(" <a href=\"{}\">older →</a>", link(page.page + 1)));
        }
        body.push_str("</nav>\n");
    }
    html_page_with(StatusCode::OK, "Stories — corroborate", FEED_LINK, &body)
}

/// The day of an ISO date or timestamp.
fn day(published: &str) -> &str {
    published.get(..10).unwrap_or(published)
}

/// The filters in words, for the list's count and its empty message.
fn describe_filter(p: &ListParams) -> String {
    let mut parts = Vec::new();
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    if let Some(q) = given(&p.q) {
        parts.push(format!("“{q}”"));
    }
    match (given(&p.from), given(&p.to)) {
        (Some(a), Some(b)) => parts.push(format!("published {a} to {b}")),
        (Some(a), None) => parts.push(format!("published from {a}")),
        (None, Some(b)) => parts.push(format!("published up to {b}")),
        (None, None) => {}
    }
    if let Some(o) = given(&p.outlet) {
        parts.push(format!("from outlet {o}"));
    }
    if let Some(l) = given(&p.language) {
        parts.push(format!("in language {l}"));
    }
    if let Some(s) = given(&p.status) {
        parts.push(format!("with status {}", s.replace('_', " ")));
    }
    parts.join(", ")
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One story: brief, timeline, fact table with evidence, coverage matrix, copy chains,
/// entities, articles (the report crate's HTML page with navigation links).
async fn story_page(State(state): State<AppState>, UrlPath(id): UrlPath<String>) -> Response {
    let d = match story_dossier(&state, &id).await {
        Ok(Lookup::Found(d)) => d,
        Ok(Lookup::Moved(to)) => return moved(format!("/stories/{}", percent_encode(&to)), &to),
        Err(e) => return html_error(e),
    };
    let base = format!("/api/stories/{}/export", percent_encode(&id));
    let feed = format!("/stories/{}/feed.atom", percent_encode(&id));
    let options = PageOptions {
        feed: Some(&feed),
        back: Some(("/", "All stories")),
        downloads: Format::ALL
            .iter()
            .map(|f| (format!("{base}/{}", f.name()), f.name().to_string()))
            .collect(),
    };
    (
        StatusCode::OK,
        Html(corroborate_report::to_html_page(&d, &options)),
    )
        .into_response()
}

#[cfg(test)]
mod tests;
