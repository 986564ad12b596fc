//! The compiled agreement: a valid specification with ids interned to indices and
//! conditions compiled to index form, so that replay never looks anything up by name.

use std::collections::HashMap;
use std::sync::Arc;

use detente_spec::condition::{Cmp, Condition, Predicate, Subject};
use detente_spec::model::{
    CommitmentKind, Due, EventKind, FacilityStatus, PowerKind, Restores, Role, Spec, Timeout, WhileEnds,
};
use detente_spec::time::{Date, Duration};

mod dependencies;

pub use dependencies::{Aggregate, Dependencies, Readers};

/// A condition over indices.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// Always holds.
    True,
    /// Never holds.
    False,
    /// A predicate over the commitments of a target.
    Commitments(Predicate, Target),
    /// The phase is complete.
    Complete(usize),
    /// The instrument is in force.
    InForce(usize),
    /// The facility has (or has not) the status.
    Status(usize, bool, FacilityStatus),
    /// The quantity's recorded value compares so.
    Quantity(usize, Cmp, f64),
    /// The evaluation date compares so.
    Date(Cmp, Date),
    /// All hold.
    And(Vec<Cond>),
    /// Some hold.
    Or(Vec<Cond>),
    /// Does not hold.
    Not(Box<Cond>),
}

/// What a commitment predicate ranges over.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// One commitment.
    Commitment(usize),
    /// Every commitment of a phase (for `alleged` and `violated`: any of them).
    Phase(usize),
    /// Any commitment binding the party.
    AnyOf(usize),
}

/// A compiled commitment.
#[derive(Clone, Debug)]
pub struct CCommitment {
    /// Its phase.
    pub phase: usize,
    /// Bound parties.
    pub by: Vec<usize>,
    /// Action or continuing.
    pub kind: CommitmentKind,
    /// Whether it binds (`false`: a declaration no deadline can violate, which no phase
    /// waits for).
    pub binding: bool,
    /// Extra condition for being owed.
    pub when: Option<Cond>,
    /// Condition for it to last, and what becomes of it when that stops holding.
    pub while_: Option<(Cond, WhileEnds)>,
    /// Deadline, from the day it becomes owed or on a date.
    pub due: Option<Due>,
    /// What happens when the deadline passes.
    pub on_timeout: Option<Timeout>,
    /// How long a continuing commitment is held.
    pub lasts: Option<Duration>,
    /// The verifier, if verified.
    pub verifier: Option<usize>,
    /// The conditions of its verification's access clauses, in order (see
    /// [`crate::machine::Machine::access_clause`]).
    pub access: Vec<Cond>,
    /// Who may establish a breach by `violation-verified`: the verifier and the parties
    /// of `established_by`.
    pub establishers: Vec<usize>,
    /// Delay from performance to effect (a notification period).
    pub notice: Option<Duration>,
    /// The amendment that adds it.
    pub amendment: Option<usize>,
    /// The commitment of a later amendment that replaces it, if any.
    pub replaced_by: Option<usize>,
    /// Matters its reading excludes: a violation event about one of them is no
    /// violation (set only when compiled as one party reads it).
    pub excludes: Vec<String>,
    /// Instruments relieved when fulfilled.
    pub relieves: Vec<usize>,
    /// Caps: (quantity, max).
    pub limits: Vec<(usize, f64)>,
    /// Facility statuses it brings about.
    pub sets: Vec<(usize, FacilityStatus)>,
}

/// A compiled phase.
#[derive(Clone, Debug)]
pub struct CPhase {
    /// Phases that must be complete first.
    pub after: Vec<usize>,
    /// Extra opening condition.
    pub opens_when: Option<Cond>,
    /// Its commitments.
    pub commitments: Vec<usize>,
    /// The amendment that adds it.
    pub amendment: Option<usize>,
}

/// A compiled power.
#[derive(Clone, Debug)]
pub struct CPower {
    /// What it does.
    pub kind: PowerKind,
    /// Who may invoke it.
    pub holders: Vec<usize>,
    /// Invoked by itself when available.
    pub automatic: bool,
    /// When it is available.
    pub trigger: Cond,
    /// Delay from invocation to effect.
    pub notice: Option<Duration>,
    /// Whether `resolved` cancels it during the notice.
    pub cancellable: bool,
    /// `None`: every relieved instrument; otherwise these.
    pub restores: Option<Vec<usize>>,
    /// Commitments suspended when it takes effect.
    pub suspends_commitments: Vec<usize>,
    /// Phases suspended when it takes effect.
    pub suspends_phases: Vec<usize>,
    /// When the suspension it caused ends by itself.
    pub resumes_when: Option<Cond>,
    /// The amendment that adds it.
    pub amendment: Option<usize>,
}

