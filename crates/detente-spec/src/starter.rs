//! The commented starter file written by `detente init`.

use crate::model::{check_id, IdError, RESERVED_IDS};

/// A small, commented agreement that passes `detente check` without warnings, with its
/// id made from `name` (a file name, say): lower-cased, characters an id cannot hold
/// replaced by `-`, leading and trailing punctuation dropped, a reserved word suffixed
/// (`and` becomes `and-agreement`), nothing left becoming `my-agreement`. Every concept of
/// the language appears once. To refuse a name that is not already an id, use
/// [`starter_with_id`].
pub fn starter(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let id = id.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let id = match id {
        "" => "my-agreement".to_string(),
        word if RESERVED_IDS.contains(&word) => format!("{word}-agreement"),
        id => id.to_string(),
    };
    debug_assert!(check_id(&id).is_ok(), "{id}");
    fill(&id)
}

/// The starter file with exactly `id` as the agreement's id, or why `id` cannot be one
/// (empty, a character ids cannot hold, a reserved word such as `and`): the same rule
/// as `detente check` applies (E023).
pub fn starter_with_id(id: &str) -> Result<String, IdError> {
    check_id(id)?;
    Ok(fill(id))
}

fn fill(id: &str) -> String {
    TEMPLATE.replace("{{id}}", id)
}

const TEMPLATE: &str = include_str!("starter.toml");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check, SourceFile};

    fn valid(text: String) -> crate::Spec {
        let checked = check(&SourceFile::new("starter.toml", text));
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
        checked.spec
    }

    #[test]
    fn any_name_gives_a_valid_starter() {
        for (name, id) in [
            ("My Deal", "my-deal"),
            ("and", "and-agreement"),
            ("Date", "date-agreement"),
            ("_private", "private"),
            ("---", "my-agreement"),
            ("", "my-agreement"),
            ("dénouement", "d-nouement"),
            ("v1.2", "v1.2"),
        ] {
            assert_eq!(valid(starter(name)).agreement.id, id, "{name}");
        }
    }

    #[test]
    fn an_exact_id_is_checked_like_any_id() {
        assert_eq!(valid(starter_with_id("freeze-2025").unwrap()).agreement.id, "freeze-2025");
        for word in RESERVED_IDS {
            assert_eq!(starter_with_id(word), Err(IdError::Reserved(word)));
        }
        assert_eq!(starter_with_id(""), Err(IdError::Empty));
        assert_eq!(starter_with_id("my deal"), Err(IdError::BadCharacter(' ')));
        assert_eq!(starter_with_id("-x"), Err(IdError::BadStart('-')));
        assert_eq!(
            starter_with_id("and").unwrap_err().to_string(),
            "`and` is a reserved word and cannot be an id"
        );
    }
}
