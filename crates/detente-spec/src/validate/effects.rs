//! Effects on quantities and facilities: units and estimates (E014), contradictory
//! statuses (E021), and the irreversibility of dismantlement (E024).

use std::collections::HashMap;

use super::phases::{ancestors, blocked_by_cycle};
use super::Check;
use crate::diagnostic::{number, Code, Diagnostic};
use crate::model::FacilityStatus;
use crate::source_map::ItemKey;

pub(super) fn check(check: &mut Check<'_>) {
    estimates(check);
    rate_ranges(check);
    material_cycles(check);
    limit_units(check);
    contradictory_statuses(check);
    irreversible_dismantlement(check);
}

fn estimates(check: &mut Check<'_>) {
    for (i, quantity) in check.spec.quantity.iter().enumerate() {
        let item = ItemKey::Quantity(i);
        let low = quantity.low.unwrap_or(quantity.initial);
        let high = quantity.high.unwrap_or(quantity.initial);
        if !(low <= quantity.initial && quantity.initial <= high) {
            check.report(
                Diagnostic::new(
                    Code::QuantityMismatch,
                    format!(
                        "the estimate of `{}` is outside its own range: low {}, initial {}, high {}",
                        quantity.id,
                        number(low),
                        number(quantity.initial),
                        number(high)
                    ),
                )
                .label(check.map.field(item, "initial"), "best estimate")
                .help("the best estimate must lie between `low` and `high`"),
            );
        }
        if quantity.unit.trim().is_empty() {
            check.report(
                Diagnostic::new(
                    Code::QuantityMismatch,
                    format!("quantity `{}` has an empty unit", quantity.id),
                )
                .label(check.map.field(item, "unit"), "empty")
                .help("name the unit, e.g. \"kg\" or \"warheads\""),
            );
        }
    }
}

/// Reports a range whose ends do not hold its best estimate (`low <= central <= high`).
fn ordered(
    check: &mut Check<'_>,
    (low, central, high): (Option<f64>, f64, Option<f64>),
    span: Option<std::ops::Range<usize>>,
    what: String,
) {
    let (low, high) = (low.unwrap_or(central), high.unwrap_or(central));
    if !(low <= central && central <= high) {
        check.report(
            Diagnostic::new(
                Code::QuantityMismatch,
                format!(
                    "{what} is outside its own range: low {}, best estimate {}, high {}",
                    number(low),
                    number(central),
                    number(high)
                ),
            )
            .label(span, "best estimate outside the range")
            .help("the best estimate must lie between `low` and `high`"),
        );
    }
}

/// Rates of production, materials per unit and assembly capacities: each best estimate
/// lies within its range.
fn rate_ranges(check: &mut Check<'_>) {
    let spec = check.spec;
    for (i, facility) in spec.facility.iter().enumerate() {
        for (n, p) in facility.produces.iter().enumerate() {
            let span = check.map.element(ItemKey::Facility(i), "produces", n);
            let what = format!("the rate at which `{}` produces `{}`", facility.id, p.quantity);
            ordered(check, (p.low, p.per_year, p.high), span, what);
        }
    }
    for (i, quantity) in spec.quantity.iter().enumerate() {
        let item = ItemKey::Quantity(i);
        for (n, m) in quantity.made_from.iter().enumerate() {
            let span = check.map.element(item, "made_from", n);
            let what = format!("the `{}` one unit of `{}` takes", m.quantity, quantity.id);
            ordered(check, (m.low, m.per_unit, m.high), span, what);
        }
        if let Some(rate) = &quantity.max_per_year {
            let span = check.map.field(item, "max_per_year").or_else(|| check.map.item(item));
            let what = format!("the assembly capacity of `{}`", quantity.id);
            ordered(check, (rate.low, rate.central, rate.high), span, what);
        }
    }
}

/// A quantity cannot be made, directly or through others, from itself.
fn material_cycles(check: &mut Check<'_>) {
    let spec = check.spec;
    let index: HashMap<&str, usize> =
        spec.quantity.iter().enumerate().map(|(i, q)| (q.id.as_str(), i)).collect();
    let edges: Vec<Vec<usize>> = spec
        .quantity
        .iter()
        .map(|q| q.made_from.iter().filter_map(|m| index.get(m.quantity.as_str()).copied()).collect())
        .collect();
    for (i, quantity) in spec.quantity.iter().enumerate() {
        // Depth-first search from i's materials: does it come back to i?
        let mut seen = vec![false; edges.len()];
        let mut stack: Vec<usize> = edges[i].clone();
        let mut cycle = false;
        while let Some(q) = stack.pop() {
            if q == i {
                cycle = true;
                break;
            }
            if !std::mem::replace(&mut seen[q], true) {
                stack.extend(&edges[q]);
            }
        }
        if cycle {
            let item = ItemKey::Quantity(i);
            check.report(
                Diagnostic::new(
                    Code::QuantityMismatch,
                    format!("quantity `{}` is made, directly or through others, from itself", quantity.id),
                )
                .label(
                    check.map.field(item, "made_from").or_else(|| check.map.item(item)),
                    "a cycle of materials",
                )
                .help("a material must be produced by facilities or growth, not from what it makes"),
            );
        }
    }
}

