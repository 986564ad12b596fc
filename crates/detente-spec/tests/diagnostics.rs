//! One case file per diagnostic code, under `tests/cases/codes/CODE.toml`. Each must
//! produce its code, and its rendered diagnostics are pinned by a snapshot so that any
//! change to a message, a location or a help text is seen in review.

use std::path::Path;

use detente_spec::diagnostic::{render, JsonDiagnostic, Style};
use detente_spec::{check, Code, SourceFile};

fn case(code: Code) -> (SourceFile, detente_spec::Checked) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/codes").join(format!("{code}.toml"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("every code needs a case file; {}: {e}", path.display()));
    let file = SourceFile::new(format!("{code}.toml"), text);
    let checked = check(&file);
    (file, checked)
}

#[test]
fn every_code_has_a_case_that_produces_it() {
    for &code in Code::ALL {
        let (_, checked) = case(code);
        assert!(
            checked.diagnostics.iter().any(|d| d.code == code),
            "{code}.toml does not produce {code}: {:?}",
            checked.diagnostics
        );
    }
}

#[test]
fn every_diagnostic_of_a_file_has_a_location_and_help() {
    for &code in Code::ALL {
        let (file, checked) = case(code);
        for diagnostic in &checked.diagnostics {
            assert!(!diagnostic.labels.is_empty(), "{code}: no location: {diagnostic:?}");
            assert!(diagnostic.help.is_some(), "{code}: no help: {diagnostic:?}");
            let json = JsonDiagnostic::new(diagnostic, &file);
            assert!(json.start.is_some());
        }
    }
}

#[test]
fn the_valid_base_case_has_no_diagnostics() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/codes/valid.toml");
    let file = SourceFile::new("valid.toml", std::fs::read_to_string(path).unwrap());
    assert_eq!(check(&file).diagnostics, vec![]);
}

macro_rules! snapshot_cases {
    ($($name:ident => $code:ident),+ $(,)?) => {
        $(
            #[test]
            fn $name() {
                let (file, checked) = case(Code::$code);
                insta::assert_snapshot!(render(&checked.diagnostics, &file, Style::Plain));
            }
        )+

        /// Keeps the list of snapshot tests in step with the list of codes.
        #[test]
        fn every_code_has_a_snapshot_test() {
            let tested = [$(Code::$code),+];
            for code in Code::ALL {
                assert!(tested.contains(code), "add a snapshot test for {code}");
            }
        }
    };
}

snapshot_cases! {
    e001_syntax => Syntax,
    e002_wrong_type => WrongType,
    e003_missing_field => MissingField,
    e004_unknown_field => UnknownField,
    e005_duplicate_id => DuplicateId,
    e006_unknown_id => UnknownId,
    e007_wrong_kind_of_id => WrongKindOfId,
    e008_phase_cycle => PhaseCycle,
    e009_missing_timeout => MissingTimeout,
    e010_reciprocity => Reciprocity,
    e011_snapback_restores_nothing => SnapbackRestoresNothing,
    e012_unreachable => Unreachable,
    e013_temporal_incoherence => TemporalIncoherence,
    e014_quantity_mismatch => QuantityMismatch,
    e015_probability => Probability,
    e016_bad_date => BadDate,
    e017_bad_duration => BadDuration,
    e018_bad_condition => BadCondition,
    e019_authorization => Authorization,
    e020_unknown_keyword => UnknownKeyword,
    e021_contradictory_effects => ContradictoryEffects,
    e022_number_out_of_range => NumberOutOfRange,
    e023_bad_id => BadId,
    e024_irreversible_status => IrreversibleStatus,
    e025_assumption_cannot_apply => AssumptionCannotApply,
    e026_incoherent_construct => IncoherentConstruct,
    w101_unverified_measure => UnverifiedMeasure,
    w102_one_sided_party => OneSidedParty,
    w103_missing_source => MissingSource,
    w104_idle_instrument => IdleInstrument,
    w105_constant_condition => ConstantCondition,
    w106_unverified_reciprocity => UnverifiedReciprocity,
    w107_action_without_deadline => ActionWithoutDeadline,
}

/// A concession traded for a verified pledge of a phase it does not wait for: the
/// mistake is the order (E026), and saying the pledge is unverified (W106) would be false.
#[test]
fn a_verified_pledge_out_of_order_is_an_order_error_not_an_unverified_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/codes/valid.toml");
    let base = std::fs::read_to_string(path).unwrap();
    let text = format!(
        "{base}\n[[phase]]\nid = \"later\"\ntitle = \"Later\"\n\n[[phase]]\nid = \"early\"\ntitle = \"Early\"\n\n[[commitment]]\nid = \"late-pledge\"\n\
         title = \"Beta caps\"\nphase = \"later\"\nby = [\"beta\"]\nkind = \"continuing\"\ncategory = \"measure\"\n\
         verification = {{ by = \"inspectorate\", method = \"inspection\", detection = 0.9 }}\n\n\
         [[commitment]]\nid = \"early-gift\"\ntitle = \"Alpha gives\"\nphase = \"early\"\nby = [\"alpha\"]\n\
         kind = \"action\"\ncategory = \"concession\"\nbenefits = [\"beta\"]\nin_return_for = [\"late-pledge\"]\n"
    );
    let text = text.replace("[agreement]\n", "[agreement]\nrecord = true\n");
    let checked = check(&SourceFile::new("case.toml", text));
    let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&Code::IncoherentConstruct), "{codes:?}");
    assert!(!codes.contains(&Code::UnverifiedReciprocity), "{codes:?}");
}

/// An amendment and a phase that share an id are one mistake: the duplicate (E005), not
/// also an id of the wrong kind (E007) at every place that names either of them.
#[test]
fn an_id_shared_by_an_amendment_and_a_phase_is_reported_once() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/codes/valid.toml");
    let mut text = std::fs::read_to_string(path).unwrap();
    text.push_str(
        r#"
[[amendment]]
id = "first"
title = "A protocol that reuses the phase's id"
signed = 2027-03-01

[[phase]]
id = "second"
title = "Added by the protocol"
after = ["first"]
amendment = "first"
"#,
    );
    let checked = check(&SourceFile::new("shared.toml", text));
    let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::DuplicateId], "{:?}", checked.diagnostics);
}
