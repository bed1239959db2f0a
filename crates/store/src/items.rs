//! Items (事项), versioned: a change is a new version; cases keep the version they run under.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::departments::duplicate;
use crate::error::StoreError;
use crate::schema::items;

/// One version of an item. `body` is the whole item, JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = items)]
pub struct ItemRecord {
    /// Item code.
    pub code: String,
    /// Version, from 1.
    pub version: i64,
    /// Name.
    pub name: String,
    /// Implementing department.
    pub department: String,
    /// `immediate` or `promised`.
    pub kind: String,
    /// The item, JSON text.
    pub body: String,
    /// Creation, unix milliseconds.
    pub created_at: i64,
}

/// Stores `record` as the next version of its code (its `version` field is ignored) and
/// returns it as stored.
pub fn add_version(conn: &mut DbConnection, record: &ItemRecord) -> Result<ItemRecord, StoreError> {
    let last: Option<i64> = items::table
        .filter(items::code.eq(&record.code))
        .select(diesel::dsl::max(items::version))
        .first(conn)?;
    let mut stored = record.clone();
    stored.version = last.unwrap_or(0) + 1;
    // A savepoint, so that a duplicate does not abort the caller's transaction on PostgreSQL.
    conn.transaction(|c| diesel::insert_into(items::table).values(&stored).execute(c))
        .map_err(|e| {
            duplicate(
                e,
                &format!("item {} version {}", stored.code, stored.version),
            )
        })?;
    crate::revision::bump(conn)?;
    Ok(stored)
}

/// The latest version of an item.
pub fn latest(conn: &mut DbConnection, code: &str) -> Result<Option<ItemRecord>, StoreError> {
    Ok(items::table
        .filter(items::code.eq(code))
        .order(items::version.desc())
        .select(ItemRecord::as_select())
        .first(conn)
        .optional()?)
}

/// One version of an item.
pub fn version(
    conn: &mut DbConnection,
    code: &str,
    version: i64,
) -> Result<Option<ItemRecord>, StoreError> {
    Ok(items::table
        .find((code, version))
        .select(ItemRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The latest version of every item, by code, optionally of one department.
pub fn list_latest(
    conn: &mut DbConnection,
    department: Option<&str>,
) -> Result<Vec<ItemRecord>, StoreError> {
    let mut all: Vec<ItemRecord> = match department {
        Some(d) => items::table
            .filter(items::department.eq(d))
            .order((items::code.asc(), items::version.desc()))
            .select(ItemRecord::as_select())
            .load(conn)?,
        None => items::table
            .order((items::code.asc(), items::version.desc()))
            .select(ItemRecord::as_select())
            .load(conn)?,
    };
    // Rows come newest version first within a code: keep the first of each code.
    all.dedup_by(|later, first| later.code == first.code);
    Ok(all)
}

/// How many item versions exist (first start: import the catalogue when zero).
pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(items::table.count().get_result(conn)?)
}

/// Every version of every item (the server keeps them in memory: cases run under old ones).
pub fn all_versions(conn: &mut DbConnection) -> Result<Vec<ItemRecord>, StoreError> {
    Ok(items::table
        .order((items::code.asc(), items::version.asc()))
        .select(ItemRecord::as_select())
        .load(conn)?)
}
