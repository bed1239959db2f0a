//! The OpenAPI document, assembled from the `#[utoipa::path]` annotations of each route
//! module's `Doc`.

use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(info(
    title = "Tongban 通办 API",
    description = "One-stop administrative approval: catalogue, cases, public status, supervision. \
                   Errors are RFC 7807 problem+json with a stable `code`; texts follow Accept-Language (zh-CN default, en)."
))]
pub struct ApiDoc;

/// The whole document: every route module's paths and schemas.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for part in [
        routes::ops::Doc::openapi(),
        routes::auth::Doc::openapi(),
        routes::catalogue::Doc::openapi(),
        routes::directory::Doc::openapi(),
        routes::cases::Doc::openapi(),
        routes::attachments::Doc::openapi(),
        routes::public::Doc::openapi(),
        routes::calendar::Doc::openapi(),
        routes::admin::Doc::openapi(),
        routes::supervision::Doc::openapi(),
        routes::outbox::Doc::openapi(),
    ] {
        doc.merge(part);
    }
    doc
}
