//! Store throughput: storing articles (one transaction per batch, content hash checks and
//! full-text indexing included) and reading a story's stored dossier by id, the work behind
//! `GET /api/stories/{id}`.

use corroborate_model::{Article, Dossier, Story, SCHEMA_VERSION};
use corroborate_store::Store;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn articles(n: usize, tag: &str) -> Vec<Article> {
    (0..n)
        .map(|i| {
            Article::new(
                format!("{tag}-{i}"),
                "bench",
                format!("Article {i} of {tag}: officials said forces carried out {i} raids in the north, arresting {} people.", i * 3),
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("store");
    group.throughput(Throughput::Elements(500));
    let mut round = 0;
    group.bench_function("add_articles/500", |b| {
        let mut store = Store::open_in_memory().unwrap();
        b.iter(|| {
            round += 1;
            store
                .add_articles(articles(500, &format!("r{round}")))
                .unwrap()
        })
    });
    group.finish();

    let mut store = Store::open_in_memory().unwrap();
    let stored = articles(5000, "s");
    store.add_articles(stored.clone()).unwrap();
    let stories: Vec<Story> = stored
        .chunks(5)
        .enumerate()
        .map(|(i, chunk)| Story {
            id: format!("s-{i:012x}"),
            title: format!("Story {i}"),
            articles: chunk.iter().map(|a| a.id.clone()).collect(),
            brief: String::new(),
            timeline: vec![],
            merged: vec![],
            events: vec![],
        })
        .collect();
    let dossier = Dossier {
        schema_version: SCHEMA_VERSION,
        articles: stored,
        copies: vec![],
        stories,
        entities: vec![],
        facts: vec![],
    };
    store.replace_analysis(&dossier, 5000).unwrap();
    let mut i = 0usize;
    c.bench_function("store/story_json", |b| {
        b.iter(|| {
            i = (i + 7919) % 1000;
            store.story_json(&format!("s-{i:012x}")).unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
