//! What the commands read: local paths, URLs (fetched by `corroborate-fetch`) and `-`
//! (standard input), and the flags that say how to fetch.

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::ValueEnum;
use corroborate_fetch::{FetchConfig, FetchRecord, Fetcher};
use corroborate_ingest::{Item, Limits, ReadOutcome, Watch};
use corroborate_model::{Diagnostic, Severity};
use corroborate_store::FetchEntry;

use crate::progress::{thousands, Progress};

/// How to fetch URL inputs.
#[derive(clap::Args, Clone, Debug)]
pub struct FetchArgs {
    /// Least time between two requests to one host, in milliseconds.
    #[arg(long, default_value_t = FetchConfig::default().host_interval_ms)]
    pub host_interval_ms: u64,
    /// Requests at once, in all (pages of a sitemap, feed items followed to their page).
    #[arg(long, default_value_t = FetchConfig::default().threads)]
    pub fetch_threads: usize,
    /// Seconds a request may take, whole.
    #[arg(long, default_value_t = FetchConfig::default().timeout_secs)]
    pub fetch_timeout: u64,
    /// Do not read or obey robots.txt (only for hosts you own).
    #[arg(long)]
    pub ignore_robots: bool,
    /// What `-` (standard input) holds.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub stdin_format: StdinFormat,
}

impl Default for FetchArgs {
    fn default() -> Self {
        let d = FetchConfig::default();
        FetchArgs {
            host_interval_ms: d.host_interval_ms,
            fetch_threads: d.threads,
            fetch_timeout: d.timeout_secs,
            ignore_robots: false,
            stdin_format: StdinFormat::Jsonl,
        }
    }
}

/// The formats standard input may hold.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StdinFormat {
    Jsonl,
    Json,
    Txt,
    Html,
    /// An RSS, Atom or RDF feed.
    Feed,
    Warc,
}

impl StdinFormat {
    /// The file name standard input is read as.
    fn name(self) -> &'static str {
        match self {
            StdinFormat::Jsonl => "stdin.jsonl",
            StdinFormat::Json => "stdin.json",
            StdinFormat::Txt => "stdin.txt",
            StdinFormat::Html => "stdin.html",
            StdinFormat::Feed => "stdin.xml",
            StdinFormat::Warc => "stdin.warc",
        }
    }
}

impl FetchArgs {
    pub fn fetch_config(&self) -> FetchConfig {
        FetchConfig {
            host_interval_ms: self.host_interval_ms,
            threads: self.fetch_threads.max(1),
            timeout_secs: self.fetch_timeout.max(1),
            obey_robots: !self.ignore_robots,
            ..FetchConfig::default()
        }
    }
}

/// The inputs named on a command line, split by kind, in the order given within each.
pub struct Inputs {
    pub paths: Vec<PathBuf>,
    pub urls: Vec<String>,
    pub stdin: bool,
    /// URLs of schemes that are not fetched (`ftp://…`), each with why.
    pub unsupported: Vec<(String, String)>,
}

pub fn split(args: &[PathBuf]) -> Inputs {
    let mut inputs = Inputs {
        paths: Vec::new(),
        urls: Vec::new(),
        stdin: false,
        unsupported: Vec::new(),
    };
    for a in args {
        let s = a.to_string_lossy();
        let scheme = s.split_once("://").map(|(scheme, _)| scheme).filter(|sc| {
            !sc.is_empty()
                && sc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        if s == "-" {
            inputs.stdin = true;
        } else if corroborate_fetch::is_url(&s) {
            inputs.urls.push(s.into_owned());
        } else if let Some(scheme) = scheme.filter(|_| !a.exists()) {
            inputs.unsupported.push((
                s.to_string(),
                format!("{scheme}:// URLs are not fetched (http and https only)"),
            ));
        } else {
            inputs.paths.push(a.clone());
        }
    }
    inputs
}

fn problem(input: &str, message: String) -> Diagnostic {
    Diagnostic {
        input: input.to_string(),
        severity: Severity::Error,
        message,
    }
}

/// Standard input, whole, within `limits`.
fn read_stdin(limits: &Limits) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limits.max_file_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(format!(
            "more than the limit of {} bytes",
            limits.max_file_bytes
        ));
    }
    if bytes.is_empty() {
        return Err("empty input".into());
    }
    Ok(bytes)
}

