//! The store: one writer (group commit) for every change, a pool for reads.

use std::sync::Arc;

use diesel::connection::SimpleConnection;

use crate::audit::{self, AuditRecord, AuditReport, NewAudit};
use crate::cases::{self, CaseChange, CaseIntake, CaseRecord, IntakeOutcome};
use crate::conn::{establish, Backend, ConnectionManager, ConnectionOptions, DbConnection, DbUrl};
use crate::error::StoreError;
use crate::migrations;
use crate::writer::Writer;

/// How to open the store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Per-connection settings (SQLite `synchronous`, busy timeout).
    pub connection: ConnectionOptions,
    /// Reader pool size.
    pub pool_size: u32,
    /// Writer threads. SQLite always uses exactly one (it has one write lock); PostgreSQL may
    /// use more, though appends to the audit chain still serialise on its head row.
    pub writers: usize,
    /// Most requests in one group-commit batch.
    pub batch_limit: usize,
    /// Apply pending migrations on open (the default). `false` fails instead when the schema
    /// is not current.
    pub migrate: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            connection: ConnectionOptions::default(),
            pool_size: 8,
            writers: 1,
            batch_limit: 256,
            migrate: true,
        }
    }
}

/// Longest wait for a pooled connection. The readers' semaphore already queues requests
/// before the pool, so under load a request rarely waits here at all.
const POOL_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// r2d2 logs every failed connection attempt of the pool; while the database is away that
/// is a line per request, so they go through [`crate::repeats`] like the requests' errors.
#[derive(Debug)]
struct PoolErrors;

impl diesel::r2d2::HandleError<diesel::r2d2::Error> for PoolErrors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        crate::repeats::error(
            crate::repeats::Refused::Attempts,
            &format!("the connection pool cannot connect: {error}"),
        );
    }
}

/// The database of one Tongban installation. Clone freely: clones share the pool and writer.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    url: DbUrl,
    pool: diesel::r2d2::Pool<ConnectionManager>,
    writer: Writer,
    /// The latest readiness probe (see [`crate::probe`]).
    probe: crate::probe::LastProbe,
    /// One permit per pooled connection, taken by [`Store::read`] before it takes a
    /// blocking thread.
    readers: tokio::sync::Semaphore,
}

