//! The trace of one future (`Simulator::trace`, `detente simulate --trace`): the same
//! future the full simulation runs, whatever the thread count; a log the engine
//! accepts, whose replay gives the simulator's own final state; events that match the
//! future's outcomes, each with the reason that made it.

mod common;

use common::{compile, spec};
use detente_engine::log::{self, Format, Subject};
use detente_engine::Agreement;
use detente_sim::trace::{TracedRun, TruthKind};
use detente_sim::{simulate, Overrides, Plan, RunRecord, Simulator, Trajectory};
use detente_spec::model::{EventKind, PowerKind, Spec, Strategy, StrategyKind};
use detente_spec::{check, SourceFile};

fn korea() -> Spec {
    spec("../../scenarios/korea-2020.toml")
}

/// The `detente init` starter, under its default assumptions (sincere parties).
fn starter() -> Spec {
    let text = detente_spec::starter("starter");
    let checked = check(&SourceFile::new("starter.toml", &text));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    checked.spec
}

/// The starter with Beta cheating on its freeze and Alpha answering as grim trigger: covert
/// breaches, detections, verdicts and answers.
fn starter_with_a_cheater() -> Spec {
    let mut spec = starter();
    let sim = spec.simulation.get_or_insert_with(Default::default);
    let strategy = |kind, cheat| Strategy { kind, cheat, max_cost: None, patience: None };
    sim.strategy.insert("beta".into(), strategy(StrategyKind::CovertCheater, Some(0.05)));
    sim.strategy.insert("alpha".into(), strategy(StrategyKind::GrimTrigger, None));
    spec
}

fn plan(ag: &Agreement, runs: u32) -> Plan {
    Plan::new(ag, Overrides { runs: Some(runs), years: Some(20), seed: Some(7), start: None }).unwrap()
}

/// The trace as the engine reads it: written, then loaded as any log is (strictly).
fn reloaded(ag: &Agreement, traced: &TracedRun) -> log::Log {
    log::load(&traced.jsonl(ag), Format::JsonLines, ag, false)
        .unwrap_or_else(|errors| panic!("run {}: the trace is not a valid log: {errors:?}", traced.run))
}

/// What the runs of a test exercised, so that a test that passes has seen the paths it
/// is about.
#[derive(Default)]
struct Seen {
    breakdowns: usize,
    walkouts: usize,
    detected: usize,
    false_alarms: usize,
    verdicts: usize,
    covert: usize,
}

/// For every run: the trace replays through the engine to the simulator's final state,
/// and its events and truth match the run's outcomes.
fn check_runs(spec: &Spec, runs: u64) -> Seen {
    let ag = compile(spec);
    let sim = Simulator::new(&ag, plan(&ag, runs as u32));
    let horizon = *sim.plan().dates.last().unwrap();
    let mut seen = Seen::default();
    for run in 0..runs {
        let traced = sim.trace(run);
        let log = reloaded(&ag, &traced);
        assert_eq!(log.events.len(), traced.events.len(), "run {run}: every event is read back");
        let state = detente_engine::state(&ag, &log, horizon).unwrap();
        let end = &traced.end;
        let statuses: Vec<_> = state.commitments.iter().map(|c| c.status).collect();
        assert_eq!(statuses, end.commitments, "run {run}: commitments at the horizon");
        assert_eq!(
            state.phases.iter().map(|p| p.status).collect::<Vec<_>>(),
            end.phases,
            "run {run}: phases"
        );
        assert_eq!(
            state.powers.iter().map(|p| p.status).collect::<Vec<_>>(),
            end.powers,
            "run {run}: powers"
        );
        let instruments: Vec<_> = state.instruments.iter().map(|i| i.status).collect();
        assert_eq!(instruments, end.instruments, "run {run}: instruments");
        assert_eq!(state.agreement, end.agreement, "run {run}: the agreement");
        assert_eq!(traced.trajectory.end_status, end.commitments, "run {run}: the trajectory's statuses");
        check_outcomes(&ag, &traced, &mut seen);
    }
    seen
}

/// The events and truth of a trace against the outcomes its run measured.
fn check_outcomes(ag: &Agreement, traced: &TracedRun, seen: &mut Seen) {
    let (run, t) = (traced.run, &traced.trajectory);
    let source = |e: &log::Event| e.source.clone().unwrap_or_default();
    assert!(
        traced.events.iter().all(|e| source(e).starts_with("simulated: ")),
        "run {run}: every event says why"
    );
    assert!(traced.refused.is_empty() && t.refused == 0, "run {run}: nothing refused");
    let withdrawals = traced
        .events
        .iter()
        .filter(|e| match (e.kind, e.subject) {
            (EventKind::Withdrew, _) => true,
            (EventKind::Invoked, Subject::Power(w)) => ag.powers[w].kind == PowerKind::Withdraw,
            _ => false,
        })
        .count();
    if t.breakdown.is_some() {
        assert!(withdrawals > 0, "run {run} broke down: the trace holds the withdrawal");
        seen.breakdowns += 1;
    }
    if withdrawals == 0 {
        assert!(t.breakdown.is_none(), "run {run}: no withdrawal on record, no breakdown");
    }
    let count = |words: &str| traced.events.iter().filter(|e| source(e).contains(words)).count() as u32;
    assert_eq!(count("walk-out hazard came due"), t.walkouts, "run {run}: walk-outs");
    assert_eq!(count("inspection detected a real breach"), t.detected, "run {run}: detections");
    assert_eq!(count("false alarm: the inspection reported"), t.false_alarms, "run {run}: false alarms");
    let covert = traced.truth.iter().filter(|x| matches!(x.what, TruthKind::Covert { .. })).count();
    assert_eq!(covert as u32, t.covert_violations, "run {run}: covert breaches in the truth");
    seen.walkouts += t.walkouts as usize;
    seen.detected += t.detected as usize;
    seen.false_alarms += t.false_alarms as usize;
    seen.verdicts += count("the dispute procedure") as usize;
    seen.covert += covert;
}

