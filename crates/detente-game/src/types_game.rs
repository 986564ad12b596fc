//! The phased agreement as a game of incomplete information: chance picks the typed
//! party's type by the prior; phase after phase, the party performs its steps, breaks
//! its continuing measures covertly while performing the rest, or withholds (ending the
//! game); chance draws the inspection's finding (an alarm or none) with the agreement's
//! detection and false-alarm rates; the counterpart, seeing only the record (what was
//! performed and what inspections found, never the type nor covert cheating),
//! reciprocates with its concessions of the phase or stops (ending the game).
//!
//! The types fix what the party can do and so its payoffs (Kreps and Wilson's
//! reputation game has a committed type beside strategic ones): a `sincere` party is
//! committed and performs every step (it has no move); a `hedger` chooses to perform or
//! withhold, and cannot perform a phase with a step costing more than its `max_cost`; a
//! `covert-cheater` may also cheat, saving what its continuing measures of the phase
//! cost it (the deterrence analysis' gain `g`) and depriving the counterpart of them.
//! Payoffs are the agreement's `values`, discounted by `δ` per phase.
//!
//! The game is written as a Gambit `.efg` with chance moves and solved by the sequence
//! form (one Nash equilibrium, as pygambit's `lcp_solve` finds it), then checked to be a
//! perfect Bayesian equilibrium: the counterpart's beliefs by Bayes' rule wherever its
//! information sets are reached, its actions optimal given them, its actions where they
//! are not reached optimal for some belief, and the party's optimal at every node.
//! docs/game-theory.md ("The phased game with types") states the model.

use std::collections::HashMap;

use num_traits::{One, Zero};
use serde::Serialize;

use crate::beliefs::{all_as_text, as_text, decimal, no_alarm, Setting, Stage};
use crate::extensive::{Behavior, Infoset, Mover, Node, Outcome, Tree};
use crate::game::{to_text, Q};
use crate::sequence_form;
use detente_spec::model::StrategyKind;

/// The most phases the game is built for: its tree grows fourfold with each phase.
pub const MAX_PHASES: usize = 6;

/// The phases the game covers unless told otherwise.
pub const DEFAULT_PHASES: usize = 3;

/// Why the game with types was not solved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypesGameError {
    /// More phases asked for than [`MAX_PHASES`].
    TooManyPhases(usize),
    /// The discount factor is not a number in (0, 1].
    Discount,
    /// The sequence form refused the game or failed.
    Solver(sequence_form::Failure),
}

impl std::fmt::Display for TypesGameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypesGameError::TooManyPhases(n) => {
                write!(f, "the game with types covers at most {MAX_PHASES} phases, not {n}")
            }
            TypesGameError::Discount => {
                write!(f, "the discount factor must be a number above 0 and at most 1")
            }
            TypesGameError::Solver(sequence_form::Failure::TooLarge(rows)) => write!(
                f,
                "the game's sequence form has {rows} rows, more than {}: cover fewer phases",
                sequence_form::MAX_ROWS
            ),
            TypesGameError::Solver(failure) => {
                write!(f, "the sequence form did not solve the game: {failure}")
            }
        }
    }
}

impl std::error::Error for TypesGameError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TypesGameError::Solver(failure) => Some(failure),
            _ => None,
        }
    }
}

/// What the typed party does in a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Act {
    /// Performs every step.
    Perform,
    /// Performs its actions, breaks its continuing measures covertly.
    Cheat,
    /// Performs nothing; the game ends.
    Withhold,
}

impl Act {
    fn name(self) -> &'static str {
        match self {
            Act::Perform => "perform",
            Act::Cheat => "cheat",
            Act::Withhold => "withhold",
        }
    }
}

/// The game with types for one party over its first phases.
#[derive(Clone, Debug, PartialEq)]
pub struct TypesGame {
    /// The setting (party, counterpart, types, phases).
    pub setting: Setting,
    /// How many phases it covers (what follows is not counted).
    pub phases: usize,
    /// The discount factor per phase.
    pub discount: Q,
    /// The tree.
    pub tree: Tree,
    /// For every node, the type chance picked on its path (`None` at the root).
    pub node_type: Vec<Option<usize>>,
    /// For every counterpart information set, the phase and the findings on record
    /// (`Some(true)` an alarm, `Some(false)` none, `None` no inspection).
    pub records: HashMap<usize, Vec<Option<bool>>>,
    /// For every information set, its phase (from 0; the type's chance move 0).
    pub phase_of: Vec<usize>,
}

