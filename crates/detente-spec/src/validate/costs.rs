//! Costs per party (E003, E026): a `values.cost` table gives each party bound by the
//! commitment its own cost, so it must name every one of them (a giver left out would
//! otherwise be charged nothing without anyone having said so) and no party the
//! commitment does not bind (a cost is what keeping it costs its givers).

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Cost;
use crate::source_map::ItemKey;

pub(super) fn check(check: &mut Check<'_>) {
    let spec = check.spec;
    for (i, commitment) in spec.commitment.iter().enumerate() {
        let Some(Cost::ByParty(costs)) = commitment.values.as_ref().map(|v| &v.cost) else { continue };
        let item = ItemKey::Commitment(i);
        for (n, party) in costs.keys().enumerate() {
            if !commitment.by.contains(party) {
                check.report(
                    Diagnostic::new(
                        Code::IncoherentConstruct,
                        format!("`values.cost` of `{}` gives a cost to `{party}`, which it does not bind", commitment.id),
                    )
                    .label(check.map.element(item, "values.cost", n), "not bound by this commitment")
                    .help(format!(
                        "a cost is what keeping the commitment costs a party bound by it (`by`: {}); what it is worth to `{party}` goes in `values.benefit`",
                        commitment.by.join(", ")
                    )),
                );
            }
        }
        let missing: Vec<&str> =
            commitment.by.iter().filter(|p| !costs.contains_key(*p)).map(String::as_str).collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
            check.report(
                Diagnostic::new(
                    Code::MissingField,
                    format!("`values.cost` of `{}` gives no cost to {list}, which it binds", commitment.id),
                )
                .label(check.map.field(item, "values.cost"), "every party in `by` needs its cost here")
                .help(format!(
                    "add {} (write 0 where keeping it costs the party nothing), or give one number that every party bound carries",
                    missing.iter().map(|p| format!("{p} = ...")).collect::<Vec<_>>().join(", ")
                )),
            );
        }
    }
}
