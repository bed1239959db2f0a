//! The authenticated caller of a request, taken from its `Authorization: Bearer` token.

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use tongban_app::auth::sessions::Refused;
use tongban_app::auth::signer::AuthFailure;
use tongban_app::auth::token::{Claims, TokenError};
use tongban_app::Code;
use tongban_core::role::Role;

use crate::problem::{Problem, Text};

/// What the server needs to check tokens; shared as app data.
pub type Authenticator = tongban_app::auth::signer::Signer;

/// A signed-in user. Extracting it from a request without a valid token answers 401.
#[derive(Debug, Clone)]
pub struct Caller(pub Claims);

impl Caller {
    pub fn username(&self) -> &str {
        &self.0.sub
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.roles.contains(&role)
    }

    pub fn window(&self) -> Option<&str> {
        self.0.window.as_deref()
    }

    /// 403 unless the caller holds one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), Problem> {
        if roles.iter().any(|r| self.has(*r)) {
            Ok(())
        } else {
            Err(forbidden_role(roles))
        }
    }
}

pub fn forbidden_role(roles: &[Role]) -> Problem {
    tongban_app::Error::role_not_allowed(roles).into()
}

fn unauthorized(code: Code, zh: &str, en: &str) -> Problem {
    Problem::new(
        code,
        Text::new("未登录或登录已失效", "Not signed in"),
        Text::new(zh, en),
    )
}

impl FromRequest for Caller {
    type Error = Problem;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let found = bearer_of(req)
            .map(|token| (req.app_data::<web::Data<Authenticator>>().cloned(), token));
        let exempt = PASSWORD_CHANGE_PATHS.contains(&req.path());
        Box::pin(async move {
            let (auth, token) = found?;
            let auth = auth.ok_or_else(Problem::internal)?;
            let claims = auth.authenticate(&token).await.map_err(refusal)?;
            if claims.must_change_password && !exempt {
                return Err(password_change_required());
            }
            Ok(Caller(claims))
        })
    }
}

/// What a caller whose password an administrator reset may still do.
const PASSWORD_CHANGE_PATHS: &[&str] = &["/api/v1/auth/password", "/api/v1/auth/logout"];

/// 403 for everything but changing the password, after an administrator's reset.
pub fn password_change_required() -> Problem {
    Problem::new(
        Code::PasswordChangeRequired,
        Text::new("请先修改密码", "Change your password first"),
        Text::new(
            "管理员已重置您的密码：请先通过 POST /api/v1/auth/password 设置只有您知道的新密码。",
            "An administrator reset your password: set one only you know with POST /api/v1/auth/password first.",
        ),
    )
}

/// The problem answered for a token that does not let its request in.
pub fn refusal(failure: AuthFailure) -> Problem {
    match failure {
        AuthFailure::Token(TokenError::Expired) => unauthorized(
            Code::TokenExpired,
            "登录已过期，请重新登录。",
            "The token has expired; sign in again.",
        ),
        AuthFailure::Token(_) | AuthFailure::Session(Refused::NoSession) => unauthorized(
            Code::InvalidToken,
            "令牌无效，请重新登录。",
            "The token is invalid; sign in again.",
        ),
        AuthFailure::Session(Refused::Ended) => unauthorized(
            Code::SessionEnded,
            "登录已结束（已退出、已修改密码或被管理员结束），请重新登录。",
            "The session has ended (signed out, password changed, or ended by an administrator); sign in again.",
        ),
        AuthFailure::Session(Refused::AccountChanged) => unauthorized(
            Code::AccountChanged,
            "账号已停用或权限已变更，请重新登录。",
            "The account was deactivated or its roles, department or window changed; sign in again.",
        ),
        AuthFailure::Unavailable(e) => e.into(),
    }
}

/// The bearer token of a request, or the 401 for its absence.
fn bearer_of(req: &HttpRequest) -> Result<String, Problem> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            unauthorized(
                Code::MissingToken,
                "请先登录：请求缺少 Authorization: Bearer 令牌。",
                "Sign in first: the request has no Authorization: Bearer token.",
            )
        })?;
    let bearer = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| {
            unauthorized(
                Code::MalformedToken,
                "Authorization 头应为 “Bearer <令牌>”。",
                "The Authorization header must be `Bearer <token>`.",
            )
        })?;
    Ok(bearer.trim().to_owned())
}
