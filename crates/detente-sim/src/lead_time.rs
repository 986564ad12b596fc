//! Lead times of real steps: how long a *willing* party takes to perform a commitment
//! once it is owed.
//!
//! A freeze announced at signature, a shipment of fuel oil, a delisting and the
//! destruction of a launch pad do not take the same time, even when every party means
//! to perform. Steps that take a day in a model but months in history make a simulated
//! agreement look faster, and so safer against collapse, than the record warrants. This
//! module gives each commitment a lead time: a log-normal distribution of the days from
//! the day it becomes owed to the day it is performed, given by its median and its 90th
//! percentile (the two numbers a historian can defend), with a default by the kind of
//! step ([`StepClass`]).
//!
//! The defaults come from 73 dated steps of eight agreements (the research behind
//! `docs/lead-times.md`) and are checked against the bundled histories by
//! `tests/lead_time_calibration.rs`, which replays each history with the engine and
//! measures every owed-to-performed interval.
//!
//! A lead time describes a party that performs. Whether a party performs at all (a
//! refusal, a step left undone until the agreement collapsed) is a matter for its
//! strategy ([`crate::strategy`]), not for this distribution: the never-performed steps
//! of the histories are counted apart, not folded into long tails.
//!
//! # The class of a step
//!
//! [`StepClass::of`] reads a commitment's *shape*: whether it binds, its category and
//! kind, the facility statuses it sets, the instruments it relieves, the quantities it
//! limits, whether it is verified, its deadline and what its `when` waits for. Where the
//! shape cannot tell two classes apart (an inspection access from a verified halt, a
//! declaration from another deed) the title's wording decides, by the short word lists
//! documented on [`StepClass::of`]; where nothing tells, a documented default applies.

use std::fmt;

use detente_spec::condition::{Condition, Predicate, Subject};
use detente_spec::model::{Category, Commitment, CommitmentKind, Due, FacilityStatus, Spec};

/// The z-score of the 90th percentile of the standard normal distribution, Φ⁻¹(0.9).
const Z90: f64 = 1.281_551_565_544_600_4;

/// A relative deadline of at least this many days makes an action measure a reduction
/// paced by its window (the treaty schedules of the histories ran 18 months to 7 years;
/// the phase deadlines of the others at most 6 months).
const SCHEDULE_DAYS: f64 = 365.0;

/// Title words that mark access for inspectors or monitors.
const INSPECTION_WORDS: &[&str] = &["inspect", "monitor", "safeguards", "additional protocol"];

/// Title words that mark a declaration of holdings or an exchange of data.
const DECLARATION_WORDS: &[&str] = &["declar", "data", "inventor"];

/// The kind of step a commitment is, for its default lead time.
///
/// The classes follow the research note's classes (docs/lead-times.md): the
/// evidence separates a declared moratorium from a verified halt, and relief on a
/// pre-arranged trigger (days) from discretionary relief (months), so each has its own
/// class.
///
/// ```
/// use detente_sim::lead_time::StepClass;
/// assert_eq!(StepClass::Relief.to_string(), "discretionary relief");
/// assert_eq!(StepClass::ALL.len(), 11);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepClass {
    /// A halt put in effect and verified, or due by a date: a freeze, a shutdown and
    /// seal, a halt of enrichment, the cessation of hostile acts.
    Halt,
    /// A restraint declared and held without verification or deadline (no tests, no
    /// launches): in effect the day it is announced.
    Moratorium,
    /// Inspectors or monitors admitted: a return of the IAEA, a treaty's inspections.
    Inspection,
    /// A declaration of programmes or holdings, or an exchange of data.
    Declaration,
    /// Dismantlement, disablement or removal within a phase: weeks to months of work.
    Dismantlement,
    /// Reductions or eliminations to treaty limits over a multi-year window.
    Reduction,
    /// Relief (or a pre-arranged transfer or restraint) the text makes wait on the other
    /// side's performed or verified measure: executive acts ready for the day.
    TriggeredRelief,
    /// Relief from a sanction or designation with no trigger in the text: delisting,
    /// easing an embargo, ending an authority.
    Relief,
    /// Economic aid, deliveries, payments and cooperation projects.
    Aid,
    /// A political or joint step: a non-binding pledge, talks, an office, reunions, or a
    /// joint undertaking such as a supply contract. The shape of a mutual action cannot
    /// tell a meeting (weeks) from a joint project (months to years), so the class is
    /// wide.
    Political,
    /// A standing procedure of the parties together (notifications, data rounds,
    /// consultative sessions) that no other rule recognises.
    Other,
}

impl StepClass {
    /// Every class, in table order.
    pub const ALL: [StepClass; 11] = [
        StepClass::Halt,
        StepClass::Moratorium,
        StepClass::Inspection,
        StepClass::Declaration,
        StepClass::Dismantlement,
        StepClass::Reduction,
        StepClass::TriggeredRelief,
        StepClass::Relief,
        StepClass::Aid,
        StepClass::Political,
        StepClass::Other,
    ];
}

