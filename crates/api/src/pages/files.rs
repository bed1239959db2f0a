//! `GET /files/{case_no}/{id}`: a case's file for whoever is signed in by the session cookie
//! and may see the case (its applicant, staff whose scope has it). Anyone else, signed in or
//! not, gets the same 404 as for a file that does not exist.

use actix_web::{get, web, HttpResponse};

use super::ctx::Ctx;
use crate::casework::attachments::{self, attachment_not_found};
use crate::state::AppState;

/// `GET /files/{case_no}/{id}`.
#[get("/files/{case_no}/{id}")]
pub async fn download(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (case_no, id) = path.into_inner();
    let (Some(staff), Ok(id)) = (ctx.staff.as_ref(), id.parse::<i64>()) else {
        return ctx.problem(&attachment_not_found());
    };
    match attachments::file(&state, &staff.caller, &case_no, id).await {
        Ok((record, bytes)) => attachments::download(&record, bytes),
        Err(p) => ctx.problem(&p),
    }
}
