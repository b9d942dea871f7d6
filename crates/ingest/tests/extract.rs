//! `extract` over every input format, with small real-shaped fixtures (feeds in
//! tests/fixtures; WARCs, tars and legacy encodings built here), and bad input that
//! must give a per-document error, never a panic.

use std::io::Write;
use std::path::{Path, PathBuf};

use corroborate_ingest::{
    extract_html, extract_paths, read_paths, DateSource, Extracted, Item, Limits,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("corroborate-ingest-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Records and error messages from extracting `paths`.
fn run(paths: &[PathBuf], limits: &Limits) -> (Vec<Extracted>, Vec<String>) {
    let (mut records, mut errors) = (Vec::new(), Vec::new());
    extract_paths(paths, limits, &mut |item| match item {
        Item::Record(e) => records.push(*e),
        Item::Problem(d) => errors.push(d.to_string()),
    });
    (records, errors)
}

const ARTICLE: &str = r#"<!doctype html><html lang="en-US"><head>
<meta charset="utf-8"><title>Syria joins coalition | Example News</title>
<link rel="canonical" href="https://news.example/world/2025/11/11/syria-joins">
<meta property="og:site_name" content="Example News">
<meta name="description" content="Syria became the 90th member.">
<meta property="og:image" content="https://news.example/img/syria.jpg">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Example"},
{"@type":"NewsArticle","headline":"Syria joins coalition against IS","datePublished":"2025-11-11T08:00:00Z",
"dateModified":"2025-11-11T10:30:00Z","author":[{"@type":"Person","name":"Jane Roe"},{"@type":"Person","name":"John Doe"}],
"publisher":{"@type":"Organization","name":"Example News"}}]}</script>
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Syria joins coalition against IS</h1>
<div class="byline">By Jane Roe and John Doe</div>
<figure><img src="a.jpg"><figcaption>Officials in Washington on Monday. Photo: Agency</figcaption></figure>
<p>Syria has joined the international coalition against the Islamic State group, officials said on Monday in Washington after a meeting at the White House.</p>
<p>The announcement came shortly after President Ahmed al-Sharaa met US President Donald Trump, the first visit of a Syrian head of state.</p>
<ul class="related-links"><li><a href="/a">Coalition explained</a></li><li><a href="/b">Who is al-Sharaa?</a></li></ul>
<p>It makes Syria the 90th country to join the coalition, which aims to stop the flow of foreign fighters and financing.</p>
<p>Advertisement</p>
</article><aside><h2>Most read</h2><p>Unrelated story about football results this weekend in the league.</p></aside>
<footer>© 2025 Example News. All rights reserved.</footer></body></html>"#;

#[test]
fn html_page_body_and_metadata() {
    let e = extract_html(ARTICLE.as_bytes(), None).unwrap();
    let paragraphs: Vec<&str> = e.text.split("\n\n").collect();
    assert_eq!(paragraphs.len(), 3, "{}", e.text);
    assert!(paragraphs[0].starts_with("Syria has joined"));
    assert!(paragraphs[2].ends_with("financing."));
    for chrome in [
        "Home",
        "Photo: Agency",
        "Coalition explained",
        "Advertisement",
        "football",
        "rights reserved",
    ] {
        assert!(
            !e.text.contains(chrome),
            "{chrome:?} leaked into {}",
            e.text
        );
    }
    assert_eq!(e.title.as_deref(), Some("Syria joins coalition against IS"));
    assert_eq!(
        e.canonical_url.as_deref(),
        Some("https://news.example/world/2025/11/11/syria-joins")
    );
    let published = e.published.unwrap();
    assert_eq!(
        (published.date.as_str(), published.from),
        ("2025-11-11", DateSource::JsonLd)
    );
    assert_eq!(e.modified.unwrap().from, DateSource::JsonLd);
    assert_eq!(e.authors, ["Jane Roe", "John Doe"]);
    assert_eq!(e.outlet.as_deref(), Some("Example News"));
    assert_eq!(
        (e.language.as_deref(), e.language_from),
        (Some("en"), Some("declared"))
    );
    assert_eq!(
        e.description.as_deref(),
        Some("Syria became the 90th member.")
    );
    assert_eq!(
        e.image.as_deref(),
        Some("https://news.example/img/syria.jpg")
    );
}

