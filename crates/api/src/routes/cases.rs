//! Cases: intake (idempotent by `Idempotency-Key`), the work queue, one case, its timeline,
//! and every action of api.md (guarded by `If-Match`).

use actix_web::{get, http::header, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tongban_core::case::{
    decide, open_case, Applicant, ApplicantKind, Case, Command, DeliveryMethod, MissingMaterial,
    NewCase, Procedure, SubmittedMaterial,
};
use tongban_core::case::{Action, CaseErrorKind};
use tongban_core::item::Yuan;
use tongban_core::role::Role;
use tongban_core::supervision::procedure_alerts;
use tongban_store::{alerts, cases, events, CaseChange, CaseFilter, CaseIntake, IntakeOutcome};
use tongban_store::{Page as StorePage, StoreError};
use tongban_supervision::{case_record, new_alert};
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::{forbidden_role, Caller};
use crate::casework::actor::{acting_roles, actor, needed, window_grant};
use tongban_app::numbers;
use crate::casework::records::{audit, new_event, outbox, stage_tasks};
use crate::casework::scope::{case_not_found, may_see, queue_filter, window_departments};
use crate::casework::view::{decode_case, parse_status, CaseSummary, CaseView, EventView};
use tongban_app::catalogue_view::CatalogueView;
use crate::errors::case_problem;
use crate::paging::{Page, PageQuery, Paged};
use crate::problem::{Problem, Text};
use tongban_app::records::to_json;
use crate::state::AppState;
use crate::store_problem;
use tongban_app::validate::{Fields, MAX_TEXT};

/// Longest `Idempotency-Key` accepted.
const MAX_KEY: usize = 200;
/// Longest name of an applicant (persons and organisations).
const MAX_NAME: usize = 200;
/// Most materials in one request.
const MAX_MATERIALS: usize = 100;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantBody {
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

fn problem(status: actix_web::http::StatusCode, code: &'static str, zh: &str, en: &str) -> Problem {
    Problem::new(
        status,
        code,
        Text::new("请求有误", "Bad request"),
        Text::new(zh, en),
    )
}

fn idempotency_key(req: &HttpRequest) -> Result<String, Problem> {
    let bad = || {
        problem(
            actix_web::http::StatusCode::BAD_REQUEST,
            "idempotency_key_required",
            "请在 Idempotency-Key 请求头中提供 1–200 个可见 ASCII 字符的唯一键，重复提交时使用同一个键。",
            "Send a unique Idempotency-Key header of 1–200 visible ASCII characters; repeat it when you retry.",
        )
    };
    let key = req
        .headers()
        .get("Idempotency-Key")
        .ok_or_else(bad)?
        .to_str()
        .map_err(|_| bad())?
        .trim();
    if key.is_empty() || key.len() > MAX_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad());
    }
    Ok(key.to_owned())
}

/// The version named by `If-Match`: `3`, `"3"` or `W/"3"`.
fn if_match(req: &HttpRequest) -> Result<i64, Problem> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Err(problem(
            actix_web::http::StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            "请在 If-Match 请求头中提供办件的当前版本号（来自 GET 返回的 version 或 ETag）。",
            "Send the case's current version in an If-Match header (the `version` or ETag of a GET).",
        ));
    };
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v > 0)
        .ok_or_else(|| {
            problem(
                actix_web::http::StatusCode::BAD_REQUEST,
                "invalid_if_match",
                "If-Match 应为正整数版本号，例如 \"3\"。",
                "If-Match must be a positive version number such as \"3\".",
            )
        })
}

fn validate_intake(body: &IntakeRequest, catalogue: &CatalogueView) -> Result<(), Problem> {
    let mut f = Fields::default();
    if catalogue.item(&body.item_code).is_none() {
        f.error(
            "item_code",
            format!(
                "没有编码为 {} 的事项",
                body.item_code.chars().take(64).collect::<String>()
            ),
            "is not an item of the catalogue",
        );
    }
    f.text("applicant.name", &body.applicant.name, 1, MAX_NAME);
    f.id_number("applicant.id_number", &body.applicant.id_number);
    if let Some(p) = &body.applicant.phone {
        f.phone("applicant.phone", p);
    }
    if let Some(e) = &body.applicant.email {
        f.email("applicant.email", e);
    }
    if body.materials.len() > MAX_MATERIALS {
        f.error(
            "materials",
            format!("最多 {MAX_MATERIALS} 项"),
            format!("at most {MAX_MATERIALS} entries"),
        );
    }
    for (i, m) in body.materials.iter().enumerate() {
        f.text(&format!("materials[{i}].code"), &m.code, 1, 64);
        if m.copies.is_some_and(|c| c == 0 || c > 1000) {
            f.error(
                &format!("materials[{i}].copies"),
                "份数须在 1 到 1000 之间",
                "must be between 1 and 1000",
            );
        }
    }
    f.finish().map_err(Problem::from)
}

