//! Exact due dates against the State Council notices, the shipped data, the file format and
//! the administrator's corrections.

use chrono::{Datelike, NaiveDate};

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn cn() -> Calendar {
    Calendar::china()
}

fn due(start: &str, n: u32) -> NaiveDate {
    cn().add_working_days(d(start), n).unwrap()
}

fn working(s: &str) -> bool {
    cn().is_working_day(d(s)).unwrap()
}

fn count(from: &str, to: &str) -> u32 {
    cn().working_days_between(d(from), d(to)).unwrap()
}

fn span(from: &str, to: &str) -> DateSpan {
    DateSpan {
        from: d(from),
        to: d(to),
    }
}

// ---- the shipped national calendar, year by year (国办发明电 notices) ----

#[test]
fn builtin_covers_2004_through_2026_with_a_source_for_every_year() {
    let book = CalendarBook::builtin();
    let cal = book.calendar(CHINA).unwrap();
    // Official through 2026; every later year provisional, up to the festival data's end.
    assert_eq!(cal.official_through(), 2026);
    assert_eq!(cal.years(), (2004, FESTIVAL_YEARS.1));
    assert_eq!(cal.last_official_day(), d("2026-12-31"));
    assert!(!cal.is_provisional(d("2026-12-31")));
    assert!(cal.is_provisional(d("2027-01-04")));
    for year in 2004..=2026 {
        assert!(book.year(CHINA, year).is_some(), "{year}");
        assert!(book.source(CHINA, year).is_some(), "{year} has no source");
    }
    assert_eq!(
        book.source(CHINA, 2024),
        Some("国办发明电〔2023〕7号"),
        "the 2024 notice"
    );
}

#[test]
fn national_day_and_mid_autumn_2024() {
    // 国庆节 10-01..07 off, Sunday 09-29 and Saturday 10-12 worked; 中秋节 09-15..17 off,
    // Saturday 09-14 worked.
    assert_eq!(due("2024-09-27", 1), d("2024-09-29"));
    assert_eq!(due("2024-09-27", 2), d("2024-09-30"));
    assert_eq!(due("2024-09-27", 3), d("2024-10-08"));
    assert_eq!(due("2024-09-27", 5), d("2024-10-10"));
    assert_eq!(due("2024-09-27", 6), d("2024-10-11"));
    assert_eq!(due("2024-09-27", 7), d("2024-10-12"));
    assert_eq!(due("2024-09-13", 1), d("2024-09-14"));
    assert_eq!(due("2024-09-13", 2), d("2024-09-18"));
    assert!(!working("2024-09-28"));
    assert!(!working("2024-10-07"));
    assert_eq!(count("2024-09-27", "2024-10-12"), 7);
}

#[test]
fn spring_festival_2024() {
    // 02-10..17 off (8 days), Sundays 02-04 and 02-18 worked.
    assert!(working("2024-02-04"));
    assert!(!working("2024-02-16"));
    assert_eq!(due("2024-02-08", 1), d("2024-02-09"));
    assert_eq!(due("2024-02-08", 2), d("2024-02-18"));
    assert_eq!(due("2024-02-08", 3), d("2024-02-19"));
    // 20 working days (art. 42) from acceptance on 2024-02-01.
    assert_eq!(due("2024-02-01", 20), d("2024-03-05"));
}

#[test]
fn spring_festival_2025_starts_on_new_years_eve() {
    // From 2025 (国务院令第795号) 除夕 is a holiday: 01-28 (除夕)..02-04 off, Sunday 01-26 and
    // Saturday 02-08 worked; 劳动节 05-01..05 with Sunday 04-27 worked.
    assert!(!working("2025-01-28"));
    assert!(working("2025-01-26"));
    assert!(working("2025-02-08"));
    assert_eq!(due("2025-01-27", 1), d("2025-02-05"));
    assert_eq!(count("2025-01-24", "2025-02-08"), 6);
    assert!(working("2025-04-27"));
    assert!(!working("2025-05-05"));
    assert_eq!(due("2025-04-30", 1), d("2025-05-06"));
    // 2024 still had 除夕 (02-09) as a working day.
    assert!(working("2024-02-09"));
}