impl Store {
    /// Opens the database named by `url` (see [`DbUrl::parse`]), creating a SQLite file and
    /// its directory if missing, and applies pending migrations.
    pub fn open(url: &str, options: StoreOptions) -> Result<Store, StoreError> {
        let url = DbUrl::parse(url);
        if let DbUrl::Sqlite(path) = &url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
        }
        // Migrate on a connection of its own before any other opens, so WAL mode and the
        // schema are in place for the writer and the pool.
        let mut conn = establish(&url, &options.connection)?;
        if options.migrate {
            migrations::run_pending(&mut conn)?;
        } else if !migrations::is_current(&mut conn)? {
            return Err(StoreError::Migration(
                "the database schema is not current: run `tongban migrate`".into(),
            ));
        }
        drop(conn);
        let writers = match url.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => options.writers.max(1),
        };
        let writer = Writer::start(&url, &options.connection, writers, options.batch_limit)?;
        // No `SELECT 1` before every check-out (r2d2's default): on SQLite it was parsed anew
        // each time, a tenth of a status query's work. A connection that broke (PostgreSQL
        // restarted) fails its next query, is found broken when it returns to the pool and
        // replaced; that request answers 503 and the next succeeds.
        let pool = diesel::r2d2::Pool::builder()
            .max_size(options.pool_size.max(1))
            .min_idle(Some(1))
            .test_on_check_out(false)
            // While the database is away, a request is answered 503 within seconds, not held
            // for r2d2's default 30 s (as long as a client's or a balancer's timeout).
            .connection_timeout(POOL_WAIT)
            .error_handler(Box::new(PoolErrors))
            .build(ConnectionManager::new(url.clone(), options.connection))?;
        let readers = tokio::sync::Semaphore::new(options.pool_size.max(1) as usize);
        Ok(Store {
            inner: Arc::new(Inner {
                url,
                pool,
                writer,
                readers,
                probe: crate::probe::LastProbe::default(),
            }),
        })
    }

    /// Applies pending migrations to `url` and returns the names applied (`tongban migrate`).
    pub fn migrate(url: &str, options: &ConnectionOptions) -> Result<Vec<String>, StoreError> {
        let url = DbUrl::parse(url);
        if let DbUrl::Sqlite(path) = &url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
        }
        let mut conn = establish(&url, options)?;
        migrations::run_pending(&mut conn)
    }

    pub(crate) fn url(&self) -> &DbUrl {
        &self.inner.url
    }

    pub(crate) fn inner_probe(&self) -> &crate::probe::LastProbe {
        &self.inner.probe
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.inner.url.backend()
    }

    /// The writer (group commit), for any write not covered by the helpers below.
    pub fn writer(&self) -> &Writer {
        &self.inner.writer
    }

    /// Runs `work` on a pooled connection on the calling thread (CLI, tests, blocking code).
    pub fn read_blocking<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.inner.pool.get()?;
        work(&mut conn)
    }

    /// Runs `work` on a pooled connection on tokio's blocking threads, so an async handler
    /// never blocks the runtime. A panic in `work` is re-raised in the caller.
    pub async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        self.read_with_revisions(work, false).await
    }

    /// [`Store::read`] for a point read (a few key lookups): on SQLite, when a pooled
    /// connection is free this instant, it runs on the calling thread. The hop to a blocking
    /// thread and back (two context switches and a wake-up) cost more than such a read from
    /// SQLite's page cache; anything longer, or PostgreSQL (a network round trip), hops.
    pub async fn read_point<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        self.read_with_revisions(work, true).await
    }

    /// A request that has not read the revisions yet reads them on the same connection,
    /// first, so that its data is at least as new as they are: one hop, not two.
    async fn read_with_revisions<T, F>(&self, work: F, point: bool) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let piggyback = crate::revision::unseen_in_request();
        let with_revisions = move |conn: &mut DbConnection| {
            let revisions = match piggyback {
                true => Some(crate::revision::both(conn)?),
                false => None,
            };
            Ok((revisions, work(conn)?))
        };
        let (revisions, out) = match point {
            true => self.read_point_plain(with_revisions).await?,
            false => self.read_on_pool(with_revisions).await?,
        };
        if let Some(r) = revisions {
            crate::revision::remember(r);
        }
        Ok(out)
    }

    async fn read_point_plain<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        if self.backend() == Backend::Sqlite {
            if let Ok(_permit) = self.inner.readers.try_acquire() {
                if let Some(mut conn) = self.inner.pool.try_get() {
                    return work(&mut conn);
                }
            }
        }
        self.read_on_pool(work).await
    }

    async fn read_on_pool<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        // Wait for a free connection here, on the runtime: without this every concurrent
        // read would hold a blocking thread parked in the pool (hundreds of threads under
        // load, each with its stack and malloc arena). The semaphore is never closed; were
        // it, the read would go ahead unbounded.
        let _permit = self.inner.readers.acquire().await.ok();
        let store = self.clone();
        match tokio::task::spawn_blocking(move || store.read_blocking(work)).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(StoreError::WriterGone),
        }
    }

    /// The configuration and authorisation revisions: read once per request served within
    /// [`crate::revision::within_request`], else on every call.
    pub async fn revisions(&self) -> Result<crate::revision::Revisions, StoreError> {
        if let Some(seen) = crate::revision::seen() {
            return Ok(seen);
        }
        let read = self.read_point_plain(crate::revision::both).await?;
        crate::revision::remember(read);
        Ok(read)
    }

    /// Queues `work` on the writer and awaits its commit.
    pub async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let done = self.inner.writer.submit(work).await;
        crate::revision::forget();
        done
    }

    /// Queues `work` on the writer and blocks until its commit (not on an async runtime thread).
    pub fn write_blocking<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        self.inner.writer.submit_blocking(work)
    }

    /// Stores a new case, or answers a repeated request (see [`cases::create_case`]).
    pub async fn create_case(&self, intake: CaseIntake) -> Result<IntakeOutcome, StoreError> {
        let intake = std::sync::Arc::new(intake);
        let first = intake.clone();
        let done = self.inner.writer.submit_intake(first).await;
        crate::revision::forget();
        match done {
            Err(e @ (StoreError::IdempotencyKeySeen | StoreError::Duplicate(_))) => {
                self.read(move |c| cases::repeated_intake(c, &intake, e))
                    .await
            }
            other => other,
        }
    }

    /// Changes a case (see [`cases::apply_change`]).
    pub async fn apply_change(&self, change: CaseChange) -> Result<CaseRecord, StoreError> {
        self.write(move |c| cases::apply_change(c, &change)).await
    }

    /// Appends an audit record for an action that changes no case (administration).
    pub async fn append_audit(&self, record: NewAudit) -> Result<AuditRecord, StoreError> {
        self.write(move |c| audit::append(c, &record)).await
    }

    /// Blocking [`Store::create_case`].
    pub fn create_case_blocking(&self, intake: CaseIntake) -> Result<IntakeOutcome, StoreError> {
        let intake = std::sync::Arc::new(intake);
        let first = intake.clone();
        match self.inner.writer.submit_intake_blocking(first) {
            Err(e @ (StoreError::IdempotencyKeySeen | StoreError::Duplicate(_))) => {
                self.read_blocking(|c| cases::repeated_intake(c, &intake, e))
            }
            other => other,
        }
    }

    /// Blocking [`Store::apply_change`].
    pub fn apply_change_blocking(&self, change: CaseChange) -> Result<CaseRecord, StoreError> {
        self.write_blocking(move |c| cases::apply_change(c, &change))
    }

    /// Blocking [`Store::append_audit`].
    pub fn append_audit_blocking(&self, record: NewAudit) -> Result<AuditRecord, StoreError> {
        self.write_blocking(move |c| audit::append(c, &record))
    }

    /// Verifies the audit chain (`tongban audit verify`).
    pub fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        self.read_blocking(audit::verify)
    }

    /// Database reachable and schema current (`/readyz`).
    pub fn ready(&self) -> Result<bool, StoreError> {
        self.read_blocking(schema_current)
    }
}

/// The database answers and every embedded migration is applied.
pub(crate) fn schema_current(c: &mut DbConnection) -> Result<bool, StoreError> {
    c.batch_execute("SELECT 1")?;
    migrations::is_current(c)
}
