//! Consistent copies of a live database, and the facts a backup's manifest states about one.
//!
//! SQLite: the online backup API on connections of its own, page by page, inside one read
//! transaction of the source, so the copy is one snapshot however long it takes and the
//! running service goes on committing meanwhile (WAL mode). PostgreSQL: a REPEATABLE READ
//! transaction that exports its snapshot, for `pg_dump --snapshot` to dump exactly what the
//! transaction reads.

use std::ffi::{c_int, CStr, CString};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::SqliteConnection;
use libsqlite3_sys as ffi;

use crate::audit::GENESIS_HASH;
use crate::conn::{establish, ConnectionOptions, DbConnection, DbUrl};
use crate::error::StoreError;
use crate::schema::{audit_log, case_attachments, cases};

/// Why a snapshot could not be taken or read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// SQLite refused a step of the copy.
    #[error("SQLite {step}: {message}")]
    Sqlite {
        /// What was being done.
        step: &'static str,
        /// SQLite's message.
        message: String,
    },
    /// A query or connection failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for SnapshotError {
    fn from(e: diesel::result::Error) -> Self {
        SnapshotError::Store(e.into())
    }
}

impl From<diesel::ConnectionError> for SnapshotError {
    fn from(e: diesel::ConnectionError) -> Self {
        SnapshotError::Store(e.into())
    }
}

/// What a backup's manifest says about the database it holds, read from the snapshot itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The latest applied migration (diesel's version, e.g. `20261204000000`); empty when
    /// none was applied.
    pub schema_version: String,
    /// Rows of `cases`.
    pub cases: i64,
    /// Rows of `case_attachments`.
    pub attachments: i64,
    /// The last audit record's number, 0 for an empty log.
    pub audit_seq: i64,
    /// The last audit record's hash, [`GENESIS_HASH`] for an empty log.
    pub audit_hash: String,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Nullable<Text>)]
    version: Option<String>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct SnapshotId {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Reads the [`Facts`] of the database `conn` sees (within its current transaction, if any).
pub fn facts(conn: &mut DbConnection) -> Result<Facts, StoreError> {
    let schema_version =
        diesel::sql_query("SELECT MAX(version) AS version FROM __diesel_schema_migrations")
            .get_result::<Version>(conn)?
            .version
            .unwrap_or_default();
    let cases = cases::table.count().get_result(conn)?;
    let attachments = case_attachments::table.count().get_result(conn)?;
    let head: Option<(i64, String)> = audit_log::table
        .order(audit_log::seq.desc())
        .select((audit_log::seq, audit_log::hash))
        .first(conn)
        .optional()?;
    let (audit_seq, audit_hash) = head.unwrap_or_else(|| (0, GENESIS_HASH.to_string()));
    Ok(Facts {
        schema_version,
        cases,
        attachments,
        audit_seq,
        audit_hash,
    })
}

/// Tables in the database: SQLite's own schema, PostgreSQL's `public` schema. Zero means
/// nothing was ever stored there (a restore may fill it).
pub fn table_count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    let sql = match conn {
        DbConnection::Sqlite(_) => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'",
        DbConnection::Pg(_) => {
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'"
        }
    };
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n)
}

/// True when the table `name` exists (a database of an older schema may lack a new one).
pub fn has_table(conn: &mut DbConnection, name: &str) -> Result<bool, StoreError> {
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1"
        }
        DbConnection::Pg(_) => {
            "SELECT COUNT(*) AS n FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_name = $1"
        }
    };
    let n = diesel::sql_query(sql)
        .bind::<Text, _>(name)
        .get_result::<Count>(conn)?
        .n;
    Ok(n > 0)
}

/// SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound file, else its findings.
pub fn integrity_check(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    Ok(diesel::sql_query("PRAGMA integrity_check")
        .load::<Check>(conn)?
        .into_iter()
        .map(|c| c.integrity_check)
        .collect())
}

