//! Evaluations (好差评): one per concluded case.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::departments::duplicate;
use crate::error::StoreError;
use crate::schema::{cases, evaluations};
use diesel::dsl;

/// An applicant's rating.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = evaluations)]
pub struct EvaluationRecord {
    /// The case (one evaluation each).
    pub case_no: String,
    /// 1..=5.
    pub score: i64,
    /// Comment.
    pub comment: Option<String>,
    /// When, unix milliseconds.
    pub at: i64,
    /// A bad rating's follow-up deadline.
    pub follow_up_due: Option<i64>,
    /// When followed up.
    pub followed_up_at: Option<i64>,
    /// The follow-up note (整改).
    pub follow_up_note: Option<String>,
    /// Who recorded the follow-up.
    pub followed_up_by: Option<String>,
}

/// Stores an evaluation; a second one for the case is `Duplicate`.
pub fn insert(conn: &mut DbConnection, record: &EvaluationRecord) -> Result<(), StoreError> {
    // A savepoint, so that a duplicate does not abort the caller's transaction on PostgreSQL.
    conn.transaction(|c| {
        diesel::insert_into(evaluations::table)
            .values(record)
            .execute(c)
    })
    .map_err(|e| duplicate(e, &format!("evaluation of {}", record.case_no)))?;
    Ok(())
}

/// The evaluation of a case.
pub fn get(conn: &mut DbConnection, case_no: &str) -> Result<Option<EvaluationRecord>, StoreError> {
    Ok(evaluations::table
        .find(case_no)
        .select(EvaluationRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Records the follow-up (整改) of a bad rating by `by`; false when unknown or already
/// followed up.
pub fn follow_up(
    conn: &mut DbConnection,
    case_no: &str,
    at: i64,
    note: &str,
    by: &str,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        evaluations::table
            .filter(evaluations::case_no.eq(case_no))
            .filter(evaluations::followed_up_at.is_null()),
    )
    .set((
        evaluations::followed_up_at.eq(Some(at)),
        evaluations::follow_up_note.eq(Some(note)),
        evaluations::followed_up_by.eq(Some(by)),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// The case numbers of `department`'s cases, as a subquery.
fn of_department(
    department: &str,
) -> dsl::Select<dsl::Filter<cases::table, dsl::Eq<cases::department, &str>>, cases::case_no> {
    cases::table
        .filter(cases::department.eq(department))
        .select(cases::case_no)
}

/// The evaluation of a case of `department`: none for another department's case.
pub fn get_in_department(
    conn: &mut DbConnection,
    case_no: &str,
    department: &str,
) -> Result<Option<EvaluationRecord>, StoreError> {
    Ok(evaluations::table
        .filter(evaluations::case_no.eq(case_no))
        .filter(evaluations::case_no.eq_any(of_department(department)))
        .select(EvaluationRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The bad ratings of `department`'s cases still awaiting their follow-up (整改), the one
/// due first first: what the department's heads have to answer.
pub fn awaiting_follow_up(
    conn: &mut DbConnection,
    department: &str,
    limit: i64,
) -> Result<Vec<EvaluationRecord>, StoreError> {
    Ok(evaluations::table
        .filter(evaluations::case_no.eq_any(of_department(department)))
        .filter(evaluations::followed_up_at.is_null())
        .filter(evaluations::follow_up_due.is_not_null())
        .order(evaluations::follow_up_due.asc())
        .limit(limit)
        .select(EvaluationRecord::as_select())
        .load(conn)?)
}

/// Bad ratings whose follow-up is overdue at `now`.
pub fn follow_ups_overdue(
    conn: &mut DbConnection,
    now: i64,
    limit: i64,
    unless_alerted: &str,
) -> Result<Vec<EvaluationRecord>, StoreError> {
    use crate::schema::alerts;
    // A case already alerted under `unless_alerted` is not read again: otherwise the oldest
    // `limit` would be read on every sweep, for ever, and newer ones never reached.
    let alerted = alerts::table
        .filter(alerts::case_no.eq(evaluations::case_no.nullable()))
        .filter(alerts::rule.eq(unless_alerted));
    Ok(evaluations::table
        .filter(diesel::dsl::not(diesel::dsl::exists(alerted)))
        .filter(evaluations::followed_up_at.is_null())
        .filter(evaluations::follow_up_due.is_not_null())
        .filter(evaluations::follow_up_due.le(now))
        .order(evaluations::follow_up_due.asc())
        .limit(limit)
        .select(EvaluationRecord::as_select())
        .load(conn)?)
}
