//! Supervision rules (电子监察): alert levels, rule identifiers and the pure checks the
//! scheduler and the case transaction run.
//!
//! - time ([`time_alerts`], [`next_check_at`]): yellow when the remaining time to the promised
//!   deadline is at or under the item's warning threshold, red when it passed, a separate red
//!   for the legal deadline, the same per open stage, red for a late acceptance and a late
//!   delivery. Nothing runs while a case is suspended or after it ended.
//! - procedure ([`procedure_alerts`]): checked on each event against the state before it.
//!
//! - lifecycle ([`lifecycle::next`]): which step a supervisor may take from which status.
//! - statistics ([`stats::tally`]): what each column of the supervision statistics counts.
//!
//! An alert is identified by its [`AlertKey`] (scope, rule, level): the store inserts keys
//! idempotently, so returning a key that was raised before is harmless and intended.

pub mod desk;
pub mod lifecycle;
mod procedure;
pub mod stats;
mod time;

use serde::{Deserialize, Serialize};

pub use lifecycle::{AlertAction, AlertStatus, MoveRefused};
pub use procedure::procedure_alerts;
pub use time::{
    alerts_due_on_transition, evaluation_follow_up_due, first_check_at, next_check_at,
    threshold_days, time_alerts, time_checkpoints, warning_instant, Checkpoint,
};

/// 黄牌 (before the deadline) / 红牌 (deadline missed or rule broken).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertLevel {
    Yellow,
    Red,
}

impl AlertLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertLevel::Yellow => "yellow",
            AlertLevel::Red => "red",
        }
    }
}

/// The rule an alert is raised under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertRule {
    /// 承诺时限: yellow at the warning threshold, red when passed.
    PromisedDeadline,
    /// 法定时限: red when passed.
    LegalDeadline,
    /// A stage's own time budget: yellow and red.
    StageDeadline,
    /// The lower organ's preliminary review (art. 43, 20 working days): yellow and red.
    PreliminaryReviewDeadline,
    /// Result not delivered within the delivery period (art. 44).
    DeliveryDeadline,
    /// Acceptance (or the notice) later than the acceptance period after receipt (art. 32).
    AcceptanceLate,
    /// A second supplement notice for one submission (一次性告知 broken).
    SecondSupplementNotice,
    /// A fee different from the item's standard.
    FeeMismatch,
    /// Refusal or denial without a legal basis.
    MissingLegalBasis,
    /// A suspension without a procedure type or written notice.
    SuspensionWithoutNotice,
    /// A decision that skipped a required stage.
    SkippedStage,
    /// A bad evaluation (差评) not followed up in time.
    BadEvaluationUnanswered,
    /// A complaint (效能投诉) about a case or window.
    Complaint,
    /// A 督办单 whose reply deadline passed unanswered: the urge escalates to a red.
    UrgingUnanswered,
}

impl AlertRule {
    pub const ALL: [AlertRule; 14] = [
        AlertRule::PromisedDeadline,
        AlertRule::LegalDeadline,
        AlertRule::StageDeadline,
        AlertRule::PreliminaryReviewDeadline,
        AlertRule::DeliveryDeadline,
        AlertRule::AcceptanceLate,
        AlertRule::SecondSupplementNotice,
        AlertRule::FeeMismatch,
        AlertRule::MissingLegalBasis,
        AlertRule::SuspensionWithoutNotice,
        AlertRule::SkippedStage,
        AlertRule::BadEvaluationUnanswered,
        AlertRule::Complaint,
        AlertRule::UrgingUnanswered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertRule::PromisedDeadline => "promised_deadline",
            AlertRule::LegalDeadline => "legal_deadline",
            AlertRule::StageDeadline => "stage_deadline",
            AlertRule::PreliminaryReviewDeadline => "preliminary_review_deadline",
            AlertRule::DeliveryDeadline => "delivery_deadline",
            AlertRule::AcceptanceLate => "acceptance_late",
            AlertRule::SecondSupplementNotice => "second_supplement_notice",
            AlertRule::FeeMismatch => "fee_mismatch",
            AlertRule::MissingLegalBasis => "missing_legal_basis",
            AlertRule::SuspensionWithoutNotice => "suspension_without_notice",
            AlertRule::SkippedStage => "skipped_stage",
            AlertRule::BadEvaluationUnanswered => "bad_evaluation_unanswered",
            AlertRule::Complaint => "complaint",
            AlertRule::UrgingUnanswered => "urging_unanswered",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            AlertRule::PromisedDeadline => "超承诺时限",
            AlertRule::LegalDeadline => "超法定时限",
            AlertRule::StageDeadline => "环节超时",
            AlertRule::PreliminaryReviewDeadline => "超初审时限",
            AlertRule::DeliveryDeadline => "超期未送达",
            AlertRule::AcceptanceLate => "超期受理",
            AlertRule::SecondSupplementNotice => "多次告知补正",
            AlertRule::FeeMismatch => "收费与标准不符",
            AlertRule::MissingLegalBasis => "未说明法律依据",
            AlertRule::SuspensionWithoutNotice => "特别程序未告知",
            AlertRule::SkippedStage => "跳过办理环节",
            AlertRule::BadEvaluationUnanswered => "差评未整改",
            AlertRule::Complaint => "效能投诉",
            AlertRule::UrgingUnanswered => "督办逾期未回复",
        }
    }
}

impl std::str::FromStr for AlertRule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AlertRule::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown alert rule `{s}`"))
    }
}

/// What an alert is about: the whole case, or one of its stages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum AlertScope {
    Case,
    Stage(String),
}

impl AlertScope {
    /// A flat form for a unique-key column: `case` or `stage:<code>`.
    pub fn key(&self) -> String {
        match self {
            AlertScope::Case => "case".to_owned(),
            AlertScope::Stage(code) => format!("stage:{code}"),
        }
    }

    pub fn parse_key(s: &str) -> Option<AlertScope> {
        match s {
            "case" => Some(AlertScope::Case),
            _ => s
                .strip_prefix("stage:")
                .map(|code| AlertScope::Stage(code.to_owned())),
        }
    }
}

/// The identity of an alert within one case: raised at most once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AlertKey {
    pub scope: AlertScope,
    pub rule: AlertRule,
    pub level: AlertLevel,
}

impl AlertKey {
    pub fn case(rule: AlertRule, level: AlertLevel) -> Self {
        AlertKey {
            scope: AlertScope::Case,
            rule,
            level,
        }
    }

    pub fn stage(code: &str, rule: AlertRule, level: AlertLevel) -> Self {
        AlertKey {
            scope: AlertScope::Stage(code.to_owned()),
            rule,
            level,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for rule in AlertRule::ALL {
            assert_eq!(rule.as_str().parse::<AlertRule>(), Ok(rule));
        }
        for scope in [AlertScope::Case, AlertScope::Stage("fire".into())] {
            assert_eq!(AlertScope::parse_key(&scope.key()), Some(scope));
        }
        assert_eq!(AlertScope::parse_key("bogus"), None);
    }
}