/// A compiled amendment.
#[derive(Clone, Debug)]
pub struct CAmendment {
    /// The day it takes effect, if the text fixes it.
    pub effective: Option<Date>,
}

/// A valid agreement ready for replay: a cheap-to-clone handle to its compiled tables.
///
/// Cloning shares the tables (an [`Arc`]), so a server's state, a binding's object, a
/// simulator's workers and every checkpoint of a replay can each hold the agreement
/// without borrowing it. It reads as its tables ([`Compiled`]) through `Deref`.
/// The tables cannot be changed once compiled, with one exception: the `[simulation]`
/// assumptions, which no compiled table reads ([`Agreement::simulation_mut`]).
#[derive(Clone, Debug)]
pub struct Agreement(Arc<Compiled>);

impl std::ops::Deref for Agreement {
    type Target = Compiled;

    fn deref(&self) -> &Compiled {
        &self.0
    }
}

/// The compiled tables of an agreement: its specification and the indices the engine
/// reads, built once by [`Agreement::compile`].
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The specification it was compiled from.
    pub spec: Spec,
    /// Index of every id, by kind.
    pub ids: Ids,
    /// Commitments, in specification order.
    pub commitments: Vec<CCommitment>,
    /// Phases, in specification order.
    pub phases: Vec<CPhase>,
    /// Powers, in specification order.
    pub powers: Vec<CPower>,
    /// Days on which a date condition can change value (`date >= D` changes on `D`,
    /// `date > D` on the day after): timers for the engine.
    pub condition_days: Vec<Date>,
    /// For each quantity, whether any condition reads it: a measurement of a quantity
    /// no condition reads, below every cap, cannot change any status.
    pub quantity_read: Vec<bool>,
    /// For each party, the commitments that bind it (what `violated(any of P)` reads),
    /// a successor's including its predecessor's.
    pub binding: Vec<Vec<usize>>,
    /// Amendments, in specification order.
    pub amendments: Vec<CAmendment>,
    /// For each party, whether the agreement ends when it withdraws.
    pub essential: Vec<bool>,
    /// For each party that succeeds another: (the predecessor, from when).
    pub succeeds: Vec<Option<(usize, Date)>>,
    /// The party whose reading this compilation follows, if any (see
    /// [`Agreement::compile_as_read_by`]).
    pub reading: Option<usize>,
    /// The commitments of the core bargain (`[agreement] core`).
    pub core: Vec<usize>,
    /// Which conditions read which items, for settling incrementally.
    pub dependencies: Dependencies,
}

/// Ids to indices, one map per kind.
#[derive(Clone, Debug, Default)]
pub struct Ids {
    /// Parties.
    pub parties: HashMap<String, usize>,
    /// Instruments.
    pub instruments: HashMap<String, usize>,
    /// Quantities.
    pub quantities: HashMap<String, usize>,
    /// Facilities.
    pub facilities: HashMap<String, usize>,
    /// Phases.
    pub phases: HashMap<String, usize>,
    /// Commitments.
    pub commitments: HashMap<String, usize>,
    /// Powers.
    pub powers: HashMap<String, usize>,
    /// Amendments.
    pub amendments: HashMap<String, usize>,
}

fn index<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    ids.enumerate().map(|(i, id)| (id.clone(), i)).collect()
}

/// Why a specification could not be compiled. A specification that `detente check`
/// passes always compiles: each variant is a precondition the caller did not meet.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompileError {
    /// The specification has an error (the first one is given).
    #[error("the agreement is invalid: {message} ({code})")]
    InvalidAgreement {
        /// The diagnostic's code.
        code: detente_spec::Code,
        /// The diagnostic's message.
        message: String,
    },
    /// A reading was asked for by a party the agreement does not have.
    #[error("no party has the id `{party}`")]
    UnknownParty {
        /// The id asked for.
        party: String,
    },
    /// A reference to an id that names nothing of the kind expected.
    #[error("unknown id `{id}`")]
    UnknownId {
        /// The id.
        id: String,
    },
}

