//! The roadmap: an agreement presented for a person (`detente show`).
//!
//! The roadmap is built once as a small document (headings, paragraphs, nested bullet
//! lists) and then rendered as plain text or Markdown, so both formats always say the
//! same thing. It reads the agreement phase by phase in the order they can open: what
//! each party gives and gets, how each phase opens and what it unlocks, then the powers
//! (snap-back), the instruments with what relieves and restores them, and the quantities
//! and facilities at stake.

use std::fmt::Write;

use crate::model::*;

/// A block of the document.
#[derive(Clone, Debug, PartialEq)]
enum Block {
    Heading(u8, String),
    Paragraph(String),
    Bullets(Vec<Bullet>),
}

/// A bullet with optional indented detail lines.
#[derive(Clone, Debug, PartialEq)]
struct Bullet {
    text: String,
    details: Vec<String>,
}

fn bullet(text: impl Into<String>, details: Vec<String>) -> Bullet {
    Bullet { text: text.into(), details }
}

/// Renders the roadmap as plain text.
pub fn text(spec: &Spec) -> String {
    let mut out = String::new();
    for block in document(spec) {
        match block {
            Block::Heading(1, title) => {
                let _ = writeln!(out, "{title}\n{}", "=".repeat(title.chars().count()));
            }
            Block::Heading(2, title) => {
                let _ = writeln!(out, "\n{title}\n{}", "-".repeat(title.chars().count()));
                let _ = writeln!(out);
            }
            Block::Heading(_, title) => {
                let _ = writeln!(out, "{title}:");
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "{text}\n");
            }
            Block::Bullets(items) => {
                for item in items {
                    let _ = writeln!(out, "  * {}", item.text);
                    for detail in item.details {
                        let _ = writeln!(out, "      {detail}");
                    }
                }
            }
        }
    }
    tidy(&out)
}

/// Renders the roadmap as Markdown.
pub fn markdown(spec: &Spec) -> String {
    let mut out = String::new();
    for block in document(spec) {
        match block {
            Block::Heading(level, title) => {
                let _ = writeln!(out, "\n{} {title}\n", "#".repeat(level.into()));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "{text}\n");
            }
            Block::Bullets(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", item.text);
                    for detail in item.details {
                        let _ = writeln!(out, "  - {detail}");
                    }
                }
                out.push('\n');
            }
        }
    }
    tidy(&out)
}

