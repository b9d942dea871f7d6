//! Copies: duplicates, rewrites and partial copies, with the passages taken.
//!
//! Candidates come from MinHash LSH over each prose sentence's term set (so a reworded
//! sentence still collides with its original), never from comparing all pairs. A candidate
//! pair is verified on the sentence pairs that collided: each sentence keeps its best
//! counterpart by the share of its rarity-weighted terms the other holds, in any order
//! (rewrites reorder, trim and merge). The share of the copy's prose, in words, in matched
//! sentences makes it a `rewrite`; an article whose vocabulary is nearly all its sources'
//! (dated or credited), all together, is one too; a few passages taken closely, keeping
//! their phrasing, make a `partial` copy. Two sentences alike in words but dated to
//! different happenings (a wire's template for the attack of 3 March and for the one of
//! 9 March, see `dates::different_happenings`) are not counterparts.

use std::collections::HashMap;

use corroborate_model::{stable_hash, Copy, CopyBasis, CopyKind, Passage};
use corroborate_text::dates::{different_happenings, find_dates, DateValue, FoundDate};
use corroborate_text::sparse;
use rayon::iter::{IntoParallelIterator, ParallelIterator};
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
    /// `weights[i]`: how rare `terms[i]` is across the articles read (inverse document
    /// frequency), so words every article uses say little about copying.
    weights: Vec<f32>,
    /// The most articles any of its LSH buckets holds: a line many articles share (a site's
    /// subscription footer, an editor's note) is furniture, not a passage one took from another.
    spread: usize,
    /// Its words: its weight in the share of an article taken.
    words: usize,
    /// Its consecutive content terms, hashed in pairs, sorted: its phrasing.
    word_pairs: Vec<u64>,
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
                weights: Vec::new(),
                spread: 0,
                words: s.words.len().max(1),
                word_pairs: word_pairs(s),
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
    corroborate_model::mix64(x ^ seed.wrapping_mul(corroborate_model::GOLDEN_GAMMA))
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

/// Gives every signature term its inverse document frequency over `sigs`' documents. A
/// small pile is read as part of a larger stream (at least `MIN_STREAM` articles), so two
/// articles alone do not make every shared word common.
fn weigh(sigs: &mut [Vec<Signature>]) {
    const MIN_STREAM: f32 = 100.0;
    let mut df: foldhash::HashMap<u64, u32> = foldhash::HashMap::default();
    for doc in sigs.iter() {
        let mut terms: Vec<u64> = doc.iter().flat_map(|s| s.terms.iter().copied()).collect();
        terms.sort_unstable();
        terms.dedup();
        for t in terms {
            *df.entry(t).or_default() += 1;
        }
    }
    let n = (sigs.len() as f32).max(MIN_STREAM);
    for s in sigs.iter_mut().flatten() {
        s.weights = s
            .terms
            .iter()
            .map(|t| (1.0 + n / df[t] as f32).ln())
            .collect();
    }
}

/// Share of `x`'s term weight that `y` holds too, and how many terms they share.
fn containment(x: &Signature, y: &Signature) -> (f64, usize) {
    let (mut i, mut j, mut both, mut shared, mut total) = (0, 0, 0usize, 0f32, 0f32);
    while i < x.terms.len() {
        let t = x.terms[i];
        while j < y.terms.len() && y.terms[j] < t {
            j += 1;
        }
        if j < y.terms.len() && y.terms[j] == t {
            both += 1;
            shared += x.weights[i];
        }
        total += x.weights[i];
        i += 1;
    }
    (f64::from(shared / total.max(f32::MIN_POSITIVE)), both)
}

/// The pairs of consecutive content terms of a sentence, hashed and sorted.
fn word_pairs(s: &crate::doc::SentenceInfo) -> Vec<u64> {
    let terms: Vec<u64> = s
        .words
        .iter()
        .filter(|w| !w.term.is_empty())
        .map(|w| stable_hash(w.term.as_bytes()))
        .collect();
    let mut p: Vec<u64> = terms
        .windows(2)
        .map(|w| w[0].rotate_left(17) ^ w[1])
        .collect();
    p.sort_unstable();
    p.dedup();
    p
}

