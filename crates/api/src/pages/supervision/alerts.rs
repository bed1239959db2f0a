//! The supervision office's alert list, one row per case: filtered by level, status,
//! department and rule (the filter of `GET /api/v1/supervision/alerts`), the case with the
//! newest alert first, a page at a time. A row shows the case's highest open level, its
//! alerts with stage names (a red without the yellow it supersedes), where its urging order
//! stands, and links to each alert and to the whole case; every colour is also said in words.

use actix_web::{get, web, HttpResponse};
use maud::html;
use serde::Deserialize;
use tongban_app::calendars::years;
use tongban_app::supervision::alerts::AlertQuery;
use tongban_app::supervision::desk;
use tongban_core::role::Role;
use tongban_core::supervision::{AlertRule, AlertStatus};

use super::words;
use crate::lang::Lang;
use crate::pages::admin::calendar::horizon_warning;
use crate::pages::ctx::{Ctx, Out, PageResult, OVERSEERS};
use crate::pages::lang::encode;
use crate::pages::names;
use crate::pages::pager::pager;
use crate::pages::staff::alert_badge;
use crate::problem::Problem;
use crate::state::AppState;

/// Alerts per page.
const PER_PAGE: u32 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    level: Option<String>,
    status: Option<String>,
    department: Option<String>,
    rule: Option<String>,
    page: Option<u32>,
}

