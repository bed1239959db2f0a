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
    /// The last day of the last official calendar year: deadlines after it are provisional
    /// (counted by the 放假办法), never refused.
    pub calendar_last_official_day: chrono::NaiveDate,
    /// Days from today to it.
    pub calendar_days_left: i64,
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
    let today = state.hall.local_date(state.clock.now());
    let horizon = tongban_app::calendars::years::Horizon::of(&state.calendar(), today);
    Ok(web::Json(Ready {
        status: "ready",
        calendar_last_official_day: horizon.last_official_day,
        calendar_days_left: horizon.days_left,
    }))
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
