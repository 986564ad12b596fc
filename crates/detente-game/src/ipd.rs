//! The iterated prisoner's dilemma round robin, as the Axelrod Python library plays it,
//! for its deterministic strategies: every pair of distinct players meets for `turns`
//! moves (no self-play), scored with the classic payoffs R = 3, S = 0, T = 5, P = 1.
//! Scores match the library exactly (tests/ipd.rs reproduces its integration oracle).
//!
//! Each strategy is documented with its rule; names follow the library's.

use serde::Serialize;

/// A move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Cooperate.
    C,
    /// Defect.
    D,
}

use Move::{C, D};

/// The payoffs (R, S, T, P): to a player cooperating against cooperation, cooperating
/// against defection, defecting against cooperation, and defecting against defection.
pub const PAYOFFS: (u32, u32, u32, u32) = (3, 0, 5, 1);

fn score(own: Move, other: Move) -> u32 {
    let (r, s, t, p) = PAYOFFS;
    match (own, other) {
        (C, C) => r,
        (C, D) => s,
        (D, C) => t,
        (D, D) => p,
    }
}

/// A deterministic strategy of the iterated game.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Player {
    /// Always cooperates.
    Cooperator,
    /// Always defects.
    Defector,
    /// Cooperates first, then copies the opponent's last move.
    TitForTat,
    /// Defects first, then copies the opponent's last move.
    SuspiciousTitForTat,
    /// Cooperates unless the opponent defected in both of the last two moves.
    TitForTwoTats,
    /// Cooperates until the opponent defects once, then defects for ever.
    Grudger,
    /// Cooperates, then alternates: C, D, C, D, ...
    Alternator,
    /// Win-stay lose-shift (Pavlov): cooperates first; repeats its last move after a
    /// payoff of R or T, switches after S or P.
    WinStayLoseShift,
    /// Cooperates first, then plays the opponent's majority move so far (cooperating on
    /// a tie); the library's "Soft Go By Majority".
    GoByMajority,
    /// Defects first, then does the opposite of the opponent's last move.
    Bully,
    /// Defects if the opponent defected in either of its last two moves.
    TwoTitsForTat,
    /// Defects if the opponent defected in any of its last three moves.
    HardTitForTat,
    /// Plays C, C, D over and over.
    CyclerCcd,
    /// Plays D, D, C over and over.
    CyclerDdc,
    /// Plays C, C, C, D over and over.
    CyclerCccd,
}

impl Player {
    /// Every strategy, in a fixed order.
    pub const ALL: [Player; 15] = [
        Player::Cooperator,
        Player::Defector,
        Player::TitForTat,
        Player::SuspiciousTitForTat,
        Player::TitForTwoTats,
        Player::Grudger,
        Player::Alternator,
        Player::WinStayLoseShift,
        Player::GoByMajority,
        Player::Bully,
        Player::TwoTitsForTat,
        Player::HardTitForTat,
        Player::CyclerCcd,
        Player::CyclerDdc,
        Player::CyclerCccd,
    ];

    /// The library's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Player::Cooperator => "Cooperator",
            Player::Defector => "Defector",
            Player::TitForTat => "Tit For Tat",
            Player::SuspiciousTitForTat => "Suspicious Tit For Tat",
            Player::TitForTwoTats => "Tit For 2 Tats",
            Player::Grudger => "Grudger",
            Player::Alternator => "Alternator",
            Player::WinStayLoseShift => "Win-Stay Lose-Shift",
            Player::GoByMajority => "Soft Go By Majority",
            Player::Bully => "Bully",
            Player::TwoTitsForTat => "Two Tits For Tat",
            Player::HardTitForTat => "Hard Tit For Tat",
            Player::CyclerCcd => "Cycler CCD",
            Player::CyclerDdc => "Cycler DDC",
            Player::CyclerCccd => "Cycler CCCD",
        }
    }

    /// Parses a name (the library's, or the kebab-case form).
    pub fn parse(text: &str) -> Option<Player> {
        let wanted: String =
            text.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
        if wanted == "gobymajority" {
            return Some(Player::GoByMajority);
        }
        Player::ALL.into_iter().find(|p| {
            let name: String =
                p.name().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
            name == wanted
        })
    }

    /// The next move given both histories so far.
    fn decide(self, own: &[Move], other: &[Move]) -> Move {
        let last = other.last().copied();
        match self {
            Player::Cooperator => C,
            Player::Defector => D,
            Player::TitForTat => last.unwrap_or(C),
            Player::SuspiciousTitForTat => last.unwrap_or(D),
            Player::TitForTwoTats => {
                if other.len() >= 2 && other[other.len() - 2..] == [D, D] {
                    D
                } else {
                    C
                }
            }
            Player::Grudger => {
                if other.contains(&D) {
                    D
                } else {
                    C
                }
            }
            Player::Alternator => {
                if own.len().is_multiple_of(2) {
                    C
                } else {
                    D
                }
            }
            Player::WinStayLoseShift => match (own.last(), last) {
                (Some(&mine), Some(theirs)) => {
                    if theirs == C {
                        mine
                    } else if mine == C {
                        D
                    } else {
                        C
                    }
                }
                _ => C,
            },
            Player::GoByMajority => {
                let defections = other.iter().filter(|&&m| m == D).count();
                if defections * 2 > other.len() {
                    D
                } else {
                    C
                }
            }
            Player::Bully => match last {
                Some(D) => C,
                _ => D,
            },
            Player::TwoTitsForTat => {
                if other[other.len().saturating_sub(2)..].contains(&D) {
                    D
                } else {
                    C
                }
            }
            Player::HardTitForTat => {
                if other[other.len().saturating_sub(3)..].contains(&D) {
                    D
                } else {
                    C
                }
            }
            Player::CyclerCcd => [C, C, D][own.len() % 3],
            Player::CyclerDdc => [D, D, C][own.len() % 3],
            Player::CyclerCccd => [C, C, C, D][own.len() % 4],
        }
    }
}

/// The scores of one match of `turns` moves: (first player's, second player's).
pub fn play(a: Player, b: Player, turns: usize) -> (u32, u32) {
    let (mut ha, mut hb) = (Vec::with_capacity(turns), Vec::with_capacity(turns));
    let (mut sa, mut sb) = (0, 0);
    for _ in 0..turns {
        let ma = a.decide(&ha, &hb);
        let mb = b.decide(&hb, &ha);
        sa += score(ma, mb);
        sb += score(mb, ma);
        ha.push(ma);
        hb.push(mb);
    }
    (sa, sb)
}

/// The result of a round robin.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoundRobin {
    /// The players, in order.
    pub players: Vec<Player>,
    /// `scores[i][j]`: what player i scored against player j, summed over repetitions.
    pub scores: Vec<Vec<u64>>,
    /// Each player's total over all opponents and repetitions.
    pub totals: Vec<u64>,
}

/// Plays every pair of distinct players `repetitions` times for `turns` moves. The
/// strategies are deterministic, so every repetition scores the same; they are played
/// anyway, as the library does, so timings compare like with like.
pub fn round_robin(players: &[Player], turns: usize, repetitions: usize) -> RoundRobin {
    let n = players.len();
    let mut scores = vec![vec![0u64; n]; n];
    for _ in 0..repetitions {
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = play(players[i], players[j], turns);
                scores[i][j] += a as u64;
                scores[j][i] += b as u64;
            }
        }
    }
    let totals = scores.iter().map(|row| row.iter().sum()).collect();
    RoundRobin { players: players.to_vec(), scores, totals }
}
