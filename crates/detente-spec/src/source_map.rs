//! Where each part of a specification was written.
//!
//! The model ([`crate::model`]) is free of positions so that equal agreements compare
//! equal. The decoder records positions here instead, keyed by item and field, and the
//! validator looks them up to point its diagnostics at the right characters. A
//! specification read from normalized JSON has an empty source map; its diagnostics
//! then carry no location but are otherwise the same.

use std::ops::Range;

use rustc_hash::FxHashMap;

/// Which item of a specification a position belongs to (index in file order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKey {
    /// The `[agreement]` table.
    Agreement,
    /// The n-th `[[party]]`.
    Party(usize),
    /// The n-th `[[instrument]]`.
    Instrument(usize),
    /// The n-th `[[quantity]]`.
    Quantity(usize),
    /// The n-th `[[facility]]`.
    Facility(usize),
    /// The n-th `[[phase]]`.
    Phase(usize),
    /// The n-th `[[commitment]]`.
    Commitment(usize),
    /// The n-th `[[power]]`.
    Power(usize),
    /// The n-th `[[amendment]]`.
    Amendment(usize),
    /// The `[simulation]` table.
    Simulation,
}

/// A field of an item, optionally an element of a list field. Nested fields use dotted
/// names (`verification.by`, `limits.quantity`); `""` is the item as a whole. With an
/// index, a dotted name is the field of that entry (`limits.max` of the n-th limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct FieldKey {
    item: ItemKey,
    field: &'static str,
    index: Option<usize>,
}

/// Byte ranges of items, fields and condition references in one source file.
///
/// A large agreement records hundreds of thousands of ranges, so the maps use the Fx
/// hash (fast on small keys; the keys are not attacker-chosen in a way that matters:
/// at worst a hostile file checks slowly).
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    fields: FxHashMap<FieldKey, Range<usize>>,
    condition_refs: FxHashMap<(ItemKey, &'static str), Vec<Range<usize>>>,
}

impl SourceMap {
    /// Records the range of a field (or, with `field == ""`, of the whole item).
    pub fn insert(&mut self, item: ItemKey, field: &'static str, span: Range<usize>) {
        self.fields.insert(FieldKey { item, field, index: None }, span);
    }

    /// Records the range of one element of a list field.
    pub fn insert_at(&mut self, item: ItemKey, field: &'static str, index: usize, span: Range<usize>) {
        self.fields.insert(FieldKey { item, field, index: Some(index) }, span);
    }

    /// Records the ranges of the references of a condition, in the order of
    /// [`crate::Condition::references`].
    pub fn insert_condition_refs(&mut self, item: ItemKey, field: &'static str, refs: Vec<Range<usize>>) {
        self.condition_refs.insert((item, field), refs);
    }

    /// Appends the ranges of the references of one more condition of a list of entries
    /// that share a field (the `when` of each `verification.access` clause), so that the
    /// `n`-th reference counts across the entries in order.
    pub fn append_condition_refs(&mut self, item: ItemKey, field: &'static str, refs: Vec<Range<usize>>) {
        self.condition_refs.entry((item, field)).or_default().extend(refs);
    }

    /// The range of a field.
    pub fn field(&self, item: ItemKey, field: &'static str) -> Option<Range<usize>> {
        self.fields.get(&FieldKey { item, field, index: None }).cloned()
    }

    /// The range of a field of the `index`-th entry of a list or map of tables (e.g.
    /// `limits.max` of the second limit, `strategy.cheat` of the first strategy).
    pub fn field_at(&self, item: ItemKey, field: &'static str, index: usize) -> Option<Range<usize>> {
        self.fields.get(&FieldKey { item, field, index: Some(index) }).cloned()
    }

    /// The range of an element of a list field, or of the whole field if the element was
    /// not recorded.
    pub fn element(&self, item: ItemKey, field: &'static str, index: usize) -> Option<Range<usize>> {
        self.fields
            .get(&FieldKey { item, field, index: Some(index) })
            .cloned()
            .or_else(|| self.field(item, field))
    }

    /// The best range for the item as a whole: its id if written, else its table.
    pub fn item(&self, item: ItemKey) -> Option<Range<usize>> {
        self.field(item, "id").or_else(|| self.field(item, ""))
    }

    /// The range of the n-th reference of a condition field, or of the whole condition.
    pub fn condition_ref(&self, item: ItemKey, field: &'static str, n: usize) -> Option<Range<usize>> {
        self.condition_refs
            .get(&(item, field))
            .and_then(|refs| refs.get(n).cloned())
            .or_else(|| self.field(item, field))
    }
}