/// Opens a SQLite file as it is, without switching it to WAL mode as the service does: a
/// backup stays one self-contained file, and a file being restored gets no `-wal` beside it
/// before it is moved into place. Foreign keys on, as every connection of the service has.
pub fn open_sqlite_file(path: &Path) -> Result<DbConnection, StoreError> {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
    conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;")?;
    Ok(DbConnection::Sqlite(conn))
}

/// Opens a connection to `url` as the service would (for a restore's checks on PostgreSQL).
pub fn connect(url: &str) -> Result<DbConnection, StoreError> {
    establish(&DbUrl::parse(url), &ConnectionOptions::default())
}

/// How far a SQLite copy has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyProgress {
    /// Pages copied so far.
    pub done: u64,
    /// Pages in the snapshot.
    pub total: u64,
    /// Bytes per page.
    pub page_size: u64,
}

/// A finished SQLite copy.
#[derive(Debug, Clone, Copy)]
pub struct Copied {
    /// When the source's snapshot was pinned: the copy holds every commit before it and none
    /// after.
    pub snapshot_at: SystemTime,
    /// Pages copied.
    pub pages: u64,
    /// Bytes per page.
    pub page_size: u64,
}

/// Pages copied per step: about 4 MiB at SQLite's default page size, small enough to report
/// progress a few times a second on a slow disk.
const PAGES_PER_STEP: c_int = 1024;

/// Copies the SQLite database at `source` into a new file `dest` while other connections
/// (the running service) keep reading and writing it. The copy is one consistent snapshot:
/// the source connection holds one read transaction across every step, so the WAL keeps the
/// pages of that snapshot and the backup never restarts on a commit made meanwhile. The copy
/// is left in rollback-journal mode (no `-wal` of its own), not yet fsynced.
pub fn copy_sqlite(
    source: &Path,
    dest: &Path,
    busy_timeout: Duration,
    progress: &mut dyn FnMut(CopyProgress),
) -> Result<Copied, SnapshotError> {
    // READWRITE though nothing is written: a read-only connection cannot open a WAL
    // database whose `-shm` is missing (no process has it open), and must not create one.
    // No CREATE: a missing database is an error, never an empty backup.
    let src = Raw::open(source, ffi::SQLITE_OPEN_READWRITE, "open the database")?;
    src.busy_timeout(busy_timeout);
    // The read transaction starts at its first read, the SELECT.
    src.exec("BEGIN; SELECT COUNT(*) FROM sqlite_master;", "start a read")?;
    let snapshot_at = SystemTime::now();
    let page_size =
        u64::try_from(src.query_i64("PRAGMA page_size", "read the page size")?).unwrap_or(0);
    let dst = Raw::open(
        dest,
        ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE,
        "create the copy",
    )?;
    let copied = {
        let backup = Backup::init(&dst, &src)?;
        backup.run(page_size, busy_timeout, progress)?
    };
    src.exec("COMMIT", "end the read")?;
    drop(src);
    // The pages came with the source's WAL flag; the copy is one file for whoever opens it.
    dst.exec("PRAGMA journal_mode = DELETE", "leave WAL mode")?;
    drop(dst);
    Ok(Copied {
        snapshot_at,
        pages: copied.0,
        page_size: copied.1,
    })
}

/// An open sqlite3 handle, closed on drop.
struct Raw(*mut ffi::sqlite3);

impl Raw {
    fn open(path: &Path, flags: c_int, step: &'static str) -> Result<Raw, SnapshotError> {
        let name = path.to_str().ok_or_else(|| SnapshotError::Sqlite {
            step,
            message: format!("the path {} is not UTF-8", path.display()),
        })?;
        let name = CString::new(name).map_err(|_| SnapshotError::Sqlite {
            step,
            message: "the path contains a NUL byte".into(),
        })?;
        let mut db = std::ptr::null_mut();
        // SAFETY: `name` is a NUL-terminated string that outlives the call; `db` receives a
        // handle (possibly non-null on failure), owned by `Raw` from here on and closed once.
        let rc = unsafe { ffi::sqlite3_open_v2(name.as_ptr(), &mut db, flags, std::ptr::null()) };
        let raw = Raw(db);
        if rc != ffi::SQLITE_OK {
            return Err(raw.error(step, rc));
        }
        Ok(raw)
    }

