//! Each fact of a dossier as a schema.org [`Claim`](https://schema.org/Claim) in JSON-LD:
//! one `@graph` of claims, for fact-checking tools, knowledge graphs and pages that embed
//! structured data.
//!
//! - `@id` is `urn:corroborate:fact:ID`, `identifier` the fact id, `text` its statement,
//!   `temporalCoverage` the date the fact is about (when it names one), `isPartOf` its story;
//! - `appearance`: one `NewsArticle` per carrying article, in the fact's order, with `url`,
//!   `headline`, `publisher` (an `Organization` named by the outlet) and `datePublished`
//!   when the article has them;
//! - `firstAppearance`: the carrying article published first. Dates compare by the first
//!   day they can mean (`2025-11` is read as 1 November, so it comes before `2025-11-10`);
//!   an undated article is never first while a dated one carries the fact; ties, and a fact
//!   no dated article carries, go to the first in the fact's article order;
//! - `claimInterpreter`: corroborate, the software that read the claim out of the articles;
//! - schema.org has no property for how well a claim is corroborated (`ClaimReview` rates
//!   truth, which corroborate does not judge), so the status (`corroborated`,
//!   `single_source`, `contested`), the independent source count, the origins and the
//!   conflicting facts are `additionalProperty` `PropertyValue`s, named `status`,
//!   `independentSources`, `origin` (one per origin) and `conflictsWith` (one per fact).
//!   schema.org lists `additionalProperty` for products and places, not creative works, so
//!   a strict validator may warn about it; the rest is plain `Claim` vocabulary.
//!
//! The output is valid JSON whose `<`, `>` and `&` are written as `\u003c`, `\u003e` and
//! `\u0026`, so it can be pasted into a `<script type="application/ld+json">` as it is.

use corroborate_model::{Article, Dossier, Fact, Status};
use serde_json::{json, Map, Value};

/// The JSON-LD document, pretty-printed, ending in a newline. Keys are sorted and claims
/// are in dossier order, so the same dossier gives the same bytes.
pub fn to_json_ld(d: &Dossier) -> String {
    let graph: Vec<Value> = d.facts.iter().map(|f| claim(d, f)).collect();
    let doc = json!({
        "@context": "https://schema.org",
        "@graph": graph,
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
    out = script_safe(&out);
    out.push('\n');
    out
}

/// The status name used in every export (the JSON contract's spelling).
fn status_name(s: Status) -> &'static str {
    match s {
        Status::Corroborated => "corroborated",
        Status::SingleSource => "single_source",
        Status::Contested => "contested",
    }
}

fn claim(d: &Dossier, f: &Fact) -> Value {
    let carrying: Vec<&Article> = f.articles.iter().filter_map(|id| d.article(id)).collect();
    let mut c = Map::new();
    c.insert("@type".into(), json!("Claim"));
    c.insert("@id".into(), json!(urn("fact", &f.id)));
    c.insert("identifier".into(), json!(f.id));
    c.insert("text".into(), json!(f.statement));
    c.insert(
        "appearance".into(),
        Value::Array(carrying.iter().map(|a| news_article(a)).collect()),
    );
    if let Some(first) = first_appearance(&carrying) {
        c.insert("firstAppearance".into(), news_article(first));
    }
    if let Some(date) = &f.date {
        c.insert("temporalCoverage".into(), json!(date));
    }
    let mut story = Map::new();
    story.insert("@type".into(), json!("CreativeWork"));
    story.insert("@id".into(), json!(urn("story", &f.story)));
    story.insert("identifier".into(), json!(f.story));
    if let Some(s) = d.stories.iter().find(|s| s.id == f.story) {
        story.insert("name".into(), json!(s.title));
    }
    c.insert("isPartOf".into(), Value::Object(story));
    c.insert(
        "claimInterpreter".into(),
        json!({"@type": "SoftwareApplication", "name": "corroborate"}),
    );
    let mut props = vec![
        property("status", json!(status_name(f.status))),
        property("independentSources", json!(f.independent_sources)),
    ];
    props.extend(f.origins.iter().map(|o| property("origin", json!(o))));
    props.extend(
        f.conflicts
            .iter()
            .map(|other| property("conflictsWith", json!(urn("fact", other)))),
    );
    c.insert("additionalProperty".into(), Value::Array(props));
    Value::Object(c)
}

fn property(name: &str, value: Value) -> Value {
    json!({"@type": "PropertyValue", "name": name, "value": value})
}

fn news_article(a: &Article) -> Value {
    let mut n = Map::new();
    n.insert("@type".into(), json!("NewsArticle"));
    n.insert("@id".into(), json!(urn("article", &a.id)));
    n.insert("identifier".into(), json!(a.id));
    if let Some(u) = &a.url {
        n.insert("url".into(), json!(u));
    }
    if let Some(t) = &a.title {
        n.insert("headline".into(), json!(t));
    }
    if let Some(o) = &a.outlet {
        n.insert(
            "publisher".into(),
            json!({"@type": "Organization", "name": o}),
        );
    }
    if let Some(p) = &a.published {
        n.insert("datePublished".into(), json!(p));
    }
    if let Some(l) = &a.language {
        n.insert("inLanguage".into(), json!(l));
    }
    Value::Object(n)
}

/// The carrying article published first (see the module's rule): the earliest dated one,
/// ties to the first in order; the first one when none is dated.
fn first_appearance<'a>(carrying: &[&'a Article]) -> Option<&'a Article> {
    let dated = carrying
        .iter()
        .filter_map(|a| a.published.as_deref().map(|p| (first_day(p), *a)))
        // min_by_key keeps the first of equal keys
        .min_by_key(|(day, _)| day.clone());
    dated.map(|(_, a)| a).or_else(|| carrying.first().copied())
}

