//! Which cases a caller may see: object-level checks on every case route, and the work
//! queue's filter. A case outside the caller's scope is answered like a missing one, so that
//! guessing case numbers reveals nothing.

use tongban_core::case::Case;
use tongban_core::role::Role;
use tongban_store::{grants, CaseFilter};

use crate::auth::caller::Caller;
use crate::problem::{Problem, Text};
use crate::state::AppState;

/// The departments whose cases a clerk's window works on: the window's own, and those its
/// grants in force reach for casework (accept, decide on the spot, deliver). A general
/// window has no department of its own — 一窗受理 and 综合出件 work by grant alone — so
/// without this it could never see an online application or a case to hand out.
/// Empty for a caller who is not a clerk at a window.
pub async fn window_departments(state: &AppState, caller: &Caller) -> Result<Vec<String>, Problem> {
    let Some(window) = caller.window().filter(|_| caller.has(Role::Clerk)) else {
        return Ok(Vec::new());
    };
    let catalogue = state.catalogue();
    let mut departments = catalogue
        .window(window)
        .map(|w| w.departments.clone())
        .unwrap_or_default();
    let code = window.to_owned();
    let at = tongban_app::records::millis(state.clock.now());
    let in_force = state
        .store
        .read(move |conn| grants::in_force(conn, &code, at))
        .await
        .map_err(crate::store_problem)?;
    for g in in_force {
        let actions: Vec<String> = serde_json::from_str(&g.actions).unwrap_or_default();
        if actions.iter().all(|a| a == "consult") {
            continue;
        }
        match g.department {
            Some(d) => departments.push(d),
            None => {
                let items: Vec<String> = serde_json::from_str(&g.items).unwrap_or_default();
                departments.extend(
                    items
                        .iter()
                        .filter_map(|i| catalogue.item(i))
                        .map(|i| i.department.clone()),
                );
            }
        }
    }
    departments.sort();
    departments.dedup();
    Ok(departments)
}

/// Whether `caller` may read `case`, in any of their roles (`window_departments`: see
/// [`window_departments`]).
pub fn may_see(caller: &Caller, case: &Case, window_departments: &[String]) -> bool {
    if caller.has(Role::Supervisor) || caller.has(Role::Admin) {
        return true;
    }
    if caller.has(Role::Applicant) && case.owner.as_deref() == Some(caller.username()) {
        return true;
    }
    if caller.has(Role::Clerk) {
        if let Some(w) = caller.window() {
            let serves = window_departments.contains(&case.department);
            if case.window.as_deref() == Some(w) || serves {
                return true;
            }
        }
    }
    if caller.has(Role::Approver) || caller.has(Role::Head) {
        if let Some(d) = caller.0.department.as_deref() {
            if case.department == d || case.stages.iter().any(|s| s.department == d) {
                return true;
            }
        }
    }
    false
}

pub fn case_not_found(case_no: &str) -> Problem {
    Problem::not_found(
        "case_not_found",
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
    caller: &Caller,
    window_departments: &[String],
    mut asked: CaseFilter,
) -> Result<CaseFilter, Problem> {
    if caller.has(Role::Supervisor) || caller.has(Role::Admin) {
        return Ok(asked);
    }
    if caller.has(Role::Approver) || caller.has(Role::Head) {
        if let Some(d) = caller.0.department.clone() {
            asked.in_department = Some(d);
            return Ok(asked);
        }
    }
    if caller.has(Role::Clerk) {
        if let Some(w) = caller.window() {
            asked.at_window = Some((w.to_owned(), window_departments.to_vec()));
            return Ok(asked);
        }
    }
    if caller.has(Role::Applicant) {
        asked.owner = Some(caller.username().to_owned());
        return Ok(asked);
    }
    Err(Problem::new(
        actix_web::http::StatusCode::FORBIDDEN,
        "no_queue",
        Text::new("无工作队列", "No work queue"),
        Text::new(
            "您的角色没有办件队列；窗口人员须在窗口登录，审批人员须属于某个部门。",
            "Your role has no case queue: clerks sign in at a window, approvers belong to a department.",
        ),
    ))
}
