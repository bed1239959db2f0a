//! Token signing keys, shared by every process on the database.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::signing_keys;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = signing_keys)]
pub struct SigningKeyRecord {
    pub kid: String,
    /// Base64url secret.
    pub secret: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix seconds after which no token it signed can still be valid; `None` while it signs.
    pub retired_until: Option<i64>,
}

/// Every key, newest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<SigningKeyRecord>, StoreError> {
    Ok(signing_keys::table
        .order((signing_keys::created_at.desc(), signing_keys::kid.desc()))
        .select(SigningKeyRecord::as_select())
        .load(conn)?)
}

/// Adds a key unless one with its id exists (two processes importing at once), and bumps the
/// configuration revision so every process reloads its key ring.
pub fn add(conn: &mut DbConnection, key: &SigningKeyRecord) -> Result<(), StoreError> {
    let exists = signing_keys::table
        .find(&key.kid)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !exists {
        diesel::insert_into(signing_keys::table)
            .values(key)
            .execute(conn)?;
        crate::revision::bump(conn)?;
    }
    Ok(())
}

/// Retires every signing key but `keep`: they verify until `until` (unix seconds).
pub fn retire_others(conn: &mut DbConnection, keep: &str, until: i64) -> Result<(), StoreError> {
    diesel::update(
        signing_keys::table
            .filter(signing_keys::kid.ne(keep))
            .filter(signing_keys::retired_until.is_null()),
    )
    .set(signing_keys::retired_until.eq(Some(until)))
    .execute(conn)?;
    crate::revision::bump(conn)?;
    Ok(())
}

/// Forgets keys whose tokens have all expired.
pub fn purge_retired(conn: &mut DbConnection, now_secs: i64) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(signing_keys::table.filter(signing_keys::retired_until.lt(now_secs)))
            .execute(conn)?,
    )
}
