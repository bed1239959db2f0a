//! The calendars a hall uses, by name, and the administrator's corrections to them.
//!
//! A [`CalendarBook`] keeps each calendar's year rules (the source of truth) next to the
//! precomputed [`Calendar`] built from them. Loading a file or setting a year rebuilds the
//! calendars it touches (a national calendar and every regional calendar laid over it) and
//! changes nothing at all when any of them fails to build.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use super::engine::{Calendar, CalendarError, YearRule};
use super::file::{
    check_year_rule, overlay, parse_calendar_file, CalendarFile, CalendarFileError, FileProblem,
};
use super::labels::labels;
use super::provisional::{provisional_year, FESTIVAL_YEARS};

/// The national calendar shipped inside the program (`workflows/calendars/cn.toml`).
pub const CHINA_TOML: &str = include_str!("../../../../workflows/calendars/cn.toml");

/// The name of the national calendar shipped with the program.
pub const CHINA: &str = "cn";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarBookError {
    #[error("no calendar named `{0}`")]
    UnknownCalendar(String),
    #[error("calendar `{calendar}` is laid over `{base}`, which is not loaded")]
    UnknownBase { calendar: String, base: String },
    #[error("calendar `{calendar}` cannot be laid over `{base}`, which is itself regional")]
    RegionalBase { calendar: String, base: String },
    #[error("calendar `{calendar}` is the base of `{region}` and must stay national (no `base`)")]
    BaseMadeRegional { calendar: String, region: String },
    #[error("calendar `{calendar}` sets year {year}, which its base `{base}` does not hold ({first}–{last})")]
    YearOutsideBase {
        calendar: String,
        base: String,
        year: i32,
        first: i32,
        last: i32,
    },
    #[error("calendar file: {0}")]
    File(#[from] CalendarFileError),
    #[error("calendar `{calendar}`: {problem}")]
    Rule {
        calendar: String,
        problem: FileProblem,
    },
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// Named calendars: their year rules and the calendars built from them.
#[derive(Debug, Clone, Default)]
pub struct CalendarBook {
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    rules: Rules,
    built: Arc<Calendar>,
}

/// What an administrator gives for a calendar; the built calendar follows from it.
#[derive(Debug, Clone)]
struct Rules {
    base: Option<String>,
    years: BTreeMap<i32, YearRule>,
    sources: BTreeMap<i32, String>,
}

impl CalendarBook {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// A book holding the national calendar shipped with the program, named [`CHINA`].
    pub fn builtin() -> Self {
        static BUILTIN: OnceLock<CalendarBook> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let mut book = CalendarBook::new();
                // The shipped file is part of the program and checked by the tests; it is not
                // input a user could get wrong.
                book.load_str(CHINA_TOML)
                    .expect("the shipped calendar workflows/calendars/cn.toml is valid");
                book
            })
            .clone()
    }

    /// Parses a calendar file and adds it to the book, replacing a calendar of the same name.
    /// A regional file's base must already be in the book. Answers the calendar's name.
    pub fn load_str(&mut self, text: &str) -> Result<String, CalendarBookError> {
        let file = parse_calendar_file(text)?;
        let name = file.name.clone();
        self.insert(file)?;
        Ok(name)
    }

    /// Adds a parsed calendar file (see [`CalendarBook::load_str`]).
    pub fn insert(&mut self, file: CalendarFile) -> Result<(), CalendarBookError> {
        if file.base.is_some() {
            if let Some(region) = self.regions_of(&file.name).next() {
                return Err(CalendarBookError::BaseMadeRegional {
                    calendar: file.name.clone(),
                    region: region.to_owned(),
                });
            }
        }
        let rules = Rules {
            base: file.base,
            years: file.years.into_iter().map(|y| (y.year, y)).collect(),
            sources: file.sources,
        };
        self.commit(&file.name, rules)
    }

    /// Replaces one year of a calendar, or adds a year just before or after the years it
    /// holds (for a regional calendar: sets the region's differences for that year), and
    /// rebuilds it and the calendars laid over it. Answers the rebuilt calendar.
    ///
    /// This is the administrator's "load next year" and "correct a year".
    pub fn set_year(
        &mut self,
        calendar: &str,
        rule: YearRule,
    ) -> Result<Arc<Calendar>, CalendarBookError> {
        let mut rules = self
            .entries
            .get(calendar)
            .map(|e| e.rules.clone())
            .ok_or_else(|| CalendarBookError::UnknownCalendar(calendar.to_owned()))?;
        check_year_rule(&rule, rules.base.is_none()).map_err(|problem| {
            CalendarBookError::Rule {
                calendar: calendar.to_owned(),
                problem,
            }
        })?;
        // The old year's notice no longer describes the new rule.
        rules.sources.remove(&rule.year);
        rules.years.insert(rule.year, rule);
        self.commit(calendar, rules)?;
        self.calendar(calendar)
            .cloned()
            .ok_or_else(|| CalendarBookError::UnknownCalendar(calendar.to_owned()))
    }

    /// Records where a year's rule comes from (the notice's document number).
    pub fn set_source(
        &mut self,
        calendar: &str,
        year: i32,
        source: String,
    ) -> Result<(), CalendarBookError> {
        let entry = self
            .entries
            .get_mut(calendar)
            .ok_or_else(|| CalendarBookError::UnknownCalendar(calendar.to_owned()))?;
        entry.rules.sources.insert(year, source);
        Ok(())
    }

    /// The built calendar of that name.
    pub fn calendar(&self, name: &str) -> Option<&Arc<Calendar>> {
        self.entries.get(name).map(|e| &e.built)
    }

    /// The names of the calendars, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The calendar a regional calendar is laid over; `None` for a national calendar.
    pub fn base_of(&self, name: &str) -> Option<&str> {
        self.entries.get(name).and_then(|e| e.rules.base.as_deref())
    }

    /// The rule a calendar's file (or the administrator) gave for a year: for a regional
    /// calendar, only the region's differences.
    pub fn year(&self, calendar: &str, year: i32) -> Option<&YearRule> {
        self.entries.get(calendar)?.rules.years.get(&year)
    }

    /// All year rules of a calendar, in order of year.
    pub fn years(&self, calendar: &str) -> impl Iterator<Item = &YearRule> {
        self.entries
            .get(calendar)
            .into_iter()
            .flat_map(|e| e.rules.years.values())
    }

    /// The source (notice) recorded for a year.
    pub fn source(&self, calendar: &str, year: i32) -> Option<&str> {
        self.entries
            .get(calendar)?
            .rules
            .sources
            .get(&year)
            .map(String::as_str)
    }

    fn regions_of<'a>(&'a self, base: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter(move |(_, e)| e.rules.base.as_deref() == Some(base))
            .map(|(n, _)| n.as_str())
    }

    /// Builds `name` from `rules` and rebuilds every calendar laid over it, then stores them
    /// all; on any error the book is left as it was.
    fn commit(&mut self, name: &str, rules: Rules) -> Result<(), CalendarBookError> {
        let built = Arc::new(self.build(name, &rules)?);
        let mut staged = Vec::new();
        for region in self.regions_of(name) {
            let r = self.entries[region].rules.clone();
            let built = Arc::new(build_region(region, &r, name, &rules)?);
            staged.push((region.to_owned(), Entry { rules: r, built }));
        }
        self.entries.insert(name.to_owned(), Entry { rules, built });
        self.entries.extend(staged);
        Ok(())
    }

    fn build(&self, name: &str, rules: &Rules) -> Result<Calendar, CalendarBookError> {
        let Some(base_name) = &rules.base else {
            let (years, official_through) = with_provisional(rules);
            return Ok(Calendar::from_years(name, &years)?
                .with_official_through(official_through)
                .with_labels(labels(&years, official_through)));
        };
        let base = self
            .entries
            .get(base_name)
            .ok_or_else(|| CalendarBookError::UnknownBase {
                calendar: name.to_owned(),
                base: base_name.clone(),
            })?;
        if base.rules.base.is_some() {
            return Err(CalendarBookError::RegionalBase {
                calendar: name.to_owned(),
                base: base_name.clone(),
            });
        }
        build_region(name, rules, base_name, &base.rules)
    }
}

