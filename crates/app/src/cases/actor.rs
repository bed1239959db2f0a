//! Who acts on a case: the caller's role for this request, and for a clerk the window grant
//! in force at this moment (checked against the database, so a revocation stops the next
//! action at once).

use chrono::{DateTime, Utc};
use tongban_core::case::{Actor, GrantRef};
use tongban_core::grant::{authorise, ItemRef, WindowAction, WindowRequest};
use tongban_core::item::Item;
use tongban_core::role::Role;
use tongban_store::grants;

use super::{has, Who};
use crate::app::{App, Config};
use crate::error::{AppResult, Code, Error, Kind, Text};
use crate::records::grant_from_record;

/// The roles a caller may act in for a case action, in the order they are tried: a clerk at
/// a window first (window actions are the common case), then the back office, then the
/// applicant. Supervisors and administrators watch cases; they do not act on them.
pub const ACTING_ROLES: [Role; 4] = [Role::Clerk, Role::Approver, Role::Head, Role::Applicant];

/// The roles of [`ACTING_ROLES`] the caller holds, in that order. Each is tried even when
/// the action's table entry does not list it: the core checks the case's state before the
/// role, and a request the state refuses is answered as such (409) whoever sends it.
pub fn acting_roles(who: &Who) -> Vec<Role> {
    ACTING_ROLES.into_iter().filter(|r| has(who, *r)).collect()
}

/// The actor for `role`, without a grant yet.
pub fn actor(who: &Who, role: Role) -> Actor {
    Actor {
        role,
        user: who.sub.clone(),
        department: who.department.clone(),
        window: (role == Role::Clerk).then(|| who.window.clone()).flatten(),
        grant: None,
    }
}

/// Checks `action` on `item` at the clerk's window against the window's grants as they
/// stand at `now` (the window's kind and the floating window's rota included).
pub async fn window_grant(
    app: &App,
    config: &Config,
    actor: &Actor,
    item: &Item,
    action: WindowAction,
    now: DateTime<Utc>,
) -> AppResult<GrantRef> {
    let Some(window_code) = actor.window.clone() else {
        // The core's rule of the same name: a clerk acts at a window (403, not the 422 of a
        // sign-in without one).
        return Err(Error::new(
            Code::CaseRule("window_required", Kind::Forbidden),
            Text::new("须在窗口办理", "A window is required"),
            Text::new(
                "窗口人员须在登录时选择所在窗口后才能办理。",
                "A clerk must sign in at a window to do this.",
            ),
        ));
    };
    let window = config.catalogue.window(&window_code).ok_or_else(|| {
        Error::new(
            Code::UnknownWindow,
            Text::new("窗口不存在", "Unknown window"),
            Text::new(
                format!("窗口 {window_code} 不存在，请重新登录。"),
                format!("Window {window_code} does not exist; sign in again."),
            ),
        )
    })?;
    let hall = app.hall;
    let code = window_code.clone();
    let records = app
        .store
        .read(move |conn| grants::for_window(conn, &code))
        .await?;
    let in_force = records
        .iter()
        .map(|r| grant_from_record(r, hall))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::corrupt(format!("grant record: {e}")))?;
    let request = WindowRequest {
        window,
        clerk: &actor.user,
        item: ItemRef {
            code: &item.code,
            department: &item.department,
        },
        action,
        at: now,
    };
    authorise(&in_force, &request, hall)
        .map(GrantRef::from)
        .map_err(|denied| Error::from(&denied))
}
