//! The documents under the staff addresses the case page first linked: the receipt, the
//! latest supplement notice, the acceptance notice and the n-th special procedure notice.
//! Each shows the same page as its `/cases/{no}/documents/…` address.

use actix_web::{get, web, HttpResponse};
use tongban_core::document::{DocumentKind, DocumentRef};

use crate::pages::ctx::Ctx;
use crate::pages::documents;
use crate::routes::cases::visible_case;
use crate::state::AppState;

async fn show(ctx: &Ctx, state: &AppState, case_no: &str, doc: DocumentRef) -> HttpResponse {
    ctx.respond(documents::page(ctx, state, case_no, doc).await)
}

/// `GET /staff/cases/{no}/receipt`.
#[get("/staff/cases/{case_no}/receipt")]
pub async fn receipt_doc(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
) -> HttpResponse {
    show(
        &ctx,
        &state,
        &case_no,
        DocumentRef::new(DocumentKind::Receipt, 1),
    )
    .await
}

/// `GET /staff/cases/{no}/notice`: the latest supplement notice.
#[get("/staff/cases/{case_no}/notice")]
pub async fn notice_doc(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
) -> HttpResponse {
    let latest = async {
        let caller = ctx.signed_in()?;
        let case = visible_case(&state, caller, &case_no).await?;
        Ok(u32::try_from(case.supplement_notices.len()).unwrap_or(u32::MAX))
    };
    match latest.await {
        // None yet: the documents page answers that the case has no such document.
        Ok(n) => {
            show(
                &ctx,
                &state,
                &case_no,
                DocumentRef::new(DocumentKind::Supplement, n.max(1)),
            )
            .await
        }
        Err(e) => ctx.respond(Err(e)),
    }
}

/// `GET /staff/cases/{no}/acceptance`.
#[get("/staff/cases/{case_no}/acceptance")]
pub async fn acceptance_doc(
    ctx: Ctx,
    state: web::Data<AppState>,
    case_no: web::Path<String>,
) -> HttpResponse {
    show(
        &ctx,
        &state,
        &case_no,
        DocumentRef::new(DocumentKind::Acceptance, 1),
    )
    .await
}

/// `GET /staff/cases/{no}/suspensions/{n}` (from 1).
#[get("/staff/cases/{case_no}/suspensions/{n}")]
pub async fn suspension_doc(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, u32)>,
) -> HttpResponse {
    let (case_no, n) = path.into_inner();
    show(
        &ctx,
        &state,
        &case_no,
        DocumentRef::new(DocumentKind::Suspension, n),
    )
    .await
}
