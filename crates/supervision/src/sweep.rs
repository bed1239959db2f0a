//! The deadline sweep. Its cost follows the number of cases whose supervision state changes,
//! not the number of open cases: it reads only rows with `next_check_at <= now`.

use chrono::{DateTime, Utc};
use tongban_core::calendar::Calendar;
use tongban_core::case::Case;
use tongban_core::clock::HallTime;
use tongban_core::item::Item;
use tongban_core::supervision::{next_check_at, time_alerts, AlertKey, AlertLevel, AlertRule};
use tongban_store::{alerts, cases, evaluations, Store, StoreError};

use crate::alert::new_alert;

/// Cases read and written per transaction.
const BATCH: i64 = 1000;

/// Where the sweep finds the item version a case runs under.
pub trait ItemVersions {
    fn item_version(&self, code: &str, version: u32) -> Option<&Item>;
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    /// Cases whose check was due.
    pub cases: usize,
    /// Alerts inserted by this sweep (already raised ones are not counted).
    pub raised: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

struct Checked {
    case_no: String,
    version: i64,
    alerts: Vec<tongban_store::alerts::NewAlert>,
    next: Option<i64>,
}

fn check(
    record: &tongban_store::CaseRecord,
    items: &dyn ItemVersions,
    calendar: &Calendar,
    hall: HallTime,
    now: DateTime<Utc>,
) -> Checked {
    let unchecked = |why: &str| {
        // A row the sweep cannot read would otherwise be read again every minute; it is
        // logged once and left out of the index until the case changes.
        tracing::error!(case_no = %record.case_no, "sweep cannot check the case: {why}");
        Checked {
            case_no: record.case_no.clone(),
            version: record.version,
            alerts: Vec::new(),
            next: None,
        }
    };
    let case: Case = match serde_json::from_str(&record.data) {
        Ok(c) => c,
        Err(e) => return unchecked(&e.to_string()),
    };
    let Some(item) = items.item_version(&case.item_code, case.item_version) else {
        return unchecked("its item version is not in the catalogue");
    };
    Checked {
        case_no: record.case_no.clone(),
        version: record.version,
        alerts: time_alerts(&case, item, calendar, hall, now)
            .iter()
            .map(|k| new_alert(&case, k, now))
            .collect(),
        next: next_check_at(&case, item, calendar, hall, now).map(|t| t.timestamp_millis()),
    }
}

/// One sweep at `now`: every case due is checked, however many (in batches). Safe to run
/// from several processes at once: raising is idempotent, and `next_check_at` is stored only
/// if the case did not change in between (a changed case stores its own).
pub fn sweep(
    store: &Store,
    items: &dyn ItemVersions,
    calendar: &Calendar,
    hall: HallTime,
    now: DateTime<Utc>,
) -> Result<SweepReport, SweepError> {
    let now_ms = now.timestamp_millis();
    let mut report = SweepReport::default();
    loop {
        let due = store.read_blocking(|c| cases::due_cases(c, now_ms, BATCH))?;
        if due.is_empty() {
            break;
        }
        let checked: Vec<Checked> = due
            .iter()
            .map(|r| check(r, items, calendar, hall, now))
            .collect();
        report.cases += checked.len();
        let (alerts, checks): (Vec<_>, Vec<_>) = checked
            .into_iter()
            .map(|c| (c.alerts, (c.case_no, c.version, c.next)))
            .unzip();
        let alerts: Vec<_> = alerts.into_iter().flatten().collect();
        report.raised += store.write_blocking(move |conn| {
            let raised = alerts::raise_many(conn, &alerts)?;
            cases::set_next_checks(conn, &checks)?;
            Ok(raised)
        })?;
        if due.len() < BATCH as usize {
            break;
        }
    }
    report.raised += unanswered_bad_ratings(store, now)?;
    Ok(report)
}

/// Service rule: a bad rating (差评) not followed up by its due time raises a red alert on
/// its case, once.
fn unanswered_bad_ratings(store: &Store, now: DateTime<Utc>) -> Result<usize, SweepError> {
    let now_ms = now.timestamp_millis();
    let overdue = store.read_blocking(|c| {
        let ratings = evaluations::follow_ups_overdue(c, now_ms, BATCH)?;
        let mut found = Vec::with_capacity(ratings.len());
        for r in ratings {
            if let Some(case) = cases::get_case(c, &r.case_no)? {
                found.push(case);
            }
        }
        Ok(found)
    })?;
    let key = AlertKey::case(AlertRule::BadEvaluationUnanswered, AlertLevel::Red);
    let rows: Vec<_> = overdue
        .iter()
        .filter_map(|r| serde_json::from_str::<Case>(&r.data).ok())
        .map(|case| new_alert(&case, &key, now))
        .collect();
    if rows.is_empty() {
        return Ok(0);
    }
    Ok(store.write_blocking(move |c| alerts::raise_many(c, &rows))?)
}

impl ItemVersions for tongban_app::catalogue_view::CatalogueView {
    fn item_version(&self, code: &str, version: u32) -> Option<&Item> {
        tongban_app::catalogue_view::CatalogueView::item_version(self, code, version)
    }
}
