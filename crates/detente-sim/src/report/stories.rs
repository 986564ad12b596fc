//! Sample futures told by the record: a few runs chosen for what they show (the typical
//! one, the first to break down, the one that delivered the most), each played again
//! with its trace and replayed through the engine, so that its story is the parties'
//! decisions (with the reason each was taken) and the engine's transitions (with the
//! engine's reasons), in date order.

use detente_engine::log::Log;
use detente_engine::Agreement;

use crate::run::Simulator;
use crate::RunRecord;

/// At most this many lines of a story are shown; the rest are counted.
pub const STORY_LINES: usize = 30;

/// One sample future.
#[derive(Clone, Debug, PartialEq)]
pub struct Story {
    /// Why this run was chosen.
    pub why: String,
    /// The run's index (`simulate --trace RUN` plays it again).
    pub run: u64,
    /// Its lines: `date: what (why)`.
    pub lines: Vec<String>,
    /// Lines left out past [`STORY_LINES`].
    pub more: usize,
}

/// The runs worth telling: the run whose relief is nearest the median (the typical
/// one), the first to break down, and the one that delivered the most relief; each
/// once, in that order.
pub fn choose(records: &[RunRecord]) -> Vec<(String, u64)> {
    let mut chosen: Vec<(String, u64)> = Vec::new();
    let mut add = |why: String, run: Option<u64>| {
        if let Some(run) = run.filter(|r| !chosen.iter().any(|(_, c)| c == r)) {
            chosen.push((why, run));
        }
    };
    let mut reliefs: Vec<f64> = records.iter().map(|r| r.relief).collect();
    reliefs.sort_by(f64::total_cmp);
    if let Some(&median) = reliefs.get(reliefs.len() / 2) {
        let typical = records.iter().min_by(|a, b| {
            (a.relief - median).abs().total_cmp(&(b.relief - median).abs()).then(a.run.cmp(&b.run))
        });
        add(
            format!("typical: relief delivered nearest the median ({})", crate::summary::num(median)),
            typical.map(|r| r.run),
        );
    }
    let first_breakdown = records.iter().filter_map(|r| r.breakdown_month.map(|m| (m, r.run))).min();
    if let Some((month, run)) = first_breakdown {
        add(format!("the earliest breakdown (month {month})"), Some(run));
    }
    let most = records.iter().max_by(|a, b| a.relief.total_cmp(&b.relief).then(b.run.cmp(&a.run)));
    if let Some(most) = most.filter(|m| m.relief > 0.0) {
        add(format!("the most relief delivered ({})", crate::summary::num(most.relief)), Some(most.run));
    }
    chosen
}

/// Tells run `run` of `sim`: its recorded decisions and the engine's transitions of
/// powers, phases, parties and the agreement, and every breach, to the horizon.
pub fn tell(sim: &Simulator, why: String, run: u64) -> Story {
    let ag: &Agreement = sim.agreement();
    let traced = sim.trace(run);
    let horizon = *sim.plan().dates.last().expect("a plan has at least one step");
    let mut lines: Vec<(detente_spec::time::Date, u8, String)> = traced
        .events
        .iter()
        .map(|e| {
            let bare = detente_engine::log::Event { source: None, ..e.clone() };
            let described = detente_engine::explain::describe_event(ag, &bare);
            // "event #N (line N) DATE: actor kind subject": the date starts the line already.
            let what = described.split_once(": ").map_or(described.as_str(), |(_, what)| what).to_string();
            let reason = e.source.as_deref().unwrap_or("").trim_start_matches("simulated: ");
            (e.date, 0, format!("{what} ({reason})"))
        })
        .collect();
    let log = Log { events: traced.events.clone().into(), skipped: Vec::new() };
    for t in detente_engine::timeline(ag, &log, horizon) {
        let notable = t.kind != "commitment" || t.to.contains("violated") || t.to.contains("terminated");
        if notable && t.kind != "instrument" {
            lines.push((
                t.date,
                1,
                format!("{} `{}`: {} -> {} ({})", t.kind, t.item, t.from, t.to, t.reason.text),
            ));
        }
    }
    lines.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let more = lines.len().saturating_sub(STORY_LINES);
    let lines =
        lines.into_iter().take(STORY_LINES).map(|(date, _, text)| format!("{date}: {text}")).collect();
    Story { why, run, lines, more }
}
