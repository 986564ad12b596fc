//! How the engine's cost grows with the size of an agreement: one simulated year, month
//! by month, of an agreement of N commitments (every party performing what it owes,
//! the verifier verifying), for N = 100, 1,000 and 10,000. Settling must cost in
//! proportion to what changed, not to the size of the agreement, so the cost per
//! commitment should stay roughly flat as N grows. Prints commitment-years per second.
//!
//! Figures (2-core shared machine, load average 2.7 to 3.4; the old engine and the new
//! measured one after the other, `cargo bench -p detente-engine --bench scale`):
//!
//! | N      | every pass scanning everything | settling by dependency |
//! |--------|--------------------------------|------------------------|
//! | 100    | 239 µs                         | 48 µs                  |
//! | 1,000  | 18.2 ms                        | 0.55 ms                |
//! | 10,000 | 1.91 s                         | 4.9 ms                 |
//!
//! Scanning every phase, commitment and power after each event cost about N per event,
//! N² per year. Settling now examines only the items whose inputs changed (see
//! `machine/incremental.rs`): about 0.5 µs per commitment-year at every size.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use detente_engine::log::Subject;
use detente_engine::state::CommitmentStatus;
use detente_engine::{Agreement, Machine};
use detente_spec::model::EventKind;
use detente_spec::time::{Date, Duration, Unit};
use detente_spec::{check, SourceFile};

/// N commitments in 10 phases, each phase after the last: per phase, half verified
/// continuing measures by the taker, the rest concessions by the giver owed once the
/// phase's first measure is verified, and a snap-back on any violation by the taker.
fn agreement(n: usize) -> Agreement {
    let per_phase = n / 10;
    let mut toml = String::from(
        "[agreement]\nid = \"scale\"\ntitle = \"Scale\"\nadopted = 2000-01-01\n\n\
         [[party]]\nid = \"giver\"\nname = \"Giver\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"taker\"\nname = \"Taker\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"inspectorate\"\nname = \"Inspectorate\"\nrole = \"verifier\"\n\n\
         [[instrument]]\nid = \"sanctions\"\nname = \"S\"\nkind = \"sanction\"\nimposed_by = [\"giver\"]\n\
         targets = [\"taker\"]\nsince = 1999-01-01\nsource = \"generated\"\n",
    );
    for p in 0..10 {
        toml += &format!("\n[[phase]]\nid = \"p{p}\"\ntitle = \"P{p}\"\n");
        if p > 0 {
            toml += &format!("after = [\"p{}\"]\n", p - 1);
        }
        for k in 0..per_phase {
            let id = format!("c{p}-{k}");
            toml += &if k < per_phase / 2 {
                format!(
                    "\n[[commitment]]\nid = \"{id}\"\ntitle = \"{id}\"\nphase = \"p{p}\"\nby = [\"taker\"]\n\
                     kind = \"continuing\"\ncategory = \"measure\"\ndue = \"30 days\"\non_timeout = \"violated\"\n\
                     verification = {{ by = \"inspectorate\", method = \"m\", detection = 0.9 }}\n"
                )
            } else {
                format!(
                    "\n[[commitment]]\nid = \"{id}\"\ntitle = \"{id}\"\nphase = \"p{p}\"\nby = [\"giver\"]\n\
                     kind = \"action\"\ncategory = \"concession\"\ndue = \"90 days\"\non_timeout = \"violated\"\n\
                     benefits = [\"taker\"]\nwhen = \"verified(c{p}-0)\"\n{}",
                    if p == 0 && k == per_phase / 2 { "relieves = [\"sanctions\"]\n" } else { "" }
                )
            };
        }
    }
    toml += "\n[[power]]\nid = \"snapback\"\ntitle = \"S\"\nkind = \"snapback\"\nholders = [\"giver\"]\n\
             trigger = \"violated(any of taker)\"\nnotice = \"30 days\"\nrestores = \"all\"\n";
    let checked = check(&SourceFile::new("scale.toml", toml));
    let errors: Vec<_> =
        checked.diagnostics.iter().filter(|d| d.severity() == detente_spec::Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    Agreement::compile(&checked.spec).unwrap()
}

/// One sincere year, month by month: perform what is owed, verify what is performed.
fn year(ag: &Agreement) -> usize {
    let start = ag.spec.agreement.adopted;
    let months: Vec<Date> =
        (1..=12u32).map(|m| Duration { amount: m, unit: Unit::Month }.after(start).unwrap()).collect();
    let mut machine = Machine::live_lean(ag);
    for date in months {
        for (c, spec) in ag.commitments.iter().enumerate() {
            match machine.commitment_status(c) {
                CommitmentStatus::Pending | CommitmentStatus::Overdue => {
                    for &party in &spec.by {
                        let _ = machine.push(date, party, EventKind::Performed, Subject::Commitment(c), None);
                    }
                }
                CommitmentStatus::Performed => {
                    if let Some(v) = spec.verifier {
                        let _ = machine.push(date, v, EventKind::Verified, Subject::Commitment(c), None);
                    }
                }
                _ => {}
            }
        }
        machine.advance_to(date);
    }
    machine.events_applied()
}

fn bench_scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("scale");
    group.sample_size(10);
    for n in [100usize, 1_000, 10_000] {
        let ag = agreement(n);
        assert!(year(&ag) >= n / 2, "the year performs the first phases");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("one simulated year", n), &ag, |b, ag| b.iter(|| year(ag)));
    }
    group.finish();
}

criterion_group!(benches, bench_scale);
criterion_main!(benches);