#[test]
fn dates_fall_back_to_meta_url_byline_and_language_is_detected() {
    let body = "<p>Le gouvernement a annoncé lundi une réforme des retraites qui doit entrer en vigueur au printemps prochain, selon plusieurs sources.</p><p>Les syndicats ont appelé à une grève nationale pour la semaine prochaine dans tout le pays.</p>";
    let meta = format!("<html><head><meta property=\"article:published_time\" content=\"2025-11-09T07:00:00+01:00\"></head><body><article>{body}</article></body></html>");
    let e = extract_html(meta.as_bytes(), None).unwrap();
    assert_eq!(
        e.published.as_ref().map(|d| (d.date.as_str(), d.from)),
        Some(("2025-11-09", DateSource::Meta))
    );
    assert_eq!(
        (e.language.as_deref(), e.language_from),
        (Some("fr"), Some("detected"))
    );

    let url = format!("<html><head><link rel=canonical href=\"https://x.example/2025/11/08/retraites\"></head><body><article>{body}</article></body></html>");
    let e = extract_html(url.as_bytes(), None).unwrap();
    assert_eq!(
        e.published.as_ref().map(|d| (d.date.as_str(), d.from)),
        Some(("2025-11-08", DateSource::Url))
    );

    let byline = format!("<html><body><article><p class=\"byline\">By Jo Smith - 11/18/19 11:04 PM EST</p>{body}</article></body></html>");
    let e = extract_html(byline.as_bytes(), None).unwrap();
    assert_eq!(
        e.published.as_ref().map(|d| (d.date.as_str(), d.from)),
        Some(("2019-11-18", DateSource::Byline))
    );
    assert_eq!(e.authors, ["Jo Smith"]);
}

#[test]
fn rss_items_keep_source_and_mark_summaries() {
    let (records, errors) = run(&[fixtures().join("wire.rss")], &Limits::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 2);
    let (full, summary) = (&records[0], &records[1]);
    assert!(full.source.ends_with("wire.rss#1"));
    assert!(!full.summary_only);
    assert_eq!(full.text.split("\n\n").count(), 2, "{}", full.text);
    assert_eq!(full.original_publisher.as_deref(), Some("Agency Example"));
    assert_eq!(full.outlet.as_deref(), Some("Example Wire"));
    assert_eq!(
        full.published.as_ref().map(|d| d.date.as_str()),
        Some("2025-11-11")
    );
    assert_eq!(full.language.as_deref(), Some("en"));
    assert!(summary.summary_only);
    assert_eq!(
        summary.text,
        "Stocks rose on Monday as investors bet on lower interest rates."
    );
    assert_eq!(summary.original_publisher, None);
}

#[test]
fn atom_and_json_feed_entries() {
    let (records, errors) = run(
        &[fixtures().join("blog.atom"), fixtures().join("items.json")],
        &Limits::default(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].authors, ["Marie Dupont"]);
    assert!(records[0].text.starts_with("La Syrie a rejoint"));
    assert_eq!(
        records[0].published.as_ref().map(|d| d.date.as_str()),
        Some("2025-11-11")
    );
    assert_eq!(
        records[1].title.as_deref(),
        Some("Coalition grows to 90 members")
    );
    assert_eq!(
        records[1].published.as_ref().map(|d| d.date.as_str()),
        Some("2025-11-11")
    );
    assert!(records[2].summary_only);
}

