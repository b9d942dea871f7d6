//! Claims and facts: check-worthy statements per article, and claims that say the same
//! thing across articles aligned into one fact.
//!
//! A claim is a prose sentence with its comparison terms (entities by id, words by
//! paraphrase class or stem), normalised quantities and dates, its stance (`asserts`,
//! `reports` when attributed or hedged, `denies`) and whom it is attributed to. Within a
//! story, a claim joins the fact holding the most similar claim of another article
//! (IDF-weighted cosine, weights from the story's own claims so distinctive words count
//! most), found through an inverted index over terms. Quantities and dates must agree:
//! "six-month" and "180 days" do, "61 raids" and "60 raids" do not, and such near-equal
//! claims with a different value are recorded as conflicts instead. A denial is never
//! aligned with a claim it denies; it conflicts with it. Dates that differ are told apart
//! from dates that contradict by when the articles appeared: a claim dated 9 March says
//! nothing against one published on 3 March (that article could not have known of the 9th),
//! so the two are different happenings, neither aligned nor in conflict.

use std::collections::{BTreeMap, BTreeSet};

// foldhash, not SipHash: term weights are looked up for every pair of claims compared
use foldhash::HashMap;

use corroborate_model::EvidenceStance;
use corroborate_text::dates::{different_happenings, find_dates, DateValue};
use corroborate_text::quantity::{quantities, Quantity};
use corroborate_text::token::TokenKind;
use corroborate_text::{lexicon, sparse, ParaKind};

use crate::config::ClaimsConfig;
use crate::doc::Doc;
use crate::entities::EntityIndex;

/// Whom a claim is attributed to.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    /// As written ("Reuters", "two senior officials").
    pub name: String,
    /// The named entity, when the source is one.
    pub entity: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct Claim {
    pub doc: usize,
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub terms: Vec<String>,
    pub entities: BTreeSet<usize>,
    pub quantities: Vec<Quantity>,
    pub dates: Vec<DateValue>,
    /// The article's publication date.
    pub published: Option<DateValue>,
    pub stance: EvidenceStance,
    pub attribution: Option<Attribution>,
}

impl Claim {
    pub fn is_denial(&self) -> bool {
        self.stance == EvidenceStance::Denies
    }
}

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we"];

