//! Random agreements and logs for the engine's property and differential tests.
#![allow(dead_code)]

use detente_engine::log::{load, Format};
use detente_engine::{Agreement, Log};
use detente_spec::time::{Date, Duration};
use detente_spec::{check, SourceFile};
use proptest::prelude::*;

/// A random commitment: (kind is action, category 0 measure-by-b / 1 concession-by-a /
/// 2 mutual / 3 measure-by-a, due days, timeout 0 violated / 1 discharged / 2 extended,
/// verified).
/// The last field is a bitmask of extras: 1 a `when` condition, 2 `lasts`, 4 a cap on
/// `q0`, 8 freezing facility `f0`.
type CommitmentPlan = (bool, u8, u32, u8, bool, u8);

#[derive(Clone, Debug)]
pub struct Plan {
    phases: usize,
    commitments: Vec<(usize, CommitmentPlan)>,
    instruments: usize,
    snapback: Option<(bool, u32, bool)>,
    events: Vec<(u32, u8, usize, u32)>,
    dated_phases: bool,
    /// Extras: 1 b holds a power suspending its own first measure when a is alleged in
    /// breach; 2 the snap-back also suspends the last phase.
    powers: u8,
}

pub fn plan() -> impl Strategy<Value = Plan> {
    let commitment = (any::<bool>(), 0u8..4, 1u32..200, 0u8..3, any::<bool>(), 0u8..16);
    (
        1usize..4,
        prop::collection::vec((0usize..3, commitment), 1..7),
        0usize..3,
        prop::option::of((any::<bool>(), 0u32..60, any::<bool>())),
        prop::collection::vec((0u32..20, 0u8..14, 0usize..12, 1u32..60), 0..40),
        any::<bool>(),
        0u8..4,
    )
        .prop_map(|(phases, commitments, instruments, snapback, events, dated_phases, powers)| Plan {
            phases,
            commitments: commitments.into_iter().map(|(p, c)| (p % phases, c)).collect(),
            instruments,
            snapback,
            events,
            dated_phases,
            powers,
        })
}

const ADOPTED: &str = "2020-01-01";
const ENDS: &str = "2024-01-01";

