//! What an applicant asks of their own case on a page of its own: to withdraw it (撤回, the
//! `withdraw` action, while the case allows it), and to complain about how it is handled
//! (效能投诉, with the case's query code, which raises an alert for the supervision office).

use actix_web::{get, post, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::cases::act::{act, offered};
use tongban_app::cases::complaint::{complain, NewComplaintAsk};
use tongban_app::cases::Who;
use tongban_core::case::{Action, Case, Command};

use crate::pages::application::{error_summary, field_error};
use crate::pages::ctx::{Ctx, Out, PageResult};
use crate::pages::form::{Form, Posted};
use crate::pages::names;
use crate::problem::Problem;
use crate::routes::cases::visible_case;
use crate::state::AppState;

fn heading(ctx: &Ctx, case: &Case, title: &str) -> Markup {
    html! {
        p.no-print { a href={ "/my/cases/" (case.case_no) } { "← " (ctx.t("返回办件", "Back to the case")) } }
        h1 { (title) }
        p { (ctx.t("办件编号：", "Case number: ")) (case.case_no) " · " (names::status(case.status, ctx.lang)) }
    }
}

async fn may_withdraw(state: &AppState, who: &Who, case: &Case) -> Result<bool, Problem> {
    let offers = offered(state, who, case).await?;
    Ok(offers
        .iter()
        .any(|o| o.spec.action == Action::Withdraw && o.blocked.is_none()))
}

async fn withdraw_form(
    ctx: &Ctx,
    state: &AppState,
    who: &Who,
    case: &Case,
    error: Option<&Problem>,
    reason: &str,
) -> PageResult {
    let title = ctx.t("撤回申请", "Withdraw the application");
    let allowed = may_withdraw(state, who, case).await?;
    let body = html! {
        (heading(ctx, case, title))
        @if !allowed {
            div.error-summary role="alert" {
                p { (ctx.t("本办件当前不能撤回：已作出决定或已办结的申请不能撤回。", "This case cannot be withdrawn now: a decided or ended application cannot be withdrawn.")) }
            }
        } @else {
            p { (ctx.t(
                "撤回后，本申请终止办理，已提交的材料可到窗口领回；如需办理，须重新申请。撤回不影响您今后再次申请。",
                "Once withdrawn, the application ends and you may collect your materials at the window; to go on you apply again. Withdrawing does not stop you applying later."
            )) }
            (error_summary(ctx, error))
            form method="post" action={ "/my/cases/" (case.case_no) "/withdraw" } {
                (ctx.csrf_field())
                input type="hidden" name="version" value=(case.version);
                label for="reason" { (ctx.t("撤回原因", "Reason")) }
                (field_error(ctx, error, "reason", "reason"))
                textarea #reason name="reason" required rows="3" maxlength="2000" { (reason) }
                button.danger type="submit" { (ctx.t("确认撤回申请", "Withdraw the application")) }
            }
        }
    };
    Ok(Out::ok(title, body))
}

/// `GET /my/cases/{no}/withdraw`.
#[get("/my/cases/{case_no}/withdraw")]
pub async fn show_withdraw(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
) -> HttpResponse {
    let result = async {
        let caller = ctx.applicant()?;
        let case = visible_case(&state, caller, &case_no).await?;
        withdraw_form(&ctx, &state, &caller.0, &case, None, "").await
    };
    let result = result.await;
    ctx.respond(result)
}

async fn withdraw_page(ctx: &Ctx, state: &AppState, case_no: &str, posted: Posted) -> PageResult {
    let caller = ctx.applicant()?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let case = visible_case(state, caller, case_no).await?;
    let version = form.get("version").parse::<i64>().unwrap_or(0);
    let cmd = Command::Withdraw {
        reason: form.get("reason").to_owned(),
    };
    match act(state, &caller.0, case_no, version, cmd).await {
        Ok(case) => Ok(Out::Redirect(format!(
            "/my/cases/{}?done=withdrawn",
            case.case_no
        ))),
        Err(e) => {
            let p = Problem::from(e);
            let mut out =
                withdraw_form(ctx, state, &caller.0, &case, Some(&p), form.get("reason")).await?;
            if let Out::Page { status, .. } = &mut out {
                *status = p.status;
            }
            Ok(out)
        }
    }
}

/// `POST /my/cases/{no}/withdraw`: the reason and the case version.
#[post("/my/cases/{case_no}/withdraw")]
pub async fn withdraw(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
    posted: Posted,
) -> HttpResponse {
    let result = withdraw_page(&ctx, &state, &case_no, posted).await;
    ctx.respond(result)
}

fn complaint_form(
    ctx: &Ctx,
    case: &Case,
    error: Option<&Problem>,
    form: Option<&Form>,
) -> PageResult {
    let title = ctx.t("投诉", "Complain");
    let contact_default = case
        .applicant
        .phone
        .clone()
        .or_else(|| case.applicant.email.clone())
        .unwrap_or_default();
    let text = form.map(|f| f.get("text")).unwrap_or("");
    let contact = form.map_or(contact_default.as_str(), |f| f.get("contact"));
    let body = html! {
        (heading(ctx, case, title))
        p { (ctx.t(
            "对本办件的办理（超时、推诿、服务态度等）有意见，可以在此投诉。投诉由电子监察部门受理，处理结果将告知您。也可拨打 12345 政务服务便民热线。",
            "If you are unhappy with how this case is handled (delays, being sent elsewhere, how you were treated), complain here. The e-supervision office handles it and tells you the outcome. You can also call the 12345 hotline."
        )) }
        (error_summary(ctx, error))
        form method="post" action={ "/my/cases/" (case.case_no) "/complaint" } {
            (ctx.csrf_field())
            label for="text" { (ctx.t("投诉内容", "What happened")) }
            (field_error(ctx, error, "text", "text"))
            textarea #text name="text" required rows="5" maxlength="2000" { (text) }
            label for="contact" { (ctx.t("联系方式（电话或电子邮箱）", "How to reach you (phone or e-mail)")) }
            (field_error(ctx, error, "contact", "contact"))
            input #contact name="contact" type="text" maxlength="200" value=(contact);
            button type="submit" { (ctx.t("提交投诉", "Send the complaint")) }
        }
    };
    let status = error.map_or(actix_web::http::StatusCode::OK, |p| p.status);
    Ok(Out::Page {
        status,
        title: title.into(),
        body,
    })
}

/// `GET /my/cases/{no}/complaint`.
#[get("/my/cases/{case_no}/complaint")]
pub async fn show_complaint(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
) -> HttpResponse {
    let result = async {
        let caller = ctx.applicant()?;
        let case = visible_case(&state, caller, &case_no).await?;
        complaint_form(&ctx, &case, None, None)
    };
    let result = result.await;
    ctx.respond(result)
}

async fn complaint_page(ctx: &Ctx, state: &AppState, case_no: &str, posted: Posted) -> PageResult {
    let caller = ctx.applicant()?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let case = visible_case(state, caller, case_no).await?;
    let ask = NewComplaintAsk {
        case_no: Some(case.case_no.clone()),
        window: case.window.clone(),
        text: form.get("text").to_owned(),
        contact: Some(form.get("contact").to_owned()).filter(|c| !c.is_empty()),
        // The applicant's own case: the complaint counts as the applicant's (a red alert).
        query_code: Some(case.query_code.clone()),
    };
    match complain(state, ask).await {
        Ok(_) => Ok(Out::Redirect(format!(
            "/my/cases/{}?done=complained",
            case.case_no
        ))),
        Err(e) => complaint_form(ctx, &case, Some(&Problem::from(e)), Some(&form)),
    }
}

/// `POST /my/cases/{no}/complaint`: the text and how to reach the applicant.
#[post("/my/cases/{case_no}/complaint")]
pub async fn complaint(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
    posted: Posted,
) -> HttpResponse {
    let result = complaint_page(&ctx, &state, &case_no, posted).await;
    ctx.respond(result)
}
