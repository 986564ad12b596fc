//! The parties' decision rules. Each rule reads only the *record* (the engine's view of
//! the agreement, summarised in an [`Outlook`]) and the party's own [`Memory`]; none sees
//! the truth of another party's conduct. docs/simulation.md states each rule in words;
//! the unit tests below pin them.

use detente_spec::model::Category;

use crate::plan::CommitmentPlan;

/// A party's decision rule, with its parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// Performs everything it owes; never breaks a measure.
    Sincere,
    /// Performs what it owes, but breaks each continuing measure in effect with
    /// probability `cheat` a month, hoping not to be caught.
    CovertCheater {
        /// The monthly probability of breaking a measure.
        cheat: f64,
    },
    /// Performs steps whose cost is at most `max_cost`, while no commitment of another
    /// party is violated on record; lets costlier ones lapse.
    Hedger {
        /// The highest cost it still pays.
        max_cost: f64,
    },
    /// Performs while no commitment of another party is violated on record; withholds
    /// performance while one is, and resumes once the record is cleared.
    TitForTat,
    /// As tit-for-tat, but after the first violation on record by another party it never
    /// performs again, never cancels a snap-back it invoked, and withdraws if it can.
    GrimTrigger,
    /// Osgood's graduated reciprocation: one step at a time; a step each month while the
    /// others answer its previous step, otherwise one unilateral step per `patience`;
    /// none while another party's breach is on record.
    Grit {
        /// How long it waits for an answer before its next unilateral step, in months.
        patience_months: u32,
    },
    /// Performs no concession before every measure of the other parties is fulfilled,
    /// and no measure before every concession of the others is; mutual steps it takes.
    Maximalist,
}

/// Why a rule withholds a step its party owes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Withholding {
    /// The step costs more than the hedger pays.
    Costly {
        /// Its `values.cost` to the deciding party.
        cost: f64,
        /// The most the party pays.
        max_cost: f64,
    },
    /// Another party's breach is on record.
    OthersViolating,
    /// Another party's breach was on record once: grim trigger never performs again.
    Betrayed,
    /// A maximalist's concession waits for every measure of the others to be fulfilled.
    AwaitsMeasures,
    /// A maximalist's measure waits for every concession of the others to be fulfilled.
    AwaitsConcessions,
}

/// What a party reads from the record at a step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Outlook {
    /// Some commitment binding only other parties is violated on record now.
    pub others_violating: bool,
    /// Such a violation has stood on record since the previous step: the dispute
    /// procedure had a step to clear it and did not.
    pub violation_stands: bool,
    /// Every measure binding only other parties is fulfilled (or released).
    pub others_measures_done: bool,
    /// Every concession binding only other parties is fulfilled (or released).
    pub others_concessions_done: bool,
    /// The other parties have performed something since this party's last step.
    pub answered: bool,
}

/// What a party remembers between steps.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Memory {
    /// Another party has been on record as violating at some step.
    pub betrayed: bool,
    /// A change of government has reversed the party's course (an odd number of times).
    pub reversed: bool,
    /// The month of its last step (GRIT).
    pub last_step_month: Option<u32>,
    /// How many performances of other parties were on record at its last step (GRIT).
    pub answers_seen: u64,
}

impl Rule {
    /// The rule the party follows now: a government that reversed course turns a
    /// cooperative rule into `Maximalist`, and a maximalist one into `Sincere`.
    pub fn effective(self, memory: &Memory) -> Rule {
        match (memory.reversed, self) {
            (false, rule) => rule,
            (true, Rule::Maximalist) => Rule::Sincere,
            (true, _) => Rule::Maximalist,
        }
    }

    /// How many new steps the party takes at month `month` (GRIT paces itself; the
    /// other rules are limited only by what they are willing to perform).
    pub fn budget(self, memory: &Memory, outlook: &Outlook, month: u32) -> usize {
        match self {
            Rule::Grit { patience_months } => {
                let due = match memory.last_step_month {
                    None => true,
                    Some(last) => outlook.answered || month >= last + patience_months,
                };
                usize::from(due)
            }
            _ => usize::MAX,
        }
    }

