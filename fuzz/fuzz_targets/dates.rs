//! Every date reader accepts any text without panicking.
#![no_main]
use corroborate_text::dates::{date_in_url, find_dates, parse_iso, parse_numeric, parse_written, DateValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = parse_iso(&s);
    let _ = parse_written(&s);
    let _ = parse_numeric(&s);
    let _ = date_in_url(&s);
    let _ = find_dates(&s, Some(DateValue::ymd(2025, 11, 11)));
});
