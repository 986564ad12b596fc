//! The learning report: for every party whose type the file gives a prior, its beliefs
//! after each verified step, the value of information of each step, and the
//! equilibrium of the phased game with types. One serializable result, rendered as text
//! for a terminal or as Markdown for a document (the decision report takes it whole:
//! [`learning`], then [`LearningReport::markdown`]).

use detente_sim::report::document::Block;
use num_traits::ToPrimitive;
use serde::Serialize;

use crate::beliefs::{settings, BeliefsError, Learning, Signal};
use crate::game::{to_text, Q};
use crate::types_game::{TypesEquilibrium, TypesGame};

/// The learning analysis of one party.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PartyLearning {
    /// Beliefs and the value of information, phase by phase.
    pub learning: Learning,
    /// The equilibrium of the game with types over its first phases, if it was solved.
    pub game: Option<TypesEquilibrium>,
    /// Why the game was not solved, if it was not.
    pub game_refused: Option<String>,
}

/// The learning analysis of every party with a prior.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LearningReport {
    /// The agreement.
    pub agreement: String,
    /// The discount factor per phase in the game with types.
    pub discount: f64,
    /// How many phases the game with types covers at most.
    pub game_phases: usize,
    /// One entry per party with a prior, in id order.
    pub parties: Vec<PartyLearning>,
}

/// The learning analysis of `spec`, with the game with types over its first
/// `game_phases` phases at discount factor `discount` per phase. Empty when the file
/// states no priors. A game too large to solve is reported as refused, not as an error.
pub fn learning(
    spec: &detente_spec::model::Spec,
    discount: f64,
    game_phases: usize,
) -> Result<LearningReport, BeliefsError> {
    let parties = settings(spec)?
        .into_iter()
        .map(|setting| {
            let solved = TypesGame::new(setting.clone(), game_phases, discount).and_then(|g| g.solve());
            let (game, game_refused) = match solved {
                Ok(e) => (Some(e), None),
                Err(e) => (None, Some(e.to_string())),
            };
            PartyLearning { learning: Learning::new(setting), game, game_refused }
        })
        .collect();
    Ok(LearningReport { agreement: spec.agreement.id.clone(), discount, game_phases, parties })
}

/// A probability or value for people: four decimals, trailing zeros dropped.
fn shown(q: &Q) -> String {
    let x = q.to_f64().unwrap_or(f64::NAN);
    let text = format!("{:.4}", x);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

fn beliefs(values: &[Q]) -> String {
    values.iter().map(shown).collect::<Vec<_>>().join(" / ")
}

fn text_beliefs(values: &[String]) -> String {
    values
        .iter()
        .map(|v| v.parse::<num_rational::BigRational>().map_or(v.clone(), |q| shown(&q)))
        .collect::<Vec<_>>()
        .join(" / ")
}

impl LearningReport {
    /// Whether no party has a prior (nothing to report).
    pub fn is_empty(&self) -> bool {
        self.parties.is_empty()
    }

    /// The report as the decision report's blocks, each party under a heading of
    /// `level` (the same blocks [`LearningReport::markdown`] and
    /// [`LearningReport::text`] render).
    pub fn blocks(&self, level: u8) -> Vec<Block> {
        let mut out = Vec::new();
        for party in &self.parties {
            let s = &party.learning.setting;
            out.push(Block::Heading(level, format!("Learning `{}`'s type from verified steps", s.party)));
            let types: Vec<String> = s
                .types
                .iter()
                .map(|t| {
                    let parameter = match (&t.max_cost, &t.cheat) {
                        (Some(m), _) => format!(" (max_cost {})", to_text(m)),
                        (_, Some(c)) => format!(" (cheat {})", to_text(c)),
                        _ => String::new(),
                    };
                    format!("{} {}{parameter}", t.kind, to_text(&t.prior))
                })
                .collect();
            out.push(Block::Paragraph(format!(
                "Prior: {} ({}). Learned by {}, who decide together whether to deliver the next phase's \
                 concessions. Beliefs are listed as {}; the record of a phase is performed with no alarm, \
                 performed with an alarm from an inspection of its verified continuing measures, or withheld. \
                 The value of information of a phase's record is what seeing it adds to the expected value of \
                 that decision (in the agreement's `values`); beliefs and values are shown on the path on which \
                 every earlier phase was performed with no alarm, to four decimals (exact in JSON).",
                types.join(", "),
                s.source.as_deref().unwrap_or("no source given"),
                s.counterpart.join(", "),
                s.types.iter().map(|t| t.kind.keyword()).collect::<Vec<_>>().join(" / "),
            )));
            out.push(Block::Table(
                vec![
                    "phase".into(),
                    "beliefs before".into(),
                    "P(no alarm / alarm / withheld)".into(),
                    "after no alarm".into(),
                    "after an alarm".into(),
                    "after withheld".into(),
                    "value of information".into(),
                    "next concessions delivered (before -> after no alarm)".into(),
                ],
                party.learning.lessons.iter().map(lesson_row).collect(),
            ));
            match (&party.game, &party.game_refused) {
                (Some(e), _) => out.extend(game_blocks(e)),
                (_, Some(why)) => {
                    out.push(Block::Paragraph(format!("The game with types was not solved: {why}.")))
                }
                _ => {}
            }
        }
        out
    }

    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for block in self.blocks(2) {
            match block {
                Block::Heading(_, h) => out.push_str(&format!("## {h}\n\n")),
                Block::Paragraph(p) => out.push_str(&format!("{p}\n\n")),
                Block::Table(head, rows) => {
                    let escape = |c: &String| c.replace('|', "\\|");
                    out.push_str(&format!(
                        "| {} |\n",
                        head.iter().map(escape).collect::<Vec<_>>().join(" | ")
                    ));
                    out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                    for row in rows {
                        out.push_str(&format!(
                            "| {} |\n",
                            row.iter().map(escape).collect::<Vec<_>>().join(" | ")
                        ));
                    }
                    out.push('\n');
                }
                // The learning report is headings, paragraphs and tables only.
                Block::List(_) | Block::Code(_) | Block::Figure { .. } => {}
            }
        }
        out
    }

    /// The report as plain text for a terminal.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for block in self.blocks(2) {
            match block {
                Block::Heading(_, h) => out.push_str(&format!("{h}\n{}\n", "-".repeat(h.chars().count()))),
                Block::Paragraph(p) => out.push_str(&format!("{}\n\n", wrap(&p, 92))),
                Block::Table(head, rows) => {
                    for row in rows {
                        for (h, cell) in head.iter().zip(&row) {
                            out.push_str(&format!("  {h}: {cell}\n"));
                        }
                        out.push('\n');
                    }
                }
                Block::List(_) | Block::Code(_) | Block::Figure { .. } => {}
            }
        }
        out
    }
}

fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.chars().count() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    out
}

fn lesson_row(lesson: &crate::beliefs::Lesson) -> Vec<String> {
    let after = |s: Signal| lesson.after.get(&s).map_or("-".to_string(), |b| text_beliefs(b));
    let decision = |d: Option<bool>| match d {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    };
    vec![
        lesson.phase.clone(),
        beliefs(&lesson.before),
        beliefs(&lesson.chance),
        after(Signal::Clean),
        after(Signal::Alarm),
        after(Signal::Withheld),
        lesson.value_of_information.as_ref().map_or("- (last phase)".into(), shown),
        match lesson.delivers_before {
            None => "-".into(),
            Some(_) => {
                format!("{} -> {}", decision(lesson.delivers_before), decision(lesson.delivers_after_clean))
            }
        },
    ]
}

fn game_blocks(e: &TypesEquilibrium) -> Vec<Block> {
    let verdict = if e.perfect_bayesian {
        "a perfect Bayesian equilibrium (checked exactly: Nash, beliefs by Bayes' rule wherever the party's \
         strategy reaches the counterpart, every choice optimal given them, and off the path optimal for the \
         belief shown)"
    } else {
        "NOT verified as a perfect Bayesian equilibrium"
    };
    let mut out = vec![Block::Paragraph(format!(
        "The phased game with types over {} (discount {} per phase; later phases not counted): chance picks \
         the type by the prior, the party performs, cheats covertly or withholds, chance draws the \
         inspection's finding, {} reciprocates or stops seeing only the record. The sequence form finds one \
         Nash equilibrium (the one pygambit's `lcp_solve` finds); refined off the path ({}), it is {verdict}. \
         Expected payoffs: {} {}, counterpart {}.",
        if e.phases.is_empty() { "no phase".to_string() } else { e.phases.join(", ") },
        shown(&e.discount),
        e.counterpart.join("+"),
        if e.same_play { "the same play" } else { "which CHANGED its play" },
        e.party,
        shown(&e.payoffs[0]),
        shown(&e.payoffs[1]),
    ))];
    if !e.failures.is_empty() {
        out.push(Block::Paragraph(format!("Where the check fails: {}.", e.failures.join("; "))));
    }
    let mut moves: Vec<&crate::types_game::CounterpartMove> = e.counterpart_moves.iter().collect();
    moves.sort_by(|a, b| (a.phase, &a.record).cmp(&(b.phase, &b.record)));
    let rows = moves
        .into_iter()
        .map(|m| {
            vec![
                m.phase.to_string(),
                m.record.clone(),
                if m.reached { shown(&m.probability) } else { "0 (off the path)".into() },
                format!("{}{}", beliefs(&m.beliefs), if m.bayes { "" } else { " (chosen)" }),
                shown(&m.reciprocate),
            ]
        })
        .collect();
    out.push(Block::Table(
        vec![
            "phase".into(),
            "record seen by the counterpart".into(),
            "probability".into(),
            format!("beliefs ({})", e.types.iter().map(|t| t.keyword()).collect::<Vec<_>>().join(" / ")),
            "reciprocates".into(),
        ],
        rows,
    ));
    let rows = e
        .party_moves
        .iter()
        .filter(|m| m.reached)
        .map(|m| {
            let acts: Vec<String> = m
                .actions
                .iter()
                .zip(&m.probabilities)
                .filter(|(_, p)| !num_traits::Zero::is_zero(*p))
                .map(|(a, p)| format!("{a} {}", shown(p)))
                .collect();
            vec![m.phase.to_string(), m.at.clone(), acts.join(", ")]
        })
        .collect();
    out.push(Block::Table(vec!["phase".into(), "the party, on the path".into(), "plays".into()], rows));
    out
}
