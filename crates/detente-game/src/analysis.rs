//! Incentive analysis of an agreement from its `values`: deterrence of each continuing
//! measure by inspection and snap-back, and self-enforcement of each phase by backward
//! induction. docs/game-theory.md states the models, their formulas and sources.

use std::collections::BTreeSet;

use detente_spec::condition::{Condition, Predicate, RefKind, Reference, Subject};
use detente_spec::model::{Commitment, CommitmentKind, Due, PowerKind, Restores, Spec, Timeout};
use detente_spec::time::{Duration, Unit};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::Serialize;

use crate::game::Q;

/// Round to four decimals for reports.
fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// The deterrence analysis of one continuing measure for one bound party.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Deterrence {
    /// The measure.
    pub commitment: String,
    /// The party that could cheat.
    pub party: String,
    /// Gain from cheating in an inspection period: the measure's `values.cost` to the
    /// party (its own, where the cost is given per party).
    pub gain: f64,
    /// What a detected violation costs the party: its benefit from every commitment a
    /// power answering the violation suspends or whose relief it takes back.
    pub sanction: f64,
    /// The powers counted in the sanction.
    pub powers: Vec<String>,
    /// Probability an inspection takes place in a period (`[simulation.inspection]`, 1).
    pub inspection: f64,
    /// Probability an inspection finds a violation (`verification.detection`).
    pub detection: f64,
    /// Probability an inspection of a compliant party raises a false alarm.
    pub false_alarm: f64,
    /// The probability of detection per period that deters: `(g + a L) / (g + L)`.
    pub threshold: Option<f64>,
    /// The detection probability per period as stated: inspection times detection.
    pub stated: f64,
    /// Whether cheating is deterred at the stated verification.
    pub deterred: bool,
    /// The least detection probability (given the stated inspection probability) that
    /// deters, if any does.
    pub min_detection: Option<f64>,
    /// The least inspection probability (given the stated detection) that deters.
    pub min_inspection: Option<f64>,
    /// Whether a verifier checks the measure at all.
    pub verified: bool,
    /// What the other parties lose if the measure is broken undetected: their benefit
    /// from it (the inspector's damage `D` in the simultaneous game).
    pub damage: f64,
    /// The simultaneous inspection game's mixed equilibrium, when it has one: the
    /// inspection probability and the violation probability (see
    /// [`crate::inspection::closed_form`]).
    pub simultaneous: Option<[f64; 2]>,
}

/// Deterrence of every continuing measure, for every party it binds.
pub fn deterrence(spec: &Spec) -> Vec<Deterrence> {
    let mut out = Vec::new();
    let sim = spec.simulation.clone().unwrap_or_default();
    for c in spec.commitment.iter().filter(|c| c.kind == CommitmentKind::Continuing) {
        let (detection, false_alarm, inspection) =
            (sim.detection_of(c), sim.false_alarm_of(c), sim.inspection_of(c));
        for party in &c.by {
            let gain = c.values.as_ref().map_or(0.0, |v| v.cost.of(party));
            let (sanction, powers) = sanction(spec, &c.id, &c.phase, &c.by, party);
            let stated = inspection * detection;
            let threshold =
                (gain + sanction > 0.0).then(|| (gain + false_alarm * sanction) / (gain + sanction));
            let threshold = threshold.filter(|_| sanction > 0.0 || gain == 0.0);
            let deterred = gain <= 0.0 || threshold.is_some_and(|t| stated >= t);
            let feasible = |t: f64, given: f64| (given > 0.0 && t / given <= 1.0).then(|| r4(t / given));
            out.push(Deterrence {
                commitment: c.id.clone(),
                party: party.clone(),
                gain,
                sanction,
                powers,
                inspection,
                detection,
                false_alarm,
                threshold: threshold.map(r4),
                stated: r4(stated),
                deterred,
                min_detection: threshold.and_then(|t| feasible(t, inspection)),
                min_inspection: threshold.and_then(|t| feasible(t, detection)),
                verified: c.verification.is_some(),
                damage: c
                    .values
                    .as_ref()
                    .map_or(0.0, |v| v.benefit.iter().filter(|(p, _)| *p != party).map(|(_, b)| b).sum()),
                simultaneous: None,
            });
        }
    }
    out
}

