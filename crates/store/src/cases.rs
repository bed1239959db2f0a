//! Cases: the one table whose rows change only through `create_case` and `apply_change`,
//! each writing the case row, one event, one audit record, outbox rows and stage tasks in
//! one transaction (a savepoint of the writer's batch).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::audit::{self, NewAudit};
use crate::conn::{DbConnection, MultiBackend};
use crate::error::StoreError;
use crate::events::{self, NewEvent};
use crate::outbox::{self, NewOutbox};
use crate::schema::{alerts, cases, idempotency_keys, stage_tasks};
use crate::stages::{self, StageTaskRecord};
use crate::typed::StoredCaseStatus;

/// A case row. `data` is the whole case serialised by the domain core (JSON text); the other
/// columns are copies of what the store must index or compare. `version` is owned by the
/// store: 1 on creation, +1 on every change.
// `None` is written as NULL (no column has a default), which lets SQLite take many rows in
// one INSERT rather than one statement per row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
pub struct CaseRecord {
    /// Public case number (办件编号), unique.
    pub case_no: String,
    /// Secret query code (查询码); compare with [`query_code_matches`].
    pub query_code: String,
    /// The item applied for.
    pub item_code: String,
    /// The item version the case runs under.
    pub item_version: i64,
    /// Responsible department.
    pub department: String,
    /// The window that took it, if any.
    pub window_code: Option<String>,
    /// The applicant's username for online submissions.
    pub owner: Option<String>,
    /// Status, e.g. `submitted`, `received`, `accepted`.
    pub status: StoredCaseStatus,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Receipt, unix milliseconds.
    pub received_at: i64,
    /// Deadline to accept or send the supplement notice.
    pub acceptance_due: Option<i64>,
    /// Promised deadline (承诺时限), once accepted.
    pub promised_due: Option<i64>,
    /// Legal deadline (法定时限), once accepted.
    pub legal_due: Option<i64>,
    /// When the case's supervision state next changes; `None` when concluded or suspended.
    pub next_check_at: Option<i64>,
    /// The whole case, JSON text.
    pub data: String,
    /// Creation, unix milliseconds (kept from the first write).
    pub created_at: i64,
    /// Last change, unix milliseconds.
    pub updated_at: i64,
    /// The applicant's name, ID number (upper case) and phone, for the search: written at
    /// intake only, since an application's applicant never changes.
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub applicant_phone: Option<String>,
}

/// A new case with everything written alongside it.
#[derive(Debug, Clone)]
pub struct CaseIntake {
    /// The client's `Idempotency-Key`, scoped by the caller (e.g. `username:key`).
    pub idempotency_key: Option<String>,
    /// A hash of the request body: the same key with another hash is a conflict.
    pub request_hash: String,
    /// The case row (its `version` is set to 1).
    pub case: CaseRecord,
    /// The first event (receipt or submission).
    pub event: NewEvent,
    /// The audit record.
    pub audit: NewAudit,
    /// Messages to send.
    pub outbox: Vec<NewOutbox>,
    /// Stage tasks to create.
    pub stage_tasks: Vec<StageTaskRecord>,
}

/// What an intake did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeOutcome {
    /// A new case was stored.
    Created(CaseRecord),
    /// The key was seen before with the same request: the case stored then.
    Repeated(CaseRecord),
}

impl IntakeOutcome {
    /// The case, whichever way.
    pub fn case(&self) -> &CaseRecord {
        match self {
            IntakeOutcome::Created(c) | IntakeOutcome::Repeated(c) => c,
        }
    }
}

/// A change of an existing case.
#[derive(Debug, Clone)]
pub struct CaseChange {
    /// The new row (its `version` and `created_at` are ignored: the store sets them).
    pub case: CaseRecord,
    /// The version the caller decided on; if the stored one differs, nothing is written.
    pub expected_version: i64,
    /// The event describing the change.
    pub event: NewEvent,
    /// The audit record.
    pub audit: NewAudit,
    /// Messages to send.
    pub outbox: Vec<NewOutbox>,
    /// Stage tasks to insert or replace.
    pub stage_tasks: Vec<StageTaskRecord>,
}

