//! The HTTP face of corroborate: a JSON API over the store, the web pages (story list with
//! search, story page), exports, and an OpenAPI document. Built on axum.
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
//! `{"message", "code"}`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use corroborate_model::Dossier;
use corroborate_report::html::{escape, STYLE};
use corroborate_report::{Format, PageOptions};
use corroborate_store::{Store, StoreError, StoryPage};
use serde::{Deserialize, Serialize};

pub mod client;
mod error;
mod openapi;

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
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: 16 * 1024 * 1024,
            per_page: 20,
        }
    }
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
    writer: Mutex<Store>,
    engine: corroborate_engine::Config,
    config: ServerConfig,
}

impl AppState {
    /// Opens (creating if needed) the database at `db`.
    pub fn open(
        db: &Path,
        engine: corroborate_engine::Config,
        config: ServerConfig,
    ) -> Result<AppState, ServerError> {
        let writer = Store::open(db)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                db: db.to_path_buf(),
                readers: Mutex::new(Vec::new()),
                writer: Mutex::new(writer),
                engine,
                config,
            }),
        })
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
        .with_state(state)
}

/// Serves `router(state)` on `listener` until Ctrl-C (or SIGTERM on Unix).
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
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
    runtime.block_on(async {
        let listener = bind(addr).await?;
        on_listening(listener.local_addr()?);
        serve(listener, state).await?;
        Ok(())
    })
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
    runtime.spawn(async move { axum::serve(listener, router(state)).await });
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

#[derive(Deserialize)]
struct ListParams {
    q: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
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
    let per_page = params.per_page.unwrap_or(state.inner.config.per_page);
    let page = params.page.unwrap_or(1);
    if page < 1 || !(1..=100).contains(&per_page) {
        return Err(ApiError::new(
            ErrorCode::BadQuery,
            "page must be at least 1 and per_page between 1 and 100",
        ));
    }
    state
        .read(move |s| s.stories(params.q.as_deref(), page, per_page))
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
}

/// Ingests one article object or an array of them (the fields of `.json` input), then
/// brings the dossier up to date. 201 when something was stored, 200 when every article was
/// already there.
async fn post_articles(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "the body is larger than the limit of {} bytes",
                    state.inner.config.body_limit
                ),
            )
        } else {
            ApiError::new(ErrorCode::BadBody, e.body_text())
        }
    })?;
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
    let (added, version) = tokio::task::spawn_blocking(move || {
        let mut store = inner
            .writer
            .lock()
            .map_err(|_| StoreError::Analysis("the writer lock was poisoned".into()))?;
        let added = store.add_articles(articles)?;
        let engine = inner.engine.clone();
        store.refresh(|articles| {
            corroborate_engine::run(articles, &engine, &|_| {}).map(|a| a.dossier)
        })?;
        let version = store.health()?.dossier_version;
        Ok::<_, StoreError>((added, version))
    })
    .await
    .map_err(|e| ApiError::internal(format!("ingest task failed: {e}")))??;
    let status = if added.stored.is_empty() {
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
    };
    Ok(json_response(status, to_json(&response)?))
}

fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
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

/// The story list with a search box; works without JavaScript (a GET form).
async fn list_page(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(p)) => p,
        Err(e) => return html_error(bad_query(e)),
    };
    let q = params.q.clone().unwrap_or_default();
    let page = match story_list(&state, params).await {
        Ok(p) => p,
        Err(e) => return html_error(e),
    };
    let mut body = String::from("<h1>Stories</h1>\n<form class=\"search\" method=\"get\" action=\"/\"><input type=\"search\" name=\"q\" placeholder=\"Search articles and facts\" value=\"");
    body.push_str(&escape(&q));
    body.push_str("\"> <button type=\"submit\">Search</button></form>\n");
    body.push_str(&format!(
        "<p class=\"meta\">{} {}, newest activity first.</p>\n",
        page.total,
        if page.total == 1 { "story" } else { "stories" }
    ));
    body.push_str("<table class=\"stories\"><thead><tr><th>Story</th><th class=\"num\">Articles</th><th class=\"num\">Facts</th><th class=\"num\">Corroborated</th><th class=\"num\">Contested</th></tr></thead><tbody>\n");
    for s in &page.stories {
        body.push_str(&format!(
            "<tr><td><a href=\"/stories/{}\">{}</a></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            escape(&s.id),
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
        let link = |p: i64| {
            format!(
                "/?q={}&amp;page={p}&amp;per_page={}",
                escape(&percent_encode(&q)),
                page.per_page
            )
        };
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
    html_page(StatusCode::OK, "Stories — corroborate", &body)
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
    let options = PageOptions {
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
