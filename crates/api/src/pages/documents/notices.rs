//! What the notices say: the 收件凭证, the 受理通知书 (also when the law accepted), the
//! 补正材料通知书 (一次性告知), the 特别程序告知书 with its end, and the 延期告知书.

use maud::{html, Markup};
use tongban_core::case::Suspension;
use tongban_core::document::SUPPLEMENT_PERIOD_WORKING_DAYS;

use super::frame::Written;
use super::Parts;
use crate::lang::Lang;
use crate::pages::case_parts::{due_date, material_name};
use crate::pages::names;

pub(super) fn receipt(p: &Parts) -> Written {
    let (l, case) = (p.l, &p.sheet.case);
    let window = case.window.as_deref().map(|w| match p.window_name(w) {
        Some(name) => format!("{w} · {name}"),
        None => w.to_owned(),
    });
    let body = html! {
        p {
            @match l {
                Lang::Zh => {
                    "本机关已于 " (names::time(case.received_at, p.state.hall, l)) " 收到您提交的“" (p.item_name) "”申请材料（见下表）。"
                    "本凭证只证明收到材料，不表示已经受理。"
                }
                Lang::En => {
                    "We received the materials for “" (p.item_name) "” listed below on " (names::time(case.received_at, p.state.hall, l)) ". "
                    "This receipt shows that they were received, not that the application is accepted."
                }
            }
        }
        @if let Some(d) = p.view.acceptance_due {
            p {
                (l.pick("依据《中华人民共和国行政许可法》第三十二条，本机关将于 ", "Under article 32 of the Administrative Licensing Law we decide on acceptance by "))
                (due_date(l, p.view, d))
                (l.pick(" 前作出是否受理的决定；逾期未告知的，自收到申请材料之日起即为受理。", "; if you are not told by then, the application counts as accepted on the day it was received."))
            }
        }
        @if let Some(w) = &window { p { (l.pick("收件窗口：", "Window: ")) (w) } }
        (p.materials_table())
    };
    Written {
        letter: false,
        body,
        remedies: false,
        officer: p.sheet.received_by.as_deref().map(|b| p.name_of(b)),
        applicant_signs: true,
    }
}

pub(super) fn acceptance(p: &Parts) -> Written {
    let (l, case) = (p.l, &p.sheet.case);
    let deemed = case.clocks.deemed_accepted;
    let started = case
        .clocks
        .decision
        .map(|d| names::date(d.started_on, l))
        .unwrap_or_default();
    let body = html! {
        p {
            @match (l, deemed) {
                (Lang::Zh, false) => { "您申请的“" (p.item_name) "”，申请材料齐全、符合法定形式，依据《中华人民共和国行政许可法》第三十二条，本机关已于 " (started) " 受理。" }
                (Lang::Zh, true) => {
                    "您申请的“" (p.item_name) "”，本机关未在法定期限内作出是否受理的决定，依据《中华人民共和国行政许可法》第三十二条，自收到申请之日（"
                    (started) "）起即为受理。"
                }
                (Lang::En, false) => { "Your application for “" (p.item_name) "” is complete and in the required form; under article 32 of the Administrative Licensing Law it was accepted on " (started) "." }
                (Lang::En, true) => {
                    "No decision on accepting your application for “" (p.item_name)
                    "” was taken in time; under article 32 of the Administrative Licensing Law it is accepted as of the day it was received (" (started) ")."
                }
            }
        }
        (p.decision_dues())
        @if !case.promised_materials.is_empty() {
            p { (l.pick("容缺受理，请尽快补交：", "Accepted with materials to follow; please hand in: "))
                @for (i, m) in case.promised_materials.iter().enumerate() {
                    @if i > 0 { (l.pick("、", ", ")) }
                    (material_name(p.item, &m.code))
                }
            }
        }
    };
    let officer = case
        .acceptance_recorded
        .as_ref()
        .map(|r| p.name_of(&r.by))
        .or_else(|| {
            case.stages
                .first()
                .and_then(|s| s.by.as_deref())
                .map(|b| p.name_of(b))
        });
    Written {
        letter: true,
        body,
        remedies: false,
        officer,
        applicant_signs: false,
    }
}

