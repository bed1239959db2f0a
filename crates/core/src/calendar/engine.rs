use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The statutory rules of one year: days off that would otherwise be working days (and may
/// also list weekend days of a holiday block), and weekend days declared working days (调休).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRule {
    pub year: i32,
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
}

/// An inclusive range of dates, e.g. a suspension from `from` to `to` (both not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateSpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "date {date} is outside the calendar `{calendar}`, which covers {first_year}–{last_year}"
    )]
    OutOfRange {
        calendar: String,
        date: NaiveDate,
        first_year: i32,
        last_year: i32,
    },
    #[error("the calendar `{calendar}` has no years")]
    Empty { calendar: String },
    #[error("the calendar `{calendar}` misses year {year}: years must be contiguous")]
    MissingYear { calendar: String, year: i32 },
    #[error("the calendar `{calendar}` lists year {year} twice")]
    DuplicateYear { calendar: String, year: i32 },
    #[error("year {year} lists {date}, which is not in that year")]
    DateNotInYear { year: i32, date: NaiveDate },
    #[error("{date} is listed both as a holiday and as an adjusted working day")]
    HolidayAndWorkday { date: NaiveDate },
    #[error("suspension from {from} to {to} ends before it starts")]
    InvertedSpan { from: NaiveDate, to: NaiveDate },
    #[error("suspensions {first:?} and {second:?} overlap")]
    OverlappingSpans { first: DateSpan, second: DateSpan },
}

/// What a day off beyond the weekend, or a worked weekend day, is, for the explanation of a
/// due date (set by the [`super::CalendarBook`], which knows the festivals and the notices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayLabel {
    /// A day off of a holiday block, e.g. 春节, or a 补假 day of a provisional year.
    Holiday { name: String },
    /// A Saturday or Sunday worked by the notice's arrangement (调休上班), for `name`.
    AdjustedWorkday { name: String },
}

/// A working-day calendar over a contiguous range of whole years, the years after
/// `official_through` counted on the rule alone (provisional).
#[derive(Debug, Clone)]
pub struct Calendar {
    name: String,
    first: NaiveDate,
    first_year: i32,
    last_year: i32,
    /// The last year loaded from a State Council notice; later years are provisional.
    official_through: i32,
    /// Names of holidays and worked weekends, shared between clones (they are large).
    labels: Arc<BTreeMap<NaiveDate, DayLabel>>,
    /// `cum[i]` = number of working days in `first ..= first + i`.
    cum: Vec<u32>,
    /// Day indexes (from `first`) of the working days, in order.
    workdays: Vec<u32>,
}

impl Calendar {
    /// Builds a calendar from the rules of contiguous years (in any order).
    pub fn from_years(name: &str, years: &[YearRule]) -> Result<Self, CalendarError> {
        let mut years: Vec<&YearRule> = years.iter().collect();
        years.sort_by_key(|y| y.year);
        let (Some(first_rule), Some(last_rule)) = (years.first(), years.last()) else {
            return Err(CalendarError::Empty {
                calendar: name.to_owned(),
            });
        };
        let (first_year, last_year) = (first_rule.year, last_rule.year);
        for pair in years.windows(2) {
            if pair[0].year == pair[1].year {
                return Err(CalendarError::DuplicateYear {
                    calendar: name.to_owned(),
                    year: pair[0].year,
                });
            }
        }
        for (i, y) in years.iter().enumerate() {
            let expected = first_year + i as i32;
            if y.year != expected {
                return Err(CalendarError::MissingYear {
                    calendar: name.to_owned(),
                    year: expected,
                });
            }
        }
        let first = ymd(first_year, 1, 1);
        let end = ymd(last_year + 1, 1, 1);
        let len = (end - first).num_days() as usize;

        let mut working: Vec<bool> = (0..len)
            .map(|i| !is_weekend(first + Days::new(i as u64)))
            .collect();
        for rule in &years {
            for d in &rule.holidays {
                if rule.workdays.contains(d) {
                    return Err(CalendarError::HolidayAndWorkday { date: *d });
                }
            }
            for (dates, value) in [(&rule.holidays, false), (&rule.workdays, true)] {
                for d in dates {
                    if d.year() != rule.year {
                        return Err(CalendarError::DateNotInYear {
                            year: rule.year,
                            date: *d,
                        });
                    }
                    working[(*d - first).num_days() as usize] = value;
                }
            }
        }

        let mut cum = Vec::with_capacity(len);
        let mut workdays = Vec::with_capacity(len * 5 / 7 + 1);
        let mut count = 0u32;
        for (i, w) in working.iter().enumerate() {
            if *w {
                count += 1;
                workdays.push(i as u32);
            }
            cum.push(count);
        }
        Ok(Calendar {
            name: name.to_owned(),
            first,
            first_year,
            last_year,
            official_through: last_year,
            labels: Arc::default(),
            cum,
            workdays,
        })
    }

