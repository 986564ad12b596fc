//! `detente simulate`: Monte Carlo futures of one agreement, summarised as text or JSON,
//! with CSV tables (and charts) in `--out DIR`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use detente_engine::log::Event;
use detente_engine::Agreement;
use detente_sim::continuing::{self, ContinueError};
use detente_sim::summary::Summary;
use detente_sim::trace::log_line;
use detente_sim::{shards, Overrides, Plan, RunRecord, Simulator};

use crate::out::{self, Output};
use crate::term::write_stdout;
use crate::{replay, INVALID};

/// Output formats of `simulate`, `compare` and `merge`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimFormat {
    /// A terminal summary.
    Text,
    /// The full summary as JSON.
    Json,
}

/// The options every simulating command shares.
#[derive(clap::Args, Clone)]
pub struct RunOptions {
    /// How many futures, at least 1 (default: the file's `[simulation] runs`, else 10,000).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    runs: Option<u32>,
    /// The horizon in years, 1 to 1,000 (default: the file's `horizon`, else 20).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
    years: Option<u32>,
    /// The seed (default: the file's `seed`, else 1). The same seed gives the same output.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads, from 1 to 4 per core (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = SimFormat::Text)]
    format: SimFormat,
    /// Also write CSV tables and charts (SVG and PNG) into this directory.
    #[arg(long)]
    out: Option<PathBuf>,
}

impl RunOptions {
    fn overrides(&self) -> Overrides {
        Overrides { runs: self.runs, years: self.years, seed: self.seed, start: None }
    }
}

/// The most threads `--threads` accepts per core.
const MAX_THREADS_PER_CORE: usize = 4;

/// Sets the size of rayon's pool once; results are the same whatever the size.
fn threads(options: &RunOptions) -> Result<(), String> {
    if let Some(n) = options.threads {
        if n == 0 {
            return Err("--threads must be at least 1".into());
        }
        // The work is all computation: threads beyond the cores only add overhead (and
        // --threads 100000 once started 14,000 of them before failing).
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let most = MAX_THREADS_PER_CORE * cores;
        if n > most {
            return Err(format!(
                "--threads {n} is more than {MAX_THREADS_PER_CORE} per core: this machine has {cores} \
                 (at most {most}); results are the same whatever the count"
            ));
        }
        rayon::ThreadPoolBuilder::new().num_threads(n).build_global().map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A progress bar on standard error for long runs (hidden when it is not a terminal).
fn progress_bar(runs: u64) -> indicatif::ProgressBar {
    let bar =
        if runs >= 20_000 { indicatif::ProgressBar::new(runs) } else { indicatif::ProgressBar::hidden() };
    let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs ({rate}, {eta} left)")
    else {
        return indicatif::ProgressBar::hidden();
    };
    // indicatif's own {per_sec} prints "2,976.5021/s"; a whole number of runs reads better.
    bar.set_style(style.with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = write!(w, "{} runs/s", thousands(state.per_sec().round() as u64));
    }));
    bar
}

/// `n` with thousands separated by commas: 12,345.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Loads and plans one agreement, or the exit code to stop with.
pub(crate) fn planned(path: &Path, overrides: Overrides) -> Result<Result<(Agreement, Plan), u8>, String> {
    let agreement = match replay::agreement(path)? {
        Ok(agreement) => agreement,
        Err(code) => return Ok(Err(code)),
    };
    match Plan::new(&agreement, overrides) {
        Ok(plan) => Ok(Ok((agreement, plan))),
        Err(e) => {
            note!("{}: {e}", path.display());
            Ok(Err(INVALID))
        }
    }
}

/// What `simulate` is asked to do besides the plain run.
pub struct Extras {
    /// `--keep-runs`.
    pub keep_runs: bool,
    /// `--sweep PARAM=a..b:n`.
    pub sweep: Option<String>,
    /// `--shard i/n`.
    pub shard: Option<String>,
    /// `--from LOG`.
    pub from: Option<PathBuf>,
    /// `--lenient` (with `--from`).
    pub lenient: bool,
    /// `--trace RUN`.
    pub trace: Option<u64>,
    /// `--trace-out FILE` (with `--trace`).
    pub trace_out: Option<PathBuf>,
}