#[test]
fn spring_festival_2026_is_a_nine_day_block() {
    // 02-15 (Sunday)..02-23 (Monday) off, Saturdays 02-14 and 02-28 worked.
    for day in d("2026-02-15").iter_days().take(9) {
        assert!(!cn().is_working_day(day).unwrap(), "{day}");
    }
    assert_eq!(due("2026-02-13", 1), d("2026-02-14"));
    assert_eq!(due("2026-02-13", 2), d("2026-02-24"));
    assert_eq!(count("2026-02-13", "2026-02-28"), 6);
}

#[test]
fn the_2008_reform_adds_qingming_and_ends_the_may_week() {
    // 2007: 05-01..07 off (golden week), 清明 a working day.
    assert!(working("2007-04-05"));
    assert_eq!(due("2007-04-30", 1), d("2007-05-08"));
    // 2008 (国务院令第513号): 清明 04-04..06, 劳动节 05-01..03 with Sunday 05-04 worked,
    // 端午 06-07..09, 中秋 09-13..15.
    assert!(!working("2008-04-04"));
    assert_eq!(due("2008-04-03", 1), d("2008-04-07"));
    assert_eq!(due("2008-04-30", 1), d("2008-05-04"));
    assert!(!working("2008-06-09"));
    assert!(!working("2008-09-15"));
    // The 2008 New Year block began in 2007: 12-30..01-01 off, Saturday 2007-12-29 worked.
    assert!(working("2007-12-29"));
    assert!(!working("2007-12-31"));
    assert_eq!(due("2007-12-28", 2), d("2008-01-02"));
}

#[test]
fn spring_festival_2020_extended_for_the_epidemic() {
    // 国办发明电〔2019〕16号: 01-24..30 off, 01-19 and 02-01 worked; 国办发明电〔2020〕1号
    // extended the holiday to 02-02, so Saturday 02-01 was no longer worked.
    assert!(working("2020-01-19"));
    assert!(!working("2020-01-31"));
    assert!(!working("2020-02-01"));
    assert_eq!(due("2020-01-23", 1), d("2020-02-03"));
}

#[test]
fn special_and_amended_arrangements() {
    // 抗战胜利70周年纪念日: 2015-09-03..05 off, Sunday 09-06 worked.
    assert!(!working("2015-09-03"));
    assert!(!working("2015-09-04"));
    assert!(working("2015-09-06"));
    // 2019 劳动节 amended to 05-01..04 (国办发明电〔2019〕2号), Sundays 04-28 and 05-05 worked.
    assert!(!working("2019-05-02"));
    assert!(working("2019-04-28"));
    assert!(working("2019-05-05"));
}

#[test]
fn working_days_per_year() {
    let per_year = |y: i32| {
        cn().working_days_between(d(&format!("{}-12-31", y - 1)), d(&format!("{y}-12-31")))
            .unwrap()
    };
    assert_eq!(per_year(2008), 251);
    assert_eq!(per_year(2020), 249);
    assert_eq!(per_year(2024), 251);
    assert_eq!(per_year(2025), 248);
    assert_eq!(per_year(2026), 248);
}

// ---- suspensions and natural days ----

#[test]
fn a_suspension_pushes_the_due_date() {
    let cal = cn();
    // 5 working days after 2024-09-27: 09-29 counts; 09-30..10-08 suspended; then 10-09,
    // 10-10, 10-11 and Saturday 10-12 (worked).
    let got = cal
        .add_working_days_excluding(d("2024-09-27"), 5, &[span("2024-09-30", "2024-10-08")])
        .unwrap();
    assert_eq!(got, d("2024-10-12"));
    // A suspension after the due date changes nothing, even one past the calendar's end.
    let far = [
        span("2024-11-01", "2024-11-05"),
        span("2030-01-01", "2030-01-02"),
    ];
    assert_eq!(
        cal.add_working_days_excluding(d("2024-09-27"), 5, &far)
            .unwrap(),
        d("2024-10-10")
    );
    // Spans in any order; a span covering the start only counts after it.
    let spans = [
        span("2024-10-11", "2024-10-11"),
        span("2024-09-20", "2024-09-29"),
    ];
    assert_eq!(
        cal.add_working_days_excluding(d("2024-09-27"), 5, &spans)
            .unwrap(),
        d("2024-10-12")
    );
}

