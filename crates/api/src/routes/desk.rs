//! The supervisor's desk (电子监察工作台) over JSON: the alerts grouped by case, the
//! dashboard, a bad rating's rectification (整改), and what department heads read and
//! answer: their bad ratings to rectify and urging orders (督办单).

use actix_web::{get, post, web};
use tongban_app::supervision::{alerts, desk, rectify, urging};
use tongban_core::role::Role;
use utoipa::OpenApi;

use crate::auth::caller::Caller;
use crate::oversight::desk::{
    CaseAlertsView, DashboardView, DayView, LastingView, RatingView, RectificationRequest,
    ReplyRequest, TallyView, UrgingOrderView,
};
use crate::paging::{Page, PageQuery, Paged};
use crate::problem::Problem;
use crate::routes::supervision::AlertQuery;
use crate::state::AppState;

const OVERSEERS: &[Role] = &[Role::Supervisor, Role::Admin];

/// The alerts grouped by case, the case with the newest matching alert first: one entry
/// per case with its highest open level; a yellow whose red was raised is not listed.
#[utoipa::path(
    tag = "supervision",
    params(AlertQuery),
    responses(
        (status = 200, body = Paged<CaseAlertsView>),
        (status = 400, description = "Unknown level, status or rule, or a bad page"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a supervisor or administrator")
    )
)]
#[get("/api/v1/supervision/cases")]
pub async fn alert_cases(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AlertQuery>,
) -> Result<web::Json<Paged<CaseAlertsView>>, Problem> {
    caller.require_any(OVERSEERS)?;
    let page = Page::try_from(PageQuery {
        page: query.page,
        per_page: query.per_page,
    })?;
    let q = query.into_inner();
    let found = desk::by_case(
        &state.app,
        &alerts::AlertQuery {
            level: q.level,
            status: q.status,
            department: q.department,
            rule: q.rule,
            case_no: q.case_no,
            page: page.page,
            per_page: page.per_page,
        },
    )
    .await?;
    Ok(web::Json(Paged {
        items: found.rows.iter().map(CaseAlertsView::from).collect(),
        total: found.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// The dashboard: open alerts by level, department and window, how long open reds have
/// lasted, alerts raised per day over 28 days, urging orders overdue.
#[utoipa::path(
    tag = "supervision",
    responses(
        (status = 200, body = DashboardView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a supervisor or administrator")
    )
)]
#[get("/api/v1/supervision/dashboard")]
pub async fn dashboard(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<DashboardView>, Problem> {
    caller.require_any(OVERSEERS)?;
    let d = desk::dashboard(&state.app).await?;
    Ok(web::Json(DashboardView::from(&d)))
}

/// 整改: records what the department did about the bad rating behind a
/// `bad_evaluation_unanswered` alert (once), with who and when.
#[utoipa::path(
    tag = "supervision",
    params(("id" = i64, Path, description = "Alert id")),
    request_body = RectificationRequest,
    responses(
        (status = 200, body = RatingView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a supervisor or administrator"),
        (status = 404, description = "No such alert"),
        (status = 409, description = "`not_a_bad_rating` or `rectification_recorded`"),
        (status = 422, description = "Text missing or too long")
    )
)]
#[post("/api/v1/supervision/alerts/{id}/rectification")]
pub async fn rectification(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<RectificationRequest>,
) -> Result<web::Json<RatingView>, Problem> {
    caller.require_any(OVERSEERS)?;
    let rating =
        rectify::record(&state.app, caller.username(), id.into_inner(), &body.text).await?;
    Ok(web::Json(RatingView::from(&rating)))
}

/// 差评待整改: the bad ratings of the head's department still awaiting its rectification,
/// the one due first first.
#[utoipa::path(
    tag = "supervision",
    responses(
        (status = 200, body = Vec<RatingView>),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a department head")
    )
)]
#[get("/api/v1/bad-ratings")]
pub async fn bad_ratings(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<RatingView>>, Problem> {
    caller.require_any(&[Role::Head])?;
    let ratings = rectify::awaiting(&state.app, &caller.0).await?;
    Ok(web::Json(ratings.iter().map(RatingView::from).collect()))
}

/// 整改 by the department: a head of the case's department records what it did about the
/// case's bad rating (once), with who and when; recorded in time, no alert is raised.
#[utoipa::path(
    tag = "supervision",
    params(("case_no" = String, Path, description = "Case number")),
    request_body = RectificationRequest,
    responses(
        (status = 200, body = RatingView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a department head"),
        (status = 404, description = "No bad rating of a case of the caller's department"),
        (status = 409, description = "`rectification_recorded`"),
        (status = 422, description = "Text missing or too long")
    )
)]
#[post("/api/v1/cases/{case_no}/evaluation/rectification")]
pub async fn rectify_rating(
    state: web::Data<AppState>,
    caller: Caller,
    case_no: web::Path<String>,
    body: web::Json<RectificationRequest>,
) -> Result<web::Json<RatingView>, Problem> {
    caller.require_any(&[Role::Head])?;
    let rating = rectify::record_by_head(&state.app, &caller.0, &case_no, &body.text).await?;
    Ok(web::Json(RatingView::from(&rating)))
}

/// Urging orders awaiting a reply: a head's department's, or every one for the
/// supervision office; soonest reply first.
#[utoipa::path(
    tag = "supervision",
    responses(
        (status = 200, body = Vec<UrgingOrderView>),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a head, supervisor or administrator")
    )
)]
#[get("/api/v1/urging-orders")]
pub async fn urging_orders(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<UrgingOrderView>>, Problem> {
    let orders = urging::unanswered(&state.app, &caller.0).await?;
    Ok(web::Json(
        orders.iter().map(UrgingOrderView::from).collect(),
    ))
}

/// One urging order, for the heads of its department and the supervision office.
#[utoipa::path(
    tag = "supervision",
    params(("id" = i64, Path, description = "Urging order id")),
    responses(
        (status = 200, body = UrgingOrderView),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such order in the caller's scope")
    )
)]
#[get("/api/v1/urging-orders/{id}")]
pub async fn urging_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<UrgingOrderView>, Problem> {
    let order = urging::get(&state.app, &caller.0, id.into_inner()).await?;
    Ok(web::Json(UrgingOrderView::from(&order)))
}

