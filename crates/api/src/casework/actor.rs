//! Who acts on a case: the caller's role for this request, and for a clerk the window grant
//! in force at this moment (checked against the database, so a revocation stops the next
//! action at once).

use chrono::{DateTime, Utc};
use tongban_core::case::{window_permission, Action, Actor, GrantRef, WindowPermission};
use tongban_core::grant::{authorise, ItemRef, WindowAction, WindowRequest};
use tongban_core::item::Item;
use tongban_core::role::Role;
use tongban_store::grants;

use crate::auth::caller::Caller;
use crate::errors::grant_problem;
use crate::problem::{Problem, Text};
use tongban_app::records::grant_from_record;
use crate::state::AppState;

/// The roles a caller may act in for a case action, in the order they are tried: a clerk at
/// a window first (window actions are the common case), then the back office, then the
/// applicant. Supervisors and administrators watch cases; they do not act on them.
pub fn acting_roles(caller: &Caller) -> Vec<Role> {
    [Role::Clerk, Role::Approver, Role::Head, Role::Applicant]
        .into_iter()
        .filter(|r| caller.has(*r))
        .collect()
}

/// The actor for `role`, without a grant yet.
pub fn actor(caller: &Caller, role: Role) -> Actor {
    Actor {
        role,
        user: caller.username().to_owned(),
        department: caller.0.department.clone(),
        window: (role == Role::Clerk)
            .then(|| caller.window().map(str::to_owned))
            .flatten(),
        grant: None,
    }
}

fn window_action(p: WindowPermission) -> WindowAction {
    match p {
        WindowPermission::Accept => WindowAction::Accept,
        WindowPermission::DecideOnSpot => WindowAction::DecideOnSpot,
        WindowPermission::Deliver => WindowAction::Deliver,
    }
}

/// The grant action a clerk needs for `action` (`None`: no grant is involved). Opening a case
/// at a window is an acceptance.
pub fn needed(action: Option<Action>) -> Option<WindowAction> {
    match action {
        None => Some(WindowAction::Accept),
        Some(a) => window_permission(a).map(window_action),
    }
}

/// Checks `action` on `item` at the clerk's window against the window's grants as they stand at `now`
/// (the window's kind and the floating window's rota included).
pub async fn window_grant(
    state: &AppState,
    actor: &Actor,
    item: &Item,
    action: WindowAction,
    now: DateTime<Utc>,
) -> Result<GrantRef, Problem> {
    let Some(window_code) = actor.window.clone() else {
        return Err(Problem::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "window_required",
            Text::new("须在窗口办理", "A window is required"),
            Text::new(
                "窗口人员须在登录时选择所在窗口后才能办理。",
                "A clerk must sign in at a window to do this.",
            ),
        ));
    };
    let catalogue = state.catalogue();
    let window = catalogue.window(&window_code).ok_or_else(|| {
        Problem::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "unknown_window",
            Text::new("窗口不存在", "Unknown window"),
            Text::new(
                format!("窗口 {window_code} 不存在，请重新登录。"),
                format!("Window {window_code} does not exist; sign in again."),
            ),
        )
    })?;
    let hall = state.hall;
    let code = window_code.clone();
    let records = state
        .store
        .read(move |conn| grants::for_window(conn, &code))
        .await
        .map_err(crate::store_problem)?;
    let in_force = records
        .iter()
        .map(|r| grant_from_record(r, hall))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            tracing::error!(error = %e, "corrupt grant record");
            Problem::internal()
        })?;
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
        .map_err(|denied| grant_problem(&denied))
}
