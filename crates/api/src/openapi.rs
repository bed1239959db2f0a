//! The OpenAPI document, assembled from the `#[utoipa::path]` annotations of each route
//! module's `Doc`.

use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{OpenApi, PartialSchema, ToSchema};

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
        routes::on_spot::Doc::openapi(),
        routes::attachments::Doc::openapi(),
        routes::public::Doc::openapi(),
        routes::calendar::Doc::openapi(),
        routes::clocks::Doc::openapi(),
        routes::admin::Doc::openapi(),
        routes::users::Doc::openapi(),
        routes::supervision::Doc::openapi(),
        routes::desk::Doc::openapi(),
        routes::outbox::Doc::openapi(),
    ] {
        doc.merge(part);
    }
    document_problems(&mut doc);
    doc
}

/// Every error answer is a problem+json body: the routes' annotations name the error
/// statuses, this gives each of them the one `Problem` schema (so that clients and schema
/// checks know the body of a 4xx as well as of a 2xx), and adds the answers every route
/// with input can give whatever it does (a malformed request, an oversized or non-JSON body).
fn document_problems(doc: &mut utoipa::openapi::OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.schemas.insert(
        crate::problem::Body::name().into_owned(),
        crate::problem::Body::schema(),
    );
    components.schemas.insert(
        crate::problem::FieldBody::name().into_owned(),
        crate::problem::FieldBody::schema(),
    );
    let problem = Ref::from_schema_name(crate::problem::Body::name());
    for (path, item) in doc.paths.paths.iter_mut() {
        let path_has_parameters = path.contains('{');
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            let takes_input = op.request_body.is_some()
                || op.parameters.as_ref().is_some_and(|p| !p.is_empty())
                || path_has_parameters;
            let mut generic = Vec::new();
            if takes_input {
                generic.push((
                    "400",
                    "Malformed request: bad JSON, a wrong type, an unknown field or a bad parameter",
                ));
            }
            if op.request_body.is_some() {
                generic.push((
                    "422",
                    "A field of the body is missing, of the wrong type, unknown or invalid",
                ));
                generic.push(("413", "Body over 256 KiB"));
                generic.push(("415", "Body is not JSON"));
            }
            for (status, description) in generic {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::T(Response::new(description)));
            }
            for (status, response) in op.responses.responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                if !status.starts_with(['4', '5']) || !response.content.is_empty() {
                    continue;
                }
                response.content.insert(
                    "application/problem+json".to_owned(),
                    Content::new(Some(problem.clone())),
                );
            }
        }
    }
}
