//! What anyone may call without an account: the status of a case by number and query code,
//! the rating of a concluded case, and complaints. Rate-limited per client; personal data
//! masked; a wrong query code and an unknown case number get the very same 404.

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tongban_core::case::{ApplicantKind, Case};
use tongban_core::role::Role;
use tongban_core::supervision::{evaluation_follow_up_due, AlertKey, AlertLevel, AlertRule};
use tongban_store::complaints::{self, ComplaintRecord, NewComplaint};
use tongban_store::evaluations::{self, EvaluationRecord};
use tongban_store::{alerts, audit, cases, events, EventRecord, NewAudit, StoreError};
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::Caller;
use crate::casework::view::{decode_case, CaseView};
use crate::lang::Lang;
use tongban_app::mask;
use crate::pages::case_parts::{material_name, next_step_text};
use crate::pages::names;
use crate::paging::{Page, PageQuery, Paged};
use crate::problem::{Problem, Text};
use tongban_app::records::{from_millis, millis, to_json};
use crate::state::AppState;
use crate::store_problem;
use tongban_app::validate::{Fields, MAX_TEXT};

/// Working days a department has to follow up a bad rating (差评).
const FOLLOW_UP_DAYS: u32 = 3;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CodeQuery {
    /// The query code printed on the receipt.
    pub query_code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaskedApplicant {
    pub kind: ApplicantKind,
    /// Surname only for a person (张*).
    pub name: String,
    /// First three and last four characters.
    pub id_number: String,
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MissingMaterialView {
    pub code: String,
    pub name: String,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// Stable event name, e.g. `accepted`.
    pub kind: String,
    /// The event in the request's language.
    pub title: String,
}

/// A case as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCase {
    pub case_no: String,
    pub item_code: String,
    pub item_name: String,
    pub status: String,
    /// The status in the request's language.
    pub status_name: String,
    pub applicant: MaskedApplicant,
    pub received_at: DateTime<Utc>,
    pub acceptance_due: Option<NaiveDate>,
    pub promised_due: Option<NaiveDate>,
    pub legal_due: Option<NaiveDate>,
    pub delivery_due: Option<NaiveDate>,
    /// What happens next, in the request's language.
    pub next_step: String,
    /// The open one-time supplement notice's list.
    pub missing: Vec<MissingMaterialView>,
    /// Materials promised at a tolerated-missing acceptance, not handed in yet.
    pub promised_materials: Vec<MissingMaterialView>,
    pub timeline: Vec<TimelineEntry>,
    /// Whether the case can be rated now.
    pub can_evaluate: bool,
}

/// The one answer for an unknown case number and a wrong query code.
fn not_found() -> Problem {
    Problem::not_found(
        "case_not_found",
        Text::new(
            "没有找到该办件，请核对办件编号和查询码。",
            "No case matches this case number and query code.",
        ),
    )
}

fn plausible(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic())
}

/// The case and its timeline when `code` is its query code; the same 404 otherwise.
async fn case_by_code(
    state: &AppState,
    case_no: &str,
    code: &str,
) -> Result<(Case, Vec<EventRecord>), Problem> {
    if !plausible(case_no) || !plausible(code) {
        return Err(not_found());
    }
    let (no, code) = (case_no.to_owned(), code.to_owned());
    let found = state
        .store
        .read(move |conn| {
            let Some(record) = cases::get_case(conn, &no)? else {
                return Ok(None);
            };
            if !cases::query_code_matches(&record.query_code, &code) {
                return Ok(None);
            }
            Ok(Some((record, events::for_case(conn, &no)?)))
        })
        .await
        .map_err(store_problem)?;
    let (record, timeline) = found.ok_or_else(not_found)?;
    Ok((decode_case(&record)?, timeline))
}