/// Collapses runs of blank lines into one and trims the ends, so blocks can each add
/// their own spacing without doubling it.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim().lines() {
        blank_run = if line.trim().is_empty() { blank_run + 1 } else { 0 };
        if blank_run <= 1 {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

fn document(spec: &Spec) -> Vec<Block> {
    let mut blocks = Vec::new();
    overview(spec, &mut blocks);
    for (n, phase) in phase_order(spec).into_iter().enumerate() {
        phase_section(spec, n + 1, phase, &mut blocks);
    }
    powers(spec, &mut blocks);
    instruments(spec, &mut blocks);
    quantities_and_facilities(spec, &mut blocks);
    simulation(spec, &mut blocks);
    blocks
}

fn simulation(spec: &Spec, blocks: &mut Vec<Block>) {
    let Some(sim) = &spec.simulation else { return };
    blocks.push(Block::Heading(2, "Simulation assumptions".into()));
    let mut items = vec![bullet(
        format!("{} runs over {} in steps of {}, seed {}", sim.runs, sim.horizon, sim.step, sim.seed),
        vec![],
    )];
    for party in &spec.party {
        if party.role != Role::Signatory {
            continue;
        }
        let text = match sim.strategy.get(&party.id) {
            None => "sincere (default)".to_string(),
            Some(s) => {
                let mut parameters = Vec::new();
                if let Some(cheat) = s.cheat {
                    parameters.push(format!("cheats with probability {cheat} a month"));
                }
                if let Some(max) = s.max_cost {
                    parameters.push(format!("performs steps costing at most {max}"));
                }
                if let Some(patience) = s.patience {
                    parameters.push(format!("waits {patience} for reciprocation"));
                }
                match parameters.is_empty() {
                    true => s.kind.to_string(),
                    false => format!("{} ({})", s.kind, parameters.join(", ")),
                }
            }
        };
        items.push(bullet(format!("{} plays {text}", party.name), vec![]));
    }
    for e in &sim.election {
        items.push(bullet(
            format!(
                "{} holds elections every {} from {}; a new government reverses course with probability {}",
                party_name(spec, &e.party),
                e.every,
                e.first,
                e.reversal
            ),
            vec![],
        ));
    }
    for (id, p) in &sim.detection {
        items.push(bullet(format!("violations of {id} are detected with probability {p} (assumed)"), vec![]));
    }
    for (id, p) in &sim.false_alarm {
        items.push(bullet(format!("false alarms about {id} with probability {p} (assumed)"), vec![]));
    }
    for (id, error) in &sim.measurement {
        items.push(bullet(
            format!("verifiers measure {id} with a relative standard error of {error} (assumed)"),
            vec![],
        ));
    }
    for (id, p) in &sim.inspection {
        items.push(bullet(
            format!("an inspection of {id} takes place with probability {p} a period (assumed)"),
            vec![],
        ));
    }
    items.push(bullet(
        format!(
            "an anomaly goes to a dispute procedure that decides it within a month with probability {}, \
             confirming a real breach with probability {} and a false alarm with probability {} (assumed)",
            sim.resolution, sim.confirmation.breach, sim.confirmation.false_alarm
        ),
        vec![],
    ));
    items.push(bullet(
        format!(
            "a signatory walks out within a year with probability {}, or {} while aggrieved (assumed)",
            sim.walkout.base, sim.walkout.aggrieved
        ),
        vec![],
    ));
    for (id, lead_time) in &sim.lead_time {
        items.push(bullet(
            format!(
                "{id} takes {} (median; 90th percentile {}) to perform (assumed)",
                lead_time.median, lead_time.p90
            ),
            vec![],
        ));
    }
    for (parameter, range) in &sim.range {
        items.push(bullet(
            format!("{parameter} may lie from {} to {} ({})", range.low, range.high, range.source),
            vec![],
        ));
    }
    blocks.push(Block::Bullets(items));
}

fn party_name<'a>(spec: &'a Spec, id: &'a str) -> &'a str {
    spec.party(id).map_or(id, |p| p.name.as_str())
}

fn names(spec: &Spec, ids: &[String]) -> String {
    let names: Vec<&str> = ids.iter().map(|id| party_name(spec, id)).collect();
    join_words(&names)
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn overview(spec: &Spec, blocks: &mut Vec<Block>) {
    let agreement = &spec.agreement;
    blocks.push(Block::Heading(1, format!("{} ({})", agreement.title, agreement.id)));
    let signed = match agreement.signed {
        Some(signed) => format!("Signed {signed}; in force from {}", agreement.adopted),
        None => format!("Adopted {}", agreement.adopted),
    };
    let mut facts = format!(
        "{signed}; {}, {}, {}, {}.",
        count(spec.party.len(), "party", "parties"),
        count(spec.phase.len(), "phase", "phases"),
        count(spec.commitment.len(), "commitment", "commitments"),
        count(spec.power.len(), "power", "powers"),
    );
    if let Some(ends) = agreement.ends {
        facts.push_str(&format!(" Ends {ends}."));
    }
    if let Some(stalls) = agreement.stalls_after {
        facts.push_str(&format!(" Reads as stalled when nothing owed moves for {stalls}."));
    }
    if !agreement.core.is_empty() {
        facts.push_str(&format!(" Its core bargain: {}.", agreement.core.join(", ")));
    }
    if agreement.record {
        facts.push_str(" A record of history: concessions given on trust are shown, not refused.");
    }
    blocks.push(Block::Paragraph(facts));
    if let Some(summary) = &agreement.summary {
        blocks.push(Block::Paragraph(summary.trim().to_string()));
    }
    if !agreement.sources.is_empty() {
        blocks.push(Block::Heading(2, "Sources".into()));
        blocks.push(Block::Bullets(agreement.sources.iter().map(|s| bullet(s.clone(), vec![])).collect()));
    }
    blocks.push(Block::Heading(2, "Parties".into()));
    blocks.push(Block::Bullets(spec.party.iter().map(|p| party_line(spec, p)).collect()));
    if !spec.amendment.is_empty() {
        blocks.push(Block::Heading(2, "Amendments and later layers".into()));
        blocks.push(Block::Bullets(spec.amendment.iter().map(|a| amendment_line(spec, a)).collect()));
    }
}

fn party_line(spec: &Spec, p: &crate::model::Party) -> Bullet {
    let mut details = Vec::new();
    if p.essential {
        details.push("essential: the agreement ends if it withdraws".to_string());
    }
    if let Some(s) = &p.succeeds {
        details.push(format!("succeeds {} from {}", party_name(spec, &s.party), s.on));
    }
    if p.role == Role::External {
        let kinds: Vec<&str> = p.asserts.iter().map(|k| k.keyword()).collect();
        details.push(format!("not a party; may record: {}", join_words(&kinds)));
    }
    bullet(format!("{} ({}): {}", p.name, p.id, p.role), details)
}

fn amendment_line(spec: &Spec, a: &crate::model::Amendment) -> Bullet {
    let mut details = Vec::new();
    if let Some(signed) = a.signed {
        details.push(format!("signed {signed}"));
    }
    details.push(match a.effective {
        Some(effective) => format!("takes effect on {effective}"),
        None => "takes effect when the log records it (`amended`)".to_string(),
    });
    let adds: Vec<&str> = spec
        .phase
        .iter()
        .filter(|p| p.amendment.as_ref() == Some(&a.id))
        .map(|p| p.id.as_str())
        .chain(spec.commitment.iter().filter(|c| c.amendment.as_ref() == Some(&a.id)).map(|c| c.id.as_str()))
        .chain(spec.power.iter().filter(|p| p.amendment.as_ref() == Some(&a.id)).map(|p| p.id.as_str()))
        .collect();
    if !adds.is_empty() {
        details.push(format!("adds {}", adds.join(", ")));
    }
    let replaced: Vec<String> = spec
        .commitment
        .iter()
        .filter(|c| c.amendment.as_ref() == Some(&a.id))
        .flat_map(|c| c.replaces.iter().map(move |old| format!("{old} by {}", c.id)))
        .collect();
    if !replaced.is_empty() {
        details.push(format!("replaces {}", replaced.join(", ")));
    }
    bullet(format!("{}: {}", a.id, a.title), details)
}

/// Phases in an order in which they can open: each after its predecessors, otherwise in
/// file order. Phases caught in a cycle (an invalid file) come last in file order.
pub fn phase_order(spec: &Spec) -> Vec<&Phase> {
    let mut placed: Vec<&Phase> = Vec::new();
    let mut remaining: Vec<&Phase> = spec.phase.iter().collect();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|phase| {
            phase
                .after
                .iter()
                .all(|a| placed.iter().any(|p| &p.id == a) || !spec.phase.iter().any(|p| &p.id == a))
        });
        match ready {
            Some(i) => placed.push(remaining.remove(i)),
            None => {
                placed.append(&mut remaining);
            }
        }
    }
    placed
}