fn new_case(body: &IntakeRequest, case_no: String, query_code: String) -> NewCase {
    let a = &body.applicant;
    NewCase {
        case_no,
        query_code,
        applicant: Applicant {
            kind: a.kind,
            name: a.name.trim().to_owned(),
            id_number: a.id_number.trim().to_uppercase(),
            phone: a.phone.clone(),
            email: a.email.clone(),
        },
        materials: body
            .materials
            .iter()
            .map(|m| SubmittedMaterial {
                code: m.code.clone(),
                copies: m.copies.unwrap_or(1),
            })
            .collect(),
        form: body.form.clone(),
    }
}

fn case_response(
    status: actix_web::http::StatusCode,
    case: Case,
    catalogue: &CatalogueView,
) -> HttpResponse {
    let etag = format!("\"{}\"", case.version);
    let location = format!("/api/v1/cases/{}", case.case_no);
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag))
        .insert_header((header::LOCATION, location))
        .json(CaseView::new(case, catalogue))
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
    let key = idempotency_key(&req)?;
    let (status, case) = intake(&state, &caller, key, body.into_inner()).await?;
    Ok(case_response(status, case, &state.catalogue()))
}

/// The intake of [`create_case`] after the request is read (the pages share it): the same
/// `key` and body give the same case (200), a new one is 201.
pub(crate) async fn intake(
    state: &AppState,
    caller: &Caller,
    key: String,
    body: IntakeRequest,
) -> Result<(actix_web::http::StatusCode, Case), Problem> {
    let catalogue = state.catalogue();
    validate_intake(&body, &catalogue)?;
    let item = catalogue
        .item(&body.item_code)
        .ok_or_else(Problem::internal)?;
    let role = if caller.has(Role::Clerk) && caller.window().is_some() {
        Role::Clerk
    } else if caller.has(Role::Applicant) {
        Role::Applicant
    } else {
        return Err(forbidden_role(&[Role::Applicant, Role::Clerk]));
    };
    let now = state.clock.now();
    let mut acting = actor(caller, role);
    if role == Role::Clerk {
        if let Some(action) = needed(None) {
            acting.grant = Some(window_grant(state, &acting, item, action, now).await?);
        }
    }
    let request_hash = hex::encode(Sha256::digest(to_json(&body).as_bytes()));
    // Keys are scoped by user: two clients choosing the same key never meet.
    let scoped_key = format!("{}\u{1f}{key}", caller.username());
    let calendar = state.calendar();
    let hall = state.hall;
    // A fresh case number collides with an existing one about once in 10^8 intakes a day.
    for _ in 0..5 {
        let case_no = numbers::case_no(hall.local_date(now));
        let new = new_case(&body, case_no, numbers::query_code());
        let t =
            open_case(new, item, &acting, now, &calendar, hall).map_err(|e| case_problem(&e))?;
        let intake = CaseIntake {
            idempotency_key: Some(scoped_key.clone()),
            request_hash: request_hash.clone(),
            case: case_record(&t.case, item, &calendar, hall, now),
            event: new_event(&t.event),
            audit: audit(&t.event),
            outbox: outbox(&t.notifications, now),
            stage_tasks: stage_tasks(&t.case, now),
        };
        match state.store.create_case(intake).await {
            Ok(IntakeOutcome::Created(_)) => {
                return Ok((actix_web::http::StatusCode::CREATED, t.case))
            }
            Ok(IntakeOutcome::Repeated(record)) => {
                let case = decode_case(&record)?;
                return Ok((actix_web::http::StatusCode::OK, case));
            }
            Err(StoreError::Duplicate(_)) => continue,
            Err(e) => return Err(store_problem(e)),
        }
    }
    Err(Problem::internal())
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
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

fn asked_filter(q: &QueueQuery) -> Result<CaseFilter, Problem> {
    let mut statuses = Vec::new();
    for s in q.status.as_deref().unwrap_or("").split(',').map(str::trim) {
        if s.is_empty() {
            continue;
        }
        let status = parse_status(s).ok_or_else(|| {
            Problem::bad_request(
                "invalid_query",
                Text::new(
                    format!("未知的办件状态：{s}"),
                    format!("Unknown case status: {s}"),
                ),
            )
            .with_field("status", Text::new("未知状态", "unknown status"))
        })?;
        statuses.push(status.as_str().to_owned());
    }
    let alert_level = match q.alert.as_deref() {
        None | Some("") => None,
        Some(l @ ("yellow" | "red")) => Some(l.to_owned()),
        Some(_) => {
            return Err(Problem::bad_request(
                "invalid_query",
                Text::new(
                    "alert 只能是 yellow 或 red。",
                    "`alert` is `yellow` or `red`.",
                ),
            ))
        }
    };
    for (field, value) in [("department", &q.department), ("window", &q.window)] {
        if value
            .as_deref()
            .is_some_and(|v| !v.is_empty() && !plausible_code(v))
        {
            return Err(Problem::bad_request(
                "invalid_query",
                Text::new(
                    format!("{field} 应为部门或窗口的编码。"),
                    format!("`{field}` must be a department or window code."),
                ),
            )
            .with_field(field, Text::new("编码无效", "invalid code")));
        }
    }
    Ok(CaseFilter {
        statuses,
        department: q.department.clone().filter(|d| !d.is_empty()),
        window_code: q.window.clone().filter(|w| !w.is_empty()),
        alert_level,
        ..CaseFilter::default()
    })
}

/// The work queue of the caller's scope: a clerk's window, an approver's department (with
/// the parallel stages it takes part in), an applicant's own cases, or everything for a
/// supervisor. Oldest receipt first.
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
    let catalogue = state.catalogue();
    let served = window_departments(&state, &caller).await?;
    let filter = queue_filter(&caller, &served, asked_filter(&query)?)?;
    let store_page = StorePage {
        page: i64::from(page.page),
        per_page: i64::from(page.per_page),
    };
    let (rows, total) = state
        .store
        .read(move |conn| cases::list_cases(conn, &filter, store_page))
        .await
        .map_err(store_problem)?;
    Ok(web::Json(Paged {
        items: rows
            .iter()
            .map(|r| CaseSummary::new(r, &catalogue))
            .collect(),
        total: u64::try_from(total).unwrap_or(0),
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Whether `s` could be a case number or a code of the catalogue: short visible ASCII. Other
/// strings never reach the database (PostgreSQL refuses a NUL in text, which would be a 5xx).
fn plausible_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic())
}

/// Loads a case the caller may see; anything else is the same 404.
pub(crate) async fn visible_case(
    state: &AppState,
    caller: &Caller,
    case_no: &str,
) -> Result<Case, Problem> {
    if !plausible_code(case_no) {
        return Err(case_not_found(
            &case_no.chars().take(64).collect::<String>(),
        ));
    }
    let no = case_no.to_owned();
    let record = state
        .store
        .read(move |conn| cases::get_case(conn, &no))
        .await
        .map_err(store_problem)?
        .ok_or_else(|| case_not_found(case_no))?;
    let case = decode_case(&record)?;
    if !may_see(caller, &case, &window_departments(state, caller).await?) {
        return Err(case_not_found(case_no));
    }
    Ok(case)
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
    Ok(case_response(
        actix_web::http::StatusCode::OK,
        case,
        &state.catalogue(),
    ))
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
    visible_case(&state, &caller, &case_no).await?;
    let no = case_no.into_inner();
    let rows = state
        .store
        .read(move |conn| events::for_case(conn, &no))
        .await
        .map_err(store_problem)?;
    Ok(web::Json(rows.iter().map(EventView::from).collect()))
}

/// Runs one command on a case: the version check, the role and window grant, the core's
/// decision, and one transaction with the event, audit, outbox and procedure alerts.
async fn act(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    case_no: &str,
    cmd: Command,
) -> Result<HttpResponse, Problem> {
    let expected = if_match(req)?;
    let case = act_at(state, caller, case_no, expected, cmd).await?;
    Ok(case_response(
        actix_web::http::StatusCode::OK,
        case,
        &state.catalogue(),
    ))
}

/// The action of [`act`] on the case at version `expected` (the pages share it).
pub(crate) async fn act_at(
    state: &AppState,
    caller: &Caller,
    case_no: &str,
    expected: i64,
    cmd: Command,
) -> Result<Case, Problem> {
    let case = visible_case(state, caller, case_no).await?;
    let current = i64::try_from(case.version).unwrap_or(i64::MAX);
    if current != expected {
        return Err(store_problem(StoreError::StaleVersion { current }));
    }
    let catalogue = state.catalogue();
    let item = catalogue
        .item_version(&case.item_code, case.item_version)
        .ok_or_else(|| {
            tracing::error!(case_no, item = %case.item_code, "item version of a case is missing");
            Problem::internal()
        })?;
    let roles = acting_roles(caller);
    let action: Action = cmd.action();
    let now = state.clock.now();
    let calendar = state.calendar();
    let hall = state.hall;
    let mut refused: Option<Problem> = None;
    let mut transition = None;
    for role in roles {
        let mut acting = actor(caller, role);
        if role == Role::Clerk {
            if let Some(grant_action) = needed(Some(action)) {
                match window_grant(state, &acting, item, grant_action, now).await {
                    Ok(g) => acting.grant = Some(g),
                    Err(p) => {
                        refused.get_or_insert(p);
                        continue;
                    }
                }
            }
        }
        match decide(&case, item, cmd.clone(), &acting, now, &calendar, hall) {
            Ok(t) => {
                transition = Some(t);
                break;
            }
            Err(e) if e.kind() == CaseErrorKind::Forbidden => {
                refused.get_or_insert(case_problem(&e));
            }
            Err(e) => return Err(case_problem(&e)),
        }
    }
    let Some(t) = transition else {
        return Err(refused.unwrap_or_else(|| {
            forbidden_role(&[Role::Clerk, Role::Approver, Role::Head, Role::Applicant])
        }));
    };
    let raised: Vec<_> = procedure_alerts(&case, &t.event, item)
        .iter()
        .map(|k| new_alert(&t.case, k, now))
        .collect();
    let ended = t.case.status.is_terminal().then(|| {
        (
            t.case.case_no.clone(),
            tongban_app::records::millis(now),
            to_json(&serde_json::json!({
                "resolution": format!("办件已{}，预警自动关闭", t.case.status.name_zh()),
                "auto": true,
            })),
        )
    });
    let change = CaseChange {
        case: case_record(&t.case, item, &calendar, hall, now),
        expected_version: expected,
        event: new_event(&t.event),
        audit: audit(&t.event),
        outbox: outbox(&t.notifications, now),
        stage_tasks: stage_tasks(&t.case, now),
    };
    state
        .store
        .write(move |conn| {
            let stored = cases::apply_change(conn, &change)?;
            // Alerts of a case that ended have nothing left to watch; a breach of procedure
            // in the very action that ended it is raised after, and stays open.
            if let Some((case_no, at, reason)) = &ended {
                alerts::close_for_case(conn, case_no, *at, reason)?;
            }
            for alert in &raised {
                alerts::raise(conn, alert)?;
            }
            Ok(stored)
        })
        .await
        .map_err(store_problem)?;
    Ok(t.case)
}

pub(crate) fn check_texts(texts: &[(&str, &str)]) -> Result<(), Problem> {
    let mut f = Fields::default();
    for (field, value) in texts {
        f.text(field, value, 1, MAX_TEXT);
    }
    f.finish().map_err(Problem::from)
}

pub(crate) fn check_materials(
    materials: &[MaterialBody],
) -> Result<Vec<SubmittedMaterial>, Problem> {
    let mut f = Fields::default();
    if materials.len() > MAX_MATERIALS {
        f.error(
            "materials",
            format!("最多 {MAX_MATERIALS} 项"),
            format!("at most {MAX_MATERIALS} entries"),
        );
    }
    for (i, m) in materials.iter().enumerate() {
        f.text(&format!("materials[{i}].code"), &m.code, 1, 64);
        if m.copies.is_some_and(|c| c == 0 || c > 1000) {
            f.error(
                &format!("materials[{i}].copies"),
                "份数须在 1 到 1000 之间",
                "must be between 1 and 1000",
            );
        }
    }
    f.finish()?;
    Ok(materials
        .iter()
        .map(|m| SubmittedMaterial {
            code: m.code.clone(),
            copies: m.copies.unwrap_or(1),
        })
        .collect())
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
    pub method: DeliveryMethod,
    /// The fee charged, when it differs from the item's standard (supervision checks it).
    pub fee: Option<Yuan>,
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
                Problem::new(
                    actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
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
            });
        }
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    serde_json::from_slice::<NoBody>(body)
        .map(|_| ())
        .map_err(|e| {
            Problem::bad_request(
                "malformed_json",
                Text::new(
                    format!("此操作不需要请求内容，或只能为 {{}}：{e}"),
                    format!("This action takes no body, or `{{}}`: {e}"),
                ),
            )
        })
}

