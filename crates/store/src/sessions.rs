//! Sign-in sessions and the authorisation revision, shared by every process on the database.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::{auth_revision, sessions};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRecord {
    pub id: String,
    pub username: String,
    pub window_code: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// Unix seconds; `None` while open.
    pub ended_at: Option<i64>,
}

/// Marks sessions or accounts changed, in the caller's transaction.
pub fn bump(conn: &mut DbConnection) -> Result<(), StoreError> {
    diesel::update(auth_revision::table.find(1))
        .set(auth_revision::revision.eq(auth_revision::revision + 1))
        .execute(conn)?;
    Ok(())
}

pub fn insert(conn: &mut DbConnection, session: &SessionRecord) -> Result<(), StoreError> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<SessionRecord>, StoreError> {
    Ok(sessions::table
        .find(id)
        .select(SessionRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Ends one session; returns whether it was open.
pub fn end(conn: &mut DbConnection, id: &str, at: i64) -> Result<bool, StoreError> {
    let n = diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::ended_at.is_null()),
    )
    .set(sessions::ended_at.eq(at))
    .execute(conn)?;
    bump(conn)?;
    Ok(n > 0)
}

/// Ends every open session of a user but `keep`; returns how many.
pub fn end_for_user(
    conn: &mut DbConnection,
    username: &str,
    keep: Option<&str>,
    at: i64,
) -> Result<usize, StoreError> {
    let open = sessions::table
        .filter(sessions::username.eq(username))
        .filter(sessions::ended_at.is_null())
        .filter(sessions::id.ne(keep.unwrap_or("")));
    let n = diesel::update(open)
        .set(sessions::ended_at.eq(at))
        .execute(conn)?;
    bump(conn)?;
    Ok(n)
}

/// Ends every open session (the operator's emergency stop); returns how many.
pub fn end_all(conn: &mut DbConnection, at: i64) -> Result<usize, StoreError> {
    let n = diesel::update(sessions::table.filter(sessions::ended_at.is_null()))
        .set(sessions::ended_at.eq(at))
        .execute(conn)?;
    bump(conn)?;
    Ok(n)
}

/// Open sessions of a user, newest first.
pub fn open_for_user(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Vec<SessionRecord>, StoreError> {
    Ok(sessions::table
        .filter(sessions::username.eq(username))
        .filter(sessions::ended_at.is_null())
        .order(sessions::created_at.desc())
        .select(SessionRecord::as_select())
        .load(conn)?)
}
