//! The phase graph: cycles (E008), unreachable phases, commitments and powers (E012), and
//! conditions that cannot change (W105).

use std::collections::HashSet;

use super::{constant_value, phases_required_by, Check};
use crate::condition::Condition;
use crate::diagnostic::{Code, Diagnostic};
use crate::source_map::ItemKey;

pub(super) fn check(check: &mut Check<'_>) {
    let graph = dependencies(check);
    let in_cycle = cycles(check, &graph);
    unreachable(check, &graph, &in_cycle);
    constant_conditions(check);
}

/// For each phase, the phases it waits for, with how the dependency is written
/// (`Some(n)`: the n-th element of `after`; `None`: its opening condition).
type Graph = Vec<Vec<(usize, Option<usize>)>>;

fn dependencies(check: &Check<'_>) -> Graph {
    let spec = check.spec;
    spec.phase
        .iter()
        .map(|phase| {
            let mut edges = Vec::new();
            for (n, id) in phase.after.iter().enumerate() {
                if let Some(j) = check.phase_index(id) {
                    edges.push((j, Some(n)));
                }
            }
            let mut required = Vec::new();
            if let Some(condition) = &phase.opens_when {
                phases_required_by(spec, condition, &mut required);
            }
            for id in required {
                if let Some(j) = check.phase_index(&id) {
                    edges.push((j, None));
                }
            }
            edges
        })
        .collect()
}

/// Transitive predecessors of every phase (phases that must be complete, or have made
/// progress, before it opens). Used by the reciprocity and irreversibility rules.
pub(super) fn ancestors(check: &Check<'_>) -> Vec<HashSet<usize>> {
    let graph = dependencies(check);
    (0..graph.len())
        .map(|start| {
            let mut seen = HashSet::new();
            let mut stack: Vec<usize> = graph[start].iter().map(|(j, _)| *j).collect();
            while let Some(next) = stack.pop() {
                if seen.insert(next) {
                    stack.extend(graph[next].iter().map(|(j, _)| *j));
                }
            }
            seen
        })
        .collect()
}

/// For each phase, whether it lies on a cycle of phases or waits for one: it can never
/// open, which E008 (and E012) already say, so rules about what happens in it would only
/// report the same mistake again.
pub(super) fn blocked_by_cycle(ancestors: &[HashSet<usize>]) -> Vec<bool> {
    let on_cycle: Vec<bool> = (0..ancestors.len()).map(|p| ancestors[p].contains(&p)).collect();
    (0..ancestors.len()).map(|p| on_cycle[p] || ancestors[p].iter().any(|&a| on_cycle[a])).collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    OnPath,
    Done,
}

fn cycles(check: &mut Check<'_>, graph: &Graph) -> HashSet<usize> {
    let mut marks = vec![Mark::New; graph.len()];
    let mut in_cycle = HashSet::new();
    let mut reported: HashSet<Vec<usize>> = HashSet::new();
    for start in 0..graph.len() {
        if marks[start] == Mark::New {
            visit(check, graph, start, &mut marks, &mut Vec::new(), &mut in_cycle, &mut reported);
        }
    }
    in_cycle
}

fn visit(
    check: &mut Check<'_>,
    graph: &Graph,
    node: usize,
    marks: &mut [Mark],
    path: &mut Vec<(usize, Option<usize>)>,
    in_cycle: &mut HashSet<usize>,
    reported: &mut HashSet<Vec<usize>>,
) {
    marks[node] = Mark::OnPath;
    for &(next, how) in &graph[node] {
        path.push((node, how));
        match marks[next] {
            Mark::New => visit(check, graph, next, marks, path, in_cycle, reported),
            Mark::OnPath => {
                let start = path.iter().position(|(n, _)| *n == next).unwrap_or(0);
                let cycle: Vec<(usize, Option<usize>)> = path[start..].to_vec();
                let mut key: Vec<usize> = cycle.iter().map(|(n, _)| *n).collect();
                key.sort();
                in_cycle.extend(key.iter().copied());
                if reported.insert(key) {
                    report_cycle(check, &cycle, next);
                }
            }
            Mark::Done => {}
        }
        path.pop();
    }
    marks[node] = Mark::Done;
}

