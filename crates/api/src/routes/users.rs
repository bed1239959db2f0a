//! User administration (admin): list, read, change and reset accounts (use cases in
//! `tongban_app::users::manage`).

use actix_web::{get, patch, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use tongban_app::users::manage::{self, UserPatch, UserView};
use tongban_core::role::Role;
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::Caller;
use crate::problem::Problem;
use crate::schemas;
use crate::state::AppState;

/// An account (never its password).
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[schema(value_type = Vec<schemas::Role>)]
    pub roles: Vec<Role>,
    pub department: Option<String>,
    pub windows: Vec<String>,
    pub active: bool,
}

impl From<UserView> for User {
    fn from(v: UserView) -> Self {
        User {
            username: v.username,
            name: v.name,
            email: v.email,
            phone: v.phone,
            roles: v.roles,
            department: v.department,
            windows: v.windows,
            active: v.active,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UserQuery {
    /// Part of the username or name.
    pub q: Option<String>,
    /// Only users holding this role.
    #[param(value_type = Option<schemas::Role>)]
    pub role: Option<Role>,
}

/// Every account matching the query, by username (admin).
#[utoipa::path(
    tag = "administration",
    params(UserQuery),
    responses(
        (status = 200, body = Vec<User>),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator")
    )
)]
#[get("/api/v1/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<UserQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let users = manage::list_users(&state, query.q.as_deref(), query.role).await?;
    let out: Vec<User> = users.into_iter().map(User::from).collect();
    Ok(HttpResponse::Ok().json(out))
}

/// One account (admin).
#[utoipa::path(
    tag = "administration",
    params(("username" = String, Path, description = "Username")),
    responses(
        (status = 200, body = User),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such user")
    )
)]
#[get("/api/v1/users/{username}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    username: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    Ok(HttpResponse::Ok().json(User::from(manage::get_user(&state, &username).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatchBody {
    pub name: Option<String>,
    #[schema(value_type = Option<Vec<schemas::Role>>)]
    pub roles: Option<Vec<Role>>,
    /// A department code, or `null` to clear it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub department: Option<Option<String>>,
    pub windows: Option<Vec<String>>,
    pub active: Option<bool>,
}

/// A field that is present (even as `null`) is `Some`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

/// Changes an account (admin): name, roles, department, windows, active. A change that
/// narrows what the user may do ends the use of their current tokens at the next request.
#[utoipa::path(
    tag = "administration",
    params(("username" = String, Path, description = "Username")),
    request_body = UserPatchBody,
    responses(
        (status = 200, body = User),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such user"),
        (status = 422, description = "Invalid field, unknown department or window")
    )
)]
#[patch("/api/v1/users/{username}")]
pub async fn patch_user(
    state: web::Data<AppState>,
    caller: Caller,
    username: web::Path<String>,
    body: web::Json<UserPatchBody>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let b = body.into_inner();
    let patch = UserPatch {
        name: b.name,
        roles: b.roles,
        department: b.department,
        windows: b.windows,
        active: b.active,
    };
    let user = manage::update_user(&state, caller.username(), &username, patch).await?;
    Ok(HttpResponse::Ok().json(User::from(user)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

/// Sets a new password for a user (admin); every session of the user ends.
#[utoipa::path(
    tag = "administration",
    params(("username" = String, Path, description = "Username")),
    request_body = PasswordReset,
    responses(
        (status = 204, description = "Set; the user's sessions ended"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such user"),
        (status = 422, description = "The password breaks the policy")
    )
)]
#[post("/api/v1/users/{username}/password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    caller: Caller,
    username: web::Path<String>,
    body: web::Json<PasswordReset>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    manage::reset_password(&state, caller.username(), &username, &body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(list_users)
        .service(get_user)
        .service(patch_user)
        .service(reset_password);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_users, get_user, patch_user, reset_password))]
pub struct Doc;
