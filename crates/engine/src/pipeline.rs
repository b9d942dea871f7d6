//! The whole analysis, one way: analyse → dedupe → entities → cluster → claims → assess.

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
    progress(Step::Analyze);
    let docs: Vec<Doc> = articles.into_par_iter().map(analyze).collect();
    lap(Step::Analyze, &mut timings);

    progress(Step::Dedupe);
    let copies = dedupe::find_copies(&docs, &config.dedupe);
    lap(Step::Dedupe, &mut timings);

    progress(Step::Entities);
    let ents = entities::resolve(&docs);
    lap(Step::Entities, &mut timings);

    progress(Step::Cluster);
    let clustering = cluster::cluster_embedded(&docs, &ents, &config.cluster, embeddings);
    let stories = &clustering.stories;
    lap(Step::Cluster, &mut timings);

    progress(Step::Claims);
    let per_story: Vec<(Vec<claims::Claim>, Vec<claims::FactDraft>)> = stories
        .par_iter()
        .map(|members| {
            let story_claims: Vec<claims::Claim> = members
                .iter()
                .flat_map(|&d| claims::extract(d, &docs[d], &ents, &config.claims))
                .collect();
            let drafts = claims::align(&story_claims, &config.claims);
            (story_claims, drafts)
        })
        .collect();
    lap(Step::Claims, &mut timings);

    progress(Step::Assess);
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
            assess::assess_story(
                &context,
                &assess::StoryInput {
                    docs: members,
                    claims: story_claims,
                    drafts,
                    merged_first_docs: merged,
                },
            )
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
