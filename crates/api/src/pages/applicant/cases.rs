//! 我的办件: the signed-in applicant's cases (the scope `GET /api/v1/cases` gives an
//! applicant: their own), and one case with its due dates, next step, what is missing, its
//! files and timeline; the supplement form while a notice is open, and the rating once it
//! has ended.

use actix_web::{get, http::StatusCode, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::cases::act::item_of;
use tongban_app::cases::evaluation::{self, Evaluation};
use tongban_app::cases::queue::{self, Ask, Paging};
use tongban_app::cases::{attachments, events};
use tongban_core::case::{Case, CaseStatus};
use tongban_core::item::Item;

use super::upload_form::{file_input, material_field};
use crate::auth::caller::Caller;
use crate::casework::view::CaseView;
use crate::pages::application::{error_summary, error_summary_linked, field_error};
use crate::pages::case_parts;
use crate::pages::ctx::{Ctx, Out, PageResult};
use crate::pages::deadline;
use crate::pages::form::{Done, Form};
use crate::pages::names;
use crate::pages::staff::queue::next_due;
use crate::problem::Problem;
use crate::routes::cases::visible_case;
use crate::state::AppState;

/// Most cases shown on one page of "my cases".
const PER_PAGE: u32 = 100;

async fn list_page(ctx: &Ctx, state: &AppState) -> PageResult {
    let caller = ctx.applicant()?;
    let paging = Paging {
        page: 1,
        per_page: PER_PAGE,
    };
    let (cases, total) = queue::cases(state, &caller.0, Ask::default(), paging).await?;
    let catalogue = state.catalogue();
    let l = ctx.lang;
    let views: Vec<CaseView> = cases
        .into_iter()
        .map(|c| CaseView::new(c, &catalogue, &state.calendar()))
        .collect();
    // The explanation of the 暂定 mark goes once under the list, when a date shown has it.
    let provisional = views
        .iter()
        .any(|v| next_due(v).is_some_and(|(d, _, _)| v.is_provisional(d)));
    let title = ctx.t("我的办件", "My cases");
    let body = html! {
        h1 { (title) }
        p aria-live="polite" {
            @match l {
                crate::lang::Lang::Zh => { "共 " (total) " 件" }
                crate::lang::Lang::En => { (total) " cases" }
            }
            " · " a href="/guide" { (ctx.t("在办事指南中查找事项并在线申请", "Find an item in the guide and apply online")) }
        }
        @if views.is_empty() {
            p { (ctx.t("您还没有办件。", "You have no cases yet.")) }
        } @else {
            table.stack #my-cases {
                caption { (ctx.t("按申请时间排序，最早的在前", "Oldest first")) }
                thead { tr {
                    th scope="col" { (ctx.t("办件编号", "Case number")) }
                    th scope="col" { (ctx.t("事项", "Item")) }
                    th scope="col" { (ctx.t("状态", "Status")) }
                    th scope="col" { (ctx.t("申请时间", "Submitted")) }
                    th scope="col" { (ctx.t("期限", "Due")) }
                } }
                tbody {
                    @for v in &views {
                        tr {
                            td data-label=(ctx.t("办件编号", "Case number")) {
                                a href={ "/my/cases/" (v.case.case_no) } { (v.case.case_no) }
                            }
                            td data-label=(ctx.t("事项", "Item")) { (v.item_name) }
                            td data-label=(ctx.t("状态", "Status")) { (names::status(v.case.status, l)) }
                            td data-label=(ctx.t("申请时间", "Submitted")) { (names::time(v.case.received_at, state.hall, l)) }
                            td data-label=(ctx.t("期限", "Due")) {
                                @if let Some((d, zh, en)) = next_due(v) {
                                    (case_parts::due_date(l, v, d)) " " span.hint { (ctx.t(zh, en)) }
                                } @else { "—" }
                            }
                        }
                    }
                }
            }
            @if provisional { (case_parts::provisional_note(l)) }
        }
    };
    Ok(Out::ok(title, body))
}

/// `GET /my/cases`.
#[get("/my/cases")]
pub async fn list(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    let result = list_page(&ctx, &state).await;
    ctx.respond(result)
}

/// The form of the case page that failed, with its problem and what was entered.
pub enum Failed {
    Supplement(Problem),
    Evaluation(Problem, Form),
}

impl Failed {
    fn problem(&self) -> &Problem {
        match self {
            Failed::Supplement(p) | Failed::Evaluation(p, _) => p,
        }
    }
}

