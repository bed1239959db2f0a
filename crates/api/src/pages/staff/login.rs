//! Sign-in at a window and sign-out. The session is the signed access token of the API in
//! an HttpOnly, SameSite=Strict cookie that expires with the token.

use actix_web::{get, http::header, http::StatusCode, post, web, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;
use tongban_core::role::Role;

use crate::auth::caller::Authenticator;
use crate::pages::ctx::{Ctx, Out, PageErr};
use crate::pages::form::{Form, Posted};
use crate::pages::lang;
use crate::routes::auth::{sign_in as check_sign_in, TokenRequest};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
    /// Set by the redirect of a page whose session had expired.
    expired: Option<String>,
}

fn next_of(q: Option<Next>) -> String {
    q.and_then(|q| q.next)
        .map(|n| lang::local_path(&n).to_owned())
        .filter(|n| n.starts_with("/staff"))
        .unwrap_or_else(|| "/staff/queue".to_owned())
}

fn login_form(
    ctx: &Ctx,
    state: &AppState,
    username: &str,
    window: &str,
    next: &str,
    error: Option<&str>,
    expired: bool,
) -> Markup {
    let catalogue = state.catalogue();
    html! {
        h1 { (ctx.t("窗口工作人员登录", "Window staff sign-in")) }
        @if expired || ctx.session_lost {
            div.notice role="status" { p { (ctx.t("登录已过期，请重新登录。", "Your session has expired; please sign in again.")) } }
        }
        @if let Some(e) = error {
            div.error-summary role="alert" #login-error { p { (e) } }
        }
        form method="post" action="/staff/login" {
            (ctx.csrf_field())
            input type="hidden" name="next" value=(next);
            label for="username" { (ctx.t("用户名", "Username")) }
            input #username type="text" name="username" value=(username) autocomplete="username"
                autocapitalize="none" spellcheck="false" required maxlength="64"
                aria-describedby=[error.map(|_| "login-error")];
            label for="password" { (ctx.t("密码", "Password")) }
            input #password type="password" name="password" autocomplete="current-password" required maxlength="200";
            label for="window" { (ctx.t("所在窗口", "Your window")) }
            select #window name="window" required {
                option value="" { (ctx.t("请选择窗口", "Choose your window")) }
                @for w in &catalogue.windows {
                    option value=(w.code) selected[w.code == window] { (w.code) " · " (w.name) }
                }
            }
            div.actions-row { button type="submit" { (ctx.t("登录", "Sign in")) } }
        }
    }
}

/// `GET /staff`: the console starts at the queue.
#[get("/staff")]
pub async fn start(ctx: Ctx) -> HttpResponse {
    ctx.redirect("/staff/queue")
}

/// `GET /staff/login`.
#[get("/staff/login")]
pub async fn show_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: Result<web::Query<Next>, actix_web::Error>,
) -> HttpResponse {
    let q = q.ok().map(|q| q.into_inner());
    let expired = q.as_ref().is_some_and(|q| q.expired.is_some());
    let next = next_of(q);
    let body = login_form(&ctx, &state, "", "", &next, None, expired);
    ctx.respond(Ok(Out::ok(ctx.t("工作人员登录", "Staff sign-in"), body)))
}

async fn sign_in_page(
    ctx: &Ctx,
    state: &AppState,
    auth: &Authenticator,
    form: &Form,
) -> Result<HttpResponse, PageErr> {
    ctx.check_csrf(form)?;
    let username = form.get("username");
    let window = form.get("window");
    let next = lang::local_path(form.get("next")).to_owned();
    let next = if next.starts_with("/staff") {
        next
    } else {
        "/staff/queue".to_owned()
    };
    let title = ctx.t("工作人员登录", "Staff sign-in");
    let fail = |status: StatusCode, message: &str| -> Result<HttpResponse, PageErr> {
        let body = login_form(ctx, state, username, window, &next, Some(message), false);
        Ok(ctx.html(status, title, body))
    };
    if username.is_empty() || form.get("password").is_empty() || window.is_empty() {
        return fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t(
                "请填写用户名、密码并选择所在窗口。",
                "Enter your username and password and choose your window.",
            ),
        );
    }
    let request = TokenRequest {
        username: username.to_owned(),
        password: form.get("password").to_owned(),
        window: Some(window.to_owned()),
    };
    let (claims, token) = match check_sign_in(state, auth, &request).await {
        Ok(ok) => ok,
        Err(p) => return fail(p.status, ctx.text(&p.detail)),
    };
    if !claims.roles.contains(&Role::Clerk) {
        return fail(
            StatusCode::FORBIDDEN,
            ctx.t(
                "此处仅供窗口工作人员登录。",
                "Only window staff sign in here.",
            ),
        );
    }
    let lifetime = claims.exp - state.clock.now().timestamp();
    Ok(ctx
        .builder(StatusCode::SEE_OTHER)
        .cookie(ctx.session_cookie(token, lifetime))
        .insert_header((header::LOCATION, next))
        .finish())
}

/// `POST /staff/login`: checks the credentials and the window like `POST /api/v1/auth/token`.
#[post("/staff/login")]
pub async fn sign_in(
    ctx: Ctx,
    state: web::Data<AppState>,
    auth: web::Data<Authenticator>,
    posted: Posted,
) -> HttpResponse {
    let result = match Form::read(posted) {
        Ok(form) => sign_in_page(&ctx, &state, &auth, &form).await,
        Err(e) => Err(e),
    };
    ctx.answer(result)
}

/// Forgets the session cookie and goes to `to` (the applicants' sign-out shares it).
pub(crate) fn sign_out_page(ctx: &Ctx, posted: Posted, to: &str) -> Result<HttpResponse, PageErr> {
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    Ok(ctx
        .builder(StatusCode::SEE_OTHER)
        .cookie(ctx.cleared_session_cookie())
        .insert_header((header::LOCATION, to.to_owned()))
        .finish())
}

/// `POST /staff/logout`: forgets the session cookie.
#[post("/staff/logout")]
pub async fn sign_out(ctx: Ctx, posted: Posted) -> HttpResponse {
    ctx.answer(sign_out_page(&ctx, posted, "/staff/login"))
}