/// `simulate --from LOG`: futures that continue a real history from its last date
/// (`detente_sim::continuing` replays it as `replay` reads it).
fn simulate_after(spec: &Path, log: &Path, options: &RunOptions, extras: &Extras) -> Result<u8, String> {
    let agreement = match replay::agreement(spec)? {
        Ok(agreement) => agreement,
        Err(code) => return Ok(code),
    };
    let events = match replay::event_log(log, &agreement, extras.lenient)? {
        Ok(log) => log.events,
        Err(code) => return Ok(code),
    };
    let sim = match continuing::simulator(&agreement, options.overrides(), &events) {
        Ok(sim) => sim,
        Err(ContinueError::Refused { line, message, help }) => {
            let help = help.map(|h| format!("\n  help: {h}")).unwrap_or_default();
            note!("{}:{line}: error: {message}{help}", log.display());
            return Ok(INVALID);
        }
        Err(ContinueError::Plan(e)) => {
            note!("{}: {e}", spec.display());
            return Ok(INVALID);
        }
    };
    if let Some(run) = extras.trace {
        return trace_run(
            &sim,
            run,
            extras.trace_out.as_deref(),
            &Traced { spec, history: Some((log, &events)) },
        );
    }
    run_and_report(&sim, options, extras.keep_runs)
}

/// Starts writing `--out`, if given, before any work: a directory that may not be
/// replaced, or one another run is writing, is refused before minutes of computing.
fn begin_out(out: Option<&Path>, command: &str) -> Result<Option<Output>, String> {
    out.map(|dir| Output::begin(dir, command)).transpose()
}

/// Runs every future of `sim` (with a progress bar on long runs), then prints the
/// summary and writes the outputs.
fn run_and_report(sim: &Simulator, options: &RunOptions, keep_runs: bool) -> Result<u8, String> {
    let output = begin_out(options.out.as_deref(), "simulate")?;
    let agreement = sim.agreement();
    let runs = sim.plan().runs as u64;
    let bar = progress_bar(runs);
    let done = AtomicU64::new(0);
    let (tally, records) = detente_sim::simulate(sim, 0..runs, keep_runs, &|n| {
        bar.set_position(done.fetch_add(n, Ordering::Relaxed) + n);
    })
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let mut summary = Summary::new(agreement, sim.plan(), &tally);
    if let Some(note) = continuing::ended_note(sim) {
        note!("warning: {note}");
        summary.notes.push(note);
    }
    if let Some(output) = output {
        write_outputs(&output, &summary, keep_runs.then_some(&records[..]), agreement)?;
        output.commit()?;
    }
    print_summary(&summary, options.format)
}

pub fn simulate(spec: &Path, options: &RunOptions, extras: &Extras) -> Result<u8, String> {
    threads(options)?;
    if let Some(log) = &extras.from {
        return simulate_after(spec, log, options, extras);
    }
    let (agreement, plan) = match planned(spec, options.overrides())? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    if let Some(sweep) = &extras.sweep {
        return run_sweep(agreement, options, sweep);
    }
    if let Some(shard) = &extras.shard {
        return run_shard(agreement, plan, options, shard);
    }
    let sim = Simulator::new(&agreement, plan);
    if let Some(run) = extras.trace {
        return trace_run(&sim, run, extras.trace_out.as_deref(), &Traced { spec, history: None });
    }
    run_and_report(&sim, options, extras.keep_runs)
}

/// Where a traced future comes from: the specification, and the history it continues.
struct Traced<'p> {
    spec: &'p Path,
    history: Option<(&'p Path, &'p [Event])>,
}

/// `simulate --trace RUN`: plays future `run` again alone and writes its record as an
/// event log (the history it continues first, as read), to `out` or standard output;
/// its outcome and the truth not on record go to standard error.
fn trace_run(sim: &Simulator, run: u64, out: Option<&Path>, traced: &Traced) -> Result<u8, String> {
    let plan = sim.plan();
    let runs = plan.runs as u64;
    if run >= runs {
        return Err(format!(
            "--trace {run}: this simulation has {} futures, numbered 0 to {}; --runs sets how many \
             (the same seed gives the same futures)",
            thousands(runs),
            thousands(runs - 1)
        ));
    }
    let ag = sim.agreement();
    let trace = sim.trace(run);
    let history = traced.history.map_or(&[][..], |(_, events)| events);
    let mut text: String = history.iter().map(|e| log_line(ag, e) + "\n").collect();
    text.push_str(&trace.jsonl(ag));
    match out {
        Some(path) => out::write_file_atomic(path, text.as_bytes())?,
        None => write_stdout(&text, true)?,
    }
    let mut summary = trace.summary(ag, plan);
    if let Some(how) = sim.stopped_at_start() {
        summary.push_str(&format!(
            "warning: the history had already {how} by {}: the future starts there\n",
            plan.start
        ));
    }
    if let Some((log, events)) = traced.history {
        summary.push_str(&format!(
            "The log begins with the {} events of {}, as read; the future continues from {}.\n",
            events.len(),
            log.display(),
            plan.start
        ));
    }
    let (file, saved) = match out {
        Some(path) => (path.display().to_string(), ""),
        None => ("TRACE.jsonl".to_string(), " (standard output saved as TRACE.jsonl)"),
    };
    let horizon = plan.dates.last().copied().unwrap_or(plan.start);
    summary.push_str(&format!(
        "Replay it{saved}: detente replay {} {file} --at {horizon}\n",
        traced.spec.display()
    ));
    note_raw!("{summary}");
    Ok(crate::SUCCESS)
}

