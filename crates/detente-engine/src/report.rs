//! The state as a report for people: grouped by phase, each commitment with the parties
//! bound, its status and why; then powers, instruments, quantities, facilities and notes.

use std::fmt::Write;

use crate::compiled::Agreement;
use crate::state::*;

/// Plain text or Markdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Aligned plain text.
    Text,
    /// Markdown tables.
    Markdown,
}

/// Renders a state.
pub fn render(agreement: &Agreement, state: &State, style: Style) -> String {
    let mut out = String::new();
    let spec = &agreement.spec;
    let status = state.agreement.words();
    let title = format!("{} on {}", spec.agreement.id, state.as_of);
    match style {
        Style::Text => {
            let _ = writeln!(out, "{title}: {status} ({} events applied)", state.events_applied);
            let _ = writeln!(out, "  {}", state.agreement_reason.text);
        }
        Style::Markdown => {
            let _ = writeln!(
                out,
                "# {title}\n\n**{status}** ({} events applied): {}",
                state.events_applied, state.agreement_reason.text
            );
        }
    }
    let rows: Vec<[String; 4]> = state
        .parties
        .iter()
        .filter_map(|p| {
            let reason = p.reason.as_ref()?;
            Some([p.id.clone(), "withdrawn".into(), reason.since.to_string(), reason.text.clone()])
        })
        .collect();
    section(&mut out, style, "Parties that withdrew", &["party", "status", "since", "why"], &rows);
    for phase in &state.phases {
        let rows: Vec<[String; 4]> = state
            .commitments
            .iter()
            .enumerate()
            .filter(|(_, c)| c.phase == phase.id)
            .map(|(i, c)| {
                let by = spec.commitment[i].by.join(", ");
                [by, c.id.clone(), c.describe.clone(), c.reason.text.clone()]
            })
            .collect();
        let heading = format!("Phase {}: {}", phase.id, phase_line(phase));
        section(&mut out, style, &heading, &["by", "commitment", "status", "why"], &rows);
    }
    let rows: Vec<[String; 4]> = state
        .powers
        .iter()
        .map(|p| {
            [
                p.id.clone(),
                p.status.words().to_string(),
                p.takes_effect.map(|d| d.to_string()).unwrap_or_default(),
                p.reason.text.clone(),
            ]
        })
        .collect();
    section(&mut out, style, "Powers", &["power", "status", "takes effect", "why"], &rows);
    let rows: Vec<[String; 4]> = state
        .instruments
        .iter()
        .zip(&spec.instrument)
        .map(|(i, declared)| {
            // An instrument in force since a date the record does not give has no date.
            let undated =
                declared.since.is_none() && i.reason.events.is_empty() && i.reason.causes.is_empty();
            let since = if undated { "unknown".to_string() } else { i.reason.since.to_string() };
            [i.id.clone(), i.status.words().to_string(), since, i.reason.text.clone()]
        })
        .collect();
    section(&mut out, style, "Instruments", &["instrument", "status", "since", "why"], &rows);
    let rows: Vec<[String; 4]> = state
        .quantities
        .iter()
        .map(|q| {
            let caps = q.caps.iter().map(|(c, max)| format!("{max} ({c})")).collect::<Vec<_>>().join(", ");
            [q.id.clone(), q.value.to_string(), caps, q.reason.text.clone()]
        })
        .collect();
    section(&mut out, style, "Quantities", &["quantity", "value", "caps in force", "why"], &rows);
    let rows: Vec<[String; 4]> = state
        .facilities
        .iter()
        .map(|f| {
            [f.id.clone(), f.status.keyword().to_string(), f.reason.since.to_string(), f.reason.text.clone()]
        })
        .collect();
    section(&mut out, style, "Facilities", &["facility", "status", "since", "why"], &rows);
    if !state.notes.is_empty() {
        let rows: Vec<[String; 4]> = state
            .notes
            .iter()
            .map(|n| [format!("#{}", n.event + 1), String::new(), String::new(), n.text.clone()])
            .collect();
        section(&mut out, style, "Notes (events without effect)", &["event", "", "", "what happened"], &rows);
    }
    out
}

fn phase_line(phase: &PhaseState) -> String {
    match (phase.status, phase.opened) {
        (PhaseStatus::Locked, _) => "locked".into(),
        (PhaseStatus::Open, Some(d)) => format!("open since {d}"),
        (status, _) => format!("{} since {}", status.words(), phase.reason.since),
    }
}

fn section(out: &mut String, style: Style, heading: &str, columns: &[&str; 4], rows: &[[String; 4]]) {
    if rows.is_empty() {
        return;
    }
    match style {
        Style::Text => {
            let _ = writeln!(out, "\n{heading}");
            let widths: Vec<usize> = (0..3)
                .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0).max(columns[c].len()))
                .collect();
            for row in rows {
                let _ = writeln!(
                    out,
                    "  {:w0$}  {:w1$}  {:w2$}  {}",
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    w0 = widths[0],
                    w1 = widths[1],
                    w2 = widths[2]
                );
            }
        }
        Style::Markdown => {
            let _ = writeln!(out, "\n## {heading}\n\n| {} |\n|---|---|---|---|", columns.join(" | "));
            for row in rows {
                let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
        }
    }
}

/// Renders a timeline: one line per transition (text), or a table (Markdown).
pub fn timeline(transitions: &[Transition], style: Style) -> String {
    let mut out = String::new();
    match style {
        Style::Text => {
            for t in transitions {
                let _ = writeln!(
                    out,
                    "{}  {:<10} {:<28} {} -> {}: {}",
                    t.date, t.kind, t.item, t.from, t.to, t.reason.text
                );
            }
        }
        Style::Markdown => {
            let _ = writeln!(out, "| date | kind | item | from | to | why |\n|---|---|---|---|---|---|");
            for t in transitions {
                let why = t.reason.text.replace('|', "\\|");
                let _ = writeln!(
                    out,
                    "| {} | {} | `{}` | {} | {} | {why} |",
                    t.date, t.kind, t.item, t.from, t.to
                );
            }
        }
    }
    out
}
