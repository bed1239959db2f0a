//! The statistics as the JSON route answers them (and their OpenAPI schemas), from the
//! application's report.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tongban_app::supervision::stats::StatsReport as Report;
use tongban_core::supervision::stats::StatsRow as Row;
use utoipa::ToSchema;

/// How the statistics are grouped.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Department,
    Window,
    Item,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsReport {
    pub group_by: GroupBy,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period (included).
    pub to: NaiveDate,
    /// When counted: the open cases' lateness is as of this instant.
    pub generated_at: DateTime<Utc>,
    /// One row per department, window or item of the catalogue, and any other that had cases.
    pub rows: Vec<StatsRow>,
    /// The sum of all rows (`key` = `total`).
    pub total: StatsRow,
}

/// One row of the statistics.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StatsRow {
    /// The department, window or item code (`online` for cases applied for online when
    /// grouping by window; `total` for the sum).
    pub key: String,
    /// Its name.
    pub name: String,
    /// Cases received in the period.
    pub received: u64,
    /// Of those, accepted (受理), including cases deemed accepted on receipt.
    pub accepted: u64,
    /// Not accepted (不予受理).
    pub refused: u64,
    /// Concluded (办结: the result was delivered).
    pub concluded: u64,
    /// Decided (approved or denied) by the promised deadline.
    pub on_time: u64,
    /// Of those, decided before the promised due date's day (提前办结).
    pub early: u64,
    /// Decided after the promised deadline, or still under review past it; a breach the
    /// decision recorded stays counted.
    pub overdue: u64,
    /// Decided after the legal deadline (art. 42), or still under review past it.
    pub overdue_legal: u64,
    /// Average working days from acceptance to decision, special procedures not counted.
    pub average_working_days: Option<f64>,
    /// Average evaluation score (1–5) of the cases evaluated.
    pub satisfaction: Option<f64>,
    /// How many cases were evaluated.
    pub evaluations: u64,
}

impl From<&Row> for StatsRow {
    fn from(r: &Row) -> Self {
        StatsRow {
            key: r.key.clone(),
            name: r.name.clone(),
            received: r.received,
            accepted: r.accepted,
            refused: r.refused,
            concluded: r.concluded,
            on_time: r.on_time,
            early: r.early,
            overdue: r.overdue,
            overdue_legal: r.overdue_legal,
            average_working_days: r.average_working_days,
            satisfaction: r.satisfaction,
            evaluations: r.evaluations,
        }
    }
}

impl From<&Report> for StatsReport {
    fn from(r: &Report) -> Self {
        use tongban_core::supervision::stats::GroupBy as G;
        StatsReport {
            group_by: match r.group_by {
                G::Department => GroupBy::Department,
                G::Window => GroupBy::Window,
                G::Item => GroupBy::Item,
            },
            from: r.from,
            to: r.to,
            generated_at: r.generated_at,
            rows: r.rows.iter().map(StatsRow::from).collect(),
            total: StatsRow::from(&r.total),
        }
    }
}
