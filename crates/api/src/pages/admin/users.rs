//! `/admin/users` (administrator): the accounts, searchable, each with its roles, department,
//! windows and state; a form to create one; and per account the page to change its name,
//! roles, department and windows, deactivate or reactivate it, and set a password the user
//! must change at next sign-in (the code of `/api/v1/users…` and `tongban user`).

use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;
use tongban_app::users::create::{create_user, CreateUser};
use tongban_app::users::manage::{self, UserPatch, UserView};
use tongban_core::role::Role;

use super::user_form::{self, Shown};
use crate::pages::application::error_summary;
use crate::pages::ctx::{Ctx, Out, PageResult};
use crate::pages::form::{Form, Posted};
use crate::pages::lang;
use crate::problem::Problem;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Search {
    q: Option<String>,
    done: Option<String>,
}

fn done_notice(ctx: &Ctx, done: Option<&str>) -> Markup {
    html! {
        @if let Some(who) = done {
            div.notice role="status" { p { (ctx.t("已保存：", "Saved: ")) (who) } }
        }
    }
}

fn status_of(problem: Option<&Problem>) -> StatusCode {
    problem.map_or(StatusCode::OK, |p| p.status)
}

/// The list, and the form that creates a user (`refused` is what was posted, when refused).
async fn list_page(
    ctx: &Ctx,
    state: &AppState,
    q: &str,
    done: Option<&str>,
    refused: Option<(&Problem, &Form)>,
) -> PageResult {
    ctx.staff_in(&[Role::Admin])?;
    let users = manage::list_users(state, Some(q).filter(|q| !q.is_empty()), None).await?;
    let catalogue = state.catalogue();
    let title = ctx.t("用户管理", "Users");
    let shown = refused.map(|(_, f)| Shown::posted(f)).unwrap_or_default();
    let posted = |name: &str| refused.map_or("", |(_, f)| f.get(name)).to_owned();
    let body = html! {
        h1 { (title) }
        (done_notice(ctx, done))
        (error_summary(ctx, refused.map(|r| r.0)))
        form method="get" action="/admin/users" {
            label for="q" { (ctx.t("用户名或姓名", "Username or name")) }
            input #q name="q" type="search" value=(q) maxlength="100";
            button type="submit" { (ctx.t("查找", "Search")) }
        }
        table.stack #users {
            thead { tr {
                th scope="col" { (ctx.t("用户名", "Username")) }
                th scope="col" { (ctx.t("姓名", "Name")) }
                th scope="col" { (ctx.t("角色", "Roles")) }
                th scope="col" { (ctx.t("部门", "Department")) }
                th scope="col" { (ctx.t("窗口", "Windows")) }
                th scope="col" { (ctx.t("状态", "State")) }
            } }
            tbody {
                @for u in &users {
                    tr data-user=(u.username) {
                        td data-label=(ctx.t("用户名", "Username")) {
                            a href={ "/admin/users/" (lang::encode(&u.username)) } { (u.username) }
                        }
                        td data-label=(ctx.t("姓名", "Name")) { (u.name) }
                        td data-label=(ctx.t("角色", "Roles")) { (user_form::role_list(ctx, &u.roles)) }
                        td data-label=(ctx.t("部门", "Department")) {
                            (u.department.as_deref().map_or("—".to_owned(), |d| catalogue.department(d).map_or(d.to_owned(), |x| x.name.clone())))
                        }
                        td data-label=(ctx.t("窗口", "Windows")) { (u.windows.join(", ")) }
                        td data-label=(ctx.t("状态", "State")) { (state_text(ctx, u)) }
                    }
                }
            }
        }
        details #new-user open[refused.is_some()] {
            summary { (ctx.t("新建用户", "Create a user")) }
            form method="post" action="/admin/users" {
                (ctx.csrf_field())
                label for="new-username" { (ctx.t("用户名", "Username")) }
                input #new-username name="username" required maxlength="64" autocomplete="off" value=(posted("username"));
                label for="new-name" { (ctx.t("姓名", "Name")) }
                input #new-name name="name" maxlength="100" value=(posted("name"));
                label for="new-password" { (ctx.t("初始密码（至少 10 位）", "Initial password (at least 10 characters)")) }
                input #new-password name="password" type="password" required autocomplete="new-password" maxlength="128";
                (user_form::fields(ctx, &catalogue, &shown, "new"))
                div.actions-row { button type="submit" { (ctx.t("创建", "Create")) } }
            }
        }
    };
    Ok(Out::Page {
        status: status_of(refused.map(|r| r.0)),
        title: title.to_owned(),
        body,
    })
}

fn state_text<'a>(ctx: &'a Ctx, u: &UserView) -> &'a str {
    match (u.active, u.must_change_password) {
        (false, _) => ctx.t("已停用", "deactivated"),
        (true, true) => ctx.t("启用（待本人改密码）", "active (must change password)"),
        (true, false) => ctx.t("启用", "active"),
    }
}

