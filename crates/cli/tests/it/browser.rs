//! The web page in a real browser: headless Debian chromium driven over WebDriver
//! (chromedriver on loopback) opens the seeds' story page, expands a fact's evidence and
//! checks that the highlighted quote becomes visible; that articles are named by outlet
//! (UNN, and Al Jazeera as UNN credits it) and the copy graph draws 002 → 004; that after a
//! POSTed denial the brief agrees with the fact table; and that the list's filters narrow it. Needs Debian's chromium and
//! chromedriver, which `scripts/install-test-deps.sh` installs (`scripts/test.sh` runs it
//! first); fails (never skips) without them, naming that script.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

use crate::service::{corroborate, ok, tempdir};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Kills the child (server, chromedriver) when the test ends, pass or fail.
struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ensure_chromium() {
    assert!(
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "this test needs {CHROMIUM} and {CHROMEDRIVER}: run scripts/install-test-deps.sh \
         (scripts/test.sh, the README's test command, runs it first)"
    );
}

/// One WebDriver request (ureq); returns the status and the JSON body (`null` when the
/// body is not JSON).
fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        // A hung browser fails the test instead of hanging it.
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let url = format!("http://{addr}{path}");
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let response = match method {
        "GET" => agent.get(&url).call(),
        "DELETE" => agent.delete(&url).call(),
        "POST" => agent
            .post(&url)
            .content_type("application/json")
            .send(payload.as_bytes()),
        other => panic!("no {other} requests in this test"),
    };
    let mut response = response.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status().as_u16();
    // screenshots come back as base64 in the body, larger than ureq's default limit
    let text = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_string()
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, value)
}

/// A WebDriver session.
struct Session {
    driver: SocketAddr,
    id: String,
}

