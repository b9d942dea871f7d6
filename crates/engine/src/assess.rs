//! Assessment: for each fact, who carries it, how independently, and whether anything
//! contradicts it; for each story, its title, brief and timeline.
//!
//! Independence folds three things: copies (an article and what it copies are one
//! origin), outlets (two articles of one publisher are one origin; an article that credits
//! another outlet counts as that outlet) and shared named attributions (two articles
//! quoting Reuters are one origin: Reuters).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

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

/// Where a telling comes from, one of a fact's independent origins. Ordered as the dossier
/// lists origins (by their written form: articles before sources, then by id or name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// An article that names no outlet or source: only itself (written `article:ID`).
    Article(String),
    /// A named outlet or source: a publisher, an agency it credits, a source it quotes
    /// (written `source:NAME`).
    Source(String),
}

impl Origin {
    /// Comparison key: `Source("Reuters")` and `Source("the Reuters")` are one.
    fn key(&self) -> Origin {
        match self {
            Origin::Source(name) => Origin::Source(fold::name_key(name)),
            Origin::Article(_) => self.clone(),
        }
    }
}

/// The dossier's form of an origin (`Fact::origins`): `source:NAME` or `article:ID`.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Source(name) => write!(f, "source:{name}"),
            Origin::Article(id) => write!(f, "article:{id}"),
        }
    }
}

/// Where each document's statements come from: its origin after folding whole copies and
/// outlets, and the passages it took from other documents.
pub struct Provenance {
    /// `origins[d]`: the origin of document `d`'s own words.
    pub origins: Vec<Origin>,
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
fn document_origins(docs: &[Doc], copies: &[Copy]) -> (Vec<Origin>, Vec<usize>) {
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
    let mut group_outlet: HashMap<usize, Origin> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        let r = groups.find(i);
        let agency = d.agency.map(str::to_string);
        let named = d.credited_source.as_ref().or(agency.as_ref());
        if let Some(o) = named.or(d.article.outlet.as_ref()) {
            let key = Origin::Source(o.clone());
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
                .unwrap_or_else(|| Origin::Article(docs[*r].article.id.clone()))
        })
        .collect();
    (origins, roots)
}

/// The origin of a claim: the entity it is attributed to, when that is a person or an
/// organisation, else its document's.
fn origin_of(claim: &Claim, doc_origin: &Origin, ents: &EntityIndex) -> Origin {
    if let Some(e) = claim.attribution.as_ref().and_then(|a| a.entity) {
        let entity = &ents.entities[e];
        if matches!(
            entity.kind,
            EntityKind::Organization | EntityKind::Person | EntityKind::Other
        ) {
            return Origin::Source(entity.name.clone());
        }
    }
    doc_origin.clone()
}

/// The distinct origins of a fact's claims. Each group of copies contributes one origin
/// (its original's, when the original carries the fact), and each article one: several
/// sentences of one article are one telling, however many names they quote. A claim in a
/// passage taken from another article is that article's telling.
fn fact_origins(members: &[&Claim], prov: &Provenance, ents: &EntityIndex) -> Vec<Origin> {
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
        seen.entry(o.key()).or_insert(o);
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

/// What the assess step reads for every story of a run.
pub struct AssessContext<'a> {
    pub docs: &'a [Doc],
    pub ents: &'a EntityIndex,
    pub prov: &'a Provenance,
    pub cfg: &'a AssessConfig,
    pub events: &'a EventsConfig,
    /// The stance model and its settings, when the run has one.
    pub stance: Option<&'a StanceUse<'a>>,
}

/// One story as the earlier stages leave it.
pub struct StoryInput<'a> {
    /// The story's documents, in story order (the first one names the story).
    pub docs: &'a [usize],
    /// The claims of the story's documents.
    pub claims: &'a [Claim],
    /// The claims aligned into facts.
    pub drafts: &'a [FactDraft],
    /// The first documents of the stories merged into this one.
    pub merged_first_docs: &'a [usize],
}

/// The facts and story record of one story.
pub fn assess_story(ctx: &AssessContext, story: &StoryInput) -> (Story, Vec<Fact>) {
    let docs = ctx.docs;
    let story_id = stable_id("s-", &[&docs[story.docs[0]].article.id]);
    let ids = fact_ids(ctx, story, &story_id);
    let mut facts: Vec<Fact> = story
        .drafts
        .iter()
        .zip(&ids)
        .map(|(draft, id)| fact(ctx, story, draft, id, &ids, &story_id))
        .collect();
    if let Some(with) = ctx.stance {
        crate::stances::weigh(docs, story.docs, &mut facts, with);
    }
    rank_facts(story, &ids, &mut facts);
    let record = Story {
        id: story_id.clone(),
        title: title(docs, story, &facts),
        articles: story
            .docs
            .iter()
            .map(|&d| docs[d].article.id.clone())
            .collect(),
        brief: brief(&facts, ctx.cfg),
        timeline: timeline(&facts),
        merged: story
            .merged_first_docs
            .iter()
            .map(|&d| stable_id("s-", &[&docs[d].article.id]))
            .collect(),
        events: story_events(
            &story_id,
            story.claims,
            story.drafts,
            &ids,
            &facts,
            ctx.events,
        ),
    };
    (record, facts)
}

