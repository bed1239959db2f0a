//! Re-projection jobs: after a calendar year is loaded or corrected, the open cases are moved
//! onto the new calendar in bounded batches. A job row is written with the year; each batch
//! commits its cases with the job's cursor, so the work resumes after a kill exactly where
//! the last commit left it.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::{calendar_reprojections as jobs, cases};
use crate::typed::StoredCaseStatus;
use crate::CaseRecord;

/// One job.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct ReprojectionRecord {
    pub id: i64,
    /// The calendar whose year changed (e.g. `cn`).
    pub calendar: String,
    pub year: i64,
    /// The notice the year came from, named on every case event.
    pub source: String,
    /// Who loaded the year.
    pub actor: String,
    /// The last case number done (`""` before the first batch).
    pub cursor: String,
    /// Open cases looked at so far.
    pub examined: i64,
    /// Cases whose dates moved so far.
    pub moved: i64,
    pub created_at: i64,
    /// Until when (unix ms) the process working it holds it.
    pub lease_until: i64,
    pub finished_at: Option<i64>,
}

/// Adds a job for a year just stored (in the same transaction); answers its id. A job still
/// unfinished for the same calendar is finished now: the new job re-projects onto the
/// calendar as it stands, which includes whatever the older one was for.
pub fn start(
    conn: &mut DbConnection,
    calendar: &str,
    year: i64,
    source: &str,
    actor: &str,
    now: i64,
) -> Result<i64, StoreError> {
    diesel::update(
        jobs::table
            .filter(jobs::calendar.eq(calendar))
            .filter(jobs::finished_at.is_null()),
    )
    .set(jobs::finished_at.eq(Some(now)))
    .execute(conn)?;
    let last: Option<i64> = jobs::table.select(diesel::dsl::max(jobs::id)).first(conn)?;
    let id = last.unwrap_or(0) + 1;
    diesel::insert_into(jobs::table)
        .values(&ReprojectionRecord {
            id,
            calendar: calendar.to_owned(),
            year,
            source: source.to_owned(),
            actor: actor.to_owned(),
            cursor: String::new(),
            examined: 0,
            moved: 0,
            created_at: now,
            lease_until: 0,
            finished_at: None,
        })
        .execute(conn)?;
    Ok(id)
}

/// Takes the oldest unfinished job whose lease has run out (or is `id`'s own), holding it
/// until `lease_until`. `None` when there is nothing to do or another process holds it.
pub fn claim(
    conn: &mut DbConnection,
    now: i64,
    lease_until: i64,
) -> Result<Option<ReprojectionRecord>, StoreError> {
    let job: Option<ReprojectionRecord> = jobs::table
        .filter(jobs::finished_at.is_null())
        .filter(jobs::lease_until.le(now))
        .order(jobs::id.asc())
        .select(ReprojectionRecord::as_select())
        .first(conn)
        .optional()?;
    let Some(mut job) = job else {
        return Ok(None);
    };
    // Compare-and-set on the lease: of two processes claiming at once, one wins.
    let won = diesel::update(
        jobs::table
            .filter(jobs::id.eq(job.id))
            .filter(jobs::lease_until.eq(job.lease_until))
            .filter(jobs::finished_at.is_null()),
    )
    .set(jobs::lease_until.eq(lease_until))
    .execute(conn)?;
    if won == 0 {
        return Ok(None);
    }
    job.lease_until = lease_until;
    Ok(Some(job))
}

/// Records a batch done: the cursor moves on, the counts grow, the lease is renewed. Fails
/// (nothing written) when the job was finished or taken over meanwhile.
pub fn advance(
    conn: &mut DbConnection,
    job: &ReprojectionRecord,
    cursor: &str,
    examined: i64,
    moved: i64,
    lease_until: i64,
) -> Result<(), StoreError> {
    let n = diesel::update(
        jobs::table
            .filter(jobs::id.eq(job.id))
            .filter(jobs::lease_until.eq(job.lease_until))
            .filter(jobs::finished_at.is_null()),
    )
    .set((
        jobs::cursor.eq(cursor),
        jobs::examined.eq(jobs::examined + examined),
        jobs::moved.eq(jobs::moved + moved),
        jobs::lease_until.eq(lease_until),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::LeaseLost(format!(
            "re-projection job {} was finished or taken over",
            job.id
        )));
    }
    Ok(())
}

/// Marks a job done.
pub fn finish(conn: &mut DbConnection, id: i64, now: i64) -> Result<(), StoreError> {
    diesel::update(jobs::table.find(id))
        .set(jobs::finished_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

/// A job by id.
pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<ReprojectionRecord>, StoreError> {
    Ok(jobs::table
        .find(id)
        .select(ReprojectionRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The newest jobs first.
pub fn recent(conn: &mut DbConnection, limit: i64) -> Result<Vec<ReprojectionRecord>, StoreError> {
    Ok(jobs::table
        .order(jobs::id.desc())
        .limit(limit)
        .select(ReprojectionRecord::as_select())
        .load(conn)?)
}

/// The next open cases after `after` in case-number order: the batches of a re-projection
/// (or of its preview), `statuses` being the statuses in which clocks still run.
pub fn open_cases_after(
    conn: &mut DbConnection,
    statuses: &[StoredCaseStatus],
    after: &str,
    limit: i64,
) -> Result<Vec<CaseRecord>, StoreError> {
    Ok(cases::table
        .filter(cases::status.eq_any(statuses))
        .filter(cases::case_no.gt(after))
        .order(cases::case_no.asc())
        .limit(limit)
        .select(CaseRecord::as_select())
        .load(conn)?)
}
