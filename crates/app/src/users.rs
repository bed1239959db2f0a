//! User accounts: creation (admin API, CLI, demo data, applicant registration) and the
//! checks of a sign-in.

use chrono::{DateTime, Utc};
use tongban_core::role::Role;
use tongban_store::users::{self, UserRecord};
use tongban_store::{windows, DbConnection, StoreError};

use crate::auth::password;
use crate::records::{millis, to_json};

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub roles: Vec<Role>,
    pub department: Option<String>,
    pub windows: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] password::HashError),
}

/// Creates the user and assigns them to their windows, in the caller's transaction.
/// The password is hashed before the call reaches the writer, so the hashing (slow by
/// design) never holds up other writes.
pub fn hashed_record(new: &NewUser, now: DateTime<Utc>) -> Result<UserRecord, UserError> {
    Ok(UserRecord {
        username: new.username.clone(),
        password_hash: password::hash_password(&new.password)?,
        name: new.name.clone(),
        email: new.email.clone(),
        phone: new.phone.clone(),
        roles: to_json(&new.roles),
        department: new.department.clone(),
        active: true,
        created_at: millis(now),
        updated_at: millis(now),
    })
}

pub fn insert(
    conn: &mut DbConnection,
    record: &UserRecord,
    window_codes: &[String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    users::insert(conn, record)?;
    for w in window_codes {
        windows::add_staff(conn, w, &record.username, millis(now))?;
    }
    Ok(())
}

pub fn roles_of(record: &UserRecord) -> Vec<Role> {
    serde_json::from_str(&record.roles).unwrap_or_default()
}
