//! The embedded migrations, one set per backend.

use diesel::RunQueryDsl;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::conn::DbConnection;
use crate::error::StoreError;

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Serialises migrations of instances that start together on one PostgreSQL.
const PG_MIGRATION_LOCK: i64 = 0x746f_6e67_6261_6e01;

/// Applies every pending migration; returns the names of those applied (empty when the
/// schema was already current).
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let to_err = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
    match conn {
        DbConnection::Sqlite(c) => {
            let applied = c.run_pending_migrations(SQLITE).map_err(to_err)?;
            Ok(applied.iter().map(|v| v.to_string()).collect())
        }
        DbConnection::Pg(c) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})"))
                .execute(c)?;
            let applied = c
                .run_pending_migrations(POSTGRES)
                .map(|v| v.iter().map(|v| v.to_string()).collect::<Vec<_>>())
                .map_err(to_err);
            diesel::sql_query(format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})"))
                .execute(c)?;
            applied
        }
    }
}

/// The newest migration this build embeds for `backend` (diesel's version, e.g.
/// `20261204000000`): a database whose schema is newer was written by a newer Tongban.
pub fn latest_embedded(backend: crate::conn::Backend) -> Result<String, StoreError> {
    use diesel::migration::MigrationSource;
    let to_err = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
    let names: Vec<String> = match backend {
        crate::conn::Backend::Sqlite => {
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE)
                .map_err(to_err)?
                .iter()
                .map(|m| m.name().version().to_string())
                .collect()
        }
        crate::conn::Backend::Postgres => MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES)
            .map_err(to_err)?
            .iter()
            .map(|m| m.name().version().to_string())
            .collect(),
    };
    Ok(names.into_iter().max().unwrap_or_default())
}

/// True when every embedded migration has been applied.
pub fn is_current(conn: &mut DbConnection) -> Result<bool, StoreError> {
    let to_err = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
    let pending = match conn {
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE).map_err(to_err)?,
        DbConnection::Pg(c) => c.has_pending_migration(POSTGRES).map_err(to_err)?,
    };
    Ok(!pending)
}

/// Undoes every applied migration newer than `version` (diesel's version, e.g.
/// `20261203000200`), newest first, each by its own `down.sql`: the schema an older
/// Tongban left (the restore of an older backup is tested on it). Returns how many.
pub fn revert_newer_than(conn: &mut DbConnection, version: &str) -> Result<usize, StoreError> {
    let to_err = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
    let mut reverted = 0;
    loop {
        let newest = match conn {
            DbConnection::Sqlite(c) => c.applied_migrations().map_err(to_err)?,
            DbConnection::Pg(c) => c.applied_migrations().map_err(to_err)?,
        }
        .into_iter()
        .map(|v| v.to_string())
        .max();
        match newest {
            Some(v) if v.as_str() > version => {
                match conn {
                    DbConnection::Sqlite(c) => c.revert_last_migration(SQLITE).map_err(to_err)?,
                    DbConnection::Pg(c) => c.revert_last_migration(POSTGRES).map_err(to_err)?,
                };
                reverted += 1;
            }
            _ => return Ok(reverted),
        }
    }
}
