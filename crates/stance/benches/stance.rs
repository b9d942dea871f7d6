//! Criterion benches for the stance model on the example articles: analysing an article,
//! and predicting one claim against an analysed article. `corroborate stance` on FNC-1
//! measures whole-process throughput (see the README).

use corroborate_stance::StanceModel;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn articles() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/syria-2025-11");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    let model = StanceModel::load_default().expect("embedded weights");
    let texts = articles();
    let claim = "Syria joined the US-led coalition against IS";
    let mut g = c.benchmark_group("stance");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("analyze_article", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| model.analyze_article(t))
                .collect::<Vec<_>>()
        })
    });
    let analysed: Vec<_> = texts.iter().map(|t| model.analyze_article(t)).collect();
    g.bench_function("predict_analyzed", |b| {
        b.iter(|| {
            analysed
                .iter()
                .map(|a| model.predict_analyzed(claim, a).stance)
                .collect::<Vec<_>>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
