//! Round trips and robustness, by property testing.
//!
//! * A random agreement written as TOML by an independent serializer (the `toml` crate)
//!   decodes to the same agreement, and its normalized JSON parses back unchanged.
//! * The TOML and the normalized JSON form of a random agreement, values out of range
//!   included, get the same diagnostics: one set of rules for both.
//! * Every condition prints to a form that parses back to itself.
//! * No input, however mangled, makes the checker panic.

use detente_spec::condition::{self, Cmp, Condition, Predicate, Subject};
use detente_spec::model::*;
use detente_spec::time::{Date, Duration, Unit};
use detente_spec::{check, check_json, from_normalized_json, to_normalized_json, SourceFile};
use proptest::prelude::*;
// The model has a `Strategy` (a party's) too; in this file `Strategy` is proptest's.
use proptest::strategy::Strategy;

const RESERVED: &[&str] = &["and", "or", "not", "true", "false", "any", "of", "date", "all"];

/// A well-formed id, as conditions need.
fn valid_id() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,8}".prop_filter("not a reserved word", |s| !RESERVED.contains(&s.as_str()))
}

/// Mostly a well-formed id, sometimes a malformed one or a reserved word (E023).
fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        30 => valid_id(),
        1 => prop::sample::select(RESERVED).prop_map(String::from),
        1 => prop_oneof![Just(String::new()), Just("a b".to_string()), Just("-x".to_string()), Just("é".to_string())],
    ]
}

fn ids() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(id(), 0..3)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,20}", "[a-zA-Z ,.'\"\\\\\n\t]{0,30}"]
}

fn date() -> impl Strategy<Value = Date> {
    (1900i16..2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap())
}

fn duration() -> impl Strategy<Value = Duration> {
    let unit = prop_oneof![Just(Unit::Day), Just(Unit::Week), Just(Unit::Month), Just(Unit::Year)];
    (0u32..900, unit).prop_map(|(amount, unit)| Duration { amount, unit })
}

/// Mostly a plausible non-negative amount, sometimes a negative or huge one (E022).
fn amount() -> impl Strategy<Value = f64> {
    prop_oneof![
        10 => 0.0..1e6f64,
        10 => (0u32..10_000).prop_map(f64::from),
        1 => -1e6..0.0f64,
        1 => prop_oneof![Just(-1e12), Just(1e13), Just(1e308), Just(-1.5e300)],
    ]
}

/// Mostly a probability, sometimes a number outside [0, 1] (E015) or a huge one (E022).
fn probability() -> impl Strategy<Value = f64> {
    prop_oneof![
        10 => 0.0..=1.0f64,
        2 => Just(0.0),
        2 => Just(1.0),
        1 => prop_oneof![Just(-3.0), Just(7.0), Just(90.0), Just(1.0000001), Just(-1e12), Just(1e300)],
    ]
}

/// Mostly a number of either sign, sometimes one too large to be plausible (E022).
fn signed() -> impl Strategy<Value = f64> {
    prop_oneof![20 => -10.0..10.0f64, 1 => prop_oneof![Just(1e13), Just(-1e308)]]
}

fn one_of<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> + Clone {
    prop::sample::select(all)
}

fn condition() -> impl Strategy<Value = Condition> {
    let predicate = one_of(&[
        Predicate::Performed,
        Predicate::Fulfilled,
        Predicate::Verified,
        Predicate::Alleged,
        Predicate::Violated,
        Predicate::Unremedied,
        Predicate::Suspended,
        Predicate::Terminated,
    ]);
    let cmp = one_of(&[Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge, Cmp::Eq, Cmp::Ne]);
    let leaf = prop_oneof![
        Just(Condition::True),
        Just(Condition::False),
        (predicate.clone(), valid_id()).prop_map(|(p, id)| Condition::Commitment(p, Subject::Item(id))),
        (predicate, valid_id()).prop_map(|(p, id)| Condition::Commitment(p, Subject::AnyOf(id))),
        valid_id().prop_map(Condition::Complete),
        valid_id().prop_map(Condition::InForce),
        (valid_id(), any::<bool>(), one_of(FacilityStatus::ALL))
            .prop_map(|(facility, equal, status)| Condition::Status { facility, equal, status }),
        (valid_id(), cmp.clone(), -1e6..1e6f64).prop_map(|(quantity, cmp, value)| Condition::Quantity {
            quantity,
            cmp,
            value
        }),
        (cmp, date()).prop_map(|(cmp, date)| Condition::Date { cmp, date }),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Condition::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Condition::Or),
            inner.prop_map(|c| Condition::Not(Box::new(c))),
        ]
    })
}