/// Extracts the claims of one document, in sentence order.
pub fn extract(doc_idx: usize, doc: &Doc, ents: &EntityIndex, cfg: &ClaimsConfig) -> Vec<Claim> {
    let text = doc.text();
    let quotes = Quotes::of(text);
    let mentions = &ents.mentions[doc_idx];
    let mut out: Vec<Claim> = Vec::new();
    let mut last_attribution: Option<Attribution> = None;
    // the article's own headline, when its text opens with it, states what the article
    // reports ("Lindsay Lohan checks into Betty Ford Center"); later short lines are
    // sub-heads and links, not claims
    let opening = doc
        .sentences
        .first()
        .filter(|s| s.kind == ParaKind::Headline && s.para == 0)
        .map(|s| (0, s));
    for (si, s) in opening.into_iter().chain(doc.prose()) {
        let word_count = s
            .words
            .iter()
            .filter(|w| w.kind != TokenKind::Punct)
            .count();
        if word_count < cfg.min_words
            || is_question(&text[s.start..s.end])
            || addresses_the_reader(&quotes, s)
            || speaks_for_the_writer(text, &quotes, s)
        {
            continue;
        }
        let in_sentence: Vec<_> = mentions.iter().filter(|m| m.sentence == si).collect();
        // mentions in order and apart (the usual case): the one holding `pos` by binary
        // search, not a scan per word (issue 23: quadratic in one overlong sentence);
        // otherwise the first holding it in list order, as the scan gives
        let ordered = in_sentence.windows(2).all(|w| w[0].end <= w[1].start);
        let entity_at = |pos: usize| {
            if ordered {
                let n = in_sentence.partition_point(|m| m.start <= pos);
                return (n > 0 && pos < in_sentence[n - 1].end).then(|| in_sentence[n - 1].entity);
            }
            in_sentence
                .iter()
                .find(|m| pos >= m.start && pos < m.end)
                .map(|m| m.entity)
        };
        let denial = s.words.iter().any(|w| lexicon::is_denial(&w.norm))
            || has_phrase(&s.words, &["not", "true"])
            || has_phrase(&s.words, &["no", "truth"]);
        let hedged = s.words.iter().any(|w| lexicon::is_hedge(&w.norm));
        // attribution: "according to X", or the subject of a reporting verb
        let mut attribution = None;
        // a closing "…, Reuters reported." names the source of the whole sentence
        let last_word = s.words.iter().rposition(|w| w.kind != TokenKind::Punct);
        let verb_order: Vec<usize> = last_word.into_iter().chain(0..s.words.len()).collect();
        for wi in verb_order {
            let w = &s.words[wi];
            if w.capitalized && wi > 0 {
                continue; // "United States" is not a reporting verb
            }
            if w.norm == "according" && s.words.get(wi + 1).is_some_and(|n| n.norm == "to") {
                attribution = source_after(text, &s.words[wi + 2..], &entity_at);
                break;
            }
            if lexicon::is_speaker_verb(&w.norm) {
                attribution = source_before(text, &s.words[..wi], &entity_at);
                if matches!(w.norm.as_str(), "citing" | "quoting" | "cited" | "quoted")
                    && attribution.is_none()
                {
                    attribution = source_after(text, &s.words[wi + 1..], &entity_at);
                }
                if attribution.is_some() {
                    break;
                }
            }
        }
        if let Some(a) = &attribution {
            if PRONOUNS.contains(&a.name.to_lowercase().as_str()) {
                attribution = last_attribution.clone().or(attribution);
            }
        }
        if attribution.is_some() {
            last_attribution = attribution.clone();
        }
        let stance = if denial {
            EvidenceStance::Denies
        } else if attribution.is_some() || hedged {
            EvidenceStance::Reports
        } else {
            EvidenceStance::Asserts
        };
        let source_entity = attribution.as_ref().and_then(|a| a.entity);
        let mut terms = BTreeSet::new();
        let mut entities = BTreeSet::new();
        for w in &s.words {
            if let Some(e) = entity_at(w.start) {
                if Some(e) != source_entity {
                    entities.insert(e);
                    terms.insert(format!("\u{1}{e}"));
                }
                continue;
            }
            if w.term.is_empty()
                || lexicon::is_denial(&w.norm)
                || lexicon::is_hedge(&w.norm)
                || w.kind == TokenKind::Number
            {
                continue;
            }
            terms.insert(w.term.to_string());
        }
        if terms.len() < 3 {
            continue;
        }
        let sentence = &text[s.start..s.end];
        let quantities = quantities(sentence)
            .into_iter()
            .map(|q| Quantity {
                start: q.start + s.start,
                end: q.end + s.start,
                ..q
            })
            .collect();
        let dates = find_dates(sentence, doc.published)
            .into_iter()
            .map(|f| f.value)
            .collect();
        out.push(Claim {
            doc: doc_idx,
            sentence: si,
            start: s.start,
            end: s.end,
            terms: terms.into_iter().collect(),
            entities,
            quantities,
            dates,
            published: doc.published,
            stance,
            attribution,
        });
    }
    out
}

/// A question asks; it states nothing to corroborate ("Is the deal good for Syria?").
/// A quoted question inside a statement ("…?” she asked.") still ends the sentence with
/// the statement's own punctuation, so only the sentence's last mark counts.
fn is_question(sentence: &str) -> bool {
    sentence
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', '»'])
        .ends_with('?')
}

/// A sentence that speaks to the reader outside any quotation ("You'll need one of its
/// cameras", "Serve your soup warm") advises or sells; it reports nothing to corroborate.
/// Inside quotation marks the "you" is a speaker's, and the sentence reports what was said.
fn addresses_the_reader(quotes: &Quotes, s: &crate::doc::SentenceInfo) -> bool {
    s.words
        .iter()
        .any(|w| lexicon::is_second_person(&w.norm) && !quotes.inside(w.start))
}

/// Where a text's quotation marks are: double marks, and single ones that open a
/// quotation at a word's start or close an open one at a word's end (an apostrophe inside
/// a word, "I've", or after one with no quotation open, "the Lamas' son", is none).
struct Quotes {
    marks: Vec<usize>,
    /// Where each paragraph starts, after the first.
    paragraphs: Vec<usize>,
}

impl Quotes {
    fn of(text: &str) -> Self {
        let mut marks = Vec::new();
        let mut paragraphs = Vec::new();
        let mut previous = ' ';
        let mut single_open = false;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map_or(' ', |&(_, n)| n);
            if matches!(c, '"' | '“' | '”') {
                marks.push(i);
            } else if matches!(c, '\'' | '‘' | '’') {
                let opens = !previous.is_alphanumeric() && next.is_alphanumeric();
                let closes = single_open && !previous.is_whitespace() && !next.is_alphanumeric();
                if opens || closes {
                    marks.push(i);
                    single_open = opens;
                }
            } else if c == '\n' {
                paragraphs.push(i + 1);
            }
            previous = c;
        }
        Quotes { marks, paragraphs }
    }

    /// Marks in `from..to`.
    fn count(&self, from: usize, to: usize) -> usize {
        self.marks.partition_point(|&m| m < to) - self.marks.partition_point(|&m| m < from)
    }

    /// Whether byte `at` lies inside a quotation: an odd number of marks stands before it
    /// in the text, or in its paragraph (a quotation running over several paragraphs
    /// reopens each one: “… ¶ “… ¶ “…”).
    fn inside(&self, at: usize) -> bool {
        let paragraph = match self.paragraphs.partition_point(|&p| p <= at) {
            0 => 0,
            n => self.paragraphs[n - 1],
        };
        self.count(0, at) % 2 == 1 || self.count(paragraph, at) % 2 == 1
    }
}

