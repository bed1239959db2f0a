//! Alerts (预警): raised once per (scope, rule, level). Raising is an insert that ignores a
//! duplicate key, so restarts, catch-up and two sweepers never double-alert.

use diesel::prelude::*;

use tongban_core::supervision::lifecycle::AlertStatus;

use crate::conn::{DbConnection, MultiBackend};
use crate::error::StoreError;
use crate::schema::{alerts, users};
use crate::typed::{StoredAlertLevel, StoredAlertRule, StoredAlertStatus};

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
    /// Rule.
    pub rule: StoredAlertRule,
    /// Yellow or red.
    pub level: StoredAlertLevel,
    /// Initial status, normally open.
    pub status: StoredAlertStatus,
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
    pub rule: StoredAlertRule,
    /// Level.
    pub level: StoredAlertLevel,
    /// Open, acknowledged, urged, resolved or escalated.
    pub status: StoredAlertStatus,
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
    pub level: Option<StoredAlertLevel>,
    /// Status.
    pub status: Option<StoredAlertStatus>,
    /// Department.
    pub department: Option<String>,
    /// Rule.
    pub rule: Option<StoredAlertRule>,
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
    status: AlertStatus,
    detail: &str,
    at: i64,
) -> Result<AlertRecord, StoreError> {
    let n = diesel::update(alerts::table.find(id))
        .set((
            alerts::status.eq(StoredAlertStatus(status)),
            alerts::detail.eq(detail),
            alerts::updated_at.eq(at),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("alert {id}")));
    }
    get(conn, id)?.ok_or_else(|| StoreError::NotFound(format!("alert {id}")))
}

/// Moves an alert from `from` to `to` only if it is still in `from` (a step decided on a
/// stale read changes nothing); the detail is kept. Returns whether it moved.
pub fn transition(
    conn: &mut DbConnection,
    id: i64,
    from: AlertStatus,
    to: AlertStatus,
    at: i64,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        alerts::table
            .filter(alerts::id.eq(id))
            .filter(alerts::status.eq(StoredAlertStatus(from))),
    )
    .set((
        alerts::status.eq(StoredAlertStatus(to)),
        alerts::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// Active staff of `department` with an e-mail address and one of `roles`:
/// `(username, name, email)`, by username. Whom an urge (督办) is sent to.
pub fn department_contacts(
    conn: &mut DbConnection,
    department: &str,
    roles: &[&str],
) -> Result<Vec<(String, String, String)>, StoreError> {
    let rows: Vec<(String, String, Option<String>, String)> = users::table
        .filter(users::active.eq(true))
        .filter(users::department.eq(department))
        .filter(users::email.is_not_null())
        .order(users::username.asc())
        .select((users::username, users::name, users::email, users::roles))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, _, r)| {
            serde_json::from_str::<Vec<String>>(r)
                .is_ok_and(|held| held.iter().any(|h| roles.contains(&h.as_str())))
        })
        .filter_map(|(u, n, e, _)| e.map(|e| (u, n, e)))
        .collect())
}

