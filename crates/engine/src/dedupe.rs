//! Copies: exact and near duplicates and paragraph-by-paragraph rewrites.
//!
//! Candidates come from MinHash LSH over each prose sentence's term set (so a reworded
//! sentence still collides with its original), never from comparing all pairs. A candidate
//! pair is verified by aligning sentences in order: the share of one article's sentences
//! that find a counterpart, monotonically, in the other is the similarity. Two sentences
//! alike in words but dated to different happenings (a wire's template for the attack of
//! 3 March and for the one of 9 March, see `dates::different_happenings`) are not
//! counterparts.

use std::collections::{BTreeMap, HashMap};

use corroborate_model::{stable_hash, Copy, CopyBasis, CopyKind};
use corroborate_text::dates::{different_happenings, find_dates, DateValue, FoundDate};
use corroborate_text::sparse;
use rayon::slice::ParallelSliceMut;

use crate::config::DedupeConfig;
use crate::doc::Doc;

const BANDS: usize = 16;

/// Two documents, lower index first.
type DocPair = (u32, u32);
/// A sentence of the first document and one of the second.
type SentencePair = (u32, u32);
const ROWS: usize = 2;

/// A prose sentence long enough to signal copying: its index in the document and its
/// hashed term set.
struct Signature {
    sentence: usize,
    terms: Vec<u64>,
}

fn signatures(doc: &Doc, min_terms: usize) -> Vec<Signature> {
    doc.prose()
        .map(|(si, s)| {
            let mut h: Vec<u64> = s
                .terms()
                .iter()
                .map(|t| stable_hash(t.as_bytes()))
                .collect();
            h.sort_unstable();
            h.dedup();
            Signature {
                sentence: si,
                terms: h,
            }
        })
        .filter(|h| h.terms.len() >= min_terms)
        .collect()
}

/// Whether sentence `x` of `a` and sentence `y` of `b` are dated to different happenings.
/// The same date written the same way is never apart: a copy printed a week later keeps
/// its original's "on Monday", which only reads as another day against the copy's date.
fn dated_apart(a: &Doc, x: usize, b: &Doc, y: usize) -> bool {
    // without a publication day on either side nothing can be told apart
    let known = |d: &Doc| d.published.is_some_and(|p| p.day.is_some());
    if !known(a) && !known(b) {
        return false;
    }
    let (tx, ty) = (sentence_text(a, x), sentence_text(b, y));
    // a day that can tell happenings apart is written with digits ("9 March", "2025-03-09")
    let has_digit = |t: &str| t.bytes().any(|c| c.is_ascii_digit());
    if tx == ty || !has_digit(tx) || !has_digit(ty) {
        return false;
    }
    let (fx, fy) = (find_dates(tx, a.published), find_dates(ty, b.published));
    let written = |text: &str, found: &[FoundDate]| -> Vec<String> {
        found
            .iter()
            .map(|f| text[f.start..f.end].to_lowercase())
            .collect()
    };
    if written(tx, &fx) == written(ty, &fy) {
        return false;
    }
    let values =
        |found: Vec<FoundDate>| -> Vec<DateValue> { found.into_iter().map(|f| f.value).collect() };
    different_happenings(&values(fx), a.published, &values(fy), b.published)
}

