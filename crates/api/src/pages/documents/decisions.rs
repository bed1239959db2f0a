//! What the decisions say: the 不予受理决定书, the decision worded by the item's category
//! (准予/不予行政许可, 确认, 给付, 公共服务办结), and the 送达回证 that proves delivery.

use maud::html;
use tongban_core::case::DecisionOutcome;
use tongban_core::document::{decision_open_to_review, decision_title, refusal};
use tongban_core::item::ItemCategory;

use super::frame::Written;
use super::Parts;
use crate::lang::Lang;
use crate::pages::case_parts::due_date;
use crate::pages::names;

pub(super) fn refusal_decision(p: &Parts) -> Written {
    let (l, case) = (p.l, &p.sheet.case);
    let ended = refusal(case);
    let reason = ended.and_then(|c| c.reason.as_deref()).unwrap_or("");
    let basis = ended.and_then(|c| c.legal_basis.as_deref()).unwrap_or("");
    let received = names::time(case.received_at, p.state.hall, l);
    let body = html! {
        p {
            @match l {
                Lang::Zh => { "您于 " (received) " 提交的“" (p.item_name) "”申请，经审查：" (reason) "。依据" (basis) "，本机关决定不予受理。" }
                Lang::En => { "Your application for “" (p.item_name) "” received on " (received) " was examined: " (reason) ". Under " (basis) ", we decide not to accept it." }
            }
        }
        p { (l.pick("申请材料可凭本决定书到窗口领回。", "You may collect your materials at the window with this decision.")) }
    };
    Written {
        letter: true,
        body,
        remedies: true,
        officer: p.sheet.actor_name("refused").map(str::to_owned),
        applicant_signs: false,
    }
}

/// What the organ decides, as the category words it: a licence is granted, a status
/// confirmed, a benefit paid, a service done.
fn decided(l: Lang, category: ItemCategory, outcome: DecisionOutcome) -> &'static str {
    use DecisionOutcome::{Approved, Denied};
    use ItemCategory::*;
    match (category, outcome) {
        (License, Approved) => l.pick("决定准予行政许可", "we grant the licence"),
        (License, Denied) => l.pick("决定不予行政许可", "we refuse the licence"),
        (Confirmation, Approved) => l.pick("决定予以确认", "we confirm what you applied for"),
        (Confirmation, Denied) => l.pick("决定不予确认", "we refuse to confirm it"),
        (Benefit, Approved) => l.pick("决定准予给付", "we grant the benefit"),
        (Benefit, Denied) => l.pick("决定不予给付", "we refuse the benefit"),
        (PublicService, Approved) => l.pick("已办理完毕", "it is done"),
        (PublicService, Denied) => l.pick("决定不予办理", "we cannot provide it"),
        (_, Approved) => l.pick("决定准予办理", "we grant it"),
        (_, Denied) => l.pick("决定不予办理", "we refuse it"),
    }
}

pub(super) fn decision(p: &Parts) -> Option<Written> {
    let (l, case) = (p.l, &p.sheet.case);
    let category = p.item.map_or(ItemCategory::Other, |i| i.category);
    let d = case.decision.as_ref()?;
    let received = names::time(case.received_at, p.state.hall, l);
    let basis = match d.outcome {
        DecisionOutcome::Approved => p.item.map(|i| i.legal_basis.as_str()).unwrap_or(""),
        DecisionOutcome::Denied => d.legal_basis.as_deref().unwrap_or(""),
    };
    let result = p
        .item
        .map(|i| i.result_document.as_str())
        .filter(|r| !r.is_empty());
    let body = html! {
        p {
            @match l {
                Lang::Zh => {
                    "您于 " (received) " 申请的“" (p.item_name) "”，本机关依法进行了审查。"
                    @if d.outcome == DecisionOutcome::Approved && category == ItemCategory::PublicService {
                        "该事项" (decided(l, category, d.outcome)) "。"
                    } @else {
                        @if d.outcome == DecisionOutcome::Approved { "经审查，申请符合法定条件、标准。" } @else { "经审查：" (d.opinion) "。" }
                        @if !basis.is_empty() { "依据" (basis) "，" }
                        (decided(l, category, d.outcome)) "。"
                    }
                }
                Lang::En => {
                    "We examined your application for “" (p.item_name) "” received on " (received) ". "
                    @if d.outcome == DecisionOutcome::Denied { "Finding: " (d.opinion) ". " }
                    @if !basis.is_empty() { "Under " (basis) ", " }
                    (decided(l, category, d.outcome)) "."
                }
            }
        }
        @if d.outcome == DecisionOutcome::Approved {
            @if !d.opinion.trim().is_empty() { p { (l.pick("审查意见：", "Opinion: ")) (d.opinion) } }
            @if let Some(r) = result {
                p {
                    (l.pick("办理结果：", "Result: ")) strong { (r) }
                    @if let Some(due) = p.view.delivery_due {
                        (l.pick("，将于 ", "; it will be delivered by ")) (due_date(l, p.view, due)) (l.pick(" 前送达。", "."))
                    }
                }
            }
        }
        @if d.on_spot { p { (l.pick("本事项为即办件，当场作出决定。", "An immediate item, decided on the spot.")) } }
    };
    Some(Written {
        letter: true,
        body,
        remedies: decision_open_to_review(category, d.outcome),
        officer: Some(p.name_of(&d.by)),
        applicant_signs: false,
    })
}

pub(super) fn service(p: &Parts) -> Written {
    let (l, case) = (p.l, &p.sheet.case);
    let category = p.item.map_or(ItemCategory::Other, |i| i.category);
    let (served, served_slug) = match &case.decision {
        Some(d) => {
            let (zh, en) = decision_title(category, d.outcome);
            (l.pick(zh, en), "decision")
        }
        None => (
            l.pick("不予受理决定书", "Decision not to accept"),
            "refusal",
        ),
    };
    let number = p.sheet.issued.get(served_slug);
    let delivery = case.delivery.as_ref();
    let body = html! {
        table.service {
            tbody {
                tr { th scope="row" { (l.pick("受送达人", "Recipient")) } td { (case.applicant.name) } }
                tr { th scope="row" { (l.pick("送达文书", "Document served")) } td {
                    (served) @if let Some(n) = number { " · " (n) }
                } }
                tr { th scope="row" { (l.pick("送达方式", "Method")) } td {
                    @match delivery { Some(d) => (names::delivery(d.method, l)), None => span.blank {} }
                } }
                @if let Some(post) = delivery.and_then(|d| d.post.as_ref()) {
                    tr { th scope="row" { (l.pick("邮寄地址", "Postal address")) } td { (post.address) } }
                    tr { th scope="row" { (l.pick("快递单号", "Tracking number")) } td { (post.tracking_no) } }
                }
                tr { th scope="row" { (l.pick("送达时间", "Served on")) } td {
                    @match delivery { Some(d) => (names::time(d.at, p.state.hall, l)), None => span.blank {} }
                } }
                tr { th scope="row" { (l.pick("送达人", "Served by")) } td {
                    @match delivery { Some(d) => (p.name_of(&d.by)), None => span.blank {} }
                } }
                tr { th scope="row" { (l.pick("受送达人签收", "Signature of the recipient")) } td { span.blank {} } }
            }
        }
        p { (l.pick("受送达人拒绝签收的，送达人注明情况。", "If the recipient refuses to sign, the server notes it here.")) }
    };
    Written {
        letter: false,
        body,
        remedies: false,
        officer: None,
        applicant_signs: false,
    }
}
