//! Any bytes as a database file: opening it (read-only) and reading everything the API
//! reads (health, the whole dossier, the story list and search, each listed story's
//! JSON and dossier) give values or errors, never a panic. Seeded with a small real
//! database (fuzz/seeds/store).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("corroborate-fuzz-store-{}.db", std::process::id()));
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(store) = corroborate_store::Store::open_read_only(&path) else {
        return;
    };
    let _ = store.health();
    let _ = store.dossier();
    let query = corroborate_store::StoryFilter {
        q: Some("syria attack".into()),
        outlet: Some("UNN".into()),
        from: Some("2025-11-01".into()),
        ..Default::default()
    };
    let _ = store.stories(&query, 1, 20);
    if let Ok(page) = store.stories(&corroborate_store::StoryFilter::default(), 1, 5) {
        for story in page.stories {
            let _ = store.story_json(&story.id);
            let _ = store.story(&story.id);
            let _ = store.story_alias(&story.id);
        }
    }
    let _ = store.article("000_d24955dd72b6e9c3");
    let _ = store.fact("f1");
});
