//! Reading the shared configuration (catalogue, hall, calendars, signing keys) at one
//! revision of the database.

use tongban_core::clock::OfficeHours;
use tongban_store::{signing_keys, DbConnection, Store, StoreError};

use crate::app::Config;
use crate::calendars::CalendarsError;
use crate::error::{AppResult, Error};
use crate::hall::HallError;

/// The configuration revision now (one integer read).
pub fn revision(conn: &mut DbConnection) -> Result<i64, StoreError> {
    tongban_store::revision::current(conn)
}

/// Reads the whole configuration. The revision is read first, so the data is at least as new
/// as the revision it is labelled with: a change in between only causes one more reload.
pub fn load(store: &Store) -> AppResult<Config> {
    let revision = store.read_blocking(revision)?;
    // A database that cannot be read is the store's error (unavailable), not corrupt data.
    let catalogue = crate::hall::load_view(store).map_err(|e| match e {
        HallError::Store(e) => Error::from(e),
        corrupt => Error::corrupt(corrupt),
    })?;
    let calendars = crate::calendars::load_calendars(store).map_err(|e| match e {
        CalendarsError::Store(e) => Error::from(e),
        corrupt => Error::corrupt(corrupt),
    })?;
    let keys = store.read_blocking(signing_keys::list)?;
    Ok(Config {
        revision,
        catalogue,
        calendars,
        keys: crate::auth::keys::ring_from_records(&keys),
    })
}

/// The hall's office hours as the database holds them; the standard hours before a catalogue
/// import wrote any.
pub fn office_hours(store: &Store) -> AppResult<OfficeHours> {
    match store.read_blocking(tongban_store::hall_settings::office_hours)? {
        None => Ok(OfficeHours::standard()),
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| Error::corrupt(format!("hall_settings.office_hours: {e}"))),
    }
}
