//! Case clocks: acceptance (art. 32), decision with promised and legal due dates (art. 42),
//! extension (art. 42), suspension by special procedures (art. 45), delivery (art. 44), stages.
//!
//! Due dates are fixed when a clock starts or changes (accept, suspend, resume, extend) and are
//! stored on the case; nothing here is evaluated against "today" except by the caller. A due
//! date is a local date of the hall: the deadline falls at the end of that day, i.e. the
//! instant the next local day begins, and a case is overdue from that instant on.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError, DateSpan};
use crate::item::{DayUnit, Item, TimeLimit};

/// The hall's fixed offset from UTC. China has no daylight saving time, so a fixed offset
/// (Asia/Shanghai = UTC+8) answers every local-date question without a time-zone database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HallTime {
    offset: FixedOffset,
}

const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

impl HallTime {
    pub const fn new(offset: FixedOffset) -> Self {
        HallTime { offset }
    }

    /// Asia/Shanghai, the default hall time (UTC+8).
    pub const fn shanghai() -> Self {
        HallTime { offset: SHANGHAI }
    }

    pub fn offset(&self) -> FixedOffset {
        self.offset
    }

    /// The hall-local calendar date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.offset).date_naive()
    }

    /// The instant a local day begins.
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        let local = date.and_time(NaiveTime::MIN);
        match self.offset.from_local_datetime(&local).earliest() {
            Some(at) => at.to_utc(),
            // Only at the very edge of chrono's range; the calendar never gets there.
            None => local.and_utc(),
        }
    }

    /// The end of a local day, as the exclusive instant the next day begins.
    pub fn end_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        self.start_of_day(date.checked_add_days(Days::new(1)).unwrap_or(date))
    }
}

impl Default for HallTime {
    fn default() -> Self {
        HallTime::shanghai()
    }
}

/// A due date: the last local day of a period and the instant it ends (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub date: NaiveDate,
    /// The first instant at which the period has run out (next local day, 00:00).
    pub deadline: DateTime<Utc>,
}

impl Due {
    pub fn on(date: NaiveDate, hall: HallTime) -> Self {
        Due {
            date,
            deadline: hall.end_of_day(date),
        }
    }

    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        now >= self.deadline
    }
}

/// A single-due clock: acceptance (art. 32), delivery (art. 44), one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// The day the period starts (not counted).
    pub started_on: NaiveDate,
    pub due: Due,
    /// When the clock was met (the decision, notice or act it measures happened).
    pub stopped_at: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn is_running(&self) -> bool {
        self.stopped_at.is_none()
    }
}

/// The decision clock (art. 42): promised and legal due dates from acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionClock {
    /// Acceptance day, or the receipt day when the case is deemed accepted on receipt.
    pub started_on: NaiveDate,
    pub promised_due: Due,
    pub legal_due: Due,
    pub stopped_at: Option<DateTime<Utc>>,
}

impl DecisionClock {
    pub fn is_running(&self) -> bool {
        self.stopped_at.is_none()
    }
}

/// All clocks of a case, stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clocks {
    /// Restarted when a supplement arrives, since the application is complete only then.
    pub acceptance: Clock,
    /// Art. 32: no notice or decision within the acceptance period means the case counts as
    /// accepted on receipt; set when the acceptance came after the acceptance due date.
    pub deemed_accepted: bool,
    pub decision: Option<DecisionClock>,
    pub delivery: Option<Clock>,
}

/// The due date of `limit` counted from `start` (not counted), skipping the suspended spans.
/// Natural-day periods skip the suspended natural days and, like every natural-day period,
/// end on a working day.
pub fn due_after(
    calendar: &Calendar,
    hall: HallTime,
    start: NaiveDate,
    limit: TimeLimit,
    excluded: &[DateSpan],
) -> Result<Due, CalendarError> {
    let date = match limit.unit {
        // "Within 0 days" (on the spot) still ends on a working day, like every period.
        DayUnit::WorkingDays if limit.days == 0 => calendar.working_day_on_or_after(start)?,
        DayUnit::WorkingDays => calendar.add_working_days_excluding(start, limit.days, excluded)?,
        DayUnit::NaturalDays => calendar.add_natural_days_excluding(start, limit.days, excluded)?,
    };
    Ok(Due::on(date, hall))
}

