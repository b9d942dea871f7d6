//! Criterion benches for extraction: one synthetic news page (body, chrome, JSON-LD),
//! the RSS fixture, and, when the shared development pages are present beside the
//! repository, all of them. `corroborate bench --stage extract DIR` gives pages/s on
//! real pages from the command line.

use std::io::Read;
use std::path::Path;

use corroborate_ingest::{extract_html, extract_paths, Limits};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn synthetic_page(paragraphs: usize) -> String {
    let body: String = (0..paragraphs)
        .map(|i| format!("<p>Paragraph {i}: officials said on Monday that the coalition against the Islamic State group had grown, and that talks would continue in Washington next week.</p>"))
        .collect();
    let links: String = (0..30)
        .map(|i| format!("<li><a href=\"/s/{i}\">Story number {i}</a></li>"))
        .collect();
    format!(
        r#"<!doctype html><html lang="en"><head><title>Coalition grows</title>
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Coalition grows","datePublished":"2025-11-11T08:00:00Z","author":{{"name":"Jane Roe"}}}}</script>
<meta property="og:site_name" content="Example"></head><body><nav><ul>{links}</ul></nav>
<article><h1>Coalition grows</h1><div class="byline">By Jane Roe</div>{body}
<ul class="related">{links}</ul></article><footer>© Example</footer></body></html>"#
    )
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("extract");
    let page = synthetic_page(20);
    g.throughput(Throughput::Elements(1));
    g.bench_function("html_page", |b| {
        b.iter(|| extract_html(page.as_bytes(), None).unwrap())
    });

    let rss = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire.rss");
    g.bench_function("rss_feed", |b| {
        b.iter(|| {
            let mut n = 0;
            extract_paths(std::slice::from_ref(&rss), &Limits::default(), &mut |_| {
                n += 1
            });
            n
        })
    });

    let dev =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction-dev/html");
    if let Ok(entries) = std::fs::read_dir(&dev) {
        let pages: Vec<Vec<u8>> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let raw = std::fs::read(e.path()).ok()?;
                let mut html = Vec::new();
                flate2::read::GzDecoder::new(&raw[..])
                    .read_to_end(&mut html)
                    .ok()?;
                Some(html)
            })
            .collect();
        g.throughput(Throughput::Elements(pages.len() as u64));
        g.sample_size(10);
        g.bench_function("extraction_dev_pages", |b| {
            b.iter(|| {
                pages
                    .iter()
                    .filter(|p| extract_html(p, None).is_ok())
                    .count()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
