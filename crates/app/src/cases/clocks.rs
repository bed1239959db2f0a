//! The deadline explained (`GET /api/v1/cases/{case_no}/clocks`, the status pages): each
//! clock of a case with its inputs and every day from its start to its due date, counted or
//! skipped and why.

use chrono::NaiveDate;
use tongban_core::calendar::{Calendar, DateSpan};
use tongban_core::case::{clock_inputs, Case, ClockName};
use tongban_core::clock::HallTime;
use tongban_core::explain::Explanation;
use tongban_core::item::{Item, TimeLimit};

use super::act::item_of;
use super::scope::visible_case_in;
use super::Who;
use crate::error::{AppResult, Error};
use crate::App;

/// One clock, explained.
#[derive(Debug, Clone)]
pub struct ClockView {
    pub clock: ClockName,
    pub started_on: NaiveDate,
    pub limit: TimeLimit,
    pub suspensions: Vec<DateSpan>,
    pub extension: Option<u32>,
    /// The stored due date.
    pub due: NaiveDate,
    /// The stored date counts a provisional year.
    pub provisional: bool,
    pub running: bool,
    pub explanation: Explanation,
}

/// Every clock of `case` explained on `calendar`. A stored date that the walk does not reach
/// (the calendar changed and re-projection has not got to the case yet) is shown as stored;
/// the explanation then ends on the date the calendar gives now.
pub fn explain_case(
    case: &Case,
    item: &Item,
    calendar: &Calendar,
    hall: HallTime,
) -> AppResult<Vec<ClockView>> {
    clock_inputs(case, item, hall)
        .into_iter()
        .map(|input| {
            let explanation = input.explain(calendar).map_err(|e| {
                Error::corrupt(format!(
                    "case {}: {} cannot be explained: {e}",
                    case.case_no, input.name
                ))
            })?;
            Ok(ClockView {
                provisional: calendar.is_provisional(input.due.date),
                clock: input.name,
                started_on: input.started_on,
                limit: input.limit,
                suspensions: input.suspensions,
                extension: input.extension,
                due: input.due.date,
                running: input.running,
                explanation,
            })
        })
        .collect()
}

/// The clocks of a case the caller may see.
pub async fn clocks(app: &App, who: &Who, case_no: &str) -> AppResult<Vec<ClockView>> {
    let config = app.config().await?;
    let case = visible_case_in(app, &config, who, case_no).await?;
    let item = item_of(&config, &case)?;
    explain_case(&case, item, &config.calendar(), app.hall)
}