/// Each fact's id: named by the story and the article and offset of its first claim.
fn fact_ids(ctx: &AssessContext, story: &StoryInput, story_id: &str) -> Vec<String> {
    story
        .drafts
        .iter()
        .map(|d| {
            let c = &story.claims[d.claims[0]];
            stable_id(
                "f-",
                &[story_id, &ctx.docs[c.doc].article.id, &c.start.to_string()],
            )
        })
        .collect()
}

/// The fact record of one draft: its statement, evidence, origins and status.
fn fact(
    ctx: &AssessContext,
    story: &StoryInput,
    draft: &FactDraft,
    id: &str,
    ids: &[String],
    story_id: &str,
) -> Fact {
    let docs = ctx.docs;
    let members: Vec<&Claim> = draft.claims.iter().map(|&c| &story.claims[c]).collect();
    let rep = representative(&members, &story.claims[draft.central], ctx.prov, story.docs);
    let evidence: Vec<Evidence> = members
        .iter()
        .map(|c| evidence(docs, ctx.prov, c))
        .collect();
    let fact_origins = fact_origins(&members, ctx.prov, ctx.ents);
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
        .flat_map(|c| c.entities.iter().map(|&e| ctx.ents.entities[e].id.clone()))
        .collect();
    let mut conflicts: Vec<String> = draft.conflicts.iter().map(|&g| ids[g].clone()).collect();
    conflicts.sort();
    let independent = fact_origins.len();
    Fact {
        id: id.to_string(),
        story: story_id.to_string(),
        statement: docs[rep.doc].text()[rep.start..rep.end].to_string(),
        status: status(!conflicts.is_empty(), independent, ctx.cfg),
        articles,
        independent_sources: independent,
        origins: fact_origins.iter().map(Origin::to_string).collect(),
        date: rep
            .dates
            .first()
            .or_else(|| members.iter().find_map(|c| c.dates.first()))
            .map(|d| d.to_string()),
        entities: entities.into_iter().collect(),
        evidence,
        conflicts,
    }
}

/// The claim whose sentence states the fact: an article's own words before a copy's, the
/// fact's most central claim (most like the others), an assertion before a report before a
/// denial, then the earliest in story order.
fn representative<'c>(
    members: &[&'c Claim],
    central: &Claim,
    prov: &Provenance,
    story_docs: &[usize],
) -> &'c Claim {
    members
        .iter()
        .min_by_key(|c| {
            (
                prov.copied.contains(&c.doc),
                (c.doc, c.start) != (central.doc, central.start),
                stance_rank(c.stance),
                story_docs.iter().position(|&d| d == c.doc),
                c.start,
            )
        })
        .copied()
        .unwrap_or(members[0])
}

/// A claim's evidence: its quote sliced from the article text, its cue stance and
/// attribution, and the article it was taken from when it lies in a copied passage.
fn evidence(docs: &[Doc], prov: &Provenance, c: &Claim) -> Evidence {
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
}

/// A fact's status: contested when anything conflicts with it, corroborated when enough
/// independent origins carry it, else single-source.
fn status(conflicted: bool, independent: usize, cfg: &AssessConfig) -> Status {
    if conflicted {
        Status::Contested
    } else if independent >= cfg.corroboration {
        Status::Corroborated
    } else {
        Status::SingleSource
    }
}

