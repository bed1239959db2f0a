//! The deadline sweep. Its cost follows the number of cases whose supervision state changes,
//! not the number of open cases: it reads only rows with `next_check_at <= now`.
//!
//! The catalogue is taken from the database's configuration at the start of each run, and
//! read again when a case names an item version it does not hold (published a moment ago by
//! another process). A case whose item version is still unknown is never dropped from
//! supervision: it is logged, counted as skipped and checked again at the next sweep.

use chrono::{DateTime, Utc};
use tongban_core::calendar::Calendar;
use tongban_core::case::{deem_accepted, Case};
use tongban_core::clock::HallTime;
use tongban_core::item::Item;
use tongban_core::supervision::{next_check_at, time_alerts, AlertKey, AlertLevel, AlertRule};
use tongban_store::alerts::NewAlert;
use tongban_store::{alerts, cases, evaluations, CaseRecord, NewAudit, Store, StoreError};

use crate::app::Config;
use crate::cases::commit::Commit;
use crate::cases::records::new_alert;
use crate::error::{AppResult, Error};
use crate::records::{millis, to_json};
use crate::App;

/// Cases read and written per transaction.
const BATCH: i64 = 1000;

/// Where the sweep finds the item version a case runs under.
pub trait ItemVersions {
    fn item_version(&self, code: &str, version: u32) -> Option<&Item>;

    /// Reads the catalogue again after a miss (another process may have published the
    /// version since); a fixed list has nothing to reread.
    fn refresh(&mut self) {}
}

/// A shared list cannot be reread: a miss stays a miss.
impl<T: ItemVersions + ?Sized> ItemVersions for &T {
    fn item_version(&self, code: &str, version: u32) -> Option<&Item> {
        (**self).item_version(code, version)
    }
}

impl ItemVersions for crate::catalogue_view::CatalogueView {
    fn item_version(&self, code: &str, version: u32) -> Option<&Item> {
        crate::catalogue_view::CatalogueView::item_version(self, code, version)
    }
}

/// The application's configuration as the sweep's catalogue: refreshed at the database's
/// revision on a miss.
struct Configured<'a> {
    app: &'a App,
    config: std::sync::Arc<Config>,
}

impl ItemVersions for Configured<'_> {
    fn item_version(&self, code: &str, version: u32) -> Option<&Item> {
        self.config.catalogue.item_version(code, version)
    }

    fn refresh(&mut self) {
        match self.app.config_blocking() {
            Ok(config) => self.config = config,
            Err(e) => tracing::error!(error = %e, "sweep cannot reread the configuration"),
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    /// Cases whose check was due.
    pub cases: usize,
    /// Alerts inserted by this sweep (already raised ones are not counted).
    pub raised: usize,
    /// Cases accepted by operation of law (art. 32) by this sweep.
    pub deemed: usize,
    /// Cases not checked because their item version is not in the catalogue even after
    /// reading it again; they stay due and are checked at the next sweep.
    pub skipped: usize,
}

/// One sweep, as its driver reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// The instant swept to (the application's clock).
    pub at: DateTime<Utc>,
    pub report: SweepReport,
}

enum Outcome {
    /// Checked: the alerts due and the next check (`None`: nothing more to watch).
    Checked {
        alerts: Vec<NewAlert>,
        next: Option<i64>,
    },
    /// Left due for the next sweep.
    Skipped,
    /// Accepted by operation of law (art. 32): written as its own transition.
    Deemed(Box<Commit>),
}

struct Checked {
    case_no: String,
    version: i64,
    outcome: Outcome,
}

fn check(
    record: &CaseRecord,
    items: &mut dyn ItemVersions,
    calendar: &Calendar,
    hall: HallTime,
    now: DateTime<Utc>,
) -> Checked {
    let checked = |outcome| Checked {
        case_no: record.case_no.clone(),
        version: record.version,
        outcome,
    };
    let case: Case = match serde_json::from_str(&record.data) {
        Ok(c) => c,
        Err(e) => {
            // A row the sweep cannot read would otherwise be read again every minute; it is
            // logged once and left out of the index until the case changes.
            tracing::error!(case_no = %record.case_no, error = %e, "sweep cannot read the case");
            return checked(Outcome::Checked {
                alerts: Vec::new(),
                next: None,
            });
        }
    };
    if items
        .item_version(&case.item_code, case.item_version)
        .is_none()
    {
        items.refresh();
    }
    let Some(item) = items.item_version(&case.item_code, case.item_version) else {
        tracing::error!(
            case_no = %record.case_no,
            item = %case.item_code,
            version = case.item_version,
            "sweep skips the case: its item version is not in the catalogue; it stays due"
        );
        return checked(Outcome::Skipped);
    };
    match deem_accepted(&case, item, now, calendar, hall) {
        Ok(Some(t)) => {
            let commit = Commit::new(&case, &t, item, calendar, hall, now, record.version);
            return checked(Outcome::Deemed(Box::new(commit)));
        }
        Ok(None) => {}
        // Only a calendar without the receipt year's successors fails here; the case is
        // still checked for its alerts and tried again at the next sweep.
        Err(e) => tracing::error!(case_no = %record.case_no, error = %e,
            "sweep cannot accept the case by operation of law"),
    }
    checked(Outcome::Checked {
        alerts: time_alerts(&case, item, calendar, hall, now)
            .iter()
            .map(|k| new_alert(&case, k, now))
            .collect(),
        next: next_check_at(&case, item, calendar, hall, now).map(millis),
    })
}

