//! Criterion benches for every stage and the whole pipeline, on a corpus built from the
//! example articles: each article repeated with its sentences rotated and its id changed,
//! so stories, copies and facts all have work to do. `corroborate bench PATH` measures
//! real corpora from the command line.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use corroborate_engine::doc::{analyze, Doc};
use corroborate_engine::{claims, cluster, dedupe, entities, Config};
use corroborate_model::Article;

fn corpus(copies: usize) -> Vec<Article> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/syria-2025-11");
    let seeds =
        corroborate_ingest::read_paths(&[dir.into()], &corroborate_ingest::Limits::default())
            .articles;
    let mut out = Vec::new();
    for k in 0..copies {
        for a in &seeds {
            let mut lines: Vec<&str> = a.text.lines().filter(|l| !l.trim().is_empty()).collect();
            let n = lines.len();
            lines.rotate_left(k % n.max(1));
            let mut b = a.clone();
            b.id = format!("{}-{k}", a.id);
            b.text = lines.join("\n\n");
            out.push(b);
        }
    }
    out
}

fn stages(c: &mut Criterion) {
    let articles = corpus(40);
    let cfg = Config::default();
    let docs: Vec<Doc> = articles.iter().cloned().map(analyze).collect();
    let ents = entities::resolve(&docs);
    let stories = cluster::cluster(&docs, &ents, &cfg.cluster).stories;
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Elements(articles.len() as u64));
    g.sample_size(10);
    g.bench_function("analyze", |b| {
        b.iter(|| articles.iter().cloned().map(analyze).count())
    });
    g.bench_function("dedupe", |b| {
        b.iter(|| dedupe::find_copies(&docs, &cfg.dedupe))
    });
    g.bench_function("entities", |b| b.iter(|| entities::resolve(&docs)));
    g.bench_function("cluster", |b| {
        b.iter(|| cluster::cluster(&docs, &ents, &cfg.cluster))
    });
    g.bench_function("claims", |b| {
        // as the pipeline does: every story's claims, the run's term counts, then alignment
        b.iter(|| {
            let extracted: Vec<Vec<claims::Claim>> = stories
                .iter()
                .map(|members| {
                    members
                        .iter()
                        .flat_map(|&d| claims::extract(d, &docs[d], &ents, &cfg.claims))
                        .collect()
                })
                .collect();
            let run = claims::TermFrequencies::of(extracted.iter().map(Vec::as_slice));
            extracted
                .iter()
                .map(|cl| claims::align(cl, &run, &cfg.claims).len())
                .sum::<usize>()
        })
    });
    g.bench_function("pipeline", |b| {
        b.iter(|| corroborate_engine::run(articles.clone(), &cfg, &|_| {}).unwrap())
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
