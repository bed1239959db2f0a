//! Applicants' accounts: registration (the code of `POST /api/v1/auth/register`), sign-in
//! without a window and sign-out. The session is the same cookie as the staff's: the signed
//! access token, expiring with it.

use actix_web::{get, http::header, http::StatusCode, post, web, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;
use tongban_core::role::Role;

use crate::auth::caller::Authenticator;
use crate::pages::application::{error_summary, field_error, has_error};
use crate::pages::ctx::{Ctx, Out, PageErr};
use crate::pages::form::{Form, Posted};
use crate::pages::lang;
use crate::pages::staff::sign_out_page;
use crate::problem::{Problem, Text};
use crate::state::AppState;
use tongban_app::users::register::{register as register_applicant, Register};
use tongban_app::users::sign_in::{sign_in as check_sign_in, SignIn};
use tongban_app::{Code, Error};

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
    expired: Option<String>,
}

/// Where to go after signing in: a local page that is not the staff console.
fn after_sign_in(next: &str) -> String {
    let next = lang::local_path(next);
    if next == "/" || next.starts_with("/staff") || next.starts_with("/account") {
        "/my/cases".to_owned()
    } else {
        next.to_owned()
    }
}

/// What a form that failed sent and got.
#[derive(Clone, Copy)]
struct Filled<'a> {
    values: Option<&'a Form>,
    error: Option<&'a Problem>,
}

/// A text input with its label and the error next to it; `kind` is the input type and its
/// autocomplete token.
fn input(
    ctx: &Ctx,
    id: &str,
    label: &str,
    kind: (&str, &str),
    filled: Filled,
    required: bool,
) -> Markup {
    let Filled { values, error } = filled;
    let (kind, autocomplete) = kind;
    let bad = has_error(error, id);
    // Passwords are never sent back into a page.
    let value = if kind == "password" {
        String::new()
    } else {
        values.map(|f| f.get(id).to_owned()).unwrap_or_default()
    };
    html! {
        label for=(id) { (label) @if !required { span.hint { (ctx.t("（可选）", "(optional)")) } } }
        (field_error(ctx, error, id, id))
        input id=(id) name=(id) type=(kind) value=(value) autocomplete=(autocomplete)
            maxlength="200" required[required]
            aria-invalid=[bad.then_some("true")]
            aria-describedby=[bad.then(|| format!("err-{id}"))];
    }
}

fn login_form(
    ctx: &Ctx,
    next: &str,
    values: Option<&Form>,
    error: Option<&Problem>,
    expired: bool,
) -> Markup {
    let filled = Filled { values, error };
    html! {
        h1 { (ctx.t("申请人登录", "Applicant sign-in")) }
        @if expired || ctx.session_lost {
            div.notice role="status" { p { (ctx.t("登录已过期，请重新登录。", "Your session has expired; please sign in again.")) } }
        }
        (error_summary(ctx, error))
        form method="post" action="/account/login" {
            (ctx.csrf_field())
            input type="hidden" name="next" value=(next);
            (input(ctx, "username", ctx.t("用户名", "Username"), ("text", "username"), filled, true))
            (input(ctx, "password", ctx.t("密码", "Password"), ("password", "current-password"), filled, true))
            div.actions-row { button type="submit" { (ctx.t("登录", "Sign in")) } }
        }
        p {
            (ctx.t("还没有账号？", "No account yet? "))
            a href={ "/account/register?next=" (lang::encode(next)) } { (ctx.t("注册申请人账号", "Register as an applicant")) }
        }
    }
}

fn register_form(ctx: &Ctx, next: &str, values: Option<&Form>, error: Option<&Problem>) -> Markup {
    let filled = Filled { values, error };
    html! {
        h1 { (ctx.t("注册申请人账号", "Register as an applicant")) }
        p.lead { (ctx.t("注册后可在线申请、查看我的办件、补正材料和评价服务。", "With an account you apply online, follow your cases, hand in missing materials and rate the service.")) }
        (error_summary(ctx, error))
        form method="post" action="/account/register" {
            (ctx.csrf_field())
            input type="hidden" name="next" value=(next);
            (input(ctx, "username", ctx.t("用户名（3–64 个字母、数字或 _ - . @）", "Username (3–64 letters, digits or _ - . @)"), ("text", "username"), filled, true))
            (input(ctx, "password", ctx.t("密码（至少 10 位，不能是常见密码或用户名）", "Password (at least 10 characters, not a common one, not the username)"), ("password", "new-password"), filled, true))
            (input(ctx, "name", ctx.t("真实姓名", "Full name"), ("text", "name"), filled, true))
            (input(ctx, "phone", ctx.t("手机号码", "Mobile phone"), ("tel", "tel"), filled, false))
            (input(ctx, "email", ctx.t("电子邮箱", "E-mail"), ("email", "email"), filled, false))
            div.actions-row { button type="submit" { (ctx.t("注册并登录", "Register and sign in")) } }
        }
        p {
            (ctx.t("已有账号？", "Have an account? "))
            a href={ "/account/login?next=" (lang::encode(next)) } { (ctx.t("登录", "Sign in")) }
        }
    }
}

