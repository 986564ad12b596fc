//! The parts of `detente report` that need the game crate, which depends on the
//! simulator and so cannot be called from the simulator's report: Dresher's inspection
//! game drawn from each verification's budget, beside the deterrence numbers of
//! `detente analyze`; a tournament per design that asks whether each main party's
//! simulated strategy is a best response to the other's; and the tornado charts
//! (drawn by detente-charts from the report's drivers); and what each verified step
//! teaches about a party's type, where the file states priors.

use detente_engine::Agreement;
use detente_game::analysis::{self, Deterrence};
use detente_game::inspection::{budget_games, BudgetGame};
use detente_game::tournament::{self, Tournament};
use detente_sim::report::document::Block;
use detente_sim::report::Report;
use detente_sim::summary::num;
use detente_sim::Overrides;
use detente_spec::model::{Role, Strategy, StrategyKind};
use num_traits::ToPrimitive;

/// What the parties learn of each other from verified steps, for every design whose
/// file states priors (`[simulation.prior.PARTY]`): the beliefs after each phase, the
/// value of information of each step and the phased game with types, as `detente
/// analyze` gives them at its default discount. Empty when no design states priors.
pub fn learning_section(agreements: &[Agreement]) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    for agreement in agreements {
        let phases = detente_game::types_game::DEFAULT_PHASES;
        let report = detente_game::learning::learning(&agreement.spec, ANALYZE_DEFAULTS.0, phases)
            .map_err(|e| format!("{}: {e}", agreement.spec.agreement.id))?;
        if report.is_empty() {
            continue;
        }
        blocks.push(Block::Paragraph(format!(
            "**{}**: the game with types covers the first {} phases at a discount of {} per phase \
             (`detente analyze`'s default; an assumption).",
            agreement.spec.agreement.id, report.game_phases, report.discount
        )));
        blocks.extend(report.blocks(3));
    }
    if !blocks.is_empty() {
        blocks.insert(
            0,
            Block::Paragraph(
                "The case for step-by-step is learning: each verified step is evidence about the other \
                 side's type. The priors are the file's, labelled with their source; docs/game-theory.md \
                 states the model."
                    .into(),
            ),
        );
    }
    Ok(blocks)
}

/// The discount factor and inspection cost of `detente analyze`'s defaults, at which
/// the deterrence numbers beside Dresher's game are computed.
const ANALYZE_DEFAULTS: (f64, f64) = (0.9, 0.5);

/// The tornado charts of a report: `(design index, file, caption, svg)`.
pub fn tornadoes(report: &Report) -> Result<Vec<(usize, String, String, String)>, String> {
    detente_charts::tornado::tornado_figures(report)
        .into_iter()
        .map(|(d, stem, t)| {
            let svg = detente_charts::tornado::tornado_svg(&t).map_err(|e| e.to_string())?;
            Ok((d, format!("{stem}.svg"), t.title.clone(), svg))
        })
        .collect()
}

fn exact(q: &detente_game::game::Q) -> String {
    let decimal = num(q.to_f64().unwrap_or(f64::NAN));
    if q.is_integer() {
        decimal
    } else {
        format!("{q} ({decimal})")
    }
}

