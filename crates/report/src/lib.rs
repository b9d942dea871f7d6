//! Rendering a [`Dossier`] for people and programs: JSON (the output contract, schema
//! version 1, described by `schema/dossier.v1.schema.json`), Markdown (a readable
//! dossier for a journalist or analyst), standalone HTML ([`html`], also the server's story
//! page), CSV of facts ([`csv`]), W3C PROV-JSON of derivations ([`prov`]) and each fact as
//! a schema.org `Claim` in JSON-LD ([`jsonld`]); and, apart from the dossier, the stance of
//! articles toward one claim ([`check`]) and Atom feeds of stories and changes ([`atom`]).
//!
//! Invariant: this crate renders only. It never analyses, filters, reorders or changes the
//! dossier; whatever the engine decided is shown as decided, in the dossier's own order
//! (grouping facts by status is the one rearrangement, and keeps order within a group).
//! Output is deterministic: the same dossier always renders to the same bytes.
//!
//! ```
//! use corroborate_model::{Dossier, SCHEMA_VERSION};
//! let dossier = Dossier {
//!     schema_version: SCHEMA_VERSION,
//!     articles: vec![],
//!     copies: vec![],
//!     stories: vec![],
//!     entities: vec![],
//!     facts: vec![],
//! };
//! assert!(corroborate_report::to_json(&dossier).ends_with("}\n"));
//! assert!(corroborate_report::to_markdown(&dossier).contains("# Articles"));
//! ```

use std::fmt::{self, Write};

pub mod atom;
pub mod check;
pub mod csv;
pub mod html;
pub mod jsonld;
pub mod outlets;
pub mod prov;
pub mod svg;

pub use check::{checked_to_json, checked_to_markdown, CheckedArticle};
pub use csv::to_csv;
pub use html::{to_html, to_html_page, PageOptions};
pub use jsonld::to_json_ld;
pub use prov::to_prov_json;

use corroborate_model::{
    Article, Copy, CopyBasis, CopyKind, Dossier, Entity, EntityKind, Evidence, EvidenceStance,
    Fact, Status, Story,
};

/// An output format of the dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// The output contract (schema 1).
    Json,
    Markdown,
    /// One standalone page, no external resources.
    Html,
    /// One row per fact.
    Csv,
    /// W3C PROV-JSON of the derivations.
    Prov,
    /// Each fact as a schema.org `Claim` (JSON-LD).
    Jsonld,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Json,
        Format::Markdown,
        Format::Html,
        Format::Csv,
        Format::Prov,
        Format::Jsonld,
    ];

    /// The name users type (`--format`, export links).
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Prov => "prov",
            Format::Jsonld => "jsonld",
        }
    }

    /// The Internet media type of the rendering.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Prov => "application/json",
            Format::Jsonld => "application/ld+json",
        }
    }

    /// File name extension for a download.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Prov => "prov.json",
            Format::Jsonld => "jsonld",
        }
    }

    pub fn render(self, d: &Dossier) -> String {
        match self {
            Format::Json => to_json(d),
            Format::Markdown => to_markdown(d),
            Format::Html => to_html(d),
            Format::Csv => to_csv(d),
            Format::Prov => to_prov_json(d),
            Format::Jsonld => to_json_ld(d),
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s || (s == "md" && *f == Format::Markdown))
            .ok_or_else(|| {
                format!("unknown format {s:?}; expected json, markdown, html, csv, prov or jsonld")
            })
    }
}

/// The dossier as pretty-printed JSON, ending with a newline so it is a well-formed text
/// file and concatenates cleanly in shells.
pub fn to_json(d: &Dossier) -> String {
    pretty_json(d)
}

/// `value` as pretty-printed JSON ending in a newline. Serialising the model types cannot
/// fail (no maps, and serde_json writes non-finite floats as null), but if it ever does the
/// reader sees a loud failure that no schema validator accepts, never an empty or truncated
/// answer.
pub(crate) fn pretty_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut json) => {
            json.push('\n');
            json
        }
        Err(e) => format!(
            "{{\"error\": {}}}\n",
            serde_json::Value::String(e.to_string())
        ),
    }
}

/// The dossier as Markdown: one part per story (brief, timeline, facts grouped by status
/// with their quotes), then the copies, entities and articles of the whole dossier.
/// Articles are referred to by id throughout; the closing table maps ids to outlets and
/// titles.
pub fn to_markdown(d: &Dossier) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail; the fmt::Result only exists for the Write trait.
    let _ = write_dossier(&mut out, d);
    out
}

