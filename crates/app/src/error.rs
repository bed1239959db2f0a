//! The one error type of every use case, and the one list of stable error codes.
//!
//! A use case answers `Result<T, Error>`. The [`Code`] names what went wrong and what kind of
//! failure it is ([`Kind`]); a driver maps the kind to its own terms once (the api crate to
//! an HTTP status, the CLI to an exit code). Texts come in both languages; the driver picks.

use tongban_core::case::{CaseError, CaseErrorKind};
use tongban_core::grant::GrantDenied;
use tongban_store::StoreError;

/// A text in Simplified Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The English text when `english`, else the Chinese one.
    pub fn pick(&self, english: bool) -> &str {
        if english {
            &self.en
        } else {
            &self.zh
        }
    }
}

/// One bad field of a request, for `errors: [{field, message}]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: Text,
}

/// What kind of failure a code is: who must act, and whether a retry can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The request itself is malformed.
    BadRequest,
    /// No valid credentials.
    Unauthorized,
    /// The caller may not do this.
    Forbidden,
    NotFound,
    /// The state of the data does not allow it.
    Conflict,
    /// The caller's copy is stale (`If-Match`).
    PreconditionFailed,
    /// A required precondition header is missing.
    PreconditionRequired,
    PayloadTooLarge,
    UnsupportedMediaType,
    /// Well-formed, but a field's value is not acceptable.
    Unprocessable,
    TooManyRequests,
    /// The service cannot do it now; nothing was changed.
    Unavailable,
    /// The server's fault.
    Internal,
}

macro_rules! codes {
    ($($variant:ident => $code:literal, $kind:ident;)*) => {
        /// Every stable error `code` a user can meet.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code {
            $($variant,)*
            /// A rule of the case state machine refused a command (core's [`CaseError`]).
            CaseRule(&'static str, Kind),
            /// The window's grants do not allow the action (core's [`GrantDenied`]).
            GrantDenied(&'static str),
        }

        impl Code {
            /// Every fixed code, for documentation and tests.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                    Code::CaseRule(code, _) | Code::GrantDenied(code) => code,
                }
            }

            pub fn kind(self) -> Kind {
                match self {
                    $(Code::$variant => Kind::$kind,)*
                    Code::CaseRule(_, kind) => kind,
                    Code::GrantDenied(_) => Kind::Forbidden,
                }
            }
        }
    };
}

codes! {
    // Requests
    MalformedJson => "malformed_json", BadRequest;
    ControlCharacter => "control_character", BadRequest;
    MalformedBody => "malformed_body", BadRequest;
    MalformedForm => "malformed_form", BadRequest;
    MalformedMultipart => "malformed_multipart", BadRequest;
    InvalidBody => "invalid_body", BadRequest;
    // A well-formed body whose fields do not fit the request type.
    InvalidBodyField => "invalid_body", Unprocessable;
    InvalidQuery => "invalid_query", BadRequest;
    InvalidPath => "invalid_path", BadRequest;
    InvalidPage => "invalid_page", BadRequest;
    InvalidCursor => "invalid_cursor", BadRequest;
    InvalidIfMatch => "invalid_if_match", BadRequest;
    IdempotencyKeyRequired => "idempotency_key_required", BadRequest;
    IfMatchRequired => "if_match_required", PreconditionRequired;
    BodyTooLarge => "body_too_large", PayloadTooLarge;
    FileTooLarge => "file_too_large", PayloadTooLarge;
    CaseFilesFull => "case_files_full", PayloadTooLarge;
    UnsupportedMediaType => "unsupported_media_type", UnsupportedMediaType;
    UnsupportedFileType => "unsupported_file_type", UnsupportedMediaType;
    EmptyFile => "empty_file", Unprocessable;
    ValidationFailed => "validation_failed", Unprocessable;
    CsrfFailed => "csrf_failed", Forbidden;
    RateLimited => "rate_limited", TooManyRequests;
    SignInThrottled => "sign_in_throttled", TooManyRequests;
    QuotaExceeded => "quota_exceeded", TooManyRequests;
    // Identity
    MissingToken => "missing_token", Unauthorized;
    MalformedToken => "malformed_token", Unauthorized;
    InvalidToken => "invalid_token", Unauthorized;
    TokenExpired => "token_expired", Unauthorized;
    SessionEnded => "session_ended", Unauthorized;
    AccountChanged => "account_changed", Unauthorized;
    PasswordChangeRequired => "password_change_required", Forbidden;
    InvalidCredentials => "invalid_credentials", Unauthorized;
    RoleNotAllowed => "role_not_allowed", Forbidden;
    WindowRequired => "window_required", Unprocessable;
    NotAssignedToWindow => "not_assigned_to_window", Forbidden;
    NotAnApplicant => "not_an_applicant", Forbidden;
    UsernameTaken => "username_taken", Conflict;
    UserNotFound => "user_not_found", NotFound;
    AlreadyAssigned => "already_assigned", Conflict;
    NotAtWindow => "not_at_window", NotFound;
    // Catalogue and hall
    ItemNotFound => "item_not_found", NotFound;
    UnknownItem => "unknown_item", Unprocessable;
    UnknownWindow => "unknown_window", Forbidden;
    // The same wire codes where a path names the window or item: a 404 there, kept as the
    // public contract has it.
    NoSuchWindow => "unknown_window", NotFound;
    NoSuchItem => "unknown_item", NotFound;
    UnknownGrant => "unknown_grant", NotFound;
    WindowExists => "window_exists", Conflict;
    DepartmentExists => "department_exists", Conflict;
    GrantAlreadyRevoked => "grant_already_revoked", Conflict;
    // Calendar
    DateOutsideCalendar => "date_outside_calendar", Unprocessable;
    CalendarOutOfRange => "calendar_out_of_range", Unavailable;
    FutureRule => "future_rule", Unprocessable;
    // Cases
    CaseNotFound => "case_not_found", NotFound;
    StaleVersion => "stale_version", PreconditionFailed;
    IdempotencyKeyReused => "idempotency_key_reused", Conflict;
    NoSuchAction => "no_such_action", NotFound;
    NoQueue => "no_queue", Forbidden;
    NoSupplementNotice => "no_supplement_notice", NotFound;
    NotAccepted => "not_accepted", NotFound;
    NoSuspension => "no_suspension", NotFound;
    NoSuchDocument => "no_such_document", NotFound;
    PdfUnavailable => "pdf_unavailable", Unavailable;
    CaseNotConcluded => "case_not_concluded", Conflict;
    CaseClosed => "case_closed", Conflict;
    AlreadyEvaluated => "already_evaluated", Conflict;
    AttachmentNotFound => "attachment_not_found", NotFound;
    // Supervision
    AlertNotFound => "alert_not_found", NotFound;
    AlertAlreadyAcknowledged => "alert_already_acknowledged", Conflict;
    AlertClosed => "alert_closed", Conflict;
    AlertChanged => "alert_changed", Conflict;
    NoSuchStep => "no_such_step", NotFound;
    UrgingOrderNotFound => "urging_order_not_found", NotFound;
    UrgingOrderAnswered => "urging_order_answered", Conflict;
    NotABadRating => "not_a_bad_rating", Conflict;
    RectificationRecorded => "rectification_recorded", Conflict;
    // Generic
    NotFound => "not_found", NotFound;
    AlreadyExists => "already_exists", Conflict;
    NotReady => "not_ready", Unavailable;
    StorageUnavailable => "storage_unavailable", Unavailable;
    InternalError => "internal_error", Internal;
}

