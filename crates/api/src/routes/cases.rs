//! Cases: intake (idempotent by `Idempotency-Key`), the work queue, one case, its timeline,
//! and every action of api.md (guarded by `If-Match`). The actions' routes and their OpenAPI
//! entries are made from the one action table of `tongban_app::cases::actions`: each entry
//! gets the one generic handler, with the body type that builds its command.

use actix_web::{get, http::header, http::StatusCode, post, web, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tongban_app::cases::actions::{ActionSpec, ACTIONS};
use tongban_app::cases::intake::{self, check_key, Application, MaterialCount};
use tongban_app::cases::queue::{self, Ask, Paging};
use tongban_app::cases::{self as usecases, events};
use tongban_app::{Code, Error};
use tongban_core::case::{
    Action, Applicant, ApplicantKind, Case, Command, DeliveryMethod, MissingMaterial,
    PostalDelivery, Procedure, SubmittedMaterial,
};
use tongban_core::item::Yuan;
use utoipa::openapi::{schema::Schema, RefOr};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::caller::Caller;
use crate::casework::view::{CaseSummary, CaseView, EventView};
use crate::paging::{Page, PageQuery, Paged};
use crate::problem::{Problem, Text};
use crate::schemas;
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantBody {
    #[schema(value_type = schemas::ApplicantKind)]
    pub kind: ApplicantKind,
    pub name: String,
    /// Resident ID number or unified social credit code.
    pub id_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialBody {
    /// The item's material code.
    pub code: String,
    /// Copies handed in (default 1).
    pub copies: Option<u32>,
}

impl From<MaterialBody> for MaterialCount {
    fn from(m: MaterialBody) -> Self {
        MaterialCount {
            code: m.code,
            copies: m.copies,
        }
    }
}

/// An application: online by an applicant, or taken at a window by a clerk.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    pub item_code: String,
    pub applicant: ApplicantBody,
    pub materials: Vec<MaterialBody>,
    /// The application form's fields, as the item's form defines them.
    #[schema(value_type = Option<Object>)]
    pub form: Option<serde_json::Value>,
}

impl From<IntakeRequest> for Application {
    fn from(b: IntakeRequest) -> Self {
        let a = b.applicant;
        Application {
            item_code: b.item_code,
            applicant: Applicant {
                kind: a.kind,
                name: a.name,
                id_number: a.id_number,
                phone: a.phone,
                email: a.email,
            },
            materials: b.materials.into_iter().map(MaterialCount::from).collect(),
            form: b.form,
        }
    }
}

/// The version named by `If-Match`: `3`, `"3"` or `W/"3"`.
pub(crate) fn if_match(req: &HttpRequest) -> Result<i64, Problem> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Err(Error::new(
            Code::IfMatchRequired,
            Text::new("请求有误", "Bad request"),
            Text::new(
                "请在 If-Match 请求头中提供办件的当前版本号（来自 GET 返回的 version 或 ETag）。",
                "Send the case's current version in an If-Match header (the `version` or ETag of a GET).",
            ),
        )
        .into());
    };
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v > 0)
        .ok_or_else(|| {
            Error::bad_request(
                Code::InvalidIfMatch,
                Text::new(
                    "If-Match 应为正整数版本号，例如 \"3\"。",
                    "If-Match must be a positive version number such as \"3\".",
                ),
            )
            .into()
        })
}

pub(crate) fn case_response(status: StatusCode, case: Case, state: &AppState) -> HttpResponse {
    let etag = format!("\"{}\"", case.version);
    let location = format!("/api/v1/cases/{}", case.case_no);
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag))
        .insert_header((header::LOCATION, location))
        .json(CaseView::new(case, &state.catalogue(), &state.calendar()).to_json())
}

/// Takes an application. An applicant's token submits online (`submitted`); a clerk's token
/// takes it at the window they signed in at (`received`), under the window's `accept` grant.
/// Repeating the same `Idempotency-Key` returns the same case (200); the same key with
/// another body is 409.
#[utoipa::path(
    tag = "cases",
    request_body = IntakeRequest,
    params(("Idempotency-Key" = String, Header, description = "Unique per application; repeat it on retry")),
    responses(
        (status = 201, body = CaseView, description = "Case created"),
        (status = 200, body = CaseView, description = "A repeat of an earlier request"),
        (status = 400, description = "Missing Idempotency-Key or malformed body"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Role or window grant does not allow intake"),
        (status = 409, description = "Idempotency-Key reused with another body"),
        (status = 422, description = "Invalid fields or materials")
    )
)]
#[post("/api/v1/cases")]
pub async fn create_case(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: web::Json<IntakeRequest>,
) -> Result<HttpResponse, Problem> {
    let key = req
        .headers()
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok());
    let key = check_key(key)?;
    let taken = intake::intake(&state, &caller.0, &key, body.into_inner().into()).await?;
    let status = if taken.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(case_response(status, taken.case, &state))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// One status or several separated by commas, e.g. `received,accepted`.
    pub status: Option<String>,
    pub department: Option<String>,
    pub window: Option<String>,
    /// Only cases with an unresolved alert of this level: `yellow` or `red`.
    pub alert: Option<String>,
    /// Search within the caller's scope: a case number, an applicant's ID number or phone
    /// (whole), or part of the applicant's name; at most 64 characters.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The work queue of the caller's scope: a clerk's window, an approver's department (with
