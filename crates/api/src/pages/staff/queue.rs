//! The work queue: the cases in the caller's scope (the same filter as `GET /api/v1/cases`:
//! a clerk's window, an approver's or head's department), oldest first, with the next deadline and the alert colour of the time rules.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;
use tongban_app::cases::queue::{cases, search_text, Ask, Paging, MAX_SEARCH};
use tongban_app::catalogue_view::CatalogueView;
use tongban_core::case::{Case, CaseStatus};
use tongban_core::item::WarningThreshold;
use tongban_core::role::Role;
use tongban_core::supervision::{time_alerts, AlertLevel};

use crate::casework::view::CaseView;
use crate::pages::case_parts;
use crate::pages::countdown;
use crate::pages::ctx::{Ctx, Out, PageResult, CASE_WORKERS};
use crate::pages::names;
use crate::pages::pager::pager;
use crate::state::AppState;

const PER_PAGE: u32 = 50;

#[derive(Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
    /// The search box: case number, applicant name, ID number or phone.
    q: Option<String>,
    page: Option<i64>,
}

/// One line of the queue: the case as the JSON view shows it, and the highest alert level
/// the time rules give it now (the rules the monitor raises alerts by; `None`: on time).
struct Line {
    view: CaseView,
    level: Option<AlertLevel>,
    warning: WarningThreshold,
}

fn line(state: &AppState, catalogue: &CatalogueView, case: Case) -> Line {
    let item = catalogue.item_version(&case.item_code, case.item_version);
    let warning = item.map(|i| i.warning).unwrap_or_default();
    let level = item.and_then(|item| {
        time_alerts(
            &case,
            item,
            &state.calendar(),
            state.hall,
            state.clock.now(),
        )
        .into_iter()
        .map(|k| k.level)
        .max()
    });
    Line {
        view: CaseView::new(case, catalogue, &state.calendar()),
        level,
        warning,
    }
}

/// The due date that matters next for the case.
pub(crate) fn next_due(v: &CaseView) -> Option<(NaiveDate, &'static str, &'static str)> {
    if let Some(d) = v.acceptance_due {
        return Some((d, "受理期限", "acceptance"));
    }
    if let Some(d) = v.delivery_due {
        return Some((d, "送达期限", "delivery"));
    }
    v.promised_due.map(|d| (d, "承诺期限", "promised"))
}

pub(crate) fn alert_badge(ctx: &Ctx, level: Option<AlertLevel>) -> Markup {
    html! {
        @match level {
            Some(AlertLevel::Red) => span.alert.alert-red { (ctx.t("红牌", "Red")) },
            Some(AlertLevel::Yellow) => span.alert.alert-yellow { (ctx.t("黄牌", "Yellow")) },
            None => span.alert-none { (ctx.t("正常", "On time")) },
        }
    }
}

