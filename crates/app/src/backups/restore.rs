//! Restoring a backup into an empty data directory or database, and proving it restored.

use std::path::{Path, PathBuf};

use tongban_store::snapshot::{self, Facts};
use tongban_store::{audit, migrations, DbConnection, DbUrl, StoreError};

use super::files::{copy_hashing, fsync_dir, fsync_file, sha256_file};
use super::manifest::Manifest;
use super::{tools, BackupError};

/// A restore that passed every check.
#[derive(Debug, Clone)]
pub struct Restored {
    /// The backup directory restored from.
    pub from: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Migrations applied on top of the backup's schema (a backup of an older version).
    pub applied: Vec<String>,
    /// The schema version after them.
    pub schema_version: String,
    /// Audit records verified, the whole chain.
    pub audit_records: u64,
    /// SQLite's `integrity_check` answer (`ok`); `None` on PostgreSQL.
    pub integrity: Option<String>,
}

/// Restores the backup at `backup` (its directory, or its manifest) into the database at
/// `url`, which must be empty: no SQLite file (or one without tables), or a PostgreSQL
/// database without tables. Before it returns, it has checked the payload's SHA-256, SQLite's
/// `integrity_check`, applied pending migrations, verified the whole audit chain and compared
/// the case count and audit head with the manifest. `say` hears each step as it starts.
pub fn restore(
    backup: &Path,
    url: &str,
    say: &mut dyn FnMut(&str),
) -> Result<Restored, BackupError> {
    let from = backup_dir(backup);
    let manifest = Manifest::read(&from)?;
    let target = DbUrl::parse(url);
    let backend = target.backend().to_string();
    if manifest.backend != backend {
        return Err(BackupError::WrongBackend {
            backup: manifest.backend.clone(),
            target: backend,
        });
    }
    let known = migrations::latest_embedded(target.backend())?;
    if manifest.schema_version > known {
        return Err(BackupError::NewerSchema {
            backup: manifest.schema_version.clone(),
            known,
            version: manifest.tongban_version.clone(),
        });
    }
    let payload = from.join(&manifest.payload.file);
    let (checked, integrity) = match &target {
        DbUrl::Sqlite(path) => restore_sqlite(&payload, path, &manifest, say)?,
        DbUrl::Postgres(url) => (restore_pg(&payload, url, &manifest, say)?, None),
    };
    Ok(Restored {
        from,
        manifest,
        applied: checked.applied,
        schema_version: checked.schema_version,
        audit_records: checked.audit_records,
        integrity,
    })
}

/// A backup is named by its directory; its manifest or payload named instead is taken to
/// mean the directory they are in.
fn backup_dir(path: &Path) -> PathBuf {
    match path.is_file() {
        true => path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        false => path.to_path_buf(),
    }
}

fn restore_sqlite(
    payload: &Path,
    path: &Path,
    manifest: &Manifest,
    say: &mut dyn FnMut(&str),
) -> Result<(Checked, Option<String>), BackupError> {
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .map_err(BackupError::io(format!("cannot create {}", dir.display())))?;
    make_room(path)?;
    let name = path.file_name().map_or_else(
        || "tongban.sqlite".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    // Beside the target, so the final step is a link within one file system.
    let tmp = dir.join(format!(".{name}.restore-{}", std::process::id()));
    // With its side files: a journal left by a restore that died would otherwise be rolled
    // back into the new copy.
    let clean = || {
        for file in [
            tmp.clone(),
            side(&tmp, "-journal"),
            side(&tmp, "-wal"),
            side(&tmp, "-shm"),
        ] {
            let _ = std::fs::remove_file(file);
        }
    };
    clean();
    let outcome = (|| {
        say("copying and checking the SHA-256");
        let (sha256, bytes) = copy_hashing(payload, &tmp).map_err(BackupError::io(format!(
            "cannot copy {}",
            payload.display()
        )))?;
        check_sum(payload, manifest, &sha256, bytes)?;
        let mut conn = snapshot::open_sqlite_file(&tmp)?;
        say("integrity_check");
        let integrity = snapshot::integrity_check(&mut conn)?;
        if integrity != ["ok"] {
            return Err(BackupError::Integrity(integrity));
        }
        let checked = check(&mut conn, manifest, say)?;
        drop(conn);
        fsync_file(&tmp).map_err(BackupError::io(format!("cannot flush {}", tmp.display())))?;
        // A hard link, not a rename: it fails instead of replacing a database that appeared
        // meanwhile (a server started on the directory).
        std::fs::hard_link(&tmp, path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => BackupError::NotEmpty(path.display().to_string()),
            _ => BackupError::Io {
                what: format!("cannot move the restored file to {}", path.display()),
                cause: e,
            },
        })?;
        Ok((checked, Some("ok".to_string())))
    })();
    clean();
    let done = outcome?;
    fsync_dir(&dir).map_err(BackupError::io(format!("cannot flush {}", dir.display())))?;
    Ok(done)
}

