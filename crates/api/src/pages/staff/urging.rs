//! 督办单 in the back office: the open urging orders at the top of a department head's queue,
//! and the page where the head reads one (the alert, the supervisor's message, the reply
//! deadline) and replies, once.

use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::supervision::alerts;
use tongban_app::supervision::urging::{self, UrgingOrder};
use tongban_core::role::Role;
use tongban_core::supervision::desk::Reply;

use crate::lang::Lang;
use crate::pages::ctx::{Ctx, Out, PageErr, PageResult};
use crate::pages::form::{Done, Form, Posted};
use crate::pages::names;
use crate::problem::{Problem, Text};
use crate::state::AppState;
use tongban_app::{Code, Error};

const READERS: &[Role] = &[Role::Head, Role::Supervisor, Role::Admin];

fn state_word(ctx: &Ctx, r: Reply) -> &'static str {
    match r {
        Reply::Awaited => ctx.t("待回复", "Awaiting your reply"),
        Reply::Overdue => ctx.t("逾期未回复", "Reply overdue"),
        Reply::Answered => ctx.t("已回复", "Answered"),
        Reply::AnsweredLate => ctx.t("逾期后回复", "Answered late"),
    }
}

/// The open orders of a head's department, for the top of the queue; nothing for others.
pub(crate) async fn queue_section(ctx: &Ctx, state: &AppState) -> Result<Markup, PageErr> {
    let Ok(head) = ctx.staff_in(&[Role::Head]) else {
        return Ok(html! {});
    };
    let orders = urging::unanswered(&state.app, &head.0).await?;
    let l = ctx.lang;
    Ok(html! {
        @if !orders.is_empty() {
            section #urging-queue aria-labelledby="urging-queue-h" {
                h2 #urging-queue-h { (ctx.t("督办单（待回复）", "Urging orders awaiting your reply")) }
                table.stack {
                    thead { tr {
                        th scope="col" { (ctx.t("督办单", "Order")) }
                        th scope="col" { (ctx.t("办件", "Case")) }
                        th scope="col" { (ctx.t("回复期限", "Reply due")) }
                        th scope="col" { (ctx.t("状态", "State")) }
                    } }
                    tbody {
                        @for o in &orders {
                            tr class=[(o.state == Reply::Overdue).then_some("row-red")] {
                                td data-label=(ctx.t("督办单", "Order")) { a href={ "/staff/urging/" (o.id) } { (ctx.t("督办单 #", "Order #")) (o.id) } }
                                td data-label=(ctx.t("办件", "Case")) { (o.case_no.as_deref().unwrap_or("—")) }
                                td data-label=(ctx.t("回复期限", "Reply due")) { (names::date(o.reply_due_date, l)) }
                                td data-label=(ctx.t("状态", "State")) { strong { (state_word(ctx, o.state)) } }
                            }
                        }
                    }
                }
            }
        }
    })
}

fn parse_id(id: &str) -> Result<i64, Problem> {
    id.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(|| {
        Problem::from(Error::not_found(
            Code::UrgingOrderNotFound,
            Text::new(
                format!("没有督办单 {id}。"),
                format!("No urging order {id}."),
            ),
        ))
    })
}

