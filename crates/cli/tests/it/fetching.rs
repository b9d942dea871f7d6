//! URLs, `-` and `watch` (issue 20), against a loopback server each test starts: fixture
//! feeds, OPML, sitemaps and pages, 304 answers, a failing host, robots.txt; nothing
//! reaches any other address.

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use corroborate_fetch::local::{Reply, Request, Server};

use crate::corroborate;

/// The example articles as HTML pages: (title, page).
fn pages() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(crate::examples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let (title, body) = text.split_once('\n').unwrap();
            let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
            let paras: String = body
                .split("\n\n")
                .filter(|p| !p.trim().is_empty())
                .map(|p| format!("<p>{}</p>", esc(p.trim())))
                .collect();
            let page = format!(
                "<html><head><title>{t}</title></head><body><article><h1>{t}</h1>{paras}</article></body></html>",
                t = esc(title)
            );
            (title.to_string(), page)
        })
        .collect()
}

/// An RSS feed of summary-only items linking to `/a{i}.html` for each `i` in `items`.
fn feed(base: &str, items: &[usize], titles: &[(String, String)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Fixture News</title>",
    );
    for &i in items {
        out.push_str(&format!(
            "<item><title>{}</title><link>{base}/a{i}.html</link><description>Summary of item {i}.</description></item>",
            titles[i].0.replace('&', "&amp;").replace('<', "&lt;")
        ));
    }
    out.push_str("</channel></rss>");
    out
}

struct Site {
    server: Server,
    /// Items the feed lists now.
    items: Arc<Mutex<Vec<usize>>>,
    /// Every (path, status) answered.
    asked: Arc<Mutex<Vec<(String, u16)>>>,
}

/// A site with `/feed.xml` (ETag per content, 304 when unchanged), the pages, a sitemap,
/// an OPML list, a robots.txt closing `/private/`, and a host that always fails.
fn site(first_items: &[usize]) -> Site {
    let pages = pages();
    let items = Arc::new(Mutex::new(first_items.to_vec()));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let (listed, log) = (items.clone(), asked.clone());
    let server = Server::start(move |r: &Request| {
        let base = format!("http://{}", r.header("host").unwrap_or(""));
        let reply = match r.path.as_str() {
            "/robots.txt" => Reply::new(200, "text/plain", "User-agent: *\nDisallow: /private/\n"),
            "/feed.xml" => {
                let body = feed(&base, &listed.lock().unwrap(), &pages);
                let etag = format!("\"{}\"", body.len());
                if r.header("if-none-match") == Some(etag.as_str()) {
                    Reply::new(304, "application/rss+xml", "")
                } else {
                    Reply::new(200, "application/rss+xml", body).with_header("ETag", &etag)
                }
            }
            "/sitemap.xml" => Reply::new(
                200,
                "application/xml",
                format!(
                    "<urlset><url><loc>{base}/a0.html</loc></url><url><loc>{base}/a1.html</loc></url><url><loc>{base}/private/a2.html</loc></url></urlset>"
                ),
            ),
            "/feeds.opml" => Reply::new(
                200,
                "text/x-opml",
                format!("<opml version=\"2.0\"><body><outline text=\"Fixture\" xmlUrl=\"{base}/feed.xml\"/></body></opml>"),
            ),
            "/broken.xml" => Reply::new(500, "text/plain", "down"),
            p => match p
                .strip_prefix("/a")
                .or_else(|| p.strip_prefix("/private/a"))
                .and_then(|n| n.strip_suffix(".html"))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|i| pages.get(i))
            {
                Some((_, page)) => Reply::new(200, "text/html; charset=utf-8", page.clone()),
                None => Reply::new(404, "text/plain", "no such page"),
            },
        };
        log.lock().unwrap().push((r.path.clone(), reply.status));
        reply
    })
    .unwrap();
    Site {
        server,
        items,
        asked,
    }
}

fn asked(site: &Site, path: &str) -> Vec<u16> {
    site.asked
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _)| p == path)
        .map(|(_, s)| *s)
        .collect()
}

const FAST: [&str; 4] = ["--host-interval-ms", "0", "--fetch-timeout", "5"];

