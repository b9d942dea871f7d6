//! HTML pages for analysis: the [`crate::extract`] record reduced to an [`Article`].

use corroborate_model::Article;

use crate::ReadError;

pub fn parse(raw: &str) -> Result<Article, ReadError> {
    let e = crate::extract::extract_html_str(raw, None)?;
    Ok(e.to_article(""))
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