type CaseNo = web::Path<String>;

macro_rules! action_doc {
    ($fn:ident, $path:literal, $body:ty, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            post,
            path = $path,
            tag = "cases",
            request_body = $body,
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
        fn $fn() {}
    };
}

action_doc!(
    accept_doc,
    "/api/v1/cases/{case_no}/accept",
    NoBody,
    "受理: accept the application; the decision clock starts."
);
action_doc!(
    refuse_doc,
    "/api/v1/cases/{case_no}/refuse",
    ReasonWithBasis,
    "不予受理: refuse with reason and legal basis."
);
action_doc!(
    request_supplement_doc,
    "/api/v1/cases/{case_no}/request-supplement",
    SupplementRequest,
    "一次性告知: list everything missing, once per submission."
);
action_doc!(
    supplement_doc,
    "/api/v1/cases/{case_no}/supplement",
    SupplementBody,
    "补正: hand in the missing or promised materials."
);
action_doc!(
    complete_stage_doc,
    "/api/v1/cases/{case_no}/complete-stage",
    CompleteStageBody,
    "Finish one workflow stage with an opinion."
);
action_doc!(
    approve_doc,
    "/api/v1/cases/{case_no}/approve",
    OpinionBody,
    "准予许可: approve (all stages done, or on the spot for an immediate item)."
);
action_doc!(
    deny_doc,
    "/api/v1/cases/{case_no}/deny",
    ReasonWithBasis,
    "不予许可: deny with reasons and legal basis."
);
action_doc!(
    suspend_doc,
    "/api/v1/cases/{case_no}/suspend",
    SuspendBody,
    "特别程序: suspend the clocks for a hearing, testing, expert review …"
);
action_doc!(
    resume_doc,
    "/api/v1/cases/{case_no}/resume",
    NoBody,
    "End the special procedure; the due dates move by the suspended working days."
);
action_doc!(
    extend_doc,
    "/api/v1/cases/{case_no}/extend",
    ExtendBody,
    "延期: the one extension, by the head of the organ."
);
action_doc!(
    withdraw_doc,
    "/api/v1/cases/{case_no}/withdraw",
    Reason,
    "撤回: the applicant withdraws."
);
action_doc!(
    deliver_doc,
    "/api/v1/cases/{case_no}/deliver",
    DeliverBody,
    "送达: hand out the result; the case is concluded."
);
action_doc!(
    terminate_doc,
    "/api/v1/cases/{case_no}/terminate",
    Reason,
    "终止: end the case (e.g. the supplement never came)."
);

