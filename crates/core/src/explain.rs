//! The deadline explained: for one clock, every day from its start to its due date, counted
//! or skipped, and why (domain.md, "Every due date can be explained").
//!
//! The walk is independent of the fast index arithmetic of [`Calendar`]: it is what a clerk
//! would do with a paper calendar, and a test checks that both arrive at the same day.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError, DateSpan, DayLabel};
use crate::item::{DayUnit, TimeLimit};

/// Why a day was counted or skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayReason {
    /// An ordinary working day (Monday to Friday).
    WorkingDay,
    /// A Saturday or Sunday worked by the notice's arrangement (调休上班).
    AdjustedWorkday {
        name: String,
    },
    /// A natural day of a natural-day period.
    NaturalDay,
    Weekend,
    /// A day off of a named holiday (or a 补假 day of a provisional year).
    Holiday {
        name: String,
    },
    /// Inside a suspension (特别程序): not counted.
    Suspension,
    /// A rest day after the last natural day: the period ends on the next working day.
    EndsOnWorkingDay,
}

/// One day of the explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainedDay {
    pub date: NaiveDate,
    pub counted: bool,
    pub reason: DayReason,
    /// Counted on a provisional year (the 放假办法 alone, no notice yet).
    pub provisional: bool,
    /// Counted as part of the extension (art. 42), after the unextended due date.
    pub extension: bool,
}

/// A clock's period, day by day, with the due date the walk arrived at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub start: NaiveDate,
    pub due: NaiveDate,
    /// Days counted towards the limit (and the extension).
    pub counted: u32,
    pub provisional: bool,
    pub days: Vec<ExplainedDay>,
}

/// Explains `limit` from `start` (not counted), skipping the suspension spans, then
/// `extension` working days more when the limit was extended.
pub fn explain(
    calendar: &Calendar,
    start: NaiveDate,
    limit: TimeLimit,
    suspensions: &[DateSpan],
    extension: Option<u32>,
) -> Result<Explanation, CalendarError> {
    let mut walk = Walk {
        calendar,
        suspensions,
        day: start,
        days: Vec::new(),
        counted: 0,
    };
    let limit = limit.from_start(start);
    match limit.unit {
        DayUnit::WorkingDays => walk.working_days(limit.days, false)?,
        DayUnit::NaturalDays | DayUnit::Months => walk.natural_days(limit.days)?,
    }
    if let Some(n) = extension {
        walk.working_days(n, true)?;
    }
    let due = walk.day;
    Ok(Explanation {
        start,
        due,
        counted: walk.counted,
        provisional: calendar.is_provisional(due),
        days: walk.days,
    })
}

struct Walk<'a> {
    calendar: &'a Calendar,
    suspensions: &'a [DateSpan],
    /// The last day walked (the start before the first step).
    day: NaiveDate,
    days: Vec<ExplainedDay>,
    counted: u32,
}