    /// Whether party `party` is willing to perform (or bring into effect) a commitment
    /// it owes.
    pub fn performs(
        self,
        commitment: &CommitmentPlan,
        party: usize,
        memory: &Memory,
        outlook: &Outlook,
    ) -> bool {
        self.withholds(commitment, party, memory, outlook).is_none()
    }

    /// Why the party withholds a commitment it owes, if it does: the decision of
    /// [`Rule::performs`] with its reason, which a traced run keeps.
    pub fn withholds(
        self,
        commitment: &CommitmentPlan,
        party: usize,
        memory: &Memory,
        outlook: &Outlook,
    ) -> Option<Withholding> {
        let cost = commitment.cost_to(party);
        let withheld = |holds: bool, why: Withholding| holds.then_some(why);
        match self {
            Rule::Sincere | Rule::CovertCheater { .. } => None,
            // A hedger pays only cheap steps, and none while it is not being paid: a breach
            // of another party on record stops it as it stops tit-for-tat.
            Rule::Hedger { max_cost } if cost > max_cost => Some(Withholding::Costly { cost, max_cost }),
            Rule::Hedger { .. } => withheld(outlook.others_violating, Withholding::OthersViolating),
            // Osgood's GRIT goes on with its initiatives unanswered, but answers
            // exploitation in kind: it takes no step while another's breach is on record.
            Rule::Grit { .. } => withheld(outlook.others_violating, Withholding::OthersViolating),
            Rule::TitForTat => withheld(outlook.others_violating, Withholding::OthersViolating),
            Rule::GrimTrigger if memory.betrayed => Some(Withholding::Betrayed),
            Rule::GrimTrigger => withheld(outlook.others_violating, Withholding::OthersViolating),
            Rule::Maximalist => match commitment.category {
                Category::Concession => withheld(!outlook.others_measures_done, Withholding::AwaitsMeasures),
                Category::Measure => {
                    withheld(!outlook.others_concessions_done, Withholding::AwaitsConcessions)
                }
                Category::Mutual => None,
            },
        }
    }

    /// The monthly probability that the party covertly breaks a continuing measure in effect.
    pub fn cheat(self) -> f64 {
        match self {
            Rule::CovertCheater { cheat } => cheat,
            _ => 0.0,
        }
    }

    /// Whether the party invokes an available snap-back or suspension. Every rule
    /// answers a violation by another party that has stood on record for a step (it
    /// survived the dispute procedure); grim trigger answers at once.
    pub fn enforces(self, outlook: &Outlook) -> bool {
        match self {
            Rule::GrimTrigger => outlook.others_violating,
            _ => outlook.violation_stands,
        }
    }

    /// Whether the party invokes an available withdrawal.
    pub fn withdraws(self, memory: &Memory) -> bool {
        matches!(self, Rule::GrimTrigger) && memory.betrayed
    }

