//! From text to the model's input: terms with cue flags per sentence, TF-IDF similarity of
//! the claim to the article and to each sentence, and the feature vector of a pair.
//!
//! The input vector has four blocks (offsets in [`Layout`]): hashed term frequencies of the
//! claim, of the whole article, and of the article sentences most similar to the claim, then
//! a few dense features (similarities, overlap, cue counts near the aligned words, numbers).
//! The article block depends on the article alone, so it is computed once per article and
//! shared by every claim paired with it.

use crate::Stance;
use corroborate_model::stable_hash;
use corroborate_text::token::tokenize_range;
use corroborate_text::{lexicon, segment, ParaKind, TokenKind};
// foldhash, not SipHash: these maps are built per article and per claim-article pair, and
// only looked up (or sorted before use), so their order never reaches the output
use foldhash::{HashMap, HashSet};

const NEGATION: &[&str] = &[
    "not", "no", "never", "nobody", "none", "nothing", "neither", "nor", "without", "cannot",
];

/// How many of the claim's nearest sentences feed the aligned-sentence block and the cue
/// features.
pub(crate) const TOP_SENTENCES: usize = 3;
/// TF-IDF similarity at which a sentence counts as talking about the claim.
const RELATED_SENTENCE: f32 = 0.2;
/// Tokens either side of an aligned word in which a negation counts as "near".
const NEAR: usize = 4;

/// Where each block of the input vector starts and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub claim: usize,
    pub body: usize,
    pub top: usize,
    pub idf: usize,
}

impl Layout {
    pub fn body_offset(&self) -> usize {
        self.claim
    }
    pub fn top_offset(&self) -> usize {
        self.claim + self.body
    }
    pub fn dense_offset(&self) -> usize {
        self.claim + self.body + self.top
    }
    pub fn input_dims(&self) -> usize {
        self.dense_offset() + DENSE
    }
}

/// The dense features that say whether the article is about the claim at all (similarity,
/// overlap, numbers, lengths), by index: the related-vs-unrelated stage sees only these,
/// so cue words alone can never make an article that shares nothing with the claim
/// "refute" it.
pub(crate) const RELATEDNESS: &[usize] = &[
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 30, 31, 33, 34, 35, 36, 41,
];

/// Number of dense features (see [`PairFeatures::dense`]).
pub(crate) const DENSE: usize = 53;

#[derive(Clone, Copy, Default, Debug)]
struct Cues {
    refute: u32,
    hedge: u32,
    report: u32,
    negation: u32,
    quote: u32,
    question: u32,
}

impl Cues {
    fn add(&mut self, o: &Cues) {
        self.refute += o.refute;
        self.hedge += o.hedge;
        self.report += o.report;
        self.negation += o.negation;
        self.quote += o.quote;
        self.question += o.question;
    }
}

/// One sentence: byte span, its terms in order, and cue positions.
#[derive(Clone, Debug)]
pub(crate) struct SentenceTerms {
    pub start: usize,
    pub end: usize,
    /// Term ids in reading order (content words and numbers; function words dropped).
    terms: Vec<u64>,
    /// Token positions of `terms` (for nearness to negations).
    term_pos: Vec<u32>,
    negation_pos: Vec<u32>,
    numbers: Vec<u64>,
    /// Ids of the words that carry stance whatever the topic: function words, negations,
    /// modal, hedging, reporting and refuting words.
    stance_words: Vec<u64>,
    cues: Cues,
}

impl SentenceTerms {
    /// Whether the sentence carries a cue of `stance`: a refuting word or a negation for
    /// [`Stance::Refutes`], a hedge or reporting word for [`Stance::Reports`].
    pub fn has_cue_for(&self, stance: Stance) -> bool {
        match stance {
            Stance::Refutes => self.cues.refute > 0 || self.cues.negation > 0,
            Stance::Reports => self.cues.hedge > 0 || self.cues.report > 0,
            Stance::Supports | Stance::Unrelated => false,
        }
    }
}

/// A text cut into sentences of terms: the article side of a pair, or the claim.
#[derive(Clone, Debug)]
pub(crate) struct TextTerms {
    pub sentences: Vec<SentenceTerms>,
}

fn is_listed(list: &[&str], w: &str) -> bool {
    list.contains(&w)
}

/// Stable id of a term, as the hashed blocks and the IDF table see it.
fn term_id(term: &str) -> u64 {
    stable_hash(term.as_bytes())
}

