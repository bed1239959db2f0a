//! Time rules: the instants at which a case's supervision state changes, from its stored due
//! dates. The scheduler stores `next_check_at`, sweeps rows whose instant has come, inserts
//! `time_alerts(now)` idempotently and stores `next_check_at(now)` again.

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::calendar::{Calendar, CalendarError};
use crate::case::{Case, CaseStatus, StageStatus};
use crate::clock::{Due, HallTime};
use crate::item::{DayUnit, Item, RuleSet, TimeLimit, WarningThreshold};

use super::{AlertKey, AlertLevel, AlertRule};

/// One instant at which an alert becomes due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub key: AlertKey,
    pub at: DateTime<Utc>,
}

/// The warning threshold in days of the limit's unit: the item's working days, or `percent`
/// of the limit when that is less. A fractional day rounds up, so that the warning never
/// comes later than the threshold; never more than the limit itself.
pub fn threshold_days(limit_days: u32, warning: WarningThreshold) -> (u32, u32) {
    let percent = (u64::from(limit_days) * u64::from(warning.percent)).div_ceil(100);
    let percent = u32::try_from(percent).unwrap_or(u32::MAX).min(limit_days);
    (warning.working_days.min(limit_days), percent)
}

/// The instant the yellow card becomes due for a period of `limit` (plus `extension_days`
/// working days) ending on `due`: when the remaining time is at or under the threshold.
pub fn warning_instant(
    calendar: &Calendar,
    hall: HallTime,
    due: &Due,
    limit: TimeLimit,
    extension_days: u32,
    warning: WarningThreshold,
) -> Result<DateTime<Utc>, CalendarError> {
    let total = limit.days.saturating_add(extension_days);
    let (working, percent) = threshold_days(total, warning);
    let by_working = before_working_days(calendar, due.date, working)?;
    let by_percent = match limit.unit {
        DayUnit::WorkingDays => before_working_days(calendar, due.date, percent)?,
        DayUnit::NaturalDays | DayUnit::Months => due
            .date
            .checked_sub_days(Days::new(u64::from(percent)))
            .unwrap_or(due.date),
    };
    // "or 20% of the limit when that is less": the smaller remaining time, the later instant.
    Ok(hall.end_of_day(by_working.max(by_percent)))
}

