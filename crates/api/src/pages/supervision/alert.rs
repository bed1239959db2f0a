//! One alert for the supervision office: what was raised, the case it is about (facts,
//! stages, timeline), the steps taken so far, and a form for each step its status allows —
//! acknowledge, urge (督办, with the message to the department), resolve (with an
//! explanation), escalate (with a reason) — each confirmed before it is taken by the same
//! code as `POST /api/v1/supervision/alerts/{id}/{step}`.

use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;
use tongban_core::case::CaseStatus;

use super::words;
use crate::auth::caller::Caller;
use crate::lang::Lang;
use crate::pages::case_parts;
use crate::pages::ctx::{Ctx, Out, PageErr, PageResult, OVERSEERS};
use crate::pages::form::{Form, Posted};
use crate::pages::names;
use crate::pages::staff::alert_badge;
use crate::problem::{Problem, Text};
use crate::routes::cases::visible_case;
use crate::state::AppState;
use tongban_app::supervision::alerts::{self, AlertDetail};
use tongban_app::supervision::handle::{self, check_note, TakeStep};
use tongban_app::{Code, Error};
use tongban_core::supervision::lifecycle::{self, AlertAction, AlertStatus};

/// A step that failed: shown next to its form with what was entered.
struct StepError {
    action: AlertAction,
    problem: Problem,
    note: String,
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
                div.actions-row { button id={ (s) "-submit" } type="submit" { (words::action(a, ctx.lang)) "…" } }
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
                @if let Some(no) = &a.case_no { a href="#case" { (no) } } @else { "—" }
                @if let Some(s) = &a.stage { " · " (ctx.t("环节", "stage")) " " (s) }
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

/// The case the alert is about: facts, stages and timeline.
async fn case_section(
    ctx: &Ctx,
    state: &AppState,
    caller: &Caller,
    case_no: &str,
) -> Result<Markup, Problem> {
    let case = visible_case(state, caller, case_no).await?;
    let timeline = tongban_app::cases::events::of_case(state, &case.case_no).await?;
    let catalogue = state.catalogue();
    let (view, item) = case_parts::view_with_item(&catalogue, &state.calendar(), case);
    let case = &view.case;
    let l = ctx.lang;
    Ok(html! {
        section #case aria-labelledby="case-title" {
            h2 #case-title { (ctx.t("办件", "Case")) " " (case.case_no) }
            dl.facts {
                dt { (ctx.t("事项", "Item")) } dd { (view.item_name) " (" (case.item_code) ")" }
                dt { (ctx.t("状态", "Status")) } dd { strong { (names::status(case.status, l)) } }
                dt { (ctx.t("申请人", "Applicant")) } dd { (case.applicant.name) }
                dt { (ctx.t("收件", "Received")) } dd {
                    (names::time(case.received_at, state.hall, l))
                    @if let Some(w) = &case.window { " · " (ctx.t("窗口", "window")) " " (w) }
                    @else { " · " (ctx.t("网上申请", "online")) }
                }
                (case_parts::dues(ctx, &view))
            }
            @if let Some(item) = &item {
                (case_parts::stages(ctx, &catalogue, item, &view))
            }
            h3 { (ctx.t("办理过程", "Timeline")) }
            (case_parts::timeline(ctx, state, &timeline, item.as_ref(), true))
        }
    })
}

async fn alert_page(
    ctx: &Ctx,
    state: &AppState,
    caller: &Caller,
    id: i64,
    done: Option<AlertAction>,
    failed: Option<StepError>,
) -> PageResult {
    let d = alerts::get(&state.app, id).await.map_err(Problem::from)?;
    let l = ctx.lang;
    let title = match l {
        Lang::Zh => format!("预警 #{id}：{}", words::rule(&d.alert.rule, l)),
        Lang::En => format!("Alert #{id}: {}", words::rule(&d.alert.rule, l)),
    };
    let case = match &d.alert.case_no {
        Some(no) => Some(
            case_section(ctx, state, caller, no)
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
        @if let Some(c) = case { (c) }
    };
    let status = failed.as_ref().map_or(StatusCode::OK, |e| e.problem.status);
    Ok(Out::Page {
        status,
        title,
        body,
    })
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
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
        alert_page(&ctx, &state, caller, id, done, None).await
    }
    .await;
    ctx.respond(result)
}

fn confirm_page(ctx: &Ctx, d: &AlertDetail, a: AlertAction, note: Option<&str>) -> Out {
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
        }
        form method="post" action={ "/staff/supervision/alerts/" (id) "/" (a.as_str()) } {
            (ctx.csrf_field())
            input type="hidden" name="note" value=(note.unwrap_or(""));
            input type="hidden" name="confirm" value="yes";
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
    let failed = |problem: Problem| StepError {
        action: a,
        problem,
        note: entered.clone(),
    };
    let note = match check_note(Some(entered.clone()), a) {
        Ok(n) => n,
        Err(e) => return alert_page(ctx, state, caller, id, None, Some(failed(e.into()))).await,
    };
    if form.get("confirm") != "yes" {
        let d = alerts::get(&state.app, id).await.map_err(Problem::from)?;
        return Ok(confirm_page(ctx, &d, a, note.as_deref()));
    }
    let taken = TakeStep {
        alert: id,
        action: a,
        note,
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
        Err(p) => alert_page(ctx, state, caller, id, None, Some(failed(p))).await,
    }
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
