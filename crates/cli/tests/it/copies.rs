//! A newspaper report that took two sentences of a wire story and wrote the rest itself
//! (tests/data/partial-copy.jsonl), beside another paper's own report: the paper is a
//! partial copy, what it took is the wire's telling, what it says in its own words is its.

use corroborate_engine::Config;
use corroborate_model::{CopyKind, Dossier, Status};

fn dossier() -> Dossier {
    crate::fixture_dossier("partial-copy.jsonl")
}

fn fact<'d>(d: &'d Dossier, opening: &str) -> &'d corroborate_model::Fact {
    d.facts
        .iter()
        .find(|f| f.statement.starts_with(opening))
        .unwrap_or_else(|| panic!("no fact opens with {opening:?}: {:?}", d.facts))
}

#[test]
fn a_report_that_took_two_wire_sentences_is_a_partial_copy_with_its_passage() {
    let d = dossier();
    assert_eq!(d.copies.len(), 1, "{:?}", d.copies);
    let c = &d.copies[0];
    assert_eq!(
        (c.article.as_str(), c.of.as_str()),
        ("morning-post", "wire")
    );
    assert_eq!(c.kind, CopyKind::Partial);
    let text = |id: &str| &d.articles.iter().find(|a| a.id == id).unwrap().text;
    let [p] = c.passages.as_slice() else {
        panic!("{:?}", c.passages)
    };
    assert!(text("morning-post")[p.start..p.end].starts_with("Police arrested fourteen"));
    assert!(text("wire")[p.of_start..p.of_end].ends_with("before the match had ended."));
}

#[test]
fn a_taken_quote_is_the_wires_telling_and_own_words_are_the_papers() {
    let d = dossier();
    // the arrests: the wire's, and the paper that took the sentence adds no origin
    let arrests = fact(&d, "Police arrested fourteen");
    assert_eq!(arrests.status, Status::SingleSource, "{arrests:?}");
    assert_eq!(arrests.origins, ["source:Wire Service"]);
    let taken: Vec<(&str, Option<&str>)> = arrests
        .evidence
        .iter()
        .map(|e| (e.article.as_str(), e.taken_from.as_deref()))
        .collect();
    assert_eq!(taken, [("wire", None), ("morning-post", Some("wire"))]);
    // the closure: both papers in their own words, two origins, neither the wire
    let closure = fact(&d, "The stadium will stay closed");
    assert_eq!(closure.status, Status::Corroborated, "{closure:?}");
    assert_eq!(
        closure.origins,
        ["source:Evening Star", "source:Morning Post"]
    );
    assert!(closure.evidence.iter().all(|e| e.taken_from.is_none()));
}

#[test]
fn two_papers_running_one_agency_report_are_one_origin_the_agency() {
    let article = |id: &str, outlet: &str, text: &str| {
        let mut a = corroborate_model::Article::new(id, id, text);
        a.outlet = Some(outlet.into());
        a
    };
    let articles = vec![
        article(
            "times",
            "The Daily Times",
            "LONDON (Reuters) - The central bank raised its main interest rate by half a point on Thursday to fight inflation.\n\n\
             The governor said further rises could follow if prices kept climbing through the winter.",
        ),
        article(
            "herald",
            "The Herald",
            "LONDON (Reuters) - The central bank raised its main interest rate by half a point on Thursday, surprising markets.\n\n\
             Traders had expected a smaller move.",
        ),
        article(
            "post",
            "The Post",
            "The central bank raised its main interest rate by half a point on Thursday, our economics desk reports.\n\n\
             Mortgage lenders are expected to pass the rise on within days.",
        ),
    ];
    let d = corroborate_engine::run(articles, &Config::default(), &|_| {})
        .unwrap()
        .dossier;
    let rate = d
        .facts
        .iter()
        .find(|f| f.articles.len() == 3)
        .unwrap_or_else(|| panic!("no fact of all three: {:?}", d.facts));
    // the two Reuters datelines are one origin, Reuters, beside the Post's own report
    assert_eq!(rate.origins, ["source:Reuters", "source:The Post"]);
    assert_eq!(rate.status, Status::Corroborated);
}