/// Filter of the work queue. Every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Any of these statuses (empty: any).
    pub statuses: Vec<StoredCaseStatus>,
    /// Responsible department.
    pub department: Option<String>,
    /// Window.
    pub window_code: Option<String>,
    /// Applicant username.
    pub owner: Option<String>,
    /// Only cases with an alert of this level that is not resolved.
    pub alert_level: Option<crate::typed::StoredAlertLevel>,
    /// A window's queue: taken at this window, or of one of these departments, or of one of
    /// these items (the window's grants in force).
    pub at_window: Option<WindowQueue>,
    /// A back office's queue: of this department, or with a stage in it (parallel stages).
    pub in_department: Option<String>,
    /// Newest receipt first (an applicant's own cases) instead of the queue's oldest first.
    pub newest_first: bool,
    /// The clerk's search: cases whose number, applicant ID number or phone is exactly this,
    /// or whose applicant name contains it.
    pub search: Option<String>,
    /// Cases of this applicant ID number (upper case), e.g. the applicant's earlier cases.
    pub applicant_id_number: Option<String>,
}

/// What a window's grants reach: cases taken at the window, and those of the departments
/// and items its grants in force cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowQueue {
    pub window: String,
    pub departments: Vec<String>,
    pub items: Vec<String>,
}

/// A page of a list, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Page number from 1.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
}

/// Stores a new case, or answers a repeated request. Run it inside a transaction (the
/// writer does): on error nothing is written.
///
/// The idempotency key is inserted right after the case rather than looked up first: a new
/// key (the common case) costs no extra query, and a key seen before fails the insert, which
/// rolls the request back and is answered by [`repeated_intake`] once the batch committed.
pub fn create_case(
    conn: &mut DbConnection,
    intake: &CaseIntake,
) -> Result<IntakeOutcome, StoreError> {
    let mut case = intake.case.clone();
    case.version = 1;
    diesel::insert_into(cases::table)
        .values(&case)
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            err if err.is_unique_violation() => {
                StoreError::Duplicate(format!("case {}", case.case_no))
            }
            err => err,
        })?;
    if let Some(key) = &intake.idempotency_key {
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::idempotency_key.eq(key),
                idempotency_keys::request_hash.eq(&intake.request_hash),
                idempotency_keys::case_no.eq(&case.case_no),
                idempotency_keys::created_at.eq(case.created_at),
            ))
            .execute(conn)
            .map_err(|e| match StoreError::from(e) {
                err if err.is_unique_violation() => StoreError::IdempotencyKeySeen,
                err => err,
            })?;
    }
    write_side_effects(
        conn,
        &case.case_no,
        1,
        &intake.event,
        &intake.audit,
        &intake.outbox,
        &intake.stage_tasks,
    )?;
    Ok(IntakeOutcome::Created(case))
}

/// Stores many new cases together (the writer's batch of intakes): the same rows as
/// [`create_case`] for each, written with multi-row statements on PostgreSQL. Any unique
/// violation fails the whole call; the writer then rolls it back and stores the intakes one
/// by one, so that each gets its own answer (created, repeated, conflict).
pub fn create_cases_bulk(
    conn: &mut DbConnection,
    intakes: &[&CaseIntake],
) -> Result<Vec<CaseRecord>, StoreError> {
    let rows: Vec<CaseRecord> = intakes
        .iter()
        .map(|i| CaseRecord {
            version: 1,
            ..i.case.clone()
        })
        .collect();
    let keys: Vec<_> = intakes
        .iter()
        .zip(&rows)
        .filter_map(|(i, case)| {
            i.idempotency_key.as_ref().map(|key| {
                (
                    idempotency_keys::idempotency_key.eq(key),
                    idempotency_keys::request_hash.eq(&i.request_hash),
                    idempotency_keys::case_no.eq(&case.case_no),
                    idempotency_keys::created_at.eq(case.created_at),
                )
            })
        })
        .collect();
    for chunk in rows.chunks(crate::multi_row::MULTI_ROW_CHUNK) {
        crate::multi_row::multi_row_insert!(conn, cases::table, chunk);
    }
    for chunk in keys.chunks(crate::multi_row::MULTI_ROW_CHUNK) {
        crate::multi_row::multi_row_insert!(conn, idempotency_keys::table, chunk);
    }
    let firsts: Vec<(&str, &NewEvent)> = rows
        .iter()
        .zip(intakes)
        .map(|(case, i)| (case.case_no.as_str(), &i.event))
        .collect();
    events::append_first_many(conn, &firsts)?;
    let records: Vec<&NewAudit> = intakes.iter().map(|i| &i.audit).collect();
    audit::append_many(conn, &records)?;
    for (case, intake) in rows.iter().zip(intakes) {
        outbox::enqueue(conn, &intake.outbox)?;
        for task in &intake.stage_tasks {
            let mut task = task.clone();
            task.case_no = case.case_no.clone();
            stages::upsert(conn, &task)?;
        }
    }
    Ok(rows)
}