#[test]
fn news_please_and_trafilatura_imports() {
    let (records, errors) = run(
        &[
            fixtures().join("newsplease.json"),
            fixtures().join("trafilatura.json"),
        ],
        &Limits::default(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records[0].outlet.as_deref(), Some("news.example"));
    assert_eq!(
        records[0].published.as_ref().map(|d| d.date.as_str()),
        Some("2025-11-11")
    );
    assert_eq!(records[1].outlet.as_deref(), Some("paper.example"));
    assert_eq!(
        records[1].url.as_deref(),
        Some("https://paper.example/syria")
    );
}

fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!("WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{}>\r\nContent-Length: {}\r\n\r\n", uri.len(), block.len()).into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http_response(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n").into_bytes();
    r.extend_from_slice(body);
    r
}

fn sample_warc() -> Vec<u8> {
    let mut w = warc_record("warcinfo", "", b"software: test\r\n");
    w.extend(warc_record(
        "request",
        "https://news.example/a",
        b"GET /a HTTP/1.1\r\n\r\n",
    ));
    w.extend(warc_record(
        "response",
        "https://news.example/world/2025/11/11/a",
        &http_response("text/html; charset=utf-8", ARTICLE.as_bytes()),
    ));
    w.extend(warc_record(
        "response",
        "https://news.example/logo.png",
        &http_response("image/png", b"\x89PNG...."),
    ));
    w
}

#[test]
fn warc_and_gzipped_warc_response_records() {
    let dir = tempdir("warc");
    let plain = dir.join("crawl.warc");
    std::fs::write(&plain, sample_warc()).unwrap();
    // .warc.gz as crawlers write it: one gzip member per record
    let gz = dir.join("crawl.warc.gz");
    let mut members = Vec::new();
    for _ in 0..2 {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&sample_warc()).unwrap();
        members.extend(enc.finish().unwrap());
    }
    std::fs::write(&gz, members).unwrap();
    let (records, errors) = run(&[plain, gz.clone()], &Limits::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 3, "one HTML response per WARC copy");
    assert!(records[0].source.ends_with("crawl.warc#3"));
    assert_eq!(
        records[0].url.as_deref(),
        Some("https://news.example/world/2025/11/11/a")
    );
    assert!(records[0].text.contains("90th country"));

    // truncated: the records before the cut are kept, the cut one is an error
    let bytes = std::fs::read(&gz).unwrap();
    let cut = dir.join("cut.warc.gz");
    std::fs::write(&cut, &bytes[..bytes.len() * 3 / 4]).unwrap();
    let (records, errors) = run(&[cut], &Limits::default());
    assert_eq!(records.len(), 1);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("cut.warc.gz#"), "{errors:?}");

    // analyze reads the same WARC
    let read = read_paths(&[dir.join("crawl.warc")], &Limits::default());
    assert_eq!(read.articles.len(), 1);
    assert_eq!(read.articles[0].id, "crawl.warc#3");
}

#[test]
fn tar_of_pages() {
    let dir = tempdir("tar");
    let path = dir.join("pages.tar.gz");
    let enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    let mut tar = tar::Builder::new(enc);
    for (name, body) in [
        ("site/a.html", ARTICLE.as_bytes()),
        ("site/notes.bin", b"\0\0\0".as_slice()),
        (
            "site/b.json",
            br#"{"text": "A plain imported article body with enough words to count."}"#.as_slice(),
        ),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, body).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
    let (records, errors) = run(&[path], &Limits::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 2);
    assert!(records[0].source.ends_with("pages.tar.gz#site/a.html"));
    assert!(records[0].text.contains("90th country"));
}

