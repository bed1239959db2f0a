//! Administration: item versions, user accounts and the test clock.

use actix_web::http::StatusCode;
use actix_web::{post, put, web, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use tongban_core::item::Item;
use tongban_core::role::Role;
use tongban_store::{audit, items, StoreError};
use utoipa::ToSchema;

use super::directory::{admin_audit, code_field, entry_problems, refresh_catalogue};
use crate::auth::caller::Caller;
use crate::catalogue_check;
use crate::problem::{Problem, Text};
use tongban_app::records::{self, to_json};
use crate::state::AppState;
use tongban_app::users::{self, NewUser};
use tongban_app::validate::Fields;

/// Stores a new version of an item (admin): the whole item, as `GET /api/v1/items/{code}`
/// shows it, checked like an item of the workflow files. The server numbers the version
/// (the body's `version` is ignored); cases keep the version they were accepted under.
/// A code not seen before starts at version 1 (`201`).
#[utoipa::path(
    tag = "catalogue",
    params(("code" = String, Path, description = "Item code")),
    request_body = Item,
    responses(
        (status = 200, body = Item, description = "The new version"),
        (status = 201, body = Item, description = "A new item, version 1"),
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
    let code = code.into_inner();
    let body = body.into_inner();
    let mut fields = Fields::default();
    code_field(&mut fields, "code", &body.code);
    if body.code != code {
        fields.error(
            "code",
            format!("与路径中的事项编码 {code} 不一致"),
            format!("differs from the item code in the path, {code}"),
        );
    }
    fields.finish()?;
    let entry = match serde_json::to_value(&body) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => return Err(Problem::internal()),
    };
    let mut item = catalogue_check::check_item(&state.catalogue().departments, &entry)
        .map_err(entry_problems)?;
    let now = state.clock.now();
    let actor = caller.username().to_owned();
    let stored = state
        .store
        .write(move |conn| {
            // Numbered in the writer, so that two changes at once get two versions.
            let latest = items::latest(conn, &item.code)?;
            let next = latest.map_or(1, |r| r.version + 1);
            item.version = u32::try_from(next).unwrap_or(u32::MAX);
            let record = items::add_version(conn, &records::item_record(&item, now))?;
            audit::append(
                conn,
                &admin_audit(
                    now,
                    &actor,
                    "item.put",
                    &item.code,
                    to_json(&serde_json::json!({ "version": record.version })),
                ),
            )?;
            Ok(item)
        })
        .await
        .map_err(crate::store_problem)?;
    refresh_catalogue(&state).await?;
    let status = if stored.version == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(stored))
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
    let body = body.into_inner();
    let catalogue = state.catalogue();
    let mut fields = Fields::default();
    fields.username("username", &body.username);
    fields.password("password", &body.password);
    if let Some(n) = &body.name {
        fields.text("name", n, 1, 100);
    }
    if let Some(e) = &body.email {
        fields.email("email", e);
    }
    if let Some(p) = &body.phone {
        fields.phone("phone", p);
    }
    if body.roles.is_empty() {
        fields.error("roles", "至少需要一个角色", "must name at least one role");
    }
    if let Some(d) = &body.department {
        if catalogue.department(d).is_none() {
            fields.error(
                "department",
                format!("没有编码为 {d} 的部门"),
                format!("there is no department with code {d}"),
            );
        }
    }
    for (i, w) in body.windows.iter().enumerate() {
        if catalogue.window(w).is_none() {
            fields.error(
                &format!("windows[{i}]"),
                format!("没有编号为 {w} 的窗口"),
                format!("there is no window with code {w}"),
            );
        }
    }
    if !body.windows.is_empty() && !body.roles.contains(&Role::Clerk) {
        fields.error(
            "windows",
            "只有窗口人员（clerk）才分配窗口",
            "only a clerk is assigned to windows",
        );
    }
    fields.finish()?;
    let mut windows = body.windows;
    windows.sort();
    windows.dedup();
    let new = NewUser {
        username: body.username.clone(),
        password: body.password,
        name: body
            .name
            .map_or_else(|| body.username.clone(), |n| n.trim().to_owned()),
        email: body.email,
        phone: body.phone,
        roles: body.roles,
        department: body.department,
        windows,
    };
    let now = state.clock.now();
    let hashing = new.clone();
    // argon2 is slow by design: keep it off the async workers.
    let record = web::block(move || users::hashed_record(&hashing, now))
        .await
        .map_err(|_| Problem::internal())?
        .map_err(|_| Problem::internal())?;
    let actor = caller.username().to_owned();
    let detail = to_json(&serde_json::json!({
        "roles": new.roles,
        "department": new.department,
        "windows": new.windows,
    }));
    let assigned = new.windows.clone();
    let username = new.username.clone();
    state
        .store
        .write(move |conn| {
            users::insert(conn, &record, &assigned, now)?;
            audit::append(
                conn,
                &admin_audit(now, &actor, "user.create", &record.username, detail),
            )?;
            Ok(())
        })
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => Problem::new(
                StatusCode::CONFLICT,
                "username_taken",
                Text::new("用户名已被使用", "Username taken"),
                Text::new(
                    format!("用户名 {username} 已被使用。"),
                    format!("The username {username} is taken."),
                ),
            ),
            other => crate::store_problem(other),
        })?;
    Ok(HttpResponse::Created().json(CreatedUser {
        username: new.username,
        name: new.name,
        roles: new.roles,
        department: new.department,
        windows: new.windows,
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
    let before = state.clock.now();
    state
        .store
        .append_audit(admin_audit(
            before,
            caller.username(),
            "clock.set",
            "clock",
            to_json(&serde_json::json!({ "from": before, "to": now })),
        ))
        .await
        .map_err(crate::store_problem)?;
    state.clock.set(now);
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