fn opening(spec: &Spec, phase: &Phase) -> String {
    let mut parts = Vec::new();
    if !phase.after.is_empty() {
        let after: Vec<String> = phase.after.iter().map(|a| format!("`{a}`")).collect();
        parts.push(format!(
            "once {} {} complete (performed and verified)",
            join_words(&after.iter().map(String::as_str).collect::<Vec<_>>()),
            if after.len() == 1 { "is" } else { "are" }
        ));
    }
    if let Some(condition) = &phase.opens_when {
        parts.push(format!("when {condition}"));
    }
    if parts.is_empty() {
        format!("Opens on adoption ({}).", spec.agreement.adopted)
    } else {
        format!("Opens {}.", parts.join(" and "))
    }
}

fn commitment_line(spec: &Spec, c: &Commitment) -> Bullet {
    let mut details = Vec::new();
    // Deadlines count from the day the commitment becomes owed: the phase opening,
    // unless a `when` condition holds only later.
    let anchor = if c.when.is_some() { "it becomes owed" } else { "the phase opens" };
    let by_when = |due: Due| match due {
        Due::After(d) => format!("{d} after {anchor}"),
        Due::On(date) => format!("by {date}"),
    };
    let timing = match (c.kind, c.due, c.on_timeout) {
        (CommitmentKind::Action, Some(due), Some(t)) => {
            format!("action, due {}; if late: {t}", by_when(due))
        }
        (CommitmentKind::Continuing, Some(due), Some(t)) => {
            format!("continuing, in effect within {}; if late: {t}", by_when(due))
        }
        (CommitmentKind::Continuing, None, _) => format!("continuing, in effect from when {anchor}"),
        (CommitmentKind::Action, None, _) => "action, with no deadline".to_string(),
        (kind, _, _) => kind.to_string(),
    };
    let timing = if c.binding { timing } else { format!("declaration (not binding): {timing}") };
    let held = match (c.kind, c.lasts) {
        (CommitmentKind::Continuing, Some(lasts)) => format!(", held for {lasts}"),
        (CommitmentKind::Continuing, None) => ", held until the agreement ends".to_string(),
        _ => String::new(),
    };
    details.push(format!("{timing}{held}"));
    if let Some(when) = &c.when {
        details.push(format!("owed only when {when}"));
    }
    if let Some(condition) = &c.while_ {
        let otherwise = c.otherwise.unwrap_or(WhileEnds::Suspended);
        details.push(format!("lasts while {condition}; otherwise {otherwise}"));
    }
    if let Some(notice) = c.notice {
        details.push(format!("takes effect {notice} after it is performed"));
    }
    if let Some(amendment) = &c.amendment {
        details.push(format!("added by amendment {amendment}"));
    }
    if !c.in_return_for.is_empty() {
        details.push(format!("in return for {}", c.in_return_for.join(", ")));
    }
    match &c.verification {
        Some(v) => {
            let every = v.every.map(|e| format!(", every {e}")).unwrap_or_default();
            details.push(format!(
                "verified by {} ({}{every}); detection probability {}, false alarms {}",
                party_name(spec, &v.by),
                v.method,
                v.detection,
                v.false_alarm
            ));
            if let Some(budget) = &v.budget {
                let source = budget.source.as_ref().map(|s| format!(" ({s})")).unwrap_or_default();
                details
                    .push(format!("at most {} inspections per {}{source}", budget.inspections, budget.per));
            }
            for clause in &v.access {
                let false_alarm =
                    clause.false_alarm.map(|f| format!(", false alarms {f}")).unwrap_or_default();
                details.push(format!(
                    "while {}: detection probability {}{false_alarm}",
                    clause.when, clause.detection
                ));
            }
        }
        None if c.category == Category::Measure => details.push("not verified".to_string()),
        None => {}
    }
    if !c.established_by.is_empty() {
        details.push(format!("a breach may be established by {}", names(spec, &c.established_by)));
    }
    for (party, reading) in &c.readings {
        let mut differs = Vec::new();
        if let Some(text) = &reading.text {
            differs.push(format!("\"{text}\""));
        }
        if !reading.excludes.is_empty() {
            differs.push(format!("excludes {}", reading.excludes.join(", ")));
        }
        if let Some(w) = &reading.when {
            differs.push(format!("owed only when {w}"));
        }
        if let Some(w) = &reading.while_ {
            differs.push(format!("lasts while {w}"));
        }
        if let Some(due) = reading.due {
            differs.push(format!("due {}", by_when(due)));
        }
        details.push(format!("as {} reads it: {}", party_name(spec, party), differs.join("; ")));
    }
    for id in &c.relieves {
        let name = spec.instrument(id).map_or(id.as_str(), |i| i.name.as_str());
        details.push(format!("relieves {name} ({id})"));
    }
    for limit in &c.limits {
        let unit = spec.quantity.iter().find(|q| q.id == limit.quantity).map_or("", |q| q.unit.as_str());
        details.push(format!("caps {} at {} {unit}", limit.quantity, limit.max).trim_end().to_string());
    }
    for set in &c.sets {
        details.push(format!("makes {} {}", set.facility, set.status));
    }
    bullet(format!("{}: {} [{}]", c.id, c.title, c.category), details)
}

