//! An applicant opens their own account (`POST /api/v1/auth/register` and the registration
//! page): the same checks as any account, the applicant role only.

use tongban_core::role::Role;

use super::{check_profile, hash, insert, taken, NewUser};
use crate::error::{AppResult, Text};
use crate::validate::Fields;
use crate::App;

#[derive(Debug, Clone)]
pub struct Register {
    pub username: String,
    pub password: String,
    /// Real name (实名).
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub username: String,
    pub roles: Vec<Role>,
}

pub async fn register(app: &App, cmd: Register) -> AppResult<Registered> {
    let mut fields = Fields::default();
    check_profile(
        &mut fields,
        &cmd.username,
        &cmd.password,
        cmd.email.as_deref(),
        cmd.phone.as_deref(),
    );
    fields.text("name", &cmd.name, 1, 100);
    fields.finish()?;
    let new = NewUser {
        username: cmd.username.clone(),
        password: cmd.password,
        name: cmd.name,
        email: cmd.email,
        phone: cmd.phone,
        roles: vec![Role::Applicant],
        department: None,
        windows: Vec::new(),
    };
    let now = app.clock.now();
    let record = hash(new, now).await?;
    app.store
        .write(move |conn| insert(conn, &record, &[], now))
        .await
        .map_err(|e| {
            let u = &cmd.username;
            taken(
                e,
                Text::new(
                    format!("用户名 {u} 已被使用，请换一个。"),
                    format!("The username {u} is taken; choose another."),
                ),
            )
            .with_field("username", Text::new("已被使用", "is taken"))
        })?;
    Ok(Registered {
        username: cmd.username,
        roles: vec![Role::Applicant],
    })
}
