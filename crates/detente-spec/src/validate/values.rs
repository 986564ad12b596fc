//! Whether each value makes sense on its own: well-formed ids (E023), finite numbers of
//! a plausible size (E022), non-negative counts, stocks, rates and weights (E022),
//! probabilities in [0, 1] (E015), dates inside the calendar (E016), runs and seeds in
//! range (E022), and the parameters each simulated strategy takes (E003, E004).
//!
//! These rules read the model, not the TOML tree, so that a specification read from
//! normalized JSON (which never passes through the TOML decoder) is held to exactly the
//! same rules. They belong to the first stage, reading the file: design rules do not run
//! while any of them fails. A new numeric key gets its rule here, in the list of its item.

use std::ops::Range;

use super::Check;
use crate::diagnostic::{number, Code, Diagnostic};
use crate::model::{
    check_id, Cost, IdError, Prior, Simulation, Spec, StrategyKind, MAX_MAGNITUDE, PRIOR_TOLERANCE,
};
use crate::source_map::ItemKey;
use crate::time::Date;

/// The most futures one simulation may run.
pub const MAX_RUNS: u32 = 10_000_000;

/// Where a value was written: a field of an item, or a field of the `index`-th entry of
/// one of its lists (`limits.max` of the second limit).
#[derive(Clone, Copy)]
struct Place {
    item: ItemKey,
    field: &'static str,
    index: Option<usize>,
    /// The list the entry belongs to, to point at the entry when its field was not
    /// recorded.
    list: &'static str,
}

fn at(item: ItemKey, field: &'static str) -> Place {
    Place { item, field, index: None, list: "" }
}

fn entry(item: ItemKey, list: &'static str, index: usize, field: &'static str) -> Place {
    Place { item, field, index: Some(index), list }
}

impl Check<'_> {
    fn span_of(&self, place: Place) -> Option<Range<usize>> {
        let exact = match place.index {
            Some(n) => self
                .map
                .field_at(place.item, place.field, n)
                .or_else(|| self.map.element(place.item, place.list, n)),
            None => self.map.field(place.item, place.field),
        };
        exact.or_else(|| self.map.item(place.item))
    }
}

/// What a number must be, besides finite and at most [`MAX_MAGNITUDE`] in magnitude.
#[derive(Clone, Copy, PartialEq)]
enum Rule {
    /// Any sign.
    Any,
    /// Zero or more: counts, stocks, rates, weights, costs.
    NonNegative,
    /// In [0, 1].
    Probability,
    /// Above zero: how much material one unit takes.
    Positive,
}

pub(super) fn check(check: &mut Check<'_>, decoded_cleanly: bool) {
    let spec = check.spec;
    ids(check, spec, decoded_cleanly);
    dates(check, spec);
    numbers(check, spec);
    simulation(check, spec);
}

fn ids(check: &mut Check<'_>, spec: &Spec, decoded_cleanly: bool) {
    // When the decoder could not read the agreement's id (or the whole table), the model
    // holds a blank in its place, and the decoder has said why.
    let placeholder = !decoded_cleanly && spec.agreement.id.is_empty();
    let agreement = (!placeholder).then_some((ItemKey::Agreement, spec.agreement.id.as_str()));
    let items = agreement
        .into_iter()
        .chain(spec.party.iter().enumerate().map(|(i, x)| (ItemKey::Party(i), x.id.as_str())))
        .chain(spec.instrument.iter().enumerate().map(|(i, x)| (ItemKey::Instrument(i), x.id.as_str())))
        .chain(spec.quantity.iter().enumerate().map(|(i, x)| (ItemKey::Quantity(i), x.id.as_str())))
        .chain(spec.facility.iter().enumerate().map(|(i, x)| (ItemKey::Facility(i), x.id.as_str())))
        .chain(spec.phase.iter().enumerate().map(|(i, x)| (ItemKey::Phase(i), x.id.as_str())))
        .chain(spec.commitment.iter().enumerate().map(|(i, x)| (ItemKey::Commitment(i), x.id.as_str())))
        .chain(spec.power.iter().enumerate().map(|(i, x)| (ItemKey::Power(i), x.id.as_str())));
    for (item, id) in items {
        let Err(error) = check_id(id) else { continue };
        let span = check.span_of(at(item, "id"));
        let diagnostic = match error {
            IdError::Reserved(_) => Diagnostic::new(Code::BadId, error.to_string())
                .label(span, "reserved in conditions")
                .help("choose another id"),
            _ => Diagnostic::new(Code::BadId, format!("`{id}` is not a valid id: {error}"))
                .label(span, "malformed id")
                .help("ids start with a letter or digit and use only letters, digits, `-`, `_` and `.`"),
        };
        check.report(diagnostic);
    }
}

