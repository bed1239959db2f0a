//! 窗口扫描上传: the clerk attaches a scanned file to one material of the case, on the case
//! page (`multipart/form-data`, read and checked as the applicant's upload forms are), through
//! the same use case as `POST /api/v1/cases/{no}/attachments`, which decides who may attach.

use actix_multipart::Multipart;
use actix_web::{post, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::cases::act::item_of;
use tongban_app::cases::attachments::{self, Attach};
use tongban_core::case::Case;
use tongban_core::item::Item;

use crate::pages::applicant::upload_form;
use crate::pages::ctx::{Ctx, Out, PageResult, CASE_WORKERS};
use crate::pages::form::invalid;
use crate::problem::Problem;
use crate::routes::cases::visible_case;
use crate::state::AppState;

/// The form: which material, and its file.
pub fn form(ctx: &Ctx, state: &AppState, case: &Case, item: &Item) -> Markup {
    let max = state.uploads.max_file_bytes / (1024 * 1024);
    html! {
        section.action-box aria-labelledby="h-window-upload" {
            h3 #h-window-upload { (ctx.t("窗口扫描上传", "Upload a scan at the window")) }
            form method="post" enctype="multipart/form-data" action={ "/staff/cases/" (case.case_no) "/attachments" } {
                (ctx.csrf_field())
                label for="upload-material" { (ctx.t("对应材料", "Material")) }
                select #upload-material name="material" {
                    @for m in &item.materials { option value=(m.code) { (m.name) } }
                }
                label for="upload-file" {
                    (ctx.t("扫描件", "Scanned file")) " "
                    span.hint {
                        @match ctx.lang {
                            crate::lang::Lang::Zh => { "PDF、JPEG 或 PNG，不超过 " (max) " MiB" }
                            crate::lang::Lang::En => { "PDF, JPEG or PNG, at most " (max) " MiB" }
                        }
                    }
                }
                input #upload-file type="file" name="file" required
                    accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";
                div.actions-row { button #upload-submit type="submit" { (ctx.t("上传", "Upload")) } }
            }
        }
    }
}

async fn page(ctx: &Ctx, state: &AppState, case_no: &str, body: Multipart) -> PageResult {
    let caller = ctx.staff_in(CASE_WORKERS)?;
    // A case the caller may not read is the same 404 before any file is taken in.
    let case = visible_case(state, caller, case_no).await?;
    let (form, files) = upload_form::read(ctx, &state.uploads, body).await?;
    let material = form.get("material").to_owned();
    let mut attach = Vec::new();
    let mut refused: Option<Problem> = None;
    for part in files.into_iter().filter(|p| p.field == "file") {
        match part.file {
            Ok(file) => attach.push(Attach {
                material: material.clone(),
                file,
            }),
            Err(e) => refused = Some(e.error(Some("file")).into()),
        }
    }
    if let Some(p) = refused {
        return refused_page(ctx, state, &case, &p);
    }
    if attach.is_empty() {
        let p = invalid("file", "请选择要上传的文件", "choose a file to upload");
        return refused_page(ctx, state, &case, &p);
    }
    match attachments::attach(state, &caller.0, &case, attach).await {
        Ok(_) => Ok(Out::Redirect(format!(
            "/staff/cases/{}?done=uploaded#attachments",
            case.case_no
        ))),
        Err(e) => refused_page(ctx, state, &case, &Problem::from(e)),
    }
}

/// A refused upload: why, with the form again (no action of the case page is involved, so
/// the case page's action errors are not used), and the way back to the case.
fn refused_page(ctx: &Ctx, state: &AppState, case: &Case, p: &Problem) -> PageResult {
    let title = match ctx.lang {
        crate::lang::Lang::Zh => format!("上传未完成：办件 {}", case.case_no),
        crate::lang::Lang::En => format!("Not uploaded: case {}", case.case_no),
    };
    let item = item_of(&state.cached(), case)?.clone();
    let body = html! {
        h1 { (title) }
        div.error-summary role="alert" id="err-upload" {
            p { strong { (ctx.text(&p.title)) } "：" (ctx.text(&p.detail)) }
            @for e in &p.errors { p { (ctx.text(&e.message)) } }
        }
        (form(ctx, state, case, &item))
        p { a href={ "/staff/cases/" (case.case_no) } { "← " (ctx.t("返回办件", "Back to the case")) } }
    };
    Ok(Out::Page {
        status: p.status,
        title,
        body,
    })
}

/// `POST /staff/cases/{no}/attachments` (`multipart/form-data`: `material`, `file`).
#[post("/staff/cases/{case_no}/attachments")]
pub async fn upload(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
    body: Multipart,
) -> HttpResponse {
    let result = page(&ctx, &state, &case_no, body).await;
    ctx.respond(result)
}
