//! The configuration revision: one integer, bumped in the same transaction as every change
//! of the catalogue, the hall or the calendar, so that every process on the database can tell
//! with one cheap read whether its copy is still current.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::config_revision;

/// The revision now.
pub fn current(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(config_revision::table
        .find(1)
        .select(config_revision::revision)
        .first(conn)?)
}

/// Marks the configuration changed, in the caller's transaction.
pub fn bump(conn: &mut DbConnection) -> Result<(), StoreError> {
    diesel::update(config_revision::table.find(1))
        .set(config_revision::revision.eq(config_revision::revision + 1))
        .execute(conn)?;
    Ok(())
}
