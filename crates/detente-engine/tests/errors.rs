//! The engine's errors: typed, implementing `std::error::Error`, naming what is wrong
//! with the values a front end needs.

use detente_engine::compiled::CompileError;
use detente_engine::log::{parse_event_date, EventDateError, Precision};
use detente_engine::Agreement;
use detente_spec::time::{parse_date, DateError};
use detente_spec::{check, starter, Code, SourceFile};

fn starter_spec() -> detente_spec::Spec {
    check(&SourceFile::new("starter.toml", starter("starter"))).spec
}

#[test]
fn an_invalid_agreement_is_refused_with_its_first_diagnostic() {
    let mut spec = starter_spec();
    spec.commitment[0].phase = "no-such-phase".into();
    let error = Agreement::compile(&spec).unwrap_err();
    let CompileError::InvalidAgreement { code, message } = &error else { panic!("{error:?}") };
    assert_eq!(*code, Code::UnknownId, "{message}");
    assert!(message.contains("no-such-phase"), "{message}");
    assert_eq!(error.to_string(), format!("the agreement is invalid: {message} ({code})"));
}

#[test]
fn a_reading_by_an_unknown_party_names_the_party() {
    let error = Agreement::compile_as_read_by(&starter_spec(), "gamma").unwrap_err();
    assert_eq!(error, CompileError::UnknownParty { party: "gamma".into() });
    assert_eq!(error.to_string(), "no party has the id `gamma`");
}

#[test]
fn event_dates_are_read_at_their_precision_or_refused_with_the_reason() {
    let (first, last, precision) = parse_event_date("2020-02").unwrap();
    assert_eq!(
        (first, last, precision),
        (parse_date("2020-02-01").unwrap(), parse_date("2020-02-29").unwrap(), Precision::Month)
    );
    assert_eq!(
        parse_event_date("2020-13").unwrap_err(),
        EventDateError::NoSuchMonth { text: "2020-13".into(), month: 13 }
    );
    assert_eq!(parse_event_date("2020-13").unwrap_err().to_string(), "`2020-13`: there is no month 13");
    let day = parse_event_date(" 2021-02-29 ").unwrap_err();
    assert_eq!(
        day,
        EventDateError::Day(DateError::NoSuchDay { text: "2021-02-29".into(), day: 29, days_in_month: 28 })
    );
    assert_eq!(day.to_string(), "`2021-02-29`: that month has only 28 days");
    for text in ["20x0", "spring 2020", "2020-1", "20a0-01"] {
        let error = parse_event_date(text).unwrap_err();
        assert_eq!(error, EventDateError::NotADate { text: text.into() });
        assert_eq!(error.to_string(), format!("`{text}` is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"));
    }
}

#[test]
fn the_engines_public_errors_are_std_errors() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>() {}
    is_error::<CompileError>();
    is_error::<EventDateError>();
    is_error::<detente_engine::log::LogError>();
    is_error::<detente_engine::log::Problem>();
    is_error::<detente_engine::explain::UnknownItem>();
    is_error::<detente_engine::DateBeforeAdoption>();
}
