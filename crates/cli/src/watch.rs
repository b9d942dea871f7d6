//! `watch`: follows a list of sources (feed, page or sitemap URLs; OPML lists; plain
//! lists of URLs), polling each at its own interval, storing new articles into the
//! database as they arrive, until Ctrl-C or SIGTERM.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use corroborate_fetch::{Fetcher, Validators};
use corroborate_model::{Article, Severity};
use corroborate_store::{FetchEntry, Store};

use crate::db::DbArg;
use crate::Common;

#[derive(clap::Args)]
pub struct WatchArgs {
    /// Sources: feed, page or sitemap URLs; OPML files (their feeds); text files listing
    /// one URL per line, each optionally followed by its own poll interval in seconds;
    /// JSON files `{"sources": [{"url": …, "every": SECONDS}]}`.
    #[arg(required = true)]
    sources: Vec<String>,
    #[command(flatten)]
    db: DbArg,
    /// Seconds between two polls of a source that names no interval of its own.
    #[arg(long, default_value_t = 300)]
    interval: u64,
    /// Poll every source once, store what is new, and stop.
    #[arg(long)]
    once: bool,
    #[command(flatten)]
    common: Common,
}

/// A JSON source file: `{"sources": [{"url": "https://…/feed.xml", "every": 600}]}`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFile {
    sources: Vec<ListedSource>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ListedSource {
    url: String,
    /// Seconds between two polls of it.
    every: Option<u64>,
}

/// The longest interval a source may ask for (a week).
const MAX_INTERVAL_SECS: u64 = 7 * 24 * 3600;

struct Source {
    url: String,
    every: Duration,
    due: Instant,
    /// Failed polls in a row: the next waits `every × 2^failures` (at most 32×).
    failures: u32,
}

/// The sources named by `args`, each with its interval.
fn sources(args: &WatchArgs) -> Result<Vec<Source>> {
    let every = Duration::from_secs(args.interval.clamp(1, MAX_INTERVAL_SECS));
    let now = Instant::now();
    let source = |url: String, secs: Option<u64>| Source {
        url,
        every: secs
            .filter(|s| *s > 0)
            .map_or(every, |s| Duration::from_secs(s.min(MAX_INTERVAL_SECS))),
        due: now,
        failures: 0,
    };
    let mut out = Vec::new();
    for arg in &args.sources {
        if corroborate_fetch::is_url(arg) {
            out.push(source(arg.clone(), None));
            continue;
        }
        let text = std::fs::read_to_string(arg)
            .with_context(|| format!("cannot read the source list {arg}"))?;
        if text.trim_start().starts_with('{') {
            let file: SourceFile = serde_json::from_str(&text)
                .with_context(|| format!("{arg}: not a source file ({{\"sources\": [{{\"url\": …, \"every\": seconds}}]}})"))?;
            if file.sources.is_empty() {
                bail!("{arg}: no source in the file");
            }
            for s in file.sources {
                if !corroborate_fetch::is_url(&s.url) {
                    bail!("{arg}: not an http(s) URL: {:?}", s.url);
                }
                out.push(source(s.url, s.every));
            }
        } else if text.contains("<opml") {
            let feeds = corroborate_fetch::parse_opml(&text);
            if feeds.is_empty() {
                bail!("{arg}: an OPML list with no feed (no outline with an xmlUrl)");
            }
            out.extend(feeds.into_iter().map(|u| source(u, None)));
        } else {
            let (urls, bad) = corroborate_fetch::parse_source_list(&text);
            for (line, what) in &bad {
                eprintln!("error: {arg}:{line}: not a URL (and optional seconds): {what:?}");
            }
            if urls.is_empty() {
                bail!("{arg}: no URL in the list");
            }
            out.extend(urls.into_iter().map(|(u, s)| source(u, s)));
        }
    }
    // a URL named twice (in two lists) is polled once, at its first interval
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.url.clone()));
    Ok(out)
}

#[derive(Default)]
struct Tally {
    polls: usize,
    not_modified: usize,
    failed: usize,
    stored: usize,
}