#[test]
fn bad_suspensions_are_errors() {
    let cal = cn();
    let start = d("2024-03-01");
    assert!(matches!(
        cal.add_working_days_excluding(start, 5, &[span("2024-03-05", "2024-03-04")]),
        Err(CalendarError::InvertedSpan { .. })
    ));
    assert!(matches!(
        cal.add_working_days_excluding(
            start,
            5,
            &[
                span("2024-03-04", "2024-03-06"),
                span("2024-03-06", "2024-03-08")
            ]
        ),
        Err(CalendarError::OverlappingSpans { .. })
    ));
}

#[test]
fn natural_days_end_on_a_working_day() {
    let cal = cn();
    // 2024-09-25 + 10 = 10-05, a holiday: the period ends on 10-08.
    assert_eq!(
        cal.add_natural_days(d("2024-09-25"), 10).unwrap(),
        d("2024-10-08")
    );
    // 2024-09-19 + 10 = 09-29, a Sunday worked (调休): it stays.
    assert_eq!(
        cal.add_natural_days(d("2024-09-19"), 10).unwrap(),
        d("2024-09-29")
    );
    // With 3 suspended days: 09-19 + 13 = 10-02, a holiday: 10-08.
    assert_eq!(
        cal.add_natural_days_excluding(d("2024-09-19"), 10, &[span("2024-09-20", "2024-09-22")])
            .unwrap(),
        d("2024-10-08")
    );
}

#[test]
fn dates_outside_the_calendar_are_errors() {
    let cal = cn();
    assert!(matches!(
        cal.add_working_days(d("2003-12-31"), 1),
        Err(CalendarError::OutOfRange {
            first_year: 2004,
            last_year: 2100,
            ..
        })
    ));
    // The real date never stops the hall: 2027 is counted provisionally.
    assert_eq!(
        cal.add_working_days(d("2026-12-01"), 30).unwrap(),
        d("2027-01-13")
    );
    assert!(matches!(
        cal.add_working_days(d("2100-12-01"), 30),
        Err(CalendarError::OutOfRange { .. })
    ));
    assert!(cal.add_natural_days(d("2026-12-01"), u32::MAX).is_err());
    assert!(cal.add_working_days(d("2026-12-01"), u32::MAX).is_err());
    assert!(cal.is_working_day(d("2101-01-01")).is_err());
}

// ---- the file format ----

#[test]
fn shipped_file_parses_with_ranges_and_sources() {
    let file = parse_calendar_file(CHINA_TOML).unwrap();
    assert_eq!(file.name, "cn");
    assert_eq!(file.base, None);
    assert_eq!(file.years.len(), 23);
    let y2024 = file.years.iter().find(|y| y.year == 2024).unwrap();
    // "2024-02-10..2024-02-17" expands to 8 days.
    assert_eq!(y2024.holidays.iter().filter(|h| h.month() == 2).count(), 8);
}

fn parse_err(text: &str) -> CalendarFileError {
    parse_calendar_file(text).unwrap_err()
}

