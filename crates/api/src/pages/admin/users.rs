//! `/admin/users` (administrator): the accounts, searchable, each with its roles, department,
//! windows and state, and the forms to deactivate or reactivate it and to set a new password
//! (the code of `PATCH /api/v1/users/{username}` and `POST /api/v1/users/{username}/password`;
//! roles, department and windows change through the API or `tongban user`).

use actix_web::{get, post, web, HttpResponse};
use maud::html;
use serde::Deserialize;
use tongban_app::users::manage::{self, UserPatch};
use tongban_core::role::Role;

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

async fn list_page(
    ctx: &Ctx,
    state: &AppState,
    q: &str,
    done: Option<&str>,
    problem: Option<&Problem>,
) -> PageResult {
    ctx.staff_in(&[Role::Admin])?;
    let users = manage::list_users(state, Some(q).filter(|q| !q.is_empty()), None).await?;
    let title = ctx.t("用户管理", "Users");
    let body = html! {
        h1 { (title) }
        @if let Some(who) = done {
            div.notice role="status" { p { (ctx.t("已保存：", "Saved: ")) (who) } }
        }
        @if let Some(p) = problem {
            div.error-summary role="alert" {
                p { (ctx.text(&p.detail)) }
                @if !p.errors.is_empty() { ul { @for e in &p.errors { li { (ctx.text(&e.message)) } } } }
            }
        }
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
                th scope="col" { (ctx.t("操作", "Actions")) }
            } }
            tbody {
                @for u in &users {
                    tr data-user=(u.username) {
                        td data-label=(ctx.t("用户名", "Username")) { (u.username) }
                        td data-label=(ctx.t("姓名", "Name")) { (u.name) }
                        td data-label=(ctx.t("角色", "Roles")) {
                            @for (i, r) in u.roles.iter().enumerate() { @if i > 0 { ", " } (r.as_str()) }
                        }
                        td data-label=(ctx.t("部门", "Department")) { (u.department.as_deref().unwrap_or("—")) }
                        td data-label=(ctx.t("窗口", "Windows")) { (u.windows.join(", ")) }
                        td data-label=(ctx.t("状态", "State")) {
                            @if u.active { (ctx.t("启用", "active")) } @else { (ctx.t("已停用", "deactivated")) }
                        }
                        td data-label=(ctx.t("操作", "Actions")) {
                            form method="post" action={ "/admin/users/" (lang::encode(&u.username)) } {
                                (ctx.csrf_field())
                                input type="hidden" name="q" value=(q);
                                @if u.active {
                                    button type="submit" name="do" value="deactivate" { (ctx.t("停用", "Deactivate")) }
                                } @else {
                                    button type="submit" name="do" value="activate" { (ctx.t("启用", "Reactivate")) }
                                }
                            }
                            form method="post" action={ "/admin/users/" (lang::encode(&u.username)) } {
                                (ctx.csrf_field())
                                input type="hidden" name="q" value=(q);
                                label for={ "pw-" (u.username) } { (ctx.t("新密码", "New password")) }
                                input id={ "pw-" (u.username) } name="password" type="password" autocomplete="new-password" maxlength="128";
                                button type="submit" name="do" value="reset" { (ctx.t("重置密码", "Set password")) }
                            }
                        }
                    }
                }
            }
        }
    };
    let status = problem.map_or(actix_web::http::StatusCode::OK, |p| p.status);
    Ok(Out::Page {
        status,
        title: title.to_owned(),
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

async fn submit_page(ctx: &Ctx, state: &AppState, username: &str, posted: Posted) -> PageResult {
    let caller = ctx.staff_in(&[Role::Admin])?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let q = form.get("q").to_owned();
    let done = match form.get("do") {
        "deactivate" | "activate" => {
            let patch = UserPatch {
                active: Some(form.get("do") == "activate"),
                ..UserPatch::default()
            };
            manage::update_user(state, caller.username(), username, patch)
                .await
                .map(|_| ())
        }
        _ => manage::reset_password(state, caller.username(), username, form.get("password")).await,
    };
    match done {
        Ok(()) => Ok(Out::Redirect(format!(
            "/admin/users?q={}&done={}",
            lang::encode(&q),
            lang::encode(username)
        ))),
        Err(e) if !e.errors.is_empty() => {
            let p = Problem::from(e);
            list_page(ctx, state, &q, None, Some(&p)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/users/{username}`: `do=deactivate|activate`, or `do=reset` with `password`.
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
