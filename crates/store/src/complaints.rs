//! Complaints (效能投诉) about a case or a window.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::complaints;

/// A complaint to store.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = complaints)]
pub struct NewComplaint {
    /// The case, if named.
    pub case_no: Option<String>,
    /// The window, if named.
    pub window_code: Option<String>,
    /// What the complaint says.
    pub text: String,
    /// How to reach the complainant.
    pub contact: Option<String>,
    /// When, unix milliseconds.
    pub at: i64,
    /// `open` for a new complaint.
    pub status: String,
}

/// A stored complaint.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = complaints)]
pub struct ComplaintRecord {
    /// Id.
    pub id: i64,
    /// Case.
    pub case_no: Option<String>,
    /// Window.
    pub window_code: Option<String>,
    /// Text.
    pub text: String,
    /// Contact.
    pub contact: Option<String>,
    /// When.
    pub at: i64,
    /// `open` or `handled`.
    pub status: String,
    /// When handled.
    pub handled_at: Option<i64>,
    /// The response.
    pub response: Option<String>,
}

/// Stores a complaint and returns it with its id.
pub fn insert(
    conn: &mut DbConnection,
    complaint: &NewComplaint,
) -> Result<ComplaintRecord, StoreError> {
    let id: i64 = diesel::insert_into(complaints::table)
        .values(complaint)
        .returning(complaints::id)
        .get_result(conn)?;
    get(conn, id)?.ok_or_else(|| StoreError::NotFound(format!("complaint {id}")))
}

/// Marks a complaint handled; false when unknown or already handled.
pub fn handle(
    conn: &mut DbConnection,
    id: i64,
    at: i64,
    response: &str,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        complaints::table
            .filter(complaints::id.eq(id))
            .filter(complaints::handled_at.is_null()),
    )
    .set((
        complaints::status.eq("handled"),
        complaints::handled_at.eq(Some(at)),
        complaints::response.eq(Some(response)),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// Complaints with a status, oldest first.
pub fn list(
    conn: &mut DbConnection,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<ComplaintRecord>, StoreError> {
    let mut q = complaints::table.into_boxed::<crate::conn::MultiBackend>();
    if let Some(s) = status {
        q = q.filter(complaints::status.eq(s));
    }
    Ok(q.order(complaints::at.asc())
        .limit(limit)
        .select(ComplaintRecord::as_select())
        .load(conn)?)
}

/// One complaint.
pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<ComplaintRecord>, StoreError> {
    Ok(complaints::table
        .find(id)
        .select(ComplaintRecord::as_select())
        .first(conn)
        .optional()?)
}
