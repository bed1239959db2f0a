//! Due dates (期限届满日) on the working-day calendar: `GET /api/v1/calendar/due` on the
//! national calendar as the database holds it now, and `tongban calendar due` on a calendar
//! file, both counted by [`compute`].

use chrono::NaiveDate;
use tongban_core::calendar::{Calendar, CalendarError, DateSpan};

use crate::error::{AppResult, Code, Error, Text};
use crate::validate::Fields;
use crate::App;

/// The longest period asked for: ten years of days.
pub const MAX_DAYS: u32 = 3650;

/// A time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Working(u32),
    Natural(u32),
}

/// The last day of `limit` counted from `start` (not counted), leaving out a suspension
/// (特别程序): its working days for a working-day limit, all its days for a natural-day one.
/// A natural-day period ends on a working day.
pub fn compute(
    calendar: &Calendar,
    start: NaiveDate,
    limit: Limit,
    suspension: Option<DateSpan>,
) -> Result<NaiveDate, CalendarError> {
    let spans = suspension.as_slice();
    match limit {
        // "Within 0 working days" still ends on a working day, as in the case clocks.
        Limit::Working(0) => calendar.working_day_on_or_after(start),
        Limit::Working(n) => calendar.add_working_days_excluding(start, n, spans),
        Limit::Natural(n) => calendar.add_natural_days_excluding(start, n, spans),
    }
}

/// The question as the HTTP query asks it, unchecked.
#[derive(Debug, Clone)]
pub struct DueQuery {
    /// `YYYY-MM-DD`.
    pub from: String,
    pub working_days: Option<u32>,
    pub natural_days: Option<u32>,
}

/// A due date, and whether it counted a provisional year (暂定).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueAnswer {
    pub due: NaiveDate,
    pub provisional: bool,
}

/// The due date on the national calendar now in force.
pub async fn due(app: &App, query: &DueQuery) -> AppResult<DueAnswer> {
    let mut fields = Fields::default();
    let from = NaiveDate::parse_from_str(query.from.trim(), "%Y-%m-%d").ok();
    if from.is_none() {
        let value = &query.from;
        fields.error(
            "from",
            format!("“{value}”不是有效日期（应为 YYYY-MM-DD）"),
            format!("`{value}` is not a valid date (expected YYYY-MM-DD)"),
        );
    }
    let limit = match (query.working_days, query.natural_days) {
        (Some(n), None) => Some(("working_days", Limit::Working(n), n)),
        (None, Some(n)) => Some(("natural_days", Limit::Natural(n), n)),
        _ => {
            fields.error(
                "working_days",
                "须给出 working_days 或 natural_days 之一（只能一个）",
                "give exactly one of `working_days` and `natural_days`",
            );
            None
        }
    };
    if let Some((field, _, n)) = limit {
        if n > MAX_DAYS {
            fields.error(
                field,
                format!("须在 0 到 {MAX_DAYS} 之间"),
                format!("must be 0 to {MAX_DAYS}"),
            );
        }
    }
    fields.finish()?;
    let (Some(from), Some((_, limit, _))) = (from, limit) else {
        return Err(Error::internal());
    };
    let calendar = app.config().await?.calendar();
    let due = compute(&calendar, from, limit, None).map_err(|e| outside_calendar(&e))?;
    Ok(DueAnswer {
        due,
        provisional: calendar.is_provisional(due),
    })
}

fn outside_calendar(e: &CalendarError) -> Error {
    let (zh, en) = match e {
        CalendarError::OutOfRange {
            date,
            first_year,
            last_year,
            ..
        } => (
            format!(
                "{date} 不在工作日历范围内（{first_year}–{last_year} 年），无法计算。"
            ),
            format!(
                "{date} is outside the working-day calendar ({first_year}–{last_year}); the calendar counts 2004 through the last year of its festival data."
            ),
        ),
        other => (format!("无法计算期限：{other}"), format!("Cannot compute: {other}")),
    };
    Error::new(
        Code::DateOutsideCalendar,
        Text::new("超出工作日历范围", "Outside the calendar"),
        Text::new(zh, en),
    )
}
