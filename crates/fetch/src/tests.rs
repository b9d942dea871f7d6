//! Fetching against a loopback server started by each test: nothing reaches any other
//! address.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::local::{Reply, Request, Server};
use super::*;

const PAGE: &str = "<html><head><title>Quake hits the coast</title></head><body><article><h1>Quake hits the coast</h1><p>A strong earthquake struck the coast on Monday, officials said, damaging hundreds of homes in three villages.</p><p>Rescue teams worked through the night to reach the villages cut off by landslides, the regional governor said.</p><p>The quake was felt in the capital, two hundred kilometres away, where buildings swayed for several seconds.</p></article></body></html>";

fn fast() -> FetchConfig {
    FetchConfig {
        host_interval_ms: 0,
        retry_backoff_ms: 10,
        timeout_secs: 5,
        ..FetchConfig::default()
    }
}

/// A server of fixture routes that records every path asked for.
fn fixtures() -> (Server, Arc<Mutex<Vec<String>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    let flaky = Arc::new(AtomicUsize::new(0));
    let busy = Arc::new(AtomicUsize::new(0));
    let server = Server::start(move |r: &Request| {
        seen.lock().unwrap().push(r.path.clone());
        let base = format!("http://{}", r.header("host").unwrap_or(""));
        match r.path.split('?').next().unwrap_or("") {
            "/robots.txt" => Reply::new(200, "text/plain", "User-agent: *\nDisallow: /private/\n"),
            "/many.opml" => {
                // feeds on another origin (localhost, not 127.0.0.1): read in parallel
                let other = base.replace("127.0.0.1", "localhost");
                let outlines: String = (1..=6)
                    .map(|i| format!("<outline xmlUrl=\"{other}/page.html?n={i}\"/>"))
                    .collect();
                Reply::new(200, "text/x-opml", format!("<opml><body>{outlines}</body></opml>"))
            }
            "/page.html" | "/story.html" | "/private/x.html" => {
                Reply::new(200, "text/html; charset=utf-8", PAGE)
            }
            "/feed.xml" => Reply::new(
                200,
                "text/xml",
                format!("<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Coast News</title>\
                 <item><title>Full item</title><link>{base}/full.html</link><description>Short.</description><content:encoded>{}</content:encoded></item>\
                 <item><title>Summary item</title><link>{base}/story.html</link><description>A quake struck.</description></item>\
                 </channel></rss>",
                    "The full text of the item is here, long enough to be an article on its own, with several sentences. It says what happened and where, and who said so. ".repeat(3)
                ),
            ),
            "/sitemap.xml" => Reply::new(
                200,
                "application/xml",
                format!("<sitemapindex><sitemap><loc>{base}/pages.xml</loc></sitemap></sitemapindex>"),
            ),
            "/pages.xml" => Reply::new(
                200,
                "application/xml",
                format!("<urlset><url><loc>{base}/page.html</loc></url><url><loc>{base}/private/x.html</loc></url></urlset>"),
            ),
            "/etag.xml" => {
                if r.header("if-none-match") == Some("\"v1\"") {
                    Reply::new(304, "text/xml", "")
                } else {
                    Reply::new(200, "text/html", PAGE).with_header("ETag", "\"v1\"")
                }
            }
            "/loop" => Reply::new(302, "text/plain", "").with_header("Location", "/loop"),
            "/huge.html" => Reply::new(200, "text/html", vec![b'a'; 200_000]),
            "/flaky.html" => {
                if flaky.fetch_add(1, Ordering::SeqCst) < 2 {
                    Reply::new(503, "text/plain", "busy")
                } else {
                    Reply::new(200, "text/html", PAGE)
                }
            }
            "/gzip.html" => {
                use std::io::Write;
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                gz.write_all(PAGE.as_bytes()).unwrap();
                Reply::new(200, "text/html; charset=utf-8", gz.finish().unwrap())
                    .with_header("Content-Encoding", "gzip")
            }
            "/latin1.html" => Reply::new(
                200,
                "text/html",
                PAGE.replace("<head>", "<head><meta charset=\"iso-8859-1\">")
                    .replace("Monday", "Montag \u{e9}t\u{e9}")
                    .chars()
                    .map(|c| c as u32 as u8)
                    .collect::<Vec<u8>>(),
            ),
            "/busy.html" => {
                if busy.fetch_add(1, Ordering::SeqCst) == 0 {
                    Reply::new(429, "text/plain", "slow down").with_header("Retry-After", "1")
                } else {
                    Reply::new(200, "text/html", PAGE)
                }
            }
            "/later.html" => Reply::new(503, "text/plain", "maintenance").with_header("Retry-After", "3600"),
            "/slow.html" => Reply::new(200, "text/html", PAGE).after(Duration::from_secs(3)),
            _ => Reply::new(404, "text/plain", "no such page"),
        }
    })
    .unwrap();
    (server, asked)
}

