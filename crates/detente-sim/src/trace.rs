//! Why a simulated future went as it did: one run's record written as an event log,
//! each event with the decision that made it, in words, and apart from it the ground
//! truth the record never saw.
//!
//! An analyst reading a simulation asks "why did the DPRK walk out in run 1234?". A
//! run's draws depend only on `(seed, run)` ([`crate::random`]), so run 1234 can be played
//! again alone and gives exactly the future it gave among all the others. Played with a
//! trace attached ([`Simulator::trace`](crate::Simulator::trace)), every place in
//! `run/` that records an event hands over a [`Why`]: the decision, with what it drew or
//! read when it was made (a lead time and the day it runs from, a hazard's rate and the
//! grievance behind it, an inspection's finding and the verdict's day). The words are
//! composed from it once the traced run has ended. An untraced run builds no `Why`: the
//! closure that would build one is never called, so the hot path formats and allocates
//! nothing per event.
//!
//! The events form a log in the project's format (docs/event-log.md), the decision in
//! each event's `source`: `detente replay`, `timeline` and `explain` read it unchanged,
//! and replaying it gives the simulator's own final state (`tests/trace.rs`). Events
//! the engine makes by itself (timers, automatic powers) are not in it, as they are not
//! in a real log: replay derives them. What is true but not on record (a covert breach
//! no inspection found, a change of government, a step a party declined) is not an
//! event either: [`TracedRun::truth`] keeps it apart, and [`TracedRun::summary`] shows
//! it under its own heading.

use detente_engine::log::{Event, Precision, Subject};
use detente_engine::state::{AgreementStatus, CommitmentStatus, InstrumentStatus, PhaseStatus, PowerStatus};
use detente_engine::{Agreement, Machine};
use detente_spec::model::EventKind;
use detente_spec::time::Date;
use serde::Serialize;

use crate::plan::Plan;
use crate::run::Trajectory;
use crate::strategy::{Rule, Withholding};

/// A party's course when it decided: its rule as it stood, and whether a change of
/// government had reversed the rule the file gives it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Course {
    pub rule: Rule,
    pub reversed: bool,
}

/// A lead time drawn when a party took up its part of a commitment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LeadDraw {
    pub party: usize,
    pub commitment: usize,
    /// Which take-up of the commitment this was (it numbers the draws).
    pub number: u32,
    /// The days drawn.
    pub days: u32,
    /// The day the lead time runs from.
    pub from: Date,
    /// Whether `from` is the day the commitment became owed (otherwise the day the
    /// party decided).
    pub from_owed: bool,
    /// Whether the party had declined it before (its lead time then runs from the day
    /// it decided).
    pub declined_before: bool,
    /// The day the party decided to perform.
    pub decided: Date,
    /// The course it decided under (every party that acts has one).
    pub course: Option<Course>,
}

/// A breach on record that a party reads as another's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Breach {
    /// The parties at fault, as a bit set.
    pub by: u128,
    pub commitment: usize,
    /// The day the breach was established.
    pub since: Date,
}

/// What aggrieved a party when its walk-out hazard was drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Grievance {
    /// Another party's unremedied breach stood to be answered.
    Breach(Breach),
    /// A snap-back held by others had taken effect against it.
    Sanctioned { power: usize },
}

/// A walk-out hazard as drawn: the day it comes due and the rate it was drawn at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Hazard {
    pub party: usize,
    /// The number of the party's draw (only the latest counts).
    pub draw: u32,
    pub drawn: Date,
    /// The daily rate drawn at.
    pub per_day: f64,
    /// Aggrieved (and by what, when found), or in ordinary times.
    pub aggrieved: bool,
    pub grievance: Option<Grievance>,
    /// In ordinary times: how many bound signatories share the agreement's hazard.
    pub shared_by: usize,
}