    /// Whether the party cancels a snap-back it invoked once its trigger no longer holds
    /// (the violation was resolved during the notice period).
    pub fn cancels(self) -> bool {
        !matches!(self, Rule::GrimTrigger)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commitment(category: Category, cost: f64) -> CommitmentPlan {
        CommitmentPlan {
            key: 0,
            continuing: false,
            category,
            costs: vec![(0, cost)],
            detection: 1.0,
            false_alarm: 0.0,
            access: Vec::new(),
            inspection: 1.0,
            every: 1,
            budget: None,
            lead: crate::lead_time::Lead::Stated(crate::lead_time::LeadTime::default_for(
                crate::lead_time::StepClass::Other,
            )),
            lead_time_assumed: false,
        }
    }

    const CALM: Outlook = Outlook {
        others_violating: false,
        violation_stands: false,
        others_measures_done: false,
        others_concessions_done: false,
        answered: false,
    };
    const VIOLATION: Outlook = Outlook { others_violating: true, violation_stands: true, ..CALM };
    const FRESH_VIOLATION: Outlook = Outlook { others_violating: true, ..CALM };

    #[test]
    fn sincere_performs_whatever_the_record_says_and_never_cheats() {
        let m = Memory::default();
        for outlook in [CALM, VIOLATION] {
            assert!(Rule::Sincere.performs(&commitment(Category::Concession, 9.0), 0, &m, &outlook));
        }
        assert_eq!(Rule::Sincere.cheat(), 0.0);
        assert!(Rule::Sincere.enforces(&VIOLATION) && !Rule::Sincere.enforces(&CALM));
        assert!(!Rule::Sincere.enforces(&FRESH_VIOLATION), "waits for the dispute procedure");
        assert!(!Rule::Sincere.withdraws(&Memory { betrayed: true, ..m }));
    }

    #[test]
    fn covert_cheater_performs_but_cheats_at_its_rate() {
        let rule = Rule::CovertCheater { cheat: 0.2 };
        assert!(rule.performs(&commitment(Category::Measure, 5.0), 0, &Memory::default(), &CALM));
        assert_eq!(rule.cheat(), 0.2);
    }

    #[test]
    fn hedger_pays_cheap_steps_only() {
        let rule = Rule::Hedger { max_cost: 2.0 };
        let m = Memory::default();
        assert!(rule.performs(&commitment(Category::Measure, 2.0), 0, &m, &CALM));
        assert!(!rule.performs(&commitment(Category::Measure, 2.5), 0, &m, &CALM));
        assert!(!rule.performs(&commitment(Category::Measure, 1.0), 0, &m, &VIOLATION), "not while unpaid");
    }

    #[test]
    fn hedger_reads_its_own_cost_of_a_shared_step() {
        // A step two parties share, costing party 0 one and party 1 three: a hedger
        // paying up to two performs its part as party 0 and withholds it as party 1.
        let shared =
            CommitmentPlan { costs: vec![(0, 1.0), (1, 3.0)], ..commitment(Category::Concession, 0.0) };
        let rule = Rule::Hedger { max_cost: 2.0 };
        let m = Memory::default();
        assert!(rule.performs(&shared, 0, &m, &CALM));
        assert_eq!(
            rule.withholds(&shared, 1, &m, &CALM),
            Some(Withholding::Costly { cost: 3.0, max_cost: 2.0 })
        );
        assert_eq!(shared.cost_to(7), 3.0, "a successor is charged the highest cost of the parties bound");
    }

    #[test]
    fn tit_for_tat_withholds_only_while_a_violation_is_on_record() {
        let betrayed = Memory { betrayed: true, ..Memory::default() };
        let c = commitment(Category::Concession, 1.0);
        assert!(!Rule::TitForTat.performs(&c, 0, &betrayed, &VIOLATION));
        assert!(Rule::TitForTat.performs(&c, 0, &betrayed, &CALM), "resumes once the record is cleared");
        assert!(Rule::TitForTat.cancels());
    }

    #[test]
    fn grim_trigger_never_forgives() {
        let betrayed = Memory { betrayed: true, ..Memory::default() };
        let c = commitment(Category::Concession, 1.0);
        assert!(Rule::GrimTrigger.performs(&c, 0, &Memory::default(), &CALM));
        assert!(!Rule::GrimTrigger.performs(&c, 0, &betrayed, &CALM));
        assert!(Rule::GrimTrigger.withdraws(&betrayed) && !Rule::GrimTrigger.withdraws(&Memory::default()));
        assert!(!Rule::GrimTrigger.cancels());
        assert!(Rule::GrimTrigger.enforces(&FRESH_VIOLATION), "enforces at once");
    }

    #[test]
    fn grit_steps_monthly_when_answered_and_by_patience_otherwise() {
        let rule = Rule::Grit { patience_months: 6 };
        let fresh = Memory::default();
        assert_eq!(rule.budget(&fresh, &CALM, 1), 1, "the first step is unilateral");
        let stepped = Memory { last_step_month: Some(3), ..fresh };
        assert_eq!(rule.budget(&stepped, &CALM, 4), 0, "no answer yet: wait");
        assert_eq!(rule.budget(&stepped, &Outlook { answered: true, ..CALM }, 4), 1, "answered: go on");
        assert_eq!(rule.budget(&stepped, &CALM, 9), 1, "patience ran out: another unilateral step");
        assert!(rule.performs(&commitment(Category::Measure, 9.0), 0, &fresh, &CALM), "whatever it costs");
        assert!(
            !rule.performs(&commitment(Category::Measure, 1.0), 0, &fresh, &VIOLATION),
            "exploited: waits"
        );
    }

    #[test]
    fn maximalist_wants_the_other_side_to_go_all_the_way_first() {
        let m = Memory::default();
        let concession = commitment(Category::Concession, 1.0);
        let measure = commitment(Category::Measure, 1.0);
        assert!(!Rule::Maximalist.performs(&concession, 0, &m, &CALM));
        assert!(Rule::Maximalist.performs(
            &concession,
            0,
            &m,
            &Outlook { others_measures_done: true, ..CALM }
        ));
        assert!(!Rule::Maximalist.performs(&measure, 0, &m, &Outlook { others_measures_done: true, ..CALM }));
        assert!(Rule::Maximalist.performs(
            &measure,
            0,
            &m,
            &Outlook { others_concessions_done: true, ..CALM }
        ));
        assert!(Rule::Maximalist.performs(&commitment(Category::Mutual, 1.0), 0, &m, &CALM));
    }

    #[test]
    fn each_rule_says_why_it_withholds_and_performs_exactly_when_it_does_not() {
        let (m, betrayed) = (Memory::default(), Memory { betrayed: true, ..Memory::default() });
        let (concession, measure) =
            (commitment(Category::Concession, 5.0), commitment(Category::Measure, 1.0));
        let hedger = Rule::Hedger { max_cost: 4.0 };
        assert_eq!(
            hedger.withholds(&concession, 0, &m, &CALM),
            Some(Withholding::Costly { cost: 5.0, max_cost: 4.0 })
        );
        assert_eq!(hedger.withholds(&measure, 0, &m, &CALM), None);
        assert_eq!(
            Rule::TitForTat.withholds(&measure, 0, &m, &VIOLATION),
            Some(Withholding::OthersViolating)
        );
        assert_eq!(Rule::GrimTrigger.withholds(&measure, 0, &betrayed, &CALM), Some(Withholding::Betrayed));
        assert_eq!(Rule::Maximalist.withholds(&concession, 0, &m, &CALM), Some(Withholding::AwaitsMeasures));
        assert_eq!(Rule::Maximalist.withholds(&measure, 0, &m, &CALM), Some(Withholding::AwaitsConcessions));
        assert_eq!(Rule::Sincere.withholds(&concession, 0, &betrayed, &VIOLATION), None);
        let rules = [
            Rule::Sincere,
            Rule::CovertCheater { cheat: 0.1 },
            hedger,
            Rule::TitForTat,
            Rule::GrimTrigger,
            Rule::Grit { patience_months: 3 },
            Rule::Maximalist,
        ];
        let outlooks = [CALM, VIOLATION, FRESH_VIOLATION, Outlook { others_measures_done: true, ..CALM }];
        for rule in rules {
            for c in [&concession, &measure, &commitment(Category::Mutual, 9.0)] {
                for memory in [&m, &betrayed] {
                    for outlook in &outlooks {
                        let withheld = rule.withholds(c, 0, memory, outlook).is_some();
                        assert_eq!(rule.performs(c, 0, memory, outlook), !withheld, "{rule:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_reversal_turns_cooperation_into_maximalism_and_back() {
        let reversed = Memory { reversed: true, ..Memory::default() };
        assert_eq!(Rule::Sincere.effective(&reversed), Rule::Maximalist);
        assert_eq!(Rule::TitForTat.effective(&reversed), Rule::Maximalist);
        assert_eq!(Rule::Maximalist.effective(&reversed), Rule::Sincere);
        assert_eq!(Rule::TitForTat.effective(&Memory::default()), Rule::TitForTat);
    }
}
