//! The one mapping of every layer's typed errors to problem+json.

use actix_web::http::StatusCode;
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