#[test]
fn zip_of_pages() {
    let dir = tempdir("zip");
    let path = dir.join("pages.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for (name, body) in [
        ("site/a.html", ARTICLE.as_bytes()),
        ("site/notes.bin", b"\0\0\0".as_slice()),
        (
            "site/b.json",
            br#"{"text": "A plain imported article body with enough words to count."}"#.as_slice(),
        ),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body).unwrap();
    }
    zip.finish().unwrap();
    let (records, errors) = run(std::slice::from_ref(&path), &Limits::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 2);
    assert!(records[0].source.ends_with("pages.zip#site/a.html"));
    assert!(records[0].text.contains("90th country"));
    // analyze reads it too, and a page over the size limit is named, not read
    let read = read_paths(std::slice::from_ref(&path), &Limits::default());
    assert_eq!(read.articles.len(), 2);
    let (records, errors) = run(
        &[path],
        &Limits {
            max_file_bytes: 100,
            ..Limits::default()
        },
    );
    assert_eq!(records.len(), 1, "the small JSON entry is still read");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("pages.zip#site/a.html") && e.contains("over the limit")),
        "{errors:?}"
    );
    // a truncated archive is an error naming it
    std::fs::write(dir.join("bad.zip"), b"PK\x03\x04 truncated").unwrap();
    let (_, errors) = run(&[dir.join("bad.zip")], &Limits::default());
    assert!(errors.iter().any(|e| e.contains("bad.zip")), "{errors:?}");
}

fn page(title: &str, paragraphs: &[&str], charset: &str) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\"><title>{title}</title></head><body><article>{body}</article></body></html>")
}

#[test]
fn legacy_code_pages_and_utf16_decode_right() {
    let ru = ["Сирия присоединилась к международной коалиции против группировки Исламское государство, сообщили в понедельник официальные лица.", "Это делает Сирию девяностой страной в коалиции."];
    let html = page("Сирия", &ru, "windows-1251");
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&html);
    let e = extract_html(&bytes, None).unwrap();
    assert!(e.text.contains("Сирия присоединилась"), "{}", e.text);
    assert_eq!(e.language.as_deref(), Some("ru"));

    let ar = ["انضمت سوريا إلى التحالف الدولي ضد تنظيم الدولة الإسلامية، حسبما أعلن مسؤولون يوم الاثنين في واشنطن بعد اجتماع في البيت الأبيض.", "وبذلك تصبح سوريا الدولة التسعين في التحالف."];
    let html = page("سوريا", &ar, "windows-1256");
    let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(&html);
    let e = extract_html(&bytes, None).unwrap();
    assert!(e.text.contains("انضمت سوريا"), "{}", e.text);

    let fr = ["Le président a déclaré lundi que la coalition s’élargissait encore, avec quatre-vingt-dix membres désormais.", "Les négociations continuent à Genève."];
    let html = page("Coalition", &fr, "windows-1252");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&html);
    let e = extract_html(&bytes, None).unwrap();
    assert!(e.text.contains("s’élargissait"), "{}", e.text);

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in page("Coalition", &fr, "utf-16").encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let e = extract_html(&utf16, None).unwrap();
    assert!(e.text.contains("s’élargissait"), "{}", e.text);

    // decomposed input comes out NFC
    let nfd = page("x", &["Le gouvernement a annonce\u{301} lundi une re\u{301}forme des retraites, selon plusieurs sources proches du dossier."], "utf-8");
    let e = extract_html(nfd.as_bytes(), None).unwrap();
    assert!(e.text.contains("annoncé lundi une réforme"), "{}", e.text);
}

