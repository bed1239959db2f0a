//! Supervision routes (电子监察): the alert list and lifecycle, statistics (JSON or CSV), the
//! feed for higher-level monitors, and the sweep on demand (administration). Supervisors and
//! administrators only.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tongban_core::role::Role;
use tongban_core::supervision::AlertRule;
use tongban_store::alerts::{self, AlertFilter};
use tongban_store::{alert_steps, events, stats as stats_store, NewAudit, Page as StorePage};
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::Caller;
use crate::casework::view::decode_case;
use crate::oversight::export::{to_csv, wants_csv};
use crate::oversight::feed::{self, Cursor, Entry, Merged};
use crate::oversight::lifecycle::{AlertAction, AlertStatus};
use crate::oversight::stats::{self, CaseFacts, GroupBy, StatsRow, Tally, ONLINE};
use crate::oversight::steps::{self, StepRequest};
use crate::oversight::views::{AlertDetail, AlertView, StepView};
use crate::paging::{Page, PageQuery, Paged};
use crate::problem::{Problem, Text};
use tongban_app::records::{from_millis, millis, to_json};
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
}

/// Runs one supervision sweep now, on the server's clock, instead of waiting for the
/// scheduler; the same sweep the scheduler runs.
pub async fn run_sweep(state: &AppState) -> Result<SweepResult, Problem> {
    let now = state.clock.now();
    let store = state.store.clone();
    let config = state.app.config().await?;
    let calendar = config.calendar();
    let hall = state.hall;
    let report = web::block(move || {
        tongban_supervision::sweep(&store, &config.catalogue, &calendar, hall, now)
    })
    .await
    .map_err(|_| Problem::internal())?
    .map_err(|tongban_supervision::SweepError::Store(e)| crate::store_problem(e))?;
    Ok(SweepResult {
        at: now,
        cases: report.cases,
        raised: report.raised,
    })
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
    let result = run_sweep(&state).await?;
    state
        .store
        .append_audit(NewAudit {
            at: millis(result.at),
            actor: caller.username().to_owned(),
            action: "supervision.sweep".into(),
            subject: "supervision".into(),
            detail: to_json(&serde_json::json!({"cases": result.cases, "raised": result.raised})),
        })
        .await
        .map_err(crate::store_problem)?;
    Ok(web::Json(result))
}

fn bad_query(field: &str, zh: String, en: String) -> Problem {
    Problem::bad_request("invalid_query", Text::new(zh, en))
        .with_field(field, Text::new("取值无效", "invalid value"))
}

/// A code-like filter value: short visible ASCII, so that nothing odd reaches the database.
fn plausible_code(s: &str) -> bool {
    s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic())
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

fn alert_filter(q: &AlertQuery) -> Result<AlertFilter, Problem> {
    let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let level = given(&q.level);
    if let Some(l) = &level {
        if l != "yellow" && l != "red" {
            return Err(bad_query(
                "level",
                "level 只能是 yellow 或 red。".into(),
                "`level` is `yellow` or `red`.".into(),
            ));
        }
    }
    let status = given(&q.status);
    if let Some(s) = &status {
        if AlertStatus::parse(s).is_none() {
            return Err(bad_query(
                "status",
                "status 只能是 open、acknowledged、urged、resolved 或 escalated。".into(),
                "`status` is one of open, acknowledged, urged, resolved, escalated.".into(),
            ));
        }
    }
    let rule = given(&q.rule);
    if let Some(r) = &rule {
        if r.parse::<AlertRule>().is_err() {
            let known: Vec<&str> = AlertRule::ALL.iter().map(|r| r.as_str()).collect();
            return Err(bad_query(
                "rule",
                format!("未知的预警规则；可用：{}。", known.join("、")),
                format!("Unknown rule; known rules: {}.", known.join(", ")),
            ));
        }
    }
    for (field, value) in [("department", &q.department), ("case_no", &q.case_no)] {
        if value.as_deref().is_some_and(|v| !plausible_code(v)) {
            return Err(bad_query(
                field,
                format!("{field} 应为编码或办件编号。"),
                format!("`{field}` must be a code or a case number."),
            ));
        }
    }
    Ok(AlertFilter {
        level,
        status,
        department: given(&q.department),
        rule,
        case_no: given(&q.case_no),
    })
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
    Ok(web::Json(find_alerts(&state, &query).await?))
}

