//! Window grants (授权): which window, or which clerk at it, may do which actions for which
//! items, and the check of one window action against the grants in force at that moment.
//!
//! The check is pure: the caller passes the grants, the window, the instant and the hall's
//! time zone. Revocation is an instant (it stops new actions at once); validity is by hall
//! dates, `valid_to` inclusive to the end of its day.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::case::{GrantRef, WindowPermission};
use crate::clock::HallTime;

mod window;

pub use window::{weekday_key, weekday_zh, Rota, Window, WindowKind, WEEK};

/// An action a grant allows at a window (api.md: `actions`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WindowAction {
    /// 咨询
    Consult,
    /// 受理 (also refusal, supplement notice, withdrawal at the window)
    Accept,
    /// 即办件当场决定
    DecideOnSpot,
    /// 送达 / 出件
    Deliver,
}

impl WindowAction {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowAction::Consult => "consult",
            WindowAction::Accept => "accept",
            WindowAction::DecideOnSpot => "decide_on_spot",
            WindowAction::Deliver => "deliver",
        }
    }
}

impl std::fmt::Display for WindowAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<WindowPermission> for WindowAction {
    fn from(permission: WindowPermission) -> Self {
        match permission {
            WindowPermission::Accept => WindowAction::Accept,
            WindowPermission::DecideOnSpot => WindowAction::DecideOnSpot,
            WindowPermission::Deliver => WindowAction::Deliver,
        }
    }
}

/// The items a grant covers: a list of items, or every item of one department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantScope {
    Items(Vec<String>),
    Department(String),
}

impl GrantScope {
    pub fn covers(&self, item: ItemRef<'_>) -> bool {
        match self {
            GrantScope::Items(codes) => codes.iter().any(|c| c == item.code),
            GrantScope::Department(department) => department == item.department,
        }
    }
}

/// An authorisation (授权书) of a window, or of one clerk at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub id: i64,
    pub window: String,
    /// When set, only this clerk (username) may use the grant.
    pub clerk: Option<String>,
    pub scope: GrantScope,
    pub actions: Vec<WindowAction>,
    /// First hall date of validity.
    pub valid_from: NaiveDate,
    /// Last hall date of validity (inclusive); `None` is open-ended.
    pub valid_to: Option<NaiveDate>,
    /// The granting department or office (授权单位).
    pub granted_by: String,
    /// 授权书文号, e.g. 县政务办授〔2026〕3号.
    pub document_no: String,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Why a grant does not authorise at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantState {
    InForce,
    NotYetValid { valid_from: NaiveDate },
    Expired { valid_to: NaiveDate },
    Revoked { at: DateTime<Utc> },
}

impl Grant {
    pub fn state(&self, at: DateTime<Utc>, hall: HallTime) -> GrantState {
        if let Some(revoked) = self.revoked_at.filter(|r| *r <= at) {
            return GrantState::Revoked { at: revoked };
        }
        let today = hall.local_date(at);
        if today < self.valid_from {
            return GrantState::NotYetValid {
                valid_from: self.valid_from,
            };
        }
        match self.valid_to {
            Some(valid_to) if today > valid_to => GrantState::Expired { valid_to },
            _ => GrantState::InForce,
        }
    }

    pub fn is_in_force(&self, at: DateTime<Utc>, hall: HallTime) -> bool {
        self.state(at, hall) == GrantState::InForce
    }

    /// Whether the grant is about this window, clerk, item and action (ignoring time).
    pub fn applies_to(
        &self,
        window: &str,
        clerk: &str,
        item: ItemRef<'_>,
        action: WindowAction,
    ) -> bool {
        self.window == window
            && !matches!(self.clerk.as_deref(), Some(c) if c != clerk)
            && self.scope.covers(item)
            && self.actions.contains(&action)
    }
}

/// The item an action is about: its code and implementing department.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemRef<'a> {
    pub code: &'a str,
    pub department: &'a str,
}

/// One action a clerk wants to take at a window.
#[derive(Debug, Clone, Copy)]
pub struct WindowRequest<'a> {
    pub window: &'a Window,
    pub clerk: &'a str,
    pub item: ItemRef<'a>,
    pub action: WindowAction,
    pub at: DateTime<Utc>,
}

/// The grant that authorised an action, recorded on the case event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantUsed {
    pub grant_id: i64,
    pub document_no: String,
}

impl From<GrantUsed> for GrantRef {
    fn from(used: GrantUsed) -> Self {
        GrantRef {
            id: used.grant_id,
            document_no: used.document_no,
        }
    }
}

