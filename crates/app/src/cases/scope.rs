//! Which cases a caller may see: object-level checks on every case use case, and the work
//! queue's filter. A case outside the caller's scope is answered like a missing one, so that
//! guessing case numbers reveals nothing.

use tongban_core::case::Case;
use tongban_core::role::Role;
use tongban_store::{cases, grants, CaseFilter};

use super::view::decode_case;
use super::{has, plausible_code, Who};
use crate::app::{App, Config};
use crate::error::{AppResult, Code, Error, Text};
use crate::records::decode;

/// The departments whose cases a clerk's window works on: the window's own, and those its
/// grants in force reach for casework (accept, decide on the spot, deliver). A general
/// window has no department of its own — 一窗受理 and 综合出件 work by grant alone — so
/// without this it could never see an online application or a case to hand out.
/// Empty for a caller who is not a clerk at a window.
pub async fn window_departments(app: &App, config: &Config, who: &Who) -> AppResult<Vec<String>> {
    let Some(window) = who.window.as_deref().filter(|_| has(who, Role::Clerk)) else {
        return Ok(Vec::new());
    };
    let catalogue = &config.catalogue;
    let mut departments = catalogue
        .window(window)
        .map(|w| w.departments.clone())
        .unwrap_or_default();
    let code = window.to_owned();
    let at = crate::records::millis(app.clock.now());
    let in_force = app
        .store
        .read(move |conn| grants::in_force(conn, &code, at))
        .await?;
    for g in in_force {
        let key = g.id.to_string();
        let actions: Vec<String> = decode("grant", &key, &g.actions).map_err(Error::corrupt)?;
        if actions.iter().all(|a| a == "consult") {
            continue;
        }
        match g.department {
            Some(d) => departments.push(d),
            None => {
                let items: Vec<String> = decode("grant", &key, &g.items).map_err(Error::corrupt)?;
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

/// Whether `who` may read `case`, in any of their roles (`window_departments`: see
/// [`window_departments`]).
pub fn may_see(who: &Who, case: &Case, window_departments: &[String]) -> bool {
    if has(who, Role::Supervisor) || has(who, Role::Admin) {
        return true;
    }
    if has(who, Role::Applicant) && case.owner.as_deref() == Some(who.sub.as_str()) {
        return true;
    }
    if has(who, Role::Clerk) {
        if let Some(w) = who.window.as_deref() {
            let serves = window_departments.contains(&case.department);
            if case.window.as_deref() == Some(w) || serves {
                return true;
            }
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
    window_departments: &[String],
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
        if let Some(w) = who.window.as_deref() {
            asked.at_window = Some((w.to_owned(), window_departments.to_vec()));
            return Ok(asked);
        }
    }
    if has(who, Role::Applicant) {
        asked.owner = Some(who.sub.clone());
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
    if !may_see(who, &case, &window_departments(app, config, who).await?) {
        return Err(case_not_found(case_no));
    }
    Ok(case)
}

/// Loads a case the caller may see (the window's scope as the database holds it now).
pub async fn visible_case(app: &App, who: &Who, case_no: &str) -> AppResult<Case> {
    let config = app.config().await?;
    visible_case_in(app, &config, who, case_no).await
}
