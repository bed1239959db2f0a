//! Windows (窗口) of the hall and the staff assigned to them.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::departments::duplicate;
use crate::error::StoreError;
use crate::schema::{window_staff, windows};

/// A window.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = windows)]
pub struct WindowRecord {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `department`, `general`, `floating`, `consultation` or `complaint`.
    pub kind: String,
    /// Department codes it serves, JSON array text.
    pub departments: String,
    /// Further data (e.g. a floating window's rota), JSON text.
    pub data: String,
    /// Creation, unix milliseconds.
    pub created_at: i64,
}

/// Inserts a window; an existing code is `Duplicate`.
pub fn insert(conn: &mut DbConnection, record: &WindowRecord) -> Result<(), StoreError> {
    // A savepoint, so that a duplicate does not abort the caller's transaction on PostgreSQL.
    conn.transaction(|c| {
        diesel::insert_into(windows::table)
            .values(record)
            .execute(c)
    })
    .map_err(|e| duplicate(e, &record.code))?;
    crate::revision::bump(conn)?;
    Ok(())
}

/// Inserts or replaces a window (catalogue import).
pub fn upsert(conn: &mut DbConnection, record: &WindowRecord) -> Result<(), StoreError> {
    let n = diesel::update(windows::table.find(&record.code))
        .set(record)
        .execute(conn)?;
    if n == 0 {
        insert(conn, record)?;
    } else {
        crate::revision::bump(conn)?;
    }
    Ok(())
}

/// One window.
pub fn get(conn: &mut DbConnection, code: &str) -> Result<Option<WindowRecord>, StoreError> {
    Ok(windows::table
        .find(code)
        .select(WindowRecord::as_select())
        .first(conn)
        .optional()?)
}

/// All windows by code.
pub fn list(conn: &mut DbConnection) -> Result<Vec<WindowRecord>, StoreError> {
    Ok(windows::table
        .order(windows::code.asc())
        .select(WindowRecord::as_select())
        .load(conn)?)
}

/// Assigns a user to a window; returns false when already assigned.
pub fn add_staff(
    conn: &mut DbConnection,
    window_code: &str,
    username: &str,
    at: i64,
) -> Result<bool, StoreError> {
    let exists = is_staff(conn, window_code, username)?;
    if !exists {
        diesel::insert_into(window_staff::table)
            .values((
                window_staff::window_code.eq(window_code),
                window_staff::username.eq(username),
                window_staff::created_at.eq(at),
            ))
            .execute(conn)?;
        crate::revision::bump(conn)?;
    }
    Ok(!exists)
}

/// Removes a user from a window; returns whether they were assigned.
pub fn remove_staff(
    conn: &mut DbConnection,
    window_code: &str,
    username: &str,
) -> Result<bool, StoreError> {
    let n = diesel::delete(window_staff::table.find((window_code, username))).execute(conn)?;
    if n > 0 {
        crate::revision::bump(conn)?;
        // A clerk signed in at the window loses it at the next request, in every process.
        crate::sessions::bump(conn)?;
    }
    Ok(n > 0)
}

/// Whether the user sits at the window (checked when a clerk logs in at it).
pub fn is_staff(
    conn: &mut DbConnection,
    window_code: &str,
    username: &str,
) -> Result<bool, StoreError> {
    let n: i64 = window_staff::table
        .find((window_code, username))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The users assigned to a window.
pub fn staff(conn: &mut DbConnection, window_code: &str) -> Result<Vec<String>, StoreError> {
    Ok(window_staff::table
        .filter(window_staff::window_code.eq(window_code))
        .order(window_staff::username.asc())
        .select(window_staff::username)
        .load(conn)?)
}

/// Every assignment, as (username, window code), by username then window.
pub fn all_staff(conn: &mut DbConnection) -> Result<Vec<(String, String)>, StoreError> {
    Ok(window_staff::table
        .order((
            window_staff::username.asc(),
            window_staff::window_code.asc(),
        ))
        .select((window_staff::username, window_staff::window_code))
        .load(conn)?)
}

/// The windows a user is assigned to.
pub fn windows_of(conn: &mut DbConnection, username: &str) -> Result<Vec<String>, StoreError> {
    Ok(window_staff::table
        .filter(window_staff::username.eq(username))
        .order(window_staff::window_code.asc())
        .select(window_staff::window_code)
        .load(conn)?)
}
