//! What the supervisors' daily digest counts: alerts not closed yet, by department and level,
//! and the accounts that receive it.

use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::{alerts, digests, users};

/// Alerts still open, acknowledged or urged: `(department, level, count)`, by department.
pub fn open_alert_counts(
    conn: &mut DbConnection,
) -> Result<Vec<(Option<String>, String, i64)>, StoreError> {
    Ok(alerts::table
        .filter(alerts::status.eq_any(["open", "acknowledged", "urged"]))
        .group_by((alerts::department, alerts::level))
        .select((alerts::department, alerts::level, count_star()))
        .order((alerts::department.asc(), alerts::level.asc()))
        .load(conn)?)
}

/// Alerts raised in `[from, to)`, unix milliseconds.
pub fn raised_between(conn: &mut DbConnection, from: i64, to: i64) -> Result<i64, StoreError> {
    Ok(alerts::table
        .filter(alerts::raised_at.ge(from))
        .filter(alerts::raised_at.lt(to))
        .count()
        .get_result(conn)?)
}

/// Active supervisors with an e-mail address: `(username, name, email)`.
pub fn supervisor_addresses(
    conn: &mut DbConnection,
) -> Result<Vec<(String, String, String)>, StoreError> {
    let rows: Vec<(String, String, Option<String>, String)> = users::table
        .filter(users::active.eq(true))
        .filter(users::email.is_not_null())
        .select((users::username, users::name, users::email, users::roles))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, _, roles)| {
            serde_json::from_str::<Vec<String>>(roles)
                .is_ok_and(|r| r.iter().any(|r| r == "supervisor"))
        })
        .filter_map(|(u, n, e, _)| e.map(|e| (u, n, e)))
        .collect())
}

/// Claims the digest of `day` (`YYYY-MM-DD`); true for the one caller that should send it.
pub fn claim_day(conn: &mut DbConnection, day: &str, at: i64) -> Result<bool, StoreError> {
    let n = match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(digests::table)
            .values((digests::day.eq(day), digests::created_at.eq(at)))
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConnection::Pg(c) => diesel::insert_into(digests::table)
            .values((digests::day.eq(day), digests::created_at.eq(at)))
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(n > 0)
}
