//! `detente`: design, check, run and stress-test phased reciprocal agreements.
//!
//! The command line as a library: [`run`] takes the arguments and returns the exit
//! code, so the binary (`main.rs`) is one line and tests can run commands in process.
//! It parses arguments, reads files, calls the library crates and prints. Exit codes
//! are mapped in one place, [`exit`]: 0 success (warnings allowed), 1 invalid input,
//! 2 usage or I/O errors; docs/cli.md says which outcome of each command is which (keep
//! it true when a command changes).

// Every public item is documented, and library code never unwraps: bad input is
// refused with an error, never a panic (clippy.toml allows both in tests).
#![warn(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod term;
mod analyze;
mod backtest;
pub mod check;
pub mod exit;
mod load;
mod out;
mod replay;
mod report;
mod serve;
mod simulate;
mod solve;
mod tournament;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use check::{summary, CheckFormat};
use clap::{Parser, Subcommand, ValueEnum};
use detente_spec::diagnostic::{self, Style};
use detente_spec::Severity;
use term::write_stdout;

/// Design, check, run and stress-test phased reciprocal agreements.
#[derive(Parser)]
#[command(name = "detente", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and validate specification files, reporting every error and warning.
    Check {
        /// Specification files (TOML, or normalized JSON ending in .json).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Present an agreement as a roadmap a person can read.
    Show {
        /// The specification file.
        file: PathBuf,
        /// Output format; json prints the normalized form of the agreement.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Replay an event log and print the agreement's state on a date, with reasons.
    Replay {
        #[command(flatten)]
        inputs: replay::LogInputs,
        /// The date of the state (default: the date of the last event).
        #[arg(long)]
        at: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// List every status change of a replayed log, dated, with its reason.
    Timeline {
        #[command(flatten)]
        inputs: replay::LogInputs,
        /// First day to list (default: adoption).
        #[arg(long)]
        from: Option<String>,
        /// Last day to list (default: the date of the last event).
        #[arg(long)]
        to: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Explain why a commitment, phase, power, instrument, quantity or facility is in its status.
    Explain {
        #[command(flatten)]
        inputs: replay::LogInputs,
        /// The id of the item to explain.
        id: String,
        /// The date (default: the date of the last event).
        #[arg(long)]
        at: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Simulate many futures of an agreement under its `[simulation]` assumptions.
    Simulate {
        /// The specification file.
        spec: PathBuf,
        #[command(flatten)]
        options: simulate::RunOptions,
        /// Keep one row per run (runs.csv in --out); off by default to bound memory.
        #[arg(long)]
        keep_runs: bool,
        /// Vary one assumption: PARAM=FROM..TO:POINTS, e.g. detection.production-freeze=0.3..0.9:7.
        #[arg(long, value_name = "PARAM=FROM..TO:POINTS", conflicts_with_all = ["shard", "keep_runs"])]
        sweep: Option<String>,
        /// Run only slice INDEX of COUNT (e.g. 2/8) and write its tally for `detente merge`.
        #[arg(long, value_name = "INDEX/COUNT", conflicts_with = "keep_runs")]
        shard: Option<String>,
        /// Continue a real history: replay this event log, then simulate from its last date.
        #[arg(long, value_name = "LOG", conflicts_with_all = ["sweep", "shard"])]
        from: Option<PathBuf>,
        /// With --from: skip bad log lines (and list them) instead of rejecting the log.
        #[arg(long, requires = "from")]
        lenient: bool,
        /// Play future RUN again alone (0 to runs - 1, as runs.csv numbers them) and write
        /// its record as an event log, the reason for each event in its `source`; its
        /// outcome and the ground truth not on record go to standard error.
        #[arg(long, value_name = "RUN", conflicts_with_all = ["sweep", "shard", "keep_runs", "out", "format"])]
        trace: Option<u64>,
        /// With --trace: write the event log to FILE instead of standard output.
        #[arg(long, value_name = "FILE", requires = "trace")]
        trace_out: Option<PathBuf>,
    },
    /// Backtest: simulate an agreement from its adoption to the last date of its real
    /// event log, and say where the real outcome (time to breakdown, time to collapse or
    /// breakdown, phases opened, relief delivered) falls among the futures, as a
    /// percentile.
    Backtest {
        /// The specification file.
        spec: PathBuf,
        /// The real event log (JSON Lines or CSV).
        log: PathBuf,
        /// How many futures (at least 1).
        #[arg(long, default_value_t = 400, value_parser = clap::value_parser!(u32).range(1..))]
        runs: u32,
        /// The seed (default: the file's, else 1).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Combine shard files from `simulate --shard` into exactly the result of one run.
    Merge {
        /// The shard files, all of one split.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = simulate::SimFormat::Text)]
        format: simulate::SimFormat,
        /// Also write CSV tables and charts into this directory.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compare designs on common random numbers: the same futures, side by side, with
    /// paired differences from the first design and their confidence intervals.
    Compare {
        /// Two or more specification files; the first is the reference.
        #[arg(required = true, num_args = 2..)]
        specs: Vec<PathBuf>,
        #[command(flatten)]
        options: simulate::RunOptions,
    },
    /// A decision report on one or more designs: headline outcomes with spreads and Monte
    /// Carlo errors, paired differences, what drives them (every assumption moved through
    /// its range), sample futures told by the record, warnings and every assumption.
    /// Markdown on standard output, or report.md and report.html in --out.
    Report {
        /// One or more specification files; the first is the reference.
        #[arg(required = true, num_args = 1..)]
        specs: Vec<PathBuf>,
        #[command(flatten)]
        options: simulate::RunOptions,
        /// Futures at each end of each assumption's range.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        driver_runs: u32,
        /// Futures per pair of strategies in each design's tournament (the best-response
        /// warnings).
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        game_runs: u32,
    },
    /// Which steps are self-enforcing, and which measures inspection and snap-back deter.
    Analyze {
        /// The specification file.
        spec: PathBuf,
        /// The discount factor per phase in the backward induction.
        #[arg(long, default_value_t = 0.9)]
        discount: f64,
        /// The cost of one inspection, on the scale of the specification's values, for
        /// the simultaneous inspection game.
        #[arg(long, default_value_t = 0.5)]
        inspection_cost: f64,
        /// Also write the phase game to this file in Gambit's .efg format.
        #[arg(long)]
        efg: Option<PathBuf>,
        /// Also write the phased game with types (of the party with a prior; with
        /// several, one file each, named FILE-PARTY.efg) in Gambit's .efg format.
        #[arg(long)]
        types_efg: Option<PathBuf>,
        /// How many phases the game with types covers (its tree grows fourfold a phase).
        #[arg(long, default_value_t = detente_game::types_game::DEFAULT_PHASES,
              value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=detente_game::types_game::MAX_PHASES as u64))]
        types_phases: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Strategy tournaments: of two parties of an agreement, simulated pair by pair and
    /// solved as a game (SPEC); or the classic iterated prisoner's dilemma (`--ipd`),
    /// scored as the Axelrod library scores it.
    Tournament {
        /// The specification whose parties play (omit with --ipd).
        #[arg(required_unless_present = "ipd", conflicts_with = "ipd")]
        spec: Option<PathBuf>,
        /// The iterated prisoner's dilemma round robin instead.
        #[arg(long)]
        ipd: bool,
        /// SPEC: the two parties, comma-separated (default: the first two signatories).
        #[arg(long)]
        parties: Option<String>,
        /// SPEC: candidate strategies, comma-separated, `kind` or `kind:parameter`.
        #[arg(
            long,
            default_value = "sincere,covert-cheater:0.05,hedger:3,tit-for-tat,grim-trigger,grit:6,maximalist"
        )]
        candidates: String,
        /// SPEC: simulated futures per pair of strategies (at least 1).
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
        runs: u32,
        /// SPEC: the horizon in years, 1 to 1,000 (default: the file's).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
        years: Option<u32>,
        /// SPEC: the seed (default: the file's).
        #[arg(long)]
        seed: Option<u64>,
        /// SPEC: the annual discount factor of the payoffs, in (0, 1] (an assumption;
        /// 1: no discounting).
        #[arg(long, default_value_t = detente_game::tournament::DEFAULT_DISCOUNT)]
        discount: f64,
        /// SPEC: also write the game (game.nfg, for Gambit) and tournament.json here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// --ipd: comma-separated strategy names (default: all 15).
        #[arg(long)]
        players: Option<String>,
        /// --ipd: moves per match.
        #[arg(long, default_value_t = 200)]
        turns: usize,
        /// --ipd: repetitions of the round robin.
        #[arg(long, default_value_t = 5)]
        repetitions: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Nash equilibria of a game in Gambit's formats (.nfg strategic form, .efg
    /// extensive form), in exact arithmetic, each checked exactly.
    ///
    /// Strategic form, two players: every extreme equilibrium, by vertex enumeration of
    /// the best-response polytopes (what Gambit's enummixed lists; every equilibrium is
    /// a convex combination of them, and a degenerate game is said to be one), or with
    /// --one a single equilibrium by Lemke-Howson, for games too large to enumerate.
    /// Three players with two strategies each (2x2x2): every equilibrium, mixed ones
    /// included (irrational ones given approximately, continua reported). One player:
    /// its best strategies. Any other game: its pure-strategy equilibria only.
    ///
    /// Extensive form, perfect information (any number of players): every
    /// subgame-perfect equilibrium in pure strategies, by backward induction (at most
    /// 1,000; --one: the one that breaks every tie towards the first best action).
    /// Imperfect information, one or two players with perfect recall: one Nash
    /// equilibrium in behaviour strategies, by Lemke's algorithm on the sequence form
    /// (the one Gambit's lcp finds). Other extensive-form games are refused.
    Solve {
        /// The game file: .nfg (payoff or outcome form; at most 4,000,000 payoffs) or
        /// .efg (at most 1,000,000 nodes); 1,000 digits a number, 256 MiB. A file that
        /// starts with EFG is read as an extensive-form game whatever its name.
        game: PathBuf,
        /// Every equilibrium (the default): for two players, every extreme one.
        #[arg(long, conflicts_with = "one")]
        all: bool,
        /// Only one equilibrium: by Lemke-Howson for two players (fast on large games),
        /// otherwise the first of those computed (.efg of perfect information: ties
        /// broken towards the first best action).
        #[arg(long)]
        one: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = solve::SolveFormat::Text)]
        format: solve::SolveFormat,
    },
    /// Serve agreements over HTTP: a shared, signed, tamper-evident record (docs/server.md).
    Serve {
        /// The agreement files to serve.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// Where the record is kept (created if missing).
        #[arg(long, default_value = "sqlite://detente.db")]
        database: String,
        /// The address to listen on (port 0 picks a free one; the first line printed
        /// says which).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// The directory of the parties' public key files (`*.pub`, from `detente keygen`).
        #[arg(long, default_value = "keys")]
        keys: PathBuf,
        /// The server's checkpoint key (created if missing, its `.pub` beside it).
        #[arg(long, default_value = "detente-server.key")]
        server_key: PathBuf,
        /// The checkpoints' origin prefix and the server key's name.
        #[arg(long, default_value = "detente")]
        origin: String,
    },
    /// Write a new Ed25519 signing key for a party (and its .pub beside it).
    Keygen {
        /// The party (or external body) the key signs for, as the agreement names it.
        #[arg(long)]
        party: String,
        /// The secret key file to write (never overwritten); PARTY.key by default.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Sign an event with a party's key and append it to a served agreement.
    Submit {
        /// The party's secret key file.
        #[arg(long)]
        key: PathBuf,
        /// The server's base URL.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        server: String,
        /// The agreement's id.
        #[arg(long)]
        agreement: String,
        /// The event, as one JSON object (docs/event-log.md).
        event: PathBuf,
    },
    /// Work with a served log's export.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Print the JSON Schema of the specification format (for editors such as taplo).
    Schema {
        /// Write the schema to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a commented starter specification that passes `detente check`.
    Init {
        /// The agreement's name; the file is NAME.toml unless NAME already ends in .toml.
        name: String,
        /// Print the file instead of writing it.
        #[arg(long)]
        stdout: bool,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Re-check an export offline: every signature and leaf, the root against the
    /// signed checkpoint, and a fresh replay whose state must equal the export's.
    Verify {
        /// The export (`GET /api/agreements/ID/export`).
        export: PathBuf,
        /// The directory of the parties' `*.pub` files and the server's checkpoint key.
        #[arg(long)]
        keys: PathBuf,
        /// The agreement file.
        #[arg(long)]
        spec: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ShowFormat {
    Text,
    Markdown,
    Json,
}

pub(crate) use exit::{INVALID, SUCCESS, TROUBLE};

/// Runs the command line `args` (the program's name first, as `std::env::args_os`
/// gives them) and returns its exit code. Usage errors are printed as clap prints them.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // `--help` and `--version` are errors to clap, printed to standard output.
            let _ = error.print();
            return exit::usage(error.exit_code());
        }
    };
    let result = match cli.command {
        Command::Check { files, format } => check::check(&files, format),
        Command::Show { file, format } => show(&file, format),
        Command::Replay { inputs, at, format } => replay::replay(&inputs, at.as_deref(), format),
        Command::Timeline { inputs, from, to, format } => {
            replay::timeline(&inputs, from.as_deref(), to.as_deref(), format)
        }
        Command::Explain { inputs, id, at, format } => replay::explain(&inputs, &id, at.as_deref(), format),
        Command::Simulate { spec, options, keep_runs, sweep, shard, from, lenient, trace, trace_out } => {
            let extras = simulate::Extras { keep_runs, sweep, shard, from, lenient, trace, trace_out };
            simulate::simulate(&spec, &options, &extras)
        }
        Command::Backtest { spec, log, runs, seed } => backtest::run(&spec, &log, runs, seed),
        Command::Merge { shards, format, out } => simulate::merge(&shards, format, out.as_deref()),
        Command::Compare { specs, options } => simulate::compare(&specs, &options),
        Command::Report { specs, options, driver_runs, game_runs } => {
            simulate::report(&specs, &options, driver_runs, game_runs)
        }
        Command::Analyze { spec, discount, inspection_cost, efg, types_efg, types_phases, format } => {
            let options = detente::AnalyzeOptions {
                discount: Some(discount),
                inspection_cost: Some(inspection_cost),
                type_phases: Some(types_phases),
            };
            let files = analyze::Files { efg: efg.as_deref(), types_efg: types_efg.as_deref() };
            analyze::analyze(&spec, options, files, format)
        }
        Command::Tournament {
            spec,
            ipd: _,
            parties,
            candidates,
            runs,
            years,
            seed,
            discount,
            out,
            players,
            turns,
            repetitions,
            format,
        } => match spec {
            Some(spec) => tournament::agreement(
                &spec,
                &tournament::AgreementOptions { parties, candidates, runs, years, seed, discount, out },
                format,
            ),
            None => tournament::ipd(players.as_deref(), turns, repetitions, format),
        },
        Command::Solve { game, all: _, one, format } => solve::solve(&game, one, format),
        Command::Serve { specs, database, addr, keys, server_key, origin } => {
            serve::serve(detente_server::ServeOptions { specs, database, addr, keys, server_key, origin })
        }
        Command::Keygen { party, out } => serve::keygen(&party, out),
        Command::Submit { key, server, agreement, event } => serve::submit(&key, &server, &agreement, &event),
        Command::Log { command: LogCommand::Verify { export, keys, spec } } => {
            serve::verify(&export, &keys, &spec)
        }
        Command::Schema { out } => schema(out.as_deref()),
        Command::Init { name, stdout, force } => init(&name, stdout, force),
    };
    exit::code(result)
}

fn style() -> Style {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if std::io::stdout().is_terminal() && !no_color {
        Style::Color
    } else {
        Style::Plain
    }
}

fn show(path: &Path, format: ShowFormat) -> Result<u8, String> {
    let loaded = load::load(path)?;
    if loaded.count(Severity::Error) > 0 {
        note_raw!("{}", diagnostic::render(&loaded.diagnostics, &loaded.file, Style::Plain));
        note!(
            "{}",
            summary(&loaded.file.name, loaded.count(Severity::Error), loaded.count(Severity::Warning))
                .trim_end()
        );
        note!("hint: fix the errors above (see `detente check`) before showing the agreement");
        return Ok(INVALID);
    }
    let text = match format {
        ShowFormat::Text => detente_spec::roadmap::text(&loaded.spec),
        ShowFormat::Markdown => detente_spec::roadmap::markdown(&loaded.spec),
        ShowFormat::Json => detente_spec::to_normalized_json(&loaded.spec) + "\n",
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(SUCCESS)
}

fn schema(out: Option<&Path>) -> Result<u8, String> {
    let text = detente_spec::schema::schema_text() + "\n";
    match out {
        Some(path) => out::write_file_atomic(path, text.as_bytes())?,
        None => write_stdout(&text, true)?,
    }
    Ok(SUCCESS)
}

fn init(name: &str, stdout: bool, force: bool) -> Result<u8, String> {
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    let id = Path::new(stem)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| stem.to_string());
    // The name becomes the agreement's id. A name with characters an id cannot have is
    // made into one (`Some Name` becomes `some-name`); a reserved word (`and`, `all`...)
    // is refused rather than silently renamed.
    let text = match detente_spec::starter_with_id(&id) {
        Ok(text) => text,
        Err(problem @ detente_spec::model::IdError::Reserved(_)) => {
            return Err(format!(
                "`{id}` cannot be an agreement's id ({problem}); choose another name, other than \
                 and, or, not, true, false, any, of, date, all"
            ))
        }
        Err(_) => detente_spec::starter(&id),
    };
    if stdout {
        write_stdout(&text, true)?;

        return Ok(SUCCESS);
    }
    let path = PathBuf::from(format!("{stem}.toml"));
    if path.exists() && !force {
        return Err(format!(
            "{} already exists; pass --force to overwrite it, or choose another name",
            path.display()
        ));
    }
    out::write_file_atomic(&path, text.as_bytes())?;
    note!("wrote {}; check it with `detente check {}`", path.display(), path.display());
    Ok(SUCCESS)
}
