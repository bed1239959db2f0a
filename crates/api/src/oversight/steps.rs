//! Taking a step of an alert's lifecycle: the move is checked against the alert as it is in
//! the same write that records it, with its audit record and (for an urge) the messages to
//! the department, so two supervisors acting at once cannot both move it from one status.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;
use tongban_store::alert_steps::{self, NewAlertStep};
use tongban_store::{alerts, audit, outbox, NewAudit};
use utoipa::ToSchema;

use super::lifecycle::{self, AlertAction, AlertStatus, MoveRefused};
use super::urge;
use super::views::{AlertDetail, AlertView, StepView};
use crate::extract::JSON_LIMIT;
use crate::problem::{Problem, Text};
use tongban_app::records::{millis, to_json};
use crate::state::AppState;
use tongban_app::validate::{Fields, MAX_TEXT};

/// The body of a step; it may be left out (or be `{}`) where no note is required.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// The supervisor's note: required to resolve (how it was settled) and to escalate
    /// (why); for an urge, the message to the department.
    pub note: Option<String>,
}

/// The note of an optional JSON body, validated for `action`.
pub fn note_of(
    body: &Result<web::Bytes, actix_web::Error>,
    action: AlertAction,
) -> Result<Option<String>, Problem> {
    let bytes = match body {
        Ok(b) => b,
        Err(e) => return Err(unreadable(e)),
    };
    let request = if bytes.iter().all(u8::is_ascii_whitespace) {
        StepRequest::default()
    } else {
        serde_json::from_slice::<StepRequest>(bytes).map_err(|e| {
            let syntax = e.is_syntax() || e.is_eof();
            Problem::new(
                if syntax {
                    StatusCode::BAD_REQUEST
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                },
                if syntax {
                    "malformed_json"
                } else {
                    "invalid_body"
                },
                Text::new("请求内容无效", "Invalid request body"),
                Text::new(
                    format!("请求内容应为 {{\"note\": \"…\"}}：{e}"),
                    format!("The body must be {{\"note\": \"…\"}}: {e}"),
                ),
            )
        })?
    };
    check_note(request.note, action)
}

/// A step's note checked for `action` (required to resolve and to escalate, at most
/// `MAX_TEXT` characters), trimmed; `None` when empty.
pub fn check_note(note: Option<String>, action: AlertAction) -> Result<Option<String>, Problem> {
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

fn unreadable(e: &actix_web::Error) -> Problem {
    let too_large = matches!(
        e.as_error::<actix_web::error::PayloadError>(),
        Some(actix_web::error::PayloadError::Overflow)
    );
    if too_large {
        let limit = JSON_LIMIT / 1024;
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            Text::new("请求体过大", "Body too large"),
            Text::new(
                format!("请求体不能超过 {limit} KiB。"),
                format!("The body must not exceed {limit} KiB."),
            ),
        )
    } else {
        Problem::bad_request(
            "malformed_body",
            Text::new(
                format!("无法读取请求内容：{e}"),
                format!("The body could not be read: {e}"),
            ),
        )
    }
}

/// Why a step was not taken (nothing was written).
enum Refused {
    NotFound,
    Move(MoveRefused, AlertAction),
    /// A status this version does not know (written by a newer one): left alone.
    UnknownStatus(String),
    /// The alert moved between the read and the update.
    Changed,
}

/// Takes `action` on alert `id` for `actor`; answers the alert with its steps.
pub async fn take(
    state: &AppState,
    actor: &str,
    id: i64,
    action: AlertAction,
    note: Option<String>,
) -> Result<AlertDetail, Problem> {
    let now = state.clock.now();
    let at = millis(now);
    let hall = state.hall;
    let actor = actor.to_owned();
    let outcome = state
        .store
        .write(move |conn| {
            let Some(alert) = alerts::get(conn, id)? else {
                return Ok(Err(Refused::NotFound));
            };
            let Some(from) = AlertStatus::parse(&alert.status) else {
                return Ok(Err(Refused::UnknownStatus(alert.status)));
            };
            let to = match lifecycle::next(from, action) {
                Ok(to) => to,
                Err(e) => return Ok(Err(Refused::Move(e, action))),
            };
            // Every write runs under the audit lock, so the alert read above is current and
            // the conditional update only guards against a change of that rule.
            if !alerts::transition(conn, id, from.as_str(), to.as_str(), at)? {
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
                        "rule": alert.rule,
                        "level": alert.level,
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
        .await
        .map_err(crate::store_problem)?;
    match outcome {
        Ok((alert, steps)) => Ok(AlertDetail {
            alert: AlertView::from(&alert),
            steps: steps.iter().map(StepView::from).collect(),
        }),
        Err(Refused::NotFound) => Err(not_found(id)),
        Err(Refused::Move(e, action)) => Err(move_refused(e, action)),
        Err(Refused::Changed) => Err(Problem::new(
            StatusCode::CONFLICT,
            "alert_changed",
            Text::new("预警已被他人处理", "The alert has changed"),
            Text::new(
                "预警状态刚被他人更改，请刷新后重试。",
                "Someone else just changed the alert; reload it and retry.",
            ),
        )),
        Err(Refused::UnknownStatus(status)) => Err(Problem::new(
            StatusCode::CONFLICT,
            "alert_status_unknown",
            Text::new("预警状态未知", "Unknown alert status"),
            Text::new(
                format!("预警处于本版本不认识的状态“{status}”，未作更改。"),
                format!("The alert is in a status this version does not know (`{status}`); nothing was changed."),
            ),
        )),
    }
}

pub fn not_found(id: i64) -> Problem {
    Problem::not_found(
        "alert_not_found",
        Text::new(
            format!("没有编号为 {id} 的预警。"),
            format!("No alert {id}."),
        ),
    )
}

/// A move the lifecycle does not allow: 409 with the rule's code.
pub fn move_refused(e: MoveRefused, action: AlertAction) -> Problem {
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
    Problem::new(
        StatusCode::CONFLICT,
        e.code(),
        Text::new(
            "预警当前状态不允许此操作",
            "Not allowed in the alert's status",
        ),
        Text::new(zh, en),
    )
}
