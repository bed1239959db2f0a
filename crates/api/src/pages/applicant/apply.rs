//! 在线申请: the signed-in applicant applies for an item from its guide page: the material
//! checklist with a file input per material, and the applicant's details. The same intake as
//! `POST /api/v1/cases` with the applicant's token (status `submitted`), with the form's
//! hidden idempotency key; the files are attached to the case (each once), so a double submit
//! gives one case with one set of files.

use actix_multipart::Multipart;
use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use maud::html;
use tongban_core::item::{Item, Material};

use super::upload_form::material_field;
use super::upload_form::{self, file_input};
use crate::pages::application::{
    applicant_body, applicant_field, applicant_fields, error_summary_linked, form_fields, key_of,
};
use crate::pages::ctx::{Ctx, Out, PageResult};
use crate::pages::form::Form;
use crate::problem::{Problem, Text};
use crate::routes::cases::{IntakeRequest, MaterialBody};
use crate::state::AppState;
use tongban_app::cases::{attachments, intake};
use tongban_app::{Code, Error};

fn item_not_found() -> Problem {
    Error::not_found(
        Code::ItemNotFound,
        Text::new(
            "没有这个事项。请从办事指南中查找。",
            "There is no such item. Please look it up in the service guide.",
        ),
    )
    .into()
}

/// Materials that must come with the application: required and not tolerated missing.
fn must_upload(item: &Item) -> Vec<&str> {
    item.materials
        .iter()
        .filter(|m| m.required && !m.tolerable)
        .map(|m| m.code.as_str())
        .collect()
}

async fn form_page(
    ctx: &Ctx,
    state: &AppState,
    code: &str,
    values: Option<&Form>,
    error: Option<&Problem>,
) -> PageResult {
    let caller = ctx.applicant()?;
    let catalogue = state.catalogue();
    let item = catalogue.item(code).ok_or_else(item_not_found)?;
    let user = intake::applicant_defaults(state, &caller.0).await?;
    let defaults: Vec<(&str, &str)> = user
        .as_ref()
        .map(|u| {
            vec![
                ("name", u.name.as_str()),
                ("phone", u.phone.as_deref().unwrap_or("")),
                ("email", u.email.as_deref().unwrap_or("")),
            ]
        })
        .unwrap_or_default();
    let limits = state.uploads;
    let title = match ctx.lang {
        crate::lang::Lang::Zh => format!("在线申请：{}", item.name),
        crate::lang::Lang::En => format!("Apply online: {}", item.name),
    };
    let body = html! {
        p.no-print { a href={ "/guide/" (item.code) } { "← " (ctx.t("返回办事指南", "Back to the service guide")) } }
        h1 { (title) }
        (error_summary_linked(ctx, error, |f| applicant_field(ctx, f).or_else(|| material_field(item, f))))
        @if error.is_some_and(|p| p.errors.iter().any(|e| e.field.starts_with("file-"))) {
            p.notice { (ctx.t("出于安全原因，浏览器不会保留已选择的文件，请重新选择全部文件。", "For safety, browsers do not keep chosen files: please choose all files again.")) }
        }
        form method="post" action={ "/apply/" (item.code) } enctype="multipart/form-data" {
            (ctx.csrf_field())
            input type="hidden" name="key" value=(key_of(values));
            (applicant_fields(ctx, values, &defaults, error))
            fieldset {
                legend { (ctx.t("申请材料：逐项上传", "Materials: upload each one")) }
                p.hint { (ctx.t("“必要”材料须上传；“可容缺”的材料可以以后补交。", "“Required” materials must be uploaded; those that “may follow” can come later.")) }
                @for m in &item.materials {
                    (file_input(ctx, m, &limits, error))
                }
            }
            div.actions-row { button #apply-submit type="submit" { (ctx.t("提交申请", "Submit the application")) } }
        }
    };
    Ok(Out::Page {
        status: error.map_or(StatusCode::OK, |p| p.status),
        title,
        body,
    })
}

/// `GET /apply/{code}`.
#[get("/apply/{code}")]
pub async fn show(ctx: Ctx, state: web::Data<AppState>, code: web::Path<String>) -> HttpResponse {
    let result = form_page(&ctx, &state, &code, None, None).await;
    ctx.respond(result)
}

async fn submit_page(ctx: &Ctx, state: &AppState, code: &str, body: Multipart) -> PageResult {
    let caller = ctx.applicant()?;
    let catalogue = state.catalogue();
    let item = catalogue.item(code).ok_or_else(item_not_found)?;
    let (form, files) = upload_form::read(ctx, &state.uploads, body).await?;
    let materials: Vec<&Material> = item.materials.iter().collect();
    let (files, refused) = upload_form::by_material(files, &materials, &must_upload(item));
    if let Some(p) = refused {
        return form_page(ctx, state, code, Some(&form), Some(&p)).await;
    }
    let key = form.get("key").to_owned();
    if key.is_empty() {
        let p = Error::bad_request(
            Code::IdempotencyKeyRequired,
            Text::new(
                "表单缺少申请编号，请刷新后重试。",
                "The form lacks its key; reload and retry.",
            ),
        )
        .into();
        return form_page(ctx, state, code, Some(&form), Some(&p)).await;
    }
    let uploaded: Vec<&str> = files.iter().map(|f| f.material.as_str()).collect();
    let request = IntakeRequest {
        item_code: item.code.clone(),
        applicant: applicant_body(&form),
        materials: item
            .materials
            .iter()
            .filter(|m| uploaded.contains(&m.code.as_str()))
            .map(|m| MaterialBody {
                code: m.code.clone(),
                copies: Some(m.copies.max(1)),
            })
            .collect(),
        form: form_fields(&form),
    };
    let case = match intake::intake(state, &caller.0, &key, request.into()).await {
        Ok(taken) => taken.case,
        Err(e) => return form_page(ctx, state, code, Some(&form), Some(&e.into())).await,
    };
    attachments::attach(state, &caller.0, &case, files).await?;
    Ok(Out::Redirect(format!(
        "/my/cases/{}?done=submitted",
        case.case_no
    )))
}

/// `POST /apply/{code}` (`multipart/form-data`).
#[post("/apply/{code}")]
pub async fn submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: Multipart,
) -> HttpResponse {
    let result = submit_page(&ctx, &state, &code, body).await;
    ctx.respond(result)
}