#[test]
fn urls_are_read_wherever_a_path_is() {
    let site = site(&[0, 1, 2, 3, 4]);
    let feed_url = site.server.url("/feed.xml");
    let mut args = vec!["analyze", "--format", "json"];
    args.extend(FAST);
    args.push(&feed_url);
    let out = corroborate(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dossier: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(dossier["articles"].as_array().unwrap().len(), 5);
    assert_eq!(
        dossier["stories"].as_array().unwrap().len(),
        1,
        "the summary-only items were followed to their pages: one story, as from the files"
    );
    for i in 0..5 {
        assert_eq!(asked(&site, &format!("/a{i}.html")), vec![200]);
    }

    let db = crate::tempdir("fetching", "ingest-url").join("news.db");
    let mut args = vec!["ingest", "-q", "--db", db.to_str().unwrap()];
    args.extend(FAST);
    args.push(&feed_url);
    let out = corroborate(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = corroborate_store::Store::open(&db).unwrap();
    assert_eq!(store.health().unwrap().articles, 5);
    assert!(
        store
            .fetch_log(100)
            .unwrap()
            .iter()
            .any(|f| f.url == feed_url && f.status == 200),
        "ingest's requests join the fetch log"
    );

    let sitemap = site.server.url("/sitemap.xml");
    let mut args = vec!["extract"];
    args.extend(FAST);
    args.push(&sitemap);
    let out = corroborate(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        2,
        "{stderr}"
    );
    assert!(
        stderr.contains("/private/a2.html") && stderr.contains("robots.txt"),
        "{stderr}"
    );
    assert!(
        asked(&site, "/private/a2.html").is_empty(),
        "robots.txt obeyed"
    );

    let broken = site.server.url("/broken.xml");
    let mut args = vec!["analyze"];
    args.extend(FAST);
    args.push(&broken);
    let out = corroborate(&args);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HTTP 500"));
}

#[test]
fn stdin_and_missing_or_empty_inputs_say_what_they_are() {
    let text = std::fs::read(crate::examples().join("000_d24955dd72b6e9c3.txt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(["analyze", "--stdin-format", "txt", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dossier: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(dossier["articles"].as_array().unwrap().len(), 1);

    let dir = crate::tempdir("fetching", "empty");
    for f in ["a.png", "b.png", "c.pdf"] {
        std::fs::write(dir.join(f), b"x").unwrap();
    }
    let out = corroborate(&["analyze", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no article files in")
            && stderr.contains("skipped 3 files: 2 .png, 1 .pdf"),
        "{stderr}"
    );
    let out = corroborate(&["analyze", "ftp://example.com/feed.xml"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ftp:// URLs are not fetched"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = corroborate(&["analyze", dir.join("nothing.txt").to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no such file or directory"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `watch` on an OPML list of the fixture feed: the feed gains items while it runs; each
/// new item is stored once, an unchanged feed costs a 304, and a SIGKILL in the middle of
/// a poll loses nothing that was printed as stored.
#[test]
fn watch_stores_each_new_item_once_and_survives_a_kill() {
    let site = site(&[0, 1]);
    let dir = crate::tempdir("fetching", "watch");
    let db = dir.join("news.db");
    let opml = dir.join("feeds.opml");
    std::fs::write(
        &opml,
        format!(
            "<opml version=\"2.0\"><body><outline text=\"Fixture\" xmlUrl=\"{}\"/></body></opml>",
            site.server.url("/feed.xml")
        ),
    )
    .unwrap();
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_corroborate"))
            .args(["watch", "-q", "--interval", "1", "--db"])
            .arg(&db)
            .args(FAST)
            .arg(&opml)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let stored_lines = |out: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(out)
            .lines()
            .filter_map(|l| l.strip_prefix("stored ").map(str::to_string))
            .collect()
    };
    let wait_for = |what: &dyn Fn() -> bool| {
        let until = Instant::now() + Duration::from_secs(60);
        while !what() {
            assert!(Instant::now() < until, "timed out");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let mut first = start();
    wait_for(&|| asked(&site, "/feed.xml").len() >= 2);
    site.items.lock().unwrap().extend([2, 3]);
    wait_for(&|| asked(&site, "/a3.html").len() == 1 && asked(&site, "/feed.xml").len() >= 4);
    // killed whenever: mid-poll or between polls
    first.kill().unwrap();
    let out = first.wait_with_output().unwrap();
    let printed = stored_lines(&out.stdout);
    assert!(
        printed.len() >= 2,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let statuses = asked(&site, "/feed.xml");
    assert!(
        statuses.contains(&304),
        "an unchanged feed costs a 304: {statuses:?}"
    );

    site.items.lock().unwrap().push(4);
    let second = start();
    wait_for(&|| asked(&site, "/a4.html").len() == 1);
    std::thread::sleep(Duration::from_millis(500));
    // SIGTERM: a clean stop with the summary
    let pid = second.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let out = second.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("watched 1 source(s)"));
    let mut all = printed.clone();
    all.extend(stored_lines(&out.stdout));

    let store = corroborate_store::Store::open(&db).unwrap();
    let h = store.health().unwrap();
    assert_eq!(h.articles, 5, "every item stored once: {all:?}");
    for id in &printed {
        assert!(
            store.article(id).unwrap().is_some(),
            "{id} was acknowledged and is kept"
        );
    }
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), all.len(), "no item stored twice: {all:?}");
    // a kill between the articles' commit and the fetch log's can cost one repeated
    // request, never a lost or doubled article
    for i in 0..5 {
        assert!(
            asked(&site, &format!("/a{i}.html")).len() <= 2,
            "a page already fetched is not fetched again"
        );
    }
    assert_eq!(asked(&site, "/a0.html").len(), 1);
    assert!(
        !store.fetch_log(100).unwrap().is_empty(),
        "the fetch log is kept"
    );
}

/// `watch --once` on a JSON source file and on a plain list: every source polled once, a
/// bad line reported by its number.
#[test]
fn watch_once_reads_json_and_plain_source_lists() {
    let site = site(&[0, 1, 2]);
    let dir = crate::tempdir("fetching", "lists");
    let db = dir.join("news.db");
    let json = dir.join("sources.json");
    std::fs::write(
        &json,
        format!(
            "{{\"sources\": [{{\"url\": \"{}\", \"every\": 600}}]}}",
            site.server.url("/feed.xml")
        ),
    )
    .unwrap();
    let list = dir.join("sources.txt");
    std::fs::write(
        &list,
        format!(
            "# feeds\n{} 60\nnot a url\n",
            site.server.url("/sitemap.xml")
        ),
    )
    .unwrap();
    let mut args = vec!["watch", "--once", "-q", "--db", db.to_str().unwrap()];
    args.extend(FAST);
    args.extend([json.to_str().unwrap(), list.to_str().unwrap()]);
    let out = corroborate(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("sources.txt:3: not a URL"), "{stderr}");
    let stored = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("stored "))
        .count();
    // the feed's three items; the sitemap's a0 and a1 pages were fetched for the feed
    // already, and its private page is closed by robots.txt
    assert_eq!(stored, 3, "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(asked(&site, "/feed.xml"), vec![200]);
}