/// Dates the model holds are inside the calendar detente computes with, years 1 to
/// 9999. TOML dates cannot be outside it; JSON dates can (`"-0001-01-01"`).
fn dates(check: &mut Check<'_>, spec: &Spec) {
    let mut found: Vec<(Place, Date)> = vec![(at(ItemKey::Agreement, "adopted"), spec.agreement.adopted)];
    found.extend(spec.agreement.ends.map(|d| (at(ItemKey::Agreement, "ends"), d)));
    found.extend(
        spec.instrument
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.since.map(|since| (at(ItemKey::Instrument(i), "since"), since))),
    );
    found.extend(spec.agreement.signed.map(|d| (at(ItemKey::Agreement, "signed"), d)));
    for (i, x) in spec.party.iter().enumerate() {
        found.extend(x.succeeds.as_ref().map(|s| (at(ItemKey::Party(i), "succeeds.on"), s.on)));
    }
    for (i, x) in spec.amendment.iter().enumerate() {
        found.extend(x.signed.map(|d| (at(ItemKey::Amendment(i), "signed"), d)));
        found.extend(x.effective.map(|d| (at(ItemKey::Amendment(i), "effective"), d)));
    }
    for (i, x) in spec.commitment.iter().enumerate() {
        if let Some(crate::model::Due::On(d)) = x.due {
            found.push((at(ItemKey::Commitment(i), "due"), d));
        }
    }
    found.extend(spec.quantity.iter().enumerate().map(|(i, x)| (at(ItemKey::Quantity(i), "as_of"), x.as_of)));
    if let Some(sim) = &spec.simulation {
        found.extend(
            sim.election
                .iter()
                .enumerate()
                .map(|(n, e)| (entry(ItemKey::Simulation, "election", n, "election.first"), e.first)),
        );
    }
    for (place, date) in found {
        if date.year() < 1 {
            let key = place.field.rsplit('.').next().unwrap_or(place.field);
            check.report(
                Diagnostic::new(Code::BadDate, format!("`{key}` ({date}) is before year 1"))
                    .label(check.span_of(place), "outside the calendar")
                    .help("dates are YYYY-MM-DD with a year from 0001 to 9999"),
            );
        }
    }
}

/// Checks one number against its rule; `key` is its key as written, `what` names its
/// table in messages.
fn value(check: &mut Check<'_>, x: f64, rule: Rule, place: Place, key: &str, what: impl FnOnce() -> String) {
    if !x.is_finite() || x.abs() > MAX_MAGNITUDE {
        let diagnostic =
            Diagnostic::new(Code::NumberOutOfRange, format!("`{key}` = {} is out of range", number(x)))
                .label(check.span_of(place), "not a usable number")
                .help(format!("numbers must be finite and at most {MAX_MAGNITUDE:e} in magnitude"));
        check.report(diagnostic);
        return;
    }
    match rule {
        Rule::Any => {}
        Rule::NonNegative if x < 0.0 => {
            let diagnostic =
                Diagnostic::new(Code::NumberOutOfRange, format!("`{key}` in {} cannot be negative", what()))
                    .label(check.span_of(place), "negative")
                    .help("counts, stockpiles, rates, weights and costs are zero or more");
            check.report(diagnostic);
        }
        Rule::Probability if !(0.0..=1.0).contains(&x) => {
            let hint = if (1.0..=100.0).contains(&x) {
                format!("probabilities are between 0 and 1; did you mean {}?", number(x / 100.0))
            } else {
                "probabilities are between 0 and 1".to_string()
            };
            let diagnostic =
                Diagnostic::new(Code::Probability, format!("`{key}` = {} is not a probability", number(x)))
                    .label(check.span_of(place), "outside [0, 1]")
                    .help(hint);
            check.report(diagnostic);
        }
        Rule::Positive if x <= 0.0 => {
            let diagnostic =
                Diagnostic::new(Code::NumberOutOfRange, format!("`{key}` in {} must be above zero", what()))
                    .label(check.span_of(place), "not above zero")
                    .help("a unit cannot be made from no material; give the amount one unit takes");
            check.report(diagnostic);
        }
        Rule::NonNegative | Rule::Probability | Rule::Positive => {}
    }
}

