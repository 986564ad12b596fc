//! Calibration of the default lead times against the bundled real histories.
//!
//! Each history in `scenarios/` is replayed with the engine. For every commitment that
//! became owed and was performed (every bound party by a logged `performed` event), the
//! lead time is the days from the day it became owed to the day its last bound party
//! performed, and the commitment is classed by `StepClass::of`. The table prints with
//! `cargo test -p detente-sim --test lead_time_calibration -- --nocapture`, and
//! docs/lead-times.md reproduces it.
//!
//! What is *not* a lead time is counted apart: steps owed but never performed (refusals
//! and collapses, which strategies model), and continuing commitments that the engine
//! holds in effect from the day they are owed because their text sets no deadline and
//! the log records no act (nothing was timed).

use std::collections::BTreeMap;

use detente_engine::log::{load, Format, Precision};
use detente_engine::state::{CommitmentState, CommitmentStatus, State};
use detente_engine::{timeline, Agreement, Log, Replay};
use detente_sim::lead_time::{LeadTime, StepClass};
use detente_spec::model::Spec;
use detente_spec::time::Date;
use detente_spec::{check, SourceFile};

/// The bundled histories: each `scenarios/<name>.toml` with its `<name>.events.jsonl`.
const HISTORIES: [&str; 8] = [
    "agreed-framework-1994",
    "six-party-2007",
    "leap-day-2012",
    "korea-2018",
    "jpoa-2013",
    "jcpoa-2015",
    "inf-1987",
    "new-start-2010",
];

/// A measured lead time: one commitment, owed on one day, performed on another.
#[derive(Clone, Debug)]
struct Observation {
    history: &'static str,
    commitment: String,
    class: StepClass,
    owed: Date,
    performed: Date,
    /// Whether the performing event is dated only to the month (the engine dates it on
    /// the month's last day).
    month_only: bool,
    /// The cited source of the last performing event.
    source: String,
    /// Its class's default lead time ([`LeadTime::for_step`]). This calibrates the class
    /// curves; a step with a written deadline is timed in the simulator against its
    /// window instead ([`detente_sim::lead_time::Lead`], fitted and unit-tested on its
    /// own).
    lead: LeadTime,
}

impl Observation {
    /// Days from owed to performed; a step performed before it was owed (a deed done
    /// before a later layer took effect) took no time once owed.
    fn days(&self) -> f64 {
        self.owed.until(self.performed).expect("dates in range").get_days().max(0) as f64
    }
}

/// A step owed and never performed, with how it ended.
#[derive(Clone, Debug)]
struct Unperformed {
    history: &'static str,
    commitment: String,
    class: StepClass,
    status: String,
}

/// What one history says about lead times.
#[derive(Default)]
struct Findings {
    performed: Vec<Observation>,
    never: Vec<Unperformed>,
    /// Continuing commitments in effect by their terms from the day they were owed.
    in_effect_by_terms: Vec<(StepClass, String)>,
    /// Declarations of intent (`binding = false`) with no deed recorded.
    pledges: Vec<(StepClass, String)>,
}

fn load_history(name: &str) -> (Spec, Agreement, Log) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/");
    let text = std::fs::read_to_string(format!("{dir}{name}.toml")).unwrap();
    let checked = check(&SourceFile::new(format!("{name}.toml"), text));
    assert!(!checked.has_errors(), "{name}: {:?}", checked.diagnostics);
    let agreement = Agreement::compile(&checked.spec).unwrap();
    let events = std::fs::read_to_string(format!("{dir}{name}.events.jsonl")).unwrap();
    let log = load(&events, Format::JsonLines, &agreement, false).unwrap();
    (checked.spec, agreement, log)
}

/// Each commitment's first day owed, and the days its status changed, from the timeline.
fn owed_and_changes(agreement: &Agreement, log: &Log, to: Date) -> BTreeMap<String, (Date, Vec<Date>)> {
    let mut out: BTreeMap<String, (Date, Vec<Date>)> = BTreeMap::new();
    for t in timeline(agreement, log, to).into_iter().filter(|t| t.kind == "commitment") {
        let leaves_inactive = t.from.starts_with("inactive") && !t.to.starts_with("inactive");
        match out.get_mut(&t.item) {
            Some((_, changes)) => changes.push(t.date),
            None if leaves_inactive => {
                out.insert(t.item.clone(), (t.date, vec![t.date]));
            }
            None => {}
        }
    }
    out
}

