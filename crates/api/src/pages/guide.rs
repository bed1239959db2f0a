//! The home page and the service guide (办事指南): every item of the catalogue with its
//! materials, limits, fee, procedure and the channels for questions and complaints.

use actix_web::{get, web, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;
use tongban_core::item::Item;

use super::ctx::{Ctx, Out, PageResult};
use super::names;
use crate::problem::Text;
use crate::state::AppState;
use tongban_app::catalogue::guide;
use tongban_app::catalogue_view::CatalogueView;
use tongban_app::{Code, Error};

fn search_form(ctx: &Ctx, catalogue: &CatalogueView, q: &str, dept: &str) -> Markup {
    html! {
        form.search method="get" action="/guide" role="search" {
            div {
                label for="q" { (ctx.t("事项名称或关键词", "Item name or keyword")) }
                input #q type="search" name="q" value=(q) maxlength="100";
            }
            div {
                label for="dept" { (ctx.t("实施部门", "Department")) }
                select #dept name="dept" {
                    option value="" { (ctx.t("全部部门", "All departments")) }
                    @for d in &catalogue.departments {
                        option value=(d.code) selected[d.code == dept] { (d.name) }
                    }
                }
            }
            button type="submit" { (ctx.t("搜索", "Search")) }
        }
    }
}

/// `GET /`: search the guide, query a case, or sign in at a window.
#[get("/")]
pub async fn home(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    let config = match guide::snapshot(&state).await {
        Ok(config) => config,
        Err(e) => return ctx.respond(Err(crate::problem::Problem::from(e).into())),
    };
    let catalogue = &config.catalogue;
    let title = ctx.t("政务服务网上办事大厅", "Government Service Hall Online");
    let body = html! {
        h1 { (title) }
        p.lead {
            (ctx.t(
                "查办事指南、在线申请、查询办件进度。窗口工作人员请从右上角登录。",
                "Read the service guide, apply online and follow your application. Window staff sign in at the top."
            ))
        }
        section aria-labelledby="find" {
            h2 #find { (ctx.t("查找办事事项", "Find a service")) }
            (search_form(&ctx, catalogue, "", ""))
        }
        section aria-labelledby="online" {
            h2 #online { (ctx.t("网上申请", "Apply online")) }
            p {
                (ctx.t("注册并登录申请人账号后，可在事项的办事指南页面在线申请、上传材料，并在“我的办件”中查看进度、补正材料和评价服务。",
                    "With an applicant account you apply online from an item's guide page, upload the materials, and follow your cases, hand in what is missing and rate the service under “My cases”."))
            }
            p {
                @if ctx.applicant().is_ok() {
                    a.button #home-my-cases href="/my/cases" { (ctx.t("我的办件", "My cases")) }
                } @else {
                    a.button #home-sign-in href="/account/login" { (ctx.t("申请人登录", "Applicant sign-in")) }
                    " "
                    a.button.secondary #home-register href="/account/register" { (ctx.t("注册账号", "Register")) }
                }
            }
        }
        section aria-labelledby="track" {
            h2 #track { (ctx.t("查询办件进度", "Follow your application")) }
            p {
                (ctx.t("凭办件编号和查询码查询办理进度。", "Use your case number and query code to see where your case stands."))
                " "
                a.button.secondary href="/status" { (ctx.t("办件查询", "Case status")) }
            }
        }
        section aria-labelledby="depts" {
            h2 #depts { (ctx.t("按部门浏览", "Browse by department")) }
            ul.cards {
                @for d in &catalogue.departments {
                    @let n = catalogue.items().filter(|i| i.department == d.code).count();
                    @if n > 0 {
                        li {
                            a href={ "/guide?dept=" (d.code) } { (d.name) }
                            br;
                            span.hint { (n) " " (ctx.t("个事项", "items")) }
                        }
                    }
                }
            }
        }
    };
    ctx.respond(Ok(Out::ok(title, body)))
}

#[derive(Deserialize)]
pub struct GuideQuery {
    q: Option<String>,
    dept: Option<String>,
}

/// `GET /guide?q=&dept=`: the items matching a search.
#[get("/guide")]
pub async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: Result<web::Query<GuideQuery>, actix_web::Error>,
) -> HttpResponse {
    let (q, dept) = match query {
        Ok(q) => {
            let q = q.into_inner();
            (q.q.unwrap_or_default(), q.dept.unwrap_or_default())
        }
        Err(_) => (String::new(), String::new()),
    };
    let q: String = q.trim().chars().take(100).collect();
    let config = match guide::snapshot(&state).await {
        Ok(config) => config,
        Err(e) => return ctx.respond(Err(crate::problem::Problem::from(e).into())),
    };
    let catalogue = &config.catalogue;
    let dept_name = |code: &str| {
        catalogue
            .department(code)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| code.to_owned())
    };
    let found: Vec<&Item> = guide::search(&config, &q, &dept);
    let title = ctx.t("办事指南", "Service guide");
    let body = html! {
        h1 { (title) }
        (search_form(&ctx, catalogue, &q, &dept))
        h2 #results aria-live="polite" {
            @match ctx.lang {
                crate::lang::Lang::Zh => { "共找到 " (found.len()) " 个事项" }
                crate::lang::Lang::En => { (found.len()) " items found" }
            }
        }
        @if found.is_empty() {
            p { (ctx.t("没有符合条件的事项。请换个关键词，或选择全部部门。", "No item matches. Try another word, or all departments.")) }
        } @else {
            ul.cards {
                @for i in &found {
                    li {
                        a href={ "/guide/" (i.code) } { (i.name) }
                        br;
                        span.hint { (i.code) " · " (dept_name(&i.department)) }
                        span.hint {
                            (names::item_kind(i.kind, ctx.lang)) " · "
                            (ctx.t("承诺时限", "Promised")) " " (names::limit(i.promised_limit, ctx.lang))
                        }
                    }
                }
            }
        }
    };
    ctx.respond(Ok(Out::ok(title, body)))
}

