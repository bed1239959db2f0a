//! The printable documents (文书) of a case: one page per document with its print and PDF
//! links, and the PDF itself, made on the server. Anyone who may read the case may print
//! its documents (the case scope decides); the first print draws the document's number.

mod decisions;
mod frame;
mod notices;

use actix_web::{get, http::header, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::documents::Sheet;
use tongban_app::{Code, Error};
use tongban_core::case::Case;
use tongban_core::document::{self, decision_title, DocumentKind, DocumentRef};
use tongban_core::item::{Item, ItemCategory};

use crate::casework::view::CaseView;
use crate::lang::Lang;
use crate::pages::case_parts::{self, due_date, material_name};
use crate::pages::ctx::{Ctx, Out, PageErr, PageResult};
use crate::problem::{Problem, Text};
use crate::state::AppState;

use frame::Written;

/// Everything a document's text is made from.
pub(super) struct Parts<'a> {
    l: Lang,
    state: &'a AppState,
    sheet: &'a Sheet,
    item: Option<&'a Item>,
    item_name: &'a str,
    view: &'a CaseView,
}

impl Parts<'_> {
    fn name_of(&self, username: &str) -> String {
        self.sheet.name_of(username).to_owned()
    }

    fn window_name(&self, code: &str) -> Option<String> {
        self.state.catalogue().window(code).map(|w| w.name.clone())
    }

    fn materials_table(&self) -> Markup {
        let l = self.l;
        let case = &self.sheet.case;
        html! {
            @if case.materials.is_empty() {
                p { (l.pick("未收到材料。", "No materials received.")) }
            } @else {
                table.materials {
                    thead { tr {
                        th scope="col" { (l.pick("材料", "Material")) }
                        th scope="col" { (l.pick("份数", "Copies")) }
                    } }
                    tbody {
                        @for m in &case.materials {
                            tr { td { (material_name(self.item, &m.code)) } td { (m.copies) } }
                        }
                    }
                }
            }
        }
    }

    /// The decision dates as they stand, each marked 暂定 when provisional.
    fn decision_dues(&self) -> Markup {
        let (l, view) = (self.l, self.view);
        html! {
            @if view.promised_due.is_some() || view.legal_due.is_some() {
                p {
                    @if let Some(d) = view.promised_due {
                        (l.pick("承诺办结日期：", "Promised decision date: ")) (due_date(l, view, d)) (l.pick("；", "; "))
                    }
                    @if let Some(d) = view.legal_due {
                        (l.pick("法定办结期限：", "Legal decision deadline: ")) (due_date(l, view, d)) (l.pick("。", "."))
                    }
                }
                @if view.provisional { p.provisional-note { (case_parts::provisional_note_text(l)) } }
            }
        }
    }
}

/// A document's title: a decision's by the item's category and the outcome.
pub fn title(l: Lang, kind: DocumentKind, case: &Case, category: ItemCategory) -> &'static str {
    match kind {
        DocumentKind::Receipt => l.pick("收件凭证", "Receipt of application materials"),
        DocumentKind::Acceptance => l.pick("受理通知书", "Acceptance notice"),
        DocumentKind::Supplement => l.pick("补正材料通知书", "Notice to supplement materials"),
        DocumentKind::Refusal => l.pick("不予受理决定书", "Decision not to accept"),
        DocumentKind::Decision => match &case.decision {
            Some(d) => {
                let (zh, en) = decision_title(category, d.outcome);
                l.pick(zh, en)
            }
            None => l.pick("决定书", "Decision"),
        },
        DocumentKind::Suspension => l.pick("特别程序告知书", "Special procedure notice"),
        DocumentKind::Extension => l.pick("延期告知书", "Notice of extension"),
        DocumentKind::Service => l.pick("送达回证", "Proof of service"),
    }
}

fn compose(p: &Parts) -> Option<Written> {
    Some(match p.sheet.doc.kind {
        DocumentKind::Receipt => notices::receipt(p),
        DocumentKind::Acceptance => notices::acceptance(p),
        DocumentKind::Supplement => notices::supplement(p),
        DocumentKind::Suspension => notices::suspension(p),
        DocumentKind::Extension => notices::extension(p),
        DocumentKind::Refusal => decisions::refusal_decision(p),
        DocumentKind::Decision => decisions::decision(p)?,
        DocumentKind::Service => decisions::service(p),
    })
}

fn unknown_document(case_no: &str, slug: &str) -> Problem {
    Problem::from(Error::not_found(
        Code::NoSuchDocument,
        Text::new(
            format!("办件 {case_no} 没有这份文书（{slug}）。"),
            format!("Case {case_no} has no such document ({slug})."),
        ),
    ))
}

