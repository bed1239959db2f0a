//! The outbox: messages (e-mail) written in the same transaction as the change that causes
//! them, and sent later with retries.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::outbox;

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutbox {
    /// e.g. `email`.
    pub kind: String,
    /// Address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Body text.
    pub body: String,
    /// When queued, unix milliseconds.
    pub created_at: i64,
    /// Attempts so far (0 for a new message).
    pub attempts: i64,
    /// Earliest time to try, unix milliseconds.
    pub next_attempt_at: i64,
}

/// A queued or sent message.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRecord {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: String,
    /// Address.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// When queued.
    pub created_at: i64,
    /// Attempts so far.
    pub attempts: i64,
    /// Earliest next try.
    pub next_attempt_at: i64,
    /// When sent; `None` while pending.
    pub sent_at: Option<i64>,
    /// The last failure, if any.
    pub last_error: Option<String>,
}

/// Queues messages.
pub fn enqueue(conn: &mut DbConnection, messages: &[NewOutbox]) -> Result<(), StoreError> {
    for m in messages {
        diesel::insert_into(outbox::table).values(m).execute(conn)?;
    }
    Ok(())
}

/// Queues many messages with one multi-row INSERT per 500.
pub fn enqueue_many(conn: &mut DbConnection, messages: &[NewOutbox]) -> Result<(), StoreError> {
    for chunk in messages.chunks(crate::multi_row::MULTI_ROW_CHUNK) {
        crate::multi_row::multi_row_insert!(conn, outbox::table, chunk);
    }
    Ok(())
}

/// Unsent messages due at `now`, oldest first.
pub fn due(conn: &mut DbConnection, now: i64, limit: i64) -> Result<Vec<OutboxRecord>, StoreError> {
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::next_attempt_at.le(now))
        .order(outbox::next_attempt_at.asc())
        .limit(limit)
        .select(OutboxRecord::as_select())
        .load(conn)?)
}

/// Takes a due message for one sender: moves its next attempt to `lease_until` if it is
/// still unsent and due at `expected` (what the sender read). Only one of several senders
/// wins, so a message is handed to SMTP once per attempt.
pub fn claim(
    conn: &mut DbConnection,
    id: i64,
    expected: i64,
    lease_until: i64,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::sent_at.is_null())
            .filter(outbox::next_attempt_at.eq(expected)),
    )
    .set(outbox::next_attempt_at.eq(lease_until))
    .execute(conn)?;
    Ok(n > 0)
}

/// Marks a message sent.
pub fn mark_sent(conn: &mut DbConnection, id: i64, at: i64) -> Result<(), StoreError> {
    diesel::update(outbox::table.filter(outbox::id.eq(id)))
        .set(outbox::sent_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt and when to try again.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    error: &str,
    next_attempt_at: i64,
) -> Result<(), StoreError> {
    diesel::update(outbox::table.filter(outbox::id.eq(id)))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(Some(error)),
            outbox::next_attempt_at.eq(next_attempt_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which messages an administrator lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxFilter {
    All,
    /// Not sent, never tried yet.
    Waiting,
    /// Failed at least once and not sent.
    Failing,
    Sent,
}

/// Messages of `filter`, newest first (for the administrator).
pub fn list(
    conn: &mut DbConnection,
    filter: OutboxFilter,
    limit: i64,
) -> Result<Vec<OutboxRecord>, StoreError> {
    let mut query = outbox::table.into_boxed::<crate::conn::MultiBackend>();
    query = match filter {
        OutboxFilter::All => query,
        OutboxFilter::Waiting => query
            .filter(outbox::sent_at.is_null())
            .filter(outbox::attempts.eq(0)),
        OutboxFilter::Failing => query
            .filter(outbox::sent_at.is_null())
            .filter(outbox::attempts.gt(0)),
        OutboxFilter::Sent => query.filter(outbox::sent_at.is_not_null()),
    };
    Ok(query
        .order(outbox::id.desc())
        .limit(limit)
        .select(OutboxRecord::as_select())
        .load(conn)?)
}
