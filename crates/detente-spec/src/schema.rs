//! The JSON Schema of the specification format.
//!
//! Derived from the [model](crate::model) types, so it cannot drift from what the
//! normalized JSON contains; a test checks that the TOML decoder accepts exactly the
//! keys the schema lists. TOML editors (taplo, Even Better TOML) use it to complete and
//! check files: put `#:schema ./detente.schema.json` on the first line of a spec.

use crate::model::Spec;

/// The schema as a JSON value.
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Spec);
    schema.insert("title".into(), "detente agreement specification".into());
    schema.insert("$id".into(), "https://detente.invalid/schema/agreement.json".into());
    // Serializing (rather than converting) puts the well-known keywords first, as
    // readers expect ($schema, $id, title, ...). A schema is JSON already, so this
    // cannot fail.
    #[allow(clippy::expect_used)]
    serde_json::to_value(schema).expect("a schema is JSON")
}

/// The schema as pretty-printed JSON text.
pub fn schema_text() -> String {
    format!("{:#}", schema())
}
