//! The service commands: `ingest` (into the store, incremental), `serve` (HTTP API and web
//! pages), `export` (a story or the whole dossier from the store), `synth` (a synthetic
//! corpus for tests and benchmarks) and `bench-serve` (a load test of the API).

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use corroborate_engine::Config;
use corroborate_model::Article;
use corroborate_report::Format;
use corroborate_store::Store;

use crate::Common;

#[derive(clap::Args)]
pub struct DbArg {
    /// The database file. Default: $XDG_DATA_HOME/corroborate/corroborate.db, else
    /// ~/.local/share/corroborate/corroborate.db.
    #[arg(long)]
    db: Option<PathBuf>,
}

impl DbArg {
    fn path(&self) -> PathBuf {
        self.db
            .clone()
            .unwrap_or_else(corroborate_store::default_path)
    }
}

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
/// `dossier VERSION`. Safe to re-run, and to kill: a re-run completes the rest.
pub fn ingest(args: &IngestArgs) -> Result<ExitCode> {
    let config = args.common.config()?;
    let path = args.db.path();
    let mut store =
        Store::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    let outcome = corroborate_ingest::read_paths(&args.paths, &args.common.limits());
    for d in &outcome.diagnostics {
        eprintln!("{d}");
    }
    let failed = outcome.failed();
    let read = outcome.articles.len();
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
    let pending = store.pending()?;
    let bar = crate::progress(args.common.quiet);
    if pending > 0 {
        let started = Instant::now();
        let on_step = |step: corroborate_engine::Step| {
            if let Some(b) = &bar {
                b.set_message(format!("{} (re-analysing the corpus)", step.name()));
            }
        };
        store.refresh(|all| corroborate_engine::run(all, &config, &on_step).map(|a| a.dossier))?;
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        if !args.common.quiet {
            eprintln!(
                "analysed the corpus in {:.2} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let h = store.health()?;
    writeln!(stdout, "dossier {}", h.dossier_version)?;
    stdout.flush()?;
    eprintln!(
        "{read} read: {stored} stored, {unchanged} already stored, {renamed} renamed. {}: {} articles, {} stories, {} facts (dossier version {}).",
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

#[derive(clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    db: DbArg,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Largest request body accepted (POST /api/articles), in bytes.
    #[arg(long, default_value_t = corroborate_server::ServerConfig::default().body_limit)]
    body_limit: usize,
    /// Stage configuration for analysing posted articles (JSON).
    #[arg(long)]
    config: Option<PathBuf>,
}

/// `serve`: the API and web pages until Ctrl-C.
pub fn serve(args: &ServeArgs) -> Result<ExitCode> {
    let engine = crate::read_config(args.config.as_deref())?;
    let path = args.db.path();
    let server_config = corroborate_server::ServerConfig {
        body_limit: args.body_limit,
        ..Default::default()
    };
    let state = corroborate_server::AppState::open(&path, engine, server_config)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let local = listener.local_addr()?;
        eprintln!("serving {} on http://{local}/", path.display());
        corroborate_server::serve(listener, state)
            .await
            .context("server failed")
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    db: DbArg,
    /// Story id; without it, the whole dossier. The id of a story that has since been
    /// merged into another exports that other story (and says so on stderr).
    #[arg(long)]
    story: Option<String>,
    /// json (schema 1), markdown, html (standalone page), csv (facts) or prov (PROV-JSON).
    #[arg(long, default_value = "json")]
    format: Format,
    /// Write to this file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

fn open_existing(path: &Path) -> Result<Store> {
    if !path.exists() {
        bail!(
            "no database at {}; run `corroborate ingest` first",
            path.display()
        );
    }
    Store::open(path).with_context(|| format!("cannot open {}", path.display()))
}

/// `export`: renders a story (or everything) from the store.
pub fn export(args: &ExportArgs) -> Result<ExitCode> {
    let store = open_existing(&args.db.path())?;
    let dossier = match &args.story {
        Some(id) => match store.story(id)? {
            Some(d) => d,
            None => {
                // an id the database published before: its articles are in another story now
                let to = store
                    .story_alias(id)?
                    .with_context(|| format!("no story with id {id:?} in the database"))?;
                eprintln!("story {id} was merged into {to}; exporting {to}");
                store
                    .story(&to)?
                    .with_context(|| format!("story {id:?} points at {to:?}, which is missing"))?
            }
        },
        None => store.dossier()?,
    };
    crate::write_output(&args.format.render(&dossier), args.output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct SynthArgs {
    /// Seed articles to perturb (files or directories).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Articles to generate.
    #[arg(long, default_value_t = 1000)]
    articles: usize,
    /// Articles per synthetic story.
    #[arg(long, default_value_t = 5)]
    story_size: usize,
    /// Random seed; the same seed gives the same corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Articles per output file.
    #[arg(long, default_value_t = 1000)]
    per_file: usize,
    /// Output folder (created); files are part-NNNNN.jsonl.
    #[arg(short, long)]
    output: PathBuf,
}

/// `synth`: writes a synthetic corpus made of the seed articles perturbed, one story per
/// `story_size` articles: each story renames every capitalised word and changes the numbers
/// consistently, and each article keeps a random four fifths of its seed's paragraphs.
pub fn synth(args: &SynthArgs) -> Result<ExitCode> {
    let seeds = crate::read(&args.paths, &Common::quiet_default())?.articles;
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let corpus = synthetic_corpus(&seeds, args.articles, args.story_size.max(1), args.seed);
    for (n, chunk) in corpus.chunks(args.per_file.max(1)).enumerate() {
        let file = args.output.join(format!("part-{n:05}.jsonl"));
        let mut out = String::new();
        for a in chunk {
            let line = serde_json::json!({
                "id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published, "text": a.text,
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        std::fs::write(&file, out).with_context(|| format!("cannot write {}", file.display()))?;
    }
    eprintln!(
        "wrote {} articles to {}",
        corpus.len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The fixed PRNG, so corpora are the same on every platform and version.
type Rng = corroborate_model::SplitMix64;

fn pseudo_name(rng: &mut Rng) -> String {
    const ONSETS: [&str; 16] = [
        "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "kh",
    ];
    const VOWELS: [&str; 6] = ["a", "e", "i", "o", "u", "ai"];
    let syllables = 2 + rng.below(2);
    let mut name = String::new();
    for _ in 0..syllables {
        name.push_str(ONSETS[rng.below(ONSETS.len())]);
        name.push_str(VOWELS[rng.below(VOWELS.len())]);
    }
    name.push_str(ONSETS[rng.below(ONSETS.len())]);
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or(name)
}

/// See [`synth`].
pub fn synthetic_corpus(
    seeds: &[Article],
    articles: usize,
    story_size: usize,
    seed: u64,
) -> Vec<Article> {
    if seeds.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(articles);
    let mut story = 0usize;
    while out.len() < articles {
        let mut rng = Rng::new(seed ^ (story as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        let mut names = std::collections::HashMap::new();
        let digit_shift = 1 + rng.below(8) as u32;
        for j in 0..story_size.min(articles - out.len()) {
            let source = &seeds[(story + j) % seeds.len()];
            let paragraphs: Vec<&str> = source
                .text
                .split("\n\n")
                .filter(|p| !p.trim().is_empty())
                .collect();
            let kept: Vec<&str> = paragraphs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i == 0 || rng.below(5) != 0)
                .map(|(_, p)| *p)
                .collect();
            let mut text = String::new();
            for p in kept {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&perturb(p, &mut names, &mut rng, digit_shift));
            }
            let title = source
                .title
                .as_deref()
                .map(|t| perturb(t, &mut names, &mut rng, digit_shift));
            let mut a = Article::new(format!("syn-{story:06}-{j}"), "synthetic", text);
            a.title = title;
            a.outlet = Some(format!("Outlet {}", (story * 7 + j * 3) % 40));
            a.published = Some(format!("2025-{:02}-{:02}", 1 + story % 12, 1 + j % 28));
            out.push(a);
        }
        story += 1;
    }
    out
}

/// Renames capitalised words through `names` (filled as new ones are met) and shifts
/// digits, so one story's articles agree with each other and differ from other stories.
fn perturb(
    text: &str,
    names: &mut std::collections::HashMap<String, String>,
    rng: &mut Rng,
    digit_shift: u32,
) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String,
                 out: &mut String,
                 names: &mut std::collections::HashMap<String, String>,
                 rng: &mut Rng| {
        if word.is_empty() {
            return;
        }
        let capitalised = word.chars().next().is_some_and(char::is_uppercase) && word.len() > 2;
        if capitalised {
            let name = names
                .entry(word.clone())
                .or_insert_with(|| pseudo_name(rng))
                .clone();
            out.push_str(&name);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out, names, rng);
        match c.to_digit(10) {
            Some(d) => out.push(char::from_digit((d + digit_shift) % 10, 10).unwrap_or(c)),
            None => out.push(c),
        }
    }
    flush(&mut word, &mut out, names, rng);
    out
}

#[derive(clap::Args)]
pub struct BenchServeArgs {
    /// Seed articles (files or directories) the synthetic corpus is made from.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The database to build (if it holds fewer articles) and serve.
    #[arg(long)]
    db: PathBuf,
    /// Articles the database should hold.
    #[arg(long, default_value_t = 100_000)]
    articles: usize,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 50)]
    connections: usize,
    /// Requests in all.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Build the database's dossier from engine runs over slices of this many articles
    /// (whole synthetic stories, which never span slices) merged into one, instead of one
    /// run over the whole corpus; 0 means one run. For building large benchmark databases
    /// quickly; the dossier differs from one full run only where stories would merge
    /// across slices.
    #[arg(long, default_value_t = 0)]
    analysis_slice: usize,
}

/// `bench-serve`: builds a synthetic database of `--articles` articles (once), serves it on
/// a loopback port, and has `--connections` clients with keep-alive connections each send
/// `GET /api/stories/{id}` for random stories, one request at a time, while an ingest
/// writes; prints latency percentiles.
pub fn bench_serve(args: &BenchServeArgs) -> Result<ExitCode> {
    let config = Config::default();
    {
        let mut store = Store::open(&args.db)?;
        let have = store.health()?.articles as usize;
        if have < args.articles {
            let seeds = crate::read(&args.paths, &Common::quiet_default())?.articles;
            let corpus = synthetic_corpus(&seeds, args.articles, 5, 1);
            let t = Instant::now();
            for batch in corpus[have..].chunks(5000) {
                store.add_articles(batch.to_vec())?;
            }
            println!(
                "stored {} articles in {:.1} s",
                args.articles - have,
                t.elapsed().as_secs_f64()
            );
        }
        if store.pending()? > 0 {
            let t = Instant::now();
            let slice = args.analysis_slice;
            store.refresh(|all| {
                if slice == 0 {
                    corroborate_engine::run(all, &config, &|_| {}).map(|a| a.dossier)
                } else {
                    analyse_in_slices(all, slice, &config)
                }
            })?;
            println!(
                "analysed {} articles in {:.1} s",
                store.health()?.articles,
                t.elapsed().as_secs_f64()
            );
        }
        let h = store.health()?;
        println!(
            "database: {} articles, {} stories, {} facts, {:.1} MB",
            h.articles,
            h.stories,
            h.facts,
            std::fs::metadata(&args.db).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
        );
    }
    let story_ids: Vec<String> = {
        let store = Store::open_read_only(&args.db)?;
        let mut ids = Vec::new();
        let mut page = 1;
        loop {
            let p = store.stories(None, page, 100)?;
            if p.stories.is_empty() {
                break;
            }
            ids.extend(p.stories.into_iter().map(|s| s.id));
            page += 1;
        }
        ids
    };
    if story_ids.is_empty() {
        bail!("the database holds no stories");
    }
    let state = corroborate_server::AppState::open(
        &args.db,
        config,
        corroborate_server::ServerConfig::default(),
    )?;
    let runtime = tokio::runtime::Runtime::new()?;
    let (addr, server) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let app = corroborate_server::router(state);
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        Ok::<_, anyhow::Error>((addr, server))
    })?;
    // The clients are plain threads with blocking sockets so that the load generator does
    // not share the server's runtime.
    let per_client = args.requests.div_ceil(args.connections.max(1));
    // A writer stores new articles throughout (without re-analysing), so readers are
    // measured while ingest writes.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let db = args.db.clone();
        let seeds = crate::read(&args.paths, &Common::quiet_default())?.articles;
        std::thread::spawn(move || -> Result<usize> {
            let mut store = Store::open(&db)?;
            let mut written = 0;
            let mut round = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                round += 1;
                let mut batch = synthetic_corpus(&seeds, 50, 5, 1_000_000 + round);
                for a in &mut batch {
                    a.id = format!("w{round}-{}", a.id);
                }
                written += store.add_articles(batch)?.stored.len();
            }
            Ok(written)
        })
    };
    let started = Instant::now();
    let handles: Vec<_> = (0..args.connections.max(1))
        .map(|c| {
            let ids = story_ids.clone();
            std::thread::spawn(move || -> Result<Vec<Duration>> {
                let mut rng = Rng::new(c as u64 + 7);
                let mut client = HttpClient::connect(addr)?;
                let mut latencies = Vec::with_capacity(per_client);
                for _ in 0..per_client {
                    let id = &ids[rng.below(ids.len())];
                    let t = Instant::now();
                    let status = client.get(&format!("/api/stories/{id}"))?;
                    latencies.push(t.elapsed());
                    if status != 200 {
                        bail!("GET /api/stories/{id} returned {status}");
                    }
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for h in handles {
        match h.join() {
            Ok(r) => all.extend(r?),
            Err(_) => bail!("a client thread panicked"),
        }
    }
    let wall = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = match writer.join() {
        Ok(r) => r?,
        Err(_) => bail!("the writer thread panicked"),
    };
    server.abort();
    println!("concurrent writer stored {written} articles during the run");
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1];
    println!(
        "GET /api/stories/{{id}}: {} requests, {} connections, {} stories, {:.1} s, {:.0} requests/s",
        all.len(),
        args.connections,
        story_ids.len(),
        wall.as_secs_f64(),
        all.len() as f64 / wall.as_secs_f64()
    );
    println!(
        "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.90).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        pct(1.0).as_secs_f64() * 1e3
    );
    Ok(ExitCode::SUCCESS)
}

/// One engine run per slice of `slice` articles (rounded to whole synthetic stories of
/// five), merged: articles, copies, stories and facts concatenated in order, entities kept
/// once per id.
fn analyse_in_slices(
    all: Vec<Article>,
    slice: usize,
    config: &Config,
) -> Result<corroborate_model::Dossier, corroborate_engine::EngineError> {
    let slice = slice.div_ceil(5).max(1) * 5;
    let mut merged = corroborate_model::Dossier {
        schema_version: corroborate_model::SCHEMA_VERSION,
        articles: Vec::new(),
        copies: Vec::new(),
        stories: Vec::new(),
        entities: Vec::new(),
        facts: Vec::new(),
    };
    let mut entity_ids = std::collections::HashSet::new();
    for chunk in all.chunks(slice) {
        let d = corroborate_engine::run(chunk.to_vec(), config, &|_| {})?.dossier;
        merged.articles.extend(d.articles);
        merged.copies.extend(d.copies);
        merged.stories.extend(d.stories);
        merged.facts.extend(d.facts);
        for e in d.entities {
            if entity_ids.insert(e.id.clone()) {
                merged.entities.push(e);
            }
        }
    }
    Ok(merged)
}

/// A minimal HTTP/1.1 keep-alive client for the load test: GET only, `Content-Length`
/// bodies (what the server sends for stored JSON).
struct HttpClient {
    stream: std::io::BufReader<std::net::TcpStream>,
    addr: SocketAddr,
}

impl HttpClient {
    fn connect(addr: SocketAddr) -> Result<HttpClient> {
        let stream = std::net::TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        Ok(HttpClient {
            stream: std::io::BufReader::new(stream),
            addr,
        })
    }

    fn get(&mut self, path: &str) -> Result<u16> {
        use std::io::{BufRead, Read};
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr);
        self.stream.get_mut().write_all(request.as_bytes())?;
        let mut line = String::new();
        self.stream.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let mut length = 0usize;
        loop {
            line.clear();
            self.stream.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().context("bad content-length")?;
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body)?;
        Ok(status)
    }
}