/// Whether a power's trigger can be set off by a violation of commitment `id` (of phase
/// `phase`, binding `bound`): it mentions the commitment, its phase, or a party it binds.
fn answers(trigger_refs: &[Reference<'_>], id: &str, phase: &str, bound: &[String]) -> bool {
    trigger_refs.iter().any(|r| match r.kind {
        RefKind::Party => bound.iter().any(|b| b == r.id),
        _ => r.id == id || r.id == phase,
    })
}

/// Whether a snap-back or suspension, when it takes effect, takes away what commitment
/// `c` delivers: it suspends `c` or `c`'s phase, or (a snap-back) re-imposes an
/// instrument `c` relieves (every relieved one when `restores` lists none). The one
/// statement of what a power takes away, for deterrence (the sanction) and for the
/// hold-up (how long an early step lasts); the engine applies the same fields when the
/// power is exercised (`machine.rs`, `exercise`).
fn takes_away(power: &detente_spec::model::Power, c: &detente_spec::model::Commitment) -> bool {
    if !matches!(power.kind, PowerKind::Snapback | PowerKind::Suspend) {
        return false;
    }
    let suspended = power.suspends.iter().any(|s| s == &c.id || s == &c.phase);
    let restored = power.kind == PowerKind::Snapback
        && match &power.restores {
            Restores::AllRelieved => !c.relieves.is_empty(),
            Restores::Listed(list) => c.relieves.iter().any(|i| list.contains(i)),
        };
    suspended || restored
}

/// The party's loss when the powers answering a violation take effect, and their ids.
fn sanction(spec: &Spec, id: &str, phase: &str, bound: &[String], party: &str) -> (f64, Vec<String>) {
    let mut lost: BTreeSet<&str> = BTreeSet::new();
    let mut powers = Vec::new();
    for power in &spec.power {
        if !matches!(power.kind, PowerKind::Snapback | PowerKind::Suspend) {
            continue;
        }
        if power.holders.iter().any(|h| h == party) || !answers(&power.trigger.references(), id, phase, bound)
        {
            continue;
        }
        powers.push(power.id.clone());
        lost.extend(spec.commitment.iter().filter(|c| takes_away(power, c)).map(|c| c.id.as_str()));
    }
    let benefit = |cid: &str| {
        spec.commitment
            .iter()
            .find(|c| c.id == cid)
            .and_then(|c| c.values.as_ref())
            .and_then(|v| v.benefit.get(party))
            .copied()
            .unwrap_or(0.0)
    };
    (lost.iter().map(|c| benefit(c)).sum(), powers)
}

/// One phase seen by one party in the backward induction.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PhaseStake {
    /// The party.
    pub party: String,
    /// Its cost of performing its commitments of the phase.
    pub cost: f64,
    /// Its benefit from the phase's commitments (the others' and mutual ones).
    pub benefit: f64,
    /// Benefit minus cost of this phase, plus the discounted value of continuing.
    pub value_of_performing: f64,
    /// Whether performing is at least as good as defecting (which forfeits this phase's
    /// and every later phase's benefits and saves its costs).
    pub self_enforcing: bool,
}

/// The hold-up at one late move of a phase: what its mover keeps by defecting after the
/// earlier stages were performed, against its value of going on.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct HoldUp {
    /// The late mover.
    pub party: String,
    /// Its stage in the phase (see [`order_of_moves`]).
    pub stage: usize,
    /// Its steps.
    pub steps: Vec<String>,
    /// The earlier steps it would pocket (those worth something to it), each with how
    /// long it lasts after the earlier stage, in years (`None`: for good): until the
    /// late steps are in default on record and a power answering that takes it away.
    pub pockets: Vec<(String, Option<f64>)>,
    /// What defecting here keeps for it, relative to the phase's start, in the phase
    /// game's units: the earlier steps' yearly flows to it for as long as they last.
    pub gain: f64,
    /// What performing here is worth to it, relative to the phase's start, given how
    /// the movers after it play.
    pub value_of_continuing: f64,
    /// Whether the hold-up breaks self-enforcement here: the gain exceeds the value of
    /// continuing, so the mover defects.
    pub binds: bool,
}

