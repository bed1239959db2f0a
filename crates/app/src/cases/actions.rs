//! The thirteen case actions in one table: the path segment a driver names it by, the roles
//! that may take it and the window grant a clerk needs for it. The JSON routes, their OpenAPI
//! entries and the console's action forms are all made from this table; the core's rules
//! decide within it (an approver's department, a case's owner, a stage's role).

use tongban_core::case::{Action, Command};
use tongban_core::grant::WindowAction;
use tongban_core::role::Role;

use super::intake::{check_materials, MAX_CODE};
use crate::error::AppResult;
use crate::validate::{Fields, MAX_TEXT};

/// One case action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    pub action: Action,
    /// Its path segment, as in api.md: `request-supplement`.
    pub slug: &'static str,
    /// The roles that may take it (the core's role rules; the answer when the caller holds
    /// none of the acting roles).
    pub roles: &'static [Role],
    /// The grant a clerk's window needs for it (`None`: clerks never need one).
    pub grant: Option<WindowAction>,
}

const CLERK: &[Role] = &[Role::Clerk];
const CLERK_APPLICANT: &[Role] = &[Role::Clerk, Role::Applicant];
const BACK_OFFICE: &[Role] = &[Role::Approver, Role::Head];
const CLERK_BACK_OFFICE: &[Role] = &[Role::Clerk, Role::Approver, Role::Head];
const HEAD: &[Role] = &[Role::Head];

const fn spec(
    action: Action,
    slug: &'static str,
    roles: &'static [Role],
    grant: Option<WindowAction>,
) -> ActionSpec {
    ActionSpec {
        action,
        slug,
        roles,
        grant,
    }
}

/// Every case action, in the order the case page offers them.
pub const ACTIONS: [ActionSpec; 13] = [
    spec(Action::Accept, "accept", CLERK, Some(WindowAction::Accept)),
    spec(
        Action::RequestSupplement,
        "request-supplement",
        CLERK,
        Some(WindowAction::Accept),
    ),
    spec(Action::Refuse, "refuse", CLERK, Some(WindowAction::Accept)),
    spec(
        Action::Supplement,
        "supplement",
        CLERK_APPLICANT,
        Some(WindowAction::Accept),
    ),
    spec(Action::CompleteStage, "complete-stage", BACK_OFFICE, None),
    spec(
        Action::Approve,
        "approve",
        CLERK_BACK_OFFICE,
        Some(WindowAction::DecideOnSpot),
    ),
    spec(
        Action::Deny,
        "deny",
        CLERK_BACK_OFFICE,
        Some(WindowAction::DecideOnSpot),
    ),
    spec(Action::Suspend, "suspend", BACK_OFFICE, None),
    spec(Action::Resume, "resume", BACK_OFFICE, None),
    spec(Action::Extend, "extend", HEAD, None),
    spec(
        Action::Deliver,
        "deliver",
        CLERK_BACK_OFFICE,
        Some(WindowAction::Deliver),
    ),
    spec(
        Action::Withdraw,
        "withdraw",
        CLERK_APPLICANT,
        Some(WindowAction::Accept),
    ),
    spec(
        Action::Terminate,
        "terminate",
        CLERK_BACK_OFFICE,
        Some(WindowAction::Accept),
    ),
];

impl ActionSpec {
    /// The entry of `action`.
    pub fn of(action: Action) -> &'static ActionSpec {
        // The table has every action (a test checks it); the fallback is never taken.
        ACTIONS
            .iter()
            .find(|s| s.action == action)
            .unwrap_or(&ACTIONS[0])
    }

    /// The entry named by a path segment.
    pub fn by_slug(slug: &str) -> Option<&'static ActionSpec> {
        ACTIONS.iter().find(|s| s.slug == slug)
    }
}

/// The texts of a command within their limits, with the field names of the JSON bodies.
/// Every driver's command passes here before the core sees it.
pub fn check_command(cmd: &Command) -> AppResult<()> {
    let mut f = Fields::default();
    let mut text = |field: &str, value: &str| f.text(field, value, 1, MAX_TEXT);
    match cmd {
        Command::Refuse {
            reason,
            legal_basis,
        }
        | Command::Deny {
            reason,
            legal_basis,
        } => {
            text("reason", reason);
            text("legal_basis", legal_basis);
        }
        Command::CompleteStage { stage, opinion } => {
            text("stage", stage);
            text("opinion", opinion);
        }
        Command::Approve { opinion } => text("opinion", opinion),
        Command::Suspend { note, .. } => text("note", note),
        Command::Extend { reason, .. }
        | Command::Withdraw { reason }
        | Command::Terminate { reason } => text("reason", reason),
        Command::RequestSupplement { missing } => {
            for (i, m) in missing.iter().enumerate() {
                f.text(&format!("missing[{i}].code"), &m.code, 1, MAX_CODE);
                f.text(&format!("missing[{i}].note"), &m.note, 0, MAX_TEXT);
            }
        }
        Command::Supplement { materials } => return check_materials(materials),
        Command::Accept | Command::Resume | Command::Deliver { .. } => {}
    }
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_core::case::window_permission;

    #[test]
    fn the_table_has_every_action_once_with_the_core_grant() {
        for a in Action::ALL {
            let specs: Vec<_> = ACTIONS.iter().filter(|s| s.action == a).collect();
            assert_eq!(specs.len(), 1, "{a:?}");
            assert_eq!(specs[0].slug, a.as_str().replace('_', "-"));
            let core = window_permission(a).map(|p| p.as_str());
            assert_eq!(specs[0].grant.map(|g| g.as_str()), core, "{a:?}");
        }
    }
}
