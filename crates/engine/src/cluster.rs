//! Stories: articles about the same story, grouped as a stream.
//!
//! Each article is assigned on arrival, in input order, and never moved afterwards:
//!
//! 1. It becomes a TF-IDF vector over comparison terms (entities and the lead's words
//!    weighted up, headline words added). Document frequencies are those of the articles seen so far, so the
//!    result does not depend on articles that have not arrived yet.
//! 2. Candidate articles come from an inverted index over terms (term-at-a-time scoring of
//!    the article's most distinctive terms; each posting list keeps only its most recent
//!    entries), never from comparing against every article or story.
//! 3. A story's score is the mean of its best `link_members` member similarities (one
//!    similar article is not enough to join a large story: no centroid drift, no chaining).
//!    The best story at or above `join_threshold` gets the article; otherwise the article
//!    opens a new story. A story whose members were all published more than
//!    `cold_after_days` before the article (it has gone quiet), or all more than that after
//!    it (an old article arriving late), is cold to it and cannot take it; index entries
//!    of articles that old are dropped as reached.
//! 4. When an article links two stories above `merge_threshold`, the younger story merges
//!    into the older one, which keeps its id and records the merge.
//! 5. Average-link consolidation: the story that took the article is compared with the
//!    article's next `consolidate_candidates` candidate stories by their average member
//!    similarity (read exactly from each story's summed member vector, cut to its
//!    `centroid_terms` heaviest terms); at `consolidate_threshold` the two merge as in 4.
//!    This repairs what arrival order split: a story's first articles may have opened two
//!    stories before the articles that show they are one arrived.
//!
//! With sentence embeddings (optional: [`cluster_embedded`], [`StoryStream::push_embedded`]),
//! step 3 scores a story as `(1 - w) · lexical + w · cosine(article, story centroid)` under
//! `ClusterConfig::embedding`, and LSH buckets over the embeddings may add candidates;
//! the bounds on work stay the same.
//!
//! Story ids are derived from the first article of a story, so re-running the same input
//! gives the same ids and adding articles never renames an existing story.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write;

use corroborate_text::dates::DateValue;
use corroborate_text::token::{is_unspaced, normalize_word, tokenize, TokenKind, UnspacedPairs};
use corroborate_text::{fold, lexicon, ParaKind};

use crate::config::{ClusterConfig, EmbeddingConfig, IdfSource};
use crate::doc::Doc;
use crate::entities::{EntityIndex, Mention};

/// The stories found, as document indices in input order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clustering {
    /// Each story's documents, in arrival order; stories in order of their first document.
    pub stories: Vec<Vec<usize>>,
    /// For each story, the first documents of the stories merged into it.
    pub merged: Vec<Vec<usize>>,
}

/// Maps term strings to dense ids.
#[derive(Default)]
pub struct Interner(foldhash::HashMap<String, u32>);

impl Interner {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.0.get(s) {
            return id;
        }
        let next = self.0.len() as u32;
        self.0.insert(s.to_string(), next);
        next
    }
}

