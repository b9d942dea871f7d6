//! Stance of an article toward a claim: does it support the claim, refute it, only report
//! it (attribute or discuss without taking a side), or is it unrelated?
//!
//! Owns: the lexical features of a (claim, article) pair (`features`: TF-IDF similarity
//! at article and sentence level, claim/article/aligned-sentence bags of words hashed into
//! a few thousand dimensions, refuting, hedging, reporting and negation cues near the
//! aligned words, quotes, numbers that agree or not), a one-hidden-layer perceptron over
//! them (`mlp`), its training and grouped cross-validation (`train`), and the weights
//! trained on FNC-1, embedded in the binary ([`StanceModel::load_default`]).
//!
//! Main types: [`StanceModel`], [`Stance`], [`StancePrediction`] (stance, confidence and
//! the deciding sentences with byte spans), [`ArticleFeatures`] (an article analysed once
//! for many claims), [`ExplanationConfig`], [`StanceError`].
//!
//! ```
//! use corroborate_stance::{Stance, StanceModel};
//! let model = StanceModel::load_default().unwrap();
//! let p = model.predict(
//!     "Giant spider found in Australian outback",
//!     "Reports of a giant spider in the outback are a hoax, experts said. \
//!      The photo of the giant spider was doctored and the story is fake.",
//! );
//! assert_eq!(p.stance, Stance::Refutes);
//! ```
//!
//! Architecture invariant: no I/O. The weights are bytes compiled into the crate or handed
//! in by the caller; training data is handed in as strings.
//!
//! Architecture invariant: deterministic. The same weights, claim and article always give
//! the same prediction; training with the same data and [`TrainConfig`] gives byte-identical
//! weights (fixed-seed generator, single-threaded arithmetic in a fixed order).
//!
//! Architecture invariant: byte spans in a prediction index the article text as given, and
//! the text is never changed.

mod features;
mod mlp;
mod train;

use features::{article_features, pair_features, relatedness_input, Layout, DENSE, RELATEDNESS};
use mlp::{Mlp, CLASSES};
use serde::{Deserialize, Serialize};

pub use features::ArticleFeatures;
pub use train::{cross_validate, story_groups, train, TrainConfig, TrainingPair};

/// The weights trained on all of FNC-1's training set by `corroborate train-stance`.
const DEFAULT_WEIGHTS: &[u8] = include_bytes!("../weights/stance-fnc1.bin");

const MAGIC: &[u8; 8] = b"CSTANCE3";
/// Magic, then seven little-endian u32: claim, article and aligned-sentence buckets, IDF
/// buckets, hidden units, perceptrons, hidden units of the relatedness stage. Then f32s:
/// IDF, dense means and scales, each perceptron (w1, b1, w2, b2), the relatedness stage.
const HEADER: usize = 8 + 7 * 4;

/// What an article does with a claim: the stance model's four-way label (FNC-1's classes).
/// [`Stance::evidence_stance`] maps it onto the dossier's
/// [`EvidenceStance`](corroborate_model::EvidenceStance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// Says the claim is true (FNC-1 `agree`).
    Supports,
    /// Says the claim is false (FNC-1 `disagree`).
    Refutes,
    /// Discusses or attributes the claim without taking a side (FNC-1 `discuss`).
    Reports,
    /// Is about something else (FNC-1 `unrelated`).
    Unrelated,
}

