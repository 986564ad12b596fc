//! The inspection game's closed form against the exact solver, with worked numbers.

use detente_game::bimatrix;
use detente_game::game::to_text;
use detente_game::inspection::{closed_form, game, Parameters};
use detente_game::Q;
use proptest::prelude::*;

fn q(n: i64, d: i64) -> Q {
    Q::new(n.into(), d.into())
}

fn parameters(beta: Q, alpha: Q) -> Parameters {
    Parameters {
        gain: q(1, 1),
        sanction: q(4, 1),
        cost: q(1, 1),
        damage: q(10, 1),
        detected_loss: q(2, 1),
        false_alarm_loss: q(3, 1),
        beta,
        alpha,
    }
}

#[test]
fn the_basic_game_worked_by_hand() {
    // Perfect detection, no false alarms: p* = g / (g + L) = 1/5, q* = e / (D - a) = 1/8.
    let p = parameters(q(0, 1), q(0, 1));
    let (inspect, violate) = closed_form(&p).unwrap();
    assert_eq!((to_text(&inspect), to_text(&violate)), ("1/5".into(), "1/8".into()));
    let solution = bimatrix::enumerate(&game(&p));
    assert_eq!(solution.equilibria.len(), 1);
    let e = &solution.equilibria[0];
    assert_eq!(e[0][0], inspect);
    assert_eq!(e[1][1], violate);
}

#[test]
fn imperfect_detection_and_false_alarms_worked_by_hand() {
    // beta = 1/4, alpha = 1/10: p* = 1 / (3/4 * 5 - 4/10) = 1 / (67/20) = 20/67;
    // q* = (1 + 3/10) / (3/4 * 8 + 3/10) = (13/10) / (63/10) = 13/63.
    let p = parameters(q(1, 4), q(1, 10));
    let (inspect, violate) = closed_form(&p).unwrap();
    assert_eq!((to_text(&inspect), to_text(&violate)), ("20/67".into(), "13/63".into()));
    let e = &bimatrix::enumerate(&game(&p)).equilibria[0];
    assert_eq!((&e[0][0], &e[1][1]), (&inspect, &violate));
}

#[test]
fn detection_too_weak_to_deter_leaves_a_pure_equilibrium() {
    // With beta = 0.9 even certain inspection cannot deter: (1 - beta)(g + L) < g.
    let p = parameters(q(9, 10), q(0, 1));
    assert_eq!(closed_form(&p), None);
    let solution = bimatrix::enumerate(&game(&p));
    assert!(solution.equilibria.iter().all(|e| e[1][1] == q(1, 1)), "the inspectee violates for sure");
}

proptest! {
    #[test]
    fn the_closed_form_is_the_solvers_equilibrium(
        g in 1i64..20, l in 1i64..20, e in 1i64..10, d in 5i64..40, a in 0i64..5,
        f in 0i64..10, beta in 0i64..9, alpha in 0i64..5,
    ) {
        let p = Parameters {
            gain: q(g, 1), sanction: q(l, 1), cost: q(e, 1), damage: q(d, 1), detected_loss: q(a, 1),
            false_alarm_loss: q(f, 1), beta: q(beta, 10), alpha: q(alpha, 20),
        };
        if let Some((inspect, violate)) = closed_form(&p) {
            let solution = bimatrix::enumerate(&game(&p));
            let mixed = solution.equilibria.iter().find(|e| e[0][0] > q(0, 1) && e[0][0] < q(1, 1));
            prop_assert!(mixed.is_some(), "a mixed equilibrium exists");
            let m = mixed.unwrap();
            prop_assert_eq!(&m[0][0], &inspect);
            prop_assert_eq!(&m[1][1], &violate);
        }
    }
}

#[test]
fn dreshers_recursion_has_its_closed_form() {
    use detente_game::inspection::{dresher_closed_form, dresher_value};
    // Worked by hand: v(2, 1) = -1/3, v(3, 1) = -1/2.
    assert_eq!(to_text(&dresher_value(2, 1)), "-1/3");
    assert_eq!(to_text(&dresher_value(3, 1)), "-1/2");
    for n in 1..=30 {
        for k in 0..=n {
            assert_eq!(dresher_value(n, k), dresher_closed_form(n, k), "v({n}, {k})");
        }
    }
}
