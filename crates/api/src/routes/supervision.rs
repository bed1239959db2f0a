//! Supervision routes (电子监察): the alert list and lifecycle, statistics (JSON or CSV), the
//! feed for higher-level monitors, and the sweep on demand (administration). Supervisors and
//! administrators only.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tongban_app::supervision::{alerts, feed, handle, stats, sweep};
use tongban_app::Code;
use tongban_core::role::Role;
use tongban_core::supervision::AlertAction;
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::Caller;
use crate::lang::Lang;
use crate::oversight::feed::{FeedEvent, FeedItem, FeedKind, FeedPage};
use crate::oversight::negotiate::wants_csv;
use crate::oversight::stats::{GroupBy, StatsReport, StatsRow};
use crate::oversight::step_body::{step_of, StepRequest};
use crate::oversight::views::{AlertDetail, AlertView, StepView};
use crate::paging::{Page, PageQuery, Paged};
use crate::problem::{Problem, Text};
use crate::state::AppState;

/// Who may use the supervision routes.
const OVERSEERS: &[Role] = &[Role::Supervisor, Role::Admin];

#[derive(Debug, Serialize, ToSchema)]
pub struct SweepResult {
    /// The instant swept to (the server's clock, or the test clock).
    pub at: DateTime<Utc>,
    /// Cases whose check was due.
    pub cases: usize,
    /// Alerts raised now (alerts raised before are not raised again).
    pub raised: usize,
    /// Cases accepted by operation of law now (art. 32).
    pub deemed_accepted: usize,
}

impl From<sweep::Swept> for SweepResult {
    fn from(s: sweep::Swept) -> Self {
        SweepResult {
            at: s.at,
            cases: s.report.cases,
            raised: s.report.raised,
            deemed_accepted: s.report.deemed,
        }
    }
}