/// A sentence in which the writer speaks of themself outside any quotation ("I have one
/// on my desk, and I love it!") tells an experience or an opinion; it reports nothing to
/// corroborate. Inside quotation marks the "I" is a speaker's.
fn speaks_for_the_writer(text: &str, quotes: &Quotes, s: &crate::doc::SentenceInfo) -> bool {
    let capitalised = |w: &crate::doc::Word| text[w.start..w.end].starts_with(char::is_uppercase);
    s.words.iter().enumerate().any(|(i, w)| {
        // "World War I", "Henry I": a numeral after a name; "I.R.": an abbreviation
        let numeral = w.norm == "i"
            && ((i > 1 && capitalised(&s.words[i - 1]))
                || text[w.end..].starts_with(['.', '-'])
                    && text[w.end..]
                        .chars()
                        .nth(1)
                        .is_some_and(char::is_alphabetic));
        lexicon::is_first_person(&w.norm) && !numeral && !quotes.inside(w.start)
    })
}

fn has_phrase(words: &[crate::doc::Word], phrase: &[&str]) -> bool {
    words
        .windows(phrase.len())
        .any(|w| w.iter().zip(phrase).all(|(a, b)| a.norm == *b))
}

fn clean_source(s: &str) -> String {
    let s = s.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | '.' | '"' | '“' | '”' | ':')
    });
    let lower = s.to_lowercase();
    for det in ["the ", "a ", "an "] {
        if lower.starts_with(det) {
            return s[det.len()..].to_string();
        }
    }
    s.to_string()
}

/// The source named right after "according to" / "citing": up to the next comma.
fn source_after(
    text: &str,
    words: &[crate::doc::Word],
    entity_at: &dyn Fn(usize) -> Option<usize>,
) -> Option<Attribution> {
    let span: Vec<_> = words
        .iter()
        .take_while(|w| !matches!(w.norm.as_str(), "," | "." | ";" | "that"))
        .take(8)
        .collect();
    let (first, last) = (span.first()?, span.last()?);
    let entity = span.iter().find_map(|w| entity_at(w.start));
    Some(Attribution {
        name: clean_source(&text[first.start..last.end]),
        entity,
    })
}

/// The subject of a reporting verb: the named entity nearest before it in its clause, or
/// the noun phrase ("two senior officials").
fn source_before(
    text: &str,
    words: &[crate::doc::Word],
    entity_at: &dyn Fn(usize) -> Option<usize>,
) -> Option<Attribution> {
    let clause_start = words
        .iter()
        .rposition(|w| {
            matches!(
                w.norm.as_str(),
                "," | ";" | "that" | "”" | "\"" | ":" | "(" | ")"
            )
        })
        .map_or(0, |p| p + 1);
    let mut clause = &words[clause_start..];
    if clause.is_empty() && clause_start > 0 {
        // "…,” the official said" has the subject after the closing quote; "X, citing Y,
        // stated" has it before the comma
        let before = &words[..clause_start - 1];
        let start = before
            .iter()
            .rposition(|w| matches!(w.norm.as_str(), "," | ";" | "that" | "”" | "\""))
            .map_or(0, |p| p + 1);
        clause = &before[start..];
    }
    if clause.is_empty() || clause.len() > 10 {
        return None;
    }
    if let Some(w) = clause.iter().rev().find(|w| entity_at(w.start).is_some()) {
        let e = entity_at(w.start);
        let span: Vec<_> = clause.iter().filter(|x| entity_at(x.start) == e).collect();
        return Some(Attribution {
            name: clean_source(&text[span[0].start..span[span.len() - 1].end]),
            entity: e,
        });
    }
    let content = clause.iter().any(|w| {
        w.kind == TokenKind::Word && !lexicon::is_stopword(&w.norm)
            || PRONOUNS.contains(&w.norm.as_str())
    });
    content.then(|| Attribution {
        name: clean_source(&text[clause[0].start..clause[clause.len() - 1].end]),
        entity: None,
    })
}

/// A fact under construction: the claims (indices into the story's claim list) it holds.
#[derive(Clone, Debug, Default)]
pub struct FactDraft {
    pub claims: Vec<usize>,
    /// Other drafts (indices) this one contradicts.
    pub conflicts: BTreeSet<usize>,
    /// The member most like the others (highest summed similarity to them): the one whose
    /// sentence best states the fact.
    pub central: usize,
}