/// The answer to an intake that failed on a unique key (`error`): if its idempotency key was
/// stored before, the case stored then (same request) or a conflict (another request);
/// otherwise `error` itself (a case number taken by another request).
pub fn repeated_intake(
    conn: &mut DbConnection,
    intake: &CaseIntake,
    error: StoreError,
) -> Result<IntakeOutcome, StoreError> {
    let Some(key) = intake.idempotency_key.as_deref() else {
        return Err(error);
    };
    let seen: Option<(String, String)> = idempotency_keys::table
        .filter(idempotency_keys::idempotency_key.eq(key))
        .select((idempotency_keys::request_hash, idempotency_keys::case_no))
        .first(conn)
        .optional()?;
    let Some((hash, case_no)) = seen else {
        return Err(error);
    };
    if hash != intake.request_hash {
        return Err(StoreError::IdempotencyConflict { case_no });
    }
    let case =
        get_case(conn, &case_no)?.ok_or_else(|| StoreError::NotFound(format!("case {case_no}")))?;
    Ok(IntakeOutcome::Repeated(case))
}

/// How many cases `owner` filed since `since` (unix ms), and whether `key` is an idempotency
/// key already stored (a repeat, which a quota must not refuse).
pub fn filed_since(
    conn: &mut DbConnection,
    owner: &str,
    since: i64,
    key: &str,
) -> Result<(i64, bool), StoreError> {
    let filed: i64 = cases::table
        .filter(cases::owner.eq(owner))
        .filter(cases::received_at.ge(since))
        .count()
        .get_result(conn)?;
    let seen: i64 = idempotency_keys::table
        .filter(idempotency_keys::idempotency_key.eq(key))
        .count()
        .get_result(conn)?;
    Ok((filed, seen > 0))
}

/// Applies a change if the stored version is `expected_version`; returns the stored row.
/// A stale version is `StaleVersion { current }` and an unknown case `NotFound`; in both
/// cases nothing is written.
pub fn apply_change(
    conn: &mut DbConnection,
    change: &CaseChange,
) -> Result<CaseRecord, StoreError> {
    let c = &change.case;
    let new_version = change.expected_version + 1;
    let updated = update_many(conn, std::slice::from_ref(change))?;
    if updated == 0 {
        let current: Option<i64> = cases::table
            .filter(cases::case_no.eq(&c.case_no))
            .select(cases::version)
            .first(conn)
            .optional()?;
        return Err(match current {
            Some(current) => StoreError::StaleVersion { current },
            None => StoreError::NotFound(format!("case {}", c.case_no)),
        });
    }
    write_side_effects(
        conn,
        &c.case_no,
        new_version,
        &change.event,
        &change.audit,
        &change.outbox,
        &change.stage_tasks,
    )?;
    get_case(conn, &c.case_no)?.ok_or_else(|| StoreError::NotFound(format!("case {}", c.case_no)))
}

