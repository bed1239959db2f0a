//! Case events: the append-only timeline of every case, and the feed for upper-level monitors.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::case_events;

/// An event to append to a case's timeline (the store numbers it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// When, unix milliseconds.
    pub at: i64,
    /// What happened, e.g. `received`, `accepted`, `stage_completed`.
    pub kind: String,
    /// Who did it (username or `system`).
    pub actor: String,
    /// The window it was done at, if any.
    pub window_code: Option<String>,
    /// The grant the window action relied on, if any.
    pub grant_id: Option<i64>,
    /// The event's own data, JSON text.
    pub data: String,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = case_events)]
pub struct EventRecord {
    /// Global order of events (the feed cursor).
    pub id: i64,
    /// The case.
    pub case_no: String,
    /// Position in the case's timeline, from 1.
    pub seq: i64,
    /// When, unix milliseconds.
    pub at: i64,
    /// What happened.
    pub kind: String,
    /// Who did it.
    pub actor: String,
    /// The window, if any.
    pub window_code: Option<String>,
    /// The grant used, if any.
    pub grant_id: Option<i64>,
    /// Data, JSON text.
    pub data: String,
}

#[derive(Insertable)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
struct EventRow<'a> {
    case_no: &'a str,
    seq: i64,
    at: i64,
    kind: &'a str,
    actor: &'a str,
    window_code: Option<&'a str>,
    grant_id: Option<i64>,
    data: &'a str,
}

/// Appends `event` to the timeline of `case_no` at position `seq`. Every transition writes
/// exactly one event and bumps the case version by one, so the caller passes the case's new
/// version and no query is needed; the unique (case_no, seq) index rejects a gap or a repeat.
pub fn append(
    conn: &mut DbConnection,
    case_no: &str,
    seq: i64,
    event: &NewEvent,
) -> Result<(), StoreError> {
    diesel::insert_into(case_events::table)
        .values(&EventRow {
            case_no,
            seq,
            at: event.at,
            kind: &event.kind,
            actor: &event.actor,
            window_code: event.window_code.as_deref(),
            grant_id: event.grant_id,
            data: &event.data,
        })
        .execute(conn)?;
    Ok(())
}

/// Appends the first events of many new cases: `(case_no, event)`, each at position 1. One
/// multi-row INSERT per 500 events on PostgreSQL (a round trip each otherwise), a row at a
/// time in-process on SQLite.
pub fn append_first_many(
    conn: &mut DbConnection,
    events: &[(&str, &NewEvent)],
) -> Result<(), StoreError> {
    let rows: Vec<EventRow<'_>> = events
        .iter()
        .map(|(case_no, event)| EventRow {
            case_no,
            seq: 1,
            at: event.at,
            kind: &event.kind,
            actor: &event.actor,
            window_code: event.window_code.as_deref(),
            grant_id: event.grant_id,
            data: &event.data,
        })
        .collect();
    for chunk in rows.chunks(crate::multi_row::MULTI_ROW_CHUNK) {
        crate::multi_row::multi_row_insert!(conn, case_events::table, chunk);
    }
    Ok(())
}

/// Appends one event to each of many cases: `(case_no, seq, event)`, `seq` being the case's
/// new version as in [`append`]. One multi-row INSERT per 500 events on both backends.
pub fn append_many(
    conn: &mut DbConnection,
    events: &[(&str, i64, &NewEvent)],
) -> Result<(), StoreError> {
    let rows: Vec<EventRow<'_>> = events
        .iter()
        .map(|(case_no, seq, event)| EventRow {
            case_no,
            seq: *seq,
            at: event.at,
            kind: &event.kind,
            actor: &event.actor,
            window_code: event.window_code.as_deref(),
            grant_id: event.grant_id,
            data: &event.data,
        })
        .collect();
    for chunk in rows.chunks(crate::multi_row::MULTI_ROW_CHUNK) {
        crate::multi_row::multi_row_insert!(conn, case_events::table, chunk);
    }
    Ok(())
}

/// The timeline of one case, oldest first.
pub fn for_case(conn: &mut DbConnection, case_no: &str) -> Result<Vec<EventRecord>, StoreError> {
    Ok(case_events::table
        .filter(case_events::case_no.eq(case_no))
        .order(case_events::seq.asc())
        .select(EventRecord::as_select())
        .load(conn)?)
}

/// Events of all cases after the cursor `after_id` (exclusive), in global order: the feed.
/// Ids follow commit order because every writing transaction first takes the audit lock.
pub fn after(
    conn: &mut DbConnection,
    after_id: i64,
    limit: i64,
) -> Result<Vec<EventRecord>, StoreError> {
    Ok(case_events::table
        .filter(case_events::id.gt(after_id))
        .order(case_events::id.asc())
        .limit(limit)
        .select(EventRecord::as_select())
        .load(conn)?)
}
