//! The audit log: an append-only hash chain. Each record stores the hash of the one before,
//! and its own hash is `sha256(prev_hash || canonical(record))`, so changing, removing or
//! reordering any record breaks the chain from that record on.

use std::cell::RefCell;

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::{audit_head, audit_log};

/// The `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An audit record to append (the store gives it its number and hashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAudit {
    /// When, unix milliseconds.
    pub at: i64,
    /// Who (a username, or `system`).
    pub actor: String,
    /// What was done, e.g. `case.accept`, `grant.revoke`.
    pub action: String,
    /// What it was done to, e.g. a case number or a window code.
    pub subject: String,
    /// Further detail as JSON text.
    pub detail: String,
}

/// A stored audit record.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRecord {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When, unix milliseconds.
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// What it was done to.
    pub subject: String,
    /// Detail, JSON text.
    pub detail: String,
    /// Hash of the previous record (hex), [`GENESIS_HASH`] for the first.
    pub prev_hash: String,
    /// This record's hash (hex).
    pub hash: String,
}

/// A verified chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditReport {
    /// How many records verified.
    pub records: u64,
}

/// Where and why the chain does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBreak {
    /// The first record that fails.
    pub seq: i64,
    /// Why, in plain words.
    pub reason: String,
}

/// The hash of a record given its predecessor's hash. The canonical form is the JSON array
/// `[seq, at, actor, action, subject, detail]`: strings are escaped, so no two records share it.
pub fn record_hash(
    prev_hash: &str,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let canonical = serde_json::json!([seq, at, actor, action, subject, detail]).to_string();
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(canonical.as_bytes());
    hex::encode(hasher.finalize())
}

/// Takes the audit write lock for the current transaction: on PostgreSQL the row lock on
/// `audit_head` serialises appenders across processes; on SQLite a write as the first
/// statement takes the database write lock at once (waiting up to the busy timeout) instead
/// of failing later when a read transaction tries to upgrade.
pub fn lock_head(conn: &mut DbConnection) -> Result<(), StoreError> {
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set(audit_head::seq.eq(audit_head::seq))
        .execute(conn)?;
    Ok(())
}

thread_local! {
    /// The chain head as the writer's current batch left it: read once when the batch takes
    /// the head lock, advanced by every append, written back once before the commit. `None`
    /// outside a writer batch, where every append reads and writes the head row itself.
    static BATCH_HEAD: RefCell<Option<BatchHead>> = const { RefCell::new(None) };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BatchHead {
    seq: i64,
    hash: String,
    dirty: bool,
}

/// Takes the head lock and starts caching the head for this batch (the writer's first
/// statement of every batch).
pub(crate) fn begin_batch(conn: &mut DbConnection) -> Result<(), StoreError> {
    // Lock and read in one statement: one round trip less per batch on PostgreSQL.
    let head: HeadRow =
        diesel::sql_query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
            .get_result(conn)?;
    let (seq, hash) = (head.seq, head.hash);
    BATCH_HEAD.with(|h| {
        *h.borrow_mut() = Some(BatchHead {
            seq,
            hash,
            dirty: false,
        })
    });
    Ok(())
}

/// Writes the cached head back if the batch appended anything (last statement before the
/// commit), and stops caching.
pub(crate) fn end_batch(conn: &mut DbConnection) -> Result<(), StoreError> {
    let head = BATCH_HEAD.with(|h| h.borrow_mut().take());
    if let Some(BatchHead {
        seq,
        hash,
        dirty: true,
    }) = head
    {
        write_head(conn, seq, &hash)?;
    }
    Ok(())
}

/// Forgets the cached head (a batch that failed to commit).
pub(crate) fn abandon_batch() {
    BATCH_HEAD.with(|h| h.borrow_mut().take());
}

/// The cached head before a request, to restore if its savepoint is rolled back.
pub(crate) fn snapshot() -> Option<BatchHead> {
    BATCH_HEAD.with(|h| h.borrow().clone())
}

pub(crate) fn restore(saved: Option<BatchHead>) {
    BATCH_HEAD.with(|h| *h.borrow_mut() = saved);
}

#[derive(diesel::QueryableByName)]
struct HeadRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    seq: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    hash: String,
}

fn read_head(conn: &mut DbConnection) -> Result<(i64, String), StoreError> {
    Ok(audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?)
}

fn write_head(conn: &mut DbConnection, seq: i64, hash: &str) -> Result<(), StoreError> {
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set((audit_head::seq.eq(seq), audit_head::hash.eq(hash)))
        .execute(conn)?;
    Ok(())
}

