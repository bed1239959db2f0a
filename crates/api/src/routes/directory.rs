//! The hall's directory, as the administrator keeps it: departments, windows, the grants
//! (授权) of each window, and the clerks who sit at it. Reading the departments and windows
//! is in `catalogue.rs`.


use actix_web::http::StatusCode;
use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tongban_core::catalogue::Department;
use tongban_core::grant::{Grant, GrantScope, GrantState, Rota, Window, WindowAction, WindowKind};
use tongban_core::item::ItemKind;
use tongban_core::role::Role;
use tongban_store::grants::GrantRecord;
use tongban_store::{
    audit, departments, grants, users as user_store, windows, NewAudit, StoreError,
};
use utoipa::ToSchema;

use crate::auth::caller::{forbidden_role, Caller};
use crate::catalogue_check;
use crate::problem::{Problem, Text};
use tongban_app::records::{self, from_millis, millis, to_json};
use crate::state::AppState;
use tongban_app::users::roles_of;
use tongban_app::validate::Fields;

/// Reads the configuration again after a write (its revision moved), so that lists show the
/// change at once.
pub async fn refresh_catalogue(state: &web::Data<AppState>) -> Result<(), Problem> {
    state.app.config().await?;
    Ok(())
}

/// Codes of departments, windows and items: they appear in paths, so letters, digits and
/// `-` `_` `.` only.
pub fn code_field(fields: &mut Fields, field: &str, value: &str) {
    let ok = (1..=32).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        fields.error(
            field,
            "编码须为 1–32 个字母、数字或 - _ .",
            "must be 1–32 letters, digits or - _ .",
        );
    }
}

/// An audit record of an administrator's change.
pub fn admin_audit(
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: String,
) -> NewAudit {
    NewAudit {
        at: millis(at),
        actor: actor.to_owned(),
        action: action.to_owned(),
        subject: subject.to_owned(),
        detail,
    }
}

fn conflict(code: &'static str, zh: String, en: String) -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        code,
        Text::new("记录已存在", "Already exists"),
        Text::new(zh, en),
    )
}

pub fn unknown_window(code: &str) -> Problem {
    Problem::not_found(
        "unknown_window",
        Text::new(
            format!("没有编号为 {code} 的窗口。"),
            format!("There is no window with code {code}."),
        ),
    )
}

/// Field errors found by the core's workflow checks, as a 422.
pub fn entry_problems(problems: Vec<crate::problem::FieldProblem>) -> Problem {
    let mut fields = Fields::default();
    for p in problems {
        fields.error(&p.field, p.message.zh, p.message.en);
    }
    match fields.finish() {
        Err(p) => p.into(),
        Ok(()) => Problem::internal(),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    pub code: String,
    pub name: String,
}

/// Adds a department (admin).
#[utoipa::path(
    tag = "directory",
    request_body = NewDepartment,
    responses(
        (status = 201, body = Department),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 409, description = "The code is taken"),
        (status = 422, description = "Invalid field")
    )
)]
#[post("/api/v1/departments")]
pub async fn create_department(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewDepartment>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let body = body.into_inner();
    let mut fields = Fields::default();
    code_field(&mut fields, "code", &body.code);
    fields.text("name", &body.name, 1, 100);
    fields.finish()?;
    let department = Department {
        code: body.code,
        name: body.name.trim().to_owned(),
    };
    let now = state.clock.now();
    let record = records::department_record(&department, now);
    let audit_record = admin_audit(
        now,
        caller.username(),
        "department.create",
        &department.code,
        to_json(&department),
    );
    let code = department.code.clone();
    state
        .store
        .write(move |conn| {
            departments::insert(conn, &record)?;
            audit::append(conn, &audit_record)?;
            Ok(())
        })
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => conflict(
                "department_exists",
                format!("部门编码 {code} 已存在。"),
                format!("A department with code {code} already exists."),
            ),
            other => crate::store_problem(other),
        })?;
    refresh_catalogue(&state).await?;
    Ok(HttpResponse::Created().json(department))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWindow {
    pub code: String,
    pub name: String,
    pub kind: WindowKind,
    /// The departments (codes) that staff the window; required for department and floating
    /// windows.
    #[serde(default)]
    pub departments: Vec<String>,
    /// A floating window's weekly rota (required for it, refused for other kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rota: Option<Rota>,
}