pub(super) fn supplement(p: &Parts) -> Written {
    let (l, case) = (p.l, &p.sheet.case);
    let notice = p
        .sheet
        .doc
        .index()
        .and_then(|i| case.supplement_notices.get(i));
    let by = notice.map(|n| p.state.hall.local_date(n.at)).and_then(|d| {
        p.state
            .calendar()
            .add_working_days_excluding(d, SUPPLEMENT_PERIOD_WORKING_DAYS, &[])
            .ok()
    });
    let body = html! {
        p {
            @match l {
                Lang::Zh => { "您申请的“" (p.item_name) "”，申请材料不齐全或者不符合法定形式。依据《中华人民共和国行政许可法》第三十二条第一款第（四）项，现一次性告知您需要补正的全部内容：" }
                Lang::En => { "Your application for “" (p.item_name) "” is incomplete or not in the required form. Under article 32(1)(iv) of the Administrative Licensing Law, this notice lists at once everything you need to hand in:" }
            }
        }
        ol.missing {
            @for m in notice.map(|n| n.missing.as_slice()).unwrap_or_default() {
                li {
                    (material_name(p.item, &m.code))
                    @if !m.note.trim().is_empty() { (l.pick("（", " (")) (m.note) (l.pick("）", ")")) }
                }
            }
        }
        p {
            @if let Some(by) = by {
                (l.pick("请于 ", "Please hand them in by ")) strong { (due_date(l, p.view, by)) }
                (l.pick(" 前补正（可到窗口提交，也可凭办件编号和查询码在网上补交）。逾期未补正且无正当理由的，本机关可以终止办理。",
                    " (at the window, or online with the case number and query code). If they do not come in time without good reason, we may end the case."))
            }
            " "
            (l.pick("补正材料齐全后，受理期限重新计算。", "The acceptance period starts again once the materials are complete."))
        }
    };
    Written {
        letter: true,
        body,
        remedies: false,
        officer: notice.map(|n| p.name_of(&n.by)),
        applicant_signs: true,
    }
}

fn resumed_part(p: &Parts, s: &Suspension) -> Markup {
    let l = p.l;
    let hall = p.state.hall;
    let Some(resumed_at) = s.resumed_at else {
        return html! {
            p { (l.pick("特别程序结束时，将另行书面告知恢复计算的办理时限。", "You will be told in writing when the special procedure ends and the clock runs again.")) }
        };
    };
    let excluded = tongban_core::clock::excluded_span(hall, s.suspended_at, resumed_at);
    html! {
        h2 { (l.pick("特别程序结束告知", "End of the special procedure")) }
        p {
            (l.pick("特别程序已于 ", "The special procedure ended on "))
            (names::time(resumed_at, hall, l))
            (l.pick(" 结束，自即日起恢复计算办理时限。", "; the clock runs again from then."))
            " "
            @match (excluded, l) {
                (Some(span), Lang::Zh) => { (names::date(span.from, l)) " 至 " (names::date(span.to, l)) " 不计入办理时限。" }
                (Some(span), Lang::En) => { "Not counted: " (names::date(span.from, l)) " to " (names::date(span.to, l)) "." }
                (None, _) => { (l.pick("中止期间未占满一个工作日的办公时间，不扣除办理时限。", "The suspension did not cover a whole day of office hours: no day is taken out of the count.")) }
            }
        }
        (p.decision_dues())
    }
}

pub(super) fn suspension(p: &Parts) -> Written {
    let (l, case) = (p.l, &p.sheet.case);
    let s = p.sheet.doc.index().and_then(|i| case.suspensions.get(i));
    let body = html! {
        @if let Some(s) = s {
            p {
                @let procedure = names::procedure(s.procedure, l);
                @let from = names::time(s.suspended_at, p.state.hall, l);
                @match l {
                    Lang::Zh => {
                        "您申请的“" (p.item_name) "”，依据《中华人民共和国行政许可法》第四十五条，自 "
                        (from) " 起进入" (procedure) "程序，所需时间不计入办理时限。"
                    }
                    Lang::En => {
                        "Under article 45 of the Administrative Licensing Law, your application for “" (p.item_name)
                        "” is in " (procedure) " from " (from) "; that time is not counted."
                    }
                }
            }
            p { (l.pick("说明：", "Note: ")) (s.note) }
            (resumed_part(p, s))
        }
    };
    Written {
        letter: true,
        body,
        remedies: false,
        officer: s.map(|s| p.name_of(&s.by)),
        applicant_signs: false,
    }
}

pub(super) fn extension(p: &Parts) -> Written {
    let (l, case) = (p.l, &p.sheet.case);
    let rule_set = p.item.map(|i| i.rules.rule_set).unwrap_or_default();
    let (article, article_zh) = (
        rule_set.extension_article(),
        rule_set.extension_article_zh(),
    );
    let body = html! {
        @if let Some(e) = &case.extension {
            p {
                @match l {
                    Lang::Zh => {
                        "您申请的“" (p.item_name) "”，因" (e.reason) "，不能在法定期限内作出决定。经本机关负责人批准，依据《中华人民共和国行政许可法》"
                        (article_zh)
                        "，办理期限延长 " (e.working_days) " 个工作日。"
                    }
                    Lang::En => {
                        "Your application for “" (p.item_name) "” cannot be decided within the legal period because " (e.reason)
                        ". With the approval of the head of the organ, under " (article) " of the Administrative Licensing Law, the period is extended by "
                        (e.working_days) " working days."
                    }
                }
            }
            (p.decision_dues())
        }
    };
    Written {
        letter: true,
        body,
        remedies: false,
        officer: case.extension.as_ref().map(|e| p.name_of(&e.by)),
        applicant_signs: false,
    }
}
