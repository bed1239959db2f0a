//! `POST /api/v1/cases/{no}/accept-and-decide`: 受理并当场办结 for API clients, the same use
//! case as the clerk's one-step form (`tongban_app::cases::on_spot`).

use actix_web::{http::StatusCode, post, web, HttpRequest, HttpResponse};

use super::cases::{case_response, if_match, OpinionBody};
use crate::auth::caller::Caller;
use crate::problem::Problem;
use crate::state::AppState;

/// Accept an immediate item (即办件) and approve it on the spot, in one transaction: for a
/// clerk whose window holds `accept` and `decide_on_spot` grants for the item. Either step
/// refused leaves the case as it was; the answer is the decided case.
#[utoipa::path(
    tag = "cases",
    request_body = OpinionBody,
    params(
        ("case_no" = String, Path, description = "Case number"),
        ("If-Match" = String, Header, description = "The case version the step is based on")
    ),
    responses(
        (status = 200, body = crate::casework::view::CaseView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an immediate item, or the window's grants do not allow it"),
        (status = 404, description = "No such case in the caller's scope"),
        (status = 409, description = "The case cannot be accepted now (code names the rule)"),
        (status = 412, description = "Stale version"),
        (status = 422, description = "Invalid fields"),
        (status = 428, description = "If-Match missing")
    )
)]
#[post("/api/v1/cases/{case_no}/accept-and-decide")]
pub async fn accept_and_decide(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    case_no: web::Path<String>,
    body: web::Json<OpinionBody>,
) -> Result<HttpResponse, Problem> {
    let expected = if_match(&req)?;
    let opinion = body.into_inner().opinion;
    let case = tongban_app::cases::on_spot::accept_and_decide(
        &state, &caller.0, &case_no, expected, opinion,
    )
    .await?;
    Ok(case_response(StatusCode::OK, case, &state))
}

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(accept_and_decide);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(accept_and_decide))]
pub struct Doc;
