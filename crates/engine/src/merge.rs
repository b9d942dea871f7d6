//! Dossiers of separate engine runs as one: for building large benchmark databases from
//! slices of a corpus whose stories never span slices.

use std::collections::HashSet;

use corroborate_model::{Article, Dossier, SCHEMA_VERSION};

use crate::config::Config;
use crate::pipeline::{run, EngineError};

/// `parts` in order as one dossier: articles, copies, stories and facts concatenated, each
/// entity kept once per id (the first part's record of it: an entity that several parts
/// name lists only that part's articles).
pub fn merge(parts: impl IntoIterator<Item = Dossier>) -> Dossier {
    let mut merged = Dossier {
        schema_version: SCHEMA_VERSION,
        articles: Vec::new(),
        copies: Vec::new(),
        stories: Vec::new(),
        entities: Vec::new(),
        facts: Vec::new(),
    };
    let mut entity_ids = HashSet::new();
    for d in parts {
        merged.articles.extend(d.articles);
        merged.copies.extend(d.copies);
        merged.stories.extend(d.stories);
        merged.facts.extend(d.facts);
        for e in d.entities {
            if entity_ids.insert(e.id.clone()) {
                merged.entities.push(e);
            }
        }
    }
    merged
}

/// One engine run per slice of `slice` articles (at least one), merged by [`merge`]. It
/// equals one run over all `articles` only where no story, copy or entity would join
/// articles of different slices, and term weights are each slice's own.
pub fn run_in_slices(
    articles: &[Article],
    slice: usize,
    config: &Config,
) -> Result<Dossier, EngineError> {
    let mut parts = Vec::new();
    for chunk in articles.chunks(slice.max(1)) {
        parts.push(run(chunk.to_vec(), config, &|_| {})?.dossier);
    }
    Ok(merge(parts))
}

#[cfg(test)]
mod tests {
    use corroborate_model::Article;

    use super::*;

    #[test]
    fn slices_keep_article_and_story_order_and_one_record_per_entity() {
        let text = |place: &str| {
            format!(
                "Officials in {place} said on Monday that 40 people were evacuated after the \
                 river rose. The mayor of {place} said the water would fall by Friday."
            )
        };
        let articles: Vec<Article> = ["Dunmore", "Dunmore", "Kelso", "Kelso"]
            .iter()
            .enumerate()
            .map(|(i, place)| Article::new(format!("a{i}"), "inline", text(place)))
            .collect();
        let whole = run_in_slices(&articles, 2, &Config::default()).unwrap();
        let ids: Vec<&str> = whole.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a0", "a1", "a2", "a3"]);
        let first = run(articles[..2].to_vec(), &Config::default(), &|_| {})
            .unwrap()
            .dossier;
        assert!(!first.stories.is_empty() && whole.stories.len() > first.stories.len());
        assert_eq!(whole.stories[..first.stories.len()], first.stories[..]);
        let mut seen = HashSet::new();
        assert!(whole.entities.iter().all(|e| seen.insert(e.id.clone())));
    }
}