/// What a user calls each status, in the order the Facts section shows them: settled facts
/// first, then the ones to check, then the ones resting on one origin.
const STATUS_GROUPS: [(Status, &str); 3] = [
    (Status::Corroborated, "Corroborated"),
    (Status::Contested, "Contested"),
    (Status::SingleSource, "Single source"),
];

/// Placeholder for an empty section, so a reader can tell "nothing found" from "not shown".
const NONE_LINE: &str = "_None._";

/// Placeholder for an unknown value in a table cell.
const UNKNOWN: &str = "—";

fn write_dossier(out: &mut impl Write, d: &Dossier) -> fmt::Result {
    writeln!(
        out,
        "_Dossier (schema {}): {}, {}, {}, {}._",
        d.schema_version,
        count(d.articles.len(), "article", "articles"),
        count(d.stories.len(), "story", "stories"),
        count(d.facts.len(), "fact", "facts"),
        count(d.copies.len(), "copy", "copies"),
    )?;
    if d.stories.is_empty() {
        writeln!(out, "\nNo stories.")?;
    }
    for story in &d.stories {
        write_story(out, d, story)?;
    }
    write_unfiled_facts(out, d)?;
    write_copies(out, &d.copies)?;
    write_entities(out, &d.entities)?;
    write_articles(out, &d.articles)
}

fn write_story(out: &mut impl Write, d: &Dossier, story: &Story) -> fmt::Result {
    writeln!(
        out,
        "\n# Story: {} ({})\n",
        one_line(&story.title),
        count(story.articles.len(), "article", "articles")
    )?;
    write!(
        out,
        "Story `{}` · articles: {}",
        story.id,
        id_list(&story.articles)
    )?;
    if !story.merged.is_empty() {
        write!(out, " · merged from: {}", id_list(&story.merged))?;
    }
    writeln!(out, "\n")?;
    if story.brief.trim().is_empty() {
        writeln!(out, "{NONE_LINE}")?;
    } else {
        writeln!(out, "{}", story.brief.trim())?;
    }

    writeln!(out, "\n## Timeline\n")?;
    if story.timeline.is_empty() {
        writeln!(out, "{NONE_LINE}")?;
    }
    for entry in &story.timeline {
        writeln!(
            out,
            "- {} — {} [{}]",
            entry.date,
            one_line(&entry.statement),
            entry.fact
        )?;
    }

    writeln!(out, "\n## Events\n")?;
    if story.events.is_empty() {
        writeln!(out, "{NONE_LINE}")?;
    }
    for event in &story.events {
        writeln!(
            out,
            "- {} ({}; articles: {}) [{}]",
            one_line(&event.title),
            count(event.facts.len(), "fact", "facts"),
            id_list(&event.articles),
            event.id
        )?;
    }

    writeln!(out, "\n## Facts")?;
    let facts: Vec<&Fact> = d.facts.iter().filter(|f| f.story == story.id).collect();
    write_fact_groups(out, &facts)
}

/// Facts whose story is not in the dossier. Rendering must not drop what the engine
/// reported, so they get their own part; it appears only when there are such facts,
/// because in a consistent dossier there are none.
fn write_unfiled_facts(out: &mut impl Write, d: &Dossier) -> fmt::Result {
    let unfiled: Vec<&Fact> = d
        .facts
        .iter()
        .filter(|f| !d.stories.iter().any(|s| s.id == f.story))
        .collect();
    if unfiled.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n# Facts outside any story")?;
    write_fact_groups(out, &unfiled)
}

fn write_fact_groups(out: &mut impl Write, facts: &[&Fact]) -> fmt::Result {
    if facts.is_empty() {
        return writeln!(out, "\n{NONE_LINE}");
    }
    for (status, heading) in STATUS_GROUPS {
        writeln!(out, "\n### {heading}\n")?;
        let mut any = false;
        for fact in facts.iter().filter(|f| f.status == status) {
            write_fact(out, fact)?;
            any = true;
        }
        if !any {
            writeln!(out, "{NONE_LINE}")?;
        }
    }
    Ok(())
}