impl Stance {
    pub const ALL: [Stance; CLASSES] = [
        Stance::Supports,
        Stance::Refutes,
        Stance::Reports,
        Stance::Unrelated,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Stance::Supports => "supports",
            Stance::Refutes => "refutes",
            Stance::Reports => "reports",
            Stance::Unrelated => "unrelated",
        }
    }
    /// Reads `supports`/`refutes`/`reports`/`unrelated` or the FNC-1 names
    /// `agree`/`disagree`/`discuss`/`unrelated`.
    pub fn parse(s: &str) -> Option<Stance> {
        match s.trim().to_ascii_lowercase().as_str() {
            "supports" | "agree" => Some(Stance::Supports),
            "refutes" | "disagree" => Some(Stance::Refutes),
            "reports" | "discuss" => Some(Stance::Reports),
            "unrelated" => Some(Stance::Unrelated),
            _ => None,
        }
    }
    /// The stance of a piece of evidence in the dossier, or `None` for an unrelated article.
    pub fn evidence_stance(self) -> Option<corroborate_model::EvidenceStance> {
        match self {
            Stance::Supports => Some(corroborate_model::EvidenceStance::Asserts),
            Stance::Refutes => Some(corroborate_model::EvidenceStance::Denies),
            Stance::Reports => Some(corroborate_model::EvidenceStance::Reports),
            Stance::Unrelated => None,
        }
    }
}

/// A sentence of the article that decides the stance, by byte span into the article text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DecidingSentence {
    pub start: usize,
    pub end: usize,
    /// TF-IDF cosine similarity of the sentence to the claim.
    pub similarity: f32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StancePrediction {
    pub stance: Stance,
    /// Probability of the predicted stance.
    pub confidence: f32,
    /// Probability of each stance, in the order of [`Stance::ALL`].
    pub probabilities: [f32; CLASSES],
    /// The sentences the stance rests on, most decisive first (none when unrelated).
    pub deciding: Vec<DecidingSentence>,
}

/// How predictions are explained: how many deciding sentences, chosen among how many
/// candidates. Defaults are documented on each field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExplanationConfig {
    /// Deciding sentences returned with a prediction. Default 2.
    pub deciding_sentences: usize,
    /// The sentences most similar to the claim among which the deciding ones are chosen
    /// (those carrying the cues of the predicted stance first). Default 5.
    pub candidate_sentences: usize,
}

