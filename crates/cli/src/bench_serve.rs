//! `bench-serve`: a load test of the API on a synthetic database, through the server
//! crate's own server and client.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use corroborate_engine::Config;
use corroborate_store::Store;

use crate::synth::{synthetic_corpus, Rng};
use crate::Common;

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
    /// Requests per second each connection sends (paced, open loop); 0 sends each request
    /// as soon as the last one is answered.
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// Clients that POST new articles through the API throughout, each as soon as its
    /// last write was answered (after a 503 `writes_busy`, after its `Retry-After`
    /// capped at 1 s). Without them, an ingest writes to the store directly throughout
    /// (storing, not re-analysing).
    #[arg(long, default_value_t = 0)]
    writers: usize,
    /// Articles per synthetic story when the database is built (a story page's size).
    #[arg(long, default_value_t = 5)]
    story_size: usize,
    /// What the readers ask for: `api` (a story's dossier JSON, `/api/stories/{id}`),
    /// `page` (its HTML story page, `/stories/{id}`) or `list` (the story list, `/`).
    #[arg(long, value_enum, default_value_t = Route::Api)]
    route: Route,
}

/// The route [`bench_serve`]'s readers request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Route {
    Api,
    Page,
    List,
}

impl Route {
    fn path(self, story: &str) -> String {
        match self {
            Route::Api => format!("/api/stories/{story}"),
            Route::Page => format!("/stories/{story}"),
            Route::List => "/".to_string(),
        }
    }
}

