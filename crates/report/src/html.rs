//! The dossier as an HTML page: the standalone export (`--format html`) and the story page
//! the server shows. Self-contained (inline CSS, no script, no external resource), readable
//! without JavaScript: evidence opens with `<details>`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write};

use corroborate_model::{Article, Dossier, Evidence, EvidenceStance, Fact, Status, Story};

use crate::{basis_words, count, kind_word, stance_word};

/// Options of [`to_html_page`].
#[derive(Clone, Debug, Default)]
pub struct PageOptions<'a> {
    /// `(href, label)` of a link back to where the reader came from (the server's list).
    pub back: Option<(&'a str, &'a str)>,
    /// `(href, label)` links to other formats of the same dossier.
    pub downloads: Vec<(String, String)>,
}

/// The whole dossier as one standalone HTML document.
pub fn to_html(d: &Dossier) -> String {
    to_html_page(d, &PageOptions::default())
}

/// The dossier as an HTML document with the given navigation links.
pub fn to_html_page(d: &Dossier, options: &PageOptions) -> String {
    let mut out = String::new();
    let title = match d.stories.as_slice() {
        [one] => one.title.clone(),
        _ => format!("Dossier: {}", count(d.stories.len(), "story", "stories")),
    };
    // Writing into a String cannot fail.
    let _ = write_page(&mut out, d, &title, options);
    out
}

/// HTML-escapes text for element content and attribute values.
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

fn write_page(out: &mut String, d: &Dossier, title: &str, options: &PageOptions) -> fmt::Result {
    writeln!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        escape(title)
    )?;
    if options.back.is_some() || !options.downloads.is_empty() {
        write!(out, "<nav>")?;
        if let Some((href, label)) = options.back {
            write!(out, "<a href=\"{}\">← {}</a>", escape(href), escape(label))?;
        }
        if !options.downloads.is_empty() {
            write!(out, " · export:")?;
            for (href, label) in &options.downloads {
                write!(out, " <a href=\"{}\">{}</a>", escape(href), escape(label))?;
            }
        }
        writeln!(out, "</nav>")?;
    }
    if d.stories.is_empty() {
        writeln!(out, "<h1>{}</h1><p>No stories.</p>", escape(title))?;
    }
    for story in &d.stories {
        write_story(out, d, story)?;
    }
    if d.stories.len() != 1 {
        write_entities(out, d)?;
    }
    writeln!(out, "</body>\n</html>")
}

fn write_story(out: &mut String, d: &Dossier, story: &Story) -> fmt::Result {
    let facts: Vec<&Fact> = d.facts.iter().filter(|f| f.story == story.id).collect();
    let numbers: BTreeMap<&str, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i + 1))
        .collect();
    writeln!(
        out,
        "<article class=\"story\" id=\"{}\">\n<h1>{}</h1>",
        escape(&story.id),
        escape(&story.title)
    )?;
    let corroborated = facts
        .iter()
        .filter(|f| f.status == Status::Corroborated)
        .count();
    let contested = facts
        .iter()
        .filter(|f| f.status == Status::Contested)
        .count();
    writeln!(
        out,
        "<p class=\"meta\">Story <code>{}</code> · {} · {} ({corroborated} corroborated, {contested} contested)</p>",
        escape(&story.id),
        count(story.articles.len(), "article", "articles"),
        count(facts.len(), "fact", "facts"),
    )?;

    writeln!(out, "<h2>Brief</h2>")?;
    if story.brief.trim().is_empty() {
        writeln!(out, "<p><em>No corroborated fact yet.</em></p>")?;
    } else {
        writeln!(out, "<p class=\"brief\">{}</p>", escape(story.brief.trim()))?;
    }

    writeln!(out, "<h2>Timeline</h2>")?;
    if story.timeline.is_empty() {
        writeln!(out, "<p><em>No dated facts.</em></p>")?;
    } else {
        writeln!(out, "<ol class=\"timeline\">")?;
        for entry in &story.timeline {
            let n = numbers.get(entry.fact.as_str());
            writeln!(
                out,
                "<li><strong>{}</strong> — {} <a href=\"#{}\">{}</a></li>",
                escape(&entry.date),
                escape(&entry.statement),
                escape(&entry.fact),
                n.map_or_else(|| escape(&entry.fact), |n| format!("#{n}"))
            )?;
        }
        writeln!(out, "</ol>")?;
    }

    write_fact_table(out, d, &facts)?;
    write_matrix(out, d, story, &facts)?;
    write_copy_chains(out, d, story)?;
    if d.stories.len() == 1 {
        write_entities(out, d)?;
    }
    write_articles(out, d, story)?;
    writeln!(out, "</article>")
}

