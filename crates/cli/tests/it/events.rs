//! Two attacks on one checkpoint, six days apart, reported by two outlets each
//! (tests/data/two-attacks.jsonl): one story, but two events, and neither attack's report
//! contradicts or copies the other's.

use corroborate_model::{Dossier, Status};
use std::collections::{BTreeMap, BTreeSet};

fn dossier() -> Dossier {
    crate::fixture_dossier("two-attacks.jsonl")
}

#[test]
fn two_attacks_on_different_days_are_two_events_of_one_story() {
    let d = dossier();
    assert_eq!(d.stories.len(), 1, "{:?}", d.stories);
    let date: BTreeMap<&str, Option<&str>> = d
        .facts
        .iter()
        .map(|f| (f.id.as_str(), f.date.as_deref()))
        .collect();
    let events = &d.stories[0].events;
    // each event's dated facts are of one day, and the two events are of the two days
    let days: Vec<BTreeSet<&str>> = events
        .iter()
        .map(|e| {
            e.facts
                .iter()
                .filter_map(|f| date[f.as_str()])
                .filter(|day| day.len() == 10)
                .collect()
        })
        .collect();
    assert_eq!(
        days,
        [
            BTreeSet::from(["2025-03-03"]),
            BTreeSet::from(["2025-03-09"])
        ],
        "{events:?}"
    );
    // the second day's event is told by the second day's articles only
    assert_eq!(events[1].articles, ["daily-0309", "wire-0309"]);
}

#[test]
fn another_days_attack_neither_contradicts_nor_copies_the_first() {
    let d = dossier();
    assert!(d.copies.is_empty(), "{:?}", d.copies);
    for f in &d.facts {
        assert!(
            f.conflicts.is_empty(),
            "{} conflicts: {:?}",
            f.statement,
            f.conflicts
        );
        assert_ne!(f.status, Status::Contested, "{}", f.statement);
    }
    // each attack is one fact, carried by both outlets, dated to its own day
    let attack = |day: &str| {
        d.facts
            .iter()
            .find(|f| f.date.as_deref() == Some(day) && f.statement.contains("killing"))
            .unwrap_or_else(|| panic!("no attack fact dated {day}"))
    };
    assert_eq!(attack("2025-03-09").articles, ["daily-0309", "wire-0309"]);
    assert_eq!(attack("2025-03-09").independent_sources, 2);
}
