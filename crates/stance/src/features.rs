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

/// Declares the dense-feature enum and its `ALL` from one list, so the input order is
/// written once.
macro_rules! dense_features {
    (
        $(#[$meta:meta])*
        $vis:vis enum $enum:ident { $( $(#[doc = $doc:expr])* $name:ident, )* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(usize)]
        $vis enum $enum {
            $( $(#[doc = $doc])* $name, )*
        }

        impl $enum {
            /// Every dense feature, in input order: `ALL[i] as usize == i`.
            pub const ALL: [$enum; DENSE] = [$($enum::$name),*];
        }
    };
}

dense_features! {
    /// The dense features of a pair, in the order they enter the input vector (after the three
    /// hashed blocks). The shipped weights (`weights/stance-fnc1.bin`: the dense means and
    /// scales, the perceptrons' rows and the relatedness stage's inputs) were trained in this
    /// order, and the file records only the count, not the names: a new feature goes at the
    /// end, and reordering or removing one means retraining. Cue counts are `ln(1 + n)`;
    /// "top" is the [`TOP_SENTENCES`] sentences nearest the claim, "nearest" the one most
    /// similar to it, "related" every sentence at least [`RELATED_SENTENCE`] similar to it.
    pub(crate) enum Feature {
        /// TF-IDF cosine of the claim and the whole article.
        ArticleSimilarity,
        /// TF-IDF cosine of the claim and its nearest sentence.
        NearestSimilarity,
        /// ... and its second nearest sentence.
        SecondSimilarity,
        /// ... and its third nearest sentence.
        ThirdSimilarity,
        /// Mean of the three above.
        TopSimilarity,
        /// Share of the claim's distinct terms found in the article.
        ClaimTermsFound,
        /// The same share weighted by IDF.
        ClaimIdfFound,
        /// Share of the claim's distinct terms found in the article's first two sentences.
        ClaimTermsInLead,
        /// Share of the claim's distinct terms found in the nearest sentence.
        NearestOverlap,
        /// Share of the claim's bigrams found in an article sentence.
        ClaimBigramsFound,
        /// Count of the claim's bigrams found in the article.
        ClaimBigramCount,
        /// Position of the nearest sentence, 0 at the start of the article, towards 1 at its end.
        NearestPosition,
        ArticleRefuting,
        ArticleHedging,
        ArticleReporting,
        ArticleNegations,
        ArticleQuotes,
        ArticleQuestions,
        /// Refuting words per hundred terms of the article.
        ArticleRefutingRate,
        /// Hedging words per hundred terms of the article.
        ArticleHedgingRate,
        TopRefuting,
        TopHedging,
        TopReporting,
        TopNegations,
        TopQuotes,
        /// Negations within [`NEAR`] tokens of a word shared with the claim, in the top sentences.
        NegationsNearClaimWords,
        ClaimRefuting,
        ClaimHedging,
        ClaimNegations,
        ClaimQuestions,
        /// The claim's distinct numbers found in the article (a plain count).
        ClaimNumbersFound,
        /// The claim's distinct numbers missing from the article (a plain count).
        ClaimNumbersMissing,
        /// Numbers in the top sentences.
        TopNumbers,
        /// `ln` of the article's term count.
        ArticleLength,
        /// `ln(1 + n)` of the claim's term count.
        ClaimLength,
        /// `ln` of the article's sentence count.
        ArticleSentences,
        /// TF-IDF cosine of the claim and the article's first sentence.
        LeadSimilarity,
        NearestHedging,
        NearestReporting,
        NearestRefuting,
        NearestNegations,
        /// Share of the article's sentences that are related to the claim.
        RelatedShare,
        RelatedHedging,
        RelatedRefuting,
        RelatedReporting,
        /// Highest similarity of a sentence with no hedge, reporting, refuting word or negation.
        OwnVoiceSimilarity,
        /// Highest similarity of a hedged sentence.
        HedgedSimilarity,
        /// Highest similarity of a sentence with a reporting word.
        AttributedSimilarity,
        /// Highest similarity of a sentence with a refuting word or a negation.
        NegatedSimilarity,
        /// 1 when the claim itself carries a refuting word or a negation, else 0.
        ClaimRefutes,
        /// A refuting claim met by the article's own voice.
        RefutingClaimOwnVoice,
        /// A refuting claim met by no refuting word in the related sentences.
        RefutingClaimUnrefuted,
        /// A plain claim met by negated sentences.
        PlainClaimNegated,
    }
}

/// Number of dense features (see [`Feature`]).
pub(crate) const DENSE: usize = 53;

impl Feature {
    /// Position in the dense block.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The dense features that say whether the article is about the claim at all (similarity,
/// overlap, numbers, lengths): the related-vs-unrelated stage sees only these, in this
/// order, so cue words alone can never make an article that shares nothing with the claim
/// "refute" it.
pub(crate) const RELATEDNESS: &[Feature] = {
    use Feature::*;
    &[
        ArticleSimilarity,
        NearestSimilarity,
        SecondSimilarity,
        ThirdSimilarity,
        TopSimilarity,
        ClaimTermsFound,
        ClaimIdfFound,
        ClaimTermsInLead,
        NearestOverlap,
        ClaimBigramsFound,
        ClaimBigramCount,
        NearestPosition,
        ClaimNumbersFound,
        ClaimNumbersMissing,
        ArticleLength,
        ClaimLength,
        ArticleSentences,
        LeadSimilarity,
        RelatedShare,
    ]
};

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
    let claim = ClaimTerms::new(claim, idf);
    let ranked = rank_sentences(&claim.vec, article);
    let top: Vec<&SentenceTerms> = ranked
        .iter()
        .take(TOP_SENTENCES)
        .map(|&(i, _)| &article.text.sentences[i])
        .collect();
    let mut own = stance_word_blocks(&claim, &top, layout);
    let dense = dense_features(&claim, article, &ranked, &top, idf);
    let off = layout.dense_offset() as u32;
    own.extend(dense.iter().enumerate().map(|(i, &v)| (off + i as u32, v)));
    PairFeatures { own, ranked }
}

/// The claim side of a pair, analysed like an article.
struct ClaimTerms {
    text: TextTerms,
    /// Term ids in reading order, across sentences.
    terms: Vec<u64>,
    /// Distinct term ids, sorted, so that sums over them run in a fixed order.
    set: Vec<u64>,
    cues: Cues,
    vec: TfIdf,
}

impl ClaimTerms {
    fn new(claim: &str, idf: &[f32]) -> Self {
        let text = analyze_text(claim);
        let terms: Vec<u64> = text
            .sentences
            .iter()
            .flat_map(|s| s.terms.iter().copied())
            .collect();
        let mut cues = Cues::default();
        for s in &text.sentences {
            cues.add(&s.cues);
        }
        let vec = TfIdf::new(terms.iter(), idf);
        let mut set: Vec<u64> = terms.clone();
        set.sort_unstable();
        set.dedup();
        ClaimTerms {
            text,
            terms,
            set,
            cues,
            vec,
        }
    }
}

/// The article's sentences by TF-IDF similarity to the claim, most similar first (ties in
/// reading order).
fn rank_sentences(claim: &TfIdf, article: &ArticleFeatures) -> Vec<(usize, f32)> {
    let mut ranked: Vec<(usize, f32)> = article
        .sentence_vecs
        .iter()
        .enumerate()
        .map(|(i, v)| (i, claim.dot(v)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
}

/// The hashed claim block and aligned-sentence block. Topic words of the claim and of the
/// aligned sentences do not carry over to other stories (grouped cross-validation drops
/// when they are used); their stance words do.
fn stance_word_blocks(claim: &ClaimTerms, top: &[&SentenceTerms], layout: &Layout) -> Vec<Entry> {
    let mut own = hashed_tf(
        claim
            .text
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
    own
}

/// Cues in the aligned (top) sentences, and negations near words shared with the claim.
struct Aligned {
    cues: Cues,
    negations_near: u32,
    /// Share of the claim's distinct terms in the nearest sentence.
    nearest_overlap: f32,
    numbers: usize,
}

fn aligned(claim: &ClaimTerms, top: &[&SentenceTerms]) -> Aligned {
    let mut cues = Cues::default();
    let mut negations_near = 0u32;
    let mut nearest_overlap = 0.0f32;
    for (rank, s) in top.iter().enumerate() {
        cues.add(&s.cues);
        let shared_pos: Vec<u32> = s
            .terms
            .iter()
            .zip(&s.term_pos)
            .filter(|(t, _)| claim.set.contains(t))
            .map(|(_, &p)| p)
            .collect();
        for &n in &s.negation_pos {
            if shared_pos.iter().any(|&p| p.abs_diff(n) as usize <= NEAR) {
                negations_near += 1;
            }
        }
        if rank == 0 && !claim.set.is_empty() {
            let sset: HashSet<&u64> = s.terms.iter().collect();
            nearest_overlap = claim.set.iter().filter(|t| sset.contains(t)).count() as f32
                / claim.set.len() as f32;
        }
    }
    Aligned {
        cues,
        negations_near,
        nearest_overlap,
        numbers: top.iter().map(|s| s.numbers.len()).sum(),
    }
}

/// How much of the claim the article contains: terms, IDF mass, the lead, bigrams, numbers.
struct Overlap {
    found: f32,
    idf_found: f32,
    idf_all: f32,
    lead_found: f32,
    claim_bigrams: usize,
    bigrams_found: usize,
    numbers_found: f32,
    numbers_missing: f32,
}

fn overlap(claim: &ClaimTerms, article: &ArticleFeatures, idf: &[f32]) -> Overlap {
    let found = claim
        .set
        .iter()
        .filter(|t| article.terms.contains_key(t))
        .count() as f32;
    let idf_found: f32 = claim
        .set
        .iter()
        .filter(|t| article.terms.contains_key(t))
        .map(|t| idf_of(idf, *t))
        .sum();
    let idf_all: f32 = claim
        .set
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
    let lead_found = claim.set.iter().filter(|t| lead.contains(t)).count() as f32;
    // Claim bigrams that occur in the article, in order.
    let claim_bigrams: HashSet<(u64, u64)> = claim.terms.windows(2).map(|w| (w[0], w[1])).collect();
    let mut bigrams_found = 0usize;
    if !claim_bigrams.is_empty() {
        let mut seen = HashSet::default();
        for s in &article.text.sentences {
            for w in s.terms.windows(2) {
                if claim_bigrams.contains(&(w[0], w[1])) {
                    seen.insert((w[0], w[1]));
                }
            }
        }
        bigrams_found = seen.len();
    }
    let claim_numbers: std::collections::BTreeSet<u64> = claim
        .text
        .sentences
        .iter()
        .flat_map(|s| s.numbers.iter().copied())
        .collect();
    let numbers_found = claim_numbers
        .iter()
        .filter(|n| article.terms.contains_key(n))
        .count() as f32;
    Overlap {
        found,
        idf_found,
        idf_all,
        lead_found,
        claim_bigrams: claim_bigrams.len(),
        bigrams_found,
        numbers_found,
        numbers_missing: claim_numbers.len() as f32 - numbers_found,
    }
}

/// In what voice the article comes close to the claim: "agree" restates the claim plainly,
/// "discuss" with attribution; and the cues of the sentences that talk about it.
struct Voices {
    /// Sentences at least [`RELATED_SENTENCE`] similar to the claim, and their cues.
    related: usize,
    related_cues: Cues,
    own_voice: f32,
    hedged: f32,
    attributed: f32,
    negated: f32,
}

fn voices(ranked: &[(usize, f32)], article: &ArticleFeatures) -> Voices {
    let mut related_cues = Cues::default();
    let mut related = 0usize;
    for &(i, sim) in ranked {
        if sim < RELATED_SENTENCE {
            break;
        }
        related += 1;
        related_cues.add(&article.text.sentences[i].cues);
    }
    let mut own_voice = 0.0f32;
    let mut hedged = 0.0f32;
    let mut attributed = 0.0f32;
    let mut negated = 0.0f32;
    for &(i, sim) in ranked {
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
    Voices {
        related,
        related_cues,
        own_voice,
        hedged,
        attributed,
        negated,
    }
}

/// The dense block, each feature by name (see [`Feature`] for what each one is).
fn dense_features(
    claim: &ClaimTerms,
    article: &ArticleFeatures,
    ranked: &[(usize, f32)],
    top: &[&SentenceTerms],
    idf: &[f32],
) -> [f32; DENSE] {
    let aligned = aligned(claim, top);
    let overlap = overlap(claim, article, idf);
    let voices = voices(ranked, article);
    let n_claim = claim.set.len().max(1) as f32;
    let sim = |k: usize| ranked.get(k).map_or(0.0, |r| r.1);
    let best_cues = top.first().map_or(Cues::default(), |s| s.cues);
    let claim_refutes = f32::from(claim.cues.refute > 0 || claim.cues.negation > 0);
    let n_sent = article.text.sentences.len().max(1) as f32;
    let body_words = article.words.max(1) as f32;
    let rate = |c: u32| c as f32 * 100.0 / body_words;
    Feature::ALL.map(|feature| match feature {
        Feature::ArticleSimilarity => claim.vec.dot(&article.body_vec),
        Feature::NearestSimilarity => sim(0),
        Feature::SecondSimilarity => sim(1),
        Feature::ThirdSimilarity => sim(2),
        Feature::TopSimilarity => (sim(0) + sim(1) + sim(2)) / 3.0,
        Feature::ClaimTermsFound => overlap.found / n_claim,
        Feature::ClaimIdfFound => overlap.idf_found / overlap.idf_all,
        Feature::ClaimTermsInLead => overlap.lead_found / n_claim,
        Feature::NearestOverlap => aligned.nearest_overlap,
        Feature::ClaimBigramsFound => {
            overlap.bigrams_found as f32 / (overlap.claim_bigrams.max(1) as f32)
        }
        Feature::ClaimBigramCount => l1p(overlap.bigrams_found as u32),
        Feature::NearestPosition => ranked.first().map_or(1.0, |r| r.0 as f32 / n_sent),
        Feature::ArticleRefuting => l1p(article.cues.refute),
        Feature::ArticleHedging => l1p(article.cues.hedge),
        Feature::ArticleReporting => l1p(article.cues.report),
        Feature::ArticleNegations => l1p(article.cues.negation),
        Feature::ArticleQuotes => l1p(article.cues.quote),
        Feature::ArticleQuestions => l1p(article.cues.question),
        Feature::ArticleRefutingRate => rate(article.cues.refute),
        Feature::ArticleHedgingRate => rate(article.cues.hedge),
        Feature::TopRefuting => l1p(aligned.cues.refute),
        Feature::TopHedging => l1p(aligned.cues.hedge),
        Feature::TopReporting => l1p(aligned.cues.report),
        Feature::TopNegations => l1p(aligned.cues.negation),
        Feature::TopQuotes => l1p(aligned.cues.quote),
        Feature::NegationsNearClaimWords => l1p(aligned.negations_near),
        Feature::ClaimRefuting => l1p(claim.cues.refute),
        Feature::ClaimHedging => l1p(claim.cues.hedge),
        Feature::ClaimNegations => l1p(claim.cues.negation),
        Feature::ClaimQuestions => l1p(claim.cues.question),
        Feature::ClaimNumbersFound => overlap.numbers_found,
        Feature::ClaimNumbersMissing => overlap.numbers_missing,
        Feature::TopNumbers => l1p(aligned.numbers as u32),
        Feature::ArticleLength => body_words.ln(),
        Feature::ClaimLength => (claim.terms.len() as f32 + 1.0).ln(),
        Feature::ArticleSentences => n_sent.ln(),
        Feature::LeadSimilarity => article
            .sentence_vecs
            .first()
            .map_or(0.0, |v| claim.vec.dot(v)),
        Feature::NearestHedging => l1p(best_cues.hedge),
        Feature::NearestReporting => l1p(best_cues.report),
        Feature::NearestRefuting => l1p(best_cues.refute),
        Feature::NearestNegations => l1p(best_cues.negation),
        Feature::RelatedShare => voices.related as f32 / n_sent,
        Feature::RelatedHedging => l1p(voices.related_cues.hedge),
        Feature::RelatedRefuting => l1p(voices.related_cues.refute),
        Feature::RelatedReporting => l1p(voices.related_cues.report),
        Feature::OwnVoiceSimilarity => voices.own_voice,
        Feature::HedgedSimilarity => voices.hedged,
        Feature::AttributedSimilarity => voices.attributed,
        Feature::NegatedSimilarity => voices.negated,
        // The claim's polarity against the article's: a claim that calls something a hoax,
        // met by an article that tells it plainly, disagrees; so does a plain claim met by
        // negated sentences.
        Feature::ClaimRefutes => claim_refutes,
        Feature::RefutingClaimOwnVoice => claim_refutes * voices.own_voice,
        Feature::RefutingClaimUnrefuted => {
            claim_refutes * f32::from(voices.related_cues.refute == 0)
        }
        Feature::PlainClaimNegated => (1.0 - claim_refutes) * voices.negated,
    })
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
                .position(|&f| f.index() as u32 == e.0 - off)
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

    #[test]
    fn each_feature_sits_at_its_place_in_the_input() {
        for (i, f) in Feature::ALL.iter().enumerate() {
            assert_eq!(f.index(), i, "{f:?}");
        }
        // The shipped relatedness stage reads these dense slots, in this order.
        let slots: Vec<usize> = RELATEDNESS.iter().map(|f| f.index()).collect();
        assert_eq!(
            slots,
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 30, 31, 33, 34, 35, 36, 41]
        );
    }

    #[test]
    fn features_are_read_by_name() {
        let layout = Layout {
            claim: 0,
            body: 0,
            top: 0,
            idf: 0,
        };
        let a = article_features(
            "Officials said the report is a hoax. It is not true that 12 ships sank.",
            &layout,
            &[],
        );
        let p = pair_features("12 ships sank", &a, &layout, &[]);
        let dense = |f: Feature| {
            p.own
                .iter()
                .find(|e| e.0 as usize == layout.dense_offset() + f.index())
                .map(|e| e.1)
        };
        assert_eq!(dense(Feature::ClaimNumbersFound), Some(1.0));
        assert_eq!(dense(Feature::ClaimNumbersMissing), Some(0.0));
        assert_eq!(dense(Feature::ClaimRefutes), Some(0.0));
        assert_eq!(dense(Feature::ArticleRefuting), Some(2f32.ln()));
        assert_eq!(dense(Feature::ArticleSentences), Some(2f32.ln()));
        assert!(dense(Feature::NegatedSimilarity).is_some_and(|v| v > 0.5));
        assert_eq!(p.own.len(), DENSE);
    }
}