/// A regional calendar: each year of the base with the region's differences laid over it.
fn build_region(
    name: &str,
    region: &Rules,
    base_name: &str,
    base: &Rules,
) -> Result<Calendar, CalendarBookError> {
    if let Some(year) = region.years.keys().find(|y| !base.years.contains_key(y)) {
        let first = base.years.keys().next().copied().unwrap_or_default();
        let last = base.years.keys().next_back().copied().unwrap_or_default();
        return Err(CalendarBookError::YearOutsideBase {
            calendar: name.to_owned(),
            base: base_name.to_owned(),
            year: *year,
            first,
            last,
        });
    }
    let (base_years, official_through) = with_provisional(base);
    let years: Vec<YearRule> = base_years
        .iter()
        .map(|b| overlay(b, region.years.get(&b.year)))
        .collect();
    Ok(Calendar::from_years(name, &years)?
        .with_official_through(official_through)
        .with_labels(labels(&years, official_through)))
}

/// A national calendar's official years followed by the provisional years of the 放假办法
/// up to the last year the festival data covers, so that no period is refused for lack of a
/// notice; and the last official year.
fn with_provisional(rules: &Rules) -> (Vec<YearRule>, i32) {
    let mut years: Vec<YearRule> = rules.years.values().cloned().collect();
    let last = rules
        .years
        .keys()
        .next_back()
        .copied()
        .unwrap_or(FESTIVAL_YEARS.1);
    years.extend(((last + 1)..=FESTIVAL_YEARS.1).filter_map(provisional_year));
    (years, last)
}

impl Calendar {
    /// The national calendar shipped with the program (2004 through the last year of
    /// `workflows/calendars/cn.toml`).
    pub fn china() -> Calendar {
        let book = CalendarBook::builtin();
        match book.calendar(CHINA) {
            Some(c) => Calendar::clone(c),
            // `builtin` always holds CHINA; an empty calendar would only hide that bug.
            None => unreachable!("the built-in book holds the national calendar"),
        }
    }
}
