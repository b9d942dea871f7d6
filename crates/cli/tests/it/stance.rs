//! `check` and `stance` as a user meets them: the stance of the example articles toward a
//! claim, and batch stances over JSON lines.

use crate::corroborate;

fn stance_of(checked: &serde_json::Value, prefix: &str) -> String {
    checked
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["article"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("article {prefix} in {checked}"))["stance"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn check_finds_the_articles_that_support_the_coalition_claim() {
    let seeds = crate::examples();
    let out = corroborate(&[
        "check",
        "Syria joined the US-led coalition against IS",
        seeds.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(checked.as_array().unwrap().len(), 5);
    // 004 states the accession in its own voice; 002 is its rewrite and says the same, so
    // it supports too, and is marked as the copy it is.
    assert_eq!(stance_of(&checked, "004_"), "supports", "{checked:#}");
    assert_eq!(stance_of(&checked, "002_"), "supports", "{checked:#}");
    let c002 = checked
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["article"].as_str().unwrap().starts_with("002_"))
        .unwrap();
    assert_eq!(c002["copy_of"], "004_e1e076e2517665a0", "{checked:#}");
    // Nothing else is a copy.
    let copies = checked
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c.get("copy_of").is_some());
    assert_eq!(copies.count(), 1, "{checked:#}");
    // 001 is about the assassination plots, not the coalition.
    assert_eq!(stance_of(&checked, "001_"), "unrelated", "{checked:#}");
    // Every deciding sentence is quoted exactly at its byte offsets.
    for c in checked.as_array().unwrap() {
        let id = c["article"].as_str().unwrap();
        let text = corroborate_ingest::read_paths(
            &[seeds.join(format!("{id}.txt"))],
            &corroborate_ingest::Limits::default(),
        )
        .articles
        .remove(0)
        .text;
        for d in c["deciding"].as_array().unwrap() {
            let (s, e) = (
                d["start"].as_u64().unwrap() as usize,
                d["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[s..e], d["quote"].as_str().unwrap());
        }
    }
}

#[test]
fn check_prints_stances_with_deciding_quotes() {
    let out = corroborate(&[
        "check",
        "Syria joined the US-led coalition against IS",
        crate::examples().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("`004_e1e076e2517665a0` **supports**"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("- `002_88f9335587266ce1` **supports**")
                && l.contains("copy of `004_e1e076e2517665a0`")),
        "{text}"
    );
    assert!(text.contains("coalition"), "{text}");
}

#[test]
fn stance_writes_one_line_per_pair_and_names_bad_lines() {
    let dir = std::env::temp_dir().join(format!("corroborate-stance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let articles = dir.join("articles.jsonl");
    let pairs = dir.join("pairs.jsonl");
    std::fs::write(
        &articles,
        concat!(
            r#"{"id":"a1","text":"The giant spider photo is a hoax, experts said. The picture was doctored and the story is fake."}"#,
            "\n",
            r#"{"id":"a2","text":"The central bank raised interest rates by a quarter point, citing inflation."}"#,
            "\n"
        ),
    )
    .unwrap();
    std::fs::write(
        &pairs,
        concat!(
            r#"{"id":"0","claim":"Giant spider found in Australian outback","article":"a1"}"#,
            "\n",
            r#"{"id":"1","claim":"Giant spider found in Australian outback","article":"a2"}"#,
            "\n",
            "not json\n",
            r#"{"id":"3","claim":"x","article":"missing"}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = corroborate(&[
        "stance",
        "--articles",
        articles.to_str().unwrap(),
        "--pairs",
        pairs.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pairs.jsonl#3"), "{stderr}");
    assert!(stderr.contains("article missing"), "{stderr}");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "0");
    assert_eq!(lines[0]["stance"], "refutes");
    assert_eq!(lines[1]["stance"], "unrelated");
    assert!(lines[0]["confidence"].as_f64().unwrap() > 0.25);
    let _ = std::fs::remove_dir_all(&dir);
}
