//! Later layers and differing texts (E026): replacements belong to amendments, and a
//! commitment replaced cannot replace in turn what it is replaced by.

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::source_map::ItemKey;

pub(super) fn check(check: &mut Check<'_>) {
    replacements(check);
}

fn replacements(check: &mut Check<'_>) {
    let spec = check.spec;
    for (i, commitment) in spec.commitment.iter().enumerate() {
        let item = ItemKey::Commitment(i);
        for (n, id) in commitment.replaces.iter().enumerate() {
            let Some(old) = spec.commitment.iter().find(|c| &c.id == id) else { continue };
            let problem = if commitment.amendment.is_none() {
                Some(format!("`{}` replaces `{id}` but belongs to no amendment", commitment.id))
            } else if id == &commitment.id {
                Some(format!("`{}` replaces itself", commitment.id))
            } else if old.amendment == commitment.amendment {
                Some(format!("`{}` replaces `{id}`, which the same amendment adds", commitment.id))
            } else {
                None
            };
            if let Some(problem) = problem {
                check.report(
                    Diagnostic::new(Code::IncoherentConstruct, problem)
                        .label(check.map.element(item, "replaces", n), "cannot be replaced here")
                        .help("a commitment added by an amendment (`amendment = \"...\"`) replaces terms agreed before it"),
                );
            }
        }
    }
}
