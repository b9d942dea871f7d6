use super::*;
use corroborate_model::{Fact, Status, Story, TimelineEntry};
use std::time::{Duration, Instant};

fn article(id: &str, text: &str) -> Article {
    Article::new(id, format!("{id}.txt"), text)
}

/// A small dossier over the given articles: one story holding all of them.
fn dossier_of(articles: &[Article]) -> Dossier {
    Dossier {
        schema_version: SCHEMA_VERSION,
        articles: articles.to_vec(),
        copies: vec![],
        stories: vec![Story {
            id: corroborate_model::stable_id("s-", &[&articles[0].id]),
            title: "Syria".into(),
            articles: articles.iter().map(|a| a.id.clone()).collect(),
            brief: String::new(),
            timeline: vec![TimelineEntry {
                date: "2025-11-10".into(),
                fact: "f-1".into(),
                statement: "x".into(),
            }],
            merged: vec![],
            events: vec![],
        }],
        entities: vec![],
        facts: vec![],
    }
}

#[test]
fn ingesting_the_same_articles_twice_stores_them_once() {
    let mut store = Store::open_in_memory().unwrap();
    let batch = vec![
        article("a", "Syria foiled two plots."),
        article("b", "Raids in Idlib."),
    ];
    let first = store.add_articles(batch.clone()).unwrap();
    assert_eq!(first.stored, vec!["a", "b"]);
    let second = store.add_articles(batch).unwrap();
    assert!(second.stored.is_empty());
    assert_eq!(second.unchanged.len(), 2);
    assert_eq!(store.health().unwrap().articles, 2);
}

#[test]
fn a_taken_id_with_new_content_gets_a_suffix() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .add_articles(vec![article("a", "First text.")])
        .unwrap();
    let added = store
        .add_articles(vec![article("a", "Other text.")])
        .unwrap();
    assert_eq!(added.stored.len(), 1);
    assert!(added.stored[0].starts_with("a-"), "{:?}", added.stored);
    assert_eq!(added.renamed[0].0, "a");
}

#[test]
fn articles_come_back_in_ingest_order_and_pending_counts_unanalysed() {
    let mut store = Store::open_in_memory().unwrap();
    store.add_articles(vec![article("z", "Zed.")]).unwrap();
    store.add_articles(vec![article("a", "Ay.")]).unwrap();
    let (articles, last) = store.articles_for_analysis().unwrap();
    let ids: Vec<_> = articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["z", "a"]);
    assert_eq!(store.pending().unwrap(), 2);
    assert!(store
        .replace_analysis(&dossier_of(&articles), last)
        .unwrap());
    assert_eq!(store.pending().unwrap(), 0);
    // An analysis that covers no more than the stored one is not written again.
    assert!(!store
        .replace_analysis(&dossier_of(&articles), last)
        .unwrap());
    assert_eq!(store.health().unwrap().dossier_version, 1);
}

#[test]
fn the_stored_dossier_reads_back_equal() {
    let mut store = Store::open_in_memory().unwrap();
    let articles = vec![article("a", "One."), article("b", "Two.")];
    store.add_articles(articles.clone()).unwrap();
    let d = dossier_of(&articles);
    store.replace_analysis(&d, 2).unwrap();
    assert_eq!(store.dossier().unwrap(), d);
    let sid = &d.stories[0].id;
    assert_eq!(store.story(sid).unwrap().unwrap().articles.len(), 2);
    assert_eq!(store.story("s-missing").unwrap(), None);
    assert_eq!(
        store.article("b").unwrap().unwrap().story.as_deref(),
        Some(sid.as_str())
    );
    assert_eq!(store.article("nope").unwrap(), None);
}

fn query(q: &str) -> StoryFilter {
    StoryFilter {
        q: Some(q.to_string()),
        ..StoryFilter::default()
    }
}

