//! The audit log (审计日志): the record every administrative change writes in its own
//! transaction, and the check of the log's hash chain.

use chrono::{DateTime, Utc};
use tongban_store::{NewAudit, Store, StoreError};

use crate::error::AppResult;
use crate::records::millis;

/// The audit record of a change by `actor` (a username, or `cli` for the operator at the
/// console) to `subject`, with what changed as JSON text.
pub fn record(
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: String,
) -> NewAudit {
    NewAudit {
        at: millis(at),
        actor: actor.to_owned(),
        action: action.to_owned(),
        subject: subject.to_owned(),
        detail,
    }
}

/// What a walk of the hash chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chain {
    /// Every record verified.
    Intact { records: u64 },
    /// The first record that does not verify, and why.
    Broken { seq: i64, reason: String },
}

/// Walks the whole audit chain (`tongban audit verify`). It needs only the store, not the
/// configuration: a database whose catalogue no longer decodes can still be checked.
pub fn verify(store: &Store) -> AppResult<Chain> {
    match store.read_blocking(tongban_store::audit::verify) {
        Ok(report) => Ok(Chain::Intact {
            records: report.records,
        }),
        Err(StoreError::AuditBroken(b)) => Ok(Chain::Broken {
            seq: b.seq,
            reason: b.reason,
        }),
        Err(e) => Err(e.into()),
    }
}
