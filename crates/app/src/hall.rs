//! The hall's catalogue in the database: imported from the workflow files into an empty
//! database on first start, and read back into the in-memory [`CatalogueView`]; and the
//! hall's directory as the administrator keeps it: departments, windows, the grants (授权)
//! of each window, and the clerks who sit at it.

pub mod departments;
pub mod grants;
pub mod staff;
pub mod window_list;
pub mod windows;

use chrono::{DateTime, Utc};
use tongban_core::catalogue::Catalogue;
use tongban_core::clock::HallTime;
use tongban_store::{self as db, items, NewAudit, Store, StoreError};

use crate::catalogue_view::CatalogueView;
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{self, CorruptRecord};
use crate::App;

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
            db::departments::upsert(conn, &records::department_record(d, now))?;
        }
        for w in &catalogue.windows {
            db::windows::upsert(conn, &records::window_record(w, now))?;
        }
        for g in &catalogue.grants {
            db::grants::insert(conn, &records::new_grant(g, hall, now))?;
        }
        for item in &catalogue.items {
            items::add_version(conn, &records::item_record(item, now))?;
        }
        db::hall_settings::set_office_hours(conn, &records::to_json(&catalogue.office_hours))?;
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
            db::departments::list(conn)?,
            db::windows::list(conn)?,
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

/// The window `code` as the database holds it now, or `unknown_window` (404).
pub async fn window_now(app: &App, code: &str) -> AppResult<tongban_core::grant::Window> {
    let config = app.config().await?;
    config.catalogue.window(code).cloned().ok_or_else(|| {
        Error::not_found(
            Code::NoSuchWindow,
            Text::new(
                format!("没有编号为 {code} 的窗口。"),
                format!("There is no window with code {code}."),
            ),
        )
    })
}

/// An entry that exists already (a department's or a window's code, a clerk at a window).
fn exists(code: Code, zh: String, en: String) -> Error {
    Error::new(
        code,
        Text::new("记录已存在", "Already exists"),
        Text::new(zh, en),
    )
}

/// Adds a new entry of the directory with its audit record, in one transaction, and reads
/// the configuration again (its revision moved with the entry). A code already taken is
/// the error `taken` makes.
async fn add_entry(
    app: &App,
    insert: impl FnOnce(&mut db::DbConnection) -> Result<(), StoreError> + Send + 'static,
    audit_record: NewAudit,
    taken: impl FnOnce() -> Error,
) -> AppResult<()> {
    app.store
        .write(move |conn| {
            insert(conn)?;
            db::audit::append(conn, &audit_record)?;
            Ok(())
        })
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => taken(),
            other => other.into(),
        })?;
    app.config().await?;
    Ok(())
}