fn supplement_form(
    ctx: &Ctx,
    state: &AppState,
    case: &Case,
    item: &Item,
    error: Option<&Problem>,
) -> Markup {
    let Some(notice) = case.supplement_notices.last() else {
        return html! {};
    };
    let limits = state.uploads;
    html! {
        section.action-box #supplement aria-labelledby="h-supplement" {
            h2 #h-supplement { (ctx.t("提交补正材料", "Hand in the missing materials")) }
            (error_summary_linked(ctx, error, |f| material_field(item, f)))
            form method="post" action={ "/my/cases/" (case.case_no) "/supplement" } enctype="multipart/form-data" {
                (ctx.csrf_field())
                input type="hidden" name="version" value=(case.version);
                @for missing in &notice.missing {
                    @if let Some(m) = item.material(&missing.code) {
                        (file_input(ctx, m, &limits, error))
                    }
                }
                div.actions-row { button #supplement-submit type="submit" { (ctx.t("提交补正材料", "Hand in")) } }
            }
        }
    }
}

fn evaluation_form(
    ctx: &Ctx,
    case: &Case,
    done: Option<&Evaluation>,
    failed: Option<(&Problem, &Form)>,
) -> Markup {
    let error = failed.map(|f| f.0);
    let chosen = failed
        .map(|f| f.1.get("score").to_owned())
        .unwrap_or_default();
    let labels = [
        ("非常不满意", "Very dissatisfied"),
        ("不满意", "Dissatisfied"),
        ("基本满意", "Fair"),
        ("满意", "Satisfied"),
        ("非常满意", "Very satisfied"),
    ];
    html! {
        section.action-box #evaluation aria-labelledby="h-evaluation" {
            h2 #h-evaluation { (ctx.t("服务评价（好差评）", "Rate the service")) }
            @if let Some(e) = done {
                p #evaluated {
                    (ctx.t("您已评价：", "You rated it: ")) strong { (e.score) " / 5" }
                    @if let Some(c) = &e.comment { " — " (c) }
                }
            }
            (error_summary(ctx, error))
            @if done.is_none() || error.is_some() {
                form method="post" action={ "/my/cases/" (case.case_no) "/evaluation" } {
                    (ctx.csrf_field())
                    fieldset {
                        legend { (ctx.t("评分（1 到 5 分）", "Score (1 to 5)")) }
                        (field_error(ctx, error, "score", "score"))
                        @for (i, (zh, en)) in labels.iter().enumerate() {
                            @let n = (i + 1).to_string();
                            label.choice for={ "score-" (n) } {
                                input id={ "score-" (n) } type="radio" name="score" value=(n) required checked[chosen == n];
                                span { (n) " · " (ctx.t(zh, en)) }
                            }
                        }
                    }
                    label for="comment" { (ctx.t("意见建议", "Comment")) span.hint { (ctx.t("（可选）", "(optional)")) } }
                    (field_error(ctx, error, "comment", "comment"))
                    textarea #comment name="comment" maxlength="2000" {
                        (failed.map(|f| f.1.get("comment")).unwrap_or(""))
                    }
                    div.actions-row { button #evaluation-submit type="submit" { (ctx.t("提交评价", "Submit the rating")) } }
                }
            }
        }
    }
}

