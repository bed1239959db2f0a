//! The full case for the supervision office, read-only: facts, due dates and how they are
//! counted, stages, files, the rating, every alert of the case and the timeline — no action
//! forms (supervisors watch cases, they do not act on them). Reached from the alerts.

use actix_web::{get, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::cases::{attachments, evaluation};
use tongban_app::supervision::alerts::AlertQuery;
use tongban_app::supervision::desk;

use super::words;
use crate::auth::caller::Caller;
use crate::lang::Lang;
use crate::pages::case_parts;
use crate::pages::ctx::{Ctx, Out, PageResult, OVERSEERS};
use crate::pages::deadline;
use crate::pages::names;
use crate::pages::staff::alert_badge;
use crate::problem::Problem;
use crate::routes::cases::visible_case;
use crate::state::AppState;

/// The case's facts, due dates, stages and timeline (the alert page shows it too); with
/// `full`, also how the deadlines are counted and its files.
pub(super) async fn case_section(
    ctx: &Ctx,
    state: &AppState,
    caller: &Caller,
    case_no: &str,
    full: bool,
) -> Result<Markup, Problem> {
    let case = visible_case(state, caller, case_no).await?;
    let timeline = tongban_app::cases::events::of_case(state, &case.case_no).await?;
    let files = if full {
        attachments::of_case(state, &case.case_no).await?
    } else {
        Vec::new()
    };
    let catalogue = state.catalogue();
    let calendar = state.calendar();
    let (view, item) = case_parts::view_with_item(&catalogue, &calendar, case);
    let clocks = if full {
        deadline::clocks_of(&view.case, item.as_ref(), &calendar, state.hall)
    } else {
        Vec::new()
    };
    let case = &view.case;
    let l = ctx.lang;
    Ok(html! {
        section #case aria-labelledby="case-title" {
            h2 #case-title { (ctx.t("办件", "Case")) " " (case.case_no) }
            @if !full {
                p.no-print { a #full-case href={ "/staff/supervision/cases/" (case.case_no) } { (ctx.t("查看办件全貌（只读）", "The whole case (read-only)")) } }
            }
            dl.facts {
                dt { (ctx.t("事项", "Item")) } dd { (view.item_name) " (" (case.item_code) ")" }
                dt { (ctx.t("状态", "Status")) } dd { strong { (names::status_of(case.status, item.as_ref(), l)) } }
                dt { (ctx.t("申请人", "Applicant")) } dd { (case.applicant.name) }
                dt { (ctx.t("收件", "Received")) } dd {
                    (names::time(case.received_at, state.hall, l))
                    @if let Some(w) = &case.window { " · " (ctx.t("窗口", "window")) " " (w) }
                    @else { " · " (ctx.t("网上申请", "online")) }
                }
                (case_parts::dues(ctx, &view))
            }
            @if full {
                (case_parts::missing(ctx, case, item.as_ref()))
                (case_parts::attachments(ctx, state, &files, item.as_ref()))
                (crate::pages::documents::links(ctx, case, item.as_ref()))
            }
            @if let Some(item) = &item {
                (case_parts::stages(ctx, &catalogue, item, &view))
            }
            @if full { (deadline::section(l, &clocks, item.as_ref())) }
            h3 { (ctx.t("办理过程", "Timeline")) }
            (case_parts::timeline(ctx, state, &timeline, item.as_ref(), true))
        }
    })
}

/// Every alert of the case, as the desk lists them.
async fn case_alerts(ctx: &Ctx, state: &AppState, case_no: &str) -> Result<Markup, Problem> {
    let found = desk::by_case(
        &state.app,
        &AlertQuery {
            case_no: Some(case_no.to_owned()),
            page: 1,
            per_page: 1,
            ..AlertQuery::default()
        },
    )
    .await?;
    let l = ctx.lang;
    Ok(html! {
        h2 #case-alerts { (ctx.t("本件预警", "Alerts of the case")) }
        @match found.rows.first() {
            None => p { (ctx.t("本件没有预警。", "The case has no alert.")) },
            Some(row) => ul #case-alert-list {
                @for a in &row.alerts {
                    li {
                        (alert_badge(ctx, words::level(&a.level))) " "
                        a href={ "/staff/supervision/alerts/" (a.id) } { "#" (a.id) " " (words::rule(&a.rule, l)) }
                        @if let Some(s) = &a.stage_name { " · " (ctx.t("环节", "stage")) " " (s) }
                        " · " (words::status(&a.status, l))
                    }
                }
            },
        }
    })
}

async fn case_page(ctx: &Ctx, state: &AppState, case_no: &str) -> PageResult {
    let caller = ctx.staff_in(OVERSEERS)?;
    let section = case_section(ctx, state, caller, case_no, true).await?;
    let alerts = case_alerts(ctx, state, case_no).await?;
    let rating = evaluation::of_case(&state.app, case_no).await?;
    let title = match ctx.lang {
        Lang::Zh => format!("办件 {case_no}（只读）"),
        Lang::En => format!("Case {case_no} (read-only)"),
    };
    let body = html! {
        p.no-print { a href="/staff/supervision/alerts" { "← " (ctx.t("返回预警列表", "Back to the alerts")) } }
        h1 { (title) }
        p.notice role="note" { (ctx.t("监察人员可查阅全部办件，但不能办理。", "The supervision office reads every case; it does not act on them.")) }
        (alerts)
        @if let Some(r) = &rating { (super::alert::rating_facts(ctx, state, r)) }
        (section)
    };
    Ok(Out::ok(title, body))
}

/// `GET /staff/supervision/cases/{no}`.
#[get("/staff/supervision/cases/{case_no}")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
) -> HttpResponse {
    let result = case_page(&ctx, &state, &case_no).await;
    ctx.respond(result)
}
