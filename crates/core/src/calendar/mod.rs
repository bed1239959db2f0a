//! The Chinese working-day calendar (工作日历).
//!
//! A [`Calendar`] is built once from per-year rules (statutory holidays and adjusted working
//! days, 调休) and precomputes two indexes, so that every due-date question is answered in O(1)
//! (or O(number of suspensions)) instead of walking day by day:
//! - `cum[i]`: how many working days fall in `first ..= first + i`;
//! - `workdays[k]`: the day index of the k-th working day.
//!
//! The rules of domain.md: the day on which a period starts is not counted; a natural-day
//! period whose last day is not a working day ends on the next working day. A date outside the
//! years the calendar holds is an error, never a guess.

//!
//! The national calendar ships inside the program ([`Calendar::china`],
//! [`CalendarBook::builtin`]) from `workflows/calendars/cn.toml`; an administrator loads next
//! year or corrects one through [`CalendarBook::set_year`], and regional calendars are laid over
//! the national one (docs/calendar.md).

mod book;
mod engine;
mod file;
mod labels;
mod provisional;

pub use book::{CalendarBook, CalendarBookError, CHINA, CHINA_TOML};
pub use engine::{Calendar, CalendarError, DateSpan, DayLabel, YearRule};
pub use file::{
    check_year_rule, overlay, parse_calendar_file, parse_dates, CalendarFile, CalendarFileError,
    EntryProblem, FileProblem, SUPPORTED_YEARS,
};
pub use provisional::{
    provisional_day, provisional_year, statutory_days, Festival, FESTIVAL_YEARS,
};

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
