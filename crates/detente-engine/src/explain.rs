//! Why an item has its status: the chain of reasons, events and causing items a person
//! can follow (`detente explain`).

use std::collections::HashSet;
use std::fmt::Write;

use serde::Serialize;

use crate::compiled::Agreement;
use crate::log::{Event, Log, Subject};
use crate::report::Style;
use crate::state::{Reason, State};

/// One step of an explanation: an item, its status, and why.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// How deep in the chain (0 for the item asked about).
    pub depth: usize,
    /// The item's kind.
    pub kind: &'static str,
    /// The item's id.
    pub id: String,
    /// Its status in words.
    pub status: String,
    /// Why.
    pub reason: Reason,
    /// Whether this cause's status began after the status it explains: the cause has
    /// changed since (e.g. a commitment fulfilled when its phase completed, violated later).
    pub changed_since: bool,
    /// Whether this cause's present status is itself an effect of the status it
    /// explains (a commitment suspended by the snap-back it triggered): its chain is not
    /// followed, so an explanation never runs in a circle.
    pub effect_of_parent: bool,
}

/// Every step of an explanation, the item asked about first, then its causes.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Explanation {
    /// The steps, depth first.
    pub steps: Vec<Step>,
}

/// No item has this id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownItem {
    /// The id asked for.
    pub id: String,
    /// The closest id, if any.
    pub suggestion: Option<String>,
}

impl std::error::Error for UnknownItem {}

impl std::fmt::Display for UnknownItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no commitment, phase, power, instrument, quantity, facility, party or agreement has the id `{}`",
            self.id
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, "; did you mean `{s}`?")?;
        }
        Ok(())
    }
}

/// Explanation chains stop at this depth; causes deeper than this are rarely helpful.
const MAX_DEPTH: usize = 6;

/// Explains why `id` has its status in `state`.
pub fn explain(state: &State, id: &str) -> Result<Explanation, UnknownItem> {
    if find(state, id).is_none() {
        let ids = all_ids(state);
        let suggestion =
            detente_spec::suggest::closest(id, ids.iter().map(String::as_str)).map(str::to_string);
        return Err(UnknownItem { id: id.to_string(), suggestion });
    }
    let mut steps = Vec::new();
    let mut seen = HashSet::new();
    walk(state, id, 0, None, None, &mut steps, &mut seen);
    Ok(Explanation { steps })
}

fn walk(
    state: &State,
    id: &str,
    depth: usize,
    parent: Option<&str>,
    parent_since: Option<detente_spec::time::Date>,
    steps: &mut Vec<Step>,
    seen: &mut HashSet<String>,
) {
    if depth > MAX_DEPTH || !seen.insert(id.to_string()) {
        return;
    }
    let Some((kind, status, reason)) = find(state, id) else { return };
    let causes = reason.causes.clone();
    let since = reason.since;
    // A cause whose status has changed since no longer explains its parent; nor does one
    // whose present status is an effect of the parent (a commitment a snap-back suspended).
    let effect_of_parent = parent.is_some_and(|parent| reason.causes.iter().any(|c| c == parent));
    let changed_since = parent_since.is_some_and(|parent| since > parent) && !effect_of_parent;
    steps.push(Step { depth, kind, id: id.to_string(), status, reason, changed_since, effect_of_parent });
    // The causes of a status that has changed since explain the new status, not the
    // old one; following them would mislead.
    if changed_since || effect_of_parent {
        return;
    }
    for cause in causes {
        walk(state, &cause, depth + 1, Some(id), Some(since), steps, seen);
    }
}

