//! The generated agreement and log that the replay bench and the instruction counts
//! share: 10 phases of 10 commitments and a monitoring log of any length.

// Each user (the bench, the example) takes what it needs; the rest is unused there.
#![allow(dead_code)]

use detente_engine::log::{load, Format};
use detente_engine::{Agreement, Log};
use detente_spec::time::{Date, Duration};
use detente_spec::{check, SourceFile};

const PHASES: usize = 10;
const PER_PHASE: usize = 10;

/// 10 phases of 10 commitments: in each, 5 verified continuing measures capping a
/// quantity, 4 concessions relieving an instrument, 1 mutual step; one snap-back.
pub fn agreement() -> Agreement {
    let mut toml = String::from(
        "[agreement]\nid = \"bench\"\ntitle = \"Benchmark\"\nadopted = 2000-01-01\n\n\
         [[party]]\nid = \"giver\"\nname = \"Giver\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"taker\"\nname = \"Taker\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"inspectorate\"\nname = \"Inspectorate\"\nrole = \"verifier\"\n",
    );
    for q in 0..5 {
        toml += &format!(
            "\n[[quantity]]\nid = \"q{q}\"\nname = \"Q{q}\"\nunit = \"kg\"\ninitial = 10\nas_of = 2000-01-01\nsource = \"generated\"\n"
        );
    }
    for p in 0..PHASES {
        toml += &format!("\n[[phase]]\nid = \"p{p}\"\ntitle = \"P{p}\"\n");
        if p > 0 {
            toml += &format!("after = [\"p{}\"]\n", p - 1);
        }
        for n in 0..PER_PHASE {
            let id = format!("c{p}-{n}");
            toml += &match n {
                0..=4 => format!(
                    "\n[[commitment]]\nid = \"{id}\"\ntitle = \"{id}\"\nphase = \"p{p}\"\nby = [\"taker\"]\nkind = \"continuing\"\n\
                     category = \"measure\"\ndue = \"30 days\"\non_timeout = \"extended by 30 days\"\n\
                     limits = [{{ quantity = \"q{n}\", max = 1000, unit = \"kg\" }}]\n\
                     verification = {{ by = \"inspectorate\", method = \"m\", detection = 0.9 }}\n"
                ),
                5..=8 => format!(
                    "\n[[instrument]]\nid = \"i-{id}\"\nname = \"I\"\nkind = \"sanction\"\nimposed_by = [\"giver\"]\ntargets = [\"taker\"]\n\
                     since = 1999-01-01\nsource = \"generated\"\n\
                     \n[[commitment]]\nid = \"{id}\"\ntitle = \"{id}\"\nphase = \"p{p}\"\nby = [\"giver\"]\nkind = \"action\"\n\
                     category = \"concession\"\ndue = \"90 days\"\non_timeout = \"violated\"\nrelieves = [\"i-{id}\"]\n\
                     when = \"verified(c{p}-0)\"\n"
                ),
                _ => format!(
                    "\n[[commitment]]\nid = \"{id}\"\ntitle = \"{id}\"\nphase = \"p{p}\"\nby = [\"giver\", \"taker\"]\nkind = \"action\"\n\
                     category = \"mutual\"\ndue = \"1 year\"\non_timeout = \"discharged\"\n"
                ),
            };
        }
    }
    toml += "\n[[power]]\nid = \"snapback\"\ntitle = \"S\"\nkind = \"snapback\"\nholders = [\"giver\"]\n\
             trigger = \"violated(any of taker)\"\nnotice = \"30 days\"\ncancellable = true\nrestores = \"all\"\n";
    let checked = check(&SourceFile::new("bench.toml", toml));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics.first());
    Agreement::compile(&checked.spec).unwrap()
}

/// A log of `events` lines in which every phase is performed in turn, with a steady
/// stream of measurements (the bulk of any monitoring record), verifications and the
/// occasional claimed violation settled a few days later (1,000,000 lines span about
/// 27 years).
pub fn log_lines(agreement: &Agreement, events: usize) -> Vec<String> {
    let start = agreement.spec.agreement.adopted;
    let mut lines = Vec::with_capacity(events);
    let per_day = 100;
    let mut day = 0u32;
    let date = |d: u32| Duration::days(d).after(start).unwrap();
    let push = |lines: &mut Vec<String>,
                d: u32,
                actor: &str,
                kind: &str,
                subject: &str,
                value: Option<f64>| {
        let value = value.map(|v| format!(", \"value\": {v}")).unwrap_or_default();
        lines.push(format!(
            "{{\"date\": \"{}\", \"actor\": \"{actor}\", \"kind\": \"{kind}\", \"subject\": \"{subject}\"{value}}}",
            date(d)
        ));
    };
    while lines.len() < events {
        let phase = (day as usize / 60).min(PHASES - 1);
        if day % 60 == 1 && day / 60 < PHASES as u32 {
            for n in 0..5 {
                push(&mut lines, day, "taker", "performed", &format!("c{phase}-{n}"), None);
                push(&mut lines, day, "inspectorate", "verified", &format!("c{phase}-{n}"), None);
            }
            for n in 5..9 {
                push(&mut lines, day, "giver", "performed", &format!("c{phase}-{n}"), None);
            }
            for party in ["giver", "taker"] {
                push(&mut lines, day, party, "performed", &format!("c{phase}-9"), None);
            }
        }
        for i in 0..per_day {
            let q = i % 5;
            push(&mut lines, day, "inspectorate", "measured", &format!("q{q}"), Some(100.0 + (i % 7) as f64));
        }
        if day % 97 == 3 {
            push(&mut lines, day, "giver", "violation", "c0-1", None);
        }
        if day % 97 == 10 {
            push(&mut lines, day, "giver", "resolved", "c0-1", None);
        }
        day += 1;
    }
    lines.truncate(events);
    lines
}

/// The log of [`log_lines`], read.
pub fn log(agreement: &Agreement, events: usize) -> Log {
    let text = log_lines(agreement, events).join("\n");
    load(&text, Format::JsonLines, agreement, false).expect("the generated log is valid")
}

/// `n` dates spread over the log's span, in no order (each query a fresh date).
pub fn query_dates(agreement: &Agreement, log: &Log, n: u32) -> Vec<Date> {
    let adopted = agreement.spec.agreement.adopted;
    let last = log.events.last().map_or(adopted, |e| e.date);
    let span = (last - adopted).get_days().max(1) as u32;
    (0..n).map(|i| Duration::days(i * 7919 % span).after(adopted).unwrap()).collect()
}