    fn busy_timeout(&self, timeout: Duration) {
        let ms = c_int::try_from(timeout.as_millis()).unwrap_or(c_int::MAX);
        // SAFETY: `self.0` is an open handle.
        unsafe { ffi::sqlite3_busy_timeout(self.0, ms) };
    }

    fn exec(&self, sql: &str, step: &'static str) -> Result<(), SnapshotError> {
        let sql = CString::new(sql).map_err(|_| SnapshotError::Sqlite {
            step,
            message: "statement contains a NUL byte".into(),
        })?;
        // SAFETY: an open handle and a NUL-terminated statement; no callback, no error
        // string (the message is read from the handle instead).
        let rc = unsafe {
            ffi::sqlite3_exec(
                self.0,
                sql.as_ptr(),
                None,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(self.error(step, rc));
        }
        Ok(())
    }

    /// The first column of the first row of `sql`, as an integer.
    fn query_i64(&self, sql: &str, step: &'static str) -> Result<i64, SnapshotError> {
        let sql = CString::new(sql).map_err(|_| SnapshotError::Sqlite {
            step,
            message: "statement contains a NUL byte".into(),
        })?;
        let mut stmt = std::ptr::null_mut();
        // SAFETY: an open handle and a NUL-terminated statement; `stmt` is finalized below
        // on every path.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(self.0, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut())
        };
        if rc != ffi::SQLITE_OK {
            return Err(self.error(step, rc));
        }
        // SAFETY: a prepared statement, stepped once, read while it is on its row, then
        // finalized once.
        let (rc, value) = unsafe {
            let rc = ffi::sqlite3_step(stmt);
            let value = match rc {
                ffi::SQLITE_ROW => ffi::sqlite3_column_int64(stmt, 0),
                _ => 0,
            };
            ffi::sqlite3_finalize(stmt);
            (rc, value)
        };
        if rc != ffi::SQLITE_ROW {
            return Err(self.error(step, rc));
        }
        Ok(value)
    }

    fn error(&self, step: &'static str, rc: c_int) -> SnapshotError {
        let message = if self.0.is_null() {
            // SAFETY: sqlite3_errstr returns a static string for any code.
            unsafe { CStr::from_ptr(ffi::sqlite3_errstr(rc)) }
                .to_string_lossy()
                .into_owned()
        } else {
            // SAFETY: an open (or failed-to-open) handle; the message is copied at once.
            unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.0)) }
                .to_string_lossy()
                .into_owned()
        };
        SnapshotError::Sqlite { step, message }
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        // SAFETY: closes the handle once; a null handle is a no-op. No statement is left
        // open on it, and the backup object that used it is finished before (`Backup`
        // borrows the handles it uses).
        unsafe { ffi::sqlite3_close(self.0) };
    }
}

/// A running sqlite3 backup, finished on drop.
struct Backup<'a> {
    handle: *mut ffi::sqlite3_backup,
    dst: &'a Raw,
    /// Held so the source cannot be closed while the backup uses it.
    _src: &'a Raw,
}

