//! Static validation of an agreement.
//!
//! Validation runs in three layers:
//!
//! 0. **Values** ([`values`]): each value on its own: ids, numbers, probabilities,
//!    dates, strategy parameters. This finishes the first stage, reading the file, for
//!    TOML and normalized JSON alike (the TOML decoder checks syntax and types only).
//! 1. **Names** ([`names`]): duplicate ids and references that do not resolve, or resolve
//!    to the wrong kind of item. This always runs.
//! 2. **Design rules** ([`phases`], [`deadlines`], [`exchange`], [`powers`], [`effects`],
//!    [`hygiene`], [`costs`]): phase cycles and reachability, deadlines and timeouts, reciprocity,
//!    snap-back, authorization, quantities and facilities, and warnings about weak
//!    designs. These run only when the file decoded without errors, every value is in
//!    range and every name resolved: on a partly decoded file, or one with a misspelt id, they would report
//!    the consequences of the first mistake as further mistakes (a measure by `betta`
//!    is no measure by `beta`, so every concession to `beta` would look unreciprocated).
//!    Rules still skip references that do not resolve, so they never panic.
//!
//! Each rule has its own [`Code`](crate::Code); `docs/diagnostics.md` lists them all.

mod costs;
mod deadlines;
mod effects;
mod exchange;
mod hygiene;
mod layers;
mod names;
mod phases;
mod powers;
mod ranges;
mod simulation;
pub mod values;

use std::collections::{HashMap, HashSet};

use crate::condition::{Condition, Predicate, Subject};
use crate::diagnostic::{Collector, Diagnostic, Severity};
use crate::model::Spec;
use crate::source_map::{ItemKey, SourceMap};

/// The kind of item an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A party.
    Party,
    /// An instrument.
    Instrument,
    /// A quantity.
    Quantity,
    /// A facility.
    Facility,
    /// A phase.
    Phase,
    /// A commitment.
    Commitment,
    /// A power.
    Power,
    /// An amendment.
    Amendment,
}

impl Kind {
    /// The kind as a word in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Party => "party",
            Kind::Instrument => "instrument",
            Kind::Quantity => "quantity",
            Kind::Facility => "facility",
            Kind::Phase => "phase",
            Kind::Commitment => "commitment",
            Kind::Power => "power",
            Kind::Amendment => "amendment",
        }
    }
}

/// Every id of a specification with its kind and position. Ids share one namespace so
/// that conditions such as `violated(x)` and queries such as `explain x` are unambiguous.
#[derive(Debug, Default)]
pub struct Index<'a> {
    ids: HashMap<&'a str, (Kind, ItemKey)>,
}

impl<'a> Index<'a> {
    /// Indexes every item of `spec`; the first of several items sharing an id wins.
    pub fn new(spec: &'a Spec) -> Index<'a> {
        let mut index = Index::default();
        let mut add = |id: &'a str, kind, key| {
            index.ids.entry(id).or_insert((kind, key));
        };
        for (i, x) in spec.party.iter().enumerate() {
            add(&x.id, Kind::Party, ItemKey::Party(i));
        }
        for (i, x) in spec.instrument.iter().enumerate() {
            add(&x.id, Kind::Instrument, ItemKey::Instrument(i));
        }
        for (i, x) in spec.quantity.iter().enumerate() {
            add(&x.id, Kind::Quantity, ItemKey::Quantity(i));
        }
        for (i, x) in spec.facility.iter().enumerate() {
            add(&x.id, Kind::Facility, ItemKey::Facility(i));
        }
        for (i, x) in spec.phase.iter().enumerate() {
            add(&x.id, Kind::Phase, ItemKey::Phase(i));
        }
        for (i, x) in spec.commitment.iter().enumerate() {
            add(&x.id, Kind::Commitment, ItemKey::Commitment(i));
        }
        for (i, x) in spec.power.iter().enumerate() {
            add(&x.id, Kind::Power, ItemKey::Power(i));
        }
        for (i, x) in spec.amendment.iter().enumerate() {
            add(&x.id, Kind::Amendment, ItemKey::Amendment(i));
        }
        index
    }

    /// The kind of item `id` names.
    pub fn kind(&self, id: &str) -> Option<Kind> {
        self.ids.get(id).map(|(kind, _)| *kind)
    }

    /// Whether `id` names an item of kind `kind`.
    pub fn is(&self, id: &str, kind: Kind) -> bool {
        self.kind(id) == Some(kind)
    }

    /// Ids of one kind, for "did you mean" suggestions.
    pub fn ids_of(&self, kinds: &[Kind]) -> impl Iterator<Item = &'a str> + '_ {
        let kinds = kinds.to_vec();
        self.ids.iter().filter(move |(_, (kind, _))| kinds.contains(kind)).map(|(id, _)| *id)
    }
}

/// Shared state of one validation run.
struct Check<'a> {
    spec: &'a Spec,
    map: &'a SourceMap,
    index: Index<'a>,
    /// Position of each phase in `spec.phase`, by id.
    phases: HashMap<&'a str, usize>,
    /// Who each commitment is for ([`Spec::beneficiaries`]), by commitment position.
    beneficiaries: Vec<Vec<String>>,
    /// Ids of items the decoder left out; references to them are not reported again.
    broken: &'a HashSet<String>,
    diagnostics: Collector,
}

