//! Which cases a caller may see: object-level checks on every case route, and the work
//! queue's filter. A case outside the caller's scope is answered like a missing one, so that
//! guessing case numbers reveals nothing.

use tongban_core::case::Case;
use tongban_core::role::Role;
use tongban_store::CaseFilter;

use crate::auth::caller::Caller;
use crate::catalogue_view::CatalogueView;
use crate::problem::{Problem, Text};

/// Whether `caller` may read `case`, in any of their roles.
pub fn may_see(caller: &Caller, case: &Case, catalogue: &CatalogueView) -> bool {
    if caller.has(Role::Supervisor) || caller.has(Role::Admin) {
        return true;
    }
    if caller.has(Role::Applicant) && case.owner.as_deref() == Some(caller.username()) {
        return true;
    }
    if caller.has(Role::Clerk) {
        if let Some(w) = caller.window() {
            let serves = catalogue
                .window(w)
                .is_some_and(|win| win.serves_department(&case.department));
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
    catalogue: &CatalogueView,
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
            let departments = catalogue
                .window(w)
                .map(|win| win.departments.clone())
                .unwrap_or_default();
            asked.at_window = Some((w.to_owned(), departments));
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
