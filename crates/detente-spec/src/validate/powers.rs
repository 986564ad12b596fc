//! Powers: snap-back must restore something relieved (E011); holders must be entitled to
//! invoke (E019).

use super::Check;
use crate::diagnostic::{with_article, Code, Diagnostic};
use crate::model::{EventKind, PowerKind, Restores};
use crate::source_map::ItemKey;

pub(super) fn check(check: &mut Check<'_>) {
    snapback_restores(check);
    holders(check);
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
                let own = spec
                    .commitment
                    .iter()
                    .find(|c| &c.id == id)
                    .is_none_or(|c| c.by.iter().all(|p| power.holders.contains(p)));
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