impl StepClass {
    /// The class of `commitment` (of the agreement `spec`), read from its shape.
    ///
    /// The rules, first match wins:
    ///
    /// 1. **Not binding** (`binding = false`): [`Political`](StepClass::Political). A
    ///    declaration of intent has no deed to time but its statement.
    /// 2. **Limits a quantity**: [`Reduction`](StepClass::Reduction).
    /// 3. **Sets a facility `disabled` or `dismantled`**: [`Dismantlement`](StepClass::Dismantlement).
    /// 4. **Title speaks of access** (inspect…, monitor…, safeguards, additional
    ///    protocol), for a measure or a mutual step: [`Inspection`](StepClass::Inspection).
    ///    No key of the format says that other commitments' verification depends on
    ///    this one (verifiers are parties, not commitments), so the wording decides.
    /// 5. **Sets a facility `frozen`**: [`Halt`](StepClass::Halt).
    /// 6. A **concession**:
    ///    * whose `when` waits on a measure being performed, fulfilled or verified:
    ///      [`TriggeredRelief`](StepClass::TriggeredRelief), whatever it gives (JPOA's
    ///      installments behaved like its sanctions suspensions: paid the day the IAEA
    ///      confirmed the trigger);
    ///    * relieving an instrument (any kind: sanction, ban, resolution, ...):
    ///      [`Relief`](StepClass::Relief);
    ///    * otherwise [`Aid`](StepClass::Aid). The shape cannot tell a delivery from a
    ///      restraint given as a concession (a suspended exercise) or from a political
    ///      gesture (repatriated remains): all fall here.
    /// 7. A **measure**:
    ///    * an action whose title speaks of declaring, data or inventory:
    ///      [`Declaration`](StepClass::Declaration);
    ///    * an action with a relative deadline of a year or more:
    ///      [`Reduction`](StepClass::Reduction) (the work is paced by the window);
    ///    * any other action: [`Dismantlement`](StepClass::Dismantlement), the default
    ///      for a deed that removes a capability (dilute, demolish, withdraw);
    ///    * a continuing measure that is verified or has a deadline:
    ///      [`Halt`](StepClass::Halt);
    ///    * a continuing measure neither verified nor dated:
    ///      [`Moratorium`](StepClass::Moratorium).
    /// 8. A **mutual** step:
    ///    * an action whose title speaks of declaring, data or inventory:
    ///      [`Declaration`](StepClass::Declaration);
    ///    * any other action: [`Political`](StepClass::Political) (offices, talks,
    ///      reunions, contracts, joint operations);
    ///    * a continuing one: [`Other`](StepClass::Other) (standing procedures).
    ///
    /// ```
    /// use detente_sim::lead_time::StepClass;
    /// let spec: detente_spec::model::Spec = serde_json::from_str(r#"{
    ///   "agreement": { "id": "x", "title": "X", "adopted": "2030-01-01" },
    ///   "instrument": [{ "id": "ban", "name": "Ban", "kind": "ban" }],
    ///   "facility": [{ "id": "reactor", "name": "Reactor", "status": "operating" }],
    ///   "commitment": [
    ///     { "id": "freeze", "title": "A freezes the reactor", "phase": "p", "by": ["a"],
    ///       "kind": "continuing", "category": "measure",
    ///       "sets": [{ "facility": "reactor", "status": "frozen" }] },
    ///     { "id": "lift", "title": "B lifts the ban", "phase": "p", "by": ["b"],
    ///       "kind": "action", "category": "concession", "relieves": ["ban"],
    ///       "when": "verified(freeze)" }
    ///   ]
    /// }"#).unwrap();
    /// assert_eq!(StepClass::of(&spec, &spec.commitment[0]), StepClass::Halt);
    /// assert_eq!(StepClass::of(&spec, &spec.commitment[1]), StepClass::TriggeredRelief);
    /// ```
    pub fn of(spec: &Spec, commitment: &Commitment) -> StepClass {
        if !commitment.binding {
            return StepClass::Political;
        }
        if !commitment.limits.is_empty() {
            return StepClass::Reduction;
        }
        if sets_any(commitment, &[FacilityStatus::Disabled, FacilityStatus::Dismantled]) {
            return StepClass::Dismantlement;
        }
        if commitment.category != Category::Concession && title_has(commitment, INSPECTION_WORDS) {
            return StepClass::Inspection;
        }
        if sets_any(commitment, &[FacilityStatus::Frozen]) {
            return StepClass::Halt;
        }
        match commitment.category {
            Category::Concession => concession_class(spec, commitment),
            Category::Measure => measure_class(spec, commitment),
            Category::Mutual => mutual_class(commitment),
        }
    }
}

fn concession_class(spec: &Spec, commitment: &Commitment) -> StepClass {
    if commitment.when.as_ref().is_some_and(|when| waits_on_measure(spec, when)) {
        StepClass::TriggeredRelief
    } else if !commitment.relieves.is_empty() {
        StepClass::Relief
    } else {
        StepClass::Aid
    }
}

fn measure_class(spec: &Spec, commitment: &Commitment) -> StepClass {
    match commitment.kind {
        CommitmentKind::Action if title_has(commitment, DECLARATION_WORDS) => StepClass::Declaration,
        CommitmentKind::Action if window_days(spec, commitment).is_some_and(|days| days >= SCHEDULE_DAYS) => {
            StepClass::Reduction
        }
        CommitmentKind::Action => StepClass::Dismantlement,
        CommitmentKind::Continuing if commitment.verification.is_some() || commitment.due.is_some() => {
            StepClass::Halt
        }
        CommitmentKind::Continuing => StepClass::Moratorium,
    }
}

