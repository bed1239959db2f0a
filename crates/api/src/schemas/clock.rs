//! `tongban_core::clock` and `tongban_core::calendar`: due dates and date spans.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A due date: the last local day of a period and the instant it ends (exclusive).
#[derive(Serialize, ToSchema)]
pub struct Due {
    pub date: NaiveDate,
    /// The first instant at which the period has run out (next local day, 00:00).
    pub deadline: DateTime<Utc>,
    /// In a case's answer: the date counts a provisional year (暂定).
    pub provisional: Option<bool>,
}

/// A single-due clock: acceptance (art. 32), delivery (art. 44), one stage.
#[derive(Serialize, ToSchema)]
pub struct Clock {
    /// The day the period starts (not counted).
    pub started_on: NaiveDate,
    pub due: Due,
    /// When the clock was met (the decision, notice or act it measures happened).
    pub stopped_at: Option<DateTime<Utc>>,
}

/// The decision clock (art. 42): promised and legal due dates from acceptance.
#[derive(Serialize, ToSchema)]
pub struct DecisionClock {
    /// Acceptance day, or the receipt day when the case is deemed accepted on receipt.
    pub started_on: NaiveDate,
    pub promised_due: Due,
    pub legal_due: Due,
    pub stopped_at: Option<DateTime<Utc>>,
}

/// All clocks of a case, stored with it.
#[derive(Serialize, ToSchema)]
pub struct Clocks {
    /// Restarted when a supplement arrives, since the application is complete only then.
    pub acceptance: Clock,
    /// Art. 32: no notice or decision within the acceptance period means the case counts as
    /// accepted on receipt; set when the acceptance came after the acceptance due date.
    pub deemed_accepted: bool,
    pub decision: Option<DecisionClock>,
    pub delivery: Option<Clock>,
}

/// An inclusive range of dates, e.g. a suspension from `from` to `to` (both not counted).
#[derive(Serialize, ToSchema)]
pub struct DateSpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
}
