//! Ctrl-C and SIGTERM for `analyze`, `ingest` and `extract`: the run stops, says in one
//! line what it did and did not do, and exits 130.
//!
//! The first signal asks the command to stop at its next boundary (between two files,
//! between two batches of the store), where it prints its own summary. While it does work
//! whose loss costs nothing (an analysis whose result nothing has been written from yet),
//! the command registers what to say with [`Interrupt::at_once`], and the signal prints that
//! and exits at once instead of waiting for the analysis to end. A second signal exits at
//! once whatever is under way. Nothing acknowledged is lost either way: `ingest` prints
//! `stored ID` only after the batch's transaction committed, and SQLite keeps committed
//! transactions through any exit.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};

use crate::progress::Progress;

/// The exit code of a run stopped by a signal (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Says what the process is doing, for a signal that arrives in the middle of it.
type Summary = Box<dyn Fn() + Send>;

pub struct Interrupt {
    stop: Arc<AtomicBool>,
    at_once: Mutex<Option<Summary>>,
}

impl Interrupt {
    /// Installs the process's Ctrl-C/SIGTERM handler. `second` is what a second signal
    /// says before exiting at once (what is kept).
    pub fn install(progress: Arc<Progress>, second: &'static str) -> Result<Arc<Interrupt>> {
        let interrupt = Arc::new(Interrupt {
            stop: Arc::new(AtomicBool::new(false)),
            at_once: Mutex::new(None),
        });
        let handler = interrupt.clone();
        ctrlc::set_handler(move || {
            if handler.stop.swap(true, Ordering::SeqCst) {
                progress.clear();
                eprintln!("interrupted again: stopped at once; {second}");
                std::process::exit(EXIT_INTERRUPTED.into());
            }
            // held while exiting, so that the command cannot leave the phase meanwhile
            let at_once = handler.at_once.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(say) = at_once.as_ref() {
                progress.clear();
                say();
                std::process::exit(EXIT_INTERRUPTED.into());
            }
        })
        .context("cannot install the Ctrl-C handler")?;
        Ok(interrupt)
    }

    /// Whether a stop was asked for.
    pub fn requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// The stop flag, for the fetcher (no new request once it is set).
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// From now until [`Interrupt::done_at_once`], a signal runs `say` and exits at once.
    /// False, and nothing registered, when a stop was already asked for: the caller stops.
    pub fn at_once(&self, say: impl Fn() + Send + 'static) -> bool {
        let mut at_once = self.at_once.lock().unwrap_or_else(|p| p.into_inner());
        if self.requested() {
            return false;
        }
        *at_once = Some(Box::new(say));
        true
    }

    /// Signals stop at the next boundary again. Once this returns, no signal exits at once
    /// with the summary registered before.
    pub fn done_at_once(&self) {
        *self.at_once.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
