//! Training the stance model on labelled (claim, article) pairs, and cross-validation
//! grouped by story so that no claim and no story is seen in training and testing at once.

use crate::features::{
    analyze_text, article_features_of, idf_table, pair_features, relatedness_input, Entry, Layout,
    DENSE,
};
use crate::mlp::{Fit, Mlp, CLASSES};
use crate::{ExplanationConfig, Stance, StanceError, StanceModel, StancePrediction};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const RELATEDNESS_INPUTS: usize = crate::features::RELATEDNESS.len();

/// One labelled example: a claim, the index of its article, and the gold stance.
#[derive(Clone, Copy, Debug)]
pub struct TrainingPair<'a> {
    pub claim: &'a str,
    pub article: usize,
    pub stance: Stance,
}

/// Feature sizes and training settings. Defaults are the ones the committed weights were
/// trained with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Hash buckets of the claim's stance words (function, negation, hedging, reporting and
    /// refuting words, quotes, question marks); 0 switches the block off. Default 0: it
    /// lowered the grouped cross-validation scores.
    pub claim_dims: usize,
    /// Hash buckets of the article's bag of words. Default 2048.
    pub body_dims: usize,
    /// Hash buckets of the stance words of the sentences nearest the claim; 0 switches the
    /// block off. Default 0: it lowered the grouped cross-validation scores.
    pub top_dims: usize,
    /// Hash buckets of the IDF table. Default 16384.
    pub idf_buckets: usize,
    /// Hidden units. Default 64.
    pub hidden: usize,
    /// Hidden units of the related-vs-unrelated stage. Default 16.
    pub relatedness_hidden: usize,
    /// Perceptrons trained from seeds `seed`, `seed + 1`, ..., whose probabilities are
    /// averaged. Default 3.
    pub ensemble: usize,
    /// Passes over the training pairs. Default 4 (more overfit the stories seen).
    pub epochs: usize,
    /// Pairs per Adam step. Default 64.
    pub batch: usize,
    /// Adam step size. Default 0.001.
    pub learning_rate: f32,
    /// L2 penalty on the weights. Default 0.00001.
    pub l2: f32,
    /// Dropout on the hidden layer while training. Default 0.5.
    pub dropout: f32,
    /// Loss weight of each stance (supports, refutes, reports, unrelated); a rare stance
    /// weighs more so that it is still predicted. Default [2, 5, 1, 1].
    pub class_weights: [f32; CLASSES],
    /// Seed of the generator for initial weights, shuffling and dropout. Default 20251111.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            claim_dims: 0,
            body_dims: 2048,
            top_dims: 0,
            idf_buckets: 16384,
            hidden: 64,
            ensemble: 3,
            relatedness_hidden: 16,
            epochs: 4,
            batch: 64,
            learning_rate: 0.001,
            l2: 0.00001,
            dropout: 0.5,
            class_weights: [2.0, 5.0, 1.0, 1.0],
            seed: 20251111,
        }
    }
}

impl TrainConfig {
    /// The optimiser settings of one perceptron, from `seed`.
    fn fit(&self, seed: u64) -> Fit {
        Fit {
            epochs: self.epochs,
            batch: self.batch,
            learning_rate: self.learning_rate,
            l2: self.l2,
            dropout: self.dropout,
            class_weights: self.class_weights,
            seed,
        }
    }

    fn layout(&self) -> Layout {
        Layout {
            claim: self.claim_dims,
            body: self.body_dims,
            top: self.top_dims,
            idf: self.idf_buckets,
        }
    }
    fn check(&self) -> Result<(), StanceError> {
        let bad = |w: &str| Err(StanceError::BadTraining(w.to_string()));
        if [
            self.idf_buckets,
            self.hidden,
            self.batch,
            self.ensemble,
            self.relatedness_hidden,
        ]
        .contains(&0)
        {
            return bad("IDF buckets, hidden units, ensemble and batch size must be positive");
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return bad("dropout must be in [0, 1)");
        }
        let positive = |x: f32| x.is_finite() && x > 0.0;
        if !positive(self.learning_rate) || !self.class_weights.iter().all(|&w| positive(w)) {
            return bad("learning rate and class weights must be positive");
        }
        Ok(())
    }
}

/// Trains on all `pairs`; `articles[i]` is the text of article `i`.
pub fn train(
    articles: &[&str],
    pairs: &[TrainingPair],
    config: &TrainConfig,
) -> Result<StanceModel, StanceError> {
    config.check()?;
    let texts: Vec<_> = articles.par_iter().map(|t| analyze_text(t)).collect();
    let all: Vec<usize> = (0..pairs.len()).collect();
    fit_on(&texts, pairs, &all, config)
}

