//! `GET /files/{case_no}/{id}`: a case's file for whoever is signed in by the session cookie
//! and may see the case (its applicant, staff whose scope has it). Anyone else, signed in or
//! not, gets the same 404 as for a file that does not exist.

use actix_web::{get, web, HttpResponse};

use super::ctx::{Ctx, PageErr};
use crate::problem::Problem;
use crate::routes::attachments::file_response;
use crate::state::AppState;
use tongban_app::cases::attachments::{self, attachment_not_found};

/// `GET /files/{case_no}/{id}`.
#[get("/files/{case_no}/{id}")]
pub async fn download(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (case_no, id) = path.into_inner();
    let Some(staff) = ctx.staff.as_ref() else {
        return ctx.problem(&attachment_not_found().into());
    };
    if staff.caller.0.must_change_password {
        return ctx.respond(Err(PageErr::ChangePassword));
    }
    match attachments::file(&state, &staff.caller.0, &case_no, &id).await {
        Ok((file, bytes)) => file_response(&file, bytes),
        Err(e) => ctx.problem(&Problem::from(e)),
    }
}
