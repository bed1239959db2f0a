//! One alert for the supervision office: what was raised, the case it is about (facts,
//! stages, timeline), the steps taken so far, and a form for each step its status allows —
//! acknowledge, urge (督办, with the message to the department), resolve (with an
//! explanation), escalate (with a reason) — each confirmed before it is taken by the same
//! code as `POST /api/v1/supervision/alerts/{id}/{step}`.

use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use maud::{html, Markup};
use tongban_core::case::CaseStatus;

use super::case::case_section;
use super::words;
use crate::auth::caller::Caller;
use crate::lang::Lang;
use crate::pages::ctx::{Ctx, Out, PageErr, PageResult, OVERSEERS};
use crate::pages::form::{Done, Form, Posted};
use crate::pages::names;
use crate::pages::staff::alert_badge;
use crate::problem::{Problem, Text};
use crate::state::AppState;
use tongban_app::cases::evaluation::Evaluation;
use tongban_app::supervision::alerts::{self, AlertDetail};
use tongban_app::supervision::handle::{self, check_note, TakeStep};
use tongban_app::supervision::rectify;
use tongban_app::supervision::urging::{self, check_reply_days, UrgingOrder};
use tongban_app::{Code, Error};
use tongban_core::supervision::desk::{Reply, DEFAULT_REPLY_DAYS, MAX_REPLY_DAYS};
use tongban_core::supervision::lifecycle::{self, AlertAction, AlertStatus};

/// A step that failed: shown next to its form with what was entered.
struct StepError {
    action: AlertAction,
    problem: Problem,
    note: String,
    reply_days: String,
}

fn parse_id(id: &str) -> Result<i64, Problem> {
    id.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(|| {
        Problem::from(Error::not_found(
            Code::AlertNotFound,
            Text::new(format!("没有预警 {id}。"), format!("No alert {id}.")),
        ))
    })
}

fn parse_action(s: &str) -> Result<AlertAction, Problem> {
    words::ACTIONS
        .into_iter()
        .find(|a| a.as_str() == s)
        .ok_or_else(|| {
            Problem::from(Error::not_found(
                Code::NoSuchStep,
                Text::new("预警没有此操作", "There is no such alert step"),
            ))
        })
}

/// The note's label and hint for `a`, and whether it is required.
fn note_label(ctx: &Ctx, a: AlertAction) -> (&'static str, &'static str, bool) {
    match a {
        AlertAction::Acknowledge => (
            ctx.t("备注（可选）", "Note (optional)"),
            ctx.t("确认后由您跟进此预警。", "You take the alert in hand."),
            false,
        ),
        AlertAction::Urge => (
            ctx.t("督办意见（发给责任部门）", "Message to the department"),
            ctx.t(
                "督办通知以电子邮件发给责任部门的负责人（没有时发给承办人）；留空则写“请按时限办理”。",
                "The notice is e-mailed to the department's heads (or else its approvers); left empty it says to finish within the time limit.",
            ),
            false,
        ),
        AlertAction::Resolve => (
            ctx.t("处理情况说明", "How it was settled"),
            ctx.t("办结后预警关闭。", "The alert is closed."),
            true,
        ),
        AlertAction::Escalate => (
            ctx.t("上报理由", "Why it goes to the level above"),
            ctx.t("上报后本级预警关闭。", "The alert is closed at this level."),
            true,
        ),
    }
}

