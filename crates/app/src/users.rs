//! User accounts: creation (admin API, CLI, demo data, applicant registration) and the
//! checks of a sign-in.

pub mod create;
pub mod manage;
pub mod register;
pub mod sign_in;
pub mod throttle;

use chrono::{DateTime, Utc};
use tongban_core::role::Role;
use tongban_store::users::{self, UserRecord};
use tongban_store::{windows, DbConnection, StoreError};

use crate::auth::password;
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{millis, to_json};
use crate::validate::Fields;

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
        must_change_password: false,
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

/// The roles a stored account holds; roles that do not decode are corrupt data.
pub fn roles_of(record: &UserRecord) -> Result<Vec<Role>, crate::records::CorruptRecord> {
    crate::records::decode("user", &record.username, &record.roles)
}

/// The checks every new account goes through, whoever creates it.
fn check_profile(
    fields: &mut Fields,
    username: &str,
    password: &str,
    email: Option<&str>,
    phone: Option<&str>,
) {
    fields.username("username", username);
    fields.password("password", password, username);
    if let Some(e) = email {
        fields.email("email", e);
    }
    if let Some(p) = phone {
        fields.phone("phone", p);
    }
}

/// [`hashed_record`] off the async workers: argon2 is slow by design.
async fn hash(new: NewUser, now: DateTime<Utc>) -> AppResult<UserRecord> {
    match tokio::task::spawn_blocking(move || hashed_record(&new, now)).await {
        Ok(Ok(record)) => Ok(record),
        Ok(Err(e)) => Err(Error::corrupt(format!("password hashing failed: {e}"))),
        Err(e) => Err(Error::corrupt(format!("password hashing panicked: {e}"))),
    }
}

/// A duplicate username as the caller sees it; other store errors pass through.
fn taken(e: StoreError, detail: Text) -> Error {
    match e {
        StoreError::Duplicate(_) => Error::new(
            Code::UsernameTaken,
            Text::new("用户名已被使用", "Username taken"),
            detail,
        ),
        other => other.into(),
    }
}
