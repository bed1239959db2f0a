//! The baseline for `tongban bench calendar`: the rows a re-projection writes for bench cases
//! (see [`crate::baseline::bulk_open_cases`]), written by a plain SQL client with set-based
//! statements that move no data over the wire and do no domain work: each case rewritten
//! with its due dates a day later, one event, one audit record, one notice and its stage rows,
//! one durable transaction per batch. No client can write the same rows faster, so the bench
//! reports the use case's time as a ratio of this. Not used by the service.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::{audit_log, case_events, outbox, stage_tasks};

/// What one moved case's rows hold, read off a real re-projection so that the baseline
/// writes rows of the same size.
#[derive(Debug, Clone)]
pub struct MoveSample {
    pub event_data: String,
    pub audit_actor: String,
    pub audit_action: String,
    pub audit_detail: String,
    pub notice_recipient: String,
    pub notice_subject: String,
    pub notice_body: String,
    /// `(stage, department, status)` of each stage row written per case.
    pub stages: Vec<(String, String, String)>,
}

/// The sample of the re-projection stored in `conn` (its last `reprojected` event, the
/// audit record and notice of that case, and the case's stage rows).
pub fn move_sample(conn: &mut DbConnection) -> Result<MoveSample, StoreError> {
    let (case_no, event_data): (String, String) = case_events::table
        .filter(case_events::kind.eq("reprojected"))
        .order(case_events::id.desc())
        .select((case_events::case_no, case_events::data))
        .first(conn)?;
    let (audit_actor, audit_action, audit_detail): (String, String, String) = audit_log::table
        .filter(audit_log::subject.like(format!("%{case_no}%")))
        .order(audit_log::seq.desc())
        .select((audit_log::actor, audit_log::action, audit_log::detail))
        .first(conn)?;
    let (notice_recipient, notice_subject, notice_body): (String, String, String) = outbox::table
        .order(outbox::id.desc())
        .select((outbox::recipient, outbox::subject, outbox::body))
        .first(conn)?;
    let stages = stage_tasks::table
        .filter(stage_tasks::case_no.eq(&case_no))
        .select((
            stage_tasks::stage,
            stage_tasks::department,
            stage_tasks::status,
        ))
        .load(conn)?;
    Ok(MoveSample {
        event_data,
        audit_actor,
        audit_action,
        audit_detail,
        notice_recipient,
        notice_subject,
        notice_body,
        stages,
    })
}

/// Writes the moves of bench cases `from..to` in one transaction.
pub fn plain_moves(
    conn: &mut DbConnection,
    sample: &MoveSample,
    from: u64,
    to: u64,
    at: i64,
) -> Result<(), StoreError> {
    let q = crate::baseline::sql_text;
    let number = |i: u64| q(&format!("B{i:09}"));
    let range = format!(
        "case_no BETWEEN {} AND {}",
        number(from),
        number(to.saturating_sub(1))
    );
    let day = 86_400_000;
    let hash = q(&"0".repeat(64));
    let mut sql = format!(
        "UPDATE cases SET promised_due = promised_due + {day}, legal_due = legal_due + {day}, \
         next_check_at = next_check_at + {day}, version = version + 1, data = data, \
         updated_at = {at} WHERE {range};\n\
         INSERT INTO case_events (case_no, seq, at, kind, actor, window_code, grant_id, data) \
         SELECT case_no, version, {at}, 'reprojected', 'system', NULL, NULL, {event} \
         FROM cases WHERE {range};\n\
         INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash) \
         SELECT (SELECT COALESCE(MAX(seq), 0) FROM audit_log) + ROW_NUMBER() OVER (ORDER BY case_no), {at}, {actor}, \
         {action}, case_no, {detail}, {hash}, {hash} FROM cases WHERE {range};\n\
         INSERT INTO outbox (kind, recipient, subject, body, created_at, attempts, \
         next_attempt_at) SELECT 'email', {recipient}, {subject}, {body}, {at}, 0, {at} \
         FROM cases WHERE {range};\n",
        event = q(&sample.event_data),
        actor = q(&sample.audit_actor),
        action = q(&sample.audit_action),
        detail = q(&sample.audit_detail),
        recipient = q(&sample.notice_recipient),
        subject = q(&sample.notice_subject),
        body = q(&sample.notice_body),
    );
    for (stage, department, status) in &sample.stages {
        sql.push_str(&format!(
            "INSERT INTO stage_tasks (case_no, stage, department, status, due, next_check_at, \
             updated_at) SELECT case_no, {stage}, {department}, {status}, legal_due, \
             next_check_at, {at} FROM cases WHERE {range} \
             ON CONFLICT (case_no, stage) DO UPDATE SET due = excluded.due, \
             next_check_at = excluded.next_check_at, updated_at = excluded.updated_at;\n",
            stage = q(stage),
            department = q(department),
            status = q(status),
        ));
    }
    conn.transaction::<(), StoreError, _>(|conn| Ok(conn.batch_execute(&sql)?))
}
