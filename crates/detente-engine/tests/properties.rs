//! Invariants of `docs/semantics.md` (CONCEPTS.md section 3) on random agreements and
//! random logs: determinism, causality, relief only through a fulfilled commitment,
//! snap-back restoring relief, nothing performed in a locked phase, every commitment
//! final after the agreement ends, checkpointed queries equal to fresh replays, and a
//! timeline that ends in the state's statuses.

mod common;

use common::{build, day, events, plan, query_days};
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Machine, Replay};
use detente_spec::model::PowerKind;
use proptest::prelude::*;

proptest! {
    // 300 cases by default; PROPTEST_CASES raises it for longer runs.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        ..ProptestConfig::default()
    })]

    #[test]
    fn invariants_hold(plan in plan()) {
        let agreement = build(&plan);
        let log = events(&agreement, &plan);
        let replay = Replay::new(&agreement, &log);
        for as_of in query_days() {
            let s = state(&agreement, &log, as_of).unwrap();
            // Determinism, and checkpoints change nothing.
            prop_assert_eq!(&s, &state(&agreement, &log, as_of).unwrap());
            prop_assert_eq!(&s, &replay.state_at(as_of).unwrap());
            // Causality: events after the date do not matter.
            let mut before = log.clone();
            before.events = before.events.iter().filter(|e| e.date <= as_of).cloned().collect();
            prop_assert_eq!(&s, &state(&agreement, &before, as_of).unwrap());
            check_state(&agreement, &s)?;
        }
        // After the agreement ends, every commitment is final.
        let end = state(&agreement, &log, day(1500)).unwrap();
        prop_assert!(end.agreement.is_over(), "{:?} after the end", end.agreement);
        for c in &end.commitments {
            prop_assert!(c.status.is_terminal() || c.done, "{} is {:?} after the end", c.id, c.status);
        }
    }

    #[test]
    fn pushing_events_live_equals_replaying_the_log(plan in plan()) {
        let agreement = build(&plan);
        let log = events(&agreement, &plan);
        let mut live = Machine::live(&agreement, false);
        for e in &log.events {
            // Advance to the eve of each event (or, for every third, to its very day,
            // which then runs that day's timers twice), compare, then push it.
            let same_day = e.index % 3 == 0;
            let to = if same_day { e.date } else { e.date.yesterday().unwrap() };
            if to > live.day() {
                live.advance_to(to);
                let mut before = log.clone();
                before.events = before.events[..e.index].iter().cloned().collect();
                prop_assert_eq!(live.state(), state(&agreement, &before, to).unwrap(), "on {}", to);
            }
            live.push_event(e.date, e.draft()).unwrap();
            if same_day && live.day() == e.date {
                live.advance_to(e.date);
                let mut upto = log.clone();
                upto.events = upto.events[..e.index + 1].iter().cloned().collect();
                prop_assert_eq!(live.state(), state(&agreement, &upto, e.date).unwrap(), "same day {}", e.date);
            }
        }
        let last = live.day();
        for as_of in query_days().into_iter().filter(|d| *d >= last) {
            live.advance_to(as_of);
            prop_assert_eq!(live.state(), state(&agreement, &log, as_of).unwrap(), "on {}", as_of);
        }
    }

    #[test]
    fn a_lean_machine_derives_the_same_statuses(plan in plan()) {
        let agreement = build(&plan);
        let log = events(&agreement, &plan);
        let mut full = Machine::live(&agreement, false);
        let mut lean = Machine::live_lean(&agreement);
        for e in &log.events {
            for machine in [&mut full, &mut lean] {
                machine.push_event(e.date, e.draft()).unwrap();
                machine.advance_to(e.date);
            }
            prop_assert_eq!(statuses(&full.state()), statuses(&lean.state()), "after event {}", e.index);
            prop_assert_eq!(full.version() == lean.version(), true);
        }
        for as_of in query_days() {
            full.advance_to(as_of);
            lean.advance_to(as_of);
            prop_assert_eq!(statuses(&full.state()), statuses(&lean.state()), "on {}", as_of);
        }
    }

    #[test]
    fn settling_incrementally_equals_settling_everything(plan in plan()) {
        // After every settle, the machine checks that settling every item again would
        // change nothing and that its tallies equal a recount (it panics otherwise).
        let agreement = build(&plan);
        let log = events(&agreement, &plan);
        let mut machine = Machine::new(&agreement, &log.events, true).checking_incremental();
        for as_of in query_days() {
            machine.advance_to(as_of);
        }
        machine.advance_to(day(1500));
        let mut live = Machine::live_lean(&agreement).checking_incremental();
        for e in &log.events {
            live.push_event(e.date, e.draft()).unwrap();
        }
        live.advance_to(day(1500));
    }

    #[test]
    fn the_timeline_ends_in_the_state(plan in plan()) {
        let agreement = build(&plan);
        let log = events(&agreement, &plan);
        let to = day(1000);
        let transitions = timeline(&agreement, &log, to);
        prop_assert!(transitions.windows(2).all(|w| w[0].date <= w[1].date));
        let s = state(&agreement, &log, to).unwrap();
        let start = Machine::unsettled_state(&agreement);
        for (c, initial) in s.commitments.iter().zip(&start.commitments) {
            let last = transitions.iter().rev().find(|t| t.kind == "commitment" && t.item == c.id);
            let expected = last.map_or(initial.describe.as_str(), |t| t.to.as_str());
            prop_assert_eq!(expected, c.describe.as_str(), "commitment {}", c.id);
        }
    }
}

