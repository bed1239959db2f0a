//! What every page handler knows about its request: the language, the clerk signed in by the
//! session cookie, the CSRF token of its forms, and how a page, a redirect or a problem
//! becomes the HTTP answer.

use tongban_app::Code;

use actix_web::{
    cookie::{time::Duration, Cookie, SameSite},
    dev::Payload,
    http::{header, StatusCode},
    web, FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder,
};
use maud::{html, Markup};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::form::Form;
use super::{lang, layout};
use crate::auth::caller::{forbidden_role, Authenticator, Caller};
use crate::lang::Lang;
use crate::problem::{Problem, Text};
use tongban_core::role::Role;

/// The staff session cookie: the signed access token itself (HttpOnly, SameSite=Strict).
pub const SESSION_COOKIE: &str = "tb_session";
/// A random value that anchors the CSRF token of forms shown to someone not signed in.
pub const CSRF_COOKIE: &str = "tb_csrf";
/// The name of the hidden CSRF field of every form.
pub const CSRF_FIELD: &str = "csrf";

/// The roles that sign in at `/staff/login`.
pub const STAFF: &[Role] = &[
    Role::Clerk,
    Role::Approver,
    Role::Head,
    Role::Supervisor,
    Role::Admin,
];
/// The roles that act on cases in the back office and at windows.
pub const CASE_WORKERS: &[Role] = &[Role::Clerk, Role::Approver, Role::Head];
/// The roles of the supervision pages (the same as the supervision routes).
pub const OVERSEERS: &[Role] = &[Role::Supervisor, Role::Admin];

/// Whether `caller` acts in `role` on the pages: a clerk only at a window.
fn holds(caller: &Caller, role: Role) -> bool {
    caller.has(role) && (role != Role::Clerk || caller.window().is_some())
}

/// Someone signed in by the session cookie: staff (a clerk at a window, back office,
/// supervision) or an applicant.
pub struct Staff {
    pub caller: Caller,
}

/// What the CSRF token of this request is derived from: the session token when signed in,
/// else the anonymous cookie (sent, or new with this answer).
enum CsrfBase {
    Session(String),
    Anonymous(String),
    NewAnonymous(String),
}

pub struct Ctx {
    pub lang: Lang,
    /// Path and query of the request, for the language switch and the sign-in to come back to.
    pub here: String,
    pub staff: Option<Staff>,
    /// A session cookie came with the request but is expired or invalid.
    pub session_lost: bool,
    csrf: CsrfBase,
    /// Cookies are marked `Secure` when the page was requested over HTTPS.
    pub secure: bool,
    /// The client's address as the connection shows it (a proxy's header is not trusted).
    pub peer: Option<std::net::IpAddr>,
}

/// A page handler's result.
pub enum Out {
    Page {
        status: StatusCode,
        title: String,
        body: Markup,
    },
    /// 303 See Other: after a successful POST, and for moved pages.
    Redirect(String),
}

impl Out {
    pub fn ok(title: impl Into<String>, body: Markup) -> Out {
        Out::Page {
            status: StatusCode::OK,
            title: title.into(),
            body,
        }
    }
}

/// Why a page could not be shown: a problem (rendered as an error page in the page
/// language), or the clerk must sign in first.
#[derive(Debug)]
pub enum PageErr {
    Problem(Problem),
    SignIn,
    /// An administrator reset the password: nothing but the password page until it changes.
    ChangePassword,
}

impl From<Problem> for PageErr {
    fn from(p: Problem) -> Self {
        PageErr::Problem(p)
    }
}

impl From<tongban_app::Error> for PageErr {
    fn from(e: tongban_app::Error) -> Self {
        PageErr::Problem(e.into())
    }
}

pub type PageResult = Result<Out, PageErr>;

