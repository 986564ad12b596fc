//! Shard files: a slice of a simulation's runs (`detente simulate --shard I/N`) and their
//! tally, and merging them (`detente merge`) into exactly the tally of one run.
//!
//! A shard file comes from elsewhere (another machine, an edit, a truncated copy), so
//! nothing in it is trusted: [`read`] checks its form, and [`merge`] checks that every
//! shard is internally consistent (its tally counts exactly the runs it claims, and
//! those are exactly its slice of the agreement's runs), that all shards simulate the
//! same agreement under the same assumptions and seed, and that together they cover
//! every run exactly once, naming the file at fault when they do not. Tallies add with
//! checked arithmetic.

use std::ops::Range;

use detente_engine::Agreement;
use detente_spec::model::Spec;
use serde::{Deserialize, Serialize};

use crate::plan::{Overrides, Plan, BINS};
use crate::tally::Tally;

/// The `format` of shard files this version writes and reads.
pub const FORMAT: &str = "detente-shard/3";

/// A shard of a simulation: everything `detente merge` needs to combine shards into
/// exactly the result of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    /// Identifies the file type and version ([`FORMAT`]).
    pub format: String,
    /// This shard's index (from 1) and the number of shards.
    pub shard: (u64, u64),
    /// The agreement, with its resolved assumptions.
    pub spec: Spec,
    /// The runs of this shard: run indices `runs.0 .. runs.1`.
    pub runs: (u64, u64),
    /// The tally of those runs.
    pub tally: Tally,
}

/// Why a shard, or a set of shards, cannot be merged.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardError {
    /// The file at fault (its name as given), when one is.
    pub file: Option<String>,
    /// The 1-based line and column in it, for a file that is not a shard file.
    pub at: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The error of the part that refused the shard (the engine compiling its agreement,
    /// the plan of its assumptions, its tally), when one did: `message` says it in words,
    /// this is it as a value ([`std::error::Error::source`]).
    pub cause: Option<Box<crate::Error>>,
}

