//! Domain types of corroborate: what the pipeline passes on and what the dossier says.
//!
//! This crate owns the output contract (dossier JSON, `schema_version` 1, described by
//! `schema/dossier.v1.schema.json`). It has no I/O and no logic beyond small helpers on
//! the types, so every other crate can depend on it.
//!
//! ```
//! use corroborate_model::{Article, Span};
//! let article = Article::new("a1", "inline", "Syria joined the coalition.");
//! let span = Span::new(0, 5);
//! assert_eq!(article.slice(span), Some("Syria"));
//! ```

use serde::{Deserialize, Serialize};

/// Version of the dossier JSON layout. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A half-open byte range `[start, end)` into an article's `text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One news article as the readers deliver it and the dossier reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Given by the input (`id` field, or the file stem of a `.txt`/`.html` file) or derived
    /// from the content hash. Unique within a dossier.
    pub id: String,
    /// Where it came from: a path, `path#line` for JSONL, `path#index` for JSON arrays.
    pub source: String,
    pub url: Option<String>,
    pub title: Option<String>,
    /// Publisher, given or inferred from self-attribution such as "..., writes UNN".
    pub outlet: Option<String>,
    /// Publication date, ISO 8601 `YYYY-MM-DD` (or `YYYY-MM` / `YYYY` when only that is known).
    pub published: Option<String>,
    /// Language tag as given by the input (`language` field or `<html lang>`); not detected.
    pub language: Option<String>,
    /// The article body. Every span in the dossier indexes into this string.
    pub text: String,
}

impl Article {
    pub fn new(id: impl Into<String>, source: impl Into<String>, text: impl Into<String>) -> Self {
        Article {
            id: id.into(),
            source: source.into(),
            url: None,
            title: None,
            outlet: None,
            published: None,
            language: None,
            text: text.into(),
        }
    }

    /// The text under `span`, or `None` when the span is out of range or not on char
    /// boundaries.
    pub fn slice(&self, span: Span) -> Option<&str> {
        self.text.get(span.start..span.end)
    }

    /// The outlet to show for the article: its `outlet` (given, or read from its own credit
    /// line), else the host of its `http(s)` URL without a leading `www.`; `None` when
    /// neither is known.
    pub fn outlet_or_host(&self) -> Option<String> {
        if let Some(outlet) = self.outlet.as_deref().map(str::trim) {
            if !outlet.is_empty() {
                return Some(outlet.to_string());
            }
        }
        url_host(self.url.as_deref()?)
    }
}

/// The host of an `http://` or `https://` URL, lower-cased, without user info, port or a
/// leading `www.`; `None` for other URLs.
pub fn url_host(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        // an IPv6 literal keeps its brackets' content, not the port after them
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    let host = host
        .strip_prefix("www.")
        .unwrap_or(host)
        .trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_string())
}

/// How one article repeats another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyKind {
    /// The same text, give or take boilerplate and small edits.
    Duplicate,
    /// The whole article is the other one reworded: most of its prose is taken from it.
    Rewrite,
    /// Some passages taken from the other article, the rest the outlet's own: the copy is
    /// still an independent origin for what it states in its own words.
    Partial,
}

impl CopyKind {
    /// Whether the whole article is the other one again (a duplicate or a rewrite), so it
    /// is no origin of its own for anything it says.
    pub fn is_whole(self) -> bool {
        matches!(self, CopyKind::Duplicate | CopyKind::Rewrite)
    }
}

/// How the direction of a copy (`article` copies `of`) was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyBasis {
    /// `article` names the other's outlet, or attributes itself to another outlet.
    Attribution,
    /// `article` was published later than `of`.
    EarlierDate,
    /// Nothing tells; `of` is the longer (or, tied, the first-read) article.
    Undetermined,
}

/// `article` is a copy of `of`. A copy is never evidence of independence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Copy {
    pub article: String,
    pub of: String,
    pub kind: CopyKind,
    /// Share of the copy's prose, in words, that lies in passages taken from `of`, in
    /// `[0, 1]`.
    pub similarity: f64,
    pub basis: CopyBasis,
    /// The outlet the copy credits as where it took its text from ("…, Al Jazeera reports,
    /// writes UNN"), when its direction rests on that credit and `of` names no outlet of
    /// its own: the name the copy gives its original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credited: Option<String>,
    /// The passages taken: runs of the copy's sentences and the span of `of` they come
    /// from, in the copy's reading order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passages: Vec<Passage>,
}

