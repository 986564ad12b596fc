//! The commented starter file written by `detente init`.

/// A small, commented agreement that passes `detente check` without warnings, with its
/// id set to `name` (made id-safe). Every concept of the language appears once.
pub fn starter(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c.to_ascii_lowercase() } else { '-' })
        .collect();
    let id = id.trim_matches('-');
    let id = if id.is_empty() { "my-agreement" } else { id };
    TEMPLATE.replace("{{id}}", id)
}

const TEMPLATE: &str = include_str!("starter.toml");