fn step_form(ctx: &Ctx, id: i64, a: AlertAction, failed: Option<&StepError>) -> Markup {
    let s = a.as_str();
    let (label, hint, required) = note_label(ctx, a);
    let field_error = failed.and_then(|e| e.problem.errors.iter().find(|f| f.field == "note"));
    html! {
        section.action-box aria-labelledby={ "h-" (s) } {
            h3 id={ "h-" (s) } { (words::action(a, ctx.lang)) }
            @if let Some(e) = failed {
                div.error-summary role="alert" id={ "err-" (s) } {
                    p { strong { (ctx.text(&e.problem.title)) } "：" (ctx.text(&e.problem.detail)) }
                }
            }
            form method="post" action={ "/staff/supervision/alerts/" (id) "/" (s) } {
                (ctx.csrf_field())
                label for={ (s) "-note" } {
                    (label)
                    span.hint id={ (s) "-hint" } { (hint) }
                }
                @if let Some(f) = field_error {
                    span.field-error id={ (s) "-note-error" } { (ctx.text(&f.message)) }
                }
                textarea id={ (s) "-note" } name="note" maxlength="2000" required[required]
                    aria-invalid=[field_error.map(|_| "true")]
                    aria-describedby={ (s) "-hint" @if field_error.is_some() { " " (s) "-note-error" } } {
                    (failed.map(|e| e.note.as_str()).unwrap_or(""))
                }
                @if a == AlertAction::Urge {
                    (reply_days_field(ctx, failed))
                }
                div.actions-row { button id={ (s) "-submit" } type="submit" { (words::action(a, ctx.lang)) "…" } }
            }
        }
    }
}

/// The urge's reply deadline in working days (督办单), with the default filled in.
fn reply_days_field(ctx: &Ctx, failed: Option<&StepError>) -> Markup {
    let error = failed.and_then(|e| e.problem.errors.iter().find(|f| f.field == "reply_days"));
    let value = failed
        .map(|e| e.reply_days.clone())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_REPLY_DAYS.to_string());
    html! {
        label for="urge-reply-days" {
            (ctx.t("回复期限（工作日）", "Reply due in (working days)"))
            span.hint id="urge-reply-days-hint" {
                (ctx.t("督办单送达责任部门负责人的待办件，须在期限内回复，逾期未回复列为督办逾期。",
                       "The urging order lands in the department head's queue; a reply not given in time is listed as overdue."))
            }
        }
        @if let Some(f) = error {
            span.field-error id="urge-reply-days-error" { (ctx.text(&f.message)) }
        }
        input #urge-reply-days type="number" name="reply_days" min="1" max=(MAX_REPLY_DAYS) value=(value)
            aria-invalid=[error.map(|_| "true")] aria-describedby="urge-reply-days-hint";
    }
}