fn agreement() -> impl Strategy<Value = Agreement> {
    (
        id(),
        text(),
        date(),
        prop::option::of(date()),
        prop::option::of(text()),
        prop::collection::vec(text(), 0..3),
        (prop::option::of(date()), prop::option::of(duration()), any::<bool>(), ids()),
    )
        .prop_map(
            |(id, title, adopted, ends, summary, sources, (signed, stalls_after, record, core))| Agreement {
                id,
                title,
                adopted,
                ends,
                signed,
                stalls_after,
                record,
                core,
                summary,
                sources,
            },
        )
}

fn party() -> impl Strategy<Value = Party> {
    let succession = (id(), date()).prop_map(|(party, on)| Succession { party, on });
    (
        id(),
        text(),
        one_of(Role::ALL),
        prop::collection::vec(one_of(EventKind::ALL), 0..4),
        any::<bool>(),
        prop::option::of(succession),
    )
        .prop_map(|(id, name, role, asserts, essential, succeeds)| Party {
            id,
            name,
            role,
            asserts,
            essential,
            succeeds,
        })
}

fn due() -> impl Strategy<Value = Due> {
    prop_oneof![duration().prop_map(Due::After), date().prop_map(Due::On)]
}

fn reading() -> impl Strategy<Value = Reading> {
    (
        prop::option::of(text()),
        ids(),
        prop::option::of(condition()),
        prop::option::of(condition()),
        prop::option::of(due()),
        prop::option::of(timeout()),
        prop::option::of(text()),
    )
        .prop_map(|(text, excludes, when, while_, due, on_timeout, source)| Reading {
            text,
            excludes,
            when,
            while_,
            due,
            on_timeout,
            source,
        })
}

fn amendment() -> impl Strategy<Value = Amendment> {
    (
        id(),
        text(),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(text()),
        prop::option::of(text()),
    )
        .prop_map(|(id, title, signed, effective, summary, source)| Amendment {
            id,
            title,
            signed,
            effective,
            summary,
            source,
        })
}

fn instrument() -> impl Strategy<Value = Instrument> {
    (
        id(),
        text(),
        one_of(InstrumentKind::ALL),
        prop::option::of(text()),
        ids(),
        ids(),
        prop::option::of(date()),
        prop::option::of(amount()),
        prop::option::of(text()),
    )
        .prop_map(|(id, name, kind, authority, imposed_by, targets, since, weight, source)| Instrument {
            id,
            name,
            kind,
            authority,
            imposed_by,
            targets,
            since,
            weight,
            source,
        })
}

fn quantity() -> impl Strategy<Value = Quantity> {
    let material = (id(), amount(), prop::option::of(amount()), prop::option::of(amount()))
        .prop_map(|(quantity, per_unit, low, high)| Material { quantity, per_unit, low, high });
    let rate = (amount(), prop::option::of(amount()), prop::option::of(amount()))
        .prop_map(|(central, low, high)| Rate { central, low, high });
    (
        (id(), text(), text(), prop::option::of(id())),
        (amount(), prop::option::of(amount()), prop::option::of(amount())),
        (date(), prop::option::of(signed()), prop::option::of(text())),
        (prop::collection::vec(material, 0..3), prop::option::of(rate)),
    )
        .prop_map(
            |(
                (id, name, unit, owner),
                (initial, low, high),
                (as_of, growth_per_year, source),
                (made_from, max_per_year),
            )| {
                Quantity {
                    id,
                    name,
                    unit,
                    owner,
                    initial,
                    low,
                    high,
                    as_of,
                    growth_per_year,
                    made_from,
                    max_per_year,
                    source,
                }
            },
        )
}

fn facility() -> impl Strategy<Value = Facility> {
    let production = (id(), amount(), prop::option::of(amount()), prop::option::of(amount()))
        .prop_map(|(quantity, per_year, low, high)| Production { quantity, per_year, low, high });
    (
        id(),
        text(),
        prop::option::of(id()),
        prop::option::of(text()),
        one_of(FacilityStatus::ALL),
        prop::collection::vec(production, 0..3),
        prop::option::of(text()),
    )
        .prop_map(|(id, name, owner, location, status, produces, source)| Facility {
            id,
            name,
            owner,
            location,
            status,
            produces,
            source,
        })
}

