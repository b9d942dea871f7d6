//! The whole analysis, one way: analyse → dedupe → entities → cluster → claims → assess.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use corroborate_model::{Article, Dossier, SCHEMA_VERSION};
use rayon::prelude::*;

use crate::config::Config;
use crate::doc::{analyze, Doc};
use crate::{assess, claims, cluster, dedupe, entities};

/// The steps of a run, in order, for progress reporting and timings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// Sentences, words and terms of each article.
    Analyze,
    /// Copies.
    Dedupe,
    /// Entities and their aliases.
    Entities,
    /// Stories.
    Cluster,
    /// Claims aligned into facts.
    Claims,
    /// Independence, status, briefs.
    Assess,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Analyze,
        Step::Dedupe,
        Step::Entities,
        Step::Cluster,
        Step::Claims,
        Step::Assess,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Step::Analyze => "analyze",
            Step::Dedupe => "dedupe",
            Step::Entities => "entities",
            Step::Cluster => "cluster",
            Step::Claims => "claims",
            Step::Assess => "assess",
        }
    }
}

/// How far a run is: `step` has begun (`done` 0, the one call with 0 per step) or has
/// finished `done` of its `total` articles. Steps that count (analyze, cluster, claims, assess) report
/// every [`PROGRESS_EVERY`] articles or so and when the last is done; the others report only
/// their start, with `total` `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepProgress {
    pub step: Step,
    pub done: usize,
    pub total: Option<usize>,
}

/// Articles between two reports of a counting step: rare enough to cost nothing.
pub const PROGRESS_EVERY: usize = 64;

/// Counts the articles a parallel step has finished and reports each time the count
/// crosses a multiple of [`PROGRESS_EVERY`] or reaches the total.
struct Counter<'a> {
    step: Step,
    total: usize,
    done: AtomicUsize,
    report: &'a (dyn Fn(StepProgress) + Sync),
}

