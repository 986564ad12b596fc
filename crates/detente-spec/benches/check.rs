//! Parse and validate a large generated agreement: 100 phases of 100 commitments each
//! (10,000 commitments), the size of a detailed multi-year arms-control treaty with its
//! annexes many times over. Target: under 200 ms. Criterion prints the throughput in
//! commitments per second. Also: conditions of 100,000 terms (parse, print, check).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente_spec::{check, SourceFile};

#[path = "../tests/common/generate.rs"]
mod generate;

const PHASES: usize = 100;
const PER_PHASE: usize = 100;
const TERMS: usize = 100_000;

fn bench_check(c: &mut Criterion) {
    let text = generate::agreement(PHASES, PER_PHASE);
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

/// A `when` of 100,000 terms joined by `and`, and by `or`: decoding, validation and the
/// mapping of every reference into the file are linear in the condition's length
/// (27 s before they were; see tests/limits.rs).
fn bench_long_condition(c: &mut Criterion) {
    let mut group = c.benchmark_group("condition");
    group.throughput(Throughput::Elements(TERMS as u64));
    group.sample_size(10);
    for op in ["and", "or"] {
        let file = SourceFile::new("long.toml", generate::long_condition(TERMS, op));
        assert!(!check(&file).has_errors());
        group.bench_function(format!("check a 100,000-term `{op}` condition"), |b| b.iter(|| check(&file)));
        let text = file.text.as_str();
        let inner = &text[text.rfind("when = \"").unwrap() + 8..text.len() - 2];
        group.bench_function(format!("parse a 100,000-term `{op}` condition"), |b| {
            b.iter(|| detente_spec::condition::parse(inner).unwrap())
        });
        let condition = detente_spec::condition::parse(inner).unwrap().condition;
        group.bench_function(format!("print a 100,000-term `{op}` condition"), |b| {
            b.iter(|| condition.to_string())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_check, bench_long_condition);
criterion_main!(benches);
