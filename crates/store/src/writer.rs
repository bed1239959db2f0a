//! Group commit. A writer owns one connection on its own thread and takes write requests
//! from a channel. It drains whatever is queued (up to a batch limit), runs the whole batch
//! in ONE transaction with each request in its own savepoint, commits, and only then answers
//! the callers. While one batch waits for its fsync, the next one queues up, so the cost of
//! a durable commit is shared by every request in the batch. A request that fails (stale
//! version, conflict, even a panic) rolls back its savepoint only.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use tokio::sync::oneshot;

use crate::audit;
use crate::cases::{self, CaseIntake, CaseRecord, IntakeOutcome};
use crate::conn::{establish, ConnectionOptions, DbConnection, DbUrl};
use crate::error::StoreError;

/// Work to run on the writer's connection.
pub type WriteFn<T> = Box<dyn FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send>;

/// One queued request, with its reply kept until the batch commits.
trait Job: Send {
    /// Runs the request, in a savepoint when it shares the batch, keeping its result for
    /// `answer`; returns whether it succeeded.
    fn run(&mut self, conn: &mut DbConnection, savepoint: bool) -> bool;
    /// Answers the caller once the batch is committed (or failed to commit).
    fn answer(self: Box<Self>, commit: &Result<(), String>);
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

    fn answer(self: Box<Self>, commit: &Result<(), String>) {
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

    fn answer(self: Box<Self>, commit: &Result<(), String>) {
        let reply = match (self.result, commit) {
            // A request's own failure stands whether or not the batch committed.
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (Some(Ok(_)), Err(msg)) | (None, Err(msg)) => Err(StoreError::BatchFailed(msg.clone())),
            (None, Ok(())) => Err(StoreError::BatchFailed("request was not run".into())),
        };
        // The caller may have gone away (e.g. an HTTP client hung up); the write stands.
        let _ = self.reply.send(reply);
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
        let mut threads = Vec::new();
        for i in 0..count.max(1) {
            let conn = establish(url, options)?;
            let receiver = Arc::clone(&receiver);
            let target = Target {
                url: url.clone(),
                options: *options,
            };
            let handle = std::thread::Builder::new()
                .name(format!("tongban-writer-{i}"))
                .spawn(move || writer_loop(conn, &target, &receiver, batch_limit.max(1)))?;
            threads.push(handle);
        }
        Ok(Writer {
            inner: Arc::new(WriterInner {
                sender: Mutex::new(Some(sender)),
                threads: Mutex::new(threads),
            }),
        })
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
        let guard = self
            .inner
            .sender
            .lock()
            .map_err(|_| StoreError::WriterGone)?;
        let sender = guard.as_ref().ok_or(StoreError::WriterGone)?;
        sender.send(job).map_err(|_| StoreError::WriterGone)
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

/// Where a writer reconnects to after losing its connection.
struct Target {
    url: DbUrl,
    options: ConnectionOptions,
}

fn writer_loop(
    mut conn: DbConnection,
    target: &Target,
    receiver: &Mutex<Receiver<Box<dyn Job>>>,
    batch_limit: usize,
) {
    loop {
        let mut batch: Vec<Box<dyn Job>> = Vec::new();
        {
            let Ok(receiver) = receiver.lock() else {
                return;
            };
            match receiver.recv() {
                Ok(job) => batch.push(job),
                Err(_) => return,
            }
            while batch.len() < batch_limit {
                match receiver.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
        }
        if !run_batch(&mut conn, batch) && conn.batch_execute("SELECT 1").is_err() {
            // The connection is gone (database restarted): the batch was answered with an
            // error; open a new connection for the next one.
            match establish(&target.url, &target.options) {
                Ok(fresh) => conn = fresh,
                Err(e) => tracing::error!(error = %e, "writer cannot reconnect"),
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
fn run_batch(conn: &mut DbConnection, mut batch: Vec<Box<dyn Job>>) -> bool {
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
            for job in batch {
                job.answer(&committed);
            }
            return true;
        }
        tracing::error!(error = %e, requests = batch.len(), "write batch failed to commit");
    }
    let ok = committed.is_ok();
    for job in batch {
        job.answer(&committed);
    }
    ok
}
