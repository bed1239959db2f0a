//! Property tests of the working-day engine against the shipped national calendar, and of
//! the O(1) engine against a naive day-by-day reference built straight from the year rules.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;

fn cal() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(Calendar::china)
}

/// Working or not, from the year rules alone: weekends off, then the listed days.
fn naive_working(date: NaiveDate) -> bool {
    static LISTED: OnceLock<HashMap<NaiveDate, bool>> = OnceLock::new();
    let listed = LISTED.get_or_init(|| {
        let mut m = HashMap::new();
        for y in CalendarBook::builtin().years(CHINA) {
            m.extend(y.holidays.iter().map(|d| (*d, false)));
            m.extend(y.workdays.iter().map(|d| (*d, true)));
        }
        m
    });
    *listed
        .get(&date)
        .unwrap_or(&!matches!(date.weekday(), Weekday::Sat | Weekday::Sun))
}

fn suspended(date: NaiveDate, spans: &[DateSpan]) -> bool {
    spans.iter().any(|s| s.from <= date && date <= s.to)
}

/// Day by day: the n-th working day after `start` that no span covers.
fn naive_add(start: NaiveDate, n: u32, spans: &[DateSpan]) -> Option<NaiveDate> {
    if n == 0 {
        return Some(start);
    }
    let last = NaiveDate::from_ymd_opt(2026, 12, 31)?;
    let mut day = start;
    let mut counted = 0;
    while counted < n {
        day = day.succ_opt()?;
        if day > last {
            return None;
        }
        if naive_working(day) && !suspended(day, spans) {
            counted += 1;
        }
    }
    Some(day)
}

/// Day by day: n natural days not covered by a span, then on to a working day.
fn naive_natural(start: NaiveDate, n: u32, spans: &[DateSpan]) -> Option<NaiveDate> {
    let last = NaiveDate::from_ymd_opt(2026, 12, 31)?;
    let mut day = start;
    let mut counted = 0;
    while counted < n {
        day = day.succ_opt()?;
        if !suspended(day, spans) {
            counted += 1;
        }
    }
    while !naive_working(day) {
        day = day.succ_opt()?;
    }
    (day <= last).then_some(day)
}

const FIRST: NaiveDate = match NaiveDate::from_ymd_opt(2004, 1, 1) {
    Some(d) => d,
    None => panic!(),
};
/// Days from 2004-01-01 through 2026-12-31.
const DAYS: u64 = 8401;

fn date_in_calendar() -> impl Strategy<Value = NaiveDate> {
    (0..DAYS).prop_map(|i| FIRST + Days::new(i))
}

/// A start well inside the calendar, so that limits up to 400 working days, plus up to three
/// suspended spans of 30 days, stay in the reference's range.
fn start() -> impl Strategy<Value = NaiveDate> {
    (0..DAYS - 800).prop_map(|i| FIRST + Days::new(i))
}

/// Up to three disjoint spans near `start` (some before it, some covering it), shuffled.
fn spans_near(start: NaiveDate) -> impl Strategy<Value = Vec<DateSpan>> {
    proptest::collection::vec((0u64..40, 0u64..30), 0..=3).prop_flat_map(move |parts| {
        let mut spans = Vec::new();
        let mut at = start - Days::new(10);
        for (gap, len) in parts {
            let from = at + Days::new(gap);
            let to = from + Days::new(len);
            spans.push(DateSpan { from, to });
            at = to + Days::new(1);
        }
        Just(spans).prop_shuffle()
    })
}

