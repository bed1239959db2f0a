//! Group commit. A writer owns one connection on its own thread and takes write requests
//! from a channel. It drains whatever is queued (up to a batch limit), runs the whole batch
//! in ONE transaction with each request in its own savepoint, commits, and only then answers
//! the callers. While one batch waits for its fsync, the next one queues up, so the cost of
//! a durable commit is shared by every request in the batch. A request that fails (stale
//! version, conflict, even a panic) rolls back its savepoint only.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::Connection;
use tokio::sync::oneshot;

use crate::audit;
use crate::cases::{self, CaseIntake, CaseRecord, IntakeOutcome};
use crate::checkpointer::Checkpoints;
use crate::conn::{establish, ConnectionOptions, DbConnection, DbUrl};
use crate::error::StoreError;
use crate::repeats::{self, Refused};
use crate::write_health::{WriteFailure, WriteHealth};

/// Work to run on the writer's connection.
pub type WriteFn<T> = Box<dyn FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send>;

/// One queued request, with its reply kept until the batch commits.
trait Job: Send {
    /// Runs the request, in a savepoint when it shares the batch, keeping its result for
    /// `answer`; returns whether it succeeded.
    fn run(&mut self, conn: &mut DbConnection, savepoint: bool) -> bool;
    /// Answers the caller once the batch is committed (or failed to commit); returns the
    /// store's part in a failure (see [`WriteFailure::of`]).
    fn answer(self: Box<Self>, commit: &Result<(), String>) -> Option<(WriteFailure, String)>;
    /// The new case, when the request is a plain intake the batch may store together with
    /// the other intakes.
    fn intake(&self) -> Option<Arc<CaseIntake>> {
        None
    }
    /// Records that the batch stored this intake together with the others.
    fn stored_together(&mut self, _case: CaseRecord) {}
}

/// An intake: runs alone like any request, or is stored with the batch's other intakes in
/// multi-row statements.
struct IntakeJob {
    job: TypedJob<IntakeOutcome>,
    intake: Arc<CaseIntake>,
}

impl Job for IntakeJob {
    fn run(&mut self, conn: &mut DbConnection, savepoint: bool) -> bool {
        self.job.run(conn, savepoint)
    }

    fn answer(self: Box<Self>, commit: &Result<(), String>) -> Option<(WriteFailure, String)> {
        Box::new(self.job).answer(commit)
    }

    fn intake(&self) -> Option<Arc<CaseIntake>> {
        self.job.work.as_ref().map(|_| Arc::clone(&self.intake))
    }

    fn stored_together(&mut self, case: CaseRecord) {
        self.job.work = None;
        self.job.result = Some(Ok(IntakeOutcome::Created(case)));
    }
}