/// The applicant's page of one case; `failed` puts a problem next to its form.
pub async fn case_page(
    ctx: &Ctx,
    state: &AppState,
    caller: &Caller,
    case_no: &str,
    done: Option<&str>,
    failed: Option<Failed>,
) -> PageResult {
    let case = visible_case(state, caller, case_no).await?;
    let catalogue = state.catalogue();
    let item = item_of(&state.cached(), &case)?.clone();
    let timeline = events::of_case(state, &case.case_no).await?;
    let evaluation = evaluation::of_case(state, &case.case_no).await?;
    let files = attachments::of_case(state, &case.case_no).await?;
    let calendar = state.calendar();
    let clocks = deadline::told_to_applicant(deadline::clocks_of(
        &case,
        Some(&item),
        &calendar,
        state.hall,
    ));
    let view = CaseView::new(case, &catalogue, &calendar);
    let case = &view.case;
    let l = ctx.lang;
    let title = match l {
        crate::lang::Lang::Zh => format!("办件 {}", case.case_no),
        crate::lang::Lang::En => format!("Case {}", case.case_no),
    };
    let done = match done {
        Some("submitted") => Some(ctx.t(
            "申请已提交。请记下办件编号和查询码；窗口受理后会通知您。",
            "Application submitted. Keep the case number and query code; you will be told when the window accepts it.",
        )),
        Some("supplemented") => Some(ctx.t("补正材料已提交。", "The materials have been handed in.")),
        Some("evaluated") => Some(ctx.t("感谢您的评价。", "Thank you for your rating.")),
        Some("withdrawn") => Some(ctx.t("申请已撤回。", "The application is withdrawn.")),
        Some("complained") => Some(ctx.t(
            "投诉已提交，电子监察部门将处理并告知结果。",
            "Your complaint is in; the e-supervision office will handle it and tell you the outcome.",
        )),
        _ => None,
    };
    let supplement_error = match &failed {
        Some(Failed::Supplement(p)) => Some(p),
        _ => None,
    };
    let evaluation_failed = match &failed {
        Some(Failed::Evaluation(p, f)) => Some((p, f)),
        _ => None,
    };
    let body = html! {
        p.no-print { a href="/my/cases" { "← " (ctx.t("返回我的办件", "Back to my cases")) } }
        h1 { (title) }
        @if let Some(d) = done { div.success role="status" { p { (d) } } }
        dl.facts {
            dt { (ctx.t("事项", "Item")) } dd { a href={ "/guide/" (item.code) } { (item.name) } " (" (item.code) ")" }
            dt { (ctx.t("状态", "Status")) } dd #case-status { strong { (names::status_of(case.status, Some(&item), l)) } }
            dt { (ctx.t("查询码", "Query code")) } dd { code { (case.query_code) } }
            dt { (ctx.t("申请人", "Applicant")) } dd { (case.applicant.name) " · " (names::applicant_kind(case.applicant.kind, l)) }
            dt { (ctx.t("申请时间", "Submitted")) } dd { (names::time(case.received_at, state.hall, l)) }
            (case_parts::dues(ctx, &view))
            @if let Some(d) = &case.delivery {
                dt { (ctx.t("送达", "Delivered")) } dd { (names::delivery(d.method, l)) " · " (names::time(d.at, state.hall, l)) }
                @if let Some(p) = &d.post {
                    dt { (ctx.t("邮寄地址", "Postal address")) } dd { (p.address) }
                    dt { (ctx.t("快递单号", "Tracking number")) } dd #tracking-no { strong { (p.tracking_no) } }
                }
            }
        }
        h2 { (ctx.t("下一步", "Next step")) }
        (case_parts::next_step(ctx, &view))
        (case_parts::missing(ctx, case, Some(&item)))
        (case_parts::progress(ctx, state, &item, &view))
        (deadline::section(l, &clocks, Some(&item)))
        @if case.status == CaseStatus::SupplementPending {
            (supplement_form(ctx, state, case, &item, supplement_error))
        }
        (case_parts::attachments(ctx, state, &files, Some(&item)))
        (crate::pages::documents::links(ctx, case, Some(&item)))
        @if case.status.is_terminal() {
            (evaluation_form(ctx, case, evaluation.as_ref(), evaluation_failed))
        }
        h2 { (ctx.t("办理过程", "Timeline")) }
        (case_parts::timeline(ctx, state, &timeline, Some(&item), false))
        p.case-requests {
            @if !case.status.is_terminal() {
                a href={ "/my/cases/" (case.case_no) "/withdraw" } { (ctx.t("撤回申请", "Withdraw the application")) }
                " · "
            }
            a href={ "/my/cases/" (case.case_no) "/complaint" } { (ctx.t("投诉", "Complain")) }
        }
    };
    Ok(Out::Page {
        status: failed
            .as_ref()
            .map_or(StatusCode::OK, |f| f.problem().status),
        title,
        body,
    })
}

async fn show_page(ctx: &Ctx, state: &AppState, case_no: &str, done: Option<&str>) -> PageResult {
    let caller = ctx.applicant()?;
    case_page(ctx, state, caller, case_no, done, None).await
}

/// `GET /my/cases/{no}`.
#[get("/my/cases/{case_no}")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
    q: Result<web::Query<Done>, actix_web::Error>,
) -> HttpResponse {
    let done = q.ok().and_then(|q| q.into_inner().done);
    let result = show_page(&ctx, &state, &case_no, done.as_deref()).await;
    ctx.respond(result)
}
