//! What a future is measured by, read from the record and the truth at the end of each
//! step: true quantities, relief in effect, phases opened, snap-backs, breakdown and
//! collapse. [`Outcomes`] is the part of a future that writes its [`Trajectory`], and
//! counts what the other parts report (covert violations, anomalies, walk-outs).
//!
//! **Breakdown** and **collapse** are read from the engine's statuses, by the functions
//! below, which the backtest also uses on a real history's replay: one reading for the
//! futures and for the record. A breakdown is an ending by a party (a signatory
//! withdrew, or the agreement was terminated); an agreement that expires on its end date
//! has run its course and has not broken down. A collapse is what an analyst asks of a
//! deal that nobody formally left: the engine reads the agreement as `collapsed` once
//! nothing owed is being performed or awaited any more (or its core bargain has
//! stopped; docs/semantics.md). The simulator's "collapse" outcome is the first step at
//! which the agreement had collapsed **or broken down**, whichever came first: the time
//! until the deal stopped moving or was left, never later than the breakdown.

use detente_engine::state::{CommitmentStatus, InstrumentStatus, PhaseStatus, PowerStatus};
use detente_engine::Machine;
use detente_spec::model::PowerKind;

use super::cache::Cached;
use super::reading::Reading;
use super::record::Record;
use super::truth::Truth;
use super::Simulator;

/// What one run produced, step by step. Reused between runs to avoid allocating.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trajectory {
    /// True quantities at the end of each step: `[step * quantities + q]`.
    pub quantities: Vec<f64>,
    /// The programme's figures at the end of each step (see
    /// [`Plan::outputs`](crate::plan::Plan)): `[step * outputs + o]`.
    pub programme: Vec<f64>,
    /// Economic weight of the instruments relieved under the agreement, each step.
    pub relief: Vec<f64>,
    /// The step at which each phase was first open (or complete), if it was.
    pub phase_opened: Vec<Option<u32>>,
    /// The first step at which a snap-back had taken effect.
    pub first_snapback: Option<u32>,
    /// How many snap-back powers took effect.
    pub snapbacks: u32,
    /// The first step at which the agreement had broken down (a signatory withdrew, or
    /// it terminated before its end date).
    pub breakdown: Option<u32>,
    /// The first step at which the agreement had stopped: collapsed in the engine's
    /// sense (nothing owed is moving any more, docs/semantics.md) or broken down. Never
    /// after `breakdown`.
    pub collapse: Option<u32>,
    /// Each commitment's status at the horizon.
    pub end_status: Vec<CommitmentStatus>,
    /// Whether each instrument was relieved at the horizon.
    pub relieved_at_end: Vec<bool>,
    /// Party-months of covert violation (a measure broken by a party in a step).
    pub covert_violations: u32,
    /// Real violations detected by an inspection and reported as anomalies.
    pub detected: u32,
    /// False alarms recorded.
    pub false_alarms: u32,
    /// False alarms cleared by the dispute procedure.
    pub resolved: u32,
    /// Signatories that walked out (the walk-out hazard came due).
    pub walkouts: u32,
    /// When each commitment came into effect or stopped being in effect on record, in
    /// step order: kept only by a simulator asked for it
    /// ([`Simulator::keeping_effect`]), empty otherwise. "In effect" is the simulator's
    /// one reading of the engine's statuses (performed or fulfilled, as the parties
    /// read a measure in force); the statuses are those recorded at the end of each
    /// step, as every other outcome.
    pub effect_changes: Vec<EffectChange>,
    /// Events the agreement refused (an actor not allowed to assert them): should be
    /// zero; reported so a design that silences a verifier is visible.
    pub refused: u32,
}

impl Trajectory {
    /// Relief delivered over the run: the economic weight of the instruments relieved,
    /// times the years each stayed relieved (a step is `step_months` months). The one
    /// definition of the relief-years metric, for the tallies, the run records, the
    /// comparison and the backtest. (`+ 0.0`: an empty or all-zero sum of floats is -0.)
    pub fn relief_delivered(&self, step_months: u32) -> f64 {
        self.relief.iter().sum::<f64>() * f64::from(step_months) / 12.0 + 0.0
    }

    /// Empties the trajectory for a new run of an agreement with these many phases and
    /// instruments, keeping its buffers.
    fn empty(&mut self, phases: usize, instruments: usize) {
        self.quantities.clear();
        self.programme.clear();
        self.relief.clear();
        self.phase_opened.clear();
        self.phase_opened.resize(phases, None);
        self.first_snapback = None;
        self.snapbacks = 0;
        self.breakdown = None;
        self.collapse = None;
        self.end_status.clear();
        self.relieved_at_end.clear();
        self.relieved_at_end.resize(instruments, false);
        self.covert_violations = 0;
        self.detected = 0;
        self.false_alarms = 0;
        self.resolved = 0;
        self.refused = 0;
        self.walkouts = 0;
        self.effect_changes.clear();
    }

    /// The true value of quantity `q` at step `k`.
    pub fn quantity(&self, k: usize, q: usize, quantities: usize) -> f64 {
        self.quantities[k * quantities + q]
    }

