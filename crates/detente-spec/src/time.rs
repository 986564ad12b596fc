//! Calendar dates and durations.
//!
//! Agreements speak in calendar days: "within 90 days of the phase opening", "a 30-day
//! notice period", "one year after adoption". We therefore use civil dates (no time of
//! day, no time zone) and durations counted in days, weeks, months or years.
//!
//! # Month arithmetic
//!
//! Adding months or years to a date is ambiguous when the target month is shorter than
//! the day of month (what is 31 January + 1 month?). detente **clamps to the last day of
//! the target month**: 31 Jan + 1 month = 28 Feb (29 Feb in a leap year), 29 Feb 2024 +
//! 1 year = 28 Feb 2025. This is the "round down" choice discussed in Catala's work on
//! legal date computations; it never produces a date past the end of the intended month,
//! so a deadline cannot silently slide into the following month.
//!
//! Because clamping is not associative (31 Jan + 1 month + 1 month = 28 Mar, but
//! 31 Jan + 2 months = 31 Mar), a duration is always added **in one step to its anchor
//! date**, never by chaining smaller steps. [`Duration::after`] is the only place dates move.

use std::fmt;
use std::str::FromStr;

pub use jiff::civil::Date;

/// The unit of a [`Duration`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// Calendar days.
    Day,
    /// Weeks of seven days.
    Week,
    /// Calendar months, clamped to the end of the target month.
    Month,
    /// Calendar years, clamped (29 February becomes 28 February).
    Year,
}

impl Unit {
    fn name(self, plural: bool) -> &'static str {
        match (self, plural) {
            (Unit::Day, false) => "day",
            (Unit::Day, true) => "days",
            (Unit::Week, false) => "week",
            (Unit::Week, true) => "weeks",
            (Unit::Month, false) => "month",
            (Unit::Month, true) => "months",
            (Unit::Year, false) => "year",
            (Unit::Year, true) => "years",
        }
    }

    fn parse(word: &str) -> Option<Unit> {
        Some(match word {
            "d" | "day" | "days" => Unit::Day,
            "w" | "week" | "weeks" => Unit::Week,
            "mo" | "month" | "months" => Unit::Month,
            "y" | "year" | "years" => Unit::Year,
            _ => return None,
        })
    }
}

/// A length of time such as `90 days` or `6 months`.
///
/// Written in specification files as a string: a non-negative whole number, a space
/// and a unit (`day`, `week`, `month`, `year`, singular or plural; `d`, `w`, `mo`, `y`
/// also work). The canonical form, used by the normalized JSON, is `"90 days"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Duration {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: Unit,
}

/// The last date detente computes with.
pub const CALENDAR_END: Date = Date::constant(9999, 12, 31);

/// The largest amount a duration may carry: 1,000 years is longer than any agreement,
/// and keeps every date computation inside jiff's supported range.
pub const MAX_DURATION_DAYS: u32 = 366_000;

impl Duration {
    /// A duration of `n` days.
    pub fn days(n: u32) -> Duration {
        Duration { amount: n, unit: Unit::Day }
    }

    /// A duration of `n` months.
    pub fn months(n: u32) -> Duration {
        Duration { amount: n, unit: Unit::Month }
    }

    /// An upper bound of this duration in days, used for ordering deadlines statically.
    pub fn approx_days(self) -> u64 {
        let per_unit = match self.unit {
            Unit::Day => 1,
            Unit::Week => 7,
            Unit::Month => 31,
            Unit::Year => 366,
        };
        u64::from(self.amount) * per_unit
    }

    /// Whether this duration is zero.
    pub fn is_zero(self) -> bool {
        self.amount == 0
    }