pub(crate) fn analyze_text(text: &str) -> TextTerms {
    let mut sentences = Vec::new();
    let mut toks = Vec::new();
    for s in segment(text) {
        if s.kind == ParaKind::Boilerplate || s.kind == ParaKind::Dateline {
            continue;
        }
        toks.clear();
        tokenize_range(text, s.start, s.end, &mut toks);
        let mut st = SentenceTerms {
            start: s.start,
            end: s.end,
            terms: Vec::new(),
            term_pos: Vec::new(),
            negation_pos: Vec::new(),
            numbers: Vec::new(),
            stance_words: Vec::new(),
            cues: Cues::default(),
        };
        for (i, t) in toks.iter().enumerate() {
            let raw = t.text(text);
            match t.kind {
                TokenKind::Punct => {
                    if matches!(raw, "\"" | "“" | "”" | "‘" | "«" | "»") {
                        st.cues.quote += 1;
                        st.stance_words.push(term_id("~\""));
                    } else if raw == "?" {
                        st.cues.question += 1;
                        st.stance_words.push(term_id("~?"));
                    }
                }
                TokenKind::Number => {
                    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
                    let id = term_id(&format!("#{digits}"));
                    st.numbers.push(id);
                    st.terms.push(id);
                    st.term_pos.push(i as u32);
                }
                TokenKind::Word => {
                    let norm = corroborate_text::token::normalize_word(raw);
                    let negated = norm.ends_with("n't") || is_listed(NEGATION, &norm);
                    if negated {
                        st.cues.negation += 1;
                        st.negation_pos.push(i as u32);
                    }
                    // An all-capital word is a name or acronym ("IS", "US"), never a
                    // function word.
                    let function_word =
                        lexicon::is_stopword(&norm) && !corroborate_text::token::is_all_caps(raw);
                    let mut stance_word = negated || function_word;
                    if lexicon::is_refuting(&norm) {
                        st.cues.refute += 1;
                        stance_word = true;
                    }
                    if lexicon::is_hedging(&norm) {
                        st.cues.hedge += 1;
                        stance_word = true;
                    }
                    if lexicon::is_reporting(&norm) {
                        st.cues.report += 1;
                        stance_word = true;
                    }
                    if stance_word {
                        st.stance_words.push(term_id(&format!("~{norm}")));
                    }
                    if negated {
                        // negations are function words but decide stances: keep one term
                        st.terms.push(term_id("¬"));
                        st.term_pos.push(i as u32);
                    } else if norm.contains('-') {
                        // "US-led" matches "led by the US": compare the parts.
                        for part in norm.split('-') {
                            if part.len() > 1 && !lexicon::is_stopword(part) {
                                st.terms.push(term_id(&lexicon::term(part)));
                                st.term_pos.push(i as u32);
                            }
                        }
                    } else if !function_word && norm.len() > 1 {
                        st.terms.push(term_id(&lexicon::term(&norm)));
                        st.term_pos.push(i as u32);
                    }
                }
            }
        }
        sentences.push(st);
    }
    TextTerms { sentences }
}

/// Sparse vector entry: (input index, value).
pub(crate) type Entry = (u32, f32);

/// Log term frequencies of `terms` hashed into `size` buckets at `offset`, L2-normalised,
/// sorted by index. A block of size 0 is switched off.
fn hashed_tf<'a>(terms: impl Iterator<Item = &'a u64>, size: usize, offset: usize) -> Vec<Entry> {
    if size == 0 {
        return Vec::new();
    }
    let mut counts: HashMap<u32, f32> = HashMap::default();
    for t in terms {
        *counts.entry((t % size as u64) as u32).or_default() += 1.0;
    }
    let mut v: Vec<Entry> = counts
        .into_iter()
        .map(|(k, c)| (offset as u32 + k, (1.0 + c).ln()))
        .collect();
    v.sort_by_key(|e| e.0);
    let norm = v.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        for e in &mut v {
            e.1 /= norm;
        }
    }
    v
}

/// TF-IDF vector over term ids, L2-normalised, sorted by term id (so that sums run in a
/// fixed order and results do not depend on a hasher's seed).
#[derive(Clone, Debug, Default)]
struct TfIdf {
    weights: Vec<(u64, f32)>,
}

