//! One transition as one transaction: the case row, its event, audit record, outbox messages
//! and stage tasks, the alerts it makes due, and, when the case ended, its yellows closed.
//! Shared by every writer of transitions (staff actions, the monitor's art. 32 acceptance),
//! so that none of them can forget a breach.

use chrono::{DateTime, Utc};
use tongban_core::calendar::Calendar;
use tongban_core::case::{Case, Transition};
use tongban_core::clock::HallTime;
use tongban_core::item::Item;
use tongban_core::supervision::{alerts_due_on_transition, procedure_alerts};
use tongban_store::alerts::NewAlert;
use tongban_store::{alerts, cases, CaseChange, CaseRecord, DbConnection, StoreError};

use super::records::{audit, case_record, new_alert, new_event, outbox, stage_tasks};
use crate::records::millis;

/// Everything `before` → `t` writes, ready for one transaction.
pub struct Commit {
    change: CaseChange,
    raised: Vec<NewAlert>,
    /// Case number, instant and note with which the yellows of an ended case close.
    ended: Option<(String, i64, String)>,
}

impl Commit {
    /// `expected`: the version the transition was decided on (optimistic concurrency).
    pub fn new(
        before: &Case,
        t: &Transition,
        item: &Item,
        calendar: &Calendar,
        hall: HallTime,
        now: DateTime<Utc>,
        expected: i64,
    ) -> Commit {
        let mut due = procedure_alerts(before, &t.event, item);
        due.extend(alerts_due_on_transition(
            before, &t.case, item, calendar, hall, now,
        ));
        let raised = due.iter().map(|k| new_alert(&t.case, k, now)).collect();
        let ended = t.case.status.is_terminal().then(|| {
            (
                t.case.case_no.clone(),
                millis(now),
                format!("办件{}，黄色预警随之关闭", t.case.status.name_zh()),
            )
        });
        Commit {
            change: CaseChange {
                case: case_record(&t.case, item, calendar, hall),
                expected_version: expected,
                event: new_event(&t.event),
                audit: audit(&t.event),
                outbox: outbox(&t.notifications, now),
                stage_tasks: stage_tasks(&t.case, now),
            },
            raised,
            ended,
        }
    }

    /// Writes it inside the caller's transaction.
    pub fn write(&self, conn: &mut DbConnection) -> Result<CaseRecord, StoreError> {
        let stored = cases::apply_change(conn, &self.change)?;
        // A case that ended closes its yellows; its reds, and the breaches raised by this
        // very transition, stay open for a supervision officer.
        if let Some((case_no, at, reason)) = &self.ended {
            alerts::close_for_case(conn, case_no, *at, reason)?;
        }
        for alert in &self.raised {
            alerts::raise(conn, alert)?;
        }
        Ok(stored)
    }
}
