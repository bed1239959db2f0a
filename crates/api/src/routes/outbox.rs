//! The outbox as the administrator sees it: messages waiting, sent, and failing with their
//! last error, so that a broken mail server or a bad address does not go unnoticed.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tongban_core::role::Role;
use tongban_store::{outbox, OutboxRecord};
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::Caller;
use crate::problem::{Problem, Text};
use tongban_app::records::from_millis;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// `failing` (failed at least once, not sent) or `all` (default), newest first.
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

impl From<OutboxRecord> for OutboxMessage {
    fn from(r: OutboxRecord) -> Self {
        OutboxMessage {
            id: r.id,
            kind: r.kind,
            recipient: r.recipient,
            subject: r.subject,
            created_at: from_millis(r.created_at),
            attempts: r.attempts,
            next_attempt_at: (r.next_attempt_at != i64::MAX && r.sent_at.is_none())
                .then(|| from_millis(r.next_attempt_at)),
            sent_at: r.sent_at.map(from_millis),
            last_error: r.last_error,
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
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(Problem::bad_request(
            "invalid_query",
            Text::new("limit 须在 1 到 500 之间。", "`limit` must be 1 to 500."),
        ));
    }
    let failing = match query.state.as_deref() {
        None | Some("all") => false,
        Some("failing") => true,
        Some(_) => {
            return Err(Problem::bad_request(
                "invalid_query",
                Text::new(
                    "state 只能是 failing 或 all。",
                    "`state` is `failing` or `all`.",
                ),
            ))
        }
    };
    let rows = state
        .store
        .read(move |c| {
            if failing {
                outbox::failing(c, limit)
            } else {
                outbox::list(c, limit)
            }
        })
        .await
        .map_err(crate::store_problem)?;
    Ok(web::Json(
        rows.into_iter().map(OutboxMessage::from).collect(),
    ))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(list_outbox);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_outbox))]
pub struct Doc;
