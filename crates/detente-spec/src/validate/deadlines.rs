//! Deadlines and their timeout outcomes (E009, W107), declarations (E026) and temporal
//! coherence (E013), including durations that would run past the end of the calendar.

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{CommitmentKind, Due, Timeout};
use crate::source_map::ItemKey;
use crate::time::CALENDAR_END;

pub(super) fn check(check: &mut Check<'_>) {
    timeouts(check);
    declarations(check);
    agreement_dates(check);
    commitment_durations(check);
    calendar_end(check);
}

/// Dates are computed up to 9999-12-31 ([`Duration::after`] is `None` past it). A
/// deadline counted from a date near that end would have no date: the engine would
/// never let it fall, and an extension past it would silently cap nothing. So every
/// duration, counted from the latest date the agreement fixes (its end, or without one
/// its adoption), and an extension counted from the deadline it extends, must land
/// inside the calendar. Month arithmetic is monotone, so the latest anchor is the one
/// to check.
fn calendar_end(check: &mut Check<'_>) {
    let spec = check.spec;
    let (anchor, from, anchor_field) = match spec.agreement.ends {
        Some(ends) => (ends, format!("the agreement's end ({ends})"), "ends"),
        None => (spec.agreement.adopted, format!("adoption ({})", spec.agreement.adopted), "adopted"),
    };
    let anchor_span = check.map.field(ItemKey::Agreement, anchor_field);
    let mut past: Vec<(ItemKey, &'static str, String)> = Vec::new();
    for (i, c) in spec.commitment.iter().enumerate() {
        let item = ItemKey::Commitment(i);
        if let Some(due) = c.due {
            match due.from(anchor) {
                None => past.push((item, "due", format!("`due` of `{}` ({due})", c.id))),
                Some(deadline) => {
                    if let Some(Timeout::Extended(by)) = c.on_timeout {
                        if by.after(deadline).is_none() {
                            let what =
                                format!("the extension of `{}` ({by} after a deadline of {deadline})", c.id);
                            past.push((item, "on_timeout", what));
                        }
                    }
                }
            }
        }
        if let Some(lasts) = c.lasts.filter(|d| d.after(anchor).is_none()) {
            past.push((item, "lasts", format!("`lasts` of `{}` ({lasts})", c.id)));
        }
        if let Some(notice) = c.notice.filter(|d| d.after(anchor).is_none()) {
            past.push((item, "notice", format!("the notice period of `{}` ({notice})", c.id)));
        }
        let every = c.verification.as_ref().and_then(|v| v.every);
        if let Some(every) = every.filter(|d| d.after(anchor).is_none()) {
            past.push((item, "verification.every", format!("the inspections of `{}` (every {every})", c.id)));
        }
    }
    for (i, p) in spec.power.iter().enumerate() {
        if let Some(notice) = p.notice.filter(|d| d.after(anchor).is_none()) {
            past.push((ItemKey::Power(i), "notice", format!("the notice of `{}` ({notice})", p.id)));
        }
    }
    for (item, field, what) in past {
        check.report(
            Diagnostic::new(
                Code::TemporalIncoherence,
                format!("{what}, counted from {from}, falls after {CALENDAR_END}, the last date detente can compute"),
            )
            .label(check.map.field(item, field).or_else(|| check.map.item(item)), "past the end of the calendar")
            .label(anchor_span.clone(), "counted from here")
            .help(format!("shorten it, or move `{anchor_field}` earlier: a deadline past {CALENDAR_END} would never fall")),
        );
    }
    if let Some(sim) = &spec.simulation {
        let adopted = spec.agreement.adopted;
        if sim.horizon.after(adopted).is_none() {
            check.report(
                Diagnostic::new(
                    Code::TemporalIncoherence,
                    format!(
                        "the simulation horizon ({}) from adoption ({adopted}) runs past {CALENDAR_END}",
                        sim.horizon
                    ),
                )
                .label(check.map.field(ItemKey::Simulation, "horizon"), "past the end of the calendar")
                .help(format!("simulate a shorter horizon; detente computes dates up to {CALENDAR_END}")),
            );
        }
    }
}

/// A declaration or aspiration (`binding = false`) cannot be violated by a deadline: if
/// it has one, passing it only lapses (`on_timeout = "discharged"`).
fn declarations(check: &mut Check<'_>) {
    for (i, commitment) in check.spec.commitment.iter().enumerate() {
        let item = ItemKey::Commitment(i);
        let violating = matches!(commitment.on_timeout, Some(Timeout::Violated | Timeout::Extended(_)));
        if !commitment.binding && violating {
            check.report(
                Diagnostic::new(
                    Code::IncoherentConstruct,
                    format!("`{}` is not binding, so no deadline can violate it", commitment.id),
                )
                .label(check.map.field(item, "on_timeout"), "a violating outcome")
                .label(check.map.field(item, "binding"), "a declaration")
                .help("use on_timeout = \"discharged\" (the target date passes without fault), or remove the deadline"),
            );
        }
        if commitment.otherwise.is_some() && commitment.while_.is_none() {
            check.report(
                Diagnostic::new(
                    Code::IncoherentConstruct,
                    format!("`{}` says what happens `otherwise` but has no `while` condition", commitment.id),
                )
                .label(check.map.field(item, "otherwise"), "nothing to follow")
                .help("add while = \"...\" (the condition it lasts under), or remove `otherwise`"),
            );
        }
    }
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
            // A record of history takes the text as it is: many real actions had no date.
            (None, None)
                if commitment.kind == CommitmentKind::Action
                    && commitment.binding
                    && !check.spec.agreement.record =>
            {
                check.report(
                    Diagnostic::new(
                        Code::ActionWithoutDeadline,
                        format!("action `{}` has no deadline, so it can never be late", commitment.id),
                    )
                    .label(check.map.item(item), "never due")
                    .help("add due = \"90 days\" (or a date) and on_timeout; if the text sets no date, make it binding = false or mark the file record = true"),
                )
            }
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
    if let Some(signed) = spec.agreement.signed.filter(|s| *s > adopted) {
        check.report(
            Diagnostic::new(
                Code::TemporalIncoherence,
                format!("the agreement is signed ({signed}) after it takes effect ({adopted})"),
            )
            .label(check.map.field(ItemKey::Agreement, "signed"), "too late")
            .label(check.map.field(ItemKey::Agreement, "adopted"), "takes effect here")
            .help("`signed` is when the text was concluded, on or before `adopted` (entry into force)"),
        );
    }
    if spec.agreement.stalls_after.is_some_and(|d| d.is_zero()) {
        check.report(
            Diagnostic::new(Code::TemporalIncoherence, "the agreement would stall after zero time")
                .label(check.map.field(ItemKey::Agreement, "stalls_after"), "zero")
                .help("give a positive duration, e.g. stalls_after = \"1 year\""),
        );
    }
    for (i, party) in spec.party.iter().enumerate() {
        let Some(succession) = &party.succeeds else { continue };
        if succession.on < adopted {
            check.report(
                Diagnostic::new(
                    Code::TemporalIncoherence,
                    format!(
                        "`{}` succeeds `{}` on {}, before adoption ({adopted})",
                        party.id, succession.party, succession.on
                    ),
                )
                .label(check.map.field(ItemKey::Party(i), "succeeds.on"), "before adoption")
                .help("a party that was there at adoption is a party in its own right; drop `succeeds`"),
            );
        }
    }
    for (i, amendment) in spec.amendment.iter().enumerate() {
        let item = ItemKey::Amendment(i);
        if let (Some(signed), Some(effective)) = (amendment.signed, amendment.effective) {
            if effective < signed {
                check.report(
                    Diagnostic::new(
                        Code::TemporalIncoherence,
                        format!(
                            "amendment `{}` takes effect ({effective}) before it is signed ({signed})",
                            amendment.id
                        ),
                    )
                    .label(check.map.field(item, "effective"), "too early")
                    .help("`effective` is on or after `signed`"),
                );
            }
        }
        if let Some(effective) = amendment.effective.filter(|e| *e < adopted) {
            check.report(
                Diagnostic::new(
                    Code::TemporalIncoherence,
                    format!("amendment `{}` takes effect ({effective}) before the agreement ({adopted})", amendment.id),
                )
                .label(check.map.field(item, "effective"), "before adoption")
                .help("an amendment changes an agreement in force; write what was agreed at adoption into the agreement itself"),
            );
        }
    }
    for (i, commitment) in spec.commitment.iter().enumerate() {
        if let Some(Due::On(date)) = commitment.due.filter(|d| matches!(d, Due::On(date) if *date < adopted))
        {
            check.report(
                Diagnostic::new(
                    Code::TemporalIncoherence,
                    format!(
                        "`{}` is due on {date}, before the agreement takes effect ({adopted})",
                        commitment.id
                    ),
                )
                .label(check.map.field(ItemKey::Commitment(i), "due"), "before adoption")
                .help("a calendar deadline falls on or after adoption"),
            );
        }
    }
    for (i, instrument) in spec.instrument.iter().enumerate() {
        if let Some(ends) = spec.agreement.ends {
            if let Some(since) = instrument.since.filter(|since| *since >= ends) {
                check.report(
                    Diagnostic::new(
                        Code::TemporalIncoherence,
                        format!(
                            "instrument `{}` starts ({since}) after the agreement ends ({ends})",
                            instrument.id
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
            if commitment.due.is_some_and(Due::is_zero) {
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