/// [`apply_change`] for many cases in one go, for the calendar's re-projection, whose changes
/// move only due dates. The changes are applied in order up to the first whose stored
/// version is not its `expected_version` (changed by an action meanwhile, or gone); answers how many were applied. Those are
/// written with multi-row statements (one UPDATE, then the events, audit records, messages
/// and stage tasks of all); the rest are not written at all.
///
/// The versions are read first and, on PostgreSQL, the rows locked (`FOR UPDATE`, in
/// case-number order), so that no action can slip in between the check and the UPDATE;
/// on SQLite the writer's transaction already excludes every other writer. Should the
/// UPDATE still match fewer rows than checked, the call fails and nothing is kept.
pub fn apply_due_changes(
    conn: &mut DbConnection,
    changes: &[CaseChange],
) -> Result<usize, StoreError> {
    if changes.is_empty() {
        return Ok(0);
    }
    let numbers: Vec<&str> = changes.iter().map(|c| c.case.case_no.as_str()).collect();
    let mut stored: std::collections::HashMap<String, i64> =
        std::collections::HashMap::with_capacity(changes.len());
    for chunk in numbers.chunks(crate::multi_row::MULTI_ROW_CHUNK) {
        let query = cases::table
            .filter(cases::case_no.eq_any(chunk))
            .order(cases::case_no.asc())
            .select((cases::case_no, cases::version));
        let rows: Vec<(String, i64)> = match conn {
            DbConnection::Pg(c) => query.for_update().load(c)?,
            DbConnection::Sqlite(c) => query.load(c)?,
        };
        stored.extend(rows);
    }
    let applied = changes
        .iter()
        .take_while(|c| stored.get(&c.case.case_no) == Some(&c.expected_version))
        .count();
    let changes = &changes[..applied];
    if changes.is_empty() {
        return Ok(0);
    }
    let updated = update_many(conn, changes)?;
    if updated != changes.len() {
        return Err(StoreError::StaleVersion { current: -1 });
    }
    let events: Vec<(&str, i64, &NewEvent)> = changes
        .iter()
        .map(|c| (c.case.case_no.as_str(), c.expected_version + 1, &c.event))
        .collect();
    events::append_many(conn, &events)?;
    let records: Vec<&NewAudit> = changes.iter().map(|c| &c.audit).collect();
    audit::append_many(conn, &records)?;
    let messages: Vec<NewOutbox> = changes
        .iter()
        .flat_map(|c| c.outbox.iter().cloned())
        .collect();
    outbox::enqueue_many(conn, &messages)?;
    let tasks: Vec<StageTaskRecord> = changes
        .iter()
        .flat_map(|c| {
            c.stage_tasks.iter().map(|t| StageTaskRecord {
                case_no: c.case.case_no.clone(),
                ..t.clone()
            })
        })
        .collect();
    stages::upsert_many(conn, &tasks)?;
    Ok(applied)
}

/// The UPDATEs of [`apply_change`] and [`apply_due_changes`], each at its expected version;
/// answers the rows updated. One `WITH v AS (VALUES …) UPDATE … FROM v` per 500 cases on both backends: diesel
/// prepares every UPDATE afresh (it never caches one), so a statement per case spent most of
/// a batch in SQLite's parser.
fn update_many(conn: &mut DbConnection, changes: &[CaseChange]) -> Result<usize, StoreError> {
    const COLUMNS: usize = 16;
    let mut updated = 0;
    for chunk in changes.chunks(crate::multi_row::MULTI_ROW_CHUNK) {
        let sql = format!(
            "WITH v(case_no, expected, query_code, item_code, item_version, department, \
             window_code, owner, status, received_at, acceptance_due, promised_due, legal_due, \
             next_check_at, data, updated_at) AS (VALUES {}) \
             UPDATE cases SET query_code = v.query_code, item_code = v.item_code, \
             item_version = v.item_version, department = v.department, \
             window_code = v.window_code, owner = v.owner, status = v.status, \
             version = v.expected + 1, received_at = v.received_at, \
             acceptance_due = v.acceptance_due, promised_due = v.promised_due, \
             legal_due = v.legal_due, next_check_at = v.next_check_at, data = v.data, \
             updated_at = v.updated_at \
             FROM v WHERE cases.case_no = v.case_no AND cases.version = v.expected",
            crate::multi_row::placeholders(conn, chunk.len(), COLUMNS)
        );
        macro_rules! bind_rows {
            ($c:expr, $backend:ty) => {{
                use diesel::sql_types::{BigInt, Nullable, Text};
                let mut query = diesel::sql_query(sql).into_boxed::<$backend>();
                for change in chunk {
                    let c = &change.case;
                    query = query
                        .bind::<Text, _>(c.case_no.as_str())
                        .bind::<BigInt, _>(change.expected_version)
                        .bind::<Text, _>(c.query_code.as_str())
                        .bind::<Text, _>(c.item_code.as_str())
                        .bind::<BigInt, _>(c.item_version)
                        .bind::<Text, _>(c.department.as_str())
                        .bind::<Nullable<Text>, _>(c.window_code.as_deref())
                        .bind::<Nullable<Text>, _>(c.owner.as_deref())
                        .bind::<Text, _>(c.status)
                        .bind::<BigInt, _>(c.received_at)
                        .bind::<Nullable<BigInt>, _>(c.acceptance_due)
                        .bind::<Nullable<BigInt>, _>(c.promised_due)
                        .bind::<Nullable<BigInt>, _>(c.legal_due)
                        .bind::<Nullable<BigInt>, _>(c.next_check_at)
                        .bind::<Text, _>(c.data.as_str())
                        .bind::<BigInt, _>(c.updated_at);
                }
                query.execute($c)?
            }};
        }
        updated += match conn {
            DbConnection::Pg(c) => bind_rows!(c, diesel::pg::Pg),
            DbConnection::Sqlite(c) => bind_rows!(c, diesel::sqlite::Sqlite),
        };
    }
    Ok(updated)
}

