//! Solver throughput: all equilibria of von Stengel's 75-equilibrium game and of random
//! 8x8 games, and the 15-strategy, 200-turn, 5-repetition prisoner's dilemma round robin
//! (turns per second). benches/peers/peers.py times the same workloads with pygambit and
//! the Axelrod library.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente_game::game::random_bimatrix;
use detente_game::ipd::{round_robin, Player};
use detente_game::{bimatrix, nfg, Game};

fn bench_solvers(c: &mut Criterion) {
    let text = include_str!("../tests/games/vonstengel-75.nfg");
    let game = nfg::read(text).unwrap();
    let mut group = c.benchmark_group("equilibria");
    group.sample_size(20);
    group.bench_function("all 75 equilibria of von Stengel's 6x6 game", |b| {
        b.iter(|| bimatrix::enumerate(&game).equilibria.len())
    });
    let games: Vec<Game> = (0..4).map(|s| random_bimatrix(8, s)).collect();
    group.bench_function("all equilibria of four random 8x8 games", |b| {
        b.iter(|| games.iter().map(|g| bimatrix::enumerate(g).equilibria.len()).sum::<usize>())
    });
    for size in [50, 100] {
        let game = random_bimatrix(size, 7);
        group.bench_function(
            format!("one equilibrium of a random {size}x{size} game (Lemke-Howson, exact check)"),
            |b| b.iter(|| detente_game::lemke_howson::one(&game).is_some()),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("prisoners-dilemma");
    let turns = 15 * 14 / 2 * 200 * 5;
    group.throughput(Throughput::Elements(turns));
    group.bench_function("15 strategies, 200 turns, 5 repetitions (turns/s)", |b| {
        b.iter(|| round_robin(&Player::ALL, 200, 5).totals[0])
    });
    group.finish();
}

criterion_group!(benches, bench_solvers);

fn bench_phase_game(c: &mut Criterion) {
    use detente_game::phase_game::PhaseGame;
    use detente_game::Q;
    let mut group = c.benchmark_group("phase-game");
    for phases in [16usize, 1000] {
        let game = PhaseGame {
            parties: vec!["alpha".into(), "beta".into()],
            // Each phase: Alpha, then Beta, in one stage (no hold-up).
            moves: (0..phases)
                .map(|_| {
                    vec![(0, vec![Q::from_integer(0.into()); 2]), (1, vec![Q::from_integer(0.into()); 2])]
                })
                .collect(),
            phases: (0..phases).map(|k| format!("p{k}")).collect(),
            values: (0..phases)
                .map(|k| {
                    vec![
                        Q::from_integer(((k % 7) as i64 - 2).into()),
                        Q::from_integer(((k % 5) as i64 - 1).into()),
                    ]
                })
                .collect(),
            discount: Q::new(9.into(), 10.into()),
        };
        group.bench_function(format!("backward induction, {phases} phases"), |b| {
            b.iter(|| game.backward_induction())
        });
        group.bench_function(format!(".efg of {phases} phases"), |b| b.iter(|| game.efg().len()));
    }
    group.finish();
}

criterion_group!(phase_games, bench_phase_game);
criterion_main!(benches, phase_games);
