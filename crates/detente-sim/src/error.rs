//! The crate's error, for the operations through which several of its errors flow (a
//! decision report plans, simulates and sweeps every design). Each part keeps its own
//! type ([`PlanError`], [`TallyError`], [`SweepError`]); this enum only gathers them,
//! unchanged, so a front end can match on what went wrong without parsing text.

use detente_engine::compiled::CompileError;
use detente_spec::assumption::ParameterError;

use crate::plan::PlanError;
use crate::sweep::SweepError;
use crate::tally::TallyError;

/// Why a simulation, a comparison, a sweep or a report could not be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The agreement cannot be compiled (it is invalid).
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// The assumptions cannot be planned.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The tallies cannot hold the results, or the computation was cancelled.
    #[error(transparent)]
    Tally(#[from] TallyError),
    /// A parameter cannot be set to a value.
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// A name in `[simulation.range]` is not an assumption of the agreement.
    #[error(transparent)]
    Parameter(#[from] ParameterError),
    /// One design of several cannot be planned once aligned with the first.
    #[error("{design}: {source}")]
    Design {
        /// The design's agreement id.
        design: String,
        /// Why.
        #[source]
        source: PlanError,
    },
    /// A report of no designs.
    #[error("a report needs at least one design")]
    NoDesigns,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn a_designs_error_names_the_design_and_keeps_the_cause() {
        let error = Error::Design { design: "korea-2020".into(), source: PlanError::NoRuns };
        assert_eq!(error.to_string(), "korea-2020: the number of runs must be at least 1");
        let source = error.source().and_then(|s| s.downcast_ref::<PlanError>());
        assert_eq!(source, Some(&PlanError::NoRuns));
    }

    #[test]
    fn a_wrapped_error_reads_as_itself() {
        let error = Error::from(TallyError::Overflow { what: "a sum" });
        assert!(error.to_string().starts_with("a sum exceeds the exact range of the tallies"));
        assert!(matches!(error, Error::Tally(TallyError::Overflow { what: "a sum" })));
    }
}