    /// The date `self` after `anchor`, with month-end clamping (see the module docs).
    /// `None` when the result would fall outside the supported calendar (years 1 to
    /// 9999, [`CALENDAR_END`]). Validation (E013) rejects specifications whose durations,
    /// counted from the agreement's end (or adoption), could fall past it, so that a
    /// valid agreement never loses a deadline this way.
    pub fn after(self, anchor: Date) -> Option<Date> {
        let amount = i64::from(self.amount);
        let span = match self.unit {
            Unit::Day => jiff::Span::new().try_days(amount).ok()?,
            Unit::Week => jiff::Span::new().try_weeks(amount).ok()?,
            Unit::Month => jiff::Span::new().try_months(amount).ok()?,
            Unit::Year => jiff::Span::new().try_years(amount).ok()?,
        };
        let date = anchor.checked_add(span).ok()?;
        (date.year() >= 1).then_some(date)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.unit.name(self.amount != 1))
    }
}

/// Why a duration string could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// The text does not start with a whole number.
    #[error("`{text}` does not start with a whole number of days, weeks, months or years")]
    NoNumber {
        /// The text, trimmed.
        text: String,
    },
    /// The number does not fit a duration (more than 2^32 - 1).
    #[error("`{number}` is too large for a duration")]
    NumberTooLarge {
        /// The number as written.
        number: String,
    },
    /// The word after the number is not a unit of time.
    #[error("`{word}` is not a unit of time; use days, weeks, months or years")]
    UnknownUnit {
        /// The word as written.
        word: String,
    },
    /// The duration is longer than the longest detente accepts ([`MAX_DURATION_DAYS`]).
    #[error("`{text}` is longer than 1,000 years, the longest duration detente accepts")]
    TooLong {
        /// The text, trimmed.
        text: String,
        /// The duration it reads as.
        duration: Duration,
    },
}

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Duration, DurationError> {
        let text = text.trim();
        let digits_end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
        let (number, rest) = text.split_at(digits_end);
        if number.is_empty() {
            return Err(DurationError::NoNumber { text: text.into() });
        }
        let amount: u32 =
            number.parse().map_err(|_| DurationError::NumberTooLarge { number: number.into() })?;
        let word = rest.trim();
        let unit = Unit::parse(word).ok_or_else(|| DurationError::UnknownUnit { word: word.into() })?;
        let duration = Duration { amount, unit };
        if duration.approx_days() > u64::from(MAX_DURATION_DAYS) {
            return Err(DurationError::TooLong { text: text.into(), duration });
        }
        Ok(duration)
    }
}

impl serde::Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A length of time: a whole number and a unit, e.g. \"90 days\", \"6 months\", \"1 year\".",
            "pattern": "^\\s*[0-9]+\\s*(d|days?|w|weeks?|mo|months?|y|years?)\\s*$"
        })
    }
}

/// Why a text is not a calendar date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD` (four digits, a dash, two digits, a dash, two digits).
    #[error("`{text}` is not a date in the form YYYY-MM-DD")]
    NotYyyyMmDd {
        /// The text.
        text: String,
    },
    /// Year 0000, which the calendar does not have.
    #[error("`{text}`: year 0000 is not a calendar year")]
    YearZero {
        /// The text.
        text: String,
    },
    /// A month outside 1 to 12.
    #[error("`{text}`: there is no month {month}")]
    NoSuchMonth {
        /// The text.
        text: String,
        /// The month as written.
        month: i8,
    },
    /// A day past the end of its month (or day 00).
    #[error("`{text}`: that month has only {days_in_month} days")]
    NoSuchDay {
        /// The text.
        text: String,
        /// The day as written.
        day: i8,
        /// How many days the month has in that year.
        days_in_month: i8,
    },
}

/// Parses a `YYYY-MM-DD` calendar date, with a message a person can act on.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    let not_a_date = || DateError::NotYyyyMmDd { text: text.into() };
    if !shaped {
        return Err(not_a_date());
    }
    let year: i16 = text[0..4].parse().map_err(|_| not_a_date())?;
    let month: i8 = text[5..7].parse().map_err(|_| not_a_date())?;
    let day: i8 = text[8..10].parse().map_err(|_| not_a_date())?;
    if year < 1 {
        return Err(DateError::YearZero { text: text.into() });
    }
    if !(1..=12).contains(&month) {
        return Err(DateError::NoSuchMonth { text: text.into(), month });
    }
    Date::new(year, month, day).map_err(|_| {
        let days_in_month = Date::new(year, month, 1).map(|d| d.days_in_month()).unwrap_or(31);
        DateError::NoSuchDay { text: text.into(), day, days_in_month }
    })
}

