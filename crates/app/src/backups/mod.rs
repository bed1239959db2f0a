//! Backups of the whole state, and restores from them.
//!
//! Attachments and the signing-key ring live in the database, so one database snapshot is the
//! whole installation. A backup is a directory `tongban-backup-YYYYMMDDTHHMMSSZ/` holding the
//! payload (`tongban.sqlite`, or `tongban.pgdump` from `pg_dump --format=custom`) and
//! `manifest.json` ([`manifest::Manifest`]): when, which backend and schema, how many cases,
//! the audit head, and the payload's SHA-256, all read from the snapshot itself. It is written
//! under a temporary name, fsynced and renamed, so a directory with the final name is always
//! complete. Restores fill only an empty data directory or database, and check the payload,
//! the file, the migrations and the whole audit chain before they say it worked.
//!
//! The calls here block (files, SQLite's backup API, `pg_dump`); the scheduled backup runs
//! them on tokio's blocking threads.

mod files;
pub mod manifest;
mod restore;
pub mod retention;
pub mod schedule;
pub mod status;
mod take;
mod tools;

/// The hall's offset and instants from text, for the tests of retention and schedule.
#[cfg(test)]
mod test_time {
    use chrono::{DateTime, FixedOffset, Utc};

    pub const HALL: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
        Some(o) => o,
        None => panic!("valid offset"),
    };

    pub fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }
}

use std::path::PathBuf;

use tongban_store::snapshot::SnapshotError;
use tongban_store::{AuditBreak, StoreError};

pub use restore::{restore, Restored};
pub use take::{record, take, Progress, Taken};

/// File name of the SQLite payload.
pub const SQLITE_PAYLOAD: &str = "tongban.sqlite";
/// File name of the PostgreSQL payload (`pg_dump --format=custom`).
pub const PG_PAYLOAD: &str = "tongban.pgdump";
/// Name of the manifest in a backup directory.
pub const MANIFEST: &str = "manifest.json";
/// Prefix of every backup directory's name; retention touches nothing else.
pub const DIR_PREFIX: &str = "tongban-backup-";
/// Prefix of a backup directory while it is written.
pub const TMP_PREFIX: &str = ".tmp-tongban-backup-";

/// What can stop a backup or a restore. Messages are for the operator at the console and the
/// log; each is whole in itself (no error source to print after it, so the console does not
/// show the cause twice).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{what}: {cause}")]
    Io { what: String, cause: std::io::Error },
    #[error("{0}")]
    Store(StoreError),
    #[error("{0}")]
    Snapshot(SnapshotError),
    #[error("no database at {0}: nothing to back up")]
    NoDatabase(PathBuf),
    #[error(
        "{tool} is not installed (not found on PATH): install the package postgresql-client \
         (Debian: apt-get install postgresql-client), of the server's major version or newer; \
         see docs/operations.md, \"PostgreSQL\""
    )]
    ToolMissing { tool: &'static str },
    #[error("{tool} failed ({status}): {stderr}")]
    ToolFailed {
        tool: &'static str,
        status: String,
        stderr: String,
    },
    #[error("{0}")]
    Manifest(String),
    #[error(
        "refusing to restore: {0} is not empty; restore fills only an empty data directory \
         (no tongban.sqlite) or an empty database (no tables), so nothing is overwritten"
    )]
    NotEmpty(String),
    #[error(
        "the backup holds a {backup} database, the target is {target}; restore it with the \
         matching --data-dir or --database-url"
    )]
    WrongBackend { backup: String, target: String },
    #[error(
        "the backup's schema {backup} is newer than this tongban knows ({known}): restore it \
         with the version that took it ({version}) or a newer one"
    )]
    NewerSchema {
        backup: String,
        known: String,
        version: String,
    },
    #[error(
        "checksum mismatch: {file} has SHA-256 {found} ({found_bytes} bytes), the manifest \
         says {expected} ({expected_bytes} bytes); the backup is damaged"
    )]
    Checksum {
        file: PathBuf,
        expected: String,
        found: String,
        expected_bytes: u64,
        found_bytes: u64,
    },
    #[error("integrity_check failed: {}", .0.join("; "))]
    Integrity(Vec<String>),
    #[error("the restored audit chain is broken at record {}: {}", .0.seq, .0.reason)]
    AuditBroken(AuditBreak),
    #[error("the restored database has {what} {found}, the manifest says {expected}")]
    Mismatch {
        what: &'static str,
        expected: String,
        found: String,
    },
}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> Self {
        BackupError::Store(e)
    }
}

impl From<SnapshotError> for BackupError {
    fn from(e: SnapshotError) -> Self {
        BackupError::Snapshot(e)
    }
}

impl BackupError {
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
        let what = what.into();
        move |cause| BackupError::Io { what, cause }
    }
}