/// The decision behind an event the simulator recorded, with what it drew or read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Why {
    /// A party's lead time for its part ended and it performs.
    LeadTimeOver { lead: Option<LeadDraw> },
    /// A party decided to perform a step whose lead time had already run.
    AtOnce { lead: LeadDraw },
    /// A party's walk-out hazard came due: through a withdrawal power, or outright.
    WalkOut { party: usize, hazard: Option<Hazard>, outright: bool },
    /// A party walking out puts back its own sanctions lifted under the agreement.
    Reimposes { party: usize },
    /// A party invokes a snap-back or a suspension against another's breach; `at_once`
    /// for grim trigger, which does not wait for the breach to stand.
    Answers { party: usize, breach: Option<Breach>, at_once: bool },
    /// Grim trigger withdraws once betrayed (by this breach, first seen on record).
    Betrayed { party: usize, breach: Option<Breach> },
    /// A holder cancels its invocation: the trigger no longer holds.
    Cancels { party: usize },
    /// An inspection detected a real breach; the verdict is due on `verdict_on`.
    Detected { detection: f64, verdict_on: Option<Date> },
    /// An inspection raised a false alarm.
    FalseAlarm { rate: f64, verdict_on: Option<Date> },
    /// An inspection confirmed a performed action.
    Confirmed,
    /// An inspection found a measure kept and confirmed it.
    FoundKept,
    /// An inspection found a measure in breach on record kept again: settled.
    Settled,
    /// The dispute procedure's verdict on an anomaly reported on `reported`.
    Verdict { confirmed: bool, real: bool, reported: Date, probability: f64 },
    /// An inspection measured a capped quantity whose true value was `truth`, with
    /// relative standard error `error`.
    Measured { truth: f64, error: f64 },
}

/// One event a future recorded, and why.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Recorded {
    pub date: Date,
    pub actor: usize,
    pub kind: EventKind,
    pub subject: Subject,
    /// The value of a measurement.
    pub value: Option<f64>,
    pub why: Why,
}

/// What a traced future collects as it runs; only a traced run has one.
#[derive(Debug)]
pub(crate) struct Trace {
    /// Accepted events, in the order pushed.
    pub events: Vec<Recorded>,
    /// Events the agreement refused, with the engine's reason.
    pub refused: Vec<(Recorded, String)>,
    pub truth: Vec<Truth>,
    /// Lead times drawn, to be found by the performance that ends them.
    pub leads: Vec<LeadDraw>,
    /// Walk-out hazards drawn, to be found by the walk-out that comes due.
    pub hazards: Vec<Hazard>,
    /// The breach each party first saw on record (what betrayed it).
    pub betrayals: Vec<(usize, Option<Breach>)>,
    /// The record's statuses: as the run starts, then as it ends.
    pub end: EndState,
}

impl Trace {
    pub fn new(start: EndState) -> Trace {
        Trace {
            events: Vec::new(),
            refused: Vec::new(),
            truth: Vec::new(),
            leads: Vec::new(),
            hazards: Vec::new(),
            betrayals: Vec::new(),
            end: start,
        }
    }

    /// The lead time drawn at take-up `number` of `commitment` by `party`.
    pub fn lead(&self, commitment: usize, party: usize, number: u32) -> Option<LeadDraw> {
        self.leads
            .iter()
            .rev()
            .copied()
            .find(|l| (l.commitment, l.party, l.number) == (commitment, party, number))
    }

    /// `party`'s walk-out hazard of draw `draw`.
    pub fn hazard(&self, party: usize, draw: u32) -> Option<Hazard> {
        self.hazards.iter().rev().copied().find(|h| (h.party, h.draw) == (party, draw))
    }

    /// The breach that first betrayed `party`, if it was found.
    pub fn betrayal(&self, party: usize) -> Option<Breach> {
        self.betrayals.iter().find(|(p, _)| *p == party).and_then(|(_, b)| *b)
    }
}

/// Something true in a future that is not on its record.
#[derive(Clone, Debug, PartialEq)]
pub struct Truth {
    /// When: the end of the step for a covert breach, else the day of the decision.
    pub date: Date,
    /// The party.
    pub party: usize,
    /// What.
    pub what: TruthKind,
}

/// The kinds of [`Truth`].
#[derive(Clone, Debug, PartialEq)]
pub enum TruthKind {
    /// The party broke a measure covertly in the step ending on the date.
    Covert {
        /// The commitment broken.
        commitment: usize,
    },
    /// A change of government reversed the party's course.
    Reversed {
        /// The rule it follows from then on.
        now: Rule,
    },
    /// The party declined a step it owed, or changed its mind during its lead time.
    Declined {
        /// The commitment.
        commitment: usize,
        /// The rule that declined it.
        rule: Rule,
        /// Why the rule withholds it.
        because: Withholding,
        /// It had decided to perform and was taking its lead time.
        changed_mind: bool,
    },
}