fn check_state(agreement: &Agreement, s: &State) -> Result<(), TestCaseError> {
    let commitment = |id: &str| s.commitments.iter().find(|c| c.id == id);
    // A relieved instrument always has a fulfilled relieving commitment.
    for i in s.instruments.iter().filter(|i| i.status == InstrumentStatus::Relieved) {
        let by = i.reason.causes.first().and_then(|id| commitment(id));
        let ok =
            by.is_some_and(|c| matches!(c.status, CommitmentStatus::Fulfilled | CommitmentStatus::Released));
        prop_assert!(ok, "{} relieved without a fulfilled commitment: {:?}", i.id, i.reason);
    }
    // After a snap-back takes effect, nothing relieved before it stays relieved.
    let snapback =
        |id: &str| agreement.spec.power.iter().any(|p| p.id == id && p.kind == PowerKind::Snapback);
    for p in s.powers.iter().filter(|p| p.status == PowerStatus::Exercised && snapback(&p.id)) {
        for i in s.instruments.iter().filter(|i| i.status == InstrumentStatus::Relieved) {
            prop_assert!(i.reason.since >= p.reason.since, "{} still relieved after {}", i.id, p.id);
        }
    }
    // No commitment of a locked phase counts as performed.
    for c in &s.commitments {
        let phase = s.phases.iter().find(|p| p.id == c.phase).unwrap();
        if phase.status == PhaseStatus::Locked {
            prop_assert!(
                !matches!(c.status, CommitmentStatus::Performed | CommitmentStatus::Fulfilled),
                "{} is {:?} in locked phase {}",
                c.id,
                c.status,
                phase.id
            );
        }
    }
    Ok(())
}

/// Every status of a state, without the reasons (which a lean machine does not keep).
fn statuses(s: &State) -> String {
    let mut out = format!("agreement {:?}\n", s.agreement);
    for c in &s.commitments {
        out += &format!("{} {:?} alleged={} due={:?}\n", c.id, c.status, c.alleged, c.due);
    }
    for p in &s.phases {
        out += &format!("{} {:?} {:?}\n", p.id, p.status, p.opened);
    }
    for p in &s.powers {
        out += &format!("{} {:?} {:?}\n", p.id, p.status, p.takes_effect);
    }
    for i in &s.instruments {
        out += &format!("{} {:?}\n", i.id, i.status);
    }
    for f in &s.facilities {
        out += &format!("{} {:?}\n", f.id, f.status);
    }
    out
}