impl ShardError {
    fn in_file(file: &str, message: impl Into<String>) -> ShardError {
        ShardError {
            file: Some(file.to_string()),
            at: None,
            message: message.into(),
            help: None,
            cause: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> ShardError {
        self.help = Some(help.into());
        self
    }

    fn caused_by(mut self, cause: impl Into<crate::Error>) -> ShardError {
        self.cause = Some(Box::new(cause.into()));
        self
    }
}

impl std::error::Error for ShardError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl std::fmt::Display for ShardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.file, self.at) {
            (Some(file), Some((line, column))) => write!(f, "{file}:{line}:{column}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            _ => {}
        }
        write!(f, "error: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

const WRITTEN_BY: &str = "shard files are written by `detente simulate SPEC --shard I/N --out DIR`";

/// The slice `index` of `count` (1-based, as `--shard 2/4` writes it) of `runs` runs: a
/// contiguous range of run indices, so that the shards together are exactly the runs.
/// `None` unless `1 <= index <= count`.
pub fn slice(runs: u64, index: u64, count: u64) -> Option<Range<u64>> {
    if index == 0 || index > count {
        return None;
    }
    // In 128 bits: runs * index cannot overflow.
    let at = |i: u64| (u128::from(runs) * u128::from(i) / u128::from(count)) as u64;
    Some(at(index - 1)..at(index))
}

/// Reads a shard file's text (`file` names it in errors).
pub fn read(file: &str, text: &str) -> Result<ShardFile, ShardError> {
    // The format first, so that a shard of another version says so rather than failing
    // on the first field that changed.
    #[derive(Deserialize)]
    struct Head {
        format: String,
    }
    if let Ok(head) = serde_json::from_str::<Head>(text) {
        if head.format != FORMAT {
            return Err(ShardError::in_file(
                file,
                format!("shard format `{}`, expected `{FORMAT}`", head.format),
            )
            .help(format!("{WRITTEN_BY}; rerun the shards with this version of detente")));
        }
    }
    serde_json::from_str(text).map_err(|e| ShardError {
        file: Some(file.to_string()),
        at: Some((e.line(), e.column())),
        message: format!("not a detente shard file: {e}"),
        help: Some(WRITTEN_BY.into()),
        cause: None,
    })
}

/// What merging shards gives: the agreement, its plan, and the tally of all its runs.
pub struct Merged {
    /// The agreement the shards simulate.
    pub agreement: Agreement,
    /// Its plan (the assumptions the shards carry).
    pub plan: Plan,
    /// The tally of every run.
    pub tally: Tally,
}

/// Checks `shards` (each with the name of its file) and merges them.
pub fn merge(shards: &[(String, ShardFile)]) -> Result<Merged, ShardError> {
    let Some((first_name, first)) = shards.first() else {
        return Err(ShardError {
            file: None,
            at: None,
            message: "no shard files given".into(),
            help: None,
            cause: None,
        });
    };
    for (name, shard) in shards {
        if shard.spec != first.spec {
            return Err(ShardError::in_file(
                name,
                format!("{} than {first_name}", difference(&shard.spec, &first.spec)),
            )
            .help("merge only the shards of one `detente simulate --shard` split"));
        }
    }
    let agreement = Agreement::compile(&first.spec).map_err(|e| {
        ShardError::in_file(first_name, format!("the shard's agreement cannot be simulated: {e}"))
            .caused_by(e)
    })?;
    let plan = Plan::new(&agreement, Overrides::default()).map_err(|e| {
        ShardError::in_file(first_name, format!("the shard's assumptions cannot be simulated: {e}"))
            .caused_by(e)
    })?;
    let total = u64::from(plan.runs);
    let count = first.shard.1;
    // The histograms' sizes follow from the plan; check the shard's before allocating
    // them, so that a small file claiming a vast simulation cannot exhaust memory.
    let steps = plan.steps();
    let quantity_cells = plan.quantities.len().checked_mul(steps).and_then(|n| n.checked_mul(BINS));
    let tally = &first.tally;
    if tally.steps != steps
        || Some(tally.quantity_bins.len()) != quantity_cells
        || tally.relief_bins.len() != steps * BINS
        || Some(tally.programme_bins.len())
            != plan.outputs.len().checked_mul(steps).and_then(|n| n.checked_mul(BINS))
    {
        return Err(ShardError::in_file(
            first_name,
            format!("its tally does not have the shape of its agreement's simulation ({steps} steps)"),
        )
        .help("the file was edited or damaged; run the shard again"));
    }
    let shape = Tally::new(
        &plan,
        agreement.phases.len(),
        agreement.powers.len(),
        agreement.commitments.len(),
        agreement.spec.instrument.len(),
    );
    let mut seen: Vec<(u64, &str)> = Vec::new();
    for (name, shard) in shards {
        let (index, of) = shard.shard;
        if of != count {
            return Err(ShardError::in_file(
                name,
                format!(
                    "shard {index}/{of} does not belong to a split into {count} ({first_name} is {}/{count})",
                    first.shard.0
                ),
            ));
        }
        if slice(total, index, count).is_none() {
            return Err(ShardError::in_file(name, format!("{index}/{count} is not a shard index")));
        }
        if let Some((_, other)) = seen.iter().find(|(i, _)| *i == index) {
            return Err(ShardError::in_file(
                name,
                format!("shard {index}/{count} is given twice (also {other})"),
            )
            .help("each run must be in exactly one shard: give each shard once"));
        }
        seen.push((index, name));
        let (start, end) = shard.runs;
        if start > end || end > total {
            return Err(ShardError::in_file(
                name,
                format!("its runs {start}..{end} are not a range within the {total} runs of the simulation"),
            ));
        }
        if shard.tally.runs != end - start {
            return Err(ShardError::in_file(
                name,
                format!(
                    "its tally counts {} runs, but it claims runs {start}..{end} ({} runs)",
                    shard.tally.runs,
                    end - start
                ),
            ));
        }
        if let Err(e) = shard.tally.validate(&shape) {
            return Err(ShardError::in_file(name, format!("its tally is inconsistent: {e}"))
                .help("the file was edited or damaged; run the shard again")
                .caused_by(e));
        }
    }
    let missing: Vec<String> =
        (1..=count).filter(|i| !seen.iter().any(|(s, _)| s == i)).map(|i| format!("{i}/{count}")).collect();
    if let Some(error) = overlaps_or_gaps(shards, total, &missing) {
        return Err(error);
    }
    // Without overlaps or gaps, a shard whose runs are not its index's slice was edited.
    for (name, shard) in shards {
        let (index, count) = shard.shard;
        let expected = slice(total, index, count).unwrap_or(0..0);
        if shard.runs != (expected.start, expected.end) {
            return Err(ShardError::in_file(
                name,
                format!(
                    "shard {index}/{count} claims runs {}..{}, but its slice of {total} runs is {}..{}",
                    shard.runs.0, shard.runs.1, expected.start, expected.end
                ),
            ));
        }
    }
    let mut tally = shape;
    for (name, shard) in shards {
        tally
            .merge(&shard.tally)
            .map_err(|e| ShardError::in_file(name, format!("cannot add its tally: {e}")).caused_by(e))?;
    }
    Ok(Merged { agreement, plan, tally })
}

/// Whether the shards' run ranges overlap or leave gaps in `0..total`, naming the files.
fn overlaps_or_gaps(shards: &[(String, ShardFile)], total: u64, missing: &[String]) -> Option<ShardError> {
    let mut ranges: Vec<(u64, u64, &str)> = shards
        .iter()
        .filter(|(_, s)| s.runs.0 < s.runs.1)
        .map(|(n, s)| (s.runs.0, s.runs.1, n.as_str()))
        .collect();
    ranges.sort();
    let mut covered = 0u64;
    let mut last: Option<(u64, u64, &str)> = None;
    for &(start, end, name) in &ranges {
        if let (true, Some((a, b, other))) = (start < covered, last) {
            return Some(
                ShardError::in_file(
                    name,
                    format!("its runs {start}..{end} overlap runs {a}..{b} of {other}"),
                )
                .help("each run must be in exactly one shard: merge the shards of one split, each once"),
            );
        }
        if start > covered {
            return Some(gap(covered, start, total, missing));
        }
        covered = end;
        last = Some((start, end, name));
    }
    (covered < total).then(|| gap(covered, total, total, missing))
}

fn gap(start: u64, end: u64, total: u64, missing: &[String]) -> ShardError {
    ShardError {
        file: None,
        at: None,
        message: format!(
            "runs {start}..{end} of the {total} are in no shard given (missing: [{}])",
            missing.join(", ")
        ),
        help: Some(
            "give every shard of the split (e.g. `detente merge shards/*.json`), or run the missing ones"
                .into(),
        ),
        cause: None,
    }
}

/// How two agreements a set of shards should share differ, for the error message.
fn difference(a: &Spec, b: &Spec) -> String {
    if a.agreement.id != b.agreement.id {
        return format!("this shard simulates the agreement `{}`, not `{}`", a.agreement.id, b.agreement.id);
    }
    match (&a.simulation, &b.simulation) {
        (Some(x), Some(y)) if x.seed != y.seed => format!("this shard has seed {}, not {}", x.seed, y.seed),
        (Some(x), Some(y)) if x.runs != y.runs => {
            format!("this shard splits {} runs, not {}", x.runs, y.runs)
        }
        (x, y) if x != y => "this shard simulates other assumptions".to_string(),
        _ => "this shard simulates another version of the agreement".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_partition_the_runs() {
        for runs in [0u64, 1, 7, 100, 10_001, u64::MAX] {
            for count in 1..=5u64 {
                let ranges: Vec<Range<u64>> = (1..=count).map(|i| slice(runs, i, count).unwrap()).collect();
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges.last().unwrap().end, runs);
                assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
            }
        }
        assert_eq!(slice(10, 0, 2), None);
        assert_eq!(slice(10, 3, 2), None);
    }
}
