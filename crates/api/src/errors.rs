//! The one mapping of every layer's typed errors to problem+json.

use actix_web::http::StatusCode;
use tongban_core::case::{CaseError, CaseErrorKind};
use tongban_core::grant::GrantDenied;
use tongban_store::StoreError;

use crate::problem::{Problem, Text};

/// Store errors that reach a handler unhandled: conflicts the caller can fix become 409/412;
/// anything else is the server's fault (logged, never shown to the client).
pub fn store_problem(e: StoreError) -> Problem {
    match e {
        StoreError::StaleVersion { current } => Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "stale_version",
            Text::new("办件已被他人修改", "The case has changed"),
            Text::new(
                format!("办件已更新到版本 {current}，请刷新后重试。"),
                format!("The case is now at version {current}; reload it and retry."),
            ),
        ),
        StoreError::IdempotencyConflict { case_no } => Problem::new(
            StatusCode::CONFLICT,
            "idempotency_key_reused",
            Text::new("幂等键冲突", "Idempotency key reused"),
            Text::new(
                format!("该 Idempotency-Key 已用于另一份不同的申请（办件 {case_no}）。"),
                format!(
                    "This Idempotency-Key was already used for a different request (case {case_no})."
                ),
            ),
        ),
        StoreError::Duplicate(what) => Problem::new(
            StatusCode::CONFLICT,
            "already_exists",
            Text::new("记录已存在", "Already exists"),
            Text::new(format!("已存在：{what}"), format!("Already exists: {what}")),
        ),
        StoreError::NotFound(what) => Problem::not_found(
            "not_found",
            Text::new(format!("未找到：{what}"), format!("Not found: {what}")),
        ),
        other => {
            tracing::error!(error = %other, "store error");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                Text::new("暂时无法处理", "Temporarily unavailable"),
                Text::new(
                    "数据库暂时不可用，请稍后重试；未保存任何内容。",
                    "The database is unavailable; nothing was saved. Retry later.",
                ),
            )
        }
    }
}

/// A rule of the case refused the command: 403 for who may act, 422 for what was asked,
/// 409 for what the case's state allows (api.md), each with the rule's stable code.
pub fn case_problem(e: &CaseError) -> Problem {
    let (status, title) = match e.kind() {
        CaseErrorKind::Forbidden => (StatusCode::FORBIDDEN, Text::new("无权办理", "Not allowed")),
        CaseErrorKind::Invalid => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Text::new("请求内容有误", "Invalid request"),
        ),
        CaseErrorKind::Conflict => (
            StatusCode::CONFLICT,
            Text::new("当前状态不允许此操作", "Not allowed in the case's state"),
        ),
        CaseErrorKind::CalendarMissing => {
            tracing::warn!(error = %e, "a due date falls outside the loaded calendar years");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Text::new("工作日历尚未载入", "Calendar year not loaded"),
            )
        }
        CaseErrorKind::Internal => {
            tracing::error!(error = %e, "case rule failed on configuration");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Text::new("服务器配置有误", "Server configuration error"),
            )
        }
    };
    Problem::new(
        status,
        e.code(),
        title,
        Text::new(e.message_zh(), e.message_en()),
    )
}

/// The window may not do this action for this item now (403, with the reason's code).
pub fn grant_problem(e: &GrantDenied) -> Problem {
    let en = match e {
        GrantDenied::ActionNotAtWindowKind { kind, action } => {
            format!("a {} window cannot do `{}`", kind.as_str(), action.as_str())
        }
        GrantDenied::DepartmentNotServed { window, department } => {
            format!("window {window} does not serve department {department}")
        }
        GrantDenied::NotOnRota {
            window,
            department,
            weekday,
        } => format!("department {department} is not on the rota of window {window} on {weekday}"),
        GrantDenied::NoGrant {
            window,
            item,
            action,
        } => format!(
            "window {window} has no `{}` grant for item {item}",
            action.as_str()
        ),
        GrantDenied::NotYetValid {
            document_no,
            valid_from,
            ..
        } => format!("grant {document_no} is valid only from {valid_from}"),
        GrantDenied::Expired {
            document_no,
            valid_to,
            ..
        } => format!("grant {document_no} expired on {valid_to}"),
        GrantDenied::Revoked {
            document_no,
            revoked_at,
            ..
        } => format!("grant {document_no} was revoked at {revoked_at}"),
    };
    Problem::new(
        StatusCode::FORBIDDEN,
        e.code(),
        Text::new("窗口未获授权", "Window not authorised"),
        Text::new(e.to_string(), en),
    )
}