/// IDF weights of a story's claim terms (from the run's frequencies), and the largest of them.
pub struct Weights<'a> {
    map: HashMap<&'a str, f64>,
    max: f64,
}

impl Weights<'_> {
    fn get(&self, t: &str) -> f64 {
        self.map.get(t).copied().unwrap_or(1.0)
    }
}

fn quantity_relation(a: &Claim, b: &Claim) -> (usize, bool) {
    let mut agree = 0;
    let mut clash = false;
    for qa in &a.quantities {
        let same_unit: Vec<&Quantity> = b
            .quantities
            .iter()
            .filter(|qb| qb.unit == qa.unit)
            .collect();
        if same_unit.iter().any(|qb| qa.agrees_with(qb)) {
            agree += 1;
        } else if !same_unit.is_empty() {
            clash = true;
        }
    }
    (agree, clash)
}

/// How the values of two claims relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Values {
    /// Nothing disagrees.
    Compatible,
    /// A number or a date differs: said of one thing, they contradict.
    Clash,
    /// The dates differ and one article appeared before the other's date: two happenings.
    Distinct,
}

/// Dates the two claims agree on, and how their dates relate.
fn date_relation(a: &Claim, b: &Claim) -> (usize, Values) {
    let agree = a
        .dates
        .iter()
        .filter(|da| b.dates.iter().any(|db| da.agrees_with(db)))
        .count();
    let relation = if agree > 0 || a.dates.is_empty() || b.dates.is_empty() {
        Values::Compatible
    } else if different_happenings(&a.dates, a.published, &b.dates, b.published) {
        Values::Distinct
    } else {
        Values::Clash
    };
    (agree, relation)
}

/// Similarity of two claims and how their values relate.
fn similarity(a: &Claim, b: &Claim, w: &Weights) -> (f64, Values) {
    let weight = |t: &String| w.get(t);
    let na: f64 = a.terms.iter().map(|t| weight(t).powi(2)).sum();
    let nb: f64 = b.terms.iter().map(|t| weight(t).powi(2)).sum();
    let mut shared = 0.0;
    sparse::for_each_shared(
        &a.terms,
        &b.terms,
        String::as_str,
        String::as_str,
        |t, _| shared += weight(t).powi(2),
    );
    // an agreeing number or date is as telling as a rare shared word
    let bonus = w.max.powi(2);
    let (qa, qclash) = quantity_relation(a, b);
    let (da, dates) = date_relation(a, b);
    let extra = (qa + da) as f64 * bonus;
    let sim = (shared + extra) / ((na + extra) * (nb + extra)).sqrt().max(f64::MIN_POSITIVE);
    let values = match dates {
        Values::Compatible if qclash => Values::Clash,
        v => v,
    };
    (sim, values)
}

/// Terms of a claim looked up in the claim index.
const LOOKUP_TERMS: usize = 6;
/// Earlier claims taken per looked-up term (the most recent).
const MAX_CANDIDATES: usize = 64;

/// How often each claim term occurs over a run's claims: the weights of every story's
/// alignment, so that a story's central words (its people, its event word) count as what
/// they are, rare in the news at large, and not as common because the story repeats them.
pub struct TermFrequencies<'c> {
    df: HashMap<&'c str, f64>,
    claims: f64,
}

impl<'c> TermFrequencies<'c> {
    /// Counts the terms of the claims of every story of a run.
    pub fn of(stories: impl IntoIterator<Item = &'c [Claim]>) -> TermFrequencies<'c> {
        let mut df: HashMap<&str, f64> = HashMap::default();
        let mut n = 0.0;
        for story in stories {
            for c in story {
                n += 1.0;
                for t in &c.terms {
                    *df.entry(t.as_str()).or_default() += 1.0;
                }
            }
        }
        TermFrequencies { df, claims: n }
    }

    fn weights<'a>(&self, claims: &'a [Claim]) -> Weights<'a> {
        let map: HashMap<&str, f64> = claims
            .iter()
            .flat_map(|c| c.terms.iter())
            .map(|t| {
                let d = self.df.get(t.as_str()).copied().unwrap_or(1.0);
                (t.as_str(), (1.0 + self.claims / d).ln())
            })
            .collect();
        let max = map.values().copied().fold(1.0, f64::max);
        Weights { map, max }
    }
}