/// The section on Dresher's game: one row per budgeted verification of each design,
/// with the deterrence of the measure by `detente analyze` beside it.
pub fn inspection_section(agreements: &[Agreement]) -> Vec<Block> {
    let mut rows = Vec::new();
    for a in agreements {
        let analysis = analysis::Report::new(&a.spec, ANALYZE_DEFAULTS.0, ANALYZE_DEFAULTS.1);
        for game in budget_games(&a.spec) {
            let deterrence: Vec<&Deterrence> =
                analysis.deterrence.iter().filter(|d| d.commitment == game.commitment).collect();
            rows.push(row(&a.spec.agreement.id, &game, &deterrence));
        }
    }
    let mut blocks = vec![Block::Paragraph(
        "Dresher's sequential inspection game (Dresher 1962; docs/game-theory.md), drawn from each \
         verification's `budget`: the verifier may inspect at most k of the n periods (`every`) of the budget's \
         window; the inspectee may violate once and sees each inspection. The value v(n, k) is +1 for a caught \
         violation and -1 for an undetected one; in equilibrium the verifier inspects the first period with \
         probability (1 + v) / 2, and a violation, whenever made, goes undetected with probability (1 - v) / 2. \
         Dresher's model assumes an inspection finds any violation; the file's `detection` is shown beside it, \
         as are the deterrence numbers of `detente analyze` (discount 0.9, inspection cost 0.5): the detection \
         per period stated (inspection times detection), the least that deters (the inspector leads and \
         commits to inspect), and the inspection probability of the simultaneous game, where the inspector \
         cannot commit. The simulated futures honour the budget: in each window (counted from the start) \
         they inspect k of the n periods, chosen at random (inspections left over periods left), times the \
         probability `[simulation.inspection]` gives an inspection of taking place; the deterrence numbers \
         read that probability alone."
            .into(),
    )];
    if rows.is_empty() {
        blocks.push(Block::Paragraph(
            "No verification of these designs states an inspection `budget`, so the game is not drawn."
                .into(),
        ));
        return blocks;
    }
    let header = [
        "design",
        "measure (verifier)",
        "budget: k of n periods",
        "v(n, k)",
        "inspect first period",
        "undetected violation",
        "stated detection",
        "deterrence (analyze): stated per period / deters at / simultaneous game inspects",
    ];
    blocks.push(Block::Table(header.map(String::from).to_vec(), rows));
    blocks
}

fn row(design: &str, game: &BudgetGame, deterrence: &[&Deterrence]) -> Vec<String> {
    let analysed = deterrence
        .iter()
        .map(|d| {
            let threshold = d.threshold.map_or("nothing deters".to_string(), num);
            let simultaneous = d.simultaneous.map_or("-".to_string(), |[p, _]| num(p));
            format!(
                "{}: {} / {} ({}) / {}",
                d.party,
                num(d.stated),
                threshold,
                if d.deterred { "deterred" } else { "not deterred" },
                simultaneous
            )
        })
        .collect::<Vec<_>>();
    vec![
        design.to_string(),
        format!("`{}` ({})", game.commitment, game.verifier),
        format!(
            "{} of {} (every {}, per {}; {})",
            game.inspections,
            game.periods,
            game.every,
            game.per,
            game.source.as_deref().unwrap_or("no source given")
        ),
        exact(&game.value),
        exact(&game.first_inspection),
        exact(&game.undetected),
        num(game.detection),
        if analysed.is_empty() { "not a continuing measure".into() } else { analysed.join("; ") },
    ]
}

/// The candidates of a design's tournament: each main party's simulated strategy,
/// then sincere, tit-for-tat, a hedger that pays for at most half the costliest step,
/// a covert cheater breaking a measure with probability 0.05 a month, and GRIT with
/// six months' patience, without repeats.
fn candidates(agreement: &Agreement, simulated: &[Strategy]) -> Vec<Strategy> {
    // The costliest step for any party bound by it (costs may be per party).
    let costliest = agreement
        .spec
        .commitment
        .iter()
        .filter_map(|c| c.values.as_ref().map(|v| c.by.iter().map(|p| v.cost.of(p)).fold(0.0f64, f64::max)))
        .fold(0.0f64, f64::max);
    let standard = [
        "sincere".to_string(),
        "tit-for-tat".to_string(),
        format!("hedger:{}", costliest / 2.0),
        "covert-cheater:0.05".to_string(),
        "grit:6".to_string(),
    ];
    let mut out: Vec<Strategy> = Vec::new();
    let parsed = standard.iter().filter_map(|text| tournament::parse_candidate(text).ok());
    for s in simulated.iter().cloned().chain(parsed) {
        if !out.iter().any(|o| tournament::label(o) == tournament::label(&s)) {
            out.push(s);
        }
    }
    out
}

