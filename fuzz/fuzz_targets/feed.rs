//! Any bytes read as `feed.rss` give records or per-document errors, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = corroborate_ingest::Limits::default();
    corroborate_ingest::extract_document(data, "feed.rss", &limits, &mut |_| {});
});