/// Aligns the claims of one story (in story order) into facts, with term weights from
/// `run` (`TermFrequencies::of` the run's stories; of `[claims]` for a story read alone):
/// average-link agglomeration of claims
/// (several sentences of one article may tell one happening), merging the closest groups
/// first while their mean pairwise similarity reaches `align_threshold`. Only pairs
/// found through the index of distinctive terms are compared; a pair never compared
/// counts as similarity 0, so work is bounded per claim however large the story. A pair
/// that may never share a fact (a denial and what it denies, clashing values, another
/// day's happening) keeps their groups apart.
pub fn align(claims: &[Claim], run: &TermFrequencies, cfg: &ClaimsConfig) -> Vec<FactDraft> {
    let w = run.weights(claims);
    let mut groups = Agglomeration::new(claims.len());
    // a denial right after a denial in the same article continues it ("The source
    // confirmed that all the circulated information is false")
    for ci in 1..claims.len() {
        let (p, c) = (&claims[ci - 1], &claims[ci]);
        if c.is_denial() && p.doc == c.doc && p.is_denial() && c.sentence <= p.sentence + 2 {
            groups.join(ci - 1, ci);
        }
    }
    let mut numeric_conflicts: Vec<(usize, usize)> = Vec::new();
    let mut compared: Vec<(usize, usize, f64)> = Vec::new();
    let mut index: HashMap<&str, Vec<usize>> = HashMap::default();
    for (ci, c) in claims.iter().enumerate() {
        // a paraphrase shares at least one of the claim's distinctive terms, so only those
        // are looked up (bounded work per claim however large the story)
        let mut distinctive: Vec<&String> = c.terms.iter().collect();
        distinctive.sort_by(|x, y| w.get(y).total_cmp(&w.get(x)).then(x.cmp(y)));
        distinctive.truncate(LOOKUP_TERMS);
        let mut candidates: BTreeSet<usize> = BTreeSet::new();
        for t in &distinctive {
            if let Some(list) = index.get(t.as_str()) {
                candidates.extend(list.iter().rev().take(MAX_CANDIDATES).copied());
            }
        }
        for m in candidates {
            let other = &claims[m];
            if other.is_denial() != c.is_denial() {
                groups.forbid(m, ci);
                continue;
            }
            match similarity(c, other, &w) {
                (sim, Values::Compatible) => {
                    compared.push((m, ci, sim));
                    groups.link(m, ci, sim)
                }
                (sim, Values::Clash) => {
                    if sim >= cfg.numeric_conflict_threshold && other.doc != c.doc {
                        numeric_conflicts.push((m, ci));
                    }
                    groups.forbid(m, ci);
                }
                (_, Values::Distinct) => groups.forbid(m, ci),
            }
        }
        for t in &c.terms {
            index.entry(t.as_str()).or_default().push(ci);
        }
    }
    let fact_of = groups.run(cfg.align_threshold);
    let mut facts: Vec<FactDraft> = Vec::new();
    let mut draft_of: BTreeMap<usize, usize> = BTreeMap::new();
    let mut fact_index = vec![0; claims.len()];
    for (ci, &root) in fact_of.iter().enumerate() {
        let f = *draft_of.entry(root).or_insert_with(|| {
            facts.push(FactDraft::default());
            facts.len() - 1
        });
        facts[f].claims.push(ci);
        fact_index[ci] = f;
    }
    let mut centrality = vec![0.0; claims.len()];
    for (a, b, sim) in compared {
        if fact_index[a] == fact_index[b] {
            centrality[a] += sim;
            centrality[b] += sim;
        }
    }
    for f in &mut facts {
        // the most central; ties go to the earliest in story order
        f.central = f.claims.iter().copied().fold(f.claims[0], |best, c| {
            if centrality[c] > centrality[best] {
                c
            } else {
                best
            }
        });
    }
    for (a, b) in numeric_conflicts {
        let (f, g) = (fact_index[a], fact_index[b]);
        if f != g {
            facts[f].conflicts.insert(g);
            facts[g].conflicts.insert(f);
        }
    }
    denial_conflicts(claims, &mut facts, &w, cfg);
    facts
}

/// Average-link agglomerative clustering over a sparse set of compared pairs.
///
/// Merges are decided by the queue's total order (mean, then the pair), and each merge adds
/// one sum per neighbour, so the result does not depend on the maps' iteration order.
struct Agglomeration {
    /// The group each item is in (a group is named by one of its items).
    group: Vec<usize>,
    /// Members of each group, by its name (empty once merged away).
    members: Vec<Vec<usize>>,
    /// Per group, its compared neighbours: summed similarity, and whether some pair is
    /// forbidden to share a group.
    links: Vec<HashMap<usize, (f64, bool)>>,
}

impl Agglomeration {
    fn new(n: usize) -> Agglomeration {
        Agglomeration {
            group: (0..n).collect(),
            members: (0..n).map(|i| vec![i]).collect(),
            links: (0..n).map(|_| HashMap::default()).collect(),
        }
    }

