//! Language primitives shared by the readers and the pure stages of corroborate.
//!
//! Owns: tokenisation with byte spans ([`token`]), sentence and paragraph segmentation
//! with boilerplate classification ([`segment`]), the English news lexicon ([`lexicon`]),
//! dates ([`dates`]) and quantities ([`quantity`]) normalised for comparison, and the
//! spelling-folding keys used to match names across transliterations ([`fold`]).
//!
//! Architecture invariant: no I/O, no global mutable state; every function is pure and
//! deterministic.
//!
//! ```
//! use corroborate_text::quantity::{quantities, Unit};
//! let q = quantities("a six-month suspension");
//! assert_eq!(q[0].value, 180.0);
//! assert_eq!(q[0].unit, Unit::Days);
//! ```

pub mod dates;
pub mod fold;
pub mod lexicon;
pub mod provenance;
pub mod quantity;
pub mod segment;
pub mod sparse;
pub mod token;

pub use segment::{segment, ParaKind, Sentence};
pub use token::{tokenize, Token, TokenKind};
