//! The last successful backup as the database records it, for `/metrics`: every process
//! reads the same table, so every process exports the same age.

use chrono::{DateTime, Utc};
use tongban_store::backups;

use crate::error::AppResult;
use crate::App;

/// The most recent backup recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastBackup {
    /// When its snapshot was taken.
    pub taken_at: DateTime<Utc>,
    /// Size of its payload.
    pub bytes: i64,
    /// Cases it holds.
    pub cases: i64,
}

impl LastBackup {
    /// Seconds from its snapshot to `now` (never negative).
    pub fn age_seconds(&self, now: DateTime<Utc>) -> f64 {
        ((now - self.taken_at).num_milliseconds().max(0) as f64) / 1000.0
    }
}

/// The most recent backup recorded in the database, `None` before the first.
pub async fn last(app: &App) -> AppResult<Option<LastBackup>> {
    let record = app.store.read(backups::latest).await?;
    Ok(record.map(|b| LastBackup {
        taken_at: DateTime::from_timestamp_millis(b.taken_at).unwrap_or(DateTime::<Utc>::MIN_UTC),
        bytes: b.bytes,
        cases: b.cases,
    }))
}
