//! `synth`: a synthetic corpus made of perturbed seed articles, for tests and benchmarks;
//! [`synthetic_corpus`] is also what `bench-serve` fills its database with.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use corroborate_model::Article;

use crate::Common;

#[derive(clap::Args)]
pub struct SynthArgs {
    /// Seed articles to perturb (files or directories).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Articles to generate.
    #[arg(long, default_value_t = 1000)]
    articles: usize,
    /// Articles per synthetic story.
    #[arg(long, default_value_t = 5)]
    story_size: usize,
    /// Random seed; the same seed gives the same corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Articles per output file.
    #[arg(long, default_value_t = 1000)]
    per_file: usize,
    /// Output folder (created); files are part-NNNNN.jsonl.
    #[arg(short, long)]
    output: PathBuf,
}

/// `synth`: writes a synthetic corpus made of the seed articles perturbed, one story per
/// `story_size` articles: each story renames every capitalised word and changes the numbers
/// consistently, and each article keeps a random four fifths of its seed's paragraphs.
pub fn synth(args: &SynthArgs) -> Result<ExitCode> {
    let seeds = crate::read(&args.paths, &Common::quiet_default())?.articles;
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let corpus = synthetic_corpus(&seeds, args.articles, args.story_size.max(1), args.seed);
    for (n, chunk) in corpus.chunks(args.per_file.max(1)).enumerate() {
        let file = args.output.join(format!("part-{n:05}.jsonl"));
        let mut out = String::new();
        for a in chunk {
            let line = serde_json::json!({
                "id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published, "text": a.text,
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        std::fs::write(&file, out).with_context(|| format!("cannot write {}", file.display()))?;
    }
    eprintln!(
        "wrote {} articles to {}",
        corpus.len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The fixed PRNG, so corpora are the same on every platform and version.
pub type Rng = corroborate_model::SplitMix64;

fn pseudo_name(rng: &mut Rng) -> String {
    const ONSETS: [&str; 16] = [
        "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "kh",
    ];
    const VOWELS: [&str; 6] = ["a", "e", "i", "o", "u", "ai"];
    let syllables = 2 + rng.below(2);
    let mut name = String::new();
    for _ in 0..syllables {
        name.push_str(ONSETS[rng.below(ONSETS.len())]);
        name.push_str(VOWELS[rng.below(VOWELS.len())]);
    }
    name.push_str(ONSETS[rng.below(ONSETS.len())]);
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or(name)
}

/// See [`synth`].
pub fn synthetic_corpus(
    seeds: &[Article],
    articles: usize,
    story_size: usize,
    seed: u64,
) -> Vec<Article> {
    if seeds.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(articles);
    let mut story = 0usize;
    while out.len() < articles {
        let mut rng = Rng::new(seed ^ (story as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        let mut names = std::collections::HashMap::new();
        let digit_shift = 1 + rng.below(8) as u32;
        for j in 0..story_size.min(articles - out.len()) {
            let source = &seeds[(story + j) % seeds.len()];
            let paragraphs: Vec<&str> = source
                .text
                .split("\n\n")
                .filter(|p| !p.trim().is_empty())
                .collect();
            let kept: Vec<&str> = paragraphs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i == 0 || rng.below(5) != 0)
                .map(|(_, p)| *p)
                .collect();
            let mut text = String::new();
            for p in kept {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&perturb(p, &mut names, &mut rng, digit_shift));
            }
            let title = source
                .title
                .as_deref()
                .map(|t| perturb(t, &mut names, &mut rng, digit_shift));
            let mut a = Article::new(format!("syn-{story:06}-{j}"), "synthetic", text);
            a.title = title;
            a.outlet = Some(format!("Outlet {}", (story * 7 + j * 3) % 40));
            a.published = Some(format!("2025-{:02}-{:02}", 1 + story % 12, 1 + j % 28));
            out.push(a);
        }
        story += 1;
    }
    out
}

/// Renames capitalised words through `names` (filled as new ones are met) and shifts
/// digits, so one story's articles agree with each other and differ from other stories.
fn perturb(
    text: &str,
    names: &mut std::collections::HashMap<String, String>,
    rng: &mut Rng,
    digit_shift: u32,
) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String,
                 out: &mut String,
                 names: &mut std::collections::HashMap<String, String>,
                 rng: &mut Rng| {
        if word.is_empty() {
            return;
        }
        let capitalised = word.chars().next().is_some_and(char::is_uppercase) && word.len() > 2;
        if capitalised {
            let name = names
                .entry(word.clone())
                .or_insert_with(|| pseudo_name(rng))
                .clone();
            out.push_str(&name);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out, names, rng);
        match c.to_digit(10) {
            Some(d) => out.push(char::from_digit((d + digit_shift) % 10, 10).unwrap_or(c)),
            None => out.push(c),
        }
    }
    flush(&mut word, &mut out, names, rng);
    out
}
