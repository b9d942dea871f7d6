//! Sentence embeddings for story clustering: `analyze --embeddings PATH` and the `embed`
//! subcommand.
//!
//! PATH is either a model folder (all-MiniLM-L6-v2 as `scripts/fetch-minilm.sh` lays it out;
//! needs a build with the `embeddings` feature, which brings in `corroborate-embed` and
//! candle) or a JSON Lines file of precomputed vectors `{"id", "vector"}` as `corroborate
//! embed` writes them (readable by every build, so vectors computed once can be reused).

use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use corroborate_model::Article;

#[derive(clap::Args)]
pub struct EmbedArgs {
    /// Files or directories of articles (any input `analyze` reads).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Model folder: all-MiniLM-L6-v2 (model.safetensors, tokenizer.json, config.json;
    /// scripts/fetch-minilm.sh) or multilingual-e5-small (e5-small-q4.bin;
    /// scripts/fetch-e5.sh).
    #[arg(long, default_value = "models/all-MiniLM-L6-v2")]
    pub model: PathBuf,
    /// Bytes of each article's body embedded after its title (default: what
    /// `analyze --embeddings` uses, 600).
    #[arg(long)]
    pub body_bytes: Option<usize>,
    /// Write the vectors (JSON Lines {"id","vector"}) here instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Largest input file read, in bytes.
    #[arg(long, default_value_t = corroborate_ingest::Limits::default().max_file_bytes)]
    pub max_file_size: u64,
    /// No progress display and no throughput line (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
    /// Progress on stderr: auto (on a terminal), always (plain lines, at most one a
    /// second, when stderr is not a terminal) or never.
    #[arg(long, value_enum, default_value = "auto")]
    pub progress: crate::progress::ProgressMode,
}

/// One vector per article, in article order, from a model folder or a vectors file.
/// `progress` is called with the number of articles embedded so far.
pub fn article_embeddings(
    path: &Path,
    articles: &[Article],
    progress: &dyn Fn(usize),
) -> Result<Vec<Vec<f32>>> {
    if path.is_dir() {
        let (vectors, _) = compute(path, articles, None, progress)?;
        return Ok(vectors);
    }
    if !path.is_file() {
        bail!(
            "--embeddings {}: no such model folder or vectors file",
            path.display()
        );
    }
    read_vectors(path, articles)
}

/// `corroborate embed`: writes one `{"id","vector"}` line per article and prints the
/// throughput on stderr (unless `--quiet`).
pub fn embed(args: &EmbedArgs) -> Result<std::process::ExitCode> {
    let limits = crate::limits(args.max_file_size);
    let outcome = corroborate_ingest::read_paths(&args.paths, &limits);
    for d in &outcome.diagnostics {
        eprintln!("{d}");
    }
    if outcome.articles.is_empty() {
        bail!("no readable article (see the errors above)");
    }
    let n = outcome.articles.len();
    let progress = crate::progress::Progress::new(args.progress, args.quiet);
    progress.start("embed", "articles", Some(n as u64));
    let (vectors, seconds) = compute(&args.model, &outcome.articles, args.body_bytes, &|done| {
        progress.set(done as u64)
    })?;
    progress.finish();
    if !args.quiet {
        eprintln!(
            "embedded {n} articles with {} in {seconds:.2} s ({:.1} articles/s, {} threads)",
            args.model.display(),
            n as f64 / seconds.max(1e-9),
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
    }
    let mut out = String::new();
    for (a, v) in outcome.articles.iter().zip(&vectors) {
        let line = serde_json::json!({ "id": a.id, "vector": v });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    crate::write_output(&out, args.output.as_ref())?;
    Ok(if outcome.failed() > 0 {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

/// Embeds each article's title and the start of its body; returns the vectors and the
/// seconds the model took (loading excluded).
#[cfg(feature = "embeddings")]
fn compute(
    model: &Path,
    articles: &[Article],
    body_bytes: Option<usize>,
    progress: &dyn Fn(usize),
) -> Result<(Vec<Vec<f32>>, f64)> {
    let body_bytes = body_bytes.unwrap_or(corroborate_embed::ARTICLE_BODY_BYTES);
    let embedder = corroborate_embed::Embedder::load(model)
        .with_context(|| format!("--embeddings {}", model.display()))?;
    let texts: Vec<String> = articles
        .iter()
        .map(|a| corroborate_embed::article_text(a.title.as_deref(), &a.text, body_bytes))
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let started = std::time::Instant::now();
    let vectors = embedder.embed_all(&refs, progress)?;
    Ok((vectors, started.elapsed().as_secs_f64()))
}

#[cfg(not(feature = "embeddings"))]
fn compute(
    model: &Path,
    _: &[Article],
    _: Option<usize>,
    _: &dyn Fn(usize),
) -> Result<(Vec<Vec<f32>>, f64)> {
    bail!(
        "{}: this corroborate was built without the `embeddings` feature, so it cannot run \
         the model; rebuild with `cargo build --release -p corroborate-cli --features \
         embeddings`, or pass a vectors file written by `corroborate embed`",
        model.display()
    )
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct VectorLine {
    id: String,
    vector: Vec<f32>,
}

/// Reads `{"id","vector"}` lines and orders the vectors as the articles; every article
/// needs one.
fn read_vectors(path: &Path, articles: &[Article]) -> Result<Vec<Vec<f32>>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read vectors {}", path.display()))?;
    let mut by_id = std::collections::HashMap::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read vectors {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: VectorLine = serde_json::from_str(&line).with_context(|| {
            format!(
                "{}#{}: not a {{\"id\",\"vector\"}} line",
                path.display(),
                i + 1
            )
        })?;
        by_id.insert(v.id, v.vector);
    }
    articles
        .iter()
        .map(|a| {
            by_id
                .remove(&a.id)
                .with_context(|| format!("{}: no vector for article {}", path.display(), a.id))
        })
        .collect()
}
