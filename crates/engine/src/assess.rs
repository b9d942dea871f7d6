//! Assessment: for each fact, who carries it, how independently, and whether anything
//! contradicts it; for each story, its title, brief and timeline.
//!
//! Independence folds three things: copies (an article and what it copies are one
//! origin), outlets (two articles of one publisher are one origin; an article that credits
//! another outlet counts as that outlet) and shared named attributions (two articles
//! quoting Reuters are one origin: Reuters).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use corroborate_model::{
    stable_id, Copy, EntityKind, Event, Evidence, EvidenceStance, Fact, Passage, StanceSource,
    Status, Story, TimelineEntry, UnionFind,
};
use corroborate_text::fold;

use crate::claims::{Claim, FactDraft};
use crate::config::{AssessConfig, EventsConfig};
use crate::doc::Doc;
use crate::entities::EntityIndex;
use crate::stances::StanceUse;

/// Where each document's statements come from: its origin after folding whole copies and
/// outlets, and the passages it took from other documents.
pub struct Provenance {
    /// `origins[d]`: the origin of document `d`'s own words.
    pub origins: Vec<String>,
    /// `roots[d]`: the first document of `d`'s group of whole copies.
    pub roots: Vec<usize>,
    /// Documents that copy another as a whole.
    pub copied: BTreeSet<usize>,
    /// `taken[d]`: the passages `d` took from other documents, with their source.
    taken: Vec<Vec<(Passage, usize)>>,
}

impl Provenance {
    pub fn new(docs: &[Doc], copies: &[Copy]) -> Provenance {
        let (origins, roots) = document_origins(docs, copies);
        let originals = crate::dedupe::originals(docs, copies);
        let copied = (0..docs.len()).filter(|&d| originals[d] != d).collect();
        let pos: HashMap<&str, usize> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.article.id.as_str(), i))
            .collect();
        let mut taken: Vec<Vec<(Passage, usize)>> = vec![Vec::new(); docs.len()];
        for c in copies {
            if let (Some(&a), Some(&o)) = (pos.get(c.article.as_str()), pos.get(c.of.as_str())) {
                taken[a].extend(c.passages.iter().map(|p| (p.clone(), o)));
            }
        }
        Provenance {
            origins,
            roots,
            copied,
            taken,
        }
    }

    /// The document that `doc`'s span `start..end` was taken from, if it lies in a passage
    /// copied from another (the first such passage's source).
    pub fn source_of(&self, doc: usize, start: usize, end: usize) -> Option<usize> {
        self.taken_at(doc, start, end).map(|&(_, o)| o)
    }

    /// The first passage of `doc` holding `start..end`, with its source.
    fn taken_at(&self, doc: usize, start: usize, end: usize) -> Option<&(Passage, usize)> {
        self.taken[doc].iter().find(|(p, _)| p.holds(start, end))
    }

    /// The document whose telling a claim is: its source when the claim lies in a taken
    /// passage (following a chain of takings), else its own.
    fn teller(&self, claim: &Claim) -> usize {
        let (mut doc, mut span) = (claim.doc, (claim.start, claim.end));
        for _ in 0..self.taken.len() {
            let Some((p, o)) = self.taken_at(doc, span.0, span.1) else {
                break;
            };
            if *o == claim.doc {
                break;
            }
            (doc, span) = (*o, (p.of_start, p.of_end));
        }
        doc
    }
}

/// Where each document's own statements come from, after folding whole copies and outlets.
fn document_origins(docs: &[Doc], copies: &[Copy]) -> (Vec<String>, Vec<usize>) {
    let pos: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.article.id.as_str(), i))
        .collect();
    let mut groups = UnionFind::new(docs.len());
    for c in copies.iter().filter(|c| c.kind.is_whole()) {
        if let (Some(&a), Some(&b)) = (pos.get(c.article.as_str()), pos.get(c.of.as_str())) {
            groups.union(a, b);
        }
    }
    // a group of copies takes the outlet of any member that credits or names one
    let mut group_outlet: HashMap<usize, String> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        let r = groups.find(i);
        let agency = d.agency.map(str::to_string);
        let named = d.credited_source.as_ref().or(agency.as_ref());
        if let Some(o) = named.or(d.article.outlet.as_ref()) {
            let key = format!("source:{o}");
            let slot = group_outlet.entry(r).or_insert_with(|| key.clone());
            if named.is_some() {
                *slot = key; // the credited original outranks the re-publisher
            }
        }
    }
    let roots: Vec<usize> = (0..docs.len()).map(|i| groups.find(i)).collect();
    let origins = roots
        .iter()
        .map(|r| {
            group_outlet
                .get(r)
                .cloned()
                .unwrap_or_else(|| format!("article:{}", docs[*r].article.id))
        })
        .collect();
    (origins, roots)
}