/// A head of the order's department replies, once; the reply is audited and shown on the
/// alert. A reply after the deadline is recorded as late.
#[utoipa::path(
    tag = "supervision",
    params(("id" = i64, Path, description = "Urging order id")),
    request_body = ReplyRequest,
    responses(
        (status = 200, body = UrgingOrderView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a head of the order's department"),
        (status = 404, description = "No such order in the caller's scope"),
        (status = 409, description = "`urging_order_answered`"),
        (status = 422, description = "Reply missing or too long")
    )
)]
#[post("/api/v1/urging-orders/{id}/reply")]
pub async fn reply_urging_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<ReplyRequest>,
) -> Result<web::Json<UrgingOrderView>, Problem> {
    let order = urging::reply(&state.app, &caller.0, id.into_inner(), &body.reply).await?;
    Ok(web::Json(UrgingOrderView::from(&order)))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(alert_cases)
        .service(dashboard)
        .service(rectification)
        .service(bad_ratings)
        .service(rectify_rating)
        .service(urging_orders)
        .service(urging_order)
        .service(reply_urging_order);
}

#[derive(OpenApi)]
#[openapi(
    paths(
        alert_cases,
        dashboard,
        rectification,
        bad_ratings,
        rectify_rating,
        urging_orders,
        urging_order,
        reply_urging_order
    ),
    components(schemas(
        CaseAlertsView,
        DashboardView,
        TallyView,
        DayView,
        LastingView,
        RatingView,
        RectificationRequest,
        ReplyRequest,
        UrgingOrderView
    ))
)]
pub struct Doc;
