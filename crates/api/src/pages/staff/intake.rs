//! Intake at the window: the clerk picks one of the items the window is granted to accept,
//! ticks the material checklist and enters the applicant. The same code path as
//! `POST /api/v1/cases`, with the form's hidden idempotency key, so that a double submit
//! gives the same case.

use actix_web::{get, post, web, HttpResponse};
use maud::{html, Markup};
use rand::RngCore;
use serde::Deserialize;
use tongban_core::case::ApplicantKind;
use tongban_core::grant::{authorise, ItemRef, WindowAction, WindowRequest};
use tongban_core::item::Item;
use tongban_store::grants;

use crate::auth::caller::Caller;
use crate::pages::ctx::{Ctx, Out, PageResult};
use crate::pages::form::{Form, Posted};
use crate::pages::names;
use crate::problem::Problem;
use crate::records::grant_from_record;
use crate::routes::cases::{intake, ApplicantBody, IntakeRequest, MaterialBody};
use crate::state::AppState;
use crate::store_problem;

/// The current items the clerk's window may accept now, by the grants in force (the check
/// `window_grant` makes for one item, made here for the whole catalogue with one read).
async fn granted_items(state: &AppState, caller: &Caller) -> Result<Vec<Item>, Problem> {
    let catalogue = state.catalogue();
    let Some(window) = caller.window().and_then(|w| catalogue.window(w)) else {
        return Ok(Vec::new());
    };
    let code = window.code.clone();
    let records = state
        .store
        .read(move |conn| grants::for_window(conn, &code))
        .await
        .map_err(store_problem)?;
    let hall = state.hall;
    let in_force: Vec<_> = records
        .iter()
        .filter_map(|r| grant_from_record(r, hall).ok())
        .collect();
    let now = state.clock.now();
    Ok(catalogue
        .items()
        .filter(|i| {
            let request = WindowRequest {
                window,
                clerk: caller.username(),
                item: ItemRef {
                    code: &i.code,
                    department: &i.department,
                },
                action: WindowAction::Accept,
                at: now,
            };
            authorise(&in_force, &request, hall).is_ok()
        })
        .cloned()
        .collect())
}

fn new_key() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("page-{}", hex::encode(bytes))
}

/// The problem's message for the form field `field` (named as in the JSON body).
fn field_error(ctx: &Ctx, error: Option<&Problem>, api_field: &str, id: &str) -> Markup {
    let found = error.and_then(|p| {
        p.errors
            .iter()
            .find(|e| e.field == api_field || e.field.starts_with(&format!("{api_field}[")))
    });
    html! {
        @if let Some(e) = found {
            span.field-error id={ "err-" (id) } { (ctx.text(&e.message)) }
        }
    }
}

fn has_error(error: Option<&Problem>, api_field: &str) -> bool {
    error.is_some_and(|p| p.errors.iter().any(|e| e.field == api_field))
}

fn application_form(
    ctx: &Ctx,
    item: &Item,
    values: Option<&Form>,
    error: Option<&Problem>,
) -> Markup {
    let v = |name: &str| values.map(|f| f.get(name).to_owned()).unwrap_or_default();
    let kind = v("kind");
    let key = values
        .map(|f| f.get("key").to_owned())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(new_key);
    let text_field = |id: &str,
                      api: &str,
                      label: &str,
                      kind_attr: &str,
                      autocomplete: &str,
                      required: bool| {
        let bad = has_error(error, api);
        html! {
            label for=(id) { (label) @if !required { span.hint { (ctx.t("（可选）", "(optional)")) } } }
            (field_error(ctx, error, api, id))
            input id=(id) type=(kind_attr) name=(id) value=(v(id)) autocomplete=(autocomplete)
                maxlength="200" required[required]
                aria-invalid=[bad.then_some("true")]
                aria-describedby=[bad.then(|| format!("err-{id}"))];
        }
    };
    html! {
        h2 { (item.name) " (" (item.code) ")" }
        form method="post" action="/staff/intake" {
            (ctx.csrf_field())
            input type="hidden" name="item" value=(item.code);
            input type="hidden" name="key" value=(key);
            fieldset {
                legend { (ctx.t("申请人", "Applicant")) }
                @for (k, id) in [(ApplicantKind::Person, "kind-person"), (ApplicantKind::Organization, "kind-org")] {
                    @let value = if k == ApplicantKind::Person { "person" } else { "organization" };
                    label.choice for=(id) {
                        input id=(id) type="radio" name="kind" value=(value)
                            checked[kind == value || (kind.is_empty() && k == ApplicantKind::Person)];
                        span { (names::applicant_kind(k, ctx.lang)) }
                    }
                }
                (text_field("name", "applicant.name", ctx.t("姓名或单位名称", "Name of the person or organisation"), "text", "name", true))
                (text_field("id_number", "applicant.id_number", ctx.t("身份证号码或统一社会信用代码", "ID number or unified social credit code"), "text", "off", true))
                (text_field("phone", "applicant.phone", ctx.t("联系电话", "Phone"), "tel", "tel", false))
                (text_field("email", "applicant.email", ctx.t("电子邮箱（用于接收办理通知）", "E-mail (for notices about the case)"), "email", "email", false))
            }
            fieldset {
                legend { (ctx.t("材料清单：勾选已收取的材料", "Material checklist: tick what you received")) }
                (field_error(ctx, error, "materials", "materials"))
                @for m in &item.materials {
                    @let id = format!("m-{}", m.code);
                    @let copies_id = format!("copies-{}", m.code);
                    label.choice for=(id) {
                        input id=(id) type="checkbox" name="material" value=(m.code)
                            checked[values.is_some_and(|f| f.has("material", &m.code))];
                        span {
                            (m.name) " · " (names::material_form(m.form, ctx.lang))
                            " "
                            @if m.required && m.tolerable { span.tag.tag-tolerable { (ctx.t("必要，可容缺", "Required, may follow")) } }
                            @else if m.required { span.tag.tag-required { (ctx.t("必要", "Required")) } }
                            @else { span.tag.tag-optional { (ctx.t("非必要", "Optional")) } }
                        }
                    }
                    label for=(copies_id) { span.hint { (ctx.t("份数：", "Copies: ")) (m.name) } }
                    input id=(copies_id) type="number" min="1" max="1000" name=(copies_id)
                        value=(values.map(|f| f.get(&copies_id).to_owned()).filter(|c| !c.is_empty()).unwrap_or_else(|| m.copies.to_string()));
                }
            }
            div.actions-row { button type="submit" { (ctx.t("收件并生成办件编号", "Receive and number the case")) } }
        }
    }
}