/// The two main parties of a design: the signatories `[simulation.strategy]` names, in
/// the file's order, then the other signatories; the first two.
fn main_parties(agreement: &Agreement) -> Option<[usize; 2]> {
    let spec = &agreement.spec;
    let named = |id: &str| spec.simulation.as_ref().is_some_and(|s| s.strategy.contains_key(id));
    let signatories: Vec<usize> =
        spec.party.iter().enumerate().filter(|(_, p)| p.role == Role::Signatory).map(|(i, _)| i).collect();
    let mut order: Vec<usize> = signatories.iter().copied().filter(|&i| named(&spec.party[i].id)).collect();
    order.extend(signatories.iter().copied().filter(|&i| !named(&spec.party[i].id)));
    (order.len() >= 2).then(|| [order[0], order[1]])
}

fn simulated(agreement: &Agreement, party: usize) -> Strategy {
    let id = &agreement.spec.party[party].id;
    agreement.spec.simulation.as_ref().and_then(|s| s.strategy.get(id)).cloned().unwrap_or(Strategy {
        kind: StrategyKind::Sincere,
        cheat: None,
        max_cost: None,
        patience: None,
    })
}

/// Whether any commitment carries `values` a payoff could be made of.
fn has_values(agreement: &Agreement) -> bool {
    agreement.spec.commitment.iter().any(|c| {
        c.values.as_ref().is_some_and(|v| {
            c.by.iter().any(|p| v.cost.of(p) != 0.0) || v.benefit.values().any(|b| *b != 0.0)
        })
    })
}

/// The tournament of each design and the warnings it gives: a main party whose
/// simulated strategy is not a best response to the other's, and a game that is
/// degenerate or cannot discriminate. `runs` futures per pair of candidates.
pub fn tournaments(
    agreements: &[Agreement],
    overrides: Overrides,
) -> Result<(Vec<Block>, Vec<String>), String> {
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    let (mut runs, mut discount) = (0, tournament::DEFAULT_DISCOUNT);
    for a in agreements {
        let id = &a.spec.agreement.id;
        let Some(parties) = main_parties(a) else { continue };
        if !has_values(a) {
            warnings.push(format!(
                "`{id}`: the file states no `values`, so every payoff of the tournament is 0: the game cannot \
                 say whether any party's simulated strategy is a best response, and its equilibria mean nothing"
            ));
            continue;
        }
        let own = [simulated(a, parties[0]), simulated(a, parties[1])];
        let list = candidates(a, &own);
        let t = tournament::play(a, parties, &list, overrides).map_err(|e| e.to_string())?;
        runs = t.runs;
        discount = t.discount;
        let labels = [tournament::label(&own[0]), tournament::label(&own[1])];
        let at = [0, 1].map(|k| t.candidates.iter().position(|c| *c == labels[k]).unwrap_or(0));
        for k in 0..2 {
            let (better, finding) = best_response(&t, k, at);
            rows.push(vec![
                format!("`{id}`"),
                format!(
                    "{} plays `{}` against {}'s `{}`",
                    t.parties[k],
                    labels[k],
                    t.parties[1 - k],
                    labels[1 - k]
                ),
                finding,
            ]);
            if let Some(text) = better {
                warnings.push(format!("`{id}` (tournament, {} futures per pair): {text}", t.runs));
            }
        }
        warnings.extend(degenerate(id, &t));
    }
    let blocks = vec![
        Block::Paragraph(format!(
            "For each design, the two main parties (those `[simulation.strategy]` names, then the other \
             signatories, in the file's order) play a tournament (`detente tournament`; docs/game-theory.md) on \
             common random numbers, {runs} futures per pair, among: each one's simulated strategy, sincere, \
             tit-for-tat, a hedger paying for steps up to half the costliest `values.cost`, a covert cheater \
             breaking a measure with probability 0.05 a month, and GRIT with six months' patience. A party's \
             payoff is what the agreement delivers to it in the file's `values`, read as yearly flows \
             while each commitment is in effect and discounted at {discount} a year (the tournament's \
             default, an assumption). A simulated strategy is flagged \
             when another candidate pays the party more against the other's simulated strategy by more than \
             the two cells' 95% intervals combined (sqrt(h1^2 + h2^2), which ignores the common random numbers' \
             pairing and so errs toward not flagging)."
        )),
        Block::Table(
            vec!["design".into(), "party".into(), "best response in the tournament?".into()],
            rows,
        ),
    ];
    Ok((blocks, warnings))
}