fn limits() -> Limits {
    Limits::default()
}

#[test]
fn a_page_a_feed_and_a_sitemap_give_their_articles() {
    let (server, asked) = fixtures();
    let f = Fetcher::new(fast());
    let page = f.articles(&server.url("/page.html"), &limits(), None, &|_| false);
    assert_eq!(page.records.len(), 1, "{:?}", page.diagnostics);
    assert!(page.records[0].1.text.contains("Rescue teams"));
    assert_eq!(page.records[0].0, url_id(&server.url("/page.html")));

    let feed = f.articles(&server.url("/feed.xml"), &limits(), None, &|_| false);
    assert_eq!(feed.records.len(), 2, "{:?}", feed.diagnostics);
    let followed = &feed.records[1].1;
    assert!(
        followed.text.contains("Rescue teams") && !followed.summary_only,
        "the summary-only item was followed to its page: {followed:?}"
    );
    assert!(asked.lock().unwrap().contains(&"/story.html".to_string()));
    assert!(
        !asked.lock().unwrap().contains(&"/full.html".to_string()),
        "an item with its full text is not fetched again"
    );

    let site = f.articles(&server.url("/sitemap.xml"), &limits(), None, &|_| false);
    assert_eq!(site.records.len(), 1, "{:?}", site.diagnostics);
    assert!(site
        .diagnostics
        .iter()
        .any(|d| d.input.ends_with("/private/x.html") && d.message.contains("robots.txt")));
    let asked = asked.lock().unwrap();
    assert!(!asked.contains(&"/private/x.html".to_string()));
    assert_eq!(
        asked.iter().filter(|p| *p == "/robots.txt").count(),
        1,
        "robots.txt is read once per host"
    );
}

#[test]
fn a_conditional_get_answered_304_gives_nothing_new() {
    let (server, _) = fixtures();
    let f = Fetcher::new(fast());
    let first = f.articles(&server.url("/etag.xml"), &limits(), None, &|_| false);
    assert_eq!(first.validators.etag.as_deref(), Some("\"v1\""));
    let again = f.articles(
        &server.url("/etag.xml"),
        &limits(),
        Some(&first.validators),
        &|_| false,
    );
    assert!(again.not_modified && again.records.is_empty());
    assert_eq!(again.log.last().map(|r| r.status), Some(304));
}

#[test]
fn failing_hosts_are_reported_bounded_and_retried() {
    let (server, asked) = fixtures();
    let f = Fetcher::new(FetchConfig {
        timeout_secs: 1,
        retries: 2,
        ..fast()
    });
    let mut log = Vec::new();
    let looped = f.get(&server.url("/loop"), None, 1 << 20, &mut log);
    assert!(
        matches!(looped, Err(FetchError::Redirects(5))),
        "{looped:?}"
    );
    let huge = f.get(&server.url("/huge.html"), None, 100_000, &mut log);
    assert!(
        matches!(huge, Err(FetchError::TooLarge(100_000))),
        "{huge:?}"
    );
    let flaky = f.get(&server.url("/flaky.html"), None, 1 << 20, &mut log);
    assert_eq!(
        flaky.map(|r| r.status).ok(),
        Some(200),
        "503 twice, then 200"
    );
    assert_eq!(
        asked
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == "/flaky.html")
            .count(),
        3
    );
    let started = Instant::now();
    let slow = Fetcher::new(FetchConfig {
        timeout_secs: 1,
        retries: 0,
        ..fast()
    })
    .get(&server.url("/slow.html"), None, 1 << 20, &mut log);
    assert!(matches!(slow, Err(FetchError::Transport(_))), "{slow:?}");
    assert!(started.elapsed() < Duration::from_millis(2500));
    let missing = f.get(&server.url("/nothing"), None, 1 << 20, &mut log);
    assert!(matches!(missing, Err(FetchError::Status(404))));
    assert!(log.iter().any(|r| r.status == 0 && r.error.is_some()));
}