fn phase() -> impl Strategy<Value = Phase> {
    (id(), text(), ids(), prop::option::of(condition()), prop::option::of(id()), prop::option::of(text()))
        .prop_map(|(id, title, after, opens_when, amendment, summary)| Phase {
            id,
            title,
            after,
            opens_when,
            amendment,
            summary,
        })
}

fn timeout() -> impl Strategy<Value = Timeout> {
    prop_oneof![Just(Timeout::Violated), Just(Timeout::Discharged), duration().prop_map(Timeout::Extended)]
}

fn access() -> impl Strategy<Value = Access> {
    (condition(), probability(), prop::option::of(probability()), prop::option::of(text()))
        .prop_map(|(when, detection, false_alarm, source)| Access { when, detection, false_alarm, source })
}

fn verification() -> impl Strategy<Value = Verification> {
    (
        id(),
        text(),
        probability(),
        probability(),
        prop::option::of(duration()),
        prop::collection::vec(access(), 0..3),
        prop::option::of((1u32..=10_000, duration(), prop::option::of(text()))),
    )
        .prop_map(|(by, method, detection, false_alarm, every, access, budget)| Verification {
            by,
            method,
            detection,
            false_alarm,
            every,
            access,
            budget: budget.map(|(inspections, per, source)| InspectionBudget { inspections, per, source }),
        })
        .boxed()
}

fn values() -> impl Strategy<Value = Values> {
    let cost = prop_oneof![
        signed().prop_map(Cost::Each),
        prop::collection::btree_map(id(), signed(), 0..3).prop_map(Cost::ByParty),
    ];
    (cost, prop::collection::btree_map(id(), signed(), 0..3), signed())
        .prop_map(|(cost, benefit, threat_reduction)| Values { cost, benefit, threat_reduction })
}

fn commitment() -> impl Strategy<Value = Commitment> {
    let limit = (id(), amount(), prop::option::of(text())).prop_map(|(quantity, max, unit)| Limit {
        quantity,
        max,
        unit,
    });
    let set =
        (id(), one_of(FacilityStatus::ALL)).prop_map(|(facility, status)| SetStatus { facility, status });
    (
        (id(), text(), id(), ids(), one_of(CommitmentKind::ALL), one_of(Category::ALL)),
        (
            prop::option::of(condition()),
            prop::option::of(due()),
            prop::option::of(timeout()),
            prop::option::of(duration()),
        ),
        (
            any::<bool>(),
            prop::option::of(condition()),
            prop::option::of(one_of(WhileEnds::ALL)),
            ids(),
            prop::option::of(duration()),
            ids(),
            prop::option::of(id()),
            ids(),
            prop::collection::btree_map(id(), reading(), 0..2),
        ),
        (
            prop::option::of(verification()),
            ids(),
            prop::collection::vec(limit, 0..2),
            prop::collection::vec(set, 0..2),
        ),
        (ids(), prop::option::of(values()), prop::option::of(text()), prop::option::of(text())),
    )
        .prop_map(
            |(
                (id, title, phase, by, kind, category),
                (when, due, on_timeout, lasts),
                (
                    binding,
                    while_,
                    otherwise,
                    established_by,
                    notice,
                    in_return_for,
                    amendment,
                    replaces,
                    readings,
                ),
                (verification, relieves, limits, sets),
                (benefits, values, text, source),
            )| Commitment {
                id,
                title,
                phase,
                by,
                kind,
                category,
                binding,
                when,
                while_,
                otherwise,
                due,
                on_timeout,
                lasts,
                verification,
                established_by,
                notice,
                in_return_for,
                amendment,
                replaces,
                readings,
                relieves,
                limits,
                sets,
                benefits,
                values,
                text,
                source,
            },
        )
}