/// One phase of the backward induction.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PhaseResult {
    /// The phase.
    pub phase: String,
    /// Each party's stake.
    pub parties: Vec<PhaseStake>,
    /// The order of moves within the phase, stage by stage: each move's party and steps.
    pub order: Vec<Vec<(String, Vec<String>)>>,
    /// The late moves that could pocket an earlier step, and whether each binds.
    pub hold_ups: Vec<HoldUp>,
    /// What each signatory gets from this phase on in the subgame-perfect play,
    /// relative to the phase's start: its value of performing if the phase holds, else
    /// what the first defection leaves it.
    pub outcome: Vec<f64>,
    /// Whether every party prefers to perform: the phase holds without trust.
    pub self_enforcing: bool,
    /// Reached in the subgame-perfect path (every earlier phase self-enforcing).
    pub reached: bool,
}

/// The phases in order, each with what every signatory gives and gets, solved backward
/// with discount factor `discount` per phase, the moves within each phase in the order
/// [`order_of_moves`] derives: a late mover defects when what it keeps of the earlier
/// steps ([`hold_up`]) is worth more to it than going on.
pub fn self_enforcement(spec: &Spec, discount: f64) -> Vec<PhaseResult> {
    use num_traits::ToPrimitive;
    let signatories = signatories(spec);
    let order = phase_order(spec);
    let moves = order_of_moves(spec);
    let exact_discount = exact(discount);
    let stakes = |phase: &str, party: &str| {
        let mut cost = 0.0;
        let mut benefit = 0.0;
        for c in spec.commitment.iter().filter(|c| c.phase == phase) {
            let values = c.values.as_ref();
            if c.by.iter().any(|b| b == party) {
                cost += values.map_or(0.0, |v| v.cost.of(party));
            }
            benefit += values.and_then(|v| v.benefit.get(party)).copied().unwrap_or(0.0);
        }
        (cost, benefit)
    };
    let ids = |list: &[usize]| list.iter().map(|&c| spec.commitment[c].id.clone()).collect::<Vec<_>>();
    let mut results: Vec<PhaseResult> = Vec::new();
    let mut continuation = vec![0.0; signatories.len()];
    for (k, phase) in order.iter().enumerate().rev() {
        let mut parties = Vec::new();
        let mut all_perform = Vec::new();
        for (n, party) in signatories.iter().enumerate() {
            let (cost, benefit) = stakes(phase, party);
            let value = benefit - cost + discount * continuation[n];
            let value = if value.abs() < 1e-12 { 0.0 } else { value };
            all_perform.push(value);
            parties.push(PhaseStake {
                party: party.to_string(),
                cost,
                benefit,
                value_of_performing: r4(value),
                self_enforcing: value >= 0.0,
            });
        }
        // The moves from the last back: each mover performs if going on is worth at
        // least what defecting keeps (ties go to performing, as in the phase game).
        // The continuation is carried unrounded (reports round; long chains must not).
        let mut outcome = all_perform;
        let mut defected = false;
        let mut hold_ups = Vec::new();
        for (at, m) in moves[k].iter().enumerate().rev() {
            let keeps: Vec<f64> = hold_up(spec, &moves, k, at, &exact_discount)
                .iter()
                .map(|q| q.to_f64().unwrap_or(0.0))
                .collect();
            let (gain, going_on) = (keeps[m.party], outcome[m.party]);
            let defects = going_on < gain - 1e-12;
            let pockets: Vec<(String, Option<f64>)> = performed_before(&moves[k], m)
                .into_iter()
                .filter(|&e| flow(spec, e, signatories[m.party]) > 0.0)
                .map(|e| {
                    let lasts = lasts(spec, e, m, signatories[m.party]);
                    (spec.commitment[e].id.clone(), lasts.map(|l| r4(l.to_f64().unwrap_or(f64::INFINITY))))
                })
                .collect();
            if m.stage > 0 && !pockets.is_empty() {
                hold_ups.push(HoldUp {
                    party: signatories[m.party].to_string(),
                    stage: m.stage,
                    steps: ids(&m.commitments),
                    pockets,
                    gain: r4(gain),
                    value_of_continuing: r4(going_on),
                    binds: defects,
                });
            }
            if defects {
                outcome = keeps;
                defected = true;
            }
        }
        hold_ups.reverse();
        let rounded = outcome.iter().map(|&v| r4(v)).collect();
        continuation = outcome;
        let last_stage = moves[k].iter().map(|m| m.stage).max().unwrap_or(0);
        let order = (0..=last_stage)
            .map(|stage| {
                moves[k]
                    .iter()
                    .filter(|m| m.stage == stage)
                    .map(|m| (signatories[m.party].to_string(), ids(&m.commitments)))
                    .collect()
            })
            .collect();
        results.push(PhaseResult {
            phase: phase.to_string(),
            parties,
            order,
            hold_ups,
            outcome: rounded,
            self_enforcing: !defected,
            reached: false,
        });
    }
    results.reverse();
    let mut reached = true;
    for r in &mut results {
        r.reached = reached;
        reached &= r.self_enforcing;
    }
    results
}

