//! Display names in both languages for the enums of the core (the core keeps the Chinese
//! ones; the English ones are the pages' alone). Display only: no rule lives here.

use chrono::{DateTime, NaiveDate, Utc};
use tongban_core::case::{Action, ApplicantKind, CaseStatus, DeliveryMethod, Procedure};
use tongban_core::clock::HallTime;
use tongban_core::grant::WindowAction;
use tongban_core::item::{DayUnit, ItemCategory, ItemKind, MaterialForm, TimeLimit};
use tongban_core::role::Role;

use crate::lang::Lang;

pub fn status(s: CaseStatus, lang: Lang) -> &'static str {
    let en = match s {
        CaseStatus::Submitted => "Submitted",
        CaseStatus::Received => "Received",
        CaseStatus::SupplementPending => "Awaiting supplement",
        CaseStatus::Accepted => "Accepted",
        CaseStatus::Suspended => "Special procedure",
        CaseStatus::Approved => "Approved",
        CaseStatus::Denied => "Denied",
        CaseStatus::Concluded => "Concluded",
        CaseStatus::Refused => "Not accepted",
        CaseStatus::Withdrawn => "Withdrawn",
        CaseStatus::Terminated => "Terminated",
    };
    lang.pick(s.name_zh(), en)
}

/// A case's status as its item's category words a decision: a 行政确认 approved reads
/// 予以确认, a public service 办结, a licence 准予许可.
pub fn status_of(
    s: CaseStatus,
    item: Option<&tongban_core::item::Item>,
    lang: Lang,
) -> &'static str {
    use tongban_core::case::DecisionOutcome;
    let outcome = match s {
        CaseStatus::Approved => DecisionOutcome::Approved,
        CaseStatus::Denied => DecisionOutcome::Denied,
        _ => return status(s, lang),
    };
    let category = item.map_or(ItemCategory::License, |i| i.category);
    let (zh, en) = tongban_core::document::decision_label(category, outcome);
    lang.pick(zh, en)
}

pub fn role(r: Role, lang: Lang) -> &'static str {
    let (zh, en) = r.names();
    lang.pick(zh, en)
}

/// The label of the button that confirms `action`: "确认" and the action, once even when the
/// action's own name begins with it (确认 of a 行政确认 item read "确认 确认").
pub fn confirm(action: &str, lang: Lang) -> String {
    let word = lang.pick("确认", "Confirm");
    if action.starts_with(word) {
        action.to_owned()
    } else {
        format!("{word} {action}")
    }
}

/// An action as the case's item words it: in Chinese a decision by the item's category
/// (予以确认 for a 行政确认, 办结 for a public service); every other action, and English,
/// as [`action`] names it.
pub fn action_of(a: Action, item: &tongban_core::item::Item, lang: Lang) -> &'static str {
    use tongban_core::case::DecisionOutcome;
    let outcome = match (a, lang) {
        (Action::Approve, Lang::Zh) => DecisionOutcome::Approved,
        (Action::Deny, Lang::Zh) => DecisionOutcome::Denied,
        _ => return action(a, lang),
    };
    tongban_core::document::decision_label(item.category, outcome).0
}

pub fn action(a: Action, lang: Lang) -> &'static str {
    let en = match a {
        Action::Accept => "Accept",
        Action::Refuse => "Refuse",
        Action::RequestSupplement => "One-time supplement notice",
        Action::Supplement => "Hand in materials",
        Action::CompleteStage => "Complete stage",
        Action::Approve => "Approve",
        Action::Deny => "Deny",
        Action::Suspend => "Start special procedure",
        Action::Resume => "Resume",
        Action::Extend => "Extend",
        Action::Withdraw => "Withdraw",
        Action::Deliver => "Deliver the result",
        Action::Terminate => "Terminate",
    };
    lang.pick(a.name_zh(), en)
}

/// A timeline entry's name, by the stored event kind.
pub fn event(kind: &str, lang: Lang) -> String {
    let (zh, en) = match kind {
        "opened" => ("收件", "Application received"),
        "accepted" => ("受理", "Accepted"),
        "refused" => ("不予受理", "Not accepted"),
        "supplement_requested" => ("一次性告知补正", "Supplement notice issued"),
        "supplemented" => ("补正材料", "Materials handed in"),
        "stage_completed" => ("环节办结", "Stage completed"),
        "approved" => ("准予许可", "Approved"),
        "denied" => ("不予许可", "Denied"),
        "suspended" => ("特别程序开始", "Special procedure started"),
        "resumed" => ("恢复计时", "Clock resumed"),
        "extended" => ("延期", "Extended"),
        "withdrawn" => ("撤回", "Withdrawn"),
        "delivered" => ("送达办结", "Result delivered"),
        "terminated" => ("终止", "Terminated"),
        other => (other, other),
    };
    lang.pick(zh, en).to_owned()
}

/// A timeline entry as the case's item words it: which stage was completed, a decision by
/// the item's category (a 行政确认 is confirmed, not licensed).
pub fn event_of(
    e: &tongban_app::cases::view::Event,
    item: Option<&tongban_core::item::Item>,
    lang: Lang,
) -> String {
    use tongban_core::case::DecisionOutcome;
    let decided = |outcome| {
        let category = item.map_or(ItemCategory::Other, |i| i.category);
        let (zh, en) = tongban_core::document::decision_label(category, outcome);
        lang.pick(zh, en).to_owned()
    };
    match e.kind.as_str() {
        "stage_completed" => {
            let code = e.event["kind"]["stage"].as_str().unwrap_or_default();
            let stage = item
                .and_then(|i| i.stage(code))
                .map_or(code, |s| s.name.as_str());
            format!("{}{}{stage}", event(&e.kind, lang), lang.pick("：", ": "))
        }
        "approved" => decided(DecisionOutcome::Approved),
        "denied" => decided(DecisionOutcome::Denied),
        _ => event(&e.kind, lang),
    }
}