fn numbers(check: &mut Check<'_>, spec: &Spec) {
    for (i, x) in spec.instrument.iter().enumerate() {
        if let Some(weight) = x.weight {
            let item = ItemKey::Instrument(i);
            value(check, weight, Rule::NonNegative, at(item, "weight"), "weight", || {
                format!("instrument `{}`", x.id)
            });
        }
    }
    for (i, x) in spec.quantity.iter().enumerate() {
        let item = ItemKey::Quantity(i);
        let what = || format!("quantity `{}`", x.id);
        value(check, x.initial, Rule::NonNegative, at(item, "initial"), "initial", what);
        for (key, v) in [("low", x.low), ("high", x.high)] {
            if let Some(v) = v {
                value(check, v, Rule::NonNegative, at(item, key), key, what);
            }
        }
        if let Some(growth) = x.growth_per_year {
            value(check, growth, Rule::Any, at(item, "growth_per_year"), "growth_per_year", what);
        }
        for (n, material) in x.made_from.iter().enumerate() {
            let what = || format!("an entry of `made_from` in quantity `{}`", x.id);
            let place = entry(item, "made_from", n, "made_from.per_unit");
            value(check, material.per_unit, Rule::Positive, place, "per_unit", what);
            for (key, field, v) in
                [("low", "made_from.low", material.low), ("high", "made_from.high", material.high)]
            {
                if let Some(v) = v {
                    value(check, v, Rule::Positive, entry(item, "made_from", n, field), key, what);
                }
            }
        }
        if let Some(rate) = &x.max_per_year {
            let what = || format!("`max_per_year` of quantity `{}`", x.id);
            for (key, field, v) in [
                ("central", "max_per_year.central", Some(rate.central)),
                ("low", "max_per_year.low", rate.low),
                ("high", "max_per_year.high", rate.high),
            ] {
                if let Some(v) = v {
                    value(check, v, Rule::NonNegative, at(item, field), key, what);
                }
            }
        }
    }
    for (i, x) in spec.facility.iter().enumerate() {
        let item = ItemKey::Facility(i);
        for (n, production) in x.produces.iter().enumerate() {
            let place = entry(item, "produces", n, "produces.per_year");
            let what = || format!("an entry of `produces` in facility `{}`", x.id);
            value(check, production.per_year, Rule::NonNegative, place, "per_year", what);
            for (key, field, v) in
                [("low", "produces.low", production.low), ("high", "produces.high", production.high)]
            {
                if let Some(v) = v {
                    value(check, v, Rule::NonNegative, entry(item, "produces", n, field), key, what);
                }
            }
        }
    }
    for (i, c) in spec.commitment.iter().enumerate() {
        let item = ItemKey::Commitment(i);
        if let Some(v) = &c.verification {
            let what = || format!("`verification` of commitment `{}`", c.id);
            value(
                check,
                v.detection,
                Rule::Probability,
                at(item, "verification.detection"),
                "detection",
                what,
            );
            value(
                check,
                v.false_alarm,
                Rule::Probability,
                at(item, "verification.false_alarm"),
                "false_alarm",
                what,
            );
            access_clauses(check, item, v, &c.id);
        }
        for (n, limit) in c.limits.iter().enumerate() {
            let place = entry(item, "limits", n, "limits.max");
            value(check, limit.max, Rule::NonNegative, place, "max", || {
                format!("an entry of `limits` in commitment `{}`", c.id)
            });
        }
        if let Some(values) = &c.values {
            let what = || format!("`values` of commitment `{}`", c.id);
            match &values.cost {
                Cost::Each(cost) => value(check, *cost, Rule::Any, at(item, "values.cost"), "cost", what),
                Cost::ByParty(costs) => {
                    for (n, (party, cost)) in costs.iter().enumerate() {
                        let place = entry(item, "values.cost", n, "values.cost.value");
                        value(check, *cost, Rule::Any, place, &format!("cost.{party}"), what);
                    }
                }
            }
            value(
                check,
                values.threat_reduction,
                Rule::Any,
                at(item, "values.threat_reduction"),
                "threat_reduction",
                what,
            );
            for (n, (party, benefit)) in values.benefit.iter().enumerate() {
                let place = entry(item, "values.benefit", n, "values.benefit.value");
                value(check, *benefit, Rule::Any, place, &format!("benefit.{party}"), what);
            }
        }
    }
}

