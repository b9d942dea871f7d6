//! The acceptance figures of the spine, measured on examples/syria-2025-11.

use std::collections::BTreeSet;

use corroborate_model::{Dossier, EntityKind, Fact, Status};

use crate::seed_dossier;

/// The article id whose file name starts with `prefix` ("002").
fn id(d: &Dossier, prefix: &str) -> String {
    d.articles
        .iter()
        .find(|a| a.id.starts_with(prefix))
        .map(|a| a.id.clone())
        .unwrap_or_else(|| panic!("no article {prefix}"))
}

fn fact_quoting<'a>(d: &'a Dossier, article: &str, needle: &str) -> &'a Fact {
    let article = id(d, article);
    d.facts
        .iter()
        .find(|f| {
            f.evidence
                .iter()
                .any(|e| e.article == article && e.quote.contains(needle))
        })
        .unwrap_or_else(|| panic!("no fact quotes {needle:?} from {article}"))
}

fn articles(f: &Fact) -> BTreeSet<String> {
    f.articles.iter().map(|a| a[..3].to_string()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_rewrite_is_the_only_copy() {
    let d = seed_dossier();
    assert_eq!(d.copies.len(), 1, "{:?}", d.copies);
    let c = &d.copies[0];
    assert_eq!(
        (c.article.as_str(), c.of.as_str()),
        (id(d, "002").as_str(), id(d, "004").as_str())
    );
    assert_eq!(c.kind, corroborate_model::CopyKind::Rewrite);
    assert!(c.similarity > 0.5 && c.similarity <= 1.0);
}

#[test]
fn the_seeds_are_one_story() {
    let d = seed_dossier();
    assert_eq!(d.stories.len(), 1);
    assert_eq!(d.stories[0].articles.len(), 5);
    assert!(!d.stories[0].brief.is_empty());
}

#[test]
fn spellings_fold_into_one_entity_each() {
    let d = seed_dossier();
    let holding = |alias: &str| {
        d.entities
            .iter()
            .find(|e| e.aliases.iter().any(|a| a == alias))
            .unwrap_or_else(|| panic!("no entity has {alias}"))
    };
    let sharaa = holding("al-Shara");
    for alias in ["al Sharaa", "ash-Sharaa", "al-Sharaa", "Sharaa"] {
        assert!(
            sharaa.aliases.iter().any(|a| a == alias),
            "{alias} not in {:?}",
            sharaa.aliases
        );
    }
    assert_eq!(sharaa.kind, EntityKind::Person);
    assert_eq!(sharaa.articles.len(), 5);
    let isis = holding("ISIS");
    for alias in ["IS", "ISIL", "Islamic State"] {
        assert!(
            isis.aliases.iter().any(|a| a == alias),
            "{alias} not in {:?}",
            isis.aliases
        );
    }
    assert_ne!(sharaa.id, isis.id);
    // no alias belongs to two entities, and the person holds no other person's name
    let mut seen = BTreeSet::new();
    for e in &d.entities {
        for a in &e.aliases {
            assert!(seen.insert(a.clone()), "{a} is in two entities");
        }
    }
    for other in ["Assad", "Trump", "Syria", "Damascus"] {
        assert!(
            !sharaa.aliases.iter().any(|a| a.contains(other)),
            "{other} mixed into {:?}",
            sharaa.aliases
        );
    }
    assert_eq!(holding("Trump").id, holding("Donald Trump").id);
    assert_eq!(holding("Deir ez Zor").id, holding("Deir al-Zor").id);
}

#[test]
fn raids_and_arrests_rest_on_one_source() {
    let d = seed_dossier();
    let f = fact_quoting(d, "004", "61 raids");
    assert_eq!(articles(f), set(&["002", "004"]));
    assert_eq!(f.independent_sources, 1);
    assert_eq!(f.status, Status::SingleSource);
}

#[test]
fn details_only_one_outlet_has_are_single_source() {
    let d = seed_dossier();
    let event = fact_quoting(d, "000", "revolved around an official event");
    assert_eq!(
        (articles(event), event.status),
        (set(&["000"]), Status::SingleSource)
    );
    let homs = fact_quoting(d, "001", "Homs");
    assert_eq!(
        (articles(homs), homs.status),
        (set(&["001"]), Status::SingleSource)
    );
}

#[test]
fn the_foiled_plots_are_corroborated_across_outlets() {
    let d = seed_dossier();
    let f = fact_quoting(d, "000", "thwarted two separate plots");
    assert!(
        articles(f).is_superset(&set(&["000", "001", "002", "004"])),
        "{:?}",
        f.articles
    );
    assert_eq!(f.status, Status::Corroborated);
    // 002 and 004 are one origin; 000 and 001 add two more
    assert!(f.independent_sources >= 3, "{:?}", f.origins);
}

#[test]
fn the_plots_foiled_in_recent_months_is_one_fact_of_three_outlets() {
    // 000 and 004 say it in different words ("stated that the two plots targeting al-Shara
    // were foiled in the past few months" / "said the assassination plots were foiled in
    // recent months"); 002 rewrites 004
    let d = seed_dossier();
    let f = fact_quoting(d, "000", "foiled in the past few months");
    assert_eq!(f.id, fact_quoting(d, "004", "foiled in recent months").id);
    assert!(
        articles(f).is_superset(&set(&["000", "002", "004"])),
        "{:?}",
        f.articles
    );
    assert!(f.independent_sources >= 2, "{:?}", f.origins);
}

#[test]
fn the_denial_and_the_turkish_account_conflict() {
    let d = seed_dossier();
    let denial = fact_quoting(d, "000", "SANA");
    let turkish = fact_quoting(d, "000", "Independence");
    assert_ne!(denial.id, turkish.id);
    assert!(
        denial.conflicts.contains(&turkish.id),
        "{:?}",
        denial.conflicts
    );
    assert!(
        turkish.conflicts.contains(&denial.id),
        "{:?}",
        turkish.conflicts
    );
    assert_eq!(denial.status, Status::Contested);
    assert_eq!(turkish.status, Status::Contested);
    assert!(denial
        .evidence
        .iter()
        .any(|e| e.stance == corroborate_model::EvidenceStance::Denies));
    // the denial is about the Daraa attempt, not the ISIS plots
    let plots = fact_quoting(d, "000", "thwarted two separate plots");
    assert!(!plots.conflicts.contains(&denial.id));
}

#[test]
fn six_months_and_180_days_do_not_conflict() {
    let d = seed_dossier();
    let six = fact_quoting(d, "004", "six-month");
    assert!(six.conflicts.is_empty(), "{:?}", six.conflicts);
    for f in d
        .facts
        .iter()
        .filter(|f| f.evidence.iter().any(|e| e.quote.contains("180 days")))
    {
        assert!(!six.conflicts.contains(&f.id) && !f.conflicts.contains(&six.id));
    }
    // the normalisation that makes them agree
    let a = &corroborate_text::quantity::quantities("a six-month suspension")[0];
    let b = &corroborate_text::quantity::quantities("for 180 days")[0];
    assert!(a.agrees_with(b));
}

#[test]
fn december_is_dated_against_publication() {
    let d = seed_dossier();
    let f = fact_quoting(
        d,
        "004",
        "overthrew former Syrian President Bashar al-Assad in December",
    );
    assert_eq!(f.date.as_deref(), Some("2024-12"));
    assert!(d.stories[0]
        .timeline
        .iter()
        .any(|t| t.fact == f.id && t.date == "2024-12"));
}

#[test]
fn site_furniture_and_related_headlines_are_not_facts() {
    let d = seed_dossier();
    for f in &d.facts {
        for e in &f.evidence {
            for junk in [
                "Recommended stories",
                "list of 3 items",
                "Details",
                "US temporarily eases sanctions",
                "US to establish military presence",
                "Published on",
            ] {
                assert!(
                    !e.quote.starts_with(junk),
                    "{junk:?} became evidence: {}",
                    e.quote
                );
            }
        }
    }
}

#[test]
fn outlets_and_dates_are_read_from_the_text() {
    let d = seed_dossier();
    let a002 = d.article(&id(d, "002")).unwrap();
    assert_eq!(a002.outlet.as_deref(), Some("UNN"));
    assert_eq!(a002.published.as_deref(), Some("2025-11-11"));
    let a004 = d.article(&id(d, "004")).unwrap();
    assert_eq!(a004.published.as_deref(), Some("2025-11-11"));
}

#[test]
fn every_quote_slices_its_article() {
    let d = seed_dossier();
    let mut n = 0;
    for f in &d.facts {
        for e in &f.evidence {
            let a = d.article(&e.article).unwrap();
            assert_eq!(a.text.get(e.start..e.end), Some(e.quote.as_str()));
            n += 1;
        }
    }
    assert!(n > 40);
}

#[test]
fn the_same_input_gives_byte_identical_json() {
    let first = corroborate_report::to_json(seed_dossier());
    let read = corroborate_ingest::read_paths(
        &[crate::examples()],
        &corroborate_ingest::Limits::default(),
    );
    let again = corroborate_engine::run(
        read.articles,
        &corroborate_engine::Config::default(),
        &|_| {},
    )
    .unwrap()
    .dossier;
    assert_eq!(first, corroborate_report::to_json(&again));
}

#[test]
fn the_story_has_events_for_the_plots_the_coalition_and_the_attacks() {
    let d = seed_dossier();
    let events = &d.stories[0].events;
    let event_of = |article: &str, needle: &str| {
        let fact = fact_quoting(d, article, needle);
        events
            .iter()
            .position(|e| e.facts.contains(&fact.id))
            .unwrap_or_else(|| panic!("{needle:?} is in no event"))
    };
    let plots = event_of("000", "thwarted two separate plots");
    assert_eq!(
        plots,
        event_of(
            "004",
            "the assassination plots were foiled in recent months"
        )
    );
    let coalition = event_of(
        "004",
        "signed up to join the US-led international coalition",
    );
    let attacks = event_of(
        "003",
        "claimed responsibility for two recent terror attacks",
    );
    assert_eq!(attacks, event_of("003", "northern city of Raqqa"));
    // Mayadin shares almost no words with the rest, but 003 goes on from it to Raqqa
    // ("Concurrently, ...") in the next sentence.
    assert_eq!(attacks, event_of("003", "in the city of Mayadin"));
    assert!(plots != coalition && coalition != attacks && plots != attacks);
    for e in events {
        assert!(e.facts.len() >= 2);
        assert!(e.facts.iter().all(|f| d
            .facts
            .iter()
            .any(|x| &x.id == f && x.story == d.stories[0].id)));
    }
}

#[test]
fn the_stance_model_decides_shared_facts_and_the_copy_speaks_with_its_original() {
    use corroborate_model::{EvidenceStance, StanceSource};
    let d = seed_dossier();
    let coalition = fact_quoting(
        d,
        "004",
        "signed up to join the US-led international coalition",
    );
    // 000 tells the same happening ahead of it: the envoy predicted Syria would sign today
    assert_eq!(articles(coalition), set(&["000", "002", "004"]));
    for e in &coalition.evidence {
        assert_eq!(e.stance_from, StanceSource::Model, "{e:?}");
        // the envoy's prediction is reported, the two reports of the signing assert it
        let expected = if e.article.starts_with("000") {
            EvidenceStance::Reports
        } else {
            EvidenceStance::Asserts
        };
        assert_eq!(e.stance, expected, "{e:?}");
    }
    // Facts carried by one article keep the sentence's cue stance.
    let homs = fact_quoting(d, "001", "Homs");
    assert!(homs
        .evidence
        .iter()
        .all(|e| e.stance_from == StanceSource::Cues && e.confidence.is_none()));
    // Nothing among the five reads as refuting the best-supported facts: no model denial.
    let denials = d
        .facts
        .iter()
        .flat_map(|f| &f.evidence)
        .filter(|e| e.stance_from == StanceSource::Model && e.stance == EvidenceStance::Denies)
        .count();
    assert_eq!(denials, 0);
}
