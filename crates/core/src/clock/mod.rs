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

pub mod countdown;
pub mod office_hours;

pub use countdown::{countdown, Countdown, Urgency};
pub use office_hours::{OfficeHours, OfficeHoursError, Session};

/// The hall's time: its fixed offset from UTC and its office hours. China has no daylight
/// saving time, so a fixed offset (Asia/Shanghai = UTC+8) answers every local-date question
/// without a time-zone database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HallTime {
    offset: FixedOffset,
    office: OfficeHours,
}

const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

impl HallTime {
    pub const fn new(offset: FixedOffset) -> Self {
        HallTime {
            offset,
            office: OfficeHours::standard(),
        }
    }

    /// Asia/Shanghai (UTC+8) with the standard office hours, the default hall time.
    pub const fn shanghai() -> Self {
        HallTime::new(SHANGHAI)
    }

    /// The same time zone with the hall's own office hours.
    pub const fn with_office_hours(self, office: OfficeHours) -> Self {
        HallTime { office, ..self }
    }

    pub fn offset(&self) -> FixedOffset {
        self.offset
    }

    pub fn office_hours(&self) -> &OfficeHours {
        &self.office
    }

    /// The instant of a local time on a local date.
    fn at(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let local = date.and_time(time);
        match self.offset.from_local_datetime(&local).earliest() {
            Some(at) => at.to_utc(),
            // Only at the very edge of chrono's range; the calendar never gets there.
            None => local.and_utc(),
        }
    }

    /// When the hall opens on a local date.
    pub fn opening(&self, date: NaiveDate) -> DateTime<Utc> {
        self.at(date, self.office.opens())
    }

    /// When the hall closes on a local date.
    pub fn closing(&self, date: NaiveDate) -> DateTime<Utc> {
        self.at(date, self.office.closes())
    }

    /// Whether `at` is past the day's closing time: what reaches the hall then is handled on
    /// the next working day.
    pub fn is_after_closing(&self, at: DateTime<Utc>) -> bool {
        at >= self.closing(self.local_date(at))
    }

    /// Seconds of office hours between two instants, counting every day's sessions (the
    /// caller skips rest days where they matter).
    pub fn office_seconds_on(
        &self,
        date: NaiveDate,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> i64 {
        self.office
            .sessions()
            .iter()
            .map(|s| {
                let opens = self.at(date, s.opens).max(from);
                let closes = self.at(date, s.closes).min(to);
                (closes - opens).num_seconds().max(0)
            })
            .sum()
    }

    /// The hall-local calendar date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.offset).date_naive()
    }

    /// The instant a local day begins.
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        self.at(date, NaiveTime::MIN)
    }

    /// The end of a local day, as the exclusive instant the next day begins.
    pub fn end_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        self.start_of_day(date.checked_add_days(Days::new(1)).unwrap_or(date))
    }

    /// The last local day before an exclusive deadline (the inverse of
    /// [`HallTime::end_of_day`]): a deadline at the next day's first instant is shown as the
    /// day before, not as that midnight.
    pub fn last_day(&self, deadline: DateTime<Utc>) -> NaiveDate {
        self.local_date(deadline - chrono::Duration::milliseconds(1))
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
    /// Accepted after the hall's closing time: an on-the-spot limit counts from the next day.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_closing: bool,
    pub promised_due: Due,
    pub legal_due: Due,
    pub stopped_at: Option<DateTime<Utc>>,
}

impl DecisionClock {
    pub fn is_running(&self) -> bool {
        self.stopped_at.is_none()
    }

