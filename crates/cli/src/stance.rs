//! `check`, `stance` and `train-stance`: the stance of articles toward a claim.

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use corroborate_engine::stances::toward_claim;
use corroborate_ingest::{read_paths, Limits};
use corroborate_report::check::{checked_to_json, checked_to_markdown, CheckedArticle, Deciding};
use corroborate_stance::{cross_validate, train, Stance, StanceModel, TrainConfig, TrainingPair};
use rayon::prelude::*;

use crate::Format;

/// The embedded model, or the weights in `path` (written by `train-stance --out`).
fn model(path: Option<&Path>) -> Result<StanceModel> {
    match path {
        None => StanceModel::load_default().context("cannot load the stance model"),
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            StanceModel::from_bytes(&bytes).with_context(|| format!("{}", p.display()))
        }
    }
}

/// `corroborate check CLAIM PATHS...`: the stance of every article toward the claim.
pub fn check(
    claim: &str,
    paths: &[PathBuf],
    format: Format,
    limits: &Limits,
    weights: Option<&Path>,
) -> Result<ExitCode> {
    let model = model(weights)?;
    let outcome = read_paths(paths, limits);
    for d in &outcome.diagnostics {
        eprintln!("{d}");
    }
    if outcome.articles.is_empty() {
        bail!("no readable article in the given paths (see the errors above)");
    }
    let articles = &outcome.articles;
    let stances = toward_claim(&model, claim, articles, &Default::default());
    let checked: Vec<CheckedArticle> = articles
        .iter()
        .zip(&stances)
        .enumerate()
        .map(|(i, (a, s))| {
            let p = &s.own;
            let spoken = &stances[s.speaker].own;
            CheckedArticle {
                article: &a.id,
                stance: spoken.stance.name(),
                confidence: spoken.confidence,
                copy_of: s.copy_of.map(|o| articles[o].id.as_str()),
                own_stance: (s.speaker != i && spoken.stance != p.stance).then(|| p.stance.name()),
                probabilities: Stance::ALL
                    .iter()
                    .zip(p.probabilities)
                    .map(|(s, q)| (s.name(), q))
                    .collect(),
                deciding: p
                    .deciding
                    .iter()
                    .map(|d| Deciding {
                        quote: &a.text[d.start..d.end],
                        start: d.start,
                        end: d.end,
                        similarity: d.similarity,
                    })
                    .collect(),
            }
        })
        .collect();
    let out = match format {
        Format::Json => checked_to_json(&checked),
        Format::Markdown => checked_to_markdown(claim, &checked),
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .context("cannot write to stdout")?;
    Ok(if outcome.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(serde::Deserialize)]
struct PairLine {
    id: serde_json::Value,
    claim: String,
    article: serde_json::Value,
}

fn id_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `corroborate stance --articles A --pairs P`: one JSON line per pair on stdout.
pub fn stance(
    articles: &Path,
    pairs: &Path,
    limits: &Limits,
    weights: Option<&Path>,
) -> Result<ExitCode> {
    let model = model(weights)?;
    let outcome = read_paths(&[articles.to_path_buf()], limits);
    for d in &outcome.diagnostics {
        eprintln!("{d}");
    }
    let mut failed = outcome.failed();
    let index: HashMap<&str, usize> = outcome
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let text = std::fs::read_to_string(pairs)
        .with_context(|| format!("cannot read {}", pairs.display()))?;
    let mut jobs: Vec<(serde_json::Value, String, usize)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let where_ = format!("{}#{}", pairs.display(), n + 1);
        match serde_json::from_str::<PairLine>(line) {
            Ok(p) => match index.get(id_string(&p.article).as_str()) {
                Some(&a) => jobs.push((p.id, p.claim, a)),
                None => {
                    eprintln!(
                        "error: {where_}: article {} is not in {}",
                        id_string(&p.article),
                        articles.display()
                    );
                    failed += 1;
                }
            },
            Err(e) => {
                eprintln!("error: {where_}: not a pair {{\"id\",\"claim\",\"article\"}}: {e}");
                failed += 1;
            }
        }
    }
    // Analyse each article once, only those some pair names.
    let mut needed = vec![false; outcome.articles.len()];
    for j in &jobs {
        needed[j.2] = true;
    }
    let analysed: Vec<Option<_>> = outcome
        .articles
        .par_iter()
        .zip(&needed)
        .map(|(a, &n)| n.then(|| model.analyze_article(&a.text)))
        .collect();
    let lines: Vec<String> = jobs
        .par_iter()
        .map(|(id, claim, a)| {
            let features = analysed[*a].as_ref().expect("analysed above");
            let p = model.predict_analyzed(claim, features);
            serde_json::json!({"id": id, "stance": p.stance.name(), "confidence": round(p.confidence)})
                .to_string()
        })
        .collect();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for l in &lines {
        writeln!(out, "{l}").context("cannot write to stdout")?;
    }
    out.flush().context("cannot write to stdout")?;
    if failed > 0 {
        eprintln!(
            "{failed} input(s) could not be used; the other {} pairs were written.",
            lines.len()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn round(x: f32) -> f64 {
    (x as f64 * 10000.0).round() / 10000.0
}

fn read_csv(path: &Path) -> Result<Vec<csv::StringRecord>> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut rows = Vec::new();
    for (n, rec) in r.records().enumerate() {
        rows.push(
            rec.with_context(|| format!("{}: row {} is not valid CSV", path.display(), n + 2))?,
        );
    }
    Ok(rows)
}

/// `corroborate train-stance`: trains on FNC-1 CSVs, optionally writes out-of-fold
/// predictions of a grouped cross-validation, and writes the weights.
pub fn train_stance(
    bodies: &Path,
    stances: &Path,
    out: Option<&Path>,
    folds: usize,
    cv_out: Option<&Path>,
    config: Option<&Path>,
) -> Result<ExitCode> {
    let config: TrainConfig = match config {
        Some(p) => {
            let t = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            serde_json::from_str(&t)
                .with_context(|| format!("invalid training config {}", p.display()))?
        }
        None => TrainConfig::default(),
    };
    let started = Instant::now();
    // Bodies go through the same reader as `stance --articles`, so the text is cleaned
    // identically in training and in use.
    let body_rows = read_csv(bodies)?;
    let json: Vec<serde_json::Value> = body_rows
        .iter()
        .filter(|r| r.len() >= 2)
        .map(|r| serde_json::json!({"id": r[0].to_string(), "text": r[1].to_string()}))
        .collect();
    let read = corroborate_ingest::read_json_str(
        &serde_json::Value::Array(json).to_string(),
        &bodies.display().to_string(),
    );
    for d in &read.diagnostics {
        eprintln!("{d}");
    }
    let index: HashMap<&str, usize> = read
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let texts: Vec<&str> = read.articles.iter().map(|a| a.text.as_str()).collect();
    let stance_rows = read_csv(stances)?;
    let mut pairs = Vec::new();
    let mut ids = Vec::new();
    for (n, r) in stance_rows.iter().enumerate() {
        let (Some(claim), Some(body), Some(label)) = (r.get(0), r.get(1), r.get(2)) else {
            eprintln!(
                "error: {}: row {} has fewer than 3 fields",
                stances.display(),
                n + 2
            );
            continue;
        };
        let (Some(&article), Some(stance)) = (index.get(body), Stance::parse(label)) else {
            eprintln!(
                "error: {}: row {}: unknown body {body:?} or stance {label:?}",
                stances.display(),
                n + 2
            );
            continue;
        };
        pairs.push(TrainingPair {
            claim,
            article,
            stance,
        });
        ids.push(n);
    }
    eprintln!(
        "read {} articles and {} pairs in {:.1} s",
        texts.len(),
        pairs.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(cv_out) = cv_out {
        let t = Instant::now();
        let oof = cross_validate(&texts, &pairs, folds, &config)?;
        let mut w = BufWriter::new(
            std::fs::File::create(cv_out)
                .with_context(|| format!("cannot write {}", cv_out.display()))?,
        );
        for (id, p) in ids.iter().zip(&oof) {
            let probabilities: serde_json::Map<String, serde_json::Value> = Stance::ALL
                .iter()
                .zip(p.probabilities)
                .map(|(s, q)| (s.name().to_string(), round(q).into()))
                .collect();
            writeln!(
                w,
                "{}",
                serde_json::json!({"id": id.to_string(), "stance": p.stance.name(), "confidence": round(p.confidence), "probabilities": probabilities})
            )?;
        }
        w.flush()?;
        eprintln!(
            "{folds}-fold cross-validation grouped by story: {:.1} s, out-of-fold predictions in {}",
            t.elapsed().as_secs_f64(),
            cv_out.display()
        );
    }
    if let Some(out) = out {
        let t = Instant::now();
        let model = train(&texts, &pairs, &config)?;
        let bytes = model.to_bytes();
        std::fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
        eprintln!(
            "trained on {} pairs in {:.1} s; {} bytes of weights in {}",
            pairs.len(),
            t.elapsed().as_secs_f64(),
            bytes.len(),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