#[post("/api/v1/cases/{case_no}/accept")]
async fn accept(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    body: Result<web::Bytes, actix_web::Error>,
) -> Result<HttpResponse, Problem> {
    optional_body(&body)?;
    act(&s, &c, &r, &no, Command::Accept).await
}

#[post("/api/v1/cases/{case_no}/refuse")]
async fn refuse(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<ReasonWithBasis>,
) -> Result<HttpResponse, Problem> {
    check_texts(&[("reason", &b.reason), ("legal_basis", &b.legal_basis)])?;
    let b = b.into_inner();
    act(
        &s,
        &c,
        &r,
        &no,
        Command::Refuse {
            reason: b.reason,
            legal_basis: b.legal_basis,
        },
    )
    .await
}

#[post("/api/v1/cases/{case_no}/request-supplement")]
async fn request_supplement(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<SupplementRequest>,
) -> Result<HttpResponse, Problem> {
    let mut f = Fields::default();
    for (i, m) in b.missing.iter().enumerate() {
        f.text(&format!("missing[{i}].code"), &m.code, 1, 64);
        if let Some(note) = &m.note {
            f.text(&format!("missing[{i}].note"), note, 0, MAX_TEXT);
        }
    }
    f.finish()?;
    let missing = b
        .into_inner()
        .missing
        .into_iter()
        .map(|m| MissingMaterial {
            code: m.code,
            note: m.note.unwrap_or_default(),
        })
        .collect();
    act(&s, &c, &r, &no, Command::RequestSupplement { missing }).await
}