fn power() -> impl Strategy<Value = Power> {
    let restores = prop_oneof![Just(Restores::AllRelieved), ids().prop_map(Restores::Listed)];
    (
        (id(), text(), one_of(PowerKind::ALL), ids(), any::<bool>()),
        (
            condition(),
            prop::option::of(duration()),
            any::<bool>(),
            restores,
            ids(),
            prop::option::of(text()),
            prop::option::of(text()),
        ),
        (prop::option::of(condition()), prop::option::of(id())),
    )
        .prop_map(
            |(
                (id, title, kind, holders, automatic),
                (trigger, notice, cancellable, restores, suspends, text, source),
                (resumes_when, amendment),
            )| Power {
                id,
                title,
                kind,
                holders,
                automatic,
                trigger,
                notice,
                cancellable,
                restores,
                suspends,
                resumes_when,
                amendment,
                text,
                source,
            },
        )
}

fn simulation() -> impl Strategy<Value = Simulation> {
    // Mostly the parameters the kind takes; sometimes one it does not take (E004) or
    // without one it needs (E003).
    let strategy = (one_of(StrategyKind::ALL), probability(), signed(), duration(), 0u8..12).prop_map(
        |(kind, cheat, max_cost, patience, odd)| {
            let takes = |p: &str| kind.parameters().contains(&p) != (odd == 0);
            detente_spec::model::Strategy {
                kind,
                cheat: takes("cheat").then_some(cheat),
                max_cost: takes("max_cost").then_some(max_cost),
                patience: takes("patience").then_some(patience),
            }
        },
    );
    // Priors: probabilities that mostly do not sum to 1 (E015), parameters sometimes.
    let prior = (
        probability(),
        probability(),
        probability(),
        prop::option::of(signed()),
        prop::option::of(probability()),
    )
        .prop_map(|(sincere, hedger, covert_cheater, max_cost, cheat)| detente_spec::model::Prior {
            sincere,
            hedger,
            covert_cheater,
            max_cost,
            cheat,
            source: Some("Assumption: generated.".into()),
        });
    let election = (id(), date(), duration(), probability())
        .prop_map(|(party, first, every, reversal)| Election { party, first, every, reversal });
    (
        (
            duration(),
            duration(),
            prop_oneof![20 => 1u32..1_000_000, 1 => Just(0u32), 1 => Just(20_000_000u32)],
            0u64..(i64::MAX as u64),
        ),
        prop::collection::btree_map(id(), strategy, 0..3),
        prop::collection::vec(election, 0..2),
        prop::collection::btree_map(id(), probability(), 0..3),
        prop::collection::btree_map(id(), probability(), 0..3),
        (prop::collection::btree_map(id(), probability(), 0..3), probability()),
        (probability(), probability(), prop::collection::btree_map(id(), (duration(), duration()), 0..3)),
        (
            probability(),
            probability(),
            prop::collection::btree_map(id(), probability(), 0..3),
            prop::collection::btree_map(
                id().prop_map(|id| format!("detection.{id}")),
                (probability(), probability(), text()),
                0..3,
            ),
        ),
        prop::collection::btree_map(id(), prior, 0..2),
    )
        .prop_map(
            |(
                (horizon, step, runs, seed),
                strategy,
                election,
                detection,
                false_alarm,
                (inspection, resolution),
                (breach, confirmed_false_alarm, lead_time),
                (walkout_base, walkout_aggrieved, measurement, range),
                prior,
            )| {
                Simulation {
                    horizon,
                    step,
                    runs,
                    seed,
                    strategy,
                    election,
                    detection,
                    false_alarm,
                    inspection,
                    resolution,
                    confirmation: Confirmation { breach, false_alarm: confirmed_false_alarm },
                    lead_time: lead_time
                        .into_iter()
                        .map(|(id, (median, p90))| (id, LeadTime { median, p90 }))
                        .collect(),
                    walkout: Walkout { base: walkout_base, aggrieved: walkout_aggrieved },
                    measurement,
                    range: range
                        .into_iter()
                        .map(|(parameter, (low, high, source))| {
                            (parameter, AssumptionRange { low, high, source })
                        })
                        .collect(),
                    prior,
                }
            },
        )
        .boxed()
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        agreement(),
        prop::collection::vec(party(), 0..3),
        prop::collection::vec(instrument(), 0..3),
        prop::collection::vec(quantity(), 0..2),
        prop::collection::vec(facility(), 0..2),
        prop::collection::vec(phase(), 0..3),
        prop::collection::vec(commitment(), 0..4),
        prop::collection::vec(power(), 0..2),
        prop::collection::vec(amendment(), 0..2),
        prop::option::of(simulation()),
    )
        .prop_map(
            |(
                agreement,
                party,
                instrument,
                quantity,
                facility,
                phase,
                commitment,
                power,
                amendment,
                simulation,
            )| Spec {
                agreement,
                party,
                instrument,
                quantity,
                facility,
                phase,
                commitment,
                power,
                amendment,
                simulation,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn toml_then_normalized_json_round_trips(spec in spec()) {
        let toml_text = toml::to_string(&spec).expect("the model serializes to TOML");
        let decoded = detente_spec::decode::decode(&toml_text);
        let errors: Vec<_> = decoded.diagnostics.iter().filter(|d| d.severity() == detente_spec::Severity::Error).collect();
        prop_assert!(errors.is_empty(), "{errors:?}\n{toml_text}");
        prop_assert_eq!(&decoded.spec, &spec, "TOML:\n{}", toml_text);
        let json = to_normalized_json(&decoded.spec);
        let again = from_normalized_json(&json).expect("normalized JSON parses");
        prop_assert_eq!(&again, &spec);
        prop_assert_eq!(to_normalized_json(&again), json);
    }

    #[test]
    fn toml_and_json_forms_get_the_same_diagnostics(spec in spec()) {
        let toml_text = toml::to_string(&spec).expect("the model serializes to TOML");
        let json_text = to_normalized_json(&spec);
        let from_toml = check(&SourceFile::new("spec.toml", toml_text.clone()));
        let from_json = check_json(&SourceFile::new("spec.json", json_text.clone()));
        let summary = |checked: &detente_spec::Checked| {
            let mut found: Vec<(String, String, bool)> = checked
                .diagnostics
                .iter()
                .map(|d| (d.code.to_string(), d.message.clone(), d.primary().is_some()))
                .collect();
            found.sort();
            found
        };
        prop_assert_eq!(summary(&from_toml), summary(&from_json), "TOML:\n{}\nJSON:\n{}", toml_text, json_text);
        for d in &from_json.diagnostics {
            if let Some(span) = d.primary() {
                prop_assert!(span.end <= json_text.len());
            }
        }
    }

    #[test]
    fn conditions_print_and_parse_back(c in condition()) {
        let printed = c.to_string();
        let parsed = condition::parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed}: {e:?}")))?;
        prop_assert_eq!(parsed.condition, c);
        prop_assert_eq!(parsed.ranges.len(), parsed_references(&printed));
    }

    #[test]
    fn checking_arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = check(&SourceFile::new("arbitrary.toml", text));
    }

    #[test]
    fn checking_a_mangled_scenario_never_panics(cut in 0usize..30_000, insert in "[\\[\\]{}=\"'#\n a-z0-9.,-]{0,6}", drop in 0usize..40) {
        let scenario = include_str!("../../../scenarios/korea-2020.toml");
        let mut cut = cut.min(scenario.len());
        while !scenario.is_char_boundary(cut) { cut -= 1; }
        let mut end = (cut + drop).min(scenario.len());
        while !scenario.is_char_boundary(end) { end -= 1; }
        let mangled = format!("{}{}{}", &scenario[..cut], insert, &scenario[end..]);
        let checked = check(&SourceFile::new("mangled.toml", mangled.clone()));
        for diagnostic in &checked.diagnostics {
            if let Some(span) = diagnostic.primary() {
                prop_assert!(span.end <= mangled.len());
            }
        }
    }
}

/// The number of references in a condition's text, counted by re-parsing.
fn parsed_references(text: &str) -> usize {
    condition::parse(text).map(|p| p.condition.references().len()).unwrap_or(0)
}

#[test]
fn bundled_scenarios_round_trip_through_normalized_json() {
    for path in ["korea-2020.toml", "korea-2020-big-deal.toml"] {
        let full = format!("{}/../../scenarios/{path}", env!("CARGO_MANIFEST_DIR"));
        let file = SourceFile::new(path, std::fs::read_to_string(full).unwrap());
        let checked = check(&file);
        assert!(!checked.has_errors(), "{path}: {:?}", checked.diagnostics);
        let json = to_normalized_json(&checked.spec);
        assert_eq!(from_normalized_json(&json).unwrap(), checked.spec);
    }
}
