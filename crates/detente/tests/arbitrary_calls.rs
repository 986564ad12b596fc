//! No panic is reachable from the public API: arbitrary sequences of calls (appends of
//! records built from valid and invalid ids, dates and values; state, explain and
//! timeline queries; snapshots; futures continuing the record; analyses at options in
//! and out of range; readings) never panic, a refused append changes nothing, and the
//! state is always the state a fresh replay of the record gives.

use detente::{Agreement, AnalyzeOptions, Control, Error, EventRecord, Format, History, SimulateOptions};
use detente_engine::Log;
use proptest::prelude::*;

fn starter() -> Agreement {
    Agreement::from_text("deal.toml", &detente_spec::starter("deal"), Format::Toml).unwrap()
}

const PARTIES: [&str; 5] = ["alpha", "beta", "inspectorate", "gamma", ""];
const KINDS: [&str; 9] = [
    "performed",
    "verified",
    "violation",
    "invoked",
    "measured",
    "withdrew",
    "renounced",
    "suspended",
    "bogus",
];
const SUBJECTS: [&str; 9] = [
    "freeze-enrichment",
    "suspend-sanctions",
    "dismantle-plant",
    "normalize-relations",
    "enriched-uranium",
    "trade-sanctions",
    "freeze",
    "deal",
    "nothing",
];
const DATES: [&str; 8] = [
    "2026-01-01",
    "2026-02-01",
    "2026-06-15",
    "2027-01-01",
    "2026-13-01",
    "1999-01-01",
    "2026-03",
    "2031-12-31",
];

/// Records the starter accepts when their dates allow: most arbitrary records are
/// refused, and these make sure the state also moves.
const VALID: [(&str, &str, &str); 9] = [
    ("beta", "performed", "freeze-enrichment"),
    ("alpha", "performed", "suspend-sanctions"),
    ("beta", "performed", "dismantle-plant"),
    ("alpha", "performed", "normalize-relations"),
    ("beta", "performed", "normalize-relations"),
    ("inspectorate", "verified", "freeze-enrichment"),
    ("inspectorate", "violation", "freeze-enrichment"),
    ("alpha", "invoked", "snapback"),
    ("beta", "withdrew", ""),
];

#[derive(Clone, Debug)]
enum Call {
    Valid {
        date: usize,
        which: usize,
    },
    Append {
        date: usize,
        actor: usize,
        kind: usize,
        subject: Option<usize>,
        value: Option<f64>,
        id: Option<u8>,
    },
    State(usize),
    Explain(usize, usize),
    Snapshot,
    /// Futures continuing the record: runs, years (small, to stay quick).
    Simulate(u32, u32, u64),
    /// The analysis at arbitrary options, some out of range.
    Analyze(f64, f64, usize),
    /// A party's reading (the starter has none: always refused) and the differences.
    Reading(usize, usize),
}

fn call() -> impl Strategy<Value = Call> {
    prop_oneof![
        4 => (0..DATES.len(), 0..PARTIES.len(), 0..KINDS.len(), proptest::option::of(0..SUBJECTS.len()),
              proptest::option::of(-5.0..500.0f64), proptest::option::of(0u8..4))
            .prop_map(|(date, actor, kind, subject, value, id)| Call::Append { date, actor, kind, subject, value, id }),
        3 => (0..DATES.len(), 0..VALID.len()).prop_map(|(date, which)| Call::Valid { date, which }),
        2 => (0..DATES.len()).prop_map(Call::State),
        1 => (0..DATES.len(), 0..SUBJECTS.len()).prop_map(|(d, s)| Call::Explain(d, s)),
        1 => Just(Call::Snapshot),
        1 => (0u32..30, 0u32..4, any::<u64>()).prop_map(|(r, y, s)| Call::Simulate(r, y, s)),
        1 => (-0.5..1.5f64, -1.0..2.0f64, 0usize..9).prop_map(|(d, c, p)| Call::Analyze(d, c, p)),
        1 => (0..PARTIES.len(), 0..DATES.len()).prop_map(|(p, d)| Call::Reading(p, d)),
    ]
}

