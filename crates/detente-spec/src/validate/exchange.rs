//! The exchange itself: reciprocity (E010, W106), who may undertake, verify and
//! establish breaches of commitments (E019), and parties that give without getting (W102).

use std::collections::{HashMap, HashSet};

use super::phases::{ancestors, blocked_by_cycle};
use super::Check;
use crate::diagnostic::{with_article, Code, Diagnostic};
use crate::model::{Category, EventKind, Role};
use crate::source_map::ItemKey;

pub(super) fn check(check: &mut Check<'_>) {
    reciprocity(check);
    performers_and_verifiers(check);
    one_sided_parties(check);
}

/// No concession without a verified measure of the other side in the same or an earlier
/// phase: relief is given only for something the giver can check it got.
fn reciprocity(check: &mut Check<'_>) {
    let spec = check.spec;
    let ancestors = ancestors(check);
    let blocked = blocked_by_cycle(&ancestors);
    // Phases in which each party performs a verified measure, and any measure at all.
    let mut verified: HashSet<(&str, usize)> = HashSet::new();
    let mut unverified: HashMap<(&str, usize), &str> = HashMap::new();
    for m in spec.commitment.iter().filter(|m| m.category == Category::Measure) {
        let Some(phase) = check.phase_index(&m.phase) else { continue };
        for party in &m.by {
            if m.verification.is_some() {
                verified.insert((party.as_str(), phase));
            } else {
                unverified.entry((party.as_str(), phase)).or_insert(m.id.as_str());
            }
        }
    }
    for (i, concession) in spec.commitment.iter().enumerate() {
        if concession.category != Category::Concession {
            continue;
        }
        let Some(phase) = check.phase_index(&concession.phase) else { continue };
        if blocked[phase] {
            continue;
        }
        let item = ItemKey::Commitment(i);
        if check.beneficiaries[i].is_empty() {
            check.report(
                Diagnostic::new(Code::Reciprocity, format!("concession `{}` does not say whom it is for", concession.id))
                    .label(check.map.item(item), "for whom?")
                    .help("list the receiving parties in `benefits`, or relieve an instrument whose `targets` name them"),
            );
            continue;
        }
        let phases: Vec<usize> = std::iter::once(phase).chain(ancestors[phase].iter().copied()).collect();
        traded_for(check, i, &phases);
        for beneficiary in check.beneficiaries[i].clone() {
            let party = beneficiary.as_str();
            if phases.iter().any(|p| verified.contains(&(party, *p))) {
                continue;
            }
            // The text pairs the concession with a pledge by the beneficiary, verified or
            // not, or the file records history: the exchange stands, with a warning.
            let pledge =
                |id: &String| spec.commitment.iter().find(|c| &c.id == id && c.by.contains(&beneficiary));
            // A verified pledge in a phase this one does not wait for is a matter of
            // order, which E026 reports: saying it is unverified would be wrong.
            if concession.in_return_for.iter().filter_map(pledge).any(|c| c.verification.is_some()) {
                continue;
            }
            let paired = concession.in_return_for.iter().find(|m| pledge(m).is_some());
            if paired.is_some() || spec.agreement.record {
                let why = match paired {
                    Some(m) => format!("it is traded for `{m}`, which nobody verifies"),
                    None => {
                        "no verified measure by it comes before or beside it (recorded as history)".into()
                    }
                };
                check.report(
                    Diagnostic::new(
                        Code::UnverifiedReciprocity,
                        format!(
                            "concession `{}` gives `{beneficiary}` something on trust: {why}",
                            concession.id
                        ),
                    )
                    .label(check.map.item(item), "rests on trust")
                    .help("a verification of the measure in return would make the exchange checkable"),
                );
                continue;
            }
            let help = match phases.iter().find_map(|p| unverified.get(&(party, *p))) {
                Some(m) => format!(
                    "`{m}` is a measure by `{beneficiary}` here but nobody verifies it; add a [commitment.verification]"
                ),
                None => format!(
                    "add a verified measure by `{beneficiary}` to phase `{}` or an earlier one, or move this concession later",
                    concession.phase
                ),
            };
            check.report(
                Diagnostic::new(
                    Code::Reciprocity,
                    format!(
                        "concession `{}` gives `{beneficiary}` something without a verified measure by `{beneficiary}` in return",
                        concession.id
                    ),
                )
                .label(check.map.item(item), "unreciprocated concession")
                .label(check.map.field(item, "phase"), "in this phase")
                .help(help),
            );
        }
    }
}

/// Each measure a concession is traded for (`in_return_for`) must be a measure by a
/// party it benefits, in its own phase or one it waits for.
fn traded_for(check: &mut Check<'_>, i: usize, phases: &[usize]) {
    let spec = check.spec;
    let concession = &spec.commitment[i];
    for (n, id) in concession.in_return_for.iter().enumerate() {
        let Some(measure) = spec.commitment.iter().find(|c| &c.id == id) else { continue };
        let problem = if measure.category != Category::Measure {
            Some(format!("`{id}` is a {}, not a measure", measure.category))
        } else if !measure.by.iter().any(|p| check.beneficiaries[i].contains(p)) {
            Some(format!("`{id}` is not undertaken by a party `{}` benefits", concession.id))
        } else if check.phase_index(&measure.phase).is_none_or(|p| !phases.contains(&p)) {
            Some(format!("`{id}` belongs to a phase `{}` does not wait for", concession.id))
        } else {
            None
        };
        if let Some(problem) = problem {
            check.report(
                Diagnostic::new(Code::IncoherentConstruct, format!("concession `{}` is traded for {problem}", concession.id))
                    .label(check.map.element(ItemKey::Commitment(i), "in_return_for", n), "not a measure in return")
                    .help("`in_return_for` lists measures by the parties the concession benefits, in its phase or an earlier one"),
            );
        }
    }
}

