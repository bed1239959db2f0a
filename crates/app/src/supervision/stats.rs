//! Statistics for the supervision office (统计): the cases received in a period counted per
//! department, window or item (what each column counts is the core's
//! [`tongban_core::supervision::stats`]), with names from the catalogue, as rows or as CSV.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use tongban_core::case::Case;
use tongban_core::supervision::stats::{
    self, overdue_series, Bucket, CaseFacts, GroupBy, StatsRow, Tally, ONLINE,
};
use tongban_store::stats as stats_store;

use super::alerts::bad_query;
use crate::error::{AppResult, Error};
use crate::records::millis;
use crate::App;

/// Longest period the statistics count at once: the cases are read and counted in memory.
pub const MAX_PERIOD_DAYS: i64 = 731;

/// What the statistics are asked for, as entered: empty values take their defaults.
#[derive(Debug, Clone, Default)]
pub struct StatsQuery {
    /// `department` (default), `window` or `item`.
    pub group_by: Option<String>,
    /// First day (hall's date, `YYYY-MM-DD`); default the first day of the month of `to`.
    pub from: Option<String>,
    /// Last day, included; default today.
    pub to: Option<String>,
}

/// The grouping and the period, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsAsked {
    pub group_by: GroupBy,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn parse_day(field: &str, value: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        bad_query(
            field,
            format!("{field} 应为日期 YYYY-MM-DD。"),
            format!("`{field}` must be a date, YYYY-MM-DD."),
        )
    })
}

impl StatsQuery {
    /// The grouping and period asked for (`today`: the hall's date now), checked.
    pub fn check(&self, today: NaiveDate) -> AppResult<StatsAsked> {
        let group_by = match self.group_by.as_deref().filter(|s| !s.is_empty()) {
            None => GroupBy::Department,
            Some(g) => GroupBy::parse(g).ok_or_else(|| {
                bad_query(
                    "group_by",
                    "group_by 只能是 department、window 或 item。".into(),
                    "`group_by` is `department`, `window` or `item`.".into(),
                )
            })?,
        };
        let to = match self.to.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => parse_day("to", s)?,
            None => today,
        };
        let from = match self.from.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => parse_day("from", s)?,
            None => to.with_day(1).unwrap_or(to),
        };
        if from > to {
            return Err(bad_query(
                "from",
                "from 不能晚于 to。".into(),
                "`from` must not be after `to`.".into(),
            ));
        }
        if (to - from).num_days() >= MAX_PERIOD_DAYS {
            return Err(bad_query(
                "to",
                format!("统计期间最长 {MAX_PERIOD_DAYS} 天。"),
                format!("The period is at most {MAX_PERIOD_DAYS} days."),
            ));
        }
        Ok(StatsAsked { group_by, from, to })
    }
}

/// The statistics of one grouping over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsReport {
    pub group_by: GroupBy,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// When counted: the open cases' lateness is as of this instant.
    pub generated_at: DateTime<Utc>,
    /// One row per department, window or item of the catalogue, and any other that had cases.
    pub rows: Vec<StatsRow>,
    /// The sum of all rows (`key` = `total`).
    pub total: StatsRow,
}

impl StatsReport {
    /// The report as CSV text (a header row of stable column names, one row per group, the
    /// total last, named in the reader's language) and the file name to offer it under.
    pub fn csv(&self, total_name: &str) -> AppResult<(String, String)> {
        let total = StatsRow {
            name: total_name.to_owned(),
            ..self.total.clone()
        };
        let text = super::export::to_csv(self.group_by, &self.rows, &total).map_err(|e| {
            tracing::error!(error = %e, "statistics CSV");
            Error::internal()
        })?;
        let name = format!(
            "tongban-stats-{}-{}-{}.csv",
            self.group_by.as_str(),
            self.from,
            self.to
        );
        Ok((text, name))
    }
}

/// What the statistics count: the facts of the cases received in a period and the scores
/// of their evaluations, as of `now`.
pub struct PeriodCases {
    pub asked: StatsAsked,
    pub now: DateTime<Utc>,
    facts: Vec<CaseFacts>,
    scores: HashMap<String, i64>,
}

/// Reads the cases received in the period asked for (checked against the hall's date now).
pub async fn read_period(app: &App, query: &StatsQuery) -> AppResult<PeriodCases> {
    let now = app.clock.now();
    let asked = query.check(app.hall.local_date(now))?;
    let hall = app.hall;
    let (start, end) = (
        millis(hall.start_of_day(asked.from)),
        millis(hall.end_of_day(asked.to)),
    );
    let (records, scores) = app
        .store
        .read(move |conn| {
            let records = stats_store::cases_received_between(conn, start, end)?;
            let scores: HashMap<String, i64> =
                stats_store::scores_of_cases_received_between(conn, start, end)?
                    .into_iter()
                    .collect();
            Ok((records, scores))
        })
        .await?;
    let facts = records
        .iter()
        .map(|r| {
            serde_json::from_str::<Case>(&r.data)
                .map(|c| CaseFacts::of(&c, hall))
                .map_err(|e| Error::corrupt(format!("case {}: {e}", r.case_no)))
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(PeriodCases {
        asked,
        now,
        facts,
        scores,
    })
}

impl PeriodCases {
    /// The overdue cases by the day or week they were received (see [`overdue_series`]).
    pub fn overdue_series(&self, bucket: Bucket) -> Vec<(NaiveDate, u64)> {
        overdue_series(
            &self.facts,
            self.asked.from,
            self.asked.to,
            bucket,
            self.now,
        )
    }
}

/// Rows for every group of the catalogue (zeros where nothing was received) and any other
/// group that had cases, by key, with names.
pub async fn report(app: &App, cases: &PeriodCases, group_by: GroupBy) -> AppResult<StatsReport> {
    let config = app.config().await?;
    let catalogue = &config.catalogue;
    let mut counted: BTreeMap<String, Tally> = stats::tally(
        &cases.facts,
        &cases.scores,
        group_by,
        &config.calendar(),
        app.hall,
        cases.now,
    );
    let known: Vec<String> = match group_by {
        GroupBy::Department => catalogue
            .departments
            .iter()
            .map(|d| d.code.clone())
            .collect(),
        GroupBy::Window => catalogue.windows.iter().map(|w| w.code.clone()).collect(),
        GroupBy::Item => catalogue.items().map(|i| i.code.clone()).collect(),
    };
    for key in known {
        counted.entry(key).or_default();
    }
    let name = |key: &str| -> String {
        let found = match group_by {
            GroupBy::Department => catalogue.department(key).map(|d| d.name.clone()),
            GroupBy::Window if key == ONLINE => Some("网上办事大厅".to_owned()),
            GroupBy::Window => catalogue.window(key).map(|w| w.name.clone()),
            GroupBy::Item => catalogue.item(key).map(|i| i.name.clone()),
        };
        found.unwrap_or_else(|| key.to_owned())
    };
    let total = stats::total(counted.values());
    Ok(StatsReport {
        group_by,
        from: cases.asked.from,
        to: cases.asked.to,
        generated_at: cases.now,
        rows: counted
            .iter()
            .map(|(key, t)| StatsRow::new(key.clone(), name(key), t))
            .collect(),
        total: StatsRow::new("total".into(), "合计".into(), &total),
    })
}

/// The statistics asked for: the period's cases read once, counted by the grouping asked.
pub async fn statistics(app: &App, query: &StatsQuery) -> AppResult<StatsReport> {
    let cases = read_period(app, query).await?;
    report(app, &cases, cases.asked.group_by).await
}