/// Why a window action is not authorised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantDenied {
    #[error("{}只能提供咨询，不能办理 {action}", .kind.name_zh())]
    ActionNotAtWindowKind {
        kind: WindowKind,
        action: WindowAction,
    },
    #[error("窗口 {window} 不办理部门 {department} 的事项")]
    DepartmentNotServed { window: String, department: String },
    #[error("流动窗口 {window} {} 无部门 {department} 轮值", weekday_zh(*.weekday))]
    NotOnRota {
        window: String,
        department: String,
        weekday: Weekday,
    },
    #[error("窗口 {window} 无事项 {item} 的 {action} 授权")]
    NoGrant {
        window: String,
        item: String,
        action: WindowAction,
    },
    #[error("授权 {document_no} 自 {valid_from} 起生效，尚未生效")]
    NotYetValid {
        grant_id: i64,
        document_no: String,
        valid_from: NaiveDate,
    },
    #[error("授权 {document_no} 已于 {valid_to} 到期")]
    Expired {
        grant_id: i64,
        document_no: String,
        valid_to: NaiveDate,
    },
    #[error("授权 {document_no} 已于 {revoked_at} 撤销")]
    Revoked {
        grant_id: i64,
        document_no: String,
        revoked_at: DateTime<Utc>,
    },
}

impl GrantDenied {
    /// A stable machine code for the API's problem documents.
    pub fn code(&self) -> &'static str {
        match self {
            GrantDenied::ActionNotAtWindowKind { .. } => "action_not_at_window_kind",
            GrantDenied::DepartmentNotServed { .. } => "department_not_served",
            GrantDenied::NotOnRota { .. } => "not_on_rota",
            GrantDenied::NoGrant { .. } => "no_grant",
            GrantDenied::NotYetValid { .. } => "grant_not_yet_valid",
            GrantDenied::Expired { .. } => "grant_expired",
            GrantDenied::Revoked { .. } => "grant_revoked",
        }
    }
}

/// Checks one window action against the window's kind and rota and the grants in force at
/// `request.at`. On success, returns the grant used: a clerk's own grant before the window's,
/// an item grant before a department grant, then the lowest id.
pub fn authorise(
    grants: &[Grant],
    request: &WindowRequest<'_>,
    hall: HallTime,
) -> Result<GrantUsed, GrantDenied> {
    check_window(request, hall)?;
    let mut candidates: Vec<&Grant> = grants
        .iter()
        .filter(|g| {
            g.applies_to(
                &request.window.code,
                request.clerk,
                request.item,
                request.action,
            )
        })
        .collect();
    if candidates.is_empty() {
        return Err(GrantDenied::NoGrant {
            window: request.window.code.clone(),
            item: request.item.code.to_owned(),
            action: request.action,
        });
    }
    candidates.sort_by_key(|g| {
        (
            g.clerk.is_none(),
            matches!(g.scope, GrantScope::Department(_)),
            g.id,
        )
    });
    if let Some(grant) = candidates.iter().find(|g| g.is_in_force(request.at, hall)) {
        return Ok(GrantUsed {
            grant_id: grant.id,
            document_no: grant.document_no.clone(),
        });
    }
    // None is in force: report the most telling reason (a revocation is news to the clerk;
    // an expiry before a grant that starts later).
    candidates
        .iter()
        .filter_map(|g| {
            let (grant_id, document_no) = (g.id, g.document_no.clone());
            match g.state(request.at, hall) {
                GrantState::InForce => None,
                GrantState::Revoked { at } => Some((
                    0,
                    GrantDenied::Revoked {
                        grant_id,
                        document_no,
                        revoked_at: at,
                    },
                )),
                GrantState::Expired { valid_to } => Some((
                    1,
                    GrantDenied::Expired {
                        grant_id,
                        document_no,
                        valid_to,
                    },
                )),
                GrantState::NotYetValid { valid_from } => Some((
                    2,
                    GrantDenied::NotYetValid {
                        grant_id,
                        document_no,
                        valid_from,
                    },
                )),
            }
        })
        .min_by_key(|(rank, _)| *rank)
        .map_or_else(
            || {
                Err(GrantDenied::NoGrant {
                    window: request.window.code.clone(),
                    item: request.item.code.to_owned(),
                    action: request.action,
                })
            },
            |(_, reason)| Err(reason),
        )
}

/// The window's own limits, before any grant: what kind of window it is, which departments
/// staff it, and for a floating window, who is on today's rota.
fn check_window(request: &WindowRequest<'_>, hall: HallTime) -> Result<(), GrantDenied> {
    let window = request.window;
    let department = request.item.department;
    if !window.kind.takes_applications() && request.action != WindowAction::Consult {
        return Err(GrantDenied::ActionNotAtWindowKind {
            kind: window.kind,
            action: request.action,
        });
    }
    let not_served = || GrantDenied::DepartmentNotServed {
        window: window.code.clone(),
        department: department.to_owned(),
    };
    match window.kind {
        WindowKind::Department if !window.serves_department(department) => Err(not_served()),
        WindowKind::Floating => {
            if !window.serves_department(department) {
                return Err(not_served());
            }
            let weekday = hall.local_date(request.at).weekday();
            let on_duty = window
                .rota
                .as_ref()
                .is_some_and(|rota| rota.on(weekday).iter().any(|d| d == department));
            if on_duty {
                Ok(())
            } else {
                Err(GrantDenied::NotOnRota {
                    window: window.code.clone(),
                    department: department.to_owned(),
                    weekday,
                })
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