impl Agreement {
    /// Compiles a specification. It must be valid (`detente check` passes): an invalid
    /// one is refused with the first error, since replay needs every id to resolve.
    pub fn compile(spec: &Spec) -> Result<Agreement, CompileError> {
        let diagnostics = detente_spec::check_spec(spec);
        if let Some(error) = diagnostics.iter().find(|d| d.severity() == detente_spec::Severity::Error) {
            return Err(CompileError::InvalidAgreement { code: error.code, message: error.message.clone() });
        }
        let ids = Ids {
            parties: index(spec.party.iter().map(|x| &x.id)),
            instruments: index(spec.instrument.iter().map(|x| &x.id)),
            quantities: index(spec.quantity.iter().map(|x| &x.id)),
            facilities: index(spec.facility.iter().map(|x| &x.id)),
            phases: index(spec.phase.iter().map(|x| &x.id)),
            commitments: index(spec.commitment.iter().map(|x| &x.id)),
            powers: index(spec.power.iter().map(|x| &x.id)),
            amendments: index(spec.amendment.iter().map(|x| &x.id)),
        };
        let compiler = Compiler { ids: &ids };
        let mut commitments =
            spec.commitment.iter().map(|c| compiler.commitment(c)).collect::<Result<Vec<_>, _>>()?;
        for (new, c) in spec.commitment.iter().enumerate() {
            for old in &c.replaces {
                commitments[compiler.id(&ids.commitments, old)?].replaced_by = Some(new);
            }
        }
        let phases = spec
            .phase
            .iter()
            .enumerate()
            .map(|(i, p)| {
                Ok(CPhase {
                    after: p.after.iter().map(|a| compiler.id(&ids.phases, a)).collect::<Result<_, _>>()?,
                    opens_when: p.opens_when.as_ref().map(|c| compiler.cond(c)).transpose()?,
                    amendment: p.amendment.as_ref().map(|a| compiler.id(&ids.amendments, a)).transpose()?,
                    commitments: commitments
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.phase == i)
                        .map(|(n, _)| n)
                        .collect(),
                })
            })
            .collect::<Result<Vec<_>, CompileError>>()?;
        let powers = spec.power.iter().map(|p| compiler.power(p)).collect::<Result<Vec<_>, _>>()?;
        // Every condition of the agreement, once, for the facts replay needs about them.
        let conditions: Vec<&Cond> = phases
            .iter()
            .filter_map(|p| p.opens_when.as_ref())
            .chain(commitments.iter().filter_map(|c| c.when.as_ref()))
            .chain(commitments.iter().filter_map(|c| c.while_.as_ref().map(|(w, _)| w)))
            .chain(powers.iter().map(|p| &p.trigger))
            .chain(powers.iter().filter_map(|p| p.resumes_when.as_ref()))
            .collect();
        let mut condition_days = Vec::new();
        let mut quantity_read = vec![false; spec.quantity.len()];
        for condition in &conditions {
            collect_days(condition, &mut condition_days);
            mark_quantities(condition, &mut quantity_read);
        }
        // A quantity first estimated after adoption becomes known on that day.
        for (q, quantity) in spec.quantity.iter().enumerate() {
            if quantity_read[q] && quantity.as_of > spec.agreement.adopted {
                condition_days.push(quantity.as_of);
            }
        }
        condition_days.sort();
        condition_days.dedup();
        let succeeds: Vec<Option<(usize, Date)>> = spec
            .party
            .iter()
            .map(|p| {
                p.succeeds.as_ref().map(|s| Ok((compiler.id(&ids.parties, &s.party)?, s.on))).transpose()
            })
            .collect::<Result<_, CompileError>>()?;
        let mut binding = vec![Vec::new(); spec.party.len()];
        for (n, c) in commitments.iter().enumerate() {
            for &p in &c.by {
                binding[p].push(n);
                // A successor answers for its predecessor's obligations.
                for (successor, s) in succeeds.iter().enumerate() {
                    if s.is_some_and(|(predecessor, _)| predecessor == p) {
                        binding[successor].push(n);
                    }
                }
            }
        }
        let amendments = spec.amendment.iter().map(|a| CAmendment { effective: a.effective }).collect();
        let core = compiler.ids(&ids.commitments, &spec.agreement.core)?;
        let sizes = dependencies::Sizes {
            instruments: spec.instrument.len(),
            facilities: spec.facility.len(),
            quantities: spec.quantity.len(),
        };
        let dependencies = Dependencies::build(&commitments, &phases, &powers, &binding, &core, sizes);
        Ok(Agreement(Arc::new(Compiled {
            spec: spec.clone(),
            ids,
            commitments,
            phases,
            powers,
            condition_days,
            quantity_read,
            binding,
            amendments,
            essential: spec.party.iter().map(|p| p.essential).collect(),
            succeeds,
            reading: None,
            core,
            dependencies,
        })))
    }

    /// Compiles the agreement as one party reads it, where the parties published
    /// different texts: each commitment's reading by that party replaces the keys it
    /// gives (`when`, `while`, `due`, `on_timeout`) and excludes the matters it names.
    pub fn compile_as_read_by(spec: &Spec, party: &str) -> Result<Agreement, CompileError> {
        let Some(index) = spec.party.iter().position(|p| p.id == party) else {
            return Err(CompileError::UnknownParty { party: party.into() });
        };
        let mut read = spec.clone();
        for c in &mut read.commitment {
            let Some(reading) = c.readings.get(party) else { continue };
            if let Some(when) = &reading.when {
                c.when = Some(when.clone());
            }
            if let Some(while_) = &reading.while_ {
                c.while_ = Some(while_.clone());
            }
            if let Some(due) = reading.due {
                c.due = Some(due);
            }
            if let Some(on_timeout) = reading.on_timeout {
                c.on_timeout = Some(on_timeout);
            }
            if let Some(text) = &reading.text {
                c.text = Some(text.clone());
            }
        }
        let mut agreement = Agreement::compile(&read)?;
        let tables = Arc::make_mut(&mut agreement.0);
        for (c, spec_c) in tables.commitments.iter_mut().zip(&spec.commitment) {
            if let Some(reading) = spec_c.readings.get(party) {
                c.excludes = reading.excludes.clone();
            }
        }
        tables.reading = Some(index);
        Ok(agreement)
    }

    /// The `[simulation]` assumptions, to change before simulating (a sweep's point, a
    /// tournament's pairing). No compiled table reads them, so changing them leaves the
    /// agreement's semantics as compiled. The tables are copied first if another handle
    /// shares them.
    pub fn simulation_mut(&mut self) -> &mut detente_spec::model::Simulation {
        Arc::make_mut(&mut self.0).spec.simulation.get_or_insert_with(Default::default)
    }

    /// Replaces the `[simulation]` assumptions (see [`Agreement::simulation_mut`]).
    pub fn set_simulation(&mut self, simulation: Option<detente_spec::model::Simulation>) {
        Arc::make_mut(&mut self.0).spec.simulation = simulation;
    }

    /// The parties that published a reading of some commitment, in file order.
    pub fn readers(&self) -> Vec<usize> {
        (0..self.spec.party.len())
            .filter(|&p| self.spec.commitment.iter().any(|c| c.readings.contains_key(&self.spec.party[p].id)))
            .collect()
    }

    /// Whether the party may assert events of this kind.
    pub fn may_assert(&self, party: usize, kind: EventKind) -> bool {
        self.spec.party[party].asserts.contains(&kind)
    }

    /// The number of signatories.
    pub fn signatories(&self) -> impl Iterator<Item = usize> + '_ {
        self.spec.party.iter().enumerate().filter(|(_, p)| p.role == Role::Signatory).map(|(i, _)| i)
    }
}