/// `bench-serve`: builds a synthetic database of `--articles` articles (once), serves it on
/// a loopback port, and has `--connections` clients with keep-alive connections each send
/// `GET /api/stories/{id}` (or the story's page, or the list: `--route`) for random
/// stories, one request at a time, while an ingest writes; prints latency percentiles.
pub fn bench_serve(args: &BenchServeArgs) -> Result<ExitCode> {
    let config = Config::default();
    {
        let mut store = Store::open(&args.db)?;
        let have = store.health()?.articles as usize;
        if have < args.articles {
            let seeds = crate::read(&args.paths, &Common::quiet_default())?.articles;
            let corpus = synthetic_corpus(&seeds, args.articles, args.story_size.max(1), 1);
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
                    // whole synthetic stories, which then never span slices
                    let size = args.story_size.max(1);
                    let slice = slice.div_ceil(size).max(1) * size;
                    corroborate_engine::merge::run_in_slices(&all, slice, &config)
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
            let p = store.stories(&corroborate_store::StoryFilter::default(), page, 100)?;
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
    let server = corroborate_server::spawn(([127, 0, 0, 1], 0).into(), state)?;
    let addr = server.addr();
    // The clients are plain threads with blocking connections so that the load generator
    // does not share the server's runtime.
    let per_client = args.requests.div_ceil(args.connections.max(1));
    // Readers are measured while something writes: the HTTP writers when asked for, else
    // an ingest storing new articles throughout (without re-analysing).

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let db = args.db.clone();
        let seeds = crate::read(&args.paths, &Common::quiet_default())?.articles;
        let direct = args.writers == 0;
        std::thread::spawn(move || -> Result<usize> {
            let mut store = Store::open(&db)?;
            let mut written = 0;
            let mut round = 0u64;
            while direct && !stop.load(std::sync::atomic::Ordering::Relaxed) {
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
    let http_writers = spawn_http_writers(args, addr, stop.clone())?;
    let started = Instant::now();
    let interval = (args.rate > 0.0).then(|| Duration::from_secs_f64(1.0 / args.rate));
    let handles: Vec<_> = (0..args.connections.max(1))
        .map(|c| {
            let ids = story_ids.clone();
            let route = args.route;
            std::thread::spawn(move || -> Result<Vec<(Duration, Duration)>> {
                let mut rng = Rng::new(c as u64 + 7);
                let client = corroborate_server::client::Client::new(addr);
                let mut latencies = Vec::with_capacity(per_client);
                // paced clients start spread over one interval, not all at once
                let mut next = started
                    + interval.map_or(Duration::ZERO, |i| {
                        i.mul_f64(rng.below(1000) as f64 / 1000.0)
                    });
                for _ in 0..per_client {
                    if let Some(wait) = next.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let id = &ids[rng.below(ids.len())];
                    let t = Instant::now();
                    let path = route.path(id);
                    let (status, _) = client.get(&path)?;
                    latencies.push((t - started, t.elapsed()));
                    if status != 200 {
                        bail!("GET {path} returned {status}");
                    }
                    next += interval.unwrap_or(Duration::ZERO);
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut timed = Vec::new();
    for h in handles {
        match h.join() {
            Ok(r) => timed.extend(r?),
            Err(_) => bail!("a client thread panicked"),
        }
    }
    let wall = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = match writer.join() {
        Ok(r) => r?,
        Err(_) => bail!("the writer thread panicked"),
    };
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for h in http_writers {
        match h.join() {
            Ok(r) => {
                for (status, n) in r? {
                    *statuses.entry(status).or_default() += n;
                }
            }
            Err(_) => bail!("a writer client thread panicked"),
        }
    }
    server.stop();
    if args.writers == 0 {
        println!("concurrent writer stored {written} articles during the run");
    } else {
        let answers: Vec<String> = statuses.iter().map(|(s, n)| format!("{n} × {s}")).collect();
        println!(
            "{} HTTP writers, POST /api/articles answers: {}",
            args.writers,
            answers.join(", ")
        );
    }
    print_windows(&timed);
    let mut all: Vec<Duration> = timed.iter().map(|(_, d)| *d).collect();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1];
    println!(
        "GET {}: {} requests, {} connections, {} stories, {:.1} s, {:.0} requests/s",
        args.route.path("{id}"),
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

/// A writer client's thread; it returns how many answers of each status it got.
type WriterThread = std::thread::JoinHandle<Result<Vec<(u16, usize)>>>;

/// `--writers` clients, each POSTing a new synthetic article through the API until `stop`;
/// each returns how many answers of each status it got.
fn spawn_http_writers(
    args: &BenchServeArgs,
    addr: std::net::SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Result<Vec<WriterThread>> {
    if args.writers == 0 {
        return Ok(Vec::new());
    }
    let seeds = crate::read(&args.paths, &Common::quiet_default())?.articles;
    Ok((0..args.writers)
        .map(|w| {
            let stop = stop.clone();
            let seeds = seeds.clone();
            std::thread::spawn(move || -> Result<Vec<(u16, usize)>> {
                let client = corroborate_server::client::Client::new(addr);
                let mut counts = std::collections::BTreeMap::<u16, usize>::new();
                let mut round = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    round += 1;
                    let article =
                        &synthetic_corpus(&seeds, 1, 1, 2_000_000 + w as u64 * 100_000 + round)[0];
                    let body = serde_json::json!({
                        "id": format!("http{w}-{round}"),
                        "title": article.title,
                        "text": article.text,
                        "url": article.url,
                        "outlet": article.outlet,
                    });
                    let (status, _) = client.post_json("/api/articles", &body.to_string())?;
                    *counts.entry(status).or_default() += 1;
                    if status == 503 {
                        std::thread::sleep(Duration::from_secs(1));
                    }
                }
                Ok(counts.into_iter().collect())
            })
        })
        .collect())
}

/// Read latency per 5-second window of the run: each window's p99, and the worst.
fn print_windows(timed: &[(Duration, Duration)]) {
    const WINDOW: Duration = Duration::from_secs(5);
    let mut windows = std::collections::BTreeMap::<u64, Vec<Duration>>::new();
    for (at, took) in timed {
        windows
            .entry((at.as_secs_f64() / WINDOW.as_secs_f64()) as u64)
            .or_default()
            .push(*took);
    }
    let p99s: Vec<(u64, usize, f64)> = windows
        .into_iter()
        .map(|(w, mut d)| {
            d.sort();
            let i = ((d.len() as f64 * 0.99).ceil() as usize).clamp(1, d.len()) - 1;
            (w, d.len(), d[i].as_secs_f64() * 1e3)
        })
        .collect();
    let shown: Vec<String> = p99s
        .iter()
        .map(|(w, n, p)| format!("{}-{} s: {p:.1} ({n})", w * 5, w * 5 + 5))
        .collect();
    println!("p99 ms per 5 s window (requests): {}", shown.join("; "));
    if let Some(worst) = p99s.iter().map(|(_, _, p)| *p).reduce(f64::max) {
        println!("worst window p99 ms: {worst:.2}");
    }
}
