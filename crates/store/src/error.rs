//! Typed errors of the store.

use crate::audit::AuditBreak;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A query failed in the database.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    /// The database could not be reached or opened.
    #[error("cannot connect to the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    /// No pooled connection became free in time, or the pool could not connect.
    #[error("connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// Applying the embedded migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// The data directory could not be created.
    #[error("cannot prepare the data directory: {0}")]
    Io(#[from] std::io::Error),
    /// The idempotency key was used before; the request was rolled back and is answered
    /// from what the key stored (internal to `Store::create_case`).
    #[error("idempotency key seen before")]
    IdempotencyKeySeen,
    /// The same idempotency key came with a different request.
    #[error("idempotency key already used for a different request (case {case_no})")]
    IdempotencyConflict {
        /// The case the key was first used for.
        case_no: String,
    },
    /// The caller's version of the case is not the stored one; nothing was written.
    #[error("stale version: the case is now at version {current}")]
    StaleVersion {
        /// The version currently stored.
        current: i64,
    },
    /// The named record does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A record with the same key already exists.
    #[error("already exists: {0}")]
    Duplicate(String),
    /// The audit hash chain does not verify.
    #[error("audit log broken at record {}: {}", .0.seq, .0.reason)]
    AuditBroken(AuditBreak),
    /// The batch that carried this write could not be committed; the write did not happen.
    #[error("the write batch failed to commit: {0}")]
    BatchFailed(String),
    /// The writer thread has stopped (the store is shutting down).
    #[error("the database writer has stopped")]
    WriterGone,
    /// Another process took over (or finished) the job this process was working on.
    #[error("lease lost: {0}")]
    LeaseLost(String),
    /// Code run on a database connection panicked; its savepoint was rolled back.
    #[error("a database request panicked: {0}")]
    Panicked(String),
}

impl StoreError {
    /// True when the error is a unique-key violation reported by the database.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Database(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;