/// The payoffs of a phase's moves, for the party (0) and the counterpart (1).
struct Pieces {
    /// At the party's move, by act (perform, cheat).
    moved: [[Q; 2]; 2],
    /// At the counterpart's reciprocation, by the party's act (perform, cheat).
    reciprocated: [[Q; 2]; 2],
}

fn pieces(stage: &Stage) -> Pieces {
    let mut moved = [[Q::zero(), Q::zero()], [Q::zero(), Q::zero()]];
    let mut reciprocated = moved.clone();
    for (act, cheat) in [(0, false), (1, true)] {
        reciprocated[act][0] += &stage.counterpart_steps_to_party;
        reciprocated[act][1] += &stage.counterpart_steps_to_counterpart - &stage.counterpart_cost;
        for step in &stage.steps {
            let kept = !(cheat && step.continuing);
            if kept {
                moved[act][0] -= &step.cost;
            }
            reciprocated[act][1] -= &step.counterpart_cost;
            let delivered = if step.mutual { &mut reciprocated[act] } else { &mut moved[act] };
            if kept {
                delivered[0] += &step.benefit_to_party;
                delivered[1] += &step.benefit_to_counterpart;
            }
        }
    }
    Pieces { moved, reciprocated }
}

/// The acts a type has in a stage (none when it is committed or has a single one).
fn acts(kind: StrategyKind, can_perform: bool, stage: &Stage) -> Vec<Act> {
    match kind {
        StrategyKind::Hedger if !can_perform => vec![Act::Withhold],
        StrategyKind::Hedger => vec![Act::Perform, Act::Withhold],
        StrategyKind::CovertCheater if stage.steps.iter().any(|s| s.continuing) => {
            vec![Act::Perform, Act::Cheat, Act::Withhold]
        }
        StrategyKind::CovertCheater => vec![Act::Perform, Act::Withhold],
        _ => vec![Act::Perform],
    }
}

/// Builds the tree in Gambit's prefix order.
struct Builder<'a> {
    game: &'a TypesGame,
    pieces: Vec<Pieces>,
    weights: Vec<Q>,
    tree: Tree,
    node_type: Vec<Option<usize>>,
    counterpart_sets: HashMap<Vec<Option<bool>>, usize>,
    numbers: [usize; 3],
    phase_of: Vec<usize>,
}

