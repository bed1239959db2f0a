//! One case at the window or in the back office: who applied for what, the material
//! checklist, due dates, stages, the timeline, and a form for every action the signed-in
//! clerk, approver or head may take now.

use actix_web::{get, http::StatusCode, web, HttpResponse};
use maud::html;
use tongban_app::cases::act::{item_of, offered, Offer};
use tongban_app::cases::actions::ActionSpec;
use tongban_app::cases::{attachments, events};
use tongban_core::case::{Action, Case, StageStatus};

use super::actions::{action_form, blocked_box, slug};
use super::{earlier, on_spot, window_upload};
use crate::auth::caller::Caller;
use crate::casework::view::CaseView;
use crate::pages::case_parts;
use crate::pages::countdown;
use crate::pages::ctx::{Ctx, Out, PageResult, CASE_WORKERS};
use crate::pages::deadline;
use crate::pages::form::{Done, Form};
use crate::pages::names;
use crate::problem::Problem;
use crate::routes::cases::visible_case;
use crate::state::AppState;

/// A failed attempt at an action: shown next to its form with what was entered.
pub struct ActionError {
    pub action: Action,
    pub problem: Problem,
    pub values: Form,
}

pub async fn case_page(
    ctx: &Ctx,
    state: &AppState,
    caller: &Caller,
    case: Case,
    done: Option<String>,
    error: Option<ActionError>,
) -> PageResult {
    let catalogue = state.catalogue();
    let item = item_of(&state.cached(), &case)?.clone();
    let timeline = events::of_case(state, &case.case_no).await?;
    let files = attachments::of_case(state, &case.case_no).await?;
    let mut actions = offered(state, &caller.0, &case).await?;
    let one_step = tongban_app::cases::on_spot::offered(state, &caller.0, &case).await?;
    let earlier = tongban_app::cases::queue::earlier_cases(state, &caller.0, &case).await?;
    let may_upload = attachments::may_attach(state, &caller.0, &case)
        .await
        .is_ok();
    // An action that just failed keeps its form, with the reason, even if it is no longer
    // offered.
    if let Some(e) = &error {
        let index = match actions.iter().position(|o| o.spec.action == e.action) {
            Some(i) => i,
            None => {
                actions.push(Offer::form(e.action));
                actions.len() - 1
            }
        };
        let o = &mut actions[index];
        o.blocked = None;
        if o.spec.action == Action::CompleteStage && o.stages.is_empty() {
            o.stages = case
                .stages
                .iter()
                .filter(|s| s.status == StageStatus::Active)
                .map(|s| s.code.clone())
                .collect();
        }
    }
    let calendar = state.calendar();
    let clocks = deadline::clocks_of(&case, Some(&item), &calendar, state.hall);
    let view = CaseView::new(case, &catalogue, &calendar);
    let case = &view.case;
    let l = ctx.lang;
    let title = match l {
        crate::lang::Lang::Zh => format!("办件 {}", case.case_no),
        crate::lang::Lang::En => format!("Case {}", case.case_no),
    };
    let a = &case.applicant;
    let body = html! {
        p.no-print { a href="/staff/queue" { "← " (ctx.t("返回工作队列", "Back to the queue")) } }
        h1 { (title) }
        @if let Some(d) = done {
            div.success role="status" {
                p { (d) }
            }
        }
        @if let Some(e) = &error {
            div.error-summary role="alert" {
                p {
                    (names::action_of(e.action, &item, l)) (ctx.t("未完成：", " was not done: "))
                    a href={ "#h-" (slug(e.action)) } { (ctx.text(&e.problem.detail)) }
                }
            }
        }
        dl.facts {
            dt { (ctx.t("事项", "Item")) } dd { a href={ "/guide/" (item.code) } { (item.name) } " (" (item.code) ")" }
            dt { (ctx.t("状态", "Status")) } dd { strong { (names::status_of(case.status, Some(&item), l)) } }
            dt { (ctx.t("申请人", "Applicant")) } dd { (a.name) " · " (names::applicant_kind(a.kind, l)) }
            dt { (ctx.t("证件号码", "ID number")) } dd { (a.id_number) }
            @if let Some(p) = &a.phone { dt { (ctx.t("电话", "Phone")) } dd { (p) } }
            @if let Some(e) = &a.email { dt { (ctx.t("电子邮箱", "E-mail")) } dd { (e) } }
            dt { (ctx.t("收件", "Received")) } dd {
                (names::time(case.received_at, state.hall, l))
                @if let Some(w) = &case.window { " · " (ctx.t("窗口", "window")) " " (w) }
                @else { " · " (ctx.t("网上申请", "online")) }
            }
            (case_parts::dues(ctx, &view))
            dt { (ctx.t("剩余工作日", "Working days left")) } dd #countdown { (countdown::badge(state, l, &view, item.warning)) }
            dt { (ctx.t("版本", "Version")) } dd { (case.version) }
        }
        (crate::pages::documents::links(ctx, case, Some(&item)))
        (case_parts::missing(ctx, case, Some(&item)))
        (case_parts::attachments(ctx, state, &files, Some(&item)))
        @if may_upload { (window_upload::form(ctx, state, case, &item)) }
        h2 #checklist { (ctx.t("材料清单", "Material checklist")) }
        table.stack aria-labelledby="checklist" {
            thead { tr {
                th scope="col" { (ctx.t("材料", "Material")) }
                th scope="col" { (ctx.t("要求", "Requirement")) }
                th scope="col" { (ctx.t("应交份数", "Copies due")) }
                th scope="col" { (ctx.t("已收份数", "Copies received")) }
            } }
            tbody {
                @for m in &item.materials {
                    @let got = case.copies_of(&m.code);
                    tr {
                        td data-label=(ctx.t("材料", "Material")) { (m.name) }
                        td data-label=(ctx.t("要求", "Requirement")) {
                            @if m.required && m.tolerable { span.tag.tag-tolerable { (ctx.t("必要，可容缺", "Required, may follow")) } }
                            @else if m.required { span.tag.tag-required { (ctx.t("必要", "Required")) } }
                            @else { span.tag.tag-optional { (ctx.t("非必要", "Optional")) } }
                        }
                        td data-label=(ctx.t("应交份数", "Copies due")) { (m.copies) }
                        td data-label=(ctx.t("已收份数", "Copies received")) {
                            @if got == 0 { strong { "0" } " " span.hint { (ctx.t("未收", "not received")) } } @else { (got) }
                        }
                    }
                }
            }
        }
        (case_parts::stages(ctx, &catalogue, &item, &view))
        (deadline::section(l, &clocks, Some(&item)))
        h2 #actions { (ctx.t("可办理的操作", "Actions")) }
        @if actions.is_empty() {
            p { (ctx.t("当前状态下您没有可办理的操作。", "You have no action to take on the case in its current state.")) }
        }
        @if one_step { (on_spot::form(ctx, case, None, None)) }
        @for offer in &actions {
            @if let Some(why) = &offer.blocked {
                (blocked_box(ctx, offer.spec.action, &item, why))
            } @else {
                @let failed = error.as_ref().filter(|e| e.action == offer.spec.action);
                (action_form(ctx, case, &item, offer, failed.map(|e| &e.values), failed.map(|e| &e.problem)))
            }
        }
        (earlier::section(ctx, state, &earlier))
        h2 { (ctx.t("办理过程", "Timeline")) }
        (case_parts::timeline(ctx, state, &timeline, Some(&item), true))
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.problem.status);
    Ok(Out::Page {
        status,
        title,
        body,
    })
}

