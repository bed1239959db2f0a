//! `/admin/items` (administrator): the catalogue's items with their versions; per item its
//! current version, the form of a new version, the preview of what it changes (old → new,
//! field by field, checked as publishing checks it, nothing stored) and publishing it
//! (`publish::publish`, the code of `PUT /api/v1/items/{code}`). Cases already taken keep
//! the version they were taken under.

use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;
use tongban_app::catalogue::publish;
use tongban_core::item::Item;
use tongban_core::role::Role;

use super::item_diff;
use super::item_form::{self, Entered};
use crate::pages::application::error_summary_linked;
use crate::pages::ctx::{Ctx, Out, PageErr, PageResult};
use crate::pages::form::{Form, Posted};
use crate::pages::{lang, names};
use crate::problem::Problem;
use crate::state::AppState;

/// `/admin/items`: every item, its current version and how many it has had.
#[get("/admin/items")]
pub async fn show(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        ctx.staff_in(&[Role::Admin])?;
        // The revision checked, so that a version published at another process is listed.
        let config = state.config().await?;
        let catalogue = &config.catalogue;
        let title = ctx.t("事项管理", "Items");
        let l = ctx.lang;
        let body = html! {
            h1 { (title) }
            table.stack #items {
                thead { tr {
                    th scope="col" { (ctx.t("事项编码", "Code")) }
                    th scope="col" { (ctx.t("事项名称", "Name")) }
                    th scope="col" { (ctx.t("实施主体", "Department")) }
                    th scope="col" { (ctx.t("类型", "Kind")) }
                    th scope="col" { (ctx.t("现行版本", "Current version")) }
                    th scope="col" { (ctx.t("历次版本", "Versions")) }
                } }
                tbody {
                    @for item in catalogue.items() {
                        tr data-item=(item.code) {
                            td data-label=(ctx.t("事项编码", "Code")) {
                                a href={ "/admin/items/" (lang::encode(&item.code)) } { (item.code) }
                            }
                            td data-label=(ctx.t("事项名称", "Name")) { (item.name) }
                            td data-label=(ctx.t("实施主体", "Department")) {
                                (catalogue.department(&item.department).map_or(item.department.clone(), |d| d.name.clone()))
                            }
                            td data-label=(ctx.t("类型", "Kind")) { (names::item_kind(item.kind, l)) }
                            td.version data-label=(ctx.t("现行版本", "Current version")) { "v" (item.version) }
                            td data-label=(ctx.t("历次版本", "Versions")) { (catalogue.versions(&item.code).len()) }
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

/// What the item page shows under its form.
enum Outcome {
    Nothing,
    /// The checked new version and what it changes; `stale` when the current version moved
    /// on since the preview that was confirmed.
    Preview {
        changes: Vec<item_diff::Change>,
        stale: bool,
    },
    Invalid(Problem),
}

fn current_part(ctx: &Ctx, item: &Item, versions: &[Item]) -> Markup {
    let l = ctx.lang;
    html! {
        section #current aria-labelledby="current-h" {
            h2 #current-h { (ctx.t("现行版本", "Current version")) " · v" span #current-version { (item.version) } }
            dl.facts {
                dt { (ctx.t("事项名称", "Name")) } dd { (item.name) }
                dt { (ctx.t("法定时限", "Legal limit")) } dd { (names::limit(item.legal_limit, l)) }
                dt { (ctx.t("承诺时限", "Promised limit")) } dd { (names::limit(item.promised_limit, l)) }
                dt { (ctx.t("收费标准", "Fee")) } dd { (item.fee.amount) " " (ctx.t("元", "yuan")) " · " (item.fee.basis) }
                dt { (ctx.t("办事条件", "Conditions")) }
                dd { ul { @for c in &item.conditions { li { (c) } } } }
                dt { (ctx.t("申请材料", "Materials")) }
                dd { ul { @for m in &item.materials { li { (item_form::material_line(m, l)) } } } }
            }
            p #versions {
                (ctx.t("历次版本：", "Versions: "))
                @for (i, v) in versions.iter().enumerate() {
                    @if i > 0 { (ctx.t("、", ", ")) }
                    "v" (v.version) " " (v.name)
                }
            }
        }
    }
}

async fn item_page(
    ctx: &Ctx,
    state: &AppState,
    code: &str,
    entered: Option<Entered>,
    outcome: Outcome,
    published: Option<u32>,
) -> PageResult {
    ctx.staff_in(&[Role::Admin])?;
    let config = state.config().await?;
    let current = config.catalogue.item(code).cloned().ok_or_else(|| {
        PageErr::from(tongban_app::Error::not_found(
            tongban_app::Code::NoSuchItem,
            tongban_app::error::Text::new(
                format!("没有编码为 {code} 的事项。"),
                format!("There is no item with code {code}."),
            ),
        ))
    })?;
    let versions = config.catalogue.versions(code).to_vec();
    let entered = entered.unwrap_or_else(|| Entered::of_item(&current, ctx.lang));
    let action = format!("/admin/items/{}", lang::encode(code));
    let problem = match &outcome {
        Outcome::Invalid(p) => Some(p),
        _ => None,
    };
    let title = format!("{} {}", current.code, current.name);
    let body = html! {
        p { a href="/admin/items" { (ctx.t("← 全部事项", "← All items")) } }
        h1 { (title) }
        @if let Some(v) = published {
            div.success role="status" #published {
                p { (ctx.t("已发布新版本 v", "Published version v")) (v) (ctx.t("。已受理的办件仍按原版本办理。", ". Cases already taken keep their version.")) }
            }
        }
        (error_summary_linked(ctx, problem, |f| item_form::field(ctx, f)))
        (current_part(ctx, &current, &versions))
        @if let Outcome::Preview { changes, stale } = &outcome {
            section #preview aria-labelledby="preview-h" {
                h2 #preview-h { (ctx.t("变更预览", "Preview of the changes")) " · v" (current.version) " → v" (current.version + 1) }
                @if *stale {
                    p.notice role="alert" #stale { (ctx.t("预览后已有人发布了新版本；以下为与最新现行版本的比较，请重新确认。", "A version was published since the preview; compared again with the current version below: confirm again.")) }
                }
                (item_diff::table(ctx, changes))
                @if !changes.is_empty() {
                    form method="post" action=(action) #publish-item {
                        (ctx.csrf_field())
                        (item_form::hidden(&entered))
                        input type="hidden" name="base_version" value=(current.version);
                        button type="submit" name="do" value="publish" { (ctx.t("确认发布", "Publish")) }
                    }
                }
            }
        }
        h2 #edit-h { (ctx.t("发布新版本", "Publish a new version")) }
        p.hint { (ctx.t("修改后先“预览变更”，核对新旧对比后再确认发布。", "Change the fields, “Preview the changes”, check old against new, then publish.")) }
        form method="post" action=(action) #item-form novalidate {
            (ctx.csrf_field())
            (item_form::fields(ctx, &entered))
            div.actions-row { button.secondary type="submit" name="do" value="preview" { (ctx.t("预览变更", "Preview the changes")) } }
        }
    };
    Ok(Out::Page {
        status: problem.map_or(StatusCode::OK, |p| p.status),
        title,
        body,
    })
}