/// The first day an ISO date can mean, as a comparable string: `2025` → `2025-01-01`,
/// `2025-11` → `2025-11-01`; a longer date (with a time) compares as written.
fn first_day(date: &str) -> String {
    match date.len() {
        4 => format!("{date}-01-01"),
        7 => format!("{date}-01"),
        _ => date.to_string(),
    }
}

/// `urn:corroborate:KIND:ID`, the id percent-encoded outside unreserved characters.
fn urn(kind: &str, id: &str) -> String {
    let mut out = format!("urn:corroborate:{kind}:");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// JSON text with `<`, `>`, `&` and the two JavaScript line separators escaped: outside
/// strings JSON holds none of them, so this changes no value.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for ch in json.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use corroborate_model::{Evidence, EvidenceStance, StanceSource, Story, SCHEMA_VERSION};

    fn article(id: &str, published: Option<&str>) -> Article {
        let mut a = Article::new(id, format!("in/{id}.txt"), "Text.");
        a.published = published.map(str::to_string);
        a
    }

    fn fact(id: &str, articles: &[&str]) -> Fact {
        Fact {
            id: id.into(),
            story: "s-1".into(),
            statement: format!("Statement of {id}."),
            status: Status::SingleSource,
            articles: articles.iter().map(|s| s.to_string()).collect(),
            independent_sources: 1,
            origins: vec!["source:UNN".into()],
            date: None,
            entities: vec![],
            evidence: articles
                .iter()
                .map(|a| Evidence {
                    article: a.to_string(),
                    quote: "Text.".into(),
                    start: 0,
                    end: 5,
                    stance: EvidenceStance::Asserts,
                    stance_from: StanceSource::Cues,
                    confidence: None,
                    attributed_to: None,
                    taken_from: None,
                })
                .collect(),
            conflicts: vec![],
        }
    }

    fn dossier(articles: Vec<Article>, facts: Vec<Fact>) -> Dossier {
        Dossier {
            schema_version: SCHEMA_VERSION,
            stories: vec![Story {
                id: "s-1".into(),
                title: "The story".into(),
                articles: articles.iter().map(|a| a.id.clone()).collect(),
                brief: String::new(),
                timeline: vec![],
                merged: vec![],
                events: vec![],
            }],
            articles,
            copies: vec![],
            entities: vec![],
            facts,
        }
    }

    fn parse(d: &Dossier) -> Value {
        serde_json::from_str(&to_json_ld(d)).expect("valid JSON")
    }

    /// The `identifier` of the fact's firstAppearance, given its articles' dates in order.
    fn check_first(dates: &[Option<&str>], expected: &str) {
        let articles: Vec<Article> = dates
            .iter()
            .enumerate()
            .map(|(i, p)| article(&format!("a{i}"), *p))
            .collect();
        let ids: Vec<String> = articles.iter().map(|a| a.id.clone()).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let d = dossier(articles, vec![fact("f-1", &ids)]);
        let v = parse(&d);
        assert_eq!(
            v["@graph"][0]["firstAppearance"]["identifier"], expected,
            "{dates:?}"
        );
    }

    #[test]
    fn first_appearance_is_the_earliest_dated_article() {
        check_first(&[Some("2025-11-12"), Some("2025-11-10")], "a1");
        check_first(&[Some("2025-11-10"), Some("2025-11-10")], "a0");
        // an undated article is never first while a dated one carries the fact
        check_first(&[None, Some("2025-11-12")], "a1");
        check_first(&[None, None], "a0");
        // a month is read as its first day
        check_first(&[Some("2025-11-10"), Some("2025-11")], "a1");
        check_first(&[Some("2026"), Some("2025-12-31")], "a1");
        check_first(&[Some("2025-11-02"), Some("2025-11")], "a1");
    }

    #[test]
    fn every_fact_is_a_claim_with_its_appearances() {
        let mut a0 = article("001", Some("2025-11-10"));
        a0.url = Some("https://example.org/a?x=1&y=2".into());
        a0.title = Some("Syria joins".into());
        a0.outlet = Some("UNN".into());
        let a1 = article("002 copy", None);
        let mut f2 = fact("f-2", &["002 copy"]);
        f2.status = Status::Contested;
        f2.conflicts = vec!["f-1".into()];
        f2.date = Some("2025-11-09".into());
        let d = dossier(vec![a0, a1], vec![fact("f-1", &["001", "002 copy"]), f2]);
        let v = parse(&d);
        assert_eq!(v["@context"], "https://schema.org");
        let graph = v["@graph"].as_array().unwrap();
        assert_eq!(graph.len(), d.facts.len());
        for (c, f) in graph.iter().zip(&d.facts) {
            assert_eq!(c["@type"], "Claim");
            assert_eq!(c["identifier"], f.id.as_str());
            assert_eq!(c["text"], f.statement.as_str());
            assert_eq!(c["appearance"].as_array().unwrap().len(), f.articles.len());
        }
        let first = &graph[0];
        assert_eq!(first["@id"], "urn:corroborate:fact:f-1");
        let news = &first["appearance"][0];
        assert_eq!(news["@type"], "NewsArticle");
        assert_eq!(news["url"], "https://example.org/a?x=1&y=2");
        assert_eq!(news["headline"], "Syria joins");
        assert_eq!(news["publisher"]["name"], "UNN");
        assert_eq!(news["datePublished"], "2025-11-10");
        assert_eq!(
            first["appearance"][1]["@id"],
            "urn:corroborate:article:002%20copy"
        );
        assert!(first["appearance"][1].get("datePublished").is_none());
        assert_eq!(first["isPartOf"]["name"], "The story");
        let props = |c: &Value| -> Vec<(String, Value)> {
            c["additionalProperty"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p["name"].as_str().unwrap().to_string(), p["value"].clone()))
                .collect()
        };
        assert_eq!(
            props(&graph[1]),
            vec![
                ("status".to_string(), json!("contested")),
                ("independentSources".to_string(), json!(1)),
                ("origin".to_string(), json!("source:UNN")),
                (
                    "conflictsWith".to_string(),
                    json!("urn:corroborate:fact:f-1")
                ),
            ]
        );
        assert_eq!(graph[1]["temporalCoverage"], "2025-11-09");
    }

    #[test]
    fn text_is_escaped_for_json_and_for_a_script_element() {
        let mut a = article("001", None);
        a.title = Some("A \"quoted\" </script> headline & more\n".into());
        let mut f = fact("f-1", &["001"]);
        f.statement = "He said \"no\" \\ <b>twice</b>\u{2028}.".into();
        let d = dossier(vec![a], vec![f]);
        let out = to_json_ld(&d);
        assert!(!out.contains("</script>"), "{out}");
        assert!(!out.contains('<') && !out.contains('&'), "{out}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["@graph"][0]["text"], d.facts[0].statement.as_str());
        assert_eq!(
            v["@graph"][0]["appearance"][0]["headline"],
            d.articles[0].title.as_deref().unwrap()
        );
    }

    #[test]
    fn the_same_dossier_gives_the_same_bytes_and_an_empty_one_an_empty_graph() {
        let d = dossier(vec![article("001", None)], vec![fact("f-1", &["001"])]);
        assert_eq!(to_json_ld(&d), to_json_ld(&d.clone()));
        let empty = dossier(vec![], vec![]);
        let v = parse(&empty);
        assert_eq!(v["@graph"], json!([]));
        assert!(to_json_ld(&empty).ends_with("}\n"));
    }
}