fn start_and_spans() -> impl Strategy<Value = (NaiveDate, Vec<DateSpan>)> {
    start().prop_flat_map(|s| (Just(s), spans_near(s)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn engine_matches_the_naive_reference((start, spans) in start_and_spans(), n in 0u32..400) {
        let fast = cal().add_working_days_excluding(start, n, &spans).ok();
        prop_assert_eq!(fast, naive_add(start, n, &spans));
    }

    #[test]
    fn natural_days_match_the_naive_reference((start, spans) in start_and_spans(), n in 0u32..400) {
        let fast = cal().add_natural_days_excluding(start, n, &spans).ok();
        prop_assert_eq!(fast, naive_natural(start, n, &spans));
    }

    #[test]
    fn working_days_match_the_rules(date in date_in_calendar()) {
        prop_assert_eq!(cal().is_working_day(date).unwrap(), naive_working(date));
    }

    #[test]
    fn adding_then_counting_round_trips(start in start(), n in 0u32..400) {
        let due = cal().add_working_days(start, n).unwrap();
        prop_assert_eq!(cal().working_days_between(start, due).unwrap(), n);
    }

    #[test]
    fn counting_matches_a_day_by_day_count(a in date_in_calendar(), b in date_in_calendar()) {
        let naive = a.iter_days().skip(1).take_while(|d| *d <= b).filter(|d| naive_working(*d)).count();
        prop_assert_eq!(cal().working_days_between(a, b).unwrap() as usize, naive);
    }

    #[test]
    fn a_suspension_never_shortens_a_deadline((start, spans) in start_and_spans(), n in 0u32..300) {
        let plain = cal().add_working_days(start, n).unwrap();
        let with = cal().add_working_days_excluding(start, n, &spans).unwrap();
        prop_assert!(with >= plain);
        let plain = cal().add_natural_days(start, n).unwrap();
        let with = cal().add_natural_days_excluding(start, n, &spans).unwrap();
        prop_assert!(with >= plain);
    }

    #[test]
    fn working_day_due_dates_are_working_days((start, spans) in start_and_spans(), n in 1u32..300) {
        let due = cal().add_working_days_excluding(start, n, &spans).unwrap();
        prop_assert!(due > start);
        prop_assert!(cal().is_working_day(due).unwrap());
        prop_assert!(!suspended(due, &spans));
    }

    #[test]
    fn natural_day_due_dates_are_working_days_on_or_after_the_end(start in start(), n in 0u32..400) {
        let due = cal().add_natural_days(start, n).unwrap();
        prop_assert!(due >= start + Days::new(u64::from(n)));
        prop_assert!(cal().is_working_day(due).unwrap());
        // And no earlier working day would do.
        let end = start + Days::new(u64::from(n));
        prop_assert!(end.iter_days().take_while(|d| *d < due).all(|d| !naive_working(d)));
    }

    #[test]
    fn a_suspension_after_the_due_date_changes_nothing(
        start in start(), n in 0u32..300, gap in 1u64..400, len in 0u64..400,
    ) {
        let due = cal().add_working_days(start, n).unwrap();
        let from = due + Days::new(gap);
        let after = [DateSpan { from, to: from + Days::new(len) }];
        prop_assert_eq!(cal().add_working_days_excluding(start, n, &after).unwrap(), due);
    }

    #[test]
    fn out_of_range_dates_error_and_never_panic(
        days in -1_000_000i64..1_000_000, n in any::<u32>(), len in 0u64..100_000,
    ) {
        let Some(date) = FIRST.checked_add_signed(chrono::TimeDelta::days(days)) else {
            return Ok(());
        };
        // The official years and the provisional ones after them.
        let inside = date.year() >= 2004 && date.year() <= FESTIVAL_YEARS.1;
        let span = [DateSpan { from: date, to: date.checked_add_days(Days::new(len)).unwrap_or(date) }];
        for result in [
            cal().add_working_days(date, n),
            cal().add_working_days_excluding(date, n, &span),
            cal().add_natural_days(date, n),
            cal().add_natural_days_excluding(date, n, &span),
            cal().working_day_on_or_after(date),
        ] {
            match result {
                Ok(due) => prop_assert!(inside && due >= date),
                Err(CalendarError::OutOfRange { .. }) => {}
                Err(e) => prop_assert!(false, "unexpected error {e}"),
            }
        }
        prop_assert_eq!(cal().is_working_day(date).is_ok(), inside);
        prop_assert_eq!(cal().working_days_between(date, date).is_ok(), inside);
    }
}
