//! Printable documents for the applicant: the receipt (收件回执) with the case number and
//! query code, and the one-time supplement notice (补正材料一次性告知书). Print CSS hides
//! the site around them.

use actix_web::{get, web, HttpResponse};
use maud::{html, Markup};

use crate::pages::case_parts::{self, material_name};
use crate::pages::ctx::{Ctx, Out, PageResult};
use crate::pages::names;
use crate::problem::{Problem, Text};
use crate::routes::cases::visible_case;
use crate::state::AppState;
use tongban_app::mask;
use tongban_app::{Code, Error};

/// The way back to the case, and how to print, above every printable document.
pub(super) fn back(ctx: &Ctx, case_no: &str) -> Markup {
    html! {
        p.no-print {
            a href={ "/staff/cases/" (case_no) } { "← " (ctx.t("返回办件", "Back to the case")) }
            " · " (ctx.t("使用浏览器的“打印”打印本页。", "Use your browser's Print to print this page."))
        }
    }
}

/// The head of a written notice: its title, the case number and whom it is addressed to.
pub(super) fn letter_head(ctx: &Ctx, title: &str, case: &tongban_core::case::Case) -> Markup {
    html! {
        h1 { (title) }
        p.doc-no { (ctx.t("办件编号：", "Case number: ")) (case.case_no) }
        p { (case.applicant.name) (ctx.t("：", ":")) }
    }
}

async fn receipt_page(ctx: &Ctx, state: &AppState, case_no: &str) -> PageResult {
    let caller = ctx.clerk()?;
    let case = visible_case(state, caller, case_no).await?;
    let catalogue = state.catalogue();
    let (view, item) = case_parts::view_with_item(&catalogue, &state.calendar(), case);
    let case = &view.case;
    let l = ctx.lang;
    let title = ctx.t("收件回执", "Receipt");
    let window = case
        .window
        .as_deref()
        .and_then(|w| catalogue.window(w))
        .map(|w| format!("{} · {}", w.code, w.name));
    let body = html! {
        (back(ctx, &case.case_no))
        article.document {
            h1 { (title) }
            dl.facts {
                dt { (ctx.t("办件编号", "Case number")) } dd { strong { (case.case_no) } }
                dt { (ctx.t("查询码", "Query code")) } dd { strong { (case.query_code) } }
                dt { (ctx.t("办理事项", "Item")) } dd { (view.item_name) }
                dt { (ctx.t("申请人", "Applicant")) } dd { (case.applicant.name) }
                dt { (ctx.t("证件号码", "ID number")) } dd { (mask::id_number(&case.applicant.id_number)) }
                dt { (ctx.t("收件时间", "Received")) } dd { (names::time(case.received_at, state.hall, l)) }
                @if let Some(w) = &window { dt { (ctx.t("收件窗口", "Window")) } dd { (w) } }
                (crate::pages::case_parts::dues(ctx, &view))
            }
            h2 { (ctx.t("已收材料", "Materials received")) }
            @if case.materials.is_empty() {
                p { (ctx.t("无", "None")) }
            } @else {
                table {
                    thead { tr { th scope="col" { (ctx.t("材料", "Material")) } th scope="col" { (ctx.t("份数", "Copies")) } } }
                    tbody {
                        @for m in &case.materials {
                            tr { td { (material_name(item.as_ref(), &m.code)) } td { (m.copies) } }
                        }
                    }
                }
            }
            p {
                (ctx.t(
                    "凭办件编号和查询码，可在本网站“办件查询”或到窗口查询办理进度。请妥善保管查询码，不要告诉他人。",
                    "With the case number and query code you can follow the case under “Case status” on this site or at the window. Keep the query code to yourself."
                ))
            }
            div.signature {
                span { (ctx.t("经办人：", "Clerk: ")) (caller.username()) }
                span { (ctx.t("日期：", "Date: ")) (names::date(state.hall.local_date(case.received_at), l)) }
            }
        }
    };
    Ok(Out::ok(title, body))
}

/// `GET /staff/cases/{no}/receipt`.
#[get("/staff/cases/{case_no}/receipt")]
pub async fn receipt_doc(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
) -> HttpResponse {
    let result = receipt_page(&ctx, &state, &case_no).await;
    ctx.respond(result)
}

async fn notice_page(ctx: &Ctx, state: &AppState, case_no: &str) -> PageResult {
    let caller = ctx.clerk()?;
    let case = visible_case(state, caller, case_no).await?;
    let Some(notice) = case.supplement_notices.last().cloned() else {
        return Err(Problem::from(Error::new(
            Code::NoSupplementNotice,
            Text::new("没有一次性告知书", "No supplement notice"),
            Text::new(
                format!("办件 {} 没有发出过一次性告知。", case.case_no),
                format!("No supplement notice was issued for case {}.", case.case_no),
            ),
        ))
        .into());
    };
    let catalogue = state.catalogue();
    let item = catalogue.item_version(&case.item_code, case.item_version);
    let l = ctx.lang;
    let title = ctx.t("补正材料一次性告知书", "One-time supplement notice");
    let body = html! {
        (back(ctx, &case.case_no))
        article.document {
            (letter_head(ctx, title, &case))
            p {
                @match l {
                    crate::lang::Lang::Zh => {
                        "您申请的“" (item.map(|i| i.name.as_str()).unwrap_or(&case.item_code))
                        "”申请材料不齐全或不符合法定形式。根据《中华人民共和国行政许可法》第三十二条，现一次性告知您需要补正的全部内容："
                    }
                    crate::lang::Lang::En => {
                        "The application for “" (item.map(|i| i.name.as_str()).unwrap_or(&case.item_code))
                        "” is incomplete or not in the required form. Under article 32 of the Administrative Licensing Law, this notice lists at once everything you need to hand in:"
                    }
                }
            }
            ol {
                @for m in &notice.missing {
                    li {
                        (material_name(item, &m.code))
                        @if !m.note.trim().is_empty() { "（" (m.note) "）" }
                    }
                }
            }
            p {
                (ctx.t(
                    "补正材料提交后，受理期限重新计算。凭办件编号和查询码可随时查询办理进度。",
                    "The acceptance period starts again when you hand the materials in. You can follow the case with its case number and query code."
                ))
            }
            div.signature {
                span { (ctx.t("经办人：", "Clerk: ")) (notice.by) }
                span { (ctx.t("告知日期：", "Date: ")) (names::date(state.hall.local_date(notice.at), l)) }
            }
        }
    };
    Ok(Out::ok(title, body))
}

/// `GET /staff/cases/{no}/notice`: the latest one-time supplement notice.
#[get("/staff/cases/{case_no}/notice")]
pub async fn notice_doc(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
) -> HttpResponse {
    let result = notice_page(&ctx, &state, &case_no).await;
    ctx.respond(result)
}
