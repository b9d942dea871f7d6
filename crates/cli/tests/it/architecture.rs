//! ARCHITECTURE.md's code map stays true: it names every crate of the workspace and every
//! module of every crate, so a module added or renamed without a word there fails here.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The module names of a crate's `src`: each `foo.rs` or `foo/mod.rs`, at any depth, except
/// the crate roots and `tests.rs` files (unit-test modules, described together).
fn modules(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.extension().is_some_and(|e| e == "rs")
                && !matches!(name.as_str(), "lib" | "main" | "tests")
            {
                let name = if name == "mod" {
                    path.parent()
                        .unwrap()
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .to_string()
                } else {
                    name
                };
                found.push(name);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn the_code_map_names_every_crate_and_module() {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").exists())
        .collect();
    crates.sort();
    assert!(crates.len() >= 10, "found the crates: {crates:?}");
    for krate in &crates {
        let dir = krate.file_name().unwrap().to_string_lossy().to_string();
        if !map.contains(&format!("crates/{dir}")) {
            missing.push(format!("crate crates/{dir}"));
        }
        for module in modules(&krate.join("src")) {
            if !map.contains(&format!("`{module}`")) && !map.contains(&format!("{module}.rs")) {
                missing.push(format!("module {module} of crates/{dir}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map does not name: {}",
        missing.join(", ")
    );
}
