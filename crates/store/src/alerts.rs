//! Alerts (预警): raised once per (scope, rule, level). Raising is an insert that ignores a
//! duplicate key, so restarts, catch-up and two sweepers never double-alert.

use diesel::prelude::*;

use crate::conn::{DbConnection, MultiBackend};
use crate::error::StoreError;
use crate::schema::alerts;

/// An alert to raise.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = alerts)]
pub struct NewAlert {
    /// What it is about: `case:<case_no>` or `stage:<case_no>/<stage>`.
    pub scope: String,
    /// The case.
    pub case_no: Option<String>,
    /// The stage.
    pub stage: Option<String>,
    /// Rule name.
    pub rule: String,
    /// `yellow` or `red`.
    pub level: String,
    /// Initial status, normally `open`.
    pub status: String,
    /// Responsible department.
    pub department: Option<String>,
    /// When raised, unix milliseconds.
    pub raised_at: i64,
    /// Last change (= raised_at).
    pub updated_at: i64,
    /// Detail, JSON text.
    pub detail: String,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = alerts)]
pub struct AlertRecord {
    /// Id.
    pub id: i64,
    /// Scope.
    pub scope: String,
    /// Case.
    pub case_no: Option<String>,
    /// Stage.
    pub stage: Option<String>,
    /// Rule.
    pub rule: String,
    /// Level.
    pub level: String,
    /// `open`, `acknowledged`, `urged`, `resolved`, `escalated`.
    pub status: String,
    /// Department.
    pub department: Option<String>,
    /// When raised.
    pub raised_at: i64,
    /// Last change.
    pub updated_at: i64,
    /// Detail, JSON text (notes of the lifecycle are the caller's to merge in).
    pub detail: String,
}

/// Filter of the alert list; every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    /// Level.
    pub level: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Rule.
    pub rule: Option<String>,
    /// Case.
    pub case_no: Option<String>,
}

/// Raises an alert unless one with the same (scope, rule, level) exists; returns whether
/// this call inserted it.
pub fn raise(conn: &mut DbConnection, alert: &NewAlert) -> Result<bool, StoreError> {
    // diesel's MultiConnection has no ON CONFLICT; each backend has its own.
    let n = match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(alerts::table)
            .values(alert)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConnection::Pg(c) => diesel::insert_into(alerts::table)
            .values(alert)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(n > 0)
}

/// Raises many alerts, skipping those already raised; returns how many were inserted.
/// Multi-row inserts, so that a sweep of thousands of cases costs a few round trips to
/// PostgreSQL, not one per alert.
pub fn raise_many(conn: &mut DbConnection, new: &[NewAlert]) -> Result<usize, StoreError> {
    let mut inserted = 0;
    match conn {
        // In-process: a row at a time costs no round trip (and diesel's SQLite batch insert
        // cannot take optional columns).
        DbConnection::Sqlite(_) => {
            for alert in new {
                inserted += usize::from(raise(conn, alert)?);
            }
        }
        // 11 columns per row: 400 rows stay under PostgreSQL's bind limit.
        DbConnection::Pg(c) => {
            for chunk in new.chunks(400) {
                inserted += diesel::insert_into(alerts::table)
                    .values(chunk)
                    .on_conflict_do_nothing()
                    .execute(c)?;
            }
        }
    }
    Ok(inserted)
}

/// Moves an alert to `status` and stores the new detail; `NotFound` if unknown.
pub fn set_status(
    conn: &mut DbConnection,
    id: i64,
    status: &str,
    detail: &str,
    at: i64,
) -> Result<AlertRecord, StoreError> {
    let n = diesel::update(alerts::table.find(id))
        .set((
            alerts::status.eq(status),
            alerts::detail.eq(detail),
            alerts::updated_at.eq(at),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("alert {id}")));
    }
    get(conn, id)?.ok_or_else(|| StoreError::NotFound(format!("alert {id}")))
}

/// One alert.
pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<AlertRecord>, StoreError> {
    Ok(alerts::table
        .find(id)
        .select(AlertRecord::as_select())
        .first(conn)
        .optional()?)
}

fn filtered<'a>(filter: &'a AlertFilter) -> alerts::BoxedQuery<'a, MultiBackend> {
    let mut q = alerts::table.into_boxed::<MultiBackend>();
    if let Some(v) = &filter.level {
        q = q.filter(alerts::level.eq(v));
    }
    if let Some(v) = &filter.status {
        q = q.filter(alerts::status.eq(v));
    }
    if let Some(v) = &filter.department {
        q = q.filter(alerts::department.eq(v));
    }
    if let Some(v) = &filter.rule {
        q = q.filter(alerts::rule.eq(v));
    }
    if let Some(v) = &filter.case_no {
        q = q.filter(alerts::case_no.eq(v));
    }
    q
}

/// A page of alerts, newest first, and the total matching.
pub fn list(
    conn: &mut DbConnection,
    filter: &AlertFilter,
    page: crate::cases::Page,
) -> Result<(Vec<AlertRecord>, i64), StoreError> {
    let per_page = page.per_page.max(1);
    let total: i64 = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order(alerts::id.desc())
        .limit(per_page)
        .offset((page.page.max(1) - 1) * per_page)
        .select(AlertRecord::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Alerts raised after the cursor `after_id`, in order (for the feed).
pub fn after(
    conn: &mut DbConnection,
    after_id: i64,
    limit: i64,
) -> Result<Vec<AlertRecord>, StoreError> {
    Ok(alerts::table
        .filter(alerts::id.gt(after_id))
        .order(alerts::id.asc())
        .limit(limit)
        .select(AlertRecord::as_select())
        .load(conn)?)
}

/// Closes every alert of a case that is not closed yet, because the case ended; returns how
/// many. Closed alerts (resolved, escalated) keep their status.
pub fn close_for_case(
    conn: &mut DbConnection,
    case_no: &str,
    at: i64,
    reason: &str,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        alerts::table
            .filter(alerts::case_no.eq(case_no))
            .filter(alerts::status.eq_any(["open", "acknowledged", "urged"])),
    )
    .set((
        alerts::status.eq("resolved"),
        alerts::detail.eq(reason),
        alerts::updated_at.eq(at),
    ))
    .execute(conn)?)
}