#[test]
fn file_errors_name_the_line_year_and_entry() {
    let text = "name = \"t\"\n[[year]]\nyear = 2024\nholidays = [\n  \"2024-01-01\",\n  \"2024-13-01\",\n]\n";
    let err = parse_err(text);
    assert_eq!(err.line, Some(6));
    assert!(matches!(
        err.problem,
        FileProblem::Entry {
            year: 2024,
            field: "holidays",
            index: 1,
            problem: EntryProblem::NotADate,
            ..
        }
    ));
    assert!(err.to_string().contains("line 6"), "{err}");
    assert!(err.to_string().contains("2024-13-01"), "{err}");

    let text = "name = \"t\"\n[[year]]\nyear = 2024\nholidays = [\"2024-02-17..2024-02-10\"]\n";
    assert!(matches!(
        parse_err(text).problem,
        FileProblem::Entry {
            problem: EntryProblem::Reversed,
            ..
        }
    ));

    let text = "name = \"t\"\n[[year]]\nyear = 2024\nholidays = [\"2023-12-31..2024-01-01\"]\n";
    assert!(matches!(
        parse_err(text).problem,
        FileProblem::Entry {
            problem: EntryProblem::NotInYear(_),
            ..
        }
    ));

    let text = "name = \"t\"\n[[year]]\nyear = 2024\nholidays = [\"2024-10-05\"]\nworkdays = [\"2024-10-05\"]\n";
    let err = parse_err(text);
    assert_eq!(err.line, Some(5));
    assert!(matches!(
        err.problem,
        FileProblem::Entry {
            field: "workdays",
            problem: EntryProblem::HolidayAndWorkday(_),
            ..
        }
    ));

    // 2024-10-08 is a Tuesday: listing it as 调休 is a slip of the pen.
    let text = "name = \"t\"\n[[year]]\nyear = 2024\nworkdays = [\"2024-10-08\"]\n";
    assert!(matches!(
        parse_err(text).problem,
        FileProblem::Entry {
            problem: EntryProblem::WorkdayNotWeekend(..),
            ..
        }
    ));

    let text = "name = \"t\"\n[[year]]\nyear = 2024\n[[year]]\nyear = 2024\n";
    let err = parse_err(text);
    assert_eq!(
        (err.line, err.problem),
        (Some(5), FileProblem::DuplicateYear(2024))
    );

    let text = "name = \"t\"\n[[year]]\nyear = 2024\nholiday = []\n";
    let err = parse_err(text);
    assert!(matches!(err.problem, FileProblem::Syntax(_)));
    assert_eq!(err.line, Some(4), "{err}");

    assert!(matches!(
        parse_err("name = \"T T\"\n").problem,
        FileProblem::BadName(_)
    ));
    assert_eq!(parse_err("name = \"t\"\n").problem, FileProblem::NoYears);
    let text = "name = \"t\"\n[[year]]\nyear = 20244\n";
    assert!(matches!(
        parse_err(text).problem,
        FileProblem::UnsupportedYear { year: 20244 }
    ));
}

// ---- the administrator's corrections and regional calendars ----

fn rule(year: i32, holidays: &[&str], workdays: &[&str]) -> YearRule {
    YearRule {
        year,
        holidays: holidays.iter().map(|s| d(s)).collect(),
        workdays: workdays.iter().map(|s| d(s)).collect(),
    }
}

#[test]
fn next_year_can_be_added_and_a_year_corrected() {
    let mut book = CalendarBook::builtin();
    let cal = book
        .set_year(CHINA, rule(2027, &["2027-01-01"], &[]))
        .unwrap();
    assert_eq!(cal.official_through(), 2027);
    assert!(!cal.is_provisional(d("2027-12-31")));
    assert!(!cal.is_working_day(d("2027-01-01")).unwrap());
    // Loaded as official, 2027 has only what the notice says: no 补假 of the rule.
    assert!(cal.is_working_day(d("2027-02-09")).unwrap());
    assert_eq!(
        cal.add_working_days(d("2026-12-31"), 1).unwrap(),
        d("2027-01-04")
    );

    // Correct 2024: suppose 10-08 had been a holiday too.
    let mut y2024 = book.year(CHINA, 2024).unwrap().clone();
    y2024.holidays.push(d("2024-10-08"));
    let cal = book.set_year(CHINA, y2024).unwrap();
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 5).unwrap(),
        d("2024-10-11")
    );
    assert_eq!(
        book.source(CHINA, 2024),
        None,
        "the notice no longer describes 2024"
    );
    // The shipped calendar itself is untouched.
    assert_eq!(
        Calendar::china()
            .add_working_days(d("2024-09-27"), 5)
            .unwrap(),
        d("2024-10-10")
    );
}