fn origin_of(claim: &Claim, doc_origin: &str, ents: &EntityIndex) -> String {
    if let Some(e) = claim.attribution.as_ref().and_then(|a| a.entity) {
        let entity = &ents.entities[e];
        if matches!(
            entity.kind,
            EntityKind::Organization | EntityKind::Person | EntityKind::Other
        ) {
            return format!("source:{}", entity.name);
        }
    }
    doc_origin.to_string()
}

/// Comparison key of an origin: "source:Reuters" and "source:the Reuters" are one.
fn origin_key(origin: &str) -> String {
    match origin.split_once(':') {
        Some(("source", name)) => format!("source:{}", fold::name_key(name)),
        _ => origin.to_string(),
    }
}

/// The distinct origins of a fact's claims. Each group of copies contributes one origin
/// (its original's, when the original carries the fact), and each article one: several
/// sentences of one article are one telling, however many names they quote. A claim in a
/// passage taken from another article is that article's telling.
fn fact_origins(members: &[&Claim], prov: &Provenance, ents: &EntityIndex) -> Vec<String> {
    let mut by_group: BTreeMap<usize, (usize, &Claim)> = BTreeMap::new();
    for c in members {
        let teller = prov.teller(c);
        let root = prov.roots[teller];
        let replace = match by_group.get(&root) {
            None => true,
            Some(prev) => prev.0 != root && teller == root,
        };
        if replace {
            by_group.insert(root, (teller, c));
        }
    }
    let mut seen = BTreeMap::new();
    for (teller, c) in by_group.values() {
        let o = origin_of(c, &prov.origins[*teller], ents);
        seen.entry(origin_key(&o)).or_insert(o);
    }
    seen.into_values().collect()
}

fn stance_rank(s: EvidenceStance) -> u8 {
    match s {
        EvidenceStance::Asserts => 0,
        EvidenceStance::Reports => 1,
        EvidenceStance::Denies => 2,
    }
}

