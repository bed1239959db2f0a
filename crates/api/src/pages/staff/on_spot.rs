//! 受理并当场办结 at the window: one form for an immediate item (即办件) the window may
//! accept and decide on the spot, with the confirmation step of every action, then the one
//! use case `tongban_app::cases::on_spot::accept_and_decide`.

use actix_web::{post, web, HttpResponse};
use maud::{html, Markup};
use tongban_core::case::{Action, Case};

use super::actions::{outcome, text_input, version_of};
use super::case::{case_page, ActionError};
use crate::pages::ctx::{Ctx, Out, PageResult, CASE_WORKERS};
use crate::pages::form::{Form, Posted};
use crate::pages::names;
use crate::problem::Problem;
use crate::state::AppState;

/// The path segment, and the `done` note of the case page after it.
pub const SLUG: &str = "accept-and-decide";

fn path(case_no: &str) -> String {
    format!("/staff/cases/{case_no}/{SLUG}")
}

fn label(ctx: &Ctx) -> &'static str {
    ctx.t("受理并当场办结", "Accept and decide on the spot")
}

/// The one-step form; `values` and `error` are what a failed attempt sent and got.
pub fn form(ctx: &Ctx, case: &Case, values: Option<&Form>, error: Option<&Problem>) -> Markup {
    let opinion = values
        .map(|v| v.get("opinion").to_owned())
        .unwrap_or_else(|| {
            ctx.t(
                "材料齐全，符合条件，予以办理",
                "Complete and eligible: approved",
            )
            .to_owned()
        });
    let prefilled = Form(vec![("opinion".to_owned(), opinion)]);
    html! {
        section.action-box.action-primary aria-labelledby={ "h-" (SLUG) } {
            h3 id={ "h-" (SLUG) } { (label(ctx)) }
            p.hint { (ctx.t("即办件：受理后即当场作出决定，一步完成。", "Immediate item: accepted and decided at once, in one step.")) }
            @if let Some(p) = error {
                div.error-summary role="alert" id={ "err-" (SLUG) } {
                    p { strong { (ctx.text(&p.title)) } "：" (ctx.text(&p.detail)) }
                }
            }
            form method="post" action=(path(&case.case_no)) {
                (ctx.csrf_field())
                input type="hidden" name="version" value=(case.version);
                (text_input(ctx, &format!("{SLUG}-opinion"), "opinion", ctx.t("审批意见", "Opinion"), Some(&prefilled), error, true))
                div.actions-row { button id={ (SLUG) "-submit" } type="submit" { (label(ctx)) "…" } }
            }
        }
    }
}

fn confirm_page(ctx: &Ctx, case_no: &str, form: &Form) -> Out {
    let title = match ctx.lang {
        crate::lang::Lang::Zh => format!("确认受理并当场办结：办件 {case_no}"),
        crate::lang::Lang::En => format!("Confirm: accept and decide case {case_no} on the spot"),
    };
    let body = html! {
        h1 { (title) }
        p.notice role="status" { (ctx.t("确认后即受理并当场作出决定，记入办件过程。", "Once confirmed the case is accepted and decided, and both are recorded on the case.")) }
        dl.facts {
            dt { (ctx.t("操作", "Action")) } dd { strong { (label(ctx)) } }
            dt { (ctx.t("审批意见", "Opinion")) } dd { (form.get("opinion")) }
        }
        form method="post" action=(path(case_no)) {
            (ctx.csrf_field())
            input type="hidden" name="version" value=(form.get("version"));
            input type="hidden" name="opinion" value=(form.get("opinion"));
            input type="hidden" name="confirm" value="yes";
            div.actions-row {
                button #confirm type="submit" { (names::confirm(label(ctx), ctx.lang)) }
                a.button.secondary href={ "/staff/cases/" (case_no) } { (ctx.t("返回修改", "Go back")) }
            }
        }
    };
    Out::ok(title, body)
}

async fn page(ctx: &Ctx, state: &AppState, case_no: &str, posted: Posted) -> PageResult {
    let caller = ctx.staff_in(CASE_WORKERS)?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let case = crate::routes::cases::visible_case(state, caller, case_no).await?;
    // A failure is shown at the acceptance, the step the one-step form begins with.
    let failed = |problem: Problem| ActionError {
        action: Action::Accept,
        problem,
        values: form.clone(),
    };
    let version = match version_of(&form) {
        Ok(v) => v,
        Err(p) => return case_page(ctx, state, caller, case, None, Some(failed(p))).await,
    };
    if form.get("confirm") != "yes" {
        return Ok(confirm_page(ctx, &case.case_no, &form));
    }
    let opinion = form.get("opinion").to_owned();
    let done = tongban_app::cases::on_spot::accept_and_decide(
        state,
        &caller.0,
        &case.case_no,
        version,
        opinion,
    )
    .await;
    outcome(ctx, state, caller, case_no, SLUG, done, failed).await
}

/// `POST /staff/cases/{no}/accept-and-decide`: the confirmation page, then (with
/// `confirm=yes`) the acceptance and the on-the-spot approval.
#[post("/staff/cases/{case_no}/accept-and-decide")]
pub async fn accept_and_decide(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
    posted: Posted,
) -> HttpResponse {
    let result = page(&ctx, &state, &case_no, posted).await;
    ctx.respond(result)
}
