//! Replay throughput and state queries on a generated agreement of 100 commitments
//! with a log of 1,000,000 events: the scale of decades of monitoring data.
//!
//! Targets: at least 2 million events per second replayed on one core; 1,000 `state`
//! queries at different dates under 100 ms in total. Criterion prints events/s and
//! queries/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente_engine::log::{load, Format};
use detente_engine::{Agreement, Log, Machine};
use detente_spec::time::{Date, Duration};
use detente_spec::{check, SourceFile};

const PHASES: usize = 10;
const PER_PHASE: usize = 10;
const EVENTS: usize = 1_000_000;

/// 10 phases of 10 commitments: in each, 5 verified continuing measures capping a
/// quantity, 4 concessions relieving an instrument, 1 mutual step; one snap-back.
fn agreement() -> Agreement {
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

/// A log in which every phase is performed in turn, with a steady stream of
/// measurements (the bulk of any monitoring record), verifications and the occasional
/// claimed violation settled a few days later, spread over about 27 years.
fn log(agreement: &Agreement) -> Log {
    let start = agreement.spec.agreement.adopted;
    let mut lines = Vec::with_capacity(EVENTS);
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
    while lines.len() < EVENTS {
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
    lines.truncate(EVENTS);
    load(&lines.join("\n"), Format::JsonLines, agreement, false).expect("the generated log is valid")
}

fn bench_replay(c: &mut Criterion) {
    let agreement = agreement();
    let log = log(&agreement);
    let last = log.events.last().unwrap().date;
    let mut group = c.benchmark_group("replay");
    group.sample_size(10);
    group.throughput(Throughput::Elements(log.events.len() as u64));
    group.bench_function("1,000,000 events, 100 commitments", |b| {
        b.iter(|| {
            let mut machine = Machine::new(&agreement, &log.events, false);
            machine.advance_to(last);
            machine.state().events_applied
        })
    });
    group.finish();

    let adopted = agreement.spec.agreement.adopted;
    let span = (last - adopted).get_days().max(1) as u32;
    let dates: Vec<Date> =
        (0..1000u32).map(|i| Duration::days(i * 7919 % span).after(adopted).unwrap()).collect();
    let replay = detente_engine::Replay::new(&agreement, &log);
    let mut group = c.benchmark_group("queries");
    group.sample_size(10);
    group.throughput(Throughput::Elements(dates.len() as u64));
    group.bench_function("1,000 state queries at different dates", |b| {
        b.iter(|| dates.iter().map(|d| replay.state_at(*d).unwrap().events_applied).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, bench_replay);
criterion_main!(benches);
