//! Calendar files (`workflows/calendars/*.toml`, docs/calendar.md): parsing with errors that
//! name the line, the year and the entry.
//!
//! A national file has a `name` and one `[[year]]` table per year. A regional file also has
//! `base = "cn"`; its `[[year]]` tables list only the local differences, applied on top of the
//! base calendar's year (see [`overlay`]).

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use serde_spanned::Spanned;

use super::engine::YearRule;

/// The first and last year a calendar file may describe. Wide enough for any real notice,
/// narrow enough that a typo such as `year = 20244` cannot make the engine allocate days by
/// the hundred million.
pub const SUPPORTED_YEARS: (i32, i32) = (1949, 2199);

/// A parsed calendar file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFile {
    /// The calendar's name, e.g. `cn` or `cn-gx`.
    pub name: String,
    /// For a regional calendar, the calendar it is laid over.
    pub base: Option<String>,
    /// The years, in the file's order.
    pub years: Vec<YearRule>,
    /// Each year's `source` (the notice), when the file gives one.
    pub sources: BTreeMap<i32, String>,
}

/// A problem in a calendar file, with the line it points at (1-based) when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{problem}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct CalendarFileError {
    pub line: Option<usize>,
    pub problem: FileProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    /// TOML syntax, an unknown key, a missing key or a wrong type (from the parser).
    #[error("{0}")]
    Syntax(String),
    #[error("calendar name `{0}` must be 1–32 characters of a–z, 0–9 and `-`")]
    BadName(String),
    #[error("a calendar cannot be its own base")]
    OwnBase,
    #[error("a national calendar (no `base`) needs at least one [[year]]")]
    NoYears,
    #[error("year {0} is listed twice")]
    DuplicateYear(i32),
    #[error("year {year} is outside the supported years {}–{}", SUPPORTED_YEARS.0, SUPPORTED_YEARS.1)]
    UnsupportedYear { year: i32 },
    #[error("year {year}, {field}[{index}] `{value}`: {problem}")]
    Entry {
        year: i32,
        field: &'static str,
        /// 0-based position in the list.
        index: usize,
        value: String,
        problem: EntryProblem,
    },
}

/// What is wrong with one entry of `holidays` or `workdays`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryProblem {
    #[error("not a date or range (expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)")]
    NotADate,
    #[error("the range ends before it starts")]
    Reversed,
    #[error("{0} is not in this year (write it in its own year's table)")]
    NotInYear(NaiveDate),
    #[error("{0} is listed more than once")]
    Repeated(NaiveDate),
    #[error("{0} is listed both as a holiday and as a working day")]
    HolidayAndWorkday(NaiveDate),
    #[error("{0} is a {1}, already a working day; adjusted working days (调休) are Saturdays or Sundays")]
    WorkdayNotWeekend(NaiveDate, Weekday),
}

/// Parses the text of a calendar file.
pub fn parse_calendar_file(text: &str) -> Result<CalendarFile, CalendarFileError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| CalendarFileError {
        line: e.span().map(|s| line_of(text, s.start)),
        problem: FileProblem::Syntax(e.message().to_owned()),
    })?;
    let at = |span: std::ops::Range<usize>, problem| CalendarFileError {
        line: Some(line_of(text, span.start)),
        problem,
    };

    let name = raw.name.get_ref().trim().to_owned();
    if !is_valid_name(&name) {
        return Err(at(raw.name.span(), FileProblem::BadName(name)));
    }
    let base = match &raw.base {
        Some(b) => {
            let base = b.get_ref().trim().to_owned();
            if !is_valid_name(&base) {
                return Err(at(b.span(), FileProblem::BadName(base)));
            }
            if base == name {
                return Err(at(b.span(), FileProblem::OwnBase));
            }
            Some(base)
        }
        None => None,
    };
    if base.is_none() && raw.year.is_empty() {
        return Err(CalendarFileError {
            line: None,
            problem: FileProblem::NoYears,
        });
    }

    let mut years = Vec::with_capacity(raw.year.len());
    let mut sources = BTreeMap::new();
    for table in raw.year {
        let year = *table.year.get_ref();
        let year_span = table.year.span();
        if years.iter().any(|y: &YearRule| y.year == year) {
            return Err(at(year_span, FileProblem::DuplicateYear(year)));
        }
        let rule = read_year(year, &table.holidays, &table.workdays, base.is_none())
            .map_err(|(span, problem)| at(span.unwrap_or(year_span), problem))?;
        if let Some(source) = table.source {
            sources.insert(year, source);
        }
        years.push(rule);
    }
    Ok(CalendarFile {
        name,
        base,
        years,
        sources,
    })
}

/// Checks a year's rule as an administrator sends it (e.g. through the API), with the same
/// rules as a file: every date in its year, none listed twice or as both, and, for a national
/// calendar, adjusted working days only on weekends.
pub fn check_year_rule(rule: &YearRule, national: bool) -> Result<(), FileProblem> {
    check_year(rule.year)?;
    let mut seen = HashSet::new();
    for (field, dates) in [("holidays", &rule.holidays), ("workdays", &rule.workdays)] {
        for (index, date) in dates.iter().enumerate() {
            let entry = |problem| FileProblem::Entry {
                year: rule.year,
                field,
                index,
                value: date.to_string(),
                problem,
            };
            check_listed(rule.year, *date, field, national, &mut seen, &rule.holidays)
                .map_err(entry)?;
        }
    }
    Ok(())
}