    /// Marks the years after `year` provisional (counted on the 放假办法 alone).
    pub fn with_official_through(mut self, year: i32) -> Self {
        self.official_through = year.clamp(self.first_year - 1, self.last_year);
        self
    }

    /// Sets the names of holidays and worked weekends shown in explanations.
    pub fn with_labels(mut self, labels: BTreeMap<NaiveDate, DayLabel>) -> Self {
        self.labels = Arc::new(labels);
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The last year loaded from a State Council notice.
    pub fn official_through(&self) -> i32 {
        self.official_through
    }

    /// The last day of the official years: every count up to it is final.
    pub fn last_official_day(&self) -> NaiveDate {
        ymd(self.official_through + 1, 1, 1)
            .pred_opt()
            .unwrap_or(NaiveDate::MIN)
    }

    /// Whether a period that ends on `due` counted a provisional day. The count runs forward
    /// from its start, so it did exactly when its last day lies after the last official day.
    pub fn is_provisional(&self, due: NaiveDate) -> bool {
        due > self.last_official_day()
    }

    /// The name of a holiday or worked weekend, if the day is one.
    pub fn label(&self, date: NaiveDate) -> Option<&DayLabel> {
        self.labels.get(&date)
    }

    /// The first and last year the calendar holds.
    pub fn years(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.is_working_index(self.index(date)?))
    }

