//! Provisional years: the rest days of a year the State Council has not yet arranged, counted
//! on the rule of the 全国年节及纪念日放假办法 (国务院令第795号, in force from 2025) alone.
//!
//! The notices of each year move weekend days about (调休); nobody can foresee that, so a
//! provisional year has none, and only what the 办法 itself decides:
//! - the 13 statutory days: 元旦 1 Jan; 春节 除夕 and 初一–初三; 清明 (the day of the solar
//!   term, China Standard Time); 劳动节 1–2 May; 端午 (5th of the 5th lunar month); 中秋 (15th
//!   of the 8th lunar month); 国庆 1–3 Oct;
//! - 补假 (art. 6): each statutory day that falls on a Saturday or Sunday gives one extra rest
//!   day, on the first Monday–Friday after the festival's last statutory day that is not
//!   already a rest day (a statutory day or an earlier 补假).
//!
//! The lunar months and solar terms come from `tyme4rs`, computed rather than tabled, so the
//! range is bounded only by how far the result has been checked: [`FESTIVAL_YEARS`] is the
//! span of the independent table in `festivals/` (built by `festivals/generate.py` from other
//! libraries), which a test compares with the crate year by year.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::{SolarDay, SolarTerm};

use super::engine::YearRule;

/// A statutory festival of the 放假办法.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Festival {
    NewYear,
    SpringFestival,
    Qingming,
    Labour,
    DragonBoat,
    MidAutumn,
    National,
}

impl Festival {
    /// Every festival, in the order of the 办法's article 2.
    pub const ALL: [Festival; 7] = [
        Festival::NewYear,
        Festival::SpringFestival,
        Festival::Qingming,
        Festival::Labour,
        Festival::DragonBoat,
        Festival::MidAutumn,
        Festival::National,
    ];

    pub fn name_zh(self) -> &'static str {
        match self {
            Festival::NewYear => "元旦",
            Festival::SpringFestival => "春节",
            Festival::Qingming => "清明节",
            Festival::Labour => "劳动节",
            Festival::DragonBoat => "端午节",
            Festival::MidAutumn => "中秋节",
            Festival::National => "国庆节",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Festival::NewYear => "New Year's Day",
            Festival::SpringFestival => "Spring Festival",
            Festival::Qingming => "Qingming Festival",
            Festival::Labour => "Labour Day",
            Festival::DragonBoat => "Dragon Boat Festival",
            Festival::MidAutumn => "Mid-Autumn Festival",
            Festival::National => "National Day",
        }
    }

    /// Dated by the lunar calendar, so it wanders and can land on a fixed-date festival.
    fn is_lunar(self) -> bool {
        matches!(
            self,
            Festival::SpringFestival | Festival::DragonBoat | Festival::MidAutumn
        )
    }
}

/// The first and last year the lunar and solar-term data covers.
pub const FESTIVAL_YEARS: (i32, i32) = (2004, 2100);

fn in_range(year: i32) -> bool {
    (FESTIVAL_YEARS.0..=FESTIVAL_YEARS.1).contains(&year)
}

fn naive(day: &SolarDay) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::try_from(day.get_year()).ok()?,
        u32::try_from(day.get_month()).ok()?,
        u32::try_from(day.get_day()).ok()?,
    )
}

/// The Gregorian date of a day of a (non-leap) lunar month of lunar year `year`.
fn lunar(year: i32, month: isize, day: usize) -> Option<NaiveDate> {
    let day = LunarDay::new(isize::try_from(year).ok()?, month, day).ok()?;
    naive(&day.get_solar_day())
}

/// The day of the 清明 term. `get_solar_day` is the calendar day in China Standard Time,
/// which is the one the 办法 means, not the UTC day of the instant.
fn qingming(year: i32) -> Option<NaiveDate> {
    let term = SolarTerm::new(isize::try_from(year).ok()?, "清明").ok()?;
    naive(&term.get_solar_day())
}