/// One sweep at `now` over `items`: every case due is checked, however many (in batches).
/// Safe to run from several processes at once: raising is idempotent, and `next_check_at` is
/// stored only if the case did not change in between (a changed case stores its own).
pub fn sweep(
    store: &Store,
    items: &mut dyn ItemVersions,
    calendar: &Calendar,
    hall: HallTime,
    now: DateTime<Utc>,
) -> Result<SweepReport, StoreError> {
    let now_ms = millis(now);
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
        let mut alerts = Vec::new();
        let mut checks = Vec::with_capacity(checked.len());
        let mut deemed = Vec::new();
        for c in checked {
            let next = match c.outcome {
                Outcome::Deemed(commit) => {
                    deemed.push(commit);
                    continue;
                }
                Outcome::Checked { alerts: a, next } => {
                    alerts.extend(a);
                    next
                }
                // Due again just after this run, so this run's next batch does not read it
                // again but the next sweep does.
                Outcome::Skipped => {
                    report.skipped += 1;
                    Some(now_ms + 1)
                }
            };
            checks.push((c.case_no, c.version, next));
        }
        report.raised += store.write_blocking(move |conn| {
            let raised = alerts::raise_many(conn, &alerts)?;
            cases::set_next_checks(conn, &checks)?;
            Ok(raised)
        })?;
        for commit in deemed {
            match store.write_blocking(move |conn| commit.write(conn)) {
                Ok(_) => report.deemed += 1,
                // Someone acted on the case meanwhile: their transition stored its own check.
                Err(StoreError::StaleVersion { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        if due.len() < BATCH as usize {
            break;
        }
    }
    report.raised += unanswered_bad_ratings(store, now)?;
    report.raised += unanswered_urgings(store, now)?;
    Ok(report)
}

/// Service rule: a bad rating (差评) not followed up by its due time raises a red alert on
/// its case, once.
fn unanswered_bad_ratings(store: &Store, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let now_ms = millis(now);
    let overdue = store.read_blocking(|c| {
        let rule = AlertRule::BadEvaluationUnanswered.as_str();
        let ratings = evaluations::follow_ups_overdue(c, now_ms, BATCH, rule)?;
        let mut found = Vec::with_capacity(ratings.len());
        for r in ratings {
            if let Some(case) = cases::get_case(c, &r.case_no)? {
                found.push(case);
            }
        }
        Ok(found)
    })?;
    raise_on(store, &overdue, AlertRule::BadEvaluationUnanswered, now)
}

/// Raises a red of `rule` on each of these stored cases (once per case: raised again, an
/// alert is the same row).
fn raise_on(
    store: &Store,
    cases: &[CaseRecord],
    rule: AlertRule,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let key = AlertKey::case(rule, AlertLevel::Red);
    let rows: Vec<_> = cases
        .iter()
        .filter_map(|r| match serde_json::from_str::<Case>(&r.data) {
            Ok(case) => Some(case),
            Err(e) => {
                tracing::error!(case_no = %r.case_no, error = %e, "sweep cannot read the case");
                None
            }
        })
        .map(|case| new_alert(&case, &key, now))
        .collect();
    if rows.is_empty() {
        return Ok(0);
    }
    store.write_blocking(move |c| alerts::raise_many(c, &rows))
}

/// A 督办单 not answered by its reply deadline escalates: a red alert on its case, once,
/// whichever process sweeps first (the alert's key is unique per case and rule).
fn unanswered_urgings(store: &Store, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let now_ms = millis(now);
    let cases = store.read_blocking(|c| {
        let rule = AlertRule::UrgingUnanswered.as_str();
        let orders = tongban_store::urging_orders::overdue_unanswered(c, now_ms, BATCH, rule)?;
        let mut found = Vec::with_capacity(orders.len());
        for no in orders.iter().filter_map(|o| o.case_no.as_deref()) {
            if let Some(case) = cases::get_case(c, no)? {
                found.push(case);
            }
        }
        Ok(found)
    })?;
    raise_on(store, &cases, AlertRule::UrgingUnanswered, now)
}

/// Runs one sweep now on the application's clock, with the configuration as the database
/// holds it (blocking: for the scheduler's and the CLI's threads).
pub fn run_blocking(app: &App) -> AppResult<Swept> {
    let at = app.clock.now();
    let config = app.config_blocking()?;
    let calendar = config.calendar();
    let mut items = Configured { app, config };
    let report = sweep(&app.store, &mut items, &calendar, app.hall, at)?;
    Ok(Swept { at, report })
}

/// [`run_blocking`] off the async runtime: the sweep the scheduler runs.
pub async fn run(app: &App) -> AppResult<Swept> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || run_blocking(&app))
        .await
        .map_err(|e| Error::corrupt(format!("sweep panicked: {e}")))?
}

/// 执行监察: an administrator runs the sweep now instead of waiting for the scheduler; the
/// same sweep, recorded in the audit log.
pub async fn run_on_demand(app: &App, actor: &str) -> AppResult<Swept> {
    let swept = run(app).await?;
    app.store
        .append_audit(NewAudit {
            at: millis(swept.at),
            actor: actor.to_owned(),
            action: "supervision.sweep".into(),
            subject: "supervision".into(),
            detail: to_json(&serde_json::json!({
                "cases": swept.report.cases,
                "raised": swept.report.raised,
            })),
        })
        .await?;
    Ok(swept)
}