impl<'a> Counter<'a> {
    fn start(step: Step, total: usize, report: &'a (dyn Fn(StepProgress) + Sync)) -> Self {
        report(StepProgress {
            step,
            done: 0,
            total: Some(total),
        });
        Counter {
            step,
            total,
            done: AtomicUsize::new(0),
            report,
        }
    }
    fn add(&self, n: usize) {
        if n == 0 {
            return;
        }
        let before = self.done.fetch_add(n, Ordering::Relaxed);
        let after = before + n;
        if before / PROGRESS_EVERY != after / PROGRESS_EVERY || after == self.total {
            (self.report)(StepProgress {
                step: self.step,
                done: after,
                total: Some(self.total),
            });
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("no articles to analyse")]
    NoArticles,
    #[error("cannot load the stance model: {0}")]
    StanceModel(#[from] corroborate_stance::StanceError),
    /// Embeddings were given but do not line up with the articles.
    #[error("embeddings: {0}")]
    BadEmbeddings(String),
}

/// A finished run: the dossier and the time each step took.
#[derive(Debug)]
pub struct Analysis {
    pub dossier: Dossier,
    pub timings: Vec<(Step, Duration)>,
}

/// Runs every stage over `articles` (in the order given). `progress` is called as each
/// step starts.
pub fn run(
    articles: Vec<Article>,
    config: &Config,
    progress: &(dyn Fn(Step) + Sync),
) -> Result<Analysis, EngineError> {
    run_embedded(articles, None, config, progress)
}

/// [`run`] with one sentence embedding per article (same order, all of one length, unit
/// norm), which story clustering blends with term similarity as
/// `config.cluster.embedding` says. The engine never computes embeddings itself: the
/// caller brings them (the CLI's `--embeddings`, through `corroborate-embed`).
pub fn run_embedded(
    articles: Vec<Article>,
    embeddings: Option<&[Vec<f32>]>,
    config: &Config,
    progress: &(dyn Fn(Step) + Sync),
) -> Result<Analysis, EngineError> {
    let on_progress = |p: StepProgress| {
        if p.done == 0 {
            progress(p.step)
        }
    };
    run_counted(articles, embeddings, config, &on_progress)
}

/// [`run_embedded`], reporting each step's start and, within the steps that count, how
/// many articles are done ([`StepProgress`]), for a progress bar with rate and ETA.
pub fn run_counted(
    articles: Vec<Article>,
    embeddings: Option<&[Vec<f32>]>,
    config: &Config,
    progress: &(dyn Fn(StepProgress) + Sync),
) -> Result<Analysis, EngineError> {
    let starts = |step: Step| {
        progress(StepProgress {
            step,
            done: 0,
            total: None,
        })
    };
    if articles.is_empty() {
        return Err(EngineError::NoArticles);
    }
    if let Some(e) = embeddings {
        check_embeddings(e, articles.len())?;
    }
    let model = if config.stance.model {
        Some(corroborate_stance::StanceModel::load_default()?)
    } else {
        None
    };
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |step: Step, timings: &mut Vec<(Step, Duration)>| {
        timings.push((step, clock.elapsed()));
        clock = Instant::now();
    };
    let n = articles.len();
    let counter = Counter::start(Step::Analyze, n, progress);
    let docs: Vec<Doc> = articles
        .into_par_iter()
        .map(|a| {
            let doc = analyze(a);
            counter.add(1);
            doc
        })
        .collect();
    lap(Step::Analyze, &mut timings);

    starts(Step::Dedupe);
    let copies = dedupe::find_copies(&docs, &config.dedupe);
    lap(Step::Dedupe, &mut timings);

    starts(Step::Entities);
    let ents = entities::resolve(&docs);
    lap(Step::Entities, &mut timings);

    let counter = Counter::start(Step::Cluster, n, progress);
    let clustering = cluster::cluster_counted(&docs, &ents, &config.cluster, embeddings, &|_| {
        counter.add(1)
    });
    let stories = &clustering.stories;
    lap(Step::Cluster, &mut timings);

    let counter = Counter::start(Step::Claims, n, progress);
    let extracted: Vec<Vec<claims::Claim>> = stories
        .par_iter()
        .map(|members| {
            members
                .iter()
                .flat_map(|&d| claims::extract(d, &docs[d], &ents, &config.claims))
                .collect()
        })
        .collect();
    let run = claims::TermFrequencies::of(extracted.iter().map(Vec::as_slice));
    let drafts: Vec<Vec<claims::FactDraft>> = extracted
        .par_iter()
        .zip(stories.par_iter())
        .map(|(story_claims, members)| {
            let drafts = claims::align(story_claims, &run, &config.claims);
            counter.add(members.len());
            drafts
        })
        .collect();
    drop(run);
    let per_story: Vec<(Vec<claims::Claim>, Vec<claims::FactDraft>)> =
        extracted.into_iter().zip(drafts).collect();
    lap(Step::Claims, &mut timings);

    let counter = Counter::start(Step::Assess, n, progress);
    let provenance = assess::Provenance::new(&docs, &copies);
    let originals = dedupe::originals(&docs, &copies);
    let stance_use = model.as_ref().map(|model| crate::stances::StanceUse {
        model,
        config: &config.stance,
        originals: &originals,
    });
    let context = assess::AssessContext {
        docs: &docs,
        ents: &ents,
        prov: &provenance,
        cfg: &config.assess,
        events: &config.events,
        stance: stance_use.as_ref(),
    };
    let assessed: Vec<_> = stories
        .par_iter()
        .zip(per_story.par_iter())
        .zip(clustering.merged.par_iter())
        .map(|((members, (story_claims, drafts)), merged)| {
            let assessed = assess::assess_story(
                &context,
                &assess::StoryInput {
                    docs: members,
                    claims: story_claims,
                    drafts,
                    merged_first_docs: merged,
                },
            );
            counter.add(members.len());
            assessed
        })
        .collect();
    let mut dossier_stories = Vec::with_capacity(assessed.len());
    let mut facts = Vec::new();
    for (story, story_facts) in assessed {
        dossier_stories.push(story);
        facts.extend(story_facts);
    }
    lap(Step::Assess, &mut timings);

    let dossier = Dossier {
        schema_version: SCHEMA_VERSION,
        articles: docs.into_iter().map(|d| d.article).collect(),
        copies,
        stories: dossier_stories,
        entities: ents.entities,
        facts,
    };
    Ok(Analysis { dossier, timings })
}

fn check_embeddings(embeddings: &[Vec<f32>], articles: usize) -> Result<(), EngineError> {
    if embeddings.len() != articles {
        return Err(EngineError::BadEmbeddings(format!(
            "{} vectors for {articles} articles",
            embeddings.len()
        )));
    }
    let dim = embeddings.first().map_or(0, Vec::len);
    if dim == 0 {
        return Err(EngineError::BadEmbeddings("empty vectors".into()));
    }
    if let Some(i) = embeddings.iter().position(|e| e.len() != dim) {
        return Err(EngineError::BadEmbeddings(format!(
            "vector {i} has {} dimensions, the first has {dim}",
            embeddings[i].len()
        )));
    }
    if let Some(i) = embeddings
        .iter()
        .position(|e| e.iter().any(|x| !x.is_finite()))
    {
        return Err(EngineError::BadEmbeddings(format!(
            "vector {i} has a value that is not a finite number"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn each_step_starts_once_in_order_and_counting_steps_reach_every_article() {
        let articles: Vec<Article> = (0..150)
            .map(|i| {
                Article::new(
                    format!("a{i}"),
                    format!("in/a{i}.txt"),
                    format!("Officials in Town{i} said on Monday that {i} people were moved."),
                )
            })
            .collect();
        let seen = Mutex::new(Vec::new());
        let on_progress = |p: StepProgress| seen.lock().unwrap().push(p);
        run_counted(articles, None, &Config::default(), &on_progress).unwrap();
        let seen = seen.into_inner().unwrap();
        let starts: Vec<Step> = seen
            .iter()
            .filter(|p| p.done == 0)
            .map(|p| p.step)
            .collect();
        assert_eq!(starts, Step::ALL);
        for step in [Step::Analyze, Step::Cluster, Step::Claims, Step::Assess] {
            let counts: Vec<&StepProgress> = seen.iter().filter(|p| p.step == step).collect();
            assert!(counts.iter().all(|p| p.total == Some(150)), "{step:?}");
            let most = counts.iter().map(|p| p.done).max();
            assert_eq!(most, Some(150), "{step:?}");
            // one report per 64 articles or so, not one per article
            assert!(
                counts.len() <= 1 + 150 / PROGRESS_EVERY + 2,
                "{step:?}: {counts:?}"
            );
        }
    }
}
