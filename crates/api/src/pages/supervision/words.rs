//! Display names of the supervision office's words in both languages: alert rules,
//! statuses and steps (the Chinese ones come from the rules and the lifecycle). Display only.

use tongban_core::supervision::desk::Reply;
use tongban_core::supervision::{AlertAction, AlertLevel, AlertRule, AlertStatus};

use crate::lang::Lang;

/// A rule's name; a rule this version does not know keeps its identifier.
pub fn rule(rule: &str, l: Lang) -> String {
    let Ok(r) = rule.parse::<AlertRule>() else {
        return rule.to_owned();
    };
    let en = match r {
        AlertRule::PromisedDeadline => "Promised deadline passed",
        AlertRule::LegalDeadline => "Legal deadline passed",
        AlertRule::StageDeadline => "Stage overdue",
        AlertRule::PreliminaryReviewDeadline => "Preliminary review overdue",
        AlertRule::DeliveryDeadline => "Result not delivered in time",
        AlertRule::AcceptanceLate => "Accepted late",
        AlertRule::SecondSupplementNotice => "Second supplement notice",
        AlertRule::FeeMismatch => "Fee differs from the standard",
        AlertRule::MissingLegalBasis => "No legal basis given",
        AlertRule::SuspensionWithoutNotice => "Special procedure without notice",
        AlertRule::SkippedStage => "Stage skipped",
        AlertRule::BadEvaluationUnanswered => "Bad rating not followed up",
        AlertRule::UrgingUnanswered => "Urging order not answered in time",
        AlertRule::Complaint => "Complaint",
    };
    l.pick(r.name_zh(), en).to_owned()
}

/// A status's name; one this version does not know keeps its identifier.
pub fn status(status: &str, l: Lang) -> String {
    let Some(s) = AlertStatus::parse(status) else {
        return status.to_owned();
    };
    let en = match s {
        AlertStatus::Open => "Open",
        AlertStatus::Acknowledged => "Acknowledged",
        AlertStatus::Urged => "Urged",
        AlertStatus::Resolved => "Resolved",
        AlertStatus::Escalated => "Escalated",
    };
    l.pick(s.name_zh(), en).to_owned()
}

pub fn action(a: AlertAction, l: Lang) -> &'static str {
    let en = match a {
        AlertAction::Acknowledge => "Acknowledge",
        AlertAction::Urge => "Urge the department",
        AlertAction::Resolve => "Resolve",
        AlertAction::Escalate => "Escalate",
    };
    l.pick(a.name_zh(), en)
}

/// A stored step's name (`acknowledge`, …); an unknown one keeps its identifier.
pub fn step(action: &str, l: Lang) -> String {
    ACTIONS
        .into_iter()
        .find(|a| a.as_str() == action)
        .map_or_else(|| action.to_owned(), |a| self::action(a, l).to_owned())
}

/// The steps of the lifecycle, in the order the alert page offers them.
pub const ACTIONS: [AlertAction; 4] = [
    AlertAction::Acknowledge,
    AlertAction::Urge,
    AlertAction::Resolve,
    AlertAction::Escalate,
];

/// Where an urging order's reply stands.
pub fn reply(r: Reply, l: Lang) -> &'static str {
    let en = match r {
        Reply::Awaited => "Awaiting the reply",
        Reply::Overdue => "Reply overdue",
        Reply::Answered => "Answered",
        Reply::AnsweredLate => "Answered late",
    };
    l.pick(r.name_zh(), en)
}

pub fn level(level: &str) -> Option<AlertLevel> {
    match level {
        "red" => Some(AlertLevel::Red),
        "yellow" => Some(AlertLevel::Yellow),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_status_and_step_has_a_name_in_both_languages() {
        for r in AlertRule::ALL {
            assert_eq!(rule(r.as_str(), Lang::Zh), r.name_zh());
            assert_ne!(rule(r.as_str(), Lang::En), r.as_str());
        }
        for s in AlertStatus::ALL {
            assert_eq!(status(s.as_str(), Lang::Zh), s.name_zh());
        }
        for a in ACTIONS {
            assert_eq!(step(a.as_str(), Lang::Zh), a.name_zh());
        }
        assert_eq!(rule("future_rule", Lang::En), "future_rule");
        assert_eq!(level("red"), Some(AlertLevel::Red));
        assert_eq!(level("green"), None);
    }
}