#[test]
fn requests_to_one_host_are_paced() {
    let (server, _) = fixtures();
    let f = Fetcher::new(FetchConfig {
        host_interval_ms: 150,
        obey_robots: false,
        ..fast()
    });
    let started = Instant::now();
    let mut log = Vec::new();
    for _ in 0..4 {
        f.get(&server.url("/page.html"), None, 1 << 20, &mut log)
            .unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn urls_are_recognised_and_named() {
    assert!(is_url("https://example.com/a"));
    assert!(is_url("HTTP://example.com"));
    assert!(!is_url("example.com/a"));
    assert!(!is_url("https://"));
    assert_eq!(
        origin_of("https://Example.com:8443/a?b"),
        Some("https://example.com:8443".into())
    );
    let id = url_id("https://example.com/news/2026/quake-hits-coast.html?utm=x");
    assert!(id.starts_with("quake-hits-coast-"), "{id}");
    assert!(url_id("https://example.com/").starts_with("page-"));
    assert_ne!(url_id("https://a.example/x"), url_id("https://b.example/x"));
    assert_eq!(
        classify(Some("text/html"), b"<?xml version='1.0'?><rss>"),
        Resource::Feed
    );
    assert_eq!(classify(None, b"<urlset>"), Resource::Sitemap);
    assert_eq!(
        classify(Some("text/html"), b"<!doctype html><html>"),
        Resource::Page
    );
    assert_eq!(classify(None, b"<opml version='2.0'>"), Resource::Opml);
}

#[test]
fn gzip_bodies_and_declared_charsets_are_decoded() {
    let (server, _) = fixtures();
    let f = Fetcher::new(fast());
    let gz = f.articles(&server.url("/gzip.html"), &limits(), None, &|_| false);
    assert_eq!(gz.records.len(), 1, "{:?}", gz.diagnostics);
    assert!(gz.records[0].1.text.contains("Rescue teams"));
    let latin = f.articles(&server.url("/latin1.html"), &limits(), None, &|_| false);
    assert!(
        latin.records[0].1.text.contains("Montag \u{e9}t\u{e9}"),
        "{:?}",
        latin.records[0].1.text
    );
}

#[test]
fn review_cases_robots_query_paths_raw_urls_gzipped_sitemaps_and_one_budget() {
    use std::io::Write;
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    let server = Server::start(move |r: &Request| {
        seen.lock().unwrap().push(r.path.clone());
        let base = format!("http://{}", r.header("host").unwrap_or(""));
        match r.path.as_str() {
            "/robots.txt" => Reply::new(200, "text/plain", "\u{feff}User-agent: *\nDisallow: /closed\n"),
            "/stra%C3%9Fe.html" | "/p1.html" | "/p2.html" | "/p3.html" => {
                Reply::new(200, "text/html", PAGE)
            }
            "/index.xml" => Reply::new(
                200,
                "application/xml",
                format!("<sitemapindex><sitemap><loc>{base}/a.xml.gz</loc></sitemap><sitemap><loc>{base}/b.xml</loc></sitemap></sitemapindex>"),
            ),
            "/a.xml.gz" => {
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                write!(gz, "<urlset><url><loc>{base}/p1.html</loc><image:image><image:loc>{base}/x.jpg</image:loc></image:image></url><url><loc>{base}/p2.html</loc></url></urlset>").unwrap();
                Reply::new(200, "application/octet-stream", gz.finish().unwrap())
            }
            "/b.xml" => Reply::new(
                200,
                "application/xml",
                format!("<urlset><url><loc>{base}/p3.html</loc></url></urlset>"),
            ),
            _ => Reply::new(404, "text/plain", "no"),
        }
    })
    .unwrap();
    let f = Fetcher::new(FetchConfig {
        max_sitemap_urls: 2,
        ..fast()
    });
    let mut log = Vec::new();
    // a BOM before the first group does not hide it; a query-only path is still a path
    let closed = f.get(&server.url("/closed?page=2"), None, 1 << 20, &mut log);
    assert!(matches!(closed, Err(FetchError::Robots(_))), "{closed:?}");
    let raw = f.articles(&server.url("/straße.html"), &limits(), None, &|_| false);
    assert_eq!(raw.records.len(), 1, "{:?}", raw.diagnostics);
    let site = f.articles(&server.url("/index.xml"), &limits(), None, &|_| false);
    assert_eq!(
        site.records.len(),
        2,
        "two pages in all, across both sitemaps: {:?}",
        site.diagnostics
    );
    let asked = asked.lock().unwrap();
    assert!(
        !asked.iter().any(|p| p.ends_with(".jpg")),
        "an image is not a page: {asked:?}"
    );
    assert!(!asked.iter().any(|p| p.starts_with("/closed")));
}

#[test]
fn retry_after_is_obeyed_and_a_long_one_gives_up_at_once() {
    let (server, asked) = fixtures();
    let f = Fetcher::new(FetchConfig {
        retries: 2,
        ..fast()
    });
    let mut log = Vec::new();
    let started = Instant::now();
    let busy = f.get(&server.url("/busy.html"), None, 1 << 20, &mut log);
    assert_eq!(busy.map(|r| r.status).ok(), Some(200));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as asked"
    );
    let later = f.get(&server.url("/later.html"), None, 1 << 20, &mut log);
    assert!(matches!(later, Err(FetchError::Status(503))), "{later:?}");
    assert_eq!(
        asked
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == "/later.html")
            .count(),
        1,
        "an hour's wait is not waited: no retry"
    );
}

