//! Random agreements and logs for the engine's property and differential tests.
#![allow(dead_code)]

use detente_engine::log::{load, Format};
use detente_engine::{Agreement, Log};
use detente_spec::time::{Date, Duration};
use detente_spec::{check, SourceFile};
use proptest::prelude::*;

/// A random commitment: (kind is action, category 0 measure-by-b / 1 concession-by-a /
/// 2 mutual / 3 measure by b and a, due days, timeout 0 violated / 1 discharged / 2 extended,
/// verified, extras).
/// The extras are a bitmask: 1 a `when` condition, 2 `lasts`, 4 a cap on `q0`, 8
/// freezing facility `f0`, 16 a declaration (`binding = false`), 32 a `while`
/// condition, 64 a deadline on a calendar date, 128 a notice period, 256 added by the
/// amendment (512: replacing an earlier commitment), 1024 breaches established by the
/// external body `x`.
type CommitmentPlan = (bool, u8, u32, u8, bool, u16);

#[derive(Clone, Debug)]
pub struct Plan {
    phases: usize,
    commitments: Vec<(usize, CommitmentPlan)>,
    instruments: usize,
    snapback: Option<(bool, u32, bool)>,
    events: Vec<(u32, u8, usize, u32)>,
    dated_phases: bool,
    /// Extras: 1 b holds a power suspending its own first measure when a is alleged in
    /// breach; 2 the snap-back also suspends the last phase; 4 the snap-back ends when
    /// no claim against b stands (`resumes_when`); 8 b is essential; 16 `c` succeeds `b`
    /// on 2021-06-01; 32 the agreement stalls after 120 days; 64 the amendment has a
    /// fixed date; 128 quantity `q1` is first estimated after adoption; 256 the core
    /// bargain is `mb0` and `c0`.
    features: u16,
}

pub fn plan() -> impl Strategy<Value = Plan> {
    let commitment = (any::<bool>(), 0u8..4, 1u32..200, 0u8..3, any::<bool>(), 0u16..2048);
    (
        1usize..4,
        prop::collection::vec((0usize..3, commitment), 1..7),
        0usize..3,
        prop::option::of((any::<bool>(), 0u32..60, any::<bool>())),
        prop::collection::vec((0u32..20, 0u8..25, 0usize..12, 1u32..60), 0..40),
        any::<bool>(),
        0u16..512,
    )
        .prop_map(|(phases, commitments, instruments, snapback, events, dated_phases, features)| Plan {
            phases,
            commitments: commitments.into_iter().map(|(p, c)| (p % phases, c)).collect(),
            instruments,
            snapback,
            events,
            dated_phases,
            features,
        })
}

const ADOPTED: &str = "2020-01-01";
const ENDS: &str = "2024-01-01";
const SUCCESSION: &str = "2021-06-01";

