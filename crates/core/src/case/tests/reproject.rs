//! Re-projection onto a corrected calendar, and the explanation of each clock.

use super::*;
use crate::calendar::{Calendar, YearRule};
use crate::case::test_support::*;
use crate::case::*;
use crate::explain::DayReason;

/// The test calendar with one week of 2025 declared off, as the 2020 epidemic notice did.
fn corrected(extra: &[&str]) -> Calendar {
    let base = calendar();
    let mut years = Vec::new();
    for year in 2025..=2027 {
        let mut holidays = Vec::new();
        let mut workdays = Vec::new();
        let first = date(&format!("{year}-01-01"));
        for d in first
            .iter_days()
            .take_while(|d| d.format("%Y").to_string() == year.to_string())
        {
            let weekend = matches!(
                chrono::Datelike::weekday(&d),
                chrono::Weekday::Sat | chrono::Weekday::Sun
            );
            let working =
                base.is_working_day(d).unwrap() && !extra.contains(&d.to_string().as_str());
            if weekend && working {
                workdays.push(d);
            } else if !weekend && !working {
                holidays.push(d);
            }
        }
        years.push(YearRule {
            year,
            holidays,
            workdays,
        });
    }
    Calendar::from_years("test", &years).unwrap()
}

fn system() -> Actor {
    Actor {
        role: crate::role::Role::Admin,
        user: "admin".into(),
        department: None,
        window: None,
        grant: None,
    }
}

#[test]
fn an_unchanged_calendar_moves_nothing() {
    let case = accepted();
    let t = reproject(
        &case,
        &item(),
        &calendar(),
        HALL,
        &system(),
        at("2025-11-05T00:00:00Z"),
        "x",
    );
    assert_eq!(t.unwrap(), None);
}

#[test]
fn a_corrected_week_moves_the_running_dates_once_and_tells_the_applicant() {
    let case = accepted();
    let before = case.clocks.decision.unwrap();
    let cal = corrected(&[
        "2025-11-06",
        "2025-11-07",
        "2025-11-10",
        "2025-11-11",
        "2025-11-12",
    ]);
    let t = reproject(
        &case,
        &item(),
        &cal,
        HALL,
        &system(),
        at("2025-11-05T00:00:00Z"),
        "国办发明电〔2025〕9号",
    )
    .unwrap()
    .expect("dates move");
    let after = t.case.clocks.decision.unwrap();
    // Five working days taken away inside the period: the date moves five working days on.
    assert_eq!(
        cal.working_days_between(before.legal_due.date, after.legal_due.date)
            .unwrap(),
        5
    );
    assert!(after.legal_due.date > before.legal_due.date);
    assert_eq!(t.case.version, case.version + 1);
    let EventKind::Reprojected { source, moves } = &t.event.kind else {
        panic!("{:?}", t.event.kind)
    };
    assert_eq!(source, "国办发明电〔2025〕9号");
    assert!(moves
        .iter()
        .any(|m| m.clock == ClockName::Legal && m.from == before.legal_due.date));
    assert!(moves.iter().any(|m| m.clock == ClockName::Promised));
    // The stage's date moved too, but the applicant is told only the dates they were given.
    assert!(moves.iter().any(|m| matches!(m.clock, ClockName::Stage(_))));
    let Notice::Rescheduled { moves: told, .. } = &t.notifications[0].notice else {
        panic!()
    };
    assert!(told.iter().all(|m| m.clock.told_to_applicant()));
    // The acceptance clock had stopped: it is history, not re-projected.
    assert!(moves.iter().all(|m| m.clock != ClockName::Acceptance));
    // Twice is once.
    let again = reproject(
        &t.case,
        &item(),
        &cal,
        HALL,
        &system(),
        at("2025-11-05T00:00:00Z"),
        "x",
    )
    .unwrap();
    assert_eq!(again, None);
    // And back again restores the old dates.
    let back = reproject(
        &t.case,
        &item(),
        &calendar(),
        HALL,
        &system(),
        at("2025-11-06T00:00:00Z"),
        "x",
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        back.case.clocks.decision.unwrap().legal_due,
        before.legal_due
    );
}

#[test]
fn each_clock_explains_its_days_and_arrives_at_its_due_date() {
    let case = accepted();
    let it = item();
    let cal = calendar();
    for input in clock_inputs(&case, &it, HALL) {
        let e = input.explain(&cal).unwrap();
        assert_eq!(e.due, input.due.date, "{}", input.name);
        assert_eq!(e.due, input.due_on(&cal, HALL).unwrap().date);
        assert!(!e.provisional);
        if input.limit.unit == crate::item::DayUnit::WorkingDays {
            assert_eq!(e.counted, input.limit.days, "{}", input.name);
        }
        for day in &e.days {
            if day.counted {
                assert!(
                    cal.is_working_day(day.date).unwrap() || day.reason == DayReason::NaturalDay
                );
            }
        }
    }
}
