//! The roadmap (`detente show`) of each bundled scenario, pinned by snapshots.

use detente_spec::{check, roadmap, SourceFile};

fn scenario(name: &str) -> detente_spec::Spec {
    let path = format!("{}/../../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let checked = check(&SourceFile::new(name, std::fs::read_to_string(path).unwrap()));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    checked.spec
}

#[test]
fn korea_2020_text() {
    insta::assert_snapshot!(roadmap::text(&scenario("korea-2020.toml")));
}

#[test]
fn korea_2020_markdown() {
    insta::assert_snapshot!(roadmap::markdown(&scenario("korea-2020.toml")));
}

#[test]
fn korea_2020_big_deal_text() {
    insta::assert_snapshot!(roadmap::text(&scenario("korea-2020-big-deal.toml")));
}

#[test]
fn phases_are_listed_after_their_predecessors() {
    let spec = scenario("korea-2020.toml");
    let order: Vec<&str> = roadmap::phase_order(&spec).iter().map(|p| p.id.as_str()).collect();
    for phase in &spec.phase {
        let at = order.iter().position(|id| *id == phase.id).unwrap();
        for before in &phase.after {
            assert!(order.iter().position(|id| id == before).unwrap() < at);
        }
    }
}
