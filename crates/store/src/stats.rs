//! What the supervision statistics read: the cases received in a period and their
//! evaluations. The counting itself is done by the caller on the domain's case (the API's
//! `oversight::stats`), which at county scale is a few thousand rows a month.

use diesel::prelude::*;

use crate::cases::CaseRecord;
use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::{cases, evaluations};

/// Cases received in `[from, to)`, unix milliseconds, oldest first.
pub fn cases_received_between(
    conn: &mut DbConnection,
    from: i64,
    to: i64,
) -> Result<Vec<CaseRecord>, StoreError> {
    Ok(cases::table
        .filter(cases::received_at.ge(from))
        .filter(cases::received_at.lt(to))
        .order((cases::received_at.asc(), cases::case_no.asc()))
        .select(CaseRecord::as_select())
        .load(conn)?)
}

/// `(case_no, score)` of the evaluations of the cases received in `[from, to)`.
pub fn scores_of_cases_received_between(
    conn: &mut DbConnection,
    from: i64,
    to: i64,
) -> Result<Vec<(String, i64)>, StoreError> {
    let received = cases::table
        .filter(cases::received_at.ge(from))
        .filter(cases::received_at.lt(to))
        .select(cases::case_no);
    Ok(evaluations::table
        .filter(evaluations::case_no.eq_any(received))
        .order(evaluations::case_no.asc())
        .select((evaluations::case_no, evaluations::score))
        .load(conn)?)
}
