//! Server-side sessions: a signed token is only as good as the session it names and the
//! account behind it. Every request checks both; the answer is cached per process under the
//! database's authorisation revision, which every change of a session or an account bumps,
//! so a sign-out, a password change, a deactivation or a narrowed role, department or window
//! takes effect at the next request in every process.

use std::collections::HashMap;

use rand::RngCore;
use tongban_store::sessions::{self as store, SessionRecord};
use tongban_store::{users as user_store, windows};

use super::token::Claims;
use crate::error::AppResult;
use crate::App;

/// The sessions this process found valid at one authorisation revision.
#[derive(Debug, Default)]
pub struct SessionCache {
    revision: i64,
    /// Valid sessions, each with whether its account must change its password first.
    valid: HashMap<String, bool>,
}

/// Why a token's session no longer lets it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Signed out, ended by a password change or by an administrator, or expired.
    Ended,
    /// The account is gone, deactivated, or no longer has what the token says.
    AccountChanged,
    /// The token names no session (issued before sessions, or forged with a stolen key).
    NoSession,
}

fn new_id() -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Opens a session for a sign-in; its id goes into the token.
pub async fn open(
    app: &App,
    username: &str,
    window: Option<&str>,
    now: i64,
    expires_at: i64,
) -> AppResult<String> {
    let record = SessionRecord {
        id: new_id(),
        username: username.to_owned(),
        window_code: window.map(str::to_owned),
        created_at: now,
        expires_at,
        ended_at: None,
    };
    let id = record.id.clone();
    app.store
        .write(move |conn| store::insert(conn, &record))
        .await?;
    Ok(id)
}

/// Whether the token's session is open and its account still allows all the token says;
/// if so, whether the account must change its password before anything else.
pub async fn check(app: &App, claims: &Claims) -> AppResult<Result<bool, Refused>> {
    let Some(sid) = claims.sid.clone() else {
        return Ok(Err(Refused::NoSession));
    };
    let revision = app.store.revisions().await?.auth;
    {
        let mut cache = app.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if cache.revision != revision {
            cache.valid.clear();
            cache.revision = revision;
        }
        if let Some(must_change) = cache.valid.get(&sid) {
            return Ok(Ok(*must_change));
        }
    }
    let (id, username) = (sid.clone(), claims.sub.clone());
    let (session, user, at_window) = app
        .store
        .read(move |conn| {
            let session = store::get(conn, &id)?;
            let user = user_store::get(conn, &username)?;
            let at_window = match session.as_ref().and_then(|s| s.window_code.clone()) {
                Some(w) => windows::is_staff(conn, &w, &username)?,
                None => true,
            };
            Ok((session, user, at_window))
        })
        .await?;
    let now = app.clock.now().timestamp();
    let verdict = match (session, user) {
        (None, _) => Err(Refused::NoSession),
        (Some(s), _) if s.ended_at.is_some() || s.expires_at <= now || s.username != claims.sub => {
            Err(Refused::Ended)
        }
        (Some(s), _) if s.window_code != claims.window || !at_window => {
            Err(Refused::AccountChanged)
        }
        (_, None) => Err(Refused::AccountChanged),
        (_, Some(u)) => {
            let roles = crate::users::roles_of(&u).unwrap_or_default();
            if u.active && roles == claims.roles && u.department == claims.department {
                Ok(u.must_change_password)
            } else {
                Err(Refused::AccountChanged)
            }
        }
    };
    if let Ok(must_change) = verdict {
        let mut cache = app.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if cache.revision == revision {
            cache.valid.insert(sid, must_change);
        }
    }
    Ok(verdict)
}

/// Ends one session (sign-out).
pub async fn end(app: &App, sid: &str) -> AppResult<()> {
    let (id, at) = (sid.to_owned(), app.clock.now().timestamp());
    app.store
        .write(move |conn| store::end(conn, &id, at).map(|_| ()))
        .await?;
    Ok(())
}

/// Ends every session at once: the operator's emergency stop.
pub fn end_all_blocking(app: &App) -> AppResult<usize> {
    let at = app.clock.now().timestamp();
    Ok(app
        .store
        .write_blocking(move |conn| store::end_all(conn, at))?)
}
