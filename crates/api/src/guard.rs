//! Hygiene of every request and answer: a control character (NUL and the like) anywhere in
//! the path, the query or a JSON or form body is a clear `400` before any handler or database
//! sees it (PostgreSQL refuses NUL in text, SQLite keeps it: the same answer on both); and the
//! headers every answer carries.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use tongban_app::Code;

use crate::problem::{Problem, Text};

/// Whether a decoded byte is a control character a text field may not hold (tab, line feed
/// and carriage return are text).
fn forbidden(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f
}

/// `%XX` escapes (and raw bytes) of a URL-encoded text that decode to a control character.
fn url_encoded_has_control(text: &[u8]) -> bool {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'%' if i + 2 < text.len() => {
                if let (Some(h), Some(l)) = (hex(text[i + 1]), hex(text[i + 2])) {
                    if forbidden((h * 16 + l) as u8) {
                        return true;
                    }
                }
                i += 3;
            }
            b => {
                if forbidden(b) {
                    return true;
                }
                i += 1;
            }
        }
    }
    false
}

/// `\uXXXX` escapes of a JSON text that decode to a control character (raw ones are already
/// invalid JSON).
fn json_has_control(text: &[u8]) -> bool {
    let mut i = 0;
    while i + 5 < text.len() {
        if text[i] == b'\\' {
            if text[i + 1] == b'u' {
                let code = std::str::from_utf8(&text[i + 2..i + 6])
                    .ok()
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                if code.is_some_and(|c| c < 0x80 && forbidden(c as u8)) {
                    return true;
                }
            }
            // An escaped character (`\\` included) is never the start of another escape.
            i += 2;
            continue;
        }
        i += 1;
    }
    false
}

/// The first field (`applicant.name`, `materials[0].code`) whose text holds a control
/// character.
fn field_with_control(v: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    let join = |key: &str| {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    };
    match v {
        Value::String(s) => s.bytes().any(forbidden).then_some(at),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| field_with_control(x, format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            if k.bytes().any(forbidden) {
                Some(join(k))
            } else {
                field_with_control(x, join(k))
            }
        }),
        _ => None,
    }
}

fn bad_field(field: &str) -> Problem {
    Problem::new(
        Code::ValidationFailed,
        Text::new("请求内容有误", "Invalid request"),
        Text::new(
            "请求中含有控制字符（如 NUL），请删除后重试。",
            "The request holds a control character (such as NUL); remove it and try again.",
        ),
    )
    .with_field(
        if field.is_empty() { "body" } else { field },
        Text::new(
            "含有控制字符（如 NUL）",
            "holds a control character (such as NUL)",
        ),
    )
}

/// `/metrics` for the addresses the operator named (`--metrics-from`), or anyone.
fn metrics_allowed(req: &ServiceRequest) -> bool {
    let Some(state) = req.app_data::<web::Data<crate::state::AppState>>() else {
        return true;
    };
    state.metrics_from.is_empty()
        || req
            .peer_addr()
            .is_some_and(|p| state.metrics_from.contains(&p.ip()))
}

fn control_character() -> Problem {
    Problem::new(
        Code::ControlCharacter,
        Text::new("请求内容有误", "Invalid request"),
        Text::new(
            "请求中含有控制字符（如 NUL），请删除后重试。",
            "The request holds a control character (such as NUL); remove it and try again.",
        ),
    )
}

/// Refuses control characters in the path, the query and JSON or form bodies.
pub async fn reject_control_characters(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody, impl MessageBody>>, actix_web::Error> {
    // Answered as a response (not an error), so that the problem is put in the caller's
    // language on its way out like every other.
    let refuse = |req: ServiceRequest| {
        let answer = actix_web::ResponseError::error_response(&control_character());
        Ok(req.into_response(answer).map_into_left_body())
    };
    let target = req.uri().path_and_query().map_or("", |pq| pq.as_str());
    if url_encoded_has_control(target.as_bytes()) {
        return refuse(req);
    }
    if req.path() == "/metrics" && !metrics_allowed(&req) {
        let answer = actix_web::ResponseError::error_response(&Problem::not_found(
            Code::NotFound,
            Text::new("没有该页面。", "There is no such page."),
        ));
        return Ok(req.into_response(answer).map_into_left_body());
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json = kind.starts_with("application/json") || kind.contains("+json");
    let form = kind.starts_with("application/x-www-form-urlencoded");
    if json || form {
        // Bodies of these kinds are small (the JSON limit); files come as multipart and are
        // never read here. A larger body is refused as the JSON extractor would.
        let mut payload = actix_web::HttpMessage::take_payload(&mut req);
        let mut body = web::BytesMut::new();
        while let Some(chunk) = futures_util::StreamExt::next(&mut payload).await {
            let chunk = chunk?;
            if body.len() + chunk.len() > crate::extract::JSON_LIMIT {
                let too_large =
                    crate::extract::json_problem(&actix_web::error::JsonPayloadError::Overflow {
                        limit: crate::extract::JSON_LIMIT,
                    });
                let answer = actix_web::ResponseError::error_response(&too_large);
                return Ok(req.into_response(answer).map_into_left_body());
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        if json && json_has_control(&body) {
            // Named by its field, as the validation of every use case names a bad field.
            let field = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| field_with_control(&v, String::new()))
                .unwrap_or_else(|| "body".to_owned());
            let answer = actix_web::ResponseError::error_response(&bad_field(&field));
            return Ok(req.into_response(answer).map_into_left_body());
        }
        if form && url_encoded_has_control(&body) {
            return refuse(req);
        }
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    Ok(next.call(req).await?.map_into_right_body())
}

/// Headers of every answer: no content sniffing; no caching of the API's JSON (it carries
/// personal data); a strict policy and no framing for the API documentation.
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path().to_owned();
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if path.starts_with("/api/v1/") && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if path.starts_with("/api/docs") {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
            ),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_in_their_encodings() {
        assert!(url_encoded_has_control(b"/api/v1/cases?q=a%00b"));
        assert!(url_encoded_has_control(b"username=adm%00in"));
        assert!(url_encoded_has_control(b"name=%1F"));
        assert!(!url_encoded_has_control(b"note=a%0Ab%09c%20d"));
        assert!(!url_encoded_has_control(b"q=%E4%B8%AD%"));
        assert!(json_has_control(br#"{"username":"adm\u0000in"}"#));
        assert!(json_has_control(br#"{"a":"\u001b[31m"}"#));
        assert!(!json_has_control(br#"{"a":"line\nbreak\u000a\u4e2d"}"#));
        assert!(!json_has_control(br#"{"a":"back\\u0000slash"}"#));
    }
}
