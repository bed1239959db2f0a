//! Operations: liveness, readiness, metrics, the OpenAPI document.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::openapi;
use crate::problem::Problem;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` while the process serves requests.
    pub status: &'static str,
    pub version: &'static str,
}

/// Liveness: the process is up and serving.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `ready`: the database answers and its schema is current.
    pub status: &'static str,
}

/// Readiness: the database is reachable and every migration is applied.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, body = Ready),
        (status = 503, description = "Database unreachable or migrations missing")
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Ready>, Problem> {
    tongban_app::readiness::check(&state).await?;
    Ok(web::Json(Ready { status: "ready" }))
}

/// Prometheus metrics of the HTTP server (requests by route, method and status, and their
/// durations), as Prometheus text. Answered by the metrics middleware (server.rs), so this
/// function only documents it.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain", body = String))
)]
#[allow(dead_code)]
fn metrics() {}

/// The OpenAPI document of every route, generated from the code.
#[utoipa::path(tag = "operations", responses((status = 200, description = "OpenAPI 3.1 document")))]
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(openapi::document())
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(healthz);
    cfg.service(readyz);
    cfg.service(openapi_json);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(healthz, readyz, metrics, openapi_json))]
pub struct Doc;