async fn show_page(ctx: &Ctx, state: &AppState, case_no: &str, done: Option<String>) -> PageResult {
    let caller = ctx.staff_in(CASE_WORKERS)?;
    let case = visible_case(state, caller, case_no).await?;
    let done = match done.as_deref() {
        Some("intake") => Some(
            ctx.t(
                "收件成功。请打印收件凭证交给申请人。",
                "Application received. Print the receipt for the applicant.",
            )
            .to_owned(),
        ),
        Some("uploaded") => Some(ctx.t("已上传扫描件。", "The scan was uploaded.").to_owned()),
        Some(on_spot::SLUG) => Some(
            ctx.t("已受理并当场办结。", "Accepted and decided on the spot.")
                .to_owned(),
        ),
        Some(d) => ActionSpec::by_slug(d).map(|s| s.action).map(|a| {
            let config = state.cached();
            let name = item_of(&config, &case).map_or_else(
                |_| names::action(a, ctx.lang),
                |item| names::action_of(a, item, ctx.lang),
            );
            format!("{}{name}", ctx.t("已完成：", "Done: "))
        }),
        None => None,
    };
    case_page(ctx, state, caller, case, done, None).await
}

/// `GET /staff/cases/{no}`.
#[get("/staff/cases/{case_no}")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
    q: Result<web::Query<Done>, actix_web::Error>,
) -> HttpResponse {
    let done = q.ok().and_then(|q| q.into_inner().done);
    let result = show_page(&ctx, &state, &case_no, done).await;
    ctx.respond(result)
}
