//! Re-projecting the open cases onto the calendar as it stands, after a year was loaded or
//! corrected (domain.md, "The calendar never stops the hall").
//!
//! The job row is written with the year; this works it in bounded batches. Each batch commits
//! its moved cases (row, event, audit record, notice) together with the job's cursor, so a
//! kill at any moment resumes at the last commit. Re-projection onto the calendar a case
//! already counts on moves nothing, so a batch done twice still gives each case one event.
//! Any process may work a job (the one that stored the year, or a `serve` or `supervise`
//! after a restart); a lease keeps two from working the same one at once.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tongban_core::case::{
    reproject, reprojected, Actor, Case, CaseStatus, ClockName, DueMove, EventKind,
};
use tongban_core::role::Role;
use tongban_store::reprojections::{self, ReprojectionRecord};
use tongban_store::typed::StoredCaseStatus;
use tongban_store::{cases, CaseChange, CaseRecord, StoreError};

use crate::app::Config;
use crate::cases::act::item_of;
use crate::cases::records::{audit, case_record, new_event, outbox, stage_tasks};
use crate::cases::view::decode_case;
use crate::error::AppResult;
use crate::records::millis;
use crate::App;

/// Cases per batch: each batch is one transaction. `TONGBAN_REPROJECT_BATCH` overrides it
/// (the kill test makes batches small so that a kill lands mid-job).
pub fn batch_size() -> i64 {
    std::env::var("TONGBAN_REPROJECT_BATCH")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(500)
}

/// How long a process holds a job between two batches before another may take it over.
const LEASE: Duration = Duration::from_secs(30);

/// The statuses in which a case may still have a running clock.
pub fn open_statuses() -> Vec<StoredCaseStatus> {
    CaseStatus::ALL
        .into_iter()
        .filter(|s| !s.is_terminal())
        .map(StoredCaseStatus::from)
        .collect()
}

/// Leases run on the machine's clock, not the hall's (possibly test) clock: they coordinate
/// processes, they are not the law's time.
fn lease_now() -> (i64, i64) {
    let now = millis(Utc::now());
    (
        now,
        now + i64::try_from(LEASE.as_millis()).unwrap_or(30_000),
    )
}

/// Works every unfinished job this process can take to its end; answers the jobs finished.
pub async fn run_pending(app: &App) -> AppResult<Vec<ReprojectionRecord>> {
    let mut done = Vec::new();
    loop {
        let (now, until) = lease_now();
        let Some(job) = app
            .store
            .write(move |c| reprojections::claim(c, now, until))
            .await?
        else {
            return Ok(done);
        };
        let id = job.id;
        work(app, job).await?;
        if let Some(job) = app.store.read(move |c| reprojections::get(c, id)).await? {
            done.push(job);
        }
    }
}

/// One batch read and worked out, not yet written.
struct Batch {
    /// The case numbers read, in order.
    numbers: Vec<String>,
    /// Each change with the case number just before it in the batch (the cursor that makes
    /// the next batch start at that case).
    changes: Vec<(String, CaseChange)>,
}

/// Reads the open cases after `after` and works out their changes on the calendar as it
/// stands now (a later correction is picked up mid-job), on a blocking thread.
async fn prepare(app: &App, job: &ReprojectionRecord, after: String) -> AppResult<Batch> {
    let config = app.config().await?;
    let actor = Actor {
        role: Role::Admin,
        user: job.actor.clone(),
        department: None,
        window: None,
        grant: None,
    };
    let source = job.source.clone();
    let batch = batch_size();
    let worker = app.clone();
    Ok(app
        .store
        .read(move |c| {
            let rows = reprojections::open_cases_after(c, &open_statuses(), &after, batch)?;
            let at = worker.clock.now();
            let mut changes = Vec::new();
            let mut previous = after;
            for row in &rows {
                if let Some(change) = change_for(&worker, &config, row, &actor, at, &source) {
                    changes.push((previous.clone(), change));
                }
                previous = row.case_no.clone();
            }
            Ok(Batch {
                numbers: rows.into_iter().map(|r| r.case_no).collect(),
                changes,
            })
        })
        .await?)
}