fn sentence_text(d: &Doc, s: usize) -> &str {
    let s = &d.sentences[s];
    &d.text()[s.start..s.end]
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
    let mut both = 0usize;
    sparse::for_each_shared(a, b, |x| *x, |y| *y, |_, _| both += 1);
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

/// How much of one side aligns, in order, with the other, from the verified sentence pairs
/// `(sentence of a, sentence of b, similarity)`: (sentences of that side aligned, mean
/// similarity).
fn alignment(scored: &[(u32, u32, f64)], b_side: bool) -> (usize, f64) {
    // each sentence of this side keeps its best counterpart
    let mut best: BTreeMap<u32, (f64, u32)> = BTreeMap::new();
    for &(x, y, sim) in scored {
        let (mine, other) = if b_side { (y, x) } else { (x, y) };
        let slot = best.entry(mine).or_insert((sim, other));
        if sim > slot.0 || (sim == slot.0 && other < slot.1) {
            *slot = (sim, other);
        }
    }
    let order: Vec<usize> = best.values().map(|&(_, o)| o as usize).collect();
    let mean = if best.is_empty() {
        0.0
    } else {
        best.values().map(|v| v.0).sum::<f64>() / best.len() as f64
    };
    (lis(&order), mean)
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
    let sigs: Vec<Vec<Signature>> = docs
        .iter()
        .map(|d| signatures(d, cfg.min_sentence_terms))
        .collect();
    // (band key, document, sentence) for every sentence and band, sorted: a run of equal
    // keys is an LSH bucket. A flat array holds the mostly one-entry buckets in 16 bytes an
    // entry, where a map of lists took several times that.
    let mut entries: Vec<(u64, u32, u32)> =
        Vec::with_capacity(sigs.iter().map(Vec::len).sum::<usize>() * BANDS);
    for (d, sentences) in sigs.iter().enumerate() {
        for (si, s) in sentences.iter().enumerate() {
            entries.extend(band_keys(&s.terms).map(|key| (key, d as u32, si as u32)));
        }
    }
    entries.par_sort_unstable();
    entries.dedup(); // a sentence whose bands share a key is in that bucket once
                     // for each document pair, the sentence pairs that collided in some band
    let mut collided: HashMap<DocPair, Vec<SentencePair>> = HashMap::new();
    for bucket in entries.chunk_by(|x, y| x.0 == y.0) {
        if bucket.len() < 2 {
            continue;
        }
        let list: Vec<(u32, u32)> = bucket.iter().map(|&(_, d, s)| (d, s)).collect();
        let docs_in = {
            let mut d: Vec<u32> = list.iter().map(|e| e.0).collect();
            d.dedup();
            d.len()
        };
        if docs_in < 2 || docs_in > cfg.max_bucket {
            continue;
        }
        for (i, &(a, sa)) in list.iter().enumerate() {
            for &(b, sb) in &list[i + 1..] {
                if a != b {
                    let key = if a < b {
                        ((a, b), (sa, sb))
                    } else {
                        ((b, a), (sb, sa))
                    };
                    collided.entry(key.0).or_default().push(key.1);
                }
            }
        }
    }
    let mut pairs: Vec<(DocPair, Vec<SentencePair>)> = collided.into_iter().collect();
    pairs.sort_unstable_by_key(|(k, _)| *k);
    // LSH misses few true matches, so the sentences that collided bound the coverage; only
    // those sentence pairs are verified
    let prefilter = cfg.rewrite_coverage * 0.7;
    let mut copies = Vec::new();
    for ((a, b), mut sentence_pairs) in pairs {
        let (a, b) = (a as usize, b as usize);
        sentence_pairs.sort_unstable();
        sentence_pairs.dedup();
        let distinct = |side: fn(&(u32, u32)) -> u32| {
            let mut v: Vec<u32> = sentence_pairs.iter().map(side).collect();
            v.sort_unstable();
            v.dedup();
            v.len()
        };
        let (na, nb) = (distinct(|p| p.0), distinct(|p| p.1));
        let bound =
            (na as f64 / sigs[a].len().max(1) as f64).max(nb as f64 / sigs[b].len().max(1) as f64);
        if na < 2 || bound < prefilter {
            continue;
        }
        let scored: Vec<(u32, u32, f64)> = sentence_pairs
            .iter()
            .map(|&(x, y)| {
                let (sx, sy) = (&sigs[a][x as usize], &sigs[b][y as usize]);
                (
                    x,
                    y,
                    jaccard(&sx.terms, &sy.terms),
                    sx.sentence,
                    sy.sentence,
                )
            })
            .filter(|p| p.2 >= cfg.sentence_match)
            .filter(|p| !dated_apart(&docs[a], p.3, &docs[b], p.4))
            .map(|(x, y, sim, _, _)| (x, y, sim))
            .collect();
        let (aligned_a, mean_a) = alignment(&scored, false);
        let (aligned_b, mean_b) = alignment(&scored, true);
        let cov_a = aligned_a as f64 / sigs[a].len().max(1) as f64;
        let cov_b = aligned_b as f64 / sigs[b].len().max(1) as f64;
        let coverage = cov_a.max(cov_b);
        // a copy aligns at least two sentences: one shared sentence is a quote or a summary
        // line (a debunk may open with the rumour's words), not a copy
        if coverage < cfg.rewrite_coverage || aligned_a.max(aligned_b) < 2 {
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

/// For each document, the original it copies (following chains), or itself.
pub fn originals(docs: &[Doc], copies: &[Copy]) -> Vec<usize> {
    let position: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.article.id.as_str(), i))
        .collect();
    let mut of: Vec<usize> = (0..docs.len()).collect();
    for c in copies {
        if let (Some(&a), Some(&o)) = (
            position.get(c.article.as_str()),
            position.get(c.of.as_str()),
        ) {
            of[a] = o;
        }
    }
    (0..docs.len())
        .map(|d| {
            let mut original = d;
            // a chain is at most as long as the corpus; the bound also cuts any cycle
            for _ in 0..docs.len() {
                if of[original] == original || of[original] == d {
                    break;
                }
                original = of[original];
            }
            original
        })
        .collect()
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
    #[test]
    fn a_one_sentence_summary_of_a_longer_article_is_not_a_copy() {
        // FNC-1 training bodies 1984 and 702 (the second cut to its first paragraphs)
        let summary =
            "The bodies found in a mass grave were confirmed not to be the missing students.";
        let report = "Mexico's attorney general says DNA tests have shown that 28 bodies found in a mass grave are not those of a missing group of students.\n\n\
            Jesus Murillo Karam said further tests were being carried out on four other recently discovered grave sites.\n\n\
            The 43 students went missing three weeks ago amid violent protests in Iguala, south of Mexico City.\n\n\
            Will Grant, the BBC's Mexico correspondent, says confirmation the missing students were not found in mass graves will give their families renewed hope.";
        let docs = vec![doc("report", report), doc("summary", summary)];
        let copies = find_copies(&docs, &DedupeConfig::default());
        assert!(copies.is_empty(), "{copies:?}");
    }

    #[test]
    fn a_template_report_of_another_day_is_not_a_copy() {
        let report = |published: &str, day: u8, killed: &str| {
            let text = format!(
                "Gunmen attacked an army checkpoint in the city of Mayadin on {day} March 2025, killing {killed} soldiers.\n\
                 On {day} March the army sealed the roads around Mayadin and searched the nearby villages.\n\
                 The defence ministry said on {day} March that the attackers fled on motorcycles towards the desert."
            );
            let mut a = Article::new(format!("r{day}"), "wire", text);
            a.published = Some(published.into());
            analyze(a)
        };
        let cfg = DedupeConfig::default();
        // the wire's report of 9 March repeats its report of 3 March word for word but for
        // the day: another attack, not a copy
        let docs = [
            report("2025-03-03", 3, "four"),
            report("2025-03-09", 9, "two"),
        ];
        assert!(find_copies(&docs, &cfg).is_empty());
        // the same day's report reprinted is a copy
        let docs = [
            report("2025-03-03", 3, "four"),
            report("2025-03-04", 3, "four"),
        ];
        assert_eq!(find_copies(&docs, &cfg).len(), 1);
    }
}
