//! `ingest`: articles into the store, incrementally, then the dossier brought up to date.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use corroborate_model::Article;
use corroborate_store::Store;

use crate::db::DbArg;
use crate::interrupt::{Interrupt, EXIT_INTERRUPTED};
use crate::progress::thousands;
use crate::Common;

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files or directories, as for `analyze`.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    db: DbArg,
    /// Articles stored per transaction; each batch is committed (and its ids printed) before
    /// the next starts.
    #[arg(long, default_value_t = 500)]
    batch_size: usize,
    #[command(flatten)]
    common: Common,
}

/// `ingest`: stores the articles not stored yet, printing `stored ID` on stdout for each
/// once its batch is committed, then brings the dossier up to date and prints
/// `dossier VERSION` (or `dossier pending`, exit 2, when the analysis or its write failed:
/// the stored articles are kept), then sends the webhook deliveries that are due for a few
/// seconds at most. Safe to re-run, and to kill: a re-run completes the rest.
///
/// Ctrl-C (or SIGTERM) while reading stores no article; once storing has begun it stops
/// after the batch under way, and during the analysis at once, printing `dossier pending`.
/// Either way it says on stderr what was stored and exits 130.
pub fn ingest(args: &IngestArgs) -> Result<ExitCode> {
    let (config, hooks) = args.common.config_and_webhooks()?;
    let path = args.db.path();
    let mut store =
        Store::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    store.set_webhooks(hooks);
    let progress = args.common.progress();
    let interrupt = Interrupt::install(
        progress.clone(),
        "the articles printed as stored are kept; the dossier is pending until the next ingest",
    )?;
    let (outcome, fetched, tally) = crate::sources::read_inputs_logged(
        &args.paths,
        &args.common.limits(),
        &args.common.fetch,
        &progress,
        &interrupt.flag(),
    );
    if interrupt.requested() {
        progress.clear();
        if !fetched.is_empty() {
            store.record_fetches(&fetched)?;
        }
        eprintln!(
            "interrupted: {}; no article stored (the database's articles and dossier are as they were)",
            tally.describe()
        );
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    progress.suspend(|| {
        for d in &outcome.diagnostics {
            eprintln!("{d}");
        }
    });
    let failed = outcome.failed();
    let read = outcome.articles.len();
    let skipped = match outcome.skipped {
        0 => String::new(),
        n => format!(
            " Skipped {n} file(s) of other types: {}.",
            outcome.skipped_summary()
        ),
    };
    if read == 0 && store.pending()? == 0 {
        progress.clear();
        bail!("no readable article in the inputs (see the errors above)");
    }
    // stdout is locked line by line, never across the analysis: an interrupt there prints
    // `dossier pending` from the signal handler's thread
    let stdout = std::io::stdout();
    let (mut stored, mut unchanged, mut renamed) = (0usize, 0usize, 0usize);
    let mut articles = outcome.articles.into_iter().peekable();
    if read > 0 {
        progress.start("stored", "articles", Some(read as u64));
    }
    while articles.peek().is_some() {
        if interrupt.requested() {
            break;
        }
        let batch: Vec<Article> = articles.by_ref().take(args.batch_size.max(1)).collect();
        let added = store.add_articles(batch)?;
        // Printed only now that the batch is committed: a line on stdout is a promise.
        {
            let mut out = stdout.lock();
            for id in &added.stored {
                writeln!(out, "stored {id}")?;
            }
            out.flush()?;
        }
        progress.suspend(|| {
            for (from, to) in &added.renamed {
                eprintln!("warning: id {from:?} is taken by other content; stored as {to:?}");
            }
        });
        stored += added.stored.len();
        unchanged += added.unchanged.len();
        renamed += added.renamed.len();
        progress.set((stored + unchanged) as u64);
    }
    progress.finish();
    // the requests made for URL inputs join the fetch log, as `watch`'s do
    if !fetched.is_empty() {
        store.record_fetches(&fetched)?;
    }
    let stored_line = move |stored: usize, unchanged: usize| {
        format!(
            "{}; stored {} new article(s) ({} already stored), kept",
            tally.describe(),
            thousands(stored as u64),
            thousands(unchanged as u64)
        )
    };
    if interrupt.requested() {
        progress.clear();
        if store.pending()? > 0 {
            writeln!(stdout.lock(), "dossier pending")?;
        }
        eprintln!(
            "interrupted: {}; {} read article(s) not stored; the dossier is pending until the next ingest",
            stored_line(stored, unchanged),
            thousands((read - stored - unchanged) as u64)
        );
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    let pending = store.pending()?;
    if pending > 0 {
        let started = Instant::now();
        let current = Arc::new(Mutex::new("analyze"));
        let step = current.clone();
        let so_far = stored_line(stored, unchanged);
        let analysing = interrupt.at_once(move || {
            let step = *step.lock().unwrap_or_else(|e| e.into_inner());
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "dossier pending").and_then(|_| out.flush());
            eprintln!(
                "interrupted: {so_far}; stopped while re-analysing the corpus ({step}); the dossier is pending until the next ingest"
            );
        });
        if !analysing {
            progress.clear();
            writeln!(stdout.lock(), "dossier pending")?;
            eprintln!(
                "interrupted: {}; the dossier is pending until the next ingest",
                stored_line(stored, unchanged)
            );
            return Ok(ExitCode::from(EXIT_INTERRUPTED));
        }
        let refreshed = store.refresh(|all| {
            let on_progress = crate::show_steps(&progress, &current, all.len());
            corroborate_engine::run_counted(all, None, &config, &on_progress).map(|a| a.dossier)
        });
        interrupt.done_at_once();
        progress.finish();
        progress.clear();
        let mut stdout = stdout.lock();
        if let Err(e) = refreshed {
            // the stored lines above are kept promises: say what is and is not done
            writeln!(stdout, "dossier pending")?;
            stdout.flush()?;
            eprintln!("error: the dossier was not brought up to date: {e}");
            eprintln!(
                "the {stored} article(s) printed as stored are kept; {pending} stored article(s) wait for analysis. Re-run `corroborate ingest` (on the same inputs, once the cause is fixed) to complete it."
            );
            return Ok(ExitCode::from(2));
        }
        if !args.common.quiet {
            eprintln!(
                "analysed the corpus in {:.2} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    progress.clear();
    // the facts this refresh made corroborated or contested, and any retries now due; a
    // Ctrl-C makes no new request and leaves the rest in the outbox
    crate::webhooks::deliver_and_report(&mut store, &interrupt.flag());
    if interrupt.requested() {
        writeln!(stdout.lock(), "dossier {}", store.health()?.dossier_version)?;
        eprintln!(
            "interrupted: {}; the dossier is up to date; webhook deliveries not sent wait in the outbox",
            stored_line(stored, unchanged)
        );
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    let h = store.health()?;
    let mut stdout = stdout.lock();
    writeln!(stdout, "dossier {}", h.dossier_version)?;
    stdout.flush()?;
    eprintln!(
        "{read} read: {stored} stored, {unchanged} already stored, {renamed} renamed.{skipped} {}: {} articles, {} stories, {} facts (dossier version {}).",
        path.display(),
        h.articles,
        h.stories,
        h.facts,
        h.dossier_version
    );
    if failed > 0 {
        eprintln!("{failed} input(s) could not be read.");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
