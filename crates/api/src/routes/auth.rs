//! Sign-in (tokens) and applicant registration.

use actix_web::{post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use tongban_core::role::Role;
use tongban_store::{users as user_store, windows, StoreError};
use utoipa::ToSchema;

use crate::auth::caller::Authenticator;
use tongban_app::auth::password::verify_password;
use tongban_app::auth::token::Claims;
use crate::problem::{Problem, Text};
use crate::state::AppState;
use tongban_app::users::{self, NewUser};
use tongban_app::validate::Fields;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    /// The window (code) a clerk sits at; the server checks the assignment.
    pub window: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
    pub roles: Vec<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
}

fn bad_credentials() -> Problem {
    Problem::new(
        actix_web::http::StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        Text::new("登录失败", "Sign-in failed"),
        Text::new("用户名或密码错误。", "Wrong username or password."),
    )
}

/// Signs in and returns an access token. A clerk names the window they sit at.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Wrong username or password"),
        (status = 403, description = "Not assigned to that window")
    )
)]
#[post("/api/v1/auth/token")]
pub async fn token(
    state: web::Data<AppState>,
    auth: web::Data<Authenticator>,
    body: web::Json<TokenRequest>,
) -> Result<web::Json<TokenResponse>, Problem> {
    let body = body.into_inner();
    let (claims, access_token) = sign_in(&state, &auth, &body).await?;
    Ok(web::Json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: auth.token_lifetime_secs,
        roles: claims.roles,
        window: claims.window,
    }))
}

/// The checks of a sign-in (active user, password, window assignment) and the signed token
/// with its claims; the pages' sign-in shares it.
pub(crate) async fn sign_in(
    state: &AppState,
    auth: &Authenticator,
    body: &TokenRequest,
) -> Result<(Claims, String), Problem> {
    let username = body.username.clone();
    let window = body.window.clone();
    let (user, assigned) = state
        .store
        .read(move |conn| {
            let user = user_store::get(conn, &username)?;
            let assigned = match &window {
                Some(w) => windows::is_staff(conn, w, &username)?,
                None => false,
            };
            Ok((user, assigned))
        })
        .await
        .map_err(crate::store_problem)?;
    let user = user.filter(|u| u.active).ok_or_else(bad_credentials)?;
    let hash = user.password_hash.clone();
    let password = body.password.clone();
    // argon2 is slow by design: keep it off the async workers.
    let ok = web::block(move || verify_password(&password, &hash))
        .await
        .map_err(|_| Problem::internal())?;
    if !ok {
        return Err(bad_credentials());
    }
    let roles = users::roles_of(&user);
    if let Some(w) = &body.window {
        if !assigned {
            return Err(Problem::new(
                actix_web::http::StatusCode::FORBIDDEN,
                "not_assigned_to_window",
                Text::new("无权在该窗口登录", "Not assigned to this window"),
                Text::new(
                    format!("用户 {} 未被分配到窗口 {w}。", user.username),
                    format!("User {} is not assigned to window {w}.", user.username),
                ),
            ));
        }
    }
    let now = state.clock.now().timestamp();
    let claims = Claims {
        sub: user.username.clone(),
        roles,
        window: body.window.clone(),
        department: user.department.clone(),
        iat: now,
        exp: now + auth.token_lifetime_secs,
    };
    let signed = auth.issue(&claims)?;
    Ok((claims, signed))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub username: String,
    pub password: String,
    /// Real name (实名).
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    pub username: String,
    pub roles: Vec<Role>,
}

/// Creates an applicant account.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, body = Registered),
        (status = 409, description = "Username taken"),
        (status = 422, description = "Invalid field")
    )
)]
#[post("/api/v1/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    body: web::Json<RegisterRequest>,
) -> Result<HttpResponse, Problem> {
    let registered = register_applicant(&state, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(registered))
}

/// The checks and the insert of [`register`] (the applicants' registration page shares it).
pub(crate) async fn register_applicant(
    state: &AppState,
    body: RegisterRequest,
) -> Result<Registered, Problem> {
    let mut fields = Fields::default();
    fields.username("username", &body.username);
    fields.password("password", &body.password);
    fields.text("name", &body.name, 1, 100);
    if let Some(e) = &body.email {
        fields.email("email", e);
    }
    if let Some(p) = &body.phone {
        fields.phone("phone", p);
    }
    fields.finish()?;
    let new = NewUser {
        username: body.username.clone(),
        password: body.password,
        name: body.name,
        email: body.email,
        phone: body.phone,
        roles: vec![Role::Applicant],
        department: None,
        windows: Vec::new(),
    };
    let now = state.clock.now();
    let record = web::block(move || users::hashed_record(&new, now))
        .await
        .map_err(|_| Problem::internal())?
        .map_err(|_| Problem::internal())?;
    let username = body.username.clone();
    state
        .store
        .write(move |conn| users::insert(conn, &record, &[], now))
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => Problem::new(
                actix_web::http::StatusCode::CONFLICT,
                "username_taken",
                Text::new("用户名已被使用", "Username taken"),
                Text::new(
                    format!("用户名 {username} 已被使用，请换一个。"),
                    format!("The username {username} is taken; choose another."),
                ),
            )
            .with_field("username", Text::new("已被使用", "is taken")),
            other => crate::store_problem(other),
        })?;
    Ok(Registered {
        username: body.username,
        roles: vec![Role::Applicant],
    })
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(token);
    cfg.service(register);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(token, register))]
pub struct Doc;
