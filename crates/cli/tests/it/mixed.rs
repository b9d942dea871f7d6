//! A mixed pile: the example corpus analysed together with the 88 unrelated pages of the
//! shared extraction dev set (news of 2019 and later, many sites and subjects), in either
//! order. The example's story must come out as it does alone: no stranger joins it, and
//! it keeps its title.

use std::path::PathBuf;

use corroborate_model::Dossier;

use crate::{corroborate, examples, seed_dossier};

fn extraction_pages() -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction-dev/html");
    assert!(
        dir.is_dir(),
        "{} is missing: these tests need the shared data next to the repository",
        dir.display()
    );
    dir
}

fn analyze(inputs: &[PathBuf]) -> Dossier {
    let mut args = vec!["analyze".to_string()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["--format", "json", "-q"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = corroborate(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a dossier")
}

fn the_example_story_is_kept_whole_and_alone(inputs: &[PathBuf]) {
    let alone = &seed_dossier().stories;
    assert_eq!(alone.len(), 1, "the example corpus is one story");
    let expected = &alone[0];
    assert_eq!(expected.articles.len(), 5);
    let mixed = analyze(inputs);
    assert_eq!(mixed.articles.len(), 5 + 88, "every page is read");
    let found: Vec<_> = mixed
        .stories
        .iter()
        .filter(|s| s.articles.iter().any(|a| expected.articles.contains(a)))
        .collect();
    assert_eq!(found.len(), 1, "the example's articles stay in one story");
    let mut articles = found[0].articles.clone();
    articles.sort();
    let mut want = expected.articles.clone();
    want.sort();
    assert_eq!(articles, want, "no stranger joins the story");
    assert_eq!(found[0].title, expected.title, "the story keeps its title");
}

#[test]
fn the_example_story_keeps_its_articles_and_title_among_unrelated_pages() {
    the_example_story_is_kept_whole_and_alone(&[examples(), extraction_pages()]);
}

#[test]
fn the_example_story_keeps_its_articles_and_title_when_read_after_them() {
    the_example_story_is_kept_whole_and_alone(&[extraction_pages(), examples()]);
}
