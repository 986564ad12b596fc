//! The documentation says true things: the examples of docs/language.md form one valid
//! agreement, and docs/diagnostics.md documents every code with its title.

use detente_spec::{check, Code, SourceFile};

fn doc(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../docs/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The TOML code blocks of a Markdown text, in order.
fn toml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_language_examples_form_one_valid_agreement_without_warnings() {
    let blocks: Vec<String> = toml_blocks(&doc("language.md"))
        .into_iter()
        .filter(|b| !b.trim_start().starts_with("#:schema"))
        .collect();
    assert!(blocks.len() >= 8, "expected an example per concept");
    let text = blocks.join("\n");
    let checked = check(&SourceFile::new("language.md examples", text));
    assert_eq!(checked.diagnostics, vec![], "the examples in docs/language.md must check cleanly");
    let spec = &checked.spec;
    assert!(!spec.party.is_empty() && !spec.instrument.is_empty() && !spec.quantity.is_empty());
    assert!(!spec.facility.is_empty() && !spec.phase.is_empty() && !spec.commitment.is_empty());
    assert!(!spec.power.is_empty());
}

#[test]
fn every_code_is_documented_with_its_title() {
    let text = doc("diagnostics.md");
    for code in Code::ALL {
        let row = format!("| {} | {} |", code.as_str(), code.title());
        assert!(text.contains(&row), "docs/diagnostics.md lacks the row `{row}`");
    }
}