/// The record's statuses when a future ends, as the simulator's engine holds them.
#[derive(Clone, Debug, PartialEq)]
pub struct EndState {
    /// The day the record had reached.
    pub day: Date,
    /// Each commitment's status.
    pub commitments: Vec<CommitmentStatus>,
    /// Each phase's status.
    pub phases: Vec<PhaseStatus>,
    /// Each power's status.
    pub powers: Vec<PowerStatus>,
    /// Each instrument's status.
    pub instruments: Vec<InstrumentStatus>,
    /// The agreement's status.
    pub agreement: AgreementStatus,
}

impl EndState {
    pub(crate) fn of(machine: &Machine, ag: &Agreement) -> EndState {
        EndState {
            day: machine.day(),
            commitments: (0..ag.commitments.len()).map(|c| machine.commitment_status(c)).collect(),
            phases: (0..ag.phases.len()).map(|p| machine.phase_status(p)).collect(),
            powers: (0..ag.powers.len()).map(|w| machine.power_status(w)).collect(),
            instruments: (0..ag.spec.instrument.len()).map(|i| machine.instrument_status(i)).collect(),
            agreement: machine.agreement_status(),
        }
    }
}

/// One future played again with its trace.
#[derive(Clone, Debug)]
pub struct TracedRun {
    /// The run's index.
    pub run: u64,
    /// The events the parties, verifiers and the dispute procedure recorded, in order,
    /// each with its decision in words in `source`.
    pub events: Vec<Event>,
    /// Events the agreement refused (none, unless a design silences a verifier), with
    /// the engine's reason; they are not in the record.
    pub refused: Vec<(Event, String)>,
    /// What was true and not on record.
    pub truth: Vec<Truth>,
    /// What the run produced, as in the full simulation.
    pub trajectory: Trajectory,
    /// The record's statuses at the end.
    pub end: EndState,
}

impl TracedRun {
    pub(crate) fn new(ag: &Agreement, run: u64, trace: Trace, trajectory: Trajectory) -> TracedRun {
        let event = |index: usize, r: &Recorded| Event {
            index,
            line: index + 1,
            id: None,
            date: r.date,
            actor: r.actor,
            kind: r.kind,
            subject: r.subject,
            value: r.value,
            against: None,
            matter: None,
            until: None,
            precision: Precision::Day,
            source: Some(format!("simulated: {}", r.why.words(ag, r))),
        };
        TracedRun {
            run,
            events: trace.events.iter().enumerate().map(|(i, r)| event(i, r)).collect(),
            refused: trace.refused.iter().map(|(r, why)| (event(0, r), why.clone())).collect(),
            truth: trace.truth,
            trajectory,
            end: trace.end,
        }
    }

    /// The events as a JSON Lines log, one line each.
    pub fn jsonl(&self, ag: &Agreement) -> String {
        self.events.iter().map(|e| log_line(ag, e) + "\n").collect()
    }

    /// The run for people: its outcome, what it recorded, and the ground truth that is
    /// not on record, under a heading of its own.
    pub fn summary(&self, ag: &Agreement, plan: &Plan) -> String {
        let t = &self.trajectory;
        let ids = &ag.spec;
        let last = plan.dates.last().copied().unwrap_or(plan.start);
        let mut out = format!(
            "{}: run {} of {} (seed {}), {} to {}: {} recorded by the simulation\n",
            ids.agreement.id,
            self.run,
            plan.runs,
            plan.seed,
            plan.start,
            last,
            count(self.events.len() as u64, "event")
        );
        let month = |k: u32| (k + 1) * plan.step_months;
        match t.breakdown {
            Some(k) => {
                out.push_str(&format!("  broke down by month {} ({})\n", month(k), plan.dates[k as usize]))
            }
            None => out.push_str("  did not break down\n"),
        }
        let opened = t.phase_opened.iter().filter(|p| p.is_some()).count();
        out.push_str(&format!("  phases opened: {opened} of {}\n", t.phase_opened.len()));
        if let Some(k) = t.first_snapback {
            out.push_str(&format!(
                "  first snap-back in effect by month {} ({})\n",
                month(k),
                plan.dates[k as usize]
            ));
        }
        out.push_str(&format!(
            "  inspections reported {} and {} ({} cleared by the dispute procedure); {}\n",
            count(t.detected.into(), "real breach"),
            count(t.false_alarms.into(), "false alarm"),
            t.resolved,
            count(t.walkouts.into(), "walk-out")
        ));
        for (event, why) in &self.refused {
            out.push_str(&format!(
                "  refused by the agreement, not on record: {} ({why})\n",
                log_line(ag, event)
            ));
        }
        out.push_str("Ground truth, not on the record:\n");
        let truth = self.truth_lines(ag, plan);
        if truth.is_empty() {
            out.push_str("  nothing: no covert breach, change of government or step declined\n");
        }
        for line in truth {
            out.push_str(&format!("  {line}\n"));
        }
        let q = plan.quantities.len();
        if q > 0 && plan.steps() > 0 {
            let values: Vec<String> = (0..q)
                .map(|i| format!("{} {}", ids.quantity[i].id, figure(t.quantity(plan.steps() - 1, i, q))))
                .collect();
            out.push_str(&format!("  true quantities at the horizon: {}\n", values.join(", ")));
        }
        out
    }