/// The facts and story record of one story.
#[allow(clippy::too_many_arguments)]
pub fn assess_story(
    docs: &[Doc],
    story_docs: &[usize],
    claims: &[Claim],
    drafts: &[FactDraft],
    ents: &EntityIndex,
    prov: &Provenance,
    merged_first_docs: &[usize],
    cfg: &AssessConfig,
    events_cfg: &EventsConfig,
    stance: Option<&StanceUse>,
) -> (Story, Vec<Fact>) {
    let story_id = stable_id("s-", &[&docs[story_docs[0]].article.id]);
    let ids: Vec<String> = drafts
        .iter()
        .map(|d| {
            let c = &claims[d.claims[0]];
            stable_id(
                "f-",
                &[&story_id, &docs[c.doc].article.id, &c.start.to_string()],
            )
        })
        .collect();
    let mut facts: Vec<Fact> = Vec::with_capacity(drafts.len());
    for (fi, draft) in drafts.iter().enumerate() {
        let members: Vec<&Claim> = draft.claims.iter().map(|&c| &claims[c]).collect();
        let rep = members
            .iter()
            .min_by_key(|c| {
                (
                    prov.copied.contains(&c.doc),
                    stance_rank(c.stance),
                    story_docs.iter().position(|&d| d == c.doc),
                    c.start,
                )
            })
            .copied()
            .unwrap_or(members[0]);
        let evidence: Vec<Evidence> = members
            .iter()
            .map(|c| {
                let text = docs[c.doc].text();
                Evidence {
                    article: docs[c.doc].article.id.clone(),
                    quote: text[c.start..c.end].to_string(),
                    start: c.start,
                    end: c.end,
                    stance: c.stance,
                    stance_from: StanceSource::Cues,
                    confidence: None,
                    attributed_to: c.attribution.as_ref().map(|a| a.name.clone()),
                    taken_from: prov
                        .source_of(c.doc, c.start, c.end)
                        .map(|o| docs[o].article.id.clone()),
                }
            })
            .collect();
        let fact_origins = fact_origins(&members, prov, ents);
        let mut articles: Vec<String> = Vec::new();
        for c in &members {
            let id = &docs[c.doc].article.id;
            if !articles.contains(id) {
                articles.push(id.clone());
            }
        }
        articles.sort();
        let entities: BTreeSet<String> = members
            .iter()
            .flat_map(|c| c.entities.iter().map(|&e| ents.entities[e].id.clone()))
            .collect();
        let conflicts: Vec<String> = {
            let mut v: Vec<String> = draft.conflicts.iter().map(|&g| ids[g].clone()).collect();
            v.sort();
            v
        };
        let independent = fact_origins.len();
        let status = if !conflicts.is_empty() {
            Status::Contested
        } else if independent >= cfg.corroboration {
            Status::Corroborated
        } else {
            Status::SingleSource
        };
        facts.push(Fact {
            id: ids[fi].clone(),
            story: story_id.clone(),
            statement: docs[rep.doc].text()[rep.start..rep.end].to_string(),
            status,
            articles,
            independent_sources: independent,
            origins: fact_origins.into_iter().collect(),
            date: rep
                .dates
                .first()
                .or_else(|| members.iter().find_map(|c| c.dates.first()))
                .map(|d| d.to_string()),
            entities: entities.into_iter().collect(),
            evidence,
            conflicts,
        });
    }
    if let Some(with) = stance {
        crate::stances::weigh(docs, story_docs, &mut facts, with);
    }
    // best supported first; ties keep reading order
    let first_pos: HashMap<String, (usize, usize)> = drafts
        .iter()
        .zip(&ids)
        .map(|(d, id)| {
            let c = &claims[d.claims[0]];
            (
                id.clone(),
                (
                    story_docs.iter().position(|&x| x == c.doc).unwrap_or(0),
                    c.start,
                ),
            )
        })
        .collect();
    facts.sort_by(|a, b| {
        b.independent_sources
            .cmp(&a.independent_sources)
            .then(b.articles.len().cmp(&a.articles.len()))
            .then(first_pos[&a.id].cmp(&first_pos[&b.id]))
    });
    let brief_facts: Vec<&Fact> = facts
        .iter()
        .filter(|f| f.status == Status::Corroborated)
        .take(cfg.brief_facts)
        .collect();
    let brief = if brief_facts.is_empty() {
        "No fact in this story is carried by two independent sources yet.".to_string()
    } else {
        brief_facts
            .iter()
            .map(|f| {
                format!(
                    "{} ({} independent sources.)",
                    f.statement.trim_end_matches('.'),
                    f.independent_sources
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut timeline: Vec<TimelineEntry> = facts
        .iter()
        .filter_map(|f| {
            Some(TimelineEntry {
                date: f.date.clone()?,
                fact: f.id.clone(),
                statement: f.statement.clone(),
            })
        })
        .collect();
    timeline.sort_by(|a, b| a.date.cmp(&b.date).then(a.fact.cmp(&b.fact)));
    // title: the headline of the article carrying most of the story's facts
    let mut weight: HashMap<usize, usize> = HashMap::new();
    for c in claims {
        *weight.entry(c.doc).or_default() += 1;
    }
    let title = story_docs
        .iter()
        .filter(|&&d| docs[d].article.title.is_some())
        .max_by_key(|&&d| (weight.get(&d).copied().unwrap_or(0), std::cmp::Reverse(d)))
        .and_then(|&d| docs[d].article.title.clone())
        .or_else(|| facts.first().map(|f| f.statement.clone()))
        .unwrap_or_else(|| docs[story_docs[0]].text().chars().take(120).collect());
    let events_story_id = story_id.clone();
    let story = Story {
        id: story_id,
        title,
        articles: story_docs
            .iter()
            .map(|&d| docs[d].article.id.clone())
            .collect(),
        brief,
        timeline,
        merged: merged_first_docs
            .iter()
            .map(|&d| stable_id("s-", &[&docs[d].article.id]))
            .collect(),
        events: story_events(&events_story_id, claims, drafts, &ids, &facts, events_cfg),
    };
    (story, facts)
}

/// The story's events, from its facts in dossier order (best supported first).
fn story_events(
    story_id: &str,
    claims: &[Claim],
    drafts: &[FactDraft],
    ids: &[String],
    facts: &[Fact],
    cfg: &EventsConfig,
) -> Vec<Event> {
    let draft_of: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let order: Vec<usize> = facts.iter().map(|f| draft_of[f.id.as_str()]).collect();
    let by_id: HashMap<&str, &Fact> = facts.iter().map(|f| (f.id.as_str(), f)).collect();
    crate::events::group(claims, drafts, &order, cfg)
        .into_iter()
        .map(|e| {
            let fact_ids: Vec<String> = e.facts.iter().map(|&f| ids[f].clone()).collect();
            let articles: BTreeSet<String> = fact_ids
                .iter()
                .flat_map(|id| by_id[id.as_str()].articles.iter().cloned())
                .collect();
            Event {
                id: stable_id("v-", &[story_id, &fact_ids[0]]),
                title: by_id[fact_ids[0].as_str()].statement.clone(),
                facts: fact_ids,
                articles: articles.into_iter().collect(),
            }
        })
        .collect()
}
