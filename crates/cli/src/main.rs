//! `corroborate`: the command-line tool.
//!
//! Exit codes: 0 all inputs analysed; 1 the dossier was written but some inputs could not
//! be read (each named on stderr); 2 nothing could be done (bad flags, no readable
//! article, unwritable output); 130 stopped by Ctrl-C or SIGTERM (`analyze`, `ingest`,
//! `extract` say in one line what was done).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use corroborate_engine::{Config, Step, StepProgress};
use corroborate_ingest::{Limits, ReadOutcome};

mod bench_serve;
mod db;
mod embed;
mod export;
mod extract;
mod fetch_bench;
mod ingest;
mod interrupt;
mod progress;
mod serve;
mod sources;
mod stance;
mod stream_bench;
mod synth;
mod watch;
mod webhooks;

#[derive(Parser)]
#[command(
    name = "corroborate",
    version,
    about = "Cross-check news articles: copies, stories, entities, and who supports each claim independently."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BenchStage {
    /// Every stage of `analyze`, on the articles given.
    #[value(alias = "analysis")]
    All,
    /// Document extraction (HTML, feeds, archives), pages/s.
    Extract,
    /// Story assignment on a synthetic stream built from the articles given.
    Cluster,
    /// Fetch + extract + store of synthetic pages (made from the articles given) served
    /// over loopback, pages/s (`--synthetic` pages, `--fetch-threads` at once).
    Fetch,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Markdown,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse articles (files or directories) into a dossier.
    Analyze {
        /// Files or directories (.txt, .json, .jsonl, .html, .htm, optionally .gz).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format: markdown, json (schema 1), html (standalone page), csv (facts),
        /// prov (PROV-JSON) or jsonld (each fact a schema.org Claim).
        #[arg(long, default_value = "markdown")]
        format: corroborate_report::Format,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Blend sentence embeddings into story clustering: a model folder
        /// (all-MiniLM-L6-v2 from scripts/fetch-minilm.sh; needs the `embeddings` build
        /// feature) or a vectors file written by `corroborate embed`.
        #[arg(long)]
        embeddings: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Extract one JSON record per document (HTML pages, feed items, WARC records,
    /// archive members, imported JSON): body text, metadata, dates with their source.
    Extract {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: extract::RecordFormat,
        #[command(flatten)]
        common: Common,
    },
    /// Measure throughput of each stage on PATH (articles/s).
    Bench {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Timed repetitions; the best is reported.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
        /// What to measure: the engine's stages (`all`, alias `analysis`), document
        /// extraction (`extract`, pages/s), or story assignment over a synthetic stream
        /// (`cluster`).
        #[arg(long, value_enum, default_value = "all")]
        stage: BenchStage,
        /// Length of the synthetic stream for `--stage cluster`, pages for `--stage fetch`
        /// (default there 2,000 when left at this default).
        #[arg(long, default_value_t = 100_000)]
        synthetic: usize,
        #[command(flatten)]
        common: Common,
    },
    /// Stance of each article toward CLAIM: supports, refutes, reports or unrelated, with
    /// the sentences that decide it.
    Check {
        /// The claim, in quotes.
        claim: String,
        /// Files or directories of articles.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "markdown")]
        format: Format,
        /// Largest input file read, in bytes.
        #[arg(long, default_value_t = Limits::default().max_file_bytes)]
        max_file_size: u64,
        /// Stance weights written by `train-stance --out`, instead of the built-in ones.
        #[arg(long)]
        weights: Option<PathBuf>,
    },
    /// Stance of many (claim, article) pairs: JSON lines {"id","stance","confidence"} on
    /// stdout.
    Stance {
        /// Articles (JSONL {"id","text"}, or any input `analyze` reads).
        #[arg(long)]
        articles: PathBuf,
        /// Pairs, JSONL {"id","claim","article"} where article is an article id.
        #[arg(long)]
        pairs: PathBuf,
        /// Largest input file read, in bytes.
        #[arg(long, default_value_t = Limits::default().max_file_bytes)]
        max_file_size: u64,
        /// Stance weights written by `train-stance --out`, instead of the built-in ones.
        #[arg(long)]
        weights: Option<PathBuf>,
    },
    /// Train the stance model on FNC-1 CSVs (bodies and stances).
    TrainStance {
        /// CSV with columns Body ID, articleBody.
        #[arg(long)]
        bodies: PathBuf,
        /// CSV with columns Headline, Body ID, Stance.
        #[arg(long)]
        stances: PathBuf,
        /// Write the trained weights here (trained on every pair).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Folds of the cross-validation grouped by story.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Run the cross-validation and write its out-of-fold predictions here (JSONL
        /// {"id","stance","confidence"}, ids are 0-based rows of the stances file).
        #[arg(long)]
        cv_out: Option<PathBuf>,
        /// Training settings (JSON); unknown fields are an error.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Write one sentence embedding per article (JSON Lines {"id","vector"}) for
    /// `analyze --embeddings`; needs the `embeddings` build feature.
    Embed(embed::EmbedArgs),
    /// Store articles in the database (incremental, safe to re-run) and update its dossier.
    Ingest(ingest::IngestArgs),
    /// Follow sources (feed, page or sitemap URLs; OPML lists; lists of URLs): poll each
    /// at its interval, store new articles as they arrive, until Ctrl-C
    Watch(watch::WatchArgs),
    /// Serve the database: JSON API under /api, web pages at /.
    Serve(serve::ServeArgs),
    /// Export a story (or the whole dossier) from the database.
    Export(export::ExportArgs),
    /// Print the webhook delivery log (and, with --deliver, send what is due first).
    Webhooks(webhooks::WebhooksArgs),
    /// Write a synthetic corpus made of perturbed seed articles (for tests and benchmarks).
    Synth(synth::SynthArgs),
    /// Load-test the API on a synthetic database (builds it first if needed).
    BenchServe(bench_serve::BenchServeArgs),
}

#[derive(clap::Args)]
struct Common {
    /// Stage configuration (JSON); unknown fields are an error. Defaults are documented in
    /// docs/config.md.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Largest input file read, in bytes.
    #[arg(long, default_value_t = Limits::default().max_file_bytes)]
    max_file_size: u64,
    /// No progress display.
    #[arg(short, long)]
    quiet: bool,
    /// Progress on stderr (analyze, ingest, extract): auto (on a terminal), always (plain
    /// lines, at most one a second, when stderr is not a terminal) or never.
    #[arg(long, value_enum, default_value = "auto")]
    progress: progress::ProgressMode,
    #[command(flatten)]
    fetch: sources::FetchArgs,
}

/// The engine's part of the config file (its `webhooks` section is checked, then left to
/// the commands that deliver).
fn read_config(path: Option<&std::path::Path>) -> Result<Config> {
    Ok(webhooks::read_config_file(path)?.0)
}

fn write_output(rendered: &str, output: Option<&PathBuf>) -> Result<()> {
    match output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(rendered.as_bytes())
                .and_then(|_| out.flush())
                .context("cannot write to stdout")?;
        }
    }
    Ok(())
}

impl Common {
    fn quiet_default() -> Common {
        Common {
            config: None,
            max_file_size: Limits::default().max_file_bytes,
            quiet: true,
            progress: progress::ProgressMode::Never,
            fetch: sources::FetchArgs::default(),
        }
    }
    fn config(&self) -> Result<Config> {
        read_config(self.config.as_deref())
    }
    /// The engine's config and the webhooks of the config file.
    fn config_and_webhooks(&self) -> Result<(Config, Vec<corroborate_store::Webhook>)> {
        webhooks::read_config_file(self.config.as_deref())
    }
    fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.max_file_size,
            ..Limits::default()
        }
    }
    /// The progress display these options ask for.
    fn progress(&self) -> Arc<progress::Progress> {
        Arc::new(progress::Progress::new(self.progress, self.quiet))
    }
}

