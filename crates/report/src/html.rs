//! The dossier as an HTML page: the standalone export (`--format html`) and the story page
//! the server shows. Self-contained (inline CSS, no script, no external resource), readable
//! without JavaScript: evidence opens with `<details>`.
//!
//! The page is a maud template, checked when the crate compiles: every piece of dossier
//! text spliced into it is escaped, and markup is written only by the template itself. The
//! `"\n"` literals keep the line breaks the page has always had (maud writes none).

use std::collections::{BTreeMap, BTreeSet};

use corroborate_model::{
    Article, Copy, CopyKind, Dossier, Evidence, EvidenceStance, Fact, Status, Story,
};
use maud::{html, Markup, PreEscaped};

use crate::{basis_words, count, kind_word, stance_word};

/// Options of [`to_html_page`].
#[derive(Clone, Debug, Default)]
pub struct PageOptions<'a> {
    /// `(href, label)` of a link back to where the reader came from (the server's list).
    pub back: Option<(&'a str, &'a str)>,
    /// `(href, label)` links to other formats of the same dossier.
    pub downloads: Vec<(String, String)>,
    /// The href of an Atom feed of the page, linked from its head as `alternate`.
    pub feed: Option<&'a str>,
}

/// The whole dossier as one standalone HTML document.
pub fn to_html(d: &Dossier) -> String {
    to_html_page(d, &PageOptions::default())
}

/// The dossier as an HTML document with the given navigation links.
pub fn to_html_page(d: &Dossier, options: &PageOptions) -> String {
    let title = match d.stories.as_slice() {
        [one] => one.title.clone(),
        _ => format!("Dossier: {}", count(d.stories.len(), "story", "stories")),
    };
    page(d, &title, options).into_string()
}

