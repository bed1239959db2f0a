//! The hall's settings row (office hours), shared by every process on the database.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::hall_settings;

/// The office hours as stored (JSON text), `None` before any was written.
pub fn office_hours(conn: &mut DbConnection) -> Result<Option<String>, StoreError> {
    Ok(hall_settings::table
        .find(1)
        .select(hall_settings::office_hours)
        .first(conn)
        .optional()?)
}

/// Writes the office hours and bumps the configuration revision, in the caller's transaction.
pub fn set_office_hours(conn: &mut DbConnection, json: &str) -> Result<(), StoreError> {
    let updated = diesel::update(hall_settings::table.find(1))
        .set(hall_settings::office_hours.eq(json))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(hall_settings::table)
            .values((
                hall_settings::id.eq(1),
                hall_settings::office_hours.eq(json),
            ))
            .execute(conn)?;
    }
    crate::revision::bump(conn)
}