    /// The ground truth in words: covert breaches grouped by party and measure, then
    /// changes of government and declined steps in date order.
    fn truth_lines(&self, ag: &Agreement, plan: &Plan) -> Vec<String> {
        let party = |p: usize| ag.spec.party[p].id.as_str();
        let commitment = |c: usize| ag.spec.commitment[c].id.as_str();
        let mut lines = Vec::new();
        let mut broken: Vec<(usize, usize, Vec<Date>)> = Vec::new();
        for truth in &self.truth {
            if let TruthKind::Covert { commitment: c } = truth.what {
                match broken.iter_mut().find(|(p, b, _)| (*p, *b) == (truth.party, c)) {
                    Some((_, _, dates)) => dates.push(truth.date),
                    None => broken.push((truth.party, c, vec![truth.date])),
                }
            }
        }
        for (p, c, dates) in &broken {
            let steps = if plan.step_months == 1 { "months" } else { "steps" };
            let shown: Vec<String> = dates.iter().take(12).map(|d| d.to_string()).collect();
            let more =
                if dates.len() > 12 { format!(" and {} more", dates.len() - 12) } else { String::new() };
            lines.push(format!(
                "{} broke `{}` covertly in {} {steps} (ending {}{more})",
                party(*p),
                commitment(*c),
                dates.len(),
                shown.join(", ")
            ));
        }
        for truth in &self.truth {
            let line = match &truth.what {
                TruthKind::Covert { .. } => continue,
                TruthKind::Reversed { now } => format!(
                    "{}: a change of government in {} reversed its course: now {}",
                    truth.date,
                    party(truth.party),
                    rule_words(*now)
                ),
                TruthKind::Declined { commitment: c, rule, because, changed_mind } => format!(
                    "{}: {} {} `{}` ({}: {})",
                    truth.date,
                    party(truth.party),
                    if *changed_mind { "changed its mind and withheld" } else { "declined" },
                    commitment(*c),
                    rule_words(*rule),
                    withholding_words(*because)
                ),
            };
            lines.push(line);
        }
        lines
    }
}

/// An event as one line of a JSON Lines log (docs/event-log.md): ids for indices, the
/// date as precisely as the record gives it, absent fields left out.
pub fn log_line(ag: &Agreement, event: &Event) -> String {
    #[derive(Serialize)]
    struct Line<'a> {
        date: String,
        actor: &'a str,
        kind: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        subject: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        against: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        matter: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        until: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        source: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<&'a str>,
    }
    let spec = &ag.spec;
    let date = match event.precision {
        Precision::Day => event.date.to_string(),
        Precision::Month => format!("{:04}-{:02}", event.date.year(), event.date.month()),
        Precision::Year => format!("{:04}", event.date.year()),
    };
    let line = Line {
        date,
        actor: &spec.party[event.actor].id,
        kind: event.kind.keyword(),
        subject: subject_id(ag, event.subject),
        value: event.value,
        against: event.against.map(|p| spec.party[p].id.as_str()),
        matter: event.matter.as_deref(),
        until: event.until.map(|d| d.to_string()),
        source: event.source.as_deref(),
        id: event.id.as_deref(),
    };
    // A struct of strings, numbers a log accepts (finite) and options cannot fail.
    serde_json::to_string(&line).unwrap_or_default()
}

