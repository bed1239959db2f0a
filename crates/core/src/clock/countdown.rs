//! Working days left to a due date (剩余工作日), as a queue shows it: counted on the calendar,
//! so weekends and holidays do not count and an adjusted working weekend does.

use chrono::NaiveDate;

use crate::calendar::{Calendar, CalendarError};
use crate::item::WarningThreshold;

/// Where a due date stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Countdown {
    /// Working days after today up to the due day: 0 when today is the last day.
    Left(u32),
    /// The due day has passed; working days since then (0 when only rest days followed it).
    Overdue(u32),
}

/// How near a due date is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Plenty,
    /// At or under the item's warning threshold, or two working days.
    Near,
    Overdue,
}

/// The near mark whatever the item's threshold: two working days (domain.md's default).
const NEAR: u32 = 2;

/// The countdown of `due` on `today` (both hall-local days; a due day ends at its midnight).
pub fn countdown(
    calendar: &Calendar,
    today: NaiveDate,
    due: NaiveDate,
) -> Result<Countdown, CalendarError> {
    if today > due {
        Ok(Countdown::Overdue(
            calendar.working_days_between(due, today)?,
        ))
    } else {
        Ok(Countdown::Left(calendar.working_days_between(today, due)?))
    }
}

impl Countdown {
    pub fn urgency(self, warning: WarningThreshold) -> Urgency {
        match self {
            Countdown::Overdue(_) => Urgency::Overdue,
            Countdown::Left(n) if n <= NEAR.max(warning.working_days) => Urgency::Near,
            Countdown::Left(_) => Urgency::Plenty,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::test_support::{calendar, date};

    #[test]
    fn counts_working_days_only_and_marks_the_near_and_the_overdue() {
        let cal = calendar();
        let warn = WarningThreshold::default();
        // Friday 2026-03-06 to Wednesday 03-11: Mon, Tue, Wed.
        let c = countdown(&cal, date("2026-03-06"), date("2026-03-11")).unwrap();
        assert_eq!(c, Countdown::Left(3));
        assert_eq!(c.urgency(warn), Urgency::Plenty);
        let c = countdown(&cal, date("2026-03-09"), date("2026-03-11")).unwrap();
        assert_eq!((c, c.urgency(warn)), (Countdown::Left(2), Urgency::Near));
        let c = countdown(&cal, date("2026-03-11"), date("2026-03-11")).unwrap();
        assert_eq!((c, c.urgency(warn)), (Countdown::Left(0), Urgency::Near));
        // The National Day week does not count: 2026-09-30 to 10-09 is two working days.
        let c = countdown(&cal, date("2026-09-30"), date("2026-10-09")).unwrap();
        assert_eq!(c, Countdown::Left(2));
        // Due Friday, seen on Saturday: overdue, though no working day has passed yet.
        let c = countdown(&cal, date("2026-03-14"), date("2026-03-13")).unwrap();
        assert_eq!(
            (c, c.urgency(warn)),
            (Countdown::Overdue(0), Urgency::Overdue)
        );
        let c = countdown(&cal, date("2026-03-17"), date("2026-03-13")).unwrap();
        assert_eq!(c, Countdown::Overdue(2));
    }

    #[test]
    fn an_items_wider_warning_threshold_is_near_sooner() {
        let cal = calendar();
        let c = countdown(&cal, date("2026-03-02"), date("2026-03-06")).unwrap();
        assert_eq!(c, Countdown::Left(4));
        let wide = WarningThreshold {
            working_days: 5,
            percent: 20,
        };
        assert_eq!(c.urgency(WarningThreshold::default()), Urgency::Plenty);
        assert_eq!(c.urgency(wide), Urgency::Near);
    }
}
