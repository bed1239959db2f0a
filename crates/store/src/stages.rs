//! Stage tasks: one row per workflow stage of a case, with its own due date and next check.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::stage_tasks;

/// A stage of a case as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
// `None` is written as NULL (no column has a default), so SQLite takes many rows in one
// INSERT.
#[diesel(table_name = stage_tasks, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct StageTaskRecord {
    /// The case (overwritten with the case's number when written through a case change).
    pub case_no: String,
    /// The stage code of the item's workflow.
    pub stage: String,
    /// The department that works on it.
    pub department: String,
    /// e.g. `open`, `done`, `suspended`.
    pub status: String,
    /// When the stage is due, unix milliseconds.
    pub due: Option<i64>,
    /// When its supervision state next changes; `None` when it is not open.
    pub next_check_at: Option<i64>,
    /// Last change, unix milliseconds.
    pub updated_at: i64,
}

/// Inserts or replaces the stage row (keyed by case and stage).
pub fn upsert(conn: &mut DbConnection, task: &StageTaskRecord) -> Result<(), StoreError> {
    upsert_many(conn, std::slice::from_ref(task))
}

/// [`upsert`] for many rows: one INSERT … ON CONFLICT DO UPDATE per 500 rows on both
/// backends.
pub fn upsert_many(conn: &mut DbConnection, tasks: &[StageTaskRecord]) -> Result<(), StoreError> {
    use diesel::upsert::excluded;
    macro_rules! upsert_chunk {
        ($c:expr, $chunk:expr) => {
            diesel::insert_into(stage_tasks::table)
                .values($chunk)
                .on_conflict((stage_tasks::case_no, stage_tasks::stage))
                .do_update()
                .set((
                    stage_tasks::department.eq(excluded(stage_tasks::department)),
                    stage_tasks::status.eq(excluded(stage_tasks::status)),
                    stage_tasks::due.eq(excluded(stage_tasks::due)),
                    stage_tasks::next_check_at.eq(excluded(stage_tasks::next_check_at)),
                    stage_tasks::updated_at.eq(excluded(stage_tasks::updated_at)),
                ))
                .execute($c)?
        };
    }
    for chunk in tasks.chunks(crate::multi_row::MULTI_ROW_CHUNK) {
        match conn {
            DbConnection::Pg(c) => upsert_chunk!(c, chunk),
            DbConnection::Sqlite(c) => upsert_chunk!(c, chunk),
        };
    }
    Ok(())
}

/// The stages of one case.
pub fn for_case(
    conn: &mut DbConnection,
    case_no: &str,
) -> Result<Vec<StageTaskRecord>, StoreError> {
    Ok(stage_tasks::table
        .filter(stage_tasks::case_no.eq(case_no))
        .order(stage_tasks::stage.asc())
        .select(StageTaskRecord::as_select())
        .load(conn)?)
}

/// Stages whose supervision state changes at or before `now`, earliest first (partial index).
pub fn due(
    conn: &mut DbConnection,
    now: i64,
    limit: i64,
) -> Result<Vec<StageTaskRecord>, StoreError> {
    Ok(stage_tasks::table
        .filter(stage_tasks::next_check_at.is_not_null())
        .filter(stage_tasks::next_check_at.le(now))
        .order(stage_tasks::next_check_at.asc())
        .limit(limit)
        .select(StageTaskRecord::as_select())
        .load(conn)?)
}

/// Sets only the next check of a stage (used by the sweep after raising its alerts).
pub fn set_next_check(
    conn: &mut DbConnection,
    case_no: &str,
    stage: &str,
    next_check_at: Option<i64>,
) -> Result<(), StoreError> {
    diesel::update(
        stage_tasks::table
            .filter(stage_tasks::case_no.eq(case_no))
            .filter(stage_tasks::stage.eq(stage)),
    )
    .set(stage_tasks::next_check_at.eq(next_check_at))
    .execute(conn)?;
    Ok(())
}
