//! The scheduler (tokio-cron-scheduler): runs the sweep at a fixed interval inside the
//! service, or alone in `tongban supervise`. Exactly-once alerts come from the database's
//! unique keys, not from the scheduler, so the scheduler keeps no job storage of its own and
//! several instances may run it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

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
