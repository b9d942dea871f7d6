//! Bringing the news in: the only crate that requests URLs.
//!
//! [`Fetcher::articles`] turns one URL into documents: an HTML page is extracted; a feed
//! (RSS, Atom, JSON Feed) gives its items, and an item that carries only a summary is
//! followed to its page; a sitemap (a Google News sitemap, a sitemap index) gives its
//! pages; an OPML list gives its feeds. [`Fetcher::get`] is one polite request: robots.txt
//! obeyed, requests to one host paced and bounded in number, a User-Agent that names the
//! tool, timeouts, bounded redirects and body sizes, retries with backoff on failures that
//! may pass, gzip and brotli, and conditional GET (`ETag`, `Last-Modified`). Bodies are
//! decoded (charset) by the ingest crate's readers, as files are.
//!
//! ```no_run
//! let fetcher = corroborate_fetch::Fetcher::new(corroborate_fetch::FetchConfig::default());
//! let got = fetcher.articles(
//!     "https://example.com/feed.xml",
//!     &corroborate_ingest::Limits::default(),
//!     None,
//!     &|_| false,
//! );
//! for (id, record) in &got.records {
//!     println!("{id}: {:?}", record.title);
//! }
//! ```
//!
//! [`Fetcher::post`] sends one webhook delivery (the CLI drains the store's outbox through
//! it), and [`hmac_sha256_hex`] signs its body.
//!
//! Architecture invariant: the only crate that makes HTTP requests (for input, and the
//! webhook POSTs); it reads what it fetches only through
//! `corroborate_ingest::extract_document`, and never writes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use corroborate_ingest::{extract_document, Extracted, Item, Limits};
use corroborate_model::{stable_hash, Diagnostic, Severity};
use rayon::prelude::*;

pub mod local;
mod robots;
mod sources;

pub use robots::Robots;
pub use sources::{parse_opml, parse_source_list, sitemap_urls, SitemapKind};

/// How politely and how far to fetch. Every field has a default ([`FetchConfig::default`]).
#[derive(Clone, Debug)]
pub struct FetchConfig {
    /// The User-Agent header, which names the tool and where to learn about it.
    pub user_agent: String,
    /// Whole-request timeout (connect, headers and body), seconds.
    pub timeout_secs: u64,
    /// Connect timeout, seconds.
    pub connect_timeout_secs: u64,
    /// Redirects followed at most; one more is an error.
    pub max_redirects: u32,
    /// Retries after a failure that may pass (no answer, 429, 5xx), with backoff
    /// `retry_backoff_ms`, doubling.
    pub retries: u32,
    pub retry_backoff_ms: u64,
    /// Least time between the starts of two requests to one host, milliseconds.
    pub host_interval_ms: u64,
    /// Requests to one host at once, at most.
    pub host_concurrency: usize,
    /// Requests at once in all (pages of a sitemap, items of a feed followed).
    pub threads: usize,
    /// Whether robots.txt is fetched and obeyed, per host.
    pub obey_robots: bool,
    /// Feed items that carry only a summary are followed to their page.
    pub follow_summaries: bool,
    /// Pages read from one sitemap and every sitemap it lists, at most, in all.
    pub max_sitemap_urls: usize,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: format!(
                "corroborate/{} (news cross-checking; +https://github.com/corroborate/corroborate)",
                env!("CARGO_PKG_VERSION")
            ),
            timeout_secs: 30,
            connect_timeout_secs: 10,
            max_redirects: 5,
            retries: 2,
            retry_backoff_ms: 500,
            host_interval_ms: 1000,
            host_concurrency: 2,
            threads: 8,
            obey_robots: true,
            follow_summaries: true,
            max_sitemap_urls: 10_000,
        }
    }
}

/// Why a request gave no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("HTTP {0}")]
    Status(u16),
    #[error("disallowed by {0}/robots.txt")]
    Robots(String),
    #[error("more than {0} redirects")]
    Redirects(u32),
    #[error("the body is over the limit of {0} bytes")]
    TooLarge(u64),
    #[error("not an http(s) URL")]
    BadUrl,
    #[error("not fetched: stopping")]
    Stopped,
    #[error("not a URL that can be requested: {0}")]
    Invalid(String),
    #[error("{0}")]
    Unreachable(String),
    #[error("{0}")]
    Transport(String),
}

