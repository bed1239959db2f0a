//! Signing in (`POST /api/v1/auth/token` and the sign-in pages): an active account, its
//! password, and for a clerk the window they sit at; answers a signed access token.

use tongban_store::{users as user_store, windows};

use super::{roles_of, throttle};
use crate::auth::password::verify_password;
use crate::auth::signer::Signer;
use crate::auth::token::Claims;
use crate::error::{AppResult, Code, Error, Text};

#[derive(Debug, Clone)]
pub struct SignIn {
    pub username: String,
    pub password: String,
    /// The window (code) a clerk sits at; the assignment is checked.
    pub window: Option<String>,
    /// The client's address, for throttling password guesses.
    pub from: Option<std::net::IpAddr>,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub claims: Claims,
    pub token: String,
}

fn bad_credentials() -> Error {
    Error::new(
        Code::InvalidCredentials,
        Text::new("登录失败", "Sign-in failed"),
        Text::new("用户名或密码错误。", "Wrong username or password."),
    )
}

fn throttled(secs: u64) -> Error {
    let mut e = Error::new(
        Code::SignInThrottled,
        Text::new("登录尝试过于频繁", "Too many sign-in attempts"),
        Text::new(
            format!("密码错误次数过多，请 {secs} 秒后再试。"),
            format!("Too many wrong passwords; try again in {secs} s."),
        ),
    );
    e.retry_after = Some(secs);
    e
}

/// A hash to check a password against when the user does not exist, so that an unknown
/// username takes as long as a known one and the timing tells nothing.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        crate::auth::password::hash_password("tongban-no-such-user").unwrap_or_default()
    })
}

pub async fn sign_in(signer: &Signer, cmd: &SignIn) -> AppResult<SignedIn> {
    let app = &signer.app;
    let started = app.clock.now().timestamp();
    let looked = throttle::look(app, &cmd.username, cmd.from, started).await?;
    if let Some(secs) = looked.wait {
        return Err(throttled(secs));
    }
    let username = cmd.username.clone();
    let window = cmd.window.clone();
    let (user, assigned) = app
        .store
        .read(move |conn| {
            let user = user_store::get(conn, &username)?;
            let assigned = match &window {
                Some(w) => windows::is_staff(conn, w, &username)?,
                None => false,
            };
            Ok((user, assigned))
        })
        .await?;
    let user = user.filter(|u| u.active);
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
    let password = cmd.password.clone();
    // argon2 is slow by design: keep it off the async workers. An unknown or inactive user
    // is checked against a dummy hash, in the same time.
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| Error::corrupt(format!("password check panicked: {e}")))?;
    let Some(user) = user.filter(|_| ok) else {
        throttle::failed(app, &cmd.username, cmd.from, started).await?;
        return Err(bad_credentials());
    };
    if looked.account_failed {
        throttle::succeeded(app, &cmd.username, cmd.from).await?;
    }
    if let Some(w) = &cmd.window {
        if !assigned {
            return Err(Error::new(
                Code::NotAssignedToWindow,
                Text::new("无权在该窗口登录", "Not assigned to this window"),
                Text::new(
                    format!("用户 {} 未被分配到窗口 {w}。", user.username),
                    format!("User {} is not assigned to window {w}.", user.username),
                ),
            ));
        }
    }
    let now = app.clock.now().timestamp();
    let exp = now + signer.token_lifetime_secs;
    let sid =
        crate::auth::sessions::open(app, &user.username, cmd.window.as_deref(), now, exp).await?;
    let claims = Claims {
        sub: user.username.clone(),
        roles: roles_of(&user).map_err(Error::corrupt)?,
        window: cmd.window.clone(),
        department: user.department.clone(),
        iat: now,
        exp,
        sid: Some(sid),
        must_change_password: user.must_change_password,
    };
    let token = signer.issue(&claims)?;
    Ok(SignedIn { claims, token })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_dummy_hash_is_a_real_hash_so_unknown_users_cost_the_same() {
        let hash = super::dummy_hash();
        assert!(hash.starts_with("$argon2"), "{hash}");
        assert!(!crate::auth::password::verify_password("guess", hash));
    }
}