/// Works the job batch by batch. The next batch is read and worked out while the current one
/// is written: its cases are others, so the write cannot change them, and any an action
/// changes meanwhile fails its version check and is read again.
async fn work(app: &App, mut job: ReprojectionRecord) -> AppResult<()> {
    let mut next = prepare(app, &job, job.cursor.clone()).await?;
    loop {
        let Some(last) = next.numbers.last().cloned() else {
            let (now, _) = lease_now();
            let id = job.id;
            app.store
                .write(move |c| reprojections::finish(c, id, now))
                .await?;
            return Ok(());
        };
        let Batch { numbers, changes } = next;
        let (_, until) = lease_now();
        let held = job.clone();
        let end = last.clone();
        let write = app.store.write(move |c| {
            let (befores, changes): (Vec<String>, Vec<CaseChange>) = changes.into_iter().unzip();
            // Applied in order up to the first case an action changed meanwhile: the next
            // batch starts at it and reads it again (the cases after it recompute to no
            // move, so none gets a second event).
            let applied = cases::apply_due_changes(c, &changes)?;
            let cursor = befores.get(applied).cloned().unwrap_or(end);
            let moved = i64::try_from(applied).unwrap_or(i64::MAX);
            let examined = numbers.iter().take_while(|n| **n <= cursor).count();
            let examined = i64::try_from(examined).unwrap_or(i64::MAX);
            reprojections::advance(c, &held, &cursor, examined, moved, until)?;
            Ok((cursor, examined, moved))
        });
        let (written, following) = tokio::join!(write, prepare(app, &job, last.clone()));
        let (cursor, examined, moved) = match written {
            Ok(w) => w,
            // Another process took the job over (this one stalled past its lease): it
            // finishes it.
            Err(StoreError::LeaseLost(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        job.cursor = cursor;
        job.examined += examined;
        job.moved += moved;
        job.lease_until = until;
        next = if job.cursor == last {
            following?
        } else {
            // Stopped short at a changed case: read again from it.
            prepare(app, &job, job.cursor.clone()).await?
        };
    }
}

/// The change that moves one case onto the current calendar, if any date moves. A case that
/// does not decode, or whose item version is gone, is logged and left for an operator: one
/// corrupt row must not stop the hall's calendar.
fn change_for(
    app: &App,
    config: &Config,
    row: &CaseRecord,
    actor: &Actor,
    now: DateTime<Utc>,
    source: &str,
) -> Option<CaseChange> {
    let attempt = || -> AppResult<Option<CaseChange>> {
        let case = decode_case(row)?;
        let item = item_of(config, &case)?;
        let calendar = config.calendar();
        let Some(t) = reproject(&case, item, &calendar, app.hall, actor, now, source)? else {
            return Ok(None);
        };
        // Only a stage whose due date moved has a task row to rewrite.
        let moved_stages: Vec<&str> = match &t.event.kind {
            EventKind::Reprojected { moves, .. } => moves
                .iter()
                .filter_map(|m| match &m.clock {
                    ClockName::Stage(code) => Some(code.as_str()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let tasks = stage_tasks(&t.case, now)
            .into_iter()
            .filter(|task| moved_stages.contains(&task.stage.as_str()))
            .collect();
        Ok(Some(CaseChange {
            case: case_record(&t.case, item, &calendar, app.hall),
            expected_version: row.version,
            event: new_event(&t.event),
            audit: audit(&t.event),
            outbox: outbox(&t.notifications, now),
            stage_tasks: tasks,
        }))
    };
    match attempt() {
        Ok(change) => change,
        Err(e) => {
            tracing::error!(case_no = %row.case_no, error = %e, "re-projection skipped a case");
            None
        }
    }
}

/// One date that loading a year would move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpactLine {
    pub case_no: String,
    pub moved: DueMove,
}

/// Every date of every open case that moves when re-projected onto `calendar_config`'s
/// calendar. Changes nothing.
pub async fn preview(app: &App, candidate: &Config) -> AppResult<Vec<ImpactLine>> {
    let statuses = open_statuses();
    let batch = batch_size().max(500);
    let calendar = candidate.calendar();
    let mut lines = Vec::new();
    let mut after = String::new();
    loop {
        let s = statuses.clone();
        let a = after.clone();
        let rows = app
            .store
            .read(move |c| reprojections::open_cases_after(c, &s, &a, batch))
            .await?;
        let Some(last) = rows.last() else {
            return Ok(lines);
        };
        after = last.case_no.clone();
        for row in &rows {
            let case: Case = decode_case(row)?;
            let item = item_of(candidate, &case)?;
            let (_, moves) = reprojected(&case, item, &calendar, app.hall)?;
            lines.extend(moves.into_iter().map(|moved| ImpactLine {
                case_no: case.case_no.clone(),
                moved,
            }));
        }
    }
}

/// Runs forever in `serve` and `supervise`: resumes any job left unfinished (a process killed
/// mid-job, or one stored by a process that stopped), checking once per lease period.
pub async fn keep_working(app: App) {
    loop {
        match run_pending(&app).await {
            Ok(done) => {
                for job in done {
                    tracing::info!(
                        year = job.year,
                        examined = job.examined,
                        moved = job.moved,
                        "calendar re-projection finished"
                    );
                }
            }
            Err(e) => tracing::warn!(error = %e, "calendar re-projection failed; retrying"),
        }
        tokio::time::sleep(LEASE / 2).await;
    }
}
