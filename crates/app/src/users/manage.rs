//! Keeping accounts as an administrator does (`GET/PATCH /api/v1/users…`, the admin pages,
//! `tongban user …`), and one's own password. Every change is audited in the hash chain with
//! who made it; a change that narrows what a user may do takes effect at their next request
//! in every process (the account is checked on every request), and a new password ends their
//! sessions.

use tongban_core::role::Role;
use tongban_store::users::{self as user_store, UserRecord};
use tongban_store::windows;

use super::{roles_of, UserError};
use crate::audit;
use crate::auth::password::{hash_password, verify_password};
use crate::auth::sessions;
use crate::auth::token::Claims;
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{millis, to_json};
use crate::validate::Fields;
use crate::App;

/// An account as the administrator reads it (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserView {
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub roles: Vec<Role>,
    pub department: Option<String>,
    pub windows: Vec<String>,
    pub active: bool,
    /// Reset by an administrator and not yet changed by its holder.
    pub must_change_password: bool,
}

/// What an administrator changes; `None` keeps the field.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub name: Option<String>,
    pub roles: Option<Vec<Role>>,
    /// `Some(None)` clears the department.
    pub department: Option<Option<String>>,
    pub windows: Option<Vec<String>>,
    pub active: Option<bool>,
}

fn not_found(username: &str) -> Error {
    Error::not_found(
        Code::UserNotFound,
        Text::new(
            format!("没有用户 {username}。"),
            format!("There is no user {username}."),
        ),
    )
}

fn view(record: &UserRecord, windows: Vec<String>) -> AppResult<UserView> {
    Ok(UserView {
        username: record.username.clone(),
        name: record.name.clone(),
        email: record.email.clone(),
        phone: record.phone.clone(),
        roles: roles_of(record).map_err(Error::corrupt)?,
        department: record.department.clone(),
        windows,
        active: record.active,
        must_change_password: record.must_change_password,
    })
}

/// True while no active account holds the admin role: a fresh installation, whose first
/// administrator is made on the server's command line (`tongban user add`).
pub async fn first_run(app: &App) -> AppResult<bool> {
    Ok(app.store.read(user_store::active_admins).await? == 0)
}

/// Users whose username or name contains `q`, holding `role` when given, by username.
pub async fn list_users(
    app: &App,
    q: Option<&str>,
    role: Option<Role>,
) -> AppResult<Vec<UserView>> {
    let (users, staff) = app
        .store
        .read(|conn| Ok((user_store::list(conn)?, windows::all_staff(conn)?)))
        .await?;
    let mut windows_of: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (user, window) in staff {
        windows_of.entry(user).or_default().push(window);
    }
    let rows = users.into_iter().map(|u| {
        let w = windows_of.remove(&u.username).unwrap_or_default();
        (u, w)
    });
    let q = q.map(str::to_lowercase);
    let mut out = Vec::new();
    for (record, windows) in rows {
        let v = view(&record, windows)?;
        let matches_q = q.as_deref().is_none_or(|q| {
            v.username.to_lowercase().contains(q) || v.name.to_lowercase().contains(q)
        });
        if matches_q && role.is_none_or(|r| v.roles.contains(&r)) {
            out.push(v);
        }
    }
    Ok(out)
}

/// One user.
pub async fn get_user(app: &App, username: &str) -> AppResult<UserView> {
    let name = username.to_owned();
    let (record, windows) = app
        .store
        .read(move |conn| {
            Ok((
                user_store::get(conn, &name)?,
                windows::windows_of(conn, &name)?,
            ))
        })
        .await?;
    let record = record.ok_or_else(|| not_found(username))?;
    view(&record, windows)
}