fn find(state: &State, id: &str) -> Option<(&'static str, String, Reason)> {
    if let Some(c) = state.commitments.iter().find(|c| c.id == id) {
        return Some(("commitment", c.describe.clone(), c.reason.clone()));
    }
    if let Some(p) = state.phases.iter().find(|p| p.id == id) {
        return Some(("phase", p.status.words().to_string(), p.reason.clone()));
    }
    if let Some(p) = state.powers.iter().find(|p| p.id == id) {
        return Some(("power", p.status.words().to_string(), p.reason.clone()));
    }
    if let Some(i) = state.instruments.iter().find(|i| i.id == id) {
        return Some(("instrument", i.status.words().to_string(), i.reason.clone()));
    }
    if let Some(q) = state.quantities.iter().find(|q| q.id == id) {
        return Some(("quantity", format!("at {}", q.value), q.reason.clone()));
    }
    if let Some(f) = state.facilities.iter().find(|f| f.id == id) {
        return Some(("facility", f.status.keyword().to_string(), f.reason.clone()));
    }
    if let Some(p) = state.parties.iter().find(|p| p.id == id) {
        let reason = p.reason.clone().unwrap_or_else(|| Reason::new(state.as_of, "it has not withdrawn"));
        let status = if p.withdrawn.is_some() { "withdrawn" } else { "participating" };
        return Some(("party", status.to_string(), reason));
    }
    if state.agreement_id == id {
        return Some(("agreement", state.agreement.words().to_string(), state.agreement_reason.clone()));
    }
    None
}

fn all_ids(state: &State) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    ids.extend(state.commitments.iter().map(|x| x.id.clone()));
    ids.extend(state.phases.iter().map(|x| x.id.clone()));
    ids.extend(state.powers.iter().map(|x| x.id.clone()));
    ids.extend(state.instruments.iter().map(|x| x.id.clone()));
    ids.extend(state.quantities.iter().map(|x| x.id.clone()));
    ids.extend(state.facilities.iter().map(|x| x.id.clone()));
    ids.extend(state.parties.iter().map(|x| x.id.clone()));
    ids.push(state.agreement_id.clone());
    ids
}

/// Renders an explanation, each cited event spelled out: indented text, or a nested
/// Markdown list.
pub fn render(agreement: &Agreement, log: &Log, explanation: &Explanation, style: Style) -> String {
    let mut out = String::new();
    for step in &explanation.steps {
        let (indent, bullet) = match style {
            Style::Text => ("  ".repeat(step.depth), ""),
            Style::Markdown => ("  ".repeat(step.depth), "- "),
        };
        let arrow = if step.depth == 0 { "" } else { "because " };
        let (kind, id) = (step.kind, &step.id);
        let (status, since, text) = (&step.status, step.reason.since, &step.reason.text);
        let _ = if step.effect_of_parent {
            writeln!(out, "{indent}{bullet}{arrow}{kind} `{id}` (now {status} since {since} as an effect of it: {text})")
        } else if step.changed_since {
            writeln!(out, "{indent}{bullet}{arrow}{kind} `{id}` (which has changed since: it is {status} since {since}: {text})")
        } else {
            writeln!(out, "{indent}{bullet}{arrow}{kind} `{id}` is {status} since {since}: {text}")
        };
        for &e in &step.reason.events {
            if let Some(event) = log.events.get(e) {
                let _ = writeln!(out, "{indent}  - {}", describe_event(agreement, event));
            }
        }
    }
    out
}

/// An event in words: `#3 (line 3) 2025-01-28: inspectorate verified freeze-enrichment [source]`.
pub fn describe_event(agreement: &Agreement, event: &Event) -> String {
    let spec = &agreement.spec;
    let subject = match event.subject {
        Subject::None => String::new(),
        Subject::Commitment(c) => format!(" {}", spec.commitment[c].id),
        Subject::Power(p) => format!(" {}", spec.power[p].id),
        Subject::Instrument(i) => format!(" {}", spec.instrument[i].id),
        Subject::Quantity(q) => format!(" {}", spec.quantity[q].id),
        Subject::Phase(p) => format!(" {}", spec.phase[p].id),
        Subject::Amendment(a) => format!(" {}", spec.amendment[a].id),
        Subject::Agreement => format!(" {}", spec.agreement.id),
    };
    let value = event.value.map(|v| format!(" = {v}")).unwrap_or_default();
    let until = event.until.map(|u| format!(" until {u}")).unwrap_or_default();
    let against = event.against.map(|p| format!(" against {}", spec.party[p].id)).unwrap_or_default();
    let matter = event.matter.as_ref().map(|m| format!(" ({m})")).unwrap_or_default();
    let source = event.source.as_ref().map(|s| format!(" [{s}]")).unwrap_or_default();
    format!(
        "event #{} (line {}) {}: {} {}{subject}{against}{matter}{value}{until}{source}",
        event.index + 1,
        event.line,
        event.date_words(),
        spec.party[event.actor].id,
        event.kind
    )
}