fn next_of(q: Result<web::Query<Next>, actix_web::Error>) -> (String, bool) {
    let q = q.ok().map(|q| q.into_inner());
    let expired = q.as_ref().is_some_and(|q| q.expired.is_some());
    let next = after_sign_in(q.and_then(|q| q.next).as_deref().unwrap_or("/"));
    (next, expired)
}

/// `GET /account/login`.
#[get("/account/login")]
pub async fn show_login(ctx: Ctx, q: Result<web::Query<Next>, actix_web::Error>) -> HttpResponse {
    let (next, expired) = next_of(q);
    let body = login_form(&ctx, &next, None, None, expired);
    ctx.respond(Ok(Out::ok(ctx.t("申请人登录", "Applicant sign-in"), body)))
}

/// `GET /account/register`.
#[get("/account/register")]
pub async fn show_register(
    ctx: Ctx,
    q: Result<web::Query<Next>, actix_web::Error>,
) -> HttpResponse {
    let (next, _) = next_of(q);
    let body = register_form(&ctx, &next, None, None);
    ctx.respond(Ok(Out::ok(ctx.t("注册", "Register"), body)))
}

/// Signs in as an applicant and answers with the session cookie and the redirect.
async fn open_session(
    ctx: &Ctx,
    state: &AppState,
    auth: &Authenticator,
    username: &str,
    password: &str,
    next: &str,
) -> Result<HttpResponse, Problem> {
    let request = SignIn {
        username: username.to_owned(),
        password: password.to_owned(),
        window: None,
        from: ctx.peer,
    };
    let signed = check_sign_in(auth, &request).await?;
    let (claims, token) = (signed.claims, signed.token);
    if !claims.roles.contains(&Role::Applicant) {
        return Err(Error::new(
            Code::NotAnApplicant,
            Text::new("无法登录", "Cannot sign in here"),
            Text::new(
                "此处仅供申请人登录；工作人员请从“工作人员登录”进入。",
                "Only applicants sign in here; staff use the staff sign-in.",
            ),
        )
        .into());
    }
    let lifetime = claims.exp - state.clock.now().timestamp();
    Ok(ctx
        .builder(StatusCode::SEE_OTHER)
        .cookie(ctx.session_cookie(token, lifetime))
        .insert_header((header::LOCATION, after_sign_in(next)))
        .finish())
}

async fn login_page(
    ctx: &Ctx,
    state: &AppState,
    auth: &Authenticator,
    posted: Posted,
) -> Result<HttpResponse, PageErr> {
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let next = after_sign_in(form.get("next"));
    let result = if form.get("username").is_empty() || form.get("password").is_empty() {
        Err(Error::new(
            Code::ValidationFailed,
            Text::new("请填写完整", "Incomplete"),
            Text::new("请填写用户名和密码。", "Enter your username and password."),
        )
        .into())
    } else {
        open_session(
            ctx,
            state,
            auth,
            form.get("username"),
            form.get("password"),
            &next,
        )
        .await
    };
    result.or_else(|p| {
        let body = login_form(ctx, &next, Some(&form), Some(&p), false);
        Ok(ctx.html(p.status, ctx.t("申请人登录", "Applicant sign-in"), body))
    })
}

/// `POST /account/login`.
#[post("/account/login")]
pub async fn login(
    ctx: Ctx,
    state: web::Data<AppState>,
    auth: web::Data<Authenticator>,
    posted: Posted,
) -> HttpResponse {
    ctx.answer(login_page(&ctx, &state, &auth, posted).await)
}

async fn register_page(
    ctx: &Ctx,
    state: &AppState,
    auth: &Authenticator,
    posted: Posted,
) -> Result<HttpResponse, PageErr> {
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let next = after_sign_in(form.get("next"));
    let optional = |name: &str| Some(form.get(name).to_owned()).filter(|v| !v.is_empty());
    let request = Register {
        username: form.get("username").to_owned(),
        password: form.get("password").to_owned(),
        name: form.get("name").to_owned(),
        email: optional("email"),
        phone: optional("phone"),
    };
    let result = match register_applicant(state, request).await {
        Ok(r) => open_session(ctx, state, auth, &r.username, form.get("password"), &next).await,
        Err(e) => Err(e.into()),
    };
    result.or_else(|p| {
        let body = register_form(ctx, &next, Some(&form), Some(&p));
        Ok(ctx.html(p.status, ctx.t("注册", "Register"), body))
    })
}

