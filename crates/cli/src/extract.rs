//! `corroborate extract` (one JSON record per document) and `bench --stage extract`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::ValueEnum;
use corroborate_ingest::{extract_paths, Item, Limits};
use corroborate_model::Severity;

#[derive(Clone, Copy, ValueEnum)]
pub enum RecordFormat {
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
}

/// Prints every document's record to stdout as it is extracted (JSONL streams; JSON
/// closes the array at the end). Exit 1 when some input could not be read; on Ctrl-C it
/// stops between two files, ends the output well-formed, says how many records it wrote
/// and exits 130.
pub fn extract(
    paths: &[PathBuf],
    format: RecordFormat,
    common: &crate::Common,
) -> Result<ExitCode> {
    let progress = common.progress();
    let interrupt = crate::interrupt::Interrupt::install(
        progress.clone(),
        "the records written so far stand (the last may be cut short)",
    )?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut n, mut failed) = (0usize, 0usize);
    let mut write_err = None;
    if matches!(format, RecordFormat::Json) {
        out.write_all(b"[").context("cannot write to stdout")?;
    }
    let tally = crate::sources::extract_inputs(
        paths,
        &common.limits(),
        &common.fetch,
        &progress,
        &interrupt.flag(),
        &mut |item| match item {
            Item::Record(e) => {
                let json = serde_json::to_string(&e).expect("records serialise");
                let sep = match (format, n) {
                    (RecordFormat::Json, 0) => "\n",
                    (RecordFormat::Json, _) => ",\n",
                    (RecordFormat::Jsonl, _) => "",
                };
                let end = if matches!(format, RecordFormat::Jsonl) {
                    "\n"
                } else {
                    ""
                };
                if let Err(e) = write!(out, "{sep}{json}{end}") {
                    write_err.get_or_insert(e);
                }
                n += 1;
            }
            Item::Problem(d) => {
                if d.severity == Severity::Error {
                    failed += 1;
                }
                progress.suspend(|| eprintln!("{d}"));
            }
        },
    );
    progress.clear();
    if let Some(e) = write_err {
        return Err(e).context("cannot write to stdout");
    }
    if matches!(format, RecordFormat::Json) {
        out.write_all(b"\n]\n").context("cannot write to stdout")?;
    }
    out.flush().context("cannot write to stdout")?;
    if interrupt.requested() {
        eprintln!(
            "interrupted: {}; wrote {} record(s), {failed} document(s) could not be read",
            tally.describe(),
            crate::progress::thousands(n as u64)
        );
        return Ok(ExitCode::from(crate::interrupt::EXIT_INTERRUPTED));
    }
    eprintln!("{n} document(s) extracted, {failed} could not be read");
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `bench --stage extract`: pages/s of extraction on one thread (the per-core figure)
/// and on all threads, best of `repeat`.
pub fn bench(paths: &[PathBuf], repeat: usize, limits: &Limits) -> Result<ExitCode> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let run = |threads: usize| -> Result<(usize, f64)> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .context("cannot start a thread pool")?;
        let mut best = f64::INFINITY;
        let mut docs = 0;
        for _ in 0..repeat.max(1) {
            let t = Instant::now();
            let mut n = 0;
            pool.install(|| {
                extract_paths(paths, limits, &mut |item| {
                    if let Item::Record(e) = item {
                        std::hint::black_box(&e);
                        n += 1;
                    }
                })
            });
            best = best.min(t.elapsed().as_secs_f64());
            docs = n;
        }
        Ok((docs, best))
    };
    println!(
        "{:<10} {:>8} {:>10} {:>10}",
        "threads", "docs", "seconds", "docs/s"
    );
    for t in [1, threads] {
        let (n, secs) = run(t)?;
        println!(
            "{:<10} {:>8} {:>10.3} {:>10.1}",
            t,
            n,
            secs,
            n as f64 / secs.max(1e-9)
        );
        if threads == 1 {
            break;
        }
    }
    println!("(includes reading, gunzip, decoding, DOM parsing, body and metadata)");
    Ok(ExitCode::SUCCESS)
}
