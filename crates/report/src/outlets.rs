//! Who published each article, as a reader names it: the outlet (given, read from the
//! article's own credit line, or its URL's host), else the name a copy of it credits it
//! with ("…, Al Jazeera reports, writes UNN" names the original Al Jazeera), else none; and
//! a headline for every article, its title or else its opening words. The story page, its
//! coverage graphs and the story list label articles with these, never with bare ids.

use std::collections::HashMap;

use corroborate_model::{Article, Dossier};

/// Longest headline made from an untitled article's opening, in characters.
const HEADLINE_CHARS: usize = 90;

/// The outlet and headline of every article of a dossier.
pub struct Labels<'a> {
    articles: HashMap<&'a str, &'a Article>,
    /// Original id → (the name a copy credits it with, the id of that copy).
    credited: HashMap<&'a str, (&'a str, &'a str)>,
}

/// Where an article's outlet name comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutletName {
    /// The article's own: the input's outlet, its credit line, or its URL's host.
    Own(String),
    /// No name of its own; a copy of it (the second field, an article id) credits it as
    /// this outlet.
    Credited(String, String),
    /// Nothing names it.
    Unknown,
}

impl<'a> Labels<'a> {
    pub fn new(d: &'a Dossier) -> Self {
        let articles = d.articles.iter().map(|a| (a.id.as_str(), a)).collect();
        Labels {
            articles,
            credited: corroborate_model::credited_outlets(&d.copies),
        }
    }

    pub fn article(&self, id: &str) -> Option<&'a Article> {
        self.articles.get(id).copied()
    }

    pub fn outlet(&self, id: &str) -> OutletName {
        if let Some(own) = self.article(id).and_then(Article::outlet_or_host) {
            return OutletName::Own(own);
        }
        match self.credited.get(id) {
            Some((name, by)) => OutletName::Credited(name.to_string(), by.to_string()),
            None => OutletName::Unknown,
        }
    }

    /// The outlet's name when anything names it.
    pub fn outlet_name(&self, id: &str) -> Option<String> {
        match self.outlet(id) {
            OutletName::Own(name) | OutletName::Credited(name, _) => Some(name),
            OutletName::Unknown => None,
        }
    }

    /// What a reader calls the article in a list: its outlet, else `article SHORT`.
    pub fn name(&self, id: &str) -> String {
        self.outlet_name(id)
            .unwrap_or_else(|| format!("article {}", short_id(id)))
    }

    /// What groups an article with others when outlets are compared (a column of the
    /// matrix, a row of the timeline): its outlet's name, or the article alone (its whole
    /// id, which no name can equal) when nothing names its outlet. Shown as [`Labels::name`].
    pub fn key(&self, id: &str) -> String {
        self.outlet_name(id).unwrap_or_else(|| format!("\u{0}{id}"))
    }

    /// The article's title, else its opening words up to [`HEADLINE_CHARS`].
    pub fn headline(&self, id: &str) -> String {
        let Some(a) = self.article(id) else {
            return String::new();
        };
        if let Some(title) = a.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            return title.to_string();
        }
        opening(&a.text)
    }
}

/// A short form of an article id for tight spaces: the part before the first `_` when the
/// id has one (the seeds' `000_d24955dd72b6e9c3` is `000`), else its first 12 characters.
pub fn short_id(id: &str) -> &str {
    if let Some((head, _)) = id.split_once('_') {
        if !head.is_empty() && head.chars().count() <= 12 {
            return head;
        }
    }
    match id.char_indices().nth(12) {
        Some((at, _)) => &id[..at],
        None => id,
    }
}

/// The text's first line of prose, cut at a word boundary to at most [`HEADLINE_CHARS`].
fn opening(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.split_whitespace().count() >= 3)
        .unwrap_or_else(|| text.trim());
    let sentence_end = line
        .char_indices()
        .find(|&(i, c)| matches!(c, '.' | '!' | '?') && line[i + 1..].starts_with(' '))
        .map_or(line.len(), |(i, _)| i + 1);
    truncate_words(&line[..sentence_end], HEADLINE_CHARS)
}

/// `text` cut to at most `max` characters at a word boundary, with `…` when cut.
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let at_word = head
        .rfind(' ')
        .filter(|&i| i > max / 2)
        .unwrap_or(head.len());
    format!(
        "{}…",
        head[..at_word].trim_end_matches([' ', ',', ';', ':'])
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use corroborate_model::{Copy, CopyBasis, CopyKind, SCHEMA_VERSION};

    fn dossier() -> Dossier {
        let mut unn = Article::new(
            "002_x",
            "s",
            "Syria joined, Al Jazeera reports, writes UNN.",
        );
        unn.outlet = Some("UNN".into());
        let original = Article::new("004_y", "s", "\nSyria has joined the coalition. More.");
        let mut hosted = Article::new("h", "s", "One two three.");
        hosted.url = Some("https://www.example.org/a".into());
        hosted.title = Some("  A title ".into());
        Dossier {
            schema_version: SCHEMA_VERSION,
            articles: vec![unn, original, hosted],
            copies: vec![Copy {
                article: "002_x".into(),
                of: "004_y".into(),
                kind: CopyKind::Rewrite,
                similarity: 1.0,
                basis: CopyBasis::Attribution,
                credited: Some("Al Jazeera".into()),
                passages: vec![],
            }],
            stories: vec![],
            entities: vec![],
            facts: vec![],
        }
    }

    #[test]
    fn outlets_come_from_the_article_then_a_copys_credit_then_nowhere() {
        let d = dossier();
        let labels = Labels::new(&d);
        assert_eq!(labels.outlet("002_x"), OutletName::Own("UNN".into()));
        assert_eq!(
            labels.outlet("004_y"),
            OutletName::Credited("Al Jazeera".into(), "002_x".into())
        );
        assert_eq!(labels.name("h"), "example.org");
        assert_eq!(labels.outlet("nope"), OutletName::Unknown);
        assert_eq!(labels.name("nope_1"), "article nope");
        // two unnamed articles whose short ids agree are still two columns
        assert_ne!(
            labels.key("syria-plots-2025-11-10"),
            labels.key("syria-plots-2025-11-11")
        );
        assert_eq!(labels.key("002_x"), "UNN");
    }

    #[test]
    fn headlines_are_titles_or_the_opening_sentence() {
        let d = dossier();
        let labels = Labels::new(&d);
        assert_eq!(labels.headline("h"), "A title");
        assert_eq!(labels.headline("004_y"), "Syria has joined the coalition.");
        let long = "word ".repeat(40);
        let cut = truncate_words(&long, 20);
        assert!(cut.ends_with('…') && cut.chars().count() <= 21, "{cut}");
        assert_eq!(short_id("000_d24955dd72b6e9c3"), "000");
        assert_eq!(short_id("abcdefghijklmnopq"), "abcdefghijkl");
        assert_eq!(short_id("é"), "é");
    }
}
