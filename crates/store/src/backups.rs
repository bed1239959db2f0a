//! The backups taken of this database, and the lease that lets one process of several take
//! the scheduled one. The backups themselves live outside the database; see
//! [`crate::snapshot`] for how one is copied.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::{backup_lease, backups};

/// A backup to record, once its directory is complete on disk.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = backups)]
pub struct NewBackup {
    /// When the snapshot was taken, unix milliseconds.
    pub taken_at: i64,
    /// Where it was written.
    pub path: String,
    /// Size of the payload.
    pub bytes: i64,
    /// SHA-256 of the payload, hex.
    pub sha256: String,
    /// Cases in the snapshot.
    pub cases: i64,
}

/// A recorded backup.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = backups)]
pub struct BackupRecord {
    pub id: i64,
    pub taken_at: i64,
    pub path: String,
    pub bytes: i64,
    pub sha256: String,
    pub cases: i64,
}

/// Records a backup (in the caller's transaction, or alone).
pub fn record(conn: &mut DbConnection, backup: &NewBackup) -> Result<(), StoreError> {
    diesel::insert_into(backups::table)
        .values(backup)
        .execute(conn)?;
    Ok(())
}

/// The most recent backup, by the time of its snapshot.
pub fn latest(conn: &mut DbConnection) -> Result<Option<BackupRecord>, StoreError> {
    Ok(backups::table
        .order((backups::taken_at.desc(), backups::id.desc()))
        .select(BackupRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Takes the backup lease for `holder` until `until` (unix ms) if it is free at `now` or
/// already `holder`'s: a compare-and-set in one statement, so of two processes trying at once
/// exactly one gets it. `true` when `holder` holds it now.
pub fn take_lease(
    conn: &mut DbConnection,
    holder: &str,
    now: i64,
    until: i64,
) -> Result<bool, StoreError> {
    let taken = diesel::update(
        backup_lease::table.filter(backup_lease::id.eq(1)).filter(
            backup_lease::expires_at
                .le(now)
                .or(backup_lease::holder.eq(holder)),
        ),
    )
    .set((
        backup_lease::holder.eq(holder),
        backup_lease::expires_at.eq(until),
    ))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Gives the lease up if `holder` still holds it.
pub fn release_lease(conn: &mut DbConnection, holder: &str) -> Result<(), StoreError> {
    diesel::update(
        backup_lease::table
            .filter(backup_lease::id.eq(1))
            .filter(backup_lease::holder.eq(holder)),
    )
    .set((backup_lease::holder.eq(""), backup_lease::expires_at.eq(0)))
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::{establish, ConnectionOptions, DbUrl};

    fn sqlite() -> (tempfile::TempDir, DbConnection) {
        let dir = tempfile::tempdir().unwrap();
        let url = DbUrl::Sqlite(dir.path().join("t.sqlite"));
        let mut conn = establish(&url, &ConnectionOptions::default()).unwrap();
        crate::migrations::run_pending(&mut conn).unwrap();
        (dir, conn)
    }

    #[test]
    fn one_holder_at_a_time_until_it_expires_or_is_released() {
        let (_dir, mut conn) = sqlite();
        assert!(take_lease(&mut conn, "a", 1_000, 2_000).unwrap());
        assert!(!take_lease(&mut conn, "b", 1_500, 2_500).unwrap());
        // The holder renews its own lease.
        assert!(take_lease(&mut conn, "a", 1_900, 3_000).unwrap());
        assert!(!take_lease(&mut conn, "b", 2_999, 4_000).unwrap());
        // Expired: another takes it over.
        assert!(take_lease(&mut conn, "b", 3_000, 4_000).unwrap());
        // Releasing someone else's lease does nothing.
        release_lease(&mut conn, "a").unwrap();
        assert!(!take_lease(&mut conn, "a", 3_500, 5_000).unwrap());
        release_lease(&mut conn, "b").unwrap();
        assert!(take_lease(&mut conn, "a", 3_500, 5_000).unwrap());
    }

    #[test]
    fn the_latest_backup_is_the_newest_snapshot() {
        let (_dir, mut conn) = sqlite();
        assert_eq!(latest(&mut conn).unwrap(), None);
        for (taken_at, path) in [(20, "b"), (10, "a")] {
            let backup = NewBackup {
                taken_at,
                path: path.into(),
                bytes: 1,
                sha256: "00".into(),
                cases: 0,
            };
            record(&mut conn, &backup).unwrap();
        }
        assert_eq!(latest(&mut conn).unwrap().map(|b| b.path), Some("b".into()));
    }
}
