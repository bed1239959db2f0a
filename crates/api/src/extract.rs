//! Request body, path and query errors turned into clear 4xx problems (never a 5xx).

use actix_web::{
    error::{JsonPayloadError, PathError, QueryPayloadError},
    web, HttpRequest,
};
use tongban_app::Code;

use crate::problem::{Problem, Text};

/// Largest JSON body accepted; applications carry metadata only (uploads go elsewhere).
pub const JSON_LIMIT: usize = 256 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|err, _req: &HttpRequest| json_problem(&err).into())
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _| {
        Problem::bad_request(
            Code::InvalidPath,
            Text::new(
                format!("路径参数无效：{err}"),
                format!("Invalid path parameter: {err}"),
            ),
        )
        .into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _| {
        Problem::bad_request(
            Code::InvalidQuery,
            Text::new(
                format!("查询参数无效：{err}"),
                format!("Invalid query parameter: {err}"),
            ),
        )
        .into()
    })
}

pub fn json_problem(err: &JsonPayloadError) -> Problem {
    match err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            Problem::new(
                Code::BodyTooLarge,
                Text::new("请求体过大", "Body too large"),
                Text::new(
                    format!("请求体不能超过 {} KiB。", JSON_LIMIT / 1024),
                    format!("The body must not exceed {} KiB.", JSON_LIMIT / 1024),
                ),
            )
        }
        JsonPayloadError::ContentType => Problem::new(
            Code::UnsupportedMediaType,
            Text::new("内容类型不支持", "Unsupported media type"),
            Text::new(
                "请求体必须是 JSON（Content-Type: application/json）。",
                "The body must be JSON (Content-Type: application/json).",
            ),
        ),
        JsonPayloadError::Deserialize(e) => {
            let syntax = e.is_syntax() || e.is_eof();
            let (zh, en) = if syntax {
                (
                    format!(
                        "JSON 格式错误（第 {} 行第 {} 列）：{e}",
                        e.line(),
                        e.column()
                    ),
                    format!(
                        "Malformed JSON at line {}, column {}: {e}",
                        e.line(),
                        e.column()
                    ),
                )
            } else {
                (
                    format!("请求字段有误：{e}"),
                    format!("Invalid request field: {e}"),
                )
            };
            body_problem(e, Text::new(zh, en))
        }
        other => Problem::bad_request(
            Code::InvalidBody,
            Text::new(
                format!("无法读取请求体：{other}"),
                format!("The request body could not be read: {other}"),
            ),
        ),
    }
}

/// A JSON body that does not parse (400 `malformed_json`) or does not fit the request type
/// (422 `invalid_body`).
pub fn body_problem(e: &serde_json::Error, detail: Text) -> Problem {
    let code = if e.is_syntax() || e.is_eof() {
        Code::MalformedJson
    } else {
        Code::InvalidBodyField
    };
    Problem::new(
        code,
        Text::new("请求内容无效", "Invalid request body"),
        detail,
    )
}
