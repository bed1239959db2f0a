//! The baseline for `tongban bench store`: plain INSERTs of the rows a case intake writes
//! (case, event, audit record), with none of the store's checks, and scratch databases to
//! run them in. Not used by the service.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::audit::AuditRecord;
use crate::cases::CaseRecord;
use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::events::NewEvent;
use crate::schema::{audit_log, case_events, cases};

/// The rows of one intake.
#[derive(Debug, Clone)]
pub struct PlainRows {
    /// The case row.
    pub case: CaseRecord,
    /// Its first event (stored with seq 1).
    pub event: NewEvent,
    /// Its audit record, already numbered and hashed.
    pub audit: AuditRecord,
}

/// Inserts the rows of `batch` in one transaction.
pub fn insert_plain(conn: &mut DbConnection, batch: &[PlainRows]) -> Result<(), StoreError> {
    conn.transaction::<(), StoreError, _>(|conn| {
        for rows in batch {
            diesel::insert_into(cases::table)
                .values(&rows.case)
                .execute(conn)?;
            diesel::insert_into(case_events::table)
                .values((
                    case_events::case_no.eq(&rows.case.case_no),
                    case_events::seq.eq(1),
                    case_events::at.eq(rows.event.at),
                    case_events::kind.eq(&rows.event.kind),
                    case_events::actor.eq(&rows.event.actor),
                    case_events::window_code.eq(&rows.event.window_code),
                    case_events::grant_id.eq(rows.event.grant_id),
                    case_events::data.eq(&rows.event.data),
                ))
                .execute(conn)?;
            diesel::insert_into(audit_log::table)
                .values(&rows.audit)
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Creates a database `name` on the PostgreSQL server of `admin_url` and returns its URL.
pub fn create_pg_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
    let mut admin = diesel::PgConnection::establish(admin_url)?;
    admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let (base, _) = split_database(admin_url);
    Ok(format!("{base}/{name}"))
}

/// Drops the database `name` on the server of `admin_url`, closing its connections.
pub fn drop_pg_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    let mut admin = diesel::PgConnection::establish(admin_url)?;
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    Ok(())
}

/// `postgres://u@h:p/db?x` → (`postgres://u@h:p`, `db?x`).
fn split_database(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(i) => (&url[..after_scheme + i], &url[after_scheme + i + 1..]),
        None => (url, ""),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn splits_the_database_off_a_url() {
        assert_eq!(
            super::split_database("postgres://root@127.0.0.1:5432/test"),
            ("postgres://root@127.0.0.1:5432", "test")
        );
        assert_eq!(
            super::split_database("postgres://root@127.0.0.1"),
            ("postgres://root@127.0.0.1", "")
        );
    }
}