/// Whether party `k`'s simulated candidate `at[k]` is a best response to the other's
/// `at[1 - k]`: `(warning if not, the finding for the table)`.
fn best_response(t: &Tournament, k: usize, at: [usize; 2]) -> (Option<String>, String) {
    let cell = |mine: usize| if k == 0 { &t.cells[mine][at[1]] } else { &t.cells[at[0]][mine] };
    let own = cell(at[k]);
    let best = (0..t.candidates.len())
        .map(|i| {
            let other = cell(i);
            let gap = other.mean[k] - own.mean[k];
            let interval = (other.half_width[k].powi(2) + own.half_width[k].powi(2)).sqrt();
            (i, gap, interval)
        })
        .filter(|&(i, _, _)| i != at[k])
        .max_by(|a, b| a.1.total_cmp(&b.1));
    match best {
        Some((i, gap, interval)) if gap > interval => {
            let text = format!(
                "{}'s simulated strategy `{}` is not a best response to {}'s `{}`: `{}` pays {} {} more \
                 (± {}, 95%): the simulated futures assume a party leaves gains on the table",
                t.parties[k],
                t.candidates[at[k]],
                t.parties[1 - k],
                t.candidates[at[1 - k]],
                t.candidates[i],
                t.parties[k],
                num(gap),
                num(interval)
            );
            (Some(text), format!("no: `{}` pays {} more (± {})", t.candidates[i], num(gap), num(interval)))
        }
        Some((i, gap, interval)) => (
            None,
            format!(
                "yes, within the Monte Carlo interval (the best other, `{}`, differs by {} ± {})",
                t.candidates[i],
                num(gap),
                num(interval)
            ),
        ),
        None => (None, "yes (the only candidate)".into()),
    }
}

/// Warnings on a game that cannot discriminate: degenerate, or every cell of a party
/// equal within the intervals.
fn degenerate(id: &str, t: &Tournament) -> Vec<String> {
    let mut out = Vec::new();
    for k in 0..2 {
        let cells = t.cells.iter().flatten();
        let (lo, hi) = cells
            .clone()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), c| (l.min(c.mean[k]), h.max(c.mean[k])));
        let widest = cells.map(|c| c.half_width[k]).fold(0.0, f64::max);
        if hi - lo == 0.0 {
            out.push(format!(
                "`{id}` (tournament): every payoff of {} is {} whatever the strategies: the file's `values` give \
                 it nothing to choose between, so its best responses and the game's equilibria say nothing",
                t.parties[k],
                num(hi)
            ));
        } else if hi - lo <= 2.0 * widest {
            out.push(format!(
                "`{id}` (tournament): every payoff of {} lies within {} of the others, less than twice the widest \
                 95% half-width ({}): the strategies cannot be told apart by what the agreement delivers to it, so \
                 its best responses and the game's equilibria rest on noise",
                t.parties[k],
                num(hi - lo),
                num(widest)
            ));
        }
    }
    if t.degenerate {
        out.push(format!(
            "`{id}` (tournament): the game of mean payoffs is degenerate (strategies tie): it may have continua \
             of equilibria, so an equilibrium it lists is one of many and says little about what the parties \
             would play"
        ));
    }
    out
}