/// The validators of an earlier answer, for a conditional GET.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// One request as it went: what the store's fetch log records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchRecord {
    /// The URL asked for.
    pub url: String,
    /// The HTTP status of the final answer; 0 when there was none (refused by robots.txt,
    /// no connection, too many redirects, a body over the limit).
    pub status: u16,
    /// When the answer came, RFC 3339 UTC.
    pub at: String,
    /// Body bytes received (decompressed).
    pub bytes: u64,
    pub validators: Validators,
    /// What went wrong, when something did.
    pub error: Option<String>,
}

/// An answer with a body (status 200–299), or 304.
#[derive(Clone, Debug)]
pub struct Response {
    /// The URL after redirects.
    pub url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub validators: Validators,
    /// The seconds a 429 or 503 asked to wait (`Retry-After` in seconds).
    pub retry_after: Option<u64>,
}

/// Longest `Retry-After` obeyed before a retry; a longer one gives up instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// What [`Fetcher::articles`] found behind one URL.
#[derive(Debug, Default)]
pub struct Fetched {
    /// Each document with its id (from its URL, or the feed's URL and item number).
    pub records: Vec<(String, Extracted)>,
    /// Errors and warnings, each naming the URL it is about.
    pub diagnostics: Vec<Diagnostic>,
    /// Every request made, in order.
    pub log: Vec<FetchRecord>,
    /// True when the URL itself answered 304 Not Modified: nothing new.
    pub not_modified: bool,
    /// The validators of the URL's own answer, for the next conditional GET.
    pub validators: Validators,
}

#[derive(Default)]
struct Host {
    next_start: Option<Instant>,
    in_flight: usize,
    /// The host's robots.txt rules, and until when they are kept.
    robots: Option<(Arc<Robots>, Instant)>,
}

/// How long a host's robots.txt is kept before it is read again.
const ROBOTS_KEPT: Duration = Duration::from_secs(24 * 3600);
/// How long a robots.txt that could not be read keeps its host closed.
const ROBOTS_RETRY: Duration = Duration::from_secs(3600);

/// A summary-only feed item followed to its page: the item's index, the requests made,
/// and the page's record (none when it had nothing new) or why it could not be fetched.
type FollowedPage = (
    usize,
    Vec<FetchRecord>,
    Result<Option<Extracted>, Diagnostic>,
);

/// A polite HTTP client for input; cheap to share between threads.
pub struct Fetcher {
    agent: ureq::Agent,
    cfg: FetchConfig,
    hosts: Mutex<HashMap<String, Host>>,
    freed: Condvar,
    pool: rayon::ThreadPool,
    /// Set when the caller stops (Ctrl-C): requests not yet started are not made.
    stop: Arc<AtomicBool>,
    /// Held while a robots.txt is read.
    robots_lock: Mutex<()>,
}

/// The scheme and authority of an http(s) URL (`https://example.com:8443`), lowercased.
pub fn origin_of(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .map(|r| ("http", r))
        .or_else(|| lower.strip_prefix("https://").map(|r| ("https", r)))?;
    let authority = rest.1.split(['/', '?', '#']).next()?;
    if authority.is_empty() {
        return None;
    }
    Some(format!("{}://{authority}", rest.0))
}

/// Whether `arg` names a URL this crate fetches.
pub fn is_url(arg: &str) -> bool {
    origin_of(arg).is_some()
}

/// The article id a URL's document gets: its last path segment as a slug (at most 40
/// characters) and 12 hex digits (48 bits) of the URL's hash, so two URLs share an id
/// only by a hash collision (the store then renames the later one).
pub fn url_id(url: &str) -> String {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/');
    let segment = path.rsplit('/').next().unwrap_or("");
    let segment = segment
        .rsplit_once('.')
        .filter(|(_, ext)| ext.len() <= 5)
        .map_or(segment, |(stem, _)| stem);
    let mut slug: String = segment
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    slug = slug
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    slug.truncate(40);
    if slug.is_empty() || origin_of(url).is_some_and(|o| path.len() <= o.len()) {
        slug = "page".into();
    }
    format!("{slug}-{:012x}", stable_hash(url.as_bytes()) >> 16)
}