fn mutual_class(commitment: &Commitment) -> StepClass {
    match commitment.kind {
        CommitmentKind::Action if title_has(commitment, DECLARATION_WORDS) => StepClass::Declaration,
        CommitmentKind::Action => StepClass::Political,
        CommitmentKind::Continuing => StepClass::Other,
    }
}

fn sets_any(commitment: &Commitment, statuses: &[FacilityStatus]) -> bool {
    commitment.sets.iter().any(|set| statuses.contains(&set.status))
}

fn title_has(commitment: &Commitment, words: &[&str]) -> bool {
    let title = commitment.title.to_lowercase();
    words.iter().any(|word| title.contains(word))
}

/// The deadline's window in days, when it is relative: counted from the adoption date,
/// since months and years vary by a day or two with the day they start from. A
/// calendar-date deadline's window depends on when the commitment becomes owed, which
/// the shape does not know.
fn window_days(spec: &Spec, commitment: &Commitment) -> Option<f64> {
    let Due::After(duration) = commitment.due? else { return None };
    let adopted = spec.agreement.adopted;
    let days = match duration.after(adopted).and_then(|end| adopted.until(end).ok()) {
        Some(span) => span.get_days() as f64,
        None => duration.approx_days() as f64,
    };
    Some(days)
}

/// Whether `condition` holds only once some measure has been performed (fulfilled,
/// verified): a reference to a measure, or to a phase containing one, under no `not`.
fn waits_on_measure(spec: &Spec, condition: &Condition) -> bool {
    match condition {
        Condition::Commitment(Predicate::Performed | Predicate::Fulfilled | Predicate::Verified, subject) => {
            let Subject::Item(id) = subject else { return false };
            spec.commitment.iter().any(|c| (c.id == *id || c.phase == *id) && c.category == Category::Measure)
        }
        Condition::Complete(phase) => spec.commitments_of(phase).any(|c| c.category == Category::Measure),
        Condition::And(parts) | Condition::Or(parts) => parts.iter().any(|part| waits_on_measure(spec, part)),
        _ => false,
    }
}

impl fmt::Display for StepClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StepClass::Halt => "verified halt",
            StepClass::Moratorium => "declared moratorium",
            StepClass::Inspection => "inspectors admitted",
            StepClass::Declaration => "declaration or data",
            StepClass::Dismantlement => "dismantlement",
            StepClass::Reduction => "reduction to treaty limits",
            StepClass::TriggeredRelief => "relief on a trigger",
            StepClass::Relief => "discretionary relief",
            StepClass::Aid => "aid or delivery",
            StepClass::Political => "political or joint step",
            StepClass::Other => "other step",
        })
    }
}

/// How long a willing party takes to perform a step once it is owed: a log-normal
/// distribution of days, given by its median and 90th percentile.
///
/// ```
/// use detente_sim::lead_time::LeadTime;
/// let halt = LeadTime::new(60.0, 130.0).unwrap();
/// assert!((halt.quantile(0.5) - 60.0).abs() < 1e-9);
/// assert!((halt.quantile(0.9) - 130.0).abs() < 1e-9);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeadTime {
    /// Half of willing parties perform within this many days.
    pub median_days: f64,
    /// Nine in ten willing parties perform within this many days.
    pub p90_days: f64,
}

/// Why a median and a 90th percentile do not make a lead time.
///
/// ```
/// use detente_sim::lead_time::{LeadTime, LeadTimeError};
/// assert_eq!(LeadTime::new(60.0, 30.0), Err(LeadTimeError::P90BelowMedian { median_days: 60.0, p90_days: 30.0 }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LeadTimeError {
    /// The median is zero, negative, infinite or not a number: a log-normal needs a
    /// positive finite median.
    Median(f64),
    /// The 90th percentile is infinite or not a number.
    P90(f64),
    /// The 90th percentile is below the median.
    P90BelowMedian {
        /// The median given.
        median_days: f64,
        /// The 90th percentile given.
        p90_days: f64,
    },
}

impl fmt::Display for LeadTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeadTimeError::Median(m) => write!(f, "a lead time's median must be a positive number of days, not {m}"),
            LeadTimeError::P90(p) => write!(f, "a lead time's 90th percentile must be a finite number of days, not {p}"),
            LeadTimeError::P90BelowMedian { median_days, p90_days } => write!(
                f,
                "a lead time's 90th percentile ({p90_days} days) cannot be below its median ({median_days} days)"
            ),
        }
    }
}

impl std::error::Error for LeadTimeError {}