/// Runs one supervision sweep now (admin).
#[utoipa::path(
    tag = "supervision",
    responses(
        (status = 200, body = SweepResult),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator")
    )
)]
#[post("/api/v1/admin/supervision/sweep")]
pub async fn sweep_now(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<SweepResult>, Problem> {
    caller.require_any(&[Role::Admin])?;
    let swept = sweep::run_on_demand(&state.app, caller.username()).await?;
    Ok(web::Json(SweepResult::from(swept)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    /// `yellow` or `red`.
    pub level: Option<String>,
    /// `open`, `acknowledged`, `urged`, `resolved` or `escalated`.
    pub status: Option<String>,
    /// The responsible department's code.
    pub department: Option<String>,
    /// A rule, e.g. `promised_deadline`, `legal_deadline`, `acceptance_late`.
    pub rule: Option<String>,
    /// One case's alerts.
    pub case_no: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Alerts, newest first, filtered by level, status, department, rule or case.
#[utoipa::path(
    tag = "supervision",
    params(AlertQuery),
    responses(
        (status = 200, body = Paged<AlertView>),
        (status = 400, description = "Unknown level, status or rule, or a bad page"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a supervisor or administrator")
    )
)]
#[get("/api/v1/supervision/alerts")]
pub async fn list_alerts(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AlertQuery>,
) -> Result<web::Json<Paged<AlertView>>, Problem> {
    caller.require_any(OVERSEERS)?;
    let page = Page::try_from(PageQuery {
        page: query.page,
        per_page: query.per_page,
    })?;
    let found = alerts::list(
        &state.app,
        &alerts::AlertQuery {
            level: query.level.clone(),
            status: query.status.clone(),
            department: query.department.clone(),
            rule: query.rule.clone(),
            case_no: query.case_no.clone(),
            page: page.page,
            per_page: page.per_page,
        },
    )
    .await?;
    Ok(web::Json(Paged {
        items: found.items.iter().map(AlertView::from).collect(),
        total: found.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// One alert with the steps of its lifecycle.
#[utoipa::path(
    tag = "supervision",
    params(("id" = i64, Path, description = "Alert id")),
    responses(
        (status = 200, body = AlertDetail),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a supervisor or administrator"),
        (status = 404, description = "No such alert")
    )
)]
#[get("/api/v1/supervision/alerts/{id}")]
pub async fn get_alert(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<AlertDetail>, Problem> {
    caller.require_any(OVERSEERS)?;
    let detail = alerts::get(&state.app, id.into_inner()).await?;
    Ok(web::Json(AlertDetail::from(&detail)))
}

async fn step(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Result<web::Bytes, actix_web::Error>,
    action: AlertAction,
) -> Result<web::Json<AlertDetail>, Problem> {
    caller.require_any(OVERSEERS)?;
    let body = step_of(&body)?;
    let step = handle::TakeStep {
        alert: id.into_inner(),
        action,
        note: body.note,
        reply_days: body.reply_days,
    };
    let detail = handle::take(&state.app, caller.username(), step).await?;
    Ok(web::Json(AlertDetail::from(&detail)))
}

macro_rules! step_route {
    ($fn:ident, $action:expr, $path:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "supervision",
            params(("id" = i64, Path, description = "Alert id")),
            request_body(content = StepRequest, description = "Optional where no note is required"),
            responses(
                (status = 200, body = AlertDetail, description = "The alert after the step, with every step so far"),
                (status = 400, description = "Malformed body"),
                (status = 401, description = "Not signed in"),
                (status = 403, description = "Not a supervisor or administrator"),
                (status = 404, description = "No such alert"),
                (status = 409, description = "Not allowed in the alert's status: `alert_closed` or `alert_already_acknowledged`"),
                (status = 422, description = "Note missing or invalid")
            )
        )]
        #[post($path)]
        pub async fn $fn(
            state: web::Data<AppState>,
            caller: Caller,
            id: web::Path<i64>,
            body: Result<web::Bytes, actix_web::Error>,
        ) -> Result<web::Json<AlertDetail>, Problem> {
            step(state, caller, id, body, $action).await
        }
    };
}

step_route!(
    acknowledge_alert,
    AlertAction::Acknowledge,
    "/api/v1/supervision/alerts/{id}/acknowledge",
    "确认: take an open alert in hand (open → acknowledged)."
);
step_route!(
    urge_alert,
    AlertAction::Urge,
    "/api/v1/supervision/alerts/{id}/urge",
    "督办: press the responsible department; its heads (or else its approvers) with an \
     e-mail address are sent the note, and an urging order (督办单) with a reply deadline of \
     `reply_days` working days lands in its heads' queue. From open, acknowledged or urged (again)."
);
step_route!(
    resolve_alert,
    AlertAction::Resolve,
    "/api/v1/supervision/alerts/{id}/resolve",
    "办结: close the alert with an explanation (`note` required). From any status not closed."
);
step_route!(
    escalate_alert,
    AlertAction::Escalate,
    "/api/v1/supervision/alerts/{id}/escalate",
    "上报: hand the alert to the level above with a reason (`note` required); closed here."
);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// `department` (default), `window` or `item`.
    pub group_by: Option<String>,
    /// First day of the period (hall's local date, `YYYY-MM-DD`); default the first day of
    /// the month of `to`.
    pub from: Option<String>,
    /// Last day of the period, included; default today.
    pub to: Option<String>,
    /// `csv` or `json`, for a link that cannot set `Accept`; otherwise `Accept: text/csv`
    /// picks CSV.
    pub format: Option<String>,
}

/// Statistics of the cases received in a period, per department, window or item:
/// received, accepted, refused, concluded, on time, early, overdue, average working days
/// used and satisfaction. `Accept: text/csv` (or `format=csv`) answers CSV with a header
/// row and a last `total` row.
#[utoipa::path(
    tag = "supervision",
    params(StatsQuery),
    responses(
        (status = 200, description = "The statistics", content(
            (StatsReport = "application/json"),
            (String = "text/csv")
        )),
        (status = 400, description = "Bad group, date or period"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a supervisor or administrator")
    )
)]
#[get("/api/v1/supervision/stats")]
pub async fn supervision_stats(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(OVERSEERS)?;
    let csv = match query.format.as_deref().filter(|s| !s.is_empty()) {
        Some("csv") => true,
        Some("json") => false,
        Some(_) => {
            return Err(Problem::bad_request(
                Code::InvalidQuery,
                Text::new(
                    "format 只能是 csv 或 json。",
                    "`format` is `csv` or `json`.",
                ),
            )
            .with_field("format", Text::new("取值无效", "invalid value")))
        }
        None => req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(wants_csv),
    };
    let query = stats::StatsQuery {
        group_by: query.group_by.clone(),
        from: query.from.clone(),
        to: query.to.clone(),
    };
    let report = stats::statistics(&state.app, &query).await?;
    if csv {
        csv_answer(&report, Lang::of(&req))
    } else {
        Ok(HttpResponse::Ok().json(StatsReport::from(&report)))
    }
}

/// The statistics as a CSV download named after the grouping and the period (the route and
/// the supervision pages).
pub(crate) fn csv_answer(report: &stats::StatsReport, lang: Lang) -> Result<HttpResponse, Problem> {
    let (text, name) = report.csv(lang.pick("合计", "Total"))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(text))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// The `next` cursor of the previous page (`e<event>.a<alert>.s<step>`); from the
    /// beginning when left out.
    pub after: Option<String>,
    /// At most this many entries (1–500, default 100).
    pub limit: Option<i64>,
}

/// Case events, alerts and alert steps in one order (by time), for higher-level monitors;
/// resumable with the `next` cursor, never skipping an entry (docs/supervision.md).
#[utoipa::path(
    tag = "supervision",
    params(FeedQuery),
    responses(
        (status = 200, body = FeedPage),
        (status = 400, description = "Bad cursor or limit"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a supervisor or administrator")
    )
)]
#[get("/api/v1/supervision/feed")]
pub async fn supervision_feed(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<FeedQuery>,
) -> Result<web::Json<FeedPage>, Problem> {
    caller.require_any(OVERSEERS)?;
    let query = feed::FeedQuery {
        after: query.after.clone(),
        limit: query.limit,
    };
    let page = feed::page(&state.app, &query).await?;
    Ok(web::Json(FeedPage::from(page)))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(sweep_now)
        .service(list_alerts)
        .service(get_alert)
        .service(acknowledge_alert)
        .service(urge_alert)
        .service(resolve_alert)
        .service(escalate_alert)
        .service(supervision_stats)
        .service(supervision_feed);
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        sweep_now,
        list_alerts,
        get_alert,
        acknowledge_alert,
        urge_alert,
        resolve_alert,
        escalate_alert,
        supervision_stats,
        supervision_feed
    ),
    components(schemas(
        SweepResult,
        AlertView,
        AlertDetail,
        StepView,
        StepRequest,
        StatsReport,
        StatsRow,
        GroupBy,
        FeedPage,
        FeedItem,
        FeedKind,
        FeedEvent
    ))
)]
pub struct Doc;