/// The statutory days of a year, in date order, each with its festival; None outside
/// FESTIVAL_YEARS.
///
/// There are always 13 entries. When 中秋 falls on 1–3 Oct (2020 was such a year; in 2027–2100
/// the tests list them), that date appears twice, once for each festival, the fixed-date one
/// (国庆) first: the 办法 names the festivals, not a count of distinct days, so hiding one of
/// them would misreport why the day is off.
pub fn statutory_days(year: i32) -> Option<Vec<(NaiveDate, Festival)>> {
    if !in_range(year) {
        return None;
    }
    let on = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let chuyi = lunar(year, 1, 1)?;
    let mut days = vec![
        (on(1, 1)?, Festival::NewYear),
        // 除夕 is the day before 初一 whatever the length of the 12th month (29 or 30 days),
        // so it is never named by its lunar day.
        (chuyi.pred_opt()?, Festival::SpringFestival),
        (chuyi, Festival::SpringFestival),
        (
            chuyi.checked_add_days(Days::new(1))?,
            Festival::SpringFestival,
        ),
        (
            chuyi.checked_add_days(Days::new(2))?,
            Festival::SpringFestival,
        ),
        (qingming(year)?, Festival::Qingming),
        (on(5, 1)?, Festival::Labour),
        (on(5, 2)?, Festival::Labour),
        (lunar(year, 5, 5)?, Festival::DragonBoat),
        (lunar(year, 8, 15)?, Festival::MidAutumn),
        (on(10, 1)?, Festival::National),
        (on(10, 2)?, Festival::National),
        (on(10, 3)?, Festival::National),
    ];
    days.sort_by_key(|&(date, festival)| (date, festival.is_lunar()));
    Some(days)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Every rest day of the year beyond plain weekends, with its festival and whether it is 补假.
fn rest_days(year: i32) -> Option<BTreeMap<NaiveDate, (Festival, bool)>> {
    let statutory = statutory_days(year)?;
    let mut rest = BTreeMap::new();
    for &(date, festival) in &statutory {
        // A date shared by 国庆 and 中秋 is one day off, not two, and gives at most one 补假:
        // the 办法 is silent on the case, and art. 6 compensates days that fall on a weekend,
        // not festivals. The day is owned by the festival listed first (国庆), so 国庆 owes the
        // 补假 if it is a weekend day.
        rest.entry(date).or_insert((festival, false));
    }
    let mut owed: Vec<(NaiveDate, Festival, usize)> = Festival::ALL
        .iter()
        .filter_map(|&festival| {
            let own = statutory.iter().filter(|&&(_, f)| f == festival);
            let last = own.clone().map(|&(d, _)| d).max()?;
            let weekend = own
                .filter(|&&(d, _)| is_weekend(d) && rest.get(&d) == Some(&(festival, false)))
                .count();
            Some((last, festival, weekend))
        })
        .collect();
    // Festivals are served in the order their blocks end, so when two blocks touch (中秋 the
    // day before or after 国庆) the earlier one takes the first free weekdays.
    owed.sort_by_key(|&(last, _, _)| last);
    for (last, festival, mut count) in owed {
        let mut day = last;
        while count > 0 {
            day = day.succ_opt()?;
            if !is_weekend(day) && !rest.contains_key(&day) {
                rest.insert(day, (festival, true));
                count -= 1;
            }
        }
    }
    Some(rest)
}

/// A provisional year by the rule: holidays = every statutory day (those on weekends too, as
/// the official years list the weekend days of a block) plus the 补假 days, workdays empty;
/// None outside FESTIVAL_YEARS.
pub fn provisional_year(year: i32) -> Option<YearRule> {
    let rest = rest_days(year)?;
    Some(YearRule {
        year,
        holidays: rest.into_keys().collect(),
        workdays: Vec::new(),
    })
}

/// Why a day of a provisional year is a rest day beyond the weekend: Some((festival, is_buxiu))
/// for statutory and 补假 days, None for any other day and outside FESTIVAL_YEARS.
///
/// It answers by the rule for any year of FESTIVAL_YEARS, an official one too, where the
/// notice may have decided otherwise. A statutory day on a weekend is answered as well, since
/// it is still the festival's day. A date shared by 国庆 and 中秋 is answered as 国庆;
/// [`statutory_days`] lists both.
pub fn provisional_day(date: NaiveDate) -> Option<(Festival, bool)> {
    rest_days(date.year())?.get(&date).copied()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::{Datelike, NaiveDate};
    use proptest::prelude::*;

    use super::super::{check_year_rule, Calendar, CalendarBook, CHINA};
    use super::*;

    const TABLE: &str = include_str!("festivals/festivals.csv");

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn days_of(year: i32, festival: Festival) -> Vec<NaiveDate> {
        statutory_days(year)
            .expect("year in range")
            .into_iter()
            .filter(|&(_, f)| f == festival)
            .map(|(date, _)| date)
            .collect()
    }

    /// Rest days on Monday–Friday that the rule adds to the weekends.
    fn weekday_rest(rule: &YearRule) -> Vec<NaiveDate> {
        rule.holidays
            .iter()
            .copied()
            .filter(|&date| !is_weekend(date))
            .collect()
    }

    #[test]
    fn festival_dates_match_the_independent_table() {
        let mut years = Vec::new();
        let mut differences = Vec::new();
        for line in TABLE.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 5, "bad table line {line}");
            let year: i32 = fields[0].parse().expect("year");
            let date = |i: usize| -> NaiveDate { fields[i].parse().expect("date") };
            years.push(year);
            let spring = days_of(year, Festival::SpringFestival);
            let ours = [
                spring[0],
                days_of(year, Festival::Qingming)[0],
                days_of(year, Festival::DragonBoat)[0],
                days_of(year, Festival::MidAutumn)[0],
            ];
            for (i, (name, ours)) in ["除夕", "清明", "端午", "中秋"]
                .iter()
                .zip(ours)
                .enumerate()
            {
                if ours != date(i + 1) {
                    differences.push(format!(
                        "{year} {name}: crate {ours}, table {}",
                        date(i + 1)
                    ));
                }
            }
        }
        assert_eq!(
            years,
            (FESTIVAL_YEARS.0..=FESTIVAL_YEARS.1).collect::<Vec<_>>(),
            "the table must cover FESTIVAL_YEARS exactly"
        );
        assert!(differences.is_empty(), "{}", differences.join("\n"));
    }

    #[test]
    fn spring_festival_is_chuxi_then_chuyi_to_chusan() {
        for year in FESTIVAL_YEARS.0..=FESTIVAL_YEARS.1 {
            let spring = days_of(year, Festival::SpringFestival);
            assert_eq!(spring.len(), 4);
            for pair in spring.windows(2) {
                assert_eq!(pair[0].succ_opt(), Some(pair[1]), "{year}");
            }
        }
    }

    #[test]
    fn outside_the_covered_years_there_is_no_answer() {
        assert_eq!(statutory_days(FESTIVAL_YEARS.0 - 1), None);
        assert_eq!(statutory_days(FESTIVAL_YEARS.1 + 1), None);
        assert_eq!(provisional_year(FESTIVAL_YEARS.1 + 1), None);
        assert_eq!(provisional_day(d(FESTIVAL_YEARS.1 + 1, 1, 1)), None);
    }

    #[test]
    fn festival_names_and_serde() {
        let zh: Vec<&str> = Festival::ALL.iter().map(|f| f.name_zh()).collect();
        assert_eq!(
            zh,
            [
                "元旦",
                "春节",
                "清明节",
                "劳动节",
                "端午节",
                "中秋节",
                "国庆节"
            ]
        );
        assert_eq!(Festival::DragonBoat.name_en(), "Dragon Boat Festival");
        let json = serde_json::to_string(&Festival::ALL).expect("serialize");
        assert_eq!(
            json,
            r#"["new_year","spring_festival","qingming","labour","dragon_boat","mid_autumn","national"]"#
        );
        let back: Vec<Festival> = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, Festival::ALL);
    }

    #[test]
    fn year_2027_examples() {
        use Festival::*;
        // 春节: 除夕 Fri 5 Feb, 初一–初三 6–8 Feb; 6–7 Feb are a weekend → 9 and 10 Feb.
        assert_eq!(
            days_of(2027, SpringFestival),
            [d(2027, 2, 5), d(2027, 2, 6), d(2027, 2, 7), d(2027, 2, 8)]
        );
        assert_eq!(
            provisional_day(d(2027, 2, 5)),
            Some((SpringFestival, false))
        );
        assert_eq!(provisional_day(d(2027, 2, 9)), Some((SpringFestival, true)));
        assert_eq!(
            provisional_day(d(2027, 2, 10)),
            Some((SpringFestival, true))
        );
        assert_eq!(provisional_day(d(2027, 2, 11)), None);
        // 劳动节 Sat–Sun 1–2 May → 3–4 May.
        assert_eq!(provisional_day(d(2027, 5, 3)), Some((Labour, true)));
        assert_eq!(provisional_day(d(2027, 5, 4)), Some((Labour, true)));
        // 国庆 1–3 Oct, 2–3 Oct a weekend → 4–5 Oct.
        assert_eq!(provisional_day(d(2027, 10, 1)), Some((National, false)));
        assert_eq!(provisional_day(d(2027, 10, 4)), Some((National, true)));
        assert_eq!(provisional_day(d(2027, 10, 5)), Some((National, true)));
        assert_eq!(provisional_day(d(2027, 10, 6)), None);
        // An ordinary weekend day is no festival's.
        assert_eq!(provisional_day(d(2027, 3, 6)), None);
    }

    #[test]
    fn year_2027_full_list() {
        use Festival::*;
        let rule = provisional_year(2027).expect("2027 is covered");
        assert!(rule.workdays.is_empty());
        let listed: Vec<(NaiveDate, Festival, bool)> = rule
            .holidays
            .iter()
            .filter(|&&date| !is_weekend(date))
            .map(|&date| {
                let (festival, buxiu) = provisional_day(date).expect("a listed day has a reason");
                (date, festival, buxiu)
            })
            .collect();
        let expected = vec![
            (d(2027, 1, 1), NewYear, false),
            (d(2027, 2, 5), SpringFestival, false),
            (d(2027, 2, 8), SpringFestival, false),
            (d(2027, 2, 9), SpringFestival, true),
            (d(2027, 2, 10), SpringFestival, true),
            (d(2027, 4, 5), Qingming, false),
            (d(2027, 5, 3), Labour, true),
            (d(2027, 5, 4), Labour, true),
            (d(2027, 6, 9), DragonBoat, false),
            (d(2027, 9, 15), MidAutumn, false),
            (d(2027, 10, 1), National, false),
            (d(2027, 10, 4), National, true),
            (d(2027, 10, 5), National, true),
        ];
        assert_eq!(listed, expected);
        // The weekend statutory days are listed too.
        let weekend: Vec<NaiveDate> = rule
            .holidays
            .iter()
            .copied()
            .filter(|&date| is_weekend(date))
            .collect();
        assert_eq!(
            weekend,
            [
                d(2027, 2, 6),
                d(2027, 2, 7),
                d(2027, 5, 1),
                d(2027, 5, 2),
                d(2027, 10, 2),
                d(2027, 10, 3)
            ]
        );
    }

    #[test]
    fn statutory_days_2025_2026_are_rest_days_of_the_shipped_calendar() {
        let cal = Calendar::china();
        for year in [2025, 2026] {
            for (date, festival) in statutory_days(year).expect("covered") {
                assert_eq!(
                    cal.is_working_day(date),
                    Ok(false),
                    "{year}: {date} ({}) is a working day in the shipped calendar",
                    festival.name_zh()
                );
            }
        }
    }

    /// The statutory days of the older 办法 versions, from the same lunar and term data.
    fn historic_days(year: i32) -> Vec<NaiveDate> {
        use Festival::*;
        let mut days = vec![
            d(year, 1, 1),
            d(year, 10, 1),
            d(year, 10, 2),
            d(year, 10, 3),
        ];
        let spring = days_of(year, SpringFestival);
        match year {
            // 1999 办法: 初一–初三, 劳动节 1–3 May, no 清明, 端午, 中秋.
            ..=2007 => {
                days.extend(&spring[1..]);
                days.extend([d(year, 5, 1), d(year, 5, 2), d(year, 5, 3)]);
            }
            // 国务院令第513号: 除夕–初二, 劳动节 1 May, 清明, 端午, 中秋 1 day each.
            2008..=2013 => days.extend(&spring[..3]),
            // 国务院令第644号: 初一–初三 again.
            _ => days.extend(&spring[1..]),
        }
        if year >= 2008 {
            days.push(d(year, 5, 1));
            for festival in [Qingming, DragonBoat, MidAutumn] {
                days.extend(days_of(year, festival));
            }
        }
        days
    }

    #[test]
    fn festival_days_2004_2024_are_rest_days_of_the_shipped_calendar() {
        let book = CalendarBook::builtin();
        let cal = book.calendar(CHINA).expect("the national calendar");
        let mut wrong = Vec::new();
        for year in 2004..=2024 {
            for date in historic_days(year) {
                if cal.is_working_day(date) != Ok(false) {
                    wrong.push(date.to_string());
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "working days in the shipped calendar: {wrong:?}"
        );
    }

    /// Years of 2027–2100 where 中秋 falls on a 国庆 day (one day, two festivals).
    fn shared_day_years() -> Vec<i32> {
        (2027..=2100)
            .filter(|&y| {
                let mid = days_of(y, Festival::MidAutumn)[0];
                days_of(y, Festival::National).contains(&mid)
            })
            .collect()
    }

    #[test]
    fn collisions_2027_2100() {
        assert_eq!(
            shared_day_years(),
            [2028, 2031, 2039, 2058, 2066, 2077, 2085]
        );
        // 2031: 中秋 is 1 Oct, a Wednesday: one weekday off for two festivals.
        let rule = provisional_year(2031).expect("covered");
        assert_eq!(weekday_rest(&rule).len(), 12);
        assert_eq!(
            provisional_day(d(2031, 10, 1)),
            Some((Festival::National, false))
        );
        let days = statutory_days(2031).expect("covered");
        assert_eq!(days.len(), 13);
        assert!(days.contains(&(d(2031, 10, 1), Festival::MidAutumn)));
        // 2028: 中秋 shares Tue 3 Oct; Sun 1 Oct is 国庆's one weekend day → Wed 4 Oct.
        assert_eq!(
            provisional_day(d(2028, 10, 4)),
            Some((Festival::National, true))
        );
        assert_eq!(provisional_day(d(2028, 10, 5)), None);
        // Adjacent blocks: 中秋 touching 国庆 is compensated past the whole run.
        // 2096: 中秋 Sun 30 Sep, 国庆 Mon–Wed → Thu 4 Oct.
        assert_eq!(
            provisional_day(d(2096, 10, 4)),
            Some((Festival::MidAutumn, true))
        );
        // 2036: 国庆 Wed–Fri, 中秋 Sat 4 Oct → Mon 6 Oct.
        assert_eq!(
            provisional_day(d(2036, 10, 6)),
            Some((Festival::MidAutumn, true))
        );
        for year in 2027..=2100 {
            let mid = days_of(year, Festival::MidAutumn)[0];
            if mid == d(year, 9, 30) || mid == d(year, 10, 4) {
                let rule = provisional_year(year).expect("covered");
                assert_eq!(weekday_rest(&rule).len(), 13, "{year}");
            }
        }
    }

    #[test]
    fn calendar_builds_from_provisional_years_2027_2100() {
        let years: Vec<YearRule> = (2027..=2100)
            .map(|y| provisional_year(y).expect("covered"))
            .collect();
        for rule in &years {
            assert_eq!(check_year_rule(rule, true), Ok(()), "{}", rule.year);
        }
        let cal = Calendar::from_years("provisional", &years).expect("builds");
        assert_eq!(cal.years(), (2027, 2100));
        assert_eq!(cal.is_working_day(d(2027, 2, 10)), Ok(false));
        assert_eq!(cal.is_working_day(d(2027, 2, 11)), Ok(true));
    }

    proptest! {
        #[test]
        fn provisional_years_follow_the_rule(year in 2027i32..=2100) {
            let rule = provisional_year(year).expect("covered");
            prop_assert_eq!(rule.year, year);
            prop_assert!(rule.workdays.is_empty());
            prop_assert!(rule.holidays.iter().all(|h| h.year() == year));
            prop_assert!(rule.holidays.windows(2).all(|w| w[0] < w[1]));
            let statutory: BTreeSet<NaiveDate> = statutory_days(year)
                .expect("covered")
                .into_iter()
                .map(|(date, _)| date)
                .collect();
            // 13 statutory days, each on a weekday or compensated by one 补假 on a weekday;
            // 12 in a year where 中秋 falls on a 国庆 day.
            let expected = if shared_day_years().contains(&year) { 12 } else { 13 };
            prop_assert_eq!(statutory.len(), expected);
            prop_assert_eq!(weekday_rest(&rule).len(), expected);
            let buxiu = rule
                .holidays
                .iter()
                .filter(|&&h| provisional_day(h).map(|(_, b)| b) == Some(true))
                .count();
            prop_assert_eq!(buxiu, statutory.iter().filter(|&&s| is_weekend(s)).count());
            for &h in &rule.holidays {
                prop_assert!(provisional_day(h).is_some());
                if !statutory.contains(&h) {
                    prop_assert!(!is_weekend(h), "补假 {} on a weekend", h);
                }
            }
        }
    }
}
