//! The outbox as the administrator sees it: messages waiting, sent, and failing with their
//! last error, so that a broken mail server or a bad address does not go unnoticed.

use chrono::{DateTime, Utc};
use tongban_store::outbox::{self, OutboxFilter};
use tongban_store::OutboxRecord;

use crate::error::{AppResult, Code, Error, Text};
use crate::records::from_millis;
use crate::App;

/// Which messages to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct OutboxQuery {
    /// `waiting` (never tried yet), `failing` (failed at least once, not sent), `sent`, or
    /// `all` (default).
    pub state: Option<String>,
    /// At most this many (1–500, default 100).
    pub limit: Option<i64>,
}

/// One outgoing message and its delivery state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i64,
    /// `None` when sent, or parked after the last attempt (the administrator decides).
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

/// Outgoing messages and their delivery state.
pub async fn list(app: &App, query: &OutboxQuery) -> AppResult<Vec<OutboxMessage>> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(Error::bad_request(
            Code::InvalidQuery,
            Text::new("limit 须在 1 到 500 之间。", "`limit` must be 1 to 500."),
        ));
    }
    let filter = match query.state.as_deref() {
        None | Some("all") => OutboxFilter::All,
        Some("waiting") => OutboxFilter::Waiting,
        Some("failing") => OutboxFilter::Failing,
        Some("sent") => OutboxFilter::Sent,
        Some(_) => {
            return Err(Error::bad_request(
                Code::InvalidQuery,
                Text::new(
                    "state 只能是 all、waiting、failing 或 sent。",
                    "`state` is `all`, `waiting`, `failing` or `sent`.",
                ),
            ))
        }
    };
    let rows = app
        .store
        .read(move |c| outbox::list(c, filter, limit))
        .await?;
    Ok(rows.into_iter().map(OutboxMessage::from).collect())
}