/// The assumptions as they were resolved, written back into the agreement, so that a
/// shard file or a sweep point carries everything needed to reproduce it.
fn with_assumptions(mut agreement: Agreement, plan: &Plan) -> Agreement {
    agreement.set_simulation(Some(plan.assumptions.clone()));
    agreement
}

fn run_sweep(agreement: Agreement, options: &RunOptions, sweep: &str) -> Result<u8, String> {
    let sweep = detente_sim::sweep::Sweep::parse(sweep).map_err(|e| format!("--sweep: {e}"))?;
    let output = begin_out(options.out.as_deref(), "simulate --sweep")?;
    let base = Plan::new(&agreement, options.overrides()).map_err(|e| e.to_string())?;
    let agreement = with_assumptions(agreement, &base);
    let bar = progress_bar(base.runs as u64 * sweep.values.len() as u64);
    let done = AtomicU64::new(0);
    let mut points = Vec::new();
    for &value in &sweep.values {
        let mut point = agreement.clone();
        detente_sim::sweep::apply(&mut point, &sweep.parameter, value)
            .map_err(|e| format!("--sweep: {e}"))?;
        let plan = Plan::new(&point, Overrides::default()).map_err(|e| format!("--sweep at {value}: {e}"))?;
        let runs = plan.runs as u64;
        let sim = Simulator::new(&point, plan);
        let (tally, _) = detente_sim::simulate(&sim, 0..runs, false, &|n| {
            bar.set_position(done.fetch_add(n, Ordering::Relaxed) + n);
        })
        .map_err(|e| format!("--sweep at {value}: {e}"))?;
        points.push(detente_sim::sweep::Point { value, summary: Summary::new(&point, sim.plan(), &tally) });
    }
    bar.finish_and_clear();
    let report = detente_sim::sweep::SweepReport { parameter: sweep.parameter, points };
    if let Some(output) = output {
        output.write("sweep.csv", report.csv().as_bytes())?;
        let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n";
        output.write("sweep.json", json.as_bytes())?;
        detente_charts::sweep(&report, output.dir()).map_err(|e| e.to_string())?;
        output.commit()?;
    }
    let text = match options.format {
        SimFormat::Text => report.text(),
        SimFormat::Json => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n",
    };
    write_stdout(&text, options.format == SimFormat::Json)?;
    Ok(crate::SUCCESS)
}

fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let usage = "write --shard INDEX/COUNT with 1 <= INDEX <= COUNT, e.g. --shard 2/8";
    let (i, n) = text.split_once('/').ok_or_else(|| format!("--shard `{text}`: {usage}"))?;
    let (i, n): (u64, u64) = match (i.trim().parse(), n.trim().parse()) {
        (Ok(i), Ok(n)) => (i, n),
        _ => return Err(format!("--shard `{text}`: {usage}")),
    };
    if i == 0 || i > n {
        return Err(format!("--shard `{text}`: {usage}"));
    }
    Ok((i, n))
}

fn run_shard(agreement: Agreement, plan: Plan, options: &RunOptions, shard: &str) -> Result<u8, String> {
    let (index, count) = parse_shard(shard)?;
    let runs = detente_sim::shard(plan.runs as u64, index, count);
    let agreement = with_assumptions(agreement, &plan);
    let sim = Simulator::new(&agreement, plan);
    let (tally, _) = detente_sim::simulate(&sim, runs.clone(), false, &|_| {}).map_err(|e| e.to_string())?;
    let file = shards::ShardFile {
        format: shards::FORMAT.into(),
        shard: (index, count),
        spec: agreement.spec.clone(),
        runs: (runs.start, runs.end),
        tally,
    };
    let json = serde_json::to_string(&file).map_err(|e| e.to_string())? + "\n";
    match &options.out {
        Some(dir) => {
            // Shards of one split share a directory, so each file is written whole on
            // its own rather than the directory replaced.
            let name = format!("shard-{index}-of-{count}.json");
            out::write_file_atomic(&dir.join(&name), json.as_bytes())?;
            note!("wrote {}; combine all {count} shards with `detente merge`", dir.join(name).display());
        }
        None => write_stdout(&json, true)?,
    }
    Ok(crate::SUCCESS)
}