impl TfIdf {
    fn new<'a>(terms: impl Iterator<Item = &'a u64>, idf: &[f32]) -> Self {
        let mut ids: Vec<u64> = terms.copied().collect();
        ids.sort_unstable();
        let mut weights: Vec<(u64, f32)> = Vec::new();
        for t in ids {
            match weights.last_mut() {
                Some(last) if last.0 == t => last.1 += 1.0,
                _ => weights.push((t, 1.0)),
            }
        }
        let mut norm = 0.0;
        for (t, w) in weights.iter_mut() {
            *w = (1.0 + w.ln()) * idf_of(idf, *t);
            norm += *w * *w;
        }
        let norm: f32 = norm.sqrt();
        if norm > 0.0 {
            for (_, w) in weights.iter_mut() {
                *w /= norm;
            }
        }
        TfIdf { weights }
    }
    fn dot(&self, other: &TfIdf) -> f32 {
        corroborate_text::sparse::dot(&self.weights, &other.weights)
    }
}

pub(crate) fn idf_of(idf: &[f32], term: u64) -> f32 {
    if idf.is_empty() {
        1.0
    } else {
        idf[(term % idf.len() as u64) as usize]
    }
}

/// An article analysed once for all the claims paired with it.
#[derive(Clone, Debug)]
pub struct ArticleFeatures {
    pub(crate) text: TextTerms,
    sentence_vecs: Vec<TfIdf>,
    body_vec: TfIdf,
    terms: HashMap<u64, u32>,
    /// The hashed article block of the input vector.
    pub(crate) body_block: Vec<Entry>,
    cues: Cues,
    words: usize,
}

pub(crate) fn article_features(text: &str, layout: &Layout, idf: &[f32]) -> ArticleFeatures {
    article_features_of(analyze_text(text), layout, idf)
}

pub(crate) fn article_features_of(
    text: TextTerms,
    layout: &Layout,
    idf: &[f32],
) -> ArticleFeatures {
    let all = || text.sentences.iter().flat_map(|s| s.terms.iter());
    let sentence_vecs = text
        .sentences
        .iter()
        .map(|s| TfIdf::new(s.terms.iter(), idf))
        .collect();
    let body_vec = TfIdf::new(all(), idf);
    let mut terms: HashMap<u64, u32> = HashMap::default();
    for t in all() {
        *terms.entry(*t).or_default() += 1;
    }
    let body_block = hashed_tf(
        text.sentences.iter().flat_map(|s| s.stance_words.iter()),
        layout.body,
        layout.body_offset(),
    );
    let mut cues = Cues::default();
    for s in &text.sentences {
        cues.add(&s.cues);
    }
    let words = all().count();
    ArticleFeatures {
        text,
        sentence_vecs,
        body_vec,
        terms,
        body_block,
        cues,
        words,
    }
}

/// What a claim-article pair contributes beyond the shared article block.
#[derive(Clone, Debug)]
pub(crate) struct PairFeatures {
    /// Claim block, aligned-sentence block and the dense features, sorted by index.
    pub own: Vec<Entry>,
    /// Sentence indices of the article, most similar to the claim first.
    pub ranked: Vec<(usize, f32)>,
}

fn l1p(x: u32) -> f32 {
    (1.0 + x as f32).ln()
}