/// The page of alerts `query` asks for (the list route and the supervision pages).
pub(crate) async fn find_alerts(
    state: &AppState,
    query: &AlertQuery,
) -> Result<Paged<AlertView>, Problem> {
    let page = Page::try_from(PageQuery {
        page: query.page,
        per_page: query.per_page,
    })?;
    let filter = alert_filter(query)?;
    let store_page = StorePage {
        page: i64::from(page.page),
        per_page: i64::from(page.per_page),
    };
    let (rows, total) = state
        .store
        .read(move |conn| alerts::list(conn, &filter, store_page))
        .await
        .map_err(crate::store_problem)?;
    Ok(Paged {
        items: rows.iter().map(AlertView::from).collect(),
        total: u64::try_from(total).unwrap_or(0),
        page: page.page,
        per_page: page.per_page,
    })
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
    Ok(web::Json(alert_detail(&state, id.into_inner()).await?))
}

/// One alert with its steps, oldest first (the route and the supervision pages).
pub(crate) async fn alert_detail(state: &AppState, id: i64) -> Result<AlertDetail, Problem> {
    let found = state
        .store
        .read(move |conn| {
            let Some(alert) = alerts::get(conn, id)? else {
                return Ok(None);
            };
            Ok(Some((alert, alert_steps::of_alert(conn, id)?)))
        })
        .await
        .map_err(crate::store_problem)?;
    let (alert, steps) = found.ok_or_else(|| steps::not_found(id))?;
    Ok(AlertDetail {
        alert: AlertView::from(&alert),
        steps: steps.iter().map(StepView::from).collect(),
    })
}

async fn step(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Result<web::Bytes, actix_web::Error>,
    action: AlertAction,
) -> Result<web::Json<AlertDetail>, Problem> {
    caller.require_any(OVERSEERS)?;
    let note = steps::note_of(&body, action)?;
    let detail = steps::take(&state, caller.username(), id.into_inner(), action, note).await?;
    Ok(web::Json(detail))
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
     e-mail address are sent the note. From open, acknowledged or urged (again)."
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

/// Longest period the statistics count at once: the cases are read and counted in memory.
const MAX_PERIOD_DAYS: i64 = 731;

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsReport {
    pub group_by: GroupBy,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period (included).
    pub to: NaiveDate,
    /// When counted: the open cases' lateness is as of this instant.
    pub generated_at: DateTime<Utc>,
    /// One row per department, window or item of the catalogue, and any other that had cases.
    pub rows: Vec<StatsRow>,
    /// The sum of all rows (`key` = `total`).
    pub total: StatsRow,
}

fn parse_day(field: &str, value: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        bad_query(
            field,
            format!("{field} 应为日期 YYYY-MM-DD。"),
            format!("`{field}` must be a date, YYYY-MM-DD."),
        )
    })
}

fn period(q: &StatsQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), Problem> {
    let to = match q.to.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => parse_day("to", s)?,
        None => today,
    };
    let from = match q.from.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => parse_day("from", s)?,
        None => to.with_day(1).unwrap_or(to),
    };
    if from > to {
        return Err(bad_query(
            "from",
            "from 不能晚于 to。".into(),
            "`from` must not be after `to`.".into(),
        ));
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(bad_query(
            "to",
            format!("统计期间最长 {MAX_PERIOD_DAYS} 天。"),
            format!("The period is at most {MAX_PERIOD_DAYS} days."),
        ));
    }
    Ok((from, to))
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
            return Err(bad_query(
                "format",
                "format 只能是 csv 或 json。".into(),
                "`format` is `csv` or `json`.".into(),
            ))
        }
        None => req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(wants_csv),
    };
    let now = state.clock.now();
    let asked = stats_asked(&query, state.hall.local_date(now))?;
    let counted = read_period(&state, asked.from, asked.to).await?;
    let report = report(&state, asked.group_by, asked.from, asked.to, now, &counted);
    if csv {
        csv_answer(&report)
    } else {
        Ok(HttpResponse::Ok().json(report))
    }
}