/// The id of what an event is about, if it is about something.
fn subject_id(ag: &Agreement, subject: Subject) -> Option<&str> {
    let spec = &ag.spec;
    Some(match subject {
        Subject::None => return None,
        Subject::Commitment(c) => &spec.commitment[c].id,
        Subject::Power(w) => &spec.power[w].id,
        Subject::Instrument(i) => &spec.instrument[i].id,
        Subject::Quantity(q) => &spec.quantity[q].id,
        Subject::Phase(p) => &spec.phase[p].id,
        Subject::Amendment(a) => &spec.amendment[a].id,
        Subject::Agreement => &spec.agreement.id,
    })
}

impl Why {
    /// The decision in words (after "simulated: "), for the event `r` it made.
    fn words(&self, ag: &Agreement, r: &Recorded) -> String {
        let party = |p: usize| ag.spec.party[p].id.as_str();
        match *self {
            Why::LeadTimeOver { lead: Some(lead) } => format!(
                "{}'s lead time for `{}` ended ({})",
                party(lead.party),
                ag.spec.commitment[lead.commitment].id,
                lead.words()
            ),
            Why::LeadTimeOver { lead: None } => format!("{}'s lead time ended", party(r.actor)),
            Why::AtOnce { lead } => format!(
                "{} performs `{}` at once: its lead time had already run ({})",
                party(lead.party),
                ag.spec.commitment[lead.commitment].id,
                lead.words()
            ),
            Why::WalkOut { party: p, hazard, outright } => {
                let how = if outright {
                    "it withdraws outright: the agreement gives it no withdrawal power"
                } else {
                    "it invokes its withdrawal power"
                };
                let hazard = hazard.map_or(String::new(), |h| format!(" ({})", h.words(ag)));
                format!("{}'s walk-out hazard came due{hazard}; {how}", party(p))
            }
            Why::Reimposes { party: p } => format!(
                "{} puts back its own sanctions lifted under the agreement as it walks out \
                 (an assumption: the United States in 2018)",
                party(p)
            ),
            Why::Answers { party: p, breach: Some(b), at_once } => {
                let after = days_between(b.since, r.date);
                let when = if at_once {
                    format!("at once, as grim trigger does ({after} days after it was established)")
                } else {
                    format!("after {after} days (on record since {})", b.since)
                };
                format!("{} answers {} {when}", party(p), b.words(ag))
            }
            Why::Answers { party: p, breach: None, .. } => {
                format!("{} answers a breach by another party on record", party(p))
            }
            Why::Betrayed { party: p, breach } => {
                let by = breach.map_or(String::new(), |b| format!(": betrayed by {} (since {})", b.words(ag), b.since));
                format!("{} withdraws as grim trigger does once betrayed{by}", party(p))
            }
            Why::Cancels { party: p } => format!(
                "{} cancels its invocation: the trigger no longer holds (the breach was settled during the notice)",
                party(p)
            ),
            Why::Detected { detection, verdict_on } => format!(
                "inspection detected a real breach (detection probability {}); {}",
                figure(detection),
                verdict_words(verdict_on)
            ),
            Why::FalseAlarm { rate, verdict_on } => format!(
                "false alarm: the inspection reported a breach that did not happen (false-alarm \
                 probability {}); {}",
                figure(rate),
                verdict_words(verdict_on)
            ),
            Why::Confirmed => "inspection confirmed the performance".into(),
            Why::FoundKept => "inspection found the measure kept and confirmed it".into(),
            Why::Settled => "inspection found the measure kept again: the breach on record is settled".into(),
            Why::Verdict { confirmed, real, reported, probability } => {
                let after = days_between(reported, r.date);
                let what = match (confirmed, real) {
                    (true, true) => "confirmed the anomaly: the breach was real",
                    (true, false) => "confirmed the anomaly, though it was a false alarm",
                    (false, true) => "cleared the anomaly, though the breach was real",
                    (false, false) => "cleared the anomaly: a false alarm",
                };
                let chance = if real { "a real breach" } else { "a false alarm" };
                format!(
                    "the dispute procedure {what} (reported on {reported}, decided after {after} days; \
                     it confirms {chance} with probability {})",
                    figure(probability)
                )
            }
            Why::Measured { truth, error } if error > 0.0 => format!(
                "inspection measured the quantity it caps (true value {}, measured with a relative \
                 standard error of {})",
                figure(truth),
                figure(error)
            ),
            Why::Measured { .. } => "inspection measured the quantity it caps, exactly".into(),
        }
    }
}

