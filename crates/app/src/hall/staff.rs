//! Assigning a clerk to a window (`POST /api/v1/windows/{code}/staff`): they may then sign
//! in at it; and taking them off it, which ends their sign-ins there at the next request.

use tongban_core::role::Role;
use tongban_store::{users as user_store, windows};

use crate::audit;
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{millis, to_json};
use crate::users::roles_of;
use crate::validate::Fields;
use crate::App;

/// A clerk at a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub window: String,
    pub username: String,
}

enum Assigned {
    Done,
    Already,
    UnknownUser,
    NotAClerk,
}

pub async fn assign_staff(
    app: &App,
    actor: &str,
    code: &str,
    username: &str,
) -> AppResult<Assignment> {
    super::window_now(app, code).await?;
    let now = app.clock.now();
    let actor = actor.to_owned();
    let (window, user) = (code.to_owned(), username.to_owned());
    let outcome = app
        .store
        .write(move |conn| {
            let Some(record) = user_store::get(conn, &user)? else {
                return Ok(Assigned::UnknownUser);
            };
            // Roles that do not decode are logged and hold nothing: no clerk seat for them.
            let roles = roles_of(&record).unwrap_or_else(|e| {
                tracing::error!(error = %e, "corrupt stored roles");
                Vec::new()
            });
            if !roles.contains(&Role::Clerk) {
                return Ok(Assigned::NotAClerk);
            }
            if !windows::add_staff(conn, &window, &user, millis(now))? {
                return Ok(Assigned::Already);
            }
            tongban_store::audit::append(
                conn,
                &audit::record(
                    now,
                    &actor,
                    "window.assign_staff",
                    &window,
                    to_json(&serde_json::json!({ "username": user })),
                ),
            )?;
            Ok(Assigned::Done)
        })
        .await?;
    let username_error = |zh: String, en: String| {
        let mut fields = Fields::default();
        fields.error("username", zh, en);
        fields.finish().err().unwrap_or_else(Error::internal)
    };
    match outcome {
        Assigned::Done => {
            app.config().await?;
            Ok(Assignment {
                window: code.to_owned(),
                username: username.to_owned(),
            })
        }
        Assigned::Already => Err(super::exists(
            Code::AlreadyAssigned,
            format!("{username} 已在窗口 {code}。"),
            format!("{username} is already assigned to window {code}."),
        )),
        Assigned::UnknownUser => Err(username_error(
            format!("没有用户 {username}"),
            format!("there is no user {username}"),
        )),
        Assigned::NotAClerk => Err(username_error(
            format!("{username} 没有窗口人员（clerk）角色"),
            format!("{username} does not hold the clerk role"),
        )),
    }
}

/// Takes `username` off window `code`, with the `window.remove_staff` audit record; one not
/// at the window is `not_at_window`.
pub async fn remove_staff(app: &App, actor: &str, code: &str, username: &str) -> AppResult<()> {
    super::window_now(app, code).await?;
    let now = app.clock.now();
    let actor = actor.to_owned();
    let (window, user) = (code.to_owned(), username.to_owned());
    let removed = app
        .store
        .write(move |conn| {
            if !windows::remove_staff(conn, &window, &user)? {
                return Ok(false);
            }
            tongban_store::audit::append(
                conn,
                &audit::record(
                    now,
                    &actor,
                    "window.remove_staff",
                    &window,
                    to_json(&serde_json::json!({ "username": user })),
                ),
            )?;
            Ok(true)
        })
        .await?;
    if !removed {
        return Err(Error::not_found(
            Code::NotAtWindow,
            Text::new(
                format!("{username} 不在窗口 {code}。"),
                format!("{username} is not assigned to window {code}."),
            ),
        ));
    }
    app.config().await?;
    Ok(())
}