fn date(i: usize) -> Option<detente::Date> {
    DATES[i].parse().ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_calls_never_panic_and_agree_with_a_fresh_replay(calls in proptest::collection::vec(call(), 1..40)) {
        let agreement = starter();
        let mut history = History::new(&agreement);
        let mut snapshots: Vec<(History, usize)> = Vec::new();
        for call in calls {
            match call {
                Call::Append { date, actor, kind, subject, value, id } => {
                    let before = history.events().to_vec();
                    let record = EventRecord {
                        date: Some(DATES[date].into()),
                        actor: Some(PARTIES[actor].into()),
                        kind: Some(KINDS[kind].into()),
                        subject: subject.map(|s| SUBJECTS[s].into()),
                        value,
                        id: id.map(|i| format!("e{i}")),
                        ..EventRecord::default()
                    };
                    if let Err(error) = history.append(record) {
                        prop_assert!(matches!(error, Error::EventRefused(_)), "{error:?}");
                        prop_assert_eq!(history.events(), &before[..]);
                    }
                }
                Call::Valid { date, which } => {
                    let (actor, kind, subject) = VALID[which];
                    let record = EventRecord {
                        date: Some(DATES[date].into()),
                        actor: Some(actor.into()),
                        kind: Some(kind.into()),
                        subject: (!subject.is_empty()).then(|| subject.into()),
                        ..EventRecord::default()
                    };
                    let before = history.events().len();
                    match history.append(record) {
                        Ok(_) => prop_assert_eq!(history.events().len(), before + 1),
                        Err(error) => prop_assert!(matches!(error, Error::EventRefused(_)), "{error:?}"),
                    }
                }
                Call::State(d) => {
                    let Some(at) = date(d) else { continue };
                    match history.state(at) {
                        Ok(state) => {
                            let log = Log { events: history.events().to_vec().into(), skipped: Vec::new() };
                            let fresh = detente_engine::state(agreement.compiled(), &log, at).unwrap();
                            prop_assert_eq!(state, fresh);
                        }
                        Err(error) => prop_assert!(matches!(error, Error::BeforeAdoption(_)), "{error:?}"),
                    }
                }
                Call::Explain(d, s) => {
                    let Some(at) = date(d) else { continue };
                    let _ = history.explain(at, SUBJECTS[s]);
                    let _ = history.timeline(at);
                }
                Call::Snapshot => snapshots.push((history.clone(), history.events().len())),
                Call::Simulate(runs, years, seed) => {
                    let options = SimulateOptions { runs: Some(runs), years: Some(years), seed: Some(seed) };
                    match history.simulate(options, &Control::new(&|_| {})) {
                        Ok(summary) => prop_assert_eq!(summary.runs, u64::from(runs)),
                        // Zero runs or years are refused as assumptions, never a panic.
                        Err(error) => prop_assert!(
                            matches!(error, Error::InvalidAssumptions { .. }) && (runs == 0 || years == 0),
                            "{error:?}"
                        ),
                    }
                }
                Call::Analyze(discount, cost, phases) => {
                    let options =
                        AnalyzeOptions { discount: Some(discount), inspection_cost: Some(cost), type_phases: Some(phases) };
                    let in_range = (0.0..=1.0).contains(&discount) && cost > 0.0 && (1..=6).contains(&phases);
                    match agreement.analyze(options) {
                        Ok(analysis) => {
                            prop_assert!(in_range);
                            prop_assert!(!analysis.render(false).is_empty());
                        }
                        Err(error) => prop_assert!(!in_range && matches!(error, Error::InvalidOption { .. }), "{error:?}"),
                    }
                }
                Call::Reading(party, d) => {
                    prop_assert!(history.as_read_by(PARTIES[party]).is_err());
                    if let Some(at) = date(d) {
                        match history.reading_differences(at) {
                            Ok(differences) => prop_assert_eq!(differences, None),
                            Err(error) => prop_assert!(matches!(error, Error::BeforeAdoption(_)), "{error:?}"),
                        }
                    }
                }
            }
        }
        for (snapshot, len) in snapshots {
            prop_assert_eq!(snapshot.events().len(), len);
        }
    }
}