/// How far reading got: files of the local paths, URLs, standard input.
#[derive(Clone, Debug, Default)]
pub struct ReadTally {
    pub files: usize,
    pub of_files: usize,
    pub urls: usize,
    pub of_urls: usize,
    /// Standard input was named, and whether it was read.
    pub stdin: Option<bool>,
}

impl ReadTally {
    /// `read 312 of 5,000 files`, `read 5 of 5 files and 1 of 3 URLs`, `read 0 files`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.of_files > 0 || (self.of_urls == 0 && self.stdin.is_none()) {
            parts.push(format!(
                "{} of {} file{}",
                thousands(self.files as u64),
                thousands(self.of_files as u64),
                if self.of_files == 1 { "" } else { "s" }
            ));
        }
        if self.of_urls > 0 {
            parts.push(format!(
                "{} of {} URL{}",
                thousands(self.urls as u64),
                thousands(self.of_urls as u64),
                if self.of_urls == 1 { "" } else { "s" }
            ));
        }
        match self.stdin {
            Some(true) => parts.push("standard input".into()),
            Some(false) => parts.push("not standard input".into()),
            None => {}
        }
        format!("read {}", parts.join(" and "))
    }
}

/// Every article of `args` (paths, URLs, `-`) for `analyze` and `ingest`: local paths
/// first, then URLs, then standard input.
pub fn read_inputs(args: &[PathBuf], limits: &Limits, fetch: &FetchArgs) -> ReadOutcome {
    let stop = Arc::new(AtomicBool::new(false));
    read_inputs_logged(args, limits, fetch, &Progress::off(), &stop).0
}

/// [`read_inputs`], with every request made for the URLs (for the store's fetch log) and
/// how far it got, showing its progress (files of the paths out of all listed, then URLs)
/// and stopping between two inputs once `stop` is set.
pub fn read_inputs_logged(
    args: &[PathBuf],
    limits: &Limits,
    fetch: &FetchArgs,
    progress: &Progress,
    stop: &Arc<AtomicBool>,
) -> (ReadOutcome, Vec<FetchEntry>, ReadTally) {
    let mut log = Vec::new();
    let inputs = split(args);
    let tally = std::sync::Mutex::new(ReadTally {
        of_urls: inputs.urls.len(),
        stdin: inputs.stdin.then_some(false),
        ..ReadTally::default()
    });
    let note = |f: &dyn Fn(&mut ReadTally)| f(&mut tally.lock().unwrap_or_else(|p| p.into_inner()));
    let stopped = || stop.load(Ordering::SeqCst);
    let mut outcome = if inputs.paths.is_empty() {
        ReadOutcome::default()
    } else {
        let listed = |n: usize| {
            note(&|t| t.of_files = n);
            progress.start("read", "files", Some(n as u64));
        };
        let read = |n: usize, _articles: usize| {
            note(&|t| t.files = n);
            progress.set(n as u64);
        };
        let watch = Watch {
            listed: &listed,
            read: &read,
            stop: &stopped,
        };
        let outcome = corroborate_ingest::read_paths_watched(&inputs.paths, limits, &watch);
        progress.finish();
        outcome
    };
    for (input, why) in &inputs.unsupported {
        outcome.diagnostics.push(problem(input, why.clone()));
    }
    if !inputs.urls.is_empty() && !stopped() {
        let fetcher = Fetcher::new(fetch.fetch_config()).stopping_on(stop.clone());
        progress.start("fetched", "URLs", Some(inputs.urls.len() as u64));
        for (i, url) in inputs.urls.iter().enumerate() {
            if stopped() {
                break;
            }
            let got = fetcher.articles(url, limits, None, &|_| false);
            log.extend(got.log.iter().map(fetch_entry));
            let nothing = got.records.is_empty() && got.diagnostics.is_empty();
            outcome.diagnostics.extend(got.diagnostics);
            if nothing {
                outcome
                    .diagnostics
                    .push(problem(url, "no article found at this URL".into()));
            }
            outcome
                .articles
                .extend(got.records.iter().map(|(id, e)| e.to_article(id)));
            note(&|t| t.urls = i + 1);
            progress.set(i as u64 + 1);
        }
        progress.finish();
    }
    if inputs.stdin && !stopped() {
        progress.step("reading standard input");
        match read_stdin(limits) {
            Ok(bytes) => {
                let got =
                    corroborate_ingest::read_document(&bytes, fetch.stdin_format.name(), limits);
                outcome.diagnostics.extend(got.diagnostics);
                outcome.articles.extend(got.articles);
            }
            Err(e) => outcome.diagnostics.push(problem("-", e)),
        }
        note(&|t| t.stdin = Some(true));
    }
    let tally = tally.into_inner().unwrap_or_else(|p| p.into_inner());
    (outcome, log, tally)
}

