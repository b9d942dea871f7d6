//! HTML pages: main text by a Readability-class extractor (dom_smoothie), paragraphs
//! separated by blank lines, with the page's title, date, language and site name.

use corroborate_model::Article;
use corroborate_text::dates::parse_iso;
use dom_smoothie::{Config, Readability, TextMode};

use crate::{clean_text, ReadError};

pub fn parse(raw: &str) -> Result<Article, ReadError> {
    if raw.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    let cfg = Config {
        text_mode: TextMode::Formatted,
        max_elements_to_parse: 200_000,
        ..Config::default()
    };
    let mut reader =
        Readability::new(raw, None, Some(cfg)).map_err(|e| ReadError::Html(e.to_string()))?;
    let page = reader.parse().map_err(|e| ReadError::Html(e.to_string()))?;
    // one blank line between paragraphs, none inside
    let mut text = String::new();
    for line in page
        .text_content
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(line);
    }
    let text = clean_text(&text);
    if text.is_empty() {
        return Err(ReadError::NoText("the page has no readable body".into()));
    }
    let mut article = Article::new("", "", text);
    let title = page.title.trim();
    article.title = (!title.is_empty()).then(|| clean_text(title));
    article.published = page
        .published_time
        .as_deref()
        .and_then(parse_iso)
        .map(|d| d.to_string());
    article.language = page.lang.filter(|l| !l.is_empty());
    article.outlet = page.site_name.filter(|s| !s.is_empty());
    article.url = page.url.filter(|u| !u.is_empty());
    Ok(article)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_body_and_metadata() {
        let html = r#"<html lang="en"><head><title>Syria joins coalition</title>
            <meta property="article:published_time" content="2025-11-11T08:00:00Z">
            <meta property="og:site_name" content="Example News"></head>
            <body><nav>Home | World</nav><article><h1>Syria joins coalition</h1>
            <p>Syria has joined the international coalition against the Islamic State group, officials said on Monday in Washington.</p>
            <p>The announcement came shortly after President Ahmed al-Sharaa met US President Donald Trump at the White House.</p>
            <p>It makes Syria the 90th country to join the coalition, which aims to stop foreign fighters.</p>
            </article><footer>Copyright</footer></body></html>"#;
        let a = parse(html).unwrap();
        assert!(a.text.contains("90th country"), "{}", a.text);
        assert!(!a.text.contains("Home | World"));
        assert_eq!(a.published.as_deref(), Some("2025-11-11"));
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.outlet.as_deref(), Some("Example News"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse("<html><body><nav></nav></body></html>").is_err());
        assert!(parse("   ").is_err());
        let _ = parse("<<<>>><div><p>unclosed <b>tags"); // must not panic
    }
}