/// Share of the word pairs of `x` that `y` has too. Two reports of one event share their
/// key words; a passage taken from another keeps its phrasing too.
fn phrasing(x: &Signature, y: &Signature) -> f64 {
    let mut both = 0usize;
    sparse::for_each_shared(
        &x.word_pairs,
        &y.word_pairs,
        |t| *t,
        |t| *t,
        |_, _| both += 1,
    );
    both as f64 / x.word_pairs.len().max(1) as f64
}

/// What one article of a candidate pair takes from the other: for each of its signature
/// sentences, the best counterpart, if any reaches the match threshold.
struct Side {
    /// `matched[i]`: (counterpart signature index, its containment), per signature.
    matched: Vec<Option<(usize, f64)>>,
    /// Words of this side's signature sentences inside matched ones, over all of them.
    coverage: f64,
    /// Mean containment over the matched sentences.
    mean: f64,
    /// Coverage by the sentences taken closely enough to count towards a partial copy.
    strong_coverage: f64,
    /// `taken_closely[i]`: signature `i` is matched at `partial_sentence_match` or above,
    /// keeps `partial_phrasing` of its word pairs, and is no furniture many articles share.
    taken_closely: Vec<bool>,
}

impl Side {
    /// Sentences taken closely enough to count towards a partial copy.
    fn count(&self) -> usize {
        self.taken_closely.iter().filter(|&&c| c).count()
    }

    /// The matches that count towards a partial copy.
    fn strong(&self) -> Vec<Option<(usize, f64)>> {
        self.matched
            .iter()
            .zip(&self.taken_closely)
            .map(|(m, &close)| m.filter(|_| close))
            .collect()
    }
}