impl Walk<'_> {
    fn step(&mut self) -> Result<NaiveDate, CalendarError> {
        let next = self
            .day
            .checked_add_days(Days::new(1))
            .ok_or(CalendarError::OutOfRange {
                calendar: self.calendar.name().to_owned(),
                date: self.day,
                first_year: self.calendar.years().0,
                last_year: self.calendar.years().1,
            })?;
        // Asking is also the range check: a walk never leaves the calendar silently.
        self.calendar.is_working_day(next)?;
        self.day = next;
        Ok(next)
    }

    fn suspended(&self, date: NaiveDate) -> bool {
        self.suspensions
            .iter()
            .any(|s| s.from <= date && date <= s.to)
    }

    fn push(&mut self, date: NaiveDate, counted: bool, reason: DayReason, extension: bool) {
        if counted {
            self.counted += 1;
        }
        self.days.push(ExplainedDay {
            date,
            counted,
            reason,
            provisional: self.calendar.is_provisional(date),
            extension,
        });
    }

    /// The reason a day is or is not a working day, by the calendar.
    fn calendar_reason(&self, date: NaiveDate, working: bool) -> DayReason {
        match (self.calendar.label(date), working) {
            (Some(DayLabel::AdjustedWorkday { name }), true) => {
                DayReason::AdjustedWorkday { name: name.clone() }
            }
            (_, true) => DayReason::WorkingDay,
            (Some(DayLabel::Holiday { name }), false) => DayReason::Holiday { name: name.clone() },
            (_, false) if is_weekend(date) => DayReason::Weekend,
            // A weekday off with no name: a regional calendar's own day off.
            (_, false) => DayReason::Holiday {
                name: "节假日".to_owned(),
            },
        }
    }

    fn working_days(&mut self, n: u32, extension: bool) -> Result<(), CalendarError> {
        if n == 0 {
            // "Within 0 working days" ends on a working day (the start itself when it is one).
            return self.walk_to_working_day(extension);
        }
        let mut left = n;
        while left > 0 {
            let date = self.step()?;
            if self.suspended(date) {
                self.push(date, false, DayReason::Suspension, extension);
                continue;
            }
            let working = self.calendar.is_working_day(date)?;
            let reason = self.calendar_reason(date, working);
            self.push(date, working, reason, extension);
            if working {
                left -= 1;
            }
        }
        Ok(())
    }

    fn natural_days(&mut self, n: u32) -> Result<(), CalendarError> {
        let mut left = n;
        while left > 0 {
            let date = self.step()?;
            if self.suspended(date) {
                self.push(date, false, DayReason::Suspension, false);
                continue;
            }
            self.push(date, true, DayReason::NaturalDay, false);
            left -= 1;
        }
        self.walk_to_working_day(false)
    }

    /// Walks past rest days until the current day is a working day: the period ends there.
    fn walk_to_working_day(&mut self, extension: bool) -> Result<(), CalendarError> {
        while !self.calendar.is_working_day(self.day)? {
            let date = self.step()?;
            if self.calendar.is_working_day(date)? {
                self.push(date, false, DayReason::EndsOnWorkingDay, extension);
            } else {
                let reason = self.calendar_reason(date, false);
                self.push(date, false, reason, extension);
            }
        }
        Ok(())
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarBook;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn national_day_2025_is_named_and_the_worked_saturday_is_counted() {
        let cal = Calendar::china();
        let e = explain(
            &cal,
            date("2025-09-26"),
            TimeLimit::working_days(5),
            &[],
            None,
        )
        .unwrap();
        assert_eq!(e.due, date("2025-10-10"));
        let reason = |d: &str| {
            e.days
                .iter()
                .find(|x| x.date == date(d))
                .unwrap()
                .reason
                .clone()
        };
        assert!(matches!(
            reason("2025-09-28"),
            DayReason::AdjustedWorkday { .. }
        ));
        assert!(matches!(reason("2025-09-29"), DayReason::WorkingDay));
        assert!(
            matches!(reason("2025-10-02"), DayReason::Holiday { name } if name.contains("国庆"))
        );
        assert!(
            matches!(reason("2025-10-06"), DayReason::Holiday { name } if name.contains("中秋"))
        );
        assert_eq!(e.counted, 5);
    }

    #[test]
    fn a_natural_day_period_ending_on_a_rest_day_walks_to_the_next_working_day() {
        let cal = Calendar::china();
        let e = explain(
            &cal,
            date("2025-09-26"),
            TimeLimit::natural_days(5),
            &[],
            None,
        )
        .unwrap();
        assert_eq!(e.due, date("2025-10-09"));
        assert_eq!(e.days.last().unwrap().reason, DayReason::EndsOnWorkingDay);
    }

    proptest! {
        /// The day-by-day walk arrives where the index arithmetic does, for every limit,
        /// suspension and extension.
        #[test]
        fn the_walk_agrees_with_the_calendar(
            start in 0u64..3000,
            days in 0u32..70,
            natural in any::<bool>(),
            gap in 0u64..20,
            len in proptest::option::of(0u64..15),
            ext in proptest::option::of(1u32..11),
        ) {
            let book = CalendarBook::builtin();
            let cal = book.calendar(crate::calendar::CHINA).unwrap();
            let start = date("2017-01-01") + Days::new(start);
            let limit = if natural { TimeLimit::natural_days(days) } else { TimeLimit::working_days(days) };
            let spans: Vec<DateSpan> = len
                .map(|l| {
                    let from = start + Days::new(gap + 1);
                    DateSpan { from, to: from + Days::new(l) }
                })
                .into_iter()
                .collect();
            let hall = crate::clock::HallTime::shanghai();
            let mut due = crate::clock::due_after(cal, hall, start, limit, &spans).unwrap();
            if let Some(n) = ext {
                due = crate::clock::extend_due(cal, hall, due.date, n, &spans).unwrap();
            }
            let e = explain(cal, start, limit, &spans, ext).unwrap();
            prop_assert_eq!(e.due, due.date);
            if !natural {
                prop_assert_eq!(e.counted, days + ext.unwrap_or(0));
            }
        }
    }
}