impl Check<'_> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The position of a phase, if it exists.
    fn phase_index(&self, phase_id: &str) -> Option<usize> {
        self.phases.get(phase_id).copied()
    }
}

/// Validates a decoded specification.
///
/// `decoded_cleanly` says whether the decoder reported no errors; the design rules only
/// run when it did (see the module docs). Diagnostics come back sorted by position, at
/// most [`MAX_REPORTED`](crate::diagnostic::MAX_REPORTED) of each severity, with one
/// more counting the others if there were more.
pub fn validate(
    spec: &Spec,
    map: &SourceMap,
    broken: &HashSet<String>,
    decoded_cleanly: bool,
) -> Vec<Diagnostic> {
    validate_into(spec, map, broken, decoded_cleanly, Collector::default()).finish()
}

/// [`validate`], adding to the diagnostics collected so far (the decoder's).
pub(crate) fn validate_into(
    spec: &Spec,
    map: &SourceMap,
    broken: &HashSet<String>,
    decoded_cleanly: bool,
    diagnostics: Collector,
) -> Collector {
    let mut phases = HashMap::new();
    for (i, phase) in spec.phase.iter().enumerate() {
        phases.entry(phase.id.as_str()).or_insert(i);
    }
    let instruments: HashMap<&str, &crate::model::Instrument> =
        spec.instrument.iter().map(|i| (i.id.as_str(), i)).collect();
    let beneficiaries = spec
        .commitment
        .iter()
        .map(|c| spec.beneficiaries_with(c, |id| instruments.get(id).copied()))
        .collect();
    let mut check = Check { spec, map, index: Index::new(spec), phases, beneficiaries, broken, diagnostics };
    values::check(&mut check, decoded_cleanly);
    let values_valid = !check.diagnostics.has_errors();
    names::check(&mut check);
    let names_resolved = !check.diagnostics.has_errors();
    if decoded_cleanly && values_valid && names_resolved {
        phases::check(&mut check);
        deadlines::check(&mut check);
        exchange::check(&mut check);
        powers::check(&mut check);
        layers::check(&mut check);
        effects::check(&mut check);
        hygiene::check(&mut check);
        simulation::check(&mut check);
        costs::check(&mut check);
        ranges::check(&mut check);
    }
    check.diagnostics
}

/// Whether any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity() == Severity::Error)
}

/// Folds a condition to a constant where its value cannot depend on the course of the
/// agreement: literals, dates that are always (or never) past adoption, and predicates
/// over a party that has no commitments at all.
pub(crate) fn constant_value(spec: &Spec, condition: &Condition) -> Option<bool> {
    use crate::condition::Cmp;
    match condition {
        Condition::True => Some(true),
        Condition::False => Some(false),
        Condition::Date { cmp, date } => {
            // Conditions are only evaluated from adoption on.
            let adopted = spec.agreement.adopted;
            match cmp {
                Cmp::Ge if *date <= adopted => Some(true),
                Cmp::Gt if *date < adopted => Some(true),
                Cmp::Lt if *date <= adopted => Some(false),
                Cmp::Le if *date < adopted => Some(false),
                _ => None,
            }
        }
        Condition::Commitment(_, Subject::AnyOf(party)) => {
            let bound = spec.commitment.iter().any(|c| c.by.contains(party));
            (!bound).then_some(false)
        }
        Condition::Not(inner) => constant_value(spec, inner).map(|v| !v),
        Condition::And(parts) => {
            let values: Vec<Option<bool>> = parts.iter().map(|p| constant_value(spec, p)).collect();
            if values.contains(&Some(false)) {
                Some(false)
            } else if values.iter().all(|v| *v == Some(true)) {
                Some(true)
            } else {
                None
            }
        }
        Condition::Or(parts) => {
            let values: Vec<Option<bool>> = parts.iter().map(|p| constant_value(spec, p)).collect();
            if values.contains(&Some(true)) {
                Some(true)
            } else if values.iter().all(|v| *v == Some(false)) {
                Some(false)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Phases a condition needs to have progressed for it to hold: phases named by
/// `complete(p)`, and the phases of commitments named by positive `performed`,
/// `fulfilled` or `verified`. Negated parts impose no such need.
pub(crate) fn phases_required_by(spec: &Spec, condition: &Condition, out: &mut Vec<String>) {
    match condition {
        Condition::Complete(phase) => out.push(phase.clone()),
        Condition::Commitment(
            Predicate::Performed | Predicate::Fulfilled | Predicate::Verified,
            Subject::Item(id),
        ) => {
            if spec.phase.iter().any(|p| &p.id == id) {
                out.push(id.clone());
            } else if let Some(c) = spec.commitment.iter().find(|c| &c.id == id) {
                out.push(c.phase.clone());
            }
        }
        Condition::And(parts) => {
            for part in parts {
                phases_required_by(spec, part, out);
            }
        }
        // For `or`, only phases every alternative needs are required; keep it simple
        // and sound by requiring none.
        _ => {}
    }
}