struct TypedJob<T> {
    work: Option<WriteFn<T>>,
    result: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T: Send> Job for TypedJob<T> {
    fn run(&mut self, conn: &mut DbConnection, savepoint: bool) -> bool {
        let Some(work) = self.work.take() else {
            // Already done (stored together with the batch's other intakes).
            return self.result.as_ref().is_some_and(Result::is_ok);
        };
        let guarded = |conn: &mut DbConnection| match catch_unwind(AssertUnwindSafe(|| work(conn)))
        {
            Ok(result) => result,
            Err(panic) => Err(StoreError::Panicked(panic_message(&panic))),
        };
        let head = audit::snapshot();
        let result = if savepoint {
            conn.transaction::<T, StoreError, _>(guarded)
        } else {
            // Alone in its batch: the batch's transaction is its own, rolled back whole if
            // it fails (two statements fewer per request when the load is light).
            guarded(conn)
        };
        let ok = result.is_ok();
        if !ok {
            // Its savepoint is rolled back, and with it any audit record it appended.
            audit::restore(head);
        }
        self.result = Some(result);
        ok
    }

    fn answer(self: Box<Self>, commit: &Result<(), String>) -> Option<(WriteFailure, String)> {
        let reply = match (self.result, commit) {
            // A request's own failure stands whether or not the batch committed.
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (Some(Ok(_)), Err(msg)) | (None, Err(msg)) => Err(StoreError::BatchFailed(msg.clone())),
            (None, Ok(())) => Err(StoreError::BatchFailed("request was not run".into())),
        };
        let failure = reply
            .as_ref()
            .err()
            .and_then(|e| WriteFailure::of(e).map(|cause| (cause, e.to_string())));
        // The caller may have gone away (e.g. an HTTP client hung up); the write stands.
        let _ = self.reply.send(reply);
        failure
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

/// Handle to the writer threads. Cloning is cheap; the threads stop when the last handle is
/// dropped, after finishing what was queued.
#[derive(Clone)]
pub struct Writer {
    inner: Arc<WriterInner>,
}

struct WriterInner {
    sender: Mutex<Option<Sender<Box<dyn Job>>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    stats: Arc<Counters>,
    health: Arc<WriteHealth>,
}

/// What the writer has done since it started: how well group commit is working.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Transactions run (each one durable commit).
    pub batches: u64,
    /// Requests answered.
    pub requests: u64,
}

impl WriterStats {
    /// Requests per commit.
    pub fn mean_batch(&self) -> f64 {
        self.requests as f64 / self.batches.max(1) as f64
    }
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    requests: AtomicU64,
}

impl Drop for WriterInner {
    fn drop(&mut self) {
        if let Ok(mut sender) = self.sender.lock() {
            sender.take();
        }
        if let Ok(mut threads) = self.threads.lock() {
            for t in threads.drain(..) {
                let _ = t.join();
            }
        }
    }
}

impl Writer {
    /// Starts `count` writer threads, each with its own connection. Each batch holds at most
    /// `batch_limit` requests.
    pub fn start(
        url: &DbUrl,
        options: &ConnectionOptions,
        count: usize,
        batch_limit: usize,
    ) -> Result<Writer, StoreError> {
        let (sender, receiver) = mpsc::channel::<Box<dyn Job>>();
        let receiver = Arc::new(Mutex::new(receiver));
        let stats = Arc::new(Counters::default());
        let health = Arc::new(WriteHealth::default());
        let checkpoints = Checkpoints::start(url, options)?;
        let options = &ConnectionOptions {
            autocheckpoint: checkpoints.is_none(),
            ..*options
        };
        let mut threads = Vec::new();
        for i in 0..count.max(1) {
            let conn = establish(url, options)?;
            let receiver = Arc::clone(&receiver);
            let target = Target {
                url: url.clone(),
                options: *options,
                batch_limit: batch_limit.max(1),
                stats: Arc::clone(&stats),
                checkpoints: checkpoints.clone(),
                health: Arc::clone(&health),
            };
            let handle = std::thread::Builder::new()
                .name(format!("tongban-writer-{i}"))
                .spawn(move || writer_loop(conn, &target, &receiver))?;
            threads.push(handle);
        }
        Ok(Writer {
            inner: Arc::new(WriterInner {
                sender: Mutex::new(Some(sender)),
                threads: Mutex::new(threads),
                stats,
                health,
            }),
        })
    }

    /// Batches and requests so far.
    pub fn stats(&self) -> WriterStats {
        WriterStats {
            batches: self.inner.stats.batches.load(Ordering::Relaxed),
            requests: self.inner.stats.requests.load(Ordering::Relaxed),
        }
    }

    /// Whether writes succeed, as the writer threads saw them.
    pub fn health(&self) -> &WriteHealth {
        &self.inner.health
    }

    fn enqueue<T: Send + 'static>(
        &self,
        work: WriteFn<T>,
    ) -> Result<oneshot::Receiver<Result<T, StoreError>>, StoreError> {
        let (reply, receiver) = oneshot::channel();
        let job: Box<dyn Job> = Box::new(TypedJob {
            work: Some(work),
            result: None,
            reply,
        });
        self.send(job)?;
        Ok(receiver)
    }

    fn send(&self, job: Box<dyn Job>) -> Result<(), StoreError> {
        let sent = match self.inner.sender.lock() {
            Ok(guard) => guard.as_ref().is_some_and(|s| s.send(job).is_ok()),
            Err(_) => false,
        };
        if !sent {
            let gone = StoreError::WriterGone;
            self.inner
                .health
                .failed(WriteFailure::WriterStopped, &gone.to_string(), 1);
            return Err(gone);
        }
        Ok(())
    }

    fn enqueue_intake(
        &self,
        intake: Arc<CaseIntake>,
    ) -> Result<oneshot::Receiver<Result<IntakeOutcome, StoreError>>, StoreError> {
        let (reply, receiver) = oneshot::channel();
        let work_intake = Arc::clone(&intake);
        let job: Box<dyn Job> = Box::new(IntakeJob {
            job: TypedJob {
                work: Some(Box::new(move |conn| cases::create_case(conn, &work_intake))),
                result: None,
                reply,
            },
            intake,
        });
        self.send(job)?;
        Ok(receiver)
    }

    /// Queues an intake (see [`cases::create_case`]) and waits for its batch's commit.
    pub async fn submit_intake(
        &self,
        intake: Arc<CaseIntake>,
    ) -> Result<IntakeOutcome, StoreError> {
        let receiver = self.enqueue_intake(intake)?;
        receiver.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Blocking [`Writer::submit_intake`].
    pub fn submit_intake_blocking(
        &self,
        intake: Arc<CaseIntake>,
    ) -> Result<IntakeOutcome, StoreError> {
        let receiver = self.enqueue_intake(intake)?;
        receiver
            .blocking_recv()
            .map_err(|_| StoreError::WriterGone)?
    }

    /// Queues `work` and waits for the commit of its batch without blocking the async runtime.
    pub async fn submit<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let receiver = self.enqueue(Box::new(work))?;
        receiver.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Queues `work` and blocks the calling thread until its batch commits. Not for use on an
    /// async runtime thread (use [`Writer::submit`]).
    pub fn submit_blocking<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let receiver = self.enqueue(Box::new(work))?;
        receiver
            .blocking_recv()
            .map_err(|_| StoreError::WriterGone)?
    }
}

/// A writer thread's settings: where it reconnects to after losing its connection, and how
/// it batches.
struct Target {
    url: DbUrl,
    options: ConnectionOptions,
    batch_limit: usize,
    stats: Arc<Counters>,
    checkpoints: Option<Checkpoints>,
    health: Arc<WriteHealth>,
}

/// How long a writer under load waits for a batch to fill up (see [`gather`]). Well under
/// one commit's fsync, so a caller never waits much longer than it would for the commit
/// before its own.
const LINGER: Duration = Duration::from_micros(500);

/// Takes the next batch from the queue: waits for a first request, then takes what is
/// queued, up to `limit`. When the previous batch was bigger than this one has grown
/// (`previous`), the callers answered by that commit are still on their way back with their
/// next requests: waiting a little for them turns many small commits into one large one.
/// Under light load (previous batch of one) nothing waits.
fn gather(
    receiver: &Receiver<Box<dyn Job>>,
    limit: usize,
    previous: usize,
    linger: Duration,
) -> Option<Vec<Box<dyn Job>>> {
    let mut batch: Vec<Box<dyn Job>> = vec![receiver.recv().ok()?];
    let mut deadline: Option<Instant> = None;
    while batch.len() < limit {
        match receiver.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) if batch.len() * 2 > previous => break,
            Err(_) => {
                let until = *deadline.get_or_insert_with(|| Instant::now() + linger);
                match receiver.recv_timeout(until.saturating_duration_since(Instant::now())) {
                    Ok(job) => batch.push(job),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
        }
    }
    Some(batch)
}

fn writer_loop(mut conn: DbConnection, target: &Target, receiver: &Mutex<Receiver<Box<dyn Job>>>) {
    let mut previous = 1;
    loop {
        let batch = {
            let Ok(receiver) = receiver.lock() else {
                return;
            };
            match gather(&receiver, target.batch_limit, previous, LINGER) {
                Some(batch) => batch,
                None => return,
            }
        };
        previous = batch.len();
        target.stats.batches.fetch_add(1, Ordering::Relaxed);
        target
            .stats
            .requests
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        let ok = run_batch(&mut conn, batch, &target.health);
        if let Some(c) = target.checkpoints.as_ref().filter(|_| ok) {
            c.committed();
        }
        if !ok && conn.batch_execute("SELECT 1").is_err() {
            // The connection is gone (database restarted): the batch was answered with an
            // error; open a new connection for the next one.
            match establish(&target.url, &target.options) {
                Ok(fresh) => conn = fresh,
                Err(e) => repeats::error(
                    Refused::Attempts,
                    &format!("the database writer cannot reconnect: {e}"),
                ),
            }
        }
    }
}

/// Stores the batch's intakes with multi-row statements in one savepoint; if that fails (a
/// repeated key, a taken case number), rolls it back and leaves them to run one by one.
fn store_intakes_together(conn: &mut DbConnection, batch: &mut [Box<dyn Job>]) {
    let intakes: Vec<(usize, Arc<CaseIntake>)> = batch
        .iter()
        .enumerate()
        .filter_map(|(i, job)| job.intake().map(|intake| (i, intake)))
        .collect();
    if intakes.len() < 2 {
        return;
    }
    let head = audit::snapshot();
    let refs: Vec<&CaseIntake> = intakes.iter().map(|(_, i)| i.as_ref()).collect();
    match conn.transaction(|c| cases::create_cases_bulk(c, &refs)) {
        Ok(stored) => {
            for ((i, _), case) in intakes.iter().zip(stored) {
                batch[*i].stored_together(case);
            }
        }
        Err(_) => audit::restore(head),
    }
}

/// Why a batch of one request was rolled back: the request's own failure, not the database's.
const ALONE_FAILED: &str = "the batch's only request failed";

/// Runs and answers one batch; returns whether it committed (or rolled back cleanly).
fn run_batch(conn: &mut DbConnection, mut batch: Vec<Box<dyn Job>>, health: &WriteHealth) -> bool {
    let committed = conn
        .transaction::<(), StoreError, _>(|conn| {
            // First statement of the batch: take the write lock (see `audit::lock_head`).
            audit::begin_batch(conn)?;
            let alone = batch.len() == 1;
            store_intakes_together(conn, &mut batch);
            for job in batch.iter_mut() {
                if !job.run(conn, !alone) && alone {
                    // Roll the whole transaction back; the request keeps its own error.
                    return Err(StoreError::BatchFailed(ALONE_FAILED.into()));
                }
            }
            audit::end_batch(conn)
        })
        .map_err(|e| e.to_string());
    audit::abandon_batch();
    if let Err(e) = committed.as_ref().map_err(|e| e.as_str()) {
        if e.ends_with(ALONE_FAILED) {
            // Not a commit failure: the only request failed and was rolled back.
            answer(batch, &committed, health);
            return true;
        }
        repeats::error(
            Refused::Batches,
            &format!("write batch failed to commit: {e}"),
        );
    }
    let ok = committed.is_ok();
    answer(batch, &committed, health);
    ok
}

/// Answers every request of the batch and tells `health` what the store had to do with it:
/// a commit with no failure of the store's own means writes succeed.
fn answer(batch: Vec<Box<dyn Job>>, committed: &Result<(), String>, health: &WriteHealth) {
    let mut failed = 0u64;
    let mut last = None;
    for job in batch {
        if let Some(f) = job.answer(committed) {
            failed += 1;
            last = Some(f);
        }
    }
    match last {
        Some((cause, error)) => health.failed(cause, &error, failed),
        None if committed.is_ok() => health.committed(),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Long enough that a batch which waited for it is plain to see.
    const LONG: Duration = Duration::from_secs(30);

    fn job() -> Box<dyn Job> {
        let (reply, _) = oneshot::channel::<Result<(), StoreError>>();
        Box::new(TypedJob {
            work: None,
            result: None,
            reply,
        })
    }

    #[test]
    fn light_load_takes_what_is_queued_without_waiting() {
        let (tx, rx) = mpsc::channel();
        tx.send(job()).unwrap();
        let started = Instant::now();
        assert_eq!(gather(&rx, 256, 1, LONG).unwrap().len(), 1);
        assert!(
            started.elapsed() < LONG / 2,
            "a lone request must not linger"
        );
    }

    #[test]
    fn under_load_waits_for_callers_on_their_way_back() {
        let (tx, rx) = mpsc::channel();
        tx.send(job()).unwrap();
        let late = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            for _ in 0..3 {
                tx.send(job()).unwrap();
            }
            tx
        });
        // The previous batch held 7: the batch waits until it holds more than half of that.
        let batch = gather(&rx, 256, 7, LONG).unwrap();
        let _tx = late.join().unwrap();
        assert_eq!(batch.len(), 4, "the late requests join the batch");
    }

    #[test]
    fn stops_at_the_limit_and_at_half_the_previous_batch() {
        let (tx, rx) = mpsc::channel();
        for _ in 0..10 {
            tx.send(job()).unwrap();
        }
        assert_eq!(gather(&rx, 4, 100, LONG).unwrap().len(), 4);
        // 6 queued, previous 8: more than half of it is there, so no waiting.
        let started = Instant::now();
        assert_eq!(gather(&rx, 256, 8, LONG).unwrap().len(), 6);
        assert!(started.elapsed() < LONG / 2);
        drop(tx);
        assert!(
            gather(&rx, 256, 1, LONG).is_none(),
            "no callers left: the writer stops"
        );
    }
}