/// Whether every bound party has performed by a logged event; if so, the last day.
fn performed_by_all(state: &CommitmentState) -> Option<(Date, usize)> {
    state.shares.iter().map(|s| s.performed.zip(s.event)).collect::<Option<Vec<_>>>()?.into_iter().max()
}

fn commitment<'s>(state: &'s State, id: &str) -> &'s CommitmentState {
    state.commitments.iter().find(|c| c.id == id).unwrap()
}

fn findings(history: &'static str) -> Findings {
    let (spec, agreement, log) = load_history(history);
    let last = log.events.iter().map(|e| e.date).max().unwrap();
    let replay = Replay::new(&agreement, &log);
    let end = replay.state_at(last).unwrap();
    let mut out = Findings::default();
    for (id, (owed, changes)) in owed_and_changes(&agreement, &log, last) {
        let spec_commitment = spec.commitment.iter().find(|c| c.id == id).unwrap();
        let class = StepClass::of(&spec, spec_commitment);
        let performance =
            changes.iter().find_map(|&day| performed_by_all(commitment(&replay.state_at(day).unwrap(), &id)));
        match performance {
            Some((performed, event)) => out.performed.push(Observation {
                history,
                commitment: id,
                class,
                owed,
                performed,
                month_only: log.events[event].precision != Precision::Day,
                source: log.events[event].source.clone().unwrap_or_default(),
                lead: LeadTime::for_step(&spec, spec_commitment),
            }),
            None if !spec_commitment.binding => out.pledges.push((class, format!("{history}#{id}"))),
            None if in_effect_by_terms(commitment(&replay.state_at(owed).unwrap(), &id)) => {
                out.in_effect_by_terms.push((class, format!("{history}#{id}")))
            }
            None => out.never.push(Unperformed {
                history,
                status: commitment(&end, &id).describe.clone(),
                commitment: id,
                class,
            }),
        }
    }
    out
}

/// A continuing commitment the engine holds in effect from the day it is owed, with no
/// logged act: in effect on that day, and no share performed by an event.
fn in_effect_by_terms(state: &CommitmentState) -> bool {
    matches!(state.status, CommitmentStatus::Performed | CommitmentStatus::Fulfilled)
        && state.shares.iter().all(|s| s.event.is_none())
}

fn all_findings() -> Findings {
    let mut all = Findings::default();
    for history in HISTORIES {
        let f = findings(history);
        all.performed.extend(f.performed);
        all.never.extend(f.never);
        all.in_effect_by_terms.extend(f.in_effect_by_terms);
        all.pledges.extend(f.pledges);
    }
    all
}

/// One act: the commitments of one history and class owed on the same day and performed
/// on the same day count once (the four buffer and no-fly zones of the military
/// agreement; the UN, EU and US relief of Implementation Day), as the research note
/// counted them, so that one document does not outweigh a class.
#[derive(Clone, Debug)]
struct Case {
    class: StepClass,
    days: f64,
    lead: LeadTime,
    commitments: Vec<String>,
}

fn cases(observations: &[Observation]) -> Vec<Case> {
    let mut acts: BTreeMap<(StepClass, &str, Date, Date), Case> = BTreeMap::new();
    for o in observations {
        acts.entry((o.class, o.history, o.owed, o.performed))
            .or_insert_with(|| Case { class: o.class, days: o.days(), lead: o.lead, commitments: Vec::new() })
            .commitments
            .push(format!("{}#{}", o.history, o.commitment));
    }
    acts.into_values().collect()
}

fn cases_of(cases: &[Case], class: StepClass) -> Vec<&Case> {
    cases.iter().filter(|c| c.class == class).collect()
}