fn write_side_effects(
    conn: &mut DbConnection,
    case_no: &str,
    version: i64,
    event: &NewEvent,
    audit_record: &NewAudit,
    messages: &[NewOutbox],
    tasks: &[StageTaskRecord],
) -> Result<(), StoreError> {
    events::append(conn, case_no, version, event)?;
    audit::append(conn, audit_record)?;
    outbox::enqueue(conn, messages)?;
    let tasks: Vec<StageTaskRecord> = tasks
        .iter()
        .map(|t| StageTaskRecord {
            case_no: case_no.to_owned(),
            ..t.clone()
        })
        .collect();
    stages::upsert_many(conn, &tasks)
}

/// Sets only `next_check_at` (the sweep's bookkeeping after it raised the alerts due).
/// This is not a case change: no version bump, no event.
pub fn set_next_check(
    conn: &mut DbConnection,
    case_no: &str,
    next_check_at: Option<i64>,
) -> Result<(), StoreError> {
    diesel::update(cases::table.filter(cases::case_no.eq(case_no)))
        .set(cases::next_check_at.eq(next_check_at))
        .execute(conn)?;
    Ok(())
}

/// Like [`set_next_check`], but only while the case is still at `version`: a sweep that read
/// the case before an action changed it must not overwrite the action's `next_check_at`.
/// Returns whether the row was updated.
pub fn set_next_check_at_version(
    conn: &mut DbConnection,
    case_no: &str,
    version: i64,
    next_check_at: Option<i64>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        cases::table
            .filter(cases::case_no.eq(case_no))
            .filter(cases::version.eq(version)),
    )
    .set(cases::next_check_at.eq(next_check_at))
    .execute(conn)?;
    Ok(n > 0)
}

/// [`set_next_check_at_version`] for many cases at once: `(case_no, version, next)`.
/// On PostgreSQL one UPDATE … FROM (VALUES …) per 1000 cases instead of a round trip each.
pub fn set_next_checks(
    conn: &mut DbConnection,
    checks: &[(String, i64, Option<i64>)],
) -> Result<(), StoreError> {
    match conn {
        DbConnection::Sqlite(_) => {
            for (case_no, version, next) in checks {
                set_next_check_at_version(conn, case_no, *version, *next)?;
            }
        }
        DbConnection::Pg(_) => {
            for chunk in checks.chunks(1000) {
                let values: Vec<String> = chunk
                    .iter()
                    .map(|(no, version, next)| {
                        let next = next.map_or_else(|| "NULL".to_owned(), |n| n.to_string());
                        format!(
                            "('{}', {version}::bigint, {next}::bigint)",
                            no.replace('\'', "''")
                        )
                    })
                    .collect();
                conn.batch_execute(&format!(
                    "UPDATE cases AS c SET next_check_at = v.next \
                     FROM (VALUES {}) AS v(case_no, version, next) \
                     WHERE c.case_no = v.case_no AND c.version = v.version",
                    values.join(", ")
                ))?;
            }
        }
    }
    Ok(())
}

