//! The one parallel driver: a comparison of no design is an error, not a panic; a set
//! flag stops simulation and comparison before any chunk runs.

use std::sync::atomic::AtomicBool;

use detente_sim::compare::compare_with;
use detente_sim::{simulate_with, Control, Plan, Simulator, Stopped};
use detente_spec::{check, SourceFile};

fn starter() -> detente_engine::Agreement {
    let checked = check(&SourceFile::new("deal.toml", detente_spec::starter("deal")));
    detente_engine::Agreement::compile(&checked.spec).unwrap()
}

#[test]
fn comparing_no_design_is_an_error() {
    let result = compare_with(&[], 0..10, &Control::new(&|_| {}));
    assert!(
        matches!(&result, Err(Stopped::Failed(detente_sim::TallyError::NoDesigns))),
        "{:?}",
        result.err()
    );
}

#[test]
fn a_set_flag_cancels_before_any_run() {
    let agreement = starter();
    let sim = Simulator::new(&agreement, Plan::new(&agreement, Default::default()).unwrap());
    let flag = AtomicBool::new(true);
    let control = Control::new(&|_| panic!("no chunk may run")).cancelled_by(&flag);
    assert_eq!(simulate_with(&sim, 0..1_000, false, &control).err(), Some(Stopped::Cancelled));
    let sims = [sim];
    assert!(matches!(compare_with(&sims, 0..1_000, &control), Err(Stopped::Cancelled)));
}