/// What the statistics are asked for: the grouping and the period.
pub(crate) struct StatsAsked {
    pub group_by: GroupBy,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The grouping and period of `query` (`today`: the hall's date now), checked.
pub(crate) fn stats_asked(query: &StatsQuery, today: NaiveDate) -> Result<StatsAsked, Problem> {
    let group_by = match query.group_by.as_deref().filter(|s| !s.is_empty()) {
        None => GroupBy::Department,
        Some(g) => GroupBy::parse(g).ok_or_else(|| {
            bad_query(
                "group_by",
                "group_by 只能是 department、window 或 item。".into(),
                "`group_by` is `department`, `window` or `item`.".into(),
            )
        })?,
    };
    let (from, to) = period(query, today)?;
    Ok(StatsAsked { group_by, from, to })
}

/// The statistics as a CSV download named after the grouping and the period.
pub(crate) fn csv_answer(report: &StatsReport) -> Result<HttpResponse, Problem> {
    let text = to_csv(report.group_by, &report.rows, &report.total).map_err(|e| {
        tracing::error!(error = %e, "statistics CSV");
        Problem::internal()
    })?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"tongban-stats-{}-{}-{}.csv\"",
                report.group_by.as_str(),
                report.from,
                report.to
            ),
        ))
        .body(text))
}

/// What the statistics count: the facts of the cases received in a period and the scores
/// of their evaluations.
pub(crate) struct PeriodCases {
    pub facts: Vec<CaseFacts>,
    pub scores: HashMap<String, i64>,
}