/// The urging orders of the alert and their replies.
fn orders(ctx: &Ctx, state: &AppState, orders: &[UrgingOrder]) -> Markup {
    let l = ctx.lang;
    html! {
        @if !orders.is_empty() {
            h2 #orders { (ctx.t("督办单", "Urging orders")) }
            table.stack #urging-orders aria-labelledby="orders" {
                thead { tr {
                    th scope="col" { (ctx.t("督办单", "Order")) }
                    th scope="col" { (ctx.t("督办时间", "Issued")) }
                    th scope="col" { (ctx.t("回复期限", "Reply due")) }
                    th scope="col" { (ctx.t("状态", "State")) }
                    th scope="col" { (ctx.t("回复", "Reply")) }
                } }
                tbody {
                    @for o in orders {
                        tr class=[(o.state == Reply::Overdue).then_some("row-red")] {
                            td data-label=(ctx.t("督办单", "Order")) { "#" (o.id) " · " (o.issued_by) }
                            td data-label=(ctx.t("督办时间", "Issued")) { (names::time(o.issued_at, state.hall, l)) }
                            td data-label=(ctx.t("回复期限", "Reply due")) {
                                (names::date(o.reply_due_date, l)) " "
                                span.hint { "(" (o.reply_days) (ctx.t(" 个工作日", " working days")) ")" }
                            }
                            td data-label=(ctx.t("状态", "State")) { strong.urging-state { (super::words::reply(o.state, l)) } }
                            td data-label=(ctx.t("回复", "Reply")) {
                                @if let Some(r) = &o.reply {
                                    (r) " — " (o.replied_by.as_deref().unwrap_or("")) " "
                                    @if let Some(at) = o.replied_at { span.hint { (names::time(at, state.hall, l)) } }
                                } @else { "—" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A rating's score, comment and rectification (整改).
pub(crate) fn rating_facts(ctx: &Ctx, state: &AppState, r: &Evaluation) -> Markup {
    let l = ctx.lang;
    html! {
        h2 #rating { (ctx.t("评价与整改", "Rating and rectification")) }
        dl.facts #rating-facts {
            dt { (ctx.t("评分", "Score")) } dd #rating-score { strong { (r.score) " / 5" } }
            dt { (ctx.t("申请人意见", "The applicant's comment")) } dd #rating-comment { (r.comment.as_deref().unwrap_or("—")) }
            dt { (ctx.t("评价时间", "Rated")) } dd { (names::time(r.at, state.hall, l)) }
            @if let Some(due) = r.follow_up_due {
                dt { (ctx.t("整改期限", "Rectification due")) } dd #rating-due { (names::date(state.hall.last_day(due), l)) }
            }
            dt { (ctx.t("整改情况", "Rectification")) } dd #rectification {
                @match (&r.follow_up_note, r.followed_up_at) {
                    (Some(note), Some(at)) => {
                        (note) " — " (r.followed_up_by.as_deref().unwrap_or("")) " "
                        span.hint { (names::time(at, state.hall, l)) }
                    }
                    _ => { (ctx.t("尚未登记", "Not recorded yet")) }
                }
            }
        }
    }
}

/// The form that records a rating's 整改, posted to `action`.
pub(crate) fn rectification_form(
    ctx: &Ctx,
    action: &str,
    failed: Option<(&Problem, &str)>,
) -> Markup {
    html! {
        section.action-box aria-labelledby="h-rectification" {
            h3 #h-rectification { (ctx.t("登记整改情况", "Record the rectification")) }
            @if let Some((p, _)) = failed {
                div.error-summary role="alert" id="err-rectification" {
                    p { strong { (ctx.text(&p.title)) } "：" (ctx.text(&p.detail)) }
                }
            }
            form method="post" action=(action) {
                (ctx.csrf_field())
                label for="rectification-text" {
                    (ctx.t("责任部门的整改情况", "What the department did"))
                    span.hint id="rectification-hint" { (ctx.t("登记后记入评价和审计日志，登记人和时间一并记录。", "Recorded on the rating and in the audit log, with who and when.")) }
                }
                textarea #rectification-text name="text" maxlength="2000" required aria-describedby="rectification-hint" {
                    (failed.map(|(_, t)| t).unwrap_or(""))
                }
                div.actions-row { button #rectification-submit type="submit" { (ctx.t("登记整改", "Record")) } }
            }
        }
    }
}

/// One entry of what the rule saw (the alert's `detail`) in words; `None` for what the page
/// shows elsewhere (the rule's name) or says nothing (`auto`, empty values).
fn detail_line(ctx: &Ctx, key: &str, value: &serde_json::Value) -> Option<(String, String)> {
    let text = match value {
        serde_json::Value::Null | serde_json::Value::Bool(_) => return None,
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let label = match key {
        "rule_name" | "auto" => return None,
        "item_code" => ctx.t("事项编码", "Item code"),
        "window" => ctx.t("窗口", "Window"),
        "resolution" => ctx.t("关闭原因", "Why it was closed"),
        "status" => {
            let status = text
                .parse::<CaseStatus>()
                .map_or(text.clone(), |s| names::status(s, ctx.lang).to_owned());
            return Some((
                ctx.t("发出时办件状态", "Case status when raised")
                    .to_owned(),
                status,
            ));
        }
        other => other,
    };
    Some((label.to_owned(), text))
}

/// The facts of the alert.
fn facts(ctx: &Ctx, state: &AppState, d: &AlertDetail) -> Markup {
    let l = ctx.lang;
    let a = &d.alert;
    let catalogue = state.catalogue();
    html! {
        dl.facts #alert-facts {
            dt { (ctx.t("级别", "Level")) } dd { (alert_badge(ctx, words::level(&a.level))) }
            dt { (ctx.t("规则", "Rule")) } dd { (words::rule(&a.rule, l)) }
            dt { (ctx.t("状态", "Status")) } dd #alert-status { strong { (words::status(&a.status, l)) } }
            dt { (ctx.t("责任部门", "Department")) } dd {
                @if let Some(dep) = &a.department {
                    (catalogue.department(dep).map_or(dep.as_str(), |x| x.name.as_str()))
                } @else { "—" }
            }
            dt { (ctx.t("办件", "Case")) } dd {
                @if let Some(no) = &a.case_no { a #case-link href={ "/staff/supervision/cases/" (no) } { (no) } } @else { "—" }
                @if let Some(s) = a.stage_name.as_ref().or(a.stage.as_ref()) { " · " (ctx.t("环节", "stage")) " " (s) }
            }
            dt { (ctx.t("发出时间", "Raised")) } dd { (names::time(a.raised_at, state.hall, l)) }
            dt { (ctx.t("更新时间", "Updated")) } dd { (names::time(a.updated_at, state.hall, l)) }
            @if let Some(detail) = a.detail.as_object() {
                @for (k, v) in detail {
                    @if let Some((label, text)) = detail_line(ctx, k, v) {
                        dt { (label) } dd { (text) }
                    }
                }
            }
        }
    }
}

/// The steps so far, oldest first.
fn history(ctx: &Ctx, state: &AppState, d: &AlertDetail) -> Markup {
    let l = ctx.lang;
    html! {
        h2 #steps { (ctx.t("处理记录", "Steps taken")) }
        @if d.steps.is_empty() {
            p { (ctx.t("尚未处理。", "Nothing done yet.")) }
        } @else {
            table.stack aria-labelledby="steps" {
                thead { tr {
                    th scope="col" { (ctx.t("时间", "When")) }
                    th scope="col" { (ctx.t("操作", "Step")) }
                    th scope="col" { (ctx.t("操作人", "By")) }
                    th scope="col" { (ctx.t("状态变化", "Status")) }
                    th scope="col" { (ctx.t("说明", "Note")) }
                    th scope="col" { (ctx.t("已通知", "Notified")) }
                } }
                tbody {
                    @for s in &d.steps {
                        tr {
                            td data-label=(ctx.t("时间", "When")) { (names::time(s.at, state.hall, l)) }
                            td data-label=(ctx.t("操作", "Step")) { (words::step(&s.action, l)) }
                            td data-label=(ctx.t("操作人", "By")) { (s.actor) }
                            td data-label=(ctx.t("状态变化", "Status")) {
                                (words::status(&s.from_status, l)) " → " (words::status(&s.to_status, l))
                            }
                            td data-label=(ctx.t("说明", "Note")) { (s.note.as_deref().unwrap_or("—")) }
                            td data-label=(ctx.t("已通知", "Notified")) {
                                @if s.notified.is_empty() { "—" } @else { (s.notified.join("、")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn alert_page(
    ctx: &Ctx,
    state: &AppState,
    caller: &Caller,
    id: i64,
    done: Option<AlertAction>,
    failed: Option<StepError>,
    rectify_failed: Option<(Problem, String)>,
) -> PageResult {
    let d = alerts::get(&state.app, id).await.map_err(Problem::from)?;
    let urging = urging::of_alert(&state.app, id).await?;
    let rating = rectify::rating_of_alert(&state.app, id).await?;
    let l = ctx.lang;
    let title = match l {
        Lang::Zh => format!("预警 #{id}：{}", words::rule(&d.alert.rule, l)),
        Lang::En => format!("Alert #{id}: {}", words::rule(&d.alert.rule, l)),
    };
    let case = match &d.alert.case_no {
        Some(no) => Some(
            case_section(ctx, state, caller, no, false)
                .await
                .unwrap_or_else(|p| html! { p.notice #case { (ctx.text(&p.detail)) } }),
        ),
        None => None,
    };
    let status = AlertStatus::parse(&d.alert.status);
    let allowed: Vec<AlertAction> = words::ACTIONS
        .into_iter()
        .filter(|a| status.is_some_and(|s| lifecycle::next(s, *a).is_ok()))
        .collect();
    let body = html! {
        p { a href="/staff/supervision/alerts" { "← " (ctx.t("返回预警列表", "Back to the alerts")) } }
        h1 { (title) }
        @if let Some(a) = done {
            div.success role="status" #done { p { (ctx.t("已完成：", "Done: ")) (words::action(a, l)) } }
        }
        @if let Some(e) = &failed {
            div.error-summary role="alert" {
                p {
                    (words::action(e.action, l)) (ctx.t("未完成：", " was not done: "))
                    a href={ "#h-" (e.action.as_str()) } { (ctx.text(&e.problem.detail)) }
                }
            }
        }
        (facts(ctx, state, &d))
        h2 #steps-title { (ctx.t("督办操作", "Steps")) }
        @if allowed.is_empty() {
            p { (ctx.t("预警已关闭，不能再处理。", "The alert is closed; no step can be taken.")) }
        }
        @for a in &allowed {
            (step_form(ctx, id, *a, failed.as_ref().filter(|e| e.action == *a)))
        }
        (history(ctx, state, &d))
        (orders(ctx, state, &urging))
        @if let Some(r) = &rating {
            (rating_facts(ctx, state, r))
            @if r.followed_up_at.is_none() {
                (rectification_form(ctx, &format!("/staff/supervision/alerts/{id}/rectification"), rectify_failed.as_ref().map(|(p, t)| (p, t.as_str()))))
            }
        }
        @if let Some(c) = case { (c) }
    };
    let status = failed
        .as_ref()
        .map(|e| e.problem.status)
        .or(rectify_failed.as_ref().map(|(p, _)| p.status))
        .unwrap_or(StatusCode::OK);
    Ok(Out::Page {
        status,
        title,
        body,
    })
}

/// `GET /staff/supervision/alerts/{id}`.
#[get("/staff/supervision/alerts/{id}")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: Result<web::Query<Done>, actix_web::Error>,
) -> HttpResponse {
    let done = q
        .ok()
        .and_then(|q| q.into_inner().done)
        .and_then(|d| parse_action(&d).ok());
    let result = async {
        let caller = ctx.staff_in(OVERSEERS)?;
        let id = parse_id(&id)?;
        alert_page(&ctx, &state, caller, id, done, None, None).await
    }
    .await;
    ctx.respond(result)
}

fn confirm_page(
    ctx: &Ctx,
    d: &AlertDetail,
    a: AlertAction,
    note: Option<&str>,
    reply_days: Option<u32>,
) -> Out {
    let l = ctx.lang;
    let id = d.alert.id;
    let title = match l {
        Lang::Zh => format!("确认{}：预警 #{id}", words::action(a, l)),
        Lang::En => format!("Confirm: {} alert #{id}", words::action(a, l)),
    };
    let (label, hint, _) = note_label(ctx, a);
    let body = html! {
        h1 { (title) }
        p.notice role="status" {
            (ctx.t("请核对以下内容。确认后即生效，并记入预警处理记录。", "Check the following. Once confirmed it takes effect and is recorded on the alert."))
            " " (hint)
        }
        dl.facts {
            dt { (ctx.t("操作", "Step")) } dd { strong { (words::action(a, l)) } }
            dt { (ctx.t("预警", "Alert")) } dd {
                (alert_badge(ctx, words::level(&d.alert.level))) " " (words::rule(&d.alert.rule, l))
            }
            dt { (ctx.t("办件", "Case")) } dd { (d.alert.case_no.as_deref().unwrap_or("—")) }
            dt { (label) } dd #confirm-note { (note.unwrap_or("—")) }
            @if let Some(days) = reply_days {
                dt { (ctx.t("回复期限", "Reply due in")) } dd #confirm-reply-days { (days) (ctx.t(" 个工作日", " working days")) }
            }
        }
        form method="post" action={ "/staff/supervision/alerts/" (id) "/" (a.as_str()) } {
            (ctx.csrf_field())
            input type="hidden" name="note" value=(note.unwrap_or(""));
            input type="hidden" name="confirm" value="yes";
            @if let Some(days) = reply_days {
                input type="hidden" name="reply_days" value=(days);
            }
            div.actions-row {
                button #confirm type="submit" { (crate::pages::names::confirm(words::action(a, l), l)) }
                a.button.secondary href={ "/staff/supervision/alerts/" (id) } { (ctx.t("返回修改", "Go back")) }
            }
        }
    };
    Out::ok(title, body)
}

async fn step_page(
    ctx: &Ctx,
    state: &AppState,
    id: &str,
    action: &str,
    posted: Posted,
) -> PageResult {
    let caller = ctx.staff_in(OVERSEERS)?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let id = parse_id(id)?;
    let a = parse_action(action)?;
    let entered = form.get("note").to_owned();
    let days_entered = form.get("reply_days").trim().to_owned();
    let failed = |problem: Problem| StepError {
        action: a,
        problem,
        note: entered.clone(),
        reply_days: days_entered.clone(),
    };
    let checked = check_note(Some(entered.clone()), a).and_then(|note| {
        if a != AlertAction::Urge {
            return Ok((note, None));
        }
        let days = match days_entered.as_str() {
            "" => None,
            d => Some(d.parse::<u32>().unwrap_or(0)),
        };
        Ok((note, Some(check_reply_days(days)?)))
    });
    let (note, reply_days) = match checked {
        Ok(n) => n,
        Err(e) => {
            return alert_page(ctx, state, caller, id, None, Some(failed(e.into())), None).await
        }
    };
    if form.get("confirm") != "yes" {
        let d = alerts::get(&state.app, id).await.map_err(Problem::from)?;
        return Ok(confirm_page(ctx, &d, a, note.as_deref(), reply_days));
    }
    let taken = TakeStep {
        alert: id,
        action: a,
        note,
        reply_days,
    };
    match handle::take(&state.app, caller.username(), taken)
        .await
        .map_err(Problem::from)
    {
        Ok(_) => Ok(Out::Redirect(format!(
            "/staff/supervision/alerts/{id}?done={}",
            a.as_str()
        ))),
        Err(p) if p.status == StatusCode::NOT_FOUND => Err(PageErr::Problem(p)),
        Err(p) => alert_page(ctx, state, caller, id, None, Some(failed(p)), None).await,
    }
}

async fn rectify_page(ctx: &Ctx, state: &AppState, id: &str, posted: Posted) -> PageResult {
    let caller = ctx.staff_in(OVERSEERS)?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let id = parse_id(id)?;
    let text = form.get("text").to_owned();
    match rectify::record(&state.app, caller.username(), id, &text).await {
        Ok(_) => Ok(Out::Redirect(format!(
            "/staff/supervision/alerts/{id}#rating"
        ))),
        Err(e) => {
            let p = Problem::from(e);
            if p.status == StatusCode::NOT_FOUND {
                return Err(PageErr::Problem(p));
            }
            alert_page(ctx, state, caller, id, None, None, Some((p, text))).await
        }
    }
}

/// `POST /staff/supervision/alerts/{id}/rectification`: records the department's 整改 of
/// the bad rating behind the alert.
#[post("/staff/supervision/alerts/{id}/rectification")]
pub async fn rectification(
    ctx: Ctx,
    state: web::Data<AppState>,
    id: web::Path<String>,
    posted: Posted,
) -> HttpResponse {
    let result = rectify_page(&ctx, &state, &id, posted).await;
    ctx.respond(result)
}

/// `POST /staff/supervision/alerts/{id}/{acknowledge|urge|resolve|escalate}`: first the
/// confirmation page, then (with `confirm=yes`) the step.
#[post("/staff/supervision/alerts/{id}/{action}")]
pub async fn step(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    posted: Posted,
) -> HttpResponse {
    let (id, action) = path.into_inner();
    let result = step_page(&ctx, &state, &id, &action, posted).await;
    ctx.respond(result)
}