impl PhaseResult {
    /// The phase's order of moves, when it has more than one stage, and each hold-up,
    /// as lines for a report.
    fn order_and_hold_ups(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.order.len() > 1 {
            let stages: Vec<String> = self
                .order
                .iter()
                .enumerate()
                .map(|(n, stage)| {
                    let moves: Vec<String> = stage
                        .iter()
                        .map(|(party, steps)| match steps.is_empty() {
                            true => party.clone(),
                            false => format!("{party} ({})", steps.join(", ")),
                        })
                        .collect();
                    format!("{}. {}", n + 1, moves.join(", "))
                })
                .collect();
            lines.push(format!("order of moves: {}", stages.join("; ")));
        }
        for h in &self.hold_ups {
            let pockets: Vec<String> = h
                .pockets
                .iter()
                .map(|(step, lasts)| match lasts {
                    Some(years) => format!("{step} for {} years", num(*years)),
                    None => format!("{step} for good"),
                })
                .collect();
            let verdict = if h.binds { "  <- the hold-up binds: defects" } else { "" };
            lines.push(format!(
                "hold-up: {} keeps {} without {}: {} against {} of going on{verdict}",
                h.party,
                pockets.join(", "),
                h.steps.join(", "),
                num(h.gain),
                num(h.value_of_continuing)
            ));
        }
        lines
    }
}

/// Phases in the order they can open: the specification's one rule
/// ([`detente_spec::roadmap::phase_order`]: each after its predecessors, otherwise in file
/// order), as ids.
pub fn phase_order(spec: &Spec) -> Vec<&str> {
    detente_spec::roadmap::phase_order(spec).into_iter().map(|p| p.id.as_str()).collect()
}

/// Both analyses of an agreement.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The agreement's id.
    pub agreement: String,
    /// The discount factor per phase used in the backward induction.
    pub discount: f64,
    /// The inspection cost assumed in the simultaneous inspection game.
    pub inspection_cost: f64,
    /// Deterrence of each continuing measure.
    pub deterrence: Vec<Deterrence>,
    /// Self-enforcement of each phase.
    pub phases: Vec<PhaseResult>,
}

