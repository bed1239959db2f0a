//! The configuration revision: one integer, bumped in the same transaction as every change
//! of the catalogue, the hall or the calendar, so that every process on the database can tell
//! with one cheap read whether its copy is still current.

use std::cell::Cell;

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::{auth_revision, config_revision};

/// Both revisions a request checks: the configuration's and the authorisation's (sessions
/// and accounts, see [`crate::sessions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revisions {
    pub config: i64,
    pub auth: i64,
}

/// Both, in one query.
pub fn both(conn: &mut DbConnection) -> Result<Revisions, StoreError> {
    let (config, auth): (Option<i64>, Option<i64>) = diesel::select((
        config_revision::table
            .find(1)
            .select(config_revision::revision)
            .single_value(),
        auth_revision::table
            .find(1)
            .select(auth_revision::revision)
            .single_value(),
    ))
    .get_result(conn)?;
    match (config, auth) {
        (Some(config), Some(auth)) => Ok(Revisions { config, auth }),
        _ => Err(StoreError::NotFound("the revision rows".into())),
    }
}

tokio::task_local! {
    /// The revisions read once for the request being served, if any.
    static IN_REQUEST: Cell<Option<Revisions>>;
}

/// Runs `request` so that the revisions are read once for all of it (the configuration check,
/// the session check and the use case's own), instead of once each. A write through the
/// store forgets them, so that what the request reads after its own change is current.
pub async fn within_request<F: std::future::Future>(request: F) -> F::Output {
    IN_REQUEST.scope(Cell::new(None), request).await
}

/// Whether this is a request whose revisions are still to be read.
pub(crate) fn unseen_in_request() -> bool {
    IN_REQUEST.try_with(|c| c.get().is_none()).unwrap_or(false)
}

/// The revisions this request already read.
pub(crate) fn seen() -> Option<Revisions> {
    IN_REQUEST.try_with(Cell::get).ok().flatten()
}

pub(crate) fn remember(revisions: Revisions) {
    let _ = IN_REQUEST.try_with(|c| c.set(Some(revisions)));
}

pub(crate) fn forget() {
    let _ = IN_REQUEST.try_with(|c| c.set(None));
}

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