/// `POST /account/register`: creates the account and signs in.
#[post("/account/register")]
pub async fn register(
    ctx: Ctx,
    state: web::Data<AppState>,
    auth: web::Data<Authenticator>,
    posted: Posted,
) -> HttpResponse {
    ctx.answer(register_page(&ctx, &state, &auth, posted).await)
}

/// `POST /account/logout`: forgets the session cookie.
#[post("/account/logout")]
pub async fn logout(ctx: Ctx, state: web::Data<AppState>, posted: Posted) -> HttpResponse {
    let result = sign_out_page(&ctx, &state, posted, "/").await;
    ctx.answer(result)
}

fn password_form(ctx: &Ctx, error: Option<&Problem>) -> Markup {
    let filled = Filled {
        values: None,
        error,
    };
    html! {
        h1 { (ctx.t("修改密码", "Change your password")) }
        @if ctx.staff.as_ref().is_some_and(|s| s.caller.0.must_change_password) {
            div.notice role="status" #password-required {
                p { (ctx.t("管理员已重置您的密码。请先设置一个只有您自己知道的新密码，然后才能继续办理。", "An administrator reset your password. Set a new one only you know before you go on.")) }
            }
        }
        p.lead { (ctx.t("修改后，您在其他设备上的登录将全部结束。", "Once changed, your sign-ins on other devices end.")) }
        (error_summary(ctx, error))
        form method="post" action="/account/password" {
            (ctx.csrf_field())
            (input(ctx, "current_password", ctx.t("当前密码", "Current password"), ("password", "current-password"), filled, true))
            (input(ctx, "new_password", ctx.t("新密码（至少 10 位，不能是常见密码或用户名）", "New password (at least 10 characters, not a common one, not the username)"), ("password", "new-password"), filled, true))
            (input(ctx, "repeat_password", ctx.t("再次输入新密码", "New password again"), ("password", "new-password"), filled, true))
            div.actions-row { button type="submit" { (ctx.t("修改密码", "Change password")) } }
        }
    }
}

/// `GET /account/password`: the form, for anyone signed in (staff and applicants).
#[get("/account/password")]
pub async fn show_password(ctx: Ctx) -> HttpResponse {
    if ctx.staff.is_none() {
        return ctx.answer(Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/account/login?next=/account/password"))
            .finish()));
    }
    let body = password_form(&ctx, None);
    ctx.respond(Ok(Out::ok(ctx.t("修改密码", "Change your password"), body)))
}

async fn password_page(
    ctx: &Ctx,
    state: &AppState,
    posted: Posted,
) -> Result<HttpResponse, PageErr> {
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let Some(staff) = &ctx.staff else {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/account/login?next=/account/password"))
            .finish());
    };
    let (new, repeat) = (form.get("new_password"), form.get("repeat_password"));
    let result = if new == repeat {
        tongban_app::users::manage::change_own_password(
            state,
            &staff.caller.0,
            form.get("current_password"),
            new,
        )
        .await
        .map_err(Problem::from)
    } else {
        Err(Problem::from(Error::new(
            Code::ValidationFailed,
            Text::new("请求内容有误", "Invalid request"),
            Text::new("两次输入的新密码不一致。", "The two new passwords differ."),
        ))
        .with_field(
            "repeat_password",
            Text::new("与新密码不一致", "differs from the new password"),
        ))
    };
    match result {
        Ok(()) => {
            let body = html! {
                h1 { (ctx.t("密码已修改", "Password changed")) }
                p { (ctx.t("您在其他设备上的登录已结束。", "Your sign-ins on other devices have ended.")) }
                p { a href="/" { (ctx.t("继续", "Go on")) } }
            };
            Ok(ctx.html(
                StatusCode::OK,
                ctx.t("密码已修改", "Password changed"),
                body,
            ))
        }
        Err(p) => {
            let body = password_form(ctx, Some(&p));
            Ok(ctx.html(p.status, ctx.t("修改密码", "Change your password"), body))
        }
    }
}

/// `POST /account/password`: changes the signed-in user's password.
#[post("/account/password")]
pub async fn change_password(ctx: Ctx, state: web::Data<AppState>, posted: Posted) -> HttpResponse {
    let result = password_page(&ctx, &state, posted).await;
    ctx.answer(result)
}