impl Session {
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, v) = http(
            self.driver,
            method,
            &format!("/session/{}{path}", self.id),
            body.as_ref(),
        );
        assert_eq!(status, 200, "WebDriver {method} {path}: {v}");
        v["value"].clone()
    }
    fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }
    /// Runs `script` in the page (the test's own script; the page has none) and returns
    /// its value.
    fn script(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }
    fn text(&self, element: &str) -> String {
        self.cmd("GET", &format!("/element/{element}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
    fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }
    fn displayed(&self, element: &str) -> bool {
        self.cmd("GET", &format!("/element/{element}/displayed"), None)
            .as_bool()
            .unwrap()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = http(
            self.driver,
            "DELETE",
            &format!("/session/{}", self.id),
            None,
        );
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A ministry denying the seeds' best-carried fact (written for this test).
const DENIAL: &str = r#"{"id": "005_denial", "outlet": "Syrian Observer", "published": "2025-11-12",
 "title": "Interior Ministry denies reports of foiled plots against al-Sharaa",
 "text": "Syria's Interior Ministry on Wednesday denied reports that the Syrian authorities thwarted two separate plots by ISIS to assassinate President Ahmad al-Sharaa.\n\n\"These reports are false,\" a ministry spokesman said, adding that no plot against the president had been uncovered in recent months.\n\nThe ministry urged media outlets to rely on official sources."}"#;

/// An unrelated story from another outlet (written for this test).
const OTHER_STORY: &str = r#"{"id": "valencia_floods", "outlet": "Example Times", "published": "2025-11-13", "language": "en",
 "title": "Floods close schools across Valencia",
 "text": "Heavy rain flooded streets across the Valencia region on Thursday, and the regional government closed more than 200 schools.\n\nEmergency services rescued drivers trapped on the A-7 motorway near Paiporta, the regional emergency agency said.\n\nForecasters expect the storm to move north towards Catalonia by the weekend."}"#;

#[test]
fn story_page_expands_evidence_and_shows_the_highlighted_quote() {
    ensure_chromium();
    let dir = tempdir("browser");
    let db = dir.join("news.db");
    ok(&corroborate(&[
        "ingest",
        "-q",
        "--db",
        db.to_str().unwrap(),
        crate::examples().to_str().unwrap(),
    ]));
    let dossier = corroborate_store::Store::open(&db)
        .unwrap()
        .dossier()
        .unwrap();
    let story = dossier.stories[0].id.clone();
    let fact = &dossier.facts[0];

    // The server prints the address it bound once it listens: wait for that line.
    let mut server = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(&db)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server_err = BufReader::new(server.stderr.take().unwrap());
    let server = Killed(server);
    let mut line = String::new();
    server_err.read_line(&mut line).unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("serve did not say where it listens: {line:?}"))
        .trim_end_matches('/')
        .to_string();

    let port = free_port();
    let mut driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let mut driver_out = BufReader::new(driver.stdout.take().unwrap());
    let _driver = Killed(driver);
    loop {
        line.clear();
        let n = driver_out.read_line(&mut line).unwrap();
        assert!(n > 0, "chromedriver exited before it was ready");
        if line.contains("started successfully") {
            break;
        }
    }
    let driver_addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let (status, created) = http(
        driver_addr,
        "POST",
        "/session",
        Some(
            &json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--no-first-run", "--disable-dev-shm-usage", "--window-size=1280,1600"]
            }}}}),
        ),
    );
    assert_eq!(status, 200, "chromium did not start: {created}");
    let session = Session {
        driver: driver_addr,
        id: created["value"]["sessionId"].as_str().unwrap().to_string(),
    };

    session.cmd(
        "POST",
        "/url",
        Some(json!({"url": format!("{base}/stories/{story}")})),
    );
    let title = session.cmd("GET", "/title", None);
    assert_eq!(title, dossier.stories[0].title.as_str());
    let mark = session.find(&format!("details#ev-{} mark", fact.id));
    assert!(
        !session.displayed(&mark),
        "evidence is folded until the reader opens it"
    );
    let summary = session.find(&format!("details#ev-{} summary", fact.id));
    session.cmd(
        "POST",
        &format!("/element/{summary}/click"),
        Some(json!({})),
    );
    assert!(
        session.displayed(&mark),
        "the highlighted quote shows once opened"
    );
    let text = session.cmd("GET", &format!("/element/{mark}/text"), None);
    assert_eq!(
        text.as_str()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        fact.evidence[0]
            .quote
            .split_whitespace()
            .collect::<Vec<_>>()
    );
    let background = session.cmd(
        "GET",
        &format!("/element/{mark}/css/background-color"),
        None,
    );
    assert_ne!(background, "rgba(0, 0, 0, 0)", "the quote is highlighted");
    // A screenshot of the opened page, for people (docs/story-page.png is one).
    let png = session.cmd("GET", "/screenshot", None);
    let _ = std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("story-page.png.b64"),
        png.as_str().unwrap_or(""),
    );

    // Outlets, not ids: UNN by its own credit line, Al Jazeera as UNN credits its original.
    let outlet_of = |id: &str| {
        session.text(&session.find(&format!(
            "table.articles tr[data-article='{id}'] strong.outlet"
        )))
    };
    assert_eq!(outlet_of("002_88f9335587266ce1"), "UNN");
    assert_eq!(outlet_of("004_e1e076e2517665a0"), "Al Jazeera");
    // the copy graph draws 002 → 004
    let edge = session.find(
        "svg.copy-graph g.edge[data-copy='002_88f9335587266ce1'][data-of='004_e1e076e2517665a0']",
    );
    assert!(session.displayed(&edge), "the copy's arrow is drawn");

    // A POSTed denial makes the best-carried fact contested: the brief must say so, as the
    // fact table does.
    let post = |body: &str| {
        let response = ureq::post(&format!("{base}/api/articles"))
            .content_type("application/json")
            .send(body.as_bytes())
            .unwrap_or_else(|e| panic!("POST /api/articles: {e}"));
        assert!(response.status().is_success(), "{}", response.status());
    };
    post(DENIAL);
    session.go(&format!("{base}/stories/{story}"));
    let rows = session.script(
        "return [...document.querySelectorAll('table.facts > tbody > tr')].map(r => ({ \
           statement: r.cells[1].firstChild.textContent.trim(), \
           status: r.cells[2].textContent.trim(), n: Number(r.cells[3].textContent) }))",
    );
    let brief = session.text(&session.find("p.brief"));
    let carried: Vec<&Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] != "single source" && r["n"].as_u64().unwrap() >= 2)
        .collect();
    assert!(
        carried.iter().any(|r| r["status"] == "contested"),
        "the denial contests a fact two sources carry: {rows}"
    );
    for r in carried.iter().take(3) {
        let statement = r["statement"].as_str().unwrap().trim_end_matches('.');
        let expected = if r["status"] == "contested" {
            format!("Contested: {statement}")
        } else {
            statement.to_string()
        };
        assert!(
            brief.contains(&expected),
            "the brief {brief:?} lacks {expected:?}"
        );
    }
    assert!(!brief.contains("No fact in this story"), "{brief}");

    // The list's filters narrow it: a second story from another outlet, then by outlet.
    post(OTHER_STORY);
    session.go(&format!("{base}/"));
    let rows = || {
        session
            .script("return document.querySelectorAll('table.stories tbody tr').length")
            .as_u64()
            .unwrap()
    };
    assert_eq!(rows(), 2, "two stories listed");
    let outlet = session.find("form.filters input[name='outlet']");
    session.cmd(
        "POST",
        &format!("/element/{outlet}/value"),
        Some(json!({"text": "UNN"})),
    );
    let submit = session.find("form.filters button[type='submit']");
    session.cmd("POST", &format!("/element/{submit}/click"), Some(json!({})));
    // the click starts the form's navigation; wait until the filtered page has loaded
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let url = session.cmd("GET", "/url", None);
        let ready = session.script("return document.readyState");
        if url.as_str().is_some_and(|u| u.contains("outlet=UNN")) && ready == "complete" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the form did not load the filtered list: {url}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(rows(), 1, "the outlet filter keeps the seeds' story only");
    let listed = session.text(&session.find("table.stories tbody tr a"));
    assert_eq!(listed, dossier.stories[0].title);
    let png = session.cmd("GET", "/screenshot", None);
    let _ = std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("story-list.png.b64"),
        png.as_str().unwrap_or(""),
    );
    drop(session);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
