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

use std::collections::BTreeSet;

// foldhash, not SipHash: term weights are looked up for every pair of claims compared
use foldhash::HashMap;

use corroborate_model::EvidenceStance;
use corroborate_text::dates::{different_happenings, find_dates, DateValue};
use corroborate_text::quantity::{quantities, Quantity};
use corroborate_text::token::TokenKind;
use corroborate_text::{lexicon, sparse};

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
    let mentions = &ents.mentions[doc_idx];
    let mut out: Vec<Claim> = Vec::new();
    let mut last_attribution: Option<Attribution> = None;
    for (si, s) in doc.prose() {
        let word_count = s
            .words
            .iter()
            .filter(|w| w.kind != TokenKind::Punct)
            .count();
        if word_count < cfg.min_words {
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
}

/// IDF weights of a story's claim terms, and the largest of them.
pub struct Weights<'a> {
    map: HashMap<&'a str, f64>,
    max: f64,
}

impl Weights<'_> {
    fn get(&self, t: &str) -> f64 {
        self.map.get(t).copied().unwrap_or(1.0)
    }
}

fn weights(claims: &[Claim]) -> Weights<'_> {
    let map = idf(claims);
    let max = map.values().copied().fold(1.0, f64::max);
    Weights { map, max }
}

fn idf(claims: &[Claim]) -> HashMap<&str, f64> {
    let mut df: HashMap<&str, f64> = HashMap::default();
    for c in claims {
        for t in &c.terms {
            *df.entry(t.as_str()).or_default() += 1.0;
        }
    }
    let n = claims.len() as f64;
    df.into_iter()
        .map(|(t, d)| (t, (1.0 + n / d).ln()))
        .collect()
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

/// Terms of a claim looked up in the fact index.
const LOOKUP_TERMS: usize = 6;
/// Facts taken per looked-up term (the most recent).
const MAX_CANDIDATES: usize = 64;
/// Members of a fact compared with a new claim.
const MAX_MEMBERS: usize = 8;

/// Aligns the claims of one story into facts. Claims must be in story order.
pub fn align(claims: &[Claim], cfg: &ClaimsConfig) -> Vec<FactDraft> {
    let w = weights(claims);
    let mut facts: Vec<FactDraft> = Vec::new();
    let mut fact_of: Vec<usize> = vec![usize::MAX; claims.len()];
    let mut index: HashMap<&str, Vec<usize>> = HashMap::default();
    let mut numeric_conflicts: Vec<(usize, usize)> = Vec::new();
    for (ci, c) in claims.iter().enumerate() {
        // a denial right after a denial in the same article continues it ("The source
        // confirmed that all the circulated information is false")
        if c.is_denial() && ci > 0 {
            let p = &claims[ci - 1];
            if p.doc == c.doc && p.is_denial() && c.sentence <= p.sentence + 2 {
                let f = fact_of[ci - 1];
                facts[f].claims.push(ci);
                fact_of[ci] = f;
                continue;
            }
        }
        // a paraphrase shares at least one of the claim's distinctive terms, so only those
        // are looked up (bounded work per claim however large the story)
        let mut distinctive: Vec<&String> = c.terms.iter().collect();
        distinctive.sort_by(|x, y| w.get(y).total_cmp(&w.get(x)).then(x.cmp(y)));
        distinctive.truncate(LOOKUP_TERMS);
        let mut candidates: BTreeSet<usize> = BTreeSet::new();
        for t in distinctive {
            if let Some(list) = index.get(t.as_str()) {
                candidates.extend(list.iter().rev().take(MAX_CANDIDATES).copied());
            }
        }
        let mut best: Option<(f64, usize)> = None;
        for f in candidates {
            let members = &facts[f].claims;
            if members.iter().any(|&m| claims[m].doc == c.doc)
                || claims[members[0]].is_denial() != c.is_denial()
            {
                continue;
            }
            let mut score: f64 = 0.0;
            let (mut clash, mut distinct) = (false, false);
            for &m in members.iter().take(MAX_MEMBERS) {
                let (s, values) = similarity(c, &claims[m], &w);
                clash |= values == Values::Clash;
                distinct |= values == Values::Distinct;
                score = score.max(s);
            }
            // another day's happening: a fact of its own, not a contradiction
            if distinct {
                continue;
            }
            if clash {
                if score >= cfg.numeric_conflict_threshold {
                    numeric_conflicts.push((ci, f));
                }
                continue;
            }
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, f));
            }
        }
        let f = match best {
            Some((s, f)) if s >= cfg.align_threshold => f,
            _ => {
                facts.push(FactDraft::default());
                facts.len() - 1
            }
        };
        facts[f].claims.push(ci);
        fact_of[ci] = f;
        for t in &c.terms {
            let list = index.entry(t.as_str()).or_default();
            if list.last() != Some(&f) {
                list.push(f);
            }
        }
    }
    for (ci, f) in numeric_conflicts {
        let g = fact_of[ci];
        if g != f {
            facts[f].conflicts.insert(g);
            facts[g].conflicts.insert(f);
        }
    }
    denial_conflicts(claims, &mut facts, &w, cfg);
    facts
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
        let facts = align(&claims, &cfg);
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
}