impl LeadTime {
    /// A lead time with this median and 90th percentile, in days: the median positive
    /// and finite, the 90th percentile finite and at least the median (equal: every
    /// willing party takes exactly the median).
    ///
    /// ```
    /// use detente_sim::lead_time::LeadTime;
    /// assert!(LeadTime::new(50.0, 140.0).is_ok());
    /// assert!(LeadTime::new(0.0, 5.0).is_err());
    /// assert!(LeadTime::new(5.0, f64::INFINITY).is_err());
    /// ```
    pub fn new(median_days: f64, p90_days: f64) -> Result<LeadTime, LeadTimeError> {
        if !(median_days.is_finite() && median_days > 0.0) {
            return Err(LeadTimeError::Median(median_days));
        }
        if !p90_days.is_finite() {
            return Err(LeadTimeError::P90(p90_days));
        }
        if p90_days < median_days {
            return Err(LeadTimeError::P90BelowMedian { median_days, p90_days });
        }
        Ok(LeadTime { median_days, p90_days })
    }

    /// The default lead time of a class of step (docs/lead-times.md gives the evidence
    /// and the reasons for each value).
    ///
    /// ```
    /// use detente_sim::lead_time::{LeadTime, StepClass};
    /// let aid = LeadTime::default_for(StepClass::Aid);
    /// assert_eq!((aid.median_days, aid.p90_days), (75.0, 320.0));
    /// ```
    pub fn default_for(class: StepClass) -> LeadTime {
        let (median_days, p90_days) = match class {
            // Freeze, shutdown, halt, cessation: 30-151 days in four histories.
            StepClass::Halt => (60.0, 130.0),
            // Announced and in effect the same day (Leap Day, 2018): a point mass at a
            // day, the smallest positive lead.
            StepClass::Moratorium => (1.0, 1.0),
            // Inspectors in: 30-151 days in six histories.
            StepClass::Inspection => (60.0, 130.0),
            // A proliferator's full declaration: one case, nine months.
            StepClass::Declaration => (270.0, 540.0),
            // Dismantlement when done: 34-181 days in six cases.
            StepClass::Dismantlement => (70.0, 155.0),
            // Treaty schedules finish near their window; without a window, the leads
            // of the INF and New START reductions. Prefer [`LeadTime::within_window`].
            StepClass::Reduction => (1_070.0, 2_470.0),
            // Executive acts on the day of the trigger, within a week at most.
            StepClass::TriggeredRelief => (1.0, 5.0),
            // Easing, ending TWEA, delisting: 91-374 days when done.
            StepClass::Relief => (210.0, 540.0),
            // Fuel oil, funds, teams, reunions, contracts: 8-420 days.
            StepClass::Aid => (75.0, 320.0),
            // Talks in weeks, offices and reunions in months, joint projects in years:
            // 8-2,018 days in nine cases.
            StepClass::Political => (90.0, 740.0),
            // No case: the pooled performed steps of the other classes.
            StepClass::Other => (60.0, 270.0),
        };
        LeadTime { median_days, p90_days }
    }

    /// The lead time of a reduction paced by a treaty window of `window_days`: the six
    /// treaty reductions of the histories finished at 0.73-1.00 of their window (median
    /// 0.96), none late. `None` for a window that is not a positive finite number.
    ///
    /// ```
    /// use detente_sim::lead_time::LeadTime;
    /// let inf = LeadTime::within_window(1_095.0).unwrap();
    /// assert!((inf.median_days - 1_051.2).abs() < 1e-9);
    /// assert_eq!(inf.p90_days, 1_095.0);
    /// ```
    pub fn within_window(window_days: f64) -> Option<LeadTime> {
        LeadTime::new(0.96 * window_days, window_days).ok()
    }

    /// The default lead time of `commitment`: its class's, except that a reduction with a
    /// relative deadline is paced by that window ([`LeadTime::within_window`]).
    ///
    /// ```
    /// use detente_sim::lead_time::LeadTime;
    /// let spec: detente_spec::model::Spec = serde_json::from_str(r#"{
    ///   "agreement": { "id": "x", "title": "X", "adopted": "2030-01-01" },
    ///   "commitment": [{ "id": "cut", "title": "A eliminates its missiles", "phase": "p",
    ///     "by": ["a"], "kind": "action", "category": "measure",
    ///     "due": "3 years", "on_timeout": "violated" }]
    /// }"#).unwrap();
    /// let lead = LeadTime::for_step(&spec, &spec.commitment[0]);
    /// assert_eq!(lead.p90_days, 1_096.0); // 2030-01-01 to 2033-01-01
    /// ```
    pub fn for_step(spec: &Spec, commitment: &Commitment) -> LeadTime {
        let class = StepClass::of(spec, commitment);
        let window = window_days(spec, commitment).and_then(LeadTime::within_window);
        match (class, window) {
            (StepClass::Reduction, Some(lead)) => lead,
            _ => LeadTime::default_for(class),
        }
    }

    /// The log-normal's shape σ = ln(p90 / median) / Φ⁻¹(0.9); zero for a point mass.
    ///
    /// ```
    /// use detente_sim::lead_time::LeadTime;
    /// assert_eq!(LeadTime::new(7.0, 7.0).unwrap().sigma(), 0.0);
    /// ```
    pub fn sigma(&self) -> f64 {
        (self.p90_days / self.median_days).ln() / Z90
    }

