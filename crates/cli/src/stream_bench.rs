//! `corroborate bench --stage cluster --synthetic N`: story assignment over a long
//! synthetic stream, to show per-article cost and memory stay flat as the stream grows.
//!
//! The stream is made from the given articles: each synthetic article is a real one with
//! sentences dropped and reordered and words swapped for other words of the corpus, dated
//! in order over one year. Articles are generated and analysed a batch of 1,000 at a time,
//! then assigned (the assignment figure is on pre-extracted terms) and dropped, so memory
//! growth is the clusterer's own.

use std::time::{Duration, Instant};

use corroborate_engine::cluster::{term_counts, Interner, StoryStream};
use corroborate_engine::config::{ClusterConfig, IdfSource};
use corroborate_engine::doc::analyze;
use corroborate_model::Article;
use corroborate_text::dates::DateValue;

/// The fixed-seed generator, so every run sees the same stream.
type Rng = corroborate_model::SplitMix64;

/// A size line of `/proc/self/status` (`VmRSS:`, `VmHWM:` for the peak), in bytes.
pub fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn rss_bytes() -> Option<u64> {
    status_bytes("VmRSS:")
}

/// CPU seconds this process has used (user + system), from /proc.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ is 100 on Linux
}

fn perturb(base: &str, vocabulary: &[&str], rng: &mut Rng) -> String {
    let mut sentences: Vec<&str> = base
        .split_inclusive(['.', '\n'])
        .filter(|s| !s.trim().is_empty())
        .collect();
    if sentences.len() > 3 {
        let keep: Vec<bool> = (0..sentences.len()).map(|_| rng.below(5) != 0).collect();
        if keep.iter().any(|k| *k) {
            let mut it = keep.iter();
            sentences.retain(|_| *it.next().unwrap_or(&true)); // drop about a fifth
        }
        for _ in 0..2 {
            let i = rng.below(sentences.len());
            let j = rng.below(sentences.len());
            sentences.swap(i, j);
        }
    }
    let mut out = String::with_capacity(base.len());
    for s in sentences {
        for word in s.split(' ') {
            if rng.below(30) == 0 && !vocabulary.is_empty() {
                out.push_str(vocabulary[rng.below(vocabulary.len())]);
            } else {
                out.push_str(word);
            }
            out.push(' ');
        }
    }
    out
}

/// Articles analysed, then assigned, at a time.
const BATCH: usize = 1_000;

/// Runs the stream and prints one line per checkpoint.
pub fn run(bases: &[Article], total: usize, config: &ClusterConfig) {
    let cfg = ClusterConfig {
        idf: IdfSource::Stream,
        ..config.clone()
    };
    let vocabulary: Vec<&str> = bases
        .iter()
        .flat_map(|a| a.text.split_whitespace())
        .filter(|w| w.len() > 3)
        .collect();
    let mut rng = Rng::new(corroborate_model::GOLDEN_GAMMA);
    let mut stream = StoryStream::new(&cfg);
    let mut terms = Interner::default();
    let start_rss = rss_bytes().unwrap_or(0);
    let (mut t_assign, mut t_terms) = (Duration::ZERO, Duration::ZERO);
    let (mut last_assign, mut last_terms, mut last_n) = (Duration::ZERO, Duration::ZERO, 0usize);
    let mut checkpoints: Vec<usize> = [1_000, 10_000, 100_000, 1_000_000, 10_000_000]
        .into_iter()
        .filter(|&c| c < total)
        .collect();
    checkpoints.push(total);
    println!(
        "synthetic stream from {} base articles, {total} articles, stream IDF",
        bases.len()
    );
    println!(
        "{:>10} {:>14} {:>16} {:>10} {:>9} {:>14} {:>9}",
        "articles",
        "assign art/s",
        "analyse+assign/s",
        "CPU share",
        "stories",
        "RSS growth",
        "B/article"
    );
    let (mut last_cpu, mut last_wall) = (cpu_seconds().unwrap_or(0.0), Instant::now());
    let mut next = 0;
    let mut batch: Vec<(Vec<(u32, f32)>, DateValue)> = Vec::with_capacity(BATCH);
    let mut i = 0;
    while i < total {
        // a batch is analysed, then assigned: assignment is timed on pre-extracted terms,
        // without the analysis evicting the stream's index from the caches in between
        let end = (i + BATCH).min(checkpoints[next]);
        batch.clear();
        for k in i..end {
            let base = &bases[rng.below(bases.len())];
            let text = perturb(&base.text, &vocabulary, &mut rng);
            let day = (k as u64 * 365 / total as u64) as i64;
            let date = DateValue::ymd(2025, (day / 31 + 1).min(12) as u8, (day % 28 + 1) as u8);
            let t0 = Instant::now();
            let doc = analyze(Article::new(format!("s{k}"), "synthetic", text));
            batch.push((term_counts(&doc, &[], &cfg, &mut terms), date));
            t_terms += t0.elapsed();
        }
        let t0 = Instant::now();
        for (counts, date) in &batch {
            stream.push(counts, Some(*date));
        }
        t_assign += t0.elapsed();
        i = end;
        if i == checkpoints[next] {
            let n = i - last_n;
            let assign = (t_assign - last_assign).as_secs_f64();
            let both = assign + (t_terms - last_terms).as_secs_f64();
            let growth = rss_bytes().unwrap_or(0).saturating_sub(start_rss);
            // the share of one core this process got: figures taken on a busy machine can
            // be read against it
            let cpu = cpu_seconds().unwrap_or(0.0);
            let share = (cpu - last_cpu) / last_wall.elapsed().as_secs_f64().max(1e-9);
            (last_cpu, last_wall) = (cpu, Instant::now());
            println!(
                "{:>10} {:>14.0} {:>16.0} {:>9.0}% {:>9} {:>11.1} MB {:>9.0}",
                i,
                n as f64 / assign.max(1e-9),
                n as f64 / both.max(1e-9),
                share * 100.0,
                stream.story_count(),
                growth as f64 / 1e6,
                growth as f64 / i as f64
            );
            (last_assign, last_terms, last_n) = (t_assign, t_terms, i);
            next += 1;
        }
    }
}