async fn queue_page(ctx: &Ctx, state: &AppState, query: QueueQuery) -> PageResult {
    let caller = ctx.staff_in(CASE_WORKERS)?;
    let at_window = ctx.signed_in_as(&[Role::Clerk]);
    let wanted = match query.status.as_deref() {
        Some(s) if s == "all" || s.parse::<CaseStatus>().is_ok() => s.to_owned(),
        _ => "open".to_owned(),
    };
    let statuses: Vec<CaseStatus> = match wanted.as_str() {
        "all" => Vec::new(),
        "open" => CaseStatus::ALL
            .into_iter()
            .filter(|s| !s.is_terminal())
            .collect(),
        s => s.parse::<CaseStatus>().into_iter().collect(),
    };
    let page = u32::try_from(query.page.unwrap_or(1).clamp(1, 10_000)).unwrap_or(1);
    let search = search_text(query.q.as_deref())?;
    let ask = Ask {
        statuses,
        search: search.clone(),
        ..Ask::default()
    };
    let paging = Paging {
        page,
        per_page: PER_PAGE,
    };
    let (rows, total) = cases(state, &caller.0, ask, paging).await?;
    let catalogue = state.catalogue();
    let l = ctx.lang;
    let title = match (at_window, caller.window()) {
        (true, Some(window)) => match l {
            crate::lang::Lang::Zh => format!("{window} 窗口工作队列"),
            crate::lang::Lang::En => format!("Queue of window {window}"),
        },
        _ => {
            let department = caller.0.department.as_deref().unwrap_or("");
            let name = catalogue
                .department(department)
                .map_or(department, |d| d.name.as_str());
            match l {
                crate::lang::Lang::Zh => format!("{name} 待办件"),
                crate::lang::Lang::En => format!("Work queue of {name}"),
            }
        }
    };
    let pages = total.div_ceil(u64::from(PER_PAGE));
    let q = search.unwrap_or_default();
    let link = |p: u64| {
        let query = serde_urlencoded::to_string([("status", wanted.as_str()), ("q", q.as_str())])
            .unwrap_or_default();
        format!("/staff/queue?{query}&page={p}")
    };
    let empty = rows.is_empty();
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|c| line(state, &catalogue, c))
        .collect();
    // The explanation of the 暂定 mark goes once under the table, when a date shown has it.
    let provisional = lines
        .iter()
        .any(|line| next_due(&line.view).is_some_and(|(d, _, _)| line.view.is_provisional(d)));
    let urging = super::urging::queue_section(ctx, state).await?;
    let ratings = super::ratings::queue_section(ctx, state).await?;
    let body = html! {
        h1 { (title) }
        (urging)
        (ratings)
        form.search method="get" action="/staff/queue" {
            div {
                label for="status" { (ctx.t("办件状态", "Status")) }
                select #status name="status" {
                    option value="open" selected[wanted == "open"] { (ctx.t("办理中", "Open")) }
                    option value="all" selected[wanted == "all"] { (ctx.t("全部", "All")) }
                    @for s in CaseStatus::ALL {
                        option value=(s.as_str()) selected[wanted == s.as_str()] { (names::status(s, l)) }
                    }
                }
            }
            div {
                label for="q" { (ctx.t("搜索", "Search")) span.hint { (ctx.t("办件编号、姓名、证件号码或电话", "case number, name, ID number or phone")) } }
                input #q type="search" name="q" value=(q) maxlength=(MAX_SEARCH);
            }
            button #filter type="submit" { (ctx.t("筛选", "Filter")) }
            @if at_window {
                a.button.secondary href="/staff/intake" { (ctx.t("窗口收件", "New intake")) }
            }
        }
        p aria-live="polite" {
            @match l {
                crate::lang::Lang::Zh => { "共 " (total) " 件" }
                crate::lang::Lang::En => { (total) " cases" }
            }
        }
        @if empty {
            @if q.is_empty() {
                p { (ctx.t("队列中没有办件。", "There are no cases in the queue.")) }
            } @else {
                p { (ctx.t("没有找到符合条件的办件。", "No case matches the search.")) }
            }
        } @else {
            table.stack {
                caption { (ctx.t("按收件时间排序，最早的在前", "Oldest receipt first")) }
                thead {
                    tr {
                        th scope="col" { (ctx.t("办件编号", "Case number")) }
                        th scope="col" { (ctx.t("事项", "Item")) }
                        th scope="col" { (ctx.t("申请人", "Applicant")) }
                        th scope="col" { (ctx.t("状态", "Status")) }
                        th scope="col" { (ctx.t("收件时间", "Received")) }
                        th scope="col" { (ctx.t("期限", "Deadline")) }
                        th scope="col" { (ctx.t("剩余工作日", "Working days left")) }
                        th scope="col" { (ctx.t("预警", "Alert")) }
                    }
                }
                tbody {
                    @for line in &lines {
                        @let (v, level) = (&line.view, line.level);
                        tr class=[match level { Some(AlertLevel::Red) => Some("row-red"), Some(AlertLevel::Yellow) => Some("row-yellow"), None => None }] {
                            td data-label=(ctx.t("办件编号", "Case number")) {
                                a href={ "/staff/cases/" (v.case.case_no) } { (v.case.case_no) }
                            }
                            td data-label=(ctx.t("事项", "Item")) { (v.item_name) }
                            td data-label=(ctx.t("申请人", "Applicant")) { (v.case.applicant.name) }
                            td data-label=(ctx.t("状态", "Status")) { (names::status(v.case.status, l)) }
                            td data-label=(ctx.t("收件时间", "Received")) {
                                (names::time(v.case.received_at, state.hall, l))
                            }
                            td data-label=(ctx.t("期限", "Deadline")) {
                                @if let Some((d, zh, en)) = next_due(v) {
                                    (case_parts::due_date(l, v, d)) " "
                                    span.hint { (ctx.t(zh, en)) }
                                } @else { "—" }
                            }
                            td data-label=(ctx.t("剩余工作日", "Working days left")) {
                                (countdown::badge(state, l, v, line.warning))
                            }
                            td data-label=(ctx.t("预警", "Alert")) { (alert_badge(ctx, level)) }
                        }
                    }
                }
            }
            @if provisional { (case_parts::provisional_note(l)) }
            (pager(ctx, u64::from(page), pages, link))
        }
    };
    Ok(Out::ok(title, body))
}

/// `GET /staff/queue?status=open|all|<status>&q=&page=`: the window's queue for a clerk, the
/// department's for an approver or head.
#[get("/staff/queue")]
pub async fn queue(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: Result<web::Query<QueueQuery>, actix_web::Error>,
) -> HttpResponse {
    let query = query.map(|q| q.into_inner()).unwrap_or(QueueQuery {
        status: None,
        q: None,
        page: None,
    });
    let result = queue_page(&ctx, &state, query).await;
    ctx.respond(result)
}