fn fit_on(
    texts: &[crate::features::TextTerms],
    pairs: &[TrainingPair],
    subset: &[usize],
    config: &TrainConfig,
) -> Result<StanceModel, StanceError> {
    if subset.is_empty() {
        return Err(StanceError::BadTraining("no training pairs".into()));
    }
    if let Some(p) = subset
        .iter()
        .map(|&i| &pairs[i])
        .find(|p| p.article >= texts.len())
    {
        return Err(StanceError::BadTraining(format!(
            "a pair names article {} of {}",
            p.article,
            texts.len()
        )));
    }
    let layout = config.layout();
    // IDF over what training sees: its articles and its distinct claims.
    let mut used = vec![false; texts.len()];
    let mut claims: Vec<&str> = Vec::new();
    let mut seen_claims = std::collections::HashSet::new();
    for &i in subset {
        used[pairs[i].article] = true;
        if seen_claims.insert(pairs[i].claim) {
            claims.push(pairs[i].claim);
        }
    }
    let claim_texts: Vec<_> = claims.par_iter().map(|c| analyze_text(c)).collect();
    let idf = idf_table(
        texts
            .iter()
            .zip(&used)
            .filter(|(_, u)| **u)
            .map(|(t, _)| t)
            .chain(claim_texts.iter()),
        layout.idf,
    );
    let articles: Vec<_> = texts
        .par_iter()
        .map(|t| article_features_of(t.clone(), &layout, &idf))
        .collect();
    let mut own: Vec<Vec<Entry>> = subset
        .par_iter()
        .map(|&i| pair_features(pairs[i].claim, &articles[pairs[i].article], &layout, &idf).own)
        .collect();
    // Standardise the dense features with the training pairs' mean and spread.
    let off = layout.dense_offset() as u32;
    let mut mean = vec![0.0f64; DENSE];
    let mut sq = vec![0.0f64; DENSE];
    for v in &own {
        for e in v.iter().filter(|e| e.0 >= off) {
            let k = (e.0 - off) as usize;
            mean[k] += e.1 as f64;
            sq[k] += (e.1 as f64) * (e.1 as f64);
        }
    }
    let n = own.len() as f64;
    let mean: Vec<f32> = mean.iter().map(|m| (m / n) as f32).collect();
    let scale: Vec<f32> = sq
        .iter()
        .zip(&mean)
        .map(|(s, &m)| {
            let var = s / n - (m as f64) * (m as f64);
            if var > 1e-12 {
                (1.0 / var.sqrt()) as f32
            } else {
                1.0
            }
        })
        .collect();
    for v in &mut own {
        for e in v.iter_mut().filter(|e| e.0 >= off) {
            let k = (e.0 - off) as usize;
            e.1 = (e.1 - mean[k]) * scale[k];
        }
    }
    let examples: Vec<(Vec<&[Entry]>, usize)> = subset
        .iter()
        .zip(&own)
        .map(|(&i, o)| {
            (
                vec![
                    articles[pairs[i].article].body_block.as_slice(),
                    o.as_slice(),
                ],
                pairs[i].stance as usize,
            )
        })
        .collect();
    let nets: Vec<Mlp> = (0..config.ensemble as u64)
        .into_par_iter()
        .map(|k| {
            Mlp::fit(
                layout.input_dims(),
                config.hidden,
                &examples,
                &config.fit(config.seed.wrapping_add(k)),
            )
        })
        .collect();
    // The relatedness stage: related pairs as class 0, unrelated as class 3.
    let rel_inputs: Vec<Vec<Entry>> = own.iter().map(|o| relatedness_input(o, &layout)).collect();
    let rel_examples: Vec<(Vec<&[Entry]>, usize)> = subset
        .iter()
        .zip(&rel_inputs)
        .map(|(&i, x)| {
            let y = if pairs[i].stance == Stance::Unrelated {
                3
            } else {
                0
            };
            (vec![x.as_slice()], y)
        })
        .collect();
    let rel_fit = Fit {
        dropout: 0.0,
        class_weights: [1.0; CLASSES],
        ..config.fit(config.seed)
    };
    let relatedness = Mlp::fit(
        RELATEDNESS_INPUTS,
        config.relatedness_hidden,
        &rel_examples,
        &rel_fit,
    );
    Ok(StanceModel {
        layout,
        idf,
        mean,
        scale,
        nets,
        relatedness,
        config: ExplanationConfig::default(),
    })
}

/// The story of each pair: connected components of the graph linking each claim to the
/// articles related to it (any stance but unrelated). A pair belongs to its claim's story,
/// so every pair of one claim, and every claim sharing a related article, stay together.
/// Stories are numbered in order of first appearance.
pub fn story_groups(pairs: &[TrainingPair]) -> Vec<usize> {
    let mut claim_ids: HashMap<&str, usize> = HashMap::new();
    let mut claim_of = Vec::with_capacity(pairs.len());
    for p in pairs {
        let n = claim_ids.len();
        claim_of.push(*claim_ids.entry(p.claim).or_insert(n));
    }
    let n_claims = claim_ids.len();
    let n_articles = pairs.iter().map(|p| p.article + 1).max().unwrap_or(0);
    let mut parent = corroborate_model::UnionFind::new(n_claims + n_articles);
    for (p, &c) in pairs.iter().zip(&claim_of) {
        if p.stance != Stance::Unrelated {
            parent.union(c, n_claims + p.article);
        }
    }
    let mut number: HashMap<usize, usize> = HashMap::new();
    claim_of
        .iter()
        .map(|&c| {
            let root = parent.find(c);
            let n = number.len();
            *number.entry(root).or_insert(n)
        })
        .collect()
}

