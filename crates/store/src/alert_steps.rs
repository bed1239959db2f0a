//! The lifecycle steps of alerts (acknowledge, urge, resolve, escalate), one row per step.
//! Ids are assigned inside the writer's transaction, which holds the audit lock, so they
//! follow commit order like event ids: the supervision feed reads them with `id > cursor`.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::alert_steps;

/// A step to record.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = alert_steps)]
pub struct NewAlertStep {
    /// The alert.
    pub alert_id: i64,
    /// `acknowledge`, `urge`, `resolve` or `escalate`.
    pub action: String,
    /// Status before.
    pub from_status: String,
    /// Status after.
    pub to_status: String,
    /// Who (username).
    pub actor: String,
    /// When, unix milliseconds.
    pub at: i64,
    /// The supervisor's note (the explanation of a resolution).
    pub note: Option<String>,
    /// Whom the step notified, JSON array of usernames (an urge's recipients).
    pub notified: String,
}

/// A recorded step.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = alert_steps)]
pub struct AlertStepRecord {
    /// Id (global order of steps).
    pub id: i64,
    /// The alert.
    pub alert_id: i64,
    /// Action.
    pub action: String,
    /// Status before.
    pub from_status: String,
    /// Status after.
    pub to_status: String,
    /// Who.
    pub actor: String,
    /// When, unix milliseconds.
    pub at: i64,
    /// Note.
    pub note: Option<String>,
    /// Whom it notified, JSON array text.
    pub notified: String,
}

/// Records a step; returns it with its id.
pub fn insert(conn: &mut DbConnection, step: &NewAlertStep) -> Result<AlertStepRecord, StoreError> {
    let id: i64 = diesel::insert_into(alert_steps::table)
        .values(step)
        .returning(alert_steps::id)
        .get_result(conn)?;
    Ok(AlertStepRecord {
        id,
        alert_id: step.alert_id,
        action: step.action.clone(),
        from_status: step.from_status.clone(),
        to_status: step.to_status.clone(),
        actor: step.actor.clone(),
        at: step.at,
        note: step.note.clone(),
        notified: step.notified.clone(),
    })
}

/// The steps of one alert, oldest first.
pub fn of_alert(
    conn: &mut DbConnection,
    alert_id: i64,
) -> Result<Vec<AlertStepRecord>, StoreError> {
    Ok(alert_steps::table
        .filter(alert_steps::alert_id.eq(alert_id))
        .order(alert_steps::id.asc())
        .select(AlertStepRecord::as_select())
        .load(conn)?)
}

/// Steps after the cursor `after_id` (exclusive), in order (for the feed).
pub fn after(
    conn: &mut DbConnection,
    after_id: i64,
    limit: i64,
) -> Result<Vec<AlertStepRecord>, StoreError> {
    Ok(alert_steps::table
        .filter(alert_steps::id.gt(after_id))
        .order(alert_steps::id.asc())
        .limit(limit)
        .select(AlertStepRecord::as_select())
        .load(conn)?)
}
