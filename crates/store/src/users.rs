//! User accounts (staff and applicants).

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::departments::duplicate;
use crate::error::StoreError;
use crate::schema::users;

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct UserRecord {
    /// Login name.
    pub username: String,
    /// argon2 hash (PHC string).
    pub password_hash: String,
    /// Display name.
    pub name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Roles, JSON array text.
    pub roles: String,
    /// Department of staff.
    pub department: Option<String>,
    /// False for a disabled account.
    pub active: bool,
    /// Creation, unix milliseconds.
    pub created_at: i64,
    /// Last change, unix milliseconds.
    pub updated_at: i64,
    /// Set by an administrator's reset: the account may only change its password.
    pub must_change_password: bool,
}

/// Creates a user; an existing username, in any letter case (`Admin` beside `admin`), is
/// `Duplicate`.
pub fn insert(conn: &mut DbConnection, user: &UserRecord) -> Result<(), StoreError> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    let same: i64 = users::table
        .filter(
            sql::<Bool>("lower(username) = lower(")
                .bind::<Text, _>(&user.username)
                .sql(")"),
        )
        .count()
        .get_result(conn)?;
    if same > 0 {
        return Err(StoreError::Duplicate(user.username.clone()));
    }
    // A savepoint, so that a duplicate does not abort the caller's transaction on PostgreSQL.
    conn.transaction(|c| diesel::insert_into(users::table).values(user).execute(c))
        .map_err(|e| duplicate(e, &user.username))?;
    Ok(())
}

/// Replaces a user's fields (all but the creation time); `NotFound` if unknown. Bumps the
/// authorisation revision: every process checks the user's sessions again.
pub fn update(conn: &mut DbConnection, user: &UserRecord) -> Result<(), StoreError> {
    let n = diesel::update(users::table.find(&user.username))
        .set((
            users::password_hash.eq(&user.password_hash),
            users::name.eq(&user.name),
            users::email.eq(&user.email),
            users::phone.eq(&user.phone),
            users::roles.eq(&user.roles),
            users::department.eq(&user.department),
            users::active.eq(user.active),
            users::must_change_password.eq(user.must_change_password),
            users::updated_at.eq(user.updated_at),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("user {}", user.username)));
    }
    crate::sessions::bump(conn)
}

/// One user.
pub fn get(conn: &mut DbConnection, username: &str) -> Result<Option<UserRecord>, StoreError> {
    Ok(users::table
        .find(username)
        .select(UserRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The display names of those of `usernames` that have an account: (username, name).
pub fn names_of(
    conn: &mut DbConnection,
    usernames: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(users::table
        .filter(users::username.eq_any(usernames))
        .select((users::username, users::name))
        .load(conn)?)
}

/// All users by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<UserRecord>, StoreError> {
    Ok(users::table
        .order(users::username.asc())
        .select(UserRecord::as_select())
        .load(conn)?)
}

/// How many active accounts hold the admin role (roles are stored as a JSON array of
/// names). None on a fresh `serve` without `--demo`: the first-run notice.
pub fn active_admins(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(users::table
        .filter(users::active.eq(true))
        .filter(users::roles.like("%\"admin\"%"))
        .count()
        .get_result(conn)?)
}

/// How many users exist (first start: no admin yet).
pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(users::table.count().get_result(conn)?)
}
