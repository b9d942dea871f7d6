//! Copies: exact and near duplicates and paragraph-by-paragraph rewrites.
//!
//! Candidates come from MinHash LSH over each prose sentence's term set (so a reworded
//! sentence still collides with its original), never from comparing all pairs. A candidate
//! pair is verified by aligning sentences in order: the share of one article's sentences
//! that find a counterpart, monotonically, in the other is the similarity.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use corroborate_model::{stable_hash, Copy, CopyBasis, CopyKind};

use crate::config::DedupeConfig;
use crate::doc::Doc;

const BANDS: usize = 16;
const ROWS: usize = 2;

/// Hashed term sets of the prose sentences long enough to signal copying.
fn signatures(doc: &Doc, min_terms: usize) -> Vec<Vec<u64>> {
    doc.prose()
        .map(|(_, s)| {
            let mut h: Vec<u64> = s
                .terms()
                .iter()
                .map(|t| stable_hash(t.as_bytes()))
                .collect();
            h.sort_unstable();
            h.dedup();
            h
        })
        .filter(|h| h.len() >= min_terms)
        .collect()
}

fn mix(x: u64, seed: u64) -> u64 {
    let mut z = x ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn band_keys(set: &[u64]) -> [u64; BANDS] {
    let mut keys = [0u64; BANDS];
    for (b, key) in keys.iter_mut().enumerate() {
        let mut acc = b as u64;
        for r in 0..ROWS {
            let seed = (b * ROWS + r) as u64 + 1;
            let min = set.iter().map(|&x| mix(x, seed)).min().unwrap_or(0);
            acc = mix(acc ^ min, 0x5151);
        }
        *key = acc;
    }
    keys
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        0.0
    } else {
        both as f64 / union as f64
    }
}

/// Length of the longest strictly increasing subsequence.
fn lis(xs: &[usize]) -> usize {
    let mut tails: Vec<usize> = Vec::new();
    for &x in xs {
        match tails.binary_search(&x) {
            Ok(_) => {}
            Err(p) if p == tails.len() => tails.push(x),
            Err(p) => tails[p] = x,
        }
    }
    tails.len()
}

/// How much of `a` aligns, in order, with `b`: (coverage, mean similarity of aligned).
fn alignment(a: &[Vec<u64>], b: &[Vec<u64>], threshold: f64) -> (f64, f64) {
    if a.is_empty() {
        return (0.0, 0.0);
    }
    let mut order = Vec::new();
    let mut sum = 0.0;
    for s in a {
        let best = b
            .iter()
            .enumerate()
            .map(|(j, t)| (jaccard(s, t), j))
            .fold((0.0, 0), |m, x| if x.0 > m.0 { x } else { m });
        if best.0 >= threshold {
            order.push(best.1);
            sum += best.0;
        }
    }
    let aligned = lis(&order);
    let mean = if order.is_empty() {
        0.0
    } else {
        sum / order.len() as f64
    };
    (aligned as f64 / a.len() as f64, mean)
}

fn same_name(a: &str, b: &str) -> bool {
    corroborate_text::fold::name_key(a) == corroborate_text::fold::name_key(b)
}

/// Which of the two is the copy: `(copy, original, basis)`.
fn direction(docs: &[Doc], a: usize, b: usize) -> (usize, usize, CopyBasis) {
    let (da, db) = (&docs[a], &docs[b]);
    let credits = |d: &Doc, other: &Doc| match (&d.credited_source, &other.article.outlet) {
        (Some(c), Some(o)) => same_name(c, o),
        (Some(_), None) => other.credited_source.is_none(),
        _ => false,
    };
    if credits(da, db) && !credits(db, da) {
        return (a, b, CopyBasis::Attribution);
    }
    if credits(db, da) && !credits(da, db) {
        return (b, a, CopyBasis::Attribution);
    }
    match (da.published, db.published) {
        (Some(x), Some(y)) if !x.agrees_with(&y) => {
            return if x > y {
                (a, b, CopyBasis::EarlierDate)
            } else {
                (b, a, CopyBasis::EarlierDate)
            };
        }
        _ => {}
    }
    // Nothing tells: the shorter one is taken as the copy; ties go to input order.
    if da.sentences.len() < db.sentences.len()
        || (da.sentences.len() == db.sentences.len() && a > b)
    {
        (a, b, CopyBasis::Undetermined)
    } else {
        (b, a, CopyBasis::Undetermined)
    }
}