fn write_fact(out: &mut impl Write, fact: &Fact) -> fmt::Result {
    // The trailing backslash is a CommonMark hard break: without it the details line would
    // run on into the statement when rendered.
    writeln!(out, "- {} [{}]\\", one_line(&fact.statement), fact.id)?;
    write!(out, "  independent sources: {}", fact.independent_sources)?;
    if !fact.origins.is_empty() {
        write!(out, " ({})", one_line(&fact.origins.join(", ")))?;
    }
    write!(out, " · articles: {}", id_list(&fact.articles))?;
    if let Some(date) = &fact.date {
        write!(out, " · date: {date}")?;
    }
    writeln!(out, " · conflicts: {}", id_list(&fact.conflicts))?;
    if fact.evidence.is_empty() {
        writeln!(out, "  - no quotes")?;
    }
    for evidence in &fact.evidence {
        write_evidence(out, evidence)?;
    }
    Ok(())
}

fn write_evidence(out: &mut impl Write, evidence: &Evidence) -> fmt::Result {
    write!(
        out,
        "  - `{}` ({}",
        evidence.article,
        stance_word(evidence.stance)
    )?;
    if let Some(confidence) = evidence.confidence {
        write!(out, ", stance model {confidence:.2}")?;
    }
    if let Some(who) = &evidence.attributed_to {
        write!(out, ", attributed to {}", one_line(who))?;
    }
    if let Some(source) = &evidence.taken_from {
        write!(out, ", taken from `{source}`")?;
    }
    // The quote keeps its exact words; only line breaks become spaces, so a quote spanning
    // paragraphs stays inside its bullet. The byte offsets let a reader find the original.
    writeln!(
        out,
        "): > \"{}\" (bytes {}–{})",
        one_line(&evidence.quote),
        evidence.start,
        evidence.end
    )
}

fn write_copies(out: &mut impl Write, copies: &[Copy]) -> fmt::Result {
    writeln!(out, "\n# Copies\n")?;
    if copies.is_empty() {
        return writeln!(out, "{NONE_LINE}");
    }
    for copy in copies {
        let kind = match copy.kind {
            CopyKind::Duplicate => "a duplicate",
            CopyKind::Rewrite => "a rewrite",
            CopyKind::Partial => "a partial copy",
        };
        writeln!(
            out,
            "- {} is {kind} of {} (similarity {:.2}, basis {})",
            copy.article,
            copy.of,
            copy.similarity,
            basis_words(copy.basis)
        )?;
    }
    Ok(())
}

fn write_entities(out: &mut impl Write, entities: &[Entity]) -> fmt::Result {
    writeln!(out, "\n# Entities\n")?;
    if entities.is_empty() {
        return writeln!(out, "{NONE_LINE}");
    }
    writeln!(out, "| name | kind | aliases | articles |")?;
    writeln!(out, "| --- | --- | --- | ---: |")?;
    for entity in entities {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&entity.name),
            kind_word(entity.kind),
            cell(&entity.aliases.join(", ")),
            entity.articles.len()
        )?;
    }
    Ok(())
}

fn write_articles(out: &mut impl Write, articles: &[Article]) -> fmt::Result {
    writeln!(out, "\n# Articles\n")?;
    if articles.is_empty() {
        return writeln!(out, "{NONE_LINE}");
    }
    writeln!(out, "| id | outlet | published | title | source |")?;
    writeln!(out, "| --- | --- | --- | --- | --- |")?;
    for article in articles {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&article.id),
            optional_cell(article.outlet.as_deref()),
            optional_cell(article.published.as_deref()),
            optional_cell(article.title.as_deref()),
            cell(&article.source)
        )?;
    }
    Ok(())
}

fn stance_word(stance: EvidenceStance) -> &'static str {
    match stance {
        EvidenceStance::Asserts => "asserts",
        EvidenceStance::Reports => "reports",
        EvidenceStance::Denies => "denies",
    }
}

fn basis_words(basis: CopyBasis) -> &'static str {
    match basis {
        CopyBasis::Attribution => "attribution",
        CopyBasis::EarlierDate => "earlier date",
        CopyBasis::Undetermined => "undetermined",
    }
}

fn kind_word(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Place => "place",
        EntityKind::Other => "other",
    }
}

fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

fn id_list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".to_string()
    } else {
        one_line(&ids.join(", "))
    }
}

/// Text on one line: a line break inside a list item or heading would end it early.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A table cell: on one line, with `|` escaped so it does not split the cell, and `\`
/// escaped first so an existing backslash cannot swallow that escape.
fn cell(text: &str) -> String {
    one_line(text).replace('\\', "\\\\").replace('|', "\\|")
}

