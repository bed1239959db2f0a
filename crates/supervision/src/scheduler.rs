//! The scheduler (tokio-cron-scheduler): runs the sweep at a fixed interval inside the
//! service, or alone in `tongban supervise`. Exactly-once alerts come from the database's
//! unique keys, not from the scheduler, so the scheduler keeps no job storage of its own and
//! several instances may run it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};
use tongban_app::supervision::{digest, sweep};
use tongban_app::App;

use crate::mailer::{MailError, Mailer};

/// One run of a periodic job; its errors are the job's to log.
pub type Tick = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Starts a scheduler that calls `tick` every `every`. Keep the returned scheduler alive
/// for as long as the job should run.
pub async fn start_every(
    every: Duration,
    tick: impl Fn() -> Tick + Send + Sync + 'static,
) -> Result<JobScheduler, JobSchedulerError> {
    let scheduler = JobScheduler::new().await?;
    let tick = Arc::new(tick);
    scheduler
        .add(Job::new_repeated_async(every, move |_id, _lock| {
            let tick = tick.clone();
            Box::pin(async move { tick().await })
        })?)
        .await?;
    scheduler.start().await?;
    Ok(scheduler)
}

/// One tick of supervision: the sweep, then the daily digest when its hour has come.
/// Failures are logged and retried at the next tick (a sweep catches up on everything due).
pub async fn supervise_once(app: &App) {
    match sweep::run(app).await {
        Ok(s) => {
            let r = s.report;
            if r.cases > 0 {
                tracing::info!(
                    cases = r.cases,
                    raised = r.raised,
                    skipped = r.skipped,
                    "supervision sweep"
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "supervision sweep failed"),
    }
    match digest::queue_due(app).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(messages = n, "daily supervision digest queued"),
        Err(e) => tracing::warn!(error = %e, "daily digest failed"),
    }
}

/// Sweeps (and queues the digest) every `every` on the application's clock.
pub async fn schedule_sweeps(app: App, every: Duration) -> Result<JobScheduler, JobSchedulerError> {
    start_every(every.max(Duration::from_secs(1)), move || {
        let app = app.clone();
        Box::pin(async move { supervise_once(&app).await })
    })
    .await
}

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Scheduler(#[from] JobSchedulerError),
}

/// Sends the outbox every `every` through the SMTP server at `smtp_url` as `from`.
pub async fn schedule_mail(
    app: App,
    smtp_url: &str,
    from: &str,
    every: Duration,
) -> Result<JobScheduler, ScheduleError> {
    let mailer = Arc::new(Mailer::new(smtp_url, from)?);
    Ok(start_every(every.max(Duration::from_secs(1)), move || {
        let (app, mailer) = (app.clone(), mailer.clone());
        Box::pin(async move {
            let now = app.clock.now();
            match tokio::task::spawn_blocking(move || mailer.deliver_due(&app, now)).await {
                Ok(Ok(r)) if r.sent + r.failed > 0 => {
                    tracing::info!(sent = r.sent, failed = r.failed, "outbox")
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "outbox round failed"),
                Err(e) => tracing::warn!(error = %e, "outbox round failed"),
            }
        })
    })
    .await?)
}