fn phase_section(spec: &Spec, number: usize, phase: &Phase, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading(2, format!("Phase {number}: {} ({})", phase.title, phase.id)));
    blocks.push(Block::Paragraph(opening(spec, phase)));
    if let Some(summary) = &phase.summary {
        blocks.push(Block::Paragraph(summary.trim().to_string()));
    }
    let members: Vec<&Commitment> = spec.commitments_of(&phase.id).collect();
    for party in &spec.party {
        let gives: Vec<&&Commitment> =
            members.iter().filter(|c| c.category != Category::Mutual && c.by.contains(&party.id)).collect();
        let gets: Vec<&&Commitment> = members
            .iter()
            .filter(|c| c.category != Category::Mutual && spec.beneficiaries(c).contains(&party.id))
            .collect();
        if gives.is_empty() && gets.is_empty() {
            continue;
        }
        blocks.push(Block::Heading(3, party.name.clone()));
        let mut items: Vec<Bullet> = gives
            .iter()
            .map(|c| {
                let mut line = commitment_line(spec, c);
                line.text = format!("gives {}", line.text);
                line
            })
            .collect();
        items
            .extend(gets.iter().map(|c| {
                bullet(format!("gets {}: {} (from {})", c.id, c.title, names(spec, &c.by)), vec![])
            }));
        blocks.push(Block::Bullets(items));
    }
    let together: Vec<Bullet> = members
        .iter()
        .filter(|c| c.category == Category::Mutual)
        .map(|c| {
            let mut line = commitment_line(spec, c);
            line.details
                .insert(0, format!("undertaken by {}; done when all have performed", names(spec, &c.by)));
            line
        })
        .collect();
    if !together.is_empty() {
        blocks.push(Block::Heading(3, "Together".into()));
        blocks.push(Block::Bullets(together));
    }
    let unlocks: Vec<String> =
        spec.phase.iter().filter(|p| p.after.contains(&phase.id)).map(|p| format!("`{}`", p.id)).collect();
    if !unlocks.is_empty() {
        blocks.push(Block::Paragraph(format!("Completing this phase unlocks {}.", unlocks.join(", "))));
    }
}

