//! Sign-in (tokens) and applicant registration.

use actix_web::{post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use tongban_app::users::register::{register as register_applicant, Register};
use tongban_app::users::sign_in::{self, SignIn};
use tongban_core::role::Role;
use utoipa::ToSchema;

use crate::auth::caller::{Authenticator, Caller};
use crate::problem::Problem;
use crate::schemas;
use crate::state::AppState;
use tongban_app::users::manage;

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
    #[schema(value_type = Vec<schemas::Role>)]
    pub roles: Vec<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    /// An administrator reset the password: the token only serves
    /// `POST /api/v1/auth/password` (and sign-out) until it is changed.
    pub password_change_required: bool,
}

/// Signs in and returns an access token. A clerk names the window they sit at.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Wrong username or password"),
        (status = 403, description = "Not assigned to that window"),
        (status = 429, description = "Too many wrong passwords: wait `Retry-After` seconds")
    )
)]
#[post("/api/v1/auth/token")]
pub async fn token(
    auth: web::Data<Authenticator>,
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    body: web::Json<TokenRequest>,
) -> Result<web::Json<TokenResponse>, Problem> {
    let TokenRequest {
        username,
        password,
        window,
    } = body.into_inner();
    let cmd = SignIn {
        username,
        password,
        window,
        from: state.client_ip(&req),
    };
    let signed = sign_in::sign_in(&auth, &cmd).await?;
    Ok(web::Json(TokenResponse {
        access_token: signed.token,
        token_type: "Bearer",
        expires_in: auth.token_lifetime_secs,
        roles: signed.claims.roles,
        window: signed.claims.window,
        password_change_required: signed.claims.must_change_password,
    }))
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
    #[schema(value_type = Vec<schemas::Role>)]
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
    let RegisterRequest {
        username,
        password,
        name,
        email,
        phone,
    } = body.into_inner();
    let cmd = Register {
        username,
        password,
        name,
        email,
        phone,
    };
    let registered = register_applicant(&state, cmd).await?;
    Ok(HttpResponse::Created().json(Registered {
        username: registered.username,
        roles: registered.roles,
    }))
}

/// Ends the caller's session: the token is refused from the next request on, everywhere.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in")
    )
)]
#[post("/api/v1/auth/logout")]
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, Problem> {
    manage::sign_out(&state, &caller.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes one's own password; one's other sessions end, this one stays.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not signed in"),
        (status = 422, description = "Wrong current password, or the new one breaks the policy")
    )
)]
#[post("/api/v1/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<PasswordChange>,
) -> Result<HttpResponse, Problem> {
    manage::change_own_password(
        &state,
        &caller.0,
        &body.current_password,
        &body.new_password,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(token);
    cfg.service(register);
    cfg.service(logout);
    cfg.service(change_password);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(token, register, logout, change_password))]
pub struct Doc;
