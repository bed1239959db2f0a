//! A case as the store's row: the indexed columns, including `next_check_at`, the instant its
//! supervision state next changes.

use chrono::{DateTime, Utc};
use tongban_core::calendar::Calendar;
use tongban_core::case::Case;
use tongban_core::clock::HallTime;
use tongban_core::item::Item;
use tongban_core::supervision::next_check_at;
use tongban_store::CaseRecord;

/// The row of `case`, with `next_check_at` computed from its due dates as of `now`.
pub fn case_record(
    case: &Case,
    item: &Item,
    calendar: &Calendar,
    hall: HallTime,
    now: DateTime<Utc>,
) -> CaseRecord {
    let decision = case.clocks.decision.as_ref();
    CaseRecord {
        case_no: case.case_no.clone(),
        query_code: case.query_code.clone(),
        item_code: case.item_code.clone(),
        item_version: i64::from(case.item_version),
        department: case.department.clone(),
        window_code: case.window.clone(),
        owner: case.owner.clone(),
        status: case.status.as_str().to_owned(),
        version: i64::try_from(case.version).unwrap_or(i64::MAX),
        received_at: ms(case.received_at),
        acceptance_due: case
            .status
            .awaits_acceptance()
            .then(|| ms(case.clocks.acceptance.due.deadline)),
        promised_due: decision.map(|d| ms(d.promised_due.deadline)),
        legal_due: decision.map(|d| ms(d.legal_due.deadline)),
        next_check_at: next_check_at(case, item, calendar, hall, now).map(ms),
        data: serde_json::to_string(case).unwrap_or_default(),
        created_at: ms(case.received_at),
        updated_at: ms(case.updated_at),
    }
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}
