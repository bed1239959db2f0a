//! The outbox as the administrator sees it: messages waiting, sent, and failing with their
//! last error, so that a broken mail server or a bad address does not go unnoticed.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tongban_app::supervision::outbox::{self, OutboxMessage as Message};
use tongban_core::role::Role;
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::Caller;
use crate::problem::Problem;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// `waiting` (never tried yet), `failing` (failed at least once, not sent), `sent` or
    /// `all` (default), newest first.
    pub state: Option<String>,
    /// At most this many (1–500, default 100).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i64,
    /// `None` when parked after the last attempt (the administrator decides).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

impl From<Message> for OutboxMessage {
    fn from(m: Message) -> Self {
        OutboxMessage {
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            subject: m.subject,
            created_at: m.created_at,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
            last_error: m.last_error,
        }
    }
}

/// Outgoing messages and their delivery state (admin).
#[utoipa::path(
    tag = "administration",
    params(OutboxQuery),
    responses(
        (status = 200, body = Vec<OutboxMessage>),
        (status = 400, description = "Bad filter"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator")
    )
)]
#[get("/api/v1/admin/outbox")]
pub async fn list_outbox(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<OutboxQuery>,
) -> Result<web::Json<Vec<OutboxMessage>>, Problem> {
    caller.require_any(&[Role::Admin])?;
    let query = outbox::OutboxQuery {
        state: query.state.clone(),
        limit: query.limit,
    };
    let messages = outbox::list(&state.app, &query).await?;
    Ok(web::Json(
        messages.into_iter().map(OutboxMessage::from).collect(),
    ))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(list_outbox);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_outbox))]
pub struct Doc;
