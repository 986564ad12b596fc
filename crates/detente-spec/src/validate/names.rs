//! Duplicate ids (E005), unknown ids (E006) and ids of the wrong kind (E007).

use std::collections::HashMap;
use std::ops::Range;

use super::{Check, Kind};
use crate::condition::{Condition, RefKind};
use crate::decode::ACCESS_WHEN;
use crate::diagnostic::with_article;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Restores;
use crate::source_map::ItemKey;
use crate::suggest::closest;

pub(super) fn check(check: &mut Check<'_>) {
    let shared = duplicates(check);
    references(check, &shared);
}

/// Every kind of item that uses each duplicated id. A reference to such an id is
/// ambiguous rather than wrong: E005 already says so, so a use that fits one of the
/// kinds is not reported again as an id of the wrong kind (E007).
type SharedIds<'a> = HashMap<&'a str, Vec<Kind>>;

fn duplicates<'a>(check: &mut Check<'a>) -> SharedIds<'a> {
    let spec = check.spec;
    let mut first: HashMap<&str, (Kind, ItemKey)> = HashMap::new();
    let mut shared: SharedIds<'a> = HashMap::new();
    let items = spec
        .party
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), Kind::Party, ItemKey::Party(i)))
        .chain(
            spec.instrument
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.as_str(), Kind::Instrument, ItemKey::Instrument(i))),
        )
        .chain(
            spec.quantity
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.as_str(), Kind::Quantity, ItemKey::Quantity(i))),
        )
        .chain(
            spec.facility
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.as_str(), Kind::Facility, ItemKey::Facility(i))),
        )
        .chain(spec.phase.iter().enumerate().map(|(i, x)| (x.id.as_str(), Kind::Phase, ItemKey::Phase(i))))
        .chain(
            spec.commitment
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.as_str(), Kind::Commitment, ItemKey::Commitment(i))),
        )
        .chain(spec.power.iter().enumerate().map(|(i, x)| (x.id.as_str(), Kind::Power, ItemKey::Power(i))))
        .chain(
            spec.amendment
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.as_str(), Kind::Amendment, ItemKey::Amendment(i))),
        );
    for (id, kind, key) in items {
        // A malformed id is already an error (E023); its duplicates would be the same
        // mistake again.
        if crate::model::check_id(id).is_err() {
            continue;
        }
        match first.get(id) {
            None => {
                first.insert(id, (kind, key));
            }
            Some(&(first_kind, first_key)) => {
                let kinds = shared.entry(id).or_insert_with(|| vec![first_kind]);
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
                let what = if first_kind == kind {
                    format!("by two items of kind {}", kind.noun())
                } else {
                    format!("by {} and {}", with_article(first_kind.noun()), with_article(kind.noun()))
                };
                let diagnostic = Diagnostic::new(Code::DuplicateId, format!("the id `{id}` is used twice, {what}"))
                .label(check.map.item(key), "used again here")
                .label(check.map.item(first_key), "first used here")
                .help("ids share one namespace across parties, instruments, quantities, facilities, phases, commitments, powers and amendments; rename one");
                check.report(diagnostic);
            }
        }
    }
    shared
}