fn status_badge(status: Status) -> String {
    let (class, label) = match status {
        Status::Corroborated => ("corroborated", "corroborated"),
        Status::SingleSource => ("single_source", "single source"),
        Status::Contested => ("contested", "contested"),
    };
    format!("<span class=\"badge {class}\">{label}</span>")
}

fn write_fact_table(out: &mut String, d: &Dossier, facts: &[&Fact]) -> fmt::Result {
    writeln!(out, "<h2>Facts</h2>")?;
    if facts.is_empty() {
        return writeln!(out, "<p><em>None.</em></p>");
    }
    writeln!(
        out,
        "<table class=\"facts\">\n<thead><tr><th>#</th><th>Statement and evidence</th><th>Status</th><th class=\"num\">Independent sources</th><th>Date</th></tr></thead>\n<tbody>"
    )?;
    for (i, fact) in facts.iter().enumerate() {
        writeln!(
            out,
            "<tr id=\"{}\"><td class=\"num\">{}</td><td>{}",
            escape(&fact.id),
            i + 1,
            escape(&fact.statement)
        )?;
        writeln!(
            out,
            "<details class=\"evidence\" id=\"ev-{}\"><summary>Evidence: {} from {}</summary>",
            escape(&fact.id),
            count(fact.evidence.len(), "quote", "quotes"),
            count(fact.articles.len(), "article", "articles")
        )?;
        for ev in &fact.evidence {
            write_evidence(out, d, ev)?;
        }
        if !fact.origins.is_empty() {
            writeln!(
                out,
                "<p class=\"ev-head\">Origins counted: {}</p>",
                escape(&fact.origins.join(", "))
            )?;
        }
        if !fact.conflicts.is_empty() {
            write!(out, "<p class=\"ev-head\">Conflicts with:")?;
            for c in &fact.conflicts {
                write!(out, " <a href=\"#{0}\">{0}</a>", escape(c))?;
            }
            writeln!(out, "</p>")?;
        }
        writeln!(
            out,
            "</details></td><td>{}</td><td class=\"num\">{}</td><td class=\"date\">{}</td></tr>",
            status_badge(fact.status),
            fact.independent_sources,
            escape(fact.date.as_deref().unwrap_or(""))
        )?;
    }
    writeln!(out, "</tbody></table>")
}

/// Longest stretch of article text shown on each side of a quote.
const CONTEXT_BYTES: usize = 400;

