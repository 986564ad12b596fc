//! # detente
//!
//! Phased reciprocal agreements (one side's measures traded step by step for the
//! other's concessions, with verification and snap-back), as a library that a
//! command line, a server, a browser worker or a Python binding embeds.
//!
//! This crate is the public face of the core crates, in the manner of Cedar's
//! `cedar-policy` over `cedar-policy-core`: it owns what it holds (cheap-to-clone
//! handles, `Send + Sync`), refuses bad input with one typed [`Error`] that locates the
//! fault and says what to do, and never panics on anything a caller passes. The rules
//! that decide an agreement's state live in one place, `detente-engine`; this crate
//! only asks it.
//!
//! ```
//! use detente::{Agreement, EventRecord, Format, History};
//!
//! // Read and check an agreement (the starter: two parties, a freeze for relief).
//! let agreement = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
//! // Its record, to which parties append events by id, in any order of dates.
//! let mut history = History::new(&agreement);
//! history.append(EventRecord {
//!     date: Some("2026-02-01".into()),
//!     actor: Some("beta".into()),
//!     kind: Some("performed".into()),
//!     subject: Some("freeze-enrichment".into()),
//!     ..EventRecord::default()
//! })?;
//! // The state on any date, every status with its reason.
//! let state = history.state("2026-03-01".parse().unwrap())?;
//! let freeze = state.commitments.iter().find(|c| c.id == "freeze-enrichment").unwrap();
//! assert_eq!(freeze.status, detente::CommitmentStatus::Performed);
//! println!("{:?}: {}", freeze.status, freeze.reason.text);
//! # Ok::<(), detente::Error>(())
//! ```

// Every public item is documented, and library code never unwraps: bad input is
// refused with an error, never a panic (clippy.toml allows both in tests).
#![warn(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod agreement;
mod analyze;
mod compare;
mod error;
mod history;
pub mod json;
mod simulate;
pub mod solve;

pub use agreement::{check, Agreement, Format, MAX_AGREEMENT_BYTES};
pub use analyze::{
    Analysis, AnalyzeOptions, Incentives, LearningReport, DEFAULT_DISCOUNT, DEFAULT_INSPECTION_COST,
};
pub use compare::compare;
pub use detente_engine::explain::Explanation;
pub use detente_engine::log::{Event, EventRecord, Format as LogFormat};
pub use detente_engine::readings::ReadingDifference;
pub use detente_engine::state::{CommitmentStatus, State, Transition};
pub use detente_sim::compare::CompareReport;
pub use detente_sim::{Control, Stopped};
pub use detente_spec::diagnostic::JsonDiagnostic as Diagnostic;
pub use detente_spec::time::Date;
pub use error::{Error, ErrorKind, EventRefused};
pub use history::{Appended, History, CHECKPOINT_EVERY};
pub use simulate::{Futures, RunTable, SimulateOptions, Summary};