impl Builder<'_> {
    fn push(&mut self, name: String, parent: Option<usize>, t: Option<usize>) -> usize {
        self.tree.nodes.push(Node { name, infoset: None, outcome: None, children: Vec::new(), parent });
        self.node_type.push(t);
        self.tree.nodes.len() - 1
    }

    fn infoset(
        &mut self,
        phase: usize,
        mover: Mover,
        name: String,
        actions: Vec<String>,
        probabilities: Vec<Q>,
    ) -> usize {
        self.phase_of.push(phase);
        let slot = match mover {
            Mover::Chance => 0,
            Mover::Player(p) => p + 1,
        };
        self.numbers[slot] += 1;
        let number = self.numbers[slot];
        self.tree.infosets.push(Infoset { mover, number, name, actions, probabilities });
        self.tree.infosets.len() - 1
    }

    fn leaf(&mut self, parent: usize, t: usize, name: String, payoffs: [Q; 2]) {
        let node = self.push(String::new(), Some(parent), Some(t));
        self.tree.outcomes.push(Outcome {
            number: self.tree.outcomes.len() + 1,
            name,
            payoffs: payoffs.to_vec(),
        });
        self.tree.nodes[node].outcome = Some(self.tree.outcomes.len() - 1);
        self.tree.nodes[parent].children.push(node);
    }

    /// The subtree where type `t` is at phase `k` with `payoffs` so far and the
    /// findings `record` on record, under `parent` (chance or the counterpart).
    fn phase(
        &mut self,
        parent: usize,
        t: usize,
        k: usize,
        payoffs: [Q; 2],
        record: Vec<Option<bool>>,
        path: String,
    ) {
        let types = &self.game.setting.types;
        let stage = &self.game.setting.stages[k];
        let kind = types[t].kind;
        let can = crate::beliefs::performs(&types[t], stage);
        let acts = acts(kind, can, stage);
        // Gambit wants the names of a player's nodes and sets unique: the type's own
        // history names them.
        let label = format!("{path}{}", stage.phase);
        let (mover, acts) = if acts.len() > 1 {
            let node = self.push(label.clone(), Some(parent), Some(t));
            self.tree.nodes[parent].children.push(node);
            let names = acts.iter().map(|a| a.name().to_string()).collect();
            let h = self.infoset(k, Mover::Player(0), label.clone(), names, Vec::new());
            self.tree.nodes[node].infoset = Some(h);
            (node, acts)
        } else {
            (parent, acts)
        };
        for act in acts {
            let w = &self.weights[k];
            match act {
                Act::Withhold => self.leaf(mover, t, format!("{label}: withheld"), payoffs.clone()),
                Act::Perform | Act::Cheat => {
                    let a = usize::from(act == Act::Cheat);
                    let moved = &self.pieces[k].moved[a];
                    let now = [&payoffs[0] + w * &moved[0], &payoffs[1] + w * &moved[1]];
                    let path = format!("{path}{}: {}, ", stage.phase, act.name());
                    self.finding(mover, t, k, a, now, record.clone(), path);
                }
            }
        }
    }

    /// The inspection's finding after act `a` (0 perform, 1 cheat), then the
    /// counterpart's move.
    #[allow(clippy::too_many_arguments)]
    fn finding(
        &mut self,
        parent: usize,
        t: usize,
        k: usize,
        a: usize,
        payoffs: [Q; 2],
        record: Vec<Option<bool>>,
        path: String,
    ) {
        let stage = &self.game.setting.stages[k];
        if stage.inspections().next().is_none() {
            let mut record = record;
            record.push(None);
            return self.counterpart(parent, t, k, a, payoffs, record, path);
        }
        let broken = if a == 1 { Q::one() } else { Q::zero() };
        let clean = no_alarm(stage, &broken);
        let name = format!("{path}inspection");
        let node = self.push(name.clone(), Some(parent), Some(t));
        self.tree.nodes[parent].children.push(node);
        let probabilities = vec![Q::one() - &clean, clean];
        let h = self.infoset(k, Mover::Chance, name, vec!["alarm".into(), "no alarm".into()], probabilities);
        self.tree.nodes[node].infoset = Some(h);
        for alarm in [true, false] {
            let mut record = record.clone();
            record.push(Some(alarm));
            let path = format!("{path}{}, ", if alarm { "alarm" } else { "no alarm" });
            self.counterpart(node, t, k, a, payoffs.clone(), record, path);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn counterpart(
        &mut self,
        parent: usize,
        t: usize,
        k: usize,
        a: usize,
        payoffs: [Q; 2],
        record: Vec<Option<bool>>,
        path: String,
    ) {
        let stage = &self.game.setting.stages[k];
        let node = self.push(String::new(), Some(parent), Some(t));
        self.tree.nodes[parent].children.push(node);
        let h = match self.counterpart_sets.get(&record) {
            Some(&h) => h,
            None => {
                let name = format!("{} after {}", stage.phase, words(&record));
                let actions = vec!["reciprocate".into(), "stop".into()];
                let h = self.infoset(k, Mover::Player(1), name, actions, Vec::new());
                self.counterpart_sets.insert(record.clone(), h);
                h
            }
        };
        self.tree.nodes[node].infoset = Some(h);
        let w = &self.weights[k];
        let r = &self.pieces[k].reciprocated[a];
        let after = [&payoffs[0] + w * &r[0], &payoffs[1] + w * &r[1]];
        if k + 1 < self.game.phases {
            self.phase(node, t, k + 1, after, record, format!("{path}reciprocated; "));
        } else {
            self.leaf(node, t, format!("{} reciprocated", stage.phase), after);
        }
        self.leaf(node, t, format!("{} stopped", stage.phase), payoffs);
    }
}

/// A record in words: `clean, alarm, not inspected`.
pub fn words(record: &[Option<bool>]) -> String {
    record
        .iter()
        .map(|f| match f {
            Some(true) => "alarm",
            Some(false) => "no alarm",
            None => "performed",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl TypesGame {
    /// The game over the first `phases` phases of `setting` (all of them if fewer),
    /// with discount factor `discount` per phase.
    pub fn new(setting: Setting, phases: usize, discount: f64) -> Result<TypesGame, TypesGameError> {
        if phases > MAX_PHASES {
            return Err(TypesGameError::TooManyPhases(phases));
        }
        let discount =
            decimal(discount).filter(|d| *d > Q::zero() && *d <= Q::one()).ok_or(TypesGameError::Discount)?;
        let phases = phases.min(setting.stages.len());
        let mut game = TypesGame {
            setting,
            phases,
            discount,
            tree: Tree {
                title: String::new(),
                comment: String::new(),
                players: Vec::new(),
                nodes: Vec::new(),
                infosets: Vec::new(),
                outcomes: Vec::new(),
            },
            node_type: Vec::new(),
            records: HashMap::new(),
            phase_of: Vec::new(),
        };
        let (tree, node_type, sets, phase_of) = game.build();
        game.phase_of = phase_of;
        game.tree = tree;
        game.node_type = node_type;
        game.records = sets.into_iter().map(|(record, h)| (h, record)).collect();
        Ok(game)
    }

    #[allow(clippy::type_complexity)]
    fn build(&self) -> (Tree, Vec<Option<usize>>, HashMap<Vec<Option<bool>>, usize>, Vec<usize>) {
        let s = &self.setting;
        let mut weights = vec![Q::one()];
        for _ in 1..self.phases.max(1) {
            let next = weights.last().cloned().unwrap_or_else(Q::one) * &self.discount;
            weights.push(next);
        }
        let counterpart = s.counterpart.join("+");
        let mut b = Builder {
            game: self,
            pieces: s.stages.iter().take(self.phases).map(pieces).collect(),
            weights,
            tree: Tree {
                title: format!("detente phased game with types: {}", s.party),
                comment: format!(
                    "Chance picks the type of {} by the prior; each phase it performs, cheats covertly or withholds; \
                     chance draws the inspection's finding; {counterpart} reciprocates or stops, seeing only the record.",
                    s.party
                ),
                players: vec![s.party.clone(), counterpart],
                nodes: Vec::new(),
                infosets: Vec::new(),
                outcomes: Vec::new(),
            },
            node_type: Vec::new(),
            counterpart_sets: HashMap::new(),
            numbers: [0; 3],
            phase_of: Vec::new(),
        };
        let root = b.push("type".into(), None, None);
        let names = s.types.iter().map(|t| t.kind.keyword().to_string()).collect();
        let h = b.infoset(0, Mover::Chance, "type".into(), names, s.prior());
        b.tree.nodes[root].infoset = Some(h);
        for t in 0..s.types.len() {
            if self.phases == 0 {
                b.leaf(root, t, "no phase".into(), [Q::zero(), Q::zero()]);
            } else {
                b.phase(root, t, 0, [Q::zero(), Q::zero()], Vec::new(), format!("{}: ", s.types[t].kind));
            }
        }
        (b.tree, b.node_type, b.counterpart_sets, b.phase_of)
    }

    /// The game in Gambit's `.efg` format.
    pub fn efg(&self) -> String {
        crate::efg::write(&self.tree)
    }

    /// Solves the game by the sequence form (the equilibrium pygambit's `lcp_solve`
    /// finds), refines it off the path into a perfect Bayesian equilibrium with the
    /// same play, and checks both.
    pub fn solve(&self) -> Result<TypesEquilibrium, TypesGameError> {
        let solution = sequence_form::solve(&self.tree).map_err(TypesGameError::Solver)?;
        let refined = self.refine(solution.equilibrium.clone());
        let mut report = self.assess(&refined);
        report.same_play = self.reach(&refined, false) == self.reach(&solution.equilibrium, false);
        report.gambit_profile = solution.equilibrium;
        Ok(report)
    }

    /// Each counterpart set's nodes weighted by Bayes' rule: the probability that
    /// chance and the party reach each (the counterpart's own moves counted as made, so
    /// that a set reached only if the counterpart itself deviated has beliefs too).
    /// `None` where the party's strategy reaches none of its nodes.
    fn beliefs(&self, profile: &Behavior) -> Vec<Option<Vec<Q>>> {
        let reach = self.reach(profile, true);
        self.tree
            .members()
            .iter()
            .map(|nodes| {
                let total: Q = nodes.iter().map(|&n| &reach[n]).sum();
                (!total.is_zero()).then(|| nodes.iter().map(|&n| &reach[n] / &total).collect())
            })
            .collect()
    }

    /// What each action of set `h` is worth to its mover at each of its nodes.
    fn worth(&self, values: &[Vec<Q>], h: usize, nodes: &[usize]) -> Vec<Vec<Q>> {
        let Mover::Player(p) = self.tree.infosets[h].mover else { return Vec::new() };
        nodes
            .iter()
            .map(|&n| self.tree.nodes[n].children.iter().map(|&c| values[c][p].clone()).collect())
            .collect()
    }

    /// Makes the choices the equilibrium does not reach sequentially rational, keeping
    /// the play. First, where the counterpart's own deviation leads (it reciprocates
    /// where it stops, at a set reached with beliefs), the continuation is a game of its
    /// own: chance picks a node of the set by the beliefs, and play goes on from what
    /// follows the deviation; it is solved by the sequence form and its equilibrium
    /// replaces the choices there, set by set from the first phase on (so mixed
    /// continuations are found, which best replies alone chase in circles). Then every
    /// choice still unreached is made optimal, from the last phase back to the first:
    /// the party's best act at its node, the counterpart's best reply to a belief on one
    /// of its nodes where the party's strategy reaches none of them. Choices on the
    /// path, and choices already optimal, are kept. [`TypesGame::assess`] checks the
    /// result, which fails where a choice on the path stops being optimal once what
    /// follows deviations is made optimal.
    pub fn refine(&self, mut profile: Behavior) -> Behavior {
        let positions = self.tree.infoset_positions();
        let members = self.tree.members();
        let reach = self.reach(&profile, false);
        let mut fixed: Vec<bool> =
            (0..self.tree.infosets.len()).map(|h| members[h].iter().any(|&n| !reach[n].is_zero())).collect();
        self.solve_deviations(&mut profile, &mut fixed);
        let mut order: Vec<usize> = (0..self.tree.infosets.len())
            .filter(|&h| self.tree.infosets[h].mover != Mover::Chance && !fixed[h])
            .collect();
        order.sort_by_key(|&h| std::cmp::Reverse((self.phase_of[h], self.tree.infosets[h].mover)));
        for _ in 0..10 {
            let before = profile.clone();
            for group in order.chunk_by(|&a, &b| {
                (self.phase_of[a], self.tree.infosets[a].mover)
                    == (self.phase_of[b], self.tree.infosets[b].mover)
            }) {
                let values = self.tree.node_values(&profile);
                let beliefs = self.beliefs(&profile);
                for &h in group {
                    let Mover::Player(p) = self.tree.infosets[h].mover else { continue };
                    let worth = self.worth(&values, h, &members[h]);
                    let expected = match &beliefs[h] {
                        Some(shares) => weighted(shares, &worth),
                        None => match worth.iter().find(|w| optimal(&profile[p][positions[h]], w)) {
                            Some(_) => continue,
                            None => worth[0].clone(),
                        },
                    };
                    let mix = &mut profile[p][positions[h]];
                    if !optimal(mix, &expected) {
                        let best =
                            expected.iter().enumerate().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)));
                        let best = best.map_or(0, |(a, _)| a);
                        *mix = (0..mix.len()).map(|a| if a == best { Q::one() } else { Q::zero() }).collect();
                    }
                }
            }
            if profile == before {
                break;
            }
        }
        profile
    }

    /// Solves, by the sequence form, the continuation after each action the
    /// counterpart does not take at a set it reaches with beliefs, first phase first,
    /// and fixes the choices its equilibrium reaches.
    fn solve_deviations(&self, profile: &mut Behavior, fixed: &mut [bool]) {
        let tree = &self.tree;
        let positions = tree.infoset_positions();
        let members = tree.members();
        let mut sets: Vec<usize> =
            (0..tree.infosets.len()).filter(|&h| tree.infosets[h].mover == Mover::Player(1)).collect();
        sets.sort_by_key(|&h| self.phase_of[h]);
        for h in sets {
            if !fixed[h] {
                continue;
            }
            let Some(shares) = self.beliefs(profile)[h].clone() else { continue };
            for action in 0..tree.infosets[h].actions.len() {
                if !profile[1][positions[h]][action].is_zero() {
                    continue;
                }
                let starts: Vec<(usize, Q)> = members[h]
                    .iter()
                    .zip(&shares)
                    .filter(|(_, share)| !share.is_zero())
                    .map(|(&n, share)| (tree.nodes[n].children[action], share.clone()))
                    .collect();
                let (continuation, origin) = self.continuation(&starts);
                if continuation.infosets.iter().all(|i| i.mover == Mover::Chance) {
                    continue;
                }
                let Ok(solution) = sequence_form::solve(&continuation) else { continue };
                let inner = continuation.infoset_positions();
                let reached: Vec<bool> = {
                    let reach = reach_in(&continuation, &solution.equilibrium);
                    let mut r = vec![false; continuation.infosets.len()];
                    for (n, node) in continuation.nodes.iter().enumerate() {
                        if let (Some(i), false) = (node.infoset, reach[n].is_zero()) {
                            r[i] = true;
                        }
                    }
                    r
                };
                for (i, infoset) in continuation.infosets.iter().enumerate() {
                    let (Mover::Player(p), Some(old)) = (infoset.mover, origin[i]) else { continue };
                    if fixed[old] {
                        continue;
                    }
                    profile[p][positions[old]] = solution.equilibrium[p][inner[i]].clone();
                    fixed[old] = reached[i];
                }
            }
        }
    }

    /// The game that starts with chance choosing one of `starts` (nodes, with their
    /// weights) and goes on as the tree does from there; for each of its information
    /// sets, the tree's (`None` for the new root's).
    fn continuation(&self, starts: &[(usize, Q)]) -> (Tree, Vec<Option<usize>>) {
        let tree = &self.tree;
        let mut size = vec![1usize; tree.nodes.len()];
        for n in (0..tree.nodes.len()).rev() {
            if let Some(parent) = tree.nodes[n].parent {
                size[parent] += size[n];
            }
        }
        let total: Q = starts.iter().map(|(_, w)| w).sum();
        let chance_numbers =
            tree.infosets.iter().filter(|i| i.mover == Mover::Chance).map(|i| i.number).max();
        let mut out = Tree {
            title: tree.title.clone(),
            comment: "A continuation after the counterpart's deviation.".into(),
            players: tree.players.clone(),
            nodes: vec![Node {
                name: String::new(),
                infoset: Some(0),
                outcome: None,
                children: Vec::new(),
                parent: None,
            }],
            infosets: vec![Infoset {
                mover: Mover::Chance,
                number: chance_numbers.unwrap_or(0) + 1,
                name: "continuation".into(),
                actions: (0..starts.len()).map(|k| format!("start {}", k + 1)).collect(),
                probabilities: starts.iter().map(|(_, w)| w / &total).collect(),
            }],
            outcomes: Vec::new(),
        };
        let mut origin = vec![None];
        let mut infoset_map: HashMap<usize, usize> = HashMap::new();
        let mut outcome_map: HashMap<usize, usize> = HashMap::new();
        for (start, _) in starts {
            let offset = out.nodes.len();
            out.nodes[0].children.push(offset);
            for old in *start..*start + size[*start] {
                let node = &tree.nodes[old];
                let infoset = node.infoset.map(|h| {
                    *infoset_map.entry(h).or_insert_with(|| {
                        out.infosets.push(tree.infosets[h].clone());
                        origin.push(Some(h));
                        out.infosets.len() - 1
                    })
                });
                let outcome = node.outcome.map(|o| {
                    *outcome_map.entry(o).or_insert_with(|| {
                        let mut copy = tree.outcomes[o].clone();
                        copy.number = out.outcomes.len() + 1;
                        out.outcomes.push(copy);
                        out.outcomes.len() - 1
                    })
                });
                out.nodes.push(Node {
                    name: node.name.clone(),
                    infoset,
                    outcome,
                    children: node.children.iter().map(|c| c - start + offset).collect(),
                    parent: Some(
                        node.parent.map_or(0, |p| if old == *start { 0 } else { p - start + offset }),
                    ),
                });
            }
        }
        (out, origin)
    }

    /// The perfect Bayesian check of `profile`, and its report: a Nash equilibrium
    /// (exactly), the counterpart's beliefs by Bayes' rule wherever the party's
    /// strategy reaches its sets, its choice optimal given them there and for some
    /// belief elsewhere, and the party's choice optimal at every node.
    pub fn assess(&self, profile: &Behavior) -> TypesEquilibrium {
        let tree = &self.tree;
        let positions = tree.infoset_positions();
        let values = tree.node_values(profile);
        let reach = self.reach(profile, false);
        let beliefs = self.beliefs(profile);
        let members = tree.members();
        let mut counterpart = Vec::new();
        let mut party = Vec::new();
        let mut failures = Vec::new();
        for (h, infoset) in tree.infosets.iter().enumerate() {
            let Mover::Player(p) = infoset.mover else { continue };
            let mix = &profile[p][positions[h]];
            let nodes = &members[h];
            let total: Q = nodes.iter().map(|&n| &reach[n]).sum();
            let worth = self.worth(&values, h, nodes);
            if p == 0 {
                // The party knows its type and the record: each of its sets is one node.
                let ok = nodes.len() == 1 && optimal(mix, &worth[0]);
                if !ok {
                    failures.push(format!("{}: the party's choice is not its best", infoset.name));
                }
                party.push(PartyMove {
                    at: infoset.name.clone(),
                    phase: self.phase_of[h] + 1,
                    reached: !total.is_zero(),
                    actions: infoset.actions.clone(),
                    probabilities: mix.clone(),
                    sequentially_rational: ok,
                });
                continue;
            }
            let mut belief = vec![Q::zero(); self.setting.types.len()];
            let (ok, bayes) = match &beliefs[h] {
                Some(shares) => {
                    for (&n, share) in nodes.iter().zip(shares) {
                        if let Some(t) = self.node_type[n] {
                            belief[t] += share;
                        }
                    }
                    (optimal(mix, &weighted(shares, &worth)), true)
                }
                // The party's strategy reaches none of its nodes: any belief is
                // allowed; a belief on one node makes the choice optimal if any does
                // for a choice between two acts played purely, and mixing needs nodes
                // on both sides.
                None => {
                    let diffs: Vec<Q> = worth.iter().map(|w| &w[0] - &w[1]).collect();
                    let supported = |a: usize| {
                        mix[a].is_zero()
                            || diffs.iter().any(|d| if a == 0 { *d >= Q::zero() } else { *d <= Q::zero() })
                    };
                    let at = worth.iter().position(|w| optimal(mix, w));
                    if let Some(t) = at.and_then(|i| self.node_type[nodes[i]]) {
                        belief[t] = Q::one();
                    }
                    (supported(0) && supported(1), false)
                }
            };
            if !ok {
                failures.push(format!(
                    "{}: the counterpart's choice is not its best given its beliefs",
                    infoset.name
                ));
            }
            counterpart.push(CounterpartMove {
                phase: self.phase_of[h] + 1,
                record: self.records.get(&h).map(|r| words(r)).unwrap_or_default(),
                reached: !total.is_zero(),
                bayes,
                probability: total,
                beliefs: belief,
                reciprocate: mix[0].clone(),
                sequentially_rational: ok,
            });
        }
        let nash = tree.is_equilibrium(profile);
        TypesEquilibrium {
            party: self.setting.party.clone(),
            counterpart: self.setting.counterpart.clone(),
            types: self.setting.types.iter().map(|t| t.kind).collect(),
            phases: self.setting.stages.iter().take(self.phases).map(|s| s.phase.clone()).collect(),
            discount: self.discount.clone(),
            payoffs: tree.expected_payoffs(profile),
            nash,
            perfect_bayesian: nash && failures.is_empty(),
            failures,
            counterpart_moves: counterpart,
            party_moves: party,
            profile: profile.clone(),
            gambit_profile: profile.clone(),
            same_play: true,
        }
    }

    /// The probability of reaching each node; with `skip_counterpart`, the
    /// counterpart's own moves count as made.
    fn reach(&self, profile: &Behavior, skip_counterpart: bool) -> Vec<Q> {
        let tree = &self.tree;
        let positions = tree.infoset_positions();
        let mut reach = vec![Q::zero(); tree.nodes.len()];
        if let Some(r) = reach.first_mut() {
            *r = Q::one();
        }
        for (n, node) in tree.nodes.iter().enumerate() {
            let Some(h) = node.infoset else { continue };
            for (a, &child) in node.children.iter().enumerate() {
                reach[child] = match tree.infosets[h].mover {
                    Mover::Chance => &reach[n] * &tree.infosets[h].probabilities[a],
                    Mover::Player(1) if skip_counterpart => reach[n].clone(),
                    Mover::Player(p) => &reach[n] * &profile[p][positions[h]][a],
                };
            }
        }
        reach
    }
}

/// The expected worth of each action over nodes weighted by `shares`.
fn weighted(shares: &[Q], worth: &[Vec<Q>]) -> Vec<Q> {
    let actions = worth.first().map_or(0, Vec::len);
    (0..actions).map(|a| shares.iter().zip(worth).map(|(s, w)| s * &w[a]).sum()).collect()
}

/// The probability of reaching each node of `tree` under `profile`.
fn reach_in(tree: &Tree, profile: &Behavior) -> Vec<Q> {
    let positions = tree.infoset_positions();
    let mut reach = vec![Q::zero(); tree.nodes.len()];
    if let Some(r) = reach.first_mut() {
        *r = Q::one();
    }
    for (n, node) in tree.nodes.iter().enumerate() {
        let Some(h) = node.infoset else { continue };
        for (a, &child) in node.children.iter().enumerate() {
            reach[child] = match tree.infosets[h].mover {
                Mover::Chance => &reach[n] * &tree.infosets[h].probabilities[a],
                Mover::Player(p) => &reach[n] * &profile[p][positions[h]][a],
            };
        }
    }
    reach
}

/// Whether every action played with positive probability has the best value.
fn optimal(mix: &[Q], values: &[Q]) -> bool {
    let best = values.iter().max();
    mix.iter().zip(values).all(|(p, v)| p.is_zero() || Some(v) == best)
}

/// The counterpart at one of its information sets.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CounterpartMove {
    /// How many phases are on record (1 for the first phase).
    pub phase: usize,
    /// The record it sees.
    pub record: String,
    /// Whether the equilibrium reaches it.
    pub reached: bool,
    /// Whether its beliefs follow from Bayes' rule (the party's strategy reaches it);
    /// otherwise they are a belief chosen to support its choice.
    pub bayes: bool,
    /// The probability of reaching it.
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub probability: Q,
    /// Its beliefs over the types there: by Bayes' rule where the party's strategy
    /// reaches it, otherwise a belief (on one type) that makes its choice optimal.
    #[serde(serialize_with = "all_as_text")]
    #[schemars(with = "Vec<String>")]
    pub beliefs: Vec<Q>,
    /// The probability it reciprocates.
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub reciprocate: Q,
    /// Whether its action is optimal given its beliefs.
    pub sequentially_rational: bool,
}