/// A regional year laid over its base year: each date the region lists takes the region's
/// status (day off or working day), whatever the base said; every other date keeps the base's.
pub fn overlay(base: &YearRule, region: Option<&YearRule>) -> YearRule {
    let Some(region) = region else {
        return base.clone();
    };
    let overridden = |d: &NaiveDate| region.holidays.contains(d) || region.workdays.contains(d);
    let mut holidays: Vec<NaiveDate> = base
        .holidays
        .iter()
        .filter(|d| !overridden(d))
        .copied()
        .collect();
    let mut workdays: Vec<NaiveDate> = base
        .workdays
        .iter()
        .filter(|d| !overridden(d))
        .copied()
        .collect();
    holidays.extend(&region.holidays);
    workdays.extend(&region.workdays);
    holidays.sort();
    workdays.sort();
    YearRule {
        year: base.year,
        holidays,
        workdays,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    name: Spanned<String>,
    base: Option<Spanned<String>>,
    #[serde(default)]
    year: Vec<RawYear>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: Spanned<i32>,
    source: Option<String>,
    #[serde(default)]
    holidays: Vec<Spanned<String>>,
    #[serde(default)]
    workdays: Vec<Spanned<String>>,
}

type Located = (Option<std::ops::Range<usize>>, FileProblem);

fn read_year(
    year: i32,
    holidays: &[Spanned<String>],
    workdays: &[Spanned<String>],
    national: bool,
) -> Result<YearRule, Located> {
    check_year(year).map_err(|p| (None, p))?;
    let mut rule = YearRule {
        year,
        holidays: Vec::new(),
        workdays: Vec::new(),
    };
    let mut seen = HashSet::new();
    for (field, entries) in [("holidays", holidays), ("workdays", workdays)] {
        for (index, entry) in entries.iter().enumerate() {
            let fail = |problem| {
                (
                    Some(entry.span()),
                    FileProblem::Entry {
                        year,
                        field,
                        index,
                        value: entry.get_ref().clone(),
                        problem,
                    },
                )
            };
            let (first, last) = parse_entry(entry.get_ref()).map_err(fail)?;
            for date in first.iter_days().take_while(|d| *d <= last) {
                check_listed(year, date, field, national, &mut seen, &rule.holidays)
                    .map_err(fail)?;
                match field {
                    "holidays" => rule.holidays.push(date),
                    _ => rule.workdays.push(date),
                }
            }
        }
    }
    Ok(rule)
}

/// Dates as an administrator types them, separated by commas, spaces or new lines, each a
/// date or an inclusive range (`2027-02-05..2027-02-11`), expanded in order. The error names
/// the entry.
pub fn parse_dates(text: &str) -> Result<Vec<NaiveDate>, (String, EntryProblem)> {
    let mut out = Vec::new();
    for entry in text
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|e| !e.is_empty())
    {
        let (first, last) = parse_entry(entry).map_err(|p| (entry.to_owned(), p))?;
        out.extend(first.iter_days().take_while(|d| *d <= last));
    }
    Ok(out)
}

/// `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD` (inclusive).
fn parse_entry(text: &str) -> Result<(NaiveDate, NaiveDate), EntryProblem> {
    let parse = |s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| EntryProblem::NotADate)
    };
    let (first, last) = match text.split_once("..") {
        Some((a, b)) => (parse(a)?, parse(b)?),
        None => {
            let d = parse(text)?;
            (d, d)
        }
    };
    if last < first {
        return Err(EntryProblem::Reversed);
    }
    Ok((first, last))
}

fn check_year(year: i32) -> Result<(), FileProblem> {
    if (SUPPORTED_YEARS.0..=SUPPORTED_YEARS.1).contains(&year) {
        Ok(())
    } else {
        Err(FileProblem::UnsupportedYear { year })
    }
}

/// One listed date: in its year, listed once, and (national workdays) on a weekend.
/// `seen` holds the dates listed so far; holidays are listed before workdays.
fn check_listed(
    year: i32,
    date: NaiveDate,
    field: &str,
    national: bool,
    seen: &mut HashSet<NaiveDate>,
    holidays: &[NaiveDate],
) -> Result<(), EntryProblem> {
    if date.year() != year {
        return Err(EntryProblem::NotInYear(date));
    }
    let weekday = date.weekday();
    let is_workday = field == "workdays";
    if is_workday && national && !matches!(weekday, Weekday::Sat | Weekday::Sun) {
        return Err(EntryProblem::WorkdayNotWeekend(date, weekday));
    }
    if !seen.insert(date) {
        return Err(if is_workday && holidays.contains(&date) {
            EntryProblem::HolidayAndWorkday(date)
        } else {
            EntryProblem::Repeated(date)
        });
    }
    Ok(())
}

fn is_valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
