//! Evidence stances from the trained stance model (crate `corroborate-stance`): for the
//! facts carried by several articles, whether each carrying article asserts the fact,
//! only reports it, or knocks it down; and, for a story's best-supported facts, which of
//! the story's other articles refute them.
//!
//! The claims stage reads stance from the cue words of one sentence ("said", "reportedly",
//! "denied"); the model reads the whole article against the fact's statement, which is
//! what "does this outlet vouch for it" means. A sentence that is itself a denial stays a
//! denial whatever the rest of the article does.
//!
//! A copy speaks with its original's voice ([`speaker`]): that rule serves both the
//! dossier's evidence ([`weigh`]) and the stance of articles toward a claim the user gives
//! ([`toward_claim`], for `corroborate check`).

use std::collections::HashMap;

use corroborate_model::{Article, Evidence, EvidenceStance, Fact, StanceSource, Status};
use corroborate_stance::{ArticleFeatures, Stance as ModelStance, StanceModel, StancePrediction};
use rayon::prelude::*;

use crate::config::{DedupeConfig, StanceConfig};
use crate::doc::Doc;

/// The document whose reading is `doc`'s stance toward a claim: the original it copies
/// (`originals[doc]`, see [`crate::dedupe::originals`]) when the copy and the original both
/// bear on the claim, since a copy's rewording is not a second position; else `doc` itself.
pub fn speaker(doc: usize, originals: &[usize], bears_on: impl Fn(usize) -> bool) -> usize {
    let original = originals[doc];
    if original != doc && bears_on(doc) && bears_on(original) {
        original
    } else {
        doc
    }
}

/// An article's stance toward a claim, from [`toward_claim`].
#[derive(Clone, Debug)]
pub struct ClaimStance {
    /// The model's reading of the article's own words.
    pub own: StancePrediction,
    /// The article it copies (an index into the articles), following chains of copies to
    /// the first original.
    pub copy_of: Option<usize>,
    /// Whose reading is its stance ([`speaker`]): `copy_of` when the model finds both the
    /// copy and its original related to the claim, else the article itself.
    pub speaker: usize,
}

/// The stance of each article toward `claim`, in input order: the model reads every
/// article, copies are found with `dedupe`, and a related copy of a related original takes
/// the original's stance.
pub fn toward_claim(
    model: &StanceModel,
    claim: &str,
    articles: &[Article],
    dedupe: &DedupeConfig,
) -> Vec<ClaimStance> {
    let predictions: Vec<StancePrediction> = articles
        .par_iter()
        .map(|a| model.predict(claim, &a.text))
        .collect();
    let docs: Vec<Doc> = articles
        .par_iter()
        .cloned()
        .map(crate::doc::analyze)
        .collect();
    let copies = crate::dedupe::find_copies(&docs, dedupe);
    let originals = crate::dedupe::originals(&docs, &copies);
    let related = |d: usize| predictions[d].stance != ModelStance::Unrelated;
    (0..articles.len())
        .map(|d| ClaimStance {
            own: predictions[d].clone(),
            copy_of: (originals[d] != d).then_some(originals[d]),
            speaker: speaker(d, &originals, related),
        })
        .collect()
}

/// The trained model, its settings, and the original each document copies.
#[derive(Clone, Copy)]
pub struct StanceUse<'a> {
    pub model: &'a StanceModel,
    pub config: &'a StanceConfig,
    /// `originals[d]`: the document `d` copies, following chains of copies to the first
    /// original; `d` itself when it copies nothing.
    pub originals: &'a [usize],
}

/// The story's articles, each analysed for the model once, on first use.
struct Analysed<'a> {
    docs: &'a [Doc],
    model: &'a StanceModel,
    features: HashMap<usize, ArticleFeatures>,
}

impl Analysed<'_> {
    fn predict(&mut self, statement: &str, doc: usize) -> StancePrediction {
        let (docs, model) = (self.docs, self.model);
        let features = self
            .features
            .entry(doc)
            .or_insert_with(|| model.analyze_article(docs[doc].text()));
        model.predict_analyzed(statement, features)
    }
}