/// Refuses a SQLite target that holds anything; removes an empty one (a file without tables,
/// left by a start that never got as far as its migrations) and its side files.
fn make_room(path: &Path) -> Result<(), BackupError> {
    let side = |suffix: &str| side(path, suffix);
    if !path.exists() {
        // A write-ahead log without its database still holds commits: not ours to drop.
        for log in [side("-wal"), side("-journal")] {
            if std::fs::metadata(&log).is_ok_and(|m| m.len() > 0) {
                return Err(BackupError::NotEmpty(log.display().to_string()));
            }
        }
        return Ok(());
    }
    let tables = snapshot::open_sqlite_file(path).and_then(|mut c| snapshot::table_count(&mut c));
    match tables {
        Ok(0) => {}
        Ok(n) => {
            return Err(BackupError::NotEmpty(format!(
                "{} ({n} tables)",
                path.display()
            )))
        }
        Err(_) => {
            return Err(BackupError::NotEmpty(format!(
                "{} (a file that is not a readable SQLite database)",
                path.display()
            )))
        }
    }
    for file in [
        path.to_path_buf(),
        side("-wal"),
        side("-shm"),
        side("-journal"),
    ] {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(BackupError::Io {
                    what: format!("cannot remove the empty {}", file.display()),
                    cause: e,
                })
            }
        }
    }
    Ok(())
}

/// A SQLite side file of `path` (`-wal`, `-shm`, `-journal`).
fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

fn restore_pg(
    payload: &Path,
    url: &str,
    manifest: &Manifest,
    say: &mut dyn FnMut(&str),
) -> Result<Checked, BackupError> {
    let pg_restore = tools::find("pg_restore")?;
    {
        let mut conn = snapshot::connect(url)?;
        let tables = snapshot::table_count(&mut conn)?;
        if tables > 0 {
            return Err(BackupError::NotEmpty(format!(
                "the PostgreSQL database ({tables} tables in its public schema)"
            )));
        }
    }
    say("checking the SHA-256");
    let (sha256, bytes) = sha256_file(payload).map_err(BackupError::io(format!(
        "cannot read {}",
        payload.display()
    )))?;
    check_sum(payload, manifest, &sha256, bytes)?;
    say("pg_restore");
    let args = [
        // The roles of the machine it came from need not exist here.
        "--no-owner".to_string(),
        "--no-privileges".to_string(),
        "--exit-on-error".to_string(),
        // All or nothing: a failed restore leaves the database empty, to be tried again.
        "--single-transaction".to_string(),
        format!("--dbname={url}"),
        payload.display().to_string(),
    ];
    tools::run("pg_restore", &pg_restore, &args, &mut || {})?;
    let mut conn = snapshot::connect(url)?;
    check(&mut conn, manifest, say)
}

fn check_sum(
    payload: &Path,
    manifest: &Manifest,
    sha256: &str,
    bytes: u64,
) -> Result<(), BackupError> {
    if sha256 != manifest.payload.sha256 || bytes != manifest.payload.bytes {
        return Err(BackupError::Checksum {
            file: payload.to_path_buf(),
            expected: manifest.payload.sha256.clone(),
            found: sha256.to_string(),
            expected_bytes: manifest.payload.bytes,
            found_bytes: bytes,
        });
    }
    Ok(())
}

/// What the checks common to both backends found.
struct Checked {
    applied: Vec<String>,
    schema_version: String,
    audit_records: u64,
}