/// Adds a window (admin), checked like a window of the workflow files.
#[utoipa::path(
    tag = "directory",
    request_body = NewWindow,
    responses(
        (status = 201, body = Window),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 409, description = "The code is taken"),
        (status = 422, description = "Invalid field or unknown department")
    )
)]
#[post("/api/v1/windows")]
pub async fn create_window(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewWindow>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let body = body.into_inner();
    let mut fields = Fields::default();
    code_field(&mut fields, "code", &body.code);
    fields.text("name", &body.name, 1, 100);
    fields.finish()?;
    let entry = match serde_json::to_value(&body) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => return Err(Problem::internal()),
    };
    let window = catalogue_check::check_window(&state.catalogue().departments, &entry)
        .map_err(entry_problems)?;
    let now = state.clock.now();
    let record = records::window_record(&window, now);
    let audit_record = admin_audit(
        now,
        caller.username(),
        "window.create",
        &window.code,
        to_json(&window),
    );
    let code = window.code.clone();
    state
        .store
        .write(move |conn| {
            windows::insert(conn, &record)?;
            audit::append(conn, &audit_record)?;
            Ok(())
        })
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => conflict(
                "window_exists",
                format!("窗口编号 {code} 已存在。"),
                format!("A window with code {code} already exists."),
            ),
            other => crate::store_problem(other),
        })?;
    refresh_catalogue(&state).await?;
    Ok(HttpResponse::Created().json(window))
}

/// Where a grant stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantStatus {
    InForce,
    NotYetValid,
    Expired,
    Revoked,
}

/// A grant as the administrator reads it, revoked ones included.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantView {
    pub id: i64,
    pub window: String,
    /// Only this clerk may use the grant, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clerk: Option<String>,
    /// The items granted (or `department`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<String>>,
    /// Every item of this department (or `items`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub actions: Vec<WindowAction>,
    pub valid_from: NaiveDate,
    /// Last valid day (inclusive); absent: open-ended.
    pub valid_to: Option<NaiveDate>,
    pub granted_by: String,
    pub document_no: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
    pub state: GrantStatus,
}

fn grant_view(r: &GrantRecord, state: &AppState) -> Result<GrantView, Problem> {
    let grant = records::grant_from_record(r, state.hall).map_err(|e| {
        tracing::error!(error = %e, "stored grant");
        Problem::internal()
    })?;
    let status = match grant.state(state.clock.now(), state.hall) {
        GrantState::InForce => GrantStatus::InForce,
        GrantState::NotYetValid { .. } => GrantStatus::NotYetValid,
        GrantState::Expired { .. } => GrantStatus::Expired,
        GrantState::Revoked { .. } => GrantStatus::Revoked,
    };
    // A revocation stamped later than the (test) clock is still a revocation.
    let status = if grant.revoked_at.is_some() {
        GrantStatus::Revoked
    } else {
        status
    };
    let (items, department) = match grant.scope {
        GrantScope::Items(codes) => (Some(codes), None),
        GrantScope::Department(d) => (None, Some(d)),
    };
    Ok(GrantView {
        id: grant.id,
        window: grant.window,
        clerk: grant.clerk,
        items,
        department,
        actions: grant.actions,
        valid_from: grant.valid_from,
        valid_to: grant.valid_to,
        granted_by: grant.granted_by,
        document_no: grant.document_no,
        created_at: from_millis(r.created_at),
        revoked_at: grant.revoked_at,
        revoked_by: r.revoked_by.clone(),
        state: status,
    })
}

