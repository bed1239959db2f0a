//! Failed sign-ins by key (an account, an address, or the pair), shared by every process on
//! the database so that a guesser spread over several servers is slowed down as by one.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::sign_in_failures;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sign_in_failures)]
pub struct SignInFailure {
    pub key: String,
    pub failures: i64,
    /// Unix seconds before which no try of this key is taken.
    pub blocked_until: i64,
    /// Unix seconds of the latest failure.
    pub last_at: i64,
}

/// The records of `keys` that exist.
pub fn get_many(
    conn: &mut DbConnection,
    keys: &[String],
) -> Result<Vec<SignInFailure>, StoreError> {
    Ok(sign_in_failures::table
        .filter(sign_in_failures::key.eq_any(keys))
        .select(SignInFailure::as_select())
        .load(conn)?)
}

/// Writes a record, replacing the key's (in the caller's transaction; the multi-backend
/// connection has no `ON CONFLICT`).
pub fn put(conn: &mut DbConnection, record: &SignInFailure) -> Result<(), StoreError> {
    let updated = diesel::update(sign_in_failures::table.find(&record.key))
        .set(record)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(sign_in_failures::table)
            .values(record)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete(conn: &mut DbConnection, keys: &[String]) -> Result<(), StoreError> {
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::key.eq_any(keys)))
        .execute(conn)?;
    Ok(())
}

/// Forgets failures older than `before` (unix seconds); returns how many.
pub fn forget_before(conn: &mut DbConnection, before: i64) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(sign_in_failures::table.filter(sign_in_failures::last_at.lt(before)))
            .execute(conn)?,
    )
}