/// The error of a use case: a stable code, a title and a detail in both languages, and the
/// bad fields of a validation failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", code.as_str(), detail.en)]
pub struct Error {
    pub code: Code,
    pub title: Text,
    pub detail: Text,
    pub errors: Vec<FieldError>,
    /// Seconds after which a rate-limited caller may retry.
    pub retry_after: Option<u64>,
    /// Why the service is not ready (`/readyz`), e.g. `disk_full`.
    pub reason: Option<&'static str>,
}

pub type AppResult<T> = Result<T, Error>;

impl Error {
    pub fn new(code: Code, title: Text, detail: Text) -> Self {
        Error {
            code,
            title,
            detail,
            errors: Vec::new(),
            retry_after: None,
            reason: None,
        }
    }

    /// An error whose title is the usual one for its kind.
    pub fn of(code: Code, detail: Text) -> Self {
        let title = title_of(code.kind());
        Error::new(code, title, detail)
    }

    pub fn with_field(mut self, field: impl Into<String>, message: Text) -> Self {
        self.errors.push(FieldError {
            field: field.into(),
            message,
        });
        self
    }

    pub fn bad_request(code: Code, detail: Text) -> Self {
        Error::new(code, Text::new("请求有误", "Bad request"), detail)
    }

    pub fn not_found(code: Code, detail: Text) -> Self {
        Error::new(code, Text::new("未找到", "Not found"), detail)
    }

    pub fn internal() -> Self {
        Error::new(
            Code::InternalError,
            Text::new("服务器内部错误", "Internal server error"),
            Text::new(
                "服务器处理请求时出错，请稍后重试。",
                "The server failed to process the request; please retry later.",
            ),
        )
    }

    /// 403 unless the caller holds one of `roles`.
    pub fn role_not_allowed(roles: &[tongban_core::role::Role]) -> Self {
        let (zh, en): (Vec<_>, Vec<_>) = roles.iter().map(|r| r.names()).unzip();
        Error::new(
            Code::RoleNotAllowed,
            Text::new("无权操作", "Forbidden"),
            Text::new(
                format!("此操作需要以下角色之一：{}", zh.join("、")),
                format!("This action needs one of the roles: {}", en.join(", ")),
            ),
        )
    }

    /// Stored data that does not decode: the server's fault, logged where it is found.
    pub fn corrupt(what: impl std::fmt::Display) -> Self {
        tracing::error!(error = %what, "corrupt stored data");
        Error::internal()
    }
}