/// HTML-escapes text for element content and attribute values, for pages written without
/// the template (the server's list and search pages).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The page's style sheet, shared with the server's other pages.
pub const STYLE: &str = "
body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;color:#1b1b1b;background:#fff}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
a{color:#0645ad}nav{font-size:.9rem;margin-bottom:.5rem}.meta{color:#555;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border-bottom:1px solid #e3e3e3;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.8rem;font-weight:600;white-space:nowrap}
.corroborated{background:#d8f0dc;color:#1d5e2a}.single_source{background:#eee;color:#444}.contested{background:#fbdcdc;color:#8a1c1c}
details summary{cursor:pointer;color:#0645ad}blockquote{margin:.4rem 0 .8rem;padding:.3rem .7rem;border-left:3px solid #ccc;background:#fafafa}
mark{background:#ffe066;padding:0 .1rem}.ev-head{font-size:.85rem;color:#444}
td.date{white-space:nowrap}
.matrix td,.matrix th{text-align:center;padding:.2rem .3rem}.matrix th.outlet{text-align:left;white-space:nowrap}
.scroll{overflow-x:auto}.asserts{color:#1d5e2a}.reports{color:#7a5b00}.denies{color:#8a1c1c;font-weight:700}
form.search input[type=search]{font-size:1rem;padding:.3rem;width:20rem;max-width:70%}
";

fn page(d: &Dossier, title: &str, options: &PageOptions) -> Markup {
    html! {
        // The doctype in the lower case the page has always used (maud's DOCTYPE is upper).
        (PreEscaped("<!doctype html>")) "\n"
        html lang="en" {
            "\n"
            head {
                "\n" meta charset="utf-8";
                "\n" meta name="viewport" content="width=device-width, initial-scale=1";
                "\n" title { (title) }
                // The style sheet is CSS, not text: it must reach the page unescaped.
                "\n" style { (PreEscaped(STYLE)) }
                @if let Some(href) = options.feed {
                    "\n" link rel="alternate" type="application/atom+xml" title="Changes" href=(href);
                }
                "\n"
            }
            "\n"
            body {
                "\n"
                @if options.back.is_some() || !options.downloads.is_empty() {
                    nav {
                        @if let Some((href, label)) = options.back {
                            a href=(href) { "← " (label) }
                        }
                        @if !options.downloads.is_empty() {
                            " · export:"
                            @for (href, label) in &options.downloads {
                                " " a href=(href) { (label) }
                            }
                        }
                    }
                    "\n"
                }
                @if d.stories.is_empty() {
                    h1 { (title) } p { "No stories." } "\n"
                }
                @for story in &d.stories {
                    (story_section(d, story))
                }
                @if d.stories.len() != 1 {
                    (entities(d))
                }
            }
            "\n"
        }
        "\n"
    }
}

fn story_section(d: &Dossier, story: &Story) -> Markup {
    let facts: Vec<&Fact> = d.facts.iter().filter(|f| f.story == story.id).collect();
    let numbers: BTreeMap<&str, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i + 1))
        .collect();
    let with_status = |s: Status| facts.iter().filter(|f| f.status == s).count();
    html! {
        article class="story" id=(story.id) {
            "\n" h1 { (story.title) } "\n"
            p class="meta" {
                "Story " code { (story.id) } " · " (count(story.articles.len(), "article", "articles"))
                " · " (count(facts.len(), "fact", "facts"))
                " (" (with_status(Status::Corroborated)) " corroborated, "
                (with_status(Status::Contested)) " contested)"
            }
            "\n"
            h2 { "Brief" } "\n"
            @if story.brief.trim().is_empty() {
                p { em { "No corroborated fact yet." } }
            } @else {
                p class="brief" { (story.brief.trim()) }
            }
            "\n"
            h2 { "Timeline" } "\n"
            @if story.timeline.is_empty() {
                p { em { "No dated facts." } } "\n"
            } @else {
                ol class="timeline" {
                    "\n"
                    @for entry in &story.timeline {
                        li {
                            strong { (entry.date) } " — " (entry.statement) " "
                            a href={ "#" (entry.fact) } {
                                @match numbers.get(entry.fact.as_str()) {
                                    Some(n) => { "#" (n) },
                                    None => (entry.fact),
                                }
                            }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            (fact_table(d, &facts))
            (matrix(d, story, &facts))
            (copy_chains(d, story))
            @if d.stories.len() == 1 {
                (entities(d))
            }
            (articles(d, story))
        }
        "\n"
    }
}

fn status_badge(status: Status) -> Markup {
    let (class, label) = match status {
        Status::Corroborated => ("corroborated", "corroborated"),
        Status::SingleSource => ("single_source", "single source"),
        Status::Contested => ("contested", "contested"),
    };
    html! { span class={ "badge " (class) } { (label) } }
}

fn fact_table(d: &Dossier, facts: &[&Fact]) -> Markup {
    html! {
        h2 { "Facts" } "\n"
        @if facts.is_empty() {
            p { em { "None." } } "\n"
        } @else {
            table class="facts" {
                "\n"
                thead { tr {
                    th { "#" } th { "Statement and evidence" } th { "Status" }
                    th class="num" { "Independent sources" } th { "Date" }
                } }
                "\n"
                tbody {
                    "\n"
                    @for (i, fact) in facts.iter().enumerate() {
                        tr id=(fact.id) {
                            td class="num" { (i + 1) }
                            td {
                                (fact.statement) "\n"
                                (fact_evidence(d, fact))
                            }
                            td { (status_badge(fact.status)) }
                            td class="num" { (fact.independent_sources) }
                            td class="date" { (fact.date.as_deref().unwrap_or("")) }
                        }
                        "\n"
                    }
                }
            }
            "\n"
        }
    }
}

/// The fact's quotes, origins and conflicts, folded under `<details>`.
fn fact_evidence(d: &Dossier, fact: &Fact) -> Markup {
    html! {
        details class="evidence" id={ "ev-" (fact.id) } {
            summary {
                "Evidence: " (count(fact.evidence.len(), "quote", "quotes"))
                " from " (count(fact.articles.len(), "article", "articles"))
            }
            "\n"
            @for ev in &fact.evidence {
                (evidence(d, ev))
            }
            @if !fact.origins.is_empty() {
                p class="ev-head" { "Origins counted: " (fact.origins.join(", ")) } "\n"
            }
            @if !fact.conflicts.is_empty() {
                p class="ev-head" {
                    "Conflicts with:"
                    @for c in &fact.conflicts {
                        " " a href={ "#" (c) } { (c) }
                    }
                }
                "\n"
            }
        }
    }
}

/// Longest stretch of article text shown on each side of a quote.
const CONTEXT_BYTES: usize = 400;

fn evidence(d: &Dossier, ev: &Evidence) -> Markup {
    let article = d.article(&ev.article);
    let outlet = article.and_then(|a| a.outlet.as_deref()).unwrap_or("");
    let (before, after) = article
        .map(|a| context(a, ev))
        .unwrap_or((String::new(), String::new()));
    html! {
        div class="ev" {
            p class="ev-head" {
                code { (ev.article) }
                @if !outlet.is_empty() { " · " }
                (outlet) " · "
                span class=(stance_word(ev.stance)) { (stance_word(ev.stance)) }
                @if let Some(confidence) = ev.confidence {
                    " (stance model " (format!("{confidence:.2}")) ")"
                }
                @if let Some(who) = &ev.attributed_to {
                    ", attributed to " (who)
                }
                @match &ev.taken_from {
                    Some(source) => { " · taken from " code { (source) } },
                    None => " · own words",
                }
                " · bytes " (ev.start) "–" (ev.end)
            }
            "\n"
            blockquote { (before) mark { (ev.quote) } (after) }
        }
        "\n"
    }
}

/// The text of the quote's paragraph before and after it, at most [`CONTEXT_BYTES`] each
/// side, so the reader sees the quote inside its article.
fn context(article: &Article, ev: &Evidence) -> (String, String) {
    let text = &article.text;
    if article.text.get(ev.start..ev.end).is_none() {
        return (String::new(), String::new());
    }
    let para_start = text[..ev.start].rfind('\n').map_or(0, |i| i + 1);
    let para_end = text[ev.end..].find('\n').map_or(text.len(), |i| ev.end + i);
    let mut from = para_start.max(ev.start.saturating_sub(CONTEXT_BYTES));
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = para_end.min(ev.end + CONTEXT_BYTES);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let mut before = text[from..ev.start].to_string();
    if from > para_start {
        before.insert(0, '…');
    }
    let mut after = text[ev.end..to].to_string();
    if to < para_end {
        after.push('…');
    }
    (before, after)
}

/// Who carried what: one row per outlet (or article, when it names no outlet), one column
/// per fact, the strongest stance of that outlet's articles in the cell.
fn matrix(d: &Dossier, story: &Story, facts: &[&Fact]) -> Markup {
    let outlet_of = |article: &str| -> String {
        d.article(article)
            .and_then(|a| a.outlet.clone())
            .unwrap_or_else(|| article.to_string())
    };
    // Outlets in the order their first article appears in the story.
    let mut outlets: Vec<String> = Vec::new();
    for a in &story.articles {
        let o = outlet_of(a);
        if !outlets.contains(&o) {
            outlets.push(o);
        }
    }
    let mut cells: BTreeMap<(String, usize), BTreeSet<EvidenceStance>> = BTreeMap::new();
    for (i, fact) in facts.iter().enumerate() {
        for ev in &fact.evidence {
            cells
                .entry((outlet_of(&ev.article), i))
                .or_default()
                .insert(ev.stance);
        }
    }
    html! {
        h2 { "Coverage" } "\n"
        @if facts.is_empty() {
            p { em { "None." } } "\n"
        } @else {
            p class="meta" { "✓ asserts · ≈ reports (attributed or hedged) · ✗ denies · blank: not carried" }
            "\n"
            div class="scroll" {
                table class="matrix" {
                    "\n"
                    thead { tr {
                        th class="outlet" { "Outlet" } "\n"
                        @for (i, fact) in facts.iter().enumerate() {
                            th { a href={ "#" (fact.id) } title=(fact.statement) { (i + 1) } }
                        }
                    } }
                    "\n"
                    tbody {
                        "\n"
                        @for outlet in &outlets {
                            tr {
                                th class="outlet" { (outlet) }
                                @for i in 0..facts.len() {
                                    @match cells.get(&(outlet.clone(), i)) {
                                        // A denial is what a reader must not miss, so it
                                        // wins the cell.
                                        Some(s) if s.contains(&EvidenceStance::Denies) => {
                                            td class="denies" title="denies" { "✗" }
                                        },
                                        Some(s) if s.contains(&EvidenceStance::Asserts) => {
                                            td class="asserts" title="asserts" { "✓" }
                                        },
                                        Some(_) => { td class="reports" title="reports" { "≈" } },
                                        None => { td {} },
                                    }
                                }
                            }
                            "\n"
                        }
                    }
                }
            }
            "\n"
        }
    }
}

/// Each copy followed back to the article it ultimately repeats: `copy → original → ...`.
fn copy_chains(d: &Dossier, story: &Story) -> Markup {
    let members: BTreeSet<&str> = story.articles.iter().map(String::as_str).collect();
    let copies: Vec<&Copy> = d
        .copies
        .iter()
        .filter(|c| members.contains(c.article.as_str()))
        .collect();
    let copied: BTreeSet<&str> = copies.iter().map(|c| c.of.as_str()).collect();
    // Chains start at copies nobody copies in turn; each link is one copy record.
    let chains: Vec<Vec<&Copy>> = copies
        .iter()
        .filter(|c| !copied.contains(c.article.as_str()))
        .map(|start| chain(start, &copies))
        .collect();
    html! {
        h2 { "Copy chains" } "\n"
        @if copies.is_empty() {
            p { em { "No copies: every article was written independently." } } "\n"
        } @else {
            ul class="copies" {
                "\n"
                @for links in &chains {
                    li {
                        code { (links[0].article) }
                        @for c in links {
                            " — " (kind_of(c.kind)) " of (" (format!("{:.2}", c.similarity))
                            ", " (basis_words(c.basis)) ") → " code { (c.of) }
                        }
                    }
                    "\n"
                }
            }
            "\n"
        }
    }
}

/// The copy records from `start` back to the article it ultimately repeats, stopping at a
/// loop.
fn chain<'a>(start: &'a Copy, copies: &[&'a Copy]) -> Vec<&'a Copy> {
    let mut links = Vec::new();
    let mut seen = BTreeSet::new();
    let mut link = Some(start);
    while let Some(c) = link {
        if !seen.insert(c.article.as_str()) {
            break;
        }
        links.push(c);
        link = copies.iter().copied().find(|n| n.article == c.of);
    }
    links
}

fn kind_of(kind: CopyKind) -> &'static str {
    match kind {
        CopyKind::Duplicate => "duplicate",
        CopyKind::Rewrite => "rewrite",
        CopyKind::Partial => "partial",
    }
}

fn entities(d: &Dossier) -> Markup {
    html! {
        h2 { "Entities" } "\n"
        @if d.entities.is_empty() {
            p { em { "None." } } "\n"
        } @else {
            table class="entities" {
                thead { tr {
                    th { "Name" } th { "Kind" } th { "Aliases" } th class="num" { "Articles" }
                } }
                tbody {
                    "\n"
                    @for e in &d.entities {
                        tr {
                            td { (e.name) } td { (kind_word(e.kind)) }
                            td { (e.aliases.join(", ")) } td class="num" { (e.articles.len()) }
                        }
                        "\n"
                    }
                }
            }
            "\n"
        }
    }
}

fn articles(d: &Dossier, story: &Story) -> Markup {
    html! {
        h2 { "Articles" } "\n"
        table class="articles" {
            thead { tr { th { "Id" } th { "Outlet" } th { "Published" } th { "Title" } } }
            tbody {
                "\n"
                @for id in &story.articles {
                    @let a = d.article(id);
                    @let title = a.and_then(|a| a.title.as_deref()).unwrap_or("");
                    tr {
                        td { code { (id) } }
                        td { (a.and_then(|a| a.outlet.as_deref()).unwrap_or("")) }
                        td { (a.and_then(|a| a.published.as_deref()).unwrap_or("")) }
                        td {
                            @match a.and_then(|a| a.url.as_deref()) {
                                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                                    a href=(url) { (title) }
                                },
                                _ => (title),
                            }
                        }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use corroborate_model::SCHEMA_VERSION;

    fn dossier() -> Dossier {
        let mut a = Article::new(
            "a1",
            "a1.txt",
            "Intro line.\nSyria foiled <two> plots, officials said.\nEnd.",
        );
        a.outlet = Some("Reuters".into());
        let start = a.text.find("Syria").unwrap();
        let end = a.text.find(" officials").unwrap();
        Dossier {
            schema_version: SCHEMA_VERSION,
            articles: vec![a.clone()],
            copies: vec![],
            stories: vec![Story {
                id: "s-1".into(),
                title: "Plots & raids".into(),
                articles: vec!["a1".into()],
                brief: "Syria foiled plots.".into(),
                timeline: vec![],
                merged: vec![],
                events: vec![],
            }],
            entities: vec![],
            facts: vec![Fact {
                id: "f-1".into(),
                story: "s-1".into(),
                statement: a.text[start..end].into(),
                status: Status::SingleSource,
                articles: vec!["a1".into()],
                independent_sources: 1,
                origins: vec!["article:a1".into()],
                date: None,
                entities: vec![],
                evidence: vec![Evidence {
                    article: "a1".into(),
                    quote: a.text[start..end].into(),
                    start,
                    end,
                    stance: EvidenceStance::Reports,
                    stance_from: corroborate_model::StanceSource::Cues,
                    confidence: None,
                    attributed_to: Some("officials".into()),
                    taken_from: None,
                }],
                conflicts: vec![],
            }],
        }
    }

    #[test]
    fn the_quote_is_marked_inside_its_paragraph_and_escaped() {
        let html = to_html(&dossier());
        assert!(
            html.contains(
                "<mark>Syria foiled &lt;two&gt; plots,</mark> officials said.</blockquote>"
            ),
            "{html}"
        );
        assert!(!html.contains("Intro line.<mark>"));
        assert!(html.contains("<title>Plots &amp; raids</title>"));
        assert!(html.contains("class=\"badge single_source\""));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn each_quote_says_whether_it_is_the_articles_own_words_or_taken() {
        let mut d = dossier();
        assert!(to_html(&d).contains(" · own words · "));
        d.facts[0].evidence[0].taken_from = Some("wire-<1>".into());
        let html = to_html(&d);
        assert!(
            html.contains(" · taken from <code>wire-&lt;1&gt;</code> · "),
            "{html}"
        );
        assert!(!html.contains("own words"));
    }

    #[test]
    fn the_matrix_shows_who_carried_the_fact() {
        let html = to_html(&dossier());
        assert!(html.contains("<th class=\"outlet\">Reuters</th><td class=\"reports\""));
    }

    #[test]
    fn dossier_text_cannot_break_out_of_content_or_attributes() {
        let mut d = dossier();
        d.facts[0].id = "f-\"1".into();
        d.facts[0].statement = "He said \"<script>x</script>\" & left".into();
        let options = PageOptions {
            back: Some(("/stories?q=a&b=\"c\"", "All <stories>")),
            downloads: vec![("/s-1.json".into(), "JSON".into())],
            feed: Some("/stories/\"1/feed.atom"),
        };
        let html = to_html_page(&d, &options);
        assert!(!html.contains("<script"), "{html}");
        assert!(html
            .contains("title=\"He said &quot;&lt;script&gt;x&lt;/script&gt;&quot; &amp; left\""));
        assert!(html.contains("<tr id=\"f-&quot;1\">"));
        assert!(html.contains(
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Changes\" href=\"/stories/&quot;1/feed.atom\">"
        ));
        assert!(html.contains(
            "<nav><a href=\"/stories?q=a&amp;b=&quot;c&quot;\">← All &lt;stories&gt;</a> · export: <a href=\"/s-1.json\">JSON</a></nav>\n"
        ));
    }

    #[test]
    fn the_page_is_one_standalone_document() {
        let html = to_html(&dossier());
        assert!(html.starts_with(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        ));
        assert!(html.contains(&format!("<style>{STYLE}</style>")));
        assert!(html.ends_with("</article>\n</body>\n</html>\n"));
        let empty = Dossier {
            stories: vec![],
            ..dossier()
        };
        assert!(to_html(&empty).contains("<h1>Dossier: 0 stories</h1><p>No stories.</p>\n"));
    }
}