async fn intake_page(
    ctx: &Ctx,
    state: &AppState,
    chosen: Option<&str>,
    values: Option<&Form>,
    error: Option<&Problem>,
) -> PageResult {
    let caller = ctx.clerk()?;
    let items = granted_items(state, caller).await?;
    let chosen = chosen.and_then(|c| items.iter().find(|i| i.code == c));
    let title = ctx.t("窗口收件", "Intake at the window");
    let body = html! {
        h1 { (title) }
        @if let Some(p) = error {
            div.error-summary role="alert" {
                p { strong { (ctx.text(&p.title)) } "：" (ctx.text(&p.detail)) }
                @if !p.errors.is_empty() {
                    ul { @for e in &p.errors { li { (e.field) "：" (ctx.text(&e.message)) } } }
                }
            }
        }
        @if items.is_empty() {
            p.notice { (ctx.t("本窗口目前没有受理授权，不能收件。", "This window holds no grant to accept applications now.")) }
        } @else {
            form.search method="get" action="/staff/intake" {
                div {
                    label for="item" { (ctx.t("办理事项（本窗口获授权受理的）", "Item (those this window may accept)")) }
                    select #item name="item" required {
                        option value="" { (ctx.t("请选择事项", "Choose an item")) }
                        @for i in &items {
                            option value=(i.code) selected[chosen.is_some_and(|c| c.code == i.code)] { (i.code) " · " (i.name) }
                        }
                    }
                }
                button.secondary type="submit" { (ctx.t("显示材料清单", "Show the checklist")) }
            }
            @if let Some(item) = chosen {
                (application_form(ctx, item, values, error))
            }
        }
    };
    Ok(Out::Page {
        status: error.map_or(actix_web::http::StatusCode::OK, |p| p.status),
        title: title.to_owned(),
        body,
    })
}

#[derive(Deserialize)]
pub struct Chosen {
    item: Option<String>,
}

/// `GET /staff/intake?item=CODE`.
#[get("/staff/intake")]
pub async fn show_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: Result<web::Query<Chosen>, actix_web::Error>,
) -> HttpResponse {
    let chosen = q.ok().and_then(|q| q.into_inner().item);
    let result = intake_page(&ctx, &state, chosen.as_deref(), None, None).await;
    ctx.respond(result)
}

fn request(form: &Form) -> Result<IntakeRequest, Problem> {
    let optional = |name: &str| Some(form.get(name).to_owned()).filter(|v| !v.is_empty());
    let mut materials = Vec::new();
    for code in form.all("material") {
        let copies = form.get(&format!("copies-{code}"));
        let copies = match copies {
            "" => None,
            c => Some(c.parse::<u32>().map_err(|_| {
                Problem::new(
                    actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    crate::problem::Text::new("请求内容有误", "Invalid request"),
                    crate::problem::Text::new("份数应为正整数。", "Copies must be a whole number."),
                )
                .with_field(
                    "materials",
                    crate::problem::Text::new("份数应为正整数", "copies must be a whole number"),
                )
            })?),
        };
        materials.push(MaterialBody {
            code: code.to_owned(),
            copies,
        });
    }
    Ok(IntakeRequest {
        item_code: form.get("item").to_owned(),
        applicant: ApplicantBody {
            kind: if form.get("kind") == "organization" {
                ApplicantKind::Organization
            } else {
                ApplicantKind::Person
            },
            name: form.get("name").to_owned(),
            id_number: form.get("id_number").to_owned(),
            phone: optional("phone"),
            email: optional("email"),
        },
        materials,
        form: None,
    })
}

async fn submit_page(ctx: &Ctx, state: &AppState, posted: Posted) -> PageResult {
    let caller = ctx.clerk()?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let chosen = form.get("item").to_owned();
    let key = form.get("key").to_owned();
    let result = match request(&form) {
        Ok(body) if !key.is_empty() => intake(state, caller, key, body).await,
        Ok(_) => Err(Problem::bad_request(
            "idempotency_key_required",
            crate::problem::Text::new(
                "表单缺少收件编号，请刷新后重试。",
                "The form lacks its key; reload and retry.",
            ),
        )),
        Err(p) => Err(p),
    };
    match result {
        Ok((_, case)) => Ok(Out::Redirect(format!(
            "/staff/cases/{}?done=intake",
            case.case_no
        ))),
        Err(p) => intake_page(ctx, state, Some(&chosen), Some(&form), Some(&p)).await,
    }
}

/// `POST /staff/intake`.
#[post("/staff/intake")]
pub async fn submit(ctx: Ctx, state: web::Data<AppState>, posted: Posted) -> HttpResponse {
    let result = submit_page(&ctx, &state, posted).await;
    ctx.respond(result)
}