impl LeadDraw {
    fn words(&self) -> String {
        let from = match (self.from_owed, self.declined_before) {
            (true, _) if self.decided == self.from => "the day it became owed and it decided".to_string(),
            (true, _) => format!("the day it became owed; decided on {}", self.decided),
            (false, true) => "the day it decided, having declined it before".to_string(),
            (false, false) => "the day it decided".to_string(),
        };
        let course = self.course.map_or(String::new(), |course| format!("; as {}", course_words(course)));
        format!("drawn {} days from {}, {from}{course}", self.days, self.from)
    }
}

impl Hazard {
    fn words(&self, ag: &Agreement) -> String {
        let per_year = 1.0 - (-self.per_day * 365.2425).exp();
        let rate = format!("probability {} a year, drawn on {}", figure(per_year), self.drawn);
        if !self.aggrieved {
            return format!(
                "ordinary times, {rate}: the agreement's hazard shared by {} bound signatories",
                self.shared_by
            );
        }
        let why = match self.grievance {
            Some(Grievance::Breach(b)) => format!("{} unremedied since {}", b.words(ag), b.since),
            Some(Grievance::Sanctioned { power }) => {
                format!("sanctions snapped back against it by `{}`", ag.spec.power[power].id)
            }
            None => "a grievance on record".into(),
        };
        format!("aggrieved, {rate}: {why}")
    }
}

impl Breach {
    fn words(&self, ag: &Agreement) -> String {
        let at_fault: Vec<String> = (0..ag.spec.party.len())
            .filter(|&p| self.by & (1 << p) != 0)
            .map(|p| format!("{}'s", ag.spec.party[p].id))
            .collect();
        format!("{} breach of `{}`", at_fault.join(" and "), ag.spec.commitment[self.commitment].id)
    }
}

fn verdict_words(verdict_on: Option<Date>) -> String {
    match verdict_on {
        Some(day) => format!("the dispute procedure's verdict is drawn for {day}"),
        None => "the dispute procedure never decides it".into(),
    }
}

fn course_words(course: Course) -> String {
    let rule = rule_words(course.rule);
    if course.reversed {
        format!("{rule}, after a change of government")
    } else {
        rule
    }
}

/// A rule in words, with its parameter.
fn rule_words(rule: Rule) -> String {
    match rule {
        Rule::Sincere => "sincere".into(),
        Rule::CovertCheater { cheat } => format!("covert cheater, {} a month", figure(cheat)),
        Rule::Hedger { max_cost } => format!("hedger, paying at most {}", figure(max_cost)),
        Rule::TitForTat => "tit-for-tat".into(),
        Rule::GrimTrigger => "grim trigger".into(),
        Rule::Grit { patience_months } => format!("GRIT, patience {patience_months} months"),
        Rule::Maximalist => "maximalist".into(),
    }
}

/// `n` things, in the plural unless one: `1 event`, `2 events`, `0 real breaches`.
fn count(n: u64, thing: &str) -> String {
    match (n, thing.ends_with("ch")) {
        (1, _) => format!("1 {thing}"),
        (_, true) => format!("{n} {thing}es"),
        (_, false) => format!("{n} {thing}s"),
    }
}

fn withholding_words(because: Withholding) -> String {
    match because {
        Withholding::Costly { cost, max_cost } => {
            format!("its cost {} is more than the {} it pays", figure(cost), figure(max_cost))
        }
        Withholding::OthersViolating => "another party's breach is on record".into(),
        Withholding::Betrayed => "betrayed once, it never performs again".into(),
        Withholding::AwaitsMeasures => "not every measure of the others is fulfilled".into(),
        Withholding::AwaitsConcessions => "not every concession of the others is fulfilled".into(),
    }
}

fn days_between(from: Date, to: Date) -> i32 {
    from.until(to).map_or(0, |span| span.get_days())
}

/// A number with three significant digits, without trailing zeros: 0.3, 0.0151, 47.
fn figure(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let decimals = (2 - x.abs().log10().floor() as i32).clamp(0, 9) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::figure;

    #[test]
    fn figures_keep_three_significant_digits() {
        assert_eq!(figure(0.3), "0.3");
        assert_eq!(figure(0.015_113), "0.0151");
        assert_eq!(figure(47.0), "47");
        assert_eq!(figure(1234.56), "1235");
        assert_eq!(figure(0.0), "0");
        assert_eq!(figure(-2.5), "-2.5");
    }
}