fn limit_units(check: &mut Check<'_>) {
    let spec = check.spec;
    for (i, commitment) in spec.commitment.iter().enumerate() {
        for (n, limit) in commitment.limits.iter().enumerate() {
            let Some(quantity) = spec.quantity.iter().find(|q| q.id == limit.quantity) else { continue };
            if let Some(unit) = &limit.unit {
                if unit != &quantity.unit {
                    check.report(
                        Diagnostic::new(
                            Code::QuantityMismatch,
                            format!(
                                "the cap on `{}` is in {unit}, but the quantity is measured in {}",
                                quantity.id, quantity.unit
                            ),
                        )
                        .label(check.map.element(ItemKey::Commitment(i), "limits", n), "unit mismatch")
                        .help(format!("state the cap in {} (detente does not convert units)", quantity.unit)),
                    );
                }
            }
        }
    }
}

/// Statuses under the agreement move down one ladder, operating → frozen → disabled →
/// dismantled, so a phase may freeze a facility and then dismantle it. What cannot be
/// ordered is a restart (`operating`) beside any restriction of the same facility in the
/// same phase: the outcome would depend on the order of events.
fn contradictory_statuses(check: &mut Check<'_>) {
    /// Where a status was set: commitment position, position in its `sets`, the status.
    type Setting = (usize, usize, FacilityStatus);
    let spec = check.spec;
    let mut seen: HashMap<(&str, &str), Vec<Setting>> = HashMap::new();
    for (i, commitment) in spec.commitment.iter().enumerate() {
        for (n, set) in commitment.sets.iter().enumerate() {
            let key = (commitment.phase.as_str(), set.facility.as_str());
            let earlier = seen.entry(key).or_default();
            let clash = earlier.iter().copied().find(|&(_, _, status)| {
                status != set.status
                    && (status == FacilityStatus::Operating || set.status == FacilityStatus::Operating)
            });
            earlier.push((i, n, set.status));
            if let Some((j, m, status)) = clash {
                check.report(
                    Diagnostic::new(
                        Code::ContradictoryEffects,
                        format!(
                            "`{}` is set both {status} and {} in phase `{}`",
                            set.facility, set.status, commitment.phase
                        ),
                    )
                    .label(check.map.element(ItemKey::Commitment(i), "sets", n), format!("sets it {}", set.status))
                    .label(check.map.element(ItemKey::Commitment(j), "sets", m), format!("sets it {status}"))
                    .help("a restart and a restriction of the same facility cannot share a phase; put them in successive phases"),
                );
            }
        }
    }
}

/// Once dismantled, a facility stays dismantled: no commitment may set another status on
/// a facility that starts dismantled or that an earlier phase dismantles.
fn irreversible_dismantlement(check: &mut Check<'_>) {
    let spec = check.spec;
    let ancestors = ancestors(check);
    let blocked = blocked_by_cycle(&ancestors);
    for (i, commitment) in spec.commitment.iter().enumerate() {
        let Some(phase) = check.phase_index(&commitment.phase) else { continue };
        if blocked[phase] {
            continue;
        }
        for (n, set) in commitment.sets.iter().enumerate() {
            if set.status == FacilityStatus::Dismantled {
                continue;
            }
            let Some(f) = spec.facility.iter().position(|f| f.id == set.facility) else { continue };
            let initially = spec.facility[f].status == FacilityStatus::Dismantled;
            let earlier = spec.commitment.iter().position(|c| {
                c.sets.iter().any(|s| s.facility == set.facility && s.status == FacilityStatus::Dismantled)
                    && check.phase_index(&c.phase).is_some_and(|p| ancestors[phase].contains(&p))
            });
            if !initially && earlier.is_none() {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                Code::IrreversibleStatus,
                format!("`{}` would become {} after being dismantled", set.facility, set.status),
            )
            .label(check.map.element(ItemKey::Commitment(i), "sets", n), format!("sets it {}", set.status));
            diagnostic = match earlier {
                Some(j) => diagnostic
                    .label(check.map.item(ItemKey::Commitment(j)), "dismantled by this earlier commitment"),
                None => {
                    diagnostic.label(check.map.field(ItemKey::Facility(f), "status"), "dismantled already")
                }
            };
            check.report(diagnostic.help("dismantlement is irreversible; a dismantled facility cannot be frozen, disabled or restarted"));
        }
    }
}