/// Assigns whole groups to `folds` folds, largest group first onto the lightest fold.
pub fn assign_folds(groups: &[usize], folds: usize) -> Vec<usize> {
    let folds = folds.max(1);
    let n_groups = groups.iter().map(|g| g + 1).max().unwrap_or(0);
    let mut size = vec![0usize; n_groups];
    for &g in groups {
        size[g] += 1;
    }
    let mut order: Vec<usize> = (0..n_groups).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then(a.cmp(&b)));
    let mut load = vec![0usize; folds];
    let mut fold_of = vec![0usize; n_groups];
    for g in order {
        let f = (0..folds).min_by_key(|&f| (load[f], f)).unwrap_or(0);
        fold_of[g] = f;
        load[f] += size[g];
    }
    groups.iter().map(|&g| fold_of[g]).collect()
}

/// Out-of-fold predictions: the pairs are split into `folds` folds by story
/// ([`story_groups`]), and each fold is predicted by a model trained on the others.
/// Returns, per pair, the predicted stance and its probability.
pub fn cross_validate(
    articles: &[&str],
    pairs: &[TrainingPair],
    folds: usize,
    config: &TrainConfig,
) -> Result<Vec<StancePrediction>, StanceError> {
    config.check()?;
    if folds < 2 {
        return Err(StanceError::BadTraining(
            "cross-validation needs at least 2 folds".into(),
        ));
    }
    let texts: Vec<_> = articles.par_iter().map(|t| analyze_text(t)).collect();
    let fold_of = assign_folds(&story_groups(pairs), folds);
    type FoldPredictions = Result<Vec<(usize, StancePrediction)>, StanceError>;
    let per_fold: Vec<FoldPredictions> = (0..folds)
        .into_par_iter()
        .map(|f| {
            let train: Vec<usize> = (0..pairs.len()).filter(|&i| fold_of[i] != f).collect();
            let test: Vec<usize> = (0..pairs.len()).filter(|&i| fold_of[i] == f).collect();
            let model = fit_on(&texts, pairs, &train, config)?;
            let features: Vec<_> = texts
                .iter()
                .map(|t| article_features_of(t.clone(), &model.layout, &model.idf))
                .collect();
            Ok(test
                .iter()
                .map(|&i| {
                    (
                        i,
                        model.predict_analyzed(pairs[i].claim, &features[pairs[i].article]),
                    )
                })
                .collect())
        })
        .collect();
    let mut out: Vec<Option<StancePrediction>> = vec![None; pairs.len()];
    for r in per_fold {
        for (i, p) in r? {
            out[i] = Some(p);
        }
    }
    // every pair is in exactly one test fold
    Ok(out.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(claim: &str, article: usize, stance: Stance) -> TrainingPair<'_> {
        TrainingPair {
            claim,
            article,
            stance,
        }
    }

    #[test]
    fn stories_join_claims_through_related_articles_only() {
        let pairs = [
            pair("a", 0, Stance::Supports),
            pair("b", 0, Stance::Reports),
            pair("c", 1, Stance::Refutes),
            pair("a", 1, Stance::Unrelated),
            pair("c", 2, Stance::Unrelated),
        ];
        assert_eq!(story_groups(&pairs), vec![0, 0, 1, 0, 1]);
        let folds = assign_folds(&story_groups(&pairs), 2);
        assert_eq!(folds, vec![0, 0, 1, 0, 1]);
    }

    #[test]
    fn training_is_reproducible_and_learns_the_cases() {
        let articles = [
            "The giant spider photo is a hoax and the story is fake, experts said.",
            "Scientists confirmed a giant spider was found in the outback on Monday.",
            "Interest rates rose by a quarter point as inflation persisted.",
        ];
        let pairs = [
            pair("Giant spider found in outback", 0, Stance::Refutes),
            pair("Giant spider found in outback", 1, Stance::Supports),
            pair("Giant spider found in outback", 2, Stance::Unrelated),
        ];
        let config = TrainConfig {
            epochs: 200,
            hidden: 8,
            batch: 3,
            learning_rate: 0.01,
            dropout: 0.0,
            claim_dims: 64,
            body_dims: 64,
            top_dims: 64,
            idf_buckets: 256,
            ..TrainConfig::default()
        };
        let a = train(&articles, &pairs, &config).unwrap();
        let b = train(&articles, &pairs, &config).unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes());
        for p in &pairs {
            assert_eq!(a.predict(p.claim, articles[p.article]).stance, p.stance);
        }
        assert!(train(&articles, &[], &config).is_err());
    }
}