    /// The lead, in days, below which a share `u` of willing parties perform:
    /// median · exp(σ · Φ⁻¹(u)). A uniform `u` gives a log-normal draw. `u = 0` gives 0
    /// and `u = 1` infinity, the limits; a point mass (p90 equal to the median) gives the
    /// median for every `u`.
    ///
    /// # Panics
    ///
    /// If `u` is not in `[0, 1]`: it is a probability.
    ///
    /// ```
    /// use detente_sim::lead_time::LeadTime;
    /// let relief = LeadTime::new(210.0, 540.0).unwrap();
    /// assert!(relief.quantile(0.25) < relief.quantile(0.75));
    /// ```
    pub fn quantile(&self, u: f64) -> f64 {
        assert!((0.0..=1.0).contains(&u), "a quantile is asked at a probability in [0, 1], not {u}");
        let sigma = self.sigma();
        if sigma == 0.0 {
            return self.median_days;
        }
        self.median_days * (sigma * standard_normal_quantile(u)).exp()
    }
}

/// How long a willing party takes to perform a step, as the simulator draws it.
///
/// A written deadline shapes the record: negotiators set one month for a freeze and
/// three for the first oil, and parties aim at it. So a step with a relative deadline
/// and no stated lead time is timed against its window, from the 25 performed steps of
/// the research note that had a numeric deadline (docs/lead-times.md, "Deadlines"), not
/// by its class's curve, which already contains the negotiators' choice of window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lead {
    /// A log-normal lead time: a file's assumption, a class default, or a treaty
    /// reduction paced by its window.
    Stated(LeadTime),
    /// Timed against a written window of this many days: with probability
    /// [`ON_TIME_SHARE`] the step aims at the end of the window (a ratio to it of median
    /// 0.95, 90th percentile 1.0), otherwise it slips (median 1.41, 90th percentile
    /// 2.9 times the window). The mixture is late about one time in three, as the
    /// record was (9 of 25).
    ByDeadline {
        /// The deadline's window in days.
        window_days: f64,
    },
}

/// The share of steps with a written deadline that aim at it (the rest slip): fitted so
/// that the mixture is late as often as the record's steps were (9 of 25, 36%).
pub const ON_TIME_SHARE: f64 = 0.6;

/// Lead time over the window for a step that aims at its deadline: 16 steps met theirs
/// at ratios 0.48-1.00, median 0.95, most within days of the limit.
const AIMING: LeadTime = LeadTime { median_days: 0.95, p90_days: 1.0 };

/// Lead time over the window for a step that slips: 9 late steps at ratios 1.02-3.00,
/// median 1.41; the 90th percentile is the log-normal's through the top of the range.
const SLIPPING: LeadTime = LeadTime { median_days: 1.41, p90_days: 2.9 };

impl Lead {
    /// The lead of `commitment` when the file states none: a reduction paced by its
    /// treaty window, any other step with a relative deadline timed against that
    /// window, and a step without one by its class's default.
    ///
    /// ```
    /// use detente_sim::lead_time::Lead;
    /// let spec: detente_spec::model::Spec = serde_json::from_str(r#"{
    ///   "agreement": { "id": "x", "title": "X", "adopted": "2030-01-01" },
    ///   "commitment": [{ "id": "oil", "title": "A delivers fuel oil", "phase": "p",
    ///     "by": ["a"], "kind": "action", "category": "concession",
    ///     "due": "90 days", "on_timeout": "violated" }]
    /// }"#).unwrap();
    /// assert_eq!(Lead::for_step(&spec, &spec.commitment[0]), Lead::ByDeadline { window_days: 90.0 });
    /// ```
    pub fn for_step(spec: &Spec, commitment: &Commitment) -> Lead {
        match window_days(spec, commitment).filter(|w| *w > 0.0) {
            Some(window_days) if StepClass::of(spec, commitment) != StepClass::Reduction => {
                Lead::ByDeadline { window_days }
            }
            // A reduction keeps its own pacing by the window ([`LeadTime::for_step`]).
            _ => Lead::Stated(LeadTime::for_step(spec, commitment)),
        }
    }

    /// The lead in days for two independent uniform draws in `[0, 1)`: `choice` picks
    /// the branch of a mixture (unused by a stated lead time), `u` the quantile.
    ///
    /// ```
    /// use detente_sim::lead_time::Lead;
    /// let oil = Lead::ByDeadline { window_days: 90.0 };
    /// assert!((oil.days(0.1, 0.5) - 85.5).abs() < 1e-9); // aims at the deadline
    /// assert!((oil.days(0.9, 0.5) - 126.9).abs() < 1e-9); // slips
    /// ```
    pub fn days(&self, choice: f64, u: f64) -> f64 {
        match *self {
            Lead::Stated(lead) => lead.quantile(u),
            Lead::ByDeadline { window_days } => {
                let ratio = if choice < ON_TIME_SHARE { AIMING } else { SLIPPING };
                window_days * ratio.quantile(u)
            }
        }
    }

    /// The share of willing parties that perform within `days` (the distribution the
    /// simulator draws from), for tests and reports.
    pub fn within(&self, days: f64) -> f64 {
        match *self {
            Lead::Stated(lead) => lead.share_within(days),
            Lead::ByDeadline { window_days } => {
                let ratio = days / window_days;
                ON_TIME_SHARE * AIMING.share_within(ratio)
                    + (1.0 - ON_TIME_SHARE) * SLIPPING.share_within(ratio)
            }
        }
    }
}

