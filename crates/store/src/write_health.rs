//! Whether writes succeed, as the writers see it: the cause of the latest failed write and
//! the failures counted by cause, for `/readyz` and `/metrics`. A write fails for a reason
//! the caller cannot fix (the disk is full, the database is read-only or gone) or for one of
//! its own (a stale version, a duplicate): only the first kind says anything about the store.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::error::StoreError;

/// Why the database refused a write, as `/readyz` and `/metrics` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteFailure {
    /// The disk (or SQLite's page limit) is full.
    DiskFull,
    /// The database file or server accepts no writes (permissions, a standby, a read-only mount).
    ReadOnly,
    /// The disk reported an I/O error.
    Io,
    /// The database cannot be reached (the server is down or the connection was lost).
    Unreachable,
    /// The writer threads have stopped.
    WriterStopped,
    /// Anything else the database refused.
    Other,
}

impl WriteFailure {
    pub const ALL: [WriteFailure; 6] = [
        WriteFailure::DiskFull,
        WriteFailure::ReadOnly,
        WriteFailure::Io,
        WriteFailure::Unreachable,
        WriteFailure::WriterStopped,
        WriteFailure::Other,
    ];

    /// The stable name, e.g. `disk_full`.
    pub fn code(self) -> &'static str {
        match self {
            WriteFailure::DiskFull => "disk_full",
            WriteFailure::ReadOnly => "read_only",
            WriteFailure::Io => "io_error",
            WriteFailure::Unreachable => "database_unreachable",
            WriteFailure::WriterStopped => "writer_stopped",
            WriteFailure::Other => "database_error",
        }
    }

    /// The store's part in `e`, or `None` when the request itself was at fault (or the error
    /// is one a retry of the same request does not meet again).
    pub fn of(e: &StoreError) -> Option<WriteFailure> {
        match e {
            StoreError::Database(d) => Some(of_database(d)),
            StoreError::Connection(_) | StoreError::Pool(_) => Some(WriteFailure::Unreachable),
            StoreError::Io(_) => Some(WriteFailure::Io),
            StoreError::WriterGone => Some(WriteFailure::WriterStopped),
            StoreError::BatchFailed(msg) => Some(of_message(msg)),
            StoreError::Migration(_) => Some(WriteFailure::Other),
            StoreError::IdempotencyKeySeen
            | StoreError::IdempotencyConflict { .. }
            | StoreError::StaleVersion { .. }
            | StoreError::NotFound(_)
            | StoreError::Duplicate(_)
            | StoreError::AuditBroken(_)
            | StoreError::LeaseLost(_)
            | StoreError::Panicked(_) => None,
        }
    }
}

fn of_database(e: &DieselError) -> WriteFailure {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _) => {
            WriteFailure::ReadOnly
        }
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
        | DieselError::BrokenTransactionManager => WriteFailure::Unreachable,
        DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation
            | DatabaseErrorKind::ForeignKeyViolation
            | DatabaseErrorKind::CheckViolation
            | DatabaseErrorKind::NotNullViolation,
            _,
        ) => WriteFailure::Other,
        other => of_message(&other.to_string()),
    }
}

/// SQLite reports these only as text (diesel maps its result codes to `Unknown`); the
/// PostgreSQL texts are the server's for SQLSTATE 53100 and 25006.
fn of_message(msg: &str) -> WriteFailure {
    let m = msg.to_ascii_lowercase();
    if m.contains("database or disk is full")
        || m.contains("no space left on device")
        || m.contains("could not extend file")
    {
        WriteFailure::DiskFull
    } else if m.contains("readonly database")
        || m.contains("read-only transaction")
        || m.contains("read-only file system")
    {
        WriteFailure::ReadOnly
    } else if m.contains("disk i/o error") || m.contains("input/output error") {
        WriteFailure::Io
    } else if m.contains("server closed the connection")
        || m.contains("connection refused")
        || m.contains("terminating connection")
        || m.contains("no connection to the server")
    {
        WriteFailure::Unreachable
    } else {
        WriteFailure::Other
    }
}

/// The latest failed write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failing {
    pub cause: WriteFailure,
    /// The database's own words.
    pub error: String,
    pub at: Instant,
}

/// What the writers of this process have seen.
#[derive(Default)]
pub struct WriteHealth {
    /// The latest failed write, until a write succeeds again.
    failing: Mutex<Option<Failing>>,
    counts: [AtomicU64; 6],
}

impl WriteHealth {
    /// A batch committed: writes succeed.
    pub fn committed(&self) {
        if let Ok(mut f) = self.failing.lock() {
            *f = None;
        }
    }

    /// `requests` writes failed because of `cause`.
    pub fn failed(&self, cause: WriteFailure, error: &str, requests: u64) {
        self.counts[index(cause)].fetch_add(requests, Ordering::Relaxed);
        if let Ok(mut f) = self.failing.lock() {
            *f = Some(Failing {
                cause,
                error: error.to_owned(),
                at: Instant::now(),
            });
        }
    }

    /// The cause of the latest failure, while no write has succeeded since.
    pub fn failing(&self) -> Option<Failing> {
        self.failing.lock().ok().and_then(|f| f.clone())
    }

    /// Failed writes so far, by cause.
    pub fn failures(&self) -> Vec<(WriteFailure, u64)> {
        WriteFailure::ALL
            .iter()
            .map(|&c| (c, self.counts[index(c)].load(Ordering::Relaxed)))
            .collect()
    }
}

fn index(cause: WriteFailure) -> usize {
    WriteFailure::ALL
        .iter()
        .position(|&c| c == cause)
        .unwrap_or(WriteFailure::ALL.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(msg: &str) -> StoreError {
        StoreError::Database(DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new(msg.to_owned()),
        ))
    }

    #[test]
    fn the_store_is_blamed_only_for_its_own_failures() {
        assert_eq!(
            WriteFailure::of(&unknown("database or disk is full")),
            Some(WriteFailure::DiskFull)
        );
        assert_eq!(
            WriteFailure::of(&unknown(
                "could not extend file \"base/1/2\": No space left on device"
            )),
            Some(WriteFailure::DiskFull)
        );
        assert_eq!(
            WriteFailure::of(&unknown("attempt to write a readonly database")),
            Some(WriteFailure::ReadOnly)
        );
        assert_eq!(
            WriteFailure::of(&unknown("disk I/O error")),
            Some(WriteFailure::Io)
        );
        assert_eq!(
            WriteFailure::of(&StoreError::WriterGone),
            Some(WriteFailure::WriterStopped)
        );
        assert_eq!(
            WriteFailure::of(&StoreError::BatchFailed(
                "database error: database or disk is full".into()
            )),
            Some(WriteFailure::DiskFull)
        );
        assert_eq!(
            WriteFailure::of(&StoreError::StaleVersion { current: 3 }),
            None
        );
        assert_eq!(WriteFailure::of(&StoreError::Duplicate("x".into())), None);
    }

    #[test]
    fn a_success_ends_the_failure_but_not_its_count() {
        let h = WriteHealth::default();
        h.failed(WriteFailure::DiskFull, "database or disk is full", 3);
        assert_eq!(h.failing().map(|f| f.cause), Some(WriteFailure::DiskFull));
        h.committed();
        assert_eq!(h.failing(), None);
        let counts = h.failures();
        assert!(counts.contains(&(WriteFailure::DiskFull, 3)));
        assert!(counts.contains(&(WriteFailure::ReadOnly, 0)));
    }
}