#[derive(Deserialize)]
pub struct Published {
    published: Option<u32>,
}

/// `GET /admin/items/{code}`.
#[get("/admin/items/{code}")]
pub async fn show_item(
    ctx: Ctx,
    state: web::Data<AppState>,
    code: web::Path<String>,
    q: Result<web::Query<Published>, actix_web::Error>,
) -> HttpResponse {
    let published = q.ok().and_then(|q| q.into_inner().published);
    let result = item_page(&ctx, &state, &code, None, Outcome::Nothing, published).await;
    ctx.respond(result)
}

async fn submit_page(ctx: &Ctx, state: &AppState, code: &str, posted: Posted) -> PageResult {
    let caller = ctx.staff_in(&[Role::Admin])?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let entered = Entered::of_form(&form);
    let config = state.config().await?;
    let Some(current) = config.catalogue.item(code).cloned() else {
        return item_page(ctx, state, code, None, Outcome::Nothing, None).await;
    };
    let invalid = |p: Problem| Outcome::Invalid(p);
    let next = match item_form::next_version(&current, &entered) {
        Ok(next) => next,
        Err(p) => return item_page(ctx, state, code, Some(entered), invalid(p), None).await,
    };
    let confirmed = form.get("do") == "publish";
    let stale = confirmed && form.get("base_version") != current.version.to_string();
    if confirmed && !stale {
        return match publish::publish(state, caller.username(), code, next).await {
            Ok(p) => Ok(Out::Redirect(format!(
                "/admin/items/{}?published={}",
                lang::encode(code),
                p.item.version
            ))),
            Err(e) if !e.errors.is_empty() => {
                item_page(ctx, state, code, Some(entered), invalid(e.into()), None).await
            }
            Err(e) => Err(e.into()),
        };
    }
    // The preview: checked as publishing checks it, compared with the current version.
    match publish::checked(state, code, next).await {
        Ok(next) => {
            let changes = item_diff::changes(&current, &next, ctx.lang);
            let outcome = Outcome::Preview { changes, stale };
            item_page(ctx, state, code, Some(entered), outcome, None).await
        }
        Err(e) if !e.errors.is_empty() => {
            item_page(ctx, state, code, Some(entered), invalid(e.into()), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/items/{code}`: `do=preview` (the default: changes nothing) or `do=publish`
/// with the previewed fields and `base_version`, the version they were compared with.
#[post("/admin/items/{code}")]
pub async fn submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    code: web::Path<String>,
    posted: Posted,
) -> HttpResponse {
    let result = submit_page(&ctx, &state, &code, posted).await;
    ctx.respond(result)
}
