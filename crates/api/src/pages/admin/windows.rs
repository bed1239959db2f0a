//! `/admin/windows` (administrator): every window with its grants (授权) in force and its
//! clerks; and per window the page to grant items or a department's items, to revoke a grant
//! under its own document number (文号) and reason, and to seat or remove a clerk (the code of
//! `/api/v1/windows/{code}/grants…` and `/staff`).

use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use maud::html;
use tongban_app::hall::grants::{self, CreateGrant, ListedGrant, Revoke, Standing};
use tongban_app::hall::staff;
use tongban_app::hall::window_list::{self, WindowEntry};
use tongban_core::grant::{GrantScope, WindowAction};
use tongban_core::role::Role;

use super::grant_form;
use crate::lang::Lang;
use crate::pages::application::error_summary_linked;
use crate::pages::ctx::{Ctx, Out, PageResult};
use crate::pages::form::{Done, Form, Posted};
use crate::pages::{lang, names};
use crate::problem::Problem;
use crate::state::AppState;

pub const ACTIONS: [WindowAction; 4] = [
    WindowAction::Consult,
    WindowAction::Accept,
    WindowAction::DecideOnSpot,
    WindowAction::Deliver,
];

/// The actions of a grant as names.
pub fn action_names(actions: &[WindowAction], l: Lang) -> String {
    actions
        .iter()
        .map(|a| names::window_action(*a, l))
        .collect::<Vec<_>>()
        .join(l.pick("、", ", "))
}

fn standing_name(s: Standing, l: Lang) -> &'static str {
    match s {
        Standing::InForce => l.pick("有效", "in force"),
        Standing::NotYetValid => l.pick("尚未生效", "not yet valid"),
        Standing::Expired => l.pick("已过期", "expired"),
        Standing::Revoked => l.pick("已撤销", "revoked"),
    }
}

/// What a grant covers, in words.
fn scope_text(ctx: &Ctx, state: &AppState, g: &ListedGrant) -> String {
    let catalogue = state.catalogue();
    match &g.grant.scope {
        GrantScope::Department(d) => format!(
            "{}{}",
            ctx.t("部门全部事项：", "Every item of "),
            catalogue
                .department(d)
                .map_or(d.clone(), |x| x.name.clone())
        ),
        GrantScope::Items(codes) => codes
            .iter()
            .map(|c| match catalogue.item(c) {
                Some(i) => format!("{c} {}", i.name),
                None => c.clone(),
            })
            .collect::<Vec<_>>()
            .join(ctx.t("；", "; ")),
    }
}

fn valid_text(ctx: &Ctx, g: &ListedGrant) -> String {
    let l = ctx.lang;
    let to = g
        .grant
        .valid_to
        .map_or(ctx.t("长期", "open-ended").to_owned(), |d| {
            names::date(d, l)
        });
    format!("{} – {}", names::date(g.grant.valid_from, l), to)
}

/// `/admin/windows`: every window, its grants in force and its clerks.
#[get("/admin/windows")]
pub async fn show(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        ctx.staff_in(&[Role::Admin])?;
        let entries = window_list::list_windows(&state).await?;
        let title = ctx.t("窗口与授权", "Windows and grants");
        let l = ctx.lang;
        let body = html! {
            h1 { (title) }
            p.hint { (ctx.t("每个窗口在授权书范围内办理事项；撤销授权即时生效。", "Each window acts within its grants; a revocation takes effect at once.")) }
            table.stack #windows {
                thead { tr {
                    th scope="col" { (ctx.t("窗口", "Window")) }
                    th scope="col" { (ctx.t("有效授权", "Grants in force")) }
                    th scope="col" { (ctx.t("窗口人员", "Clerks")) }
                } }
                tbody {
                    @for e in &entries {
                        tr data-window=(e.window.code) {
                            td data-label=(ctx.t("窗口", "Window")) {
                                a href={ "/admin/windows/" (lang::encode(&e.window.code)) } { (e.window.code) " " (e.window.name) }
                                br;
                                span.hint { (kind_name(e, l)) }
                            }
                            td data-label=(ctx.t("有效授权", "Grants in force")) {
                                ul.plain {
                                    @for g in e.grants.iter().filter(|g| g.standing == Standing::InForce) {
                                        li data-grant=(g.grant.id) {
                                            (scope_text(&ctx, &state, g)) " · " (action_names(&g.grant.actions, l))
                                            br;
                                            span.hint {
                                                (valid_text(&ctx, g)) " · " (g.grant.granted_by) " · "
                                                (ctx.t("授权书文号 ", "document ")) (g.grant.document_no)
                                            }
                                        }
                                    }
                                }
                            }
                            td data-label=(ctx.t("窗口人员", "Clerks")) { (e.staff.join(", ")) }
                        }
                    }
                }
            }
        };
        Ok(Out::ok(title, body))
    }
    .await;
    ctx.respond(result)
}

fn kind_name(e: &WindowEntry, l: Lang) -> &'static str {
    use tongban_core::grant::WindowKind::*;
    let k = e.window.kind;
    l.pick(
        k.name_zh(),
        match k {
            Department => "Department window",
            General => "General window",
            Floating => "Floating window",
            Consultation => "Consultation window",
            Complaint => "Complaint window",
        },
    )
}