/// The restored database is the one the manifest describes: its schema before migrations,
/// then (after them) its cases, attachments and audit head, and a whole audit chain that
/// verifies up to that head.
fn check(
    conn: &mut DbConnection,
    manifest: &Manifest,
    say: &mut dyn FnMut(&str),
) -> Result<Checked, BackupError> {
    let before = snapshot::facts(conn)?;
    same(
        "schema version",
        &manifest.schema_version,
        &before.schema_version,
    )?;
    say("migrations");
    let applied = migrations::run_pending(conn)?;
    say("verifying the audit chain");
    let audit_records = match audit::verify(conn) {
        Ok(report) => report.records,
        Err(StoreError::AuditBroken(at)) => return Err(BackupError::AuditBroken(at)),
        Err(e) => return Err(e.into()),
    };
    let after: Facts = snapshot::facts(conn)?;
    same("cases", &manifest.cases, &after.cases)?;
    same("attachments", &manifest.attachments, &after.attachments)?;
    same(
        "audit head record",
        &manifest.audit_head.seq,
        &after.audit_seq,
    )?;
    same(
        "audit head hash",
        &manifest.audit_head.hash,
        &after.audit_hash,
    )?;
    same(
        "audit records",
        &manifest.audit_head.seq,
        &(audit_records as i64),
    )?;
    Ok(Checked {
        applied,
        schema_version: after.schema_version,
        audit_records,
    })
}

fn same<T: PartialEq + ToString + ?Sized>(
    what: &'static str,
    expected: &T,
    found: &T,
) -> Result<(), BackupError> {
    if expected != found {
        return Err(BackupError::Mismatch {
            what,
            expected: expected.to_string(),
            found: found.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database as an older Tongban left it: every migration before the backups table's.
    fn older_database(path: &Path) {
        let mut conn = snapshot::open_sqlite_file(path).unwrap();
        migrations::run_pending(&mut conn).unwrap();
        // The backups table's migration and every later one undone, each by its own down.sql.
        migrations::revert_newer_than(&mut conn, "20261203000200").unwrap();
    }

    #[test]
    fn a_backup_of_an_older_schema_is_upgraded_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.sqlite");
        older_database(&live);
        let url = live.display().to_string();
        let taken = super::super::take(&url, &dir.path().join("backups"), &mut |_| {}).unwrap();
        assert!(taken.manifest.schema_version.as_str() < "20261203001000");
        // The old schema has no table to record it in: good backup, unrecorded.
        assert!(!super::super::record(&url, &taken).unwrap());

        let target = dir.path().join("restored").join("tongban.sqlite");
        let mut steps = Vec::new();
        let restored = restore(&taken.dir, &target.display().to_string(), &mut |s| {
            steps.push(s.to_string())
        })
        .unwrap();
        assert!(
            restored.applied.iter().any(|m| m == "20261203001000"),
            "{:?}",
            restored.applied
        );
        assert_eq!(
            restored.schema_version,
            migrations::latest_embedded(tongban_store::Backend::Sqlite).unwrap()
        );
        assert_eq!(restored.integrity.as_deref(), Some("ok"));
        assert!(steps.iter().any(|s| s == "migrations"), "{steps:?}");
        // Only the restored database is left in its directory.
        let names: Vec<String> = std::fs::read_dir(target.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["tongban.sqlite"]);
    }

    #[test]
    fn a_backup_of_the_other_backend_or_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.sqlite");
        older_database(&live);
        let taken =
            super::super::take(&live.display().to_string(), dir.path(), &mut |_| {}).unwrap();
        let err = restore(
            &taken.dir,
            "postgres://nobody@127.0.0.1:1/none",
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(err, BackupError::WrongBackend { .. }), "{err}");

        let mut newer = taken.manifest.clone();
        newer.schema_version = "99991231000000".into();
        std::fs::write(taken.dir.join(super::super::MANIFEST), newer.to_json()).unwrap();
        let target = dir.path().join("t").join("tongban.sqlite");
        let err = restore(&taken.dir, &target.display().to_string(), &mut |_| {}).unwrap_err();
        assert!(matches!(err, BackupError::NewerSchema { .. }), "{err}");
        assert!(!target.exists());
    }
}
