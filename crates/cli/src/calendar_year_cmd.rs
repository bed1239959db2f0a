//! `tongban calendar years | set-year | impact`: the hall's calendar years on the database,
//! through the same use cases as `GET/PUT /api/v1/calendar/years` and `POST …/impact`.

use std::process::ExitCode;

use anyhow::Context;
use tongban_app::calendars::{set_year, years};
use tongban_core::calendar::{parse_dates, YearRule};

use crate::db_args::{block_on, explain, DbArgs};

#[derive(Debug, clap::Args)]
pub struct YearsArgs {
    #[command(flatten)]
    db: DbArgs,
}

/// A year as the State Council's notice gives it.
#[derive(Debug, clap::Args)]
pub struct YearArgs {
    /// The year, e.g. 2027.
    year: i32,
    /// Days off beyond weekends (a block may list its weekend days too): dates or ranges,
    /// separated by commas, e.g. `2027-01-01,2027-02-05..2027-02-11`.
    #[arg(long, value_name = "DATES", default_value = "")]
    holidays: String,
    /// Weekend days worked (调休上班), e.g. `2027-02-14,2027-02-20`.
    #[arg(long, value_name = "DATES", default_value = "")]
    workdays: String,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, clap::Args)]
pub struct SetYearArgs {
    #[command(flatten)]
    year: YearArgs,
    /// The notice: its document number (e.g. 国办发明电〔2026〕N号) or title.
    #[arg(long, value_name = "TEXT")]
    source: String,
    /// Who loads it, for the audit record and the case events.
    #[arg(long, value_name = "USERNAME", default_value = "admin")]
    by: String,
}

fn rule(args: &YearArgs) -> anyhow::Result<YearRule> {
    let dates = |flag: &str, text: &str| {
        parse_dates(text)
            .map_err(|(entry, problem)| anyhow::anyhow!("--{flag} `{entry}`: {problem}"))
    };
    Ok(YearRule {
        year: args.year,
        holidays: dates("holidays", &args.holidays)?,
        workdays: dates("workdays", &args.workdays)?,
    })
}

/// Lists every year, official or provisional, with its source and the last official day.
pub fn list(args: YearsArgs) -> anyhow::Result<ExitCode> {
    let app = args.db.app()?;
    let y = block_on(years::years(&app))?.map_err(|e| explain(&e))?;
    println!(
        "Last official day: {} ({} days from today)",
        y.horizon.last_official_day, y.horizon.days_left
    );
    if y.horizon.warns() {
        println!("Warning: {}", y.horizon.warning_en());
    }
    for v in &y.years {
        println!(
            "{}\t{}\t{}",
            v.year,
            if v.official {
                "official"
            } else {
                "provisional"
            },
            v.source.as_deref().unwrap_or("-")
        );
    }
    for r in &y.reprojections {
        println!(
            "re-projection for {} ({}): {} cases examined, {} moved{}",
            r.year,
            r.source,
            r.examined,
            r.moved,
            if r.finished_at.is_some() {
                ""
            } else {
                ", not finished"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints every date loading the year would move; changes nothing.
pub fn impact(args: YearArgs) -> anyhow::Result<ExitCode> {
    let rule = rule(&args)?;
    let app = args.db.app()?;
    let lines = block_on(set_year::impact(&app, rule))?.map_err(|e| explain(&e))?;
    for l in &lines {
        println!(
            "{}\t{}\t{} -> {}{}",
            l.case_no,
            l.moved.clock,
            l.moved.from,
            l.moved.to,
            if l.moved.provisional {
                " (provisional)"
            } else {
                ""
            }
        );
    }
    println!("{} date(s) would move", lines.len());
    Ok(ExitCode::SUCCESS)
}

/// Loads or corrects the year as official and re-projects the open cases it touches.
pub fn set(args: SetYearArgs) -> anyhow::Result<ExitCode> {
    let rule = rule(&args.year)?;
    let app = args.year.db.app()?;
    let year = rule.year;
    let set = block_on(set_year::set_year(&app, &args.by, rule, Some(args.source)))?
        .map_err(|e| explain(&e))
        .context("the year was not loaded")?;
    println!(
        "Loaded {year} as official ({}); official through {}.",
        set.source.as_deref().unwrap_or("-"),
        set.official_through
    );
    if set.reprojected {
        println!(
            "Re-projected {} open case(s): {} moved.",
            set.examined, set.moved
        );
    } else {
        println!("Another process is re-projecting the open cases; it finishes the work.");
    }
    Ok(ExitCode::SUCCESS)
}
