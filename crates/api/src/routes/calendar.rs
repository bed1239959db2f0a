//! Routes of api.md: calendar (being written).

/// Mounts this module's routes.
pub fn configure(_cfg: &mut actix_web::web::ServiceConfig) {}

#[derive(utoipa::OpenApi)]
#[openapi()]
pub struct Doc;
