//! Departments (实施主体).

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::departments;

/// A department.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = departments, treat_none_as_null = true)]
pub struct DepartmentRecord {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Parent department code.
    pub parent: Option<String>,
    /// Creation, unix milliseconds.
    pub created_at: i64,
}

/// Inserts a department; an existing code is `Duplicate`.
pub fn insert(conn: &mut DbConnection, record: &DepartmentRecord) -> Result<(), StoreError> {
    // A savepoint, so that a duplicate does not abort the caller's transaction on PostgreSQL.
    conn.transaction(|c| {
        diesel::insert_into(departments::table)
            .values(record)
            .execute(c)
    })
    .map_err(|e| duplicate(e, &record.code))?;
    crate::revision::bump(conn)?;
    Ok(())
}

/// Inserts or replaces a department (catalogue import).
pub fn upsert(conn: &mut DbConnection, record: &DepartmentRecord) -> Result<(), StoreError> {
    let n = diesel::update(departments::table.find(&record.code))
        .set(record)
        .execute(conn)?;
    if n == 0 {
        insert(conn, record)?;
    } else {
        crate::revision::bump(conn)?;
    }
    Ok(())
}

/// One department.
pub fn get(conn: &mut DbConnection, code: &str) -> Result<Option<DepartmentRecord>, StoreError> {
    Ok(departments::table
        .find(code)
        .select(DepartmentRecord::as_select())
        .first(conn)
        .optional()?)
}

/// All departments by code.
pub fn list(conn: &mut DbConnection) -> Result<Vec<DepartmentRecord>, StoreError> {
    Ok(departments::table
        .order(departments::code.asc())
        .select(DepartmentRecord::as_select())
        .load(conn)?)
}

pub(crate) fn duplicate(e: diesel::result::Error, what: &str) -> StoreError {
    match StoreError::from(e) {
        err if err.is_unique_violation() => StoreError::Duplicate(what.to_string()),
        err => err,
    }
}