/// One case by number.
pub fn get_case(conn: &mut DbConnection, case_no: &str) -> Result<Option<CaseRecord>, StoreError> {
    Ok(cases::table
        .filter(cases::case_no.eq(case_no))
        .select(CaseRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Compares a query code in time that does not depend on where the first difference is, so
/// the public query does not leak a code byte by byte.
pub fn query_code_matches(stored: &str, given: &str) -> bool {
    let (a, b) = (stored.as_bytes(), given.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A `LIKE` pattern matching any text that contains `text` literally (`%`, `_` and `\`
/// escaped with `\`).
fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn filtered<'a>(filter: &'a CaseFilter) -> cases::BoxedQuery<'a, MultiBackend> {
    let mut q = cases::table.into_boxed::<MultiBackend>();
    if !filter.statuses.is_empty() {
        q = q.filter(cases::status.eq_any(&filter.statuses));
    }
    if let Some(d) = &filter.department {
        q = q.filter(cases::department.eq(d));
    }
    if let Some(w) = &filter.window_code {
        q = q.filter(cases::window_code.eq(w));
    }
    if let Some(o) = &filter.owner {
        q = q.filter(cases::owner.eq(o));
    }
    if let Some(w) = &filter.at_window {
        q = q.filter(
            cases::window_code
                .eq(&w.window)
                .or(cases::department.eq_any(&w.departments))
                .or(cases::item_code.eq_any(&w.items)),
        );
    }
    if let Some(d) = &filter.in_department {
        let staged = stage_tasks::table
            .filter(stage_tasks::department.eq(d))
            .select(stage_tasks::case_no);
        q = q.filter(cases::department.eq(d).or(cases::case_no.eq_any(staged)));
    }
    if let Some(text) = &filter.search {
        q = q.filter(
            cases::case_no
                .eq(text)
                .or(cases::applicant_id_number.eq(text.to_uppercase()))
                .or(cases::applicant_phone.eq(text))
                .or(cases::applicant_name
                    .like(contains_pattern(text))
                    .escape('\\')),
        );
    }
    if let Some(id) = &filter.applicant_id_number {
        q = q.filter(cases::applicant_id_number.eq(id));
    }
    if let Some(level) = &filter.alert_level {
        let alerted = alerts::table
            .filter(alerts::level.eq(level))
            .filter(alerts::status.ne(crate::typed::StoredAlertStatus(
                tongban_core::supervision::lifecycle::AlertStatus::Resolved,
            )))
            .filter(alerts::case_no.is_not_null())
            .select(alerts::case_no.assume_not_null());
        q = q.filter(cases::case_no.eq_any(alerted));
    }
    q
}

/// A page of the work queue, oldest receipt first (newest first when the filter says so),
/// and the total matching.
pub fn list_cases(
    conn: &mut DbConnection,
    filter: &CaseFilter,
    page: Page,
) -> Result<(Vec<CaseRecord>, i64), StoreError> {
    let per_page = page.per_page.max(1);
    let offset = (page.page.max(1) - 1) * per_page;
    let total: i64 = filtered(filter).count().get_result(conn)?;
    let ordered = if filter.newest_first {
        filtered(filter).order((cases::received_at.desc(), cases::case_no.desc()))
    } else {
        filtered(filter).order((cases::received_at.asc(), cases::case_no.asc()))
    };
    let rows = ordered
        .limit(per_page)
        .offset(offset)
        .select(CaseRecord::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Cases whose supervision state changes at or before `now`, earliest first. Uses the partial
/// index on `next_check_at`, so the cost follows the number of cases due, not of open cases.
pub fn due_cases(
    conn: &mut DbConnection,
    now: i64,
    limit: i64,
) -> Result<Vec<CaseRecord>, StoreError> {
    Ok(cases::table
        .filter(cases::next_check_at.is_not_null())
        .filter(cases::next_check_at.le(now))
        .order(cases::next_check_at.asc())
        .limit(limit)
        .select(CaseRecord::as_select())
        .load(conn)?)
}
