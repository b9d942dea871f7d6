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
                    // whole synthetic stories of five, which then never span slices
                    let slice = slice.div_ceil(5).max(1) * 5;
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
    let server = corroborate_server::spawn(([127, 0, 0, 1], 0).into(), state)?;
    let addr = server.addr();
    // The clients are plain threads with blocking connections so that the load generator
    // does not share the server's runtime.
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
                let client = corroborate_server::client::Client::new(addr);
                let mut latencies = Vec::with_capacity(per_client);
                for _ in 0..per_client {
                    let id = &ids[rng.below(ids.len())];
                    let t = Instant::now();
                    let (status, _) = client.get(&format!("/api/stories/{id}"))?;
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
    server.stop();
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