/// Reads the period's cases and evaluations, on a blocking thread.
pub(crate) async fn read_period(
    state: &AppState,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PeriodCases, Problem> {
    let hall = state.hall;
    let (start, end) = (millis(hall.start_of_day(from)), millis(hall.end_of_day(to)));
    state
        .store
        .read(move |conn| {
            let records = stats_store::cases_received_between(conn, start, end)?;
            let scores: HashMap<String, i64> =
                stats_store::scores_of_cases_received_between(conn, start, end)?
                    .into_iter()
                    .collect();
            let facts: Result<Vec<CaseFacts>, Problem> = records
                .iter()
                .map(|r| decode_case(r).map(|c| CaseFacts::of(&c, hall)))
                .collect();
            Ok(facts.map(|facts| PeriodCases { facts, scores }))
        })
        .await
        .map_err(crate::store_problem)?
}

/// Rows for every group of the catalogue (zeros where nothing was received) and any other
/// group that had cases, by key, with names.
pub(crate) fn report(
    state: &AppState,
    group_by: GroupBy,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
    cases: &PeriodCases,
) -> StatsReport {
    let mut counted: BTreeMap<String, Tally> = stats::tally(
        &cases.facts,
        &cases.scores,
        group_by,
        &state.calendar(),
        state.hall,
        now,
    );
    let catalogue = state.catalogue();
    let known: Vec<String> = match group_by {
        GroupBy::Department => catalogue
            .departments
            .iter()
            .map(|d| d.code.clone())
            .collect(),
        GroupBy::Window => catalogue.windows.iter().map(|w| w.code.clone()).collect(),
        GroupBy::Item => catalogue.items().map(|i| i.code.clone()).collect(),
    };
    for key in known {
        counted.entry(key).or_default();
    }
    let name = |key: &str| -> String {
        let found = match group_by {
            GroupBy::Department => catalogue.department(key).map(|d| d.name.clone()),
            GroupBy::Window if key == ONLINE => Some("网上办事大厅".to_owned()),
            GroupBy::Window => catalogue.window(key).map(|w| w.name.clone()),
            GroupBy::Item => catalogue.item(key).map(|i| i.name.clone()),
        };
        found.unwrap_or_else(|| key.to_owned())
    };
    let total = stats::total(counted.values());
    StatsReport {
        group_by,
        from,
        to,
        generated_at: now,
        rows: counted
            .iter()
            .map(|(key, t)| StatsRow::new(key.clone(), name(key), t))
            .collect(),
        total: StatsRow::new("total".into(), "合计".into(), &total),
    }
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

/// What a feed entry is.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedKind {
    /// A case event (the timeline entry), in `event`.
    Event,
    /// An alert raised, in `alert` (with its status as of now).
    Alert,
    /// A step of an alert's lifecycle, in `step`.
    AlertStep,
}

/// A case event in the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedEvent {
    /// Position in the case's timeline.
    pub seq: i64,
    /// What happened, e.g. `received`, `accepted`.
    pub kind: String,
    pub actor: String,
    pub window: Option<String>,
    pub grant_id: Option<i64>,
    /// The event as the core recorded it.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// One entry of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedItem {
    #[serde(rename = "type")]
    pub kind: FeedKind,
    /// The id in its own sequence (case_events, alerts or alert steps).
    pub id: i64,
    /// When it happened (an alert: when raised).
    pub at: DateTime<Utc>,
    pub case_no: Option<String>,
    /// The cursor that resumes right after this entry.
    pub cursor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<FeedEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<AlertView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<StepView>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    /// Pass as `after` to get what follows; the same cursor again when nothing was new.
    pub next: String,
    /// True when the page is full: ask again at once with `next`.
    pub more: bool,
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
    let after = match query.after.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Cursor::parse(s)?,
        None => Cursor::default(),
    };
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(bad_query(
            "limit",
            "limit 须在 1 到 500 之间。".into(),
            "`limit` must be 1 to 500.".into(),
        ));
    }
    let (events, alerts, steps, step_alerts) = state
        .store
        .read(move |conn| {
            let events = events::after(conn, after.event, limit)?;
            let raised = alerts::after(conn, after.alert, limit)?;
            let steps = alert_steps::after(conn, after.step, limit)?;
            let ids: Vec<i64> = steps.iter().map(|s| s.alert_id).collect();
            let step_alerts = alerts::get_many(conn, &ids)?;
            Ok((events, raised, steps, step_alerts))
        })
        .await
        .map_err(crate::store_problem)?;
    let case_of: HashMap<i64, Option<String>> =
        step_alerts.into_iter().map(|a| (a.id, a.case_no)).collect();
    let page = feed::merge(
        after,
        events
            .into_iter()
            .map(|e| Entry {
                id: e.id,
                at: e.at,
                value: e,
            })
            .collect(),
        alerts
            .into_iter()
            .map(|a| Entry {
                id: a.id,
                at: a.raised_at,
                value: a,
            })
            .collect(),
        steps
            .into_iter()
            .map(|s| Entry {
                id: s.id,
                at: s.at,
                value: s,
            })
            .collect(),
        usize::try_from(limit).unwrap_or(100),
    );
    let more = page.items.len() == usize::try_from(limit).unwrap_or(100);
    let items = page
        .items
        .into_iter()
        .map(|(cursor, merged)| {
            let cursor = cursor.to_string();
            match merged {
                Merged::Event(e) => FeedItem {
                    kind: FeedKind::Event,
                    id: e.id,
                    at: from_millis(e.at),
                    case_no: Some(e.value.case_no.clone()),
                    cursor,
                    event: Some(FeedEvent {
                        seq: e.value.seq,
                        kind: e.value.kind,
                        actor: e.value.actor,
                        window: e.value.window_code,
                        grant_id: e.value.grant_id,
                        data: serde_json::from_str(&e.value.data)
                            .unwrap_or(serde_json::Value::Null),
                    }),
                    alert: None,
                    step: None,
                },
                Merged::Alert(a) => FeedItem {
                    kind: FeedKind::Alert,
                    id: a.id,
                    at: from_millis(a.at),
                    case_no: a.value.case_no.clone(),
                    cursor,
                    event: None,
                    alert: Some(AlertView::from(&a.value)),
                    step: None,
                },
                Merged::Step(s) => FeedItem {
                    kind: FeedKind::AlertStep,
                    id: s.id,
                    at: from_millis(s.at),
                    case_no: case_of.get(&s.value.alert_id).cloned().flatten(),
                    cursor,
                    event: None,
                    alert: None,
                    step: Some(StepView::from(&s.value)),
                },
            }
        })
        .collect();
    Ok(web::Json(FeedPage {
        items,
        next: page.next.to_string(),
        more,
    }))
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