/// Every article of `paths` (files, folders, URLs, `-`), its problems printed; an error
/// when none could be read.
fn read(paths: &[PathBuf], common: &Common) -> Result<ReadOutcome> {
    let outcome = sources::read_inputs(paths, &common.limits(), &common.fetch);
    report_read(paths, outcome, &progress::Progress::off())
}

/// The diagnostics of a read printed (above the progress bar); an error when it gave no
/// article.
fn report_read(
    paths: &[PathBuf],
    outcome: ReadOutcome,
    progress: &progress::Progress,
) -> Result<ReadOutcome> {
    progress.suspend(|| {
        for d in &outcome.diagnostics {
            eprintln!("{d}");
        }
    });
    if outcome.articles.is_empty() {
        bail!("{}", nothing_read(paths, &outcome));
    }
    Ok(outcome)
}

/// The engine's progress on `progress`: counted steps as counts with rate and ETA, the
/// others by name; the step under way kept in `current` for an interrupt's summary.
fn show_steps<'a>(
    progress: &'a progress::Progress,
    current: &'a Mutex<&'static str>,
    n: usize,
) -> impl Fn(StepProgress) + Sync + 'a {
    move |p: StepProgress| {
        if p.done == 0 {
            progress.finish();
            *current.lock().unwrap_or_else(|e| e.into_inner()) = p.step.name();
            match p.total {
                Some(total) => progress.start(p.step.name(), "articles", Some(total as u64)),
                None => progress.step(&format!(
                    "{} ({} articles)",
                    p.step.name(),
                    progress::thousands(n as u64)
                )),
            }
        } else {
            progress.set(p.done as u64);
        }
    }
}