fn num(x: f64) -> String {
    let text = format!("{:.3}", r4(x));
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

impl Report {
    /// Analyses `spec` with discount factor `discount` per phase and, for the
    /// simultaneous inspection game, an inspection cost of `inspection_cost` (on the
    /// scale of the specification's values).
    pub fn new(spec: &Spec, discount: f64, inspection_cost: f64) -> Report {
        let mut deterrence = deterrence(spec);
        for d in
            deterrence.iter_mut().filter(|d| d.verified && d.gain > 0.0 && d.sanction > 0.0 && d.damage > 0.0)
        {
            let q = |x: f64| num_rational::BigRational::from_float(x).unwrap_or_default();
            let parameters = crate::inspection::Parameters {
                gain: q(d.gain),
                sanction: q(d.sanction),
                cost: q(inspection_cost),
                damage: q(d.damage),
                detected_loss: q(0.0),
                false_alarm_loss: q(0.0),
                beta: q(1.0 - d.detection),
                alpha: q(d.false_alarm),
            };
            d.simultaneous = crate::inspection::closed_form(&parameters).map(|(p, v)| {
                use num_traits::ToPrimitive;
                [r4(p.to_f64().unwrap_or(f64::NAN)), r4(v.to_f64().unwrap_or(f64::NAN))]
            });
        }
        Report {
            agreement: spec.agreement.id.clone(),
            discount,
            inspection_cost,
            deterrence,
            phases: self_enforcement(spec, discount),
        }
    }

    /// Warnings for measures that are not deterred at their stated verification.
    pub fn warnings(&self) -> Vec<String> {
        self.deterrence
            .iter()
            .filter(|d| !d.deterred)
            .map(|d| match (d.threshold, d.min_inspection) {
                _ if !d.verified => format!(
                    "`{}`: cheating by `{}` is not deterred: nothing verifies it (add a verification with detection of at least {})",
                    d.commitment,
                    d.party,
                    d.threshold.map_or("1".to_string(), num)
                ),
                (None, _) => format!(
                    "`{}`: cheating by `{}` is not deterred: no power answering a violation costs it anything",
                    d.commitment, d.party
                ),
                (Some(t), Some(p)) => format!(
                    "`{}`: cheating by `{}` is not deterred: detection per period {} is below the {} that deters (inspect with probability at least {})",
                    d.commitment, d.party, num(d.stated), num(t), num(p)
                ),
                (Some(t), None) => format!(
                    "`{}`: cheating by `{}` is not deterred: detection per period {} is below the {} that deters, which the stated detection cannot reach",
                    d.commitment, d.party, num(d.stated), num(t)
                ),
            })
            .collect()
    }

    /// The report for a terminal (`markdown = false`) or a document.
    pub fn render(&self, markdown: bool) -> String {
        let mut out = String::new();
        let heading = |out: &mut String, text: &str| {
            if markdown {
                out.push_str(&format!("## {text}\n\n"));
            } else {
                out.push_str(&format!("{text}\n{}\n", "-".repeat(text.len())));
            }
        };
        if markdown {
            out.push_str(&format!("# Incentives in `{}`\n\n", self.agreement));
        } else {
            out.push_str(&format!("Incentives in {}\n\n", self.agreement));
        }
        heading(&mut out, "Deterrence of continuing measures (inspector leadership)");
        out.push_str(
            "Cheating is deterred when the detection probability per period is at least (g + a L) / (g + L):\n\
             g the gain from cheating (the measure's cost), L the relief a detected violation loses,\n\
             a the false-alarm rate.\n\n",
        );
        if markdown {
            out.push_str("| measure | party | g | L | detection per period | deters at | deterred | least inspection |\n|---|---|---|---|---|---|---|---|\n");
        }
        for d in &self.deterrence {
            let threshold = d.threshold.map_or("never".to_string(), num);
            let least = d.min_inspection.map_or("-".to_string(), num);
            let verdict = if d.deterred { "yes" } else { "NO" };
            if markdown {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                    d.commitment,
                    d.party,
                    num(d.gain),
                    num(d.sanction),
                    num(d.stated),
                    threshold,
                    verdict,
                    least
                ));
            } else {
                out.push_str(&format!(
                    "  {:<26} {:<6} g {:<5} L {:<6} detection {:<6} deters at {:<7} deterred {:<4} least inspection {}\n",
                    d.commitment, d.party, num(d.gain), num(d.sanction), num(d.stated), threshold, verdict, least
                ));
            }
        }
        if self.deterrence.is_empty() {
            out.push_str("  (no continuing measures)\n");
        }
        out.push('\n');
        heading(
            &mut out,
            &format!(
                "If inspections cannot be committed to (simultaneous game, inspection cost {})",
                num(self.inspection_cost)
            ),
        );
        out.push_str(
            "The inspector inspects with p* = g / ((1-b)(g+L) - aL) and the party violates with\n\
             q* = e / ((1-b) D), D being what the others lose from an undetected violation.\n\n",
        );
        for d in self.deterrence.iter().filter(|d| d.verified) {
            let line = match d.simultaneous {
                Some([p, q]) => {
                    format!("inspect with probability {}, violation probability {}", num(p), num(q))
                }
                None => {
                    "no mixed equilibrium (detection too weak to deter, or inspection not worth its cost)"
                        .into()
                }
            };
            if markdown {
                out.push_str(&format!("* {} ({}): {line}\n", d.commitment, d.party));
            } else {
                out.push_str(&format!("  {:<26} {:<6} {line}\n", d.commitment, d.party));
            }
        }
        out.push('\n');
        heading(
            &mut out,
            &format!("Self-enforcement by phase (backward induction, discount {})", num(self.discount)),
        );
        out.push_str(
            "A party performs a phase when its benefit minus cost, plus the discounted value of what follows,\n\
             is at least what defecting keeps (nothing more from then on). Within a phase, a step whose `when`\n\
             requires another moves after it; a late mover that defects keeps the earlier steps' yearly flows\n\
             until a power answering its default takes them away (each phase counts as a year of its flows).\n\n",
        );
        for p in &self.phases {
            let status = match (p.self_enforcing, p.reached) {
                (true, true) => "self-enforcing",
                (true, false) => "self-enforcing, but not reached",
                (false, true) => "rests on trust",
                (false, false) => "rests on trust, and not reached",
            };
            if markdown {
                out.push_str(&format!("* **{}**: {status}\n", p.phase));
            } else {
                out.push_str(&format!("  {:<20} {status}\n", p.phase));
            }
            for s in &p.parties {
                let mark = if s.self_enforcing { "" } else { "  <- would defect" };
                let line = format!(
                    "{}: cost {}, benefit {}, value of performing {}{mark}",
                    s.party,
                    num(s.cost),
                    num(s.benefit),
                    num(s.value_of_performing)
                );
                if markdown {
                    out.push_str(&format!("  * {line}\n"));
                } else {
                    out.push_str(&format!("      {line}\n"));
                }
            }
            for line in p.order_and_hold_ups() {
                if markdown {
                    out.push_str(&format!("  * {line}\n"));
                } else {
                    out.push_str(&format!("      {line}\n"));
                }
            }
        }
        out
    }
}

