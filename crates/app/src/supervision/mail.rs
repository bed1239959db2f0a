//! The outbox as the mailer drains it: the e-mails due, each claimed before it is sent so
//! that two senders never hand the same message to SMTP in one attempt, then marked sent or
//! failed (with the next attempt).

use chrono::{DateTime, Utc};
use tongban_store::outbox;

use crate::error::AppResult;
use crate::records::millis;
use crate::App;

/// Messages taken per round.
const BATCH: i64 = 100;
/// How long a claimed message is reserved for the sender that took it.
const LEASE_MS: i64 = 5 * 60 * 1000;

/// One e-mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Failed attempts so far.
    pub attempts: i64,
    /// The next attempt as stored, which the claim checks (unix milliseconds).
    next_attempt_at: i64,
}

/// The e-mails due at `now`, oldest first (blocking).
pub fn due(app: &App, now: DateTime<Utc>) -> AppResult<Vec<Mail>> {
    let now_ms = millis(now);
    let due = app.store.read_blocking(|c| outbox::due(c, now_ms, BATCH))?;
    Ok(due
        .into_iter()
        .filter(|m| m.kind == "email")
        .map(|m| Mail {
            id: m.id,
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
        })
        .collect())
}

/// Reserves `mail` for this sender for a lease; `false` when another sender took it first.
pub fn claim(app: &App, mail: &Mail, now: DateTime<Utc>) -> AppResult<bool> {
    let (id, expected) = (mail.id, mail.next_attempt_at);
    let until = millis(now) + LEASE_MS;
    Ok(app
        .store
        .write_blocking(move |c| outbox::claim(c, id, expected, until))?)
}

pub fn mark_sent(app: &App, id: i64, now: DateTime<Utc>) -> AppResult<()> {
    let at = millis(now);
    Ok(app
        .store
        .write_blocking(move |c| outbox::mark_sent(c, id, at))?)
}

/// Records a failed attempt; the message is tried again at `next_attempt_at` (unix ms).
pub fn mark_failed(app: &App, id: i64, error: &str, next_attempt_at: i64) -> AppResult<()> {
    let error = error.to_owned();
    Ok(app
        .store
        .write_blocking(move |c| outbox::mark_failed(c, id, &error, next_attempt_at))?)
}
