//! Embedding throughput of all-MiniLM-L6-v2 on the CPU: short sentences, the text
//! clustering embeds per article (title and 600 bytes of body, about 130 tokens) and the
//! model's whole 256-token window, in batches of `corroborate_embed::BATCH` (and, for the
//! clustering text, of 1 and 32 to show what batching buys). Needs the model in
//! `models/all-MiniLM-L6-v2` (`scripts/fetch-minilm.sh`); without it the bench says so and
//! measures nothing.

use std::path::PathBuf;

use corroborate_embed::{article_text, Embedder, ARTICLE_BODY_BYTES, BATCH};
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
    let title = Some("Syria foils plots on president's life");
    let lead = article_text(title, &body, ARTICLE_BODY_BYTES);
    let window = article_text(title, &body, 4096);
    let mut group = c.benchmark_group("embed");
    group.sample_size(10);
    let cases = [
        ("sentence", sentence, BATCH),
        ("article_lead_batch_1", lead.as_str(), 1),
        ("article_lead", lead.as_str(), BATCH),
        ("article_lead_batch_32", lead.as_str(), 32),
        ("article_256_tokens", window.as_str(), BATCH),
    ];
    for (name, text, size) in cases {
        let batch: Vec<&str> = vec![text; size];
        group.throughput(Throughput::Elements(size as u64));
        group.bench_function(name, |b| b.iter(|| embedder.embed(&batch).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
