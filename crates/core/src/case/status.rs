//! Case statuses and the table of which action each status allows.

use serde::{Deserialize, Serialize};

/// Where a case stands. Terminal: `concluded`, `refused`, `withdrawn`, `terminated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Submitted online, awaiting the window's pre-review (预审).
    Submitted,
    /// Taken at a window, awaiting the acceptance decision.
    Received,
    /// The one-time supplement notice is out; waiting for the applicant.
    SupplementPending,
    /// Accepted; under review by the workflow stages, decision clock running.
    Accepted,
    /// A special procedure is running; the clocks are stopped.
    Suspended,
    /// Approved; the result is to be delivered.
    Approved,
    /// Denied; the decision is to be delivered.
    Denied,
    /// The result was delivered (办结).
    Concluded,
    /// Not accepted (不予受理).
    Refused,
    Withdrawn,
    Terminated,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 11] = [
        CaseStatus::Submitted,
        CaseStatus::Received,
        CaseStatus::SupplementPending,
        CaseStatus::Accepted,
        CaseStatus::Suspended,
        CaseStatus::Approved,
        CaseStatus::Denied,
        CaseStatus::Concluded,
        CaseStatus::Refused,
        CaseStatus::Withdrawn,
        CaseStatus::Terminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "submitted",
            CaseStatus::Received => "received",
            CaseStatus::SupplementPending => "supplement_pending",
            CaseStatus::Accepted => "accepted",
            CaseStatus::Suspended => "suspended",
            CaseStatus::Approved => "approved",
            CaseStatus::Denied => "denied",
            CaseStatus::Concluded => "concluded",
            CaseStatus::Refused => "refused",
            CaseStatus::Withdrawn => "withdrawn",
            CaseStatus::Terminated => "terminated",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "已提交",
            CaseStatus::Received => "已收件",
            CaseStatus::SupplementPending => "待补正",
            CaseStatus::Accepted => "已受理",
            CaseStatus::Suspended => "特别程序中",
            CaseStatus::Approved => "准予许可",
            CaseStatus::Denied => "不予许可",
            CaseStatus::Concluded => "已办结",
            CaseStatus::Refused => "不予受理",
            CaseStatus::Withdrawn => "已撤回",
            CaseStatus::Terminated => "已终止",
        }
    }

    /// A terminal case accepts no action.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CaseStatus::Concluded
                | CaseStatus::Refused
                | CaseStatus::Withdrawn
                | CaseStatus::Terminated
        )
    }

    /// Waiting for the acceptance decision (the acceptance clock runs).
    pub fn awaits_acceptance(self) -> bool {
        matches!(self, CaseStatus::Submitted | CaseStatus::Received)
    }

    /// The actions this status allows (the roles are checked separately).
    pub fn allowed_actions(self) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| a.allowed_in(self))
            .collect()
    }
}

impl std::fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for CaseStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown case status `{s}`"))
    }
}

/// The actions on an existing case (api.md), without their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Accept,
    Refuse,
    RequestSupplement,
    Supplement,
    CompleteStage,
    Approve,
    Deny,
    Suspend,
    Resume,
    Extend,
    Withdraw,
    Deliver,
    Terminate,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::Accept,
        Action::Refuse,
        Action::RequestSupplement,
        Action::Supplement,
        Action::CompleteStage,
        Action::Approve,
        Action::Deny,
        Action::Suspend,
        Action::Resume,
        Action::Extend,
        Action::Withdraw,
        Action::Deliver,
        Action::Terminate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Refuse => "refuse",
            Action::RequestSupplement => "request_supplement",
            Action::Supplement => "supplement",
            Action::CompleteStage => "complete_stage",
            Action::Approve => "approve",
            Action::Deny => "deny",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
            Action::Extend => "extend",
            Action::Withdraw => "withdraw",
            Action::Deliver => "deliver",
            Action::Terminate => "terminate",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Action::Accept => "受理",
            Action::Refuse => "不予受理",
            Action::RequestSupplement => "一次性告知补正",
            Action::Supplement => "补正材料",
            Action::CompleteStage => "完成环节",
            Action::Approve => "准予许可",
            Action::Deny => "不予许可",
            Action::Suspend => "启动特别程序",
            Action::Resume => "恢复计时",
            Action::Extend => "延期",
            Action::Withdraw => "撤回",
            Action::Deliver => "送达",
            Action::Terminate => "终止",
        }
    }

    /// The status table of the state machine.
    pub fn allowed_in(self, status: CaseStatus) -> bool {
        use CaseStatus as S;
        match self {
            Action::Accept | Action::Refuse | Action::RequestSupplement => {
                status.awaits_acceptance()
            }
            // Answers a supplement notice, or hands in a material promised at acceptance.
            Action::Supplement => {
                matches!(status, S::SupplementPending | S::Accepted | S::Suspended)
            }
            Action::CompleteStage | Action::Approve | Action::Deny | Action::Extend => {
                status == S::Accepted
            }
            Action::Suspend => status == S::Accepted,
            Action::Resume => status == S::Suspended,
            Action::Withdraw | Action::Terminate => matches!(
                status,
                S::Submitted | S::Received | S::SupplementPending | S::Accepted | S::Suspended
            ),
            Action::Deliver => matches!(status, S::Approved | S::Denied),
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_statuses_allow_nothing_and_open_ones_allow_something() {
        for status in CaseStatus::ALL {
            assert_eq!(
                status.allowed_actions().is_empty(),
                status.is_terminal(),
                "{status}"
            );
            assert_eq!(status.as_str().parse::<CaseStatus>(), Ok(status));
        }
    }

    #[test]
    fn suspended_case_can_only_resume_supplement_or_end() {
        assert_eq!(
            CaseStatus::Suspended.allowed_actions(),
            vec![
                Action::Supplement,
                Action::Resume,
                Action::Withdraw,
                Action::Terminate
            ]
        );
    }
}
