//! The incentive analysis worked by hand on small agreements.

mod fixtures;

use detente_game::analysis::{deterrence, self_enforcement, Report};
use detente_spec::model::Spec;
use detente_spec::{check, SourceFile};

/// The agreement worked by hand, with `ALPHA_COST` and `NOTICE` to fill in.
fn base() -> String {
    fixtures::two_parties_and_an_embargo("hand", "Worked by hand") + BASE_PHASES
}

const BASE_PHASES: &str = r#"
[[phase]]
id = "first"
title = "First"

[[phase]]
id = "second"
title = "Second"
after = ["first"]

[[commitment]]
id = "freeze"
title = "Alpha freezes"
phase = "first"
by = ["alpha"]
kind = "continuing"
category = "measure"
values = { cost = 1, benefit = { beta = 3 } }

[commitment.verification]
by = "inspectorate"
method = "inspection"
detection = 0.5
false_alarm = 0.1

[[commitment]]
id = "relief"
title = "Beta lifts the embargo"
phase = "first"
by = ["beta"]
kind = "action"
category = "concession"
due = "3 months"
on_timeout = "violated"
when = "performed(freeze)"
relieves = ["embargo"]
values = { cost = 1, benefit = { alpha = 2 } }

[[commitment]]
id = "dismantle"
title = "Alpha dismantles"
phase = "second"
by = ["alpha"]
kind = "action"
category = "measure"
due = "1 year"
on_timeout = "violated"
values = { cost = ALPHA_COST, benefit = { beta = 4, alpha = 1 } }

[[power]]
id = "snapback"
title = "Snap-back"
kind = "snapback"
holders = ["beta"]
trigger = "violated(freeze)"
restores = "all"
suspends = ["relief"]

[[power]]
id = "alpha-suspends"
title = "Alpha suspends its freeze while the relief is overdue"
kind = "suspend"
holders = ["alpha"]
trigger = "violated(relief)"
suspends = ["freeze"]
notice = "NOTICE"
"#;

fn spec(alpha_cost: &str) -> Spec {
    with_notice(alpha_cost, "0 days")
}

/// The agreement with Alpha's suspension taking effect `notice` after the relief is late.
fn with_notice(alpha_cost: &str, notice: &str) -> Spec {
    let text = base().replace("ALPHA_COST", alpha_cost).replace("NOTICE", notice);
    let checked = check(&SourceFile::new("hand.toml", &text));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    checked.spec
}

#[test]
fn the_deterrence_threshold_is_worked_by_hand() {
    // g = 1 (the freeze's cost), L = 2 (Alpha's benefit from the relief the snap-back
    // takes back), a = 0.1: the threshold is (1 + 0.1 * 2) / (1 + 2) = 0.4.
    let d = &deterrence(&spec("5"))[0];
    assert_eq!((d.gain, d.sanction), (1.0, 2.0));
    assert_eq!(d.threshold, Some(0.4));
    assert_eq!(d.stated, 0.5);
    assert!(d.deterred);
    assert_eq!(d.min_detection, Some(0.4));
    assert_eq!(d.min_inspection, Some(0.8));
    assert_eq!(d.powers, ["snapback"]);

    // Without commitment (the simultaneous game, inspection cost 0.5, Beta's damage 3):
    // p* = 1 / (0.5 * 3 - 0.1 * 2) = 1/1.3, q* = 0.5 / (0.5 * 3) = 1/3.
    let report = Report::new(&spec("5"), 0.9, 0.5);
    assert_eq!(report.deterrence[0].damage, 3.0);
    assert_eq!(report.deterrence[0].simultaneous, Some([0.7692, 0.3333]));

    // At a detection of 0.3 the same measure is not deterred, and says what would do.
    let mut weak = spec("5");
    weak.commitment[0].verification.as_mut().unwrap().detection = 0.3;
    let report = Report::new(&weak, 0.9, 0.5);
    assert!(!report.deterrence[0].deterred);
    assert_eq!(report.warnings().len(), 1);
    assert!(report.warnings()[0].contains("below the 0.4 that deters"), "{}", report.warnings()[0]);
}

#[test]
fn backward_induction_is_worked_by_hand() {
    // Phase 2: Alpha pays 5 and gets 1, so it would defect (-4): the phase rests on
    // trust and is worth nothing to anyone going into it. Phase 1: Alpha gets 2 for 1,
    // Beta 3 for 1: self-enforcing on its own. (Beta moves after Alpha in phase 1, and
    // could keep the freeze without lifting the embargo, but only for the relief's 3
    // months until Alpha's suspension: 3 x 0.25 = 0.75, less than its 2 of going on.)
    let phases = self_enforcement(&spec("5"), 0.5);
    assert_eq!(phases[0].phase, "first");
    assert!(phases[0].self_enforcing && phases[0].reached);
    assert_eq!(phases[0].parties[0].value_of_performing, 1.0);
    assert_eq!(phases[0].parties[1].value_of_performing, 2.0);
    assert!(!phases[1].self_enforcing && phases[1].reached);
    assert_eq!(phases[1].parties[0].value_of_performing, -4.0);

    // With a cost of 1, phase 2 holds (Alpha 0, Beta 4), and its value, discounted by
    // half, is added to phase 1's: Alpha 1 + 0, Beta 2 + 2.
    let phases = self_enforcement(&spec("1"), 0.5);
    assert!(phases.iter().all(|p| p.self_enforcing));
    assert_eq!(phases[1].parties[0].value_of_performing, 0.0);
    assert_eq!(phases[0].parties[1].value_of_performing, 4.0);
}

