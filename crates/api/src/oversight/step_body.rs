//! The body of an alert step (`{"note": "…"}`, optional): read from the request here, checked
//! by the application's use case.

use actix_web::web;
use serde::Deserialize;
use tongban_app::Code;
use utoipa::ToSchema;

use crate::extract::JSON_LIMIT;
use crate::problem::{Problem, Text};

/// The body of a step; it may be left out (or be `{}`) where no note is required.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// The supervisor's note: required to resolve (how it was settled) and to escalate
    /// (why); for an urge, the message to the department.
    pub note: Option<String>,
    /// For an urge: working days (1–20, default 3) the department's head has to reply to
    /// the urging order (督办单).
    pub reply_days: Option<u32>,
}

/// The step body as sent (empty when left out).
pub fn step_of(body: &Result<web::Bytes, actix_web::Error>) -> Result<StepRequest, Problem> {
    let bytes = match body {
        Ok(b) => b,
        Err(e) => return Err(unreadable(e)),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(StepRequest::default());
    }
    let request = serde_json::from_slice::<StepRequest>(bytes).map_err(|e| {
        crate::extract::body_problem(
            &e,
            Text::new(
                format!("请求内容应为 {{\"note\": \"…\"}}：{e}"),
                format!("The body must be {{\"note\": \"…\"}}: {e}"),
            ),
        )
    })?;
    Ok(request)
}

fn unreadable(e: &actix_web::Error) -> Problem {
    let too_large = matches!(
        e.as_error::<actix_web::error::PayloadError>(),
        Some(actix_web::error::PayloadError::Overflow)
    );
    if too_large {
        let limit = JSON_LIMIT / 1024;
        Problem::new(
            Code::BodyTooLarge,
            Text::new("请求体过大", "Body too large"),
            Text::new(
                format!("请求体不能超过 {limit} KiB。"),
                format!("The body must not exceed {limit} KiB."),
            ),
        )
    } else {
        Problem::bad_request(
            Code::MalformedBody,
            Text::new(
                format!("无法读取请求内容：{e}"),
                format!("The body could not be read: {e}"),
            ),
        )
    }
}
