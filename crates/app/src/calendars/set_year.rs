//! Setting one year of the national calendar (`PUT /api/v1/calendar/years/{year}`): a newly
//! published year next to the years held, or a correction of one. Every process counts on it
//! at once (the configuration revision moves with it); kept across restarts.

use tongban_core::calendar::{CalendarBookError, FileProblem, YearRule, CHINA};
use tongban_store::calendar_years;

use crate::audit;
use crate::error::{AppResult, Error};
use crate::records::to_json;
use crate::validate::Fields;
use crate::App;

/// The year as stored, and the years the calendar now holds.
#[derive(Debug, Clone)]
pub struct YearSet {
    pub calendar: &'static str,
    pub rule: YearRule,
    pub first_year: i32,
    pub last_year: i32,
}

pub async fn set_year(app: &App, actor: &str, rule: YearRule) -> AppResult<YearSet> {
    // Checked on a copy first: nothing is stored unless the calendar builds with the year.
    let mut book = app.config().await?.calendars.clone();
    let calendar = book.set_year(CHINA, rule.clone()).map_err(year_error)?;
    let (first_year, last_year) = calendar.years();
    let now = app.clock.now();
    let record = super::year_record(&rule, now);
    let audit_record = audit::record(
        now,
        actor,
        "calendar.set_year",
        &format!("{CHINA}/{}", record.year),
        to_json(&rule),
    );
    app.store
        .write(move |conn| {
            calendar_years::put(conn, &record)?;
            tongban_store::audit::append(conn, &audit_record)?;
            Ok(())
        })
        .await?;
    app.config().await?;
    Ok(YearSet {
        calendar: CHINA,
        rule,
        first_year,
        last_year,
    })
}

fn year_error(e: CalendarBookError) -> Error {
    let mut fields = Fields::default();
    match &e {
        CalendarBookError::Rule { problem, .. } => match problem {
            FileProblem::Entry { field, index, .. } => {
                let msg = problem.to_string();
                fields.error(&format!("{field}[{index}]"), msg.clone(), msg);
            }
            other => {
                let msg = other.to_string();
                fields.error("year", msg.clone(), msg);
            }
        },
        other => {
            // E.g. a year not next to the years held: the calendar must stay contiguous.
            let msg = other.to_string();
            fields.error(
                "year",
                format!("无法载入该年度：{msg}（年度须与已有年度相连）"),
                format!("cannot set this year: {msg} (years must be contiguous)"),
            );
        }
    }
    fields.finish().err().unwrap_or_else(Error::internal)
}