fn digest_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A cookie's name: under TLS with the `__Host-` prefix, which browsers accept only from a
/// secure origin, with `Path=/` and no `Domain`, so that no other host (a sibling
/// subdomain, a plain-HTTP answer) can set or shadow it.
pub fn cookie_name(secure: bool, name: &str) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// Equal in time that does not depend on where the first difference is.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Ctx {
    /// The request's context before its session is checked, and the session token to check.
    fn unchecked(req: &HttpRequest) -> (Ctx, Option<(web::Data<Authenticator>, String)>) {
        let lang = lang::of(req);
        let here = match req.uri().path_and_query() {
            Some(pq) => pq.as_str().to_owned(),
            None => "/".to_owned(),
        };
        let state = req.app_data::<web::Data<crate::state::AppState>>();
        let secure = state.is_some_and(|s| s.is_tls(req));
        let session_cookie = req.cookie(&cookie_name(secure, SESSION_COOKIE));
        let token = session_cookie.as_ref().map(|c| c.value().to_owned());
        let pending = token.and_then(|t| {
            req.app_data::<web::Data<Authenticator>>()
                .cloned()
                .map(|auth| (auth, t))
        });
        let csrf = match req.cookie(&cookie_name(secure, CSRF_COOKIE)) {
            Some(c) if c.value().len() == 64 => CsrfBase::Anonymous(c.value().to_owned()),
            _ => CsrfBase::NewAnonymous(random_hex()),
        };
        let ctx = Ctx {
            lang,
            here,
            staff: None,
            // A cookie that cannot be checked counts as a lost session.
            session_lost: session_cookie.is_some() && pending.is_none(),
            csrf,
            secure,
            peer: state
                .and_then(|s| s.client_ip(req))
                .or_else(|| req.peer_addr().map(|a| a.ip())),
        };
        (ctx, pending)
    }

    /// Checks the session cookie: its token, its session and its account, as the API does.
    async fn checked(mut self, pending: Option<(web::Data<Authenticator>, String)>) -> Ctx {
        if let Some((auth, token)) = pending {
            match auth.authenticate(&token).await {
                Ok(claims) => {
                    self.staff = Some(Staff {
                        caller: Caller(claims),
                    });
                    self.csrf = CsrfBase::Session(token);
                }
                Err(_) => self.session_lost = true,
            }
        }
        self
    }

    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(zh, en)
    }

    pub fn text<'a>(&self, text: &'a Text) -> &'a str {
        self.lang.text(text)
    }

    /// The CSRF token of this request's forms: a hash of the session token (or of the
    /// anonymous cookie), which a page of another site can neither read nor compute.
    pub fn csrf_token(&self) -> String {
        match &self.csrf {
            CsrfBase::Session(t) => digest_hex(&["tongban-csrf-session", t]),
            CsrfBase::Anonymous(v) | CsrfBase::NewAnonymous(v) => {
                digest_hex(&["tongban-csrf-anonymous", v])
            }
        }
    }

    /// The hidden field every POST form carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name=(CSRF_FIELD) value=(self.csrf_token()); }
    }

    /// 403 unless the form carries this request's CSRF token. A token minted with this very
    /// answer cannot have been sent back yet.
    pub fn check_csrf(&self, form: &Form) -> Result<(), PageErr> {
        let sent = form.get(CSRF_FIELD);
        let valid = !matches!(self.csrf, CsrfBase::NewAnonymous(_))
            && !sent.is_empty()
            && same(sent, &self.csrf_token());
        if valid {
            Ok(())
        } else {
            Err(PageErr::Problem(Problem::new(
                Code::CsrfFailed,
                Text::new("表单已失效", "Form expired"),
                Text::new(
                    "表单校验失败（可能已过期或来自其他网站）。请返回上一页，刷新后重新提交。",
                    "The form could not be verified (it may have expired or come from another site). Go back, reload the page and submit again.",
                ),
            )))
        }
    }

    /// The signed-in clerk at a window, or a redirect to the sign-in page.
    pub fn clerk(&self) -> Result<&Caller, PageErr> {
        self.staff_in(&[Role::Clerk])
    }

    /// The signed-in staff member holding one of `roles` (a clerk counts only signed in at
    /// a window). Not signed in: the sign-in page; signed in without such a role: 403.
    pub fn staff_in(&self, roles: &[Role]) -> Result<&Caller, PageErr> {
        let Some(s) = &self.staff else {
            return Err(PageErr::SignIn);
        };
        if s.caller.0.must_change_password {
            return Err(PageErr::ChangePassword);
        }
        if roles.iter().any(|r| holds(&s.caller, *r)) {
            Ok(&s.caller)
        } else {
            Err(PageErr::Problem(forbidden_role(roles)))
        }
    }

    /// Whether the signed-in user holds one of `roles` (as [`Ctx::staff_in`] counts them).
    pub fn signed_in_as(&self, roles: &[Role]) -> bool {
        self.staff
            .as_ref()
            .is_some_and(|s| roles.iter().any(|r| holds(&s.caller, *r)))
    }

    /// Anyone signed in, staff or applicant: what they may read is the case scope's to say.
    pub fn signed_in(&self) -> Result<&Caller, PageErr> {
        match &self.staff {
            None => Err(PageErr::SignIn),
            Some(s) if s.caller.0.must_change_password => Err(PageErr::ChangePassword),
            Some(s) => Ok(&s.caller),
        }
    }

    /// The signed-in applicant, or a redirect to the applicants' sign-in page.
    pub fn applicant(&self) -> Result<&Caller, PageErr> {
        match &self.staff {
            Some(s) if s.caller.0.must_change_password => Err(PageErr::ChangePassword),
            Some(s) if s.caller.has(Role::Applicant) => Ok(&s.caller),
            _ => Err(PageErr::SignIn),
        }
    }

    /// Where a page of this path sends someone who must sign in: applicants' pages to the
    /// applicants' sign-in, everything else to the staff sign-in.
    fn sign_in_path(&self) -> &'static str {
        let applicants = ["/my/", "/my?", "/apply/", "/account/"];
        if self.here == "/my" || applicants.iter().any(|p| self.here.starts_with(p)) {
            "/account/login"
        } else {
            "/staff/login"
        }
    }

    fn cookie(&self, name: &str, value: String) -> Cookie<'static> {
        Cookie::build(cookie_name(self.secure, name), value)
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Strict)
            .finish()
    }

    /// The session cookie carrying `token`, living exactly as long as the token.
    pub fn session_cookie(&self, token: String, lifetime_secs: i64) -> Cookie<'static> {
        let mut c = self.cookie(SESSION_COOKIE, token);
        c.set_max_age(Duration::seconds(lifetime_secs.max(0)));
        c
    }

    pub fn cleared_session_cookie(&self) -> Cookie<'static> {
        let mut c = self.cookie(SESSION_COOKIE, String::new());
        c.make_removal();
        c
    }

    /// Headers every page answer carries; sets the anonymous CSRF cookie when it is new.
    pub fn builder(&self, status: StatusCode) -> HttpResponseBuilder {
        let mut b = HttpResponse::build(status);
        b.insert_header((header::CONTENT_LANGUAGE, lang::tag(self.lang)))
            // Pages show personal data and per-session tokens: never cached.
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::X_FRAME_OPTIONS, "DENY"))
            .insert_header((header::REFERRER_POLICY, "same-origin"))
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; \
                 form-action 'self'; frame-ancestors 'none'",
            ));
        if let CsrfBase::NewAnonymous(v) = &self.csrf {
            b.cookie(self.cookie(CSRF_COOKIE, v.clone()));
        }
        if self.session_lost {
            b.cookie(self.cleared_session_cookie());
        }
        b
    }

    pub fn redirect(&self, to: &str) -> HttpResponse {
        self.builder(StatusCode::SEE_OTHER)
            .insert_header((header::LOCATION, lang::local_path(to).to_owned()))
            .finish()
    }

    pub fn html(&self, status: StatusCode, title: &str, body: Markup) -> HttpResponse {
        self.builder(status)
            .content_type("text/html; charset=utf-8")
            .body(layout::page(self, title, body).into_string())
    }

    /// The answer for a handler's result.
    pub fn respond(&self, result: PageResult) -> HttpResponse {
        match result {
            Ok(Out::Page {
                status,
                title,
                body,
            }) => self.html(status, &title, body),
            Ok(Out::Redirect(to)) => self.redirect(&to),
            Err(PageErr::SignIn) => self.redirect(&format!(
                "{}?next={}{}",
                self.sign_in_path(),
                lang::encode(&self.here),
                if self.session_lost { "&expired=1" } else { "" }
            )),
            Err(PageErr::Problem(p)) => self.problem(&p),
            Err(PageErr::ChangePassword) => self.redirect("/account/password?required=1"),
        }
    }

    /// The answer of a handler that builds its own response (cookies) unless it failed.
    pub fn answer(&self, result: Result<HttpResponse, PageErr>) -> HttpResponse {
        match result {
            Ok(res) => res,
            Err(e) => self.respond(Err(e)),
        }
    }

    /// An error page: what went wrong, in the page language, and a way on.
    pub fn problem(&self, p: &Problem) -> HttpResponse {
        let title = self.text(&p.title).to_owned();
        let body = html! {
            h1 { (title) }
            div.error-summary role="alert" {
                p { (self.text(&p.detail)) }
                @if !p.errors.is_empty() {
                    ul { @for e in &p.errors { li { (e.field) "：" (self.text(&e.message)) } } }
                }
            }
            p { a href="/" { (self.t("返回首页", "Back to the home page")) } }
        };
        self.html(p.status, &title, body)
    }
}

impl FromRequest for Ctx {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let (ctx, pending) = Ctx::unchecked(req);
        Box::pin(async move { Ok(ctx.checked(pending).await) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_differ_by_base_and_compare_exactly() {
        let a = digest_hex(&["tongban-csrf-session", "x"]);
        let b = digest_hex(&["tongban-csrf-anonymous", "x"]);
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
        assert!(!same(&a, &a[1..]));
    }
}
