//! Intake at the window: the clerk picks one of the items the window is granted to accept,
//! ticks the material checklist and enters the applicant. The same code path as
//! `POST /api/v1/cases`, with the form's hidden idempotency key, so that a double submit
//! gives the same case.

use actix_web::{get, post, web, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;
use tongban_app::cases::intake::{self, granted_items};
use tongban_core::item::Item;

use crate::pages::application::{
    applicant_body, applicant_field, applicant_fields, error_summary_linked, field_error,
    form_fields, key_of, requirement_tag,
};
use crate::pages::ctx::{Ctx, Out, PageResult};
use crate::pages::form::{Form, Posted};
use crate::pages::names;
use crate::problem::{Problem, Text};
use crate::routes::cases::{IntakeRequest, MaterialBody};
use crate::state::AppState;
use tongban_app::{Code, Error};

fn application_form(
    ctx: &Ctx,
    item: &Item,
    values: Option<&Form>,
    error: Option<&Problem>,
) -> Markup {
    let key = key_of(values);
    html! {
        h2 { (item.name) " (" (item.code) ")" }
        form method="post" action="/staff/intake" {
            (ctx.csrf_field())
            input type="hidden" name="item" value=(item.code);
            input type="hidden" name="key" value=(key);
            (applicant_fields(ctx, values, &[], error))
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
                            " " (requirement_tag(ctx, m))
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
    let items = granted_items(state, &caller.0).await?;
    let chosen = chosen.and_then(|c| items.iter().find(|i| i.code == c));
    let title = ctx.t("窗口收件", "Intake at the window");
    let body = html! {
        h1 { (title) }
        (error_summary_linked(ctx, error, |f| applicant_field(ctx, f)))
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
    let mut materials = Vec::new();
    for code in form.all("material") {
        let copies = form.get(&format!("copies-{code}"));
        let copies = match copies {
            "" => None,
            c => Some(c.parse::<u32>().map_err(|_| {
                Problem::from(Error::of(
                    Code::ValidationFailed,
                    Text::new("份数应为正整数。", "Copies must be a whole number."),
                ))
                .with_field(
                    "materials",
                    Text::new("份数应为正整数", "copies must be a whole number"),
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
        applicant: applicant_body(form),
        materials,
        form: form_fields(form),
    })
}

async fn submit_page(ctx: &Ctx, state: &AppState, posted: Posted) -> PageResult {
    let caller = ctx.clerk()?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let chosen = form.get("item").to_owned();
    let key = form.get("key").to_owned();
    let result = match request(&form) {
        Ok(body) if !key.is_empty() => intake::intake(state, &caller.0, &key, body.into())
            .await
            .map(|taken| taken.case)
            .map_err(Problem::from),
        Ok(_) => Err(Error::bad_request(
            Code::IdempotencyKeyRequired,
            Text::new(
                "表单缺少收件编号，请刷新后重试。",
                "The form lacks its key; reload and retry.",
            ),
        )
        .into()),
        Err(p) => Err(p),
    };
    match result {
        Ok(case) => Ok(Out::Redirect(format!(
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