fn report_cycle(check: &mut Check<'_>, cycle: &[(usize, Option<usize>)], back_to: usize) {
    let spec = check.spec;
    let mut names: Vec<&str> = cycle.iter().map(|(n, _)| spec.phase[*n].id.as_str()).collect();
    names.push(&spec.phase[back_to].id);
    // Labels point at each dependency of the cycle where it is written.
    let mut diagnostic = Diagnostic::new(
        Code::PhaseCycle,
        format!("phases wait for each other in a cycle: {}", names.join(" → ")),
    );
    for (n, (node, how)) in cycle.iter().enumerate() {
        let waits_for = names[n + 1];
        let item = ItemKey::Phase(*node);
        let span = match how {
            Some(element) => check.map.element(item, "after", *element),
            None => check.map.field(item, "opens_when"),
        };
        diagnostic = diagnostic.label(span, format!("`{}` waits for `{waits_for}`", names[n]));
    }
    check.report(diagnostic.help("no phase in a cycle can ever open; remove one of these dependencies"));
}

fn unreachable(check: &mut Check<'_>, graph: &Graph, in_cycle: &HashSet<usize>) {
    let spec = check.spec;
    let count = graph.len();
    // A phase is dead if it is in a cycle, its opening condition can never hold, or it
    // waits for a dead phase. Iterate to a fixed point (the graph may be cyclic).
    let mut dead: Vec<bool> = (0..count)
        .map(|i| {
            in_cycle.contains(&i)
                || spec.phase[i].opens_when.as_ref().is_some_and(|c| constant_value(spec, c) == Some(false))
        })
        .collect();
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..count {
            if !dead[i] && graph[i].iter().any(|(j, _)| dead[*j]) {
                dead[i] = true;
                changed = true;
            }
        }
    }
    for (i, phase) in spec.phase.iter().enumerate() {
        if !dead[i] || in_cycle.contains(&i) {
            continue;
        }
        let members: Vec<&str> = spec.commitments_of(&phase.id).map(|c| c.id.as_str()).collect();
        let why = match phase.opens_when.as_ref().map(|c| constant_value(spec, c)) {
            Some(Some(false)) => "its opening condition can never hold".to_string(),
            _ => "it waits for a phase that can never open".to_string(),
        };
        let item = ItemKey::Phase(i);
        let mut diagnostic =
            Diagnostic::new(Code::Unreachable, format!("phase `{}` can never open: {why}", phase.id))
                .label(check.map.item(item), "never opens");
        if let Some(span) = check.map.field(item, "opens_when").filter(|_| why.starts_with("its")) {
            diagnostic = diagnostic.label(Some(span), "never holds");
        }
        let fix = if why.starts_with("its") {
            "correct `opens_when` (conditions are evaluated from the adoption date on)"
        } else {
            "fix the phases it waits for"
        };
        let help = if members.is_empty() {
            fix.to_string()
        } else {
            format!("its commitments ({}) can never be owed; {fix}", members.join(", "))
        };
        check.report(diagnostic.help(help));
    }
    for (i, commitment) in spec.commitment.iter().enumerate() {
        if let Some(when) = &commitment.when {
            if constant_value(spec, when) == Some(false) {
                let item = ItemKey::Commitment(i);
                check.report(
                    Diagnostic::new(
                        Code::Unreachable,
                        format!("commitment `{}` can never be owed", commitment.id),
                    )
                    .label(check.map.field(item, "when"), "this condition never holds")
                    .help("remove the condition or correct it"),
                );
            }
        }
    }
    for (i, power) in spec.power.iter().enumerate() {
        if constant_value(spec, &power.trigger) == Some(false) {
            let item = ItemKey::Power(i);
            check.report(
                Diagnostic::new(Code::Unreachable, format!("power `{}` can never be exercised", power.id))
                    .label(check.map.field(item, "trigger"), "this trigger never holds")
                    .help("a trigger about a party with no commitments, or a date before adoption, is always false"),
            );
        }
    }
}

fn constant_conditions(check: &mut Check<'_>) {
    let spec = check.spec;
    let mut found: Vec<(ItemKey, &'static str, &Condition)> = Vec::new();
    for (i, phase) in spec.phase.iter().enumerate() {
        if let Some(c) = &phase.opens_when {
            found.push((ItemKey::Phase(i), "opens_when", c));
        }
    }
    for (i, commitment) in spec.commitment.iter().enumerate() {
        if let Some(c) = &commitment.when {
            found.push((ItemKey::Commitment(i), "when", c));
        }
    }
    for (i, power) in spec.power.iter().enumerate() {
        found.push((ItemKey::Power(i), "trigger", &power.trigger));
    }
    for (item, field, condition) in found {
        let literal = matches!(condition, Condition::True | Condition::False);
        // Always-false conditions are already errors (E012); warn about always-true ones.
        if !literal && constant_value(spec, condition) == Some(true) {
            check.report(
                Diagnostic::new(Code::ConstantCondition, format!("`{field}` always holds from adoption on"))
                    .label(check.map.field(item, field), "always true")
                    .help("a date comparison before the adoption date is always true; drop it or correct the date"),
            );
        }
    }
}
