//! Creating a staff or applicant account as an administrator does it: `POST /api/v1/users`,
//! `tongban user add` and the demo accounts of `serve --demo` all come through here, so each
//! is checked and audited the same way.

use tongban_core::role::Role;

use super::{check_profile, hash, insert, taken, NewUser};
use crate::audit;
use crate::error::{AppResult, Code, Text};
use crate::records::to_json;
use crate::validate::Fields;
use crate::App;

/// The account to create.
#[derive(Debug, Clone)]
pub struct CreateUser {
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
    pub windows: Vec<String>,
}

/// The account as created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedUser {
    pub username: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub department: Option<String>,
    /// Sorted, without repeats.
    pub windows: Vec<String>,
}

/// Checks the account (username and password rules, roles, that its department and windows
/// exist now), creates it with its window assignments and writes the `user.create` audit
/// record by `actor`, in one transaction.
pub async fn create_user(app: &App, actor: &str, cmd: CreateUser) -> AppResult<CreatedUser> {
    let config = app.config().await?;
    let catalogue = &config.catalogue;
    let mut fields = Fields::default();
    check_profile(
        &mut fields,
        &cmd.username,
        &cmd.password,
        cmd.email.as_deref(),
        cmd.phone.as_deref(),
    );
    if let Some(n) = &cmd.name {
        fields.text("name", n, 1, 100);
    }
    if cmd.roles.is_empty() {
        fields.error("roles", "至少需要一个角色", "must name at least one role");
    }
    if let Some(d) = &cmd.department {
        if catalogue.department(d).is_none() {
            fields.error(
                "department",
                format!("没有编码为 {d} 的部门"),
                format!("there is no department with code {d}"),
            );
        }
    }
    for (i, w) in cmd.windows.iter().enumerate() {
        if catalogue.window(w).is_none() {
            fields.error(
                &format!("windows[{i}]"),
                format!("没有编号为 {w} 的窗口"),
                format!("there is no window with code {w}"),
            );
        }
    }
    if !cmd.windows.is_empty() && !cmd.roles.contains(&Role::Clerk) {
        fields.error(
            "windows",
            "只有窗口人员（clerk）才分配窗口",
            "only a clerk is assigned to windows",
        );
    }
    fields.finish()?;
    let mut windows = cmd.windows;
    windows.sort();
    windows.dedup();
    let new = NewUser {
        name: cmd
            .name
            .map_or_else(|| cmd.username.clone(), |n| n.trim().to_owned()),
        username: cmd.username,
        password: cmd.password,
        email: cmd.email,
        phone: cmd.phone,
        roles: cmd.roles,
        department: cmd.department,
        windows,
    };
    let now = app.clock.now();
    let record = hash(new.clone(), now).await?;
    let audit_record = audit::record(
        now,
        actor,
        "user.create",
        &new.username,
        to_json(&serde_json::json!({
            "roles": new.roles,
            "department": new.department,
            "windows": new.windows,
        })),
    );
    let assigned = new.windows.clone();
    app.store
        .write(move |conn| {
            insert(conn, &record, &assigned, now)?;
            tongban_store::audit::append(conn, &audit_record)?;
            Ok(())
        })
        .await
        .map_err(|e| {
            let u = &new.username;
            taken(
                e,
                Text::new(
                    format!("用户名 {u} 已被使用。"),
                    format!("The username {u} is taken."),
                ),
            )
        })?;
    Ok(CreatedUser {
        username: new.username,
        name: new.name,
        roles: new.roles,
        department: new.department,
        windows: new.windows,
    })
}

/// Creates each account that does not exist yet (the demo accounts of `serve --demo`, made
/// again at every start); answers the usernames it created.
pub async fn create_missing(
    app: &App,
    actor: &str,
    accounts: Vec<CreateUser>,
) -> AppResult<Vec<String>> {
    let mut created = Vec::new();
    for account in accounts {
        let username = account.username.clone();
        let exists = {
            let u = username.clone();
            app.store
                .read(move |c| tongban_store::users::get(c, &u))
                .await?
                .is_some()
        };
        if exists {
            continue;
        }
        match create_user(app, actor, account).await {
            Ok(_) => created.push(username),
            // Made by another process starting at the same time.
            Err(e) if e.code == Code::UsernameTaken => {}
            Err(e) => return Err(e),
        }
    }
    Ok(created)
}
