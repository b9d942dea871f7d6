//! The web page in a real browser: headless Debian chromium driven over WebDriver
//! (chromedriver on loopback) opens the seeds' story page, expands a fact's evidence and
//! checks that the highlighted quote becomes visible. Needs Debian's chromium and
//! chromedriver, which `scripts/install-test-deps.sh` installs (`scripts/test.sh` runs it
//! first); fails (never skips) without them, naming that script.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
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

/// One HTTP/1.1 request; returns the status and the JSON body. The body is read by its
/// `Content-Length` (or chunks), since chromedriver may keep the connection open.
fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).expect("connects to chromedriver");
    // A hung browser fails the test instead of hanging it.
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(120)))
        .unwrap();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
        payload.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    let (head, body_start) = loop {
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break (
                String::from_utf8_lossy(&raw[..split]).to_string(),
                split + 4,
            );
        }
        let n = stream.read(&mut chunk).expect("reads a response");
        assert!(n > 0, "connection closed before the response head");
        raw.extend_from_slice(&chunk[..n]);
    };
    let lower = head.to_ascii_lowercase();
    let chunked = lower.contains("transfer-encoding: chunked");
    let length = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    loop {
        let got = raw.len() - body_start;
        let done = if chunked {
            raw.ends_with(b"0\r\n\r\n")
        } else {
            length.is_some_and(|l| got >= l)
        };
        if done {
            break;
        }
        let n = stream.read(&mut chunk).expect("reads the body");
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&chunk[..n]);
    }
    let mut body = raw[body_start..].to_vec();
    if chunked {
        body = dechunk(&body);
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, value)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size =
            usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap_or(0);
        if size == 0 || data.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
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
    drop(session);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