/// `watch`: polls until stopped (or once), printing `stored ID` for each article once
/// committed and `dossier VERSION` after each round that stored something.
pub fn watch(args: &WatchArgs) -> Result<std::process::ExitCode> {
    let (config, hooks) = args.common.config_and_webhooks()?;
    let limits = args.common.limits();
    let path = args.db.path();
    let mut store =
        Store::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    store.set_webhooks(hooks);
    // a second connection answers "stored already?" from the fetch threads
    let lookup = Mutex::new(
        Store::open_read_only(&path).with_context(|| format!("cannot open {}", path.display()))?,
    );
    let mut sources = sources(args)?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // the first Ctrl-C finishes what is under way; a second one quits at once
        ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                eprintln!("stopped at once (second Ctrl-C); stored articles are kept");
                std::process::exit(130);
            }
        })
        .context("cannot install the Ctrl-C handler")?;
    }
    // Ctrl-C: no new request; what the requests under way bring is still stored
    let fetcher = Fetcher::new(args.common.fetch.fetch_config()).stopping_on(stop.clone());
    if !args.common.quiet {
        eprintln!(
            "watching {} source(s) into {}; Ctrl-C stops",
            sources.len(),
            path.display()
        );
    }
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut stdout = std::io::stdout().lock();
    // a URL's document is known when the article it gives is stored: a page, or a feed
    // item stored with its summary when its page could not be fetched (so that item is
    // never stored twice); a page that failed stored nothing and is tried again
    let known = |url: &str| {
        lookup
            .lock()
            .ok()
            .and_then(|s| s.article(&corroborate_fetch::url_id(url)).ok().flatten())
            .is_some()
    };
    'polling: loop {
        for s in sources.iter_mut() {
            if stop.load(Ordering::SeqCst) {
                break 'polling;
            }
            if s.due > Instant::now() {
                continue;
            }
            let validators = store.last_fetched(&s.url)?.map(|f| Validators {
                etag: f.etag,
                last_modified: f.last_modified,
            });
            let got = fetcher.articles(&s.url, &limits, validators.as_ref(), &known);
            tally.polls += 1;
            let own_error = got
                .diagnostics
                .iter()
                .any(|d| d.input == s.url && d.severity == Severity::Error);
            for d in &got.diagnostics {
                eprintln!("{d}");
            }
            let articles: Vec<Article> = got
                .records
                .iter()
                .map(|(id, e)| e.to_article(id))
                .filter(|a| !a.text.trim().is_empty())
                .collect();
            if !articles.is_empty() {
                let added = store.add_articles(articles)?;
                // printed once committed: a line on stdout is a promise
                for id in &added.stored {
                    writeln!(stdout, "stored {id}")?;
                }
                stdout.flush()?;
                tally.stored += added.stored.len();
            }
            let log: Vec<FetchEntry> = got.log.iter().map(crate::sources::fetch_entry).collect();
            store.record_fetches(&log)?;
            if got.not_modified {
                tally.not_modified += 1;
            }
            if own_error {
                tally.failed += 1;
                s.failures = (s.failures + 1).min(5);
            } else {
                s.failures = 0;
            }
            s.due = Instant::now() + s.every.saturating_mul(1 << s.failures);
        }
        if store.pending()? > 0 && !stop.load(Ordering::SeqCst) {
            store
                .refresh(|all| corroborate_engine::run(all, &config, &|_| {}).map(|a| a.dossier))?;
            writeln!(stdout, "dossier {}", store.health()?.dossier_version)?;
            stdout.flush()?;
        }
        // new events and the retries now due, every round
        if !stop.load(Ordering::SeqCst) {
            crate::webhooks::deliver_and_report(&mut store, &stop);
        }
        if args.once {
            break;
        }
        // sleep until the next source is due, waking to see Ctrl-C
        let next = sources.iter().map(|s| s.due).min();
        while next.is_some_and(|n| n > Instant::now()) && !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let h = store.health()?;
    eprintln!(
        "watched {} source(s) for {:.0} s: {} poll(s), {} not modified, {} failed; {} article(s) stored. {}: {} articles, {} stories (dossier version {}){}.",
        sources.len(),
        started.elapsed().as_secs_f64(),
        tally.polls,
        tally.not_modified,
        tally.failed,
        tally.stored,
        path.display(),
        h.articles,
        h.stories,
        h.dossier_version,
        if h.pending > 0 {
            format!("; {} stored article(s) wait for analysis (the next watch or ingest does it)", h.pending)
        } else {
            String::new()
        }
    );
    Ok(std::process::ExitCode::SUCCESS)
}