    /// The steps during which commitment `c` was in effect on record, as half-open
    /// ranges of step indices `first..end` (the statuses recorded at the end of steps
    /// `first` to `end - 1` read it in effect), up to `steps`, the run's length. Empty
    /// unless the simulator kept [`Trajectory::effect_changes`].
    pub fn in_effect_spans(&self, c: usize, steps: u32) -> Vec<std::ops::Range<u32>> {
        let mut spans = Vec::new();
        let mut since = None;
        for change in self.effect_changes.iter().filter(|e| e.commitment as usize == c) {
            match (change.in_effect, since) {
                (true, None) => since = Some(change.step),
                (false, Some(first)) => {
                    spans.push(first..change.step);
                    since = None;
                }
                _ => {}
            }
        }
        if let Some(first) = since {
            spans.push(first..steps);
        }
        spans
    }
}

/// A commitment coming into effect, or ceasing to be in effect, on record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EffectChange {
    /// The step at whose end the record first read the new state.
    pub step: u32,
    /// The commitment (its index in the agreement).
    pub commitment: u32,
    /// Whether it is in effect from that step on.
    pub in_effect: bool,
}

/// The outcomes of one future as they are written.
pub(super) struct Outcomes<'s> {
    /// The trajectory being written.
    pub trajectory: &'s mut Trajectory,
    /// The relief in effect at the last recorded step. What is read of the record at
    /// the end of a step (relief, phases, snap-backs, breakdown) changes only when it
    /// moves.
    relief: Cached<f64>,
    /// Whether each commitment was in effect at the last recorded step (empty unless
    /// the simulator keeps [`Trajectory::effect_changes`]).
    in_effect: Vec<bool>,
}

impl<'s> Outcomes<'s> {
    /// Starts writing a run of `sim` into `trajectory`, emptied (its buffers kept).
    pub fn new(trajectory: &'s mut Trajectory, sim: &Simulator<'_>) -> Outcomes<'s> {
        let ag = sim.ag;
        trajectory.empty(ag.phases.len(), ag.spec.instrument.len());
        let in_effect = if sim.keep_effect { vec![false; ag.commitments.len()] } else { Vec::new() };
        Outcomes { trajectory, relief: Cached::new(0.0), in_effect }
    }

    /// Step 6: the outcomes of step `k`.
    pub fn record(&mut self, k: u32, sim: &Simulator<'_>, record: &Record, truth: &Truth) {
        let out = &mut *self.trajectory;
        out.quantities.extend_from_slice(&truth.quantities);
        truth.report(&sim.plan, &mut out.programme);
        if self.relief.is_valid(&record.machine) {
            // Nothing on record changed since the last step: the same relief, phases,
            // snap-backs and agreement status.
            out.relief.push(*self.relief.get());
            return;
        }
        if sim.keep_effect {
            Self::record_effect(&mut self.in_effect, out, k, record.reading());
        }
        let relief = Self::relief_in_effect(sim, &record.machine);
        *self.relief.renew(&record.machine) = relief;
        out.relief.push(relief);
        Self::read_milestones(out, k, sim, &record.machine);
    }

    /// The economic weight of the instruments relieved on record.
    fn relief_in_effect(sim: &Simulator<'_>, machine: &Machine) -> f64 {
        (0..sim.ag.spec.instrument.len())
            .filter(|&i| machine.instrument_status(i) == InstrumentStatus::Relieved)
            .map(|i| sim.plan.weights[i])
            .sum()
    }

    /// The first step at which each phase opened, a snap-back took effect, the
    /// agreement broke down and stopped, as the engine reads them at step `k`.
    fn read_milestones(out: &mut Trajectory, k: u32, sim: &Simulator<'_>, machine: &Machine) {
        let ag = sim.ag;
        for p in 0..ag.phases.len() {
            if out.phase_opened[p].is_none() && machine.phase_status(p) != PhaseStatus::Locked {
                out.phase_opened[p] = Some(k);
            }
        }
        let snapbacks = ag
            .powers
            .iter()
            .enumerate()
            .filter(|(w, p)| {
                p.kind == PowerKind::Snapback && machine.power_status(*w) == PowerStatus::Exercised
            })
            .count() as u32;
        if snapbacks > 0 && out.first_snapback.is_none() {
            out.first_snapback = Some(k);
        }
        out.snapbacks = snapbacks;
        if out.breakdown.is_none() && machine.has_broken_down() {
            out.breakdown = Some(k);
        }
        if out.collapse.is_none() && machine.has_stopped() {
            out.collapse = Some(k);
        }
    }

    /// Notes each commitment whose being in effect on record changed since the last
    /// recorded step (the engine's one rule, `CommitmentStatus::is_in_effect`).
    fn record_effect(in_effect: &mut [bool], out: &mut Trajectory, k: u32, reading: &Reading) {
        for (c, was) in in_effect.iter_mut().enumerate() {
            let now = reading.statuses[c].is_in_effect();
            if now != *was {
                *was = now;
                out.effect_changes.push(EffectChange { step: k, commitment: c as u32, in_effect: now });
            }
        }
    }

    /// The statuses at the horizon.
    pub fn finish(self, record: &Record) {
        let out = self.trajectory;
        out.end_status.extend_from_slice(&record.reading().statuses);
        for (i, relieved) in out.relieved_at_end.iter_mut().enumerate() {
            *relieved = record.machine.instrument_status(i) == InstrumentStatus::Relieved;
        }
    }
}
