//! The scheduled backup: once a day at a fixed hall time, taken by exactly one of the
//! processes configured for it (`serve`, `supervise`), then pruned by the retention rule.
//!
//! Each process checks every minute. A backup is due when no backup (scheduled or by hand)
//! was taken since the latest scheduled time: so a process that was down at that time
//! catches up when it starts. The process that wins the lease row takes it, renewing the
//! lease while it runs; the others see it recorded and do nothing. Backups are events of the
//! real world: their times are the system clock's, even under `--test-clock`.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Days, FixedOffset, NaiveTime, TimeZone, Utc};
use tongban_store::backups;

use super::retention::{self, Pruned, Retention};
use super::take::{record, take, Taken};
use super::BackupError;
use crate::App;

/// A time of day, hall time: `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyAt(NaiveTime);

impl FromStr for DailyAt {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NaiveTime::parse_from_str(s.trim(), "%H:%M")
            .map(DailyAt)
            .map_err(|_| format!("{s:?} is not a time of day HH:MM (e.g. 02:30)"))
    }
}

impl std::fmt::Display for DailyAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

impl DailyAt {
    /// The latest instant at this time of day (in `offset`) not after `now`.
    pub fn latest(self, now: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
        let local = now.with_timezone(&offset);
        let today = local.date_naive().and_time(self.0);
        let slot = match today <= local.naive_local() {
            true => today,
            false => today - Days::new(1),
        };
        // A fixed offset maps every local time to exactly one instant.
        offset
            .from_local_datetime(&slot)
            .single()
            .map_or(now, |t| t.with_timezone(&Utc))
    }
}

/// Whether a backup is due at `now`: none since the latest scheduled time.
pub fn is_due(
    at: DailyAt,
    now: DateTime<Utc>,
    offset: FixedOffset,
    last: Option<DateTime<Utc>>,
) -> bool {
    last.is_none_or(|last| last < at.latest(now, offset))
}

/// The schedule of one process.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The database to back up, as the process opened it.
    pub url: String,
    /// When, daily.
    pub at: DailyAt,
    /// Where the backup directories go.
    pub to: PathBuf,
    /// What to keep of them.
    pub keep: Retention,
}

/// A scheduled backup that was taken.
#[derive(Debug, Clone)]
pub struct Done {
    pub taken: Taken,
    pub pruned: Pruned,
}

/// How long the lease holds without renewal: a process killed mid-backup leaves the next
/// try to the others after this.
const LEASE: Duration = Duration::from_secs(5 * 60);
/// How often the holder renews it while the backup runs.
const RENEW_EVERY: Duration = Duration::from_secs(60);

/// One check of the schedule: takes, records and prunes a backup when one is due and this
/// process (`holder`) wins the lease; `None` when there was nothing to do here.
pub async fn run_if_due(app: &App, plan: &Plan, holder: &str) -> Result<Option<Done>, BackupError> {
    let offset = app.hall.offset();
    // A read first: the minute-by-minute check costs no write while nothing is due.
    if !is_due(plan.at, Utc::now(), offset, last_taken(app).await?) {
        return Ok(None);
    }
    if !lease(app, holder).await? {
        return Ok(None);
    }
    // Under the lease, again: another process may have finished one just before.
    let outcome = match is_due(plan.at, Utc::now(), offset, last_taken(app).await?) {
        true => backup_under_lease(app, plan, holder).await.map(Some),
        false => Ok(None),
    };
    let owner = holder.to_string();
    if let Err(e) = app
        .store
        .write(move |c| backups::release_lease(c, &owner))
        .await
    {
        // It expires by itself.
        tracing::warn!(error = %e, "could not release the backup lease");
    }
    outcome
}