    fn add(&mut self, a: usize, b: usize, sim: f64, forbidden: bool) {
        let (a, b) = (self.group[a], self.group[b]);
        if a == b {
            return;
        }
        for (x, y) in [(a, b), (b, a)] {
            let e = self.links[x].entry(y).or_default();
            e.0 += sim;
            e.1 |= forbidden;
        }
    }

    fn link(&mut self, a: usize, b: usize, sim: f64) {
        self.add(a, b, sim, false);
    }

    fn forbid(&mut self, a: usize, b: usize) {
        self.add(a, b, 0.0, true);
    }

    /// Puts two items' groups together now (before any link is added).
    fn join(&mut self, a: usize, b: usize) {
        let (keep, gone) = (
            self.group[a].min(self.group[b]),
            self.group[a].max(self.group[b]),
        );
        if keep == gone {
            return;
        }
        let moved = std::mem::take(&mut self.members[gone]);
        for &m in &moved {
            self.group[m] = keep;
        }
        self.members[keep].extend(moved);
    }

    fn mean(&self, a: usize, b: usize, sum: f64) -> f64 {
        sum / (self.members[a].len() * self.members[b].len()) as f64
    }

    /// Merges the closest pair of groups while their mean similarity reaches `threshold`
    /// and no pair between them is forbidden; returns each item's group.
    fn run(mut self, threshold: f64) -> Vec<usize> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        // (mean, the pair as Reverse so that ties merge the earliest groups first)
        let mut heap: BinaryHeap<(Mean, Reverse<(usize, usize)>)> = BinaryHeap::new();
        for (a, near) in self.links.iter().enumerate() {
            for (&b, &(sum, forbidden)) in near {
                if a < b && !forbidden && self.mean(a, b, sum) >= threshold {
                    heap.push((Mean(self.mean(a, b, sum)), Reverse((a, b))));
                }
            }
        }
        while let Some((Mean(m), Reverse((a, b)))) = heap.pop() {
            // a group is gone, or some pair between them is forbidden
            let Some(&(sum, false)) = self.links[a].get(&b) else {
                continue;
            };
            // queued before one of them grew: its mean is lower now; queue it again at
            // that (lazily, so a merge need not touch every neighbour of the grown group)
            let current = self.mean(a, b, sum);
            if current != m {
                if current >= threshold && current < m {
                    heap.push((Mean(current), Reverse((a, b))));
                }
                continue;
            }
            // the group with fewer neighbours joins the other (each merge then touches the
            // smaller neighbour list, so merging is O(pairs · log) however big a fact grows)
            let (a, b) = if self.links[a].len() >= self.links[b].len() {
                (a, b)
            } else {
                (b, a)
            };
            let moved = std::mem::take(&mut self.members[b]);
            for &x in &moved {
                self.group[x] = a;
            }
            self.members[a].extend(moved);
            let b_links = std::mem::take(&mut self.links[b]);
            self.links[a].remove(&b);
            for (c, (sum, forbidden)) in b_links {
                if c == a {
                    continue;
                }
                self.links[c].remove(&b);
                for (x, y) in [(a, c), (c, a)] {
                    let e = self.links[x].entry(y).or_default();
                    e.0 += sum;
                    e.1 |= forbidden;
                }
                // b's neighbours now link to a with a new sum; a's other neighbours keep
                // their sum and their queued (now too high) mean, corrected when popped
                let (total, forbidden) = self.links[a][&c];
                let mean = self.mean(a, c, total);
                if !forbidden && mean >= threshold {
                    heap.push((Mean(mean), Reverse((a.min(c), a.max(c)))));
                }
            }
        }
        self.group
    }
}

/// A similarity ordered totally, for the merge queue.
#[derive(Clone, Copy, PartialEq)]
struct Mean(f64);

impl Eq for Mean {}

