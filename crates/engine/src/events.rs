//! Events: inside a story, the facts about one happening (the foiled plots, the signing,
//! the attacks in two cities), grouped.
//!
//! Each fact is its first claim (entities by id, words by paraphrase class),
//! weighted by IDF over the story's facts. Facts are taken best-supported first; each joins
//! the event whose weighted term profile it is closest to, if close enough
//! (`EventsConfig::join_threshold`), else it starts a new event. Then a fact left alone
//! joins the event of a fact stated in the sentence next to it in some article (with a
//! cosine of at least `adjacent_threshold`, 0 by default: adjacency alone). Events with fewer than `min_facts` facts are
//! dropped: a lone fact is not a happening the tool can name.
//!
//! Days keep happenings apart: a fact that gives a day (its claims' dates to the day) joins
//! no event whose facts give only other days, however alike the words. Two attacks on the
//! same checkpoint on 3 and 9 March are two events; facts that name no day join freely.

use std::collections::HashMap;

use corroborate_text::dates::DateValue;

use crate::claims::{Claim, FactDraft};
use crate::config::EventsConfig;

/// Members of an event a new fact is compared with (its best-supported ones), bounding
/// the work on very large stories.
const MAX_COMPARED: usize = 32;

/// An event as indices into the story's fact drafts, best-supported first.
#[derive(Clone, Debug, PartialEq)]
pub struct EventDraft {
    pub facts: Vec<usize>,
}

/// Dot product of two sorted, unit-length sparse vectors.
fn cosine(a: &[(u32, f64)], b: &[(u32, f64)]) -> f64 {
    corroborate_text::sparse::dot(a, b)
}

/// The dates to the day a fact's claims give, sorted and unique.
fn days(claims: &[Claim], draft: &FactDraft) -> Vec<DateValue> {
    let mut days: Vec<DateValue> = draft
        .claims
        .iter()
        .flat_map(|&c| &claims[c].dates)
        .filter(|d| d.day.is_some())
        .copied()
        .collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// Whether facts giving days `a` may share an event with facts giving days `b`: unless
/// both give days and no day is the same.
fn same_days(a: &[DateValue], b: &[DateValue]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|d| b.binary_search(d).is_ok())
}

/// An event's facts and the days they give.
type Event = (Vec<usize>, Vec<DateValue>);

/// Adds fact `f`, giving `days`, to `event`.
fn join(event: &mut Event, f: usize, days: &[DateValue]) {
    event.0.push(f);
    event.1.extend_from_slice(days);
    event.1.sort_unstable();
    event.1.dedup();
}

/// Whether some article states the two facts in consecutive sentences.
fn adjacent(claims: &[Claim], a: &FactDraft, b: &FactDraft) -> bool {
    a.claims.iter().any(|&x| {
        b.claims.iter().any(|&y| {
            let (x, y) = (&claims[x], &claims[y]);
            x.doc == y.doc && x.sentence.abs_diff(y.sentence) == 1
        })
    })
}

