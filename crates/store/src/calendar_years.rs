//! Calendar years: statutory holidays and adjusted working days per calendar and year.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::calendar_years;

/// One year of one calendar.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = calendar_years)]
pub struct CalendarYearRecord {
    /// Calendar name (e.g. `cn`).
    pub calendar: String,
    /// Year.
    pub year: i64,
    /// Holiday dates, JSON array of `YYYY-MM-DD`.
    pub holidays: String,
    /// Adjusted working days (调休), JSON array of `YYYY-MM-DD`.
    pub workdays: String,
    /// Last change, unix milliseconds.
    pub updated_at: i64,
    /// The notice the year was loaded from (document number or title).
    pub source: Option<String>,
}

/// Inserts or replaces a year.
pub fn put(conn: &mut DbConnection, record: &CalendarYearRecord) -> Result<(), StoreError> {
    let n = diesel::update(calendar_years::table.find((&record.calendar, record.year)))
        .set(record)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(calendar_years::table)
            .values(record)
            .execute(conn)?;
    }
    crate::revision::bump(conn)?;
    Ok(())
}

/// All years of a calendar, in order.
pub fn list(
    conn: &mut DbConnection,
    calendar: &str,
) -> Result<Vec<CalendarYearRecord>, StoreError> {
    Ok(calendar_years::table
        .filter(calendar_years::calendar.eq(calendar))
        .order(calendar_years::year.asc())
        .select(CalendarYearRecord::as_select())
        .load(conn)?)
}