/// Appends one record to the chain. On the writer, its batch holds the head lock and the
/// head in memory (one read and one write per batch); elsewhere it must run inside a
/// transaction, and takes the lock, reads and writes the head row itself.
pub fn append(conn: &mut DbConnection, new: &NewAudit) -> Result<AuditRecord, StoreError> {
    let cached = BATCH_HEAD.with(|h| h.borrow().as_ref().map(|b| (b.seq, b.hash.clone())));
    let (head_seq, head_hash) = match cached {
        Some(head) => head,
        None => {
            lock_head(conn)?;
            read_head(conn)?
        }
    };
    let seq = head_seq + 1;
    let hash = record_hash(
        &head_hash,
        seq,
        new.at,
        &new.actor,
        &new.action,
        &new.subject,
        &new.detail,
    );
    let record = AuditRecord {
        seq,
        at: new.at,
        actor: new.actor.clone(),
        action: new.action.clone(),
        subject: new.subject.clone(),
        detail: new.detail.clone(),
        prev_hash: head_hash,
        hash,
    };
    diesel::insert_into(audit_log::table)
        .values(&record)
        .execute(conn)?;
    let in_batch = BATCH_HEAD.with(|h| match h.borrow_mut().as_mut() {
        Some(b) => {
            b.seq = seq;
            b.hash.clone_from(&record.hash);
            b.dirty = true;
            true
        }
        None => false,
    });
    if !in_batch {
        write_head(conn, seq, &record.hash)?;
    }
    Ok(record)
}

/// Appends several records in order, in one multi-row INSERT per 500 on PostgreSQL. Only on
/// the writer, inside a batch (the head is cached there); elsewhere use [`append`].
pub fn append_many(conn: &mut DbConnection, new: &[&NewAudit]) -> Result<(), StoreError> {
    let Some(mut head) = snapshot() else {
        for record in new {
            append(conn, record)?;
        }
        return Ok(());
    };
    let mut records = Vec::with_capacity(new.len());
    for n in new {
        let seq = head.seq + 1;
        let hash = record_hash(
            &head.hash, seq, n.at, &n.actor, &n.action, &n.subject, &n.detail,
        );
        records.push(AuditRecord {
            seq,
            at: n.at,
            actor: n.actor.clone(),
            action: n.action.clone(),
            subject: n.subject.clone(),
            detail: n.detail.clone(),
            prev_hash: std::mem::replace(&mut head.hash, hash.clone()),
            hash,
        });
        head.seq = seq;
    }
    for chunk in records.chunks(crate::multi_row::MULTI_ROW_CHUNK) {
        crate::multi_row::multi_row_insert!(conn, audit_log::table, chunk);
    }
    head.dirty = true;
    restore(Some(head));
    Ok(())
}

/// Records from `after_seq` (exclusive), oldest first.
pub fn records_after(
    conn: &mut DbConnection,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditRecord>, StoreError> {
    Ok(audit_log::table
        .filter(audit_log::seq.gt(after_seq))
        .order(audit_log::seq.asc())
        .limit(limit)
        .select(AuditRecord::as_select())
        .load(conn)?)
}

/// Walks the whole chain. A broken chain is `Err(StoreError::AuditBroken(..))` naming the
/// first record that fails; a database failure is any other error.
pub fn verify(conn: &mut DbConnection) -> Result<AuditReport, StoreError> {
    const PAGE: i64 = 2000;
    let broken = |seq: i64, reason: String| StoreError::AuditBroken(AuditBreak { seq, reason });
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut expected = 1_i64;
    loop {
        let page = records_after(conn, expected - 1, PAGE)?;
        let done = (page.len() as i64) < PAGE;
        for r in page {
            if r.seq != expected {
                return Err(broken(
                    expected,
                    format!("record missing (next is {})", r.seq),
                ));
            }
            if r.prev_hash != prev_hash {
                return Err(broken(
                    r.seq,
                    "prev_hash does not match the previous record".into(),
                ));
            }
            let computed = record_hash(
                &r.prev_hash,
                r.seq,
                r.at,
                &r.actor,
                &r.action,
                &r.subject,
                &r.detail,
            );
            if computed != r.hash {
                return Err(broken(r.seq, "hash does not match the contents".into()));
            }
            prev_hash = r.hash;
            expected += 1;
        }
        if done {
            break;
        }
    }
    let last = expected - 1;
    let (head_seq, head_hash): (i64, String) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?;
    if head_seq != last {
        return Err(broken(
            last + 1,
            format!("the log ends at record {last} but the head says {head_seq}"),
        ));
    }
    if head_hash != prev_hash {
        return Err(broken(
            last,
            "the last record's hash differs from the head".into(),
        ));
    }
    Ok(AuditReport {
        records: last as u64,
    })
}