async fn backup_under_lease(app: &App, plan: &Plan, holder: &str) -> Result<Done, BackupError> {
    let job = plan.clone();
    let mut work = tokio::task::spawn_blocking(move || {
        let taken = take(&job.url, &job.to, &mut |_| {})?;
        if !record(&job.url, &taken)? {
            tracing::warn!("the backups table is missing: the backup is not recorded");
        }
        Ok::<_, BackupError>(taken)
    });
    let mut renew = tokio::time::interval(RENEW_EVERY);
    renew.tick().await;
    let taken = loop {
        tokio::select! {
            done = &mut work => break done,
            _ = renew.tick() => {
                if let Err(e) = lease(app, holder).await {
                    tracing::warn!(error = %e, "could not renew the backup lease");
                }
            }
        }
    };
    let taken = match taken {
        Ok(result) => result?,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => {
            return Err(BackupError::Io {
                what: "the backup task was cancelled".into(),
                cause: std::io::Error::other(e),
            })
        }
    };
    let (dir, offset, keep) = (plan.to.clone(), app.hall.offset(), plan.keep);
    let pruned = tokio::task::spawn_blocking(move || retention::prune(&dir, offset, keep))
        .await
        .map_err(|e| BackupError::Io {
            what: "pruning old backups".into(),
            cause: std::io::Error::other(e),
        })??;
    Ok(Done { taken, pruned })
}

async fn lease(app: &App, holder: &str) -> Result<bool, BackupError> {
    let now = Utc::now().timestamp_millis();
    let until = now + LEASE.as_millis() as i64;
    let holder = holder.to_string();
    Ok(app
        .store
        .write(move |c| backups::take_lease(c, &holder, now, until))
        .await?)
}

async fn last_taken(app: &App) -> Result<Option<DateTime<Utc>>, BackupError> {
    let last = app.store.read(backups::latest).await?;
    Ok(last.and_then(|b| DateTime::from_timestamp_millis(b.taken_at)))
}

/// A name for this process in the lease row: host, process id and a random part (two
/// containers may share a pid).
pub fn holder_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    format!(
        "{host}:{}:{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::test_time::{at, HALL};

    #[test]
    fn parses_hh_mm_only() {
        assert_eq!("02:30".parse::<DailyAt>().unwrap().to_string(), "02:30");
        assert!("2:3x".parse::<DailyAt>().is_err());
        assert!("25:00".parse::<DailyAt>().is_err());
    }

    #[test]
    fn the_latest_slot_is_today_once_its_time_has_come() {
        let two_thirty: DailyAt = "02:30".parse().unwrap();
        assert_eq!(
            two_thirty.latest(at("2026-12-04T02:30:00+08:00"), HALL),
            at("2026-12-04T02:30:00+08:00")
        );
        assert_eq!(
            two_thirty.latest(at("2026-12-04T02:29:59+08:00"), HALL),
            at("2026-12-03T02:30:00+08:00")
        );
        // 20:00 UTC is already the next hall day.
        assert_eq!(
            two_thirty.latest(at("2026-12-04T20:00:00Z"), HALL),
            at("2026-12-05T02:30:00+08:00")
        );
    }

    #[test]
    fn due_once_per_day_and_at_start_when_one_was_missed() {
        let two_thirty: DailyAt = "02:30".parse().unwrap();
        let now = at("2026-12-04T09:00:00+08:00");
        // Never backed up, or the last is from before this morning's slot: due now.
        assert!(is_due(two_thirty, now, HALL, None));
        assert!(is_due(
            two_thirty,
            now,
            HALL,
            Some(at("2026-12-03T02:30:05+08:00"))
        ));
        // Taken this morning (or by hand since): not again until tomorrow's slot.
        let this_morning = at("2026-12-04T02:30:05+08:00");
        assert!(!is_due(two_thirty, now, HALL, Some(this_morning)));
        assert!(!is_due(
            two_thirty,
            at("2026-12-05T02:29:00+08:00"),
            HALL,
            Some(this_morning)
        ));
        assert!(is_due(
            two_thirty,
            at("2026-12-05T02:30:00+08:00"),
            HALL,
            Some(this_morning)
        ));
    }
}