/// For each article a copy credits by name while it names no outlet itself: the credited
/// name and the id of the copy crediting it (the first copy, in dossier order, when several
/// do). "…, Al Jazeera reports, writes UNN" names UNN's original Al Jazeera.
pub fn credited_outlets(copies: &[Copy]) -> std::collections::HashMap<&str, (&str, &str)> {
    let mut credited = std::collections::HashMap::new();
    for c in copies {
        if let Some(name) = c.credited.as_deref() {
            credited
                .entry(c.of.as_str())
                .or_insert((name, c.article.as_str()));
        }
    }
    credited
}

/// A run of the copy's sentences taken, verbatim or reworded, from a span of the original.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// Byte span in the copy's text.
    pub start: usize,
    pub end: usize,
    /// Byte span in the original's text, from the first to the last sentence it draws on.
    pub of_start: usize,
    pub of_end: usize,
}

impl Passage {
    /// Whether the copy's byte span `start..end` lies inside this passage.
    pub fn holds(&self, start: usize, end: usize) -> bool {
        self.start <= start && end <= self.end
    }
}

/// A dated entry of a story's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as precise as the text allows.
    pub date: String,
    pub fact: String,
    pub statement: String,
}

/// Articles that report the same story.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: String,
    pub title: String,
    pub articles: Vec<String>,
    /// A short lead made of the story's best-corroborated facts.
    pub brief: String,
    pub timeline: Vec<TimelineEntry>,
    /// Ids of younger stories merged into this one, directly or by way of a story that was
    /// merged into it later; the older id is the one kept.
    pub merged: Vec<String>,
    /// The happenings the story is made of, each a group of its facts.
    pub events: Vec<Event>,
}

/// One happening inside a story: the facts about it and the articles that carry them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    /// The statement of its best-supported fact.
    pub title: String,
    pub facts: Vec<String>,
    pub articles: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
    /// A name the tool could not type with confidence.
    Other,
}

/// A person, organisation or place, with every spelling seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    /// The most complete common spelling.
    pub name: String,
    pub kind: EntityKind,
    /// Every surface form seen, sorted.
    pub aliases: Vec<String>,
    pub articles: Vec<String>,
    pub mentions: usize,
}

/// What a piece of evidence does with the fact it backs: the quoted article's stance as the
/// dossier records it (serialised as `asserts`, `reports`, `denies`). Not the stance model's
/// four-way label (`corroborate_stance::Stance`), which maps onto this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStance {
    /// States it in its own voice.
    Asserts,
    /// Attributes it to someone else, or hedges it ("reportedly").
    Reports,
    /// Says it is false.
    Denies,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// At least two independent origins carry it and nothing contradicts it.
    Corroborated,
    /// One origin only, after folding copies, outlets and shared attributions.
    SingleSource,
    /// A conflicting or denying fact exists.
    Contested,
}

/// One quote backing a fact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub article: String,
    /// Exactly `text[start..end]` of that article.
    pub quote: String,
    pub start: usize,
    pub end: usize,
    pub stance: EvidenceStance,
    /// What decided `stance`: the trained stance model reading the whole article against
    /// the fact's statement, or the cue words of the quoted sentence alone.
    pub stance_from: StanceSource,
    /// The stance model's probability for `stance`, when the model decided it.
    pub confidence: Option<f32>,
    /// Who the article attributes the claim to, when it names someone.
    pub attributed_to: Option<String>,
    /// The article this quote was taken from, when it lies in a passage copied from
    /// another article; absent when the quote is the article's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_from: Option<String>,
}

/// What decided an evidence stance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StanceSource {
    /// The trained stance model over (statement, whole article).
    Model,
    /// Denial, hedging and attribution words in the quoted sentence.
    Cues,
}

