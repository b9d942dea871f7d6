//! Dev tool: runs an extractor over a directory of `KEY.html.gz` pages and writes
//! `predictions.json` (`{KEY: {"articleBody": text}}`) for the shared scorer.
//!
//! `cargo run --release -p corroborate-ingest --example extraction_eval -- DIR OUT.json [trafilatura|smoothie|corroborate]`
use std::io::Read;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::Path::new(&args[1]);
    let out = &args[2];
    let which = args.get(3).map(String::as_str).unwrap_or("corroborate");
    let mut pages = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for p in names {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Some(key) = name.strip_suffix(".html.gz") else {
            continue;
        };
        let raw = std::fs::read(&p).unwrap();
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut html)
            .unwrap();
        pages.push((key.to_string(), html));
    }
    let started = Instant::now();
    let mut preds = serde_json::Map::new();
    for (key, html) in &pages {
        let text = match which {
            "trafilatura" => rs_trafilatura::extract_bytes(html)
                .map(|r| r.content_text)
                .unwrap_or_default(),
            "smoothie" => {
                let (s, _) = corroborate_ingest::decode_text(html).unwrap();
                let cfg = dom_smoothie::Config {
                    text_mode: dom_smoothie::TextMode::Formatted,
                    ..Default::default()
                };
                dom_smoothie::Readability::new(s.as_str(), None, Some(cfg))
                    .and_then(|mut r| r.parse())
                    .map(|a| a.text_content.to_string())
                    .unwrap_or_default()
            }
            _ => corroborate_ingest::extract_html(html, None)
                .map(|e| e.text)
                .unwrap_or_default(),
        };
        preds.insert(key.clone(), serde_json::json!({ "articleBody": text }));
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{which}: {} pages in {secs:.3} s = {:.1} pages/s",
        pages.len(),
        pages.len() as f64 / secs
    );
    std::fs::write(out, serde_json::to_string(&preds).unwrap()).unwrap();
}