fn simulation(check: &mut Check<'_>, spec: &Spec) {
    let Some(sim) = &spec.simulation else { return };
    let item = ItemKey::Simulation;
    let what = || "[simulation]".to_string();
    if !(1..=MAX_RUNS).contains(&sim.runs) || sim.seed > i64::MAX as u64 {
        let (key, shown, range) = if sim.seed > i64::MAX as u64 {
            ("seed", sim.seed.to_string(), format!("from 0 to {}", i64::MAX))
        } else {
            ("runs", sim.runs.to_string(), format!("from 1 to {MAX_RUNS}"))
        };
        check.report(
            Diagnostic::new(Code::NumberOutOfRange, format!("`{key}` = {shown} is out of range"))
                .label(check.span_of(at(item, key)), "out of range")
                .help(format!("`{key}` is a whole number {range}")),
        );
    }
    value(check, sim.resolution, Rule::Probability, at(item, "resolution"), "resolution", what);
    let confirmation = || "[simulation.confirmation]".to_string();
    let (breach, false_alarm) = (sim.confirmation.breach, sim.confirmation.false_alarm);
    value(check, breach, Rule::Probability, at(item, "confirmation.breach"), "breach", confirmation);
    value(
        check,
        false_alarm,
        Rule::Probability,
        at(item, "confirmation.false_alarm"),
        "false_alarm",
        confirmation,
    );
    for (n, (party, strategy)) in sim.strategy.iter().enumerate() {
        let place = |field| entry(item, "strategy", n, field);
        let allowed = strategy.kind.parameters();
        let given = [
            ("cheat", strategy.cheat.is_some(), "0.05"),
            ("max_cost", strategy.max_cost.is_some(), "2"),
            ("patience", strategy.patience.is_some(), "\"6 months\""),
        ];
        let kind = strategy.kind;
        for (parameter, present, example) in given {
            let field = match parameter {
                "cheat" => "strategy.cheat",
                "max_cost" => "strategy.max_cost",
                _ => "strategy.patience",
            };
            if present && !allowed.contains(&parameter) {
                check.report(
                    Diagnostic::new(
                        Code::UnknownField,
                        format!("`{parameter}` does not apply to strategy `{kind}`"),
                    )
                    .label(check.span_of(place(field)), "not a parameter of this strategy")
                    .help(match allowed {
                        [] => format!("`{kind}` takes no parameters"),
                        _ => format!("`{kind}` takes: {}", allowed.join(", ")),
                    }),
                );
            }
            if !present && allowed.contains(&parameter) {
                check.report(
                    Diagnostic::new(
                        Code::MissingField,
                        format!("the strategy of `{party}` has no `{parameter}`"),
                    )
                    .label(check.span_of(place("strategy")), format!("`{parameter}` is required here"))
                    .help(format!("add e.g. {parameter} = {example}")),
                );
            }
        }
        let what = || format!("the strategy of `{party}`");
        if let Some(cheat) = strategy.cheat {
            value(check, cheat, Rule::Probability, place("strategy.cheat"), "cheat", what);
        }
        if let Some(max_cost) = strategy.max_cost {
            value(check, max_cost, Rule::NonNegative, place("strategy.max_cost"), "max_cost", what);
        }
    }
    for (n, (party, prior)) in sim.prior.iter().enumerate() {
        prior_values(check, sim, n, party, prior);
    }
    for (n, (id, error)) in sim.measurement.iter().enumerate() {
        let place = entry(item, "measurement", n, "measurement.value");
        value(check, *error, Rule::NonNegative, place, &format!("measurement.{id}"), || {
            "[simulation.measurement]".to_string()
        });
    }
    for (n, election) in sim.election.iter().enumerate() {
        let place = entry(item, "election", n, "election.reversal");
        value(check, election.reversal, Rule::Probability, place, "reversal", || {
            format!("the election of `{}`", election.party)
        });
    }
    for (key, values) in
        [("detection", &sim.detection), ("false_alarm", &sim.false_alarm), ("inspection", &sim.inspection)]
    {
        let field = match key {
            "detection" => "detection.value",
            "false_alarm" => "false_alarm.value",
            _ => "inspection.value",
        };
        for (n, (id, p)) in values.iter().enumerate() {
            let place = entry(item, key, n, field);
            value(check, *p, Rule::Probability, place, &format!("{key}.{id}"), || {
                format!("[simulation.{key}]")
            });
        }
    }
}