/// Adds `working_days` after a due date, skipping suspended spans that lie after it.
pub fn extend_due(
    calendar: &Calendar,
    hall: HallTime,
    due: NaiveDate,
    working_days: u32,
    excluded: &[DateSpan],
) -> Result<Due, CalendarError> {
    let date = calendar.add_working_days_excluding(due, working_days, excluded)?;
    Ok(Due::on(date, hall))
}

/// The working days an extension (art. 42) adds to each decision clock: always to the legal
/// one; to the promised one only when it was granted before the promise broke and the item
/// allows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtensionDays {
    pub promised: Option<u32>,
    pub legal: Option<u32>,
}

/// The promised and legal due dates of a decision clock started on `started_on`, with the
/// extension's days added where they apply.
pub fn decision_dues(
    calendar: &Calendar,
    hall: HallTime,
    item: &Item,
    started_on: NaiveDate,
    extension: ExtensionDays,
    excluded: &[DateSpan],
) -> Result<(Due, Due), CalendarError> {
    let mut promised = due_after(calendar, hall, started_on, item.promised_limit, excluded)?;
    let mut legal = due_after(calendar, hall, started_on, item.legal_limit, excluded)?;
    if let Some(days) = extension.promised {
        promised = extend_due(calendar, hall, promised.date, days, excluded)?;
    }
    if let Some(days) = extension.legal {
        legal = extend_due(calendar, hall, legal.date, days, excluded)?;
    }
    Ok((promised, legal))
}