#[test]
fn bad_inputs_are_reported_and_the_run_goes_on() {
    let dir = tempdir("bad");
    std::fs::write(dir.join("empty.html"), b"").unwrap();
    std::fs::write(
        dir.join("binary.html"),
        [0u8, 159, 146, 150, 0, 0, 1, 2, 3].repeat(100),
    )
    .unwrap();
    std::fs::write(dir.join("broken.rss"), b"<rss><channel><item><title>x</ti").unwrap();
    std::fs::write(dir.join("broken.json"), b"{\"text\": ").unwrap();
    std::fs::write(dir.join("bad.warc"), b"HTTP/1.1 200 OK\r\n\r\nnot a warc").unwrap();
    std::fs::write(dir.join("bad.warc.gz"), b"\x1f\x8b\x08\x00garbage").unwrap();
    std::fs::write(dir.join("bad.tar"), b"not a tar archive at all").unwrap();
    let deep = format!(
        "{}<p>deep</p>{}",
        "<div>".repeat(50_000),
        "</div>".repeat(50_000)
    );
    std::fs::write(dir.join("deep.html"), deep).unwrap();
    std::fs::write(dir.join("good.html"), ARTICLE).unwrap();
    std::fs::write(
        dir.join("invalid-utf8.html"),
        [ARTICLE.as_bytes(), b"\xff\xfe\xc3("].concat(),
    )
    .unwrap();
    let (records, errors) = run(std::slice::from_ref(&dir), &Limits::default());
    let sources: Vec<&str> = records.iter().map(|r| r.source.as_str()).collect();
    assert!(
        sources.iter().any(|s| s.ends_with("good.html")),
        "{sources:?}"
    );
    assert!(
        sources.iter().any(|s| s.ends_with("invalid-utf8.html")),
        "{sources:?}"
    );
    for name in [
        "empty.html",
        "binary.html",
        "broken.rss",
        "broken.json",
        "bad.warc",
        "bad.warc.gz",
    ] {
        assert!(
            errors.iter().any(|e| e.contains(name)),
            "no error for {name}: {errors:?}"
        );
    }

    // an over-limit file is refused by name, not read
    let limits = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    let (records, errors) = run(&[dir.join("good.html")], &limits);
    assert!(records.is_empty());
    assert!(errors[0].contains("over the limit"), "{errors:?}");
}

/// Inputs that once crashed a fuzz target: each must now give records or errors.
#[test]
fn fuzz_regressions_do_not_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut items = 0;
        corroborate_ingest::extract_document(&bytes, &name, &Limits::default(), &mut |_| {
            items += 1
        });
        assert!(items > 0, "{name} produced neither a record nor an error");
        n += 1;
    }
    assert!(n > 0);
}

#[test]
fn hand_written_warc_fixture() {
    let (records, errors) = run(&[fixtures().join("small.warc")], &Limits::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 1);
    assert!(records[0].source.ends_with("small.warc#2"));
    let published = records[0].published.as_ref().unwrap();
    assert_eq!(
        (published.date.as_str(), published.from),
        ("2025-11-11", DateSource::Url)
    );
    assert!(records[0].text.starts_with("Syria has joined"));
}

/// A Blogger-shaped post: the post body sits inside `date-outer` / `date-posts`, whose
/// names hold a furniture word; the wrapper holds most of the page's text, so it stays.
#[test]
fn post_wrapper_with_a_furniture_word_is_kept() {
    let para = "The river rose two metres overnight and the town council opened the school gym as a shelter for the families from the lower streets.";
    let page = format!(
        r#"<html><head><title>Flood notes</title></head><body>
<div class="date-outer"><h2 class="date-header"><span>Monday, 3 March 2025</span></h2>
<div class="date-posts"><div class="post-outer"><div class="post hentry">
<h3 class="post-title">Flood notes</h3>
<div class="post-body entry-content"><p>{para}</p><p>{para} Volunteers brought blankets.</p><p>{para} The water fell by noon.</p></div>
<div class="post-footer"><span class="post-author">Posted by Ann</span></div>
</div></div></div></div>
<div class="sidebar"><h2>Blog archive</h2><ul><li><a href="/a">March</a></li><li><a href="/b">February</a></li></ul></div>
</body></html>"#
    );
    let e = extract_html(page.as_bytes(), None).unwrap();
    assert_eq!(e.text.matches("The river rose").count(), 3, "{}", e.text);
    assert!(!e.text.contains("Posted by Ann"), "{}", e.text);
}

/// Readability keeps a fragment; the page's JSON-LD `articleBody` states the whole body.
#[test]
fn stated_article_body_wins_over_a_fragment() {
    let body = "Officials said the bridge would reopen in May after repairs to its deck and cables were finished ahead of schedule. ".repeat(6);
    let page = format!(
        r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle","headline":"Bridge","articleBody":"{body}"}}</script></head>
<body><div class="teaser"><p>Officials said the bridge would reopen in May after repairs.</p></div></body></html>"#
    );
    let e = extract_html(page.as_bytes(), None).unwrap();
    assert!(
        e.text.matches("ahead of schedule").count() >= 6,
        "{}",
        e.text
    );
}