fn title_of(kind: Kind) -> Text {
    match kind {
        Kind::BadRequest | Kind::PayloadTooLarge | Kind::UnsupportedMediaType => {
            Text::new("请求有误", "Bad request")
        }
        Kind::Unprocessable => Text::new("请求内容有误", "Invalid request"),
        Kind::Unauthorized => Text::new("未登录或登录已失效", "Not signed in"),
        Kind::Forbidden => Text::new("无权操作", "Forbidden"),
        Kind::NotFound => Text::new("未找到", "Not found"),
        Kind::Conflict => Text::new("当前状态不允许此操作", "Not allowed in the current state"),
        Kind::PreconditionFailed | Kind::PreconditionRequired => {
            Text::new("版本不符", "Version mismatch")
        }
        Kind::TooManyRequests => Text::new("请求过于频繁", "Too many requests"),
        Kind::Unavailable => Text::new("暂时无法处理", "Temporarily unavailable"),
        Kind::Internal => Text::new("服务器内部错误", "Internal server error"),
    }
}

/// Store errors that reach a use case unhandled: conflicts the caller can fix; anything
/// else is the server's fault (logged, never shown to the caller).
impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::StaleVersion { current } => Error::new(
                Code::StaleVersion,
                Text::new("办件已被他人修改", "The case has changed"),
                Text::new(
                    format!("办件已更新到版本 {current}，请刷新后重试。"),
                    format!("The case is now at version {current}; reload it and retry."),
                ),
            ),
            StoreError::IdempotencyConflict { case_no } => Error::new(
                Code::IdempotencyKeyReused,
                Text::new("幂等键冲突", "Idempotency key reused"),
                Text::new(
                    format!("该 Idempotency-Key 已用于另一份不同的申请（办件 {case_no}）。"),
                    format!(
                        "This Idempotency-Key was already used for a different request (case {case_no})."
                    ),
                ),
            ),
            StoreError::Duplicate(what) => Error::new(
                Code::AlreadyExists,
                Text::new("记录已存在", "Already exists"),
                Text::new(format!("已存在：{what}"), format!("Already exists: {what}")),
            ),
            StoreError::NotFound(what) => Error::not_found(
                Code::NotFound,
                Text::new(format!("未找到：{what}"), format!("Not found: {what}")),
            ),
            other => {
                // A full disk or a lost database fails every request alike: logged once
                // with a count per interval, not once per request.
                tongban_store::repeats::error(
                    tongban_store::repeats::Refused::Requests,
                    &other.to_string(),
                );
                Error::new(
                    Code::StorageUnavailable,
                    Text::new("暂时无法处理", "Temporarily unavailable"),
                    Text::new(
                        "数据库暂时不可用，请稍后重试；未保存任何内容。",
                        "The database is unavailable; nothing was saved. Retry later.",
                    ),
                )
            }
        }
    }
}

/// A rule of the case refused the command: who may act, what was asked, or what the case's
/// state allows, each with the rule's stable code.
impl From<&CaseError> for Error {
    fn from(e: &CaseError) -> Self {
        let (kind, title) = match e.kind() {
            CaseErrorKind::Forbidden => (Kind::Forbidden, Text::new("无权办理", "Not allowed")),
            CaseErrorKind::Invalid => (
                Kind::Unprocessable,
                Text::new("请求内容有误", "Invalid request"),
            ),
            CaseErrorKind::Conflict => (
                Kind::Conflict,
                Text::new("当前状态不允许此操作", "Not allowed in the case's state"),
            ),
            CaseErrorKind::CalendarMissing => {
                tracing::warn!(error = %e, "a due date falls outside the loaded calendar years");
                (
                    Kind::Unavailable,
                    Text::new("工作日历尚未载入", "Calendar year not loaded"),
                )
            }
            CaseErrorKind::Internal => {
                tracing::error!(error = %e, "case rule failed on configuration");
                (
                    Kind::Internal,
                    Text::new("服务器配置有误", "Server configuration error"),
                )
            }
        };
        Error::new(
            Code::CaseRule(e.code(), kind),
            title,
            Text::new(e.message_zh(), e.message_en()),
        )
    }
}

impl From<CaseError> for Error {
    fn from(e: CaseError) -> Self {
        Error::from(&e)
    }
}

/// The window may not do this action for this item now, with the reason's code.
impl From<&GrantDenied> for Error {
    fn from(e: &GrantDenied) -> Self {
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
            } => format!(
                "department {department} is not on the rota of window {window} on {weekday}"
            ),
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
        Error::new(
            Code::GrantDenied(e.code()),
            Text::new("窗口未获授权", "Window not authorised"),
            Text::new(e.to_string(), en),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            // A wire code may stand for two kinds (a missing window in a path is a 404, at
            // sign-in a 403), never twice for one.
            assert!(seen.insert((s, format!("{:?}", code.kind()))), "{s} twice");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{s}"
            );
        }
    }
}
