//! The public status query (办件查询): case number and query code in, the case as the
//! applicant may see it out — status, masked applicant, due dates, next step, what is
//! missing, timeline. A wrong code and an unknown case get the same answer.

use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::cases::public::{self, PublicCase};
use tongban_app::Code;

use super::case_parts;
use super::ctx::{Ctx, Out, PageResult};
use super::deadline;
use super::form::{Form, Posted};
use super::names;
use crate::casework::view::CaseView;
use crate::problem::Problem;
use crate::state::AppState;

fn query_form(ctx: &Ctx, case_no: &str, error: Option<&str>) -> Markup {
    html! {
        form method="post" action="/status" novalidate {
            (ctx.csrf_field())
            @if let Some(e) = error {
                div.error-summary role="alert" #status-error { p { (e) } }
            }
            label for="case_no" {
                (ctx.t("办件编号", "Case number"))
                span.hint { (ctx.t("收件回执上的 16 位数字", "The 16 digits on your receipt")) }
            }
            input #case_no type="text" name="case_no" value=(case_no) inputmode="numeric"
                autocomplete="off" maxlength="64" required
                aria-describedby=[error.map(|_| "status-error")];
            label for="query_code" {
                (ctx.t("查询码", "Query code"))
                span.hint { (ctx.t("收件回执上的 10 位字母数字", "The 10 letters and digits on your receipt")) }
            }
            input #query_code type="text" name="query_code" autocomplete="off"
                autocapitalize="characters" spellcheck="false" maxlength="64" required;
            div.actions-row { button type="submit" { (ctx.t("查询", "Look up")) } }
        }
    }
}

/// `GET /status`: the query form.
#[get("/status")]
pub async fn show_form(ctx: Ctx) -> HttpResponse {
    let title = ctx.t("办件查询", "Case status");
    let body = html! {
        h1 { (title) }
        p { (ctx.t("请输入收件回执上的办件编号和查询码。", "Enter the case number and query code from your receipt.")) }
        (query_form(&ctx, "", None))
    };
    ctx.respond(Ok(Out::ok(title, body)))
}

/// The case behind the number and code, masked; `None` for the one answer of a wrong code
/// and an unknown case.
async fn load(state: &AppState, case_no: &str, code: &str) -> Result<Option<PublicCase>, Problem> {
    match public::status(state, case_no, code).await {
        Ok(found) => Ok(Some(found)),
        Err(e) if e.code == Code::CaseNotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn query_page(ctx: &Ctx, state: &AppState, posted: Posted) -> PageResult {
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let case_no = form.get("case_no").to_owned();
    // Codes are printed in capitals without look-alikes; people type them as they like.
    let code = form.get("query_code").to_uppercase();
    let title = ctx.t("办件查询", "Case status");
    let Some(found) = load(state, &case_no, &code).await? else {
        let body = html! {
            h1 { (title) }
            (query_form(ctx, &case_no, Some(ctx.t(
                "办件编号或查询码不正确，请核对收件回执后重试。",
                "The case number or query code is not right. Check your receipt and try again."
            ))))
        };
        return Ok(Out::Page {
            status: StatusCode::NOT_FOUND,
            title: title.to_owned(),
            body,
        });
    };
    let applicant = found.applicant();
    let PublicCase { case, timeline } = found;
    let catalogue = state.catalogue();
    let item = catalogue
        .item_version(&case.item_code, case.item_version)
        .cloned();
    let calendar = state.calendar();
    let clocks = deadline::told_to_applicant(deadline::clocks_of(
        &case,
        item.as_ref(),
        &calendar,
        state.hall,
    ));
    let view = CaseView::new(case, &catalogue, &calendar);
    let case = &view.case;
    let l = ctx.lang;
    let body = html! {
        h1 { (ctx.t("办件进度", "Case progress")) }
        dl.facts {
            dt { (ctx.t("办件编号", "Case number")) } dd { (case.case_no) }
            dt { (ctx.t("办理事项", "Item")) } dd { (view.item_name) }
            dt { (ctx.t("申请人", "Applicant")) } dd { (applicant.name) }
            dt { (ctx.t("证件号码", "ID number")) } dd { (applicant.id_number) }
            dt { (ctx.t("当前状态", "Status")) } dd { strong { (names::status_of(case.status, item.as_ref(), l)) } }
            dt { (ctx.t("收件时间", "Received")) } dd { (names::time(case.received_at, state.hall, l)) }
            (case_parts::dues(ctx, &view))
        }
        h2 { (ctx.t("下一步", "Next step")) }
        (case_parts::next_step(ctx, &view))
        (case_parts::missing(ctx, case, item.as_ref()))
        @if let Some(item) = item.as_ref() { (case_parts::progress(ctx, state, item, &view)) }
        (deadline::section(l, &clocks, item.as_ref()))
        h2 { (ctx.t("办理过程", "Timeline")) }
        (case_parts::timeline(ctx, state, &timeline, item.as_ref(), false))
        p.no-print { a href="/status" { (ctx.t("查询其他办件", "Look up another case")) } }
    };
    Ok(Out::ok(ctx.t("办件进度", "Case progress"), body))
}

/// `POST /status`: the case behind a case number and query code (POST, so that the code
/// stays out of addresses, history and logs).
#[post("/status")]
pub async fn query(
    ctx: Ctx,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    posted: Posted,
) -> HttpResponse {
    // The same per-client limit as the public status API: the page is another door to it.
    if let Err(limited) = state.public_limit.check(&req) {
        return ctx.respond(Err(limited.into()));
    }
    let result = query_page(&ctx, &state, posted).await;
    ctx.respond(result)
}
