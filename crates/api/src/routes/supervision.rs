//! Supervision routes: the sweep on demand (administration).

use actix_web::{post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tongban_core::role::Role;
use tongban_store::NewAudit;
use utoipa::ToSchema;

use crate::auth::caller::Caller;
use crate::problem::Problem;
use crate::records::{millis, to_json};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SweepResult {
    /// The instant swept to (the server's clock, or the test clock).
    pub at: DateTime<Utc>,
    /// Cases whose check was due.
    pub cases: usize,
    /// Alerts raised now (alerts raised before are not raised again).
    pub raised: usize,
}

/// Runs one supervision sweep now, on the server's clock, instead of waiting for the
/// scheduler; the same sweep the scheduler runs.
pub async fn run_sweep(state: &AppState) -> Result<SweepResult, Problem> {
    let now = state.clock.now();
    let store = state.store.clone();
    let catalogue = state.catalogue();
    let calendar = state.calendar();
    let hall = state.hall;
    let report = web::block(move || {
        tongban_supervision::sweep(&store, catalogue.as_ref(), &calendar, hall, now)
    })
    .await
    .map_err(|_| Problem::internal())?
    .map_err(|tongban_supervision::SweepError::Store(e)| crate::store_problem(e))?;
    Ok(SweepResult {
        at: now,
        cases: report.cases,
        raised: report.raised,
    })
}

/// Runs one supervision sweep now (admin).
#[utoipa::path(
    tag = "supervision",
    responses(
        (status = 200, body = SweepResult),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator")
    )
)]
#[post("/api/v1/admin/supervision/sweep")]
pub async fn sweep_now(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<SweepResult>, Problem> {
    caller.require_any(&[Role::Admin])?;
    let result = run_sweep(&state).await?;
    state
        .store
        .append_audit(NewAudit {
            at: millis(result.at),
            actor: caller.username().to_owned(),
            action: "supervision.sweep".into(),
            subject: "supervision".into(),
            detail: to_json(&serde_json::json!({"cases": result.cases, "raised": result.raised})),
        })
        .await
        .map_err(crate::store_problem)?;
    Ok(web::Json(result))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(sweep_now);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(sweep_now))]
pub struct Doc;