impl<'a> Backup<'a> {
    fn init(dst: &'a Raw, src: &'a Raw) -> Result<Backup<'a>, SnapshotError> {
        let main = c"main";
        // SAFETY: two open handles and static names; the backup object uses both handles,
        // which `Backup` borrows, so they outlive it.
        let handle =
            unsafe { ffi::sqlite3_backup_init(dst.0, main.as_ptr(), src.0, main.as_ptr()) };
        if handle.is_null() {
            return Err(dst.error("start the copy", ffi::SQLITE_ERROR));
        }
        Ok(Backup {
            handle,
            dst,
            _src: src,
        })
    }

    /// Steps to the end; (pages, page size).
    fn run(
        self,
        page_size: u64,
        busy_timeout: Duration,
        progress: &mut dyn FnMut(CopyProgress),
    ) -> Result<(u64, u64), SnapshotError> {
        let mut busy_since: Option<Instant> = None;
        let mut before = 0;
        loop {
            // SAFETY: a live backup object.
            let rc = unsafe { ffi::sqlite3_backup_step(self.handle, PAGES_PER_STEP) };
            // SAFETY: a live backup object, after a step.
            let (remaining, total) = unsafe {
                (
                    ffi::sqlite3_backup_remaining(self.handle),
                    ffi::sqlite3_backup_pagecount(self.handle),
                )
            };
            let total = u64::try_from(total).unwrap_or(0);
            let done = total.saturating_sub(u64::try_from(remaining).unwrap_or(0));
            // SQLite starts a copy over when the source changed under it, which the read
            // transaction held by the caller rules out; were it to happen anyway, under a
            // steady stream of commits it would start over for ever.
            if done < before {
                return Err(SnapshotError::Sqlite {
                    step: "copy the pages",
                    message: "the source changed under the copy; it would have started over".into(),
                });
            }
            before = done;
            match rc {
                ffi::SQLITE_OK | ffi::SQLITE_DONE => {
                    busy_since = None;
                    progress(CopyProgress {
                        done,
                        total,
                        page_size,
                    });
                    if rc == ffi::SQLITE_DONE {
                        return self.finish().map(|()| (total, page_size));
                    }
                }
                // The destination is ours alone and the source's read is already open, so
                // this is unlikely; wait as a busy timeout would.
                ffi::SQLITE_BUSY | ffi::SQLITE_LOCKED => {
                    let since = *busy_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > busy_timeout {
                        return Err(self.dst.error("copy the pages", rc));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => return Err(self.dst.error("copy the pages", rc)),
            }
        }
    }

    fn finish(mut self) -> Result<(), SnapshotError> {
        let handle = std::mem::replace(&mut self.handle, std::ptr::null_mut());
        // SAFETY: finishes the live backup object once (drop then sees null).
        let rc = unsafe { ffi::sqlite3_backup_finish(handle) };
        if rc != ffi::SQLITE_OK {
            return Err(self.dst.error("finish the copy", rc));
        }
        Ok(())
    }
}

impl Drop for Backup<'_> {
    fn drop(&mut self) {
        if !self.handle.is_null() {
            // SAFETY: a live backup object, finished once (an abandoned copy).
            unsafe { ffi::sqlite3_backup_finish(self.handle) };
        }
    }
}

