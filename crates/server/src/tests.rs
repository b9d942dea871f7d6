//! The API's status codes and bodies, through the router in memory (no socket).

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Method, Request};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::*;

fn seeds() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/syria-2025-11")
}

/// A fresh database holding the example corpus, analysed, and its router.
fn app_with(config: ServerConfig) -> (Router, PathBuf) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "corroborate-server-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("t.db");
    let mut store = Store::open(&db).unwrap();
    let read = corroborate_ingest::read_paths(&[seeds()], &corroborate_ingest::Limits::default());
    store.add_articles(read.articles).unwrap();
    store
        .refresh(|a| {
            corroborate_engine::run(a, &corroborate_engine::Config::default(), &|_| {})
                .map(|a| a.dossier)
        })
        .unwrap();
    let state = AppState::open(&db, corroborate_engine::Config::default(), config).unwrap();
    (router(state), dir)
}

fn app() -> (Router, PathBuf) {
    app_with(ServerConfig::default())
}

async fn call(app: &Router, method: Method, uri: &str, body: &str) -> (StatusCode, String) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
    call(app, Method::GET, uri, "").await
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// The status and machine code of an error response; fails unless the body is exactly
/// `{"message", "code"}`.
fn error_of(status: StatusCode, body: &str) -> (u16, String) {
    let v = json(body);
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 2, "{body}");
    assert!(!obj["message"].as_str().unwrap().is_empty());
    (status.as_u16(), obj["code"].as_str().unwrap().to_string())
}

async fn first_story(app: &Router) -> Value {
    let (status, body) = get(app, "/api/stories").await;
    assert_eq!(status, StatusCode::OK);
    json(&body)["stories"][0].clone()
}

