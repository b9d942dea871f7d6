//! Stories: articles about the same story, grouped online.
//!
//! Each article becomes a weighted term vector (TF-IDF over comparison terms, entities
//! weighted up, title terms added) and is assigned on arrival to the story whose centroid
//! is nearest, if near enough, else it opens a new story. Candidate stories come from an
//! inverted index over the centroids' top terms, so an article is compared only with
//! stories that share a term, never with all of them.

use std::collections::HashMap;

use corroborate_text::token::{normalize_word, tokenize, TokenKind};
use corroborate_text::{fold, lexicon};

use crate::config::ClusterConfig;
use crate::doc::Doc;
use crate::entities::EntityIndex;

type Vector = Vec<(u32, f64)>;

#[derive(Default)]
struct Interner(HashMap<String, u32>);

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        let next = self.0.len() as u32;
        *self.0.entry(s.to_string()).or_insert(next)
    }
}

/// Raw term counts of one article (before IDF).
fn term_counts(
    doc: &Doc,
    doc_idx: usize,
    ents: &EntityIndex,
    cfg: &ClusterConfig,
    terms: &mut Interner,
) -> HashMap<u32, f64> {
    let mut counts: HashMap<u32, f64> = HashMap::new();
    let mentions = &ents.mentions[doc_idx];
    for (si, s) in doc.sentences.iter().enumerate() {
        if !matches!(
            s.kind,
            corroborate_text::ParaKind::Prose | corroborate_text::ParaKind::Headline
        ) {
            continue;
        }
        let in_sentence: Vec<_> = mentions.iter().filter(|m| m.sentence == si).collect();
        for w in &s.words {
            if w.term.is_empty()
                || in_sentence
                    .iter()
                    .any(|m| w.start >= m.start && w.end <= m.end)
            {
                continue;
            }
            *counts.entry(terms.id(&w.term)).or_default() += 1.0;
        }
        for m in in_sentence {
            *counts
                .entry(terms.id(&format!("\u{1}{}", m.entity)))
                .or_default() += cfg.entity_weight;
        }
    }
    if let Some(title) = &doc.article.title {
        for t in tokenize(title) {
            if t.kind == TokenKind::Word {
                let norm = normalize_word(t.text(title));
                if !lexicon::is_stopword(&norm) && !lexicon::is_reporting(&norm) {
                    let term = if t.text(title).chars().next().is_some_and(char::is_uppercase) {
                        fold::name_key(t.text(title))
                    } else {
                        lexicon::term(&norm)
                    };
                    *counts.entry(terms.id(&term)).or_default() += cfg.title_weight;
                }
            }
        }
    }
    counts
}

fn normalize(v: &mut Vector) {
    let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    if norm > 0.0 {
        for (_, w) in v.iter_mut() {
            *w /= norm;
        }
    }
}

fn top(mut v: Vector, k: usize) -> Vector {
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(k);
    v
}

struct StoryState {
    members: Vec<usize>,
    centroid: HashMap<u32, f64>,
    norm: f64,
    indexed: Vec<u32>,
}

/// Groups documents into stories; each story lists its documents in input order.
pub fn cluster(docs: &[Doc], ents: &EntityIndex, cfg: &ClusterConfig) -> Vec<Vec<usize>> {
    let mut terms = Interner::default();
    let counts: Vec<HashMap<u32, f64>> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| term_counts(d, i, ents, cfg, &mut terms))
        .collect();
    let mut df: HashMap<u32, f64> = HashMap::new();
    for c in &counts {
        for t in c.keys() {
            *df.entry(*t).or_default() += 1.0;
        }
    }
    let n = docs.len() as f64;
    let vectors: Vec<Vector> = counts
        .iter()
        .map(|c| {
            // a term no other article has can never match, it only dilutes the cosine
            let v: Vector = c
                .iter()
                .filter(|(t, _)| df[*t] >= 2.0)
                .map(|(t, tf)| {
                    (
                        *t,
                        (1.0 + tf.ln()) * (((1.0 + n) / (1.0 + df[t])).ln() + 1.0),
                    )
                })
                .collect();
            let mut v = top(v, cfg.article_terms);
            normalize(&mut v);
            v
        })
        .collect();
    let mut stories: Vec<StoryState> = Vec::new();
    let mut index: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut seen = Vec::new();
    for (d, v) in vectors.iter().enumerate() {
        seen.clear();
        for (t, _) in v {
            if let Some(list) = index.get(t) {
                seen.extend(list.iter().copied());
            }
        }
        seen.sort_unstable();
        seen.dedup();
        let mut best: Option<(f64, usize)> = None;
        for &s in &seen {
            let st = &stories[s as usize];
            let dot: f64 = v
                .iter()
                .map(|(t, w)| w * st.centroid.get(t).copied().unwrap_or(0.0))
                .sum();
            let cos = if st.norm > 0.0 { dot / st.norm } else { 0.0 };
            if best.is_none_or(|(b, _)| cos > b) {
                best = Some((cos, s as usize));
            }
        }
        let target = match best {
            Some((cos, s)) if cos >= cfg.join_threshold => s,
            _ => {
                stories.push(StoryState {
                    members: Vec::new(),
                    centroid: HashMap::new(),
                    norm: 0.0,
                    indexed: Vec::new(),
                });
                stories.len() - 1
            }
        };
        let st = &mut stories[target];
        st.members.push(d);
        for (t, w) in v {
            *st.centroid.entry(*t).or_default() += w;
        }
        let kept = top(
            st.centroid.iter().map(|(t, w)| (*t, *w)).collect(),
            cfg.story_terms,
        );
        st.centroid = kept.iter().copied().collect();
        st.norm = kept.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        for (t, _) in &kept {
            if !st.indexed.contains(t) {
                st.indexed.push(*t);
                index.entry(*t).or_default().push(target as u32);
            }
        }
    }
    stories.into_iter().map(|s| s.members).collect()
}
