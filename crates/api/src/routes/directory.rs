//! The hall's directory, as the administrator keeps it: departments, windows, the grants
//! (授权) of each window, and the clerks who sit at it (use cases in `tongban_app::hall`).
//! Reading the departments and windows is in `catalogue.rs`.

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tongban_app::hall::{departments, grants, staff, windows};
use tongban_core::grant::{GrantScope, Rota, WindowAction, WindowKind};
use tongban_core::role::Role;
use utoipa::ToSchema;

use crate::auth::caller::Caller;
use crate::problem::Problem;
use crate::schemas;
use crate::state::AppState;

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
        (status = 201, body = schemas::Department),
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
    let NewDepartment { code, name } = body.into_inner();
    let cmd = departments::CreateDepartment { code, name };
    let department = departments::create_department(&state, caller.username(), cmd).await?;
    Ok(HttpResponse::Created().json(department))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWindow {
    pub code: String,
    pub name: String,
    #[schema(value_type = schemas::WindowKind)]
    pub kind: WindowKind,
    /// The departments (codes) that staff the window; required for department and floating
    /// windows.
    #[serde(default)]
    pub departments: Vec<String>,
    /// A floating window's weekly rota (required for it, refused for other kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<schemas::Rota>)]
    pub rota: Option<Rota>,
}

/// Adds a window (admin), checked like a window of the workflow files.
#[utoipa::path(
    tag = "directory",
    request_body = NewWindow,
    responses(
        (status = 201, body = schemas::Window),
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
    let NewWindow {
        code,
        name,
        kind,
        departments,
        rota,
    } = body.into_inner();
    let cmd = windows::CreateWindow {
        code,
        name,
        kind,
        departments,
        rota,
    };
    let window = windows::create_window(&state, caller.username(), cmd).await?;
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
    #[schema(value_type = Vec<schemas::WindowAction>)]
    pub actions: Vec<WindowAction>,
    pub valid_from: NaiveDate,
    /// Last valid day (inclusive); absent: open-ended.
    pub valid_to: Option<NaiveDate>,
    pub granted_by: String,
    pub document_no: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
    /// The revocation's document number (文号).
    pub revoke_document_no: Option<String>,
    /// Why the grant was revoked.
    pub revoke_reason: Option<String>,
    pub state: GrantStatus,
}

impl From<grants::ListedGrant> for GrantView {
    fn from(listed: grants::ListedGrant) -> Self {
        let grant = listed.grant;
        let (items, department) = match grant.scope {
            GrantScope::Items(codes) => (Some(codes), None),
            GrantScope::Department(d) => (None, Some(d)),
        };
        GrantView {
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
            created_at: listed.created_at,
            revoked_at: grant.revoked_at,
            revoked_by: listed.revoked_by,
            revoke_document_no: listed.revoke_document_no,
            revoke_reason: listed.revoke_reason,
            state: match listed.standing {
                grants::Standing::InForce => GrantStatus::InForce,
                grants::Standing::NotYetValid => GrantStatus::NotYetValid,
                grants::Standing::Expired => GrantStatus::Expired,
                grants::Standing::Revoked => GrantStatus::Revoked,
            },
        }
    }
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
    let listed = grants::list_grants(&state, &caller.0, &code).await?;
    Ok(web::Json(listed.into_iter().map(GrantView::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGrantBody {
    /// The items granted (codes); give this or `department`.
    pub items: Option<Vec<String>>,
    /// Every item of this department; give this or `items`.
    pub department: Option<String>,
    #[schema(value_type = Vec<schemas::WindowAction>)]
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
    let NewGrantBody {
        items,
        department,
        actions,
        valid_from,
        valid_to,
        granted_by,
        document_no,
    } = body.into_inner();
    let cmd = grants::CreateGrant {
        items,
        department,
        actions,
        valid_from,
        valid_to,
        granted_by,
        document_no,
    };
    let created = grants::create_grant(&state, caller.username(), &code, cmd).await?;
    Ok(HttpResponse::Created().json(GrantView::from(created)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeGrantBody {
    /// The revocation's document number (文号).
    pub document_no: String,
    /// Why the grant is revoked.
    pub reason: String,
}

/// Revokes a grant (admin) under a document (its number and the reason): it stops
/// authorising at once but is kept, with who revoked it, when, under which document and
/// why, because case events refer to it. Revoking a revoked grant is `409`.
#[utoipa::path(
    tag = "directory",
    params(
        ("code" = String, Path, description = "Window code"),
        ("id" = i64, Path, description = "Grant id")
    ),
    request_body = RevokeGrantBody,
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such window, or no such grant at it"),
        (status = 409, description = "Already revoked"),
        (status = 422, description = "No document number or reason")
    )
)]
#[delete("/api/v1/windows/{code}/grants/{id}")]
pub async fn revoke_grant(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i64)>,
    body: Option<web::Json<RevokeGrantBody>>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let (code, id) = path.into_inner();
    // A DELETE sent without a body (as clients of the first contract do) is told, field by
    // field, that the document number and the reason are missing: a 422, not a 415.
    let revoke = body.map_or_else(
        || grants::Revoke {
            document_no: String::new(),
            reason: String::new(),
        },
        |b| {
            let RevokeGrantBody {
                document_no,
                reason,
            } = b.into_inner();
            grants::Revoke {
                document_no,
                reason,
            }
        },
    );
    grants::revoke_grant(&state, caller.username(), &code, id, revoke).await?;
    Ok(HttpResponse::NoContent().finish())
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
    let username = body.into_inner().username;
    let assigned = staff::assign_staff(&state, caller.username(), &code, &username).await?;
    Ok(HttpResponse::Created().json(Staff {
        window: assigned.window,
        username: assigned.username,
    }))
}

/// Takes a clerk off a window (admin): their sign-ins there end at the next request.
#[utoipa::path(
    tag = "directory",
    params(
        ("code" = String, Path, description = "Window code"),
        ("username" = String, Path, description = "The clerk")
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such window, or the user is not at it")
    )
)]
#[delete("/api/v1/windows/{code}/staff/{username}")]
pub async fn remove_staff(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let (code, username) = path.into_inner();
    staff::remove_staff(&state, caller.username(), &code, &username).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(create_department);
    cfg.service(create_window);
    cfg.service(list_grants);
    cfg.service(create_grant);
    cfg.service(revoke_grant);
    cfg.service(assign_staff);
    cfg.service(remove_staff);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create_department,
    create_window,
    list_grants,
    create_grant,
    revoke_grant,
    assign_staff,
    remove_staff
))]
pub struct Doc;