/// Orders the facts best supported first (independent origins, then articles); ties keep
/// reading order (story position of the first claim's document, then its offset).
fn rank_facts(story: &StoryInput, ids: &[String], facts: &mut [Fact]) {
    let first_pos: HashMap<String, (usize, usize)> = story
        .drafts
        .iter()
        .zip(ids)
        .map(|(d, id)| {
            let c = &story.claims[d.claims[0]];
            (
                id.clone(),
                (
                    story.docs.iter().position(|&x| x == c.doc).unwrap_or(0),
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
}

/// The story's brief, read off the same assessed facts as the fact table: its best
/// `brief_facts` facts that enough independent sources carry (`corroboration`), each with
/// its count, a contested one saying so; or a line saying there is none. A fact contested
/// by a denial is still one the reader must see, so it is never left out for its status.
fn brief(facts: &[Fact], cfg: &AssessConfig) -> String {
    let brief_facts: Vec<&Fact> = facts
        .iter()
        .filter(|f| f.status != Status::SingleSource && f.independent_sources >= cfg.corroboration)
        .take(cfg.brief_facts)
        .collect();
    if brief_facts.is_empty() {
        return format!(
            "No fact in this story is carried by {} independent sources yet.",
            number_word(cfg.corroboration)
        );
    }
    brief_facts
        .iter()
        .map(|f| {
            let statement = f.statement.trim_end_matches('.');
            let n = f.independent_sources;
            match f.status {
                Status::Contested => {
                    format!("Contested: {statement} ({n} independent sources; disputed.)")
                }
                _ => format!("{statement} ({n} independent sources.)"),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n` as an English word up to ten, else in digits.
fn number_word(n: usize) -> String {
    const WORDS: [&str; 11] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_string())
}

/// The story's timeline: its dated facts by date, then fact id.
fn timeline(facts: &[Fact]) -> Vec<TimelineEntry> {
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
    timeline
}

/// The story's title: the headline of the titled article carrying most of the story's
/// claims (the earliest on ties), else the best fact's statement, else the first
/// article's opening.
fn title(docs: &[Doc], story: &StoryInput, facts: &[Fact]) -> String {
    let mut weight: HashMap<usize, usize> = HashMap::new();
    for c in story.claims {
        *weight.entry(c.doc).or_default() += 1;
    }
    story
        .docs
        .iter()
        .filter(|&&d| docs[d].article.title.is_some())
        .max_by_key(|&&d| (weight.get(&d).copied().unwrap_or(0), std::cmp::Reverse(d)))
        .and_then(|&d| docs[d].article.title.clone())
        .or_else(|| facts.first().map(|f| f.statement.clone()))
        .unwrap_or_else(|| docs[story.docs[0]].text().chars().take(120).collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_written_and_ordered_as_the_dossier_lists_them() {
        let mut keys: Vec<Origin> = [
            Origin::Source("Reuters".into()),
            Origin::Article("a2".into()),
            Origin::Source("AP".into()),
            Origin::Article("a10".into()),
        ]
        .iter()
        .map(Origin::key)
        .collect();
        keys.sort();
        let written: Vec<String> = keys.iter().map(Origin::to_string).collect();
        // the order of the written forms: articles, then sources, each by id or name
        let mut sorted = written.clone();
        sorted.sort();
        assert_eq!(written, sorted);
        assert_eq!(
            written,
            ["article:a10", "article:a2", "source:ap", "source:reuters"]
        );
        assert_eq!(
            Origin::Source("Reuters".into()).to_string(),
            "source:Reuters"
        );
        // one source however it is spelt; an article is never a source of the same name
        assert_eq!(
            Origin::Source("REUTERS".into()).key(),
            Origin::Source("Reuters".into()).key()
        );
        assert_ne!(
            Origin::Source("a1".into()).key(),
            Origin::Article("a1".into()).key()
        );
    }

    fn fact(status: Status, independent_sources: usize, statement: &str) -> Fact {
        Fact {
            id: format!("f-{statement}"),
            story: "s-1".into(),
            statement: statement.into(),
            status,
            articles: vec![],
            independent_sources,
            origins: vec![],
            date: None,
            entities: vec![],
            evidence: vec![],
            conflicts: vec![],
        }
    }

    #[test]
    fn the_brief_never_contradicts_the_fact_table() {
        let cfg = AssessConfig::default();
        // a denial made the best-carried fact contested: the brief names it, and says so
        let facts = [
            fact(Status::Contested, 4, "Syria foiled two plots."),
            fact(Status::SingleSource, 1, "A soldier died."),
        ];
        assert_eq!(
            brief(&facts, &cfg),
            "Contested: Syria foiled two plots (4 independent sources; disputed.)"
        );
        // a fact contested by a lone report is not one "carried by two sources"
        let facts = [fact(Status::Contested, 1, "A rumour.")];
        assert_eq!(
            brief(&facts, &cfg),
            "No fact in this story is carried by two independent sources yet."
        );
        let facts = [
            fact(Status::Corroborated, 3, "Syria joined the coalition."),
            fact(Status::Contested, 2, "Raids took place."),
        ];
        assert_eq!(
            brief(&facts, &cfg),
            "Syria joined the coalition (3 independent sources.) \
             Contested: Raids took place (2 independent sources; disputed.)"
        );
    }
}
