//! A case transition as store records (the case row itself is `tongban_supervision::case_record`,
//! since its `next_check_at` is supervision's): the event, the audit record, the stage tasks and the outbox messages, all written in one transaction
//! (procedure alerts come from `tongban_supervision::new_alert`).

use chrono::{DateTime, Utc};
use tongban_core::case::{Case, CaseEvent, CaseStatus, Notification, StageStatus};
use tongban_store::{NewAudit, NewEvent, NewOutbox, StageTaskRecord};

use super::notices;
use tongban_app::records::{millis, to_json};

pub fn new_event(event: &CaseEvent) -> NewEvent {
    NewEvent {
        at: millis(event.at),
        kind: event.kind.as_str().to_owned(),
        actor: event.actor.user.clone(),
        window_code: event.actor.window.clone(),
        grant_id: event.actor.grant.as_ref().map(|g| g.id),
        data: to_json(event),
    }
}

/// The audit record names who did what to which case; personal data stays in the case row.
pub fn audit(event: &CaseEvent) -> NewAudit {
    NewAudit {
        at: millis(event.at),
        actor: event.actor.user.clone(),
        action: format!("case.{}", event.kind.as_str()),
        subject: event.case_no.clone(),
        detail: to_json(&serde_json::json!({
            "version": event.version,
            "role": event.actor.role,
            "window": event.actor.window,
            "grant": event.actor.grant,
        })),
    }
}

/// One task row per stage, so back offices find their work by department.
pub fn stage_tasks(case: &Case, now: DateTime<Utc>) -> Vec<StageTaskRecord> {
    let open = !case.status.is_terminal() && case.status != CaseStatus::Suspended;
    case.stages
        .iter()
        .map(|s| StageTaskRecord {
            case_no: case.case_no.clone(),
            stage: s.code.clone(),
            department: s.department.clone(),
            status: match (s.status, open) {
                (StageStatus::Done, _) => "done",
                (StageStatus::Active, true) => "active",
                (StageStatus::Active, false) => "halted",
                (StageStatus::Pending, _) => "pending",
            }
            .to_owned(),
            due: s.due.map(|d| millis(d.deadline)),
            // The case row's next_check_at covers its stages' checkpoints too.
            next_check_at: None,
            updated_at: millis(now),
        })
        .collect()
}

/// E-mail messages for the notices of a transition; an applicant without an e-mail address
/// is told at the window or by the public status page instead.
pub fn outbox(notifications: &[Notification], now: DateTime<Utc>) -> Vec<NewOutbox> {
    notifications
        .iter()
        .filter_map(|n| {
            let to = n.to.email.clone()?;
            let (subject, body) = notices::render(n);
            Some(NewOutbox {
                kind: "email".to_owned(),
                recipient: to,
                subject,
                body,
                created_at: millis(now),
                attempts: 0,
                next_attempt_at: millis(now),
            })
        })
        .collect()
}
