//! Staff sign-in (a clerk at a window, the back office and the supervision office without
//! one) and sign-out. The session is the signed access token of the API in
//! an HttpOnly, SameSite=Strict cookie that expires with the token.

use actix_web::{get, http::header, http::StatusCode, post, web, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;
use tongban_core::role::Role;

use crate::auth::caller::{Authenticator, Caller};
use crate::pages::ctx::{Ctx, Out, PageErr, OVERSEERS, STAFF};
use crate::pages::form::{Form, Posted};
use crate::pages::lang;
use crate::problem::Problem;
use crate::state::AppState;
use tongban_app::catalogue::guide;
use tongban_app::catalogue_view::CatalogueView;
use tongban_app::users::sign_in::{sign_in as check_sign_in, SignIn};

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
    /// Set by the redirect of a page whose session had expired.
    expired: Option<String>,
}

/// A page of the staff console (or the administrator's) to go to after signing in; empty:
/// the signed-in role's home.
fn staff_path(next: &str) -> String {
    Some(lang::local_path(next))
        .filter(|n| n.starts_with("/staff/") || n.starts_with("/admin/"))
        .unwrap_or("")
        .to_owned()
}

/// Where a staff member starts: a clerk at a window and the back office at their work
/// queue, the supervision office at its alerts.
pub fn home(caller: &Caller) -> &'static str {
    let window_clerk = caller.has(Role::Clerk) && caller.window().is_some();
    if window_clerk || caller.has(Role::Approver) || caller.has(Role::Head) {
        "/staff/queue"
    } else if OVERSEERS.iter().any(|r| caller.has(*r)) {
        "/staff/supervision/alerts"
    } else {
        "/"
    }
}

/// Shown on the sign-in page while no active administrator exists (a plain `serve` has no
/// accounts): the first one is made on the server, where only the operator can.
fn first_run_notice(ctx: &Ctx) -> Markup {
    html! {
        section.notice #first-run role="status" {
            h2 { (ctx.t("尚无管理员账号", "No administrator yet")) }
            p { (ctx.t(
                "这是新安装的系统。请在服务器上，用与 tongban serve 相同的 --data-dir 或 --database-url，运行以下命令创建第一个管理员，然后用它登录并在“用户管理”中添加其他工作人员：",
                "This is a new installation. On the server, with the same --data-dir or --database-url as tongban serve, run this to create the first administrator, then sign in with it and add the other staff under Users:"
            )) }
            pre { code { "tongban user add admin --role admin --name " (ctx.t("系统管理员", "Administrator")) " --password '" (ctx.t("至少10位的密码", "a password of 10 or more characters")) "'" } }
            p.hint { (ctx.t(
                "只想试用？tongban serve --demo 会创建每个角色的演示账号。",
                "Just trying it out? tongban serve --demo creates demo accounts for every role."
            )) }
        }
    }
}

fn login_form(
    ctx: &Ctx,
    catalogue: &CatalogueView,
    username: &str,
    window: &str,
    next: &str,
    error: Option<&str>,
    expired: bool,
) -> Markup {
    html! {
        h1 { (ctx.t("工作人员登录", "Staff sign-in")) }
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
            label for="window" {
                (ctx.t("所在窗口", "Your window"))
                span.hint #window-hint {
                    (ctx.t("窗口工作人员必选；审批、负责人、电子监察人员无须选择。",
                        "Window staff choose their window; approvers, heads and supervision officers leave it empty."))
                }
            }
            select #window name="window" aria-describedby="window-hint" {
                option value="" { (ctx.t("不在窗口（后台、监察）", "No window (back office, supervision)")) }
                @for w in &catalogue.windows {
                    option value=(w.code) selected[w.code == window] { (w.code) " · " (w.name) }
                }
            }
            div.actions-row { button #sign-in type="submit" { (ctx.t("登录", "Sign in")) } }
        }
    }
}

