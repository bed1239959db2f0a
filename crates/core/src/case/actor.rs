//! Who acts on a case, and which role may take which action.
//!
//! The window-grant check itself runs before the state machine (in the API layer, against the
//! grants in force); the machine receives its result as [`Actor::grant`] and records it on the
//! event. [`window_permission`] tells the caller which grant an action at a window needs.

use serde::{Deserialize, Serialize};

use crate::item::{Item, ItemKind, Stage};
use crate::role::Role;

use super::error::{CaseError, Named};
use super::model::Case;
use super::status::{Action, CaseStatus};

/// The person acting, as authenticated and checked by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The role the user acts in (a user holding several picks one per request).
    pub role: Role,
    pub user: String,
    /// The user's department, for back-office roles.
    pub department: Option<String>,
    /// The window a clerk sits at.
    pub window: Option<String>,
    /// The grant that authorised this window action, when one did.
    pub grant: Option<GrantRef>,
}

impl Actor {
    /// The user name of the e-supervision monitor when it acts by itself.
    pub const MONITOR: &'static str = "system";

    /// The e-supervision monitor, acting where the law acts without anyone (art. 32).
    pub fn monitor() -> Actor {
        Actor {
            role: Role::Supervisor,
            user: Self::MONITOR.to_owned(),
            department: None,
            window: None,
            grant: None,
        }
    }
}

/// The grant found in force for a window action, recorded on the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRef {
    pub id: i64,
    /// The authorisation document number (授权书文号).
    pub document_no: String,
}

/// The grant actions of api.md a window needs for the case actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowPermission {
    Accept,
    DecideOnSpot,
    Deliver,
}

impl WindowPermission {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowPermission::Accept => "accept",
            WindowPermission::DecideOnSpot => "decide_on_spot",
            WindowPermission::Deliver => "deliver",
        }
    }
}

/// The grant a clerk needs at a window for an action; `None` when clerks never take it.
/// Opening a case at a window (receive) needs `Accept`.
pub fn window_permission(action: Action) -> Option<WindowPermission> {
    match action {
        Action::Accept
        | Action::Refuse
        | Action::RequestSupplement
        | Action::Supplement
        | Action::Withdraw
        | Action::Terminate => Some(WindowPermission::Accept),
        Action::Approve | Action::Deny => Some(WindowPermission::DecideOnSpot),
        Action::Deliver => Some(WindowPermission::Deliver),
        Action::CompleteStage | Action::Suspend | Action::Resume | Action::Extend => None,
    }
}

/// How the actor was authorised, when it matters to the transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Authority {
    Ordinary,
    /// A clerk deciding an immediate item on the spot under a `decide_on_spot` grant.
    OnSpot,
}

/// Checks that `actor` may take `action` on `case` (the status is checked separately).
pub(crate) fn authorize(
    action: Action,
    case: &Case,
    item: &Item,
    actor: &Actor,
    stage: Option<&Stage>,
) -> Result<Authority, CaseError> {
    let role = actor.role;
    let denied = || CaseError::RoleNotAllowed {
        action: action.as_str().to_owned(),
        role,
    };
    match (action, role) {
        (Action::Accept | Action::Refuse | Action::RequestSupplement, Role::Clerk) => {
            at_window(action, actor)
        }
        (Action::Supplement | Action::Withdraw, Role::Applicant) => {
            owner(case, actor).map(|_| Authority::Ordinary)
        }
        (Action::Supplement | Action::Withdraw, Role::Clerk) => at_window(action, actor),
        (Action::CompleteStage, Role::Approver | Role::Head) => {
            let Some(stage) = stage else {
                return Err(denied());
            };
            let may = stage.role == role || (role == Role::Head && stage.role == Role::Approver);
            if !may {
                return Err(denied());
            }
            in_department(actor, &stage.department)
        }
        (Action::Approve | Action::Deny, Role::Approver | Role::Head) => {
            in_department(actor, &case.department)
        }
        (Action::Approve | Action::Deny, Role::Clerk) => {
            if item.kind != ItemKind::Immediate {
                return Err(CaseError::NotImmediateItem {
                    item: Named::item(item),
                });
            }
            at_window(action, actor).map(|_| Authority::OnSpot)
        }
        (Action::Suspend | Action::Resume, Role::Approver | Role::Head) => {
            in_department(actor, &case.department)
        }
        // Joint handling: the head of the government approves (art. 42 para. 2).
        (Action::Extend, Role::Head) => in_department(
            actor,
            item.rules
                .extension_by
                .as_deref()
                .unwrap_or(&case.department),
        ),
        (Action::Deliver, Role::Clerk) => at_window(action, actor),
        (Action::Deliver | Action::Terminate, Role::Approver | Role::Head) => {
            in_department(actor, &case.department)
        }
        // Before acceptance the case is the window's; after it, the back office's.
        (Action::Terminate, Role::Clerk)
            if case.status.awaits_acceptance() || case.status == CaseStatus::SupplementPending =>
        {
            at_window(action, actor)
        }
        _ => Err(denied()),
    }
}

/// Opening a case: an applicant online, or a clerk at a granted window.
pub(crate) fn authorize_open(actor: &Actor) -> Result<(), CaseError> {
    match actor.role {
        Role::Applicant => Ok(()),
        Role::Clerk => {
            if actor.window.is_none() {
                return Err(CaseError::WindowRequired {
                    action: "receive".to_owned(),
                });
            }
            if actor.grant.is_none() {
                return Err(CaseError::GrantRequired {
                    action: "receive".to_owned(),
                    permission: WindowPermission::Accept,
                });
            }
            Ok(())
        }
        role => Err(CaseError::RoleNotAllowed {
            action: "submit".to_owned(),
            role,
        }),
    }
}

fn at_window(action: Action, actor: &Actor) -> Result<Authority, CaseError> {
    if actor.window.is_none() {
        return Err(CaseError::WindowRequired {
            action: action.as_str().to_owned(),
        });
    }
    match (actor.grant.as_ref(), window_permission(action)) {
        (Some(_), _) => Ok(Authority::Ordinary),
        (None, Some(permission)) => Err(CaseError::GrantRequired {
            action: action.as_str().to_owned(),
            permission,
        }),
        (None, None) => Err(CaseError::RoleNotAllowed {
            action: action.as_str().to_owned(),
            role: actor.role,
        }),
    }
}

fn owner(case: &Case, actor: &Actor) -> Result<(), CaseError> {
    match &case.owner {
        Some(owner) if *owner == actor.user => Ok(()),
        _ => Err(CaseError::NotCaseOwner),
    }
}

fn in_department(actor: &Actor, department: &str) -> Result<Authority, CaseError> {
    match &actor.department {
        Some(d) if d == department => Ok(Authority::Ordinary),
        other => Err(CaseError::WrongDepartment {
            expected: department.to_owned(),
            actual: other.clone(),
        }),
    }
}