fn performers_and_verifiers(check: &mut Check<'_>) {
    let spec = check.spec;
    for (i, commitment) in spec.commitment.iter().enumerate() {
        let item = ItemKey::Commitment(i);
        if commitment.by.is_empty() {
            check.report(
                Diagnostic::new(Code::Authorization, format!("commitment `{}` binds nobody", commitment.id))
                    .label(check.map.field(item, "by").or_else(|| check.map.item(item)), "empty")
                    .help("list the parties that must perform it in `by`"),
            );
        }
        for (n, party_id) in commitment.by.iter().enumerate() {
            let Some(party) = spec.party(party_id) else { continue };
            if !matches!(party.role, Role::Signatory | Role::Guarantor) {
                check.report(
                    Diagnostic::new(
                        Code::Authorization,
                        format!(
                            "`{party_id}` is {} and cannot be bound by commitment `{}`",
                            with_article(party.role.keyword()),
                            commitment.id
                        ),
                    )
                    .label(check.map.element(item, "by", n), with_article(party.role.keyword()))
                    .help("only signatories and guarantors undertake commitments; verifiers verify them"),
                );
            } else if !party.asserts.contains(&EventKind::Performed) {
                check.report(
                    Diagnostic::new(
                        Code::Authorization,
                        format!(
                            "`{party_id}` is bound by `{}` but may not assert `performed`",
                            commitment.id
                        ),
                    )
                    .label(check.map.element(item, "by", n), "cannot report its own performance")
                    .help(format!("add \"performed\" to the `asserts` of party `{party_id}`")),
                );
            }
        }
        for (n, id) in commitment.established_by.iter().enumerate() {
            let Some(party) = spec.party(id) else { continue };
            let span = check.map.element(item, "established_by", n);
            if !party.asserts.contains(&EventKind::ViolationVerified) {
                check.report(
                    Diagnostic::new(
                        Code::Authorization,
                        format!(
                            "`{id}` may establish breaches of `{}` but may not assert `violation-verified`",
                            commitment.id
                        ),
                    )
                    .label(span.clone(), format!("a {}", party.role))
                    .help(format!("add \"violation-verified\" to the `asserts` of party `{id}`")),
                );
            }
            if commitment.by.contains(id) {
                check.report(
                    Diagnostic::new(
                        Code::Authorization,
                        format!("`{id}` would judge its own commitment `{}`", commitment.id),
                    )
                    .label(span, "judge in its own cause")
                    .help("breaches are established by another party or body"),
                );
            }
        }
        let Some(verification) = &commitment.verification else { continue };
        let Some(verifier) = spec.party(&verification.by) else { continue };
        let span = check.map.field(item, "verification.by");
        if !verifier.asserts.contains(&EventKind::Verified) {
            check.report(
                Diagnostic::new(
                    Code::Authorization,
                    format!("`{}` verifies `{}` but may not assert `verified`", verifier.id, commitment.id),
                )
                .label(span.clone(), with_article(verifier.role.keyword()))
                .help("make it a party with role = \"verifier\", or add \"verified\" to its `asserts`"),
            );
        }
        if commitment.by.contains(&verification.by) {
            check.report(
                Diagnostic::new(
                    Code::Authorization,
                    format!("`{}` would verify its own commitment `{}`", verifier.id, commitment.id),
                )
                .label(span, "self-verification")
                .help("verification must come from another party, typically an inspectorate"),
            );
        }
    }
}

/// A signatory that undertakes measures or concessions but receives nothing at all is
/// being asked for a gift; the design is unlikely to hold.
fn one_sided_parties(check: &mut Check<'_>) {
    let spec = check.spec;
    for (i, party) in spec.party.iter().enumerate() {
        if party.role != Role::Signatory {
            continue;
        }
        let gives =
            spec.commitment.iter().any(|c| c.category != Category::Mutual && c.by.contains(&party.id));
        let gets = spec.commitment.iter().enumerate().any(|(n, c)| {
            (c.category == Category::Mutual && c.by.contains(&party.id))
                || (c.category != Category::Mutual && check.beneficiaries[n].contains(&party.id))
                || c.values.as_ref().and_then(|v| v.benefit.get(&party.id)).is_some_and(|b| *b > 0.0)
        });
        if gives && !gets {
            check.report(
                Diagnostic::new(Code::OneSidedParty, format!("`{}` gives but gets nothing in return", party.id))
                    .label(check.map.item(ItemKey::Party(i)), "one-sided")
                    .help("add a concession for this party (list it in `benefits`), or record what it gains in `values.benefit`"),
            );
        }
    }
}