/// The grants of a window, revoked and expired ones included, with where each stands now.
/// For administrators, supervisors and the clerks signed in at that window.
#[utoipa::path(
    tag = "directory",
    params(("code" = String, Path, description = "Window code")),
    responses(
        (status = 200, body = Vec<GrantView>),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not allowed to read this window's grants"),
        (status = 404, description = "No such window")
    )
)]
#[get("/api/v1/windows/{code}/grants")]
pub async fn list_grants(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
) -> Result<web::Json<Vec<GrantView>>, Problem> {
    let code = code.into_inner();
    let clerk_here = caller.has(Role::Clerk) && caller.window() == Some(code.as_str());
    if !(clerk_here || caller.has(Role::Admin) || caller.has(Role::Supervisor)) {
        return Err(forbidden_role(&[
            Role::Admin,
            Role::Supervisor,
            Role::Clerk,
        ]));
    }
    if state.catalogue().window(&code).is_none() {
        return Err(unknown_window(&code));
    }
    let rows = state
        .store
        .read(move |conn| grants::for_window(conn, &code))
        .await
        .map_err(crate::store_problem)?;
    let views = rows
        .iter()
        .map(|r| grant_view(r, &state))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(web::Json(views))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGrantBody {
    /// The items granted (codes); give this or `department`.
    pub items: Option<Vec<String>>,
    /// Every item of this department; give this or `items`.
    pub department: Option<String>,
    pub actions: Vec<WindowAction>,
    /// First valid day, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last valid day (inclusive), `YYYY-MM-DD`; omitted: open-ended.
    pub valid_to: Option<String>,
    /// The granting department or office (授权单位).
    pub granted_by: String,
    /// 授权书文号.
    pub document_no: String,
}

fn parse_date(fields: &mut Fields, field: &str, value: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
    if parsed.is_none() {
        fields.error(
            field,
            format!("“{value}”不是有效日期（应为 YYYY-MM-DD）"),
            format!("`{value}` is not a valid date (expected YYYY-MM-DD)"),
        );
    }
    parsed
}

/// The grant the body describes, checked against the window and the catalogue with the
/// rules of the workflow files (docs/workflows.md), every problem at once.
fn checked_grant(body: NewGrantBody, window: &Window, state: &AppState) -> Result<Grant, Problem> {
    let catalogue = state.catalogue();
    let mut fields = Fields::default();
    // The departments whose items the grant reaches, with the field to blame.
    let mut reached: Vec<(String, String)> = Vec::new();
    let scope = match (body.items, body.department) {
        (Some(items), None) => {
            if items.is_empty() {
                fields.error("items", "不能为空", "must not be empty");
            }
            for (i, code) in items.iter().enumerate() {
                let field = format!("items[{i}]");
                match catalogue.item(code) {
                    None => fields.error(
                        &field,
                        format!("没有编码为 {code} 的事项"),
                        format!("there is no item with code {code}"),
                    ),
                    Some(item) => {
                        if body.actions.contains(&WindowAction::DecideOnSpot)
                            && item.kind != ItemKind::Immediate
                        {
                            fields.error(
                                &field,
                                format!("{code} 是承诺件，不能授权当场决定（decide_on_spot 仅限即办件）"),
                                format!("{code} is a promised item: `decide_on_spot` is for immediate items only"),
                            );
                        }
                        reached.push((item.department.clone(), field));
                    }
                }
            }
            Some(GrantScope::Items(items))
        }
        (None, Some(department)) => {
            if catalogue.department(&department).is_none() {
                fields.error(
                    "department",
                    format!("没有编码为 {department} 的部门"),
                    format!("there is no department with code {department}"),
                );
            } else {
                reached.push((department.clone(), "department".into()));
            }
            Some(GrantScope::Department(department))
        }
        _ => {
            fields.error(
                "items",
                "须给出 items（授权事项）或 department（授权部门）之一，且只能一个",
                "give exactly one of `items` and `department`",
            );
            None
        }
    };
    if body.actions.is_empty() {
        fields.error("actions", "不能为空", "must not be empty");
    }
    for (i, action) in body.actions.iter().enumerate() {
        if body.actions[..i].contains(action) {
            fields.error(
                "actions",
                format!("{action} 重复"),
                format!("`{action}` is listed twice"),
            );
        }
        if !window.kind.takes_applications() && *action != WindowAction::Consult {
            fields.error(
                "actions",
                format!("{}只能提供咨询，不能授权 {action}", window.kind.name_zh()),
                format!(
                    "a {} window may only be granted `consult`, not `{action}`",
                    window.kind
                ),
            );
        }
    }
    if matches!(window.kind, WindowKind::Department | WindowKind::Floating) {
        for (department, field) in reached {
            if !window.serves_department(&department) {
                fields.error(
                    &field,
                    format!("窗口 {} 不办理部门 {department} 的事项", window.code),
                    format!(
                        "window {} does not serve department {department}",
                        window.code
                    ),
                );
            }
        }
    }
    let valid_from = parse_date(&mut fields, "valid_from", &body.valid_from);
    let valid_to = body
        .valid_to
        .as_deref()
        .map(|v| parse_date(&mut fields, "valid_to", v));
    if let (Some(from), Some(Some(to))) = (valid_from, valid_to) {
        if to < from {
            fields.error(
                "valid_to",
                format!("失效日期 {to} 早于生效日期 {from}"),
                format!("{to} is before valid_from {from}"),
            );
        }
    }
    fields.text("granted_by", &body.granted_by, 1, 200);
    fields.text("document_no", &body.document_no, 1, 200);
    fields.finish()?;
    match (scope, valid_from) {
        (Some(scope), Some(valid_from)) => Ok(Grant {
            id: 0,
            window: window.code.clone(),
            clerk: None,
            scope,
            actions: body.actions,
            valid_from,
            valid_to: valid_to.flatten(),
            granted_by: body.granted_by.trim().to_owned(),
            document_no: body.document_no.trim().to_owned(),
            revoked_at: None,
        }),
        // Every way to get here reported a field error above.
        _ => Err(Problem::internal()),
    }
}

/// Grants a window items (or a department's items) and actions (admin).
#[utoipa::path(
    tag = "directory",
    params(("code" = String, Path, description = "Window code")),
    request_body = NewGrantBody,
    responses(
        (status = 201, body = GrantView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such window"),
        (status = 422, description = "Invalid field, unknown item or department, or a grant the window cannot hold")
    )
)]
#[post("/api/v1/windows/{code}/grants")]
pub async fn create_grant(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: web::Json<NewGrantBody>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let code = code.into_inner();
    let window = state
        .catalogue()
        .window(&code)
        .cloned()
        .ok_or_else(|| unknown_window(&code))?;
    let grant = checked_grant(body.into_inner(), &window, &state)?;
    let now = state.clock.now();
    let new = records::new_grant(&grant, state.hall, now);
    let actor = caller.username().to_owned();
    let detail = to_json(&grant);
    let record = state
        .store
        .write(move |conn| {
            let stored = grants::insert(conn, &new)?;
            audit::append(
                conn,
                &admin_audit(now, &actor, "grant.create", &stored.id.to_string(), detail),
            )?;
            Ok(stored)
        })
        .await
        .map_err(crate::store_problem)?;
    Ok(HttpResponse::Created().json(grant_view(&record, &state)?))
}