/// Changes an account; the user's open sessions stop at their next request wherever the
/// change narrows what the token says (roles, department, windows, deactivation).
pub async fn update_user(
    app: &App,
    actor: &str,
    username: &str,
    patch: UserPatch,
) -> AppResult<UserView> {
    let config = app.config().await?;
    let catalogue = &config.catalogue;
    let before = get_user(app, username).await?;
    let mut fields = Fields::default();
    if let Some(n) = &patch.name {
        fields.text("name", n, 1, 100);
    }
    if patch.roles.as_ref().is_some_and(Vec::is_empty) {
        fields.error("roles", "至少需要一个角色", "must name at least one role");
    }
    if let Some(Some(d)) = &patch.department {
        if catalogue.department(d).is_none() {
            fields.error(
                "department",
                format!("没有编码为 {d} 的部门"),
                format!("there is no department with code {d}"),
            );
        }
    }
    for (i, w) in patch.windows.iter().flatten().enumerate() {
        if catalogue.window(w).is_none() {
            fields.error(
                &format!("windows[{i}]"),
                format!("没有编号为 {w} 的窗口"),
                format!("there is no window with code {w}"),
            );
        }
    }
    if actor == username && patch.active == Some(false) {
        fields.error(
            "active",
            "不能停用自己的账号",
            "an administrator cannot deactivate their own account",
        );
    }
    let roles = patch.roles.clone().unwrap_or_else(|| before.roles.clone());
    let mut windows_after = patch
        .windows
        .clone()
        .unwrap_or_else(|| before.windows.clone());
    windows_after.sort();
    windows_after.dedup();
    if !windows_after.is_empty() && !roles.contains(&Role::Clerk) {
        fields.error(
            "windows",
            "只有窗口人员（clerk）才分配窗口",
            "only a clerk is assigned to windows",
        );
    }
    fields.finish()?;
    let now = app.clock.now();
    let audit_record = audit::record(
        now,
        actor,
        "user.update",
        username,
        to_json(&serde_json::json!({
            "name": patch.name,
            "roles": patch.roles,
            "department": patch.department,
            "windows": patch.windows,
            "active": patch.active,
        })),
    );
    let (name, roles_json) = (patch.name.clone(), to_json(&roles));
    let (department, active) = (patch.department.clone(), patch.active);
    let (user, removed, added) = (
        username.to_owned(),
        before
            .windows
            .iter()
            .filter(|w| !windows_after.contains(w))
            .cloned()
            .collect::<Vec<_>>(),
        windows_after
            .iter()
            .filter(|w| !before.windows.contains(w))
            .cloned()
            .collect::<Vec<_>>(),
    );
    app.store
        .write(move |conn| {
            let Some(mut record) = user_store::get(conn, &user)? else {
                return Err(tongban_store::StoreError::NotFound(user.clone()));
            };
            if let Some(n) = name {
                record.name = n.trim().to_owned();
            }
            record.roles = roles_json;
            if let Some(d) = department {
                record.department = d;
            }
            if let Some(a) = active {
                record.active = a;
            }
            record.updated_at = millis(now);
            user_store::update(conn, &record)?;
            for w in &removed {
                windows::remove_staff(conn, w, &user)?;
            }
            for w in &added {
                windows::add_staff(conn, w, &user, millis(now))?;
            }
            if active == Some(false) {
                tongban_store::sessions::end_for_user(conn, &user, None, now.timestamp())?;
            }
            tongban_store::audit::append(conn, &audit_record)?;
            Ok(())
        })
        .await?;
    get_user(app, username).await
}

async fn hashed(password: String) -> AppResult<String> {
    match tokio::task::spawn_blocking(move || hash_password(&password)).await {
        Ok(Ok(h)) => Ok(h),
        Ok(Err(e)) => Err(Error::corrupt(format!(
            "password hashing failed: {}",
            UserError::from(e)
        ))),
        Err(e) => Err(Error::corrupt(format!("password hashing panicked: {e}"))),
    }
}

/// How a password is set: by an administrator (the holder must change it at next sign-in)
/// or by its holder, keeping the session they use.
enum Setting {
    Reset,
    Own { keep: Option<String> },
}

/// Writes a new password hash, ends the user's sessions (but the holder's own), audits.
async fn set_password(
    app: &App,
    actor: &str,
    username: &str,
    password: String,
    setting: Setting,
) -> AppResult<()> {
    let (action, keep, must_change) = match setting {
        Setting::Reset => ("user.password_reset", None, true),
        Setting::Own { keep } => ("user.password_change", keep, false),
    };
    let hash = hashed(password).await?;
    let now = app.clock.now();
    let audit_record = audit::record(now, actor, action, username, "{}".to_owned());
    let user = username.to_owned();
    app.store
        .write(move |conn| {
            let Some(mut record) = user_store::get(conn, &user)? else {
                return Err(tongban_store::StoreError::NotFound(user.clone()));
            };
            record.password_hash = hash;
            record.must_change_password = must_change;
            record.updated_at = millis(now);
            user_store::update(conn, &record)?;
            tongban_store::sessions::end_for_user(conn, &user, keep.as_deref(), now.timestamp())?;
            tongban_store::audit::append(conn, &audit_record)?;
            Ok(())
        })
        .await?;
    Ok(())
}

/// An administrator sets a new password (the user was locked out, or it leaked): every
/// session of the user ends.
pub async fn reset_password(
    app: &App,
    actor: &str,
    username: &str,
    password: &str,
) -> AppResult<()> {
    get_user(app, username).await?;
    let mut fields = Fields::default();
    fields.password("password", password, username);
    fields.finish()?;
    set_password(app, actor, username, password.to_owned(), Setting::Reset).await
}

/// The caller changes their own password, proving the current one; their other sessions end,
/// the one they use stays.
pub async fn change_own_password(
    app: &App,
    claims: &Claims,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let name = claims.sub.clone();
    let record = app
        .store
        .read(move |conn| user_store::get(conn, &name))
        .await?
        .ok_or_else(|| not_found(&claims.sub))?;
    let (given, hash) = (current.to_owned(), record.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || verify_password(&given, &hash))
        .await
        .map_err(|e| Error::corrupt(format!("password check panicked: {e}")))?;
    let mut fields = Fields::default();
    if !ok {
        fields.error(
            "current_password",
            "当前密码不正确",
            "is not the current password",
        );
    }
    fields.password("new_password", new, &claims.sub);
    if current == new {
        fields.error(
            "new_password",
            "新密码不能与当前密码相同",
            "must differ from the current one",
        );
    }
    fields.finish()?;
    set_password(
        app,
        &claims.sub,
        &claims.sub,
        new.to_owned(),
        Setting::Own {
            keep: claims.sid.clone(),
        },
    )
    .await
}

/// Ends the caller's session (sign-out).
pub async fn sign_out(app: &App, claims: &Claims) -> AppResult<()> {
    match &claims.sid {
        Some(sid) => sessions::end(app, sid).await,
        None => Ok(()),
    }
}