fn public_case(state: &AppState, case: Case, timeline: &[EventRecord], lang: Lang) -> PublicCase {
    let catalogue = state.catalogue();
    let item = catalogue.item_version(&case.item_code, case.item_version);
    let view = CaseView::new(case, &catalogue);
    let case = &view.case;
    let line = |code: &str, note: &str| MissingMaterialView {
        code: code.to_owned(),
        name: material_name(item, code),
        note: note.to_owned(),
    };
    let missing = if case.status == tongban_core::case::CaseStatus::SupplementPending {
        case.supplement_notices
            .last()
            .map(|n| n.missing.iter().map(|m| line(&m.code, &m.note)).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    PublicCase {
        case_no: case.case_no.clone(),
        item_code: case.item_code.clone(),
        item_name: view.item_name.clone(),
        status: case.status.as_str().to_owned(),
        status_name: names::status(case.status, lang).to_owned(),
        applicant: MaskedApplicant {
            kind: case.applicant.kind,
            name: mask::name(&case.applicant),
            id_number: mask::id_number(&case.applicant.id_number),
            phone: case.applicant.phone.as_deref().map(mask::phone),
        },
        received_at: case.received_at,
        acceptance_due: view.acceptance_due,
        promised_due: view.promised_due,
        legal_due: view.legal_due,
        delivery_due: view.delivery_due,
        next_step: next_step_text(lang, &view),
        missing,
        promised_materials: case
            .outstanding_promises()
            .iter()
            .map(|c| line(c, ""))
            .collect(),
        timeline: timeline
            .iter()
            .map(|e| TimelineEntry {
                at: from_millis(e.at),
                kind: e.kind.clone(),
                title: names::event(&e.kind, lang),
            })
            .collect(),
        can_evaluate: case.status.is_terminal(),
    }
}

/// The status of a case by its number and query code: masked applicant, due dates, the next
/// step, what is missing and the timeline. A wrong code and an unknown number answer the same
/// 404; rate-limited per client (429 with Retry-After).
#[utoipa::path(
    tag = "public",
    params(("case_no" = String, Path, description = "Case number"), CodeQuery),
    responses(
        (status = 200, body = PublicCase),
        (status = 404, description = "No case with this number and query code"),
        (status = 429, description = "Too many requests from this client")
    )
)]
#[get("/api/v1/public/cases/{case_no}")]
pub async fn public_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    case_no: web::Path<String>,
    query: web::Query<CodeQuery>,
) -> Result<web::Json<PublicCase>, Problem> {
    state.public_limit.check(&req)?;
    let (case, timeline) = case_by_code(&state, &case_no, &query.query_code).await?;
    Ok(web::Json(public_case(
        &state,
        case,
        &timeline,
        Lang::of(&req),
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRequest {
    pub query_code: String,
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub score: i64,
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Evaluated {
    pub case_no: String,
    pub score: i64,
    pub at: DateTime<Utc>,
    /// For a bad rating (1 or 2): when the department must have followed it up.
    pub follow_up_due: Option<DateTime<Utc>>,
}

/// 好差评: rates a case once, after it ended. A bad rating (1 or 2) must be followed up by
/// the department within three working days; supervision raises an alert if it is not.
#[utoipa::path(
    tag = "public",
    params(("case_no" = String, Path, description = "Case number")),
    request_body = EvaluationRequest,
    responses(
        (status = 201, body = Evaluated),
        (status = 404, description = "No case with this number and query code"),
        (status = 409, description = "Already rated, or the case has not ended"),
        (status = 422, description = "Invalid score or comment"),
        (status = 429, description = "Too many requests from this client")
    )
)]
#[post("/api/v1/public/cases/{case_no}/evaluation")]
pub async fn evaluate(
    state: web::Data<AppState>,
    req: HttpRequest,
    case_no: web::Path<String>,
    body: web::Json<EvaluationRequest>,
) -> Result<HttpResponse, Problem> {
    state.public_limit.check(&req)?;
    let body = body.into_inner();
    let evaluated = rate(
        &state,
        &case_no,
        &body.query_code,
        body.score,
        body.comment,
        "public",
    )
    .await?;
    Ok(HttpResponse::Created().json(evaluated))
}

/// The checks and the insert of [`evaluate`] (the applicant's case page shares it, with the
/// query code of the case it owns); `actor` goes into the audit record.
pub(crate) async fn rate(
    state: &AppState,
    case_no: &str,
    query_code: &str,
    score: i64,
    comment: Option<String>,
    actor: &str,
) -> Result<Evaluated, Problem> {
    let mut f = Fields::default();
    if !(1..=5).contains(&score) {
        f.error("score", "评分须为 1 到 5", "must be 1 to 5");
    }
    if let Some(c) = &comment {
        f.text("comment", c, 0, MAX_TEXT);
    }
    f.finish()?;
    let (case, _) = case_by_code(state, case_no, query_code).await?;
    if !case.status.is_terminal() {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "case_not_concluded",
            Text::new("尚不能评价", "Not yet"),
            Text::new(
                "办件办结后才能评价。",
                "A case can be rated once it has ended.",
            ),
        ));
    }
    let now = state.clock.now();
    let follow_up_due = if score <= 2 {
        let due = evaluation_follow_up_due(&state.calendar(), state.hall, now, FOLLOW_UP_DAYS)
            .map_err(|e| {
                tracing::warn!(error = %e, "follow-up due outside the calendar");
                Problem::internal()
            })?;
        Some(due.deadline)
    } else {
        None
    };
    let record = EvaluationRecord {
        case_no: case.case_no.clone(),
        score,
        comment: comment.filter(|c| !c.trim().is_empty()),
        at: millis(now),
        follow_up_due: follow_up_due.map(millis),
        followed_up_at: None,
        follow_up_note: None,
    };
    let audit_record = NewAudit {
        at: millis(now),
        actor: actor.to_owned(),
        action: "case.evaluated".into(),
        subject: case.case_no.clone(),
        detail: to_json(&serde_json::json!({"score": score})),
    };
    state
        .store
        .write(move |conn| {
            evaluations::insert(conn, &record)?;
            audit::append(conn, &audit_record)?;
            Ok(())
        })
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => Problem::new(
                StatusCode::CONFLICT,
                "already_evaluated",
                Text::new("已评价", "Already rated"),
                Text::new("每个办件只能评价一次。", "A case can be rated once."),
            ),
            other => store_problem(other),
        })?;
    Ok(Evaluated {
        case_no: case.case_no,
        score,
        at: now,
        follow_up_due,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRequest {
    /// The case complained about, if any.
    pub case_no: Option<String>,
    /// The window complained about, if any.
    pub window: Option<String>,
    pub text: String,
    /// How to reach the complainant (phone or e-mail), optional.
    pub contact: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Complaint {
    pub id: i64,
    pub case_no: Option<String>,
    pub window: Option<String>,
    pub text: String,
    pub contact: Option<String>,
    pub received_at: DateTime<Utc>,
    pub status: String,
    pub handled_at: Option<DateTime<Utc>>,
    pub response: Option<String>,
}

impl From<ComplaintRecord> for Complaint {
    fn from(r: ComplaintRecord) -> Self {
        Complaint {
            id: r.id,
            case_no: r.case_no,
            window: r.window_code,
            text: r.text,
            contact: r.contact,
            received_at: from_millis(r.at),
            status: r.status,
            handled_at: r.handled_at.map(from_millis),
            response: r.response,
        }
    }
}

/// 效能投诉: a complaint about a case or a window, with or without an account. A complaint
/// about a case raises a supervision alert on it.
#[utoipa::path(
    tag = "public",
    request_body = ComplaintRequest,
    responses(
        (status = 201, body = Complaint),
        (status = 422, description = "Invalid fields, unknown window or case"),
        (status = 429, description = "Too many requests from this client")
    )
)]
#[post("/api/v1/complaints")]
pub async fn complain(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<ComplaintRequest>,
) -> Result<HttpResponse, Problem> {
    state.public_limit.check(&req)?;
    let body = body.into_inner();
    let mut f = Fields::default();
    f.text("text", &body.text, 1, MAX_TEXT);
    if let Some(c) = &body.contact {
        f.text("contact", c, 1, 200);
    }
    if let Some(w) = &body.window {
        if state.catalogue().window(w).is_none() {
            f.error("window", "没有该窗口", "is not a window of the hall");
        }
    }
    let case = match &body.case_no {
        Some(no) if plausible(no) => {
            let no = no.clone();
            state
                .store
                .read(move |c| cases::get_case(c, &no))
                .await
                .map_err(store_problem)?
        }
        _ => None,
    };
    // Whether a case exists is not told to the public beyond this one generic message.
    if body.case_no.is_some() && case.is_none() {
        f.error("case_no", "办件编号无效", "is not a valid case number");
    }
    f.finish()?;
    let now = state.clock.now();
    let alert = match &case {
        Some(record) => Some(tongban_supervision::new_alert(
            &decode_case(record)?,
            &AlertKey::case(AlertRule::Complaint, AlertLevel::Red),
            now,
        )),
        None => None,
    };
    let new = NewComplaint {
        case_no: body.case_no.clone(),
        window_code: body.window.clone(),
        text: body.text.trim().to_owned(),
        contact: body.contact.clone(),
        at: millis(now),
        status: "open".into(),
    };
    let stored = state
        .store
        .write(move |conn| {
            let stored = complaints::insert(conn, &new)?;
            if let Some(a) = &alert {
                alerts::raise(conn, a)?;
            }
            audit::append(
                conn,
                &NewAudit {
                    at: stored.at,
                    actor: "public".into(),
                    action: "complaint.received".into(),
                    subject: format!("complaint:{}", stored.id),
                    detail: to_json(&serde_json::json!({
                        "case_no": stored.case_no,
                        "window": stored.window_code,
                    })),
                },
            )?;
            Ok(stored)
        })
        .await
        .map_err(store_problem)?;
    Ok(HttpResponse::Created().json(Complaint::from(stored)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ComplaintQuery {
    /// `open` or `handled`.
    pub status: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Complaints, oldest first (supervisor or admin).
#[utoipa::path(
    tag = "supervision",
    params(ComplaintQuery),
    responses(
        (status = 200, body = Paged<Complaint>),
        (status = 400, description = "Bad filter"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a supervisor")
    )
)]
#[get("/api/v1/complaints")]
pub async fn list_complaints(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ComplaintQuery>,
) -> Result<web::Json<Paged<Complaint>>, Problem> {
    caller.require_any(&[Role::Supervisor, Role::Admin])?;
    let page = Page::try_from(PageQuery {
        page: query.page,
        per_page: query.per_page,
    })?;
    let status = match query.status.as_deref() {
        None | Some("") => None,
        Some(s @ ("open" | "handled")) => Some(s.to_owned()),
        Some(_) => {
            return Err(Problem::bad_request(
                "invalid_query",
                Text::new(
                    "status 只能是 open 或 handled。",
                    "`status` is `open` or `handled`.",
                ),
            ))
        }
    };
    let rows = state
        .store
        .read(move |c| complaints::list(c, status.as_deref(), 100_000))
        .await
        .map_err(store_problem)?;
    Ok(web::Json(Paged::of(
        rows.into_iter().map(Complaint::from).collect(),
        page,
    )))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(public_status)
        .service(evaluate)
        .service(complain)
        .service(list_complaints);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(public_status, evaluate, complain, list_complaints))]
pub struct Doc;