fn item_page(ctx: &Ctx, catalogue: &CatalogueView, code: &str) -> PageResult {
    let Some(item) = catalogue.item(code) else {
        return Err(crate::problem::Problem::from(Error::new(
            Code::ItemNotFound,
            Text::new("未找到事项", "Item not found"),
            Text::new(
                "没有这个事项。请从办事指南中查找。",
                "There is no such item. Please look it up in the service guide.",
            ),
        ))
        .into());
    };
    let department = catalogue
        .department(&item.department)
        .map(|d| d.name.as_str())
        .unwrap_or(item.department.as_str());
    let l = ctx.lang;
    let body = html! {
        p.no-print { a href="/guide" { "← " (ctx.t("返回办事指南", "Back to the service guide")) } }
        h1 { (item.name) }
        dl.facts {
            dt { (ctx.t("事项编码", "Item code")) } dd { (item.code) }
            dt { (ctx.t("实施主体", "Department")) } dd { (department) }
            dt { (ctx.t("事项类型", "Type")) } dd { (names::category(item.category, l)) " · " (names::item_kind(item.kind, l)) }
            dt { (ctx.t("设定依据", "Legal basis")) } dd { (item.legal_basis) }
            dt { (ctx.t("法定时限", "Legal time limit")) } dd { (names::limit(item.legal_limit, l)) }
            dt { (ctx.t("承诺时限", "Promised time limit")) } dd { (names::limit(item.promised_limit, l)) }
            dt { (ctx.t("收费标准", "Fee")) } dd {
                @if item.fee.amount.fen() == 0 { (ctx.t("不收费", "Free")) }
                @else { (item.fee.amount) " " (ctx.t("元", "yuan")) }
            }
            dt { (ctx.t("收费依据", "Basis of the fee")) } dd { (item.fee.basis) }
            dt { (ctx.t("数量限制", "Quantity limit")) } dd {
                (item.quantity_limit.as_deref().unwrap_or(ctx.t("无", "None")))
            }
            dt { (ctx.t("审批结果", "Result")) } dd { (item.result_document) }
        }
        @if !item.conditions.is_empty() {
            h2 { (ctx.t("办事条件", "Conditions")) }
            ul { @for c in &item.conditions { li { (c) } } }
        }
        p.no-print {
            a.button #apply-online href={ "/apply/" (item.code) } { (ctx.t("在线申请", "Apply online")) }
        }
        h2 #materials { (ctx.t("申请材料", "Materials")) }
        table.stack aria-labelledby="materials" {
            thead {
                tr {
                    th scope="col" { (ctx.t("材料名称", "Material")) }
                    th scope="col" { (ctx.t("形式", "Form")) }
                    th scope="col" { (ctx.t("份数", "Copies")) }
                    th scope="col" { (ctx.t("要求", "Requirement")) }
                }
            }
            tbody {
                @for m in &item.materials {
                    tr {
                        td data-label=(ctx.t("材料名称", "Material")) {
                            (m.name)
                            @if let Some(note) = &m.note { br; span.hint { (note) } }
                        }
                        td data-label=(ctx.t("形式", "Form")) { (names::material_form(m.form, l)) }
                        td data-label=(ctx.t("份数", "Copies")) { (m.copies) }
                        td data-label=(ctx.t("要求", "Requirement")) {
                            @if m.required && m.tolerable {
                                span.tag.tag-tolerable { (ctx.t("必要，可容缺", "Required, may follow later")) }
                            } @else if m.required {
                                span.tag.tag-required { (ctx.t("必要", "Required")) }
                            } @else {
                                span.tag.tag-optional { (ctx.t("非必要", "Optional")) }
                            }
                        }
                    }
                }
            }
        }
        p.hint {
            (ctx.t(
                "“可容缺”的材料缺少时，窗口可先行受理，您在约定时间内补交即可（容缺受理）。",
                "A material that “may follow later” does not stop acceptance: you hand it in afterwards (tolerated-missing acceptance)."
            ))
        }
        h2 { (ctx.t("办理流程", "Procedure")) }
        p { (item.procedure) }
        @if !item.stages.is_empty() {
            ol {
                @for s in &item.stages {
                    li { (s.name) " — " (names::limit(s.limit, l)) }
                }
            }
        }
        h2 { (ctx.t("咨询方式", "Questions")) }
        p { (item.consultation) }
        h2 { (ctx.t("监督投诉", "Complaints")) }
        p { (item.complaint) }
    };
    Ok(Out::ok(item.name.clone(), body))
}

/// `GET /guide/{code}`: one item's guide.
#[get("/guide/{code}")]
pub async fn item_guide(
    ctx: Ctx,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    let page = match guide::snapshot(&state).await {
        Ok(config) => item_page(&ctx, &config.catalogue, &code),
        Err(e) => Err(crate::problem::Problem::from(e).into()),
    };
    ctx.respond(page)
}
