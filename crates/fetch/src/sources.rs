//! Lists of URLs: sitemaps (and sitemap indexes, Google News sitemaps), OPML subscription
//! lists, and plain lists of URLs, one per line.

/// What a sitemap lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SitemapKind {
    /// `<urlset>`: pages.
    Pages,
    /// `<sitemapindex>`: other sitemaps.
    Index,
}

/// The `<loc>` URLs of a sitemap, in order, with what it lists.
pub fn sitemap_urls(xml: &str) -> (SitemapKind, Vec<String>) {
    let kind = if xml.contains("<sitemapindex") {
        SitemapKind::Index
    } else {
        SitemapKind::Pages
    };
    let mut urls = Vec::new();
    let mut rest = xml;
    while let Some(start) = find_tag(rest, "loc") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</") else {
            break;
        };
        let url = unescape(body[..close].trim());
        let url = url
            .strip_prefix("<![CDATA[")
            .and_then(|u| u.strip_suffix("]]>"))
            .map_or(url.clone(), |u| u.trim().to_string());
        if crate::is_url(&url) {
            urls.push(url);
        }
        rest = &body[close..];
    }
    (kind, urls)
}

/// Where the next `<loc>` or `<prefix:loc>` element opens.
fn find_tag(text: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find('<') {
        let at = from + i;
        let tag = &text[at + 1..];
        let tag_name = tag.split(|c: char| c == '>' || c.is_whitespace()).next()?;
        // `<loc>` or `<sm:loc>`, not `<image:loc>` or `<video:loc>` (an image's address)
        let (prefix, local) = tag_name.rsplit_once(':').unwrap_or(("", tag_name));
        if local == name && !matches!(prefix, "image" | "video" | "xhtml") {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The feed URLs (`xmlUrl`) of an OPML subscription list, in order.
pub fn parse_opml(xml: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for part in xml.split("<outline").skip(1) {
        let tag = part.split('>').next().unwrap_or("");
        if let Some(url) = attribute(tag, "xmlUrl") {
            if crate::is_url(&url) {
                urls.push(url);
            }
        }
    }
    urls
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let key = format!("{}=", name.to_ascii_lowercase());
    let mut from = 0;
    while let Some(i) = lower[from..].find(&key) {
        let at = from + i;
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let value = &tag[at + key.len()..];
        let quote = value.chars().next()?;
        if before_ok && (quote == '"' || quote == '\'') {
            let end = value[1..].find(quote)?;
            return Some(unescape(&value[1..1 + end]));
        }
        from = at + key.len();
    }
    None
}

/// A URL of a list, with its own poll interval in seconds when the list gives one.
pub type ListedSource = (String, Option<u64>);

/// The URLs of a plain list: one per line, optionally followed by the seconds between
/// two polls of it (`https://example.com/feed.xml 600`); blank lines and `#` comments
/// skipped; anything else is returned as a problem with its line number.
pub fn parse_source_list(text: &str) -> (Vec<ListedSource>, Vec<(usize, String)>) {
    let mut urls = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let url = words.next().unwrap_or("");
        let every = words.next().map(str::parse::<u64>);
        match (crate::is_url(url), every, words.next()) {
            (true, None, None) => urls.push((url.to_string(), None)),
            (true, Some(Ok(secs)), None) if secs > 0 => urls.push((url.to_string(), Some(secs))),
            _ => bad.push((i + 1, line.to_string())),
        }
    }
    (urls, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemaps_indexes_and_news_sitemaps_give_their_locations() {
        let news = r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://example.com/a?x=1&amp;y=2</loc><news:news><news:title>A</news:title></news:news></url>
<url><loc> https://example.com/b </loc><image:image><image:loc>https://example.com/b.jpg</image:loc></image:image></url><url><loc>not a url</loc></url></urlset>"#;
        assert_eq!(
            sitemap_urls(news),
            (
                SitemapKind::Pages,
                vec![
                    "https://example.com/a?x=1&y=2".into(),
                    "https://example.com/b".into()
                ]
            )
        );
        let index =
            "<sitemapindex><sitemap><loc>http://example.com/s1.xml</loc></sitemap></sitemapindex>";
        assert_eq!(sitemap_urls(index).0, SitemapKind::Index);
    }

    #[test]
    fn opml_and_plain_lists_give_their_feeds() {
        let opml = r#"<opml version="2.0"><body><outline text="News"><outline type="rss" text="A" xmlUrl="https://a.example/feed.xml"/><outline text='B' xmlurl='http://b.example/rss?a=1&amp;b=2'/></outline></body></opml>"#;
        assert_eq!(
            parse_opml(opml),
            vec!["https://a.example/feed.xml", "http://b.example/rss?a=1&b=2"]
        );
        let (urls, bad) = parse_source_list(
            "# feeds\nhttps://a.example/feed\n\nftp://x\nhttps://b.example/rss 600\nhttps://c.example/ soon\n",
        );
        assert_eq!(
            urls,
            vec![
                ("https://a.example/feed".to_string(), None),
                ("https://b.example/rss".to_string(), Some(600))
            ]
        );
        assert_eq!(
            bad,
            vec![
                (4, "ftp://x".to_string()),
                (6, "https://c.example/ soon".to_string())
            ]
        );
    }
}
