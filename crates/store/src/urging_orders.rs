//! 督办单 (urging orders): one per urge of an alert, addressed to the responsible
//! department, with the instant by which its head must reply, and the reply.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::urging_orders;

/// An order to record, in the urge's transaction.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = urging_orders)]
pub struct NewUrgingOrder {
    pub alert_id: i64,
    pub case_no: Option<String>,
    pub department: String,
    /// The supervisor (username).
    pub issued_by: String,
    /// Unix milliseconds.
    pub issued_at: i64,
    /// The supervisor's message.
    pub note: Option<String>,
    /// Working days given for the reply.
    pub reply_days: i64,
    /// The end of the last day of the reply, unix milliseconds.
    pub reply_due: i64,
}

/// A stored order.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = urging_orders)]
pub struct UrgingOrderRecord {
    pub id: i64,
    pub alert_id: i64,
    pub case_no: Option<String>,
    pub department: String,
    pub issued_by: String,
    pub issued_at: i64,
    pub note: Option<String>,
    pub reply_days: i64,
    pub reply_due: i64,
    /// The head's reply; `None` while unanswered.
    pub reply: Option<String>,
    pub replied_by: Option<String>,
    pub replied_at: Option<i64>,
}

/// Records an order; returns its id.
pub fn insert(conn: &mut DbConnection, order: &NewUrgingOrder) -> Result<i64, StoreError> {
    Ok(diesel::insert_into(urging_orders::table)
        .values(order)
        .returning(urging_orders::id)
        .get_result(conn)?)
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<UrgingOrderRecord>, StoreError> {
    Ok(urging_orders::table
        .find(id)
        .select(UrgingOrderRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The orders of one alert, oldest first.
pub fn of_alert(
    conn: &mut DbConnection,
    alert_id: i64,
) -> Result<Vec<UrgingOrderRecord>, StoreError> {
    Ok(urging_orders::table
        .filter(urging_orders::alert_id.eq(alert_id))
        .order(urging_orders::id.asc())
        .select(UrgingOrderRecord::as_select())
        .load(conn)?)
}

/// The orders of these alerts, oldest first.
pub fn of_alerts(
    conn: &mut DbConnection,
    alert_ids: &[i64],
) -> Result<Vec<UrgingOrderRecord>, StoreError> {
    if alert_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(urging_orders::table
        .filter(urging_orders::alert_id.eq_any(alert_ids))
        .order(urging_orders::id.asc())
        .select(UrgingOrderRecord::as_select())
        .load(conn)?)
}

/// Unanswered orders, soonest reply first: of one department, or of all with `None`.
pub fn unanswered(
    conn: &mut DbConnection,
    department: Option<&str>,
    limit: i64,
) -> Result<Vec<UrgingOrderRecord>, StoreError> {
    let mut q = urging_orders::table
        .filter(urging_orders::replied_at.is_null())
        .into_boxed::<crate::conn::MultiBackend>();
    if let Some(d) = department {
        q = q.filter(urging_orders::department.eq(d.to_owned()));
    }
    Ok(
        q.order((urging_orders::reply_due.asc(), urging_orders::id.asc()))
            .limit(limit)
            .select(UrgingOrderRecord::as_select())
            .load(conn)?,
    )
}

/// Records the reply unless the order was answered already; returns whether it was.
pub fn reply(
    conn: &mut DbConnection,
    id: i64,
    text: &str,
    by: &str,
    at: i64,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        urging_orders::table
            .filter(urging_orders::id.eq(id))
            .filter(urging_orders::replied_at.is_null()),
    )
    .set((
        urging_orders::reply.eq(Some(text)),
        urging_orders::replied_by.eq(Some(by)),
        urging_orders::replied_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// Orders of a case whose reply is overdue at `now_ms` and still unanswered, oldest due
/// first, at most `limit`, of cases not yet alerted under `unless_alerted`: the sweep
/// escalates each case once, and never rereads those it escalated.
pub fn overdue_unanswered(
    conn: &mut DbConnection,
    now_ms: i64,
    limit: i64,
    unless_alerted: &str,
) -> Result<Vec<UrgingOrderRecord>, StoreError> {
    use crate::schema::alerts;
    let alerted = alerts::table
        .filter(alerts::case_no.eq(urging_orders::case_no))
        .filter(alerts::rule.eq(unless_alerted));
    Ok(urging_orders::table
        .filter(diesel::dsl::not(diesel::dsl::exists(alerted)))
        .filter(urging_orders::reply.is_null())
        .filter(urging_orders::reply_due.lt(now_ms))
        .filter(urging_orders::case_no.is_not_null())
        .order(urging_orders::reply_due.asc())
        .limit(limit)
        .select(UrgingOrderRecord::as_select())
        .load(conn)?)
}