/// One account: what it is, the form that changes it, and its state and password.
async fn user_page(
    ctx: &Ctx,
    state: &AppState,
    username: &str,
    done: Option<&str>,
    refused: Option<(&Problem, &Form)>,
) -> PageResult {
    ctx.staff_in(&[Role::Admin])?;
    let user = manage::get_user(state, username).await?;
    let catalogue = state.catalogue();
    let shown = match refused {
        Some((_, form)) => Shown::posted(form),
        None => Shown {
            roles: user.roles.clone(),
            department: user.department.clone(),
            windows: user.windows.clone(),
        },
    };
    let name = refused.map_or(user.name.clone(), |(_, f)| f.get("name").to_owned());
    let action = format!("/admin/users/{}", lang::encode(&user.username));
    let title = format!("{} {}", ctx.t("用户", "User"), user.username);
    let body = html! {
        p { a href="/admin/users" { (ctx.t("← 全部用户", "← All users")) } }
        h1 { (title) }
        (done_notice(ctx, done))
        (error_summary(ctx, refused.map(|r| r.0)))
        p #user-state { (ctx.t("状态：", "State: ")) (state_text(ctx, &user)) }
        form method="post" action=(action) #edit-user {
            (ctx.csrf_field())
            label for="edit-name" { (ctx.t("姓名", "Name")) }
            input #edit-name name="name" required maxlength="100" value=(name);
            (user_form::fields(ctx, &catalogue, &shown, "edit"))
            p.hint { (ctx.t("角色、部门或窗口一经修改，该用户的登录即在下一次请求时结束，须重新登录。", "Once roles, department or windows change, the user's sign-ins end at their next request and they sign in again.")) }
            div.actions-row { button type="submit" name="do" value="save" { (ctx.t("保存", "Save")) } }
        }
        form method="post" action=(action) #user-active {
            (ctx.csrf_field())
            @if user.active {
                button.danger type="submit" name="do" value="deactivate" { (ctx.t("停用账号", "Deactivate the account")) }
            } @else {
                button type="submit" name="do" value="activate" { (ctx.t("启用账号", "Reactivate the account")) }
            }
        }
        form method="post" action=(action) #reset-password {
            (ctx.csrf_field())
            label for="reset-pw" { (ctx.t("设置新密码（用户下次登录时须修改）", "Set a new password (the user must change it at next sign-in)")) }
            input #reset-pw name="password" type="password" autocomplete="new-password" maxlength="128";
            button type="submit" name="do" value="reset" { (ctx.t("重置密码", "Reset the password")) }
        }
    };
    Ok(Out::Page {
        status: status_of(refused.map(|r| r.0)),
        title,
        body,
    })
}

/// `GET /admin/users?q=`.
#[get("/admin/users")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: Result<web::Query<Search>, actix_web::Error>,
) -> HttpResponse {
    let search = q.ok().map(|q| q.into_inner());
    let text = search
        .as_ref()
        .and_then(|s| s.q.clone())
        .unwrap_or_default();
    let done = search.and_then(|s| s.done);
    let result = list_page(&ctx, &state, &text, done.as_deref(), None).await;
    ctx.respond(result)
}

/// `GET /admin/users/{username}`.
#[get("/admin/users/{username}")]
pub async fn show_user(
    ctx: Ctx,
    state: web::Data<AppState>,
    username: web::Path<String>,
    q: Result<web::Query<Search>, actix_web::Error>,
) -> HttpResponse {
    let done = q.ok().and_then(|q| q.into_inner().done);
    let result = user_page(&ctx, &state, &username, done.as_deref(), None).await;
    ctx.respond(result)
}

async fn create_page(ctx: &Ctx, state: &AppState, posted: Posted) -> PageResult {
    let caller = ctx.staff_in(&[Role::Admin])?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let cmd = CreateUser {
        username: form.get("username").to_owned(),
        password: form.get("password").to_owned(),
        name: Some(form.get("name").to_owned()).filter(|n| !n.is_empty()),
        email: None,
        phone: None,
        roles: user_form::roles(&form),
        department: user_form::department(&form),
        windows: user_form::windows(&form),
    };
    match create_user(state, caller.username(), cmd).await {
        Ok(created) => Ok(Out::Redirect(format!(
            "/admin/users/{}?done={}",
            lang::encode(&created.username),
            lang::encode(&created.username)
        ))),
        Err(e) if !e.errors.is_empty() || e.code == tongban_app::Code::UsernameTaken => {
            let p = Problem::from(e);
            list_page(ctx, state, "", None, Some((&p, &form))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/users`: creates a user.
#[post("/admin/users")]
pub async fn create(ctx: Ctx, state: web::Data<AppState>, posted: Posted) -> HttpResponse {
    let result = create_page(&ctx, &state, posted).await;
    ctx.respond(result)
}

async fn submit_page(ctx: &Ctx, state: &AppState, username: &str, posted: Posted) -> PageResult {
    let caller = ctx.staff_in(&[Role::Admin])?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let patch = match form.get("do") {
        "deactivate" | "activate" => Some(UserPatch {
            active: Some(form.get("do") == "activate"),
            ..UserPatch::default()
        }),
        "save" => Some(UserPatch {
            name: Some(form.get("name").to_owned()),
            roles: Some(user_form::roles(&form)),
            department: Some(user_form::department(&form)),
            windows: Some(user_form::windows(&form)),
            active: None,
        }),
        _ => None,
    };
    let done = match patch {
        Some(patch) => manage::update_user(state, caller.username(), username, patch)
            .await
            .map(|_| ()),
        None => {
            manage::reset_password(state, caller.username(), username, form.get("password")).await
        }
    };
    match done {
        Ok(()) => Ok(Out::Redirect(format!(
            "/admin/users/{}?done={}",
            lang::encode(username),
            lang::encode(username)
        ))),
        Err(e) if !e.errors.is_empty() => {
            let p = Problem::from(e);
            user_page(ctx, state, username, None, Some((&p, &form))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/users/{username}`: `do=save` (name, roles, department, windows),
/// `do=deactivate|activate`, or `do=reset` with `password`.
#[post("/admin/users/{username}")]
pub async fn submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    username: web::Path<String>,
    posted: Posted,
) -> HttpResponse {
    let result = submit_page(&ctx, &state, &username, posted).await;
    ctx.respond(result)
}