/// The median of values, sorting a copy.
fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut sorted: Vec<f64> = values.into_iter().collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The quantile `q` of sorted values by linear interpolation (numpy's default, which the
/// research note used).
fn empirical_quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// A recorded date pins a lead only to the day: a step done on day `d` took between
/// `d` and `d + 1` days. So a case agrees with a bound if either end of its day does.
const DAY: f64 = 1.0;

/// Whether a lead of `days` (to the day) lies in the central 80% of `lead`.
fn inside_central_80(days: f64, lead: &LeadTime) -> bool {
    days <= lead.quantile(0.9) && days + DAY >= lead.quantile(0.1)
}

fn print_table(all: &Findings, cases: &[Case]) {
    println!(
        "\n{:<26} {:>5} {:>6} {:>6} {:>6} {:>8} {:>8} {:>6}",
        "class", "cases", "median", "p90", "min", "default", "default", "never"
    );
    println!("{:<26} {:>5} {:>6} {:>6} {:>6} {:>8} {:>8}", "", "", "", "", "", "median", "p90");
    for class in StepClass::ALL {
        let lead = LeadTime::default_for(class);
        let never = all.never.iter().filter(|u| u.class == class).count();
        let mut days: Vec<f64> = cases_of(cases, class).iter().map(|c| c.days).collect();
        days.sort_by(f64::total_cmp);
        let stat = |q: f64| {
            if days.is_empty() {
                "-".to_string()
            } else {
                format!("{:.0}", empirical_quantile(&days, q))
            }
        };
        println!(
            "{:<26} {:>5} {:>6} {:>6} {:>6} {:>8} {:>8} {never:>6}",
            class.to_string(),
            days.len(),
            stat(0.5),
            stat(0.9),
            stat(0.0),
            lead.median_days,
            lead.p90_days
        );
    }
    println!("\nreductions as a share of their window (default 0.96 / 1.00):");
    for case in cases_of(cases, StepClass::Reduction) {
        println!("  {:.2}  {}", case.days / case.lead.p90_days, case.commitments.join(", "));
    }
    println!("\nobservations (days from owed to the last bound party's performance):");
    let mut sorted = all.performed.clone();
    sorted.sort_by_key(|o| (o.class, o.days() as i64));
    for o in &sorted {
        let month = if o.month_only { " (month only)" } else { "" };
        println!(
            "  {:<26} {:>5}  {}#{}  owed {} performed {}{month}\n      source: {}",
            o.class.to_string(),
            o.days(),
            o.history,
            o.commitment,
            o.owed,
            o.performed,
            o.source
        );
    }
    println!("\nowed, never performed (refusals and collapses: strategies model them, not lead times):");
    for u in &all.never {
        println!("  {:<26} {}#{}: {}", u.class.to_string(), u.history, u.commitment, u.status);
    }
    println!("\ndeclarations of intent (binding = false), no deed recorded:");
    for (class, id) in &all.pledges {
        println!("  {:<26} {id}", class.to_string());
    }
    println!("\nin effect by their terms from the day owed (no act to time):");
    for (class, id) in &all.in_effect_by_terms {
        println!("  {:<26} {id}", class.to_string());
    }
}

/// Classes with at least this many cases are checked; fewer say too little.
const CHECKED: usize = 3;

#[test]
fn every_history_yields_timed_steps() {
    let all = all_findings();
    print_table(&all, &cases(&all.performed));
    for history in HISTORIES {
        assert!(all.performed.iter().any(|o| o.history == history), "{history}: no step timed");
    }
    assert!(all.performed.len() >= 40, "only {} steps timed", all.performed.len());
    assert!(all.performed.iter().all(|o| o.performed >= o.owed || o.days() == 0.0));
}

/// The observed median of each class lies in the central 80% (10th to 90th percentile)
/// of its default lead time. Cases of one class can have different defaults (a
/// reduction's scales with its window), so each case is measured in its own default's
/// medians; within a class every default has the same shape, so the band is the same.
#[test]
fn each_class_median_lies_in_the_central_80_percent_of_its_default() {
    let all = cases(&all_findings().performed);
    let mut checked = 0;
    for class in StepClass::ALL {
        let cases = cases_of(&all, class);
        if cases.len() < CHECKED {
            continue;
        }
        checked += 1;
        let low = median(cases.iter().map(|c| c.days / c.lead.median_days));
        let high = median(cases.iter().map(|c| (c.days + DAY) / c.lead.median_days));
        let shape = cases[0].lead;
        let (p10, p90) = (shape.quantile(0.1) / shape.median_days, shape.quantile(0.9) / shape.median_days);
        assert!(
            low <= p90 && high >= p10,
            "{class}: the observed median is {low:.2}-{high:.2} default medians, outside {p10:.2}-{p90:.2}"
        );
    }
    assert!(checked >= 6, "only {checked} classes have {CHECKED} cases");
}

/// No class has more than half its cases outside its default's central 80%. Were the
/// default right, each case would fall outside with probability 0.2, and more than half
/// of three or more cases would with probability at most 0.104 (three cases), less with
/// more: a default too narrow (or centred wrong) for its class fails here.
#[test]
fn no_class_has_most_of_its_cases_outside_the_central_80_percent() {
    let all = cases(&all_findings().performed);
    for class in StepClass::ALL {
        let cases = cases_of(&all, class);
        if cases.len() < CHECKED {
            continue;
        }
        let outside: Vec<String> = cases
            .iter()
            .filter(|c| !inside_central_80(c.days, &c.lead))
            .map(|c| format!("{} ({} days)", c.commitments.join(" + "), c.days))
            .collect();
        assert!(
            2 * outside.len() <= cases.len(),
            "{class}: {} of {} cases outside the default's central 80%: {outside:?}",
            outside.len(),
            cases.len()
        );
    }
}

/// A historian's reading of some bundled steps, which the shape rules must reproduce.
#[test]
fn the_shape_rules_class_the_bundled_steps_as_a_historian_would() {
    let expected = [
        ("agreed-framework-1994", "freeze", StepClass::Halt),
        ("agreed-framework-1994", "first-fuel-oil", StepClass::Aid),
        ("agreed-framework-1994", "ease-sanctions", StepClass::Relief),
        ("six-party-2007", "shutdown", StepClass::Halt),
        ("six-party-2007", "iaea-monitoring", StepClass::Inspection),
        ("six-party-2007", "disablement", StepClass::Dismantlement),
        ("six-party-2007", "declaration", StepClass::Declaration),
        ("six-party-2007", "terrorism-delisting", StepClass::Relief),
        ("leap-day-2012", "missile-moratorium", StepClass::Moratorium),
        ("leap-day-2012", "iaea-return", StepClass::Inspection),
        ("korea-2018", "liaison-office", StepClass::Political),
        ("korea-2018", "jsa-disarmament", StepClass::Dismantlement),
        ("korea-2018", "rok-buffer-zones", StepClass::Halt),
        ("jpoa-2013", "dilute-half", StepClass::Dismantlement),
        ("jpoa-2013", "us-suspension", StepClass::TriggeredRelief),
        ("jcpoa-2015", "implementation-steps", StepClass::Dismantlement),
        ("jcpoa-2015", "us-relief", StepClass::TriggeredRelief),
        ("jcpoa-2015", "eu-transition-relief", StepClass::Relief),
        ("inf-1987", "us-shorter-range", StepClass::Reduction),
        ("inf-1987", "inspections", StepClass::Inspection),
        ("new-start-2010", "us-central-limits", StepClass::Reduction),
        ("new-start-2010", "notifications", StepClass::Other),
    ];
    for (history, id, class) in expected {
        let (spec, _, _) = load_history(history);
        let commitment = spec.commitment.iter().find(|c| c.id == id).unwrap();
        assert_eq!(StepClass::of(&spec, commitment), class, "{history}#{id}");
    }
}

/// A whole number of days as docs/lead-times.md writes it (1,070).
fn written(days: f64) -> String {
    let digits = format!("{days:.0}");
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// docs/lead-times.md's calibration table states the defaults the code uses.
#[test]
fn the_documented_defaults_are_the_code_s() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/lead-times.md")).unwrap();
    for class in StepClass::ALL {
        let lead = LeadTime::default_for(class);
        let row = doc
            .lines()
            .find(|line| line.starts_with(&format!("| {class} |")))
            .unwrap_or_else(|| panic!("docs/lead-times.md has no row for {class}"));
        let stated = format!("{} / {}", written(lead.median_days), written(lead.p90_days));
        assert!(row.contains(&stated), "docs/lead-times.md's row for {class} does not state {stated}: {row}");
    }
}