    pub fn start(&self) -> PeriodStart {
        PeriodStart {
            day: self.started_on,
            after_closing: self.after_closing,
        }
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
    let limit = limit.from_start(start);
    let date = match limit.unit {
        // "Within 0 days" (on the spot) still ends on a working day, like every period.
        DayUnit::WorkingDays if limit.days == 0 => calendar.working_day_on_or_after(start)?,
        DayUnit::WorkingDays => calendar.add_working_days_excluding(start, limit.days, excluded)?,
        // Months are natural days by now (`from_start`).
        DayUnit::NaturalDays | DayUnit::Months => {
            calendar.add_natural_days_excluding(start, limit.days, excluded)?
        }
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

/// The promised and legal due dates of a decision clock started at `start`, with the
/// extension's days added where they apply.
pub fn decision_dues(
    calendar: &Calendar,
    hall: HallTime,
    item: &Item,
    start: PeriodStart,
    extension: ExtensionDays,
    excluded: &[DateSpan],
) -> Result<(Due, Due), CalendarError> {
    let (promise, law) = (item.promised_limit, item.legal_limit);
    let mut promised = due_after(calendar, hall, start.day_for(promise), promise, excluded)?;
    let mut legal = due_after(calendar, hall, start.day_for(law), law, excluded)?;
    if let Some(days) = extension.promised {
        promised = extend_due(calendar, hall, promised.date, days, excluded)?;
    }
    if let Some(days) = extension.legal {
        legal = extend_due(calendar, hall, legal.date, days, excluded)?;
    }
    Ok((promised, legal))
}

/// The days a suspension takes out of the count (art. 45): the days whose whole office hours
/// it covered, so that it never excludes more working time than it lasted within office
/// hours. Suspended before opening on day A and resumed after closing on day R, A..=R do not
/// count; a day the suspension only touched still counts (23:59 to 00:01 takes out nothing).
/// `None` when no day was covered. Every day is judged by the same hours: on a rest day the
/// hours decide nothing a working-day count sees, and a natural-day count loses that day only
/// if the suspension spans it from opening to closing.
pub fn excluded_span(
    hall: HallTime,
    suspended_at: DateTime<Utc>,
    resumed_at: DateTime<Utc>,
) -> Option<DateSpan> {
    let first = hall.local_date(suspended_at);
    let last = hall.local_date(resumed_at);
    let from = if suspended_at <= hall.opening(first) {
        first
    } else {
        first.succ_opt()?
    };
    let to = if resumed_at >= hall.closing(last) {
        last
    } else {
        last.pred_opt()?
    };
    (to >= from).then_some(DateSpan { from, to })
}

/// The first day (not counted) of a decision period, and whether it began after closing
/// time that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodStart {
    pub day: NaiveDate,
    pub after_closing: bool,
}

impl PeriodStart {
    /// A period started at an instant.
    pub fn at(hall: HallTime, at: DateTime<Utc>) -> Self {
        PeriodStart {
            day: hall.local_date(at),
            after_closing: hall.is_after_closing(at),
        }
    }

    /// A period that runs from a day as a whole (deemed acceptance: from the receipt day).
    pub fn on(day: NaiveDate) -> Self {
        PeriodStart {
            day,
            after_closing: false,
        }
    }

    /// The day `limit` counts from: an on-the-spot limit (0 days, 即办件) started after
    /// closing runs from the next day, so it falls due on the next working day rather than
    /// on the evening it came in. Longer limits count from the day itself, which is not
    /// counted anyway.
    pub fn day_for(self, limit: TimeLimit) -> NaiveDate {
        match (limit.days, self.after_closing) {
            (0, true) => self.day.succ_opt().unwrap_or(self.day),
            _ => self.day,
        }
    }
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
        assert_eq!(
            hall.last_day(hall.end_of_day(date("2025-10-01"))),
            date("2025-10-01")
        );
        assert_eq!(
            hall.last_day(at("2025-10-01T09:00:00Z")),
            date("2025-10-01")
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
    fn suspension_excludes_only_the_days_whose_office_hours_it_covered() {
        let hall = HallTime::shanghai();
        // Suspended Mon 2025-11-03 09:00 local, resumed Thu 2025-11-06 09:00 local.
        let span =
            excluded_span(hall, at("2025-11-03T01:00:00Z"), at("2025-11-06T01:00:00Z")).unwrap();
        assert_eq!(span.from, date("2025-11-03"));
        assert_eq!(span.to, date("2025-11-05"));
        // From 10:00 the Monday was partly worked: it still counts.
        let late = excluded_span(hall, at("2025-11-03T02:00:00Z"), at("2025-11-06T01:00:00Z"));
        assert_eq!(
            late,
            Some(DateSpan {
                from: date("2025-11-04"),
                to: date("2025-11-05")
            })
        );
        // Resumed after closing, the resumption day was not worked either.
        let evening = excluded_span(hall, at("2025-11-03T01:00:00Z"), at("2025-11-05T10:00:00Z"));
        assert_eq!(
            evening,
            Some(DateSpan {
                from: date("2025-11-03"),
                to: date("2025-11-05")
            })
        );
        // Within one day, and across midnight for a few minutes: nothing.
        assert_eq!(
            excluded_span(hall, at("2025-11-03T02:00:00Z"), at("2025-11-03T08:00:00Z")),
            None
        );
        assert_eq!(
            excluded_span(hall, at("2025-11-03T15:59:00Z"), at("2025-11-03T16:01:00Z")),
            None
        );
        // A whole day from opening to closing is a day.
        assert_eq!(
            excluded_span(hall, at("2025-11-03T01:00:00Z"), at("2025-11-03T09:30:00Z")),
            Some(DateSpan {
                from: date("2025-11-03"),
                to: date("2025-11-03")
            })
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
        let start = PeriodStart::on(date("2025-11-03"));
        let (p, l) = decision_dues(&cal, hall, &it, start, ExtensionDays::default(), &[]).unwrap();
        let (pe, le) = decision_dues(&cal, hall, &it, start, both(10), &[]).unwrap();
        assert_eq!(cal.working_days_between(p.date, pe.date).unwrap(), 10);
        assert_eq!(cal.working_days_between(l.date, le.date).unwrap(), 10);
    }

    #[test]
    fn an_on_the_spot_limit_started_after_closing_falls_due_on_the_next_working_day() {
        let cal = calendar();
        let hall = HallTime::shanghai();
        let mut it = item();
        it.promised_limit = TimeLimit::natural_days(0);
        it.legal_limit = TimeLimit::natural_days(3);
        let dues_of = |it: &Item, local: &str| {
            let start = PeriodStart::at(hall, at(local));
            decision_dues(&cal, hall, it, start, ExtensionDays::default(), &[]).unwrap()
        };
        let dues = |local: &str| dues_of(&it, local);
        // Fri 2025-11-07: at 17:29 due that day; at 17:45 due Monday; the legal limit of three
        // natural days counts from Friday either way (Mon 11-10).
        let (p, l) = dues("2025-11-07T17:29:00+08:00");
        assert_eq!((p.date, l.date), (date("2025-11-07"), date("2025-11-10")));
        let (p, l) = dues("2025-11-07T17:45:00+08:00");
        assert_eq!((p.date, l.date), (date("2025-11-10"), date("2025-11-10")));
        // On a rest day, the next working day whatever the hour.
        let (p, _) = dues("2025-11-08T10:00:00+08:00");
        assert_eq!(p.date, date("2025-11-10"));
        // A working-day on-the-spot limit does the same.
        it.promised_limit = TimeLimit::working_days(0);
        let (p, _) = dues_of(&it, "2025-11-07T18:00:00+08:00");
        assert_eq!(p.date, date("2025-11-10"));
    }

    #[test]
    fn the_hall_closes_at_its_own_hours() {
        let early = OfficeHours::new(&[Session {
            opens: office_hours::parse_time("08:00").unwrap(),
            closes: office_hours::parse_time("16:00").unwrap(),
        }])
        .unwrap();
        let hall = HallTime::shanghai().with_office_hours(early);
        assert!(!hall.is_after_closing(at("2025-11-07T15:59:00+08:00")));
        assert!(hall.is_after_closing(at("2025-11-07T16:00:00+08:00")));
        assert!(!HallTime::shanghai().is_after_closing(at("2025-11-07T16:00:00+08:00")));
        // 08:00 to the next day's 16:00 covers two whole days of these hours.
        let span = excluded_span(
            hall,
            at("2025-11-06T08:00:00+08:00"),
            at("2025-11-07T16:00:00+08:00"),
        );
        assert_eq!(
            span,
            Some(DateSpan {
                from: date("2025-11-06"),
                to: date("2025-11-07")
            })
        );
        assert_eq!(
            hall.office_seconds_on(
                date("2025-11-07"),
                at("2025-11-07T12:00:00+08:00"),
                at("2025-11-08T00:00:00+08:00")
            ),
            4 * 3600
        );
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

        /// Art. 45 with office hours: a suspension never takes out more working time than it
        /// lasted within office hours on working days, and a day it spans from opening to
        /// closing is always taken out.
        #[test]
        fn a_suspension_excludes_no_more_than_its_office_time(
            start_minute in 0i64..(400 * 24 * 60),
            minutes in 0i64..(12 * 24 * 60),
        ) {
            let cal = calendar();
            let hall = HallTime::shanghai();
            let origin = hall.start_of_day(day(0));
            let from = origin + chrono::Duration::minutes(start_minute);
            let to = from + chrono::Duration::minutes(minutes);
            let span = excluded_span(hall, from, to);
            let mut worked = 0;
            let mut excluded = 0;
            let mut d = hall.local_date(from);
            while d <= hall.local_date(to) {
                let in_span = span.is_some_and(|s| s.from <= d && d <= s.to);
                let covered = from <= hall.opening(d) && to >= hall.closing(d);
                prop_assert_eq!(in_span, covered, "{} in {:?}", d, span);
                if cal.is_working_day(d).unwrap() {
                    worked += hall.office_seconds_on(d, from, to);
                    if in_span {
                        excluded += hall.office_hours().seconds_per_day();
                    }
                }
                d = d.succ_opt().unwrap();
            }
            prop_assert!(excluded <= worked, "excluded {excluded}s of {worked}s suspended");
        }
    }
}
