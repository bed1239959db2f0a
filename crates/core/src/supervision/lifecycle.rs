//! The lifecycle of an alert: open → acknowledged → urged (督办) → resolved (with an
//! explanation) or escalated. Which move each status allows is decided here, once; the
//! application turns a refused move into its stable error code.

use serde::{Deserialize, Serialize};

/// Where an alert stands. `resolved` and `escalated` are closed: nothing moves them again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Open,
    Acknowledged,
    Urged,
    Resolved,
    Escalated,
}

impl AlertStatus {
    pub const ALL: [AlertStatus; 5] = [
        AlertStatus::Open,
        AlertStatus::Acknowledged,
        AlertStatus::Urged,
        AlertStatus::Resolved,
        AlertStatus::Escalated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Urged => "urged",
            AlertStatus::Resolved => "resolved",
            AlertStatus::Escalated => "escalated",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            AlertStatus::Open => "待处理",
            AlertStatus::Acknowledged => "已确认",
            AlertStatus::Urged => "已督办",
            AlertStatus::Resolved => "已办结",
            AlertStatus::Escalated => "已上报",
        }
    }

    pub fn parse(s: &str) -> Option<AlertStatus> {
        AlertStatus::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn is_closed(self) -> bool {
        matches!(self, AlertStatus::Resolved | AlertStatus::Escalated)
    }
}

/// What a supervisor does to an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertAction {
    /// 确认: the supervisor has seen it and takes it in hand.
    Acknowledge,
    /// 督办: press the responsible department (a message goes to it); may be repeated.
    Urge,
    /// 办结: closed with an explanation.
    Resolve,
    /// 上报: handed to the level above; closed here.
    Escalate,
}

impl AlertAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertAction::Acknowledge => "acknowledge",
            AlertAction::Urge => "urge",
            AlertAction::Resolve => "resolve",
            AlertAction::Escalate => "escalate",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            AlertAction::Acknowledge => "确认",
            AlertAction::Urge => "督办",
            AlertAction::Resolve => "办结",
            AlertAction::Escalate => "上报",
        }
    }

    /// A resolution must say how the matter was settled, an escalation why it goes up.
    pub fn needs_note(self) -> bool {
        matches!(self, AlertAction::Resolve | AlertAction::Escalate)
    }
}

/// Why a move is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoveRefused {
    /// The alert is resolved or escalated.
    #[error("the alert is already {}", .0.as_str())]
    Closed(AlertStatus),
    /// Acknowledging an alert that is past `open`.
    #[error("the alert is already {}", .0.as_str())]
    AlreadyAcknowledged(AlertStatus),
}

impl MoveRefused {
    /// The stable machine code of the 409.
    pub fn code(self) -> &'static str {
        match self {
            MoveRefused::Closed(_) => "alert_closed",
            MoveRefused::AlreadyAcknowledged(_) => "alert_already_acknowledged",
        }
    }
}

/// The status `action` moves an alert in `status` to.
///
/// | from \ action | acknowledge | urge | resolve | escalate |
/// |---|---|---|---|---|
/// | open | acknowledged | urged | resolved | escalated |
/// | acknowledged | refused | urged | resolved | escalated |
/// | urged | refused | urged (again) | resolved | escalated |
/// | resolved, escalated | refused | refused | refused | refused |
pub fn next(status: AlertStatus, action: AlertAction) -> Result<AlertStatus, MoveRefused> {
    if status.is_closed() {
        return Err(MoveRefused::Closed(status));
    }
    match action {
        AlertAction::Acknowledge if status == AlertStatus::Open => Ok(AlertStatus::Acknowledged),
        AlertAction::Acknowledge => Err(MoveRefused::AlreadyAcknowledged(status)),
        AlertAction::Urge => Ok(AlertStatus::Urged),
        AlertAction::Resolve => Ok(AlertStatus::Resolved),
        AlertAction::Escalate => Ok(AlertStatus::Escalated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AlertAction::*;
    use AlertStatus::*;

    #[test]
    fn the_table_of_moves() {
        assert_eq!(next(Open, Acknowledge), Ok(Acknowledged));
        assert_eq!(next(Open, Urge), Ok(Urged));
        assert_eq!(next(Acknowledged, Urge), Ok(Urged));
        assert_eq!(next(Urged, Urge), Ok(Urged));
        for from in [Open, Acknowledged, Urged] {
            assert_eq!(next(from, Resolve), Ok(Resolved));
            assert_eq!(next(from, Escalate), Ok(Escalated));
        }
        assert_eq!(
            next(Acknowledged, Acknowledge),
            Err(MoveRefused::AlreadyAcknowledged(Acknowledged))
        );
        assert_eq!(
            next(Urged, Acknowledge).map_err(MoveRefused::code),
            Err("alert_already_acknowledged")
        );
        for closed in [Resolved, Escalated] {
            for action in [Acknowledge, Urge, Resolve, Escalate] {
                assert_eq!(next(closed, action), Err(MoveRefused::Closed(closed)));
            }
        }
    }

    #[test]
    fn statuses_round_trip() {
        for s in AlertStatus::ALL {
            assert_eq!(AlertStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AlertStatus::parse("closed"), None);
        assert!(Resolve.needs_note() && Escalate.needs_note());
        assert!(!Acknowledge.needs_note() && !Urge.needs_note());
    }
}