pub(crate) fn pair_features(
    claim: &str,
    article: &ArticleFeatures,
    layout: &Layout,
    idf: &[f32],
) -> PairFeatures {
    let claim_text = analyze_text(claim);
    let claim_terms: Vec<u64> = claim_text
        .sentences
        .iter()
        .flat_map(|s| s.terms.iter().copied())
        .collect();
    let mut claim_cues = Cues::default();
    for s in &claim_text.sentences {
        claim_cues.add(&s.cues);
    }
    let claim_vec = TfIdf::new(claim_terms.iter(), idf);
    // Sorted and deduplicated, so that sums over it run in a fixed order.
    let mut claim_set: Vec<u64> = claim_terms.clone();
    claim_set.sort_unstable();
    claim_set.dedup();

    let mut ranked: Vec<(usize, f32)> = article
        .sentence_vecs
        .iter()
        .enumerate()
        .map(|(i, v)| (i, claim_vec.dot(v)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));

    let top: Vec<&SentenceTerms> = ranked
        .iter()
        .take(TOP_SENTENCES)
        .map(|&(i, _)| &article.text.sentences[i])
        .collect();

    // Topic words of the claim and of the aligned sentences do not carry over to other
    // stories (grouped cross-validation drops when they are used); their stance words do.
    let mut own = hashed_tf(
        claim_text
            .sentences
            .iter()
            .flat_map(|s| s.stance_words.iter()),
        layout.claim,
        0,
    );
    own.extend(hashed_tf(
        top.iter().flat_map(|s| s.stance_words.iter()),
        layout.top,
        layout.top_offset(),
    ));

    // Cues in the aligned sentences, and negations near words shared with the claim.
    let mut top_cues = Cues::default();
    let mut neg_near = 0u32;
    let mut top_overlap = 0.0f32;
    for (rank, s) in top.iter().enumerate() {
        top_cues.add(&s.cues);
        let shared_pos: Vec<u32> = s
            .terms
            .iter()
            .zip(&s.term_pos)
            .filter(|(t, _)| claim_set.contains(t))
            .map(|(_, &p)| p)
            .collect();
        for &n in &s.negation_pos {
            if shared_pos.iter().any(|&p| p.abs_diff(n) as usize <= NEAR) {
                neg_near += 1;
            }
        }
        if rank == 0 && !claim_set.is_empty() {
            let sset: HashSet<&u64> = s.terms.iter().collect();
            top_overlap = claim_set.iter().filter(|t| sset.contains(t)).count() as f32
                / claim_set.len() as f32;
        }
    }

    let n_claim = claim_set.len().max(1) as f32;
    let found = claim_set
        .iter()
        .filter(|t| article.terms.contains_key(t))
        .count() as f32;
    let idf_found: f32 = claim_set
        .iter()
        .filter(|t| article.terms.contains_key(t))
        .map(|t| idf_of(idf, *t))
        .sum();
    let idf_all: f32 = claim_set
        .iter()
        .map(|t| idf_of(idf, *t))
        .sum::<f32>()
        .max(1e-6);
    let lead: HashSet<u64> = article
        .text
        .sentences
        .iter()
        .take(2)
        .flat_map(|s| s.terms.iter().copied())
        .collect();
    let lead_found = claim_set.iter().filter(|t| lead.contains(t)).count() as f32;
    // Claim bigrams that occur in the article, in order.
    let claim_bigrams: HashSet<(u64, u64)> = claim_terms.windows(2).map(|w| (w[0], w[1])).collect();
    let mut body_bigrams = 0usize;
    if !claim_bigrams.is_empty() {
        let mut seen = HashSet::default();
        for s in &article.text.sentences {
            for w in s.terms.windows(2) {
                if claim_bigrams.contains(&(w[0], w[1])) {
                    seen.insert((w[0], w[1]));
                }
            }
        }
        body_bigrams = seen.len();
    }
    let claim_numbers: std::collections::BTreeSet<u64> = claim_text
        .sentences
        .iter()
        .flat_map(|s| s.numbers.iter().copied())
        .collect();
    let numbers_found = claim_numbers
        .iter()
        .filter(|n| article.terms.contains_key(n))
        .count() as f32;
    let numbers_missing = claim_numbers.len() as f32 - numbers_found;
    let top_numbers: usize = top.iter().map(|s| s.numbers.len()).sum();

    let sim = |k: usize| ranked.get(k).map_or(0.0, |r| r.1);
    // Cues of the best sentence alone, and of every sentence that talks about the claim.
    let best_cues = top.first().map_or(Cues::default(), |s| s.cues);
    let mut related_cues = Cues::default();
    let mut related = 0usize;
    for &(i, sim) in &ranked {
        if sim < RELATED_SENTENCE {
            break;
        }
        related += 1;
        related_cues.add(&article.text.sentences[i].cues);
    }
    // How close the claim comes in the article's own voice, and in hedged, attributed or
    // negated sentences: "agree" restates the claim plainly, "discuss" with attribution.
    let mut own_voice = 0.0f32;
    let mut hedged = 0.0f32;
    let mut attributed = 0.0f32;
    let mut negated = 0.0f32;
    for &(i, sim) in &ranked {
        let c = &article.text.sentences[i].cues;
        if c.hedge == 0 && c.report == 0 && c.refute == 0 && c.negation == 0 {
            own_voice = own_voice.max(sim);
        }
        if c.hedge > 0 {
            hedged = hedged.max(sim);
        }
        if c.report > 0 {
            attributed = attributed.max(sim);
        }
        if c.refute > 0 || c.negation > 0 {
            negated = negated.max(sim);
        }
    }
    let claim_refutes = f32::from(claim_cues.refute > 0 || claim_cues.negation > 0);
    let lead_sim = article
        .sentence_vecs
        .first()
        .map_or(0.0, |v| claim_vec.dot(v));
    let n_sent = article.text.sentences.len().max(1) as f32;
    let best_pos = ranked.first().map_or(1.0, |r| r.0 as f32 / n_sent);
    let body_words = article.words.max(1) as f32;
    let rate = |c: u32| c as f32 * 100.0 / body_words;

    let dense: [f32; DENSE] = [
        claim_vec.dot(&article.body_vec),
        sim(0),
        sim(1),
        sim(2),
        (sim(0) + sim(1) + sim(2)) / 3.0,
        found / n_claim,
        idf_found / idf_all,
        lead_found / n_claim,
        top_overlap,
        body_bigrams as f32 / (claim_bigrams.len().max(1) as f32),
        l1p(body_bigrams as u32),
        best_pos,
        l1p(article.cues.refute),
        l1p(article.cues.hedge),
        l1p(article.cues.report),
        l1p(article.cues.negation),
        l1p(article.cues.quote),
        l1p(article.cues.question),
        rate(article.cues.refute),
        rate(article.cues.hedge),
        l1p(top_cues.refute),
        l1p(top_cues.hedge),
        l1p(top_cues.report),
        l1p(top_cues.negation),
        l1p(top_cues.quote),
        l1p(neg_near),
        l1p(claim_cues.refute),
        l1p(claim_cues.hedge),
        l1p(claim_cues.negation),
        l1p(claim_cues.question),
        numbers_found,
        numbers_missing,
        l1p(top_numbers as u32),
        (body_words).ln(),
        (claim_terms.len() as f32 + 1.0).ln(),
        n_sent.ln(),
        lead_sim,
        l1p(best_cues.hedge),
        l1p(best_cues.report),
        l1p(best_cues.refute),
        l1p(best_cues.negation),
        related as f32 / n_sent,
        l1p(related_cues.hedge),
        l1p(related_cues.refute),
        l1p(related_cues.report),
        own_voice,
        hedged,
        attributed,
        negated,
        // The claim's polarity against the article's: a claim that calls something a hoax,
        // met by an article that tells it plainly, disagrees; so does a plain claim met by
        // negated sentences.
        claim_refutes,
        claim_refutes * own_voice,
        claim_refutes * f32::from(related_cues.refute == 0),
        (1.0 - claim_refutes) * negated,
    ];
    let off = layout.dense_offset() as u32;
    own.extend(dense.iter().enumerate().map(|(i, &v)| (off + i as u32, v)));
    PairFeatures { own, ranked }
}