/// What was refused on the window page: the grant form, one revocation, or the clerk form.
enum Refused<'a> {
    None,
    Grant(&'a Problem, &'a Form),
    Revoke(i64, &'a Problem, &'a Form),
    Staff(&'a Problem, &'a Form),
}

impl Refused<'_> {
    fn problem(&self) -> Option<&Problem> {
        match self {
            Refused::None => None,
            Refused::Grant(p, _) | Refused::Revoke(_, p, _) | Refused::Staff(p, _) => Some(p),
        }
    }
}

fn field_of(ctx: &Ctx, refused: &Refused<'_>, field: &str) -> Option<(String, String)> {
    let (id, zh, en) = match (refused, field) {
        (Refused::Revoke(id, ..), "document_no") => (
            format!("revoke-{id}-document_no"),
            "撤销文号",
            "Revocation document number",
        ),
        (Refused::Revoke(id, ..), "reason") => {
            (format!("revoke-{id}-reason"), "撤销原因", "Reason")
        }
        (Refused::Staff(..), "username") => ("staff-username".into(), "用户名", "Username"),
        (Refused::Grant(..), f) => return grant_form::field(ctx, f),
        _ => return None,
    };
    Some((id, ctx.t(zh, en).to_owned()))
}

async fn window_page(
    ctx: &Ctx,
    state: &AppState,
    code: &str,
    done: Option<&str>,
    refused: Refused<'_>,
) -> PageResult {
    ctx.staff_in(&[Role::Admin])?;
    let entry = window_list::window_entry(state, code).await?;
    let l = ctx.lang;
    let action = format!("/admin/windows/{}", lang::encode(code));
    let title = format!(
        "{} {} {}",
        ctx.t("窗口", "Window"),
        entry.window.code,
        entry.window.name
    );
    let revoke_value = |id: i64, name: &str| match &refused {
        Refused::Revoke(rid, _, f) if *rid == id => f.get(name).to_owned(),
        _ => String::new(),
    };
    let grant_posted = match &refused {
        Refused::Grant(_, f) => Some(*f),
        _ => None,
    };
    let staff_posted = match &refused {
        Refused::Staff(_, f) => f.get("username").to_owned(),
        _ => String::new(),
    };
    let body = html! {
        p { a href="/admin/windows" { (ctx.t("← 全部窗口", "← All windows")) } }
        h1 { (title) }
        @if let Some(done) = done {
            div.notice role="status" #done { p { (ctx.t("已保存：", "Saved: ")) (done_text(ctx, done)) } }
        }
        (error_summary_linked(ctx, refused.problem(), |f| field_of(ctx, &refused, f)))
        h2 { (ctx.t("授权", "Grants")) }
        table.stack #grants {
            thead { tr {
                th scope="col" { (ctx.t("编号", "No.")) }
                th scope="col" { (ctx.t("授权范围", "Scope")) }
                th scope="col" { (ctx.t("授权事项", "Actions")) }
                th scope="col" { (ctx.t("有效期", "Valid")) }
                th scope="col" { (ctx.t("授权单位", "Granted by")) }
                th scope="col" { (ctx.t("授权书文号", "Document no.")) }
                th scope="col" { (ctx.t("状态", "State")) }
            } }
            tbody {
                @for g in &entry.grants {
                    @let id = g.grant.id;
                    tr data-grant=(id) data-state=(standing_name(g.standing, Lang::En)) {
                        td data-label=(ctx.t("编号", "No.")) { (id) }
                        td data-label=(ctx.t("授权范围", "Scope")) { (scope_text(ctx, state, g)) }
                        td data-label=(ctx.t("授权事项", "Actions")) { (action_names(&g.grant.actions, l)) }
                        td data-label=(ctx.t("有效期", "Valid")) { (valid_text(ctx, g)) }
                        td data-label=(ctx.t("授权单位", "Granted by")) { (g.grant.granted_by) }
                        td data-label=(ctx.t("授权书文号", "Document no.")) { (g.grant.document_no) }
                        td data-label=(ctx.t("状态", "State")) {
                            (standing_name(g.standing, l))
                            @if let Some(at) = g.grant.revoked_at {
                                p.revocation {
                                    (names::time(at, state.hall, l)) " · " (g.revoked_by.as_deref().unwrap_or(""))
                                    @if let Some(no) = &g.revoke_document_no { br; (ctx.t("撤销文号：", "Revoked under: ")) (no) }
                                    @if let Some(why) = &g.revoke_reason { br; (ctx.t("原因：", "Reason: ")) (why) }
                                }
                            } @else {
                                details.revoke open[matches!(&refused, Refused::Revoke(rid, ..) if *rid == id)] {
                                    summary { (ctx.t("撤销授权", "Revoke")) }
                                    form method="post" action=(action) id={ "revoke-" (id) } {
                                        (ctx.csrf_field())
                                        input type="hidden" name="grant" value=(id);
                                        label for={ "revoke-" (id) "-document_no" } { (ctx.t("撤销文号", "Revocation document number")) }
                                        input id={ "revoke-" (id) "-document_no" } name="document_no" maxlength="200" required value=(revoke_value(id, "document_no"));
                                        label for={ "revoke-" (id) "-reason" } { (ctx.t("撤销原因", "Reason")) }
                                        textarea id={ "revoke-" (id) "-reason" } name="reason" rows="2" maxlength="500" required { (revoke_value(id, "reason")) }
                                        button.danger type="submit" name="do" value="revoke" { (ctx.t("撤销", "Revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 #grant-h { (ctx.t("新增授权", "New grant")) }
        (grant_form::form(ctx, &state.catalogue(), &action, grant_posted))
        h2 { (ctx.t("窗口人员", "Clerks")) }
        ul #staff {
            @for u in &entry.staff {
                li data-user=(u) {
                    (u) " "
                    form.inline method="post" action=(action) {
                        (ctx.csrf_field())
                        input type="hidden" name="username" value=(u);
                        button.link type="submit" name="do" value="remove_staff" { (ctx.t("移出本窗口", "Remove from this window")) }
                    }
                }
            }
        }
        form method="post" action=(action) #add-staff {
            (ctx.csrf_field())
            label for="staff-username" { (ctx.t("添加窗口人员（须有窗口人员角色）", "Add a clerk (must hold the clerk role)")) }
            input #staff-username name="username" maxlength="64" required value=(staff_posted);
            button type="submit" name="do" value="add_staff" { (ctx.t("添加", "Add")) }
        }
    };
    Ok(Out::Page {
        status: refused.problem().map_or(StatusCode::OK, |p| p.status),
        title,
        body,
    })
}

fn done_text<'a>(ctx: &'a Ctx, done: &'a str) -> &'a str {
    match done {
        "grant" => ctx.t("授权已生效", "the grant is made"),
        "revoke" => ctx.t("授权已撤销", "the grant is revoked"),
        "add_staff" => ctx.t("已添加窗口人员", "the clerk is added"),
        "remove_staff" => ctx.t("已移出窗口人员", "the clerk is removed"),
        other => other,
    }
}

/// `GET /admin/windows/{code}`.
#[get("/admin/windows/{code}")]
pub async fn show_window(
    ctx: Ctx,
    state: web::Data<AppState>,
    code: web::Path<String>,
    q: Result<web::Query<Done>, actix_web::Error>,
) -> HttpResponse {
    let done = q.ok().and_then(|q| q.into_inner().done);
    let result = window_page(&ctx, &state, &code, done.as_deref(), Refused::None).await;
    ctx.respond(result)
}

async fn submit_page(ctx: &Ctx, state: &AppState, code: &str, posted: Posted) -> PageResult {
    let caller = ctx.staff_in(&[Role::Admin])?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let actor = caller.username();
    let what = form.get("do").to_owned();
    let done = match what.as_str() {
        "revoke" => {
            let id = form.get("grant").parse::<i64>().unwrap_or(0);
            let revoke = Revoke {
                document_no: form.get("document_no").to_owned(),
                reason: form.get("reason").to_owned(),
            };
            match grants::revoke_grant(state, actor, code, id, revoke).await {
                Err(e) if !e.errors.is_empty() => {
                    let p = Problem::from(e);
                    return window_page(ctx, state, code, None, Refused::Revoke(id, &p, &form))
                        .await;
                }
                other => other,
            }
        }
        "add_staff" | "remove_staff" => {
            let username = form.get("username");
            let done = if what == "add_staff" {
                staff::assign_staff(state, actor, code, username)
                    .await
                    .map(|_| ())
            } else {
                staff::remove_staff(state, actor, code, username).await
            };
            match done {
                Err(e) if !e.errors.is_empty() || e.code == tongban_app::Code::AlreadyAssigned => {
                    let p = Problem::from(e);
                    return window_page(ctx, state, code, None, Refused::Staff(&p, &form)).await;
                }
                other => other,
            }
        }
        _ => {
            let cmd: CreateGrant = grant_form::command(&form);
            match grants::create_grant(state, actor, code, cmd).await {
                Err(e) if !e.errors.is_empty() => {
                    let p = Problem::from(e);
                    return window_page(ctx, state, code, None, Refused::Grant(&p, &form)).await;
                }
                other => other.map(|_| ()),
            }
        }
    };
    done?;
    let what = match what.as_str() {
        known @ ("revoke" | "add_staff" | "remove_staff") => known,
        _ => "grant",
    };
    Ok(Out::Redirect(format!(
        "/admin/windows/{}?done={what}#done",
        lang::encode(code)
    )))
}

/// `POST /admin/windows/{code}`: `do=grant` (the grant form), `do=revoke` (`grant`,
/// `document_no`, `reason`), `do=add_staff|remove_staff` (`username`).
#[post("/admin/windows/{code}")]
pub async fn submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    code: web::Path<String>,
    posted: Posted,
) -> HttpResponse {
    let result = submit_page(&ctx, &state, &code, posted).await;
    ctx.respond(result)
}