/// Sets model stances on the evidence of `facts` (one story's, in reading order) and adds
/// the refutations found among `story_docs`; a fact an article refutes becomes contested.
/// A copy that carries a fact its original carries takes the original's stance, since its
/// rewording is not a second position.
pub fn weigh(docs: &[Doc], story_docs: &[usize], facts: &mut [Fact], with: &StanceUse) {
    let StanceUse {
        model,
        config: cfg,
        originals,
    } = *with;
    let min_articles = cfg.min_articles.max(1);
    if !facts.iter().any(|f| f.articles.len() >= min_articles) {
        return;
    }
    let position: HashMap<&str, usize> = story_docs
        .iter()
        .map(|&d| (docs[d].article.id.as_str(), d))
        .collect();
    let mut analysed = Analysed {
        docs,
        model,
        features: HashMap::new(),
    };
    for fact in facts
        .iter_mut()
        .filter(|f| f.articles.len() >= min_articles)
    {
        let carriers: Vec<usize> = fact
            .articles
            .iter()
            .filter_map(|a| position.get(a.as_str()).copied())
            .collect();
        let mut by_article: HashMap<usize, StancePrediction> = HashMap::new();
        for ev in &mut fact.evidence {
            let Some(&own) = position.get(ev.article.as_str()) else {
                continue;
            };
            // every evidence's article carries its fact
            let doc = speaker(own, originals, |d| carriers.contains(&d));
            let p = by_article
                .entry(doc)
                .or_insert_with(|| analysed.predict(&fact.statement, doc));
            if let Some((stance, confidence)) = carrier_stance(ev.stance, p, cfg) {
                ev.stance = stance;
                ev.stance_from = StanceSource::Model;
                ev.confidence = Some(confidence);
            }
        }
    }
    // The best-supported facts, read against the articles that do not carry them.
    let mut checked: Vec<usize> = (0..facts.len())
        .filter(|&i| facts[i].articles.len() >= min_articles)
        .collect();
    checked.sort_by_key(|&i| {
        (
            std::cmp::Reverse(facts[i].independent_sources),
            std::cmp::Reverse(facts[i].articles.len()),
            i,
        )
    });
    checked.truncate(cfg.checked_facts);
    for i in checked {
        for &doc in story_docs {
            let id = &docs[doc].article.id;
            if facts[i].articles.contains(id) {
                continue;
            }
            let p = analysed.predict(&facts[i].statement, doc);
            if p.stance != ModelStance::Refutes || p.confidence < cfg.refute_confidence {
                continue;
            }
            let Some(deciding) = p.deciding.first() else {
                continue;
            };
            let text = docs[doc].text();
            facts[i].evidence.push(Evidence {
                article: id.clone(),
                quote: text[deciding.start..deciding.end].to_string(),
                start: deciding.start,
                end: deciding.end,
                stance: EvidenceStance::Denies,
                stance_from: StanceSource::Model,
                confidence: Some(p.confidence),
                attributed_to: None,
                taken_from: None,
            });
        }
    }
    for fact in facts.iter_mut() {
        let denied = fact
            .evidence
            .iter()
            .any(|e| e.stance == EvidenceStance::Denies && e.stance_from == StanceSource::Model);
        if denied {
            fact.status = Status::Contested;
        }
    }
}

/// The stance of an article that carries a fact: the model's reading of the whole article,
/// except that a sentence which is itself a denial stays one, an article the model finds
/// unrelated keeps its sentence's cues, and refuting needs the configured confidence
/// (below it, an article that carries a fact it doubts passes it on: `reports`).
fn carrier_stance(
    cue: EvidenceStance,
    p: &StancePrediction,
    cfg: &StanceConfig,
) -> Option<(EvidenceStance, f32)> {
    if cue == EvidenceStance::Denies {
        return None;
    }
    let stance = match p.stance.evidence_stance()? {
        EvidenceStance::Denies if p.confidence < cfg.refute_confidence => EvidenceStance::Reports,
        s => s,
    };
    Some((stance, p.confidence))
}

#[cfg(test)]
mod tests {
    use corroborate_model::{Article, Dossier, EvidenceStance, StanceSource, Status};

    use crate::config::Config;

