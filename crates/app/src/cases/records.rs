//! A case transition as store records: the case row (with `next_check_at`, the instant its
//! supervision state next changes), the event, the audit record, the stage tasks, the outbox
//! messages and the procedure alerts, all written in one transaction.

use chrono::{DateTime, Utc};
use tongban_core::calendar::Calendar;
use tongban_core::case::{Case, CaseEvent, CaseStatus, Notification, StageStatus};
use tongban_core::clock::HallTime;
use tongban_core::item::Item;
use tongban_core::supervision::lifecycle::AlertStatus;
use tongban_core::supervision::{first_check_at, AlertKey, AlertScope};
use tongban_store::alerts::NewAlert;
use tongban_store::{CaseRecord, NewAudit, NewEvent, NewOutbox, StageTaskRecord};

use super::notices;
use crate::records::{millis, to_json};

/// The row of `case`, with `next_check_at` its earliest checkpoint (see [`first_check_at`]):
/// a deadline already past when the case is written is swept at once, never skipped.
pub fn case_record(case: &Case, item: &Item, calendar: &Calendar, hall: HallTime) -> CaseRecord {
    let decision = case.clocks.decision.as_ref();
    CaseRecord {
        case_no: case.case_no.clone(),
        query_code: case.query_code.clone(),
        item_code: case.item_code.clone(),
        item_version: i64::from(case.item_version),
        department: case.department.clone(),
        window_code: case.window.clone(),
        owner: case.owner.clone(),
        status: case.status.into(),
        version: i64::try_from(case.version).unwrap_or(i64::MAX),
        received_at: millis(case.received_at),
        acceptance_due: case
            .status
            .awaits_acceptance()
            .then(|| millis(case.clocks.acceptance.due.deadline)),
        promised_due: decision.map(|d| millis(d.promised_due.deadline)),
        legal_due: decision.map(|d| millis(d.legal_due.deadline)),
        next_check_at: first_check_at(case, item, calendar, hall).map(millis),
        data: to_json(case),
        created_at: millis(case.received_at),
        updated_at: millis(case.updated_at),
        applicant_name: case.applicant.name.clone(),
        applicant_id_number: case.applicant.id_number.to_uppercase(),
        applicant_phone: case.applicant.phone.clone(),
    }
}

/// The alert row of `key` on `case`. The scope column carries the case number, so that the
/// unique key (scope, rule, level) is unique across cases; the department is the one
/// responsible (the stage's for a stage alert).
pub fn new_alert(case: &Case, key: &AlertKey, now: DateTime<Utc>) -> NewAlert {
    let (scope, stage, department) = match &key.scope {
        AlertScope::Case => (
            format!("case:{}", case.case_no),
            None,
            case.department.clone(),
        ),
        AlertScope::Stage(code) => (
            format!("stage:{}/{code}", case.case_no),
            Some(code.clone()),
            case.stage(code)
                .map_or_else(|| case.department.clone(), |s| s.department.clone()),
        ),
    };
    let at = millis(now);
    NewAlert {
        scope,
        case_no: Some(case.case_no.clone()),
        stage,
        rule: key.rule.into(),
        level: key.level.into(),
        status: AlertStatus::Open.into(),
        department: Some(department),
        raised_at: at,
        updated_at: at,
        detail: serde_json::json!({
            "item_code": case.item_code,
            "status": case.status,
            "window": case.window,
            "rule_name": key.rule.name_zh(),
        })
        .to_string(),
    }
}

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