fn powers(spec: &Spec, blocks: &mut Vec<Block>) {
    if spec.power.is_empty() {
        return;
    }
    blocks.push(Block::Heading(2, "Snap-back and other powers".into()));
    let items = spec
        .power
        .iter()
        .map(|p| {
            let mut details = Vec::new();
            details.push(if p.automatic {
                format!("{}; automatic when {}", p.kind, p.trigger)
            } else {
                format!("{}; may be invoked by {} when {}", p.kind, names(spec, &p.holders), p.trigger)
            });
            if let Some(notice) = p.notice {
                let cancel = if p.cancellable {
                    "; a resolution of the dispute during the notice cancels it"
                } else {
                    ""
                };
                details.push(format!("takes effect {notice} after invocation{cancel}"));
            }
            match &p.restores {
                Restores::AllRelieved => {
                    details.push("restores every instrument relieved under the agreement".into())
                }
                Restores::Listed(ids) if !ids.is_empty() => {
                    details.push(format!("restores {}", ids.join(", ")))
                }
                Restores::Listed(_) => {}
            }
            if !p.suspends.is_empty() {
                details.push(format!("suspends {}", p.suspends.join(", ")));
            }
            if let Some(resumes) = &p.resumes_when {
                details.push(match p.kind {
                    PowerKind::Snapback => format!("relief returns and the suspension ends when {resumes}"),
                    _ => format!("the suspension ends when {resumes}"),
                });
            }
            if let Some(amendment) = &p.amendment {
                details.push(format!("added by amendment {amendment}"));
            }
            bullet(format!("{}: {}", p.id, p.title), details)
        })
        .collect();
    blocks.push(Block::Bullets(items));
}