/// Builds a valid agreement from a plan: every phase carries a verified measure by each
/// signatory, so any concession is reciprocated; concessions relieve the instruments.
pub fn build(plan: &Plan) -> Agreement {
    let mut toml = format!(
        "[agreement]\nid = \"random\"\ntitle = \"Random\"\nadopted = {ADOPTED}\nends = {ENDS}\n\n\
         [[party]]\nid = \"a\"\nname = \"A\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"b\"\nname = \"B\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"v\"\nname = \"V\"\nrole = \"verifier\"\n\n\
         [[quantity]]\nid = \"q0\"\nname = \"Q\"\nunit = \"kg\"\ninitial = 10\nas_of = 2019-12-01\nsource = \"s\"\n\n\
         [[facility]]\nid = \"f0\"\nname = \"F\"\nstatus = \"operating\"\nsource = \"s\"\n"
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
            if plan.dated_phases {
                toml += &format!("opens_when = \"date >= 2020-0{}-15\"\n", p + 2);
            }
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
    for (n, (phase, (action, category, due, timeout, verified, extras))) in
        plan.commitments.iter().enumerate()
    {
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
        if extras & 1 != 0 {
            // Every form of condition, so every kind of state change is exercised.
            let when = match n % 4 {
                0 => format!("verified(mb{phase}) or quantity(q0) > 60"),
                1 => format!("complete(p{}) or alleged(any of a)", phase.saturating_sub(1)),
                2 => "not in_force(i0) or status(f0) == frozen".to_string(),
                _ => "date >= 2020-09-01 and not violated(any of b)".to_string(),
            };
            let when = if plan.instruments == 0 { when.replace("not in_force(i0) or ", "") } else { when };
            toml += &format!("when = \"{when}\"\n");
        }
        if extras & 2 != 0 && !*action {
            toml += &format!("lasts = \"{} days\"\n", due + 30);
        }
        if extras & 4 != 0 && *category != 1 {
            toml += "limits = [{ quantity = \"q0\", max = 50, unit = \"kg\" }]\n";
        }
        if extras & 8 != 0 && *category != 1 {
            toml += "sets = [{ facility = \"f0\", status = \"frozen\" }]\n";
        }
    }
    if let (Some((alleged, notice, cancellable)), true) = (plan.snapback, relieved > 0) {
        let trigger = if alleged { "alleged(any of b)" } else { "violated(any of b)" };
        toml += &format!(
            "\n[[power]]\nid = \"snap\"\ntitle = \"S\"\nkind = \"snapback\"\nholders = [\"a\"]\ntrigger = \"{trigger}\"\n\
             notice = \"{notice} days\"\ncancellable = {cancellable}\nrestores = \"all\"\n"
        );
        if plan.powers & 2 != 0 {
            toml += &format!("suspends = [\"p{}\"]\n", plan.phases - 1);
        }
    }
    if plan.powers & 1 != 0 {
        toml += "\n[[power]]\nid = \"hold\"\ntitle = \"H\"\nkind = \"suspend\"\nholders = [\"b\"]\n\
                 trigger = \"alleged(any of a)\"\nsuspends = [\"mb0\"]\n";
    }
    let checked = check(&SourceFile::new("random.toml", toml.clone()));
    assert!(!checked.has_errors(), "{:?}\n{toml}", checked.diagnostics.first());
    Agreement::compile(&checked.spec).unwrap()
}

pub fn day(offset: u32) -> Date {
    Duration::days(offset).after(detente_spec::time::parse_date(ADOPTED).unwrap()).unwrap()
}

/// Turns planned events into a valid log: each is (days after the previous event, a
/// kind selector, a subject selector, a value).
pub fn events(agreement: &Agreement, plan: &Plan) -> Log {
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
            5 => spec.power.iter().find(|p| p.id == "snap").map(|p| line("a", "invoked", &p.id, None)),
            6 => {
                let target = spec
                    .power
                    .iter()
                    .find(|p| p.id == "snap")
                    .filter(|_| subject % 2 == 0)
                    .map_or(c.id.as_str(), |p| p.id.as_str());
                Some(line("b", "resolved", target, None))
            }
            7 => Some(line("a", "extended", &c.id, Some(value))),
            8 if subject % 3 != 0 => {
                let actor = if subject % 2 == 0 { "v" } else { "a" };
                let quantity = format!("{{\"date\": \"{date}\", \"actor\": \"{actor}\", \"kind\": \"measured\", \"subject\": \"q0\", \"value\": {}}}", value * 2);
                Some(quantity)
            }
            10 => spec.power.iter().find(|p| p.id == "hold").map(|p| line("b", "invoked", &p.id, None)),
            11 => {
                // A claim naming one accused party of the commitment.
                let accused = &c.by[value as usize % c.by.len()];
                let claimant = if subject % 2 == 0 { "a" } else { "b" };
                Some(format!("{{\"date\": \"{date}\", \"actor\": \"{claimant}\", \"kind\": \"violation\", \"subject\": \"{}\", \"against\": \"{accused}\"}}", c.id))
            }
            12 => {
                let accused = &c.by[value as usize % c.by.len()];
                c.verification.as_ref().map(|_| format!("{{\"date\": \"{date}\", \"actor\": \"v\", \"kind\": \"violation-verified\", \"subject\": \"{}\", \"against\": \"{accused}\"}}", c.id))
            }
            13 => Some(line("a", "resolved", &c.id, None)),
            _ => (subject == 0)
                .then(|| format!("{{\"date\": \"{date}\", \"actor\": \"b\", \"kind\": \"withdrew\"}}")),
        };
        lines.extend(event);
    }
    load(&lines.join("\n"), Format::JsonLines, agreement, false).unwrap_or_else(|e| panic!("{e:?}"))
}

pub fn query_days() -> Vec<Date> {
    [0, 30, 90, 200, 400, 700, 1000, 1460, 1500].into_iter().map(day).collect()
}