/// The hex HMAC-SHA256 of `body` under `secret`: what a webhook's
/// `X-Corroborate-Signature: sha256=…` header carries, so its receiver can check the POST
/// came from who holds the secret.
pub fn hmac_sha256_hex(secret: &[u8], body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    ring::hmac::sign(&key, body)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn diagnostic(input: &str, severity: Severity, message: String) -> Diagnostic {
    Diagnostic {
        input: input.to_string(),
        severity,
        message,
    }
}

/// The path and query of a URL as robots.txt rules match it: from `/`, without the
/// fragment.
fn robots_path(rest: &str) -> String {
    let rest = rest.split('#').next().unwrap_or("");
    if rest.starts_with('/') {
        rest.to_string()
    } else {
        format!("/{rest}")
    }
}

/// `url` with spaces, control characters and non-ASCII bytes percent-encoded, as the
/// request line needs them (feeds and sitemaps often list such URLs raw).
fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b <= b' ' || b >= 0x7f || b == b'"' || b == b'<' || b == b'>' {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// Gunzips a body that is still gzip (a `.xml.gz` sitemap sent without
/// `Content-Encoding`), within `max_bytes`; any other body as it is.
fn gunzip_if_gzip(body: Vec<u8>, max_bytes: u64) -> Result<Vec<u8>, FetchError> {
    use std::io::Read;
    if !body.starts_with(&[0x1f, 0x8b]) {
        return Ok(body);
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&body[..])
        .take(max_bytes + 1)
        .read_to_end(&mut out)
        .map_err(|e| FetchError::Transport(format!("not valid gzip: {e}")))?;
    if out.len() as u64 > max_bytes {
        return Err(FetchError::TooLarge(max_bytes));
    }
    Ok(out)
}

/// A request slot of one host, given back when dropped (so no early return or panic can
/// keep it).
struct Slot<'a> {
    fetcher: &'a Fetcher,
    origin: &'a str,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.fetcher.leave(self.origin);
    }
}

/// What the bytes of an answer are, from its content type and its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Page,
    Feed,
    JsonFeed,
    Sitemap,
    Opml,
}

/// Classifies an answer: sniffing the body first (servers often send feeds as
/// `text/xml` or `text/html`), then the content type.
pub fn classify(content_type: Option<&str>, body: &[u8]) -> Resource {
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('{') && head.contains("jsonfeed.org/version") {
        return Resource::JsonFeed;
    }
    if head.starts_with("<?xml") || head.starts_with('<') && !head.starts_with("<!doctype html") {
        if head.contains("<urlset") || head.contains("<sitemapindex") {
            return Resource::Sitemap;
        }
        if head.contains("<opml") {
            return Resource::Opml;
        }
        if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf") {
            return Resource::Feed;
        }
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("rss") || ct.contains("atom") {
        Resource::Feed
    } else if ct.contains("feed+json") {
        Resource::JsonFeed
    } else {
        Resource::Page
    }
}