impl Default for ExplanationConfig {
    fn default() -> Self {
        ExplanationConfig {
            deciding_sentences: 2,
            candidate_sentences: 5,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StanceError {
    /// The weights are not in the format this version writes.
    #[error("stance weights are corrupt: {0}")]
    DataCorruption(String),
    /// Training was asked for with nothing to learn from, or with bad settings.
    #[error("cannot train: {0}")]
    BadTraining(String),
}

/// The trained stance model: feature layout, IDF table, dense-feature scaling and the
/// perceptron.
#[derive(Clone, Debug)]
pub struct StanceModel {
    layout: Layout,
    idf: Vec<f32>,
    mean: Vec<f32>,
    scale: Vec<f32>,
    /// An ensemble of perceptrons trained from different seeds; their probabilities are
    /// averaged.
    nets: Vec<Mlp>,
    /// The related-vs-unrelated stage over the similarity features alone; its output 0 is
    /// "related", 3 "unrelated".
    relatedness: Mlp,
    config: ExplanationConfig,
}

impl StanceModel {
    /// The model trained on FNC-1, compiled into the binary.
    pub fn load_default() -> Result<StanceModel, StanceError> {
        Self::from_bytes(DEFAULT_WEIGHTS)
    }

    /// Sets how predictions are explained.
    pub fn with_config(mut self, config: ExplanationConfig) -> Self {
        self.config = config;
        self
    }

    /// Analyses an article once, for predicting the stance of many claims toward it.
    pub fn analyze_article(&self, text: &str) -> ArticleFeatures {
        article_features(text, &self.layout, &self.idf)
    }

    /// The stance of `article_text` toward `claim`.
    pub fn predict(&self, claim: &str, article_text: &str) -> StancePrediction {
        self.predict_analyzed(claim, &self.analyze_article(article_text))
    }

    /// The stance of an analysed article toward `claim`.
    pub fn predict_analyzed(&self, claim: &str, article: &ArticleFeatures) -> StancePrediction {
        let mut pf = pair_features(claim, article, &self.layout, &self.idf);
        self.standardize(&mut pf.own);
        let x: [&[features::Entry]; 2] = [&article.body_block, &pf.own];
        let mut stance = [0.0f32; CLASSES];
        for net in &self.nets {
            for (p, q) in stance.iter_mut().zip(net.predict(&x)) {
                *p += q / self.nets.len() as f32;
            }
        }
        // Two stages: whether the article is about the claim at all, then which stance
        // among the related ones.
        let unrelated = self
            .relatedness
            .predict(&[&relatedness_input(&pf.own, &self.layout)])[3];
        let related_mass: f32 = stance[..3].iter().sum::<f32>().max(1e-9);
        let mut probabilities = [0.0f32; CLASSES];
        for k in 0..3 {
            probabilities[k] = stance[k] / related_mass * (1.0 - unrelated);
        }
        probabilities[3] = unrelated;
        let best = (0..CLASSES)
            .max_by(|&a, &b| {
                probabilities[a]
                    .total_cmp(&probabilities[b])
                    .then(b.cmp(&a))
            })
            .unwrap_or(3);
        let stance = Stance::ALL[best];
        let deciding = self.deciding(stance, article, &pf.ranked);
        StancePrediction {
            stance,
            confidence: probabilities[best],
            probabilities,
            deciding,
        }
    }

    fn standardize(&self, own: &mut [features::Entry]) {
        let off = self.layout.dense_offset() as u32;
        for e in own.iter_mut().filter(|e| e.0 >= off) {
            let i = (e.0 - off) as usize;
            e.1 = (e.1 - self.mean[i]) * self.scale[i];
        }
    }

    /// The nearest sentences to the claim, those carrying the predicted stance's cues first.
    fn deciding(
        &self,
        stance: Stance,
        article: &ArticleFeatures,
        ranked: &[(usize, f32)],
    ) -> Vec<DecidingSentence> {
        if stance == Stance::Unrelated {
            return Vec::new();
        }
        let mut candidates: Vec<(bool, usize, usize, f32)> = ranked
            .iter()
            .take(self.config.candidate_sentences.max(1))
            .enumerate()
            .filter(|(_, r)| r.1 > 0.0)
            .map(|(rank, &(i, sim))| {
                let cued = article.text.sentences[i].has_cue_for(stance);
                (!cued, rank, i, sim)
            })
            .collect();
        candidates.sort_by_key(|c| (c.0, c.1));
        candidates
            .into_iter()
            .take(self.config.deciding_sentences)
            .map(|(_, _, i, similarity)| {
                let s = &article.text.sentences[i];
                DecidingSentence {
                    start: s.start,
                    end: s.end,
                    similarity,
                }
            })
            .collect()
    }

    /// The weights in the byte format [`StanceModel::from_bytes`] reads.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        for n in [
            self.layout.claim,
            self.layout.body,
            self.layout.top,
            self.layout.idf,
            self.nets.first().map_or(0, |n| n.hidden),
            self.nets.len(),
            self.relatedness.hidden,
        ] {
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        let nets = self
            .nets
            .iter()
            .chain([&self.relatedness])
            .flat_map(|n| [&n.w1, &n.b1, &n.w2, &n.b2]);
        for arr in [&self.idf, &self.mean, &self.scale].into_iter().chain(nets) {
            for v in arr.iter() {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }

    /// Reads weights written by [`StanceModel::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<StanceModel, StanceError> {
        let corrupt = |why: &str| StanceError::DataCorruption(why.to_string());
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return Err(corrupt("not a corroborate stance weights file"));
        }
        let u = |k: usize| {
            let at = 8 + 4 * k;
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
        };
        let layout = Layout {
            claim: u(0),
            body: u(1),
            top: u(2),
            idf: u(3),
        };
        let hidden = u(4);
        let n_nets = u(5);
        let rel_hidden = u(6);
        if n_nets == 0 || hidden == 0 || rel_hidden == 0 {
            return Err(corrupt("no perceptron in the header"));
        }
        let inputs = layout.input_dims();
        let net_size = inputs
            .checked_mul(hidden)
            .and_then(|w1| w1.checked_add(hidden * (CLASSES + 1) + CLASSES))
            .ok_or_else(|| corrupt("sizes overflow"))?;
        let rel_size = rel_hidden
            .checked_mul(RELATEDNESS.len() + CLASSES + 1)
            .and_then(|n| n.checked_add(CLASSES))
            .ok_or_else(|| corrupt("sizes overflow"))?;
        let total = net_size
            .checked_mul(n_nets)
            .and_then(|n| n.checked_add(rel_size))
            .and_then(|n| n.checked_add(layout.idf + 2 * DENSE))
            .and_then(|n| n.checked_mul(4))
            .and_then(|n| n.checked_add(HEADER))
            .ok_or_else(|| corrupt("sizes overflow"))?;
        if bytes.len() != total {
            return Err(corrupt(&format!(
                "expected {total} bytes for the sizes in its header, found {}",
                bytes.len()
            )));
        }
        let mut floats = bytes[HEADER..]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let mut take = |n: usize| floats.by_ref().take(n).collect::<Vec<f32>>();
        let idf = take(layout.idf);
        let mean = take(DENSE);
        let scale = take(DENSE);
        let nets: Vec<Mlp> = (0..n_nets)
            .map(|_| Mlp {
                inputs,
                hidden,
                w1: take(inputs * hidden),
                b1: take(hidden),
                w2: take(hidden * CLASSES),
                b2: take(CLASSES),
            })
            .collect();
        let relatedness = Mlp {
            inputs: RELATEDNESS.len(),
            hidden: rel_hidden,
            w1: take(RELATEDNESS.len() * rel_hidden),
            b1: take(rel_hidden),
            w2: take(rel_hidden * CLASSES),
            b2: take(CLASSES),
        };
        let finite = |a: &Vec<f32>| a.iter().all(|v| v.is_finite());
        if ![&idf, &mean, &scale].into_iter().all(finite)
            || !nets
                .iter()
                .chain([&relatedness])
                .all(|n| [&n.w1, &n.b1, &n.w2, &n.b2].into_iter().all(finite))
        {
            return Err(corrupt("a weight is not a finite number"));
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> &'static StanceModel {
        static MODEL: std::sync::OnceLock<StanceModel> = std::sync::OnceLock::new();
        MODEL.get_or_init(|| StanceModel::load_default().expect("the embedded weights load"))
    }

    #[test]
    fn a_hoax_debunk_refutes() {
        let p = model().predict(
            "Giant spider found in Australian outback",
            "Reports of a giant spider in the outback are a hoax, experts said. \
             The photo of the giant spider was doctored and the story is fake.",
        );
        assert_eq!(p.stance, Stance::Refutes, "{p:?}");
    }

    #[test]
    fn reportedly_said_reports() {
        let claim = "Apple to buy Beats for $3 billion";
        let article = "Apple is reportedly in talks to buy Beats for $3 billion, \
             according to people familiar with the matter. Neither company would comment. \
             The deal, if confirmed, would be Apple's biggest ever, sources said.";
        let p = model().predict(claim, article);
        assert_eq!(p.stance, Stance::Reports, "{p:?}");
        assert!(!p.deciding.is_empty());
        let s = &p.deciding[0];
        assert!(article[s.start..s.end].contains("Beats"));
    }

    #[test]
    fn an_unrelated_article_is_unrelated() {
        let p = model().predict(
            "Giant spider found in Australian outback",
            "The central bank raised interest rates by a quarter point on Wednesday, \
             citing persistent inflation in services and a tight labour market.",
        );
        assert_eq!(p.stance, Stance::Unrelated, "{p:?}");
        assert!(p.deciding.is_empty());
    }

    #[test]
    fn evidence_stances_map_onto_the_dossier() {
        let m = model();
        let a = m.analyze_article(
            "Reports of a giant spider in the outback are a hoax, experts said. \
             The photo of the giant spider was doctored and the story is fake.",
        );
        let evidence = |claim: &str| m.predict_analyzed(claim, &a).stance.evidence_stance();
        assert_eq!(
            evidence("Giant spider found in Australian outback"),
            Some(corroborate_model::EvidenceStance::Denies)
        );
        assert_eq!(evidence("Central bank raises interest rates"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gets_a_stance_with_spans_inside_it(claim in "\\PC{0,60}", text in "\\PC{0,300}") {
            let p = model().predict(&claim, &text);
            let total: f32 = p.probabilities.iter().sum();
            proptest::prop_assert!((total - 1.0).abs() < 1e-3 && p.confidence.is_finite());
            for d in &p.deciding {
                proptest::prop_assert!(text.get(d.start..d.end).is_some());
            }
        }

        #[test]
        fn garbage_weights_are_an_error_not_a_panic(bytes in proptest::collection::vec(0u8..=255, 0..64)) {
            let mut framed = MAGIC.to_vec();
            framed.extend_from_slice(&bytes);
            let _ = StanceModel::from_bytes(&framed);
            let _ = StanceModel::from_bytes(&bytes);
        }
    }

    #[test]
    fn weights_round_trip_and_reject_garbage() {
        let m = model();
        let again = StanceModel::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(again.to_bytes(), m.to_bytes());
        assert!(StanceModel::from_bytes(b"not weights at all, no").is_err());
        let mut short = m.to_bytes();
        short.truncate(short.len() - 4);
        assert!(StanceModel::from_bytes(&short).is_err());
    }

    #[test]
    fn empty_inputs_do_not_panic() {
        let m = model();
        let p = m.predict("", "");
        assert!((p.probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-3);
        let _ = m.predict("Claim?", "...\n\n\"\"");
    }

    /// The weights file records the number of dense features, not their names, so check
    /// the order against what the shipped weights learned about each slot: the training
    /// pairs' mean and spread (`mean`, `1 / scale`) must fit the feature named there.
    #[test]
    fn the_shipped_weights_were_trained_on_the_features_in_this_order() {
        use features::Feature::{self, *};
        let m = model();
        assert_eq!(m.mean.len(), Feature::ALL.len());
        let mean = |f: Feature| m.mean[f.index()];
        let spread = |f: Feature| 1.0 / m.scale[f.index()];
        // A 0/1 feature's spread is sqrt(p (1 - p)).
        for f in [ClaimRefutes, RefutingClaimUnrefuted] {
            let p = mean(f);
            assert!((spread(f) - (p * (1.0 - p)).sqrt()).abs() < 1e-3, "{f:?}");
        }
        // Similarities, shares and products of them lie in [0, 1].
        for f in [
            ArticleSimilarity,
            NearestSimilarity,
            SecondSimilarity,
            ThirdSimilarity,
            TopSimilarity,
            ClaimTermsFound,
            ClaimIdfFound,
            ClaimTermsInLead,
            NearestOverlap,
            ClaimBigramsFound,
            NearestPosition,
            LeadSimilarity,
            RelatedShare,
            OwnVoiceSimilarity,
            HedgedSimilarity,
            AttributedSimilarity,
            NegatedSimilarity,
            RefutingClaimOwnVoice,
            PlainClaimNegated,
        ] {
            assert!((0.0..=1.0).contains(&mean(f)) && spread(f) <= 0.5, "{f:?}");
        }
        // The nearest sentence is among the top ones, which are in the article.
        for [article, top, nearest] in [
            [ArticleRefuting, TopRefuting, NearestRefuting],
            [ArticleHedging, TopHedging, NearestHedging],
            [ArticleReporting, TopReporting, NearestReporting],
            [ArticleNegations, TopNegations, NearestNegations],
        ] {
            assert!(
                mean(article) > mean(top) && mean(top) > mean(nearest),
                "{article:?}"
            );
        }
        for [article, related] in [
            [ArticleRefuting, RelatedRefuting],
            [ArticleHedging, RelatedHedging],
            [ArticleReporting, RelatedReporting],
        ] {
            assert!(mean(article) > mean(related), "{article:?}");
        }
        assert!(mean(ArticleLength) > mean(ClaimLength));
        assert!(mean(SecondSimilarity) <= mean(NearestSimilarity));
        assert!(mean(ThirdSimilarity) <= mean(SecondSimilarity));
    }
}
