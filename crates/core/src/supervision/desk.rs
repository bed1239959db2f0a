//! The supervisor's desk (电子监察工作台): which of a case's alerts are worth listing, and the
//! reply deadline of an urging order (督办单).
//!
//! A red of a deadline supersedes the yellow that warned of the same deadline: once the
//! deadline has passed, the warning says nothing the breach does not, so the desk lists the
//! red alone (the yellow stays in the alert's history and in the feed).

use chrono::{DateTime, Utc};

use super::AlertLevel;
use crate::calendar::{Calendar, CalendarError};
use crate::clock::{Due, HallTime};

/// Working days a department head has to reply to an urging order unless the supervisor
/// says otherwise, and the most a supervisor may give.
pub const DEFAULT_REPLY_DAYS: u32 = 3;
pub const MAX_REPLY_DAYS: u32 = 20;

/// What the desk needs to know of one alert of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed<'a> {
    /// The alert's scope key (the case, or one of its stages).
    pub scope: &'a str,
    /// The rule's identifier.
    pub rule: &'a str,
    pub level: AlertLevel,
    /// Resolved or escalated.
    pub closed: bool,
}

/// For each alert, whether the desk lists it: every alert but a yellow whose red (same
/// scope, same rule) was raised too.
pub fn listed(alerts: &[Listed<'_>]) -> Vec<bool> {
    alerts
        .iter()
        .map(|a| {
            a.level != AlertLevel::Yellow
                || !alerts
                    .iter()
                    .any(|b| b.level == AlertLevel::Red && b.scope == a.scope && b.rule == a.rule)
        })
        .collect()
}

/// The highest level among the alerts still open (not closed); `None` when all are closed.
pub fn highest_open(alerts: &[Listed<'_>]) -> Option<AlertLevel> {
    alerts.iter().filter(|a| !a.closed).map(|a| a.level).max()
}

/// Where an urging order stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Unanswered, within its time.
    Awaited,
    /// Unanswered after its last day: the desk lists it as overdue.
    Overdue,
    /// Answered within its time.
    Answered,
    /// Answered after its last day.
    AnsweredLate,
}

impl Reply {
    pub fn of(
        reply_due: DateTime<Utc>,
        replied_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Reply {
        match replied_at {
            Some(at) if at < reply_due => Reply::Answered,
            Some(_) => Reply::AnsweredLate,
            None if now < reply_due => Reply::Awaited,
            None => Reply::Overdue,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Reply::Awaited => "awaited",
            Reply::Overdue => "overdue",
            Reply::Answered => "answered",
            Reply::AnsweredLate => "answered_late",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Reply::Awaited => "待回复",
            Reply::Overdue => "逾期未回复",
            Reply::Answered => "已回复",
            Reply::AnsweredLate => "逾期后回复",
        }
    }
}

/// The reply deadline of an order issued at `issued_at`: `working_days` working days after
/// the day of issue (which is not counted), at the end of that day.
pub fn reply_due(
    calendar: &Calendar,
    hall: HallTime,
    issued_at: DateTime<Utc>,
    working_days: u32,
) -> Result<Due, CalendarError> {
    let date = calendar.add_working_days(hall.local_date(issued_at), working_days)?;
    Ok(Due::on(date, hall))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(
        scope: &'static str,
        rule: &'static str,
        level: AlertLevel,
        closed: bool,
    ) -> Listed<'static> {
        Listed {
            scope,
            rule,
            level,
            closed,
        }
    }

    #[test]
    fn a_red_supersedes_its_yellow_only() {
        let alerts = [
            a("case:C1", "promised_deadline", AlertLevel::Yellow, false),
            a("case:C1", "promised_deadline", AlertLevel::Red, false),
            a("stage:C1/shqf", "stage_deadline", AlertLevel::Yellow, false),
            a("case:C1", "legal_deadline", AlertLevel::Red, false),
        ];
        assert_eq!(listed(&alerts), [false, true, true, true]);
        assert_eq!(highest_open(&alerts), Some(AlertLevel::Red));
    }

    #[test]
    fn closed_alerts_give_no_level() {
        let alerts = [
            a("case:C1", "promised_deadline", AlertLevel::Red, true),
            a("case:C1", "complaint", AlertLevel::Yellow, false),
        ];
        assert_eq!(highest_open(&alerts), Some(AlertLevel::Yellow));
        assert_eq!(highest_open(&alerts[..1]), None);
    }

    #[test]
    fn a_reply_is_late_from_the_deadline_on() {
        let due = DateTime::parse_from_rfc3339("2026-03-06T00:00:00+08:00")
            .expect("instant")
            .to_utc();
        let before = due - chrono::Duration::seconds(1);
        assert_eq!(Reply::of(due, None, before), Reply::Awaited);
        assert_eq!(Reply::of(due, None, due), Reply::Overdue);
        assert_eq!(Reply::of(due, Some(before), due), Reply::Answered);
        assert_eq!(Reply::of(due, Some(due), due), Reply::AnsweredLate);
    }

    #[test]
    fn the_reply_skips_the_weekend() {
        // Issued on Friday 2026-03-06: three working days are Mon–Wed, due at the end of
        // Wednesday 2026-03-11.
        let issued = DateTime::parse_from_rfc3339("2026-03-06T10:00:00+08:00")
            .expect("instant")
            .to_utc();
        let due = reply_due(&Calendar::china(), HallTime::shanghai(), issued, 3).expect("due");
        assert_eq!(due.date.to_string(), "2026-03-11");
    }
}