impl LeadTime {
    /// The share of draws at most `days`: the log-normal's distribution function,
    /// Φ(ln(days / median) / σ) (a step at the median for a point mass).
    ///
    /// ```
    /// use detente_sim::lead_time::LeadTime;
    /// let halt = LeadTime::new(60.0, 130.0).unwrap();
    /// assert!((halt.share_within(60.0) - 0.5).abs() < 1e-12);
    /// assert!((halt.share_within(130.0) - 0.9).abs() < 1e-9);
    /// ```
    pub fn share_within(&self, days: f64) -> f64 {
        if days <= 0.0 {
            return 0.0;
        }
        let sigma = self.sigma();
        if sigma == 0.0 {
            return if days >= self.median_days { 1.0 } else { 0.0 };
        }
        standard_normal_cdf((days / self.median_days).ln() / sigma)
    }
}

/// Φ(z), the standard normal distribution function, by bisection on
/// [`standard_normal_quantile`] (which is accurate to about 1e-16): slow, but used only
/// for reports and tests, and exactly the inverse of what the simulator draws.
fn standard_normal_cdf(z: f64) -> f64 {
    let (mut low, mut high) = (0.0f64, 1.0f64);
    for _ in 0..60 {
        let mid = (low + high) / 2.0;
        if standard_normal_quantile(mid) < z {
            low = mid;
        } else {
            high = mid;
        }
    }
    (low + high) / 2.0
}