fn mark_quantities(condition: &Cond, read: &mut [bool]) {
    match condition {
        Cond::Quantity(q, _, _) => read[*q] = true,
        Cond::And(parts) | Cond::Or(parts) => parts.iter().for_each(|p| mark_quantities(p, read)),
        Cond::Not(inner) => mark_quantities(inner, read),
        _ => {}
    }
}

fn collect_days(condition: &Cond, out: &mut Vec<Date>) {
    match condition {
        Cond::Date(cmp, date) => match cmp {
            Cmp::Gt | Cmp::Le | Cmp::Eq | Cmp::Ne => {
                out.push(*date);
                if let Some(next) = Duration::days(1).after(*date) {
                    out.push(next);
                }
            }
            Cmp::Ge | Cmp::Lt => out.push(*date),
        },
        Cond::And(parts) | Cond::Or(parts) => parts.iter().for_each(|p| collect_days(p, out)),
        Cond::Not(inner) => collect_days(inner, out),
        _ => {}
    }
}

struct Compiler<'a> {
    ids: &'a Ids,
}

impl Compiler<'_> {
    fn id(&self, map: &HashMap<String, usize>, id: &str) -> Result<usize, CompileError> {
        map.get(id).copied().ok_or_else(|| CompileError::UnknownId { id: id.into() })
    }

    fn ids(&self, map: &HashMap<String, usize>, ids: &[String]) -> Result<Vec<usize>, CompileError> {
        ids.iter().map(|id| self.id(map, id)).collect()
    }

    fn commitment(&self, c: &detente_spec::model::Commitment) -> Result<CCommitment, CompileError> {
        let ids = self.ids;
        let verifier = c.verification.as_ref().map(|v| self.id(&ids.parties, &v.by)).transpose()?;
        let mut establishers: Vec<usize> = verifier.into_iter().collect();
        establishers.extend(self.ids(&ids.parties, &c.established_by)?);
        Ok(CCommitment {
            phase: self.id(&ids.phases, &c.phase)?,
            by: self.ids(&ids.parties, &c.by)?,
            kind: c.kind,
            binding: c.binding,
            when: c.when.as_ref().map(|w| self.cond(w)).transpose()?,
            while_: c
                .while_
                .as_ref()
                .map(|w| Ok((self.cond(w)?, c.otherwise.unwrap_or(WhileEnds::Suspended))))
                .transpose()?,
            due: c.due,
            on_timeout: c.on_timeout,
            lasts: c.lasts,
            verifier,
            access: match &c.verification {
                Some(v) => v.access.iter().map(|clause| self.cond(&clause.when)).collect::<Result<_, _>>()?,
                None => Vec::new(),
            },
            establishers,
            notice: c.notice,
            amendment: c.amendment.as_ref().map(|a| self.id(&ids.amendments, a)).transpose()?,
            replaced_by: None,
            excludes: Vec::new(),
            relieves: self.ids(&ids.instruments, &c.relieves)?,
            limits: c
                .limits
                .iter()
                .map(|l| Ok((self.id(&ids.quantities, &l.quantity)?, l.max)))
                .collect::<Result<_, CompileError>>()?,
            sets: c
                .sets
                .iter()
                .map(|s| Ok((self.id(&ids.facilities, &s.facility)?, s.status)))
                .collect::<Result<_, CompileError>>()?,
        })
    }

    fn power(&self, p: &detente_spec::model::Power) -> Result<CPower, CompileError> {
        let ids = self.ids;
        let mut suspends_commitments = Vec::new();
        let mut suspends_phases = Vec::new();
        for id in &p.suspends {
            match (ids.commitments.get(id), ids.phases.get(id)) {
                (Some(&c), _) => suspends_commitments.push(c),
                (None, Some(&ph)) => suspends_phases.push(ph),
                (None, None) => return Err(CompileError::UnknownId { id: id.clone() }),
            }
        }
        Ok(CPower {
            kind: p.kind,
            holders: self.ids(&ids.parties, &p.holders)?,
            automatic: p.automatic,
            trigger: self.cond(&p.trigger)?,
            notice: p.notice,
            cancellable: p.cancellable,
            restores: match &p.restores {
                Restores::AllRelieved => None,
                Restores::Listed(list) => Some(self.ids(&ids.instruments, list)?),
            },
            suspends_commitments,
            suspends_phases,
            resumes_when: p.resumes_when.as_ref().map(|c| self.cond(c)).transpose()?,
            amendment: p.amendment.as_ref().map(|a| self.id(&ids.amendments, a)).transpose()?,
        })
    }

    fn cond(&self, condition: &Condition) -> Result<Cond, CompileError> {
        let ids = self.ids;
        Ok(match condition {
            Condition::True => Cond::True,
            Condition::False => Cond::False,
            Condition::Commitment(pred, Subject::Item(id)) => match ids.commitments.get(id) {
                Some(&c) => Cond::Commitments(*pred, Target::Commitment(c)),
                None => Cond::Commitments(*pred, Target::Phase(self.id(&ids.phases, id)?)),
            },
            Condition::Commitment(pred, Subject::AnyOf(party)) => {
                Cond::Commitments(*pred, Target::AnyOf(self.id(&ids.parties, party)?))
            }
            Condition::Complete(phase) => Cond::Complete(self.id(&ids.phases, phase)?),
            Condition::InForce(i) => Cond::InForce(self.id(&ids.instruments, i)?),
            Condition::Status { facility, equal, status } => {
                Cond::Status(self.id(&ids.facilities, facility)?, *equal, *status)
            }
            Condition::Quantity { quantity, cmp, value } => {
                Cond::Quantity(self.id(&ids.quantities, quantity)?, *cmp, *value)
            }
            Condition::Date { cmp, date } => Cond::Date(*cmp, *date),
            Condition::And(parts) => Cond::And(parts.iter().map(|p| self.cond(p)).collect::<Result<_, _>>()?),
            Condition::Or(parts) => Cond::Or(parts.iter().map(|p| self.cond(p)).collect::<Result<_, _>>()?),
            Condition::Not(inner) => Cond::Not(Box::new(self.cond(inner)?)),
        })
    }
}
