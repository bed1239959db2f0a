//! Readiness of the store, told by a real write. A `SELECT 1` answers on a full disk, a
//! read-only file or a standby server, where every write fails; so readiness commits a small
//! row through the writer, as an intake would, and also believes the writers when their last
//! write failed after that.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::prelude::*;

use crate::conn::{DbConnection, DbUrl};
use crate::error::StoreError;
use crate::store::Store;
use crate::write_health::WriteFailure;

diesel::table! {
    /// One row, rewritten by each probe (migration `write_probe`).
    write_probe (id) {
        id -> BigInt,
        at -> BigInt,
        pad -> Binary,
    }
}

/// While writes succeed, a probe's answer stands this long: a load balancer polling every
/// second costs one small commit in ten.
const HEALTHY_FOR: Duration = Duration::from_secs(10);

/// While writes fail, the store is probed again at most this often.
const FAILING_FOR: Duration = Duration::from_secs(1);

/// A probe waits this long for the writer; longer means it is stuck.
const PATIENCE: Duration = Duration::from_secs(5);

/// The probe's row size while writes succeed, and while recovering from a failure: after a
/// full disk, a few free pages are not yet room for a batch of intakes.
const PAD: usize = 16 * 1024;
const RECOVERY_PAD: usize = 256 * 1024;

/// Below this much free space where the SQLite database lives, the disk counts as full. A
/// nearly full disk takes a small write now and then (into WAL pages already allocated) and
/// refuses the next: readiness must not flap with it. A batch of intakes with their files
/// needs a few MiB.
const MIN_FREE: u64 = 4 * 1024 * 1024;

/// Why the store cannot take writes now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The database does not answer.
    Unreachable(String),
    /// Migrations are pending (`tongban migrate`).
    PendingMigrations,
    /// Writes fail.
    Writes(WriteFailure, String),
    /// The writer did not answer in time.
    WriterStuck,
}

impl NotReady {
    /// The stable reason, e.g. `disk_full`.
    pub fn code(&self) -> &'static str {
        match self {
            NotReady::Unreachable(_) => WriteFailure::Unreachable.code(),
            NotReady::PendingMigrations => "pending_migrations",
            NotReady::Writes(cause, _) => cause.code(),
            NotReady::WriterStuck => "writer_stuck",
        }
    }

    /// The database's own words, where it gave any.
    pub fn error(&self) -> Option<&str> {
        match self {
            NotReady::Unreachable(e) | NotReady::Writes(_, e) => Some(e),
            NotReady::PendingMigrations | NotReady::WriterStuck => None,
        }
    }
}

/// The latest probe's answer.
#[derive(Default)]
pub(crate) struct LastProbe(Mutex<Option<(Instant, Result<(), NotReady>)>>);

impl LastProbe {
    fn fresh(&self, now: Instant) -> Option<Result<(), NotReady>> {
        let last = self.0.lock().ok()?;
        let (at, answer) = last.as_ref()?;
        let ttl = if answer.is_ok() {
            HEALTHY_FOR
        } else {
            FAILING_FOR
        };
        (now.duration_since(*at) < ttl).then(|| answer.clone())
    }

    fn keep(&self, at: Instant, answer: &Result<(), NotReady>) {
        if let Ok(mut last) = self.0.lock() {
            *last = Some((at, answer.clone()));
        }
    }

    fn at(&self) -> Option<Instant> {
        self.0.lock().ok()?.as_ref().map(|(at, _)| *at)
    }
}

/// Rewrites the probe row with `pad` bytes that do not compress (PostgreSQL would shrink
/// zeros to nothing, and so test nothing).
fn touch(conn: &mut DbConnection, pad: Vec<u8>) -> Result<(), StoreError> {
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let n = diesel::update(write_probe::table.find(1))
        .set((write_probe::at.eq(at), write_probe::pad.eq(&pad)))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(write_probe::table)
            .values((
                write_probe::id.eq(1),
                write_probe::at.eq(at),
                write_probe::pad.eq(&pad),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// `len` bytes of xorshift noise, seeded by the clock.
fn noise(len: usize) -> Vec<u8> {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.subsec_nanos());
    let mut x = u64::from(seed) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect()
}

impl Store {
    /// A full disk under a SQLite database, told by the file system.
    fn short_of_space(&self) -> Option<NotReady> {
        let DbUrl::Sqlite(path) = self.url() else {
            return None;
        };
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let fs = rustix::fs::statvfs(dir).ok()?;
        let free = fs.f_bavail.saturating_mul(fs.f_frsize);
        (free < MIN_FREE).then(|| {
            NotReady::Writes(
                WriteFailure::DiskFull,
                format!("{free} bytes free on {}", dir.display()),
            )
        })
    }

    /// Whether the store can take writes now: the database answers, its schema is current,
    /// a probe row commits, and no write failed since that probe.
    pub async fn readiness(&self) -> Result<(), NotReady> {
        let schema = self.read(crate::store::schema_current).await;
        match schema {
            Ok(true) => {}
            Ok(false) => return Err(NotReady::PendingMigrations),
            Err(e) => return Err(NotReady::Unreachable(e.to_string())),
        }
        if let Some(short) = self.short_of_space() {
            return Err(short);
        }
        let now = Instant::now();
        let failing = self.writer().health().failing();
        let answer = match self.inner_probe().fresh(now) {
            Some(answer) => answer,
            None => {
                let pad = noise(if failing.is_some() { RECOVERY_PAD } else { PAD });
                let answer = match tokio::time::timeout(
                    PATIENCE,
                    self.writer().submit(move |c| touch(c, pad)),
                )
                .await
                {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(NotReady::Writes(
                        WriteFailure::of(&e).unwrap_or(WriteFailure::Other),
                        e.to_string(),
                    )),
                    Err(_) => Err(NotReady::WriterStuck),
                };
                self.inner_probe().keep(now, &answer);
                answer
            }
        };
        answer?;
        // A write that failed after the probe answers for the store until the next probe.
        match self.writer().health().failing() {
            Some(f) if self.inner_probe().at().is_none_or(|at| f.at > at) => {
                Err(NotReady::Writes(f.cause, f.error))
            }
            _ => Ok(()),
        }
    }
}
