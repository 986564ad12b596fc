//! Invariants of `docs/semantics.md` (CONCEPTS.md section 3) on random agreements and
//! random logs: determinism, causality, relief only through a fulfilled commitment,
//! snap-back restoring relief, nothing performed in a locked phase, every commitment
//! final after the agreement ends, checkpointed queries equal to fresh replays, and a
//! timeline that ends in the state's statuses.

use detente_engine::log::{load, Format};
use detente_engine::state::*;
use detente_engine::{state, timeline, Agreement, Log, Replay};
use detente_spec::time::{Date, Duration};
use detente_spec::{check, SourceFile};
use proptest::prelude::*;

/// A random commitment: (kind is action, category 0 measure-by-b / 1 concession-by-a /
/// 2 mutual / 3 measure-by-a, due days, timeout 0 violated / 1 discharged / 2 extended,
/// verified).
type CommitmentPlan = (bool, u8, u32, u8, bool);

#[derive(Clone, Debug)]
struct Plan {
    phases: usize,
    commitments: Vec<(usize, CommitmentPlan)>,
    instruments: usize,
    snapback: Option<(bool, u32, bool)>,
    events: Vec<(u32, u8, usize, u32)>,
}

fn plan() -> impl Strategy<Value = Plan> {
    let commitment = (any::<bool>(), 0u8..4, 1u32..200, 0u8..3, any::<bool>());
    (
        1usize..4,
        prop::collection::vec((0usize..3, commitment), 1..7),
        0usize..3,
        prop::option::of((any::<bool>(), 0u32..60, any::<bool>())),
        prop::collection::vec((0u32..20, 0u8..9, 0usize..12, 1u32..60), 0..40),
    )
        .prop_map(|(phases, commitments, instruments, snapback, events)| Plan {
            phases,
            commitments: commitments.into_iter().map(|(p, c)| (p % phases, c)).collect(),
            instruments,
            snapback,
            events,
        })
}

const ADOPTED: &str = "2020-01-01";
const ENDS: &str = "2024-01-01";

/// Builds a valid agreement from a plan: every phase carries a verified measure by each
/// signatory, so any concession is reciprocated; concessions relieve the instruments.
fn build(plan: &Plan) -> Agreement {
    let mut toml = format!(
        "[agreement]\nid = \"random\"\ntitle = \"Random\"\nadopted = {ADOPTED}\nends = {ENDS}\n\n\
         [[party]]\nid = \"a\"\nname = \"A\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"b\"\nname = \"B\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"v\"\nname = \"V\"\nrole = \"verifier\"\n"
    );
    for i in 0..plan.instruments {
        toml += &format!(
            "\n[[instrument]]\nid = \"i{i}\"\nname = \"I\"\nkind = \"sanction\"\nimposed_by = [\"a\"]\ntargets = [\"b\"]\nsince = 2019-01-01\nsource = \"s\"\n"
        );
    }
    for p in 0..plan.phases {
        toml += &format!("\n[[phase]]\nid = \"p{p}\"\ntitle = \"P\"\n");
        if p > 0 {
            toml += &format!("after = [\"p{}\"]\n", p - 1);
        }
        for (party, id) in [("b", "mb"), ("a", "ma")] {
            toml += &format!(
                "\n[[commitment]]\nid = \"{id}{p}\"\ntitle = \"M\"\nphase = \"p{p}\"\nby = [\"{party}\"]\nkind = \"action\"\n\
                 category = \"measure\"\ndue = \"60 days\"\non_timeout = \"violated\"\n\
                 verification = {{ by = \"v\", method = \"m\", detection = 0.9 }}\n"
            );
        }
    }
    let mut relieved = 0;
    for (n, (phase, (action, category, due, timeout, verified))) in plan.commitments.iter().enumerate() {
        let (by, category_word) = match category {
            0 => ("[\"b\"]", "measure"),
            1 => ("[\"a\"]", "concession"),
            2 => ("[\"a\", \"b\"]", "mutual"),
            _ => ("[\"a\"]", "measure"),
        };
        let kind = if *action { "action" } else { "continuing" };
        let timeout = ["violated", "discharged", "extended by 30 days"][*timeout as usize];
        toml += &format!(
            "\n[[commitment]]\nid = \"c{n}\"\ntitle = \"C\"\nphase = \"p{phase}\"\nby = {by}\nkind = \"{kind}\"\n\
             category = \"{category_word}\"\ndue = \"{due} days\"\non_timeout = \"{timeout}\"\n"
        );
        if *category == 1 {
            if relieved < plan.instruments {
                toml += &format!("relieves = [\"i{relieved}\"]\n");
                relieved += 1;
            } else {
                toml += "benefits = [\"b\"]\n";
            }
        }
        if *verified && *category != 2 {
            toml += "verification = { by = \"v\", method = \"m\", detection = 0.5 }\n";
        }
    }
    if let (Some((alleged, notice, cancellable)), true) = (plan.snapback, relieved > 0) {
        let trigger = if alleged { "alleged(any of b)" } else { "violated(any of b)" };
        toml += &format!(
            "\n[[power]]\nid = \"snap\"\ntitle = \"S\"\nkind = \"snapback\"\nholders = [\"a\"]\ntrigger = \"{trigger}\"\n\
             notice = \"{notice} days\"\ncancellable = {cancellable}\nrestores = \"all\"\n"
        );
    }
    let checked = check(&SourceFile::new("random.toml", toml.clone()));
    assert!(!checked.has_errors(), "{:?}\n{toml}", checked.diagnostics.first());
    Agreement::compile(&checked.spec).unwrap()
}

