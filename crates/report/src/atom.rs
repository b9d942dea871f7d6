//! Atom feeds (RFC 4287): the server's feed of stories and each story's feed of changes.
//! Hand-written XML: every text and attribute is escaped, and characters XML 1.0 cannot
//! hold (control characters, U+FFFE, U+FFFF) are dropped, so any title makes a
//! well-formed document.
//!
//! ```
//! use corroborate_report::atom::{to_atom, Entry, Feed};
//! let feed = Feed {
//!     id: "tag:corroborate,2025:stories".into(),
//!     title: "Stories <& more>".into(),
//!     self_href: "/feed.atom".into(),
//!     alternate_href: "/".into(),
//!     updated: "2025-11-10T08:00:00Z".into(),
//!     entries: vec![Entry {
//!         id: "tag:corroborate,2025:story:s-1".into(),
//!         title: "Syria joins".into(),
//!         href: "/stories/s-1".into(),
//!         updated: "2025-11-10T08:00:00Z".into(),
//!         summary: "5 articles".into(),
//!     }],
//! };
//! let xml = to_atom(&feed);
//! assert!(xml.contains("<title>Stories &lt;&amp; more&gt;</title>"));
//! ```

use corroborate_model::Status;

/// The authority and date of the `tag:` URIs (RFC 4151) that name feeds and entries.
pub const TAG: &str = "tag:corroborate,2025:";

/// A feed: its id, title, links (`self` is the feed, `alternate` the page it follows),
/// when it last changed, and its entries, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feed {
    pub id: String,
    pub title: String,
    pub self_href: String,
    pub alternate_href: String,
    /// RFC 3339.
    pub updated: String,
    pub entries: Vec<Entry>,
}

/// One entry: a stable id, a title, the page it links to, when it changed, a summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub href: String,
    /// RFC 3339.
    pub updated: String,
    pub summary: String,
}

/// The media type of an Atom document.
pub const MEDIA_TYPE: &str = "application/atom+xml";

/// A status as a reader says it: "single source", "corroborated", "contested".
pub fn status_words(s: Status) -> &'static str {
    match s {
        Status::Corroborated => "corroborated",
        Status::SingleSource => "single source",
        Status::Contested => "contested",
    }
}

/// The feed as an Atom 1.0 document.
pub fn to_atom(feed: &Feed) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    element(&mut out, "  ", "id", &feed.id);
    element(&mut out, "  ", "title", &feed.title);
    element(&mut out, "  ", "updated", &feed.updated);
    out.push_str("  <author><name>corroborate</name></author>\n");
    out.push_str("  <generator>corroborate</generator>\n");
    link(&mut out, "  ", "self", MEDIA_TYPE, &feed.self_href);
    link(
        &mut out,
        "  ",
        "alternate",
        "text/html",
        &feed.alternate_href,
    );
    for e in &feed.entries {
        out.push_str("  <entry>\n");
        element(&mut out, "    ", "id", &e.id);
        element(&mut out, "    ", "title", &e.title);
        element(&mut out, "    ", "updated", &e.updated);
        link(&mut out, "    ", "alternate", "text/html", &e.href);
        out.push_str("    <summary type=\"text\">");
        out.push_str(&escape_xml(&e.summary));
        out.push_str("</summary>\n");
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

fn element(out: &mut String, indent: &str, name: &str, text: &str) {
    out.push_str(&format!("{indent}<{name}>{}</{name}>\n", escape_xml(text)));
}

fn link(out: &mut String, indent: &str, rel: &str, media_type: &str, href: &str) {
    out.push_str(&format!(
        "{indent}<link rel=\"{rel}\" type=\"{media_type}\" href=\"{}\"/>\n",
        escape_xml(href)
    ));
}

/// Text escaped for XML content and attribute values, without the characters XML 1.0
/// cannot carry.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_stays_text() {
        let feed = Feed {
            id: "tag:x,2025:a".into(),
            title: "]]></title><script>\u{1}\u{fffe}".into(),
            self_href: "/feed.atom?a=1&b=\"2\"".into(),
            alternate_href: "/".into(),
            updated: "2025-11-10T08:00:00Z".into(),
            entries: vec![Entry {
                id: "tag:x,2025:b".into(),
                title: "A & B's <b>".into(),
                href: "/stories/s-1".into(),
                updated: "2025-11-10T08:00:00Z".into(),
                summary: "x\ny".into(),
            }],
        };
        let xml = to_atom(&feed);
        assert!(
            xml.contains("<title>]]&gt;&lt;/title&gt;&lt;script&gt;</title>"),
            "{xml}"
        );
        assert!(xml.contains("href=\"/feed.atom?a=1&amp;b=&quot;2&quot;\""));
        assert!(xml.contains("<title>A &amp; B&apos;s &lt;b&gt;</title>"));
        assert!(xml.contains("<summary type=\"text\">x\ny</summary>"));
        assert!(!xml.contains('\u{1}'));
    }
}
