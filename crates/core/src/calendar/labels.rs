//! Names for the days off and worked weekends of a calendar, so that an explanation says
//! "春节" rather than "a day off". The notices list dates, not names: an official holiday is
//! named after the festivals whose statutory days fall in its block of consecutive rest days
//! (the 2020 epidemic extension joins the 春节 block and is named so); a worked weekend after
//! the nearest named block. A provisional year's days are named by the rule that made them.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::engine::{DayLabel, YearRule};
use super::provisional::{provisional_day, statutory_days, Festival};

/// A block of rest days the notice gave with no festival in it (e.g. 2015-09-03..05).
const BY_NOTICE: &str = "国务院通知放假";

/// Labels for every listed day of `years`; the years after `official_through` are named by
/// the rule of the 放假办法.
pub fn labels(years: &[YearRule], official_through: i32) -> BTreeMap<NaiveDate, DayLabel> {
    let mut rest: HashMap<NaiveDate, bool> = HashMap::new();
    for y in years {
        rest.extend(y.holidays.iter().map(|d| (*d, true)));
        rest.extend(y.workdays.iter().map(|d| (*d, false)));
    }
    let is_rest = |d: NaiveDate| rest.get(&d).copied().unwrap_or_else(|| is_weekend(d));
    let festivals: HashMap<NaiveDate, Festival> = years
        .iter()
        .filter_map(|y| statutory_days(y.year))
        .flatten()
        // 国庆 is listed before 中秋 on a shared day; the first one names it.
        .rev()
        .collect();

    let mut out = BTreeMap::new();
    let mut named_blocks: Vec<(NaiveDate, String)> = Vec::new();
    for y in years.iter().filter(|y| y.year <= official_through) {
        for day in &y.holidays {
            if out.contains_key(day) {
                continue;
            }
            let block = block_of(*day, &is_rest);
            let mut names: Vec<&str> = Vec::new();
            for d in &block {
                if let Some(f) = festivals.get(d) {
                    if !names.contains(&f.name_zh()) {
                        names.push(f.name_zh());
                    }
                }
            }
            let name = if names.is_empty() {
                BY_NOTICE.to_owned()
            } else {
                names.join("、")
            };
            if let Some(first) = block.first() {
                named_blocks.push((*first, name.clone()));
            }
            for d in block {
                let listed = rest.get(&d) == Some(&true);
                if listed {
                    out.insert(d, DayLabel::Holiday { name: name.clone() });
                }
            }
        }
    }
    for y in years.iter().filter(|y| y.year <= official_through) {
        for day in &y.workdays {
            let name = named_blocks
                .iter()
                .min_by_key(|(first, _)| (*first - *day).num_days().abs())
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| BY_NOTICE.to_owned());
            out.insert(*day, DayLabel::AdjustedWorkday { name });
        }
    }
    for y in years.iter().filter(|y| y.year > official_through) {
        for day in &y.holidays {
            if let Some((festival, buxiu)) = provisional_day(*day) {
                let name = if buxiu {
                    format!("{}补假", festival.name_zh())
                } else {
                    festival.name_zh().to_owned()
                };
                out.insert(*day, DayLabel::Holiday { name });
            }
        }
    }
    out
}

/// The run of consecutive rest days around `day`, in order.
fn block_of(day: NaiveDate, is_rest: &impl Fn(NaiveDate) -> bool) -> Vec<NaiveDate> {
    let mut first = day;
    while let Some(prev) = first.checked_sub_days(Days::new(1)) {
        if !is_rest(prev) {
            break;
        }
        first = prev;
    }
    let mut block = Vec::new();
    let mut d = first;
    while is_rest(d) {
        block.push(d);
        match d.checked_add_days(Days::new(1)) {
            Some(next) => d = next,
            None => break,
        }
    }
    block
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::super::{Calendar, DayLabel};

    fn name(date: &str) -> Option<DayLabel> {
        Calendar::china().label(date.parse().unwrap()).cloned()
    }

    fn holiday(n: &str) -> Option<DayLabel> {
        Some(DayLabel::Holiday { name: n.to_owned() })
    }

    #[test]
    fn official_blocks_are_named_after_their_festivals() {
        assert_eq!(name("2025-01-30"), holiday("春节"));
        assert_eq!(name("2025-10-06"), holiday("国庆节、中秋节"));
        assert_eq!(
            name("2020-02-01"),
            holiday("春节"),
            "the epidemic extension"
        );
        assert_eq!(name("2015-09-04"), holiday("国务院通知放假"));
        assert_eq!(name("2019-01-01"), holiday("元旦"));
        assert_eq!(
            name("2025-09-28"),
            Some(DayLabel::AdjustedWorkday {
                name: "国庆节、中秋节".to_owned()
            })
        );
        assert_eq!(name("2025-03-03"), None);
    }

    #[test]
    fn provisional_days_are_named_by_the_rule() {
        assert_eq!(name("2027-02-09"), holiday("春节补假"));
        assert_eq!(name("2027-06-09"), holiday("端午节"));
        assert_eq!(name("2027-10-01"), holiday("国庆节"));
    }
}