/// Verifies a pair of articles whose sentences collided (`sentence_pairs`): each side's
/// best counterparts, and which one is the copy. `None` when they share too little.
fn candidate(
    docs: &[Doc],
    sigs: &[Vec<Signature>],
    (a, b): (usize, usize),
    mut sentence_pairs: Vec<SentencePair>,
    cfg: &DedupeConfig,
) -> Option<Candidate> {
    sentence_pairs.sort_unstable();
    sentence_pairs.dedup();
    let distinct = |side: fn(&(u32, u32)) -> u32| {
        let mut v: Vec<u32> = sentence_pairs.iter().map(side).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    // one shared sentence is a quote or a summary line (a debunk may open with the
    // rumour's words), not a copy
    if distinct(|p| p.0).min(distinct(|p| p.1)) < 2 {
        return None;
    }
    // LSH misses few true matches, so the sentences that collided bound the share taken
    let bound = (distinct(|p| p.0) as f64 / sigs[a].len().max(1) as f64)
        .max(distinct(|p| p.1) as f64 / sigs[b].len().max(1) as f64);
    if bound < cfg.partial_coverage * 0.7 {
        return None;
    }
    let side_a = side(docs, (a, b), (&sigs[a], &sigs[b]), &sentence_pairs, cfg);
    let mut swapped: Vec<SentencePair> = sentence_pairs.iter().map(|&(x, y)| (y, x)).collect();
    swapped.sort_unstable();
    let side_b = side(docs, (b, a), (&sigs[b], &sigs[a]), &swapped, cfg);
    let takes_more = if side_a.coverage == side_b.coverage {
        None
    } else {
        Some(side_a.coverage > side_b.coverage)
    };
    let (copy, original, basis) = direction(docs, a, b, takes_more);
    let (taken, given) = if copy == a {
        (side_a, side_b)
    } else {
        (side_b, side_a)
    };
    if taken.matched.iter().flatten().count() < 2 {
        return None;
    }
    Some(Candidate {
        copy,
        original,
        basis,
        taken,
        given,
    })
}

/// A pair of articles that share sentences, read as `copy` taking from `original`.
struct Candidate {
    copy: usize,
    original: usize,
    basis: CopyBasis,
    /// The copy's side: what it takes.
    taken: Side,
    /// The original's side: how much of it the copy holds.
    given: Side,
}

/// Whether the direction of a candidate rests on more than the copy crediting someone the
/// other does not name: an earlier publication, a credit naming the other's outlet, or the
/// other being a news agency's own report.
fn firm(docs: &[Doc], c: &Candidate) -> bool {
    let (copy, original) = (&docs[c.copy], &docs[c.original]);
    match c.basis {
        CopyBasis::EarlierDate => true,
        CopyBasis::Attribution => original.agency.is_some() || credits_outlet_of(copy, original),
        CopyBasis::Undetermined => false,
    }
}

/// Whether an article is, as a whole, made of what it took from its sources (the originals
/// of `group`, its candidates whose direction is known, each taking two sentences or
/// more): it took `rewrite_coverage` of its prose from them all together (several versions
/// of one wire story), or nearly all its vocabulary, weighted by rarity, is theirs
/// (`vocabulary_rewrite`). A rewrite that recasts every sentence keeps the names, numbers
/// and rare words of what it rewrote; an outlet's own report brings its own.
fn told_by_its_sources(sigs: &[Vec<Signature>], group: &[&Candidate], cfg: &DedupeConfig) -> bool {
    let copy = &sigs[group[0].copy];
    // its prose taken from one source or another, by words
    let (mut total, mut taken) = (0usize, 0usize);
    for (i, sig) in copy.iter().enumerate() {
        total += sig.words;
        if group.iter().any(|c| c.taken.matched[i].is_some()) {
            taken += sig.words;
        }
    }
    if taken as f64 >= cfg.rewrite_coverage * total.max(1) as f64 {
        return true;
    }
    let mut theirs: Vec<u64> = group
        .iter()
        .flat_map(|c| {
            sigs[c.original]
                .iter()
                .flat_map(|s| s.terms.iter().copied())
        })
        .collect();
    theirs.sort_unstable();
    theirs.dedup();
    let mut mine: Vec<(u64, f32)> = copy
        .iter()
        .flat_map(|s| s.terms.iter().copied().zip(s.weights.iter().copied()))
        .collect();
    mine.sort_unstable_by_key(|t| t.0);
    mine.dedup_by_key(|t| t.0);
    let all: f32 = mine.iter().map(|t| t.1).sum();
    let mut held = 0f32;
    sparse::for_each_shared(&mine, &theirs, |t| t.0, |t| *t, |t, _| held += t.1);
    f64::from(held) >= cfg.vocabulary_rewrite * f64::from(all.max(f32::MIN_POSITIVE))
}

/// The copy record of a candidate, if it is one: its kind, share and passages.
fn verdict(
    docs: &[Doc],
    sigs: &[Vec<Signature>],
    c: &Candidate,
    whole: bool,
    cfg: &DedupeConfig,
) -> Option<Copy> {
    let (taken, given) = (&c.taken, &c.given);
    // a whole copy is told by the bulk of its prose, reworded, or by its vocabulary; a
    // partial one only by passages taken closely enough that two reports of one event
    // would not write them
    let kind = if taken.coverage.min(given.coverage) >= cfg.duplicate_similarity
        && taken.mean.min(given.mean) >= cfg.duplicate_similarity
    {
        CopyKind::Duplicate
    } else if taken.coverage >= cfg.rewrite_coverage || whole {
        CopyKind::Rewrite
    } else if taken.strong_coverage >= cfg.partial_coverage && taken.count() >= 2 {
        CopyKind::Partial
    } else {
        return None;
    };
    let matched = if kind == CopyKind::Partial {
        taken.strong()
    } else {
        taken.matched.clone()
    };
    let passages = passages(
        (&docs[c.copy], &sigs[c.copy]),
        (&docs[c.original], &sigs[c.original]),
        &matched,
    );
    // what two articles share only in their closing paragraph is the site's furniture (a
    // subscription line, an editor's note, a disclaimer), not reporting one took
    if kind == CopyKind::Partial
        && passages.iter().all(|p| {
            in_closing(&docs[c.copy], p.start) && in_closing(&docs[c.original], p.of_start)
        })
    {
        return None;
    }
    Some(Copy {
        article: docs[c.copy].article.id.clone(),
        of: docs[c.original].article.id.clone(),
        kind,
        similarity: (taken.coverage * 1000.0).round() / 1000.0,
        basis: c.basis,
        credited: credited_name(&docs[c.copy], &docs[c.original], c.basis),
        passages,
    })
}

/// The outlet a copy credits as its source, when that credit decided the direction and the
/// original names no outlet of its own: what the copy calls the article it took from.
fn credited_name(copy: &Doc, original: &Doc, basis: CopyBasis) -> Option<String> {
    let named = original
        .article
        .outlet
        .as_deref()
        .is_some_and(|o| !o.trim().is_empty());
    if basis != CopyBasis::Attribution || named {
        return None;
    }
    copy.credited_source.clone()
}

/// Whether byte `at` of `doc` lies in its closing paragraph.
fn in_closing(doc: &Doc, at: usize) -> bool {
    let last = doc.sentences.iter().map(|s| s.para).max().unwrap_or(0);
    doc.sentences
        .iter()
        .find(|s| s.para == last)
        .is_some_and(|s| at >= s.start)
}

/// Aligns every signature sentence of `a` (the side read) with its best counterpart in
/// `b` among the sentences it collided with in the LSH (`collided`, sorted). A counterpart must hold at least `sentence_match` of the sentence's terms and three
/// of them, and not be dated to a different happening. Rewrites reorder, trim and merge
/// sentences, so the order is not enforced and a counterpart may hold several sentences.
fn side(
    docs: &[Doc],
    (a, b): (usize, usize),
    (sa, sb): (&[Signature], &[Signature]),
    collided: &[SentencePair],
    cfg: &DedupeConfig,
) -> Side {
    let mut matched = Vec::with_capacity(sa.len());
    let mut taken_closely = Vec::with_capacity(sa.len());
    let (mut total, mut covered, mut strong, mut sum) = (0usize, 0usize, 0usize, 0.0);
    // `collided` is sorted by this side's sentence: each sentence's run of candidates
    let mut rest = collided;
    for (i, x) in sa.iter().enumerate() {
        let w = x.words;
        total += w;
        let n = rest.iter().take_while(|p| p.0 as usize == i).count();
        let (candidates, tail) = rest.split_at(n);
        rest = tail;
        let best = candidates
            .iter()
            .map(|&(_, j)| (j as usize, containment(x, &sb[j as usize])))
            .filter(|(_, (c, both))| *c >= cfg.sentence_match && *both >= 3)
            // best containment first, earliest counterpart on ties
            .max_by(|p, q| p.1 .0.total_cmp(&q.1 .0).then(q.0.cmp(&p.0)))
            .filter(|&(j, _)| !dated_apart(&docs[a], x.sentence, &docs[b], sb[j].sentence))
            .map(|(j, (c, _))| (j, c));
        let mut close = false;
        if let Some((j, c)) = best {
            covered += w;
            sum += c;
            close = c >= cfg.partial_sentence_match
                && x.spread <= cfg.max_bucket
                && phrasing(x, &sb[j]) >= cfg.partial_phrasing;
            if close {
                strong += w;
            }
        }
        matched.push(best);
        taken_closely.push(close);
    }
    let n = matched.iter().flatten().count();
    Side {
        matched,
        coverage: covered as f64 / total.max(1) as f64,
        mean: if n == 0 { 0.0 } else { sum / n as f64 },
        strong_coverage: strong as f64 / total.max(1) as f64,
        taken_closely,
    }
}

/// The copy's passages: maximal runs of matched signature sentences whose counterparts
/// follow each other in the original too, each with the span of the original it draws on.
fn passages(
    (copy, sc): (&Doc, &[Signature]),
    (original, so): (&Doc, &[Signature]),
    matched: &[Option<(usize, f64)>],
) -> Vec<Passage> {
    let span = |d: &Doc, sig: &Signature| {
        let s = &d.sentences[sig.sentence];
        (s.start, s.end)
    };
    let mut out: Vec<Passage> = Vec::new();
    let mut last: Option<(usize, usize)> = None; // (copy signature, original signature)
    for (i, m) in matched.iter().enumerate() {
        let Some((j, _)) = *m else {
            last = None;
            continue;
        };
        let ((start, end), (of_start, of_end)) = (span(copy, &sc[i]), span(original, &so[j]));
        let follows = last.is_some_and(|(li, lj)| li + 1 == i && (j == lj || j == lj + 1));
        match out.last_mut() {
            Some(p) if follows => {
                p.end = end;
                p.of_start = p.of_start.min(of_start);
                p.of_end = p.of_end.max(of_end);
            }
            _ => out.push(Passage {
                start,
                end,
                of_start,
                of_end,
            }),
        }
        last = Some((i, j));
    }
    out
}

/// Whether `d` credits the outlet that published `other`.
fn credits_outlet_of(d: &Doc, other: &Doc) -> bool {
    match (&d.credited_source, &other.article.outlet) {
        (Some(c), Some(o)) => same_name(c, o),
        _ => false,
    }
}

fn same_name(a: &str, b: &str) -> bool {
    corroborate_text::fold::name_key(a) == corroborate_text::fold::name_key(b)
}

/// Which of the two is the copy: `(copy, original, basis)`. `a_takes_more`: more of `a`'s
/// prose lies in shared passages than of `b`'s.
fn direction(
    docs: &[Doc],
    a: usize,
    b: usize,
    a_takes_more: Option<bool>,
) -> (usize, usize, CopyBasis) {
    let (da, db) = (&docs[a], &docs[b]);
    let credits = |d: &Doc, other: &Doc| {
        credits_outlet_of(d, other)
            || (d.credited_source.is_some()
                && other.article.outlet.is_none()
                && other.credited_source.is_none())
    };
    // an agency's own report is the original of an article that is not one
    let credits =
        |d: &Doc, other: &Doc| credits(d, other) || (d.agency.is_none() && other.agency.is_some());
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
    // Nothing tells: the one with more of its prose shared is taken as the copy (a short
    // rewrite of a long report, or a report that took a few passages), then the shorter;
    // ties go to input order.
    let a_is_copy = a_takes_more.unwrap_or(
        da.sentences.len() < db.sentences.len()
            || (da.sentences.len() == db.sentences.len() && a > b),
    );
    if a_is_copy {
        (a, b, CopyBasis::Undetermined)
    } else {
        (b, a, CopyBasis::Undetermined)
    }
}

/// Finds every copy among `docs`. Deterministic: output sorted by (article, of).
pub fn find_copies(docs: &[Doc], cfg: &DedupeConfig) -> Vec<Copy> {
    let mut sigs: Vec<Vec<Signature>> = docs
        .iter()
        .map(|d| signatures(d, cfg.min_sentence_terms))
        .collect();
    weigh(&mut sigs);
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
    let mut collided: foldhash::HashMap<DocPair, Vec<SentencePair>> = foldhash::HashMap::default();
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
        for &(d, si) in &list {
            let spread = &mut sigs[d as usize][si as usize].spread;
            *spread = (*spread).max(docs_in);
        }
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
    let mut candidates: Vec<Candidate> = pairs
        .into_par_iter()
        .filter_map(|((a, b), sentence_pairs)| {
            candidate(docs, &sigs, (a as usize, b as usize), sentence_pairs, cfg)
        })
        .collect();
    candidates.sort_by_key(|c| (c.copy, c.original));
    let mut copies = Vec::new();
    for group in candidates.chunk_by(|x, y| x.copy == y.copy) {
        // its sources: the candidates whose direction the dates or a named credit tell
        let sources: Vec<&Candidate> = group.iter().filter(|c| firm(docs, c)).collect();
        let whole = !sources.is_empty() && told_by_its_sources(&sigs, &sources, cfg);
        for c in group {
            let whole = whole && firm(docs, c);
            if let Some(copy) = verdict(docs, &sigs, c, whole, cfg) {
                copies.push(copy);
            }
        }
    }
    copies.sort_by(|x, y| (&x.article, &x.of).cmp(&(&y.article, &y.of)));
    copies
}

/// For each document, the original it copies as a whole (following chains), or itself. A
/// partial copy is its own original: what it took is credited per passage instead.
pub fn originals(docs: &[Doc], copies: &[Copy]) -> Vec<usize> {
    let position: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.article.id.as_str(), i))
        .collect();
    let mut of: Vec<usize> = (0..docs.len()).collect();
    for c in copies.iter().filter(|c| c.kind.is_whole()) {
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

    /// Four paragraphs of an outlet's own reporting around `taken`.
    fn own_report(taken: &str) -> String {
        format!(
            "Residents of the northern district described a night of sirens and closed roads.\n\n\
             Shopkeepers said they had boarded up their windows before the crowds arrived.\n\n\
             {taken}\n\n\
             Local councillors called for an inquiry into how the evening had been policed.\n\n\
             A community meeting is planned for Thursday at the library on Station Road.\n\n\
             Several families told this newspaper they would keep their children at home.\n\n\
             The bus company said its night services would run again from the weekend."
        )
    }

    #[test]
    fn passages_taken_into_an_outlets_own_report_are_a_partial_copy() {
        let wire = "Police arrested fourteen people after clashes outside the stadium on Saturday night.\n\n\
            Officers said bottles and flares were thrown at the gates before the match ended.\n\n\
            The club condemned the violence and promised to ban anyone found responsible.";
        let taken = "Police arrested fourteen people after clashes outside the stadium on Saturday night.\n\n\
            Officers said bottles and flares were thrown at the gates before the match ended.";
        let paper = own_report(taken);
        let (mut w, mut p) = (
            Article::new("wire", "wire", wire),
            Article::new("paper", "paper", paper.clone()),
        );
        w.published = Some("2025-03-01".into());
        p.published = Some("2025-03-02".into());
        let copies = find_copies(&[analyze(w), analyze(p)], &DedupeConfig::default());
        assert_eq!(copies.len(), 1, "{copies:?}");
        let c = &copies[0];
        assert_eq!((c.article.as_str(), c.of.as_str()), ("paper", "wire"));
        assert_eq!(c.kind, CopyKind::Partial);
        assert_eq!(c.basis, CopyBasis::EarlierDate);
        // one passage: the two sentences taken, in both texts
        assert_eq!(c.passages.len(), 1, "{:?}", c.passages);
        let passage = &c.passages[0];
        assert_eq!(&paper[passage.start..passage.end], taken);
        assert_eq!(&wire[passage.of_start..passage.of_end], taken);
        assert!(c.similarity > 0.1 && c.similarity < 0.5, "{}", c.similarity);
    }

    #[test]
    fn two_reports_of_one_event_in_their_own_words_are_no_copy() {
        let a = own_report(
            "Police said fourteen people were arrested after fighting broke out near the stadium.",
        );
        let b = "Fourteen arrests followed a night of fighting near the stadium, police said on Sunday.\n\n\
            The club has promised lifetime bans for anyone identified from the footage.\n\n\
            Supporters' groups blamed a small number of visiting fans for the trouble.";
        let copies = find_copies(&[doc("a", &a), doc("b", b)], &DedupeConfig::default());
        assert!(copies.is_empty(), "{copies:?}");
    }

    /// Chinese, compared on character pairs (`doc`'s terms for text without spaces): a copy
    /// of a report is found, an unrelated report sharing its common characters is not.
    #[test]
    fn unrelated_chinese_reports_are_no_copy_but_a_copied_one_is() {
        let flood = "周二的暴雨导致上海多条地铁线路停运，市政府表示洪水淹没了数百条街道。\n\n\
            气象部门说，这是该市今年以来最大的一场降雨，部分地区的降雨量超过了两百毫米。\n\n\
            市政府呼吁居民留在家中，并在全市开放了四十个临时避难所。\n\n\
            交通部门表示，机场的航班在下午已经恢复正常，但是部分道路仍然关闭。";
        let strike = "法国的工会在周三呼吁举行更多的罢工，以反对政府提出的养老金改革计划。\n\n\
            总统在新年讲话中表示，他希望政府能够与工会迅速达成一项协议。\n\n\
            巴黎的地铁和火车服务在罢工期间受到了严重的影响，很多人只能步行上班。\n\n\
            工会领导人说，如果政府不撤回计划，罢工将会在一月份继续进行下去。";
        let docs = [doc("a", flood), doc("b", strike), doc("c", flood)];
        let copies = find_copies(&docs, &DedupeConfig::default());
        let pairs: Vec<(&str, &str)> = copies
            .iter()
            .map(|c| (c.article.as_str(), c.of.as_str()))
            .collect();
        assert_eq!(pairs, [("c", "a")], "{copies:?}");
    }

    #[test]
    fn a_name_said_at_the_end_of_the_lead_gives_no_direction() {
        // two texts that differ only in who said the lead: neither credits an outlet
        let said = ORIGINAL.replacen(
            "against the armed group.",
            "against the armed group, Finance Minister Jane Doe said.",
            1,
        );
        let docs = vec![doc("plain", ORIGINAL), doc("said", &said)];
        let copies = find_copies(&docs, &DedupeConfig::default());
        assert_eq!(copies.len(), 1, "{copies:?}");
        assert_eq!(copies[0].basis, CopyBasis::Undetermined);
    }

    #[test]
    fn an_agency_report_is_the_original_of_the_paper_that_rewrites_it() {
        let wire = format!("By Chris Court, PA News\n\n{ORIGINAL}");
        let docs = vec![doc("paper", ORIGINAL), doc("wire", &wire)];
        let copies = find_copies(&docs, &DedupeConfig::default());
        assert_eq!(copies.len(), 1, "{copies:?}");
        assert_eq!(
            (
                copies[0].article.as_str(),
                copies[0].of.as_str(),
                copies[0].basis
            ),
            ("paper", "wire", CopyBasis::Attribution)
        );
    }
}