/// Builds a valid agreement from a plan: every phase carries a verified measure by each
/// signatory, so any concession is reciprocated; concessions relieve the instruments.
pub fn build(plan: &Plan) -> Agreement {
    let stalls = if plan.features & 32 != 0 { "stalls_after = \"120 days\"\n" } else { "" };
    let core = if plan.features & 256 != 0 { "core = [\"mb0\", \"c0\"]\n" } else { "" };
    let essential = if plan.features & 8 != 0 { "essential = true\n" } else { "" };
    let mut toml = format!(
        "[agreement]\nid = \"random\"\ntitle = \"Random\"\nadopted = {ADOPTED}\nends = {ENDS}\n{stalls}{core}\n\
         [[party]]\nid = \"a\"\nname = \"A\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"b\"\nname = \"B\"\nrole = \"signatory\"\n{essential}\n\
         [[party]]\nid = \"v\"\nname = \"V\"\nrole = \"verifier\"\n\n\
         [[party]]\nid = \"x\"\nname = \"X\"\nrole = \"external\"\nasserts = [\"violation-verified\", \"resolved\"]\n\n\
         [[quantity]]\nid = \"q0\"\nname = \"Q\"\nunit = \"kg\"\ninitial = 10\nas_of = 2019-12-01\nsource = \"s\"\n\n\
         [[facility]]\nid = \"f0\"\nname = \"F\"\nstatus = \"operating\"\nsource = \"s\"\n"
    );
    if plan.features & 16 != 0 {
        toml += &format!(
            "\n[[party]]\nid = \"c\"\nname = \"C\"\nrole = \"signatory\"\nsucceeds = {{ party = \"b\", on = {SUCCESSION} }}\n"
        );
    }
    if plan.features & 128 != 0 {
        toml += "\n[[quantity]]\nid = \"q1\"\nname = \"Q1\"\nunit = \"kg\"\ninitial = 70\nas_of = 2020-06-01\nsource = \"s\"\n";
    }
    let effective = if plan.features & 64 != 0 { "effective = 2020-08-01\n" } else { "" };
    toml += &format!("\n[[amendment]]\nid = \"am\"\ntitle = \"Amendment\"\n{effective}");
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
    let mut replaced = Vec::new();
    for (n, (phase, (action, category, due, timeout, verified, extras))) in
        plan.commitments.iter().enumerate()
    {
        let (by, category_word) = match category {
            0 => ("[\"b\"]", "measure"),
            1 => ("[\"a\"]", "concession"),
            2 => ("[\"a\", \"b\"]", "mutual"),
            // Several parties' own parts (not a joint act): one leaving leaves the rest owed.
            _ => ("[\"b\", \"a\"]", "measure"),
        };
        let kind = if *action { "action" } else { "continuing" };
        let declaration = extras & 16 != 0;
        let timeout = if declaration {
            "discharged"
        } else {
            ["violated", "discharged", "extended by 30 days"][*timeout as usize]
        };
        let due = if extras & 64 != 0 { format!("{}", day(*due)) } else { format!("{due} days") };
        toml += &format!(
            "\n[[commitment]]\nid = \"c{n}\"\ntitle = \"C\"\nphase = \"p{phase}\"\nby = {by}\nkind = \"{kind}\"\n\
             category = \"{category_word}\"\ndue = \"{due}\"\non_timeout = \"{timeout}\"\n"
        );
        if declaration {
            toml += "binding = false\n";
        }
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
        } else if extras & 1024 != 0 {
            toml += "established_by = [\"x\"]\n";
        }
        if extras & 1 != 0 {
            // Every form of condition, so every kind of state change is exercised.
            let when = match n % 5 {
                0 => format!("verified(mb{phase}) or quantity(q0) > 60"),
                1 => format!("complete(p{}) or alleged(any of a)", phase.saturating_sub(1)),
                2 => "not in_force(i0) or status(f0) == frozen".to_string(),
                3 => format!("suspended(mb{phase}) or terminated(ma{phase})"),
                _ if n % 2 == 0 => "date >= 2020-09-01 and not violated(any of b)".to_string(),
                _ => "date >= 2020-09-01 and not unremedied(any of b)".to_string(),
            };
            let when = if plan.instruments == 0 { when.replace("not in_force(i0) or ", "") } else { when };
            let when = if plan.features & 128 != 0 {
                when.replace("quantity(q0) > 60", "quantity(q1) > 60")
            } else {
                when
            };
            toml += &format!("when = \"{when}\"\n");
        }
        if extras & 32 != 0 {
            let (condition, otherwise) = match n % 3 {
                0 => ("not alleged(any of a)", "suspended"),
                1 => ("not suspended(mb0) and not terminated(mb0)", "suspended"),
                _ => ("date < 2021-03-01", "released"),
            };
            toml += &format!("while = \"{condition}\"\notherwise = \"{otherwise}\"\n");
        }
        if extras & 128 != 0 {
            toml += "notice = \"20 days\"\n";
        }
        if extras & 256 != 0 {
            toml += "amendment = \"am\"\n";
            let old = (0..n).rev().find(|k| plan.commitments[*k].1 .5 & 256 == 0 && !replaced.contains(k));
            if let (true, Some(old)) = (extras & 512 != 0, old) {
                toml += &format!("replaces = [\"c{old}\"]\n");
                replaced.push(old);
            }
        }
        if extras & 2 != 0 && !*action {
            toml += &format!(
                "lasts = \"{} days\"\n",
                due.trim_end_matches(" days").parse::<u32>().unwrap_or(60) + 30
            );
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
        if plan.features & 2 != 0 {
            toml += &format!("suspends = [\"p{}\"]\n", plan.phases - 1);
        }
        if plan.features & 4 != 0 {
            // Relief back once nothing is alleged, or once every breach is remedied.
            let resumes = if notice % 2 == 0 { "not alleged(any of b)" } else { "not unremedied(any of b)" };
            toml += &format!("resumes_when = \"{resumes}\"\n");
            if plan.features & 2 == 0 {
                toml += "suspends = [\"ma0\"]\n";
            }
        }
    }
    if plan.features & 1 != 0 {
        toml += "\n[[power]]\nid = \"hold\"\ntitle = \"H\"\nkind = \"suspend\"\nholders = [\"b\"]\n\
                 trigger = \"alleged(any of a)\"\nsuspends = [\"mb0\"]\n";
    }
    let checked = check(&SourceFile::new("random.toml", toml.clone()));
    assert!(
        !checked.has_errors(),
        "{:?}\n{toml}",
        checked.diagnostics.iter().find(|d| d.severity() == detente_spec::Severity::Error)
    );
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
    let succession = spec.party.iter().any(|p| p.id == "c");
    let mut lines = Vec::new();
    let mut offset = 0;
    for &(gap, kind, subject, value) in &plan.events {
        offset += gap * 7;
        let date = day(offset);
        // Some events are known only to the month: they apply at the month's end.
        let when =
            if value % 9 == 0 { format!("{:04}-{:02}", date.year(), date.month()) } else { date.to_string() };
        let c = commitments[subject % commitments.len()];
        // After the succession, `c` acts for `b` (and `b`'s own events become notes).
        let acting = |party: &str| -> String {
            if party == "b" && succession && subject % 2 == 1 {
                "c".into()
            } else {
                party.into()
            }
        };
        let event = |actor: &str, kind: &str, subject: &str, extra: String| {
            format!("{{\"date\": \"{when}\", \"actor\": \"{actor}\", \"kind\": \"{kind}\", \"subject\": \"{subject}\"{extra}}}")
        };
        let line = |actor: &str, kind: &str, subject: &str, value: Option<u32>| {
            event(actor, kind, subject, value.map(|v| format!(", \"value\": {v}")).unwrap_or_default())
        };
        let bound = acting(&c.by[subject % c.by.len()]);
        let accused = &c.by[value as usize % c.by.len()];
        let until = |days: u32| format!(", \"until\": \"{}\"", day(offset + 31 + days));
        let event = match kind {
            0 | 1 => Some(line(&bound, "performed", &c.id, None)),
            2 => c.verification.as_ref().map(|_| line("v", "verified", &c.id, None)),
            3 => Some(line(if subject % 2 == 0 { "a" } else { "b" }, "violation", &c.id, None)),
            4 => match (&c.verification, c.established_by.is_empty()) {
                (Some(_), _) => Some(line("v", "violation-verified", &c.id, None)),
                (None, false) => Some(line("x", "violation-verified", &c.id, None)),
                _ => None,
            },
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
                let quantity = if spec.quantity.len() > 1 && subject % 5 == 0 { "q1" } else { "q0" };
                Some(line(actor, "measured", quantity, Some(value * 2)))
            }
            10 => spec.power.iter().find(|p| p.id == "hold").map(|p| line("b", "invoked", &p.id, None)),
            11 => {
                let claimant = if subject % 2 == 0 { "a" } else { "b" };
                Some(event(claimant, "violation", &c.id, format!(", \"against\": \"{accused}\"")))
            }
            12 => c
                .verification
                .as_ref()
                .map(|_| event("v", "violation-verified", &c.id, format!(", \"against\": \"{accused}\""))),
            13 => Some(line(if subject % 3 == 0 { "x" } else { "a" }, "resolved", &c.id, None)),
            14 => Some(line(&acting(accused), "disputed", &c.id, None)),
            15 => Some(line(&bound, "renounced", &c.id, None)),
            16 => Some(line("b", "renounced", &format!("p{}", subject % plan.phases), None)),
            17 => Some(line(&bound, "suspended", &c.id, None)),
            18 => Some(line(&acting("b"), "suspended", "random", None)),
            19 if subject % 2 == 0 => Some(line(&bound, "resumed", &c.id, None)),
            19 => Some(line(&acting("b"), "resumed", "random", None)),
            20 => spec.power.iter().find(|p| p.id == "snap").map(|p| line("a", "resumed", &p.id, None)),
            21 => Some(line("a", "amended", "am", None)),
            22 => Some(event("a", "extended", &c.id, until(value))),
            24 => (c.kind == detente_spec::model::CommitmentKind::Action)
                .then(|| line(&bound, "reversed", &c.id, None)),
            // The term stays within the queried days (the last is day 1500).
            23 if offset + 31 < 1480 => {
                let to = day((offset + 31 + value * 7).min(1480));
                Some(event("a", "extended", "random", format!(", \"until\": \"{to}\"")))
            }
            _ => (subject == 0)
                .then(|| format!("{{\"date\": \"{when}\", \"actor\": \"b\", \"kind\": \"withdrew\"}}")),
        };
        lines.extend(event);
    }
    load(&lines.join("\n"), Format::JsonLines, agreement, false)
        .unwrap_or_else(|e| panic!("{e:?}\n{}", lines.join("\n")))
}

pub fn query_days() -> Vec<Date> {
    [0, 30, 90, 200, 400, 700, 1000, 1460, 1500].into_iter().map(day).collect()
}