/// Why nothing was read: the inputs, and what was skipped in their folders.
fn nothing_read(paths: &[PathBuf], outcome: &ReadOutcome) -> String {
    let named = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if outcome.skipped > 0 && outcome.failed() == 0 {
        format!(
            "no article files in {named}; skipped {} file{}: {}",
            outcome.skipped,
            if outcome.skipped == 1 { "" } else { "s" },
            outcome.skipped_summary()
        )
    } else if outcome.skipped > 0 {
        format!(
            "no readable article in {named} (see the errors above); skipped {} other file{}: {}",
            outcome.skipped,
            if outcome.skipped == 1 { "" } else { "s" },
            outcome.skipped_summary()
        )
    } else if outcome.diagnostics.is_empty() {
        format!("no article files in {named}")
    } else {
        format!("no readable article in {named} (see the errors above)")
    }
}

fn analyze(
    paths: &[PathBuf],
    format: corroborate_report::Format,
    output: Option<&PathBuf>,
    embeddings: Option<&PathBuf>,
    common: &Common,
) -> Result<ExitCode> {
    let config = common.config()?;
    let progress = common.progress();
    let interrupt = interrupt::Interrupt::install(progress.clone(), "nothing written")?;
    let (outcome, _, tally) = sources::read_inputs_logged(
        paths,
        &common.limits(),
        &common.fetch,
        &progress,
        &interrupt.flag(),
    );
    if interrupt.requested() {
        progress.clear();
        eprintln!("interrupted: {}; nothing written", tally.describe());
        return Ok(ExitCode::from(interrupt::EXIT_INTERRUPTED));
    }
    let outcome = report_read(paths, outcome, &progress).inspect_err(|_| progress.clear())?;
    let failed = outcome.failed();
    let (skipped, skipped_types) = (outcome.skipped, outcome.skipped_summary());
    let n = outcome.articles.len();
    let current = Arc::new(Mutex::new("analyze"));
    let read_so_far = tally.describe();
    let step = current.clone();
    let analysing = interrupt.at_once(move || {
        let step = *step.lock().unwrap_or_else(|e| e.into_inner());
        eprintln!("interrupted: {read_so_far}; stopped while analysing ({step}); nothing written");
    });
    if !analysing {
        progress.clear();
        eprintln!("interrupted: {}; nothing written", tally.describe());
        return Ok(ExitCode::from(interrupt::EXIT_INTERRUPTED));
    }
    let vectors = match embeddings {
        Some(path) => {
            *current.lock().unwrap_or_else(|e| e.into_inner()) = "embed";
            progress.start("embed", "articles", Some(n as u64));
            let on_batch = |done: usize| progress.set(done as u64);
            let vectors = embed::article_embeddings(path, &outcome.articles, &on_batch)?;
            progress.finish();
            Some(vectors)
        }
        None => None,
    };
    let on_progress = show_steps(&progress, &current, n);
    let analysis = corroborate_engine::run_counted(
        outcome.articles,
        vectors.as_deref(),
        &config,
        &on_progress,
    )?;
    progress.finish();
    progress.clear();
    *current.lock().unwrap_or_else(|e| e.into_inner()) = "render";
    let rendered = format.render(&analysis.dossier);
    // from here a signal lets the output be written whole
    interrupt.done_at_once();
    write_output(&rendered, output)?;
    if interrupt.requested() {
        eprintln!("interrupted while writing; the dossier was written in full");
        return Ok(ExitCode::from(interrupt::EXIT_INTERRUPTED));
    }
    if skipped > 0 && !common.quiet {
        eprintln!("skipped {skipped} file(s) of other types in the folders: {skipped_types}.");
    }
    if failed > 0 {
        eprintln!("{failed} input(s) could not be read; the dossier covers the other {n}.");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn bench(paths: &[PathBuf], repeat: usize, common: &Common) -> Result<ExitCode> {
    let config = common.config()?;
    let started = Instant::now();
    let outcome = read(paths, common)?;
    let read_time = started.elapsed();
    let n = outcome.articles.len();
    let bytes: usize = outcome.articles.iter().map(|a| a.text.len()).sum();
    println!(
        "corpus: {n} articles, {:.1} MB of text, read in {:.3} s ({:.0} articles/s)",
        bytes as f64 / 1e6,
        read_time.as_secs_f64(),
        n as f64 / read_time.as_secs_f64()
    );
    let mut best: Option<(Duration, Vec<(Step, Duration)>)> = None;
    // the process's peak resident memory as each stage ends, in the first repetition (the
    // peak never goes down, so later ones would show the first one's)
    let peaks: std::sync::Mutex<Vec<Option<u64>>> = std::sync::Mutex::new(Vec::new());
    let note_peak = || {
        if let Ok(mut p) = peaks.lock() {
            p.push(stream_bench::status_bytes("VmHWM:"));
        }
    };
    for i in 0..repeat.max(1) {
        let articles = outcome.articles.clone();
        let t = Instant::now();
        let analysis = if i == 0 {
            // a step's start is the end of the one before it
            let on_step = |step: Step| {
                if step != Step::ALL[0] {
                    note_peak();
                }
            };
            let a = corroborate_engine::run(articles, &config, &on_step)?;
            note_peak();
            a
        } else {
            corroborate_engine::run(articles, &config, &|_| {})?
        };
        let total = t.elapsed();
        if best.as_ref().is_none_or(|(b, _)| total < *b) {
            best = Some((total, analysis.timings));
        }
    }
    let (total, timings) = best.expect("at least one repetition");
    let peaks = peaks.into_inner().unwrap_or_default();
    println!(
        "{:<10} {:>10} {:>14} {:>14}",
        "stage", "seconds", "articles/s", "peak RSS MB"
    );
    for (i, (step, d)) in timings.iter().enumerate() {
        let peak = match peaks.get(i).copied().flatten() {
            Some(b) => format!("{:.0}", b as f64 / 1e6),
            None => "-".to_string(),
        };
        println!(
            "{:<10} {:>10.4} {:>14.0} {:>14}",
            step.name(),
            d.as_secs_f64(),
            n as f64 / d.as_secs_f64().max(1e-9),
            peak
        );
    }
    println!(
        "{:<10} {:>10.4} {:>14.0}",
        "pipeline",
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64()
    );
    let end_to_end = total + read_time;
    println!(
        "{:<10} {:>10.4} {:>14.0}",
        "end-to-end",
        end_to_end.as_secs_f64(),
        n as f64 / end_to_end.as_secs_f64()
    );
    println!(
        "threads: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    Ok(ExitCode::SUCCESS)
}

fn limits(max_file_bytes: u64) -> Limits {
    Limits {
        max_file_bytes,
        ..Limits::default()
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Analyze {
            paths,
            format,
            output,
            embeddings,
            common,
        } => analyze(paths, *format, output.as_ref(), embeddings.as_ref(), common),
        Command::Extract {
            paths,
            format,
            common,
        } => extract::extract(paths, *format, common),
        Command::Bench {
            paths,
            repeat,
            stage: BenchStage::All,
            common,
            ..
        } => bench(paths, *repeat, common),
        Command::Bench {
            paths,
            repeat,
            stage: BenchStage::Extract,
            common,
            ..
        } => extract::bench(paths, *repeat, &common.limits()),
        Command::Bench {
            paths,
            repeat,
            stage: BenchStage::Fetch,
            synthetic,
            common,
        } => read(paths, common).and_then(|outcome| {
            let pages = if *synthetic == 100_000 {
                2000
            } else {
                *synthetic
            };
            fetch_bench::run(
                &outcome.articles,
                pages,
                *repeat,
                common.fetch.fetch_threads,
            )?;
            Ok(ExitCode::SUCCESS)
        }),
        Command::Bench {
            paths,
            stage: BenchStage::Cluster,
            synthetic,
            common,
            ..
        } => common.config().and_then(|config| {
            let outcome = read(paths, common)?;
            stream_bench::run(&outcome.articles, *synthetic, &config.cluster);
            Ok(ExitCode::SUCCESS)
        }),
        Command::Check {
            claim,
            paths,
            format,
            max_file_size,
            weights,
        } => stance::check(
            claim,
            paths,
            *format,
            &limits(*max_file_size),
            weights.as_deref(),
        ),
        Command::Stance {
            articles,
            pairs,
            max_file_size,
            weights,
        } => stance::stance(articles, pairs, &limits(*max_file_size), weights.as_deref()),
        Command::TrainStance {
            bodies,
            stances,
            out,
            folds,
            cv_out,
            config,
        } => stance::train_stance(
            bodies,
            stances,
            out.as_deref(),
            *folds,
            cv_out.as_deref(),
            config.as_deref(),
        ),
        Command::Embed(args) => embed::embed(args),
        Command::Ingest(args) => ingest::ingest(args),
        Command::Watch(args) => watch::watch(args),
        Command::Serve(args) => serve::serve(args),
        Command::Export(args) => export::export(args),
        Command::Webhooks(args) => webhooks::webhooks(args),
        Command::Synth(args) => synth::synth(args),
        Command::BenchServe(args) => bench_serve::bench_serve(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