/// One move within a phase: a signatory performing its commitments of the phase that
/// fall in the same stage (or, with none, deciding whether to go on with the phase).
#[derive(Clone, Debug, PartialEq)]
pub struct Move {
    /// The mover: its index among the signatories.
    pub party: usize,
    /// Its stage within the phase: 0 for steps owed when the phase opens, and one more
    /// than the latest stage of any step of the phase whose performance its `when`
    /// requires.
    pub stage: usize,
    /// The commitments it performs (indices in the specification).
    pub commitments: Vec<usize>,
    /// How long after they become owed a default of its steps is on record, in years
    /// (the latest of theirs: a deadline whose passing violates it, extensions
    /// included; at once for a continuing step without a deadline); `None` when a
    /// default of one is never on record (a deadline that discharges it, an action
    /// without one, or one due on a calendar date).
    pub due: Option<Q>,
}

/// The order of moves within each phase, derived from the agreement: a commitment moves
/// after the commitments of the same phase that its `when` condition requires to be
/// performed (`performed(x)`, `fulfilled(x)`, `verified(x)` or `complete(phase)`, read
/// through [`detente_spec::condition`]: every term of an `and`, the terms common to
/// every branch of an `or`, nothing under a `not`). Steps of the same stage are
/// simultaneous; the moves of a stage are in the order the signatories are listed, and
/// a signatory with nothing to do in the phase moves in its first stage (it decides
/// whether to go on). Phases are in [`phase_order`].
pub fn order_of_moves(spec: &Spec) -> Vec<Vec<Move>> {
    let signatories = signatories(spec);
    phase_order(spec)
        .into_iter()
        .map(|phase| {
            let members: Vec<usize> = spec
                .commitment
                .iter()
                .enumerate()
                .filter(|(_, c)| c.phase == phase)
                .map(|(i, _)| i)
                .collect();
            let stages = stages(spec, &members);
            let last = stages.iter().copied().max().unwrap_or(0);
            let mut moves = Vec::new();
            for stage in 0..=last {
                for (n, party) in signatories.iter().enumerate() {
                    let commitments: Vec<usize> = members
                        .iter()
                        .zip(&stages)
                        .filter(|(&c, &s)| s == stage && spec.commitment[c].by.iter().any(|b| b == party))
                        .map(|(&c, _)| c)
                        .collect();
                    let idle = stage == 0
                        && !members.iter().any(|&c| spec.commitment[c].by.iter().any(|b| b == party));
                    if commitments.is_empty() && !idle {
                        continue;
                    }
                    let due = commitments.iter().try_fold(Q::zero(), |latest, &c| {
                        due_years(&spec.commitment[c]).map(|d| if d > latest { d } else { latest })
                    });
                    moves.push(Move { party: n, stage, commitments, due });
                }
            }
            moves
        })
        .collect()
}