/// A request as the store's fetch log keeps it.
pub fn fetch_entry(r: &FetchRecord) -> FetchEntry {
    FetchEntry {
        url: r.url.clone(),
        status: r.status,
        at: r.at.clone(),
        bytes: r.bytes,
        etag: r.validators.etag.clone(),
        last_modified: r.validators.last_modified.clone(),
        error: r.error.clone(),
    }
}

/// Every document of `args` for `extract`, through `emit`: local paths first, then
/// URLs, then standard input; with progress, stopping between two inputs once `stop` is
/// set. Returns how far it got.
pub fn extract_inputs(
    args: &[PathBuf],
    limits: &Limits,
    fetch: &FetchArgs,
    progress: &Progress,
    stop: &Arc<AtomicBool>,
    emit: &mut dyn FnMut(Item),
) -> ReadTally {
    let inputs = split(args);
    let tally = std::sync::Mutex::new(ReadTally {
        of_urls: inputs.urls.len(),
        stdin: inputs.stdin.then_some(false),
        ..ReadTally::default()
    });
    let note = |f: &dyn Fn(&mut ReadTally)| f(&mut tally.lock().unwrap_or_else(|p| p.into_inner()));
    let stopped = || stop.load(Ordering::SeqCst);
    if !inputs.paths.is_empty() {
        let listed = |n: usize| {
            note(&|t| t.of_files = n);
            progress.start("extract", "files", Some(n as u64));
        };
        let read = |n: usize, _records: usize| {
            note(&|t| t.files = n);
            progress.set(n as u64);
        };
        let watch = Watch {
            listed: &listed,
            read: &read,
            stop: &stopped,
        };
        corroborate_ingest::extract_paths_watched(&inputs.paths, limits, &watch, emit);
        progress.finish();
    }
    for (input, why) in &inputs.unsupported {
        emit(Item::Problem(problem(input, why.clone())));
    }
    if !inputs.urls.is_empty() && !stopped() {
        let fetcher = Fetcher::new(fetch.fetch_config()).stopping_on(stop.clone());
        progress.start("fetched", "URLs", Some(inputs.urls.len() as u64));
        for (i, url) in inputs.urls.iter().enumerate() {
            if stopped() {
                break;
            }
            let got = fetcher.articles(url, limits, None, &|_| false);
            for d in got.diagnostics {
                emit(Item::Problem(d));
            }
            for (_, e) in got.records {
                emit(Item::Record(Box::new(e)));
            }
            note(&|t| t.urls = i + 1);
            progress.set(i as u64 + 1);
        }
        progress.finish();
    }
    if inputs.stdin && !stopped() {
        progress.step("reading standard input");
        note(&|t| t.stdin = Some(true));
        match read_stdin(limits) {
            Ok(bytes) => {
                corroborate_ingest::extract_document(
                    &bytes,
                    fetch.stdin_format.name(),
                    limits,
                    &mut |item| match item {
                        Item::Record(mut e) => {
                            e.source = e.source.replacen("stdin.", "-.", 1);
                            emit(Item::Record(e));
                        }
                        other => emit(other),
                    },
                );
            }
            Err(e) => emit(Item::Problem(problem("-", e))),
        }
    }
    tally.into_inner().unwrap_or_else(|p| p.into_inner())
}
