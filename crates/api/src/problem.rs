//! RFC 7807 problem+json responses: the one place where errors become HTTP.
//!
//! Every layer has its own typed errors; each is turned into a [`Problem`] by one `From` impl,
//! so a status code and a stable `code` are decided once. A problem carries its texts in both
//! languages; [`localize`] (a middleware) picks the one the client asked for.

use actix_web::{
    body::{BoxBody, EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{header, StatusCode},
    middleware::Next,
    HttpResponse, ResponseError,
};
use serde::Serialize;

use crate::lang::Lang;

use tongban_app::error::{Code, Error, Kind};
pub use tongban_app::error::{FieldError as FieldProblem, Text};

#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {code}: {}", detail.en)]
pub struct Problem {
    pub status: StatusCode,
    /// Stable machine code, e.g. `validation_failed`, `stale_version`.
    pub code: &'static str,
    pub title: Text,
    pub detail: Text,
    pub errors: Vec<FieldProblem>,
    /// Seconds after which a rate-limited client may retry (`Retry-After`).
    pub retry_after: Option<u64>,
    /// Why the service is not ready (`/readyz`).
    pub reason: Option<&'static str>,
}

/// The problem+json body of every error answer (RFC 7807), as the OpenAPI `Problem` schema.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub(crate) struct Body<'a> {
    /// `https://tongban.dev/problems/<code>`.
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    /// Stable machine code, e.g. `stale_version`.
    code: &'a str,
    /// Every bad field of a validation error (422).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldBody<'a>>,
    /// Why the service is not ready (`/readyz` only), e.g. `disk_full`, `read_only`,
    /// `database_unreachable`, `pending_migrations`, `writer_stopped`, `writer_stuck`.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ProblemField)]
pub(crate) struct FieldBody<'a> {
    field: &'a str,
    message: &'a str,
}

impl Problem {
    /// An error of the HTTP layer itself (extraction, limits); its status comes from the
    /// code's kind, like every use case's error.
    pub fn new(code: Code, title: Text, detail: Text) -> Self {
        Error::new(code, title, detail).into()
    }

    pub fn with_field(mut self, field: impl Into<String>, message: Text) -> Self {
        self.errors.push(FieldProblem {
            field: field.into(),
            message,
        });
        self
    }

    pub fn bad_request(code: Code, detail: Text) -> Self {
        Error::bad_request(code, detail).into()
    }

    pub fn not_found(code: Code, detail: Text) -> Self {
        Error::not_found(code, detail).into()
    }

    pub fn internal() -> Self {
        Error::internal().into()
    }

    pub fn render(&self, lang: Lang) -> HttpResponse {
        let body = Body {
            kind: format!("https://tongban.dev/problems/{}", self.code),
            title: lang.text(&self.title),
            status: self.status.as_u16(),
            detail: lang.text(&self.detail),
            code: self.code,
            errors: self
                .errors
                .iter()
                .map(|e| FieldBody {
                    field: &e.field,
                    message: lang.text(&e.message),
                })
                .collect(),
            reason: self.reason,
        };
        let language = match lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        };
        let mut res = HttpResponse::build(self.status);
        res.content_type("application/problem+json")
            .insert_header((header::CONTENT_LANGUAGE, language));
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        res.json(body)
    }
}

/// The one mapping of a use case's error kind to an HTTP status.
pub fn status_of(kind: Kind) -> StatusCode {
    match kind {
        Kind::BadRequest => StatusCode::BAD_REQUEST,
        Kind::Unauthorized => StatusCode::UNAUTHORIZED,
        Kind::Forbidden => StatusCode::FORBIDDEN,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::Conflict => StatusCode::CONFLICT,
        Kind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        Kind::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
        Kind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Kind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Kind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Self {
        Problem {
            status: status_of(e.code.kind()),
            code: e.code.as_str(),
            title: e.title,
            detail: e.detail,
            errors: e.errors,
            retry_after: e.retry_after,
            reason: e.reason,
        }
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    /// Renders in Chinese and keeps the problem in the response so that [`localize`] can
    /// render it again in the client's language.
    fn error_response(&self) -> HttpResponse {
        let mut res = self.render(Lang::Zh);
        res.extensions_mut().insert(self.clone());
        res
    }
}

/// Middleware: re-renders a problem response in the language of the request.
pub async fn localize(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody, impl MessageBody>>, actix_web::Error> {
    let lang = Lang::of(req.request());
    let res = next.call(req).await?;
    if lang == Lang::Zh {
        return Ok(res.map_into_right_body());
    }
    let problem = res.response().extensions().get::<Problem>().cloned();
    match problem {
        Some(problem) => {
            let (req, _) = res.into_parts();
            let localized = problem.render(lang).map_into_boxed_body();
            Ok(ServiceResponse::new(req, localized).map_into_left_body())
        }
        None => Ok(res.map_into_right_body()),
    }
}
