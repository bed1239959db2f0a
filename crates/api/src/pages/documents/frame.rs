//! The frame every document shares: the issuing organ, title and number at the head; the
//! case's facts; the remedies where the law gives them; the seal area, the date and the
//! signatures at the foot. Printed on one A4 page (assets/document.css).

use maud::{html, Markup, PreEscaped, DOCTYPE};
use tongban_app::documents::Sheet;
use tongban_app::mask;

use crate::lang::Lang;
use crate::pages::lang as page_lang;
use crate::pages::names;
use crate::state::AppState;

/// The print stylesheet of documents: linked from pages, inlined into the PDF's HTML.
pub const DOCUMENT_CSS: &str = include_str!("../../../assets/document.css");

/// What a document says, between its head and its foot.
pub struct Written {
    /// Whom it is addressed to, when it is a letter (not a receipt or a 送达回证).
    pub letter: bool,
    pub body: Markup,
    /// Open to administrative review and litigation (复议、诉讼).
    pub remedies: bool,
    /// The 经办人 (or 送达人) it names.
    pub officer: Option<String>,
    /// Whether the applicant signs for it (签收).
    pub applicant_signs: bool,
}

/// The remedies of a decision (行政复议法 art. 20, 行政诉讼法 art. 46).
fn remedies(l: Lang) -> &'static str {
    l.pick(
        "申请人如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。",
        "If you disagree with this decision, you may apply for administrative review within 60 days of receiving it, or bring an administrative lawsuit before a people's court within six months of receiving it.",
    )
}

/// The document itself, as printed.
pub fn sheet(
    l: Lang,
    state: &AppState,
    sheet: &Sheet,
    title: &str,
    item_name: &str,
    w: &Written,
) -> Markup {
    let case = &sheet.case;
    let dated = names::date(state.hall.local_date(sheet.dated), l);
    html! {
        article.document.sheet lang=(page_lang::tag(l)) {
            header.doc-head {
                p.organ { (sheet.organ) }
                h1 { (title) }
                p.doc-no { (sheet.number) }
            }
            @if w.letter {
                p.addressee { (case.applicant.name) (l.pick("：", ":")) }
            }
            div.doc-body { (w.body) }
            dl.doc-facts {
                dt { (l.pick("办件编号", "Case number")) } dd { strong { (case.case_no) } }
                dt { (l.pick("查询码", "Query code")) } dd { strong { (case.query_code) } }
                dt { (l.pick("办理事项", "Item")) } dd { (item_name) }
                dt { (l.pick("申请人", "Applicant")) } dd { (case.applicant.name) }
                dt { (l.pick("证件号码", "ID number")) } dd { (mask::id_number(&case.applicant.id_number)) }
                dt { (l.pick("收件时间", "Received")) } dd { (names::time(case.received_at, state.hall, l)) }
            }
            @if w.remedies { p.remedies { (remedies(l)) } }
            p.query-hint {
                (l.pick(
                    "凭办件编号和查询码，可在“办件查询”或到窗口查询办理进度；查询码请勿告诉他人。",
                    "Follow the case with its case number and query code under “Case status” or at the window; keep the query code to yourself."
                ))
            }
            footer.doc-foot {
                div.signatures {
                    @if let Some(officer) = &w.officer {
                        p { (l.pick("经办人：", "Officer: ")) (officer) }
                    }
                    @if w.applicant_signs {
                        p { (l.pick("申请人签收：", "Received by the applicant: ")) span.blank {} }
                        p { (l.pick("签收日期：", "Date received: ")) span.blank {} }
                    }
                }
                div.seal-area aria-label=(l.pick("印章处", "Seal")) {
                    p.seal { (l.pick("（印章）", "(seal)")) }
                    p.seal-organ { (sheet.organ) }
                    p.seal-date { (dated) }
                }
            }
        }
    }
}

/// A whole HTML file of one document with its stylesheet inline, for the PDF printer (which
/// reads it from a file, with no server to fetch styles from).
pub fn standalone(l: Lang, title: &str, article: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(page_lang::tag(l)) {
            head {
                meta charset="utf-8";
                title { (title) }
                style { (PreEscaped(DOCUMENT_CSS)) }
            }
            body.standalone { (article) }
        }
    }
    .into_string()
}
