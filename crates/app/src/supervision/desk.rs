//! The supervisor's desk (电子监察工作台): the alerts grouped by case (one row per case, its
//! highest open level, a red listed without the yellow it supersedes, stage names instead of
//! codes, and where its urging orders stand), and the dashboard: open alerts by level,
//! department and window, how long the reds have lasted, the trend of alerts raised per day,
//! and the urging orders whose reply is overdue.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use tongban_core::supervision::desk::{highest_open, listed, Listed, Reply};
use tongban_core::supervision::AlertLevel;
use tongban_store::alerts::{self, AlertRecord};
use tongban_store::urging_orders::{self, UrgingOrderRecord};
use tongban_store::{cases, CaseRecord, Page as StorePage};

use super::alerts::{alert_filter, Alert, AlertQuery};
use super::urging::UrgingOrder;
use crate::app::Config;
use crate::error::AppResult;
use crate::records::from_millis;
use crate::App;

/// One case on the desk.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseAlerts {
    /// `None`: the alerts about no case (a complaint about a window).
    pub case_no: Option<String>,
    pub item_code: Option<String>,
    pub item_name: Option<String>,
    pub department: Option<String>,
    /// The window the case was taken at.
    pub window: Option<String>,
    /// The highest level among its alerts not closed; `None` when all are closed.
    pub level: Option<AlertLevel>,
    /// The alerts listed, reds first, the case's own before its stages', newest first (a
    /// yellow superseded by its red is not listed).
    pub alerts: Vec<Alert>,
    /// How many yellows are not listed because their red was raised.
    pub superseded: usize,
    /// The newest alert's time.
    pub latest: DateTime<Utc>,
    /// The urging order that matters most: one overdue, else one awaited, else the last.
    pub urging: Option<UrgingOrder>,
}

/// A page of cases and how many cases in all.
#[derive(Debug, Clone)]
pub struct CasesPage {
    pub rows: Vec<CaseAlerts>,
    pub total: u64,
}

fn listed_of(a: &AlertRecord) -> Listed<'_> {
    Listed {
        scope: &a.scope,
        rule: a.rule.0.as_str(),
        level: a.level.0,
        closed: a.status.0.is_closed(),
    }
}

/// The stage's name in the case's item version; the code when the item does not name it.
pub(crate) fn stage_name(config: &Config, case: Option<&CaseRecord>, stage: &str) -> String {
    case.and_then(|c| {
        let version = u32::try_from(c.item_version).ok()?;
        config
            .catalogue
            .item_version(&c.item_code, version)?
            .stages
            .iter()
            .find(|s| s.code == stage)
            .map(|s| s.name.clone())
    })
    .unwrap_or_else(|| stage.to_owned())
}

/// Which order of a case to show: overdue first, then awaited, then the newest.
fn weight(o: &UrgingOrder) -> (u8, i64) {
    let rank = match o.state {
        Reply::Overdue => 3,
        Reply::Awaited => 2,
        Reply::AnsweredLate | Reply::Answered => 1,
    };
    (rank, o.id)
}

fn group(
    config: &Config,
    app: &App,
    case_no: Option<String>,
    records: Vec<AlertRecord>,
    case: Option<&CaseRecord>,
    orders: &[UrgingOrderRecord],
) -> CaseAlerts {
    let keys: Vec<Listed> = records.iter().map(listed_of).collect();
    let shown = listed(&keys);
    let level = highest_open(&keys);
    let superseded = shown.iter().filter(|s| !**s).count();
    let latest = records.iter().map(|a| a.raised_at).max().unwrap_or(0);
    let now = app.clock.now();
    let urging = orders
        .iter()
        .filter(|o| records.iter().any(|a| a.id == o.alert_id))
        .map(|o| UrgingOrder::of(o.clone(), app.hall, now))
        .max_by_key(weight);
    let mut alerts: Vec<Alert> = records
        .iter()
        .zip(shown)
        .filter(|(_, s)| *s)
        .map(|(r, _)| {
            let mut a = Alert::from(r);
            a.stage_name = r.stage.as_deref().map(|s| stage_name(config, case, s));
            a
        })
        .collect();
    // Reds first, the case's own before its stages', newest first within each.
    alerts.sort_by_key(|a| {
        (
            std::cmp::Reverse(a.level == "red"),
            a.stage.is_some(),
            std::cmp::Reverse(a.id),
        )
    });
    let item = case.and_then(|c| config.catalogue.item(&c.item_code));
    CaseAlerts {
        department: case
            .map(|c| c.department.clone())
            .or_else(|| records.iter().find_map(|a| a.department.clone())),
        window: case.and_then(|c| c.window_code.clone()),
        item_code: case.map(|c| c.item_code.clone()),
        item_name: item.map(|i| i.name.clone()),
        case_no,
        level,
        alerts,
        superseded,
        latest: from_millis(latest),
        urging,
    }
}

/// The cases with alerts matching the query (filtered like the alert list), the case with
/// the newest alert first.
pub async fn by_case(app: &App, query: &AlertQuery) -> AppResult<CasesPage> {
    let filter = alert_filter(query)?;
    let page = StorePage {
        page: i64::from(query.page),
        per_page: i64::from(query.per_page),
    };
    let (order, records, found, orders, total) = app
        .store
        .read(move |conn| {
            let (order, total) = alerts::cases_page(conn, &filter, page)?;
            let records = alerts::of_cases(conn, &filter, &order)?;
            let mut found = HashMap::new();
            for no in order.iter().flatten() {
                if let Some(c) = cases::get_case(conn, no)? {
                    found.insert(no.clone(), c);
                }
            }
            let ids: Vec<i64> = records.iter().map(|a| a.id).collect();
            let orders = urging_orders::of_alerts(conn, &ids)?;
            Ok((order, records, found, orders, total))
        })
        .await?;
    let config = app.config().await?;
    let mut by_case: HashMap<Option<String>, Vec<AlertRecord>> = HashMap::new();
    for r in records {
        by_case.entry(r.case_no.clone()).or_default().push(r);
    }
    let rows = order
        .into_iter()
        .map(|no| {
            let records = by_case.remove(&no).unwrap_or_default();
            let case = no.as_ref().and_then(|n| found.get(n));
            group(&config, app, no, records, case, &orders)
        })
        .collect();
    Ok(CasesPage {
        rows,
        total: u64::try_from(total).unwrap_or(0),
    })
}