/// Finds every copy among `docs`. Deterministic: output sorted by (article, of).
pub fn find_copies(docs: &[Doc], cfg: &DedupeConfig) -> Vec<Copy> {
    let sigs: Vec<Vec<Vec<u64>>> = docs
        .iter()
        .map(|d| signatures(d, cfg.min_sentence_terms))
        .collect();
    // bucket → (document, sentence) entries
    let mut buckets: HashMap<u64, Vec<(u32, u32)>> = HashMap::new();
    for (d, sentences) in sigs.iter().enumerate() {
        for (si, s) in sentences.iter().enumerate() {
            for key in band_keys(s) {
                let list = buckets.entry(key).or_default();
                if list.last() != Some(&(d as u32, si as u32)) {
                    list.push((d as u32, si as u32));
                }
            }
        }
    }
    // for each document pair, the sentences of each side that collided with the other
    let mut collided: BTreeMap<(u32, u32), (BTreeSet<u32>, BTreeSet<u32>)> = BTreeMap::new();
    for list in buckets.values() {
        if list.len() < 2 {
            continue;
        }
        let docs_in: BTreeSet<u32> = list.iter().map(|e| e.0).collect();
        if docs_in.len() < 2 || docs_in.len() > cfg.max_bucket {
            continue;
        }
        for (i, &(a, sa)) in list.iter().enumerate() {
            for &(b, sb) in &list[i + 1..] {
                if a == b {
                    continue;
                }
                let (lo, hi, slo, shi) = if a < b {
                    (a, b, sa, sb)
                } else {
                    (b, a, sb, sa)
                };
                let entry = collided.entry((lo, hi)).or_default();
                entry.0.insert(slo);
                entry.1.insert(shi);
            }
        }
    }
    // LSH misses few true matches, so a pair whose collisions cannot reach the coverage
    // threshold is not worth aligning
    let prefilter = cfg.rewrite_coverage * 0.7;
    let pair_hits: Vec<(u32, u32)> = collided
        .into_iter()
        .filter(|((a, b), (sa, sb))| {
            let ca = sa.len() as f64 / sigs[*a as usize].len().max(1) as f64;
            let cb = sb.len() as f64 / sigs[*b as usize].len().max(1) as f64;
            sa.len() >= 2 && ca.max(cb) >= prefilter
        })
        .map(|(k, _)| k)
        .collect();
    let mut copies = Vec::new();
    for &(a, b) in &pair_hits {
        let (a, b) = (a as usize, b as usize);
        let (cov_a, mean_a) = alignment(&sigs[a], &sigs[b], cfg.sentence_match);
        let (cov_b, mean_b) = alignment(&sigs[b], &sigs[a], cfg.sentence_match);
        let coverage = cov_a.max(cov_b);
        if coverage < cfg.rewrite_coverage {
            continue;
        }
        let duplicate = cov_a.min(cov_b) >= cfg.duplicate_similarity
            && mean_a.min(mean_b) >= cfg.duplicate_similarity;
        let (copy, original, basis) = direction(docs, a, b);
        copies.push(Copy {
            article: docs[copy].article.id.clone(),
            of: docs[original].article.id.clone(),
            kind: if duplicate {
                CopyKind::Duplicate
            } else {
                CopyKind::Rewrite
            },
            similarity: (coverage * 1000.0).round() / 1000.0,
            basis,
        });
    }
    copies.sort_by(|x, y| (&x.article, &x.of).cmp(&(&y.article, &y.of)));
    copies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::analyze;
    use corroborate_model::Article;

    fn doc(id: &str, text: &str) -> Doc {
        analyze(Article::new(id, id, text))
    }

    const ORIGINAL: &str = "Syria has signed up to join the US-led coalition against the armed group.\n\
        The announcement came shortly after President Ahmed al-Sharaa arrived in Washington on Monday.\n\
        Security forces carried out 61 raids, arresting 71 people and seizing explosives and weapons.\n\
        The deal makes Syria the 90th country to join the coalition against the group.\n\
        He previously led an armed group affiliated with Al Qaeda before the offensive.";

    #[test]
    fn a_rewrite_is_found_with_its_direction() {
        let rewrite = "Syria has joined the coalition led by the United States against the armed group, Al Jazeera reports, writes UNN.\n\
            The announcement came shortly after President Ahmed ash-Sharaa arrived in Washington on Monday.\n\
            Security forces conducted 61 raids, during which 71 people were arrested, and explosives and weapons were seized.\n\
            The agreement makes Syria the 90th country to join the coalition against the group.\n\
            He previously led an armed group associated with Al Qaeda before the offensive.";
        let docs = vec![doc("orig", ORIGINAL), doc("copy", rewrite), doc("other", "Heavy rain flooded the streets of Paris on Tuesday, closing three metro lines.\nThe mayor said crews were pumping water out of the tunnels all night long.")];
        let copies = find_copies(&docs, &DedupeConfig::default());
        assert_eq!(copies.len(), 1, "{copies:?}");
        assert_eq!(
            (copies[0].article.as_str(), copies[0].of.as_str()),
            ("copy", "orig")
        );
        assert_eq!(copies[0].kind, CopyKind::Rewrite);
        assert_eq!(copies[0].basis, CopyBasis::Attribution);
    }

    #[test]
    fn an_exact_copy_is_a_duplicate_and_never_its_own_source() {
        let docs = vec![doc("a", ORIGINAL), doc("b", ORIGINAL)];
        let copies = find_copies(&docs, &DedupeConfig::default());
        assert_eq!(copies.len(), 1);
        assert_eq!(copies[0].kind, CopyKind::Duplicate);
        assert_ne!(copies[0].article, copies[0].of);
    }
}
