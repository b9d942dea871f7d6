//! `bench --stage fetch`: fetch + extract + store against a loopback server (network time
//! left out as far as loopback allows), pages/s.

use std::time::Instant;

use anyhow::{bail, Result};
use corroborate_fetch::local::{Reply, Request, Server};
use corroborate_fetch::{FetchConfig, Fetcher};
use corroborate_model::Article;
use corroborate_report::html::escape;
use corroborate_store::Store;

use crate::synth::synthetic_corpus;

/// An article as a news page.
fn page(a: &Article) -> String {
    let title = escape(a.title.as_deref().unwrap_or("Untitled"));
    let paras: String = a
        .text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>\n", escape(p.trim())))
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><main><article><h1>{title}</h1>{paras}</article></main><footer>© Fixture News</footer></body></html>"
    )
}

/// Serves `pages` synthetic pages made from `seeds` behind a sitemap, then times one
/// `Fetcher::articles` of the sitemap (every page fetched, extracted) and storing the
/// articles in a fresh database, `repeat` times; prints the best.
pub fn run(seeds: &[Article], pages: usize, repeat: usize, threads: usize) -> Result<()> {
    if seeds.is_empty() {
        bail!("no seed articles");
    }
    let corpus = synthetic_corpus(seeds, pages, 5, 1);
    let bodies: Vec<String> = corpus.iter().map(page).collect();
    let n = bodies.len();
    let server = Server::start(move |r: &Request| {
        if r.path == "/sitemap.xml" {
            let host = r.header("host").unwrap_or("");
            let locs: String = (0..n)
                .map(|i| format!("<url><loc>http://{host}/p/{i}.html</loc></url>"))
                .collect();
            return Reply::new(200, "application/xml", format!("<urlset>{locs}</urlset>"));
        }
        match r
            .path
            .strip_prefix("/p/")
            .and_then(|p| p.strip_suffix(".html"))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| bodies.get(i))
        {
            Some(body) => Reply::new(200, "text/html; charset=utf-8", body.clone()),
            None => Reply::new(404, "text/plain", "not found"),
        }
    })?;
    let fetcher = Fetcher::new(FetchConfig {
        host_interval_ms: 0,
        host_concurrency: threads,
        threads,
        obey_robots: false,
        ..FetchConfig::default()
    });
    let limits = corroborate_ingest::Limits::default();
    let dir = std::env::temp_dir().join(format!("corroborate-fetch-bench-{}", std::process::id()));
    let mut best = f64::MAX;
    let mut stored = 0;
    for _ in 0..repeat.max(1) {
        let _ = std::fs::remove_dir_all(&dir);
        let mut store = Store::open(&dir.join("bench.db"))?;
        let t = Instant::now();
        let got = fetcher.articles(&server.url("/sitemap.xml"), &limits, None, &|_| false);
        let articles: Vec<Article> = got.records.iter().map(|(id, e)| e.to_article(id)).collect();
        stored = store.add_articles(articles)?.stored.len();
        best = best.min(t.elapsed().as_secs_f64());
        if let Some(d) = got.diagnostics.first() {
            bail!("the benchmark's own server failed: {d}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "fetch + extract + store: {n} pages over loopback, {threads} threads: {best:.2} s, {:.0} pages/s ({stored} stored)",
        n as f64 / best
    );
    Ok(())
}
