//! Plain-text articles. The first non-empty line is the title when it reads like one (no
//! sentence punctuation, at most 30 words, more text after it). A leading ` date
//! YYYY-MM-DD` marker is the publication date; so is a "Published on …" dateline near the
//! top.

use corroborate_model::Article;
use corroborate_text::dates::{parse_iso, parse_written};
use corroborate_text::segment::{classify_line, ParaKind};

use crate::{clean_text, ReadError};

pub fn parse(raw: &str) -> Result<Article, ReadError> {
    let cleaned = clean_text(raw);
    let mut body: &str = &cleaned;
    let mut published = None;
    // leading " date 2025-11-10 " marker
    if let Some(rest) = body.strip_prefix("date ") {
        let (head, tail) = rest.split_at(rest.find(char::is_whitespace).unwrap_or(rest.len()));
        if let Some(d) = parse_iso(head) {
            published = Some(d.to_string());
            body = tail.trim_start();
        }
    }
    let mut title = None;
    let first_line = body.lines().next().unwrap_or("").trim();
    let has_more = body.trim().len() > first_line.len();
    if has_more && classify_line(first_line) == ParaKind::Headline {
        title = Some(first_line.to_string());
        body = body[first_line.len()..].trim_start();
    }
    if published.is_none() {
        published = body
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(3)
            .find(|l| classify_line(l.trim()) == ParaKind::Dateline)
            .and_then(parse_written)
            .map(|d| d.to_string());
    }
    if body.trim().is_empty() {
        return Err(ReadError::NoText("only a title or date marker".into()));
    }
    let mut article = Article::new("", "", body.to_string());
    article.title = title;
    article.published = published;
    Ok(article)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_title_and_dateline() {
        let a = parse(" date 2025-11-10 Two officials revealed a plot.\n\nMore.").unwrap();
        assert_eq!(a.published.as_deref(), Some("2025-11-10"));
        assert_eq!(a.title, None);
        assert!(a.text.starts_with("Two officials"));

        let a = parse("Syria foils plots\n\nSyria has prevented two attempts.").unwrap();
        assert_eq!(a.title.as_deref(), Some("Syria foils plots"));
        assert_eq!(a.text, "Syria has prevented two attempts.");

        let a = parse(
            "A standfirst that ends in a period.\nPublished on November 11, 2025\nBody text.",
        )
        .unwrap();
        assert_eq!(a.published.as_deref(), Some("2025-11-11"));
        assert_eq!(a.title, None);
    }

    #[test]
    fn title_only_is_an_error() {
        assert!(parse("Just a title").is_ok()); // one line is body, not title
        assert!(matches!(
            parse(" date 2025-01-01 "),
            Err(ReadError::NoText(_))
        ));
    }
}