fn write_evidence(out: &mut String, d: &Dossier, ev: &Evidence) -> fmt::Result {
    let article = d.article(&ev.article);
    let outlet = article.and_then(|a| a.outlet.as_deref()).unwrap_or("");
    write!(
        out,
        "<div class=\"ev\"><p class=\"ev-head\"><code>{}</code>{}{} · <span class=\"{}\">{}</span>",
        escape(&ev.article),
        if outlet.is_empty() { "" } else { " · " },
        escape(outlet),
        stance_word(ev.stance),
        stance_word(ev.stance),
    )?;
    if let Some(confidence) = ev.confidence {
        write!(out, " (stance model {confidence:.2})")?;
    }
    if let Some(who) = &ev.attributed_to {
        write!(out, ", attributed to {}", escape(who))?;
    }
    match &ev.taken_from {
        Some(source) => write!(out, " · taken from <code>{}</code>", escape(source))?,
        None => write!(out, " · own words")?,
    }
    writeln!(out, " · bytes {}–{}</p>", ev.start, ev.end)?;
    let (before, after) = article
        .map(|a| context(a, ev))
        .unwrap_or((String::new(), String::new()));
    writeln!(
        out,
        "<blockquote>{}<mark>{}</mark>{}</blockquote></div>",
        escape(&before),
        escape(&ev.quote),
        escape(&after)
    )
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
fn write_matrix(out: &mut String, d: &Dossier, story: &Story, facts: &[&Fact]) -> fmt::Result {
    writeln!(out, "<h2>Coverage</h2>")?;
    if facts.is_empty() {
        return writeln!(out, "<p><em>None.</em></p>");
    }
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
    writeln!(
        out,
        "<p class=\"meta\">✓ asserts · ≈ reports (attributed or hedged) · ✗ denies · blank: not carried</p>\n<div class=\"scroll\"><table class=\"matrix\">\n<thead><tr><th class=\"outlet\">Outlet</th>"
    )?;
    for (i, fact) in facts.iter().enumerate() {
        write!(
            out,
            "<th><a href=\"#{}\" title=\"{}\">{}</a></th>",
            escape(&fact.id),
            escape(&fact.statement),
            i + 1
        )?;
    }
    writeln!(out, "</tr></thead>\n<tbody>")?;
    for outlet in &outlets {
        write!(out, "<tr><th class=\"outlet\">{}</th>", escape(outlet))?;
        for i in 0..facts.len() {
            match cells.get(&(outlet.clone(), i)) {
                // A denial is what a reader must not miss, so it wins the cell.
                Some(s) if s.contains(&EvidenceStance::Denies) => {
                    write!(out, "<td class=\"denies\" title=\"denies\">✗</td>")?
                }
                Some(s) if s.contains(&EvidenceStance::Asserts) => {
                    write!(out, "<td class=\"asserts\" title=\"asserts\">✓</td>")?
                }
                Some(_) => write!(out, "<td class=\"reports\" title=\"reports\">≈</td>")?,
                None => write!(out, "<td></td>")?,
            }
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></div>")
}

/// Each copy followed back to the article it ultimately repeats: `copy → original → ...`.
fn write_copy_chains(out: &mut String, d: &Dossier, story: &Story) -> fmt::Result {
    writeln!(out, "<h2>Copy chains</h2>")?;
    let members: BTreeSet<&str> = story.articles.iter().map(String::as_str).collect();
    let copies: Vec<_> = d
        .copies
        .iter()
        .filter(|c| members.contains(c.article.as_str()))
        .collect();
    if copies.is_empty() {
        return writeln!(
            out,
            "<p><em>No copies: every article was written independently.</em></p>"
        );
    }
    let copied: BTreeSet<&str> = copies.iter().map(|c| c.of.as_str()).collect();
    writeln!(out, "<ul class=\"copies\">")?;
    // Chains start at copies nobody copies in turn; each link is one copy record.
    for start in copies
        .iter()
        .filter(|c| !copied.contains(c.article.as_str()))
    {
        write!(out, "<li><code>{}</code>", escape(&start.article))?;
        let mut seen = BTreeSet::new();
        let mut link = Some(*start);
        while let Some(c) = link {
            if !seen.insert(c.article.as_str()) {
                break;
            }
            write!(
                out,
                " — {} of ({:.2}, {}) → <code>{}</code>",
                match c.kind {
                    corroborate_model::CopyKind::Duplicate => "duplicate",
                    corroborate_model::CopyKind::Rewrite => "rewrite",
                    corroborate_model::CopyKind::Partial => "partial",
                },
                c.similarity,
                basis_words(c.basis),
                escape(&c.of)
            )?;
            link = copies.iter().copied().find(|n| n.article == c.of);
        }
        writeln!(out, "</li>")?;
    }
    writeln!(out, "</ul>")
}

fn write_entities(out: &mut String, d: &Dossier) -> fmt::Result {
    writeln!(out, "<h2>Entities</h2>")?;
    if d.entities.is_empty() {
        return writeln!(out, "<p><em>None.</em></p>");
    }
    writeln!(
        out,
        "<table class=\"entities\"><thead><tr><th>Name</th><th>Kind</th><th>Aliases</th><th class=\"num\">Articles</th></tr></thead><tbody>"
    )?;
    for e in &d.entities {
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape(&e.name),
            kind_word(e.kind),
            escape(&e.aliases.join(", ")),
            e.articles.len()
        )?;
    }
    writeln!(out, "</tbody></table>")
}

fn write_articles(out: &mut String, d: &Dossier, story: &Story) -> fmt::Result {
    writeln!(out, "<h2>Articles</h2>\n<table class=\"articles\"><thead><tr><th>Id</th><th>Outlet</th><th>Published</th><th>Title</th></tr></thead><tbody>")?;
    for id in &story.articles {
        let a = d.article(id);
        let title = a.and_then(|a| a.title.as_deref()).unwrap_or("");
        let title_html = match a.and_then(|a| a.url.as_deref()) {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                format!("<a href=\"{}\">{}</a>", escape(url), escape(title))
            }
            _ => escape(title),
        };
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(id),
            escape(a.and_then(|a| a.outlet.as_deref()).unwrap_or("")),
            escape(a.and_then(|a| a.published.as_deref()).unwrap_or("")),
            title_html
        )?;
    }
    writeln!(out, "</tbody></table>")
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
}
