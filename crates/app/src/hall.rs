//! The hall's catalogue in the database: imported from the workflow files into an empty
//! database on first start, and read back into the in-memory [`CatalogueView`].

use chrono::{DateTime, Utc};
use tongban_core::catalogue::Catalogue;
use tongban_core::clock::HallTime;
use tongban_store::{departments, grants, items, windows, NewAudit, Store, StoreError};

use crate::catalogue_view::CatalogueView;
use crate::records::{self, CorruptRecord};

#[derive(Debug, thiserror::Error)]
pub enum HallError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Corrupt(#[from] CorruptRecord),
}

/// Imports the catalogue when the database holds no items yet; returns whether it did.
/// One transaction: a crash half-way leaves an empty database, imported again next start.
pub fn import_if_empty(
    store: &Store,
    catalogue: &Catalogue,
    hall: HallTime,
    now: DateTime<Utc>,
) -> Result<bool, HallError> {
    if store.read_blocking(items::count)? > 0 {
        return Ok(false);
    }
    let catalogue = catalogue.clone();
    let imported = store.write_blocking(move |conn| {
        // Checked again under the write lock every writer batch takes first: of processes
        // starting together on an empty database, one imports and the others find its items
        // (instead of a second version of every item and every grant twice).
        if items::count(conn)? > 0 {
            return Ok(false);
        }
        for d in &catalogue.departments {
            departments::upsert(conn, &records::department_record(d, now))?;
        }
        for w in &catalogue.windows {
            windows::upsert(conn, &records::window_record(w, now))?;
        }
        for g in &catalogue.grants {
            grants::insert(conn, &records::new_grant(g, hall, now))?;
        }
        for item in &catalogue.items {
            items::add_version(conn, &records::item_record(item, now))?;
        }
        tongban_store::audit::append(
            conn,
            &NewAudit {
                at: records::millis(now),
                actor: "system".into(),
                action: "catalogue.import".into(),
                subject: "workflows".into(),
                detail: records::to_json(&serde_json::json!({
                    "departments": catalogue.departments.len(),
                    "windows": catalogue.windows.len(),
                    "grants": catalogue.grants.len(),
                    "items": catalogue.items.len(),
                })),
            },
        )?;
        Ok(true)
    })?;
    Ok(imported)
}

/// Reads departments, windows and every item version from the database.
pub fn load_view(store: &Store) -> Result<CatalogueView, HallError> {
    let (deps, wins, item_rows) = store.read_blocking(|conn| {
        Ok((
            departments::list(conn)?,
            windows::list(conn)?,
            items::all_versions(conn)?,
        ))
    })?;
    let windows = wins
        .iter()
        .map(records::window_from_record)
        .collect::<Result<Vec<_>, _>>()?;
    let items = item_rows
        .iter()
        .map(records::item_from_record)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CatalogueView::new(
        deps.iter().map(records::department_from_record).collect(),
        windows,
        items,
    ))
}