fn day(offset: u32) -> Date {
    Duration::days(offset).after(detente_spec::time::parse_date(ADOPTED).unwrap()).unwrap()
}

/// Turns planned events into a valid log: each is (days after the previous event, a
/// kind selector, a subject selector, a value).
fn events(agreement: &Agreement, plan: &Plan) -> Log {
    let spec = &agreement.spec;
    let commitments: Vec<&detente_spec::model::Commitment> = spec.commitment.iter().collect();
    let mut lines = Vec::new();
    let mut offset = 0;
    for &(gap, kind, subject, value) in &plan.events {
        offset += gap * 7;
        let date = day(offset);
        let c = commitments[subject % commitments.len()];
        let line = |actor: &str, kind: &str, subject: &str, value: Option<u32>| {
            let value = value.map(|v| format!(", \"value\": {v}")).unwrap_or_default();
            format!("{{\"date\": \"{date}\", \"actor\": \"{actor}\", \"kind\": \"{kind}\", \"subject\": \"{subject}\"{value}}}")
        };
        let event = match kind {
            0 | 1 => Some(line(&c.by[subject % c.by.len()], "performed", &c.id, None)),
            2 => c.verification.as_ref().map(|_| line("v", "verified", &c.id, None)),
            3 => Some(line(if subject % 2 == 0 { "a" } else { "b" }, "violation", &c.id, None)),
            4 => c.verification.as_ref().map(|_| line("v", "violation-verified", &c.id, None)),
            5 => spec.power.first().map(|p| line("a", "invoked", &p.id, None)),
            6 => {
                let target =
                    spec.power.first().filter(|_| subject % 2 == 0).map_or(c.id.as_str(), |p| p.id.as_str());
                Some(line("b", "resolved", target, None))
            }
            7 => Some(line("a", "extended", &c.id, Some(value))),
            _ => (subject == 0)
                .then(|| format!("{{\"date\": \"{date}\", \"actor\": \"b\", \"kind\": \"withdrew\"}}")),
        };
        lines.extend(event);
    }
    load(&lines.join("\n"), Format::JsonLines, agreement, false).unwrap_or_else(|e| panic!("{e:?}"))
}

fn query_days() -> Vec<Date> {
    [0, 30, 90, 200, 400, 700, 1000, 1460, 1500].into_iter().map(day).collect()
}

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
            before.events.retain(|e| e.date <= as_of);
            prop_assert_eq!(&s, &state(&agreement, &before, as_of).unwrap());
            check_state(&s)?;
        }
        // After the agreement ends, every commitment is final.
        let end = state(&agreement, &log, day(1500)).unwrap();
        prop_assert_eq!(end.agreement, AgreementStatus::Terminated);
        for c in &end.commitments {
            let done_deed = c.status == CommitmentStatus::Fulfilled;
            prop_assert!(c.status.is_terminal() || done_deed, "{} is {:?} after the end", c.id, c.status);
        }
    }

    #[test]
    fn the_timeline_ends_in_the_state(plan in plan()) {
        let agreement = build(&plan);
        let log = events(&agreement, &plan);
        let to = day(1000);
        let transitions = timeline(&agreement, &log, to);
        prop_assert!(transitions.windows(2).all(|w| w[0].date <= w[1].date));
        let s = state(&agreement, &log, to).unwrap();
        for c in &s.commitments {
            let last = transitions.iter().rev().find(|t| t.kind == "commitment" && t.item == c.id);
            let expected = last.map_or("inactive", |t| t.to.as_str());
            prop_assert_eq!(expected, c.describe, "commitment {}", c.id);
        }
    }
}

fn check_state(s: &State) -> Result<(), TestCaseError> {
    let commitment = |id: &str| s.commitments.iter().find(|c| c.id == id);
    // A relieved instrument always has a fulfilled relieving commitment.
    for i in s.instruments.iter().filter(|i| i.status == InstrumentStatus::Relieved) {
        let by = i.reason.causes.first().and_then(|id| commitment(id));
        let ok =
            by.is_some_and(|c| matches!(c.status, CommitmentStatus::Fulfilled | CommitmentStatus::Released));
        prop_assert!(ok, "{} relieved without a fulfilled commitment: {:?}", i.id, i.reason);
    }
    // After a snap-back takes effect, nothing relieved before it stays relieved.
    for p in s.powers.iter().filter(|p| p.status == PowerStatus::Exercised) {
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