/// A schema for dates: TOML date literals (or strings) of the form `YYYY-MM-DD`.
pub(crate) fn date_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "format": "date",
        "description": "A calendar date, YYYY-MM-DD (a TOML date literal or a string)."
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parses_and_prints_canonical_durations() {
        for (text, canonical) in [
            ("90 days", "90 days"),
            ("1 day", "1 day"),
            ("1 days", "1 day"),
            ("6mo", "6 months"),
            (" 2 weeks ", "2 weeks"),
            ("1 y", "1 year"),
            ("0 days", "0 days"),
        ] {
            let parsed: Duration = text.parse().unwrap();
            assert_eq!(parsed.to_string(), canonical, "{text}");
        }
    }

    #[test]
    fn rejects_bad_durations_with_reasons() {
        let error = |text: &str| text.parse::<Duration>().unwrap_err();
        assert_eq!(
            error(" days ").to_string(),
            "`days` does not start with a whole number of days, weeks, months or years"
        );
        assert_eq!(error("3 fortnights"), DurationError::UnknownUnit { word: "fortnights".into() });
        assert!(error("3 fortnights").to_string().contains("`fortnights` is not a unit of time"));
        assert!(matches!(error("-3 days"), DurationError::NoNumber { .. }));
        assert_eq!(error("99999999999 days").to_string(), "`99999999999` is too large for a duration");
        assert_eq!(
            error("2000 years"),
            DurationError::TooLong {
                text: "2000 years".into(),
                duration: Duration { amount: 2000, unit: Unit::Year }
            }
        );
        assert!(error("2000 years").to_string().contains("longer than 1,000 years"));
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        let jan31 = date(2021, 1, 31);
        assert_eq!(Duration::months(1).after(jan31), Some(date(2021, 2, 28)));
        assert_eq!(Duration::months(1).after(date(2020, 1, 31)), Some(date(2020, 2, 29)));
        assert_eq!(Duration::months(2).after(jan31), Some(date(2021, 3, 31)));
        let leap = date(2024, 2, 29);
        let one_year = Duration { amount: 1, unit: Unit::Year };
        assert_eq!(one_year.after(leap), Some(date(2025, 2, 28)));
        assert_eq!(Duration::days(30).after(date(2020, 12, 15)), Some(date(2021, 1, 14)));
    }

    #[test]
    fn out_of_range_dates_are_none_not_panics() {
        let far = Duration { amount: 1000, unit: Unit::Year };
        assert_eq!(far.after(date(9500, 1, 1)), None);
    }

    #[test]
    fn dates_are_checked_with_helpful_messages() {
        assert_eq!(parse_date("2020-02-29"), Ok(date(2020, 2, 29)));
        let leap = parse_date("2021-02-29").unwrap_err();
        assert_eq!(leap, DateError::NoSuchDay { text: "2021-02-29".into(), day: 29, days_in_month: 28 });
        assert_eq!(leap.to_string(), "`2021-02-29`: that month has only 28 days");
        let month = parse_date("2021-13-01").unwrap_err();
        assert_eq!(month, DateError::NoSuchMonth { text: "2021-13-01".into(), month: 13 });
        assert_eq!(month.to_string(), "`2021-13-01`: there is no month 13");
        assert_eq!(
            parse_date("21-1-1").unwrap_err().to_string(),
            "`21-1-1` is not a date in the form YYYY-MM-DD"
        );
        assert_eq!(parse_date("0000-01-01").unwrap_err(), DateError::YearZero { text: "0000-01-01".into() });
        assert!(matches!(
            parse_date("2021-04-00"),
            Err(DateError::NoSuchDay { day: 0, days_in_month: 30, .. })
        ));
    }
}