/// One alert.
pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<AlertRecord>, StoreError> {
    Ok(alerts::table
        .find(id)
        .select(AlertRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The alerts with these ids (in id order); unknown ids are left out.
pub fn get_many(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<AlertRecord>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(alerts::table
        .filter(alerts::id.eq_any(ids))
        .order(alerts::id.asc())
        .select(AlertRecord::as_select())
        .load(conn)?)
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

/// Closes the open yellow alerts of a case, because the case ended; returns how many. A
/// yellow warned of a deadline that can no longer come. Red alerts are breaches and belong
/// to the supervisors: they stay open until a supervision officer resolves them, whatever
/// the supervised side does. Each closed yellow gets a `resolve` step by `system` with
/// `note`, so its history (and the supervision feed) shows how it ended; the alert's own
/// record (its detail) is never overwritten.
pub fn close_for_case(
    conn: &mut DbConnection,
    case_no: &str,
    at: i64,
    note: &str,
) -> Result<usize, StoreError> {
    let not_closed = AlertStatus::ALL
        .into_iter()
        .filter(|s| !s.is_closed())
        .map(StoredAlertStatus)
        .collect::<Vec<_>>();
    let yellow = StoredAlertLevel(tongban_core::supervision::AlertLevel::Yellow);
    let closing: Vec<(i64, StoredAlertStatus)> = alerts::table
        .filter(alerts::case_no.eq(case_no))
        .filter(alerts::level.eq(&yellow))
        .filter(alerts::status.eq_any(&not_closed))
        .order(alerts::id.asc())
        .select((alerts::id, alerts::status))
        .load(conn)?;
    if closing.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = closing.iter().map(|(id, _)| *id).collect();
    let n = diesel::update(alerts::table.filter(alerts::id.eq_any(&ids)))
        .set((
            alerts::status.eq(StoredAlertStatus(AlertStatus::Resolved)),
            alerts::updated_at.eq(at),
        ))
        .execute(conn)?;
    for (id, from) in closing {
        crate::alert_steps::insert(
            conn,
            &crate::alert_steps::NewAlertStep {
                alert_id: id,
                action: "resolve".into(),
                from_status: from.0.as_str().to_owned(),
                to_status: AlertStatus::Resolved.as_str().to_owned(),
                actor: "system".into(),
                at,
                note: Some(note.to_owned()),
                notified: "[]".into(),
            },
        )?;
    }
    Ok(n)
}

/// One page of the cases that have alerts matching `filter`, the case with the newest such
/// alert first (alerts without a case come as one `None` group), and how many cases in all.
pub fn cases_page(
    conn: &mut DbConnection,
    filter: &AlertFilter,
    page: crate::cases::Page,
) -> Result<(Vec<Option<String>>, i64), StoreError> {
    let per_page = usize::try_from(page.per_page.max(1)).unwrap_or(1);
    let skip = usize::try_from(page.page.max(1) - 1).unwrap_or(0) * per_page;
    // Two narrow columns of the matching alerts, newest first; boxed queries cannot group,
    // and the filters are optional, so the cases are taken in order here.
    let rows: Vec<Option<String>> = filtered(filter)
        .order(alerts::id.desc())
        .select(alerts::case_no)
        .load(conn)?;
    let mut seen = std::collections::HashSet::new();
    let ordered: Vec<Option<String>> = rows
        .into_iter()
        .filter(|no| seen.insert(no.clone()))
        .collect();
    let total = i64::try_from(ordered.len()).unwrap_or(i64::MAX);
    Ok((
        ordered.into_iter().skip(skip).take(per_page).collect(),
        total,
    ))
}

/// The alerts matching `filter` of these cases (`None`: the alerts without a case), oldest
/// first.
pub fn of_cases(
    conn: &mut DbConnection,
    filter: &AlertFilter,
    cases: &[Option<String>],
) -> Result<Vec<AlertRecord>, StoreError> {
    let nos: Vec<String> = cases.iter().flatten().cloned().collect();
    let mut q = filtered(filter);
    q = if cases.iter().any(Option::is_none) {
        q.filter(alerts::case_no.eq_any(nos).or(alerts::case_no.is_null()))
    } else {
        q.filter(alerts::case_no.eq_any(nos))
    };
    Ok(q.order(alerts::id.asc())
        .select(AlertRecord::as_select())
        .load(conn)?)
}

/// The alerts not closed (open, acknowledged, urged) with the window their case was taken
/// at: what the supervisor's desk counts.
pub fn not_closed_with_window(
    conn: &mut DbConnection,
) -> Result<Vec<(AlertRecord, Option<String>)>, StoreError> {
    use crate::schema::cases;
    let not_closed = AlertStatus::ALL
        .into_iter()
        .filter(|s| !s.is_closed())
        .map(StoredAlertStatus)
        .collect::<Vec<_>>();
    Ok(alerts::table
        .left_join(cases::table.on(alerts::case_no.eq(cases::case_no.nullable())))
        .filter(alerts::status.eq_any(not_closed))
        .order(alerts::id.asc())
        .select((AlertRecord::as_select(), cases::window_code.nullable()))
        .load(conn)?)
}

/// `(raised_at, level)` of the alerts raised from `from` (unix ms) on: the desk's trend.
pub fn raised_since(
    conn: &mut DbConnection,
    from: i64,
) -> Result<Vec<(i64, StoredAlertLevel)>, StoreError> {
    Ok(alerts::table
        .filter(alerts::raised_at.ge(from))
        .order(alerts::id.asc())
        .select((alerts::raised_at, alerts::level))
        .load(conn)?)
}
