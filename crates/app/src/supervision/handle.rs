//! Taking a step of an alert's lifecycle (确认, 督办, 办结, 上报): the move is checked against
//! the alert as it is in the same write that records it, with its audit record and (for an
//! urge) the messages to the department, so two supervisors acting at once cannot both move
//! it from one status.

use tongban_core::supervision::desk;
use tongban_core::supervision::lifecycle::{self, AlertAction, MoveRefused};
use tongban_store::alert_steps::{self, NewAlertStep};
use tongban_store::urging_orders::{self, NewUrgingOrder};
use tongban_store::{alerts, audit, outbox, NewAudit};

use super::alerts::{not_found, AlertDetail};
use super::urge;
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{millis, to_json};
use crate::validate::{Fields, MAX_TEXT};
use crate::App;

/// A step a supervisor asks for.
#[derive(Debug, Clone)]
pub struct TakeStep {
    pub alert: i64,
    pub action: AlertAction,
    /// As entered; checked by [`take`] (required to resolve and to escalate).
    pub note: Option<String>,
    /// For an urge: working days the department's head has to reply (default
    /// [`desk::DEFAULT_REPLY_DAYS`]).
    pub reply_days: Option<u32>,
}

/// A step's note checked for `action` (required to resolve and to escalate, at most
/// `MAX_TEXT` characters), trimmed; `None` when empty.
pub fn check_note(note: Option<String>, action: AlertAction) -> AppResult<Option<String>> {
    let mut f = Fields::default();
    match (&note, action.needs_note()) {
        (Some(note), needed) => f.text("note", note, usize::from(needed), MAX_TEXT),
        (None, true) => f.error(
            "note",
            "办结须说明处理情况，上报须说明理由",
            "a resolution needs an explanation, an escalation a reason",
        ),
        (None, false) => {}
    }
    f.finish()?;
    Ok(note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()))
}

/// Why a step was not taken (nothing was written).
enum Refused {
    NotFound,
    Move(MoveRefused, AlertAction),
    /// The alert moved between the read and the update.
    Changed,
}

/// Takes `action` on alert `id` for `actor`; answers the alert with its steps.
pub async fn take(app: &App, actor: &str, step: TakeStep) -> AppResult<AlertDetail> {
    let TakeStep {
        alert: id,
        action,
        note,
        reply_days,
    } = step;
    let note = check_note(note, action)?;
    let now = app.clock.now();
    let at = millis(now);
    // An urge issues an urging order (督办单) whose reply is due in working days.
    let reply = if action == AlertAction::Urge {
        let days = super::urging::check_reply_days(reply_days)?;
        let calendar = app.config().await?.calendar();
        let due = desk::reply_due(&calendar, app.hall, now, days).map_err(|e| {
            tracing::warn!(error = %e, "urging reply due outside the calendar");
            Error::internal()
        })?;
        Some((days, millis(due.deadline)))
    } else {
        None
    };
    let hall = app.hall;
    let actor = actor.to_owned();
    let outcome = app
        .store
        .write(move |conn| {
            let Some(alert) = alerts::get(conn, id)? else {
                return Ok(Err(Refused::NotFound));
            };
            let from = alert.status.0;
            let to = match lifecycle::next(from, action) {
                Ok(to) => to,
                Err(e) => return Ok(Err(Refused::Move(e, action))),
            };
            // Every write runs under the audit lock, so the alert read above is current and
            // the conditional update only guards against a change of that rule.
            if !alerts::transition(conn, id, from, to, at)? {
                return Ok(Err(Refused::Changed));
            }
            let mut notified = Vec::new();
            if action == AlertAction::Urge {
                if let Some(department) = &alert.department {
                    let mut to =
                        alerts::department_contacts(conn, department, urge::FIRST_RECIPIENTS)?;
                    if to.is_empty() {
                        to = alerts::department_contacts(
                            conn,
                            department,
                            urge::FALLBACK_RECIPIENTS,
                        )?;
                    }
                    let messages = urge::messages(&alert, &to, &actor, note.as_deref(), hall, now);
                    outbox::enqueue(conn, &messages)?;
                    notified = to.into_iter().map(|(username, _, _)| username).collect();
                    if let Some((days, due)) = reply {
                        urging_orders::insert(
                            conn,
                            &NewUrgingOrder {
                                alert_id: id,
                                case_no: alert.case_no.clone(),
                                department: department.clone(),
                                issued_by: actor.clone(),
                                issued_at: at,
                                note: note.clone(),
                                reply_days: i64::from(days),
                                reply_due: due,
                            },
                        )?;
                    }
                }
            }
            alert_steps::insert(
                conn,
                &NewAlertStep {
                    alert_id: id,
                    action: action.as_str().to_owned(),
                    from_status: from.as_str().to_owned(),
                    to_status: to.as_str().to_owned(),
                    actor: actor.clone(),
                    at,
                    note: note.clone(),
                    notified: to_json(&notified),
                },
            )?;
            audit::append(
                conn,
                &NewAudit {
                    at,
                    actor: actor.clone(),
                    action: format!("alert.{}", action.as_str()),
                    subject: format!("alert:{id}"),
                    detail: to_json(&serde_json::json!({
                        "case_no": alert.case_no,
                        "rule": alert.rule.0.as_str(),
                        "level": alert.level.0.as_str(),
                        "from": from.as_str(),
                        "to": to.as_str(),
                        "note": note,
                        "notified": notified,
                    })),
                },
            )?;
            let Some(alert) = alerts::get(conn, id)? else {
                return Ok(Err(Refused::NotFound));
            };
            let steps = alert_steps::of_alert(conn, id)?;
            Ok(Ok((alert, steps)))
        })
        .await?;
    match outcome {
        Ok((alert, steps)) => Ok(AlertDetail::of(&alert, &steps)),
        Err(Refused::NotFound) => Err(not_found(id)),
        Err(Refused::Move(e, action)) => Err(move_refused(e, action)),
        Err(Refused::Changed) => Err(Error::new(
            Code::AlertChanged,
            Text::new("预警已被他人处理", "The alert has changed"),
            Text::new(
                "预警状态刚被他人更改，请刷新后重试。",
                "Someone else just changed the alert; reload it and retry.",
            ),
        )),
    }
}

/// A move the lifecycle does not allow, with the rule's code.
pub fn move_refused(e: MoveRefused, action: AlertAction) -> Error {
    let (zh, en) = match e {
        MoveRefused::Closed(status) => (
            format!(
                "预警{}，已关闭，不能再{}。",
                status.name_zh(),
                action.name_zh()
            ),
            format!(
                "The alert is {} (closed); it cannot be taken to `{}`.",
                status.as_str(),
                action.as_str()
            ),
        ),
        MoveRefused::AlreadyAcknowledged(status) => (
            format!(
                "预警已确认（当前状态：{}），无须再次确认。",
                status.name_zh()
            ),
            format!(
                "The alert was acknowledged already (it is {}).",
                status.as_str()
            ),
        ),
    };
    let code = match e {
        MoveRefused::Closed(_) => Code::AlertClosed,
        MoveRefused::AlreadyAcknowledged(_) => Code::AlertAlreadyAcknowledged,
    };
    Error::new(
        code,
        Text::new(
            "预警当前状态不允许此操作",
            "Not allowed in the alert's status",
        ),
        Text::new(zh, en),
    )
}