/// `detente merge`: combines shard files into the result one run would have given.
/// Every shard is checked before it is believed (see `detente_sim::shards`); the first
/// problem found is reported with the file it is in.
pub fn merge(files: &[PathBuf], format: SimFormat, out: Option<&Path>) -> Result<u8, String> {
    let output = begin_out(out, "merge")?;
    let mut shards = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {name}: {e}"))?;
        // Bytes that are not UTF-8 are not a shard file (invalid input, exit 1), as a
        // specification, a log or a game that is not UTF-8 is invalid; only a file that
        // cannot be read is an I/O error.
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                note!(
                    "{name}: error: not a detente shard file: not UTF-8 text (bad byte at offset {at})\n  \
                     help: shard files are JSON, written by `detente simulate SPEC --shard I/N --out DIR`"
                );
                return Ok(INVALID);
            }
        };
        match shards::read(&name, &text) {
            Ok(shard) => shards.push((name, shard)),
            Err(e) => {
                note!("{e}");
                return Ok(INVALID);
            }
        }
    }
    let merged = match shards::merge(&shards) {
        Ok(merged) => merged,
        Err(e) => {
            note!("{e}");
            return Ok(INVALID);
        }
    };
    let summary = Summary::new(&merged.agreement, &merged.plan, &merged.tally);
    if let Some(output) = output {
        write_outputs(&output, &summary, None, &merged.agreement)?;
        output.commit()?;
    }
    print_summary(&summary, format)
}

fn print_summary(summary: &Summary, format: SimFormat) -> Result<u8, String> {
    let text = match format {
        SimFormat::Text => summary.text(),
        SimFormat::Json => serde_json::to_string_pretty(summary).map_err(|e| e.to_string())? + "\n",
    };
    write_stdout(&text, format == SimFormat::Json)?;
    Ok(crate::SUCCESS)
}

fn write_outputs(
    output: &Output,
    summary: &Summary,
    records: Option<&[RunRecord]>,
    agreement: &Agreement,
) -> Result<(), String> {
    for (name, text) in summary.csv() {
        output.write(name, text.as_bytes())?;
    }
    let json = serde_json::to_string_pretty(summary).map_err(|e| e.to_string())? + "\n";
    output.write("summary.json", json.as_bytes())?;
    if let Some(records) = records {
        output.write("runs.csv", detente_sim::runs_csv(records, agreement).as_bytes())?;
    }
    detente_charts::simulation(summary, output.dir()).map_err(|e| e.to_string())?;
    Ok(())
}

/// `detente compare`: several designs on common random numbers, through the library
/// (`detente::compare` aligns them and pairs their futures).
pub fn compare(specs: &[PathBuf], options: &RunOptions) -> Result<u8, String> {
    threads(options)?;
    if specs.len() < 2 {
        return Err("compare needs at least two specification files".into());
    }
    let mut designs = Vec::new();
    for path in specs {
        match replay::facade_agreement(path)? {
            Ok(agreement) => designs.push(agreement),
            Err(code) => return Ok(code),
        }
    }
    let output = begin_out(options.out.as_deref(), "compare")?;
    let overrides = options.overrides();
    let asked =
        detente::SimulateOptions { runs: overrides.runs, years: overrides.years, seed: overrides.seed };
    // The reference's plan fixes the runs of every design (for the progress bar only).
    let runs = Plan::new(designs[0].compiled(), overrides).map_or(0, |plan| u64::from(plan.runs));
    let bar = progress_bar(runs * designs.len() as u64 / 2);
    let done = AtomicU64::new(0);
    let progress = |n| bar.set_position(done.fetch_add(n, Ordering::Relaxed) + n);
    let report = match detente::compare(&designs, asked, &detente::Control::new(&progress)) {
        Ok(report) => report,
        Err(e) => return crate::exit::refused("compare", &e),
    };
    bar.finish_and_clear();
    if let Some(output) = output {
        write_comparison(&output, &report)?;
        output.commit()?;
    }
    let text = match options.format {
        SimFormat::Text => report.text(),
        SimFormat::Json => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n",
    };
    write_stdout(&text, options.format == SimFormat::Json)?;
    Ok(crate::SUCCESS)
}