impl ListQuery {
    /// The filters as a query string (without the page), for the page links.
    fn filters(&self) -> String {
        [
            ("level", &self.level),
            ("status", &self.status),
            ("department", &self.department),
            ("rule", &self.rule),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
    }
}

async fn list_page(ctx: &Ctx, state: &AppState, q: ListQuery) -> PageResult {
    ctx.staff_in(OVERSEERS)?;
    // The administrator lands here after sign-in: the calendar's horizon warning is theirs to
    // act on (they load the next year), so it is shown to them first.
    let horizon = if ctx.signed_in_as(&[Role::Admin]) {
        Some(years::years(state).await?.horizon)
    } else {
        None
    };
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let found = desk::by_case(
        &state.app,
        &AlertQuery {
            level: q.level.clone(),
            status: q.status.clone(),
            department: q.department.clone(),
            rule: q.rule.clone(),
            case_no: None,
            page,
            per_page: PER_PAGE,
        },
    )
    .await
    .map_err(Problem::from)?;
    let catalogue = state.catalogue();
    let l = ctx.lang;
    let title = ctx.t("预警督办", "Alerts");
    let chosen = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    let pages = found.total.div_ceil(u64::from(PER_PAGE)).max(1);
    let filters = q.filters();
    let link = |p: u64| {
        if filters.is_empty() {
            format!("/staff/supervision/alerts?page={p}")
        } else {
            format!("/staff/supervision/alerts?{filters}&page={p}")
        }
    };
    let body = html! {
        h1 { (title) }
        @if let Some(h) = &horizon {
            (horizon_warning(l, h))
            @if h.warns() {
                p.no-print { a #calendar-link href="/admin/calendar" { (ctx.t("前往工作日历载入年度", "Load the year under Calendar")) } }
            }
        }
        form.search #alert-filter method="get" action="/staff/supervision/alerts" {
            div {
                label for="level" { (ctx.t("预警级别", "Level")) }
                select #level name="level" {
                    option value="" { (ctx.t("全部", "All")) }
                    option value="red" selected[chosen(&q.level, "red")] { (ctx.t("红牌", "Red")) }
                    option value="yellow" selected[chosen(&q.level, "yellow")] { (ctx.t("黄牌", "Yellow")) }
                }
            }
            div {
                label for="status" { (ctx.t("处理状态", "Status")) }
                select #status name="status" {
                    option value="" { (ctx.t("全部", "All")) }
                    @for s in AlertStatus::ALL {
                        option value=(s.as_str()) selected[chosen(&q.status, s.as_str())] { (words::status(s.as_str(), l)) }
                    }
                }
            }
            div {
                label for="department" { (ctx.t("责任部门", "Department")) }
                select #department name="department" {
                    option value="" { (ctx.t("全部", "All")) }
                    @for d in &catalogue.departments {
                        option value=(d.code) selected[chosen(&q.department, &d.code)] { (d.name) }
                    }
                }
            }
            div {
                label for="rule" { (ctx.t("预警规则", "Rule")) }
                select #rule name="rule" {
                    option value="" { (ctx.t("全部", "All")) }
                    @for r in AlertRule::ALL {
                        option value=(r.as_str()) selected[chosen(&q.rule, r.as_str())] { (words::rule(r.as_str(), l)) }
                    }
                }
            }
            button #filter type="submit" { (ctx.t("筛选", "Filter")) }
        }
        p #alert-count aria-live="polite" {
            @match l {
                Lang::Zh => { "共 " (found.total) " 件办件有预警" }
                Lang::En => { (found.total) " cases with alerts" }
            }
        }
        @if found.rows.is_empty() {
            p { (ctx.t("没有符合条件的预警。", "No alert matches.")) }
        } @else {
            table.stack #alerts {
                caption { (ctx.t("每件一行，最新预警的在前；红牌已发出的，不再单列其黄牌", "One row per case, newest alert first; a yellow is not listed once its red is raised")) }
                thead { tr {
                    th scope="col" { (ctx.t("级别", "Level")) }
                    th scope="col" { (ctx.t("预警", "Alerts")) }
                    th scope="col" { (ctx.t("办件", "Case")) }
                    th scope="col" { (ctx.t("责任部门", "Department")) }
                    th scope="col" { (ctx.t("督办", "Urging")) }
                    th scope="col" { (ctx.t("最近发出", "Latest")) }
                } }
                tbody {
                    @for row in &found.rows {
                        @let shown = row.level.or_else(|| row.alerts.iter().filter_map(|a| words::level(&a.level)).max());
                        tr class=[shown.map(|lv| format!("row-{}", lv.as_str()))] {
                            td data-label=(ctx.t("级别", "Level")) {
                                (alert_badge(ctx, shown))
                                @if row.level.is_none() { " " span.hint { (ctx.t("均已关闭", "all closed")) } }
                            }
                            td data-label=(ctx.t("预警", "Alerts")) {
                                ul.alert-lines {
                                    @for a in &row.alerts {
                                        li {
                                            a href={ "/staff/supervision/alerts/" (a.id) } { "#" (a.id) " " (words::rule(&a.rule, l)) }
                                            @if let Some(s) = &a.stage_name { " · " (ctx.t("环节", "stage")) " " (s) }
                                            " · " (words::level(&a.level).map_or("", |lv| if lv == tongban_core::supervision::AlertLevel::Red { ctx.t("红牌", "red") } else { ctx.t("黄牌", "yellow") }))
                                            " · " (words::status(&a.status, l))
                                        }
                                    }
                                }
                                @if row.superseded > 0 {
                                    span.hint { (ctx.t("另有已被红牌取代的黄牌 ", "and superseded yellows: ")) (row.superseded) }
                                }
                            }
                            td data-label=(ctx.t("办件", "Case")) {
                                @if let Some(no) = &row.case_no {
                                    a.case-link href={ "/staff/supervision/cases/" (no) } { (no) }
                                    @if let Some(name) = &row.item_name { br; span.hint { (name) } }
                                } @else { (ctx.t("（无办件）", "(no case)")) }
                            }
                            td data-label=(ctx.t("责任部门", "Department")) {
                                @if let Some(d) = &row.department {
                                    (catalogue.department(d).map_or(d.as_str(), |x| x.name.as_str()))
                                } @else { "—" }
                            }
                            td data-label=(ctx.t("督办", "Urging")) {
                                @if let Some(o) = &row.urging {
                                    span.urging-state { (words::reply(o.state, l)) }
                                    " " span.hint { (ctx.t("期限 ", "due ")) (names::date(o.reply_due_date, l)) }
                                } @else { "—" }
                            }
                            td data-label=(ctx.t("最近发出", "Latest")) { (names::time(row.latest, state.hall, l)) }
                        }
                    }
                }
            }
            (pager(ctx, u64::from(page), pages, link))
        }
    };
    Ok(Out::ok(title, body))
}

/// `GET /staff/supervision/alerts?level=&status=&department=&rule=&page=`.
#[get("/staff/supervision/alerts")]
pub async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: Result<web::Query<ListQuery>, actix_web::Error>,
) -> HttpResponse {
    let q = q.map(|q| q.into_inner()).unwrap_or_default();
    let result = list_page(&ctx, &state, q).await;
    ctx.respond(result)
}