/// Whether some mention spans `start..end`, in O(log M) per word instead of a scan of
/// every mention of the sentence (issue 23: one 500 kB sentence with no break spent most
/// of its time in that scan). Mentions sorted by start, with the running maximum of their
/// ends: a mention covers the word iff one starting at or before it ends at or after it.
pub(crate) struct Coverage {
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl Coverage {
    pub(crate) fn new(mentions: &[Mention]) -> Coverage {
        let mut spans: Vec<(usize, usize)> = mentions.iter().map(|x| (x.start, x.end)).collect();
        spans.sort_unstable();
        let mut max_end = Vec::with_capacity(spans.len());
        let mut best = 0;
        for &(_, end) in &spans {
            best = best.max(end);
            max_end.push(best);
        }
        Coverage {
            starts: spans.into_iter().map(|(s, _)| s).collect(),
            max_end,
        }
    }

    pub(crate) fn covers(&self, start: usize, end: usize) -> bool {
        let n = self.starts.partition_point(|&s| s <= start);
        n > 0 && self.max_end[n - 1] >= end
    }
}

/// Raw weighted term counts of one article: body terms, entities (weighted), headline
/// words (weighted); what the lead sentences say counts `lead_weight` times.
pub fn term_counts(
    doc: &Doc,
    mentions: &[Mention],
    cfg: &ClusterConfig,
    terms: &mut Interner,
) -> Vec<(u32, f32)> {
    let mut counts: foldhash::HashMap<u32, f32> = foldhash::HashMap::default();
    let mut m = 0; // mentions are in sentence order
    let mut entity_key = String::new();
    let mut prose = 0usize;
    // terms come from English rules; another language's function words are dropped here,
    // or two articles in that language would look alike for their "der", "und" and "die"
    let foreign = doc
        .article
        .language
        .as_deref()
        .filter(|l| !l.eq_ignore_ascii_case("en"))
        .map(str::to_ascii_lowercase);
    let function_word = |norm: &str| {
        foreign
            .as_deref()
            .is_some_and(|l| lexicon::is_stopword_in(l, norm))
    };
    for (si, s) in doc.sentences.iter().enumerate() {
        if !matches!(s.kind, ParaKind::Prose | ParaKind::Headline) {
            continue;
        }
        prose += 1;
        // the lead states what the article reports
        let boost = if prose <= cfg.lead_sentences {
            cfg.lead_weight as f32
        } else {
            1.0
        };
        while m < mentions.len() && mentions[m].sentence < si {
            m += 1;
        }
        let first = m;
        while m < mentions.len() && mentions[m].sentence == si {
            entity_key.clear();
            // the mark keeps entity ids apart from any word
            let _ = write!(entity_key, "\u{1}{}", mentions[m].entity);
            *counts.entry(terms.id(&entity_key)).or_default() += cfg.entity_weight as f32 * boost;
            m += 1;
        }
        let covered = Coverage::new(&mentions[first..m]);
        for w in &s.words {
            if w.term.is_empty() || covered.covers(w.start, w.end) || function_word(&w.norm) {
                continue;
            }
            // a character pair (`doc`'s term for text without spaces) says less than a word
            let weight = if doc.text()[w.start..w.end].starts_with(is_unspaced) {
                cfg.unspaced_pair_weight as f32
            } else {
                1.0
            };
            *counts.entry(terms.id(&w.term)).or_default() += boost * weight;
        }
    }
    if let Some(title) = &doc.article.title {
        let mut pairs = UnspacedPairs::default();
        for t in tokenize(title) {
            if t.kind != TokenKind::Word {
                pairs.next(title, t.start, t.end);
                continue;
            }
            if let Some(unspaced) = pairs.next(title, t.start, t.end) {
                if let Some(pair) = unspaced {
                    *counts.entry(terms.id(pair)).or_default() +=
                        (cfg.title_weight * cfg.unspaced_pair_weight) as f32;
                }
                continue;
            }
            let raw = t.text(title);
            let norm = normalize_word(raw);
            if lexicon::is_stopword(&norm) || lexicon::is_reporting(&norm) || function_word(&norm) {
                continue;
            }
            let term = if raw.chars().next().is_some_and(char::is_uppercase) {
                fold::name_key(raw)
            } else {
                foreign
                    .as_deref()
                    .and_then(|l| lexicon::term_in(l, raw))
                    .unwrap_or_else(|| lexicon::term(&norm))
            };
            if !term.is_empty() {
                *counts.entry(terms.id(&term)).or_default() += cfg.title_weight as f32;
            }
        }
    }
    let mut v: Vec<(u32, f32)> = counts.into_iter().collect();
    v.sort_unstable_by_key(|(t, _)| *t);
    v
}

/// The years an article's headline and first `sentences` prose or headline sentences
/// mention (four-digit numbers from 1900 to 2099), distinct and sorted: when what it
/// reports happened, where it says so. Years further down are mostly background.
pub fn lead_years(doc: &Doc, sentences: usize) -> Vec<i16> {
    let year = |norm: &str| {
        norm.parse::<i16>()
            .ok()
            .filter(|y| norm.len() == 4 && (1900..2100).contains(y))
    };
    let mut years: Vec<i16> = doc
        .sentences
        .iter()
        .filter(|s| matches!(s.kind, ParaKind::Prose | ParaKind::Headline))
        .take(sentences)
        .flat_map(|s| &s.words)
        .filter(|w| w.kind == TokenKind::Number)
        .filter_map(|w| year(&w.norm))
        .collect();
    if let Some(title) = &doc.article.title {
        years.extend(
            tokenize(title)
                .into_iter()
                .filter(|t| t.kind == TokenKind::Number)
                .filter_map(|t| year(t.text(title))),
        );
    }
    years.sort_unstable();
    years.dedup();
    years
}

/// Whether two sorted sets of years share one.
fn share_a_year(a: &[i16], b: &[i16]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

struct StoryState {
    /// The document that opened the story: its id names the story.
    first: u32,
    members: Vec<u32>,
    /// Earliest and latest publication day of a member ([`day_number`]), if any member is
    /// dated.
    days: Option<(i32, i32)>,
    merged_into: Option<u32>,
    merged: Vec<u32>,
    /// Sum of the members' unit vectors, sorted by term, cut back to its `centroid_terms`
    /// heaviest terms whenever it holds twice as many: `sum_a · sum_b / (n_a n_b)` is the
    /// average link of two stories.
    sum: Vec<(u32, f32)>,
    /// Each year its members' leads mention, with how many members mention it, by year.
    years: Vec<(i16, u32)>,
    /// Members whose lead mentions a year.
    members_with_years: u32,
    /// The languages of its members, as the stream's language ids, with how many members
    /// are in each, by id.
    languages: Vec<(u16, u32)>,
}

impl StoryState {
    /// The years mentioned by at least `share` of the members whose lead mentions a year:
    /// when the story happened, as its articles tell it. Sorted.
    fn core_years(&self, share: f64) -> Vec<i16> {
        let need = (share * f64::from(self.members_with_years)).max(1.0);
        self.years
            .iter()
            .filter(|(_, n)| f64::from(*n) >= need)
            .map(|(y, _)| *y)
            .collect()
    }

    /// Counts `years`, each mentioned by the given number of members, `members` of which
    /// mention a year.
    fn add_years(&mut self, years: impl IntoIterator<Item = (i16, u32)>, members: u32) {
        for (y, n) in years {
            match self.years.binary_search_by_key(&y, |(x, _)| *x) {
                Ok(i) => self.years[i].1 += n,
                Err(i) => self.years.insert(i, (y, n)),
            }
        }
        self.members_with_years += members;
    }

    /// Whether the story's core years are known, as `other` is, and none of them is in it.
    fn years_conflict(&self, other: &[i16], share: f64) -> bool {
        if other.is_empty() {
            return false;
        }
        let core = self.core_years(share);
        !core.is_empty() && !share_a_year(&core, other)
    }

    /// Days between the span of publication days `first..=last` and the story's own (0
    /// when they overlap or the story is undated).
    fn days_away(&self, first: i64, last: i64) -> i64 {
        match self.days {
            Some((f, l)) => (first - i64::from(l)).max(i64::from(f) - last).max(0),
            None => 0,
        }
    }

    /// Widens the story's span of publication days to take in `other`.
    fn add_days(&mut self, other: Option<(i32, i32)>) {
        self.days = match (self.days, other) {
            (Some((f, l)), Some((g, m))) => Some((f.min(g), l.max(m))),
            (a, b) => a.or(b),
        };
    }

    fn new(first: u32) -> Self {
        StoryState {
            first,
            members: Vec::new(),
            days: None,
            merged_into: None,
            merged: Vec::new(),
            sum: Vec::new(),
            years: Vec::new(),
            members_with_years: 0,
            languages: Vec::new(),
        }
    }

    fn add_languages(&mut self, languages: &[(u16, u32)]) {
        for &(l, n) in languages {
            match self.languages.binary_search_by_key(&l, |(x, _)| *x) {
                Ok(i) => self.languages[i].1 += n,
                Err(i) => self.languages.insert(i, (l, n)),
            }
        }
    }

    /// Members in language `l`.
    fn members_in(&self, l: u16) -> u32 {
        self.languages
            .binary_search_by_key(&l, |(x, _)| *x)
            .map_or(0, |i| self.languages[i].1)
    }
}

/// `sum += b` for sparse vectors sorted by key, built in `scratch`; a sum of more than
/// `2 × cap` entries is cut back to its `cap` heaviest. The result is copied back, not
/// swapped, so a story's vector keeps an allocation near its own size.
fn add_capped(
    sum: &mut Vec<(u32, f32)>,
    b: &[(u32, f32)],
    cap: usize,
    scratch: &mut Vec<(u32, f32)>,
) {
    corroborate_text::sparse::add_into(sum, b, scratch);
    // cut back only when twice over, so the selection's cost is shared by many additions
    if scratch.len() > 2 * cap {
        scratch.select_nth_unstable_by(cap, |x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        scratch.truncate(cap);
        scratch.sort_unstable_by_key(|(t, _)| *t);
    }
    sum.clear();
    sum.extend_from_slice(scratch);
}

/// What the stream keeps when articles come with embeddings.
struct Semantic {
    dim: usize,
    /// Sum of each story's member embeddings (`dim` floats per story state, in order); a
    /// merged story's sum is added to its survivor's.
    story_sum: Vec<f32>,
    /// `lsh_bands × lsh_bits` random hyperplanes, `dim` floats each.
    planes: Vec<f32>,
    /// LSH buckets: (band, signature) to the most recent documents that fell in it.
    buckets: HashMap<u64, VecDeque<u32>>,
    /// Sum of every embedding pushed, and how many: their mean pairwise cosine is the
    /// background a cosine is read against ([`Semantic::background`]).
    all_sum: Vec<f64>,
    all_count: u64,
}

/// Most LSH bands used, whatever the config asks: each band costs `lsh_bits × dim` floats
/// of hyperplanes and a bucket lookup per article.
const MAX_LSH_BANDS: usize = 64;

fn lsh_bands(cfg: &EmbeddingConfig) -> usize {
    cfg.lsh_bands.min(MAX_LSH_BANDS)
}

impl Semantic {
    fn new(dim: usize, cfg: &EmbeddingConfig) -> Self {
        // a fixed seed: the LSH hyperplanes must be the same on every run
        let mut rng = corroborate_model::SplitMix64::new(0x5EED_0FC0_220B_0A17);
        let planes = (0..lsh_bands(cfg) * cfg.lsh_bits.min(32) * dim)
            .map(|_| {
                // a sum of two uniforms: symmetric around 0, close enough to a Gaussian for
                // sign-of-projection hashing
                let u = |x: u64| (x >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                u(rng.next_u64()) + u(rng.next_u64())
            })
            .collect();
        Semantic {
            dim,
            story_sum: Vec::new(),
            planes,
            buckets: HashMap::new(),
            all_sum: vec![0.0; dim],
            all_count: 0,
        }
    }

    /// The mean cosine of two different embeddings pushed so far (0 before two):
    /// `(|Σv|² − n) / (n(n − 1))` for `n` unit vectors. Encoders differ in how close
    /// unrelated texts sit (about 0.1 for all-MiniLM-L6-v2, 0.75 for multilingual-e5-small);
    /// reading a cosine as its distance above this background puts both on one scale.
    fn background(&self) -> f32 {
        let n = self.all_count as f64;
        if n < 2.0 {
            return 0.0;
        }
        let sq: f64 = self.all_sum.iter().map(|x| x * x).sum();
        ((sq - n) / (n * (n - 1.0))).clamp(0.0, 0.95) as f32
    }

    /// `cosine` read against the background: 0 at the background, 1 at identity (negative
    /// below the background).
    fn calibrated(&self, cosine: f32) -> f32 {
        let b = self.background();
        (cosine - b) / (1.0 - b)
    }

    /// The bucket keys of `v`, one per band.
    fn signatures(&self, v: &[f32], cfg: &EmbeddingConfig) -> Vec<u64> {
        let bits = cfg.lsh_bits.min(32);
        (0..lsh_bands(cfg))
            .map(|band| {
                let mut sig = 0u64;
                for bit in 0..bits {
                    let at = (band * bits + bit) * self.dim;
                    let p = &self.planes[at..at + self.dim];
                    let dot: f32 = p.iter().zip(v).map(|(a, b)| a * b).sum();
                    sig = sig << 1 | u64::from(dot >= 0.0);
                }
                (band as u64) << 32 | sig
            })
            .collect()
    }

    fn story_vector(&self, story: u32) -> &[f32] {
        let at = story as usize * self.dim;
        &self.story_sum[at..at + self.dim]
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Keeps the `TOP` largest values seen, in descending order.
fn keep_top(top: &mut [f32; TOP], s: f32) {
    if s > top[TOP - 1] {
        // insertion into a sorted array of four: cheaper than a sort call per document
        let mut i = TOP - 1;
        while i > 0 && top[i - 1] < s {
            top[i] = top[i - 1];
            i -= 1;
        }
        top[i] = s;
    }
}

/// The streaming clusterer: feed documents in arrival order with [`StoryStream::push`].
///
/// Term ids index dense arrays (document frequencies, posting lists), so they should be
/// dense as an [`Interner`] hands them out: a stream keeps an entry for every id up to the
/// largest it has seen.
pub struct StoryStream<'c> {
    cfg: &'c ClusterConfig,
    /// Document frequency of each term id.
    df: Vec<u32>,
    seen: u32,
    /// Corpus size when frequencies were seeded, else 0.
    seed: u32,
    /// Each term id's most recent (document, weight) entries, oldest first.
    postings: Vec<VecDeque<(u32, f32)>>,
    /// What the stream keeps per document, in one array: scoring reads a document's
    /// score and story together (one cache miss, not two).
    docs: Vec<DocSlot>,
    /// Publication day of each document, as [`day_number`], if dated.
    doc_day: Vec<Option<i32>>,
    /// Documents before this one are older than the cold window of the latest article
    /// (as far as arrival order shows): their index entries are dropped when reached.
    cold_before: u32,
    stories: Vec<StoryState>,
    touched: Vec<u32>,
    /// Reused buffers: a story's summed vector, the article's vector, its ranked stories.
    sum_scratch: Vec<(u32, f32)>,
    article_scratch: Vec<(u32, f32)>,
    ranked_scratch: Vec<(f32, u32)>,
    story_top: Vec<[f32; TOP]>,
    /// Whether each story is in `touched_stories` for the current article.
    is_touched_story: Vec<bool>,
    touched_stories: Vec<u32>,
    semantic: Option<Semantic>,
    /// The years the current article's lead mentions.
    years: Vec<i16>,
    /// Language codes as ids (in order of first sight), and the current article's.
    language_ids: HashMap<String, u16>,
    language: Option<u16>,
}

#[derive(Clone, Copy)]
struct DocSlot {
    /// The document's story: always a live one, since a merge moves every member of the
    /// younger story to the older.
    story: u32,
    /// Similarity to the current article, valid when `stamp` is that article's number plus
    /// one (so nothing is cleared per article).
    score: f32,
    stamp: u32,
}

/// Most member similarities a story's link score can average.
const TOP: usize = 4;

/// A publication date as days since 1970-01-01 (a date without a day taken at the 15th,
/// one without a month in mid June).
fn day_number(d: &DateValue) -> i64 {
    corroborate_text::dates::days_from_civil(d.year, d.month.unwrap_or(6), d.day.unwrap_or(15))
}

impl<'c> StoryStream<'c> {
    pub fn new(cfg: &'c ClusterConfig) -> Self {
        StoryStream {
            cfg,
            df: Vec::new(),
            seen: 0,
            seed: 0,
            postings: Vec::new(),
            docs: Vec::new(),
            doc_day: Vec::new(),
            cold_before: 0,
            stories: Vec::new(),
            touched: Vec::new(),
            sum_scratch: Vec::new(),
            article_scratch: Vec::new(),
            ranked_scratch: Vec::new(),
            story_top: Vec::new(),
            is_touched_story: Vec::new(),
            touched_stories: Vec::new(),
            semantic: None,
            years: Vec::new(),
            language_ids: HashMap::new(),
            language: None,
        }
    }

    /// A stream whose articles come with embeddings of `dimension` floats (unit length),
    /// scored as `cfg.embedding` says. Push with [`StoryStream::push_embedded`].
    pub fn with_embeddings(cfg: &'c ClusterConfig, dimension: usize) -> Self {
        let mut s = Self::new(cfg);
        s.semantic = Some(Semantic::new(dimension, &cfg.embedding));
        s
    }

    /// Starts from the document frequencies of a whole corpus (for batch analysis, where
    /// the input is known in advance); assignment stays one pass in arrival order.
    pub fn seed_frequencies(&mut self, corpus: &[Vec<(u32, f32)>]) {
        for c in corpus {
            self.count_terms(c);
        }
        self.seed = corpus.len() as u32;
    }

    fn count_terms(&mut self, counts: &[(u32, f32)]) {
        if let Some(max) = counts.iter().map(|(t, _)| *t as usize).max() {
            if max >= self.df.len() {
                self.df.resize(max + 1, 0);
            }
        }
        for (t, _) in counts {
            self.df[*t as usize] += 1;
        }
    }

    /// Other articles with term `t` (with seeded frequencies the article itself is
    /// counted in the seed, so one is taken off).
    fn df(&self, t: u32) -> u32 {
        let seeded = if self.seed > 0 { 0 } else { 1 };
        (self.df.get(t as usize).copied().unwrap_or(0) + seeded).saturating_sub(1)
    }

    fn root(&self, mut s: u32) -> u32 {
        while let Some(next) = self.stories[s as usize].merged_into {
            s = next;
        }
        s
    }

    /// Marks document `d` a candidate of the current article (`stamp`), with score 0 the
    /// first time.
    fn touch(&mut self, d: u32, stamp: u32) {
        let slot = &mut self.docs[d as usize];
        if slot.stamp != stamp {
            (slot.score, slot.stamp) = (0.0, stamp);
            self.touched.push(d);
        }
    }

    /// Assigns the next document (index = number of documents pushed so far) and returns
    /// its story (index of the story's first-created state, after merges).
    pub fn push(&mut self, counts: &[(u32, f32)], published: Option<DateValue>) -> u32 {
        self.push_embedded(counts, published, None)
    }

    /// [`StoryStream::push`] with the article's embedding. On a stream made by
    /// [`StoryStream::with_embeddings`], an embedding of the wrong length counts as none
    /// (the article is then scored on terms alone against the embedding thresholds).
    pub fn push_embedded(
        &mut self,
        counts: &[(u32, f32)],
        published: Option<DateValue>,
        embedding: Option<&[f32]>,
    ) -> u32 {
        self.push_article(counts, published, &[], None, embedding)
    }

    /// [`StoryStream::push_embedded`] with the years the article's lead mentions
    /// ([`lead_years`], sorted), which the story it joins counts: two stories whose core
    /// years are known and disjoint have their average link scaled by
    /// `year_conflict_consolidate`, and with the article's language (an ISO 639-1 code, as
    /// declared or detected), which lets an embedding join a story told in other languages
    /// only (`embedding.cross_lingual_join_threshold`).
    pub fn push_article(
        &mut self,
        counts: &[(u32, f32)],
        published: Option<DateValue>,
        years: &[i16],
        language: Option<&str>,
        embedding: Option<&[f32]>,
    ) -> u32 {
        self.years.clear();
        self.years.extend_from_slice(years);
        self.language = language.map(|l| {
            let next = self.language_ids.len() as u16;
            *self
                .language_ids
                .entry(l.to_ascii_lowercase())
                .or_insert(next)
        });
        let doc = self.docs.len() as u32;
        let embedding = match &self.semantic {
            Some(sem) => embedding.filter(|e| e.len() == sem.dim),
            None => None,
        };
        let v = self.article_vector(counts);
        let stamp = doc + 1;
        let day = published.as_ref().map(day_number);
        if let Some(day) = day {
            self.forget_cold(day);
        }
        self.score_postings(&v, stamp);
        let signatures = self.lsh_candidates(embedding, stamp);
        let mut ranked = self.rank_stories(day, embedding);
        let story = self.choose_story(doc, &mut ranked);
        let v = self.record(doc, story, v, day);
        let story = self.consolidate(story, &ranked);
        self.index_terms(doc, &v);
        self.index_embedding(doc, story, embedding, signatures);
        (self.article_scratch, self.ranked_scratch) = (v, ranked);
        story
    }

    /// The article's TF-IDF vector, unit length, over its `article_terms` heaviest terms
    /// that another article already has (a term no one else has cannot match; it would
    /// only dilute the cosine), heaviest first. Counts the article's terms in a live stream.
    fn article_vector(&mut self, counts: &[(u32, f32)]) -> Vec<(u32, f32)> {
        let cfg = self.cfg;
        self.seen += 1;
        if self.seed == 0 {
            self.count_terms(counts);
        }
        let n = self.seen.max(self.seed) as f32;
        // in a live stream a term may be shared by articles still to come, so nothing is
        // filtered; with corpus frequencies a term nobody else has is known to be useless
        let min_df = if self.seed > 0 { cfg.min_df } else { 1 };
        let mut v = std::mem::take(&mut self.article_scratch);
        v.clear();
        v.extend(
            counts
                .iter()
                .filter(|(t, _)| self.df(*t) + 1 >= min_df)
                .map(|(t, tf)| {
                    (
                        *t,
                        (1.0 + tf.ln().max(0.0))
                            * (((1.0 + n) / (2.0 + self.df(*t) as f32)).ln() + 1.0),
                    )
                }),
        );
        // the heaviest `article_terms`, heaviest first (terms are unique: a total order)
        let by_weight = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if v.len() > cfg.article_terms {
            v.select_nth_unstable_by(cfg.article_terms, by_weight);
            v.truncate(cfg.article_terms);
        }
        v.sort_unstable_by(by_weight);
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in v.iter_mut() {
                *w /= norm;
            }
        }
        v
    }

    /// The cold window, in days.
    fn cold_window(&self) -> i64 {
        self.cfg.cold_after_days
    }

    /// Moves `cold_before` past the documents older than the cold window of an article of
    /// `day`. Documents arrive roughly in date order: the first one still warm (or
    /// undated) bounds the cold ones, and stops the walk if dates go back.
    fn forget_cold(&mut self, day: i64) {
        let cold = self.cold_window();
        while let Some(Some(old)) = self.doc_day.get(self.cold_before as usize) {
            if day - i64::from(*old) <= cold {
                break;
            }
            self.cold_before += 1;
        }
    }

    /// Scores earlier articles term-at-a-time over the article's `lookup_terms` heaviest
    /// terms, leaving each one touched in `touched` with its similarity (per-document slots
    /// and the list of documents touched keep this free of hashing). Entries of documents
    /// gone cold are dropped from the lists read.
    fn score_postings(&mut self, v: &[(u32, f32)], stamp: u32) {
        self.touched.clear();
        // local borrows keep the loop's pointers in registers
        let (docs, touched) = (&mut self.docs[..], &mut self.touched);
        for (t, w) in v.iter().take(self.cfg.lookup_terms) {
            let Some(list) = self.postings.get_mut(*t as usize) else {
                continue;
            };
            // the index forgets documents older than the cold window
            while list.front().is_some_and(|&(d, _)| d < self.cold_before) {
                list.pop_front();
            }
            let (front, back) = list.as_slices();
            for &(d, dw) in front.iter().chain(back) {
                let slot = &mut docs[d as usize];
                if slot.stamp == stamp {
                    slot.score += w * dw;
                } else {
                    (slot.score, slot.stamp) = (w * dw, stamp);
                    touched.push(d);
                }
            }
        }
    }

    /// Touches the articles whose embeddings fall in one of the article's LSH buckets
    /// (with whatever lexical score they have, often none); returns the article's bucket
    /// keys, none without an embedding or bands.
    fn lsh_candidates(&mut self, embedding: Option<&[f32]>, stamp: u32) -> Vec<u64> {
        let cfg = self.cfg;
        let signatures = match (&self.semantic, embedding) {
            (Some(sem), Some(e)) if cfg.embedding.lsh_bands > 0 => {
                sem.signatures(e, &cfg.embedding)
            }
            _ => Vec::new(),
        };
        for sig in &signatures {
            let found: Vec<u32> = self
                .semantic
                .as_ref()
                .and_then(|sem| sem.buckets.get(sig))
                .map(|b| b.iter().copied().collect())
                .unwrap_or_default();
            for d in found {
                self.touch(d, stamp);
            }
        }
        signatures
    }

    /// The link score of each warm story holding a touched document: the mean of its best
    /// `link_members` member similarities, blended with the embedding's cosine to the
    /// story's centroid when there is one. Unsorted.
    fn rank_stories(&mut self, day: Option<i64>, embedding: Option<&[f32]>) -> Vec<(f32, u32)> {
        let cfg = self.cfg;
        let cold = self.cold_window();
        // each story keeps its best TOP member similarities, in a dense array
        let k = cfg.link_members.clamp(1, TOP);
        let ecfg = &cfg.embedding;
        self.story_top.resize(self.stories.len(), [0.0; TOP]);
        self.is_touched_story.resize(self.stories.len(), false);
        self.touched_stories.clear();
        debug_assert!(self
            .touched
            .iter()
            .all(|&d| self.root(self.docs[d as usize].story) == self.docs[d as usize].story));
        for &d in &self.touched {
            let DocSlot {
                score: s, story, ..
            } = self.docs[d as usize];
            let story = story as usize; // always live (see `DocSlot::story`)
            if !self.is_touched_story[story] {
                self.is_touched_story[story] = true;
                self.touched_stories.push(story as u32);
            }
            keep_top(&mut self.story_top[story], s);
        }
        let mut ranked = std::mem::take(&mut self.ranked_scratch);
        ranked.clear();
        for &story in &self.touched_stories {
            self.is_touched_story[story as usize] = false;
            let top = std::mem::replace(&mut self.story_top[story as usize], [0.0; TOP]);
            let st = &self.stories[story as usize];
            if let Some(d) = day {
                if st.days_away(d, d) > cold {
                    continue;
                }
            }
            // a story told in several languages: the article's words can only meet those of
            // its own language's members, so those are the ones averaged
            let same_language = match self.language {
                Some(l) if !st.languages.is_empty() => st.members_in(l) as usize,
                _ => st.members.len(),
            };
            let k = k.min(same_language).max(1);
            let lexical = top.iter().take(k).sum::<f32>() / k as f32;
            let link = match (&self.semantic, embedding) {
                (Some(sem), Some(e)) => {
                    let centroid = sem.story_vector(story);
                    let norm = dot(centroid, centroid).sqrt();
                    let semantic = if norm > 0.0 {
                        sem.calibrated(dot(e, centroid) / norm)
                    } else {
                        0.0
                    };
                    let w = ecfg.weight as f32;
                    let blend = (1.0 - w) * lexical + w * semantic;
                    // told only in other languages: the terms cannot show it, the meaning can
                    let other_languages = self
                        .language
                        .is_some_and(|l| !st.languages.is_empty() && st.members_in(l) == 0);
                    let bar = if other_languages {
                        ecfg.semantic_join_threshold
                            .min(ecfg.cross_lingual_join_threshold)
                    } else {
                        ecfg.semantic_join_threshold
                    };
                    if f64::from(semantic) >= bar {
                        blend.max(ecfg.join_threshold as f32)
                    } else {
                        blend
                    }
                }
                _ => lexical,
            };
            ranked.push((link, story));
        }
        ranked
    }

    /// The story document `doc` joins: the best-linked one at the join threshold, after
    /// merging into it (the older keeping its id) every other it bridges at the merge
    /// threshold; else a new story. Leaves `ranked` sorted best first, cut to the stories
    /// read afterwards.
    fn choose_story(&mut self, doc: u32, ranked: &mut Vec<(f32, u32)>) -> u32 {
        let cfg = self.cfg;
        let ecfg = &cfg.embedding;
        // compared in f32, as the scores are (a threshold and a score set to it must meet)
        let (join, merge) = if self.semantic.is_some() {
            (ecfg.join_threshold as f32, ecfg.merge_threshold as f32)
        } else {
            (cfg.join_threshold as f32, cfg.merge_threshold as f32)
        };
        // only the best are read: the story joined, those it bridges (at `merge` or above)
        // and the consolidation candidates; stories are unique, so the order is total
        let by_link = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        let keep = cfg.consolidate_candidates + 1;
        if ranked.len() > keep {
            ranked.select_nth_unstable_by(keep, by_link);
            if ranked[keep].0 < merge {
                ranked.truncate(keep); // all the rest are below `merge` too
            }
        }
        ranked.sort_unstable_by(by_link);
        match ranked.first() {
            Some(&(score, first)) if score >= join => {
                // a second story just as close: the article bridges them, merge into the older
                // (the survivor of each merge takes the next: merging into a story that an
                // earlier merge folded away would strand the next one's members)
                let mut s = self.root(first);
                for &(score2, s2) in ranked.iter().skip(1) {
                    if score2 < merge || score < merge {
                        break;
                    }
                    let s2 = self.root(s2);
                    // an undated article may fit two stories published years apart
                    if s2 == s || self.far_apart(s, s2) {
                        continue;
                    }
                    s = self.merge(s, s2);
                }
                s
            }
            _ => {
                self.stories.push(StoryState::new(doc));
                if let Some(sem) = &mut self.semantic {
                    sem.story_sum.resize(self.stories.len() * sem.dim, 0.0);
                }
                (self.stories.len() - 1) as u32
            }
        }
    }

    /// Adds document `doc` (vector `v`, published on `day`) to `story`: the story's summed
    /// vector, members and last day, and the document's slot and day. Returns `v` sorted by
    /// term.
    fn record(
        &mut self,
        doc: u32,
        story: u32,
        mut v: Vec<(u32, f32)>,
        day: Option<i64>,
    ) -> Vec<(u32, f32)> {
        v.sort_unstable_by_key(|(t, _)| *t); // scored already: from here on, order by term
        let st = &mut self.stories[story as usize];
        add_capped(
            &mut st.sum,
            &v,
            self.cfg.centroid_terms,
            &mut self.sum_scratch,
        );
        st.members.push(doc);
        st.add_years(
            self.years.iter().map(|&y| (y, 1)),
            u32::from(!self.years.is_empty()),
        );
        st.add_days(day.and_then(|d| i32::try_from(d).ok()).map(|d| (d, d)));
        if let Some(l) = self.language {
            st.add_languages(&[(l, 1)]);
        }
        self.docs.push(DocSlot {
            story,
            score: 0.0,
            stamp: 0,
        });
        self.doc_day.push(day.and_then(|d| i32::try_from(d).ok()));
        v
    }

    /// Appends document `doc` to the posting list of each of its terms, the oldest entry
    /// going cold when a list holds `max_postings`.
    fn index_terms(&mut self, doc: u32, v: &[(u32, f32)]) {
        let cfg = self.cfg;
        if let Some(max) = v.iter().map(|(t, _)| *t as usize).max() {
            if max >= self.postings.len() {
                self.postings.resize_with(max + 1, VecDeque::new);
            }
        }
        for (t, w) in v {
            let list = &mut self.postings[*t as usize];
            if list.len() >= cfg.max_postings {
                list.pop_front(); // the oldest entry goes cold
            }
            list.push_back((doc, *w));
        }
    }

    /// Adds the article's embedding (zeros without one) to its story's sum, and the article
    /// to its LSH buckets, each keeping its `max_postings` most recent.
    fn index_embedding(
        &mut self,
        doc: u32,
        story: u32,
        embedding: Option<&[f32]>,
        signatures: Vec<u64>,
    ) {
        let cfg = self.cfg;
        if let Some(sem) = &mut self.semantic {
            let dim = sem.dim;
            let zero = vec![0.0; dim];
            let e = embedding.unwrap_or(&zero);
            let at = story as usize * dim;
            for (sum, x) in sem.story_sum[at..at + dim].iter_mut().zip(e) {
                *sum += x;
            }
            if embedding.is_some() {
                for (sum, x) in sem.all_sum.iter_mut().zip(e) {
                    *sum += f64::from(*x);
                }
                sem.all_count += 1;
            }
            for sig in signatures {
                let bucket = sem.buckets.entry(sig).or_default();
                if bucket.len() >= cfg.max_postings {
                    bucket.pop_front();
                }
                bucket.push_back(doc);
            }
        }
    }

    /// Merges the younger of two live stories into the older, which keeps its id and
    /// records the merge; returns the older.
    fn merge(&mut self, a: u32, b: u32) -> u32 {
        let (old, young) = (a.min(b), a.max(b));
        self.stories[young as usize].merged_into = Some(old);
        let moved = std::mem::take(&mut self.stories[young as usize].members);
        for &d in &moved {
            self.docs[d as usize].story = old;
        }
        let days = self.stories[young as usize].days;
        let young_years = std::mem::take(&mut self.stories[young as usize].years);
        let young_with_years = self.stories[young as usize].members_with_years;
        let young_languages = std::mem::take(&mut self.stories[young as usize].languages);
        let young_sum = std::mem::take(&mut self.stories[young as usize].sum);
        let st = &mut self.stories[old as usize];
        st.members.extend(moved); // sorted once, when the stories are read
        st.merged.push(young);
        st.add_days(days);
        st.add_years(young_years, young_with_years);
        st.add_languages(&young_languages);
        add_capped(
            &mut st.sum,
            &young_sum,
            self.cfg.centroid_terms,
            &mut self.sum_scratch,
        );
        if let Some(sem) = &mut self.semantic {
            let (o, y) = (old as usize * sem.dim, young as usize * sem.dim);
            for i in 0..sem.dim {
                sem.story_sum[o + i] += std::mem::take(&mut sem.story_sum[y + i]);
            }
        }
        old
    }

    /// Average-link consolidation: the story that just took an article merges with each of
    /// the article's best other candidate stories whose average member similarity to it
    /// reaches `consolidate_threshold`. Returns the article's story after merges.
    fn consolidate(&mut self, mut story: u32, ranked: &[(f32, u32)]) -> u32 {
        let cfg = self.cfg;
        for &(_, other) in ranked.iter().take(cfg.consolidate_candidates) {
            let other = self.root(other);
            if other == story {
                continue;
            }
            if self.far_apart(story, other) {
                continue;
            }
            let (a, b) = (&self.stories[story as usize], &self.stories[other as usize]);
            let size = (a.members.len() * b.members.len()) as f32;
            let mut average = f64::from(corroborate_text::sparse::dot(&a.sum, &b.sum) / size);
            // two like happenings of different years
            if a.years_conflict(&b.core_years(cfg.year_core_share), cfg.year_core_share) {
                average *= cfg.year_conflict_consolidate;
            }
            if average >= cfg.consolidate_threshold || self.told_in_other_languages(story, other) {
                story = self.merge(story, other);
            }
        }
        story
    }

    /// Whether stories `a` and `b` have no language in common (both known) and embeddings
    /// that meet `embedding.cross_lingual_join_threshold`, centroid to centroid: one story
    /// told in two languages, which its terms cannot show.
    fn told_in_other_languages(&self, a: u32, b: u32) -> bool {
        let Some(sem) = &self.semantic else {
            return false;
        };
        let (sa, sb) = (&self.stories[a as usize], &self.stories[b as usize]);
        if sa.languages.is_empty()
            || sb.languages.is_empty()
            || sa.languages.iter().any(|&(l, _)| sb.members_in(l) > 0)
        {
            return false;
        }
        let (ca, cb) = (sem.story_vector(a), sem.story_vector(b));
        let norms = (dot(ca, ca) * dot(cb, cb)).sqrt();
        norms > 0.0
            && f64::from(sem.calibrated(dot(ca, cb) / norms))
                >= self.cfg.embedding.cross_lingual_join_threshold
    }

    /// Whether two stories were published more than the cold window apart (an undated
    /// article, which either could take, must not make them one).
    fn far_apart(&self, a: u32, b: u32) -> bool {
        let b = &self.stories[b as usize];
        match b.days {
            Some((first, last)) => {
                self.stories[a as usize].days_away(first.into(), last.into()) > self.cold_window()
            }
            None => false,
        }
    }

    /// Live stories (not merged into another).
    pub fn story_count(&self) -> usize {
        self.stories
            .iter()
            .filter(|s| s.merged_into.is_none())
            .count()
    }

    /// The stories so far (merged stories folded into their survivors).
    pub fn clustering(&self) -> Clustering {
        let mut stories = Vec::new();
        let mut merged = Vec::new();
        for st in self.stories.iter().filter(|s| s.merged_into.is_none()) {
            let mut members: Vec<usize> = st.members.iter().map(|&d| d as usize).collect();
            members.sort_unstable();
            stories.push(members);
            merged.push(self.folded_into(st));
        }
        Clustering { stories, merged }
    }

    /// The first documents of every story folded into `st`, directly or through a story
    /// that was itself merged later: each id a story ever had is recorded by its survivor.
    /// In merge order, a merged story followed by those it had absorbed.
    fn folded_into(&self, st: &StoryState) -> Vec<usize> {
        let mut out = Vec::new();
        let mut pending: Vec<u32> = st.merged.iter().rev().copied().collect();
        while let Some(m) = pending.pop() {
            let folded = &self.stories[m as usize];
            out.push(folded.first_doc());
            pending.extend(folded.merged.iter().rev());
        }
        out
    }
}

impl StoryState {
    fn first_doc(&self) -> usize {
        self.first as usize
    }
}

/// Groups documents into stories, streaming them in input order.
pub fn cluster(docs: &[Doc], ents: &EntityIndex, cfg: &ClusterConfig) -> Clustering {
    cluster_embedded(docs, ents, cfg, None)
}

/// [`cluster`] with one embedding per document (unit vectors of one length, in document
/// order), blended into each story's link score as `cfg.embedding` says.
pub fn cluster_embedded(
    docs: &[Doc],
    ents: &EntityIndex,
    cfg: &ClusterConfig,
    embeddings: Option<&[Vec<f32>]>,
) -> Clustering {
    cluster_counted(docs, ents, cfg, embeddings, &|_| {})
}

/// [`cluster_embedded`], calling `assigned(n)` once the first `n` articles have their story.
pub fn cluster_counted(
    docs: &[Doc],
    ents: &EntityIndex,
    cfg: &ClusterConfig,
    embeddings: Option<&[Vec<f32>]>,
    assigned: &dyn Fn(usize),
) -> Clustering {
    let mut terms = Interner::default();
    // scores assume unit vectors; a caller's vectors that are not are scaled here
    let embeddings: Option<Vec<Vec<f32>>> = embeddings.map(|all| {
        all.iter()
            .map(|e| {
                let norm = dot(e, e).sqrt();
                e.iter()
                    .map(|x| if norm > 0.0 { x / norm } else { 0.0 })
                    .collect()
            })
            .collect()
    });
    let embeddings = embeddings.as_deref();
    let dimension = embeddings.and_then(|e| e.first()).map(Vec::len);
    let mut stream = match dimension {
        Some(dim) => StoryStream::with_embeddings(cfg, dim),
        None => StoryStream::new(cfg),
    };
    let all: Vec<Vec<(u32, f32)>> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| term_counts(d, &ents.mentions[i], cfg, &mut terms))
        .collect();
    if cfg.idf == IdfSource::Corpus {
        stream.seed_frequencies(&all);
    }
    for (i, (counts, d)) in all.iter().zip(docs).enumerate() {
        let embedding = embeddings.and_then(|e| e.get(i)).map(Vec::as_slice);
        let years = lead_years(d, cfg.year_lead_sentences);
        stream.push_article(
            counts,
            d.published,
            &years,
            d.article.language.as_deref(),
            embedding,
        );
        assigned(i + 1);
    }
    stream.clustering()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use corroborate_model::Article;

    fn stream_cfg() -> ClusterConfig {
        ClusterConfig {
            idf: IdfSource::Stream,
            ..ClusterConfig::default()
        }
    }

    #[test]
    fn an_article_that_bridges_two_stories_merges_them_into_the_older() {
        let cfg = stream_cfg();
        let mut s = StoryStream::new(&cfg);
        let a: Vec<(u32, f32)> = (1..=6).map(|t| (t, 1.0)).collect();
        let b: Vec<(u32, f32)> = (11..=16).map(|t| (t, 1.0)).collect();
        let bridge: Vec<(u32, f32)> = (1..=6).chain(11..=16).map(|t| (t, 1.0)).collect();
        assert_eq!(s.push(&a, None), 0);
        assert_eq!(s.push(&b, None), 1);
        assert_eq!(s.push(&bridge, None), 0);
        let c = s.clustering();
        assert_eq!(c.stories, vec![vec![0, 1, 2]]);
        assert_eq!(c.merged, vec![vec![1]]);
    }

    #[test]
    fn a_survivor_records_the_stories_its_merged_stories_had_absorbed() {
        let cfg = ClusterConfig {
            consolidate_threshold: 2.0,
            link_members: 1,
            ..stream_cfg()
        };
        let mut s = StoryStream::new(&cfg);
        let topic = |from: u32| -> Vec<(u32, f32)> { (from..from + 6).map(|t| (t, 1.0)).collect() };
        let bridge =
            |x: u32, y: u32| -> Vec<(u32, f32)> { topic(x).into_iter().chain(topic(y)).collect() };
        assert_eq!(s.push(&topic(1), None), 0);
        assert_eq!(s.push(&topic(11), None), 1);
        assert_eq!(s.push(&topic(21), None), 2);
        // the third story merges into the second, then the second into the first
        assert_eq!(s.push(&bridge(11, 21), None), 1);
        assert_eq!(s.push(&bridge(1, 11), None), 0);
        let c = s.clustering();
        assert_eq!(c.stories, vec![vec![0, 1, 2, 3, 4]]);
        assert_eq!(
            c.merged,
            vec![vec![1, 2]],
            "both ids the first story absorbed"
        );
    }

    #[test]
    fn stories_whose_average_link_reaches_the_threshold_merge_into_the_older() {
        let a: Vec<(u32, f32)> = (1..=10).map(|t| (t, 1.0)).collect();
        let b: Vec<(u32, f32)> = (10..=19).map(|t| (t, 1.0)).collect();
        // close to the first story, and nearer the second than the first two are
        let x: Vec<(u32, f32)> = (1..=6).chain(12..=15).map(|t| (t, 1.0)).collect();
        let run = |cfg: &ClusterConfig| {
            let mut s = StoryStream::new(cfg);
            let stories = [s.push(&a, None), s.push(&b, None), s.push(&x, None)];
            (stories, s.clustering())
        };
        let off = ClusterConfig {
            consolidate_threshold: 2.0,
            ..stream_cfg()
        };
        let (stories, c) = run(&off);
        assert_eq!(
            stories,
            [0, 1, 0],
            "the third article joins the first story"
        );
        assert_eq!(c.stories, vec![vec![0, 2], vec![1]]);
        let (stories, c) = run(&stream_cfg());
        assert_eq!(stories, [0, 1, 0]);
        assert_eq!(c.stories, vec![vec![0, 1, 2]], "then the two stories merge");
        assert_eq!(
            c.merged,
            vec![vec![1]],
            "into the older, recording the merge"
        );
    }

    #[test]
    fn stories_whose_leads_name_different_years_are_not_consolidated() {
        let a: Vec<(u32, f32)> = (1..=10).map(|t| (t, 1.0)).collect();
        let b: Vec<(u32, f32)> = (10..=19).map(|t| (t, 1.0)).collect();
        let x: Vec<(u32, f32)> = (1..=6).chain(12..=15).map(|t| (t, 1.0)).collect();
        let run = |cfg: &ClusterConfig, years: [&[i16]; 3]| {
            let mut s = StoryStream::new(cfg);
            for (v, y) in [&a, &b, &x].into_iter().zip(years) {
                s.push_article(v, None, y, None, None);
            }
            s.clustering().stories
        };
        let cfg = ClusterConfig {
            year_conflict_consolidate: 0.0,
            ..stream_cfg()
        };
        let apart = vec![vec![0, 2], vec![1]];
        assert_eq!(run(&cfg, [&[2008], &[2012], &[2008]]), apart);
        assert_eq!(run(&cfg, [&[2008], &[2012], &[]]), apart, "x names no year");
        let one = vec![vec![0, 1, 2]];
        assert_eq!(run(&cfg, [&[2008], &[2008, 2012], &[2008]]), one);
        assert_eq!(run(&cfg, [&[2008], &[], &[2008]]), one, "b's years unknown");
        let off = ClusterConfig {
            year_conflict_consolidate: 1.0,
            ..stream_cfg()
        };
        assert_eq!(run(&off, [&[2008], &[2012], &[2008]]), one);
    }

    #[test]
    fn a_story_keeps_its_best_member_similarities_in_order() {
        let mut top = [0.0; TOP];
        for s in [0.3, 0.1, 0.5, 0.2, 0.4, 0.05, 0.5] {
            keep_top(&mut top, s);
        }
        assert_eq!(top, [0.5, 0.5, 0.4, 0.3]);
    }

    #[test]
    fn adding_to_a_sparse_sum_keeps_the_heaviest_terms() {
        let a = [(1u32, 1.0f32), (3, 0.5)];
        let b = [(2u32, 0.2f32), (3, 1.0), (4, 0.9)];
        let add_capped = |a: &[(u32, f32)], b: &[(u32, f32)], cap| {
            let mut sum = a.to_vec();
            let mut scratch = vec![(9, 9.0)]; // whatever the buffer held is replaced
            super::add_capped(&mut sum, b, cap, &mut scratch);
            sum
        };
        assert_eq!(
            add_capped(&a, &b, 10),
            vec![(1, 1.0), (2, 0.2), (3, 1.5), (4, 0.9)]
        );
        assert_eq!(
            add_capped(&a, &b, 2),
            vec![(1, 1.0), (2, 0.2), (3, 1.5), (4, 0.9)]
        );
        assert_eq!(add_capped(&a, &b, 1), vec![(3, 1.5)], "over twice the cap");
        assert_eq!(add_capped(&[], &b, 3), b.to_vec());
    }

    #[test]
    fn cold_stories_take_no_new_articles() {
        let cfg = stream_cfg();
        let mut s = StoryStream::new(&cfg);
        let a: Vec<(u32, f32)> = (1..=6).map(|t| (t, 1.0)).collect();
        let day = |m: u8, d: u8| Some(DateValue::ymd(2025, m, d));
        assert_eq!(s.push(&a, day(1, 1)), 0);
        assert_eq!(
            s.push(&a, day(1, 20)),
            0,
            "19 days later the story is still warm"
        );
        assert_eq!(
            s.push(&a, day(4, 1)),
            1,
            "71 days after its last article the story is cold"
        );
    }

    #[test]
    fn an_article_published_long_before_a_story_does_not_join_it() {
        let cfg = stream_cfg();
        let mut s = StoryStream::new(&cfg);
        let a: Vec<(u32, f32)> = (1..=6).map(|t| (t, 1.0)).collect();
        let day = |y: i32, m: u8, d: u8| Some(DateValue::ymd(y, m, d));
        assert_eq!(s.push(&a, day(2025, 11, 10)), 0);
        assert_eq!(s.push(&a, day(2025, 11, 1)), 0, "9 days before: one story");
        assert_eq!(
            s.push(&a, day(2019, 11, 19)),
            1,
            "six years before the story began: another happening"
        );
        assert_eq!(
            s.push(&a, day(2019, 11, 20)),
            1,
            "a day after it: one story again"
        );
    }

    #[test]
    fn the_index_forgets_articles_older_than_the_cold_window() {
        let cfg = stream_cfg();
        let terms = |ts: &[u32]| ts.iter().map(|&t| (t, 1.0)).collect::<Vec<_>>();
        let day = |m: u8, d: u8| Some(DateValue::ymd(2025, m, d));
        let (a, b, c) = (
            terms(&[1, 2, 3, 4, 5, 6]),
            terms(&[1, 2, 3, 7, 8, 9]),
            terms(&[4, 5, 6, 10, 11, 12]),
        );
        // c shares half its terms with a and none with b
        let mut s = StoryStream::new(&cfg);
        assert_eq!((s.push(&a, day(1, 1)), s.push(&b, day(1, 20))), (0, 0));
        assert_eq!(s.push(&c, day(1, 25)), 0, "a is still indexed: c joins");
        let mut s = StoryStream::new(&cfg);
        assert_eq!((s.push(&a, day(1, 1)), s.push(&b, day(1, 20))), (0, 0));
        assert_eq!(
            s.push(&c, day(2, 15)),
            1,
            "the story is warm (b, 26 days before) but a, 45 days before, is forgotten"
        );
    }

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn embeddings_join_a_paraphrase_that_shares_few_terms() {
        let mut cfg = stream_cfg();
        cfg.embedding.weight = 0.5;
        cfg.embedding.join_threshold = 0.4;
        let a: Vec<(u32, f32)> = (1..=8).map(|t| (t, 1.0)).collect();
        // one shared term of eight: lexically far below join_threshold
        let b: Vec<(u32, f32)> = std::iter::once((1, 1.0))
            .chain((21..=27).map(|t| (t, 1.0)))
            .collect();
        let same = unit(&[1.0, 0.2, 0.0]);
        let near = unit(&[0.95, 0.25, 0.05]);
        let mut lexical = StoryStream::new(&cfg);
        lexical.push(&a, None);
        assert_eq!(lexical.push(&b, None), 1, "terms alone keep them apart");
        let mut s = StoryStream::with_embeddings(&cfg, 3);
        s.push_embedded(&a, None, Some(&same));
        assert_eq!(s.push_embedded(&b, None, Some(&near)), 0);
        // a different meaning with the same single shared term stays apart
        let mut s = StoryStream::with_embeddings(&cfg, 3);
        s.push_embedded(&a, None, Some(&same));
        let other = unit(&[0.0, 0.1, 1.0]);
        assert_eq!(s.push_embedded(&b, None, Some(&other)), 1);
    }

    #[test]
    fn a_report_in_another_language_joins_on_its_embedding_alone() {
        let mut cfg = stream_cfg();
        cfg.embedding.lsh_bands = 16;
        cfg.embedding.cross_lingual_join_threshold = 0.45;
        let terms = |from: u32| -> Vec<(u32, f32)> { (from..from + 8).map(|t| (t, 1.0)).collect() };
        let story = unit(&[1.0, 0.0, 0.0, 0.0]);
        let near = unit(&[0.95, 0.3, 0.0, 0.0]);
        let run = |language: Option<&str>| {
            let mut s = StoryStream::with_embeddings(&cfg, 4);
            s.push_article(
                &terms(100),
                None,
                &[],
                Some("en"),
                Some(&unit(&[0.0, 0.0, 1.0, 0.0])),
            );
            s.push_article(
                &terms(200),
                None,
                &[],
                Some("en"),
                Some(&unit(&[0.0, 0.0, 0.0, 1.0])),
            );
            let first = s.push_article(&terms(1), None, &[], Some("en"), Some(&story));
            // no term in common with the story: only the embedding can tell
            let second = s.push_article(&terms(300), None, &[], language, Some(&near));
            (first, second)
        };
        let (story_id, german) = run(Some("de"));
        assert_eq!(
            german, story_id,
            "told in German, it joins the English story"
        );
        let (story_id, english) = run(Some("en"));
        assert_ne!(
            english, story_id,
            "in the story's own language the terms decide"
        );
        let (story_id, unknown) = run(None);
        assert_ne!(
            unknown, story_id,
            "an article of unknown language is not taken as another"
        );
    }

    #[test]
    fn a_cosine_is_read_against_the_mean_cosine_of_the_stream() {
        let cfg = stream_cfg();
        let mut s = StoryStream::with_embeddings(&cfg, 3);
        let vectors = [
            unit(&[1.0, 0.2, 0.0]),
            unit(&[0.3, 1.0, 0.1]),
            unit(&[0.5, 0.5, 1.0]),
        ];
        for (i, v) in vectors.iter().enumerate() {
            s.push_embedded(&[(i as u32 * 10, 1.0)], None, Some(v));
        }
        let pairs = [(0, 1), (0, 2), (1, 2)];
        let mean = pairs
            .iter()
            .map(|&(a, b)| dot(&vectors[a], &vectors[b]))
            .sum::<f32>()
            / 3.0;
        let sem = s.semantic.as_ref().unwrap();
        assert!((sem.background() - mean).abs() < 1e-5);
        assert!(sem.calibrated(mean).abs() < 1e-5);
        assert!((sem.calibrated(1.0) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn lsh_finds_a_candidate_that_shares_no_term() {
        let mut cfg = stream_cfg();
        cfg.embedding.weight = 1.0;
        cfg.embedding.join_threshold = 0.9;
        cfg.embedding.lsh_bands = 0;
        let a: Vec<(u32, f32)> = (1..=8).map(|t| (t, 1.0)).collect();
        let b: Vec<(u32, f32)> = (21..=28).map(|t| (t, 1.0)).collect();
        let v = unit(&[0.3, -0.2, 0.9, 0.1]);
        let mut without = StoryStream::with_embeddings(&cfg, 4);
        without.push_embedded(&a, None, Some(&v));
        assert_eq!(
            without.push_embedded(&b, None, Some(&v)),
            1,
            "the term index alone never sees it"
        );
        cfg.embedding.lsh_bands = 4;
        let mut with = StoryStream::with_embeddings(&cfg, 4);
        with.push_embedded(&a, None, Some(&v));
        assert_eq!(with.push_embedded(&b, None, Some(&v)), 0);
    }

    #[test]
    fn a_story_merged_into_another_brings_its_embeddings() {
        let mut cfg = stream_cfg();
        cfg.embedding.weight = 0.5;
        cfg.embedding.join_threshold = 0.3;
        cfg.embedding.merge_threshold = 0.3;
        let a: Vec<(u32, f32)> = (1..=6).map(|t| (t, 1.0)).collect();
        let b: Vec<(u32, f32)> = (11..=16).map(|t| (t, 1.0)).collect();
        let bridge: Vec<(u32, f32)> = (1..=6).chain(11..=16).map(|t| (t, 1.0)).collect();
        let x = unit(&[1.0, 0.0]);
        let y = unit(&[0.0, 1.0]);
        let mut s = StoryStream::with_embeddings(&cfg, 2);
        assert_eq!(s.push_embedded(&a, None, Some(&x)), 0);
        assert_eq!(s.push_embedded(&b, None, Some(&y)), 1);
        assert_eq!(s.push_embedded(&bridge, None, Some(&unit(&[1.0, 1.0]))), 0);
        assert_eq!(s.clustering().stories, vec![vec![0, 1, 2]]);
        // the survivor's centroid now holds y too: an article like b's joins it
        assert_eq!(s.push_embedded(&b, None, Some(&y)), 0);
    }

    fn run(articles: &[Article]) -> corroborate_model::Dossier {
        crate::run(articles.to_vec(), &Config::default(), &|_| {})
            .unwrap()
            .dossier
    }

    #[test]
    fn adding_articles_never_renames_a_story() {
        let texts = [
            "Heavy rain flooded Paris on Tuesday, closing three metro lines and the Louvre museum for the day.",
            "Syria joined the US-led coalition against the Islamic State group, Syrian officials said on Monday.",
            "The Louvre museum and three Paris metro lines closed on Tuesday after heavy rain flooded the city.",
            "Officials said Syria had joined the coalition against the Islamic State group led by the United States.",
            "Apple unveiled a new watch with a larger screen at its autumn event in Cupertino on Wednesday.",
            "Floods closed the Louvre museum in Paris on Tuesday as heavy rain shut three metro lines.",
        ];
        let articles: Vec<Article> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Article::new(format!("a{i}"), "test", *t))
            .collect();
        let small = run(&articles[..4]);
        let large = run(&articles);
        assert_eq!(run(&articles[..4]), small, "same input, same dossier");
        for story in &small.stories {
            let grown = large
                .stories
                .iter()
                .find(|s| s.id == story.id)
                .unwrap_or_else(|| panic!("story {} renamed", story.id));
            assert!(story.articles.iter().all(|a| grown.articles.contains(a)));
        }
        let paris = large
            .stories
            .iter()
            .find(|s| s.articles.contains(&"a0".to_string()))
            .unwrap();
        assert_eq!(paris.articles, ["a0", "a2", "a5"]);
    }

    /// Text written without spaces clusters on its character pairs: two Chinese reports of
    /// a flood and two of petrol prices make two stories (as whole clauses, each token was
    /// unique and every article stood alone; as single characters, all four shared a story).
    #[test]
    fn chinese_reports_cluster_on_character_pairs() {
        let texts = [
            "周二暴雨导致上海多条地铁线路停运，市政府表示，洪水淹没了数百条街道。",
            "美国汽油价格今年可能保持稳定，每加仑平均价格预计为二点六美元，能源信息署表示。",
            "上海周二遭遇暴雨，洪水淹没街道，地铁线路停运，市政府呼吁居民留在家中。",
            "能源信息署预测，美国汽油价格明年将保持稳定，司机每加仑支付约二点六美元。",
        ];
        let articles: Vec<Article> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut a = Article::new(format!("a{i}"), "test", *t);
                a.language = Some("zh".into());
                a
            })
            .collect();
        let mut stories: Vec<Vec<String>> = run(&articles)
            .stories
            .into_iter()
            .map(|s| s.articles)
            .collect();
        stories.sort();
        assert_eq!(stories, [["a0", "a2"], ["a1", "a3"]]);
    }

    proptest::proptest! {
        /// `Coverage` answers exactly what the scan of every mention answered, for
        /// overlapping and nested mentions too.
        #[test]
        fn coverage_equals_the_scan(
            spans in proptest::collection::vec((0usize..60, 0usize..12), 0..12),
            words in proptest::collection::vec((0usize..70, 0usize..8), 0..20),
        ) {
            let mentions: Vec<Mention> = spans
                .iter()
                .map(|&(start, len)| Mention { sentence: 0, start, end: start + len, entity: 0 })
                .collect();
            let covered = Coverage::new(&mentions);
            for (start, len) in words {
                let end = start + len;
                let scan = mentions.iter().any(|x| start >= x.start && end <= x.end);
                proptest::prop_assert_eq!(covered.covers(start, end), scan);
            }
        }
    }

    /// Issue 23: one long sentence with many mentions costs O(W log M), not O(W·M): a
    /// 400,000-word sentence with 100,000 mentions (10^10 comparisons by the scan).
    #[test]
    fn coverage_of_a_long_sentence_is_fast() {
        let mentions: Vec<Mention> = (0..100_000)
            .map(|i| Mention {
                sentence: 0,
                start: i * 40,
                end: i * 40 + 8,
                entity: i,
            })
            .collect();
        let started = std::time::Instant::now();
        let covered = Coverage::new(&mentions);
        let hits = (0..400_000)
            .filter(|w| covered.covers(w * 10, w * 10 + 4))
            .count();
        assert_eq!(hits, 100_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