/// The days a suspension takes out of the count: suspended on day A and resumed on day R,
/// the days A..=R-1 do not count (the resumption day counts again). `None` when resumed on
/// the day of suspension: no whole day was lost.
pub fn excluded_span(
    hall: HallTime,
    suspended_at: DateTime<Utc>,
    resumed_at: DateTime<Utc>,
) -> Option<DateSpan> {
    let from = hall.local_date(suspended_at);
    let to = hall.local_date(resumed_at).pred_opt()?;
    (to >= from).then_some(DateSpan { from, to })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::test_support::{calendar, date, item};

    fn both(days: u32) -> ExtensionDays {
        ExtensionDays {
            promised: Some(days),
            legal: Some(days),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn local_date_and_end_of_day_use_the_hall_offset() {
        let hall = HallTime::shanghai();
        // 2025-09-30 17:00 UTC is 2025-10-01 01:00 in Beijing.
        assert_eq!(
            hall.local_date(at("2025-09-30T17:00:00Z")),
            date("2025-10-01")
        );
        assert_eq!(
            hall.end_of_day(date("2025-10-01")),
            at("2025-10-01T16:00:00Z")
        );
        let due = Due::on(date("2025-10-01"), hall);
        assert!(!due.is_overdue(at("2025-10-01T15:59:59.999Z")));
        assert!(due.is_overdue(at("2025-10-01T16:00:00Z")));
    }

    #[test]
    fn working_day_due_skips_the_national_day_holiday() {
        let cal = calendar();
        // Accepted on Fri 2025-09-26: Sun 09-28 is worked, 10-01..08 off, Sat 10-11 worked.
        let due = due_after(
            &cal,
            HallTime::shanghai(),
            date("2025-09-26"),
            TimeLimit::working_days(5),
            &[],
        )
        .unwrap();
        // 09-28, 09-29, 09-30, 10-09, 10-10.
        assert_eq!(due.date, date("2025-10-10"));
    }

    #[test]
    fn natural_day_due_moves_to_the_next_working_day() {
        let cal = calendar();
        let due = due_after(
            &cal,
            HallTime::shanghai(),
            date("2025-09-26"),
            TimeLimit::natural_days(5),
            &[],
        )
        .unwrap();
        assert_eq!(due.date, date("2025-10-09"));
    }

    #[test]
    fn suspension_excludes_the_days_from_suspension_to_the_day_before_resumption() {
        let hall = HallTime::shanghai();
        // Suspended Mon 2025-11-03 10:00 local, resumed Thu 2025-11-06 09:00 local.
        let span =
            excluded_span(hall, at("2025-11-03T02:00:00Z"), at("2025-11-06T01:00:00Z")).unwrap();
        assert_eq!(span.from, date("2025-11-03"));
        assert_eq!(span.to, date("2025-11-05"));
        assert_eq!(
            excluded_span(hall, at("2025-11-03T02:00:00Z"), at("2025-11-03T08:00:00Z")),
            None
        );
        let cal = calendar();
        let plain = due_after(
            &cal,
            hall,
            date("2025-10-31"),
            TimeLimit::working_days(5),
            &[],
        )
        .unwrap();
        let suspended = due_after(
            &cal,
            hall,
            date("2025-10-31"),
            TimeLimit::working_days(5),
            &[span],
        )
        .unwrap();
        assert_eq!(plain.date, date("2025-11-07"));
        assert_eq!(suspended.date, date("2025-11-12"));
        let natural = due_after(
            &cal,
            hall,
            date("2025-10-31"),
            TimeLimit::natural_days(5),
            &[span],
        )
        .unwrap();
        // 11-05 + 3 suspended days = 11-08 (Sat) → Mon 11-10.
        assert_eq!(natural.date, date("2025-11-10"));
    }

    #[test]
    fn extension_adds_working_days_to_both_dues() {
        let cal = calendar();
        let it = item();
        let hall = HallTime::shanghai();
        let (p, l) = decision_dues(
            &cal,
            hall,
            &it,
            date("2025-11-03"),
            ExtensionDays::default(),
            &[],
        )
        .unwrap();
        let (pe, le) = decision_dues(&cal, hall, &it, date("2025-11-03"), both(10), &[]).unwrap();
        assert_eq!(cal.working_days_between(p.date, pe.date).unwrap(), 10);
        assert_eq!(cal.working_days_between(l.date, le.date).unwrap(), 10);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::case::test_support::calendar;
    use proptest::prelude::*;

    fn day(offset: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Days::new(u64::from(offset))
    }

    proptest! {
        /// A suspension never shortens a deadline, and working-day dues are working days.
        #[test]
        fn suspensions_never_shorten_and_dues_are_working_days(
            start in 0u32..600,
            days in 0u32..45,
            natural in any::<bool>(),
            raw in proptest::collection::vec((0u32..60, 0u32..10), 0..4),
        ) {
            let cal = calendar();
            let hall = HallTime::shanghai();
            let start = day(start);
            let limit = if natural { TimeLimit::natural_days(days) } else { TimeLimit::working_days(days) };
            // Non-overlapping spans after the start, as consecutive suspensions produce.
            let mut spans = Vec::new();
            let mut cursor = start;
            for (gap, len) in raw {
                let from = cursor + Days::new(u64::from(gap));
                let to = from + Days::new(u64::from(len));
                spans.push(DateSpan { from, to });
                cursor = to + Days::new(1);
            }
            let plain = due_after(&cal, hall, start, limit, &[]).unwrap();
            let suspended = due_after(&cal, hall, start, limit, &spans).unwrap();
            prop_assert!(suspended.date >= plain.date);
            prop_assert!(cal.is_working_day(plain.date).unwrap());
            prop_assert!(cal.is_working_day(suspended.date).unwrap());
            prop_assert!(plain.date >= start);
            prop_assert_eq!(plain.deadline, hall.start_of_day(plain.date + Days::new(1)));
        }
    }
}