fn signatories(spec: &Spec) -> Vec<&str> {
    spec.party
        .iter()
        .filter(|p| p.role == detente_spec::model::Role::Signatory)
        .map(|p| p.id.as_str())
        .collect()
}

/// Each member's stage: the longest chain of required steps of the phase before it
/// (a cycle, which validation refuses, is cut where it closes).
fn stages(spec: &Spec, members: &[usize]) -> Vec<usize> {
    let requires: Vec<BTreeSet<usize>> = members
        .iter()
        .map(|&c| {
            let ids = spec.commitment[c].when.as_ref().map(|w| required(spec, w)).unwrap_or_default();
            members
                .iter()
                .enumerate()
                .filter(|(_, &d)| ids.contains(spec.commitment[d].id.as_str()))
                .map(|(n, _)| n)
                .collect()
        })
        .collect();
    let mut stage = vec![0usize; members.len()];
    // Relax at most once per member: a longest path in a graph without cycles.
    for _ in 0..members.len() {
        let mut moved = false;
        for n in 0..members.len() {
            let after = requires[n].iter().map(|&d| stage[d] + 1).max().unwrap_or(0).min(members.len());
            if after > stage[n] {
                stage[n] = after;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    stage
}

/// The commitments a condition cannot hold without having been performed.
fn required<'a>(spec: &'a Spec, condition: &'a Condition) -> BTreeSet<&'a str> {
    let phase_members =
        |phase: &str| spec.commitment.iter().filter(|c| c.phase == phase).map(|c| c.id.as_str()).collect();
    match condition {
        Condition::Commitment(
            Predicate::Performed | Predicate::Fulfilled | Predicate::Verified,
            Subject::Item(id),
        ) => {
            if spec.phase.iter().any(|p| &p.id == id) {
                phase_members(id)
            } else {
                BTreeSet::from([id.as_str()])
            }
        }
        Condition::Complete(phase) => phase_members(phase),
        Condition::And(parts) => parts.iter().flat_map(|p| required(spec, p)).collect(),
        Condition::Or(parts) => {
            let mut sets = parts.iter().map(|p| required(spec, p));
            let first = sets.next().unwrap_or_default();
            sets.fold(first, |common, set| common.intersection(&set).copied().collect())
        }
        _ => BTreeSet::new(),
    }
}

/// A duration in years, exactly: days of 1/365 year, weeks of 7 days, months of 1/12.
fn years(duration: &Duration) -> Q {
    let n = BigInt::from(duration.amount);
    match duration.unit {
        Unit::Day => Q::new(n, BigInt::from(365)),
        Unit::Week => Q::new(n * 7, BigInt::from(365)),
        Unit::Month => Q::new(n, BigInt::from(12)),
        Unit::Year => Q::from_integer(n),
    }
}

/// How long after it becomes owed a commitment that is not performed is in default on
/// record, in years (see [`Move::due`]): its deadline, when missing it violates it (plus
/// the extension, where `on_timeout` extends it once); at once for a continuing step
/// without a deadline (in effect from the day it is owed, so not keeping it is a
/// breach); never for a deadline whose passing discharges it, an action without one,
/// or one due on a calendar date.
fn due_years(c: &Commitment) -> Option<Q> {
    match (&c.due, &c.on_timeout, c.kind) {
        (Some(Due::After(d)), Some(Timeout::Violated), _) => Some(years(d)),
        (Some(Due::After(d)), Some(Timeout::Extended(e)), _) => Some(years(d) + years(e)),
        (None, _, CommitmentKind::Continuing) => Some(Q::zero()),
        _ => None,
    }
}

/// How long commitment `early`, performed in an earlier stage, goes on delivering after
/// the mover of `late` fails to perform its steps: until its deadline passes and a power
/// that answers the default takes `early` away, a notice later (a snap-back or
/// suspension whose `suspends` names it or its phase, a snap-back that restores what
/// it relieves, or the withdrawal of a party bound by it, which ends a continuing step
/// but not an action done). The power must be held by someone besides the defaulter
/// and answer it: its trigger mentions the late steps, their phase or the defaulter, or
/// is `true`. `None`: nothing takes it away (or the late steps have no deadline, so no
/// default is ever on record): it lasts for good.
pub fn lasts(spec: &Spec, early: usize, late: &Move, defaulter: &str) -> Option<Q> {
    let due = late.due.as_ref()?;
    let e = &spec.commitment[early];
    let mut soonest: Option<Q> = None;
    for power in &spec.power {
        if !power.holders.iter().any(|h| h != defaulter) {
            continue;
        }
        let refs = power.trigger.references();
        let answers_default = power.trigger == Condition::True
            || late.commitments.iter().any(|&c| {
                let c = &spec.commitment[c];
                answers(&refs, &c.id, &c.phase, &[defaulter.to_string()])
            });
        let takes_away = match power.kind {
            PowerKind::Snapback | PowerKind::Suspend => takes_away(power, e),
            PowerKind::Withdraw => {
                e.kind == CommitmentKind::Continuing
                    && power.holders.iter().any(|h| h != defaulter && e.by.contains(h))
            }
        };
        if answers_default && takes_away {
            let delay = due + power.notice.as_ref().map_or_else(Q::zero, years);
            if soonest.as_ref().is_none_or(|s| &delay < s) {
                soonest = Some(delay);
            }
        }
    }
    soonest
}

/// The weight, in the phase game's periods, of a flow that lasts `lasts` years from
/// the start of a phase with `periods` periods of the game left (this one included):
/// the game counts a phase's steps as one year of their flows, discounted by `discount`
/// per period, so a flow lasting `L` years weighs `Σ discount^j · min(1, max(0, L - j))`
/// over the periods left, and one that lasts for good `Σ discount^j`.
pub fn weight(lasts: Option<&Q>, discount: &Q, periods: usize) -> Q {
    let mut total = Q::zero();
    let mut factor = Q::one();
    for j in 0..periods {
        let share = match lasts {
            None => Q::one(),
            Some(l) => {
                let left = l - Q::from_integer(BigInt::from(j));
                if left <= Q::zero() {
                    break;
                }
                left.min(Q::one())
            }
        };
        total += &factor * share;
        factor *= discount;
    }
    total
}

/// What commitment `c` delivers to `party` a year while in effect: its benefit to the
/// party, less the party's own cost if bound by it.
pub fn flow(spec: &Spec, c: usize, party: &str) -> f64 {
    let commitment = &spec.commitment[c];
    let Some(values) = commitment.values.as_ref() else { return 0.0 };
    let benefit = values.benefit.get(party).copied().unwrap_or(0.0);
    let cost = if commitment.by.iter().any(|b| b == party) { values.cost.of(party) } else { 0.0 };
    benefit - cost
}

/// What each signatory has, relative to the start of phase `phase` (an index in
/// [`phase_order`]), when the mover of `moves[at]` defects after every earlier stage of
/// the phase was performed: each earlier step's yearly flow times the [`weight`] of
/// how long it [`lasts`]. All zeros for a move of the first stage.
pub fn hold_up(spec: &Spec, moves: &[Vec<Move>], phase: usize, at: usize, discount: &Q) -> Vec<Q> {
    let signatories = signatories(spec);
    let late = &moves[phase][at];
    let defaulter = signatories[late.party];
    let periods = moves.len() - phase;
    let mut have = vec![Q::zero(); signatories.len()];
    for e in performed_before(&moves[phase], late) {
        let w = weight(lasts(spec, e, late, defaulter).as_ref(), discount, periods);
        for (i, party) in signatories.iter().enumerate() {
            have[i] += exact(flow(spec, e, party)) * &w;
        }
    }
    have
}

/// The commitments of a phase's stages before `late`'s, each once (a step several
/// parties share is in each one's move).
pub fn performed_before(moves: &[Move], late: &Move) -> BTreeSet<usize> {
    moves.iter().filter(|m| m.stage < late.stage).flat_map(|m| m.commitments.iter().copied()).collect()
}

/// An exact rational of a float (the values' numbers; 0 for one that is not finite).
pub fn exact(x: f64) -> Q {
    BigRational::from_float(x).unwrap_or_else(Q::zero)
}
