//! The working-day calendars the server counts on: the national calendar shipped with the
//! program, with the years an administrator stored (`PUT /api/v1/calendar/years/{year}`)
//! laid over it, so that a corrected or newly published year survives a restart; due dates
//! on it, and setting a year.

pub mod due;
pub mod reproject;
pub mod set_year;
pub mod years;

use chrono::{DateTime, NaiveDate, Utc};
use tongban_core::calendar::{CalendarBook, CalendarBookError, YearRule, CHINA};
use tongban_store::calendar_years::{self, CalendarYearRecord};
use tongban_store::{Store, StoreError};

use crate::records::{millis, to_json};

#[derive(Debug, thiserror::Error)]
pub enum CalendarsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored calendar year {year} does not decode: {reason}")]
    Corrupt { year: i64, reason: String },
    #[error("stored calendar year {year} does not fit the calendar: {source}")]
    Rule {
        year: i64,
        #[source]
        source: CalendarBookError,
    },
}

/// The record of a year of the national calendar.
pub fn year_record(rule: &YearRule, now: DateTime<Utc>) -> CalendarYearRecord {
    CalendarYearRecord {
        calendar: CHINA.to_owned(),
        year: i64::from(rule.year),
        holidays: to_json(&rule.holidays),
        workdays: to_json(&rule.workdays),
        updated_at: millis(now),
        source: None,
    }
}

fn year_rule(record: &CalendarYearRecord) -> Result<YearRule, CalendarsError> {
    let corrupt = |reason: String| CalendarsError::Corrupt {
        year: record.year,
        reason,
    };
    let dates = |text: &str| -> Result<Vec<NaiveDate>, CalendarsError> {
        serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))
    };
    Ok(YearRule {
        year: i32::try_from(record.year).map_err(|e| corrupt(e.to_string()))?,
        holidays: dates(&record.holidays)?,
        workdays: dates(&record.workdays)?,
    })
}

/// The built-in book with the stored years of the national calendar laid over it, oldest
/// first (each stored year was checked against the years before it when it was stored).
pub fn load_calendars(store: &Store) -> Result<CalendarBook, CalendarsError> {
    let records = store.read_blocking(|c| calendar_years::list(c, CHINA))?;
    let mut book = CalendarBook::builtin();
    for record in &records {
        let rule = year_rule(record)?;
        let year = rule.year;
        book.set_year(CHINA, rule)
            .map_err(|source| CalendarsError::Rule {
                year: record.year,
                source,
            })?;
        if let Some(source) = &record.source {
            book.set_source(CHINA, year, source.clone())
                .map_err(|source| CalendarsError::Rule {
                    year: record.year,
                    source,
                })?;
        }
    }
    Ok(book)
}
