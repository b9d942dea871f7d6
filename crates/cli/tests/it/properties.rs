//! Invariants over generated corpora: quotes slice their articles, copies never point at
//! themselves, every reference resolves, and runs are deterministic.

use std::collections::BTreeSet;

use corroborate_engine::Config;
use corroborate_model::Article;
use proptest::prelude::*;

const SENTENCES: &[&str] = &[
    "Syria has joined the international coalition against the Islamic State group, officials said.",
    "President Ahmed al-Sharaa met US President Donald Trump at the White House on Monday.",
    "Security forces carried out 61 raids, arresting 71 people and seizing weapons.",
    "A ministry source denied the reports, calling them false.",
    "The Turkish newspaper reported that the plot was thwarted at the last moment.",
    "Heavy rain flooded the streets of Paris on Tuesday, closing three metro lines.",
    "Café owners in Zürich said prices rose by 5% in 2024 — “a hard year”.",
    "According to Reuters, the six-month suspension began in December.",
    "Recommended stories",
    "Related headline without a full stop",
];

fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            0..SENTENCES.len(),
            prop::sample::select(vec![" ", "\n", "\n\n", "  \n"]),
        ),
        1..12,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .map(|(i, sep)| format!("{}{sep}", SENTENCES[i]))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn dossiers_are_consistent(texts in prop::collection::vec(article(), 1..7)) {
        let articles: Vec<Article> = texts.iter().enumerate().map(|(i, t)| Article::new(format!("a{i}"), "generated", t.trim())).collect();
        let d = corroborate_engine::run(articles.clone(), &Config::default(), &|_| {}).unwrap().dossier;
        let ids: BTreeSet<&str> = d.articles.iter().map(|a| a.id.as_str()).collect();
        for f in &d.facts {
            prop_assert!(!f.evidence.is_empty());
            prop_assert!(f.independent_sources >= 1 && f.independent_sources <= f.articles.len());
            for e in &f.evidence {
                let a = d.article(&e.article).unwrap();
                prop_assert_eq!(a.text.get(e.start..e.end), Some(e.quote.as_str()));
            }
            for c in &f.conflicts {
                prop_assert!(d.facts.iter().any(|g| &g.id == c && g.conflicts.contains(&f.id)));
            }
        }
        for c in &d.copies {
            prop_assert_ne!(&c.article, &c.of);
            prop_assert!(ids.contains(c.article.as_str()) && ids.contains(c.of.as_str()));
        }
        let covered: usize = d.stories.iter().map(|s| s.articles.len()).sum();
        prop_assert_eq!(covered, d.articles.len());
        let again = corroborate_engine::run(articles, &Config::default(), &|_| {}).unwrap().dossier;
        prop_assert_eq!(corroborate_report::to_json(&d), corroborate_report::to_json(&again));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any text at all goes through every stage without a panic, and quotes still slice.
    #[test]
    fn arbitrary_text_never_panics(texts in prop::collection::vec("\\PC{1,300}", 1..4)) {
        let articles: Vec<Article> = texts.iter().enumerate().map(|(i, t)| Article::new(format!("x{i}"), "generated", t.as_str())).collect();
        let d = corroborate_engine::run(articles, &Config::default(), &|_| {}).unwrap().dossier;
        for f in &d.facts {
            for e in &f.evidence {
                prop_assert_eq!(d.article(&e.article).unwrap().text.get(e.start..e.end), Some(e.quote.as_str()));
            }
        }
    }
}