impl PartialOrd for Mean {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Mean {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// A denial contradicts the facts whose content it names: enough shared weight, and no
/// entity in the fact that the denial does not mention (a denial about the Daraa attempt
/// says nothing about other plots).
fn denial_conflicts(claims: &[Claim], facts: &mut [FactDraft], w: &Weights, cfg: &ClaimsConfig) {
    let denials: Vec<usize> = (0..facts.len())
        .filter(|&f| claims[facts[f].claims[0]].is_denial())
        .collect();
    for d in denials {
        let mut prop = claims[facts[d].claims[0]].clone();
        for &m in &facts[d].claims[1..] {
            let mut terms: BTreeSet<String> = prop.terms.into_iter().collect();
            terms.extend(claims[m].terms.iter().cloned());
            prop.terms = terms.into_iter().collect();
            prop.entities.extend(claims[m].entities.iter().copied());
        }
        let allowed: BTreeSet<usize> = prop
            .entities
            .iter()
            .copied()
            .chain(
                facts[d]
                    .claims
                    .iter()
                    .filter_map(|&m| claims[m].attribution.as_ref()?.entity),
            )
            .collect();
        for f in 0..facts.len() {
            if f == d || claims[facts[f].claims[0]].is_denial() {
                continue;
            }
            // the denial as a whole, or any one of its sentences, must name the fact's content
            let denial_parts: Vec<&Claim> = std::iter::once(&prop)
                .chain(facts[d].claims.iter().map(|&m| &claims[m]))
                .collect();
            let hit = facts[f].claims.iter().any(|&m| {
                let c = &claims[m];
                c.entities.is_subset(&allowed)
                    && denial_parts.iter().any(|p| {
                        let shared = c
                            .terms
                            .iter()
                            .filter(|t| p.terms.binary_search(t).is_ok())
                            .count();
                        shared >= 2 && similarity(p, c, w).0 >= cfg.conflict_threshold
                    })
            });
            if hit {
                facts[d].conflicts.insert(f);
                facts[f].conflicts.insert(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::analyze;
    use crate::entities::resolve;
    use corroborate_model::Article;

    fn claims_of(texts: &[&str]) -> (Vec<Claim>, Vec<FactDraft>) {
        let dated: Vec<(&str, &str)> = texts.iter().map(|t| ("2025-11-11", *t)).collect();
        claims_published(&dated)
    }

    /// Claims and facts of articles given as (publication date, text).
    fn claims_published(articles: &[(&str, &str)]) -> (Vec<Claim>, Vec<FactDraft>) {
        let docs: Vec<Doc> = articles
            .iter()
            .enumerate()
            .map(|(i, (published, t))| {
                let mut a = Article::new(format!("d{i}"), "s", *t);
                a.published = Some((*published).into());
                analyze(a)
            })
            .collect();
        let ents = resolve(&docs);
        let cfg = ClaimsConfig::default();
        let claims: Vec<Claim> = docs
            .iter()
            .enumerate()
            .flat_map(|(i, d)| extract(i, d, &ents, &cfg))
            .collect();
        let facts = align(&claims, &TermFrequencies::of([claims.as_slice()]), &cfg);
        (claims, facts)
    }

    #[test]
    fn stances_and_attribution() {
        let (claims, _) = claims_of(&[
            "According to state-run Al-Ikhbariah television, security forces carried out 61 raids across the country.\n\
             A source in the Syrian Ministry of Information denied the reports about Turkish intelligence thwarting an assassination attempt in Daraa.\n\
             Syria has reportedly prevented two separate attempts on the president this year.\n\
             ISIS overran large swathes of Syria and Iraq in 2014, proclaiming a caliphate.",
        ]);
        let stances: Vec<EvidenceStance> = claims.iter().map(|c| c.stance).collect();
        assert_eq!(
            stances,
            [
                EvidenceStance::Reports,
                EvidenceStance::Denies,
                EvidenceStance::Reports,
                EvidenceStance::Asserts
            ]
        );
        assert_eq!(
            claims[0].attribution.as_ref().unwrap().name,
            "state-run Al-Ikhbariah television"
        );
        assert!(claims[0].attribution.as_ref().unwrap().entity.is_some());
    }

    #[test]
    fn paraphrases_align_and_different_numbers_conflict() {
        let (claims, facts) = claims_of(&[
            "Syrian security forces conducted 61 raids, during which 71 people were arrested.",
            "Syrian security forces carried out 61 raids, arresting 71 people across the country.",
            "Syrian security forces carried out 45 raids, arresting 71 people across the country.",
        ]);
        assert_eq!(claims.len(), 3);
        let f0 = facts.iter().position(|f| f.claims.contains(&0)).unwrap();
        assert!(facts[f0].claims.contains(&1), "{facts:?}");
        let f2 = facts.iter().position(|f| f.claims.contains(&2)).unwrap();
        assert_ne!(f0, f2);
        assert!(facts[f0].conflicts.contains(&f2));
    }

    #[test]
    fn equal_durations_do_not_conflict() {
        let (_, facts) = claims_of(&[
            "Trump praised the Syrian leader amid a six-month suspension of US sanctions against the country.",
            "Trump praised the Syrian leader amid a 180-day suspension of US sanctions against the country.",
        ]);
        assert_eq!(facts.len(), 1, "{facts:?}");
        assert!(facts[0].conflicts.is_empty());
    }

    #[test]
    fn a_later_day_is_another_happening_unless_both_articles_could_know_both_days() {
        let first =
            "Gunmen attacked an army checkpoint in Mayadin on 3 March 2025, killing four soldiers.";
        let second =
            "Gunmen attacked an army checkpoint in Mayadin on 9 March 2025, killing two soldiers.";
        // the report of 3 March cannot be telling of the 9th: two facts, no conflict
        let (_, facts) = claims_published(&[("2025-03-03", first), ("2025-03-09", second)]);
        assert_eq!(facts.len(), 2, "{facts:?}");
        assert!(facts.iter().all(|f| f.conflicts.is_empty()), "{facts:?}");
        // written on the same later day, the two dates contradict each other
        let (_, facts) = claims_published(&[("2025-03-10", first), ("2025-03-10", second)]);
        assert_eq!(facts.len(), 2, "{facts:?}");
        assert!(facts[0].conflicts.contains(&1), "{facts:?}");
    }

    #[test]
    fn agglomeration_merges_by_mean_similarity_and_never_across_a_forbidden_pair() {
        // 0-1 close, 2 close to 1 only: the mean of {0,1} to 2 is (0.1 + 0.5) / 2 = 0.3
        let mut g = Agglomeration::new(4);
        g.link(0, 1, 0.9);
        g.link(0, 2, 0.1);
        g.link(1, 2, 0.5);
        // 3 is close to 0 but may never share a group with 1
        g.link(0, 3, 0.8);
        g.forbid(1, 3);
        let groups = g.run(0.3);
        assert_eq!(groups[0], groups[1]);
        assert_eq!(groups[0], groups[2]);
        assert_ne!(groups[0], groups[3]);
        let mut g = Agglomeration::new(3);
        g.link(0, 1, 0.9);
        g.link(0, 2, 0.1);
        g.link(1, 2, 0.5);
        let groups = g.run(0.31);
        assert_eq!(groups[0], groups[1]);
        assert_ne!(groups[0], groups[2]);
    }

    #[test]
    fn one_articles_sentences_of_one_happening_join_its_fact_and_the_central_one_states_it() {
        let (claims, facts) = claims_of(&[
            "Gunmen attacked an army checkpoint in Tarsenn, killing four soldiers. \
             The attack on the Tarsenn checkpoint left four soldiers dead.",
            "Four soldiers died when gunmen attacked their checkpoint in Tarsenn.",
        ]);
        assert_eq!(claims.len(), 3);
        assert_eq!(facts.len(), 1, "{facts:?}");
        // the second article's sentence shares the most with both of the first's (gunmen,
        // attacked, checkpoint / four, soldiers, checkpoint)
        assert_eq!(facts[0].central, 2, "{facts:?}");
    }

    #[test]
    fn questions_are_not_claims_but_a_statement_quoting_one_is() {
        let (claims, _) = claims_of(&[
            "Will the new coalition agreement change anything for the country's army? \
             “Will they keep their word?” the minister asked reporters in Halvik on Monday. \
             The minister signed the coalition agreement in Halvik on Monday.",
        ]);
        let sentences: Vec<usize> = claims.iter().map(|c| c.sentence).collect();
        assert_eq!(sentences, [1, 2], "{claims:?}");
    }

    #[test]
    fn a_sentence_to_the_reader_is_no_claim_unless_it_quotes_a_speaker() {
        let (claims, _) = claims_of(&[
            "You will need one of the company's cameras to connect the kit to the internet. \
             “You cannot hide from us,” the militia's commander told villagers in Halvik province. \
             The company sold two million cameras in the United States last year.",
        ]);
        let sentences: Vec<usize> = claims.iter().map(|c| c.sentence).collect();
        assert_eq!(sentences, [1, 2], "{claims:?}");
    }

    #[test]
    fn the_writers_own_voice_is_no_claim_but_a_quoted_i_and_a_numeral_are() {
        let (claims, _) = claims_of(&[
            "I have one of the old keyboards on my desk, and I love it after all these years. \
             “I was there when the bridge fell,” the driver told reporters in Halvik on Monday. \
             “We heard the cables of the old bridge snap first. They took my brother from me for no reason.” \
             The museum opened a new hall on World War I in Halvik on Monday morning. \
             The team placed its running back on I.R. after the game in Halvik on Sunday.",
        ]);
        let sentences: Vec<usize> = claims.iter().map(|c| c.sentence).collect();
        assert_eq!(sentences, [1, 2, 3, 4, 5], "{claims:?}");
    }

    #[test]
    fn a_quotation_running_over_paragraphs_keeps_its_speakers_i() {
        let (claims, _) = claims_of(&[
            "His sister Mara Oslen said the police account of the shooting in Halvik was wrong: \
             \"He had common sense and never carried a gun in his life.\n\n\
             They killed my little brother for no reason at all. \"\n\n\
             I think the city owes the family an apology and a full inquiry now.",
        ]);
        let sentences: Vec<usize> = claims.iter().map(|c| c.sentence).collect();
        assert_eq!(
            sentences,
            [0, 1],
            "the writer's own \"I think\" is left out: {claims:?}"
        );
    }
}