fn instruments(spec: &Spec, blocks: &mut Vec<Block>) {
    if spec.instrument.is_empty() {
        return;
    }
    blocks.push(Block::Heading(2, "Instruments in force".into()));
    let items = spec
        .instrument
        .iter()
        .map(|i| {
            let by = match (&i.authority, i.imposed_by.is_empty()) {
                (Some(authority), _) => authority.clone(),
                (None, false) => names(spec, &i.imposed_by),
                (None, true) => "unstated".to_string(),
            };
            let since = i.since.map_or("an unknown date".to_string(), |d| d.to_string());
            let mut details = vec![format!("{}, imposed by {by} since {since}", i.kind)];
            if let Some(weight) = i.weight {
                // `+ 0.0` turns a written `-0` into 0 ("about -0 million USD" read oddly).
                details.push(format!("economic weight about {} million USD a year", weight + 0.0));
            }
            let relieving: Vec<String> = spec
                .commitment
                .iter()
                .filter(|c| c.relieves.contains(&i.id))
                .map(|c| format!("{} (phase {})", c.id, c.phase))
                .collect();
            details.push(if relieving.is_empty() {
                "not relieved by this agreement".to_string()
            } else {
                format!("relieved by {}", relieving.join(", "))
            });
            let restoring: Vec<&str> = spec
                .power
                .iter()
                .filter(|p| match &p.restores {
                    Restores::AllRelieved => !relieving.is_empty(),
                    Restores::Listed(ids) => ids.contains(&i.id),
                })
                .map(|p| p.id.as_str())
                .collect();
            if !restoring.is_empty() {
                details.push(format!("restored by {}", restoring.join(", ")));
            }
            if let Some(source) = &i.source {
                details.push(format!("source: {source}"));
            }
            bullet(format!("{}: {}", i.id, i.name), details)
        })
        .collect();
    blocks.push(Block::Bullets(items));
}

fn quantities_and_facilities(spec: &Spec, blocks: &mut Vec<Block>) {
    if !spec.quantity.is_empty() {
        blocks.push(Block::Heading(2, "Quantities".into()));
        let items = spec
            .quantity
            .iter()
            .map(|q| {
                let range = match (q.low, q.high) {
                    (Some(low), Some(high)) => format!(" (range {low} to {high})"),
                    _ => String::new(),
                };
                let mut details = vec![format!("{} {}{range} as of {}", q.initial, q.unit, q.as_of)];
                if let Some(source) = &q.source {
                    details.push(format!("source: {source}"));
                }
                bullet(format!("{}: {}", q.id, q.name), details)
            })
            .collect();
        blocks.push(Block::Bullets(items));
    }
    if !spec.facility.is_empty() {
        blocks.push(Block::Heading(2, "Facilities".into()));
        let items = spec
            .facility
            .iter()
            .map(|f| {
                let mut details = vec![format!("{} at adoption", f.status)];
                for p in &f.produces {
                    details.push(format!("produces {} {} a year while operating", p.per_year, p.quantity));
                }
                let steps: Vec<String> = spec
                    .commitment
                    .iter()
                    .flat_map(|c| {
                        c.sets
                            .iter()
                            .filter(|s| s.facility == f.id)
                            .map(move |s| format!("{} by {}", s.status, c.id))
                    })
                    .collect();
                if !steps.is_empty() {
                    details.push(format!("to be {}", steps.join(", then ")));
                }
                if let Some(source) = &f.source {
                    details.push(format!("source: {source}"));
                }
                bullet(format!("{}: {}", f.id, f.name), details)
            })
            .collect();
        blocks.push(Block::Bullets(items));
    }
}