/// Every time checkpoint of the case in its current state; empty for terminal, suspended
/// and supplement-pending cases (no clock runs).
pub fn time_checkpoints(
    case: &Case,
    item: &Item,
    calendar: &Calendar,
    hall: HallTime,
) -> Vec<Checkpoint> {
    let mut out = Vec::new();
    let mut push = |key: AlertKey, at: DateTime<Utc>| out.push(Checkpoint { key, at });
    match case.status {
        CaseStatus::Submitted | CaseStatus::Received => {
            let clock = case.clocks.acceptance;
            push(
                AlertKey::case(AlertRule::AcceptanceLate, AlertLevel::Red),
                clock.due.deadline,
            );
        }
        CaseStatus::Accepted => {
            if let Some(clock) = case.clocks.decision.filter(|c| c.is_running()) {
                let extension = case.extension_days().promised.unwrap_or(0);
                let yellow = warning_instant(
                    calendar,
                    hall,
                    &clock.promised_due,
                    item.promised_limit.from_start(clock.started_on),
                    extension,
                    item.warning,
                )
                .unwrap_or_else(|_| hall.end_of_day(clock.started_on));
                let rule = AlertRule::PromisedDeadline;
                push(AlertKey::case(rule, AlertLevel::Yellow), yellow);
                push(
                    AlertKey::case(rule, AlertLevel::Red),
                    clock.promised_due.deadline,
                );
                push(
                    AlertKey::case(AlertRule::LegalDeadline, AlertLevel::Red),
                    clock.legal_due.deadline,
                );
            }
            // The lower organ's review (art. 43, the first step) is watched as that, not as a
            // stage; worked out once per case.
            let reviewing: Vec<&str> = match item.rules.rule_set {
                RuleSet::PreliminaryReview => item
                    .steps()
                    .first()
                    .map(|f| f.iter().map(|s| s.code.as_str()).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            for stage in case
                .stages
                .iter()
                .filter(|s| s.status == StageStatus::Active)
            {
                let (Some(due), Some(def)) = (stage.due, item.stage(&stage.code)) else {
                    continue;
                };
                let start = stage.started_at.map(|t| hall.local_date(t));
                let limit = start.map_or(def.limit, |d| def.limit.from_start(d));
                let yellow = warning_instant(calendar, hall, &due, limit, 0, item.warning)
                    .unwrap_or_else(|_| start.map_or(due.deadline, |d| hall.end_of_day(d)));
                let rule = if reviewing.contains(&stage.code.as_str()) {
                    AlertRule::PreliminaryReviewDeadline
                } else {
                    AlertRule::StageDeadline
                };
                push(
                    AlertKey::stage(&stage.code, rule, AlertLevel::Yellow),
                    yellow,
                );
                push(
                    AlertKey::stage(&stage.code, rule, AlertLevel::Red),
                    due.deadline,
                );
            }
        }
        CaseStatus::Approved | CaseStatus::Denied => {
            if let Some(clock) = case.clocks.delivery.filter(|c| c.is_running()) {
                push(
                    AlertKey::case(AlertRule::DeliveryDeadline, AlertLevel::Red),
                    clock.due.deadline,
                );
            }
        }
        _ => {}
    }
    out
}

/// The time alerts due at `now` (all of them, also those raised before: inserts are idempotent).
pub fn time_alerts(
    case: &Case,
    item: &Item,
    calendar: &Calendar,
    hall: HallTime,
    now: DateTime<Utc>,
) -> Vec<AlertKey> {
    let mut keys: Vec<AlertKey> = time_checkpoints(case, item, calendar, hall)
        .into_iter()
        .filter(|c| c.at <= now)
        .map(|c| c.key)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The next instant strictly after `after` at which the case's time alerts change; `None`
/// when nothing more can happen (terminal, suspended, waiting for a supplement, or every
/// deadline already passed). Call with the instant of the last transition or sweep.
pub fn next_check_at(
    case: &Case,
    item: &Item,
    calendar: &Calendar,
    hall: HallTime,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    time_checkpoints(case, item, calendar, hall)
        .into_iter()
        .map(|c| c.at)
        .filter(|at| *at > after)
        .min()
}

/// The instant to store as a written case's `next_check_at`: its earliest checkpoint. When
/// that has already come (a deadline passed before the write: late acceptance, a correction
/// of the calendar, catch-up after downtime), the next sweep takes the case at once and
/// raises what is due; raising is idempotent, so an alert raised before is not repeated.
pub fn first_check_at(
    case: &Case,
    item: &Item,
    calendar: &Calendar,
    hall: HallTime,
) -> Option<DateTime<Utc>> {
    time_checkpoints(case, item, calendar, hall)
        .into_iter()
        .map(|c| c.at)
        .min()
}

/// The time alerts a transition at `now` from `before` to `after` must raise in its own
/// transaction, so that no breach waits for a sweep that the transition would make
/// pointless: every red whose deadline passed while `before`'s clock ran (a decision after
/// the legal deadline, before any sweep, is still a breach of it), and every alert already
/// due in `after`. A yellow of a clock the transition stops is not raised: its warning has
/// nothing left to warn of.
pub fn alerts_due_on_transition(
    before: &Case,
    after: &Case,
    item: &Item,
    calendar: &Calendar,
    hall: HallTime,
    now: DateTime<Utc>,
) -> Vec<AlertKey> {
    let mut keys: Vec<AlertKey> = time_alerts(before, item, calendar, hall, now)
        .into_iter()
        .filter(|k| k.level == AlertLevel::Red)
        .chain(time_alerts(after, item, calendar, hall, now))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// When a bad evaluation (差评) must have been followed up: `working_days` after the rating,
/// at the end of that day.
pub fn evaluation_follow_up_due(
    calendar: &Calendar,
    hall: HallTime,
    rated_at: DateTime<Utc>,
    working_days: u32,
) -> Result<Due, CalendarError> {
    let date = calendar.add_working_days(hall.local_date(rated_at), working_days)?;
    Ok(Due::on(date, hall))
}

/// The latest day `w` with exactly `n` working days in `(w, date]`.
fn before_working_days(
    calendar: &Calendar,
    date: NaiveDate,
    n: u32,
) -> Result<NaiveDate, CalendarError> {
    let mut day = date;
    let mut counted = 0;
    while counted < n {
        if calendar.is_working_day(day)? {
            counted += 1;
        }
        match day.pred_opt() {
            Some(prev) => day = prev,
            None => break,
        }
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::test_support::*;
    use crate::case::{decide, Case, Command, Procedure};
    use crate::item::TimeLimit;

    /// Accepted Tue 2025-11-04: promised due Tue 11-18, legal due Tue 12-02, stage `handle`
    /// due Fri 11-07.
    fn accepted() -> Case {
        let it = item();
        let case = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
        run(
            &case,
            &it,
            Command::Accept,
            &clerk(),
            "2025-11-04T02:00:00Z",
        )
        .case
    }

    fn alerts(case: &Case, when: &str) -> Vec<AlertKey> {
        time_alerts(case, &item(), &calendar(), HALL, at(when))
    }

    #[test]
    fn threshold_is_two_working_days_or_twenty_percent_when_less() {
        let w = WarningThreshold::default();
        assert_eq!(threshold_days(20, w), (2, 4));
        assert_eq!(threshold_days(10, w), (2, 2));
        assert_eq!(threshold_days(5, w), (2, 1));
        assert_eq!(threshold_days(1, w), (1, 1));
        assert_eq!(threshold_days(0, w), (0, 0));
    }

    #[test]
    fn yellow_starts_when_two_working_days_remain() {
        let cal = calendar();
        let due = Due::on(date("2025-11-18"), HALL);
        let limit = TimeLimit::working_days(10);
        let yellow =
            warning_instant(&cal, HALL, &due, limit, 0, WarningThreshold::default()).unwrap();
        // Start of Mon 11-17, Beijing time: 11-17 and 11-18 remain.
        assert_eq!(yellow, at("2025-11-16T16:00:00Z"));
        // With a 5-day limit, 20% is one day: yellow only on the last day.
        let short = warning_instant(
            &cal,
            HALL,
            &due,
            TimeLimit::working_days(5),
            0,
            WarningThreshold::default(),
        )
        .unwrap();
        assert_eq!(short, at("2025-11-17T16:00:00Z"));
        // Across a weekend: due Mon 11-10, two working days remain from Fri 11-07.
        let monday = Due::on(date("2025-11-10"), HALL);
        let y =
            warning_instant(&cal, HALL, &monday, limit, 0, WarningThreshold::default()).unwrap();
        assert_eq!(y, at("2025-11-06T16:00:00Z"));
    }

    #[test]
    fn time_alerts_follow_the_clock() {
        let case = accepted();
        assert!(alerts(&case, "2025-11-05T02:00:00Z").is_empty());
        // Stage `handle` (3 days, 20% = 1): yellow from the start of its due day Fri 11-07.
        assert_eq!(
            alerts(&case, "2025-11-06T16:00:00Z"),
            vec![AlertKey::stage(
                "handle",
                AlertRule::StageDeadline,
                AlertLevel::Yellow
            )]
        );
        let late = alerts(&case, "2025-11-17T01:00:00Z");
        assert!(late.contains(&AlertKey::case(
            AlertRule::PromisedDeadline,
            AlertLevel::Yellow
        )));
        assert!(late.contains(&AlertKey::stage(
            "handle",
            AlertRule::StageDeadline,
            AlertLevel::Red
        )));
        assert!(!late.contains(&AlertKey::case(
            AlertRule::PromisedDeadline,
            AlertLevel::Red
        )));
        let later = alerts(&case, "2025-11-18T16:00:00Z");
        assert!(later.contains(&AlertKey::case(
            AlertRule::PromisedDeadline,
            AlertLevel::Red
        )));
        assert!(!later.contains(&AlertKey::case(AlertRule::LegalDeadline, AlertLevel::Red)));
        let last = alerts(&case, "2025-12-02T16:00:00Z");
        assert!(last.contains(&AlertKey::case(AlertRule::LegalDeadline, AlertLevel::Red)));
    }

    #[test]
    fn a_preliminary_review_is_watched_as_its_own_clock() {
        let mut it = item();
        it.rules.rule_set = RuleSet::PreliminaryReview;
        let case = accepted();
        let late = time_alerts(&case, &it, &calendar(), HALL, at("2025-11-17T01:00:00Z"));
        // The lower organ's review (the first step, `handle`) is late against art. 43.
        assert!(late.contains(&AlertKey::stage(
            "handle",
            AlertRule::PreliminaryReviewDeadline,
            AlertLevel::Red
        )));
        assert!(!late.iter().any(|k| k.rule == AlertRule::StageDeadline));
    }

    #[test]
    fn next_check_walks_through_the_checkpoints() {
        let case = accepted();
        let (it, cal) = (item(), calendar());
        let next = |after: &str| next_check_at(&case, &it, &cal, HALL, at(after));
        assert_eq!(
            next("2025-11-04T02:00:00Z"),
            Some(at("2025-11-06T16:00:00Z"))
        );
        assert_eq!(
            next("2025-11-06T16:00:00Z"),
            Some(at("2025-11-07T16:00:00Z"))
        );
        assert_eq!(
            next("2025-11-07T16:00:00Z"),
            Some(at("2025-11-16T16:00:00Z"))
        );
        assert_eq!(
            next("2025-11-16T16:00:00Z"),
            Some(at("2025-11-18T16:00:00Z"))
        );
        assert_eq!(
            next("2025-11-18T16:00:00Z"),
            Some(at("2025-12-02T16:00:00Z"))
        );
        assert_eq!(next("2025-12-02T16:00:00Z"), None);
    }

    #[test]
    fn a_transition_after_a_deadline_raises_its_red_itself() {
        let it = item();
        let cal = calendar();
        let before = accepted();
        // Withdrawn on 2025-12-05, after the legal deadline (12-02), with no sweep between:
        // the reds of the clock that ran are due with the transition; the yellows are not,
        // and the ended case has nothing left to check.
        let when = at("2025-12-05T02:00:00Z");
        let after = decide(
            &before,
            &it,
            Command::Withdraw {
                reason: "不办了".into(),
            },
            &applicant(),
            when,
            &cal,
            HALL,
        )
        .unwrap()
        .case;
        let due = alerts_due_on_transition(&before, &after, &it, &cal, HALL, when);
        assert!(due.contains(&AlertKey::case(AlertRule::LegalDeadline, AlertLevel::Red)));
        assert!(due.contains(&AlertKey::case(
            AlertRule::PromisedDeadline,
            AlertLevel::Red
        )));
        assert!(due.iter().all(|k| k.level == AlertLevel::Red), "{due:?}");
        assert_eq!(first_check_at(&after, &it, &cal, HALL), None);
        // Before the first checkpoint, nothing is due.
        let early = at("2025-11-05T02:00:00Z");
        assert!(alerts_due_on_transition(&before, &before, &it, &cal, HALL, early).is_empty());
    }

    #[test]
    fn a_written_case_is_checked_from_its_earliest_checkpoint_even_if_past() {
        let case = accepted();
        let (it, cal) = (item(), calendar());
        // The earliest checkpoint (the stage's yellow), whenever the case is written: a
        // sweep after a late write takes the case at once.
        assert_eq!(
            first_check_at(&case, &it, &cal, HALL),
            Some(at("2025-11-06T16:00:00Z"))
        );
    }

    #[test]
    fn nothing_runs_while_suspended_or_after_the_end() {
        let it = item();
        let suspended = run(
            &accepted(),
            &it,
            Command::Suspend {
                procedure: Procedure::Hearing,
                note: "听证".into(),
            },
            &head("market"),
            "2025-11-05T02:00:00Z",
        )
        .case;
        let cal = calendar();
        assert_eq!(
            next_check_at(&suspended, &it, &cal, HALL, suspended.updated_at),
            None
        );
        assert!(alerts(&suspended, "2026-06-01T00:00:00Z").is_empty());
        let withdrawn = decide(
            &accepted(),
            &it,
            Command::Withdraw {
                reason: "不办了".into(),
            },
            &applicant(),
            at("2025-11-05T02:00:00Z"),
            &cal,
            HALL,
        )
        .unwrap()
        .case;
        assert_eq!(
            next_check_at(&withdrawn, &it, &cal, HALL, withdrawn.updated_at),
            None
        );
        assert!(alerts(&withdrawn, "2026-06-01T00:00:00Z").is_empty());
    }

    #[test]
    fn acceptance_and_delivery_are_watched_too() {
        let it = item();
        let case = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
        // Acceptance period ends with Mon 11-10.
        assert!(alerts(&case, "2025-11-10T15:59:59Z").is_empty());
        assert_eq!(
            alerts(&case, "2025-11-10T16:00:00Z"),
            vec![AlertKey::case(AlertRule::AcceptanceLate, AlertLevel::Red)]
        );
        let imm = immediate_item();
        let c = submitted(&imm, &[("id", 1)], "2025-11-03T01:00:00Z");
        let c = run(&c, &imm, Command::Accept, &clerk(), "2025-11-03T01:05:00Z").case;
        let c = run(
            &c,
            &imm,
            Command::Approve {
                opinion: "同意".into(),
            },
            &clerk(),
            "2025-11-03T01:10:00Z",
        )
        .case;
        let due = c.clocks.delivery.unwrap().due;
        assert_eq!(due.date, date("2025-11-17"));
        let got = time_alerts(&c, &imm, &calendar(), HALL, due.deadline);
        assert_eq!(
            got,
            vec![AlertKey::case(AlertRule::DeliveryDeadline, AlertLevel::Red)]
        );
    }

    #[test]
    fn bad_evaluation_follow_up_counts_working_days() {
        let due =
            evaluation_follow_up_due(&calendar(), HALL, at("2025-09-30T02:00:00Z"), 2).unwrap();
        assert_eq!(due.date, date("2025-10-10"));
    }
}
