//! Powers: snap-back must restore something relieved (E011); holders must be entitled to
//! invoke (E019).

use super::Check;
use crate::diagnostic::{with_article, Code, Diagnostic};
use crate::model::{EventKind, PowerKind, Restores, Role};
use crate::source_map::ItemKey;

pub(super) fn check(check: &mut Check<'_>) {
    snapback_restores(check);
    holders(check);
    resumption(check);
    parties(check);
}

/// `resumes_when` ends what the power did, so it must suspend or re-impose something.
fn resumption(check: &mut Check<'_>) {
    for (i, power) in check.spec.power.iter().enumerate() {
        // A snap-back that only re-imposes can be reversed too: relief returns.
        let restores = power.kind == PowerKind::Snapback && !power.restores.is_empty();
        if power.resumes_when.is_some() && power.suspends.is_empty() && !restores {
            check.report(
                Diagnostic::new(
                    Code::IncoherentConstruct,
                    format!(
                        "power `{}` says when its effect ends, but suspends and restores nothing",
                        power.id
                    ),
                )
                .label(check.map.field(ItemKey::Power(i), "resumes_when"), "nothing to resume")
                .help("list what it suspends in `suspends`, or remove `resumes_when`"),
            );
        }
    }
}

/// Essential parties and successors are signatories: only a signatory's leaving ends an
/// agreement, and only a signatory's obligations pass to a successor.
fn parties(check: &mut Check<'_>) {
    let spec = check.spec;
    for (i, party) in spec.party.iter().enumerate() {
        let item = ItemKey::Party(i);
        if party.essential && party.role != Role::Signatory {
            check.report(
                Diagnostic::new(
                    Code::Authorization,
                    format!("`{}` is essential but a {}", party.id, party.role),
                )
                .label(check.map.field(item, "essential"), "not a signatory")
                .help("only a signatory's withdrawal can end the agreement; remove `essential`"),
            );
        }
        let Some(succession) = &party.succeeds else { continue };
        let predecessor = spec.party(&succession.party);
        let problem = if succession.party == party.id {
            Some("succeeds itself".to_string())
        } else if party.role != Role::Signatory {
            Some(format!("is a {} and cannot take over a signatory's obligations", party.role))
        } else if predecessor.is_some_and(|p| p.role != Role::Signatory) {
            Some(format!("succeeds `{}`, which is not a signatory", succession.party))
        } else if spec
            .party
            .iter()
            .any(|p| p.id != party.id && p.succeeds.as_ref().is_some_and(|s| s.party == succession.party))
        {
            Some(format!("is not the only successor of `{}`; name one continuing state", succession.party))
        } else {
            None
        };
        if let Some(problem) = problem {
            check.report(
                Diagnostic::new(Code::Authorization, format!("`{}` {problem}", party.id))
                    .label(check.map.field(item, "succeeds.party"), "succession")
                    .help("a signatory succeeds another signatory (the USSR's obligations carried on by Russia)"),
            );
        }
    }
}

fn snapback_restores(check: &mut Check<'_>) {
    let spec = check.spec;
    let relieved = |id: &str| spec.commitment.iter().any(|c| c.relieves.iter().any(|r| r == id));
    let anything_relieved = spec.commitment.iter().any(|c| !c.relieves.is_empty());
    for (i, power) in spec.power.iter().enumerate() {
        if power.kind != PowerKind::Snapback {
            continue;
        }
        let item = ItemKey::Power(i);
        match &power.restores {
            Restores::AllRelieved if !anything_relieved => check.report(
                Diagnostic::new(
                    Code::SnapbackRestoresNothing,
                    format!(
                        "snap-back `{}` restores \"all\", but no commitment relieves any instrument",
                        power.id
                    ),
                )
                .label(check.map.field(item, "restores"), "nothing to restore")
                .help("list the instruments concessions relieve in their `relieves`"),
            ),
            Restores::Listed(ids) if ids.is_empty() && power.suspends.is_empty() => check.report(
                Diagnostic::new(
                    Code::SnapbackRestoresNothing,
                    format!("snap-back `{}` neither restores nor suspends anything", power.id),
                )
                .label(check.map.item(item), "no effect")
                .help("add restores = \"all\" or a list of instruments, and/or `suspends`"),
            ),
            Restores::Listed(ids) => {
                for (n, id) in ids.iter().enumerate() {
                    if spec.instrument(id).is_some() && !relieved(id) {
                        check.report(
                            Diagnostic::new(
                                Code::SnapbackRestoresNothing,
                                format!("snap-back `{}` restores `{id}`, which no commitment relieves", power.id),
                            )
                            .label(check.map.element(item, "restores", n), "never relieved")
                            .help(format!("add `{id}` to the `relieves` of the concession that lifts it, or drop it here")),
                        );
                    }
                }
            }
            Restores::AllRelieved => {}
        }
    }
}

fn holders(check: &mut Check<'_>) {
    let spec = check.spec;
    for (i, power) in spec.power.iter().enumerate() {
        let item = ItemKey::Power(i);
        if power.automatic && !power.holders.is_empty() {
            check.report(
                Diagnostic::new(
                    Code::Authorization,
                    format!("power `{}` is automatic but also has holders", power.id),
                )
                .label(check.map.field(item, "holders"), "holders of an automatic power")
                .help("an automatic power takes effect by itself; remove `holders` or set automatic = false"),
            );
        }
        if !power.automatic && power.holders.is_empty() {
            check.report(
                Diagnostic::new(Code::Authorization, format!("nobody can invoke power `{}`", power.id))
                    .label(check.map.item(item), "no holders")
                    .help("list the parties that may invoke it in `holders`, or set automatic = true"),
            );
        }
        for (n, holder) in power.holders.iter().enumerate() {
            let Some(party) = spec.party(holder) else { continue };
            if !party.asserts.contains(&EventKind::Invoked) {
                check.report(
                    Diagnostic::new(
                        Code::Authorization,
                        format!("`{holder}` holds `{}` but may not assert `invoked`", power.id),
                    )
                    .label(check.map.element(item, "holders", n), with_article(party.role.keyword()))
                    .help("holders must be signatories or guarantors (or have \"invoked\" in `asserts`)"),
                );
            }
        }
        if power.kind == PowerKind::Suspend {
            for (n, id) in power.suspends.iter().enumerate() {
                // A phase is suspended with all its commitments, so the same rule applies
                // to each of them: a suspension power reaches only the holder's own.
                let holders_own =
                    |c: &crate::model::Commitment| c.by.iter().all(|p| power.holders.contains(p));
                let own = match spec.commitment.iter().find(|c| &c.id == id) {
                    Some(c) => holders_own(c),
                    None => spec.commitments_of(id).all(holders_own),
                };
                if !own {
                    check.report(
                        Diagnostic::new(Code::Authorization, format!("suspension power `{}` suspends `{id}`, which others perform", power.id))
                            .label(check.map.element(item, "suspends", n), "not the holder's own commitment")
                            .help("a suspension power suspends the holder's own performance; use kind = \"snapback\" to suspend the other side's"),
                    );
                }
            }
        }
    }
}