#[test]
fn threads_reaching_a_new_host_together_read_its_robots_txt_once() {
    let (server, asked) = fixtures();
    let f = Fetcher::new(FetchConfig {
        host_concurrency: 6,
        ..fast()
    });
    let got = f.articles(&server.url("/many.opml"), &limits(), None, &|_| false);
    assert_eq!(got.records.len(), 6, "{:?}", got.diagnostics);
    let robots = asked
        .lock()
        .unwrap()
        .iter()
        .filter(|p| *p == "/robots.txt")
        .count();
    assert_eq!(robots, 2, "once for 127.0.0.1, once for localhost");
}

#[test]
fn a_post_sends_its_body_and_headers_and_returns_any_status_without_retrying() {
    let got = Arc::new(Mutex::new(Vec::new()));
    let seen = got.clone();
    let server = Server::start(move |r: &Request| {
        seen.lock().unwrap().push(r.clone());
        let status = if r.path == "/fail" { 500 } else { 204 };
        Reply::new(status, "text/plain", "")
    })
    .unwrap();
    let fetcher = Fetcher::new(fast());
    let status = fetcher
        .post(
            &server.url("/hook"),
            "application/json",
            &[("X-Corroborate-Event", "corroborated")],
            b"{\"a\":1}",
        )
        .unwrap();
    assert_eq!(status, 204);
    assert_eq!(
        fetcher
            .post(&server.url("/fail"), "application/json", &[], b"{}")
            .unwrap(),
        500
    );
    let got = got.lock().unwrap();
    // one request each: the outbox retries, not the fetcher
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].method, "POST");
    assert_eq!(got[0].body, b"{\"a\":1}");
    assert_eq!(got[0].header("content-type"), Some("application/json"));
    assert_eq!(got[0].header("x-corroborate-event"), Some("corroborated"));
    assert!(fetcher
        .post("http://127.0.0.1:1/", "application/json", &[], b"{}")
        .is_err());
    assert!(matches!(
        fetcher.post("ftp://x/", "text/plain", &[], b""),
        Err(FetchError::BadUrl)
    ));
}

#[test]
fn hmac_sha256_matches_rfc_4231() {
    // RFC 4231, test case 2
    assert_eq!(
        hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}
