//! Designs compared on common random numbers: run `i` of every design draws the same
//! random numbers, so their differences are paired (docs/simulation.md, "Comparing
//! designs").

use detente_sim::compare::{align, compare_with, CompareReport};
use detente_sim::{Control, Overrides, Plan, Simulator, Stopped};

use crate::{Agreement, Error, SimulateOptions};

/// Compares `designs` (the first is the reference) over the same futures: each one's
/// summary, and for every metric each design's mean and its paired difference from the
/// reference. The horizon, step, runs and seed are the reference's (or `options`'), as
/// `detente compare` aligns them; each design keeps its own strategies and other
/// assumptions.
///
/// ```
/// use detente::{compare, Agreement, Control, Format, SimulateOptions};
/// let deal = Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml)?;
/// let options = SimulateOptions { runs: Some(100), years: Some(3), seed: Some(1) };
/// let report = compare(&[deal.clone(), deal], options, &Control::new(&|_| {}))?;
/// assert_eq!(report.designs.len(), 2);
/// # Ok::<(), detente::Error>(())
/// ```
pub fn compare(
    designs: &[Agreement],
    options: SimulateOptions,
    control: &Control,
) -> Result<CompareReport, Error> {
    if designs.len() < 2 {
        return Err(Error::TooFewDesigns { designs: designs.len() });
    }
    let mut compiled: Vec<detente_engine::Agreement> = designs.iter().map(|a| a.compiled().clone()).collect();
    let overrides = Overrides { runs: options.runs, years: options.years, seed: options.seed, start: None };
    align(&mut compiled, overrides).map_err(|(d, e)| Error::InvalidAssumptions {
        design: Some(designs[d].id().to_string()),
        source: e.into(),
    })?;
    let simulators = compiled
        .iter()
        .map(|a| Plan::new(a, Overrides::default()).map(|plan| Simulator::new(a, plan)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::InvalidAssumptions { design: None, source: e.into() })?;
    let runs = simulators.first().map_or(0, |s| u64::from(s.plan().runs));
    let comparison = compare_with(&simulators, 0..runs, control).map_err(|stopped| match stopped {
        Stopped::Cancelled => Error::Cancelled,
        Stopped::Failed(e) => Error::Tally(e),
    })?;
    Ok(CompareReport::new(&simulators, &comparison))
}
