//! Deadlines and their timeout outcomes (E009) and temporal coherence (E013).

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{CommitmentKind, Timeout};
use crate::source_map::ItemKey;

pub(super) fn check(check: &mut Check<'_>) {
    timeouts(check);
    agreement_dates(check);
    commitment_durations(check);
}

fn timeouts(check: &mut Check<'_>) {
    for (i, commitment) in check.spec.commitment.iter().enumerate() {
        let item = ItemKey::Commitment(i);
        match (&commitment.due, &commitment.on_timeout) {
            (Some(_), None) => check.report(
                Diagnostic::new(
                    Code::MissingTimeout,
                    format!("commitment `{}` has a deadline but no timeout outcome", commitment.id),
                )
                .label(check.map.field(item, "due"), "deadline without outcome")
                .help("say what happens if it passes: on_timeout = \"violated\", \"discharged\" or \"extended by 30 days\""),
            ),
            (None, Some(_)) => check.report(
                Diagnostic::new(
                    Code::MissingTimeout,
                    format!("commitment `{}` has a timeout outcome but no deadline", commitment.id),
                )
                .label(check.map.field(item, "on_timeout"), "nothing can time out")
                .help("add a deadline, e.g. due = \"90 days\" (counted from the phase opening)"),
            ),
            (None, None) if commitment.kind == CommitmentKind::Action => check.report(
                Diagnostic::new(
                    Code::MissingTimeout,
                    format!("action `{}` has no deadline", commitment.id),
                )
                .label(check.map.item(item), "never due")
                .help("every action needs a deadline and a timeout outcome, e.g. due = \"90 days\" and on_timeout = \"violated\""),
            ),
            _ => {}
        }
    }
}

fn agreement_dates(check: &mut Check<'_>) {
    let spec = check.spec;
    let adopted = spec.agreement.adopted;
    if let Some(ends) = spec.agreement.ends {
        if ends <= adopted {
            check.report(
                Diagnostic::new(
                    Code::TemporalIncoherence,
                    format!("the agreement ends ({ends}) on or before its adoption ({adopted})"),
                )
                .label(check.map.field(ItemKey::Agreement, "ends"), "too early")
                .label(check.map.field(ItemKey::Agreement, "adopted"), "adopted here")
                .help("`ends` must come after `adopted`"),
            );
        }
    }
    for (i, quantity) in spec.quantity.iter().enumerate() {
        if quantity.as_of > adopted {
            check.report(
                Diagnostic::new(
                    Code::TemporalIncoherence,
                    format!(
                        "the initial value of `{}` is dated {}, after adoption ({adopted})",
                        quantity.id, quantity.as_of
                    ),
                )
                .label(check.map.field(ItemKey::Quantity(i), "as_of"), "after adoption")
                .help("use the latest estimate published on or before the adoption date"),
            );
        }
    }
    for (i, instrument) in spec.instrument.iter().enumerate() {
        if let Some(ends) = spec.agreement.ends {
            if instrument.since >= ends {
                check.report(
                    Diagnostic::new(
                        Code::TemporalIncoherence,
                        format!(
                            "instrument `{}` starts ({}) after the agreement ends ({ends})",
                            instrument.id, instrument.since
                        ),
                    )
                    .label(check.map.field(ItemKey::Instrument(i), "since"), "too late")
                    .help("an instrument the agreement deals with must be in force during it"),
                );
            }
        }
    }
}

fn commitment_durations(check: &mut Check<'_>) {
    for (i, commitment) in check.spec.commitment.iter().enumerate() {
        let item = ItemKey::Commitment(i);
        if commitment.kind == CommitmentKind::Action {
            if commitment.due.is_some_and(|d| d.is_zero()) {
                check.report(
                    Diagnostic::new(
                        Code::TemporalIncoherence,
                        format!("action `{}` is due 0 days after its phase opens", commitment.id),
                    )
                    .label(check.map.field(item, "due"), "no time to perform")
                    .help("give the parties at least one day"),
                );
            }
            if commitment.lasts.is_some() {
                check.report(
                    Diagnostic::new(
                        Code::TemporalIncoherence,
                        format!(
                            "action `{}` has `lasts`, which only continuing commitments have",
                            commitment.id
                        ),
                    )
                    .label(check.map.field(item, "lasts"), "an action is done once")
                    .help("make it kind = \"continuing\", or remove `lasts`"),
                );
            }
        }
        if let Some(Timeout::Extended(by)) = commitment.on_timeout {
            if by.is_zero() {
                check.report(
                    Diagnostic::new(
                        Code::TemporalIncoherence,
                        format!("`{}` is extended by zero time", commitment.id),
                    )
                    .label(check.map.field(item, "on_timeout"), "extends nothing")
                    .help("extend by a positive duration, or use \"violated\""),
                );
            }
        }
        if let Some(lasts) = commitment.lasts {
            if lasts.is_zero() {
                check.report(
                    Diagnostic::new(
                        Code::TemporalIncoherence,
                        format!("`{}` lasts zero time", commitment.id),
                    )
                    .label(check.map.field(item, "lasts"), "zero")
                    .help("give a positive duration, or remove `lasts` to hold it until the agreement ends"),
                );
            }
            if let Some(every) = commitment.verification.as_ref().and_then(|v| v.every) {
                if every.approx_days() > lasts.approx_days() {
                    check.report(
                        Diagnostic::new(
                            Code::TemporalIncoherence,
                            format!("`{}` is inspected every {every} but only lasts {lasts}", commitment.id),
                        )
                        .label(check.map.field(item, "verification.every"), "longer than the commitment")
                        .label(check.map.field(item, "lasts"), "lasts this long")
                        .help("inspect at least once while the commitment is in effect"),
                    );
                }
            }
        }
    }
}