/// Groups a story's facts into events. `order` lists fact indices best-supported first.
pub fn group(
    claims: &[Claim],
    drafts: &[FactDraft],
    order: &[usize],
    cfg: &EventsConfig,
) -> Vec<EventDraft> {
    let fact_terms: Vec<Vec<&str>> = drafts
        .iter()
        .map(|d| {
            // a fact is compared by its central claim (the one its statement quotes): the
            // union of many rewordings dilutes it
            let mut t: Vec<&str> = claims[d.central].terms.iter().map(String::as_str).collect();
            t.sort_unstable();
            t.dedup();
            t
        })
        .collect();
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut df: Vec<f64> = Vec::new();
    for terms in &fact_terms {
        for t in terms {
            let next = ids.len() as u32;
            let id = *ids.entry(t).or_insert(next);
            if id as usize == df.len() {
                df.push(0.0);
            }
            df[id as usize] += 1.0;
        }
    }
    let n = drafts.len() as f64;
    let vectors: Vec<Vec<(u32, f64)>> = fact_terms
        .iter()
        .map(|terms| {
            let mut v: Vec<(u32, f64)> = terms
                .iter()
                .map(|t| ids[t])
                .map(|id| (id, (1.0 + n / df[id as usize]).ln()))
                .collect();
            v.sort_unstable_by_key(|x| x.0);
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt();
            if norm > 0.0 {
                v.iter_mut().for_each(|x| x.1 /= norm);
            }
            v
        })
        .collect();
    let fact_days: Vec<Vec<DateValue>> = drafts.iter().map(|d| days(claims, d)).collect();
    let mut events: Vec<Event> = Vec::new();
    for &f in order {
        // the event holding the nearest fact, if near enough and not of other days
        let best = events
            .iter()
            .enumerate()
            .filter(|(_, (_, event_days))| same_days(&fact_days[f], event_days))
            .map(|(i, (members, _))| {
                (
                    members
                        .iter()
                        .take(MAX_COMPARED)
                        .map(|&m| cosine(&vectors[f], &vectors[m]))
                        .fold(0.0, f64::max),
                    i,
                )
            })
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        match best {
            Some((score, i)) if score >= cfg.join_threshold => {
                join(&mut events[i], f, &fact_days[f])
            }
            _ => events.push((vec![f], fact_days[f].clone())),
        }
    }
    // An event holds `min_facts` facts, or one fact grown into a happening: several
    // articles tell it, and one of them in several sentences.
    let is_event = |members: &[usize]| {
        members.len() >= cfg.min_facts
            || members.iter().any(|&f| {
                let mut per_doc: HashMap<usize, usize> = HashMap::new();
                for &c in &drafts[f].claims {
                    *per_doc.entry(claims[c].doc).or_default() += 1;
                }
                per_doc.len() >= 2 && per_doc.values().any(|&n| n >= cfg.min_facts)
            })
    };
    let kept: Vec<usize> = (0..events.len())
        .filter(|&e| is_event(&events[e].0))
        .collect();
    let lone: Vec<usize> = events
        .iter()
        .filter(|(m, _)| !is_event(m))
        .flat_map(|(m, _)| m.iter().copied())
        .collect();
    // A fact no event took joins the event of a fact some article states in the sentence
    // next to it: a writer going on from one to the other tells one happening.
    for f in lone {
        let best = kept
            .iter()
            .filter(|&&e| same_days(&fact_days[f], &events[e].1))
            .flat_map(|&e| events[e].0.iter().map(move |&g| (e, g)))
            .filter(|&(_, g)| adjacent(claims, &drafts[f], &drafts[g]))
            .map(|(e, g)| (cosine(&vectors[f], &vectors[g]), e))
            .filter(|&(sim, _)| sim >= cfg.adjacent_threshold)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((_, e)) = best {
            join(&mut events[e], f, &fact_days[f]);
        }
    }
    // joining only grows events, so the ones kept are still events and the rest still not
    events
        .into_iter()
        .filter(|(m, _)| is_event(m))
        .map(|(facts, _)| EventDraft { facts })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use corroborate_model::EvidenceStance;
    use std::collections::BTreeSet;

    fn claim(doc: usize, sentence: usize, terms: &[&str]) -> Claim {
        let mut terms: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
        terms.sort();
        Claim {
            doc,
            sentence,
            start: 0,
            end: 0,
            terms,
            entities: BTreeSet::new(),
            quantities: Vec::new(),
            dates: Vec::new(),
            published: None,
            stance: EvidenceStance::Asserts,
            attribution: None,
        }
    }

    fn draft(c: usize) -> FactDraft {
        FactDraft {
            claims: vec![c],
            conflicts: BTreeSet::new(),
            central: c,
        }
    }

    /// Two facts about an attack, a third that shares one common word with the second and
    /// follows it in the same article, and a fourth about something else.
    fn story(follow_on_sentence: usize) -> (Vec<Claim>, Vec<FactDraft>) {
        let claims = vec![
            claim(0, 0, &["attack", "claim", "group", "raqqa", "soldier"]),
            claim(1, 3, &["attack", "group", "raqqa", "soldier", "gun"]),
            claim(1, follow_on_sentence, &["pistol", "mayadin", "soldier"]),
            claim(2, 7, &["bread", "market", "price"]),
        ];
        (claims, (0..4).map(draft).collect())
    }

    #[test]
    fn a_lone_fact_joins_the_event_of_the_next_sentence() {
        let cfg = EventsConfig::default();
        let (claims, drafts) = story(4);
        let events = group(&claims, &drafts, &[0, 1, 2, 3], &cfg);
        assert_eq!(
            events,
            vec![EventDraft {
                facts: vec![0, 1, 2]
            }]
        );
        // two sentences apart, the same fact stays out of the event
        let (claims, drafts) = story(5);
        let events = group(&claims, &drafts, &[0, 1, 2, 3], &cfg);
        assert_eq!(events, vec![EventDraft { facts: vec![0, 1] }]);
    }

    #[test]
    fn facts_of_different_days_are_different_events() {
        let dated = |doc, sentence, day| Claim {
            dates: vec![DateValue::ymd(2025, 3, day)],
            ..claim(
                doc,
                sentence,
                &["army", "attack", "checkpoint", "gunmen", "mayadin"],
            )
        };
        let claims = vec![
            dated(0, 0, 3),
            dated(1, 0, 3),
            dated(2, 0, 9),
            dated(3, 0, 9),
            // no day given: it may join either
            claim(
                4,
                0,
                &["army", "attack", "checkpoint", "gunmen", "mayadin", "road"],
            ),
        ];
        let drafts: Vec<FactDraft> = (0..5).map(draft).collect();
        let events = group(&claims, &drafts, &[0, 1, 2, 3, 4], &EventsConfig::default());
        assert_eq!(
            events,
            vec![
                EventDraft {
                    facts: vec![0, 1, 4]
                },
                EventDraft { facts: vec![2, 3] }
            ]
        );
    }
}