    /// The date `n` working days after `start` (the start day itself is not counted).
    /// `n == 0` answers `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.add_working_days_excluding(start, n, &[])
    }

    /// Like [`Calendar::add_working_days`], but the working days inside each suspension span
    /// (both ends included) are not counted. Spans may come in any order but must not overlap.
    /// Spans (or parts of spans) on or before `start`, or after the due date, change nothing,
    /// even when they reach outside the calendar.
    pub fn add_working_days_excluding(
        &self,
        start: NaiveDate,
        n: u32,
        suspensions: &[DateSpan],
    ) -> Result<NaiveDate, CalendarError> {
        let s = self.index(start)?;
        let spans = sorted_spans(suspensions)?;
        if n == 0 {
            return Ok(start);
        }
        // `due` is the position, in the whole calendar's list of working days, of the due day;
        // each suspension that begins on or before it pushes it later by the working days the
        // suspension holds after `start`.
        let mut due = self.cum[s] as usize + n as usize - 1;
        for span in spans.iter() {
            if span.to <= start {
                continue;
            }
            // Working days before the span (or before the day after `start`).
            let before = self.working_days_before(span.from.max(start), s + 1);
            if before > due {
                break;
            }
            due += self.working_days_through(span.to) - before;
        }
        self.workday_at(due, start)
    }

    /// The date `n` natural days after `start`, not counting the days of the suspension spans
    /// (both ends included); if that day is not a working day, the period ends on the next
    /// working day.
    pub fn add_natural_days_excluding(
        &self,
        start: NaiveDate,
        n: u32,
        suspensions: &[DateSpan],
    ) -> Result<NaiveDate, CalendarError> {
        self.index(start)?;
        let spans = sorted_spans(suspensions)?;
        let mut end = self.add_days(start, u64::from(n))?;
        for span in spans.iter() {
            // Only the suspended days after `start` count, and only a span that begins by the
            // (so far) last day of the period stops it.
            let from = span.from.max(start + Days::new(1));
            if from > end {
                break;
            }
            if span.to < from {
                continue;
            }
            let suspended = (span.to - from).num_days() as u64 + 1;
            end = self.add_days(end, suspended)?;
        }
        self.working_day_on_or_after(end)
    }

    /// Working days in `(from, to]`: the count of a period that started on `from` and has
    /// run until the end of `to`. Zero when `to <= from`.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        let (a, b) = (self.index(from)?, self.index(to)?);
        Ok(self.cum[b].saturating_sub(self.cum[a]))
    }

    /// The date `n` natural days after `start`; if that day is not a working day, the period
    /// ends on the next working day.
    pub fn add_natural_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.add_natural_days_excluding(start, n, &[])
    }

    /// `date` itself when it is a working day, otherwise the next working day.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let i = self.index(date)?;
        if self.is_working_index(i) {
            return Ok(date);
        }
        self.workday_at(self.cum[i] as usize, date)
    }

    fn index(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        let i = (date - self.first).num_days();
        if i < 0 || i as usize >= self.cum.len() {
            return Err(self.out_of_range(date));
        }
        Ok(i as usize)
    }

    /// Working days strictly before `date`, where `date` is at or after the day at index
    /// `floor` (a date past the last year counts every working day of the calendar).
    fn working_days_before(&self, date: NaiveDate, floor: usize) -> usize {
        let i = ((date - self.first).num_days().max(0) as usize).max(floor);
        match i.checked_sub(1) {
            None => 0,
            Some(prev) => self.cum[prev.min(self.cum.len() - 1)] as usize,
        }
    }

    /// Working days on or before `date`, clamped to the calendar's range.
    fn working_days_through(&self, date: NaiveDate) -> usize {
        let i = (date - self.first).num_days();
        if i < 0 {
            return 0;
        }
        self.cum[(i as usize).min(self.cum.len() - 1)] as usize
    }

    /// `date + days`, or the out-of-range error when that is past what dates can hold.
    fn add_days(&self, date: NaiveDate, days: u64) -> Result<NaiveDate, CalendarError> {
        date.checked_add_days(Days::new(days))
            .ok_or_else(|| self.out_of_range(NaiveDate::MAX))
    }

    fn is_working_index(&self, i: usize) -> bool {
        self.cum[i] > if i == 0 { 0 } else { self.cum[i - 1] }
    }

    /// The working day at position `k` of the whole calendar; `from` names the date the
    /// question started from, for the error when the answer lies past the last year.
    fn workday_at(&self, k: usize, from: NaiveDate) -> Result<NaiveDate, CalendarError> {
        match self.workdays.get(k) {
            Some(i) => Ok(self.first + Days::new(u64::from(*i))),
            None => Err(self.out_of_range(ymd(self.last_year + 1, 1, 1).max(from))),
        }
    }

    fn out_of_range(&self, date: NaiveDate) -> CalendarError {
        CalendarError::OutOfRange {
            calendar: self.name.clone(),
            date,
            first_year: self.first_year,
            last_year: self.last_year,
        }
    }
}

/// The spans in order, checked; borrowed as they are when already sorted (the usual case:
/// a case's suspensions are recorded in order), so that the hot path does not allocate.
fn sorted_spans(spans: &[DateSpan]) -> Result<Cow<'_, [DateSpan]>, CalendarError> {
    for s in spans {
        if s.to < s.from {
            return Err(CalendarError::InvertedSpan {
                from: s.from,
                to: s.to,
            });
        }
    }
    let mut sorted = Cow::Borrowed(spans);
    if !spans.windows(2).all(|w| w[0].from <= w[1].from) {
        sorted.to_mut().sort_by_key(|s| s.from);
    }
    for pair in sorted.windows(2) {
        if pair[1].from <= pair[0].to {
            return Err(CalendarError::OverlappingSpans {
                first: pair[0],
                second: pair[1],
            });
        }
    }
    Ok(sorted)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    // Only called with January 1st of a year i32 can hold, which always exists.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}