/// The document, numbered, with its title: the sheet to print.
async fn issued(
    ctx: &Ctx,
    state: &AppState,
    case_no: &str,
    doc: DocumentRef,
) -> Result<(String, Markup), PageErr> {
    let caller = ctx.signed_in()?;
    let sheet = tongban_app::documents::issue(state, &caller.0, case_no, doc).await?;
    let catalogue = state.catalogue();
    let (view, item) =
        case_parts::view_with_item(&catalogue, &state.calendar(), sheet.case.clone());
    let category = item.as_ref().map_or(ItemCategory::Other, |i| i.category);
    let title = title(ctx.lang, doc.kind, &sheet.case, category).to_owned();
    let parts = Parts {
        l: ctx.lang,
        state,
        sheet: &sheet,
        item: item.as_ref(),
        item_name: &view.item_name,
        view: &view,
    };
    let written = compose(&parts).ok_or_else(|| unknown_document(case_no, &doc.slug()))?;
    let markup = frame::sheet(ctx.lang, state, &sheet, &title, &view.item_name, &written);
    Ok((title, markup))
}

fn parse(case_no: &str, slug: &str) -> Result<DocumentRef, PageErr> {
    DocumentRef::parse(slug).ok_or_else(|| unknown_document(case_no, slug).into())
}

/// Where "back" goes: the applicant's own case page, or the staff's.
fn case_page(ctx: &Ctx, case_no: &str) -> String {
    if ctx.applicant().is_ok() {
        format!("/my/cases/{case_no}")
    } else {
        format!("/staff/cases/{case_no}")
    }
}

/// The page of one document: back, print and PDF links above the sheet.
pub(crate) async fn page(
    ctx: &Ctx,
    state: &AppState,
    case_no: &str,
    doc: DocumentRef,
) -> PageResult {
    let (title, sheet) = issued(ctx, state, case_no, doc).await?;
    let body = html! {
        p.no-print.doc-actions {
            a href=(case_page(ctx, case_no)) { "← " (ctx.t("返回办件", "Back to the case")) }
            " · "
            a.button.secondary href={ (document_path(case_no, doc)) "/pdf" } download { (ctx.t("下载 PDF", "Download PDF")) }
            " · " (ctx.t("使用浏览器的“打印”打印本页（A4）。", "Use your browser's Print to print this page (A4)."))
        }
        (sheet)
    };
    Ok(Out::ok(title, body))
}

pub fn document_path(case_no: &str, doc: DocumentRef) -> String {
    format!("/cases/{case_no}/documents/{}", doc.slug())
}

/// `GET /cases/{no}/documents/{doc}`: `receipt`, `acceptance`, `supplement-1`, `refusal`,
/// `decision`, `suspension-1`, `extension`, `service`.
#[get("/cases/{case_no}/documents/{doc}")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (case_no, slug) = path.into_inner();
    let result = match parse(&case_no, &slug) {
        Ok(doc) => page(&ctx, &state, &case_no, doc).await,
        Err(e) => Err(e),
    };
    ctx.respond(result)
}

/// `GET /cases/{no}/documents/{doc}/pdf`: the same document as a PDF file (one A4 page).
#[get("/cases/{case_no}/documents/{doc}/pdf")]
pub async fn pdf(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (case_no, slug) = path.into_inner();
    let result = async {
        let doc = parse(&case_no, &slug)?;
        let (title, sheet) = issued(&ctx, &state, &case_no, doc).await?;
        let html = frame::standalone(ctx.lang, &title, sheet);
        let bytes = crate::pages::pdf::print(html).await.map_err(|e| {
            tracing::warn!(error = %e, case_no = %case_no, "no PDF of a document");
            PageErr::from(Problem::from(Error::new(
                Code::PdfUnavailable,
                Text::new("暂时无法生成 PDF", "No PDF can be made now"),
                Text::new(
                    "服务器暂时无法生成 PDF 文件。请使用浏览器的“打印”功能打印本文书，或稍后再试。",
                    "The server cannot make the PDF file now. Print the document with your browser's Print, or try again later.",
                ),
            )))
        })?;
        let file = format!("{case_no}-{}.pdf", doc.slug());
        Ok::<_, PageErr>(
            ctx.builder(actix_web::http::StatusCode::OK)
                .content_type("application/pdf")
                .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")))
                .body(bytes),
        )
    }
    .await;
    ctx.answer(result)
}

/// The case's documents, each with its print page and PDF, for the case pages.
pub fn links(ctx: &Ctx, case: &Case, item: Option<&Item>) -> Markup {
    let category = item.map_or(ItemCategory::Other, |i| i.category);
    let docs = document::available(case);
    html! {
        @if !docs.is_empty() {
            h2 #documents { (ctx.t("文书", "Documents")) }
            ul.documents aria-labelledby="documents" {
                @for doc in docs {
                    @let path = document_path(&case.case_no, doc);
                    li {
                        a href=(path) { (title(ctx.lang, doc.kind, case, category)) @if doc.kind.repeats() { " (" (doc.ordinal) ")" } }
                        " · "
                        a href={ (path) "/pdf" } download { "PDF" }
                    }
                }
            }
        }
    }
}
