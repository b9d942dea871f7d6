//! Embedding throughput of all-MiniLM-L6-v2 on the CPU: short sentences and article-length
//! texts (cut at 256 tokens), in batches of `corroborate_embed::BATCH`. Needs the model in
//! `models/all-MiniLM-L6-v2` (`scripts/fetch-minilm.sh`); without it the bench says so and
//! measures nothing.

use std::path::PathBuf;

use corroborate_embed::{article_text, Embedder, BATCH};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn bench(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models/all-MiniLM-L6-v2");
    let embedder = match Embedder::load(&dir) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("embed bench skipped: {e}");
            return;
        }
    };
    let sentence =
        "Syria has thwarted two Islamic State plots to assassinate its president, officials said.";
    let body =
        "Two senior officials revealed that the Syrian authorities thwarted two separate plots \
                by the terrorist organization to assassinate the president, according to a report \
                published on Monday, which cited security sources in Damascus. "
            .repeat(12);
    let article = article_text(Some("Syria foils plots on president's life"), &body, 2048);
    let mut group = c.benchmark_group("embed");
    group.sample_size(10);
    for (name, text) in [
        ("sentence", sentence),
        ("article_256_tokens", article.as_str()),
    ] {
        let batch: Vec<&str> = vec![text; BATCH];
        group.throughput(Throughput::Elements(BATCH as u64));
        group.bench_function(name, |b| b.iter(|| embedder.embed(&batch).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
