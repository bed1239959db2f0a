//! Which cases a caller may see: object-level checks on every case use case, and the work
//! queue's filter. A case outside the caller's scope is answered like a missing one, so that
//! guessing case numbers reveals nothing.

use chrono::Datelike;
use tongban_core::case::Case;
use tongban_core::grant::WindowKind;
use tongban_core::role::Role;
use tongban_store::{cases, grants, CaseFilter, WindowQueue};

use super::view::decode_case;
use super::{has, plausible_code, Who};
use crate::app::{App, Config};
use crate::error::{AppResult, Code, Error, Text};
use crate::records::decode;

/// What a clerk's window may read: the cases taken at it, and those of the items its grants
/// in force cover for casework (accept, decide on the spot, deliver; a consult-only grant
/// reads nothing), a grant for one clerk only for that clerk, and a floating window only
/// the departments on today's rota. `None` for a caller who is not a clerk at a window.
pub async fn window_scope(app: &App, config: &Config, who: &Who) -> AppResult<Option<WindowQueue>> {
    granted_scope(app, config, who, None).await
}

/// The same, counting only grants that hold `action` when given (`accept`: who may add an
/// application's files), and not the cases merely taken at the window.
pub async fn granted_scope(
    app: &App,
    config: &Config,
    who: &Who,
    action: Option<&str>,
) -> AppResult<Option<WindowQueue>> {
    let Some(window) = who.window.as_deref().filter(|_| has(who, Role::Clerk)) else {
        return Ok(None);
    };
    let catalogue = &config.catalogue;
    let code = window.to_owned();
    let now = app.clock.now();
    let at = crate::records::millis(now);
    let in_force = app
        .store
        .read(move |conn| grants::in_force(conn, &code, at))
        .await?;
    // A floating window serves only today's departments (the rota); others all they serve.
    let on_duty = |department: &str| match catalogue.window(window) {
        Some(w) if w.kind == WindowKind::Floating => {
            let weekday = app.hall.local_date(now).weekday();
            w.rota
                .as_ref()
                .is_some_and(|r| r.on(weekday).iter().any(|d| d == department))
        }
        _ => true,
    };
    let mut scope = WindowQueue {
        window: window.to_owned(),
        ..WindowQueue::default()
    };
    for g in in_force {
        let key = g.id.to_string();
        let actions: Vec<String> = decode("grant", &key, &g.actions).map_err(Error::corrupt)?;
        let for_someone_else = g.clerk.as_deref().is_some_and(|c| c != who.sub);
        let lacks = action.is_some_and(|a| !actions.iter().any(|x| x == a));
        if actions.iter().all(|a| a == "consult") || for_someone_else || lacks {
            continue;
        }
        match g.department {
            Some(d) if on_duty(&d) => scope.departments.push(d),
            Some(_) => {}
            None => {
                let items: Vec<String> = decode("grant", &key, &g.items).map_err(Error::corrupt)?;
                scope.items.extend(
                    items
                        .into_iter()
                        .filter(|i| catalogue.item(i).is_some_and(|it| on_duty(&it.department))),
                );
            }
        }
    }
    scope.departments.sort();
    scope.departments.dedup();
    scope.items.sort();
    scope.items.dedup();
    Ok(Some(scope))
}

/// Whether `who` may read `case`, in any of their roles (`window`: see [`window_scope`]).
pub fn may_see(who: &Who, case: &Case, window: Option<&WindowQueue>) -> bool {
    if has(who, Role::Supervisor) || has(who, Role::Admin) {
        return true;
    }
    if has(who, Role::Applicant) && case.owner.as_deref() == Some(who.sub.as_str()) {
        return true;
    }
    if let Some(w) = window.filter(|_| has(who, Role::Clerk)) {
        if case.window.as_deref() == Some(w.window.as_str())
            || w.departments.contains(&case.department)
            || w.items.contains(&case.item_code)
        {
            return true;
        }
    }
    if has(who, Role::Approver) || has(who, Role::Head) {
        if let Some(d) = who.department.as_deref() {
            if case.department == d || case.stages.iter().any(|s| s.department == d) {
                return true;
            }
        }
    }
    false
}

/// The one answer for a case that does not exist or that the caller may not see.
pub fn case_not_found(case_no: &str) -> Error {
    Error::not_found(
        Code::CaseNotFound,
        Text::new(
            format!("没有办件 {case_no}，或您无权查看。"),
            format!("There is no case {case_no}, or you may not see it."),
        ),
    )
}

/// The work queue of the caller's scope, narrowed by the filter the caller asked for. The
/// broadest role wins: a supervisor sees everything, a clerk their window's queue, an
/// approver their department's, an applicant their own cases.
pub fn queue_filter(
    who: &Who,
    window: Option<&WindowQueue>,
    mut asked: CaseFilter,
) -> AppResult<CaseFilter> {
    if has(who, Role::Supervisor) || has(who, Role::Admin) {
        return Ok(asked);
    }
    if has(who, Role::Approver) || has(who, Role::Head) {
        if let Some(d) = who.department.clone() {
            asked.in_department = Some(d);
            return Ok(asked);
        }
    }
    if has(who, Role::Clerk) {
        if let Some(w) = window {
            asked.at_window = Some(w.clone());
            return Ok(asked);
        }
    }
    if has(who, Role::Applicant) {
        asked.owner = Some(who.sub.clone());
        // An applicant looks for what they just applied for; a queue is worked oldest first.
        asked.newest_first = true;
        return Ok(asked);
    }
    Err(Error::new(
        Code::NoQueue,
        Text::new("无工作队列", "No work queue"),
        Text::new(
            "您的角色没有办件队列；窗口人员须在窗口登录，审批人员须属于某个部门。",
            "Your role has no case queue: clerks sign in at a window, approvers belong to a department.",
        ),
    ))
}

/// Loads a case the caller may see, under the configuration `config`; anything else is the
/// same 404.
pub async fn visible_case_in(
    app: &App,
    config: &Config,
    who: &Who,
    case_no: &str,
) -> AppResult<Case> {
    if !plausible_code(case_no) {
        return Err(case_not_found(
            &case_no.chars().take(64).collect::<String>(),
        ));
    }
    let no = case_no.to_owned();
    let record = app
        .store
        .read(move |conn| cases::get_case(conn, &no))
        .await?
        .ok_or_else(|| case_not_found(case_no))?;
    let case = decode_case(&record)?;
    if !may_see(who, &case, window_scope(app, config, who).await?.as_ref()) {
        return Err(case_not_found(case_no));
    }
    Ok(case)
}

/// Loads a case the caller may see (the window's scope as the database holds it now).
pub async fn visible_case(app: &App, who: &Who, case_no: &str) -> AppResult<Case> {
    let config = app.config().await?;
    visible_case_in(app, &config, who, case_no).await
}