/// A statement made by one or more articles, with who carries it and how independently.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub id: String,
    pub story: String,
    pub statement: String,
    pub status: Status,
    pub articles: Vec<String>,
    pub independent_sources: usize,
    /// The distinct origins counted in `independent_sources`.
    pub origins: Vec<String>,
    /// Normalised date the fact is about, when it names one.
    pub date: Option<String>,
    pub entities: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// Facts that contradict this one (a different value for the same slot, or a denial).
    pub conflicts: Vec<String>,
}

/// The whole result of an analysis: the JSON output contract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    pub schema_version: u32,
    pub articles: Vec<Article>,
    pub copies: Vec<Copy>,
    pub stories: Vec<Story>,
    pub entities: Vec<Entity>,
    pub facts: Vec<Fact>,
}

impl Dossier {
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }
}

/// A problem with one input document. The run goes on without it (errors) or with a
/// best-effort reading (warnings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The input: a path, or `path#record`.
    pub input: String,
    pub severity: Severity,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Error,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}: {}", self.input, self.message)
    }
}

/// Disjoint sets over `0..n` (union-find with path halving). The smaller index is always
/// the root, so groups and their roots do not depend on the order of the unions.
#[derive(Clone, Debug)]
pub struct UnionFind(Vec<usize>);

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind((0..n).collect())
    }

    /// The root of `x`'s set: its smallest member.
    pub fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    pub fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): the one small, fixed-seed generator of the
/// project, for LSH hyperplanes, training initialisation and synthetic corpora, so every run
/// on every platform draws the same numbers.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix64(self.0)
    }

    /// Uniform in `[0, 1)`, with 24 bits.
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// SplitMix64's increment, the golden ratio in 64 bits.
pub const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijective mix of 64 bits, also a good hash of an integer.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Stable 64-bit FNV-1a hash, used for content-derived ids. Never changes across
/// versions or platforms, unlike `std`'s hasher.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// `prefix` followed by 12 hex digits of [`stable_hash`] of `parts` joined by NUL.
pub fn stable_id(prefix: &str, parts: &[&str]) -> String {
    let joined = parts.join("\u{0}");
    format!("{prefix}{:012x}", stable_hash(joined.as_bytes()) >> 16)
}

#[cfg(test)]
mod tests {
    #[test]
    fn splitmix64_draws_the_reference_sequence() {
        // the published first outputs of SplitMix64 seeded with 0
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert!((0..1000).all(|_| rng.unit() < 1.0 && rng.below(7) < 7));
    }

    #[test]
    fn union_find_roots_are_the_smallest_members_whatever_the_order() {
        let mut a = UnionFind::new(5);
        a.union(4, 2);
        a.union(2, 3);
        let mut b = UnionFind::new(5);
        b.union(3, 2);
        b.union(2, 4);
        for x in 0..5 {
            assert_eq!(a.find(x), b.find(x));
        }
        assert_eq!((a.find(4), a.find(0), a.find(1)), (2, 0, 1));
    }

    use super::*;

    #[test]
    fn stable_hash_is_fixed() {
        // FNV-1a test vector: a change here would rename every id users have stored.
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(stable_id("s-", &["x"]).len(), 14);
    }

    #[test]
    fn the_outlet_falls_back_to_the_urls_host() {
        let mut a = Article::new("a", "s", "t");
        assert_eq!(a.outlet_or_host(), None);
        a.url = Some("https://user@WWW.Example.co.uk:8443/x?y#z".into());
        assert_eq!(a.outlet_or_host().as_deref(), Some("example.co.uk"));
        a.url = Some("http://[::1]:80/".into());
        assert_eq!(a.outlet_or_host().as_deref(), Some("::1"));
        a.url = Some("file:///etc/passwd".into());
        assert_eq!(a.outlet_or_host(), None);
        a.outlet = Some(" UNN ".into());
        assert_eq!(a.outlet_or_host().as_deref(), Some("UNN"));
    }

    #[test]
    fn slice_rejects_bad_spans() {
        let a = Article::new("a", "s", "héllo");
        assert_eq!(a.slice(Span::new(0, 2)), None);
        assert_eq!(a.slice(Span::new(0, 3)), Some("hé"));
        assert_eq!(a.slice(Span::new(0, 99)), None);
    }
}