/// Open alerts of one department or window, by level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// The department's or window's code; `None`: none (an online case, no department).
    pub key: Option<String>,
    pub yellow: u64,
    pub red: u64,
}

/// Alerts raised on one day (hall's local date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    pub date: NaiveDate,
    pub yellow: u64,
    pub red: u64,
}

/// How long open reds have lasted, in natural days since they were raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lasting {
    /// The first and last day of the band; `None` for the open-ended last one.
    pub from: i64,
    pub to: Option<i64>,
    pub reds: u64,
}

/// The dashboard of the supervision office.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub at: DateTime<Utc>,
    /// Open alerts (not closed) as the desk lists them: a yellow whose red was raised is
    /// counted once, as the red.
    pub yellow: u64,
    pub red: u64,
    pub by_department: Vec<Tally>,
    pub by_window: Vec<Tally>,
    pub lasting: Vec<Lasting>,
    /// One entry a day, oldest first, the last being today.
    pub trend: Vec<DayCount>,
    /// Urging orders whose reply is overdue, soonest due first.
    pub urging_overdue: Vec<UrgingOrder>,
    /// Urging orders awaiting a reply within their time.
    pub urging_awaited: u64,
}

/// Days of the trend, today included.
pub const TREND_DAYS: i64 = 28;
/// Bands of how long reds have lasted (days since raised).
const BANDS: [(i64, Option<i64>); 4] = [(0, Some(2)), (3, Some(5)), (6, Some(10)), (11, None)];

fn count(tallies: &mut BTreeMap<Option<String>, Tally>, key: Option<String>, level: AlertLevel) {
    let t = tallies.entry(key.clone()).or_insert_with(|| Tally {
        key,
        ..Tally::default()
    });
    match level {
        AlertLevel::Yellow => t.yellow += 1,
        AlertLevel::Red => t.red += 1,
    }
}

/// The dashboard now.
pub async fn dashboard(app: &App) -> AppResult<Dashboard> {
    let now = app.clock.now();
    let hall = app.hall;
    let today = hall.local_date(now);
    let first = today - chrono::Duration::days(TREND_DAYS - 1);
    let from = crate::records::millis(hall.start_of_day(first));
    let (open, raised, unanswered) = app
        .store
        .read(move |conn| {
            Ok((
                alerts::not_closed_with_window(conn)?,
                alerts::raised_since(conn, from)?,
                urging_orders::unanswered(conn, None, 10_000)?,
            ))
        })
        .await?;
    let mut by_case: BTreeMap<Option<String>, Vec<(AlertRecord, Option<String>)>> = BTreeMap::new();
    for (a, window) in open {
        by_case
            .entry(a.case_no.clone())
            .or_default()
            .push((a, window));
    }
    let (mut yellow, mut red) = (0, 0);
    let mut departments = BTreeMap::new();
    let mut windows = BTreeMap::new();
    let mut lasting: Vec<Lasting> = BANDS
        .iter()
        .map(|(from, to)| Lasting {
            from: *from,
            to: *to,
            reds: 0,
        })
        .collect();
    for rows in by_case.values() {
        let keys: Vec<Listed> = rows.iter().map(|(a, _)| listed_of(a)).collect();
        for ((a, window), shown) in rows.iter().zip(listed(&keys)) {
            if !shown {
                continue;
            }
            let level = a.level.0;
            match level {
                AlertLevel::Yellow => yellow += 1,
                AlertLevel::Red => {
                    red += 1;
                    let days = (today - hall.local_date(from_millis(a.raised_at))).num_days();
                    if let Some(band) = lasting
                        .iter_mut()
                        .find(|b| days >= b.from && b.to.is_none_or(|to| days <= to))
                    {
                        band.reds += 1;
                    }
                }
            }
            count(&mut departments, a.department.clone(), level);
            count(&mut windows, window.clone(), level);
        }
    }
    let mut trend: Vec<DayCount> = (0..TREND_DAYS)
        .map(|d| DayCount {
            date: first + chrono::Duration::days(d),
            yellow: 0,
            red: 0,
        })
        .collect();
    for (at, level) in raised {
        let day = (hall.local_date(from_millis(at)) - first).num_days();
        if let Some(entry) = usize::try_from(day).ok().and_then(|d| trend.get_mut(d)) {
            match level.0 {
                AlertLevel::Yellow => entry.yellow += 1,
                AlertLevel::Red => entry.red += 1,
            }
        }
    }
    let orders: Vec<UrgingOrder> = unanswered
        .into_iter()
        .map(|r| UrgingOrder::of(r, hall, now))
        .collect();
    let urging_awaited = orders.iter().filter(|o| o.state == Reply::Awaited).count();
    Ok(Dashboard {
        at: now,
        yellow,
        red,
        by_department: departments.into_values().collect(),
        by_window: windows.into_values().collect(),
        lasting,
        trend,
        urging_overdue: orders
            .into_iter()
            .filter(|o| o.state == Reply::Overdue)
            .collect(),
        urging_awaited: u64::try_from(urging_awaited).unwrap_or(0),
    })
}