enum Revoked {
    Done,
    Already,
    Unknown,
}

/// Revokes a grant (admin): it stops authorising at once but is kept, with who revoked it
/// and when, because case events refer to it. Revoking a revoked grant is `409`.
#[utoipa::path(
    tag = "directory",
    params(
        ("code" = String, Path, description = "Window code"),
        ("id" = i64, Path, description = "Grant id")
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such window, or no such grant at it"),
        (status = 409, description = "Already revoked")
    )
)]
#[delete("/api/v1/windows/{code}/grants/{id}")]
pub async fn revoke_grant(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let (code, id) = path.into_inner();
    if state.catalogue().window(&code).is_none() {
        return Err(unknown_window(&code));
    }
    let now = state.clock.now();
    let actor = caller.username().to_owned();
    let window = code.clone();
    let outcome = state
        .store
        .write(move |conn| {
            match grants::get(conn, id)? {
                Some(g) if g.window_code == window => {}
                _ => return Ok(Revoked::Unknown),
            }
            if !grants::revoke(conn, id, millis(now), &actor)? {
                return Ok(Revoked::Already);
            }
            audit::append(
                conn,
                &admin_audit(
                    now,
                    &actor,
                    "grant.revoke",
                    &id.to_string(),
                    to_json(&serde_json::json!({ "window": window })),
                ),
            )?;
            Ok(Revoked::Done)
        })
        .await
        .map_err(crate::store_problem)?;
    match outcome {
        Revoked::Done => Ok(HttpResponse::NoContent().finish()),
        Revoked::Already => Err(Problem::new(
            StatusCode::CONFLICT,
            "grant_already_revoked",
            Text::new("授权已撤销", "Already revoked"),
            Text::new(
                format!("授权 {id} 已经撤销。"),
                format!("Grant {id} is already revoked."),
            ),
        )),
        Revoked::Unknown => Err(Problem::not_found(
            "unknown_grant",
            Text::new(
                format!("窗口 {code} 没有编号为 {id} 的授权。"),
                format!("Window {code} has no grant {id}."),
            ),
        )),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    /// A user holding the `clerk` role.
    pub username: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Staff {
    pub window: String,
    pub username: String,
}

enum Assigned {
    Done,
    Already,
    UnknownUser,
    NotAClerk,
}

/// Assigns a clerk to a window (admin): they may then sign in at it.
#[utoipa::path(
    tag = "directory",
    params(("code" = String, Path, description = "Window code")),
    request_body = NewStaff,
    responses(
        (status = 201, body = Staff),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such window"),
        (status = 409, description = "Already assigned"),
        (status = 422, description = "Unknown user, or not a clerk")
    )
)]
#[post("/api/v1/windows/{code}/staff")]
pub async fn assign_staff(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: web::Json<NewStaff>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let code = code.into_inner();
    if state.catalogue().window(&code).is_none() {
        return Err(unknown_window(&code));
    }
    let username = body.into_inner().username;
    let now = state.clock.now();
    let actor = caller.username().to_owned();
    let (window, user) = (code.clone(), username.clone());
    let outcome = state
        .store
        .write(move |conn| {
            let Some(record) = user_store::get(conn, &user)? else {
                return Ok(Assigned::UnknownUser);
            };
            if !roles_of(&record).contains(&Role::Clerk) {
                return Ok(Assigned::NotAClerk);
            }
            if !windows::add_staff(conn, &window, &user, millis(now))? {
                return Ok(Assigned::Already);
            }
            audit::append(
                conn,
                &admin_audit(
                    now,
                    &actor,
                    "window.assign_staff",
                    &window,
                    to_json(&serde_json::json!({ "username": user })),
                ),
            )?;
            Ok(Assigned::Done)
        })
        .await
        .map_err(crate::store_problem)?;
    let field_problem = |zh: String, en: String| {
        let mut fields = Fields::default();
        fields.error("username", zh, en);
        fields.finish().err().map(Problem::from).unwrap_or_else(Problem::internal)
    };
    match outcome {
        Assigned::Done => Ok(HttpResponse::Created().json(Staff {
            window: code,
            username,
        })),
        Assigned::Already => Err(conflict(
            "already_assigned",
            format!("{username} 已在窗口 {code}。"),
            format!("{username} is already assigned to window {code}."),
        )),
        Assigned::UnknownUser => Err(field_problem(
            format!("没有用户 {username}"),
            format!("there is no user {username}"),
        )),
        Assigned::NotAClerk => Err(field_problem(
            format!("{username} 没有窗口人员（clerk）角色"),
            format!("{username} does not hold the clerk role"),
        )),
    }
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(create_department);
    cfg.service(create_window);
    cfg.service(list_grants);
    cfg.service(create_grant);
    cfg.service(revoke_grant);
    cfg.service(assign_staff);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create_department,
    create_window,
    list_grants,
    create_grant,
    revoke_grant,
    assign_staff
))]
pub struct Doc;
