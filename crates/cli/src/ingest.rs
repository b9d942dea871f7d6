//! `ingest`: articles into the store, incrementally, then the dossier brought up to date.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use corroborate_model::Article;
use corroborate_store::Store;

use crate::db::DbArg;
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
pub fn ingest(args: &IngestArgs) -> Result<ExitCode> {
    let (config, hooks) = args.common.config_and_webhooks()?;
    let path = args.db.path();
    let mut store =
        Store::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    store.set_webhooks(hooks);
    let (outcome, fetched) =
        crate::sources::read_inputs_logged(&args.paths, &args.common.limits(), &args.common.fetch);
    for d in &outcome.diagnostics {
        eprintln!("{d}");
    }
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
        bail!("no readable article in the inputs (see the errors above)");
    }
    let mut stdout = std::io::stdout().lock();
    let (mut stored, mut unchanged, mut renamed) = (0usize, 0usize, 0usize);
    let mut articles = outcome.articles.into_iter().peekable();
    while articles.peek().is_some() {
        let batch: Vec<Article> = articles.by_ref().take(args.batch_size.max(1)).collect();
        let added = store.add_articles(batch)?;
        // Printed only now that the batch is committed: a line on stdout is a promise.
        for id in &added.stored {
            writeln!(stdout, "stored {id}")?;
        }
        stdout.flush()?;
        for (from, to) in &added.renamed {
            eprintln!("warning: id {from:?} is taken by other content; stored as {to:?}");
        }
        stored += added.stored.len();
        unchanged += added.unchanged.len();
        renamed += added.renamed.len();
    }
    // the requests made for URL inputs join the fetch log, as `watch`'s do
    if !fetched.is_empty() {
        store.record_fetches(&fetched)?;
    }
    let pending = store.pending()?;
    let bar = crate::progress(args.common.quiet);
    if pending > 0 {
        let started = Instant::now();
        let on_step = |step: corroborate_engine::Step| {
            if let Some(b) = &bar {
                b.set_message(format!("{} (re-analysing the corpus)", step.name()));
            }
        };
        let refreshed =
            store.refresh(|all| corroborate_engine::run(all, &config, &on_step).map(|a| a.dossier));
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
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
    // the facts this refresh made corroborated or contested, and any retries now due
    crate::webhooks::deliver_and_report(&mut store);
    let h = store.health()?;
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