#[test]
fn a_bad_year_leaves_the_book_unchanged() {
    let mut book = CalendarBook::builtin();
    let gap = book.set_year(CHINA, rule(2028, &[], &[]));
    assert!(matches!(
        gap,
        Err(CalendarBookError::Calendar(CalendarError::MissingYear {
            year: 2027,
            ..
        }))
    ));
    let weekday = book.set_year(CHINA, rule(2024, &[], &["2024-10-08"]));
    assert!(
        matches!(weekday, Err(CalendarBookError::Rule { .. })),
        "{weekday:?}"
    );
    let other_year = book.set_year(CHINA, rule(2024, &["2025-01-01"], &[]));
    assert!(matches!(other_year, Err(CalendarBookError::Rule { .. })));
    assert!(matches!(
        book.set_year("nowhere", rule(2024, &[], &[])),
        Err(CalendarBookError::UnknownCalendar(_))
    ));
    assert_eq!(book.calendar(CHINA).unwrap().official_through(), 2026);
    assert_eq!(
        book.year(CHINA, 2024),
        CalendarBook::builtin().year(CHINA, 2024)
    );
}

const GUANGXI: &str = r#"
name = "cn-gx"
base = "cn"

[[year]]
year = 2024
holidays = ["2024-04-11..2024-04-12"]   # 三月三 (壮族三月三)
workdays = ["2024-10-07"]               # made-up: a national holiday worked locally
"#;

#[test]
fn a_regional_calendar_lays_its_days_over_the_base() {
    let mut book = CalendarBook::builtin();
    assert_eq!(book.load_str(GUANGXI).unwrap(), "cn-gx");
    assert_eq!(book.base_of("cn-gx"), Some(CHINA));
    let gx = book.calendar("cn-gx").unwrap().clone();
    assert_eq!(gx.official_through(), 2026);
    assert_eq!(gx.years(), (2004, FESTIVAL_YEARS.1));
    assert!(!gx.is_working_day(d("2024-04-11")).unwrap());
    assert!(Calendar::china().is_working_day(d("2024-04-11")).unwrap());
    assert!(gx.is_working_day(d("2024-10-07")).unwrap());
    // Everything else is the national calendar.
    assert!(!gx.is_working_day(d("2024-10-06")).unwrap());
    assert_eq!(
        gx.add_working_days(d("2024-04-10"), 1).unwrap(),
        d("2024-04-15")
    );

    // Correcting the base rebuilds the region.
    book.set_year(CHINA, rule(2027, &["2027-01-01"], &[]))
        .unwrap();
    assert_eq!(book.calendar("cn-gx").unwrap().official_through(), 2027);

    // And the region's own year can be set.
    book.set_year("cn-gx", rule(2025, &["2025-03-31"], &[]))
        .unwrap();
    assert!(!book
        .calendar("cn-gx")
        .unwrap()
        .is_working_day(d("2025-03-31"))
        .unwrap());
    // A regional 调休 may fall on any day (it may cancel a national holiday).
    book.set_year("cn-gx", rule(2025, &[], &["2025-10-08"]))
        .unwrap();
}

#[test]
fn regional_calendars_need_their_base() {
    let mut empty = CalendarBook::new();
    assert!(matches!(
        empty.load_str(GUANGXI),
        Err(CalendarBookError::UnknownBase { .. })
    ));
    let mut book = CalendarBook::builtin();
    let outside =
        "name = \"x\"\nbase = \"cn\"\n[[year]]\nyear = 2030\nholidays = [\"2030-01-02\"]\n";
    assert!(matches!(
        book.load_str(outside),
        Err(CalendarBookError::YearOutsideBase { year: 2030, .. })
    ));
    book.load_str(GUANGXI).unwrap();
    let cn_made_regional = "name = \"cn\"\nbase = \"cn-gx\"\n";
    assert!(matches!(
        book.load_str(cn_made_regional),
        Err(CalendarBookError::BaseMadeRegional { .. })
    ));
    let region_over_region = "name = \"cn-gx-nn\"\nbase = \"cn-gx\"\n";
    assert!(matches!(
        book.load_str(region_over_region),
        Err(CalendarBookError::RegionalBase { .. })
    ));
    assert_eq!(book.names().collect::<Vec<_>>(), ["cn", "cn-gx"]);
}
