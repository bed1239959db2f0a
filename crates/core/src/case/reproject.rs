//! Re-projection (domain.md, "The calendar never stops the hall"): when a year of the calendar
//! is loaded or corrected, every running clock's due date is recomputed from its stored
//! inputs on the new calendar. Alerts already raised are not this module's business; they
//! stay in history.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::clock::{Due, HallTime};
use crate::item::Item;

use super::actor::Actor;
use super::clocks::{clock_inputs, ClockName};
use super::error::CaseError;
use super::event::{CaseEvent, EventKind};
use super::machine::Transition;
use super::model::{Case, StageStatus};
use super::notification::{Notice, Notification, Recipient};

/// One due date that moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueMove {
    pub clock: ClockName,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The new date still counts a provisional day.
    pub provisional: bool,
}

/// The case with every running clock recomputed on `calendar`, and the dates that moved
/// (empty when the calendar changed nothing this case counts on).
pub fn reprojected(
    case: &Case,
    item: &Item,
    calendar: &Calendar,
    hall: HallTime,
) -> Result<(Case, Vec<DueMove>), CaseError> {
    let mut next = case.clone();
    let mut moves = Vec::new();
    for input in clock_inputs(case, item, hall) {
        if !input.running {
            continue;
        }
        let due = input.due_on(calendar, hall)?;
        if due.date == input.due.date {
            continue;
        }
        set_due(&mut next, &input.name, due);
        moves.push(DueMove {
            clock: input.name,
            from: input.due.date,
            to: due.date,
            provisional: calendar.is_provisional(due.date),
        });
    }
    Ok((next, moves))
}

/// The transition that moves a case onto `calendar`, with one event naming every move and
/// the source of the calendar, and a notice when a date the applicant was given moved.
/// `None` when nothing moved: re-projecting onto the calendar a case already counts on is
/// a no-op, so a batch interrupted and run again moves each case once.
pub fn reproject(
    case: &Case,
    item: &Item,
    calendar: &Calendar,
    hall: HallTime,
    actor: &Actor,
    now: DateTime<Utc>,
    source: &str,
) -> Result<Option<Transition>, CaseError> {
    let (mut next, moves) = reprojected(case, item, calendar, hall)?;
    if moves.is_empty() {
        return Ok(None);
    }
    let now = now.max(case.updated_at);
    next.version += 1;
    next.updated_at = now;
    let told: Vec<DueMove> = moves
        .iter()
        .filter(|m| m.clock.told_to_applicant())
        .cloned()
        .collect();
    let notifications = if told.is_empty() {
        Vec::new()
    } else {
        vec![Notification {
            case_no: next.case_no.clone(),
            to: Recipient::from(&next.applicant),
            notice: Notice::Rescheduled {
                source: source.to_owned(),
                moves: told,
            },
        }]
    };
    let event = CaseEvent {
        case_no: next.case_no.clone(),
        version: next.version,
        at: now,
        actor: actor.clone(),
        kind: EventKind::Reprojected {
            source: source.to_owned(),
            moves,
        },
    };
    Ok(Some(Transition {
        case: next,
        event,
        notifications,
    }))
}

fn set_due(case: &mut Case, clock: &ClockName, due: Due) {
    let clocks = &mut case.clocks;
    match clock {
        ClockName::Acceptance => clocks.acceptance.due = due,
        ClockName::Promised => {
            if let Some(d) = clocks.decision.as_mut() {
                d.promised_due = due;
            }
        }
        ClockName::Legal => {
            if let Some(d) = clocks.decision.as_mut() {
                d.legal_due = due;
            }
        }
        ClockName::Delivery => {
            if let Some(d) = clocks.delivery.as_mut() {
                d.due = due;
            }
        }
        ClockName::Stage(code) => {
            if let Some(s) = case
                .stages
                .iter_mut()
                .find(|s| &s.code == code && s.status == StageStatus::Active)
            {
                s.due = Some(due);
            }
        }
    }
}