/// Runs `work` with the id of an exported PostgreSQL snapshot and the [`Facts`] read in it,
/// while the transaction that exported it stays open (which `pg_dump --snapshot` needs). The
/// transaction only reads; it ends when `work` returns.
pub fn with_pg_snapshot<T, E>(
    url: &str,
    work: impl FnOnce(&str, &Facts) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<SnapshotError>,
{
    let mut conn = connect(url).map_err(SnapshotError::from)?;
    let id = export(&mut conn).map_err(SnapshotError::from)?;
    let facts = facts(&mut conn).map_err(SnapshotError::from)?;
    let out = work(&id, &facts);
    // Read only: ending it cannot fail in a way that matters to what `work` did.
    let _ = conn.batch_execute("COMMIT");
    out
}

fn export(conn: &mut DbConnection) -> Result<String, StoreError> {
    // REPEATABLE READ: every statement of the transaction, and pg_dump's, reads the one
    // snapshot taken at its first statement, the export.
    conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
    Ok(diesel::sql_query("SELECT pg_export_snapshot() AS id")
        .get_result::<SnapshotId>(conn)?
        .id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A WAL database of about `mib` MiB, in a table of its own.
    fn filled(path: &Path, mib: usize) -> SqliteConnection {
        let mut conn = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
        conn.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
             CREATE TABLE t (id INTEGER PRIMARY KEY, pad BLOB NOT NULL);",
        )
        .unwrap();
        conn.batch_execute(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) \
             INSERT INTO t (pad) SELECT randomblob(1024) FROM n;",
            mib * 1024
        ))
        .unwrap();
        conn
    }

    fn rows(conn: &mut SqliteConnection) -> i64 {
        diesel::sql_query("SELECT COUNT(*) AS n FROM t")
            .get_result::<Count>(conn)
            .unwrap()
            .n
    }

    #[test]
    fn a_copy_is_one_snapshot_while_another_connection_keeps_committing() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("live.sqlite");
        let mut conn = filled(&source, 24);
        let before = rows(&mut conn);
        // Commits from another connection all through the copy.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (stop, source) = (stop.clone(), source.clone());
            std::thread::spawn(move || {
                let mut c = SqliteConnection::establish(&source.to_string_lossy()).unwrap();
                c.batch_execute("PRAGMA busy_timeout = 10000").unwrap();
                let mut commits = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    c.batch_execute("INSERT INTO t (pad) VALUES (randomblob(1024))")
                        .unwrap();
                    commits += 1;
                }
                commits
            })
        };
        let mut seen = Vec::new();
        let copy = dir.path().join("copy.sqlite");
        let copied = copy_sqlite(&source, &copy, Duration::from_secs(10), &mut |p| {
            seen.push(p);
            // Slow steps, so that many commits land between them.
            std::thread::sleep(Duration::from_millis(30));
        })
        .unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let commits = writer.join().unwrap();
        let after = rows(&mut conn);

        assert!(seen.len() >= 5, "{} steps", seen.len());
        assert!(
            commits > 0 && after > before,
            "{commits} commits during the copy"
        );
        // Never restarted: the total stays and the count only grows, to the end.
        assert!(seen
            .windows(2)
            .all(|w| w[0].total == w[1].total && w[0].done < w[1].done));
        let last = seen.last().unwrap();
        assert_eq!((last.done, last.total), (copied.pages, copied.pages));
        assert_eq!(copied.page_size, 4096);

        // The copy is a sound, self-contained file holding one state of the source.
        assert!(!dir.path().join("copy.sqlite-wal").exists());
        let mut c = open_sqlite_file(&copy).unwrap();
        assert_eq!(integrity_check(&mut c).unwrap(), ["ok"]);
        let DbConnection::Sqlite(mut c) = c else {
            unreachable!()
        };
        let n = rows(&mut c);
        assert!(before <= n && n < after, "{before} <= {n} < {after}");
    }

    #[test]
    fn facts_and_emptiness_of_a_fresh_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let mut conn = open_sqlite_file(&path).unwrap();
        assert_eq!(table_count(&mut conn).unwrap(), 0);
        crate::migrations::run_pending(&mut conn).unwrap();
        assert!(table_count(&mut conn).unwrap() > 10);
        assert!(has_table(&mut conn, "backups").unwrap());
        assert!(!has_table(&mut conn, "nothing").unwrap());
        let facts = facts(&mut conn).unwrap();
        assert_eq!(
            facts.schema_version,
            crate::migrations::latest_embedded(crate::Backend::Sqlite).unwrap()
        );
        assert_eq!((facts.cases, facts.audit_seq), (0, 0));
        assert_eq!(facts.audit_hash, GENESIS_HASH);
    }

    #[test]
    fn a_missing_database_is_an_error_not_an_empty_copy() {
        let dir = tempfile::tempdir().unwrap();
        let err = copy_sqlite(
            &dir.path().join("none.sqlite"),
            &dir.path().join("copy.sqlite"),
            Duration::from_secs(1),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(err.to_string().contains("open the database"), "{err}");
        assert!(!dir.path().join("none.sqlite").exists());
    }
}
