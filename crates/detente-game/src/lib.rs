//! Game theory for detente: exact equilibria of strategic-form games and Gambit
//! interoperability (issue 5; inspection games, phase games and tournaments build on
//! this).
//!
//! Arithmetic is exact throughout (arbitrary-precision rationals): an equilibrium is
//! reported only after it has been checked to be one, with no tolerance.

// Every public item is documented, and library code never unwraps: bad input is
// refused with an error, never a panic (clippy.toml allows both in tests).
#![warn(missing_docs, clippy::unwrap_used, clippy::expect_used)]

pub mod analysis;
pub mod beliefs;
pub mod bimatrix;
pub mod efg;
pub mod extensive;
pub mod game;
pub mod inspection;
pub mod ipd;
pub mod learning;
pub mod lemke_howson;
pub mod nfg;
pub mod phase_game;
pub mod pure;
pub mod sequence_form;
pub mod solve;
pub mod subgame_perfect;
pub mod three_player;
pub mod tournament;
pub mod types_game;
mod vertex;

pub use game::{Game, Profile, Q};
