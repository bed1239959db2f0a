//! Builds the actix-web application: middleware, routes and the API page.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{middleware, web, App, HttpServer};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::caller::Authenticator;
use crate::{extract, openapi, pages, problem, routes, state::AppState};

/// Mounts every route; shared by the server and by in-process tests.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(extract::json_config())
        .app_data(extract::path_config())
        .app_data(extract::query_config())
        .configure(routes::ops::configure)
        .configure(routes::auth::configure)
        .configure(routes::catalogue::configure)
        .configure(routes::directory::configure)
        .configure(routes::cases::configure)
        .configure(routes::on_spot::configure)
        .configure(routes::attachments::configure)
        .configure(routes::public::configure)
        .configure(routes::calendar::configure)
        .configure(routes::clocks::configure)
        .configure(routes::users::configure)
        .configure(routes::admin::configure)
        .configure(routes::supervision::configure)
        .configure(routes::desk::configure)
        .configure(routes::outbox::configure)
        .configure(pages::configure)
        .service(
            SwaggerUi::new("/api/docs/{_:.*}").url("/api/docs/openapi.json", openapi::document()),
        );
}

/// Binds and runs the server until it is stopped; `on_bound` receives the bound addresses
/// (the port is chosen by the OS when the bind address ends in `:0`).
pub async fn run(
    state: web::Data<AppState>,
    auth: Authenticator,
    bind: &str,
    on_bound: impl FnOnce(&[std::net::SocketAddr]),
) -> std::io::Result<()> {
    let auth = web::Data::new(auth);
    let metrics = metrics(&state)?;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(auth.clone())
            .wrap(middleware::from_fn(current_config))
            .wrap(middleware::from_fn(crate::guard::reject_control_characters))
            .wrap(middleware::from_fn(problem::localize))
            .wrap(middleware::from_fn(crate::guard::headers))
            // Counts every request, those answered with a problem included.
            .wrap(metrics.clone())
            // Paths only: query strings may carry a query code, and bodies personal data.
            .wrap(
                middleware::Logger::new("%{method}xi %U %s %Dms")
                    .custom_request_replace("method", |req| req.method().to_string())
                    .exclude("/healthz"),
            )
            .configure(configure)
    })
    .bind(bind)?;
    on_bound(&server.addrs());
    server.run().await
}

/// Checks the configuration revision before every request that may decide anything, and
/// reloads the catalogue, hall, calendars and signing keys when another process (or this one)
/// changed them: one integer read. So whatever the request reads from the process's copy
/// ([`tongban_app::App::cached`]) is at least as new as the database was when it arrived,
/// and a change made at one process holds at every other at once.
async fn current_config(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path();
    // Readiness reports a lost database with its reason (`tongban_app::readiness`) rather
    // than failing here first.
    let decides = !(path == "/healthz"
        || path == "/readyz"
        || path == "/metrics"
        || path.starts_with("/assets/"));
    if !decides {
        return next.call(req).await;
    }
    // The public status query checks the configuration itself, after its one read, which
    // reads the revisions with the case (the busiest path: one blocking hop instead of two).
    if req.method() == actix_web::http::Method::GET && path.starts_with("/api/v1/public/cases/") {
        return tongban_app::within_request(next.call(req)).await;
    }
    // One read of both revisions serves this check, the session check and the use case's.
    tongban_app::within_request(async move {
        if let Some(state) = req.app_data::<web::Data<AppState>>() {
            state
                .app
                .config()
                .await
                .map_err(|e| actix_web::Error::from(problem::Problem::from(e)))?;
        }
        next.call(req).await
    })
    .await
}

/// `GET /metrics`: request counts and durations by route pattern (`tongban_http_requests_total`,
/// `tongban_http_requests_duration_seconds`); paths no route matches are counted as one, so
/// that probing random URLs cannot grow the metrics without bound. Also the calendar horizon,
/// the last backup's age and size, and write failures by cause.
fn metrics(state: &AppState) -> std::io::Result<actix_web_prom::PrometheusMetrics> {
    let registry = prometheus::Registry::new();
    let app = state.app.clone();
    let (backup, refresh) =
        crate::backup_metric::BackupCollector::new(app.clone()).map_err(std::io::Error::other)?;
    actix_web::rt::spawn(refresh);
    let collectors: [Box<dyn prometheus::core::Collector>; 3] = [
        Box::new(
            crate::horizon_metric::HorizonCollector::new(app.clone())
                .map_err(std::io::Error::other)?,
        ),
        Box::new(backup),
        Box::new(
            crate::write_metric::WriteFailuresCollector::new(app).map_err(std::io::Error::other)?,
        ),
    ];
    for c in collectors {
        registry.register(c).map_err(std::io::Error::other)?;
    }
    actix_web_prom::PrometheusMetricsBuilder::new("tongban")
        .registry(registry)
        .endpoint("/metrics")
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(std::io::Error::other)
}