#[post("/api/v1/cases/{case_no}/supplement")]
async fn supplement(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<SupplementBody>,
) -> Result<HttpResponse, Problem> {
    let materials = check_materials(&b.materials)?;
    act(&s, &c, &r, &no, Command::Supplement { materials }).await
}

#[post("/api/v1/cases/{case_no}/complete-stage")]
async fn complete_stage(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<CompleteStageBody>,
) -> Result<HttpResponse, Problem> {
    check_texts(&[("stage", &b.stage), ("opinion", &b.opinion)])?;
    let b = b.into_inner();
    act(
        &s,
        &c,
        &r,
        &no,
        Command::CompleteStage {
            stage: b.stage,
            opinion: b.opinion,
        },
    )
    .await
}

#[post("/api/v1/cases/{case_no}/approve")]
async fn approve(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<OpinionBody>,
) -> Result<HttpResponse, Problem> {
    check_texts(&[("opinion", &b.opinion)])?;
    act(
        &s,
        &c,
        &r,
        &no,
        Command::Approve {
            opinion: b.into_inner().opinion,
        },
    )
    .await
}

#[post("/api/v1/cases/{case_no}/deny")]
async fn deny(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<ReasonWithBasis>,
) -> Result<HttpResponse, Problem> {
    check_texts(&[("reason", &b.reason), ("legal_basis", &b.legal_basis)])?;
    let b = b.into_inner();
    act(
        &s,
        &c,
        &r,
        &no,
        Command::Deny {
            reason: b.reason,
            legal_basis: b.legal_basis,
        },
    )
    .await
}