/// The typed party at one of its decision nodes.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PartyMove {
    /// The type and phase (and, in the name, nothing of the record: see the tree).
    pub at: String,
    /// The phase (1 for the first).
    pub phase: usize,
    /// Whether the equilibrium reaches it.
    pub reached: bool,
    /// The acts available.
    pub actions: Vec<String>,
    /// Their probabilities.
    #[serde(serialize_with = "all_as_text")]
    #[schemars(with = "Vec<String>")]
    pub probabilities: Vec<Q>,
    /// Whether its choice is optimal there.
    pub sequentially_rational: bool,
}

/// The equilibrium of the game with types, checked.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TypesEquilibrium {
    /// The typed party.
    pub party: String,
    /// The counterpart's parties.
    pub counterpart: Vec<String>,
    /// The types, in the order of beliefs.
    pub types: Vec<StrategyKind>,
    /// The phases covered.
    pub phases: Vec<String>,
    /// The discount factor per phase.
    #[serde(serialize_with = "as_text")]
    #[schemars(with = "String")]
    pub discount: Q,
    /// The expected payoffs (party, counterpart).
    #[serde(serialize_with = "all_as_text")]
    #[schemars(with = "Vec<String>")]
    pub payoffs: Vec<Q>,
    /// Whether the profile is a Nash equilibrium (checked exactly).
    pub nash: bool,
    /// Whether it is a perfect Bayesian equilibrium with the beliefs reported.
    pub perfect_bayesian: bool,
    /// Where the check failed, if it did.
    pub failures: Vec<String>,
    /// The counterpart at each of its information sets.
    pub counterpart_moves: Vec<CounterpartMove>,
    /// The party at each of its decision nodes.
    pub party_moves: Vec<PartyMove>,
    /// The perfect Bayesian equilibrium's behaviour profile, as Gambit nests it.
    #[serde(serialize_with = "profile_as_text")]
    #[schemars(with = "Vec<Vec<Vec<String>>>")]
    pub profile: Behavior,
    /// The sequence form's equilibrium before refinement (pygambit's `lcp_solve`'s).
    #[serde(serialize_with = "profile_as_text")]
    #[schemars(with = "Vec<Vec<Vec<String>>>")]
    pub gambit_profile: Behavior,
    /// Whether the refinement kept the play: every node reached with the same
    /// probability (so the same payoffs and the same beliefs on the path).
    pub same_play: bool,
}

fn profile_as_text<S: serde::Serializer>(profile: &Behavior, s: S) -> Result<S::Ok, S::Error> {
    let text: Vec<Vec<Vec<String>>> =
        profile.iter().map(|own| own.iter().map(|mix| mix.iter().map(to_text).collect()).collect()).collect();
    text.serialize(s)
}