/// Φ⁻¹(p), the standard normal quantile, by Wichura's algorithm AS 241 (PPND16):
/// M. J. Wichura, "Algorithm AS 241: The Percentage Points of the Normal Distribution",
/// Applied Statistics 37(3), 1988, 477-484. Rational minimax approximations in three
/// ranges, accurate to about 1 part in 10¹⁶; ±∞ at 0 and 1.
pub(crate) fn standard_normal_quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * rational(r, &as241::A, &as241::B);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    if tail <= 0.0 {
        return if q < 0.0 { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    let r = (-tail.ln()).sqrt();
    let z = if r <= 5.0 {
        rational(r - 1.6, &as241::C, &as241::D)
    } else {
        rational(r - 5.0, &as241::E, &as241::F)
    };
    if q < 0.0 {
        -z
    } else {
        z
    }
}

/// (a₀ + a₁x + … + a₇x⁷) / (1 + b₁x + … + b₇x⁷), each by Horner's rule.
fn rational(x: f64, numerator: &[f64; 8], denominator: &[f64; 7]) -> f64 {
    let top = numerator.iter().rev().fold(0.0, |acc, &a| acc * x + a);
    let bottom = denominator.iter().rev().fold(0.0, |acc, &b| acc * x + b) * x + 1.0;
    top / bottom
}

/// The coefficients of AS 241, with every digit Wichura published, so that they can be
/// checked against the paper line by line (hence more digits than an f64 holds).
#[allow(clippy::excessive_precision)]
mod as241 {
    /// AS 241, central range |p − 0.5| ≤ 0.425.
    pub(super) const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    pub(super) const B: [f64; 7] = [
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561e3,
    ];
    /// AS 241, intermediate tails, r = √(−ln tail) ≤ 5.
    pub(super) const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        2.417_807_251_774_506_117_7e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_4e-4,
    ];
    pub(super) const D: [f64; 7] = [
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        6.897_673_349_851_000_045_5e-1,
        1.481_039_764_274_800_745_9e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    /// AS 241, far tails, r > 5 (p below about 1.4 × 10⁻¹¹).
    pub(super) const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        2.965_605_718_285_048_912_3e-1,
        2.653_218_952_657_612_309_3e-2,
        1.242_660_947_388_078_438_6e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    pub(super) const F: [f64; 7] = [
        5.998_322_065_558_879_376_9e-1,
        1.369_298_809_227_358_053_1e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_step_with_a_deadline_is_late_about_one_time_in_three() {
        // The record: 9 of 25 performed steps with a written deadline were late.
        let oil = Lead::ByDeadline { window_days: 90.0 };
        let late = 1.0 - oil.within(90.0);
        assert!((late - 9.0 / 25.0).abs() < 0.02, "late in {late}");
        // Half of the late ones by at most 41% (median ratio 1.41).
        let slipped_far = 1.0 - oil.within(90.0 * 1.41);
        assert!((slipped_far - (1.0 - ON_TIME_SHARE) / 2.0).abs() < 0.01, "{slipped_far}");
    }

    #[test]
    fn the_distribution_function_inverts_the_quantile() {
        let relief = LeadTime::new(210.0, 540.0).unwrap();
        for u in [0.01, 0.1, 0.37, 0.5, 0.9, 0.99] {
            assert!((relief.share_within(relief.quantile(u)) - u).abs() < 1e-9);
        }
    }

    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, relative: f64) -> bool {
        (a - b).abs() <= relative * b.abs().max(f64::MIN_POSITIVE)
    }

    #[test]
    fn the_normal_quantile_matches_published_values() {
        // Φ⁻¹ to 17 significant digits, by Newton's method on the normal CDF in
        // 120-digit decimal arithmetic (an erf series), independent of AS 241.
        let known = [
            (0.5, 0.0),
            (0.9, 1.281_551_565_544_600_5),
            (0.975, 1.959_963_984_540_054_2),
            (0.3, -0.524_400_512_708_040_8),
            (0.02, -2.053_748_910_631_823),
            (1e-6, -4.753_424_308_822_899),
            (1e-10, -6.361_340_902_404_056),
            (1e-20, -9.262_340_089_798_408),
        ];
        for (p, z) in known {
            let got = standard_normal_quantile(p);
            assert!((got - z).abs() <= 1e-14 * z.abs().max(1.0), "Φ⁻¹({p}) = {got}, expected {z}");
        }
        assert_eq!(standard_normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(standard_normal_quantile(1.0), f64::INFINITY);
    }

    /// An agreement with one commitment per rule of [`StepClass::of`], each named by the
    /// class it must get.
    fn every_shape() -> Spec {
        serde_json::from_str(
            r#"{
          "agreement": { "id": "shapes", "title": "Shapes", "adopted": "2030-01-01" },
          "instrument": [{ "id": "embargo", "name": "Embargo", "kind": "sanction" }],
          "quantity": [{ "id": "warheads", "name": "Warheads", "unit": "warheads",
                         "initial": 100, "as_of": "2030-01-01" }],
          "facility": [{ "id": "reactor", "name": "Reactor", "status": "operating" }],
          "commitment": [
            { "id": "political", "title": "A pledges goodwill", "phase": "p", "by": ["a"],
              "kind": "action", "category": "measure", "binding": false },
            { "id": "reduction", "title": "A cuts warheads", "phase": "p", "by": ["a"],
              "kind": "continuing", "category": "measure",
              "limits": [{ "quantity": "warheads", "max": 50 }] },
            { "id": "dismantlement", "title": "A disables the reactor", "phase": "p", "by": ["a"],
              "kind": "action", "category": "measure",
              "sets": [{ "facility": "reactor", "status": "disabled" }] },
            { "id": "inspection", "title": "A admits IAEA inspectors", "phase": "p", "by": ["a"],
              "kind": "continuing", "category": "measure" },
            { "id": "halt", "title": "A freezes the reactor", "phase": "p", "by": ["a"],
              "kind": "continuing", "category": "measure",
              "sets": [{ "facility": "reactor", "status": "frozen" }] },
            { "id": "triggered-relief", "title": "B suspends the embargo", "phase": "p", "by": ["b"],
              "kind": "continuing", "category": "concession", "relieves": ["embargo"],
              "when": "verified(halt)" },
            { "id": "relief", "title": "B lifts the embargo", "phase": "p", "by": ["b"],
              "kind": "action", "category": "concession", "relieves": ["embargo"],
              "when": "date >= 2031-01-01" },
            { "id": "aid", "title": "B ships fuel oil", "phase": "p", "by": ["b"],
              "kind": "action", "category": "concession", "when": "performed(joint)" },
            { "id": "declaration", "title": "A declares its programmes", "phase": "p", "by": ["a"],
              "kind": "action", "category": "measure" },
            { "id": "scheduled-reduction", "title": "A eliminates its missiles", "phase": "p",
              "by": ["a"], "kind": "action", "category": "measure",
              "due": "18 months", "on_timeout": "violated" },
            { "id": "deed", "title": "A demolishes its guard posts", "phase": "p", "by": ["a"],
              "kind": "action", "category": "measure", "due": "6 months", "on_timeout": "violated" },
            { "id": "dated-halt", "title": "A ceases drills", "phase": "p", "by": ["a"],
              "kind": "continuing", "category": "measure", "due": "2030-11-01", "on_timeout": "violated" },
            { "id": "moratorium", "title": "A stops testing", "phase": "p", "by": ["a"],
              "kind": "continuing", "category": "measure" },
            { "id": "data", "title": "A and B exchange data", "phase": "p", "by": ["a", "b"],
              "kind": "action", "category": "mutual" },
            { "id": "joint", "title": "A and B open liaison offices", "phase": "p", "by": ["a", "b"],
              "kind": "action", "category": "mutual" },
            { "id": "other", "title": "A and B convene their commission", "phase": "p", "by": ["a", "b"],
              "kind": "continuing", "category": "mutual" }
          ]
        }"#,
        )
        .unwrap()
    }

    #[test]
    fn each_rule_gives_its_class() {
        use StepClass::*;
        let spec = every_shape();
        let expected = [
            ("political", Political),
            ("reduction", Reduction),
            ("dismantlement", Dismantlement),
            ("inspection", Inspection),
            ("halt", Halt),
            ("triggered-relief", TriggeredRelief),
            ("relief", Relief),
            ("aid", Aid),
            ("declaration", Declaration),
            ("scheduled-reduction", Reduction),
            ("deed", Dismantlement),
            ("dated-halt", Halt),
            ("moratorium", Moratorium),
            ("data", Declaration),
            ("joint", Political),
            ("other", Other),
        ];
        assert_eq!(expected.len(), spec.commitment.len());
        for (c, (id, class)) in spec.commitment.iter().zip(expected) {
            assert_eq!(c.id, id);
            assert_eq!(StepClass::of(&spec, c), class, "{id}");
        }
    }

    #[test]
    fn a_reduction_with_a_window_is_paced_by_it() {
        let spec = every_shape();
        let scheduled = spec.commitment.iter().find(|c| c.id == "scheduled-reduction").unwrap();
        let lead = LeadTime::for_step(&spec, scheduled);
        // 2030-01-01 + 18 months = 2031-07-01: 546 days.
        assert_eq!(lead, LeadTime::within_window(546.0).unwrap());
        let capped = spec.commitment.iter().find(|c| c.id == "reduction").unwrap();
        assert_eq!(LeadTime::for_step(&spec, capped), LeadTime::default_for(StepClass::Reduction));
    }

    #[test]
    fn the_quantiles_at_one_half_and_nine_tenths_are_the_median_and_the_p90() {
        for class in StepClass::ALL {
            let lead = LeadTime::default_for(class);
            assert!(close(lead.quantile(0.5), lead.median_days, 1e-9), "{class}");
            assert!(close(lead.quantile(0.9), lead.p90_days, 1e-9), "{class}");
        }
    }

    #[test]
    fn every_default_is_a_valid_lead_time() {
        for class in StepClass::ALL {
            let lead = LeadTime::default_for(class);
            assert_eq!(LeadTime::new(lead.median_days, lead.p90_days), Ok(lead), "{class}");
        }
    }

    #[test]
    fn a_point_mass_gives_its_median_everywhere() {
        let lead = LeadTime::new(3.0, 3.0).unwrap();
        for u in [0.0, 0.01, 0.5, 0.99, 1.0] {
            assert_eq!(lead.quantile(u), 3.0);
        }
    }

    #[test]
    fn the_limits_are_zero_and_infinity() {
        let lead = LeadTime::new(60.0, 130.0).unwrap();
        assert_eq!(lead.quantile(0.0), 0.0);
        assert_eq!(lead.quantile(1.0), f64::INFINITY);
    }

    #[test]
    #[should_panic(expected = "probability in [0, 1]")]
    fn a_quantile_outside_the_unit_interval_is_a_bug() {
        LeadTime::new(60.0, 130.0).unwrap().quantile(1.5);
    }

    #[test]
    fn invalid_lead_times_are_refused_with_the_reason() {
        assert_eq!(LeadTime::new(0.0, 1.0), Err(LeadTimeError::Median(0.0)));
        assert_eq!(LeadTime::new(-5.0, 1.0), Err(LeadTimeError::Median(-5.0)));
        assert!(matches!(LeadTime::new(f64::NAN, 1.0), Err(LeadTimeError::Median(_))));
        assert!(matches!(LeadTime::new(1.0, f64::NAN), Err(LeadTimeError::P90(_))));
        assert_eq!(
            LeadTime::new(10.0, 9.0).unwrap_err().to_string(),
            "a lead time's 90th percentile (9 days) cannot be below its median (10 days)"
        );
        assert_eq!(LeadTime::within_window(0.0), None);
    }

    #[test]
    fn the_share_below_the_p90_is_nine_tenths_on_a_grid() {
        // The quantile function inverts the CDF: on a fine grid of u, nine tenths of the
        // draws fall at or below the p90 and half at or below the median.
        let lead = LeadTime::new(75.0, 320.0).unwrap();
        let n = 100_000;
        let draws: Vec<f64> = (0..n).map(|i| lead.quantile((i as f64 + 0.5) / n as f64)).collect();
        let share = |x: f64| draws.iter().filter(|&&d| d <= x).count() as f64 / n as f64;
        assert!((share(lead.p90_days) - 0.9).abs() < 1e-4);
        assert!((share(lead.median_days) - 0.5).abs() < 1e-4);
    }

    proptest! {
        #[test]
        fn quantiles_are_monotone_and_hit_their_anchors(
            median in 0.01f64..10_000.0,
            spread in 1.0f64..50.0,
            a in 0.0f64..1.0,
            b in 0.0f64..1.0,
        ) {
            let lead = LeadTime::new(median, median * spread).unwrap();
            let (low, high) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(lead.quantile(low) <= lead.quantile(high));
            prop_assert!(close(lead.quantile(0.5), median, 1e-9));
            prop_assert!(close(lead.quantile(0.9), median * spread, 1e-9));
        }

        #[test]
        fn the_normal_quantile_is_monotone_and_odd(p in 1e-300f64..0.5, q in 1e-300f64..0.5) {
            let (low, high) = if p <= q { (p, q) } else { (q, p) };
            prop_assert!(standard_normal_quantile(low) <= standard_normal_quantile(high));
            // 1 − p is exact to within an ulp of 1, which moves Φ⁻¹ by ~1e-16 / φ(z):
            // compare only where that is negligible.
            if p > 1e-3 {
                let (z, mirror) = (standard_normal_quantile(p), standard_normal_quantile(1.0 - p));
                prop_assert!((z + mirror).abs() < 1e-12, "Φ⁻¹({}) = {}, Φ⁻¹(1 − p) = {}", p, z, mirror);
            }
        }
    }
}