#[test]
fn each_co_giver_carries_its_own_cost() {
    // The relief is granted by Beta and a third party, Gamma, at a cost of 1 to Beta and
    // 3 to Gamma (a table by party); with one cost, both would carry the same.
    let text = base()
        .replace(
            "[[party]]\nid = \"inspectorate\"",
            "[[party]]\nid = \"gamma\"\nname = \"Gamma\"\nrole = \"signatory\"\n\n[[party]]\nid = \"inspectorate\"",
        )
        .replace(
            "by = [\"beta\"]\nkind = \"action\"\ncategory = \"concession\"",
            "by = [\"beta\", \"gamma\"]\nkind = \"action\"\ncategory = \"concession\"",
        )
        .replace("values = { cost = 1, benefit = { alpha = 2 } }", "values = { cost = { beta = 1, gamma = 3 }, benefit = { alpha = 2, gamma = 1 } }")
        .replace("ALPHA_COST", "1")
        .replace("NOTICE", "0 days");
    let checked = check(&SourceFile::new("hand.toml", &text));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let phases = self_enforcement(&checked.spec, 0.5);
    let first = &phases[0];
    let stake = |party: &str| first.parties.iter().find(|s| s.party == party).unwrap();
    assert_eq!((stake("beta").cost, stake("beta").benefit), (1.0, 3.0));
    assert_eq!((stake("gamma").cost, stake("gamma").benefit), (3.0, 1.0));
    // Gamma pays 3 for 1 and nothing follows for it: it would defect, so the phase rests
    // on trust; Beta alone (1 for 3, plus half of phase 2's 4) would perform.
    assert!(!stake("gamma").self_enforcing && stake("beta").self_enforcing);
    assert!(!first.self_enforcing);
}

#[test]
fn the_order_of_moves_is_read_from_when_conditions() {
    let phases = self_enforcement(&spec("5"), 0.5);
    let order: Vec<Vec<(&str, Vec<&str>)>> = phases[0]
        .order
        .iter()
        .map(|stage| {
            stage.iter().map(|(p, c)| (p.as_str(), c.iter().map(String::as_str).collect())).collect()
        })
        .collect();
    // The relief's `when = "performed(freeze)"`: Alpha's freeze first, Beta's relief after.
    assert_eq!(order, [vec![("alpha", vec!["freeze"])], vec![("beta", vec!["relief"])]]);
    assert_eq!(phases[1].order.len(), 1, "one stage: nothing in phase 2 waits for another step");
}

#[test]
fn the_hold_up_within_a_phase_is_worked_by_hand() {
    // Beta, the late mover of phase 1, defects after Alpha has frozen: it keeps the
    // freeze's 3 a year until Alpha's suspension takes it away, the relief's 3 months
    // plus the power's notice later; the phase game counts a phase as a year of its
    // flows and discounts by δ = 1/2 a period.
    //
    // Holds: with no notice, 3 months: Beta keeps 3 x 1/4 = 0.75 < 2 (3 - 1 + 0).
    let holds = &self_enforcement(&spec("5"), 0.5)[0];
    assert_eq!(holds.hold_ups.len(), 1);
    let h = &holds.hold_ups[0];
    assert_eq!(
        (h.party.as_str(), h.stage, h.steps.as_slice()),
        ("beta", 1, ["relief".to_string()].as_slice())
    );
    assert_eq!(h.pockets, [("freeze".to_string(), Some(0.25))]);
    assert_eq!((h.gain, h.value_of_continuing, h.binds), (0.75, 2.0, false));
    assert!(holds.self_enforcing);

    // Binds: a notice of 6 months makes it 9 months: 3 x 3/4 = 2.25 > 2. Beta defects,
    // and Alpha, who would then pay 1 a year for 9 months (-0.75) and get nothing,
    // defects first: the phase rests on trust.
    let binds = &self_enforcement(&with_notice("5", "6 months"), 0.5)[0];
    let h = &binds.hold_ups[0];
    assert_eq!(h.pockets, [("freeze".to_string(), Some(0.75))]);
    assert_eq!((h.gain, h.value_of_continuing, h.binds), (2.25, 2.0, true));
    assert!(!binds.self_enforcing && binds.reached);
    // Each party's value if all perform is still reported as before.
    assert_eq!(binds.parties[1].value_of_performing, 2.0);

    // The same hold-up does not bind when phase 2 is worth going on to: with a cost of
    // 1, Beta's value of continuing is 2 + 1/2 x 4 = 4 > 2.25.
    let holds_again = &self_enforcement(&with_notice("1", "6 months"), 0.5)[0];
    assert_eq!((holds_again.hold_ups[0].value_of_continuing, holds_again.hold_ups[0].binds), (4.0, false));
    assert!(holds_again.self_enforcing);

    // With no power to take the freeze back, it lasts for good: both periods left,
    // 3 x (1 + 1/2) = 4.5.
    let text = base()
        .replace("ALPHA_COST", "1")
        .replace("NOTICE", "0 days")
        .replace("suspends = [\"freeze\"]", "suspends = []");
    let checked = check(&SourceFile::new("hand.toml", &text));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let for_good = &self_enforcement(&checked.spec, 0.5)[0].hold_ups[0];
    assert_eq!((for_good.pockets[0].1, for_good.gain, for_good.binds), (None, 4.5, true));
}