async fn order_page(
    ctx: &Ctx,
    state: &AppState,
    id: i64,
    done: bool,
    failed: Option<(Problem, String)>,
) -> PageResult {
    let caller = ctx.staff_in(READERS)?;
    let o: UrgingOrder = urging::get(&state.app, &caller.0, id).await?;
    let alert = alerts::get(&state.app, o.alert_id).await?.alert;
    let l = ctx.lang;
    let catalogue = state.catalogue();
    let title = match l {
        Lang::Zh => format!("督办单 #{id}"),
        Lang::En => format!("Urging order #{id}"),
    };
    let may_reply = o.reply.is_none() && ctx.signed_in_as(&[Role::Head]);
    let field_error = failed
        .as_ref()
        .and_then(|(p, _)| p.errors.iter().find(|f| f.field == "reply"));
    let body = html! {
        p.no-print { a href="/staff/queue" { "← " (ctx.t("返回待办件", "Back to the queue")) } }
        h1 { (title) }
        @if done {
            div.success role="status" #done { p { (ctx.t("回复已提交，监察人员可在预警页查看。", "Your reply is recorded; the supervision office sees it on the alert.")) } }
        }
        @if let Some((p, _)) = &failed {
            div.error-summary role="alert" { p { strong { (ctx.text(&p.title)) } "：" (ctx.text(&p.detail)) } }
        }
        dl.facts #order-facts {
            dt { (ctx.t("办件", "Case")) } dd { (o.case_no.as_deref().unwrap_or("—")) }
            dt { (ctx.t("预警", "Alert")) } dd {
                (crate::pages::supervision::rule_words(&alert.rule, l))
                @if let Some(s) = alert.stage_name.as_ref() { " · " (ctx.t("环节", "stage")) " " (s) }
                " (" (if alert.level == "red" { ctx.t("红牌", "red") } else { ctx.t("黄牌", "yellow") }) ")"
            }
            dt { (ctx.t("责任部门", "Department")) } dd { (catalogue.department(&o.department).map_or(o.department.as_str(), |d| d.name.as_str())) }
            dt { (ctx.t("督办人", "Urged by")) } dd { (o.issued_by) " · " (names::time(o.issued_at, state.hall, l)) }
            dt { (ctx.t("督办意见", "Message")) } dd #order-note { (o.note.as_deref().unwrap_or(ctx.t("请按时限办理。", "Finish within the time limit."))) }
            dt { (ctx.t("回复期限", "Reply due")) } dd #order-due {
                (names::date(o.reply_due_date, l)) " (" (o.reply_days) (ctx.t(" 个工作日", " working days")) ")"
            }
            dt { (ctx.t("状态", "State")) } dd #order-state { strong { (state_word(ctx, o.state)) } }
            @if let Some(r) = &o.reply {
                dt { (ctx.t("回复", "Reply")) } dd #order-reply { (r) }
                dt { (ctx.t("回复人", "Replied by")) } dd {
                    (o.replied_by.as_deref().unwrap_or("")) " · "
                    @if let Some(at) = o.replied_at { (names::time(at, state.hall, l)) }
                }
            }
        }
        @if may_reply {
            section.action-box aria-labelledby="h-reply" {
                h2 #h-reply { (ctx.t("回复督办", "Reply")) }
                form method="post" action={ "/staff/urging/" (id) "/reply" } {
                    (ctx.csrf_field())
                    label for="reply" {
                        (ctx.t("办理情况和整改措施", "What was done"))
                        span.hint id="reply-hint" { (ctx.t("回复后记入审计日志，并显示在监察人员的预警页。", "Recorded in the audit log and shown to the supervision office.")) }
                    }
                    @if let Some(f) = field_error { span.field-error id="reply-error" { (ctx.text(&f.message)) } }
                    textarea #reply name="reply" maxlength="2000" required aria-describedby="reply-hint"
                        aria-invalid=[field_error.map(|_| "true")] {
                        (failed.as_ref().map(|(_, t)| t.as_str()).unwrap_or(""))
                    }
                    div.actions-row { button #reply-submit type="submit" { (ctx.t("提交回复", "Send the reply")) } }
                }
            }
        }
    };
    let status = failed.as_ref().map_or(StatusCode::OK, |(p, _)| p.status);
    Ok(Out::Page {
        status,
        title,
        body,
    })
}

/// `GET /staff/urging/{id}`.
#[get("/staff/urging/{id}")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: Result<web::Query<Done>, actix_web::Error>,
) -> HttpResponse {
    let done = q.ok().is_some_and(|q| q.done.is_some());
    let result = async {
        let id = parse_id(&id)?;
        order_page(&ctx, &state, id, done, None).await
    }
    .await;
    ctx.respond(result)
}

async fn reply_page(ctx: &Ctx, state: &AppState, id: &str, posted: Posted) -> PageResult {
    let caller = ctx.staff_in(&[Role::Head])?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let id = parse_id(id)?;
    let text = form.get("reply").to_owned();
    match urging::reply(&state.app, &caller.0, id, &text).await {
        Ok(_) => Ok(Out::Redirect(format!("/staff/urging/{id}?done=reply"))),
        Err(e) => {
            let p = Problem::from(e);
            if p.status == StatusCode::NOT_FOUND || p.status == StatusCode::FORBIDDEN {
                return Err(PageErr::Problem(p));
            }
            order_page(ctx, state, id, false, Some((p, text))).await
        }
    }
}

/// `POST /staff/urging/{id}/reply`: a head of the department replies.
#[post("/staff/urging/{id}/reply")]
pub async fn reply(
    ctx: Ctx,
    state: web::Data<AppState>,
    id: web::Path<String>,
    posted: Posted,
) -> HttpResponse {
    let result = reply_page(&ctx, &state, &id, posted).await;
    ctx.respond(result)
}