/// The relatedness stage's input: the [`RELATEDNESS`] dense features of a pair's own
/// entries (already standardised), renumbered from 0.
pub(crate) fn relatedness_input(own: &[Entry], layout: &Layout) -> Vec<Entry> {
    let off = layout.dense_offset() as u32;
    own.iter()
        .filter(|e| e.0 >= off)
        .filter_map(|e| {
            RELATEDNESS
                .iter()
                .position(|&k| k as u32 == e.0 - off)
                .map(|pos| (pos as u32, e.1))
        })
        .collect()
}

/// Document frequencies over `texts`, hashed into `size` buckets, as smoothed IDF.
pub(crate) fn idf_table<'a>(texts: impl Iterator<Item = &'a TextTerms>, size: usize) -> Vec<f32> {
    let mut df = vec![0u32; size];
    let mut n = 0u32;
    let mut seen = HashSet::default();
    for t in texts {
        n += 1;
        seen.clear();
        for s in &t.sentences {
            for term in &s.terms {
                if seen.insert((term % size as u64) as usize) {
                    df[(term % size as u64) as usize] += 1;
                }
            }
        }
    }
    df.iter()
        .map(|&d| ((1.0 + n as f32) / (1.0 + d as f32)).ln() + 1.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_are_counted_per_sentence() {
        let t = analyze_text("The story is a hoax. Officials reportedly said it is not true.");
        assert_eq!(t.sentences.len(), 2);
        assert_eq!(t.sentences[0].cues.refute, 1);
        assert_eq!(t.sentences[1].cues.hedge, 1);
        assert_eq!(t.sentences[1].cues.negation, 1);
    }

    #[test]
    fn the_nearest_sentence_ranks_first() {
        let layout = Layout {
            claim: 16,
            body: 32,
            top: 16,
            idf: 64,
        };
        let a = article_features(
            "The weather was mild. Syria joined the coalition against IS on Monday.",
            &layout,
            &[],
        );
        let p = pair_features("Syria joins coalition against IS", &a, &layout, &[]);
        assert_eq!(p.ranked[0].0, 1);
        let article_similarity = p.own.iter().find(|e| e.0 as usize == layout.dense_offset());
        assert!(article_similarity.is_some_and(|e| e.1 > 0.5), "{:?}", p.own);
    }
}
