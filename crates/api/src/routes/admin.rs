//! Administration: item versions, user accounts and the test clock (use cases in
//! `tongban_app::{catalogue::publish, users::create, clock::set}`).

use actix_web::http::StatusCode;
use actix_web::{post, put, web, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use tongban_app::catalogue::publish;
use tongban_app::clock::set::set_clock;
use tongban_app::users::create::{create_user as create, CreateUser};
use tongban_core::item::Item;
use tongban_core::role::Role;
use utoipa::ToSchema;

use crate::auth::caller::Caller;
use crate::problem::Problem;
use crate::schemas;
use crate::state::AppState;

/// Stores a new version of an item (admin): the whole item, as `GET /api/v1/items/{code}`
/// shows it, checked like an item of the workflow files. The server numbers the version
/// (the body's `version` is ignored); cases keep the version they were accepted under.
/// A code not seen before starts at version 1 (`201`).
#[utoipa::path(
    tag = "catalogue",
    params(("code" = String, Path, description = "Item code")),
    request_body = schemas::Item,
    responses(
        (status = 200, body = schemas::Item, description = "The new version"),
        (status = 201, body = schemas::Item, description = "A new item, version 1"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 422, description = "Invalid item (unknown department, stages, limits …), or the body's code is not the path's")
    )
)]
#[put("/api/v1/items/{code}")]
pub async fn put_item(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: web::Json<Item>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let published = publish::publish(&state, caller.username(), &code, body.into_inner()).await?;
    let status = if published.is_new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(published.item))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub username: String,
    pub password: String,
    /// Real name; defaults to the username.
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[schema(value_type = Vec<schemas::Role>)]
    pub roles: Vec<Role>,
    /// The department of staff (code).
    pub department: Option<String>,
    /// Windows (codes) a clerk is assigned to.
    #[serde(default)]
    pub windows: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    pub username: String,
    pub name: String,
    #[schema(value_type = Vec<schemas::Role>)]
    pub roles: Vec<Role>,
    pub department: Option<String>,
    pub windows: Vec<String>,
}

/// Creates a user account (admin), assigned to its windows.
#[utoipa::path(
    tag = "administration",
    request_body = NewUserBody,
    responses(
        (status = 201, body = CreatedUser),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 409, description = "Username taken"),
        (status = 422, description = "Invalid field, unknown department or window")
    )
)]
#[post("/api/v1/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewUserBody>,
) -> Result<HttpResponse, Problem> {
    caller.require_any(&[Role::Admin])?;
    let NewUserBody {
        username,
        password,
        name,
        email,
        phone,
        roles,
        department,
        windows,
    } = body.into_inner();
    let cmd = CreateUser {
        username,
        password,
        name,
        email,
        phone,
        roles,
        department,
        windows,
    };
    let created = create(&state, caller.username(), cmd).await?;
    Ok(HttpResponse::Created().json(CreatedUser {
        username: created.username,
        name: created.name,
        roles: created.roles,
        department: created.department,
        windows: created.windows,
    }))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockBody {
    /// The instant the server's clock now reads, RFC 3339 with offset.
    pub now: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockNow {
    pub now: DateTime<Utc>,
}

/// Sets the test clock (admin). Only a server started with `--test-clock` has this route;
/// any other answers `404`, as for a path that does not exist.
#[utoipa::path(
    tag = "administration",
    request_body = ClockBody,
    responses(
        (status = 200, body = ClockNow),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 404, description = "The server runs on the system clock")
    )
)]
#[put("/api/v1/admin/clock")]
pub async fn put_clock(
    state: web::Data<AppState>,
    caller: Result<Caller, Problem>,
    body: Result<web::Json<ClockBody>, actix_web::Error>,
) -> Result<HttpResponse, actix_web::Error> {
    // Before anything else: without the flag the route does not exist, for anyone.
    if !state.clock.is_test() {
        return Ok(HttpResponse::NotFound().finish());
    }
    let caller = caller?;
    caller.require_any(&[Role::Admin])?;
    let now = body?.into_inner().now.with_timezone(&Utc);
    let now = set_clock(&state, caller.username(), now)
        .await
        .map_err(Problem::from)?;
    Ok(HttpResponse::Ok().json(ClockNow { now }))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(put_item);
    cfg.service(create_user);
    cfg.service(put_clock);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(put_item, create_user, put_clock))]
pub struct Doc;