#[test]
fn title_entities_site_suffix_byline_roles_and_outlet_from_host() {
    let page = r#"<html><head><title>Bike &amp;amp; Style &#8211; a review | TheHill</title>
<link rel="canonical" href="https://www.thehill.com/policy/bikes">
<meta name="author" content="By TOM KRISHER, AP Auto Writer"></head>
<body><p>Electric bikes outsold cars in three cities last year, a survey of shops and dealers found this spring.</p>
<p>Prices fell as more makers entered the market and cities built lanes for them along the main roads.</p></body></html>"#;
    let e = extract_html(page.as_bytes(), None).unwrap();
    assert_eq!(e.title.as_deref(), Some("Bike & Style \u{2013} a review"));
    assert_eq!(e.authors, vec!["Tom Krisher".to_string()]);
    assert_eq!(e.outlet.as_deref(), Some("TheHill"));

    let page = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Rain &amp; wind","author":{"@type":"Person","name":"JANE ROE"}}</script>
<link rel="canonical" href="https://news.example.org/2025/rain"></head>
<body><p>Heavy rain and strong wind closed roads across the region on Tuesday, the weather office said in a statement.</p>
<p>Schools stayed shut and trains ran slowly as crews cleared fallen trees from the lines near the coast.</p></body></html>"#;
    let e = extract_html(page.as_bytes(), None).unwrap();
    assert_eq!(e.title.as_deref(), Some("Rain & wind"));
    assert_eq!(e.authors, vec!["Jane Roe".to_string()]);
    assert_eq!(e.outlet.as_deref(), Some("news.example.org"));
}

#[test]
fn a_stop_ends_a_warc_between_two_records_keeping_those_read() {
    let dir = tempdir("warc-stop");
    let path = dir.join("crawl.warc");
    let mut warc = Vec::new();
    for _ in 0..3 {
        warc.extend(sample_warc());
    }
    std::fs::write(&path, warc).unwrap();
    let mut records = 0;
    let seen = std::cell::Cell::new(0);
    let stop = || seen.get() >= 1;
    let watch = corroborate_ingest::Watch {
        listed: &|n| assert_eq!(n, 1),
        read: &|_, _| {},
        stop: &stop,
    };
    corroborate_ingest::extract_paths_watched(
        std::slice::from_ref(&path),
        &Limits::default(),
        &watch,
        &mut |item| {
            if let Item::Record(_) = item {
                records += 1;
                seen.set(records);
            }
        },
    );
    assert_eq!(records, 1, "the stop came after the first page");
    // and the same archive read for analysis stops there too
    seen.set(0);
    let on_read = |_: usize, articles: usize| seen.set(articles);
    let stop_now = || true;
    let read = corroborate_ingest::read_paths_watched(
        &[path],
        &Limits::default(),
        &corroborate_ingest::Watch {
            listed: &|_| {},
            read: &on_read,
            stop: &stop_now,
        },
    );
    assert!(read.stopped && read.articles.is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

/// A data table inside a `<figure>` (how WordPress wraps every table) is body; a
/// figure holding only an image and its caption is not.
#[test]
fn a_table_in_a_figure_is_body_a_captioned_image_is_not() {
    let para = "Water use in the district fell for the third year running, the utility's annual report shows, as leaks were fixed and meters installed.";
    let page = format!(
        r#"<html><body><article><h1>Water use</h1><p>{para}</p><p>{para}</p>
<figure class="wp-block-table"><table><tr><th>Year</th><th>Megalitres</th></tr><tr><td>2023</td><td>41,200</td></tr><tr><td>2024</td><td>39,850</td></tr></table></figure>
<figure><img src="dam.jpg"><figcaption>The reservoir in June. Photo: the utility</figcaption></figure>
<p>{para}</p></article></body></html>"#
    );
    let e = extract_html(page.as_bytes(), None).unwrap();
    assert!(e.text.contains("39,850"), "{}", e.text);
    assert!(!e.text.contains("reservoir in June"), "{}", e.text);
}