/// `GET /staff`: the signed-in role's home, or the sign-in page.
#[get("/staff")]
pub async fn start(ctx: Ctx) -> HttpResponse {
    match &ctx.staff {
        Some(s) if ctx.signed_in_as(STAFF) => ctx.redirect(home(&s.caller)),
        _ => ctx.redirect("/staff/login"),
    }
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
    let next = staff_path(q.as_ref().and_then(|q| q.next.as_deref()).unwrap_or(""));
    let config = match guide::snapshot(&state).await {
        Ok(config) => config,
        Err(e) => return ctx.respond(Err(Problem::from(e).into())),
    };
    let first_run = match tongban_app::users::manage::first_run(&state.app).await {
        Ok(first) => first,
        Err(e) => return ctx.respond(Err(Problem::from(e).into())),
    };
    let form = login_form(&ctx, &config.catalogue, "", "", &next, None, expired);
    let body = html! {
        @if first_run { (first_run_notice(&ctx)) }
        (form)
    };
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
    let next = staff_path(form.get("next"));
    let title = ctx.t("工作人员登录", "Staff sign-in");
    // The windows as the database holds them now (one made at another process is listed).
    let config = guide::snapshot(state).await.map_err(Problem::from)?;
    let fail = |status: StatusCode, message: &str| -> Result<HttpResponse, PageErr> {
        let body = login_form(
            ctx,
            &config.catalogue,
            username,
            window,
            &next,
            Some(message),
            false,
        );
        Ok(ctx.html(status, title, body))
    };
    if username.is_empty() || form.get("password").is_empty() {
        return fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t("请填写用户名和密码。", "Enter your username and password."),
        );
    }
    let request = SignIn {
        username: username.to_owned(),
        password: form.get("password").to_owned(),
        window: (!window.is_empty()).then(|| window.to_owned()),
        from: ctx.peer,
    };
    let (claims, token) = match check_sign_in(auth, &request).await {
        Ok(signed) => (signed.claims, signed.token),
        Err(e) => {
            let p = Problem::from(e);
            return fail(p.status, ctx.text(&p.detail));
        }
    };
    let caller = Caller(claims);
    if !STAFF.iter().any(|r| caller.has(*r)) {
        return fail(
            StatusCode::FORBIDDEN,
            ctx.t("此处仅供工作人员登录。", "Only staff sign in here."),
        );
    }
    // A clerk works at a window; one who holds no other staff role must name it.
    let window_only = caller.has(Role::Clerk)
        && ![Role::Approver, Role::Head, Role::Supervisor, Role::Admin]
            .iter()
            .any(|r| caller.has(*r));
    if window_only && window.is_empty() {
        return fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t(
                "窗口工作人员请选择所在窗口。",
                "Window staff choose the window they sit at.",
            ),
        );
    }
    let next = if next.is_empty() {
        home(&caller).to_owned()
    } else {
        next
    };
    let claims = caller.0;
    let lifetime = claims.exp - state.clock.now().timestamp();
    Ok(ctx
        .builder(StatusCode::SEE_OTHER)
        .cookie(ctx.session_cookie(token, lifetime))
        .insert_header((header::LOCATION, next))
        .finish())
}

/// `POST /staff/login`: checks the credentials and the window like `POST /api/v1/auth/token`;
/// a clerk names their window, the back office and the supervision office sign in without
/// one.
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
pub(crate) async fn sign_out_page(
    ctx: &Ctx,
    state: &AppState,
    posted: Posted,
    to: &str,
) -> Result<HttpResponse, PageErr> {
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    // The session ends on the server too: the cookie's token is refused from now on.
    if let Some(staff) = &ctx.staff {
        tongban_app::users::manage::sign_out(state, &staff.caller.0)
            .await
            .map_err(crate::problem::Problem::from)?;
    }
    Ok(ctx
        .builder(StatusCode::SEE_OTHER)
        .cookie(ctx.cleared_session_cookie())
        .insert_header((header::LOCATION, to.to_owned()))
        .finish())
}

/// `POST /staff/logout`: forgets the session cookie.
#[post("/staff/logout")]
pub async fn sign_out(ctx: Ctx, state: web::Data<AppState>, posted: Posted) -> HttpResponse {
    let result = sign_out_page(&ctx, &state, posted, "/staff/login").await;
    ctx.answer(result)
}
