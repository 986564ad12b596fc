//! No panic is reachable from the public API: arbitrary sequences of calls (appends of
//! records built from valid and invalid ids, dates and values; state, explain and
//! timeline queries; snapshots) never panic, a refused append changes nothing, and the
//! state is always the state a fresh replay of the record gives.

use detente::{Agreement, Error, EventRecord, Format, History};
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
            }
        }
        for (snapshot, len) in snapshots {
            prop_assert_eq!(snapshot.events().len(), len);
        }
    }
}