#[test]
fn korea_traces_replay_to_the_simulators_final_state() {
    let seen = check_runs(&korea(), 16);
    assert!(seen.breakdowns > 0 && seen.walkouts > 0 && seen.false_alarms > 0 && seen.verdicts > 0);
}

#[test]
fn starter_traces_replay_to_the_simulators_final_state() {
    check_runs(&starter(), 16);
    let seen = check_runs(&starter_with_a_cheater(), 16);
    assert!(seen.covert > 0 && seen.detected > 0 && seen.verdicts > 0 && seen.breakdowns > 0);
}

fn on_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(work)
}

#[test]
fn the_trace_is_the_future_the_full_simulation_ran_whatever_the_threads() {
    let ag = compile(&korea());
    let sim = Simulator::new(&ag, plan(&ag, 200));
    let (_, records) = on_threads(2, || simulate(&sim, 0..200, true, &|_| {}).unwrap());
    // The full simulation reuses one trajectory for the runs of a chunk: so does this.
    let mut reused = Trajectory::default();
    let mut next = 0;
    for run in [0u64, 5, 63, 64, 137, 199] {
        let one = on_threads(1, || sim.trace(run));
        let three = on_threads(3, || sim.trace(run));
        assert_eq!(one.jsonl(&ag), three.jsonl(&ag), "run {run}: the same log on 1 and 3 threads");
        assert_eq!(one.truth, three.truth, "run {run}: the same truth on 1 and 3 threads");
        assert_eq!(RunRecord::of(&sim, run, &one.trajectory), records[run as usize], "run {run}");
        while next <= run {
            sim.run(next, &mut reused);
            next += 1;
        }
        assert_eq!(one.trajectory, reused, "run {run}: step by step, as the untraced run");
    }
}

#[test]
fn reasons_name_the_draws_and_the_grievance() {
    let ag = compile(&korea());
    let sim = Simulator::new(&ag, plan(&ag, 16));
    let sources: Vec<String> =
        (0..16).flat_map(|run| sim.trace(run).events).filter_map(|e| e.source).collect();
    let any = |pattern: &dyn Fn(&str) -> bool| sources.iter().any(|s| pattern(s));
    assert!(any(&|s| s.contains("'s lead time for `") && s.contains(" days from ")));
    assert!(any(&|s| s.contains("walk-out hazard came due (aggrieved, probability 0.3 a year")
        && s.contains("unremedied since")));
    assert!(any(&|s| s.contains(" answers ") && s.contains("'s breach of `") && s.contains("after 30 days")));
    assert!(any(&|s| s.starts_with("simulated: the dispute procedure")));
}

#[test]
fn the_truth_not_on_record_is_kept_apart() {
    let ag = compile(&starter_with_a_cheater());
    let sim = Simulator::new(&ag, plan(&ag, 16));
    let traced =
        (0..16).map(|run| sim.trace(run)).find(|t| t.trajectory.covert_violations > t.trajectory.detected);
    let traced = traced.expect("some run has a covert breach no inspection reported");
    let summary = traced.summary(&ag, sim.plan());
    let (record, truth) = summary.split_once("Ground truth, not on the record:\n").unwrap();
    assert!(truth.contains("beta broke `freeze-enrichment` covertly in "), "{summary}");
    assert!(!record.contains("covertly"), "{summary}");
    // Nothing in the log says what the record did not see.
    assert!(traced.events.iter().all(|e| !e.source.as_deref().unwrap_or_default().contains("covertly")));
}

/// A breach is answered on its day, [`detente_sim::run::ANSWER_AFTER_DAYS`] after it was
/// established, even when it was established on a day on which something on the
/// agenda also fell. In run 1332 of korea-2020 (seed 1), prc's missed deadline for
/// `peace-declaration` is on record from 2022-03-04, a day on which a lead time also
/// ended: the future read the record as it stood before that day's timer and did not
/// put the answer on the agenda, so dprk answered at the end of the step, on
/// 2022-05-01, after 58 days.
#[test]
fn a_breach_established_on_a_busy_day_is_answered_on_its_day() {
    let ag = compile(&korea());
    let overrides = Overrides { runs: Some(2000), years: Some(20), seed: Some(1), start: None };
    let sim = Simulator::new(&ag, Plan::new(&ag, overrides).unwrap());
    let traced = sim.trace(1332);
    let suspension = ag.spec.power.iter().position(|p| p.id == "dprk-suspension").unwrap();
    let answer = traced
        .events
        .iter()
        .find(|e| e.kind == EventKind::Invoked && e.subject == Subject::Power(suspension))
        .expect("dprk answers prc's breach");
    let source = answer.source.as_deref().unwrap_or_default();
    assert!(
        source.contains("breach of `peace-declaration` after 30 days (on record since 2022-03-04)"),
        "{source}"
    );
    assert_eq!(answer.date.to_string(), "2022-04-03");
}