pub fn item_kind(k: ItemKind, lang: Lang) -> &'static str {
    match k {
        ItemKind::Immediate => lang.pick("即办件", "Decided on the spot"),
        ItemKind::Promised => lang.pick("承诺件", "Decided within a promised time"),
    }
}

pub fn category(c: ItemCategory, lang: Lang) -> &'static str {
    match c {
        ItemCategory::License => lang.pick("行政许可", "Administrative licence"),
        ItemCategory::Confirmation => lang.pick("行政确认", "Administrative confirmation"),
        ItemCategory::Benefit => lang.pick("行政给付", "Administrative benefit"),
        ItemCategory::Levy => lang.pick("行政征收", "Administrative levy"),
        ItemCategory::Adjudication => lang.pick("行政裁决", "Administrative adjudication"),
        ItemCategory::PublicService => lang.pick("公共服务", "Public service"),
        ItemCategory::Other => lang.pick("其他行政权力", "Other administrative power"),
    }
}

pub fn material_form(f: MaterialForm, lang: Lang) -> &'static str {
    match f {
        MaterialForm::Original => lang.pick("原件", "Original"),
        MaterialForm::Copy => lang.pick("复印件", "Copy"),
        MaterialForm::OriginalAndCopy => lang.pick("原件和复印件", "Original and copy"),
        MaterialForm::Electronic => lang.pick("电子材料", "Electronic"),
    }
}

/// What a grant lets a window do, as the grant documents word it.
pub fn window_action(a: WindowAction, lang: Lang) -> &'static str {
    match a {
        WindowAction::Consult => lang.pick("咨询", "Consult"),
        WindowAction::Accept => lang.pick("受理", "Accept"),
        WindowAction::DecideOnSpot => {
            lang.pick("即办件当场决定", "Decide immediate items on the spot")
        }
        WindowAction::Deliver => lang.pick("送达", "Deliver"),
    }
}

pub fn limit(l: TimeLimit, lang: Lang) -> String {
    if l.days == 0 {
        return lang.pick("当场办结", "On the spot").to_owned();
    }
    match (l.unit, lang) {
        (DayUnit::WorkingDays, Lang::Zh) => format!("{} 个工作日", l.days),
        (DayUnit::NaturalDays, Lang::Zh) => format!("{} 个自然日", l.days),
        (DayUnit::WorkingDays, Lang::En) => format!("{} working days", l.days),
        (DayUnit::NaturalDays, Lang::En) => format!("{} calendar days", l.days),
        (DayUnit::Months, Lang::Zh) => format!("{} 个月", l.days),
        (DayUnit::Months, Lang::En) => format!("{} months", l.days),
    }
}

pub fn applicant_kind(k: ApplicantKind, lang: Lang) -> &'static str {
    match k {
        ApplicantKind::Person => lang.pick("自然人", "Person"),
        ApplicantKind::Organization => lang.pick("法人或其他组织", "Organisation"),
    }
}

pub fn delivery(m: DeliveryMethod, lang: Lang) -> &'static str {
    match m {
        DeliveryMethod::Window => lang.pick("窗口领取", "Collected at the window"),
        DeliveryMethod::Post => lang.pick("邮寄", "By post"),
        DeliveryMethod::Electronic => lang.pick("电子送达", "Electronically"),
    }
}

pub fn procedure(p: Procedure, lang: Lang) -> &'static str {
    let en = match p {
        Procedure::Hearing => "hearing",
        Procedure::Auction => "tender or auction",
        Procedure::Testing => "testing",
        Procedure::Quarantine => "quarantine",
        Procedure::Appraisal => "appraisal",
        Procedure::ExpertReview => "expert review",
        Procedure::SiteInspection => "site inspection",
        Procedure::PublicNotice => "public notice",
    };
    lang.pick(p.name_zh(), en)
}

/// A date as people write it: 2026年11月23日 / 2026-11-23.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => d.format("%Y年%m月%d日").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// An instant in hall time, to the minute.
pub fn time(t: DateTime<Utc>, hall: HallTime, lang: Lang) -> String {
    let local = t.with_timezone(&hall.offset());
    match lang {
        Lang::Zh => local.format("%Y年%m月%d日 %H:%M").to_string(),
        Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirm_button_names_its_action_once() {
        assert_eq!(confirm("受理", Lang::Zh), "确认 受理");
        assert_eq!(confirm("确认", Lang::Zh), "确认");
        assert_eq!(confirm("确认办结", Lang::Zh), "确认办结");
        assert_eq!(confirm("Accept", Lang::En), "Confirm Accept");
        assert_eq!(confirm("Confirm the alert", Lang::En), "Confirm the alert");
    }

    #[test]
    fn roles_read_as_names() {
        assert_eq!(role(Role::Clerk, Lang::Zh), "窗口人员");
        assert_eq!(role(Role::Head, Lang::En), "Department head");
    }
}
