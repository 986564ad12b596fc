//! `[simulation.range]` and `verification.budget` on a valid file: what the assumptions'
//! values are, a stated range that holds the value passes, and a budget without a
//! source is warned about (W103). The malformed corpus covers the errors.

use detente_spec::assumption::{assumption, Domain};
use detente_spec::{check, Code, SourceFile};

fn starter_with(extra: &str, verification_extra: &str) -> detente_spec::Checked {
    let text = detente_spec::starter("deal");
    let text = text.replacen("every = \"1 month\"", &format!("every = \"1 month\"{verification_extra}"), 1);
    check(&SourceFile::new("deal.toml", format!("{text}\n{extra}")))
}

#[test]
fn assumptions_are_read_with_their_defaults_and_domains() {
    let checked = starter_with("", "");
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let spec = &checked.spec;
    let verified = spec.commitment.iter().find(|c| c.verification.is_some()).unwrap();
    let detection = assumption(spec, &format!("detection.{}", verified.id)).unwrap();
    assert_eq!(detection.value, verified.verification.as_ref().unwrap().detection);
    assert_eq!(detection.domain, Domain::Probability);
    assert_eq!(assumption(spec, "resolution").unwrap().value, 0.5);
    assert_eq!(assumption(spec, &format!("inspection.{}", verified.id)).unwrap().value, 1.0);
    assert!(assumption(spec, "walkout.never").is_err());
    assert!(assumption(spec, "detection.nothing").is_err());
}

#[test]
fn a_stated_range_that_holds_the_value_passes() {
    let checked = starter_with(
        "[simulation.range]\n\"resolution\" = { low = 0.2, high = 0.8, source = \"a label\" }\n",
        "",
    );
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    assert_eq!(checked.spec.simulation.as_ref().unwrap().range["resolution"].low, 0.2);
}

#[test]
fn a_budget_without_a_source_is_warned_about() {
    let with = starter_with("", ", budget = { inspections = 2, per = \"1 year\", source = \"a label\" }");
    assert!(with.diagnostics.iter().all(|d| d.code != Code::MissingSource), "{:?}", with.diagnostics);
    let without = starter_with("", ", budget = { inspections = 2, per = \"1 year\" }");
    assert!(!without.has_errors(), "{:?}", without.diagnostics);
    assert!(without
        .diagnostics
        .iter()
        .any(|d| d.code == Code::MissingSource && d.message.contains("budget")));
    let v =
        without.spec.commitment.iter().find_map(|c| c.verification.as_ref().filter(|v| v.budget.is_some()));
    assert_eq!(v.unwrap().budget_periods(), Some(12));
}