#[test]
fn search_finds_stories_by_article_words_and_ignores_query_syntax() {
    let mut store = Store::open_in_memory().unwrap();
    let articles = vec![article("a", "Syria foiled two plots against Sharaa.")];
    store.add_articles(articles.clone()).unwrap();
    store.replace_analysis(&dossier_of(&articles), 1).unwrap();
    assert_eq!(
        store.stories(&query("sharaa plots"), 1, 20).unwrap().total,
        1
    );
    assert_eq!(store.stories(&query("ukraine"), 1, 20).unwrap().total, 0);
    // FTS5 operators and unbalanced quotes in user input are words, not syntax errors.
    assert_eq!(
        store
            .stories(&query("\"syria AND (NEAR"), 1, 20)
            .unwrap()
            .total,
        0
    );
    assert_eq!(store.stories(&query("  "), 1, 20).unwrap().total, 1);
}

#[test]
fn a_database_file_reopens_with_its_data_and_schema_version() {
    let dir = std::env::temp_dir().join(format!("corroborate-store-{}", std::process::id()));
    let path = dir.join("nested").join("t.db");
    let _ = std::fs::remove_dir_all(&dir);
    {
        let mut store = Store::open(&path).unwrap();
        store.add_articles(vec![article("a", "One.")]).unwrap();
    }
    let store = Store::open(&path).unwrap();
    let h = store.health().unwrap();
    assert_eq!((h.articles, h.schema_version), (1, STORE_SCHEMA_VERSION));
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let reader = Store::open_read_only(&path).unwrap();
    assert_eq!(reader.health().unwrap().articles, 1);
    drop((store, reader));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = std::env::temp_dir().join(format!("corroborate-store-new-{}", std::process::id()));
    let path = dir.join("t.db");
    let _ = std::fs::remove_dir_all(&dir);
    {
        let store = Store::open(&path).unwrap();
        store.conn.pragma_update(None, "user_version", 99).unwrap();
    }
    assert!(matches!(
        Store::open(&path),
        Err(StoreError::NewerSchema { found: 99, .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_story_dossier_holds_only_that_storys_records_in_dossier_order() {
    use corroborate_model::{Copy, CopyBasis, CopyKind, Entity, EntityKind};
    let articles = vec![article("a", "A."), article("b", "B."), article("c", "C.")];
    let story = |id: &str, members: &[&str]| Story {
        id: id.into(),
        title: id.into(),
        articles: members.iter().map(|m| m.to_string()).collect(),
        brief: String::new(),
        timeline: vec![],
        merged: vec![],
        events: vec![],
    };
    let fact = |id: &str, story: &str| Fact {
        id: id.into(),
        story: story.into(),
        statement: id.into(),
        status: Status::SingleSource,
        articles: vec![],
        independent_sources: 1,
        origins: vec![],
        date: None,
        entities: vec![],
        evidence: vec![],
        conflicts: vec![],
    };
    let entity = |id: &str, members: &[&str]| Entity {
        id: id.into(),
        name: id.into(),
        kind: EntityKind::Other,
        aliases: vec![],
        articles: members.iter().map(|m| m.to_string()).collect(),
        mentions: 1,
    };
    let d = Dossier {
        schema_version: SCHEMA_VERSION,
        articles,
        copies: vec![Copy {
            article: "c".into(),
            of: "a".into(),
            kind: CopyKind::Rewrite,
            similarity: 0.9,
            basis: CopyBasis::Undetermined,
            credited: None,
            passages: Vec::new(),
        }],
        stories: vec![story("s1", &["c", "a"]), story("s2", &["b"])],
        entities: vec![
            entity("e1", &["b"]),
            entity("e2", &["a", "b"]),
            entity("e3", &["c"]),
        ],
        facts: vec![fact("f1", "s1"), fact("f2", "s2"), fact("f3", "s1")],
    };
    let s1 = story_dossier(&d, "s1");
    let ids = |v: Vec<&str>| v.join(",");
    assert_eq!(
        ids(s1.articles.iter().map(|a| a.id.as_str()).collect()),
        "a,c"
    );
    assert_eq!(s1.copies.len(), 1);
    assert_eq!(
        ids(s1.entities.iter().map(|e| e.id.as_str()).collect()),
        "e2,e3"
    );
    assert_eq!(
        ids(s1.facts.iter().map(|f| f.id.as_str()).collect()),
        "f1,f3"
    );
    let s2 = story_dossier(&d, "s2");
    assert!(s2.copies.is_empty());
    assert_eq!(
        ids(s2.entities.iter().map(|e| e.id.as_str()).collect()),
        "e1,e2"
    );
    // an entity lists only the story's own articles, and keeps its count of mentions
    let e2 = |s: &Dossier| s.entities.iter().find(|e| e.id == "e2").unwrap().clone();
    assert_eq!(e2(&s1).articles, ["a"]);
    assert_eq!(e2(&s2).articles, ["b"]);
    assert_eq!(e2(&s2).mentions, 1);
    assert!(story_dossier(&d, "s9").stories.is_empty());
}

/// A dossier over `articles` with the given stories: (first article, members, merged ids).
fn dossier_with(articles: &[Article], stories: &[(&str, &[&str], &[&str])]) -> Dossier {
    let mut d = dossier_of(articles);
    d.stories = stories
        .iter()
        .map(|(first, members, merged)| Story {
            id: story_id(first),
            title: (*first).into(),
            articles: members.iter().map(|a| a.to_string()).collect(),
            brief: String::new(),
            timeline: vec![],
            merged: merged.iter().map(|m| story_id(m)).collect(),
            events: vec![],
        })
        .collect();
    d
}

fn story_id(first: &str) -> String {
    corroborate_model::stable_id("s-", &[first])
}

#[test]
fn a_story_id_that_leaves_the_dossier_keeps_pointing_at_its_articles() {
    let mut store = Store::open_in_memory().unwrap();
    let articles = vec![
        article("a", "Syria foiled two plots."),
        article("b", "Raids in Idlib."),
        article("c", "Arrests in Homs."),
    ];
    store.add_articles(articles.clone()).unwrap();
    let alias = |store: &Store, first: &str| store.story_alias(&story_id(first)).unwrap();
    let replace = |store: &mut Store, seq: i64, stories: &[(&str, &[&str], &[&str])]| {
        assert!(store
            .replace_analysis(&dossier_with(&articles, stories), seq)
            .unwrap());
    };
    replace(
        &mut store,
        1,
        &[("a", &["a"], &[]), ("b", &["b"], &[]), ("c", &["c"], &[])],
    );
    assert_eq!(alias(&store, "b"), None, "a live story has no alias");
    // the engine merges b's story into a's and records it
    replace(
        &mut store,
        2,
        &[("a", &["a", "b"], &["b"]), ("c", &["c"], &[])],
    );
    assert!(store.story(&story_id("b")).unwrap().is_none());
    assert_eq!(alias(&store, "b"), Some(story_id("a")));
    // a re-analysis folds a's story into c's with no record: both old ids follow it
    replace(&mut store, 3, &[("c", &["a", "b", "c"], &[])]);
    assert_eq!(alias(&store, "a"), Some(story_id("c")));
    assert_eq!(
        alias(&store, "b"),
        Some(story_id("c")),
        "an alias follows its story"
    );
    // an id that is a story again is served as itself
    replace(
        &mut store,
        4,
        &[("a", &["a"], &[]), ("c", &["b", "c"], &[])],
    );
    assert_eq!(alias(&store, "a"), None);
    assert_eq!(alias(&store, "b"), Some(story_id("c")));
    assert_eq!(alias(&store, "c"), None);
}

#[test]
fn a_vanished_story_goes_to_the_story_holding_most_of_its_articles() {
    let mut store = Store::open_in_memory().unwrap();
    let articles: Vec<Article> = ["a", "b", "c", "d"]
        .iter()
        .map(|id| article(id, &format!("Text {id}.")))
        .collect();
    store.add_articles(articles.clone()).unwrap();
    let first = dossier_with(
        &articles,
        &[("a", &["a", "b", "c"], &[]), ("d", &["d"], &[])],
    );
    store.replace_analysis(&first, 1).unwrap();
    let second = dossier_with(
        &articles,
        &[("b", &["b", "c"], &[]), ("d", &["a", "d"], &[])],
    );
    store.replace_analysis(&second, 2).unwrap();
    assert_eq!(
        store.story_alias(&story_id("a")).unwrap(),
        Some(story_id("b"))
    );
}

/// Issue 23: a damaged stored story is `DataCorruption`, not served as is; a stored value
/// that is not text (a damaged page) is a corruption error, not a generic one.
#[test]
fn a_damaged_stored_story_is_reported_as_corruption() {
    let mut store = Store::open_in_memory().unwrap();
    let articles = vec![article("a", "One.")];
    store.add_articles(articles.clone()).unwrap();
    store.replace_analysis(&dossier_of(&articles), 1).unwrap();
    let id = dossier_of(&articles).stories[0].id.clone();
    assert!(store.story_json(&id).unwrap().is_some());
    store
        .conn
        .execute(
            "UPDATE stories SET dossier = '{\"stories\": [' WHERE id = ?1",
            [&id],
        )
        .unwrap();
    match store.story_json(&id) {
        Err(StoreError::DataCorruption { table, .. }) => assert_eq!(table, "stories"),
        other => panic!("damaged story read as {other:?}"),
    }
    store
        .conn
        .execute(
            "UPDATE stories SET dossier = CAST(x'7bff22' AS TEXT) WHERE id = ?1",
            [&id],
        )
        .unwrap();
    match store.story_json(&id) {
        Err(StoreError::Sqlite(e)) => assert!(is_corruption(&e), "{e:?}"),
        Err(StoreError::DataCorruption { .. }) => {}
        other => panic!("bad text read as {other:?}"),
    }
}

/// Issue 23: a 0-byte database file (truncated) is refused, not silently made a new one.
#[test]
fn an_empty_database_file_is_refused() {
    let path =
        std::env::temp_dir().join(format!("corroborate-store-empty-{}.db", std::process::id()));
    std::fs::write(&path, b"").unwrap();
    match Store::open(&path) {
        Err(e @ StoreError::EmptyFile { .. }) => assert!(e.to_string().contains("0-byte")),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a 0-byte file was opened as a new database"),
    }
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    let _ = std::fs::remove_file(&path);
}

/// A fact of the story of `dossier_of`, with a status.
fn status_fact(d: &Dossier, id: &str, statement: &str, status: Status) -> Fact {
    Fact {
        id: id.into(),
        story: d.stories[0].id.clone(),
        statement: statement.into(),
        status,
        articles: vec![],
        independent_sources: 1,
        origins: vec![],
        date: None,
        entities: vec![],
        evidence: vec![],
        conflicts: vec![],
    }
}

/// The store with `articles` stored and `dossier` written over them.
fn analysed(store: &mut Store, articles: &[Article], dossier: &Dossier) -> bool {
    store.add_articles(articles.to_vec()).unwrap();
    let (_, last) = store.articles_for_analysis().unwrap();
    store.replace_analysis(dossier, last).unwrap()
}

/// (kind, fact, old, new) of each change, oldest first.
fn change_rows(store: &Store, story: Option<&str>) -> Vec<String> {
    let mut rows: Vec<String> = store
        .changes(story, 100)
        .unwrap()
        .into_iter()
        .map(|c| {
            format!(
                "{:?} {} {:?} -> {:?}",
                c.kind,
                c.fact.as_deref().unwrap_or("-"),
                c.old_status,
                c.new_status
            )
        })
        .collect();
    rows.reverse();
    rows
}

#[test]
fn the_change_log_records_new_stories_new_facts_and_status_changes() {
    let mut store = Store::open_in_memory().unwrap();
    let a = [article("a", "Syria joined the coalition.")];
    let mut d = dossier_of(&a);
    d.facts = vec![status_fact(&d, "f1", "Syria joined", Status::SingleSource)];
    assert!(analysed(&mut store, &a, &d));
    assert_eq!(
        change_rows(&store, None),
        [
            "NewStory - None -> None",
            "NewFact f1 None -> Some(SingleSource)"
        ]
    );
    // the same dossier over one more article changes nothing: nothing is recorded
    let b = [article("b", "The coalition welcomed Syria.")];
    assert!(analysed(&mut store, &b, &d));
    assert_eq!(store.changes(None, 100).unwrap().len(), 2);
    // f1 corroborated, a new f2 contested
    let c = [article("c", "Damascus confirmed it.")];
    d.facts[0].status = Status::Corroborated;
    d.facts
        .push(status_fact(&d, "f2", "Turkey denied it", Status::Contested));
    assert!(analysed(&mut store, &c, &d));
    let e = [article("e", "A denial came later.")];
    d.facts[0].status = Status::Contested;
    assert!(analysed(&mut store, &e, &d));
    assert_eq!(
        change_rows(&store, None)[2..],
        [
            "StatusChange f1 Some(SingleSource) -> Some(Corroborated)",
            "NewFact f2 None -> Some(Contested)",
            "StatusChange f1 Some(Corroborated) -> Some(Contested)",
        ]
    );
    // newest first, each with its dossier version, statement and story
    let log = store.changes(Some(&d.stories[0].id), 2).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].dossier_version, 4);
    assert_eq!(log[0].statement, "Syria joined");
    assert!(log[0].seq > log[1].seq);
    assert!(
        log[0].at.ends_with('Z') && log[0].at.contains('T'),
        "{}",
        log[0].at
    );
    assert!(store.changes(Some("s-other"), 10).unwrap().is_empty());
    // an older analysis is refused, and records nothing either
    assert!(!store.replace_analysis(&d, 1).unwrap());
    assert_eq!(store.changes(None, 100).unwrap().len(), 5);
    assert_eq!(
        store.story_updated(&d.stories[0].id).unwrap(),
        Some(store.changes(None, 1).unwrap()[0].at.clone())
    );
}

fn hook(url: &str, events: &[WebhookEvent], retry_secs: &[u64]) -> Webhook {
    Webhook {
        url: url.into(),
        events: events.to_vec(),
        secret: None,
        retry_secs: retry_secs.to_vec(),
    }
}

#[test]
fn facts_that_become_corroborated_or_contested_are_enqueued_for_each_webhook_that_asks() {
    let mut store = Store::open_in_memory().unwrap();
    store.set_webhooks(vec![
        hook("http://a.test/hook", &[WebhookEvent::Corroborated], &[0]),
        hook(
            "http://b.test/hook",
            &[WebhookEvent::Corroborated, WebhookEvent::Contested],
            &[],
        ),
    ]);
    let a = [article("a", "Syria joined the coalition.")];
    let mut d = dossier_of(&a);
    d.facts = vec![status_fact(&d, "f1", "Syria joined", Status::SingleSource)];
    analysed(&mut store, &a, &d);
    assert!(store.deliveries(10).unwrap().is_empty());
    let b = [article("b", "Confirmed.")];
    d.facts[0].status = Status::Corroborated;
    analysed(&mut store, &b, &d);
    let c = [article("c", "Denied.")];
    d.facts[0].status = Status::Contested;
    analysed(&mut store, &c, &d);
    let log = store.deliveries(10).unwrap();
    let urls: Vec<(&str, &str)> = log
        .iter()
        .rev()
        .map(|d| (d.url.as_str(), d.event.as_str()))
        .collect();
    assert_eq!(
        urls,
        [
            ("http://a.test/hook", "corroborated"),
            ("http://b.test/hook", "corroborated"),
            ("http://b.test/hook", "contested"),
        ]
    );
    let payload: serde_json::Value = serde_json::from_str(&log[0].payload).unwrap();
    assert_eq!(payload["fact"], "f1");
    assert_eq!(payload["old_status"], "corroborated");
    assert_eq!(payload["new_status"], "contested");
    assert_eq!(
        payload["story_path"],
        format!("/stories/{}", d.stories[0].id)
    );
    assert_eq!(payload["dossier_version"], 3);
    assert!(log.iter().all(|d| d.state == DeliveryState::Pending));

    // a: fails once and is retried at once (retry_secs [0]) and delivered; b: refused,
    // no retry configured, so failed
    let mut sent = Vec::new();
    let mut a_calls = 0;
    let round = store
        .deliver_due(
            Instant::now() + Duration::from_secs(5),
            &no_stop(),
            |d, _| {
                sent.push(d.url.clone());
                if d.url.contains("a.test") {
                    a_calls += 1;
                    if a_calls == 1 {
                        return Attempt::Answered(500);
                    }
                    return Attempt::Answered(204);
                }
                Attempt::Failed("connection refused".into())
            },
        )
        .unwrap();
    assert_eq!(
        round,
        DeliveryRound {
            delivered: 1,
            retrying: 1,
            failed: 2
        }
    );
    assert_eq!(a_calls, 2);
    let log = store.deliveries(10).unwrap();
    let a = log.iter().find(|d| d.url.contains("a.test")).unwrap();
    assert_eq!(
        (a.state, a.attempts, a.last_status),
        (DeliveryState::Delivered, 2, Some(204))
    );
    assert!(a.delivered_at.is_some() && a.next_attempt_at.is_none());
    let b = log.iter().find(|d| d.url.contains("b.test")).unwrap();
    assert_eq!(b.state, DeliveryState::Failed);
    assert_eq!(b.last_error.as_deref(), Some("connection refused"));
    assert_eq!(store.pending_deliveries().unwrap(), 0);
    // nothing is due any more
    let round = store
        .deliver_due(
            Instant::now() + Duration::from_secs(5),
            &no_stop(),
            |_, _| panic!("nothing is due"),
        )
        .unwrap();
    assert_eq!(round, DeliveryRound::default());
}

#[test]
fn a_failed_delivery_waits_for_its_retry_and_unconfigured_urls_stay_pending() {
    let mut store = Store::open_in_memory().unwrap();
    store.set_webhooks(vec![hook(
        "http://a.test/hook",
        &[WebhookEvent::Corroborated],
        &[3600],
    )]);
    let a = [article("a", "Syria joined the coalition.")];
    let mut d = dossier_of(&a);
    d.facts = vec![status_fact(&d, "f1", "Syria joined", Status::Corroborated)];
    // the first analysis of an empty store: the corroborated fact is new, and fires
    analysed(&mut store, &a, &d);
    let until = Instant::now() + Duration::from_secs(5);
    let round = store
        .deliver_due(until, &no_stop(), |_, _| Attempt::Answered(503))
        .unwrap();
    assert_eq!(round.retrying, 1);
    let round = store
        .deliver_due(until, &no_stop(), |_, _| panic!("not due"))
        .unwrap();
    assert_eq!(round, DeliveryRound::default());
    let log = store.deliveries(10).unwrap();
    assert_eq!(log[0].state, DeliveryState::Pending);
    assert_eq!(log[0].last_error.as_deref(), Some("HTTP 503"));
    assert!(log[0].next_attempt_at.as_deref() > Some(log[0].created_at.as_str()));
    // a store that no longer has the webhook configured sends nothing
    store.set_webhooks(vec![]);
    let round = store
        .deliver_due(until, &no_stop(), |_, _| panic!("no webhook"))
        .unwrap();
    assert_eq!(round, DeliveryRound::default());
    assert_eq!(store.pending_deliveries().unwrap(), 1);
}

#[test]
fn webhooks_parse_with_defaults_and_refuse_unknown_fields() {
    let h: Webhook = serde_json::from_str(r#"{"url": "https://x.test/h"}"#).unwrap();
    assert_eq!(h.events.len(), 2);
    assert_eq!(h.max_attempts(), 5);
    assert!(serde_json::from_str::<Webhook>(r#"{"url": "https://x", "sekret": "s"}"#).is_err());
    assert!(serde_json::from_str::<Webhook>(r#"{"url": "https://x", "events": ["new"]}"#).is_err());
}

/// Two stories: `a` (UNN, en-GB, 2025-11-10 and an undated copy of an unnamed original
/// that UNN credits as Al Jazeera) and `c` (example.org by URL, fr, 2025-12-01T08:00).
fn faceted() -> (Vec<Article>, Dossier) {
    let mut a = article("a", "Syria foiled two plots against Sharaa.");
    a.outlet = Some("UNN".into());
    a.language = Some("en-GB".into());
    a.published = Some("2025-11-10".into());
    let b = article(
        "b",
        "Syria foiled two plots against Sharaa, officials said.",
    );
    let mut c = article("c", "Les inondations ont touché Valence.");
    c.url = Some("https://www.example.org/x".into());
    c.language = Some("fr".into());
    c.published = Some("2025-12-01T08:00:00Z".into());
    let articles = vec![a, b, c];
    let mut d = dossier_with(&articles, &[("a", &["a", "b"], &[]), ("c", &["c"], &[])]);
    d.copies.push(corroborate_model::Copy {
        article: "a".into(),
        of: "b".into(),
        kind: corroborate_model::CopyKind::Rewrite,
        similarity: 1.0,
        basis: corroborate_model::CopyBasis::Attribution,
        credited: Some("Al Jazeera".into()),
        passages: vec![],
    });
    (articles, d)
}

fn listed(store: &Store, filter: StoryFilter) -> Vec<String> {
    let page = store.stories(&filter, 1, 20).unwrap();
    assert_eq!(page.total as usize, page.stories.len());
    page.stories.into_iter().map(|s| s.title).collect()
}

#[test]
fn the_story_list_filters_by_dates_outlet_language_and_status() {
    let mut store = Store::open_in_memory().unwrap();
    let (articles, d) = faceted();
    store.add_articles(articles).unwrap();
    store.replace_analysis(&d, 3).unwrap();
    let all = store.stories(&StoryFilter::default(), 1, 20).unwrap();
    let a = all.stories.iter().find(|s| s.title == "a").unwrap();
    assert_eq!(a.outlets, ["Al Jazeera", "UNN"]);
    assert_eq!(a.languages, ["en"]);
    assert_eq!(a.first_published.as_deref(), Some("2025-11-10"));
    let f = |from: Option<&str>, to: Option<&str>| StoryFilter {
        from: from.map(str::to_string),
        to: to.map(str::to_string),
        ..StoryFilter::default()
    };
    assert_eq!(listed(&store, f(Some("2025-11-11"), None)), ["c"]);
    // `to` takes the whole day, a timestamp on it too
    assert_eq!(listed(&store, f(None, Some("2025-11-10"))), ["a"]);
    assert_eq!(
        listed(&store, f(Some("2025-12-01"), Some("2025-12-01"))),
        ["c"]
    );
    assert!(listed(&store, f(Some("2026-01-01"), None)).is_empty());
    let by = |outlet: &str, language: &str| StoryFilter {
        outlet: Some(outlet.into()),
        language: Some(language.into()),
        ..StoryFilter::default()
    };
    assert_eq!(listed(&store, by("al jazeera", "")), ["a"]);
    assert_eq!(listed(&store, by("example.org", "FR-ca")), ["c"]);
    assert!(listed(&store, by("UNN", "fr")).is_empty());
    let status = |s: StatusFilter| StoryFilter {
        status: Some(s),
        ..StoryFilter::default()
    };
    assert_eq!(listed(&store, status(StatusFilter::SingleSource)).len(), 2);
    assert!(listed(&store, status(StatusFilter::Contested)).is_empty());
    assert_eq!("contested".parse(), Ok(StatusFilter::Contested));
    assert!("nope".parse::<StatusFilter>().is_err());
    let values = store.facet_values(10).unwrap();
    assert_eq!(
        values.languages,
        [("en".to_string(), 1), ("fr".to_string(), 1)]
    );
    assert_eq!(values.outlets.len(), 3);
}

#[test]
fn a_store_migrated_from_before_the_facets_gets_them_from_its_stories() {
    let dir = std::env::temp_dir().join(format!("corroborate-facets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("old.db");
    let _ = std::fs::remove_file(&path);
    {
        let mut store = Store::open(&path).unwrap();
        let (articles, d) = faceted();
        store.add_articles(articles).unwrap();
        store.replace_analysis(&d, 3).unwrap();
        // back to schema 4: no facets yet
        store
            .conn
            .execute_batch(
                "DROP TABLE story_facets; ALTER TABLE stories DROP COLUMN first_published;
                 ALTER TABLE stories DROP COLUMN last_published; PRAGMA user_version = 4;",
            )
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let filter = StoryFilter {
        outlet: Some("UNN".into()),
        ..StoryFilter::default()
    };
    assert_eq!(listed(&store, filter), ["a"]);
    let _ = std::fs::remove_dir_all(&dir);
}

fn no_stop() -> std::sync::atomic::AtomicBool {
    std::sync::atomic::AtomicBool::new(false)
}

#[test]
fn a_delivery_another_deliverer_took_is_not_sent_twice_and_a_stop_sends_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    store.set_webhooks(vec![
        serde_json::from_str(r#"{"url": "https://x.test/h"}"#).unwrap()
    ]);
    let d = dossier_of(&[article("a", "Syria foiled two plots.")]);
    let mut d1 = d.clone();
    d1.facts = vec![status_fact(
        &d,
        "f-1",
        "Plots foiled.",
        Status::Corroborated,
    )];
    analysed(&mut store, &[article("a", "Syria foiled two plots.")], &d1);
    assert_eq!(store.pending_deliveries().unwrap(), 1);
    let until = Instant::now() + Duration::from_secs(5);
    // a stop set before the round sends nothing
    let stop = std::sync::atomic::AtomicBool::new(true);
    store
        .deliver_due(until, &stop, |_, _| panic!("stopped"))
        .unwrap();
    // a delivery read as due but claimed by another process meanwhile is skipped
    let due = store.due(&["https://x.test/h"], 16).unwrap();
    assert!(store.claim(&due[0]).unwrap());
    assert!(!store.claim(&due[0]).unwrap(), "claimed once only");
    let round = store
        .deliver_due(until, &no_stop(), |_, _| panic!("claimed"))
        .unwrap();
    assert_eq!(round, DeliveryRound::default());
}

#[test]
fn a_date_range_needs_an_article_inside_it_not_only_a_span_around_it() {
    let mut store = Store::open_in_memory().unwrap();
    let mut a = article("a", "Syria foiled two plots.");
    a.published = Some("2025-11-01".into());
    let mut b = article("b", "Raids in Idlib.");
    b.published = Some("2025-11-30T10:00:00Z".into());
    let articles = vec![a, b];
    store.add_articles(articles.clone()).unwrap();
    store.replace_analysis(&dossier_of(&articles), 2).unwrap();
    let range = |from: &str, to: &str| StoryFilter {
        from: Some(from.into()),
        to: Some(to.into()),
        ..StoryFilter::default()
    };
    assert!(listed(&store, range("2025-11-10", "2025-11-12")).is_empty());
    assert_eq!(listed(&store, range("2025-11-10", "2025-11-30")).len(), 1);
    assert_eq!(listed(&store, range("2025-10-01", "2025-11-01")).len(), 1);
    // a query with no word filters nothing
    assert!(query("!!!").is_empty());
    assert!(!query("syria").is_empty());
}

#[test]
fn a_read_only_store_of_an_older_schema_lists_stories_and_names_what_it_lacks() {
    let dir = std::env::temp_dir().join(format!("corroborate-old-ro-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("v3.db");
    let _ = std::fs::remove_file(&path);
    {
        let mut store = Store::open(&path).unwrap();
        let (articles, d) = faceted();
        store.add_articles(articles).unwrap();
        store.replace_analysis(&d, 3).unwrap();
        store
            .conn
            .execute_batch(
                "DROP TABLE story_facets; ALTER TABLE stories DROP COLUMN first_published;
                 ALTER TABLE stories DROP COLUMN last_published; DROP TABLE story_changes;
                 DROP TABLE webhook_deliveries; PRAGMA user_version = 3;",
            )
            .unwrap();
    }
    let reader = Store::open_read_only(&path).unwrap();
    let all = reader.stories(&StoryFilter::default(), 1, 20).unwrap();
    assert_eq!(all.total, 2);
    assert!(all.stories[0].outlets.is_empty() && all.stories[0].first_published.is_none());
    let by_outlet = StoryFilter {
        outlet: Some("UNN".into()),
        ..StoryFilter::default()
    };
    let e = reader.stories(&by_outlet, 1, 20).unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::OlderSchema {
                found: 3,
                needed: 5,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("open it writable once"), "{e}");
    assert!(matches!(
        reader.changes(None, 10),
        Err(StoreError::OlderSchema { needed: 4, .. })
    ));
    assert_eq!(reader.facet_values(10).unwrap(), FacetValues::default());
    drop(reader);
    // a writer upgrades it, filling the facets from the stories
    let store = Store::open(&path).unwrap();
    assert_eq!(listed(&store, by_outlet), ["a"]);
    assert!(store.changes(None, 10).unwrap().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
