//! Any bytes read as `page.html` give records or per-document errors, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = corroborate_ingest::Limits::default();
    corroborate_ingest::extract_document(data, "page.html", &limits, &mut |_| {});
});
