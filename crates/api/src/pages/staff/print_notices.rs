//! Printable written notices the law asks for after intake: the acceptance notice (受理通知书,
//! art. 32, also when the law accepted the case), and per special procedure the notice that
//! the clocks stop and, once resumed, that they run again (art. 45).

use actix_web::{get, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::{Code, Error};
use tongban_core::case::{Case, Suspension};

use super::print::{back, letter_head};
use crate::lang::Lang;
use crate::pages::case_parts;
use crate::pages::ctx::{Ctx, Out, PageResult, CASE_WORKERS};
use crate::pages::names;
use crate::problem::{Problem, Text};
use crate::routes::cases::visible_case;
use crate::state::AppState;

fn none(code: Code, zh: &str, en: &str, case: &Case) -> Problem {
    Problem::from(Error::new(
        code,
        Text::new(zh, en),
        Text::new(
            format!("办件 {}：{zh}。", case.case_no),
            format!("Case {}: {}.", case.case_no, en.to_lowercase()),
        ),
    ))
}

async fn acceptance_page(ctx: &Ctx, state: &AppState, case_no: &str) -> PageResult {
    let caller = ctx.staff_in(CASE_WORKERS)?;
    let case = visible_case(state, caller, case_no).await?;
    let Some(decision) = case.clocks.decision else {
        return Err(none(Code::NotAccepted, "尚未受理", "Not accepted yet", &case).into());
    };
    let catalogue = state.catalogue();
    let (view, _) = case_parts::view_with_item(&catalogue, &state.calendar(), case);
    let case = &view.case;
    let l = ctx.lang;
    let title = ctx.t("受理通知书", "Acceptance notice");
    let deemed = case.clocks.deemed_accepted;
    let started = names::date(decision.started_on, l);
    let body = html! {
        (back(ctx, &case.case_no))
        article.document {
            (letter_head(ctx, title, case))
            p {
                @match (l, deemed) {
                    (Lang::Zh, false) => { "您申请的“" (view.item_name) "”，本机关已于 " (started) " 受理。" }
                    (Lang::Zh, true) => {
                        "您申请的“" (view.item_name) "”，本机关未在法定期限内作出是否受理的决定，依据《中华人民共和国行政许可法》第三十二条，自收到申请之日（"
                        (started) "）起即为受理。"
                    }
                    (Lang::En, false) => { "Your application for “" (view.item_name) "” was accepted on " (started) "." }
                    (Lang::En, true) => {
                        "No decision on accepting your application for “" (view.item_name)
                        "” was taken in time; under article 32 of the Administrative Licensing Law it is accepted as of the day it was received (" (started) ")."
                    }
                }
            }
            dl.facts { (case_parts::dues(ctx, &view)) }
            @if !case.promised_materials.is_empty() {
                p { (ctx.t("容缺受理，请尽快补交：", "Accepted with materials to follow; please hand in: "))
                    @for (i, m) in case.promised_materials.iter().enumerate() {
                        @if i > 0 { (ctx.t("、", ", ")) }
                        (m.code)
                    }
                }
            }
            p {
                (ctx.t(
                    "凭办件编号和查询码可随时查询办理进度。",
                    "You can follow the case with its case number and query code."
                ))
            }
            div.signature {
                @if let Some(r) = &case.acceptance_recorded {
                    span { (ctx.t("经办人：", "Clerk: ")) (r.by) }
                    span { (ctx.t("日期：", "Date: ")) (names::date(state.hall.local_date(r.at), l)) }
                } @else {
                    span { (ctx.t("受理日期：", "Accepted on: ")) (started) }
                }
            }
        }
    };
    Ok(Out::ok(title, body))
}

/// `GET /staff/cases/{no}/acceptance`: the acceptance notice.
#[get("/staff/cases/{case_no}/acceptance")]
pub async fn acceptance_doc(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
) -> HttpResponse {
    let result = acceptance_page(&ctx, &state, &case_no).await;
    ctx.respond(result)
}

fn resumed_part(ctx: &Ctx, state: &AppState, case: &Case, s: &Suspension) -> Markup {
    let l = ctx.lang;
    let Some(resumed_at) = s.resumed_at else {
        return html! {
            p { (ctx.t("特别程序结束时，将另行书面告知恢复计算的办理时限。", "You will be told in writing when the special procedure ends and the clock runs again.")) }
        };
    };
    let excluded = tongban_core::clock::excluded_span(state.hall, s.suspended_at, resumed_at);
    html! {
        h2 { (ctx.t("特别程序结束告知", "End of the special procedure")) }
        p {
            (ctx.t("特别程序已于 ", "The special procedure ended on "))
            (names::time(resumed_at, state.hall, l))
            (ctx.t(" 结束，自即日起恢复计算办理时限。", "; the clock runs again from then."))
        }
        p {
            @match (excluded, l) {
                (Some(span), Lang::Zh) => { (names::date(span.from, l)) " 至 " (names::date(span.to, l)) " 不计入办理时限。" }
                (Some(span), Lang::En) => { "Not counted: " (names::date(span.from, l)) " to " (names::date(span.to, l)) "." }
                (None, _) => { (ctx.t("中止期间未占满一个工作日的办公时间，不扣除办理时限。", "The suspension did not cover a whole day of office hours: no day is taken out of the count.")) }
            }
        }
        @if let Some(d) = case.clocks.decision {
            dl.facts {
                dt { (ctx.t("承诺办结日期", "Promised decision date")) } dd { (names::date(d.promised_due.date, l)) }
                dt { (ctx.t("法定办结期限", "Legal decision deadline")) } dd { (names::date(d.legal_due.date, l)) }
            }
        }
    }
}

async fn suspension_page(ctx: &Ctx, state: &AppState, case_no: &str, n: usize) -> PageResult {
    let caller = ctx.staff_in(CASE_WORKERS)?;
    let case = visible_case(state, caller, case_no).await?;
    let Some(s) = n
        .checked_sub(1)
        .and_then(|i| case.suspensions.get(i))
        .cloned()
    else {
        return Err(none(
            Code::NoSuspension,
            "没有这次特别程序",
            "No such special procedure",
            &case,
        )
        .into());
    };
    let catalogue = state.catalogue();
    let item_name = catalogue
        .item_version(&case.item_code, case.item_version)
        .map_or(case.item_code.clone(), |i| i.name.clone());
    let l = ctx.lang;
    let title = ctx.t("特别程序告知书", "Special procedure notice");
    let procedure = names::procedure(s.procedure, l);
    let body = html! {
        (back(ctx, &case.case_no))
        article.document {
            (letter_head(ctx, title, &case))
            p {
                @match l {
                    Lang::Zh => {
                        "您申请的“" (item_name) "”，依据《中华人民共和国行政许可法》第四十五条，自 "
                        (names::time(s.suspended_at, state.hall, l)) " 起进入" (procedure) "程序，所需时间不计入办理时限。"
                    }
                    Lang::En => {
                        "Under article 45 of the Administrative Licensing Law, your application for “" (item_name)
                        "” is in " (procedure) " from " (names::time(s.suspended_at, state.hall, l)) "; that time is not counted."
                    }
                }
            }
            p { (ctx.t("说明：", "Note: ")) (s.note) }
            (resumed_part(ctx, state, &case, &s))
            div.signature {
                span { (ctx.t("经办人：", "Officer: ")) (s.by) }
                span { (ctx.t("告知日期：", "Date: ")) (names::date(state.hall.local_date(s.resumed_at.unwrap_or(s.suspended_at)), l)) }
            }
        }
    };
    Ok(Out::ok(title, body))
}

/// `GET /staff/cases/{no}/suspensions/{n}`: the notice of the case's n-th special procedure
/// (1-based), with its end once resumed.
#[get("/staff/cases/{case_no}/suspensions/{n}")]
pub async fn suspension_doc(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, usize)>,
) -> HttpResponse {
    let (case_no, n) = path.into_inner();
    let result = suspension_page(&ctx, &state, &case_no, n).await;
    ctx.respond(result)
}
