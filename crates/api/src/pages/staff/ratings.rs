//! 差评整改 in the back office: the bad ratings of a head's department awaiting their
//! rectification at the top of the queue, and the page where the head reads one (score,
//! comment, due date) and records what the department did, once.

use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::cases::evaluation::Evaluation;
use tongban_app::supervision::rectify;
use tongban_core::role::Role;

use crate::lang::Lang;
use crate::pages::ctx::{Ctx, Out, PageErr, PageResult};
use crate::pages::form::{Done, Form, Posted};
use crate::pages::names;
use crate::pages::supervision::alert::{rating_facts, rectification_form};
use crate::problem::Problem;
use crate::state::AppState;

/// Whether the rectification is past its due time at `now`.
fn overdue(r: &Evaluation, now: chrono::DateTime<chrono::Utc>) -> bool {
    r.follow_up_due.is_some_and(|due| due <= now)
}

/// The bad ratings a head's department must rectify, for the top of the queue; nothing for
/// others.
pub(crate) async fn queue_section(ctx: &Ctx, state: &AppState) -> Result<Markup, PageErr> {
    let Ok(head) = ctx.staff_in(&[Role::Head]) else {
        return Ok(html! {});
    };
    let ratings = rectify::awaiting(&state.app, &head.0).await?;
    let now = state.app.clock.now();
    let l = ctx.lang;
    Ok(html! {
        @if !ratings.is_empty() {
            section #ratings-queue aria-labelledby="ratings-queue-h" {
                h2 #ratings-queue-h { (ctx.t("差评待整改", "Bad ratings to rectify")) }
                table.stack {
                    thead { tr {
                        th scope="col" { (ctx.t("办件", "Case")) }
                        th scope="col" { (ctx.t("评分", "Score")) }
                        th scope="col" { (ctx.t("整改期限", "Rectification due")) }
                        th scope="col" { (ctx.t("状态", "State")) }
                    } }
                    tbody {
                        @for r in &ratings {
                            @let late = overdue(r, now);
                            tr class=[late.then_some("row-red")] {
                                td data-label=(ctx.t("办件", "Case")) { a href={ "/staff/ratings/" (r.case_no) } { (r.case_no) } }
                                td data-label=(ctx.t("评分", "Score")) { (r.score) " / 5" }
                                td data-label=(ctx.t("整改期限", "Rectification due")) {
                                    @if let Some(due) = r.follow_up_due { (names::date(state.hall.last_day(due), l)) }
                                }
                                td data-label=(ctx.t("状态", "State")) {
                                    strong { (if late { ctx.t("逾期未整改", "Overdue") } else { ctx.t("待整改", "To rectify") }) }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

async fn rating_page(
    ctx: &Ctx,
    state: &AppState,
    case_no: &str,
    done: bool,
    failed: Option<(Problem, String)>,
) -> PageResult {
    let caller = ctx.staff_in(&[Role::Head])?;
    let rating = rectify::rating_for_head(&state.app, &caller.0, case_no).await?;
    let title = match ctx.lang {
        Lang::Zh => format!("差评整改 · {case_no}"),
        Lang::En => format!("Rectification of a bad rating · {case_no}"),
    };
    let action = format!("/staff/ratings/{case_no}/rectification");
    let body = html! {
        p.no-print { a href="/staff/queue" { "← " (ctx.t("返回待办件", "Back to the queue")) } }
        h1 { (title) }
        @if done {
            div.success role="status" #done { p { (ctx.t("整改情况已登记，记入评价和审计日志。", "The rectification is recorded on the rating and in the audit log.")) } }
        }
        p { a href={ "/staff/cases/" (case_no) } { (ctx.t("查看办件", "Open the case")) } }
        (rating_facts(ctx, state, &rating))
        @if rating.followed_up_at.is_none() {
            (rectification_form(ctx, &action, failed.as_ref().map(|(p, t)| (p, t.as_str()))))
        }
    };
    let status = failed.as_ref().map_or(StatusCode::OK, |(p, _)| p.status);
    Ok(Out::Page {
        status,
        title,
        body,
    })
}

/// `GET /staff/ratings/{case_no}`: a bad rating of the head's department.
#[get("/staff/ratings/{case_no}")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
    q: Result<web::Query<Done>, actix_web::Error>,
) -> HttpResponse {
    let done = q.ok().is_some_and(|q| q.done.is_some());
    let result = rating_page(&ctx, &state, &case_no, done, None).await;
    ctx.respond(result)
}

async fn rectify_page(ctx: &Ctx, state: &AppState, case_no: &str, posted: Posted) -> PageResult {
    let caller = ctx.staff_in(&[Role::Head])?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let text = form.get("text").to_owned();
    match rectify::record_by_head(&state.app, &caller.0, case_no, &text).await {
        Ok(_) => Ok(Out::Redirect(format!(
            "/staff/ratings/{case_no}?done=rectification"
        ))),
        Err(e) => {
            let p = Problem::from(e);
            if p.status == StatusCode::NOT_FOUND {
                return Err(PageErr::Problem(p));
            }
            rating_page(ctx, state, case_no, false, Some((p, text))).await
        }
    }
}

/// `POST /staff/ratings/{case_no}/rectification`: a head records the department's 整改.
#[post("/staff/ratings/{case_no}/rectification")]
pub async fn rectification(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
    posted: Posted,
) -> HttpResponse {
    let result = rectify_page(&ctx, &state, &case_no, posted).await;
    ctx.respond(result)
}
