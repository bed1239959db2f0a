//! What an applicant does on their case page: hand in the materials of a supplement notice
//! (the `supplement` action through the code of the JSON route, the case version as a hidden
//! field, then the files attached), and rate the case once it has ended (the code of the
//! public evaluation route, with the query code of the case the applicant owns).

use actix_multipart::Multipart;
use actix_web::{post, web, HttpResponse};
use tongban_app::cases::act::item_of;
use tongban_app::cases::evaluation::{rate, Rating};
use tongban_app::cases::{act, attachments};
use tongban_core::case::{Command, SubmittedMaterial};
use tongban_core::item::Material;

use super::cases::{case_page, Failed};
use super::upload_form;
use crate::pages::ctx::{Ctx, Out, PageResult};
use crate::pages::form::{invalid, Form, Posted};
use crate::problem::Problem;
use crate::routes::cases::visible_case;
use crate::state::AppState;

async fn supplement_page(
    ctx: &Ctx,
    state: &AppState,
    case_no: &str,
    body: Multipart,
) -> PageResult {
    let caller = ctx.applicant()?;
    // Someone else's case is the same 404 before any file is taken in.
    let case = visible_case(state, caller, case_no).await?;
    let (form, files) = upload_form::read(ctx, &state.uploads, body).await?;
    let failed = |p: Problem| async move {
        case_page(
            ctx,
            state,
            caller,
            case_no,
            None,
            Some(Failed::Supplement(p)),
        )
        .await
    };
    let config = state.cached();
    let item = item_of(&config, &case)?;
    let listed: Vec<&Material> = case
        .supplement_notices
        .last()
        .map(|n| {
            n.missing
                .iter()
                .filter_map(|m| item.material(&m.code))
                .collect()
        })
        .unwrap_or_default();
    let (files, refused) = upload_form::by_material(files, &listed, &[]);
    if let Some(p) = refused {
        return failed(p).await;
    }
    if files.is_empty() {
        let field = listed
            .first()
            .map(|m| upload_form::file_field(&m.code))
            .unwrap_or_else(|| "file".to_owned());
        return failed(invalid(
            &field,
            "请上传补正的材料",
            "upload the missing materials",
        ))
        .await;
    }
    let Some(version) = form.get("version").parse::<i64>().ok().filter(|v| *v > 0) else {
        return failed(invalid(
            "version",
            "缺少办件版本号，请刷新后重试",
            "the case version is missing; reload and retry",
        ))
        .await;
    };
    let materials: Vec<SubmittedMaterial> = listed
        .iter()
        .filter(|m| files.iter().any(|f| f.material == m.code))
        .map(|m| SubmittedMaterial {
            code: m.code.clone(),
            copies: m.copies.max(1),
        })
        .collect();
    // The action first: a stale form or a case no longer waiting stores no file.
    let cmd = Command::Supplement { materials };
    let case = match act(state, &caller.0, case_no, version, cmd).await {
        Ok(c) => c,
        Err(e) => return failed(e.into()).await,
    };
    attachments::attach(state, &caller.0, &case, files).await?;
    Ok(Out::Redirect(format!(
        "/my/cases/{}?done=supplemented",
        case.case_no
    )))
}

/// `POST /my/cases/{no}/supplement` (`multipart/form-data`).
#[post("/my/cases/{case_no}/supplement")]
pub async fn supplement(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
    body: Multipart,
) -> HttpResponse {
    let result = supplement_page(&ctx, &state, &case_no, body).await;
    ctx.respond(result)
}

async fn evaluation_page(ctx: &Ctx, state: &AppState, case_no: &str, posted: Posted) -> PageResult {
    let caller = ctx.applicant()?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let case = visible_case(state, caller, case_no).await?;
    let result = match form.get("score").parse::<i64>() {
        Ok(score) => {
            let rating = Rating {
                query_code: case.query_code.clone(),
                score,
                comment: Some(form.get("comment").to_owned()).filter(|c| !c.is_empty()),
            };
            rate(state, &case.case_no, rating, caller.username())
                .await
                .map_err(Problem::from)
        }
        Err(_) => Err(invalid(
            "score",
            "请选择 1 到 5 分",
            "choose a score from 1 to 5",
        )),
    };
    match result {
        Ok(_) => Ok(Out::Redirect(format!(
            "/my/cases/{}?done=evaluated",
            case.case_no
        ))),
        Err(p) => {
            let failed = Failed::Evaluation(p, form);
            case_page(ctx, state, caller, case_no, None, Some(failed)).await
        }
    }
}

/// `POST /my/cases/{no}/evaluation`: score 1..5 and a comment, once.
#[post("/my/cases/{case_no}/evaluation")]
pub async fn evaluation(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
    posted: Posted,
) -> HttpResponse {
    let result = evaluation_page(&ctx, &state, &case_no, posted).await;
    ctx.respond(result)
}