#[tokio::test]
async fn story_list_and_story_dossier_with_exact_quotes() {
    let (app, dir) = app();
    let story = first_story(&app).await;
    let id = story["id"].as_str().unwrap();
    assert_eq!(story["articles"], 5);
    let (status, body) = get(&app, &format!("/api/stories/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let d: Dossier = serde_json::from_str(&body).unwrap();
    assert_eq!(d.schema_version, 1);
    assert_eq!(d.stories.len(), 1);
    assert_eq!(d.articles.len(), 5);
    assert!(!d.facts.is_empty() && !d.entities.is_empty());
    for f in &d.facts {
        for ev in &f.evidence {
            let a = d.article(&ev.article).unwrap();
            assert_eq!(&a.text[ev.start..ev.end], ev.quote);
        }
    }
    let fact = &d.facts[0];
    let (status, body) = get(&app, &format!("/api/facts/{}", fact.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["statement"], fact.statement.as_str());
    let (status, body) = get(&app, &format!("/api/articles/{}", d.articles[0].id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["story"], id);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404_json() {
    let (app, dir) = app();
    for uri in [
        "/api/stories/s-000000000000",
        "/api/articles/nope",
        "/api/facts/f-nope",
        "/api/nothing",
        "/api/stories/s-000000000000/export/json",
    ] {
        let (status, body) = get(&app, uri).await;
        assert_eq!(error_of(status, &body), (404, "not_found".into()), "{uri}");
    }
    let story = first_story(&app).await;
    let (status, body) = get(
        &app,
        &format!("/api/stories/{}/export/docx", story["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(error_of(status, &body), (404, "unknown_format".into()));
    let (status, body) = get(&app, "/stories/s-000000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("<h1>404</h1>"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn bad_input_is_400_413_or_405_never_500() {
    let (app, dir) = app_with(ServerConfig {
        body_limit: 2048,
        ..ServerConfig::default()
    });
    let cases: [(Method, &str, String, u16, &str); 9] = [
        (
            Method::POST,
            "/api/articles",
            "{\"text\": ".into(),
            400,
            "invalid_json",
        ),
        (
            Method::POST,
            "/api/articles",
            "".into(),
            400,
            "invalid_json",
        ),
        (
            Method::POST,
            "/api/articles",
            "[1, 2]".into(),
            400,
            "invalid_article",
        ),
        (
            Method::POST,
            "/api/articles",
            "{\"title\": \"no text\"}".into(),
            400,
            "invalid_article",
        ),
        (
            Method::POST,
            "/api/articles",
            format!("{{\"text\": \"{}\"}}", "word ".repeat(1000)),
            413,
            "payload_too_large",
        ),
        (
            Method::GET,
            "/api/stories?page=abc",
            String::new(),
            400,
            "bad_query",
        ),
        (
            Method::GET,
            "/api/stories?page=0",
            String::new(),
            400,
            "bad_query",
        ),
        (
            Method::GET,
            "/api/stories?per_page=1000",
            String::new(),
            400,
            "bad_query",
        ),
        (
            Method::DELETE,
            "/api/health",
            String::new(),
            405,
            "method_not_allowed",
        ),
    ];
    for (method, uri, body, want_status, want_code) in cases {
        let (status, response) = call(&app, method, uri, &body).await;
        assert_eq!(
            error_of(status, &response),
            (want_status, want_code.to_string()),
            "{uri} {}",
            &body[..body.len().min(40)]
        );
    }
    // Invalid UTF-8 in the body.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/articles")
        .body(Body::from(vec![0xff, 0xfe, 0x00]))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn posted_articles_are_stored_once_and_join_the_dossier() {
    let (app, dir) = app();
    let article = serde_json::json!({
        "id": "posted-1",
        "outlet": "Example Wire",
        "published": "2025-11-11",
        "text": "Syrian security forces carried out 61 raids, arresting 71 people and seizing explosives and weapons, according to state-run Al-Ikhbariah television. The operation targeted Islamic State cells across the country, officials said."
    })
    .to_string();
    let (status, body) = call(&app, Method::POST, "/api/articles", &article).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let v = json(&body);
    assert_eq!(v["stored"], serde_json::json!(["posted-1"]));
    assert_eq!(v["dossier_version"], 2);
    let (status, body) = call(&app, Method::POST, "/api/articles", &article).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["stored"], serde_json::json!([]));
    let (_, body) = get(&app, "/api/health").await;
    let h = json(&body);
    assert_eq!(
        (h["articles"].as_i64(), h["pending"].as_i64()),
        (Some(6), Some(0))
    );
    let (status, body) = get(&app, "/api/articles/posted-1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(json(&body)["story"].is_string(), "{body}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn search_filters_the_story_list() {
    let (app, dir) = app();
    let (_, body) = get(&app, "/api/stories?q=Sharaa%20assassinate").await;
    assert_eq!(json(&body)["total"], 1);
    let (_, body) = get(&app, "/api/stories?q=volcano").await;
    assert_eq!(json(&body)["total"], 0);
    let (status, body) = get(&app, "/?q=%22unbalanced").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("<p class=\"empty\"><em>No story matches “&quot;unbalanced”.</em></p>"),
        "{body}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_story_list_filters_by_dates_outlet_language_and_status() {
    let (app, dir) = app();
    let total = |body: String| json(&body)["total"].clone();
    let (_, body) = get(&app, "/api/stories").await;
    let story = &json(&body)["stories"][0];
    // the seeds: UNN by its credit line, Al Jazeera as UNN credits its original
    assert_eq!(story["outlets"], serde_json::json!(["Al Jazeera", "UNN"]));
    assert_eq!(story["first_published"], "2025-11-10");
    assert_eq!(story["last_published"], "2025-11-11");
    for (query, expected) in [
        ("from=2025-11-11", 1),
        ("from=2025-11-12", 0),
        ("to=2025-11-09", 0),
        ("from=2025-11-01&to=2025-11-10", 1),
        ("outlet=unn", 1),
        ("outlet=Reuters", 0),
        ("status=corroborated", 1),
        ("status=contested", 1),
        ("status=single_source", 0),
        ("language=fr", 0),
    ] {
        let (status, body) = get(&app, &format!("/api/stories?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(total(body), expected, "{query}");
    }
    for query in ["status=true", "from=yesterday", "to=2025-1-1"] {
        let (status, body) = get(&app, &format!("/api/stories?{query}")).await;
        assert_eq!(error_of(status, &body).0, 400, "{query}");
    }
    // the page: filters in a GET form, kept in its fields, and an empty result says why
    let (_, page) = get(&app, "/?outlet=Reuters&status=contested").await;
    assert!(
        page.contains("name=\"outlet\" list=\"outlets\" value=\"Reuters\""),
        "{page}"
    );
    assert!(page.contains("<option value=\"contested\" selected>"));
    assert!(page.contains("<option value=\"UNN\">1 story</option>"));
    assert!(
        page.contains("No story matches from outlet Reuters, with status contested."),
        "{page}"
    );
    let (_, page) = get(&app, "/?outlet=UNN").await;
    assert!(page.contains("1 story matching from outlet UNN"), "{page}");
    assert!(
        page.contains("<td>Al Jazeera, UNN</td><td class=\"date\">2025-11-10 – 2025-11-11</td>"),
        "{page}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn pages_render_without_script_and_mark_quotes() {
    let (app, dir) = app();
    let (status, list) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let story = first_story(&app).await;
    let id = story["id"].as_str().unwrap();
    assert!(list.contains(&format!("href=\"/stories/{id}\"")));
    let (status, page) = get(&app, &format!("/stories/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "<h2>Brief</h2>",
        "<h2>Timeline of facts</h2>",
        "<details class=\"evidence\"",
        "<mark>",
        "<h2>Coverage</h2>",
        "<h3>Who copied whom</h3>",
        "<svg class=\"copy-graph\"",
        "<h2>Entities</h2>",
        "corroborated</span>",
    ] {
        assert!(page.contains(part), "story page lacks {part}");
    }
    assert!(!page.contains("<script"));
    assert!(
        !page.contains("http://") || !page.contains("src=\"http"),
        "no external resources"
    );
    for format in Format::ALL {
        let (status, body) =
            get(&app, &format!("/api/stories/{id}/export/{}", format.name())).await;
        assert_eq!(status, StatusCode::OK, "{}", format.name());
        assert!(!body.is_empty());
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_story_exports_as_schema_org_claims() {
    let (app, dir) = app();
    let story = first_story(&app).await;
    let id = story["id"].as_str().unwrap();
    let uri = format!("/api/stories/{id}/export/jsonld");
    let request = Request::builder().uri(&uri).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/ld+json"
    );
    let disposition = response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.ends_with(".jsonld\""), "{disposition}");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let doc = json(std::str::from_utf8(&bytes).unwrap());
    let (_, facts) = get(&app, &format!("/api/stories/{id}")).await;
    let facts = json(&facts)["facts"].as_array().unwrap().len();
    assert_eq!(doc["@context"], "https://schema.org");
    assert_eq!(doc["@graph"].as_array().unwrap().len(), facts);
    assert!(doc["@graph"][0]["firstAppearance"]["@type"] == "NewsArticle");
    // the story page links the download
    let (_, page) = get(&app, &format!("/stories/{id}")).await;
    assert!(
        page.contains(&format!("{uri}\"")),
        "no jsonld link on the story page"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn every_path_in_the_openapi_document_answers() {
    let (app, dir) = app();
    let (status, body) = get(&app, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let doc = json(&body);
    assert_eq!(doc["openapi"], "3.1.0");
    let story = first_story(&app).await;
    let id = story["id"].as_str().unwrap();
    let (_, d) = get(&app, &format!("/api/stories/{id}")).await;
    let d: Dossier = serde_json::from_str(&d).unwrap();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        if ops.get("get").is_none() {
            continue;
        }
        let id_for = if path.starts_with("/api/articles") {
            d.articles[0].id.clone()
        } else if path.starts_with("/api/facts") {
            d.facts[0].id.clone()
        } else {
            id.to_string()
        };
        let uri = path.replace("{id}", &id_for).replace("{format}", "csv");
        let (status, _) = get(&app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Whatever the path, query or body, the answer is never a 5xx, and every API error
        /// is `{"message","code"}`.
        #[test]
        fn arbitrary_requests_never_get_a_server_error(
            segment in "[ -~]{0,40}",
            query in "[ -~]{0,40}",
            body in proptest::collection::vec(any::<u8>(), 0..200),
            post in any::<bool>(),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let (app, dir) = app();
            let encoded: String = segment.bytes().map(|b| format!("%{b:02X}")).collect();
            let query: String = query.bytes().map(|b| if b.is_ascii_alphanumeric() || b == b'=' || b == b'&' { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
            for uri in [
                format!("/api/stories/{encoded}"),
                format!("/api/articles/{encoded}"),
                format!("/api/facts/{encoded}"),
                format!("/api/stories?{query}"),
                format!("/stories/{encoded}"),
                format!("/?{query}"),
            ] {
                let (status, response) = runtime.block_on(get(&app, &uri));
                prop_assert!(status.as_u16() < 500, "{uri}: {status} {response}");
                if uri.starts_with("/api") && status.as_u16() >= 400 {
                    error_of(status, &response);
                }
            }
            if post {
                let request = Request::builder()
                    .method(Method::POST)
                    .uri("/api/articles")
                    .body(Body::from(body))
                    .unwrap();
                let response = runtime.block_on(app.clone().oneshot(request)).unwrap();
                prop_assert!(response.status().as_u16() < 500);
            }
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[tokio::test]
async fn a_merged_story_id_redirects_to_the_story_holding_its_articles() {
    let (app, dir) = app();
    let old = first_story(&app).await["id"].as_str().unwrap().to_string();
    // a later analysis in which the story was merged into another (older) one
    let mut store = Store::open(&dir.join("t.db")).unwrap();
    let mut d = store.dossier().unwrap();
    let new = "s-000000000001".to_string();
    d.stories[0].id = new.clone();
    d.stories[0].merged = vec![old.clone()];
    let (_, seq) = store.articles_for_analysis().unwrap();
    assert!(store.replace_analysis(&d, seq + 1).unwrap());
    for (asked, to) in [
        (format!("/api/stories/{old}"), format!("/api/stories/{new}")),
        (format!("/stories/{old}"), format!("/stories/{new}")),
        (
            format!("/api/stories/{old}/export/markdown"),
            format!("/api/stories/{new}/export/markdown"),
        ),
    ] {
        let request = Request::builder().uri(&asked).body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT, "{asked}");
        assert_eq!(response.headers()[header::LOCATION], to.as_str());
        let (status, _) = get(&app, &to).await;
        assert_eq!(status, StatusCode::OK, "{to}");
    }
    let (status, body) = get(&app, "/api/stories/s-ffffffffffff").await;
    assert_eq!(error_of(status, &body), (404, "not_found".to_string()));
    let _ = std::fs::remove_dir_all(dir);
}

/// The table of error codes in `docs/api.md` is the one [`ErrorCode`] derives: exactly its
/// codes, with their statuses and meanings, so the docs cannot drift from the server.
#[test]
fn the_error_table_in_the_docs_lists_exactly_the_error_codes() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/api.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let listed: std::collections::BTreeSet<(u16, String)> = doc
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let status = cells.get(1)?.parse().ok()?;
            let code = cells.get(2)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((status, code.to_string()))
        })
        .collect();
    let codes: std::collections::BTreeSet<(u16, String)> = ErrorCode::ALL
        .iter()
        .map(|c| (c.status().as_u16(), c.code().to_string()))
        .collect();
    assert_eq!(listed, codes, "docs/api.md's error table against ErrorCode");
    let table = ErrorCode::markdown_table();
    assert!(
        doc.contains(&table),
        "docs/api.md should hold this table (from ErrorCode::markdown_table):\n{table}"
    );
}

/// Every error code answers with its status and the body `{"message", "code"}`; the
/// OpenAPI document lists the same codes.
#[tokio::test]
async fn every_error_code_answers_with_its_status_and_is_in_the_openapi_document() {
    for c in ErrorCode::ALL {
        let response = ApiError::new(c, "why").into_response();
        let status = response.status();
        assert_eq!(status, c.status(), "{c:?}");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8(bytes.to_vec()).unwrap();
        assert_eq!(error_of(status, &body), (status.as_u16(), c.code().into()));
    }
    let doc = json(&openapi::document());
    let listed = doc["components"]["schemas"]["Error"]["properties"]["code"]["enum"].clone();
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
    assert_eq!(listed, serde_json::json!(codes));
}

/// A request with `headers`, from `peer` when given (as the accept loop records it).
async fn call_from(
    app: &Router,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    peer: Option<&str>,
    body: &str,
) -> (StatusCode, String) {
    let mut request = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let mut request = request.body(Body::from(body.to_string())).unwrap();
    if let Some(peer) = peer {
        let peer: SocketAddr = peer.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
    }
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

const ARTICLE: &str = r#"{"id": "w-1", "text": "Syria joined the coalition against the Islamic State on Monday, officials said."}"#;

/// Issue 23: without a token, a write from beyond loopback or from another origin's web
/// page (a cross-origin "simple" POST) is refused; a loopback request whose Host is not
/// this machine is DNS rebinding and refused too; loopback writes from no page still work.
#[tokio::test]
async fn without_a_token_writes_come_only_from_loopback_and_no_foreign_page() {
    let (app, dir) = app();
    let local = Some("127.0.0.1:50000");
    let text_plain = ("content-type", "text/plain");
    type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>, u16);
    let cases: [Case; 5] = [
        (
            &[text_plain, ("origin", "https://evil.example")],
            local,
            403,
        ),
        (&[text_plain, ("origin", "null")], local, 403),
        (&[text_plain], Some("192.0.2.7:50000"), 403),
        (&[text_plain, ("host", "evil.example:8080")], local, 403),
        (
            &[
                text_plain,
                ("host", "127.0.0.1:8080"),
                ("origin", "http://localhost:8080"),
            ],
            local,
            201,
        ),
    ];
    for (headers, peer, want) in cases {
        let (status, body) =
            call_from(&app, Method::POST, "/api/articles", headers, peer, ARTICLE).await;
        assert_eq!(status.as_u16(), want, "{headers:?} {peer:?}: {body}");
        if want == 403 {
            assert_eq!(error_of(status, &body).1, "forbidden");
        }
    }
    // reading: rebinding refused, a remote peer may read (the server was bound for it)
    let (status, body) = call_from(
        &app,
        Method::GET,
        "/api/health",
        &[("host", "evil.example")],
        local,
        "",
    )
    .await;
    assert_eq!(error_of(status, &body), (403, "forbidden".into()));
    for (host, peer) in [
        ("localhost:8080", local),
        ("news.example", Some("192.0.2.7:1")),
    ] {
        let (status, _) = call_from(
            &app,
            Method::GET,
            "/api/health",
            &[("host", host)],
            peer,
            "",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{host}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Issue 23: with a token, every write needs it, from anywhere; no CORS header is sent.
#[tokio::test]
async fn with_a_token_every_write_needs_it() {
    let (app, dir) = app_with(ServerConfig {
        token: Some("s3cret".into()),
        ..ServerConfig::default()
    });
    let local = Some("127.0.0.1:50000");
    for auth in [None, Some("Bearer wrong"), Some("s3cret")] {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("authorization", a)).into_iter().collect();
        let (status, body) = call_from(
            &app,
            Method::POST,
            "/api/articles",
            &headers,
            local,
            ARTICLE,
        )
        .await;
        assert_eq!(
            error_of(status, &body),
            (401, "unauthorized".into()),
            "{auth:?}"
        );
    }
    let (status, body) = call_from(
        &app,
        Method::POST,
        "/api/articles",
        &[
            ("authorization", "Bearer s3cret"),
            ("origin", "https://evil.example"),
        ],
        Some("192.0.2.7:50000"),
        ARTICLE,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let request = Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/articles")
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert!(response
        .headers()
        .keys()
        .all(|k| !k.as_str().starts_with("access-control")));
    let _ = std::fs::remove_dir_all(dir);
}

/// Issue 23: every response has nosniff and the CSP; an axum rejection (bad
/// percent-encoding in a path) is `{"message","code"}`, not text/plain "Invalid URL".
#[tokio::test]
async fn every_response_has_nosniff_and_csp_and_rejections_are_json() {
    let (app, dir) = app();
    let story = first_story(&app).await["id"].as_str().unwrap().to_string();
    for uri in [
        "/".to_string(),
        format!("/stories/{story}"),
        format!("/api/stories/{story}/export/html"),
        "/api/nothing".to_string(),
    ] {
        let request = Request::builder().uri(&uri).body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(
            h["content-security-policy"], CONTENT_SECURITY_POLICY,
            "{uri}"
        );
    }
    for uri in [
        "/api/stories/%FF",
        "/api/articles/%C3%28",
        "/api/facts/%FE/x",
    ] {
        let (status, body) = get(&app, uri).await;
        assert!(status.is_client_error(), "{uri}");
        error_of(status, &body);
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Issue 23: a search query over `max_query_bytes` is 400 at once (10,000 words cost 46 s
/// of CPU per request).
#[tokio::test]
async fn overlong_queries_are_refused() {
    let (app, dir) = app();
    let q = "syria+".repeat(2000);
    for uri in [format!("/api/stories?q={q}"), format!("/?q={q}")] {
        let started = std::time::Instant::now();
        let (status, body) = get(&app, &uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(started.elapsed() < Duration::from_secs(2));
        if uri.starts_with("/api") {
            assert_eq!(error_of(status, &body).1, "bad_query");
        }
    }
    let (status, _) = get(&app, "/api/stories?q=syria").await;
    assert_eq!(status, StatusCode::OK);
    let _ = std::fs::remove_dir_all(dir);
}

/// Issue 23: beyond the running write and `max_pending_writes` waiting, a write is 503
/// with Retry-After at once, instead of taking a thread.
#[tokio::test]
async fn writes_beyond_the_pending_limit_are_503_with_retry_after() {
    let db =
        std::env::temp_dir().join(format!("corroborate-server-busy-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let state = AppState::open(
        &db,
        corroborate_engine::Config::default(),
        ServerConfig {
            max_pending_writes: 0,
            ..ServerConfig::default()
        },
    )
    .unwrap();
    let held = state.inner.writes.clone().try_acquire_owned().unwrap();
    let app = router(state);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/articles")
        .body(Body::from(ARTICLE))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "5");
    drop(held);
    let (status, body) = call(&app, Method::POST, "/api/articles", ARTICLE).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let _ = std::fs::remove_file(&db);
}

/// Issue 23: a client that never finishes its headers is dropped after the header
/// timeout; one that declares a body larger than the limit is answered 413 at once; and
/// the server stops within the shutdown grace although a slow client holds a connection.
#[test]
fn slow_clients_are_timed_out_and_shutdown_is_bounded() {
    use std::io::{Read, Write};
    let db =
        std::env::temp_dir().join(format!("corroborate-server-slow-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let state = AppState::open(
        &db,
        corroborate_engine::Config::default(),
        ServerConfig {
            header_timeout_secs: 1,
            body_timeout_secs: 1,
            ..ServerConfig::default()
        },
    )
    .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(serve_until(listener, state, async {
        let _ = stopped.await;
    }));
    let connect = || {
        let c = std::net::TcpStream::connect(addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        c
    };
    // partial headers: closed by the server within the timeout (plus slack)
    let mut slow = connect();
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    let mut buf = Vec::new();
    assert!(
        slow.read_to_end(&mut buf).is_ok(),
        "a client with partial headers was never timed out"
    );
    // a 10 GB Content-Length never sent: 413 at once
    let mut answer = vec![0u8; 4096];
    let mut big = connect();
    big.write_all(
        b"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000000\r\n\r\n{",
    )
    .unwrap();
    let n = big
        .read(&mut answer)
        .expect("no answer to an oversized declared body");
    let head = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    // a body that stops arriving: 408
    let mut stalled = connect();
    stalled
        .write_all(
            b"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{",
        )
        .unwrap();
    let n = stalled
        .read(&mut answer)
        .expect("no answer to a stalled body");
    let head = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    // shutdown with a request in flight whose body never comes
    let mut held = connect();
    held.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let _ = held.read(&mut answer);
    let started = std::time::Instant::now();
    stop.send(()).unwrap();
    runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(7), server).await })
        .expect("the server did not stop within 7 s of the signal")
        .unwrap()
        .unwrap();
    assert!(started.elapsed() <= SHUTDOWN_GRACE + Duration::from_secs(1));
    let _ = std::fs::remove_file(&db);
}

/// Issue 23: `serve` warns when bound beyond loopback, and says what happens to writes.
#[test]
fn binding_beyond_loopback_is_warned_about() {
    assert_eq!(
        exposure_warning("127.0.0.1:8080".parse().unwrap(), false),
        None
    );
    assert_eq!(exposure_warning("[::1]:8080".parse().unwrap(), true), None);
    let w = exposure_warning("0.0.0.0:8080".parse().unwrap(), false).unwrap();
    assert!(
        w.contains("beyond this machine") && w.contains("refused"),
        "{w}"
    );
    let w = exposure_warning("192.0.2.1:80".parse().unwrap(), true).unwrap();
    assert!(w.contains("need the token"), "{w}");
}

/// Issue 23: what hyper refuses before any route (not HTTP, a target or headers too long)
/// is answered with the API's `{"message","code"}`, not an empty body.
#[test]
fn requests_hyper_refuses_are_answered_with_json_errors() {
    use std::io::{Read, Write};
    let db = std::env::temp_dir().join(format!(
        "corroborate-server-hyper-{}.db",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&db);
    let state = AppState::open(
        &db,
        corroborate_engine::Config::default(),
        ServerConfig::default(),
    )
    .unwrap();
    let running = spawn("127.0.0.1:0".parse().unwrap(), state).unwrap();
    let ask = |request: Vec<u8>| {
        let mut c = std::net::TcpStream::connect(running.addr()).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // the server may answer and close before the whole request is written
        let _ = c.write_all(&request);
        let mut answer = Vec::new();
        let _ = c.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).to_string()
    };
    let long_target = format!(
        "GET /api/stories?q={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(70_000)
    );
    let huge_headers = format!(
        "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n",
        "X-Filler: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n"
            .repeat(8_000)
    );
    for (request, status, code) in [
        (b"NOT HTTP AT ALL\r\n\r\n".to_vec(), 400, "bad_request"),
        (
            b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n".to_vec(),
            400,
            "bad_request",
        ),
        (long_target.into_bytes(), 414, "uri_too_long"),
        (huge_headers.into_bytes(), 431, "headers_too_large"),
    ] {
        let answer = ask(request);
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status} ")),
            "{}",
            &answer[..answer.len().min(300)]
        );
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(head.contains("x-content-type-options: nosniff"), "{head}");
        assert_eq!(
            error_of(StatusCode::from_u16(status).unwrap(), body).1,
            code
        );
    }
    // and a well-formed request on the same server is untouched
    let answer =
        ask(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec());
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    running.stop();
    let _ = std::fs::remove_file(&db);
}

/// An element of a parsed XML document: its path from the root, attributes, text.
#[derive(Debug)]
struct Element {
    path: String,
    attributes: Vec<(String, String)>,
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every element of `xml`, in document order, parsed by quick-xml, which fails on a
/// document that is not well-formed (unclosed or mismatched tags, bare `&`, bad names).
fn parse_xml(xml: &str) -> Vec<Element> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let name = |e: &quick_xml::events::BytesStart| e.name().into_inner().to_string();
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{xml}"));
        let element = |e: &quick_xml::events::BytesStart, out: &Vec<Element>, open: &Vec<usize>| {
            let parent = open.last().map_or(String::new(), |&i| out[i].path.clone());
            Element {
                path: format!("{parent}/{}", name(e)),
                attributes: e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            a.key.into_inner().to_string(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect(),
                text: String::new(),
            }
        };
        match event {
            Event::Start(e) => {
                let el = element(&e, &out, &open);
                out.push(el);
                open.push(out.len() - 1);
            }
            Event::Empty(e) => {
                let el = element(&e, &out, &open);
                out.push(el);
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&t[..]);
                }
            }
            Event::GeneralRef(r) => {
                let c = match &r[..] {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("undeclared entity &{other};"),
                };
                if let Some(&i) = open.last() {
                    out[i].text.push_str(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(open.is_empty(), "unclosed elements");
    out
}

/// The texts of the elements at `path`.
fn texts<'a>(doc: &'a [Element], path: &str) -> Vec<&'a str> {
    doc.iter()
        .filter(|e| e.path == path)
        .map(|e| e.text.as_str())
        .collect()
}

async fn get_atom(app: &Router, uri: &str) -> Vec<Element> {
    let request = Request::builder().uri(uri).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/atom+xml"
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let xml = String::from_utf8(bytes.to_vec()).unwrap();
    let doc = parse_xml(&xml);
    assert_eq!(doc[0].path, "/feed");
    assert_eq!(doc[0].attr("xmlns"), Some("http://www.w3.org/2005/Atom"));
    // RFC 4287's required elements, on the feed and on every entry
    for required in [
        "/feed/id",
        "/feed/title",
        "/feed/updated",
        "/feed/author/name",
    ] {
        assert_eq!(texts(&doc, required).len(), 1, "{required} in {xml}");
    }
    let entries = texts(&doc, "/feed/entry").len();
    for required in ["id", "title", "updated", "summary"] {
        assert_eq!(
            texts(&doc, &format!("/feed/entry/{required}")).len(),
            entries,
            "{required}"
        );
    }
    for updated in texts(&doc, "/feed/updated")
        .into_iter()
        .chain(texts(&doc, "/feed/entry/updated"))
    {
        assert!(
            updated.len() >= 20 && updated.as_bytes()[10] == b'T' && updated.ends_with('Z'),
            "not RFC 3339: {updated}"
        );
    }
    doc
}

fn links<'a>(doc: &'a [Element], path: &str) -> Vec<&'a str> {
    doc.iter()
        .filter(|e| e.path == path && e.attr("rel") == Some("alternate"))
        .filter_map(|e| e.attr("href"))
        .collect()
}

#[tokio::test]
async fn the_feed_of_stories_has_one_entry_per_story_linking_its_page() {
    let (app, dir) = app();
    let (_, list) = get(&app, "/api/stories?per_page=100").await;
    let list = json(&list);
    let stories = list["stories"].as_array().unwrap();
    let doc = get_atom(&app, "/feed.atom").await;
    let titles = texts(&doc, "/feed/entry/title");
    assert_eq!(titles.len(), stories.len());
    for (story, title) in stories.iter().zip(&titles) {
        assert_eq!(story["title"].as_str().unwrap(), *title);
    }
    let hrefs = links(&doc, "/feed/entry/link");
    assert_eq!(
        hrefs[0],
        format!("/stories/{}", stories[0]["id"].as_str().unwrap())
    );
    let ids = texts(&doc, "/feed/entry/id");
    assert_eq!(
        ids[0],
        format!(
            "tag:corroborate,2025:story:{}",
            stories[0]["id"].as_str().unwrap()
        )
    );
    assert!(texts(&doc, "/feed/entry/summary")[0].starts_with("5 articles, "));
    // the list page and the story page name their feeds
    let (_, page) = get(&app, "/").await;
    assert!(page.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Stories\" href=\"/feed.atom\">"
    ));
    let id = stories[0]["id"].as_str().unwrap();
    let (_, page) = get(&app, &format!("/stories/{id}")).await;
    assert!(
        page.contains(&format!(
            "type=\"application/atom+xml\" title=\"Changes\" href=\"/stories/{id}/feed.atom\""
        )),
        "{page}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_story_feed_lists_its_new_facts_and_an_unknown_story_is_404() {
    let (app, dir) = app();
    let story = first_story(&app).await;
    let id = story["id"].as_str().unwrap();
    let doc = get_atom(&app, &format!("/stories/{id}/feed.atom")).await;
    let titles = texts(&doc, "/feed/entry/title");
    // the first analysis: every fact is new, and so is the story
    assert_eq!(titles.len() as i64, story["facts"].as_i64().unwrap() + 1);
    assert_eq!(
        titles
            .iter()
            .filter(|t| t.starts_with("New fact: "))
            .count() as i64,
        story["facts"].as_i64().unwrap()
    );
    assert_eq!(
        *titles.last().unwrap(),
        format!("New story: {}", story["title"].as_str().unwrap())
    );
    assert!(links(&doc, "/feed/entry/link")[0].starts_with(&format!("/stories/{id}#f-")));
    let ids = texts(&doc, "/feed/entry/id");
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    let (status, body) = get(&app, "/stories/s-000000000000/feed.atom").await;
    assert_eq!(error_of(status, &body), (404, "not_found".into()));
    let _ = std::fs::remove_dir_all(dir);
}

/// A database written with the given successive dossiers (each over one more article), and
/// its router.
fn app_of(dossiers: &[Dossier]) -> (Router, PathBuf) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "corroborate-feeds-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("t.db");
    let mut store = Store::open(&db).unwrap();
    for (i, d) in dossiers.iter().enumerate() {
        let a = corroborate_model::Article::new(format!("a{i}"), "x.txt", format!("Text {i}."));
        store.add_articles(vec![a]).unwrap();
        assert!(store.replace_analysis(d, i as i64 + 1).unwrap());
    }
    drop(store);
    let state = AppState::open(
        &db,
        corroborate_engine::Config::default(),
        ServerConfig::default(),
    )
    .unwrap();
    (router(state), dir)
}

fn hostile_dossier(title: &str, status: corroborate_model::Status) -> Dossier {
    use corroborate_model::{Fact, Story};
    Dossier {
        schema_version: corroborate_model::SCHEMA_VERSION,
        articles: vec![],
        copies: vec![],
        stories: vec![Story {
            id: "s-1".into(),
            title: title.into(),
            articles: vec![],
            brief: format!("Brief: {title}"),
            timeline: vec![],
            merged: vec![],
            events: vec![],
        }],
        entities: vec![],
        facts: vec![Fact {
            id: "f-1".into(),
            story: "s-1".into(),
            statement: format!("Said {title}"),
            status,
            articles: vec![],
            independent_sources: 1,
            origins: vec![],
            date: None,
            entities: vec![],
            evidence: vec![],
            conflicts: vec![],
        }],
    }
}

#[tokio::test]
async fn feeds_escape_hostile_titles_and_show_status_changes() {
    use corroborate_model::Status;
    let hostile = "]]><script>alert('x')</script> & \"quotes\" \u{1}<![CDATA[";
    let (app, dir) = app_of(&[
        hostile_dossier(hostile, Status::SingleSource),
        hostile_dossier(hostile, Status::Corroborated),
    ]);
    let clean = hostile.replace('\u{1}', "");
    let doc = get_atom(&app, "/feed.atom").await;
    assert_eq!(texts(&doc, "/feed/entry/title"), [clean.as_str()]);
    assert!(texts(&doc, "/feed/entry/summary")[0].contains(&format!("Brief: {clean}")));
    let doc = get_atom(&app, "/stories/s-1/feed.atom").await;
    assert_eq!(
        texts(&doc, "/feed/entry/title"),
        [
            format!("Status: single source → corroborated: Said {clean}"),
            format!("New fact: Said {clean}"),
            format!("New story: {clean}"),
        ]
    );
    assert_eq!(texts(&doc, "/feed/title"), [format!("{clean} — changes")]);
    let ids = texts(&doc, "/feed/entry/id");
    assert!(
        ids[0].starts_with("tag:corroborate,2025:story:s-1:change:"),
        "{ids:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
