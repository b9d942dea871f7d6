//! The pure stages of corroborate: per-article analysis ([`doc`]), copies ([`dedupe`]),
//! entities ([`entities`]), stories ([`cluster`]), claims and facts ([`claims`]),
//! independence and status ([`assess`]), wired together by [`pipeline::run`].
//!
//! Architecture invariant: no I/O and no clocks in the stages (the pipeline only measures
//! elapsed time for reporting); the same articles and config give the same dossier.
//!
//! ```
//! use corroborate_engine::{config::Config, pipeline::run};
//! use corroborate_model::Article;
//! let articles = vec![
//!     Article::new("a", "inline", "Syrian forces carried out 61 raids on Saturday, arresting 71 people, state TV said."),
//!     Article::new("b", "inline", "State TV said Syrian forces made 61 raids on Saturday and arrested 71 people."),
//! ];
//! let dossier = run(articles, &Config::default(), &|_| {}).unwrap().dossier;
//! assert_eq!(dossier.stories.len(), 1);
//! ```
pub mod assess;
pub mod claims;
pub mod cluster;
pub mod config;
pub mod dedupe;
pub mod doc;
pub mod entities;
pub mod events;
pub mod merge;
pub mod pipeline;
pub mod stances;

pub use config::Config;
pub use pipeline::{
    run, run_counted, run_embedded, Analysis, EngineError, Step, StepProgress, PROGRESS_EVERY,
};