#[post("/api/v1/cases/{case_no}/suspend")]
async fn suspend(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<SuspendBody>,
) -> Result<HttpResponse, Problem> {
    check_texts(&[("note", &b.note)])?;
    let b = b.into_inner();
    act(
        &s,
        &c,
        &r,
        &no,
        Command::Suspend {
            procedure: b.procedure,
            note: b.note,
        },
    )
    .await
}

#[post("/api/v1/cases/{case_no}/resume")]
async fn resume(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    body: Result<web::Bytes, actix_web::Error>,
) -> Result<HttpResponse, Problem> {
    optional_body(&body)?;
    act(&s, &c, &r, &no, Command::Resume).await
}

#[post("/api/v1/cases/{case_no}/extend")]
async fn extend(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<ExtendBody>,
) -> Result<HttpResponse, Problem> {
    check_texts(&[("reason", &b.reason)])?;
    let b = b.into_inner();
    act(
        &s,
        &c,
        &r,
        &no,
        Command::Extend {
            working_days: b.working_days,
            reason: b.reason,
        },
    )
    .await
}

#[post("/api/v1/cases/{case_no}/withdraw")]
async fn withdraw(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<Reason>,
) -> Result<HttpResponse, Problem> {
    check_texts(&[("reason", &b.reason)])?;
    act(
        &s,
        &c,
        &r,
        &no,
        Command::Withdraw {
            reason: b.into_inner().reason,
        },
    )
    .await
}

#[post("/api/v1/cases/{case_no}/deliver")]
async fn deliver(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<DeliverBody>,
) -> Result<HttpResponse, Problem> {
    let b = b.into_inner();
    act(
        &s,
        &c,
        &r,
        &no,
        Command::Deliver {
            method: b.method,
            fee: b.fee,
        },
    )
    .await
}

#[post("/api/v1/cases/{case_no}/terminate")]
async fn terminate(
    s: web::Data<AppState>,
    c: Caller,
    r: HttpRequest,
    no: CaseNo,
    b: web::Json<Reason>,
) -> Result<HttpResponse, Problem> {
    check_texts(&[("reason", &b.reason)])?;
    act(
        &s,
        &c,
        &r,
        &no,
        Command::Terminate {
            reason: b.into_inner().reason,
        },
    )
    .await
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(create_case)
        .service(list_cases)
        .service(case_events)
        .service(get_case)
        .service(accept)
        .service(refuse)
        .service(request_supplement)
        .service(supplement)
        .service(complete_stage)
        .service(approve)
        .service(deny)
        .service(suspend)
        .service(resume)
        .service(extend)
        .service(withdraw)
        .service(deliver)
        .service(terminate);
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create_case,
        list_cases,
        get_case,
        case_events,
        accept_doc,
        refuse_doc,
        request_supplement_doc,
        supplement_doc,
        complete_stage_doc,
        approve_doc,
        deny_doc,
        suspend_doc,
        resume_doc,
        extend_doc,
        withdraw_doc,
        deliver_doc,
        terminate_doc
    ),
    components(schemas(tongban_core::case::CaseEvent))
)]
pub struct Doc;
