//! Grants (授权): a department authorises a window (or a clerk) for items and actions.
//! Revoking sets `revoked_at`; the row stays, because events refer to it.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::grants;

/// A grant to store.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = grants)]
pub struct NewGrant {
    /// The window.
    pub window_code: String,
    /// A single clerk the grant is limited to, if any.
    pub clerk: Option<String>,
    /// All items of this department, if set.
    pub department: Option<String>,
    /// Item codes, JSON array text.
    pub items: String,
    /// Actions, JSON array text (`consult`, `accept`, `decide_on_spot`, `deliver`).
    pub actions: String,
    /// In force from, unix milliseconds.
    pub valid_from: i64,
    /// In force until (exclusive), unix milliseconds.
    pub valid_to: Option<i64>,
    /// Who granted it.
    pub granted_by: String,
    /// Authorisation document number.
    pub document_no: String,
    /// Creation, unix milliseconds.
    pub created_at: i64,
}

/// A stored grant.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = grants)]
pub struct GrantRecord {
    /// Id (recorded on case events).
    pub id: i64,
    /// The window.
    pub window_code: String,
    /// Limited to this clerk.
    pub clerk: Option<String>,
    /// All items of this department.
    pub department: Option<String>,
    /// Item codes, JSON array text.
    pub items: String,
    /// Actions, JSON array text.
    pub actions: String,
    /// In force from.
    pub valid_from: i64,
    /// In force until.
    pub valid_to: Option<i64>,
    /// Who granted it.
    pub granted_by: String,
    /// Document number.
    pub document_no: String,
    /// Creation.
    pub created_at: i64,
    /// When revoked.
    pub revoked_at: Option<i64>,
    /// Who revoked it.
    pub revoked_by: Option<String>,
    /// The revocation's document number (文号).
    pub revoke_document_no: Option<String>,
    /// Why it was revoked.
    pub revoke_reason: Option<String>,
}

/// A revocation: when, by whom, under which document and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation<'a> {
    pub at: i64,
    pub by: &'a str,
    pub document_no: &'a str,
    pub reason: &'a str,
}

/// Stores a grant and returns it with its id.
pub fn insert(conn: &mut DbConnection, grant: &NewGrant) -> Result<GrantRecord, StoreError> {
    let id: i64 = diesel::insert_into(grants::table)
        .values(grant)
        .returning(grants::id)
        .get_result(conn)?;
    crate::revision::bump(conn)?;
    get(conn, id)?.ok_or_else(|| StoreError::NotFound(format!("grant {id}")))
}

/// Revokes a grant; false when it was unknown or already revoked.
pub fn revoke(conn: &mut DbConnection, id: i64, r: &Revocation<'_>) -> Result<bool, StoreError> {
    let n = diesel::update(
        grants::table
            .filter(grants::id.eq(id))
            .filter(grants::revoked_at.is_null()),
    )
    .set((
        grants::revoked_at.eq(Some(r.at)),
        grants::revoked_by.eq(Some(r.by)),
        grants::revoke_document_no.eq(Some(r.document_no)),
        grants::revoke_reason.eq(Some(r.reason)),
    ))
    .execute(conn)?;
    if n > 0 {
        crate::revision::bump(conn)?;
    }
    Ok(n > 0)
}

/// One grant.
pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<GrantRecord>, StoreError> {
    Ok(grants::table
        .find(id)
        .select(GrantRecord::as_select())
        .first(conn)
        .optional()?)
}

/// All grants of a window, revoked ones included.
pub fn for_window(
    conn: &mut DbConnection,
    window_code: &str,
) -> Result<Vec<GrantRecord>, StoreError> {
    Ok(grants::table
        .filter(grants::window_code.eq(window_code))
        .order(grants::id.asc())
        .select(GrantRecord::as_select())
        .load(conn)?)
}

/// The grants of a window in force at `at`: not revoked, started, not expired.
pub fn in_force(
    conn: &mut DbConnection,
    window_code: &str,
    at: i64,
) -> Result<Vec<GrantRecord>, StoreError> {
    Ok(grants::table
        .filter(grants::window_code.eq(window_code))
        .filter(grants::revoked_at.is_null())
        .filter(grants::valid_from.le(at))
        .filter(grants::valid_to.is_null().or(grants::valid_to.gt(at)))
        .order(grants::id.asc())
        .select(GrantRecord::as_select())
        .load(conn)?)
}