/// A party's prior: each type's probability in [0, 1] (E015), together summing to 1
/// within [`PRIOR_TOLERANCE`] (E015), and each type given weight with its parameter
/// stated, here or by the party's own strategy of that kind (E003).
fn prior_values(check: &mut Check<'_>, sim: &Simulation, n: usize, party: &str, prior: &Prior) {
    let item = ItemKey::Simulation;
    let place = |field| entry(item, "prior", n, field);
    let what = || format!("the prior of `{party}`");
    let fields = [
        ("sincere", "prior.sincere"),
        ("hedger", "prior.hedger"),
        ("covert-cheater", "prior.covert-cheater"),
    ];
    let mut usable = true;
    for ((_, p), (key, field)) in prior.types().iter().zip(fields) {
        usable &= p.is_finite() && (0.0..=1.0).contains(p);
        value(check, *p, Rule::Probability, place(field), key, what);
    }
    if let Some(cheat) = prior.cheat {
        value(check, cheat, Rule::Probability, place("prior.cheat"), "cheat", what);
    }
    if let Some(max_cost) = prior.max_cost {
        value(check, max_cost, Rule::NonNegative, place("prior.max_cost"), "max_cost", what);
    }
    let sum: f64 = prior.types().iter().map(|(_, p)| p).sum();
    if usable && (sum - 1.0).abs() > PRIOR_TOLERANCE {
        check.report(
            Diagnostic::new(
                Code::Probability,
                format!("the prior of `{party}` sums to {}, not 1", number(sum)),
            )
            .label(check.span_of(place("prior")), "its probabilities must sum to 1")
            .help(format!(
                "the types sincere, hedger and covert-cheater are all a party can be: their probabilities sum to 1 (within {PRIOR_TOLERANCE:e}); a type not written has probability 0"
            )),
        );
    }
    let own = sim.strategy.get(party);
    let needs = [
        (prior.hedger, StrategyKind::Hedger, "max_cost", prior.max_cost.is_some(), "prior.hedger", "2"),
        (
            prior.covert_cheater,
            StrategyKind::CovertCheater,
            "cheat",
            prior.cheat.is_some(),
            "prior.covert-cheater",
            "0.05",
        ),
    ];
    for (p, kind, parameter, here, field, example) in needs {
        let stated = own.is_some_and(|s| s.kind == kind);
        if p > 0.0 && !here && !stated {
            check.report(
                Diagnostic::new(
                    Code::MissingField,
                    format!("the prior of `{party}` gives the {kind} type weight but no `{parameter}`"),
                )
                .label(check.span_of(place(field)), format!("a {kind} needs `{parameter}`"))
                .help(format!(
                    "add e.g. {parameter} = {example} to [simulation.prior.{party}], or give `{party}` a {kind} strategy in [simulation.strategy]"
                )),
            );
        }
    }
}

/// The probabilities of each `verification.access` clause of a commitment.
fn access_clauses(check: &mut Check<'_>, item: ItemKey, v: &crate::model::Verification, id: &str) {
    for (n, clause) in v.access.iter().enumerate() {
        let what = || format!("an entry of `verification.access` in commitment `{id}`");
        let place = entry(item, "verification.access", n, "verification.access.detection");
        value(check, clause.detection, Rule::Probability, place, "detection", what);
        if let Some(false_alarm) = clause.false_alarm {
            let place = entry(item, "verification.access", n, "verification.access.false_alarm");
            value(check, false_alarm, Rule::Probability, place, "false_alarm", what);
        }
    }
}