    fn spider_story(config: &Config) -> Dossier {
        let outlet = |id: &str, outlet: &str, text: &str| {
            let mut a = Article::new(id, format!("{id}.txt"), text);
            a.outlet = Some(outlet.to_string());
            a
        };
        let articles = vec![
            outlet(
                "a",
                "Daily A",
                "A giant spider the size of a dog was found in the Australian outback near \
                 Alice Springs, local farmers said on Monday.\n\nThe farmers photographed the \
                 giant spider beside a water tank and shared the pictures online.\n\nThe \
                 cattle station lies two hours north of the town.",
            ),
            outlet(
                "b",
                "Courier B",
                "A giant spider the size of a dog was found in the outback near Alice Springs, \
                 farmers in central Australia say.\n\nWildlife officers have not yet examined \
                 the animal.\n\nA museum curator told the paper that spiders of that size had \
                 never been recorded in the region.",
            ),
            outlet(
                "c",
                "Checker C",
                "The story of a giant spider the size of a dog in the Australian outback near \
                 Alice Springs is a hoax.\n\nThe photo of the giant spider beside a water tank \
                 was doctored, experts said, and the claim is fake.\n\nNo such spider exists, \
                 and the pictures were debunked by wildlife officers.",
            ),
        ];
        crate::pipeline::run(articles, config, &|_| {})
            .unwrap()
            .dossier
    }

    #[test]
    fn a_debunking_article_denies_the_fact_and_contests_it() {
        let d = spider_story(&Config::default());
        assert_eq!(d.stories.len(), 1, "{:#?}", d.stories);
        let fact = d
            .facts
            .iter()
            .find(|f| f.articles == ["a", "b"])
            .expect("the spider fact is carried by a and b");
        assert_eq!(fact.status, Status::Contested, "{fact:#?}");
        let denial = fact
            .evidence
            .iter()
            .find(|e| e.article == "c")
            .expect("c refutes the fact");
        assert_eq!(denial.stance, EvidenceStance::Denies);
        assert_eq!(denial.stance_from, StanceSource::Model);
        assert!(denial.confidence.unwrap() >= 0.7, "{denial:#?}");
        let text = &d.articles[2].text;
        assert_eq!(&text[denial.start..denial.end], denial.quote);
        // the carriers' stances come from the model too, with its confidence
        for e in fact.evidence.iter().filter(|e| e.article != "c") {
            assert_eq!(e.stance_from, StanceSource::Model, "{e:#?}");
            assert_ne!(e.stance, EvidenceStance::Denies, "{e:#?}");
            assert!(e.confidence.is_some_and(|c| (0.0..=1.0).contains(&c)));
        }
    }

    #[test]
    fn without_the_model_every_stance_comes_from_cues() {
        let mut config = Config::default();
        config.stance.model = false;
        let d = spider_story(&config);
        for e in d.facts.iter().flat_map(|f| &f.evidence) {
            assert_eq!(e.stance_from, StanceSource::Cues, "{e:#?}");
            assert_eq!(e.confidence, None);
        }
        // and evidence only ever quotes articles that carry the fact
        for f in &d.facts {
            assert!(
                f.evidence.iter().all(|e| f.articles.contains(&e.article)),
                "{f:#?}"
            );
        }
    }

    #[test]
    fn a_copy_speaks_for_itself_unless_it_and_its_original_both_bear_on_the_claim() {
        // 1 copies 0, 3 copies 2; 0, 1 and 3 bear on the claim, 2 does not
        let originals = [0, 0, 2, 2];
        let bears_on = |d: usize| d != 2;
        let speakers: Vec<usize> = (0..4)
            .map(|d| super::speaker(d, &originals, bears_on))
            .collect();
        assert_eq!(speakers, [0, 0, 2, 3]);
        assert_eq!(super::speaker(1, &originals, |d| d != 1), 1);
    }

    #[test]
    fn originals_follow_copy_chains() {
        use corroborate_model::{Copy, CopyBasis, CopyKind};
        let docs: Vec<_> = ["x", "y", "z", "w"]
            .iter()
            .map(|id| crate::doc::analyze(Article::new(*id, "s", "Some text here.")))
            .collect();
        let copy = |a: &str, of: &str| Copy {
            article: a.into(),
            of: of.into(),
            kind: CopyKind::Rewrite,
            similarity: 0.9,
            basis: CopyBasis::EarlierDate,
            credited: None,
            passages: Vec::new(),
        };
        let o = crate::dedupe::originals(&docs, &[copy("x", "y"), copy("y", "z")]);
        assert_eq!(o, vec![2, 2, 2, 3]);
    }
}
