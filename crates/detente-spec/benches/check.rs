//! Parse and validate a large generated agreement: 100 phases of 100 commitments each
//! (10,000 commitments), the size of a detailed multi-year arms-control treaty with its
//! annexes many times over. Target: under 200 ms. Criterion prints the throughput in
//! commitments per second.

use std::fmt::Write;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente_spec::{check, SourceFile};

const PHASES: usize = 100;
const PER_PHASE: usize = 100;

/// A valid agreement with `PHASES * PER_PHASE` commitments: in each phase, verified
/// measures by one side, concessions relieving instruments by the other, and a mutual
/// step; phases chained in order; one snap-back.
fn generated_agreement() -> String {
    let mut out = String::from(
        "[agreement]\nid = \"big\"\ntitle = \"Generated\"\nadopted = 2020-01-01\n\n\
         [[party]]\nid = \"giver\"\nname = \"Giver\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"taker\"\nname = \"Taker\"\nrole = \"signatory\"\n\n\
         [[party]]\nid = \"inspectorate\"\nname = \"Inspectorate\"\nrole = \"verifier\"\n\n\
         [[quantity]]\nid = \"stock\"\nname = \"Stockpile\"\nunit = \"kg\"\ninitial = 100\nas_of = 2019-01-01\nsource = \"generated\"\n\n\
         [[facility]]\nid = \"plant\"\nname = \"Plant\"\nstatus = \"operating\"\nproduces = [{ quantity = \"stock\", per_year = 10 }]\nsource = \"generated\"\n",
    );
    for phase in 0..PHASES {
        let _ = write!(out, "\n[[phase]]\nid = \"phase-{phase}\"\ntitle = \"Phase {phase}\"\n");
        if phase > 0 {
            let _ = writeln!(out, "after = [\"phase-{}\"]", phase - 1);
        }
        for n in 0..PER_PHASE {
            let id = format!("c-{phase}-{n}");
            match n % 3 {
                0 => {
                    let _ = write!(
                        out,
                        "\n[[commitment]]\nid = \"{id}\"\ntitle = \"Measure {id}\"\nphase = \"phase-{phase}\"\nby = [\"taker\"]\n\
                         kind = \"continuing\"\ncategory = \"measure\"\ndue = \"30 days\"\non_timeout = \"violated\"\n\
                         limits = [{{ quantity = \"stock\", max = 100, unit = \"kg\" }}]\n\
                         verification = {{ by = \"inspectorate\", method = \"inspection\", detection = 0.9, every = \"1 month\" }}\n\
                         values = {{ cost = 1, benefit = {{ giver = 2 }} }}\n"
                    );
                }
                1 => {
                    let _ = write!(
                        out,
                        "\n[[instrument]]\nid = \"i-{id}\"\nname = \"Sanction {id}\"\nkind = \"sanction\"\nimposed_by = [\"giver\"]\n\
                         targets = [\"taker\"]\nsince = 2019-06-01\nweight = 10\nsource = \"generated\"\n\
                         \n[[commitment]]\nid = \"{id}\"\ntitle = \"Relief {id}\"\nphase = \"phase-{phase}\"\nby = [\"giver\"]\n\
                         kind = \"action\"\ncategory = \"concession\"\ndue = \"90 days\"\non_timeout = \"extended by 30 days\"\n\
                         when = \"verified(c-{phase}-{}) and not alleged(any of taker)\"\nrelieves = [\"i-{id}\"]\n",
                        n - 1
                    );
                }
                _ => {
                    let _ = write!(
                        out,
                        "\n[[commitment]]\nid = \"{id}\"\ntitle = \"Mutual {id}\"\nphase = \"phase-{phase}\"\nby = [\"giver\", \"taker\"]\n\
                         kind = \"action\"\ncategory = \"mutual\"\ndue = \"6 months\"\non_timeout = \"discharged\"\n"
                    );
                }
            }
        }
    }
    out.push_str(
        "\n[[power]]\nid = \"snapback\"\ntitle = \"Snap-back\"\nkind = \"snapback\"\nholders = [\"giver\"]\n\
         trigger = \"violated(any of taker)\"\nnotice = \"30 days\"\ncancellable = true\nrestores = \"all\"\n",
    );
    out
}

fn bench_check(c: &mut Criterion) {
    let text = generated_agreement();
    let file = SourceFile::new("generated.toml", text);
    let checked = check(&file);
    assert_eq!(checked.spec.commitment.len(), PHASES * PER_PHASE);
    assert!(checked.diagnostics.is_empty(), "{:?}", &checked.diagnostics[..checked.diagnostics.len().min(3)]);
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Elements((PHASES * PER_PHASE) as u64));
    group.sample_size(20);
    group.bench_function("parse+validate 10,000 commitments", |b| b.iter(|| check(&file)));
    // The floor: the TOML syntax tree alone, before detente reads or checks anything.
    group.bench_function("toml_edit syntax tree only (baseline)", |b| {
        b.iter(|| toml_edit::Document::parse(file.text.as_str()).map(|d| d.as_table().len()))
    });
    group.finish();
}

criterion_group!(benches, bench_check);
criterion_main!(benches);
