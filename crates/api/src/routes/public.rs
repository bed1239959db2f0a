//! What anyone may call without an account: the status of a case by number and query code,
//! the rating of a concluded case, and complaints. Rate-limited per client; personal data
//! masked; a wrong query code and an unknown case number get the very same 404.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tongban_app::cases::complaint::{self, NewComplaintAsk};
use tongban_app::cases::evaluation::{self, Evaluation, Rating};
use tongban_app::cases::public::{self, PublicCase as Found};
use tongban_core::case::ApplicantKind;
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::Caller;
use crate::casework::view::CaseView;
use crate::lang::Lang;
use crate::pages::case_parts::{material_name, next_step_text};
use crate::pages::names;
use crate::paging::{Page, PageQuery, Paged};
use crate::problem::Problem;
use crate::schemas;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CodeQuery {
    /// The query code printed on the receipt.
    pub query_code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaskedApplicant {
    #[schema(value_type = schemas::ApplicantKind)]
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

fn public_case(state: &AppState, found: Found, lang: Lang) -> PublicCase {
    let a = found.applicant();
    let Found { case, timeline } = found;
    let catalogue = state.catalogue();
    let item = catalogue.item_version(&case.item_code, case.item_version);
    let view = CaseView::new(case, &catalogue, &state.calendar());
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
        status_name: names::status_of(case.status, item, lang).to_owned(),
        applicant: MaskedApplicant {
            kind: a.kind,
            name: a.name,
            id_number: a.id_number,
            phone: a.phone,
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
                at: e.at,
                kind: e.kind.clone(),
                title: names::event_of(e, item, lang),
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
    let found = public::status(&state, &case_no, &query.query_code).await?;
    Ok(web::Json(public_case(&state, found, Lang::of(&req))))
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
    let rating = Rating {
        query_code: body.query_code,
        score: body.score,
        comment: body.comment,
    };
    let evaluated = evaluation::rate(&state, &case_no, rating, "public").await?;
    Ok(HttpResponse::Created().json(Evaluated::from(evaluated)))
}

impl From<Evaluation> for Evaluated {
    fn from(e: Evaluation) -> Self {
        Evaluated {
            case_no: e.case_no,
            score: e.score,
            at: e.at,
            follow_up_due: e.follow_up_due,
        }
    }
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
    /// The case's query code (查询码): the complainant is its applicant, and the complaint
    /// raises a red alert on the case. Without it, a complaint is anonymous and raises a
    /// yellow one for a supervisor to review.
    pub query_code: Option<String>,
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

impl From<complaint::Complaint> for Complaint {
    fn from(c: complaint::Complaint) -> Self {
        Complaint {
            id: c.id,
            case_no: c.case_no,
            window: c.window,
            text: c.text,
            contact: c.contact,
            received_at: c.received_at,
            status: c.status,
            handled_at: c.handled_at,
            response: c.response,
        }
    }
}

/// 效能投诉: a complaint about a case or a window, with or without an account. A complaint
/// about a case raises a supervision alert on it: red when the complainant gives the case's
/// query code, yellow (for review) when anonymous.
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
    let ask = NewComplaintAsk {
        case_no: body.case_no,
        window: body.window,
        text: body.text,
        contact: body.contact,
        query_code: body.query_code,
    };
    let stored = complaint::complain(&state, ask).await?;
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
    // Who may list comes first: a caller who may not gets 403 whatever they asked.
    let rows = complaint::list(&state, &caller.0, query.status.as_deref()).await?;
    let page = Page::try_from(PageQuery {
        page: query.page,
        per_page: query.per_page,
    })?;
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