/// the parallel stages it takes part in), an applicant's own cases, or everything for a
/// supervisor. Oldest receipt first. `q` searches within that scope.
#[utoipa::path(
    tag = "cases",
    params(QueueQuery),
    responses(
        (status = 200, body = Paged<CaseSummary>),
        (status = 400, description = "Bad filter"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role has no queue")
    )
)]
#[get("/api/v1/cases")]
pub async fn list_cases(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<QueueQuery>,
) -> Result<web::Json<Paged<CaseSummary>>, Problem> {
    let page = Page::try_from(PageQuery {
        page: query.page,
        per_page: query.per_page,
    })?;
    let ask = Ask::parse(
        query.status.as_deref(),
        query.department.as_deref(),
        query.window.as_deref(),
        query.alert.as_deref(),
        query.q.as_deref(),
    )?;
    let paging = Paging {
        page: page.page,
        per_page: page.per_page,
    };
    let (lines, total) = queue::lines(&state, &caller.0, ask, paging).await?;
    Ok(web::Json(Paged {
        items: lines.into_iter().map(CaseSummary::from).collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Loads a case the caller may see; anything else is the same 404 (the pages share it).
pub(crate) async fn visible_case(
    state: &AppState,
    caller: &Caller,
    case_no: &str,
) -> Result<Case, Problem> {
    Ok(usecases::visible_case(state, &caller.0, case_no).await?)
}

/// The whole case: status, applicant, materials, clocks and due dates, stages, decisions.
/// The `ETag` is the version to send back in `If-Match`.
#[utoipa::path(
    tag = "cases",
    params(("case_no" = String, Path, description = "Case number")),
    responses(
        (status = 200, body = CaseView),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such case in the caller's scope")
    )
)]
#[get("/api/v1/cases/{case_no}")]
pub async fn get_case(
    state: web::Data<AppState>,
    caller: Caller,
    case_no: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let case = visible_case(&state, &caller, &case_no).await?;
    Ok(case_response(StatusCode::OK, case, &state))
}

/// The case's timeline: one event per transition, with who acted, at which window, under
/// which grant.
#[utoipa::path(
    tag = "cases",
    params(("case_no" = String, Path, description = "Case number")),
    responses(
        (status = 200, body = Vec<EventView>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such case in the caller's scope")
    )
)]
#[get("/api/v1/cases/{case_no}/events")]
pub async fn case_events(
    state: web::Data<AppState>,
    caller: Caller,
    case_no: web::Path<String>,
) -> Result<web::Json<Vec<EventView>>, Problem> {
    let timeline = events::timeline(&state, &caller.0, &case_no).await?;
    Ok(web::Json(
        timeline.into_iter().map(EventView::from).collect(),
    ))
}

/// An action without a body (`accept`, `resume`): an empty body or `{}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoBody {}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonWithBasis {
    pub reason: String,
    /// The article of law or regulation relied on.
    pub legal_basis: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MissingBody {
    pub code: String,
    /// What exactly is wrong or missing.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementRequest {
    /// Everything missing, at once (一次性告知).
    pub missing: Vec<MissingBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementBody {
    pub materials: Vec<MaterialBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteStageBody {
    pub stage: String,
    pub opinion: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpinionBody {
    pub opinion: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendBody {
    #[schema(value_type = schemas::Procedure)]
    pub procedure: Procedure,
    /// The written notice to the applicant.
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    pub working_days: u32,
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverBody {
    #[schema(value_type = schemas::DeliveryMethod)]
    pub method: DeliveryMethod,
    /// The fee charged, when it differs from the item's standard (supervision checks it).
    #[schema(value_type = Option<schemas::Yuan>)]
    pub fee: Option<Yuan>,
    /// Required for `post`: the address it goes to and the carrier's tracking number.
    pub post: Option<PostalBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostalBody {
    pub address: String,
    pub tracking_no: String,
}

impl Field<Option<PostalDelivery>> for Option<PostalBody> {
    fn field(self) -> Option<PostalDelivery> {
        self.map(|p| PostalDelivery {
            address: p.address,
            tracking_no: p.tracking_no,
        })
    }
}

/// An optional JSON body: actions without fields accept no body at all. A body the payload
/// extractor gave up on (over the size limit) is a problem+json like every other answer.
fn optional_body(body: &Result<web::Bytes, actix_web::Error>) -> Result<(), Problem> {
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            let too_large = matches!(
                e.as_error::<actix_web::error::PayloadError>(),
                Some(actix_web::error::PayloadError::Overflow)
            );
            let limit = crate::extract::JSON_LIMIT / 1024;
            return Err(if too_large {
                Error::new(
                    Code::BodyTooLarge,
                    Text::new("请求体过大", "Body too large"),
                    Text::new(
                        format!("请求体不能超过 {limit} KiB。"),
                        format!("The body must not exceed {limit} KiB."),
                    ),
                )
            } else {
                Error::bad_request(
                    Code::MalformedBody,
                    Text::new(
                        format!("无法读取请求内容：{e}"),
                        format!("The body could not be read: {e}"),
                    ),
                )
            }
            .into());
        }
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    serde_json::from_slice::<NoBody>(body)
        .map(|_| ())
        .map_err(|e| {
            Error::bad_request(
                Code::MalformedJson,
                Text::new(
                    format!("此操作不需要请求内容，或只能为 {{}}：{e}"),
                    format!("This action takes no body, or `{{}}`: {e}"),
                ),
            )
            .into()
        })
}

/// The one handler of every action: the command's texts, the `If-Match` version, the use
/// case, the case after it.
async fn run(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    case_no: web::Path<String>,
    cmd: Command,
) -> Result<HttpResponse, Problem> {
    tongban_app::cases::actions::check_command(&cmd)?;
    let expected = if_match(&req)?;
    let case = usecases::act(&state, &caller.0, &case_no, expected, cmd).await?;
    Ok(case_response(StatusCode::OK, case, &state))
}

/// The JSON route of one action: how its body becomes the core's command, the body's schema
/// and the summary of its OpenAPI entry.
struct Endpoint {
    route: actix_web::Route,
    body: String,
    schemas: Vec<(String, RefOr<Schema>)>,
    summary: &'static str,
}

/// An action whose body is `B`.
fn json<B: DeserializeOwned + ToSchema + 'static>(
    build: fn(B) -> Command,
    summary: &'static str,
) -> Endpoint {
    let route = web::route().to(
        move |s: web::Data<AppState>,
              c: Caller,
              r: HttpRequest,
              no: web::Path<String>,
              b: web::Json<B>| run(s, c, r, no, build(b.into_inner())),
    );
    endpoint::<B>(route, summary)
}

/// An action without a body: none, or `{}`.
fn bare(cmd: Command, summary: &'static str) -> Endpoint {
    let route = web::route().to(
        move |s: web::Data<AppState>,
              c: Caller,
              r: HttpRequest,
              no: web::Path<String>,
              b: Result<web::Bytes, actix_web::Error>| {
            let cmd = cmd.clone();
            async move {
                optional_body(&b)?;
                run(s, c, r, no, cmd).await
            }
        },
    );
    endpoint::<NoBody>(route, summary)
}

fn endpoint<B: ToSchema>(route: actix_web::Route, summary: &'static str) -> Endpoint {
    let mut schemas = vec![(B::name().into_owned(), B::schema())];
    B::schemas(&mut schemas);
    Endpoint {
        route,
        body: B::name().into_owned(),
        schemas,
        summary,
    }
}

/// A field of a body as the field of the command: the same value, or each entry of a list
/// converted (a missing note is empty, a material's copies default to one).
trait Field<T> {
    fn field(self) -> T;
}

impl<T> Field<T> for T {
    fn field(self) -> T {
        self
    }
}

impl Field<Vec<MissingMaterial>> for Vec<MissingBody> {
    fn field(self) -> Vec<MissingMaterial> {
        self.into_iter()
            .map(|m| MissingMaterial {
                code: m.code,
                note: m.note.unwrap_or_default(),
            })
            .collect()
    }
}

impl Field<Vec<SubmittedMaterial>> for Vec<MaterialBody> {
    fn field(self) -> Vec<SubmittedMaterial> {
        self.into_iter()
            .map(|m| MaterialCount::from(m).submitted())
            .collect()
    }
}

/// A match on the action: the actions without a body, then each action with its body type,
/// whose fields are the command's.
macro_rules! endpoints {
    ($a:expr; $($bare:ident => $bare_summary:literal,)* ; $($action:ident($body:ident { $($field:ident),* }) => $summary:literal,)*) => {
        match $a {
            $(Action::$bare => bare(Command::$bare, $bare_summary),)*
            $(Action::$action => json(
                |b: $body| Command::$action { $($field: b.$field.field()),* },
                $summary,
            ),)*
        }
    };
}

/// Each action's body, command and summary (api.md).
fn endpoint_of(a: Action) -> Endpoint {
    endpoints!(a;
        Accept => "受理: accept the application; the decision clock starts.",
        Resume => "End the special procedure; the due dates move by the suspended working days.",
        ;
        Refuse(ReasonWithBasis { reason, legal_basis }) => "不予受理: refuse with reason and legal basis.",
        RequestSupplement(SupplementRequest { missing }) => "一次性告知: list everything missing, once per submission.",
        Supplement(SupplementBody { materials }) => "补正: hand in the missing or promised materials.",
        CompleteStage(CompleteStageBody { stage, opinion }) => "Finish one workflow stage with an opinion.",
        Approve(OpinionBody { opinion }) => "准予许可: approve (all stages done, or on the spot for an immediate item).",
        Deny(ReasonWithBasis { reason, legal_basis }) => "不予许可: deny with reasons and legal basis.",
        Suspend(SuspendBody { procedure, note }) => "特别程序: suspend the clocks for a hearing, testing, expert review …",
        Extend(ExtendBody { working_days, reason }) => "延期: the one extension, by the head of the organ.",
        Withdraw(Reason { reason }) => "撤回: the applicant withdraws.",
        Deliver(DeliverBody { method, fee, post }) => "送达: hand out the result; the case is concluded.",
        Terminate(Reason { reason }) => "终止: end the case (e.g. the supplement never came).",
    )
}

fn action_path(spec: &ActionSpec) -> String {
    format!("/api/v1/cases/{{case_no}}/{}", spec.slug)
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(create_case)
        .service(list_cases)
        .service(case_events)
        .service(get_case);
    for spec in &ACTIONS {
        let e = endpoint_of(spec.action);
        // Guarded like the `#[post]` routes: another method finds no resource (404).
        cfg.service(
            web::resource(action_path(spec))
                .guard(actix_web::guard::Post())
                .route(e.route),
        );
    }
}

/// The template of every action's OpenAPI entry; each entry replaces its body and summary.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_no}/{action}",
    tag = "cases",
    request_body = NoBody,
    params(
        ("case_no" = String, Path, description = "Case number"),
        ("If-Match" = String, Header, description = "The case version the action is based on")
    ),
    responses(
        (status = 200, body = CaseView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Role, window grant or ownership does not allow it"),
        (status = 404, description = "No such case in the caller's scope"),
        (status = 409, description = "Not allowed in the case's state (code names the rule)"),
        (status = 412, description = "Stale version"),
        (status = 422, description = "Invalid fields"),
        (status = 428, description = "If-Match missing")
    )
)]
#[allow(dead_code)]
fn action_doc() {}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(create_case, list_cases, get_case, case_events, action_doc),
    components(schemas(schemas::CaseEvent))
)]
struct Routes;

/// The OpenAPI entries of the case routes: the fixed ones, and one per entry of the action
/// table made from the template.
pub struct Doc;

impl OpenApi for Doc {
    fn openapi() -> utoipa::openapi::OpenApi {
        let mut doc = Routes::openapi();
        let template = doc
            .paths
            .paths
            .remove("/api/v1/cases/{case_no}/{action}")
            .and_then(|item| item.post);
        let Some(template) = template else {
            return doc;
        };
        let components = doc.components.get_or_insert_with(Default::default);
        for spec in &ACTIONS {
            let e = endpoint_of(spec.action);
            let mut op = template.clone();
            op.summary = Some(e.summary.to_owned());
            op.operation_id = Some(format!("{}_doc", spec.action.as_str()));
            if let Some(body) = op.request_body.as_mut() {
                for content in body.content.values_mut() {
                    content.schema = Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        e.body.clone(),
                    )));
                }
            }
            for (name, schema) in e.schemas {
                components.schemas.entry(name).or_insert(schema);
            }
            doc.paths.add_path_operation(
                action_path(spec),
                vec![utoipa::openapi::HttpMethod::Post],
                op,
            );
        }
        doc
    }
}