/// `compare --out DIR`: the comparison, each design's tables and charts in its own
/// subdirectory, and the comparison's charts.
fn write_comparison(output: &Output, report: &detente::CompareReport) -> Result<(), String> {
    let json = serde_json::to_string_pretty(report).map_err(|e| e.to_string())? + "\n";
    output.write("comparison.json", json.as_bytes())?;
    for (name, summary) in design_dirs(&report.designs).iter().zip(&report.summaries) {
        std::fs::create_dir(output.dir().join(name)).map_err(|e| format!("cannot create {name}: {e}"))?;
        for (file, text) in summary.csv() {
            output.write(&format!("{name}/{file}"), text.as_bytes())?;
        }
        detente_charts::simulation(summary, &output.dir().join(name)).map_err(|e| e.to_string())?;
    }
    detente_charts::comparison(report, output.dir()).map_err(|e| e.to_string())?;
    Ok(())
}

/// `detente report`: the decision report of the designs, built by the library; written
/// to `--out` as report.md and report.html (atomically), or printed as Markdown.
pub fn report(
    specs: &[PathBuf],
    options: &RunOptions,
    driver_runs: u32,
    game_runs: u32,
) -> Result<u8, String> {
    threads(options)?;
    if options.format == SimFormat::Json {
        return Err("report writes Markdown and HTML; for JSON use compare --format json".into());
    }
    let mut agreements = Vec::new();
    for path in specs {
        match replay::agreement(path)? {
            Ok(agreement) => agreements.push(agreement),
            Err(code) => return Ok(code),
        }
    }
    let output = begin_out(options.out.as_deref(), "report")?;
    let game_warnings: Vec<String> = agreements.iter().flat_map(|a| game_warnings(&a.spec)).collect();
    let inspection = crate::report::inspection_section(&agreements);
    let learning = crate::report::learning_section(&agreements)?;
    let game_overrides = Overrides { runs: Some(game_runs), ..options.overrides() };
    let (tournaments, tournament_warnings) = crate::report::tournaments(&agreements, game_overrides)?;
    let report_options = detente_sim::report::ReportOptions { driver_runs, ..Default::default() };
    let mut report = match detente_sim::report::build(agreements, options.overrides(), report_options) {
        Ok(report) => report,
        Err(e) => {
            note!("{e}");
            return Ok(INVALID);
        }
    };
    report.add_warnings(game_warnings);
    report.add_warnings(tournament_warnings);
    report.add_section("Inspection budgets: Dresher's game", inspection);
    report.add_section("Best responses: the tournament", tournaments);
    if !learning.is_empty() {
        report.add_section("Learning by verified steps", learning);
    }
    match output {
        Some(output) => {
            let mut charts = Vec::new();
            for (stem, figure) in detente_charts::comparison_figures(&report.comparison) {
                let svg = detente_charts::svg(&figure).map_err(|e| e.to_string())?;
                let file = format!("{stem}.svg");
                output.write(&file, svg.as_bytes())?;
                charts.push((file, figure.title.clone(), svg));
            }
            let tornadoes = crate::report::tornadoes(&report)?;
            for (_, file, _, svg) in &tornadoes {
                output.write(file, svg.as_bytes())?;
            }
            let (markdown, html) = report.with_figures(&charts, &tornadoes);
            output.write("report.md", markdown.as_bytes())?;
            output.write("report.html", html.as_bytes())?;
            output.commit()?;
        }
        None => write_stdout(&report.markdown(), false)?,
    }
    Ok(crate::SUCCESS)
}

/// The game analysis's warnings on a design (`detente analyze` at its defaults): measures
/// whose cheating inspection and snap-back do not deter, and phases on the path that are
/// not self-enforcing.
fn game_warnings(spec: &detente_spec::Spec) -> Vec<String> {
    let analysis = detente_game::analysis::Report::new(spec, 0.9, 0.5);
    let id = &spec.agreement.id;
    let mut out: Vec<String> =
        analysis.warnings().into_iter().map(|w| format!("`{id}` (detente analyze): {w}")).collect();
    out.extend(analysis.phases.iter().filter(|p| p.reached && !p.self_enforcing).map(|p| {
        format!(
            "`{id}` (detente analyze, discount 0.9 a phase): phase `{}` is not self-enforcing: some party loses \
             by performing its part, so the phase rests on trust or on enforcement",
            p.phase
        )
    }));
    out
}

/// The subdirectory of each design in `compare --out`: its id, or `design-N` when the id
/// is not a plain file name or another design has it too (comparing a file with itself).
fn design_dirs(designs: &[String]) -> Vec<String> {
    designs
        .iter()
        .enumerate()
        .map(|(d, id)| {
            let plain = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            let unique = designs.iter().filter(|other| *other == id).count() == 1;
            if plain && unique {
                id.clone()
            } else {
                format!("design-{}", d + 1)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_read_as_whole_numbers_with_thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(2976), "2,976");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }
}
