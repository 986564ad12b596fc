//! What a tally says: quantiles over time, phase-reach probabilities, relief, snap-backs
//! and breakdowns, as a terminal summary, JSON and CSV tables.
//!
//! Every number is rounded to four decimals, so reports are stable to read and compare.
//! Quantiles of quantities come from the tally's histograms; each quantity states its
//! resolution (one bin's width).

use std::collections::BTreeMap;
use std::fmt::Write;

use detente_engine::Agreement;
use detente_spec::model::Simulation;
use serde::Serialize;

use crate::plan::{Plan, BINS};
use crate::tally::{quantile, Tally, STATUSES};

/// Rounds to four decimals (and turns NaN into 0, for empty distributions).
fn r4(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e4).round() / 1e4
    } else {
        0.0
    }
}

/// The five quantiles reports use, and the mean.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Spread {
    /// 5th percentile.
    pub p5: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean.
    pub mean: f64,
}

const LEVELS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

impl Spread {
    /// Quantiles from a histogram, kept within the exact least and greatest values (so a
    /// quantity every run agrees on reads exactly, not as a bin's interpolation).
    fn from_histogram(counts: &[u32], range: (f64, f64), bounds: Option<(f64, f64)>, mean: f64) -> Spread {
        let (least, greatest) = bounds.unwrap_or(range);
        let q: Vec<f64> =
            LEVELS.iter().map(|&p| r4(quantile(counts, range, p).clamp(least, greatest))).collect();
        Spread { p5: q[0], p25: q[1], p50: q[2], p75: q[3], p95: q[4], mean: r4(mean) }
    }

    /// Quantiles of a discrete distribution given as counts of values `value(k)`.
    fn from_counts(counts: &[u64], value: impl Fn(usize) -> f64) -> Option<Spread> {
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let at = |p: f64| {
            let target = (p * total as f64).ceil().max(1.0) as u64;
            let mut seen = 0;
            for (k, &n) in counts.iter().enumerate() {
                seen += n;
                if seen >= target {
                    return value(k);
                }
            }
            value(counts.len() - 1)
        };
        let mean = counts.iter().enumerate().map(|(k, &n)| value(k) * n as f64).sum::<f64>() / total as f64;
        Some(Spread {
            p5: at(0.05),
            p25: at(0.25),
            p50: at(0.5),
            p75: at(0.75),
            p95: at(0.95),
            mean: r4(mean),
        })
    }
}

/// A quantity over time.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct QuantitySummary {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// The width of one histogram bin: quantiles are exact to about this.
    pub resolution: f64,
    /// Quantiles at the end of each step.
    pub steps: Vec<Spread>,
}

/// A phase's chance of opening.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PhaseSummary {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The probability it opened within the horizon.
    pub reached: f64,
    /// The probability it has opened by the end of each step.
    pub by_step: Vec<f64>,
    /// Months from adoption to its opening, in the runs where it opened.
    pub months_to_open: Option<Spread>,
}

/// Relief from sanctions delivered under the agreement.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ReliefSummary {
    /// Mean economic weight of the relieved instruments in effect, each step.
    pub mean_by_step: Vec<f64>,
    /// The spread of that weight over futures, each step (quantiles from a histogram of
    /// 400 bins over zero to every weight at once, within the exact least and greatest).
    pub by_step: Vec<Spread>,
    /// Relief delivered over the horizon (weight times years).
    pub delivered: Spread,
    /// Each instrument's probability of being relieved at the horizon.
    pub relieved_at_end: BTreeMap<String, f64>,
    /// Whether any instrument states an economic weight (otherwise relief in weight is 0
    /// by construction).
    pub weighted: bool,
}

/// An event's probability over time.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Risk {
    /// The probability it happened within the horizon.
    pub probability: f64,
    /// The probability it has happened by the end of each step.
    pub by_step: Vec<f64>,
}

/// Ground truth against the record, per run on average.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RecordSummary {
    /// Party-months of covert violation.
    pub covert_violation_months: f64,
    /// Real violations detected and recorded.
    pub detected: f64,
    /// False alarms recorded.
    pub false_alarms: f64,
    /// False alarms cleared by the dispute procedure.
    pub false_alarms_cleared: f64,
    /// Events the agreement refused in all runs (should be zero).
    pub refused_events: u64,
}

