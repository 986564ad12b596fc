//! Warnings about weak designs and unsourced facts: continuing measures nobody verifies
//! (W101), real-world figures without a source (W103), instruments the agreement never
//! touches (W104).

use std::collections::HashSet;

use super::Check;
use crate::condition::{Condition, RefKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Category, CommitmentKind, Restores};
use crate::source_map::ItemKey;

pub(super) fn check(check: &mut Check<'_>) {
    unverified_measures(check);
    missing_sources(check);
    idle_instruments(check);
}

fn unverified_measures(check: &mut Check<'_>) {
    for (i, commitment) in check.spec.commitment.iter().enumerate() {
        if commitment.kind == CommitmentKind::Continuing
            && commitment.category == Category::Measure
            && commitment.verification.is_none()
        {
            check.report(
                Diagnostic::new(
                    Code::UnverifiedMeasure,
                    format!(
                        "continuing measure `{}` is not verified: a violation would go unseen",
                        commitment.id
                    ),
                )
                .label(check.map.item(ItemKey::Commitment(i)), "no verification")
                .help("add [commitment.verification] with a verifier, a method and a detection probability"),
            );
        }
    }
}

fn missing_sources(check: &mut Check<'_>) {
    let spec = check.spec;
    let mut unsourced: Vec<(ItemKey, &str, &str)> = Vec::new();
    for (i, x) in spec.instrument.iter().enumerate() {
        if x.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            unsourced.push((ItemKey::Instrument(i), "instrument", &x.id));
        }
    }
    for (i, x) in spec.quantity.iter().enumerate() {
        if x.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            unsourced.push((ItemKey::Quantity(i), "quantity", &x.id));
        }
    }
    for (i, x) in spec.facility.iter().enumerate() {
        if x.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            unsourced.push((ItemKey::Facility(i), "facility", &x.id));
        }
    }
    for (item, noun, id) in unsourced {
        check.report(
            Diagnostic::new(
                Code::MissingSource,
                format!("{noun} `{id}` states real-world facts without a source"),
            )
            .label(check.map.item(item), "unsourced")
            .help("add source = \"...\" citing the public document the figures come from"),
        );
    }
}

fn idle_instruments(check: &mut Check<'_>) {
    let spec = check.spec;
    // Collect every mention once; checking each instrument against every commitment
    // and condition in turn is quadratic and dominated checking large agreements.
    let mut touched: HashSet<&str> = HashSet::new();
    touched.extend(spec.commitment.iter().flat_map(|c| c.relieves.iter().map(String::as_str)));
    for power in &spec.power {
        if let Restores::Listed(ids) = &power.restores {
            touched.extend(ids.iter().map(String::as_str));
        }
    }
    for condition in conditions(spec) {
        touched.extend(
            condition.references().into_iter().filter(|r| r.kind == RefKind::Instrument).map(|r| r.id),
        );
    }
    for (i, instrument) in spec.instrument.iter().enumerate() {
        let id = instrument.id.as_str();
        if !touched.contains(id) {
            check.report(
                Diagnostic::new(
                    Code::IdleInstrument,
                    format!("instrument `{id}` is never relieved, restored or mentioned"),
                )
                .label(check.map.item(ItemKey::Instrument(i)), "untouched")
                .help("relieve it in some concession's `relieves`, or remove it if it is context only"),
            );
        }
    }
}

fn conditions(spec: &crate::model::Spec) -> impl Iterator<Item = &Condition> {
    spec.phase
        .iter()
        .filter_map(|p| p.opens_when.as_ref())
        .chain(spec.commitment.iter().filter_map(|c| c.when.as_ref()))
        .chain(spec.power.iter().map(|p| &p.trigger))
}