impl Fetcher {
    pub fn new(cfg: FetchConfig) -> Fetcher {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(cfg.timeout_secs.max(1))))
            .timeout_connect(Some(Duration::from_secs(cfg.connect_timeout_secs.max(1))))
            .max_redirects(cfg.max_redirects)
            .user_agent(cfg.user_agent.as_str())
            .build();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.threads.max(1))
            .thread_name(|i| format!("fetch-{i}"))
            .build()
            .or_else(|_| rayon::ThreadPoolBuilder::new().num_threads(1).build())
            .expect("a thread pool of one thread can always be built");
        Fetcher {
            agent: ureq::Agent::new_with_config(config),
            cfg,
            hosts: Mutex::new(HashMap::new()),
            freed: Condvar::new(),
            pool,
            stop: Arc::new(AtomicBool::new(false)),
            robots_lock: Mutex::new(()),
        }
    }

    /// The same fetcher, which makes no new request once `stop` is set (the requests under
    /// way finish; what they brought is returned).
    pub fn stopping_on(mut self, stop: Arc<AtomicBool>) -> Fetcher {
        self.stop = stop;
        self
    }

    pub fn config(&self) -> &FetchConfig {
        &self.cfg
    }

    /// Waits until a request to `origin` may start (pacing and the per-host bound), and
    /// counts it in flight.
    fn enter(&self, origin: &str) {
        let interval = Duration::from_millis(self.cfg.host_interval_ms);
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let host = hosts.entry(origin.to_string()).or_default();
            if host.in_flight < self.cfg.host_concurrency.max(1) {
                let now = Instant::now();
                let start = host.next_start.map_or(now, |t| t.max(now));
                host.next_start = Some(start + interval);
                host.in_flight += 1;
                drop(hosts);
                if start > now {
                    std::thread::sleep(start - now);
                }
                return;
            }
            hosts = self.freed.wait(hosts).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn leave(&self, origin: &str) {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(h) = hosts.get_mut(origin) {
            h.in_flight = h.in_flight.saturating_sub(1);
        }
        drop(hosts);
        self.freed.notify_all();
    }

    /// The robots.txt rules of `origin`, fetched once (a missing or failing robots.txt
    /// allows everything).
    fn robots(&self, origin: &str, log: &mut Vec<FetchRecord>) -> Arc<Robots> {
        let cached = || {
            self.hosts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(origin)
                .and_then(|h| h.robots.clone())
                .filter(|(_, until)| *until > Instant::now())
                .map(|(r, _)| r)
        };
        if let Some(r) = cached() {
            return r;
        }
        // one robots.txt request at a time: threads reaching a new host together read it
        // once, the others wait and take what it said
        let _reading = self.robots_lock.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = cached() {
            return r;
        }
        let url = format!("{origin}/robots.txt");
        // as Google reads it: a missing robots.txt (4xx) allows everything; a failing one
        // (no answer, 5xx) disallows everything until it is read again, an hour later
        let (rules, keep) = match self.request(origin, &url, None, 512 * 1024, log) {
            Ok(r) if r.status == 200 => (
                Robots::parse(&String::from_utf8_lossy(&r.body)),
                ROBOTS_KEPT,
            ),
            Ok(r) if (400..500).contains(&r.status) => (Robots::default(), ROBOTS_KEPT),
            _ => (Robots::disallow_all(), ROBOTS_RETRY),
        };
        let rules = Arc::new(rules);
        self.hosts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(origin.to_string())
            .or_default()
            .robots = Some((rules.clone(), Instant::now() + keep));
        rules
    }

    /// One polite GET of `url` (robots.txt first, once per host), retried with backoff
    /// when the failure may pass. Every request made is appended to `log`.
    pub fn get(
        &self,
        url: &str,
        validators: Option<&Validators>,
        max_bytes: u64,
        log: &mut Vec<FetchRecord>,
    ) -> Result<Response, FetchError> {
        let origin = origin_of(url).ok_or(FetchError::BadUrl)?;
        if self.stop.load(Ordering::SeqCst) {
            return Err(FetchError::Stopped);
        }
        let path = robots_path(&url[origin.len()..]);
        if self.cfg.obey_robots && path != "/robots.txt" {
            let robots = self.robots(&origin, log);
            if !robots.allows(&path) {
                log.push(FetchRecord {
                    url: url.to_string(),
                    status: 0,
                    at: now_rfc3339(),
                    bytes: 0,
                    validators: Validators::default(),
                    error: Some(format!("disallowed by {origin}/robots.txt")),
                });
                return Err(FetchError::Robots(origin));
            }
        }
        let mut backoff = Duration::from_millis(self.cfg.retry_backoff_ms);
        let mut attempt = 0;
        loop {
            let result = self.request(&origin, url, validators, max_bytes, log);
            // the server's own wait, when it names one (a longer one than we would wait
            // means this poll gives up)
            let asked = match &result {
                Ok(r) => r.retry_after.map(Duration::from_secs),
                Err(_) => None,
            };
            let passing = match &result {
                Ok(r) => {
                    (r.status == 429 || r.status >= 500)
                        && asked.is_none_or(|a| a <= MAX_RETRY_AFTER)
                }
                Err(FetchError::Transport(_)) => true,
                Err(_) => false,
            };
            if !passing || attempt >= self.cfg.retries {
                return match result {
                    Ok(r) if (200..300).contains(&r.status) || r.status == 304 => Ok(r),
                    Ok(r) => Err(FetchError::Status(r.status)),
                    Err(e) => Err(e),
                };
            }
            attempt += 1;
            std::thread::sleep(asked.map_or(backoff, |a| a.max(backoff)));
            backoff *= 2;
        }
    }

    /// One request, paced per host, logged; any status is an `Ok`.
    fn request(
        &self,
        origin: &str,
        url: &str,
        validators: Option<&Validators>,
        max_bytes: u64,
        log: &mut Vec<FetchRecord>,
    ) -> Result<Response, FetchError> {
        use ureq::ResponseExt;
        self.enter(origin);
        let slot = Slot {
            fetcher: self,
            origin,
        };
        let mut request = self.agent.get(encode_url(url));
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(lm) = &v.last_modified {
                request = request.header("If-Modified-Since", lm);
            }
        }
        let answer = request.call();
        let result = match answer {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let header = |name: &str| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                };
                let content_type = header("content-type");
                let validators = Validators {
                    etag: header("etag"),
                    last_modified: header("last-modified"),
                };
                let final_url = response.get_uri().to_string();
                let retry_after = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
                let read = response
                    .body_mut()
                    .with_config()
                    .limit(max_bytes)
                    .read_to_vec();
                match read {
                    Ok(body) => Ok(Response {
                        url: final_url,
                        status,
                        content_type,
                        body,
                        validators,
                        retry_after,
                    }),
                    Err(ureq::Error::BodyExceedsLimit(n)) => Err(FetchError::TooLarge(n)),
                    Err(e) => Err(FetchError::Transport(format!("reading the body: {e}"))),
                }
            }
            Err(ureq::Error::TooManyRedirects) => {
                Err(FetchError::Redirects(self.cfg.max_redirects))
            }
            Err(ureq::Error::BodyExceedsLimit(n)) => Err(FetchError::TooLarge(n)),
            // a URL the HTTP library cannot send: retrying cannot help
            Err(ureq::Error::Http(e)) => Err(FetchError::Invalid(e.to_string())),
            Err(ureq::Error::BadUri(e)) => Err(FetchError::Invalid(e)),
            // no such host, or a certificate or TLS failure: not a failure that passes in
            // seconds, so not retried now (watch tries again at its next poll)
            Err(e @ (ureq::Error::HostNotFound | ureq::Error::Tls(_) | ureq::Error::Rustls(_))) => {
                Err(FetchError::Unreachable(e.to_string()))
            }
            Err(e) => Err(FetchError::Transport(e.to_string())),
        };
        drop(slot);
        log.push(match &result {
            Ok(r) => FetchRecord {
                url: url.to_string(),
                status: r.status,
                at: now_rfc3339(),
                bytes: r.body.len() as u64,
                validators: r.validators.clone(),
                error: None,
            },
            Err(e) => FetchRecord {
                url: url.to_string(),
                status: 0,
                at: now_rfc3339(),
                bytes: 0,
                validators: Validators::default(),
                error: Some(e.to_string()),
            },
        });
        result
    }

    /// One POST of `body` to `url` with `headers` (a webhook delivery): paced per host like
    /// every request, but no robots.txt (the user named the URL), no redirect followed
    /// beyond `max_redirects`, and no retry (the caller's outbox retries). Any HTTP answer
    /// is `Ok` with its status; the answer's body is read (up to 64 KiB) and dropped.
    pub fn post(
        &self,
        url: &str,
        content_type: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<u16, FetchError> {
        let origin = origin_of(url).ok_or(FetchError::BadUrl)?;
        if self.stop.load(Ordering::SeqCst) {
            return Err(FetchError::Stopped);
        }
        self.enter(&origin);
        let slot = Slot {
            fetcher: self,
            origin: &origin,
        };
        let mut request = self
            .agent
            .post(encode_url(url))
            .header("Content-Type", content_type);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let result = match request.send(body) {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let _ = response
                    .body_mut()
                    .with_config()
                    .limit(64 * 1024)
                    .read_to_vec();
                Ok(status)
            }
            Err(ureq::Error::TooManyRedirects) => {
                Err(FetchError::Redirects(self.cfg.max_redirects))
            }
            Err(ureq::Error::Http(e)) => Err(FetchError::Invalid(e.to_string())),
            Err(ureq::Error::BadUri(e)) => Err(FetchError::Invalid(e)),
            Err(e @ (ureq::Error::HostNotFound | ureq::Error::Tls(_) | ureq::Error::Rustls(_))) => {
                Err(FetchError::Unreachable(e.to_string()))
            }
            Err(e) => Err(FetchError::Transport(e.to_string())),
        };
        drop(slot);
        result
    }

    /// Everything behind `url`: a page, a feed's items (summary-only items followed to
    /// their page; left out when `known(page url)`, as stored from their page before), a
    /// sitemap's pages (those not `known`), or an OPML list's feeds. With `validators`, a conditional GET: a 304 gives nothing and
    /// sets [`Fetched::not_modified`].
    pub fn articles(
        &self,
        url: &str,
        limits: &Limits,
        validators: Option<&Validators>,
        known: &(dyn Fn(&str) -> bool + Sync),
    ) -> Fetched {
        let budget = AtomicUsize::new(self.cfg.max_sitemap_urls);
        self.articles_at(url, limits, validators, known, 0, &budget)
    }

    fn articles_at(
        &self,
        url: &str,
        limits: &Limits,
        validators: Option<&Validators>,
        known: &(dyn Fn(&str) -> bool + Sync),
        depth: usize,
        budget: &AtomicUsize,
    ) -> Fetched {
        let mut out = Fetched::default();
        let response = match self.get(url, validators, limits.max_file_bytes, &mut out.log) {
            Ok(r) => r,
            // the caller is stopping: not an error of this URL
            Err(FetchError::Stopped) => return out,
            Err(e) => {
                out.diagnostics
                    .push(diagnostic(url, Severity::Error, e.to_string()));
                return out;
            }
        };
        out.validators = response.validators.clone();
        if response.status == 304 {
            out.not_modified = true;
            return out;
        }
        let mut response = response;
        response.body = match gunzip_if_gzip(
            std::mem::take(&mut response.body),
            limits.max_decompressed_bytes,
        ) {
            Ok(b) => b,
            Err(e) => {
                out.diagnostics
                    .push(diagnostic(url, Severity::Error, e.to_string()));
                return out;
            }
        };
        if response.body.is_empty() {
            out.diagnostics.push(diagnostic(
                url,
                Severity::Error,
                "the answer has an empty body".into(),
            ));
            return out;
        }
        match classify(response.content_type.as_deref(), &response.body) {
            Resource::Page => {
                let record = self.page(&response, url, limits, &mut out.diagnostics);
                out.records.extend(record.map(|r| (url_id(url), r)));
            }
            Resource::Feed | Resource::JsonFeed => {
                self.feed(&response, url, limits, known, &mut out);
            }
            Resource::Sitemap | Resource::Opml if depth >= 2 => {
                out.diagnostics.push(diagnostic(
                    url,
                    Severity::Error,
                    "a sitemap or list nested more than two deep: not followed".into(),
                ));
            }
            Resource::Sitemap => {
                let text = String::from_utf8_lossy(&response.body);
                let (kind, urls) = sitemap_urls(&text);
                let mut urls: Vec<String> = match kind {
                    SitemapKind::Index => urls,
                    SitemapKind::Pages => urls.into_iter().filter(|u| !known(u)).collect(),
                };
                // one budget of pages for the whole tree of sitemaps under the first; an
                // index lists at most as many sitemaps
                let listed = urls.len();
                let granted = match kind {
                    SitemapKind::Index => listed.min(self.cfg.max_sitemap_urls),
                    SitemapKind::Pages => budget
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                            Some(left.saturating_sub(listed))
                        })
                        .unwrap_or(0)
                        .min(listed),
                };
                if granted < listed {
                    out.diagnostics.push(diagnostic(
                        url,
                        Severity::Warning,
                        format!(
                            "{listed} URLs listed; read {granted} of them (max_sitemap_urls: {} for a sitemap and all it lists)",
                            self.cfg.max_sitemap_urls
                        ),
                    ));
                    urls.truncate(granted);
                }
                self.follow_all(&urls, limits, known, depth + 1, budget, &mut out);
            }
            Resource::Opml => {
                let urls = parse_opml(&String::from_utf8_lossy(&response.body));
                self.follow_all(&urls, limits, known, depth + 1, budget, &mut out);
            }
        }
        out
    }

    /// [`Fetcher::articles`] of each URL, in parallel, appended to `out` in order.
    fn follow_all(
        &self,
        urls: &[String],
        limits: &Limits,
        known: &(dyn Fn(&str) -> bool + Sync),
        depth: usize,
        budget: &AtomicUsize,
        out: &mut Fetched,
    ) {
        let all: Vec<Fetched> = self.pool.install(|| {
            urls.par_iter()
                .map(|u| self.articles_at(u, limits, None, known, depth, budget))
                .collect()
        });
        for f in all {
            out.records.extend(f.records);
            out.diagnostics.extend(f.diagnostics);
            out.log.extend(f.log);
        }
    }

    /// The page's record, extracted as an `.html` file is.
    fn page(
        &self,
        response: &Response,
        url: &str,
        limits: &Limits,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Extracted> {
        let mut record = None;
        extract_document(
            &response.body,
            "page.html",
            limits,
            &mut |item| match item {
                Item::Record(mut e) => {
                    e.source = url.to_string();
                    if e.url.is_none() {
                        e.url = Some(response.url.clone());
                    }
                    record = Some(*e);
                }
                Item::Problem(mut d) => {
                    d.input = url.to_string();
                    diagnostics.push(d);
                }
            },
        );
        record
    }

    /// A feed's items; those that carry only a summary are followed to their page.
    fn feed(
        &self,
        response: &Response,
        url: &str,
        limits: &Limits,
        known: &(dyn Fn(&str) -> bool + Sync),
        out: &mut Fetched,
    ) {
        let name =
            if classify(response.content_type.as_deref(), &response.body) == Resource::JsonFeed {
                "feed.json"
            } else {
                "feed.xml"
            };
        let mut items = Vec::new();
        extract_document(&response.body, name, limits, &mut |item| match item {
            Item::Record(e) => items.push(*e),
            Item::Problem(mut d) => {
                d.input = d.input.replacen(name, url, 1);
                out.diagnostics.push(d);
            }
        });
        let follow: Vec<(usize, String)> = items
            .iter()
            .enumerate()
            .filter(|(_, e)| self.cfg.follow_summaries && e.summary_only)
            .filter_map(|(i, e)| e.url.clone().map(|u| (i, u)))
            .filter(|(_, u)| is_url(u) && !known(u))
            .collect();
        let pages: Vec<FollowedPage> = self.pool.install(|| {
            follow
                .par_iter()
                .map(|(i, page_url)| {
                    let mut log = Vec::new();
                    let mut diags = Vec::new();
                    let got = match self.get(page_url, None, limits.max_file_bytes, &mut log) {
                        Ok(r) if r.status != 304 => {
                            let page = self.page(&r, page_url, limits, &mut diags);
                            Ok(page)
                        }
                        Ok(_) | Err(FetchError::Stopped) => Ok(None),
                        Err(e) => Err(diagnostic(
                            page_url,
                            Severity::Warning,
                            format!(
                                "the item's page could not be fetched ({e}); its summary is kept"
                            ),
                        )),
                    };
                    (*i, log, got)
                })
                .collect()
        });
        for (i, log, got) in pages {
            out.log.extend(log);
            match got {
                Ok(Some(page)) if page.text.len() > items[i].text.len() => {
                    let item = &mut items[i];
                    item.text = page.text;
                    item.summary_only = false;
                    if item.title.is_none() {
                        item.title = page.title;
                    }
                    if item.published.is_none() {
                        item.published = page.published;
                    }
                    if item.authors.is_empty() {
                        item.authors = page.authors;
                    }
                    if item.language.is_none() {
                        item.language = page.language;
                        item.language_from = page.language_from;
                    }
                }
                Ok(_) => {}
                Err(d) => out.diagnostics.push(d),
            }
        }
        for (i, mut item) in items.into_iter().enumerate() {
            // a summary-only item whose page was fetched before was stored from its page
            // then: its summary now would be a second, poorer version of it
            let seen_before = self.cfg.follow_summaries
                && item.summary_only
                && item.url.as_deref().is_some_and(|u| is_url(u) && known(u));
            if seen_before {
                continue;
            }
            let id = match &item.url {
                Some(u) if is_url(u) => url_id(u),
                _ => format!("{}#{}", url_id(url), i + 1),
            };
            item.source = format!("{url}#{}", i + 1);
            out.records.push((id, item));
        }
    }
}

#[cfg(test)]
mod tests;
