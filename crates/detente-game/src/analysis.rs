//! Incentive analysis of an agreement from its `values`: deterrence of each continuing
//! measure by inspection and snap-back, and self-enforcement of each phase by backward
//! induction. docs/game-theory.md states the models, their formulas and sources.

use std::collections::BTreeSet;

use detente_spec::condition::{RefKind, Reference};
use detente_spec::model::{CommitmentKind, PowerKind, Restores, Spec};
use serde::Serialize;

/// Round to four decimals for reports.
fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// The deterrence analysis of one continuing measure for one bound party.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
        let detection =
            sim.detection.get(&c.id).copied().or(c.verification.as_ref().map(|v| v.detection)).unwrap_or(0.0);
        let false_alarm = sim
            .false_alarm
            .get(&c.id)
            .copied()
            .or(c.verification.as_ref().map(|v| v.false_alarm))
            .unwrap_or(0.0);
        let inspection =
            if c.verification.is_some() { sim.inspection.get(&c.id).copied().unwrap_or(1.0) } else { 0.0 };
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
        for target in &power.suspends {
            if spec.commitment.iter().any(|c| &c.id == target) {
                lost.insert(target.as_str());
            }
            for c in spec.commitment.iter().filter(|c| &c.phase == target) {
                lost.insert(c.id.as_str());
            }
        }
        if power.kind == PowerKind::Snapback {
            for c in &spec.commitment {
                let restored = match &power.restores {
                    Restores::AllRelieved => !c.relieves.is_empty(),
                    Restores::Listed(list) => c.relieves.iter().any(|i| list.contains(i)),
                };
                if restored {
                    lost.insert(c.id.as_str());
                }
            }
        }
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
#[derive(Clone, Debug, PartialEq, Serialize)]
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

/// One phase of the backward induction.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhaseResult {
    /// The phase.
    pub phase: String,
    /// Each party's stake.
    pub parties: Vec<PhaseStake>,
    /// Whether every party prefers to perform: the phase holds without trust.
    pub self_enforcing: bool,
    /// Reached in the subgame-perfect path (every earlier phase self-enforcing).
    pub reached: bool,
}

/// The phases in order, each with what every signatory gives and gets, solved backward
/// with discount factor `discount` per phase.
pub fn self_enforcement(spec: &Spec, discount: f64) -> Vec<PhaseResult> {
    let signatories: Vec<&str> = spec
        .party
        .iter()
        .filter(|p| p.role == detente_spec::model::Role::Signatory)
        .map(|p| p.id.as_str())
        .collect();
    let order = phase_order(spec);
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
    let mut results: Vec<PhaseResult> = Vec::new();
    let mut continuation = vec![0.0; signatories.len()];
    for phase in order.iter().rev() {
        let mut parties = Vec::new();
        for (n, party) in signatories.iter().enumerate() {
            let (cost, benefit) = stakes(phase, party);
            let value = benefit - cost + discount * continuation[n];
            let value = if value.abs() < 1e-12 { 0.0 } else { value };
            parties.push(PhaseStake {
                party: party.to_string(),
                cost,
                benefit,
                value_of_performing: r4(value),
                self_enforcing: value >= 0.0,
            });
        }
        let holds = parties.iter().all(|p| p.self_enforcing);
        // If some party defects here, nothing from here on is delivered to anyone. The
        // continuation is carried unrounded (reports round; long chains must not).
        for (n, party) in signatories.iter().enumerate() {
            let (cost, benefit) = stakes(phase, party);
            continuation[n] = if holds { benefit - cost + discount * continuation[n] } else { 0.0 };
        }
        results.push(PhaseResult {
            phase: phase.to_string(),
            parties,
            self_enforcing: holds,
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

/// Phases in an order that respects `after` (specification order among the ready ones).
pub fn phase_order(spec: &Spec) -> Vec<&str> {
    let mut done: Vec<&str> = Vec::new();
    while done.len() < spec.phase.len() {
        let next = spec
            .phase
            .iter()
            .find(|p| !done.contains(&p.id.as_str()) && p.after.iter().all(|a| done.contains(&a.as_str())));
        match next {
            Some(p) => done.push(&p.id),
            // A cycle is a validation error; if one slipped through, keep the rest in order.
            None => done.extend(
                spec.phase.iter().map(|p| p.id.as_str()).filter(|id| !done.contains(id)).collect::<Vec<_>>(),
            ),
        }
    }
    done
}

/// Both analyses of an agreement.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
             is at least what defecting keeps (nothing more from then on).\n\n",
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
        }
        out
    }
}
