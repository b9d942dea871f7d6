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

use crate::outlets::{Labels, OutletName};
use crate::svg;
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
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}small.id{color:#777;font-size:.75rem}.outlet.unnamed{color:#777;font-weight:400;font-style:italic}
.first{font-size:1rem}.origins{font-size:.85rem;color:#1d5e2a;margin:.3rem 0}.taken{color:#7a5b00}.own{color:#1d5e2a}
.matrix th.fact{text-align:left;font-weight:400;min-width:18rem;max-width:34rem}.matrix th.outlet{font-size:.8rem;white-space:nowrap}
.matrix sup{font-size:.65rem;color:#7a5b00}
svg text{font:12px system-ui,sans-serif;fill:#1b1b1b}svg .axis,svg .sub{fill:#666;font-size:11px}
.timeline-graph .rule{stroke:#e3e3e3}.timeline-graph .dot{fill:#0645ad;fill-opacity:.75}
.copy-graph rect{fill:#f6f6f6;stroke:#999}.copy-graph line{stroke:#7a5b00;stroke-width:1.5}.copy-graph .head{fill:#7a5b00}
.copy-graph .edge text{fill:#7a5b00;font-size:11px}
form.filters{display:flex;flex-wrap:wrap;gap:.4rem .8rem;align-items:end;margin:.5rem 0 1rem}form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:#555}
form.filters input,form.filters select{font-size:.95rem;padding:.2rem}
";

fn page(d: &Dossier, title: &str, options: &PageOptions) -> Markup {
    // once for the whole dossier: every story's articles are labelled from it
    let labels = Labels::new(d);
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
                    (story_section(d, &labels, story))
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

fn story_section(d: &Dossier, labels: &Labels, story: &Story) -> Markup {
    let facts: Vec<&Fact> = d.facts.iter().filter(|f| f.story == story.id).collect();
    let numbers: BTreeMap<&str, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i + 1))
        .collect();
    let with_status = |s: Status| facts.iter().filter(|f| f.status == s).count();
    let outlets: BTreeSet<String> = story
        .articles
        .iter()
        .filter_map(|a| labels.outlet_name(a))
        .collect();
    let unnamed = story
        .articles
        .iter()
        .filter(|a| labels.outlet_name(a).is_none())
        .count();
    html! {
        article class="story" id=(story.id) {
            "\n" h1 { (story.title) } "\n"
            p class="meta" {
                (count(story.articles.len(), "article", "articles")) " from "
                (count(outlets.len(), "named outlet", "named outlets"))
                @if unnamed > 0 { " and " (unnamed) " whose outlet is not named" }
                " · " (count(facts.len(), "fact", "facts"))
                " (" (with_status(Status::Corroborated)) " corroborated, "
                (with_status(Status::Contested)) " contested, "
                (with_status(Status::SingleSource)) " single source)"
                " · story " small { code { (story.id) } }
            }
            "\n"
            (first_report(labels, story))
            h2 { "Brief" } "\n"
            @if story.brief.trim().is_empty() {
                p { em { "No corroborated fact yet." } }
            } @else {
                p class="brief" { (story.brief.trim()) }
            }
            "\n"
            (coverage(d, labels, story, &facts))
            (fact_table(labels, &facts))
            h2 { "Timeline of facts" } "\n"
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
            @if d.stories.len() == 1 {
                (entities(d))
            }
            (articles(labels, story))
        }
        "\n"
    }
}

/// Who reported first: the article with the earliest publication day (ties, and a story
/// with no article dated to the day, go to the first read).
fn first_report(labels: &Labels, story: &Story) -> Markup {
    let dated = story
        .articles
        .iter()
        .filter_map(|id| {
            let published = labels.article(id)?.published.as_deref()?;
            Some((svg::day_number(published)?, published, id))
        })
        .min_by_key(|(day, _, _)| *day);
    html! {
        @match dated {
            Some((_, published, id)) => {
                p class="first" {
                    "First reported by " strong { (labels.name(id)) } " on "
                    (published.get(..10).unwrap_or(published)) ": " (article_link(labels, id))
                }
                "\n"
            },
            None => @if let Some(id) = story.articles.first() {
                p class="first" {
                    "No article is dated; first read: " strong { (labels.name(id)) } ", "
                    (article_link(labels, id))
                }
                "\n"
            },
        }
    }
}

/// The article's headline, linked to its URL when it has a web one, with its id in small
/// type.
fn article_link(labels: &Labels, id: &str) -> Markup {
    let headline = labels.headline(id);
    html! {
        @match labels.article(id).and_then(|a| a.url.as_deref()) {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                a href=(url) class="out" { "“" (headline) "”" }
            },
            _ => { "“" (headline) "”" },
        }
        " " small class="id" { code { (id) } }
    }
}

/// The outlet of an article as a reader names it, saying when only a copy's credit names it.
fn outlet_label(labels: &Labels, id: &str) -> Markup {
    html! {
        @match labels.outlet(id) {
            OutletName::Own(name) => strong class="outlet" { (name) },
            OutletName::Credited(name, by) => {
                strong class="outlet" { (name) }
                " " small { "(as credited by " (labels.name(&by)) ")" }
            },
            OutletName::Unknown => strong class="outlet unnamed" { "Outlet not named" },
        }
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

/// Coverage: when each outlet published, who copied whom, and who carried each fact.
fn coverage(d: &Dossier, labels: &Labels, story: &Story, facts: &[&Fact]) -> Markup {
    let members: BTreeSet<&str> = story.articles.iter().map(String::as_str).collect();
    let copies: Vec<&Copy> = d
        .copies
        .iter()
        .filter(|c| members.contains(c.article.as_str()))
        .collect();
    let dated = story
        .articles
        .iter()
        .filter(|id| {
            labels
                .article(id)
                .and_then(|a| a.published.as_deref())
                .and_then(svg::day_number)
                .is_some()
        })
        .count();
    html! {
        h2 { "Coverage" } "\n"
        h3 { "When each outlet published" } "\n"
        @if dated == 0 {
            p { em { "No article is dated to the day." } } "\n"
        } @else {
            div class="scroll" { (svg::timeline(labels, &story.articles)) } "\n"
            @if dated < story.articles.len() {
                p class="meta" { (count(story.articles.len() - dated, "article is", "articles are")) " not dated to the day." } "\n"
            }
        }
        h3 { "Who copied whom" } "\n"
        @if copies.is_empty() {
            p { em { "No copies: every article was written independently." } } "\n"
        } @else {
            div class="scroll" { (svg::copy_graph(labels, &story.articles, &copies)) } "\n"
            (copy_chains(labels, &copies))
        }
        h3 { "Who carried each fact" } "\n"
        (matrix(labels, story, facts))
    }
}

fn fact_table(labels: &Labels, facts: &[&Fact]) -> Markup {
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
                                (origins(labels, fact))
                                (fact_evidence(labels, fact))
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

/// The independent origins counted for a fact, named: outlets and named sources.
fn origins(labels: &Labels, fact: &Fact) -> Markup {
    let named: Vec<String> = fact
        .origins
        .iter()
        .map(|o| match o.split_once(':') {
            Some(("article", id)) => labels.name(id),
            Some(("source", name)) => name.to_string(),
            _ => o.clone(),
        })
        .collect();
    html! {
        @if !named.is_empty() {
            p class="origins" {
                "Independent origins: " (named.join(" · "))
            }
            "\n"
        }
    }
}

/// The fact's quotes and conflicts, folded under `<details>`.
fn fact_evidence(labels: &Labels, fact: &Fact) -> Markup {
    html! {
        details class="evidence" id={ "ev-" (fact.id) } {
            summary {
                "Evidence: " (count(fact.evidence.len(), "quote", "quotes"))
                " from " (count(fact.articles.len(), "article", "articles"))
            }
            "\n"
            @for ev in &fact.evidence {
                (evidence(labels, ev))
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

fn evidence(labels: &Labels, ev: &Evidence) -> Markup {
    let (before, after) = labels
        .article(&ev.article)
        .map(|a| context(a, ev))
        .unwrap_or((String::new(), String::new()));
    html! {
        div class="ev" {
            p class="ev-head" {
                (outlet_label(labels, &ev.article)) " · " (article_link(labels, &ev.article)) " · "
                span class=(stance_word(ev.stance)) { (stance_word(ev.stance)) }
                @if let Some(confidence) = ev.confidence {
                    " (stance model " (format!("{confidence:.2}")) ")"
                }
                @if let Some(who) = &ev.attributed_to {
                    ", attributed to " (who)
                }
                @match &ev.taken_from {
                    Some(source) => {
                        " · " span class="taken" { "taken from " (labels.name(source)) }
                        " " small class="id" { code { (source) } }
                    },
                    None => { " · " span class="own" { "own words" } },
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

/// Longest fact statement shown in a matrix row, in characters (the whole statement is its
/// tooltip and its row in the fact table).
const MATRIX_STATEMENT_CHARS: usize = 110;

/// Who carried what: one row per fact, one column per outlet (an article alone when it
/// names no outlet), the strongest stance of that outlet's articles in the cell, marked
/// when all of it was taken from another article.
fn matrix(labels: &Labels, story: &Story, facts: &[&Fact]) -> Markup {
    // Outlets (keyed, with their label) in the order their first article appears.
    let mut outlets: Vec<(String, String)> = Vec::new();
    for a in &story.articles {
        let key = labels.key(a);
        if !outlets.iter().any(|(k, _)| *k == key) {
            outlets.push((key, labels.name(a)));
        }
    }
    // (fact, outlet) → (stances, whether any of it is the outlet's own words)
    let mut cells: BTreeMap<(usize, String), (BTreeSet<EvidenceStance>, bool)> = BTreeMap::new();
    for (i, fact) in facts.iter().enumerate() {
        for ev in &fact.evidence {
            let cell = cells.entry((i, labels.key(&ev.article))).or_default();
            cell.0.insert(ev.stance);
            cell.1 |= ev.taken_from.is_none();
        }
    }
    html! {
        @if facts.is_empty() {
            p { em { "None." } } "\n"
        } @else {
            p class="meta" { "✓ asserts · ≈ reports (attributed or hedged) · ✗ denies · ᶜ only in text taken from another article · blank: not carried" }
            "\n"
            div class="scroll" {
                table class="matrix" {
                    "\n"
                    thead { tr {
                        th class="fact" { "Fact" } th { "Status" } "\n"
                        @for (_, outlet) in &outlets {
                            th class="outlet" title=(outlet) { (crate::outlets::truncate_words(outlet, 18)) }
                        }
                    } }
                    "\n"
                    tbody {
                        "\n"
                        @for (i, fact) in facts.iter().enumerate() {
                            tr {
                                th class="fact" {
                                    a href={ "#" (fact.id) } title=(fact.statement) {
                                        (i + 1) ". " (crate::outlets::truncate_words(&fact.statement, MATRIX_STATEMENT_CHARS))
                                    }
                                }
                                td { (status_badge(fact.status)) }
                                @for (key, outlet) in &outlets {
                                    @match cells.get(&(i, key.clone())) {
                                        // A denial is what a reader must not miss, so it
                                        // wins the cell.
                                        Some((s, own)) => {
                                            @let (class, mark) = if s.contains(&EvidenceStance::Denies) {
                                                ("denies", "✗")
                                            } else if s.contains(&EvidenceStance::Asserts) {
                                                ("asserts", "✓")
                                            } else {
                                                ("reports", "≈")
                                            };
                                            td class=(class) title={ (outlet) ": " (class) @if !own { ", taken from another article" } } {
                                                (mark) @if !own { sup { "c" } }
                                            }
                                        },
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
fn copy_chains(labels: &Labels, copies: &[&Copy]) -> Markup {
    let copied: BTreeSet<&str> = copies.iter().map(|c| c.of.as_str()).collect();
    // Chains start at copies nobody copies in turn; each link is one copy record.
    let chains: Vec<Vec<&Copy>> = copies
        .iter()
        .filter(|c| !copied.contains(c.article.as_str()))
        .map(|start| chain(start, copies))
        .collect();
    html! {
        ul class="copies" {
            "\n"
            @for links in &chains {
                li {
                    (labels.name(&links[0].article)) " " small class="id" { code { (links[0].article) } }
                    @for c in links {
                        " — " (kind_of(c.kind)) " of (" (format!("{:.2}", c.similarity))
                        ", " (basis_words(c.basis)) ") → " (labels.name(&c.of)) " " small class="id" { code { (c.of) } }
                    }
                }
                "\n"
            }
        }
        "\n"
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

fn articles(labels: &Labels, story: &Story) -> Markup {
    html! {
        h2 { "Articles" } "\n"
        table class="articles" {
            thead { tr { th { "Outlet" } th { "Published" } th { "Headline" } } }
            tbody {
                "\n"
                @for id in &story.articles {
                    tr data-article=(id) {
                        td { (outlet_label(labels, id)) }
                        td class="date" { (labels.article(id).and_then(|a| a.published.as_deref()).unwrap_or("")) }
                        td { (article_link(labels, id)) }
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
        assert!(to_html(&d).contains("<span class=\"own\">own words</span>"));
        d.facts[0].evidence[0].taken_from = Some("wire-<1>".into());
        let html = to_html(&d);
        assert!(
            html.contains(
                "<span class=\"taken\">taken from article wire-&lt;1&gt;</span> <small class=\"id\"><code>wire-&lt;1&gt;</code></small>"
            ),
            "{html}"
        );
        assert!(!html.contains("own words"));
    }

    #[test]
    fn the_matrix_has_a_row_per_fact_and_a_column_per_outlet() {
        let html = to_html(&dossier());
        assert!(
            html.contains("<th class=\"outlet\" title=\"Reuters\">Reuters</th>"),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"reports\" title=\"Reuters: reports\">≈</td>"),
            "{html}"
        );
    }

    #[test]
    fn articles_are_named_by_outlet_and_headline_with_a_link_out() {
        let mut d = dossier();
        d.articles[0].url = Some("https://www.reuters.com/x".into());
        d.articles[0].published = Some("2025-11-10".into());
        let html = to_html(&d);
        assert!(
            html.contains("<a href=\"https://www.reuters.com/x\" class=\"out\">“Syria foiled &lt;two&gt; plots, officials said.”</a> <small class=\"id\"><code>a1</code></small>"),
            "{html}"
        );
        assert!(html.contains("First reported by <strong>Reuters</strong> on 2025-11-10"));
        assert!(html.contains("<svg class=\"timeline-graph\""));
        // a javascript: URL is never a link
        d.articles[0].url = Some("javascript:alert(1)".into());
        assert!(!to_html(&d).contains("javascript:"));
    }

    #[test]
    fn the_copy_graph_draws_an_arrow_from_the_copy_to_its_original() {
        let mut d = dossier();
        let mut original = Article::new("a0", "a0.txt", "Syria foiled two plots, officials said.");
        original.published = Some("2025-11-09".into());
        d.articles.push(original);
        d.stories[0].articles.push("a0".into());
        d.articles[0].outlet = None;
        d.copies.push(Copy {
            article: "a1".into(),
            of: "a0".into(),
            kind: CopyKind::Rewrite,
            similarity: 0.8,
            basis: corroborate_model::CopyBasis::Attribution,
            credited: Some("Wire <Agency>".into()),
            passages: vec![],
        });
        let html = to_html(&d);
        assert!(
            html.contains("<g class=\"edge rewrite\" data-copy=\"a1\" data-of=\"a0\">"),
            "{html}"
        );
        assert!(html.contains("<g class=\"node\" data-article=\"a0\">"));
        // the original is named by the copy's credit, escaped
        assert!(
            html.contains(
                "Wire &lt;Agency&gt;</strong> <small>(as credited by article a1)</small>"
            ),
            "{html}"
        );
        assert!(
            html.contains("First reported by <strong>Wire &lt;Agency&gt;</strong> on 2025-11-09")
        );
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