/// Where a reference is written, for labelling.
#[derive(Clone, Copy)]
enum At {
    Field(ItemKey, &'static str),
    Element(ItemKey, &'static str, usize),
    ConditionRef(ItemKey, &'static str, usize),
}

fn references(check: &mut Check<'_>, shared: &SharedIds<'_>) {
    let spec = check.spec;
    // Borrowed, not cloned: a large agreement has millions of references.
    let mut refs: Vec<(&str, &'static [Kind], At, &'static str)> = Vec::new();
    fn list<'a>(
        ids: &'a [String],
        kinds: &'static [Kind],
        item: ItemKey,
        field: &'static str,
        refs: &mut Vec<(&'a str, &'static [Kind], At, &'static str)>,
    ) {
        for (i, id) in ids.iter().enumerate() {
            refs.push((id, kinds, At::Element(item, field, i), field));
        }
    }
    const PARTY: &[Kind] = &[Kind::Party];
    const AMENDMENT: &[Kind] = &[Kind::Amendment];
    fn amendment<'a>(
        id: &'a Option<String>,
        item: ItemKey,
        refs: &mut Vec<(&'a str, &'static [Kind], At, &'static str)>,
    ) {
        if let Some(id) = id {
            refs.push((id, AMENDMENT, At::Field(item, "amendment"), "amendment"));
        }
    }
    list(&spec.agreement.core, &[Kind::Commitment], ItemKey::Agreement, "core", &mut refs);
    for (i, x) in spec.party.iter().enumerate() {
        if let Some(succession) = &x.succeeds {
            let at = At::Field(ItemKey::Party(i), "succeeds.party");
            refs.push((&succession.party, PARTY, at, "succeeds.party"));
        }
    }
    for (i, x) in spec.instrument.iter().enumerate() {
        let item = ItemKey::Instrument(i);
        list(&x.imposed_by, PARTY, item, "imposed_by", &mut refs);
        list(&x.targets, PARTY, item, "targets", &mut refs);
    }
    for (i, x) in spec.quantity.iter().enumerate() {
        if let Some(owner) = &x.owner {
            refs.push((owner, PARTY, At::Field(ItemKey::Quantity(i), "owner"), "owner"));
        }
        for (n, m) in x.made_from.iter().enumerate() {
            let at = At::Element(ItemKey::Quantity(i), "made_from", n);
            refs.push((&m.quantity, &[Kind::Quantity], at, "made_from"));
        }
    }
    for (i, x) in spec.facility.iter().enumerate() {
        let item = ItemKey::Facility(i);
        if let Some(owner) = &x.owner {
            refs.push((owner, PARTY, At::Field(item, "owner"), "owner"));
        }
        for (n, p) in x.produces.iter().enumerate() {
            refs.push((&p.quantity, &[Kind::Quantity], At::Element(item, "produces", n), "produces"));
        }
    }
    for (i, x) in spec.phase.iter().enumerate() {
        let item = ItemKey::Phase(i);
        list(&x.after, &[Kind::Phase], item, "after", &mut refs);
        condition_refs(&mut refs, x.opens_when.as_ref(), item, "opens_when");
        amendment(&x.amendment, item, &mut refs);
    }
    for (i, x) in spec.commitment.iter().enumerate() {
        let item = ItemKey::Commitment(i);
        refs.push((&x.phase, &[Kind::Phase], At::Field(item, "phase"), "phase"));
        list(&x.by, PARTY, item, "by", &mut refs);
        condition_refs(&mut refs, x.when.as_ref(), item, "when");
        condition_refs(&mut refs, x.while_.as_ref(), item, "while");
        if let Some(v) = &x.verification {
            refs.push((&v.by, PARTY, At::Field(item, "verification.by"), "verification.by"));
            let mut offset = 0;
            for clause in &v.access {
                offset += condition_refs_from(&mut refs, Some(&clause.when), item, ACCESS_WHEN, offset);
            }
        }
        list(&x.established_by, PARTY, item, "established_by", &mut refs);
        list(&x.in_return_for, &[Kind::Commitment], item, "in_return_for", &mut refs);
        list(&x.replaces, &[Kind::Commitment], item, "replaces", &mut refs);
        amendment(&x.amendment, item, &mut refs);
        for (party, reading) in &x.readings {
            refs.push((party, PARTY, At::Field(item, "readings"), "readings"));
            condition_refs(&mut refs, reading.when.as_ref(), item, "readings.when");
            condition_refs(&mut refs, reading.while_.as_ref(), item, "readings.while");
        }
        list(&x.relieves, &[Kind::Instrument], item, "relieves", &mut refs);
        for (n, limit) in x.limits.iter().enumerate() {
            refs.push((&limit.quantity, &[Kind::Quantity], At::Element(item, "limits", n), "limits"));
        }
        for (n, set) in x.sets.iter().enumerate() {
            refs.push((&set.facility, &[Kind::Facility], At::Element(item, "sets", n), "sets"));
        }
        list(&x.benefits, PARTY, item, "benefits", &mut refs);
        if let Some(values) = &x.values {
            for (n, party) in values.benefit.keys().enumerate() {
                refs.push((party, PARTY, At::Element(item, "values.benefit", n), "values.benefit"));
            }
            if let crate::model::Cost::ByParty(costs) = &values.cost {
                for (n, party) in costs.keys().enumerate() {
                    refs.push((party, PARTY, At::Element(item, "values.cost", n), "values.cost"));
                }
            }
        }
    }
    for (i, x) in spec.power.iter().enumerate() {
        let item = ItemKey::Power(i);
        list(&x.holders, PARTY, item, "holders", &mut refs);
        condition_refs(&mut refs, Some(&x.trigger), item, "trigger");
        if let Restores::Listed(ids) = &x.restores {
            list(ids, &[Kind::Instrument], item, "restores", &mut refs);
        }
        list(&x.suspends, &[Kind::Commitment, Kind::Phase], item, "suspends", &mut refs);
        condition_refs(&mut refs, x.resumes_when.as_ref(), item, "resumes_when");
        amendment(&x.amendment, item, &mut refs);
    }
    if let Some(sim) = &spec.simulation {
        let item = ItemKey::Simulation;
        for (n, party) in sim.strategy.keys().enumerate() {
            refs.push((party, PARTY, At::Element(item, "strategy", n), "strategy"));
        }
        for (n, party) in sim.prior.keys().enumerate() {
            refs.push((party, PARTY, At::Element(item, "prior", n), "prior"));
        }
        for (n, election) in sim.election.iter().enumerate() {
            refs.push((&election.party, PARTY, At::Element(item, "election", n), "election"));
        }
        for (field, map) in [
            ("detection", &sim.detection),
            ("false_alarm", &sim.false_alarm),
            ("inspection", &sim.inspection),
        ] {
            for (n, id) in map.keys().enumerate() {
                refs.push((id, &[Kind::Commitment], At::Element(item, field, n), field));
            }
        }
        for (n, id) in sim.lead_time.keys().enumerate() {
            refs.push((id, &[Kind::Commitment], At::Element(item, "lead_time", n), "lead_time"));
        }
        for (n, id) in sim.measurement.keys().enumerate() {
            refs.push((id, &[Kind::Quantity], At::Element(item, "measurement", n), "measurement"));
        }
    }
    // An unknown id is one mistake however often it is used (a misspelt declaration,
    // or one typo copied around), so its uses are grouped into one diagnostic.
    let mut unknown: Vec<(&str, &'static [Kind], Vec<At>)> = Vec::new();
    let mut groups: HashMap<(&str, &'static [Kind]), usize> = HashMap::new();
    for (id, kinds, at, field) in refs {
        if check.broken.contains(id) {
            continue;
        }
        match check.index.kind(id) {
            Some(kind) if kinds.contains(&kind) => {}
            Some(_) if shared.get(id).is_some_and(|all| all.iter().any(|k| kinds.contains(k))) => {}
            Some(kind) => wrong_kind(check, id, kind, kinds, at, field),
            None => {
                let group = *groups.entry((id, kinds)).or_insert_with(|| {
                    unknown.push((id, kinds, Vec::new()));
                    unknown.len() - 1
                });
                unknown[group].2.push(at);
            }
        }
    }
    for (id, kinds, uses) in unknown {
        unknown_id(check, id, kinds, &uses);
    }
}

/// At most this many further uses of an unknown id are labelled.
const MORE_USES_SHOWN: usize = 8;

fn condition_refs<'a>(
    refs: &mut Vec<(&'a str, &'static [Kind], At, &'static str)>,
    condition: Option<&'a Condition>,
    item: ItemKey,
    field: &'static str,
) {
    condition_refs_from(refs, condition, item, field, 0);
}

/// The references of a condition whose ranges are numbered from `offset` in the source
/// map (one of several conditions sharing a field); returns how many it has.
fn condition_refs_from<'a>(
    refs: &mut Vec<(&'a str, &'static [Kind], At, &'static str)>,
    condition: Option<&'a Condition>,
    item: ItemKey,
    field: &'static str,
    offset: usize,
) -> usize {
    let Some(condition) = condition else { return 0 };
    let references = condition.references();
    let count = references.len();
    for (n, reference) in references.into_iter().enumerate() {
        let n = offset + n;
        let kinds: &'static [Kind] = match reference.kind {
            RefKind::CommitmentOrPhase => &[Kind::Commitment, Kind::Phase],
            RefKind::Party => &[Kind::Party],
            RefKind::Phase => &[Kind::Phase],
            RefKind::Instrument => &[Kind::Instrument],
            RefKind::Facility => &[Kind::Facility],
            RefKind::Quantity => &[Kind::Quantity],
        };
        refs.push((reference.id, kinds, At::ConditionRef(item, field, n), field));
    }
    count
}

fn span_of(check: &Check<'_>, at: At) -> Option<Range<usize>> {
    match at {
        At::Field(item, field) => check.map.field(item, field).or_else(|| check.map.item(item)),
        At::Element(item, field, n) => check.map.element(item, field, n).or_else(|| check.map.item(item)),
        At::ConditionRef(item, field, n) => check.map.condition_ref(item, field, n),
    }
}

fn expected(kinds: &[Kind]) -> String {
    kinds.iter().map(|k| k.noun()).collect::<Vec<_>>().join(" or ")
}

fn wrong_kind(check: &mut Check<'_>, id: &str, kind: Kind, kinds: &'static [Kind], at: At, field: &str) {
    let span = span_of(check, at);
    // Suggestions scan every id: build the message only if it will be shown.
    if !check.diagnostics.has_room(Code::WrongKindOfId) {
        check.diagnostics.omit(Code::WrongKindOfId, span);
        return;
    }
    let suggestion = closest(id, check.index.ids_of(kinds));
    let mut help = format!("`{field}` needs the id of {}", with_article(&expected(kinds)));
    if let Some(s) = suggestion {
        help.push_str(&format!("; did you mean `{s}`?"));
    }
    check.report(
        Diagnostic::new(
            Code::WrongKindOfId,
            format!(
                "`{id}` is {}, but `{field}` needs {}",
                with_article(kind.noun()),
                with_article(&expected(kinds))
            ),
        )
        .label(span, format!("this is {}", with_article(kind.noun())))
        .help(help),
    );
}

fn unknown_id(check: &mut Check<'_>, id: &str, kinds: &'static [Kind], uses: &[At]) {
    let span = span_of(check, uses[0]);
    if !check.diagnostics.has_room(Code::UnknownId) {
        check.diagnostics.omit(Code::UnknownId, span);
        return;
    }
    let help = match closest(id, check.index.ids_of(kinds)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            let mut known: Vec<&str> = check.index.ids_of(kinds).collect();
            known.sort();
            if known.is_empty() {
                format!("there is no {} in this file yet; declare it first", expected(kinds))
            } else {
                known.truncate(8);
                format!("known {} ids: {}", expected(kinds), known.join(", "))
            }
        }
    };
    let message = match uses.len() {
        1 => format!("no {} has the id `{id}`", expected(kinds)),
        n => format!("no {} has the id `{id}` (used {n} times)", expected(kinds)),
    };
    let mut diagnostic = Diagnostic::new(Code::UnknownId, message).label(span, "unknown id");
    for &at in uses.iter().skip(1).take(MORE_USES_SHOWN) {
        diagnostic = diagnostic.label(span_of(check, at), "used again here");
    }
    check.report(diagnostic.help(help));
}