fn optional_cell(text: Option<&str>) -> String {
    match text {
        Some(t) if !t.trim().is_empty() => cell(t),
        _ => UNKNOWN.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use corroborate_model::{TimelineEntry, SCHEMA_VERSION};
    use serde_json::Value;

    const TEXT_001: &str = "Syria joined the anti-IS coalition on November 10, officials said. \
        Damascus will host three coalition bases. The deal was signed in Washington.";
    const TEXT_002: &str = "Syria has joined the anti-IS coalition, Reuters reported, writes UNN. \
        The ministry denied that Damascus will host coalition bases.";

    fn article(id: &str, outlet: &str, published: &str, title: &str, text: &str) -> Article {
        let mut a = Article::new(id, format!("examples/{id}.txt"), text);
        a.outlet = Some(outlet.to_string());
        a.published = Some(published.to_string());
        a.title = Some(title.to_string());
        a
    }

    /// Evidence for `quote` as the engine would give it: offsets where it really occurs.
    fn evidence(a: &Article, quote: &str, stance: EvidenceStance, by: Option<&str>) -> Evidence {
        let start = a.text.find(quote).expect("quote occurs in the article");
        Evidence {
            article: a.id.clone(),
            quote: quote.to_string(),
            start,
            end: start + quote.len(),
            stance,
            stance_from: corroborate_model::StanceSource::Cues,
            confidence: None,
            attributed_to: by.map(str::to_string),
            taken_from: None,
        }
    }

    fn fact(id: &str, statement: &str, status: Status, evidence: Vec<Evidence>) -> Fact {
        let mut articles: Vec<String> = evidence.iter().map(|e| e.article.clone()).collect();
        articles.dedup();
        Fact {
            id: id.to_string(),
            story: "s-1".to_string(),
            statement: statement.to_string(),
            status,
            independent_sources: 1,
            origins: vec!["UNN".to_string()],
            articles,
            date: None,
            entities: vec!["e-syria".to_string()],
            evidence,
            conflicts: vec![],
        }
    }

    fn sample() -> Dossier {
        let a1 = article(
            "001",
            "UNN",
            "2025-11-10",
            "Syria joins | coalition",
            TEXT_001,
        );
        let a2 = article(
            "002",
            "Kyiv Post",
            "2025-11-11",
            "Syria in coalition",
            TEXT_002,
        );

        let mut joined = fact(
            "f-joined",
            "Syria joined the anti-IS coalition",
            Status::Corroborated,
            vec![
                evidence(
                    &a1,
                    "Syria joined the anti-IS coalition",
                    EvidenceStance::Asserts,
                    None,
                ),
                evidence(
                    &a2,
                    "Syria has joined the anti-IS coalition",
                    EvidenceStance::Reports,
                    Some("Reuters"),
                ),
            ],
        );
        joined.independent_sources = 2;
        joined.origins = vec!["UNN".to_string(), "Reuters".to_string()];
        joined.date = Some("2025-11-10".to_string());

        let signed = fact(
            "f-signed",
            "The deal was signed in Washington",
            Status::SingleSource,
            vec![evidence(
                &a1,
                "The deal was signed in Washington",
                EvidenceStance::Asserts,
                None,
            )],
        );

        // Dossier order puts the contested fact last, so the test sees it regrouped.
        let bases = fact(
            "f-bases",
            "Damascus will host coalition bases",
            Status::Contested,
            vec![
                evidence(
                    &a1,
                    "Damascus will host three coalition bases",
                    EvidenceStance::Asserts,
                    None,
                ),
                evidence(
                    &a2,
                    "The ministry denied that Damascus will host coalition bases",
                    EvidenceStance::Denies,
                    Some("the ministry"),
                ),
            ],
        );

        Dossier {
            schema_version: SCHEMA_VERSION,
            copies: vec![Copy {
                article: "002".to_string(),
                of: "001".to_string(),
                kind: CopyKind::Rewrite,
                similarity: 0.87,
                basis: CopyBasis::Attribution,
                credited: None,
                passages: Vec::new(),
            }],
            stories: vec![Story {
                id: "s-1".to_string(),
                title: "Syria joins the anti-IS coalition".to_string(),
                articles: vec!["001".to_string(), "002".to_string()],
                brief: "Syria joined the anti-IS coalition on 10 November.".to_string(),
                timeline: vec![TimelineEntry {
                    date: "2025-11-10".to_string(),
                    fact: "f-joined".to_string(),
                    statement: "Syria joined the anti-IS coalition".to_string(),
                }],
                merged: vec![],
                events: vec![],
            }],
            entities: vec![Entity {
                id: "e-syria".to_string(),
                name: "Syria".to_string(),
                kind: EntityKind::Place,
                aliases: vec!["Damascus".to_string(), "Syria".to_string()],
                articles: vec!["001".to_string(), "002".to_string()],
                mentions: 4,
            }],
            facts: vec![joined, signed, bases],
            articles: vec![a1, a2],
        }
    }

    fn position(haystack: &str, needle: &str) -> usize {
        haystack
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing in:\n{haystack}"))
    }

    #[test]
    fn a_quote_taken_from_another_article_says_so() {
        let mut d = sample();
        assert!(!to_markdown(&d).contains("taken from"));
        d.facts[0].evidence[0].taken_from = Some("wire-1".into());
        assert!(to_markdown(&d).contains(", taken from `wire-1`): > "));
    }

    #[test]
    fn sections_come_in_reading_order() {
        let md = to_markdown(&sample());
        let headings = [
            "# Story: Syria joins the anti-IS coalition (2 articles)",
            "## Timeline",
            "## Facts",
            "### Corroborated",
            "### Contested",
            "### Single source",
            "# Copies",
            "# Entities",
            "# Articles",
        ];
        let positions: Vec<usize> = headings.iter().map(|h| position(&md, h)).collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "out of order:\n{md}"
        );
        assert!(md.contains("Syria joined the anti-IS coalition on 10 November."));
        assert!(md.contains("- 2025-11-10 — Syria joined the anti-IS coalition [f-joined]"));
    }

    #[test]
    fn each_fact_sits_under_its_status() {
        let md = to_markdown(&sample());
        let corroborated = position(&md, "### Corroborated");
        let contested = position(&md, "### Contested");
        let single = position(&md, "### Single source");
        let copies = position(&md, "# Copies");
        let joined = position(&md, "- Syria joined the anti-IS coalition [f-joined]\\\n");
        let bases = position(&md, "- Damascus will host coalition bases [f-bases]\\\n");
        let signed = position(&md, "- The deal was signed in Washington [f-signed]\\\n");
        assert!(corroborated < joined && joined < contested);
        assert!(contested < bases && bases < single);
        assert!(single < signed && signed < copies);
    }

    #[test]
    fn fact_line_shows_sources_articles_and_conflicts() {
        let md = to_markdown(&sample());
        assert!(md.contains(
            "  independent sources: 2 (UNN, Reuters) · articles: 001, 002 · \
             date: 2025-11-10 · conflicts: none\n"
        ));
    }

    #[test]
    fn quotes_are_shown_verbatim_with_their_byte_offsets() {
        let d = sample();
        let md = to_markdown(&d);
        for fact in &d.facts {
            for e in &fact.evidence {
                let text = d.article(&e.article).map(|a| a.text.as_str()).unwrap_or("");
                assert_eq!(text.get(e.start..e.end), Some(e.quote.as_str()));
                let shown = format!("> \"{}\" (bytes {}–{})", e.quote, e.start, e.end);
                assert!(md.contains(&shown), "{shown:?} missing");
            }
        }
        assert!(md.contains(
            "  - `002` (denies, attributed to the ministry): > \"The ministry denied that \
             Damascus will host coalition bases\""
        ));
        assert!(md.contains("  - `001` (asserts): > \"Syria joined the anti-IS coalition\""));
    }

    #[test]
    fn a_model_stance_shows_its_confidence() {
        let mut d = sample();
        let e = &mut d.facts[0].evidence[0];
        e.stance_from = corroborate_model::StanceSource::Model;
        e.confidence = Some(0.8125);
        let line = format!(
            "  - `{}` ({}, stance model 0.81",
            e.article,
            stance_word(e.stance)
        );
        assert!(to_markdown(&d).contains(&line), "{line:?} missing");
        assert!(
            html::to_html_page(&d, &html::PageOptions::default()).contains("(stance model 0.81)")
        );
    }

    #[test]
    fn copies_name_both_articles_by_id() {
        let md = to_markdown(&sample());
        assert!(md.contains("- 002 is a rewrite of 001 (similarity 0.87, basis attribution)"));
    }

    #[test]
    fn pipes_in_table_cells_are_escaped() {
        let md = to_markdown(&sample());
        assert!(md.contains("| 001 | UNN | 2025-11-10 | Syria joins \\| coalition | "));
        assert!(md.contains("| Syria | place | Damascus, Syria | 2 |"));
        // Every row of a table keeps its header's column count once escaped pipes are
        // discounted; a stray pipe would shift the cells after it.
        let mut header_pipes = None;
        for line in md.lines() {
            if !line.starts_with('|') {
                header_pipes = None;
                continue;
            }
            let pipes = line.replace("\\|", "").matches('|').count();
            assert_eq!(pipes, *header_pipes.get_or_insert(pipes), "{line}");
        }
    }

    #[test]
    fn cells_escape_backslashes_and_line_breaks() {
        assert_eq!(cell("a\\|b"), "a\\\\\\|b");
        assert_eq!(cell("two\nlines"), "two lines");
        assert_eq!(optional_cell(None), UNKNOWN);
    }

    #[test]
    fn empty_sections_say_none() {
        let mut d = sample();
        d.copies.clear();
        d.entities.clear();
        d.stories[0].timeline.clear();
        d.facts.retain(|f| f.status != Status::Contested);
        let md = to_markdown(&d);
        let copies = position(&md, "# Copies");
        assert_eq!(md[copies..].find(NONE_LINE), Some("# Copies\n\n".len()));
        let entities = position(&md, "# Entities");
        assert_eq!(md[entities..].find(NONE_LINE), Some("# Entities\n\n".len()));
        let timeline = position(&md, "## Timeline");
        assert_eq!(
            md[timeline..].find(NONE_LINE),
            Some("## Timeline\n\n".len())
        );
        let contested = position(&md, "### Contested");
        assert_eq!(
            md[contested..].find(NONE_LINE),
            Some("### Contested\n\n".len())
        );

        let empty = Dossier {
            schema_version: SCHEMA_VERSION,
            articles: vec![],
            copies: vec![],
            stories: vec![],
            entities: vec![],
            facts: vec![],
        };
        let md = to_markdown(&empty);
        assert!(md.contains("No stories."));
        assert!(md.ends_with("# Articles\n\n_None._\n"));
    }

    #[test]
    fn facts_of_unknown_stories_are_still_shown() {
        let mut d = sample();
        d.facts[1].story = "s-gone".to_string();
        let md = to_markdown(&d);
        let unfiled = position(&md, "# Facts outside any story");
        assert!(position(&md, "[f-signed]") > unfiled);
    }

    #[test]
    fn json_round_trips_and_ends_with_newline() {
        let d = sample();
        let json = to_json(&d);
        assert!(json.ends_with("}\n"));
        let back: Dossier = serde_json::from_str(&json).expect("rendered JSON parses");
        assert_eq!(back, d);
        assert!(json.contains("\"status\": \"single_source\""));
        assert!(json.contains("\"attributed_to\": null"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let d = sample();
        assert_eq!(to_json(&d), to_json(&d));
        assert_eq!(to_markdown(&d), to_markdown(&d));
    }

    /// The rendered JSON and `schema/dossier.v1.schema.json` list the same fields for every
    /// object, so the published schema cannot drift from what the tool writes.
    #[test]
    fn json_fields_match_the_published_schema() {
        let schema: Value =
            serde_json::from_str(include_str!("../../../schema/dossier.v1.schema.json"))
                .expect("schema is JSON");
        let json: Value = serde_json::from_str(&to_json(&sample())).expect("JSON");
        check_fields(&schema, &schema, &json, "$");
    }

    fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.trim_start_matches("#/$defs/");
                resolve(root, &root["$defs"][name])
            }
            None => node,
        }
    }

    fn check_fields(root: &Value, node: &Value, value: &Value, path: &str) {
        let node = resolve(root, node);
        match value {
            Value::Object(map) => {
                let mut found: Vec<&str> = map.keys().map(String::as_str).collect();
                let mut required: Vec<&str> = node["required"]
                    .as_array()
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                found.sort_unstable();
                required.sort_unstable();
                assert_eq!(found, required, "fields of {path}");
                for (key, v) in map {
                    check_fields(root, &node["properties"][key], v, &format!("{path}.{key}"));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    check_fields(root, &node["items"], v, &format!("{path}[{i}]"));
                }
            }
            _ => {}
        }
    }
}
