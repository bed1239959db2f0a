//! Taking a backup: a consistent snapshot of the live database into a new backup directory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tongban_store::backups::{self as recorded, NewBackup};
use tongban_store::snapshot::{self, CopyProgress, Facts};
use tongban_store::DbUrl;

use super::files::{fsync_dir, fsync_file, sha256_file, write_new};
use super::manifest::{Manifest, Payload};
use super::{tools, BackupError, DIR_PREFIX, MANIFEST, PG_PAYLOAD, SQLITE_PAYLOAD, TMP_PREFIX};

/// How far a running backup has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// SQLite: pages copied of the snapshot's pages.
    Pages(CopyProgress),
    /// PostgreSQL: bytes `pg_dump` has written so far (it cannot say how many will come).
    Bytes(u64),
}

/// A backup written and flushed to disk.
#[derive(Debug, Clone)]
pub struct Taken {
    /// Its directory.
    pub dir: PathBuf,
    /// What it holds.
    pub manifest: Manifest,
    /// How long it took, from start to the final rename.
    pub elapsed: Duration,
}

/// How long SQLite waits for a lock the service holds (it holds none a reader needs in WAL
/// mode, but a checkpoint may take one for a moment).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Takes a consistent online backup of the database at `url` into a new directory inside
/// `to` (created if missing). The service may keep running and writing meanwhile. Nothing
/// in the database changes (not even a migration); see [`record`] for the entry in its
/// `backups` table.
pub fn take(
    url: &str,
    to: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Taken, BackupError> {
    let started = Instant::now();
    std::fs::create_dir_all(to).map_err(BackupError::io(format!(
        "cannot create the backup directory {}",
        to.display()
    )))?;
    let tmp = to.join(format!(
        "{TMP_PREFIX}{}-{}",
        stamp(Utc::now()),
        std::process::id()
    ));
    std::fs::create_dir(&tmp)
        .map_err(BackupError::io(format!("cannot create {}", tmp.display())))?;
    let written = match DbUrl::parse(url) {
        DbUrl::Sqlite(path) => snapshot_sqlite(&path, &tmp, progress),
        DbUrl::Postgres(url) => snapshot_pg(&url, &tmp, progress),
    }
    .and_then(|manifest| finish(to, &tmp, manifest));
    match written {
        Ok((dir, manifest)) => Ok(Taken {
            dir,
            manifest,
            elapsed: started.elapsed(),
        }),
        Err(e) => {
            // Half a backup is no backup: leave nothing that looks like one.
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// Records `taken` in the `backups` table of the database at `url`, so that every process
/// exports its age. `false` when that database's schema predates the table (a backup taken
/// before an upgrade, by the new binary): the backup is good, only unrecorded.
pub fn record(url: &str, taken: &Taken) -> Result<bool, BackupError> {
    let mut conn = snapshot::connect(url)?;
    if !snapshot::has_table(&mut conn, "backups")? {
        return Ok(false);
    }
    let m = &taken.manifest;
    recorded::record(
        &mut conn,
        &NewBackup {
            taken_at: m.taken_at.timestamp_millis(),
            path: taken.dir.display().to_string(),
            bytes: i64::try_from(m.payload.bytes).unwrap_or(i64::MAX),
            sha256: m.payload.sha256.clone(),
            cases: m.cases,
        },
    )?;
    Ok(true)
}

/// `YYYYMMDDTHHMMSSZ`, the time in a backup's name.
pub(super) fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn snapshot_sqlite(
    path: &Path,
    tmp: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Manifest, BackupError> {
    if !path.is_file() {
        return Err(BackupError::NoDatabase(path.to_path_buf()));
    }
    let payload = tmp.join(SQLITE_PAYLOAD);
    let copied = snapshot::copy_sqlite(path, &payload, BUSY_TIMEOUT, &mut |p| {
        progress(Progress::Pages(p))
    })?;
    // The facts come from the copy, so they state what it holds.
    let facts = {
        let mut conn = snapshot::open_sqlite_file(&payload)?;
        snapshot::facts(&mut conn)?
    };
    let taken_at = DateTime::<Utc>::from(copied.snapshot_at);
    manifest(taken_at, "sqlite", &facts, &payload)
}

fn snapshot_pg(
    url: &str,
    tmp: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Manifest, BackupError> {
    let pg_dump = tools::find("pg_dump")?;
    let payload = tmp.join(PG_PAYLOAD);
    let (taken_at, facts) = snapshot::with_pg_snapshot(url, |id, facts: &Facts| {
        let taken_at = Utc::now();
        let args = [
            "--format=custom".to_string(),
            format!("--snapshot={id}"),
            format!("--file={}", payload.display()),
            format!("--dbname={url}"),
        ];
        tools::run("pg_dump", &pg_dump, &args, &mut || {
            let bytes = std::fs::metadata(&payload).map_or(0, |m| m.len());
            progress(Progress::Bytes(bytes));
        })?;
        Ok::<_, BackupError>((taken_at, facts.clone()))
    })?;
    manifest(taken_at, "postgres", &facts, &payload)
}

fn manifest(
    taken_at: DateTime<Utc>,
    backend: &str,
    facts: &Facts,
    payload: &Path,
) -> Result<Manifest, BackupError> {
    fsync_file(payload).map_err(BackupError::io(format!(
        "cannot flush {}",
        payload.display()
    )))?;
    let (sha256, bytes) = sha256_file(payload).map_err(BackupError::io(format!(
        "cannot read {}",
        payload.display()
    )))?;
    let file = payload
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Manifest::new(
        taken_at,
        backend,
        facts,
        Payload {
            file,
            bytes,
            sha256,
        },
    ))
}

/// Writes the manifest, flushes the directory and gives it its final name.
fn finish(to: &Path, tmp: &Path, manifest: Manifest) -> Result<(PathBuf, Manifest), BackupError> {
    let path = tmp.join(MANIFEST);
    write_new(&path, &manifest.to_json())
        .map_err(BackupError::io(format!("cannot write {}", path.display())))?;
    fsync_dir(tmp).map_err(BackupError::io(format!("cannot flush {}", tmp.display())))?;
    let name = format!("{DIR_PREFIX}{}", stamp(manifest.taken_at));
    // Two backups within one second: the second gets a suffix rather than failing.
    let dir = (1..100)
        .map(|n| match n {
            1 => to.join(&name),
            n => to.join(format!("{name}-{n}")),
        })
        .find(|d| !d.exists())
        .ok_or_else(|| BackupError::Manifest(format!("too many backups named {name}")))?;
    std::fs::rename(tmp, &dir).map_err(BackupError::io(format!(
        "cannot rename {} to {}",
        tmp.display(),
        dir.display()
    )))?;
    fsync_dir(to).map_err(BackupError::io(format!("cannot flush {}", to.display())))?;
    Ok((dir, manifest))
}