/// Everything a simulation of one design says.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// The agreement's id.
    pub agreement: String,
    /// Its title.
    pub title: String,
    /// How many runs.
    pub runs: u64,
    /// The assumptions, as written after command-line overrides.
    pub assumptions: Simulation,
    /// The date the futures start from (adoption, or the end of a replayed history).
    pub start: String,
    /// Months from adoption at the end of each step.
    pub months: Vec<u32>,
    /// The date at the end of each step.
    pub dates: Vec<String>,
    /// Quantities over time.
    pub quantities: Vec<QuantitySummary>,
    /// The programme over time: for each quantity made from others, the material not
    /// yet assembled (`<id>.material`, in units' worth) and the breakout time
    /// (`<id>.breakout`, in days, capped at the horizon). Empty, and left out, when no
    /// quantity is made from others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programme: Vec<QuantitySummary>,
    /// Phases.
    pub phases: Vec<PhaseSummary>,
    /// Relief.
    pub relief: ReliefSummary,
    /// Snap-backs: the probability that one took effect; `mean_count` per run.
    pub snapback: Risk,
    /// The mean number of snap-back powers exercised per run.
    pub snapbacks_per_run: f64,
    /// Breakdown: a signatory withdrew or the agreement terminated early.
    pub breakdown: Risk,
    /// Collapse: the engine read the agreement as collapsed (nothing owed moving any
    /// more), or it broke down, whichever came first.
    pub collapse: Risk,
    /// Truth against record.
    pub record: RecordSummary,
    /// Each commitment's status at the horizon, with probabilities (statuses never seen
    /// are left out).
    pub commitments: BTreeMap<String, BTreeMap<String, f64>>,
    /// What a reader must know to read the numbers (e.g. that a replayed history had
    /// already broken down); printed first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Summary {
    /// Summarises `tally`, the runs of `plan` over `ag`.
    pub fn new(ag: &Agreement, plan: &Plan, tally: &Tally) -> Summary {
        let n = tally.runs;
        let steps = tally.steps;
        let prob = |count: u64| r4(count as f64 / n.max(1) as f64);
        let month = |k: usize| ((k + 1) as u32) * plan.step_months;
        let quantities = ag
            .spec
            .quantity
            .iter()
            .enumerate()
            .map(|(q, spec)| {
                let range = plan.quantities[q].range;
                QuantitySummary {
                    id: spec.id.clone(),
                    name: spec.name.clone(),
                    unit: spec.unit.clone(),
                    resolution: r4((range.1 - range.0) / BINS as f64),
                    steps: (0..steps)
                        .map(|k| {
                            let level = &tally.quantity_moments[q * steps + k];
                            Spread::from_histogram(
                                tally.quantity_histogram(q, k),
                                range,
                                level.bounds(),
                                level.mean(n),
                            )
                        })
                        .collect(),
                }
            })
            .collect();
        let programme = plan
            .outputs
            .iter()
            .enumerate()
            .map(|(o, output)| QuantitySummary {
                id: output.id.clone(),
                name: output.name.clone(),
                unit: output.unit.clone(),
                resolution: r4((output.range.1 - output.range.0) / BINS as f64),
                steps: (0..steps)
                    .map(|k| {
                        let level = &tally.programme_moments[o * steps + k];
                        Spread::from_histogram(
                            tally.programme_histogram(o, k),
                            output.range,
                            level.bounds(),
                            level.mean(n),
                        )
                    })
                    .collect(),
            })
            .collect();
        let phases = ag
            .spec
            .phase
            .iter()
            .enumerate()
            .map(|(p, spec)| {
                let first = tally.phase_first(p);
                PhaseSummary {
                    id: spec.id.clone(),
                    title: spec.title.clone(),
                    reached: prob(first[..steps].iter().sum()),
                    by_step: tally.by_step(first).into_iter().map(r4).collect(),
                    months_to_open: Spread::from_counts(&first[..steps], |k| month(k) as f64),
                }
            })
            .collect();
        let relief = ReliefSummary {
            mean_by_step: tally.relief.iter().map(|m| r4(m.mean(n))).collect(),
            by_step: (0..steps)
                .map(|k| {
                    let level = &tally.relief[k];
                    Spread::from_histogram(
                        tally.relief_histogram(k),
                        Tally::relief_step_range(plan),
                        level.bounds(),
                        level.mean(n),
                    )
                })
                .collect(),
            delivered: Spread::from_histogram(
                &tally.relief_total_bins,
                Tally::relief_range(plan),
                tally.relief_total.bounds(),
                tally.relief_total.mean(n),
            ),
            relieved_at_end: ag
                .spec
                .instrument
                .iter()
                .zip(&tally.relieved_at_end)
                .map(|(i, &count)| (i.id.clone(), prob(count)))
                .collect(),
            weighted: plan.weights.iter().any(|&w| w != 0.0),
        };
        let risk = |first: &[u64]| Risk {
            probability: prob(first[..steps].iter().sum()),
            by_step: tally.by_step(first).into_iter().map(r4).collect(),
        };
        let snapbacks_per_run =
            r4(tally.snapbacks.iter().enumerate().map(|(k, &c)| k as f64 * c as f64).sum::<f64>()
                / n.max(1) as f64);
        let commitments = ag
            .spec
            .commitment
            .iter()
            .enumerate()
            .map(|(c, spec)| {
                let row = &tally.end_status[c * STATUSES.len()..(c + 1) * STATUSES.len()];
                let statuses = STATUSES
                    .iter()
                    .zip(row)
                    .filter(|(_, &count)| count > 0)
                    .map(|(s, &count)| (status_name(*s, plan.commitments[c].continuing), prob(count)))
                    .collect();
                (spec.id.clone(), statuses)
            })
            .collect();
        Summary {
            agreement: ag.spec.agreement.id.clone(),
            title: ag.spec.agreement.title.clone(),
            runs: n,
            assumptions: plan.assumptions.clone(),
            start: plan.start.to_string(),
            months: (0..steps).map(month).collect(),
            dates: plan.dates.iter().map(|d| d.to_string()).collect(),
            quantities,
            programme,
            phases,
            relief,
            snapback: risk(&tally.first_snapback),
            snapbacks_per_run,
            breakdown: risk(&tally.breakdown),
            collapse: risk(&tally.collapse),
            record: RecordSummary {
                covert_violation_months: r4(tally.covert_violations.mean(n)),
                detected: r4(tally.detected.mean(n)),
                false_alarms: r4(tally.false_alarms.mean(n)),
                false_alarms_cleared: r4(tally.resolved.mean(n)),
                refused_events: tally.refused,
            },
            commitments,
            notes: Vec::new(),
        }
    }

    /// The step closest to `months` after adoption.
    fn step_at(&self, months: u32) -> usize {
        self.months.iter().position(|&m| m >= months).unwrap_or(self.months.len() - 1)
    }

    /// The terminal summary.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let years = *self.months.last().unwrap_or(&0) as f64 / 12.0;
        let _ = writeln!(
            out,
            "{}: {} simulated futures over {} year{} from {}, step {} (seed {})",
            self.agreement,
            self.runs,
            num(years),
            if years == 1.0 { "" } else { "s" },
            self.start,
            self.assumptions.step,
            self.assumptions.seed
        );
        let _ = writeln!(out, "{}", self.title);
        for note in &self.notes {
            let _ = writeln!(out, "Note: {note}");
        }
        self.text_assumptions(&mut out);
        let marks: Vec<u32> = [12u32, 60, 120, 240, 360]
            .into_iter()
            .filter(|&m| m < *self.months.last().unwrap_or(&0))
            .chain(self.months.last().copied())
            .collect();
        let _ = writeln!(out, "\nTrue quantities, median [5%-95%]:");
        if self.quantities.is_empty() {
            let _ = writeln!(out, "  (the agreement tracks no quantities)");
        } else {
            let header: String = marks.iter().map(|&m| format!("  {:>22}", format!("month {m}"))).collect();
            let _ = writeln!(out, "  {:<34}{header}", "");
        }
        for q in &self.quantities {
            let cells: String = marks
                .iter()
                .map(|&m| {
                    let s = &q.steps[self.step_at(m)];
                    format!("  {:>22}", format!("{} [{}-{}]", num(s.p50), num(s.p5), num(s.p95)))
                })
                .collect();
            let label = format!("{} ({})", q.id, q.unit);
            let _ = writeln!(out, "  {label:<34}{cells}");
        }
        if !self.programme.is_empty() {
            let _ =
                writeln!(out, "\nThe programme, median [5%-95%] (breakout in days, capped at the horizon):");
        }
        for q in &self.programme {
            let cells: String = marks
                .iter()
                .map(|&m| {
                    let s = &q.steps[self.step_at(m)];
                    format!("  {:>22}", format!("{} [{}-{}]", num(s.p50), num(s.p5), num(s.p95)))
                })
                .collect();
            let label = format!("{} ({})", q.id, q.unit);
            let _ = writeln!(out, "  {label:<34}{cells}");
        }
        let _ = writeln!(out, "\nPhases: probability of opening, and months to open [5%-95%]:");
        if self.phases.is_empty() {
            let _ = writeln!(out, "  (no phases)");
        }
        for p in &self.phases {
            let when = p
                .months_to_open
                .map(|s| format!("month {} [{}-{}]", num(s.p50), num(s.p5), num(s.p95)))
                .unwrap_or_else(|| "never opened".into());
            let _ = writeln!(out, "  {:<24} {:>6.1}%   {when}", p.id, p.reached * 100.0);
        }
        let d = &self.relief.delivered;
        let _ = writeln!(
            out,
            "\nRelief delivered (weight x years): mean {}, median {} [{}-{}]",
            num(d.mean),
            num(d.p50),
            num(d.p5),
            num(d.p95)
        );
        if !self.relief.weighted {
            let _ = writeln!(
                out,
                "  (no instrument states an economic `weight`: relief is counted by instrument only)"
            );
        }
        let relieved: Vec<String> = self
            .relief
            .relieved_at_end
            .iter()
            .filter(|(_, &p)| p > 0.0)
            .map(|(id, p)| format!("{id} {:.1}%", p * 100.0))
            .collect();
        if !relieved.is_empty() {
            let _ = writeln!(out, "  relieved at the horizon: {}", relieved.join(", "));
        }
        let _ = writeln!(
            out,
            "\nSnap-back: {:.1}% of futures ({} per run); breakdown: {:.1}%; collapse or breakdown: {:.1}%",
            self.snapback.probability * 100.0,
            num(self.snapbacks_per_run),
            self.breakdown.probability * 100.0,
            self.collapse.probability * 100.0
        );
        let r = &self.record;
        let _ = writeln!(
            out,
            "Truth and record, per run: {} party-months of covert violation, {} detected, {} false alarms ({} cleared)",
            num(r.covert_violation_months),
            num(r.detected),
            num(r.false_alarms),
            num(r.false_alarms_cleared)
        );
        if r.refused_events > 0 {
            let _ =
                writeln!(out, "warning: {} events were refused by the agreement's rules", r.refused_events);
        }
        let _ = writeln!(out, "\nCommitments at the horizon:");
        for (id, statuses) in &self.commitments {
            let mut parts: Vec<(&String, &f64)> = statuses.iter().collect();
            parts.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
            let text: Vec<String> = parts.iter().map(|(s, p)| format!("{s} {:.1}%", *p * 100.0)).collect();
            let _ = writeln!(out, "  {id:<28} {}", text.join(", "));
        }
        out
    }

    fn text_assumptions(&self, out: &mut String) {
        let a = &self.assumptions;
        let mut parts = Vec::new();
        for (party, s) in &a.strategy {
            let mut params = Vec::new();
            if let Some(c) = s.cheat {
                params.push(format!("cheat {c}"));
            }
            if let Some(c) = s.max_cost {
                params.push(format!("max_cost {c}"));
            }
            if let Some(p) = s.patience {
                params.push(format!("patience {p}"));
            }
            let params = if params.is_empty() { String::new() } else { format!(" ({})", params.join(", ")) };
            parts.push(format!("{party} {}{params}", s.kind));
        }
        let strategies = if parts.is_empty() {
            "every signatory sincere".to_string()
        } else {
            format!("{}; others sincere", parts.join(", "))
        };
        let _ = writeln!(out, "Assumptions: {strategies}");
        for e in &a.election {
            let _ = writeln!(
                out,
                "  elections in {} every {} from {}, reversal probability {}",
                e.party, e.every, e.first, e.reversal
            );
        }
        for (name, map) in
            [("detection", &a.detection), ("false alarm", &a.false_alarm), ("inspection", &a.inspection)]
        {
            for (id, p) in map {
                let _ = writeln!(out, "  {name} of {id}: {p}");
            }
        }
        let _ = writeln!(
            out,
            "  anomalies decided within a month with probability {}; a verdict confirms a real breach \
             with probability {}, a false alarm with probability {}",
            a.resolution, a.confirmation.breach, a.confirmation.false_alarm
        );
        let _ = writeln!(
            out,
            "  a signatory walks out within a year with probability {}, or {} while aggrieved",
            a.walkout.base, a.walkout.aggrieved
        );
        for (id, lead_time) in &a.lead_time {
            let _ = writeln!(
                out,
                "  lead time of {id}: median {}, 90th percentile {}",
                lead_time.median, lead_time.p90
            );
        }
    }

    /// CSV tables, by file name.
    pub fn csv(&self) -> Vec<(&'static str, String)> {
        let mut quantities = String::from("quantity,month,date,mean,p5,p25,p50,p75,p95\n");
        for q in &self.quantities {
            for (k, s) in q.steps.iter().enumerate() {
                let _ = writeln!(
                    quantities,
                    "{},{},{},{},{},{},{},{},{}",
                    q.id, self.months[k], self.dates[k], s.mean, s.p5, s.p25, s.p50, s.p75, s.p95
                );
            }
        }
        let mut programme = String::from("figure,unit,month,date,mean,p5,p25,p50,p75,p95\n");
        for q in &self.programme {
            for (k, s) in q.steps.iter().enumerate() {
                let _ = writeln!(
                    programme,
                    "{},{},{},{},{},{},{},{},{},{}",
                    q.id, q.unit, self.months[k], self.dates[k], s.mean, s.p5, s.p25, s.p50, s.p75, s.p95
                );
            }
        }
        let mut phases = String::from("phase,month,date,probability_open\n");
        for p in &self.phases {
            for (k, prob) in p.by_step.iter().enumerate() {
                let _ = writeln!(phases, "{},{},{},{}", p.id, self.months[k], self.dates[k], prob);
            }
        }
        let mut outcomes = String::from(
            "month,date,mean_relief,probability_snapback,probability_breakdown,probability_collapse\n",
        );
        for k in 0..self.months.len() {
            let _ = writeln!(
                outcomes,
                "{},{},{},{},{},{}",
                self.months[k],
                self.dates[k],
                self.relief.mean_by_step[k],
                self.snapback.by_step[k],
                self.breakdown.by_step[k],
                self.collapse.by_step[k]
            );
        }
        let mut commitments = String::from("commitment,status_at_horizon,probability\n");
        for (id, statuses) in &self.commitments {
            for (status, p) in statuses {
                let _ = writeln!(commitments, "{id},{status},{p}");
            }
        }
        let mut tables = vec![
            ("quantities.csv", quantities),
            ("phases.csv", phases),
            ("outcomes.csv", outcomes),
            ("commitments.csv", commitments),
        ];
        if !self.programme.is_empty() {
            tables.push(("programme.csv", programme));
        }
        tables
    }
}

/// A commitment status as reports name it.
fn status_name(status: detente_engine::state::CommitmentStatus, continuing: bool) -> String {
    status.describe(continuing, false).to_string()
}

/// A number without trailing zeros.
/// Two decimals from 0.1 up, four below (standard errors of probabilities are small),
/// and no trailing zeros.
pub fn num(x: f64) -> String {
    let x = r4(x);
    let text = if x.abs() >= 0.1 { format!("{x:.2}") } else { format!("{x:.4}") };
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(235.11), "235.11");
        assert_eq!(num(30.0), "30");
        assert_eq!(num(0.0033), "0.0033");
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(-0.00001), "0");
        assert_eq!(num(0.0), "0");
    }
}
