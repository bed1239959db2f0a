//! `tongban calendar due | explain`: due dates from the working-day calendar, one at a time
//! or in bulk, and the day-by-day explanation of one; `years | set-year | impact` on the
//! database live in `calendar_year_cmd`.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tongban_app::calendars::due::{compute, Limit};
use tongban_core::calendar::{Calendar, CalendarBook, DateSpan};

/// `tongban calendar …`
#[derive(Debug, clap::Subcommand)]
pub enum CalendarCommand {
    /// Compute a due date (期限届满日) from a start day and a time limit.
    ///
    /// The start day itself is not counted. Working-day limits skip weekends and statutory
    /// holidays and count adjusted working days (调休). A natural-day limit whose last day is
    /// not a working day ends on the next working day. A suspension (特别程序,
    /// --suspend-from A --suspend-to B, both days included) is not counted: its working days
    /// for a working-day limit, all its days for a natural-day limit.
    /// The built-in national calendar is official 2004–2026 (State Council notices); later
    /// years up to 2100 are provisional, counted by the 全国年节及纪念日放假办法 alone
    /// (statutory days, 补假, no adjusted working weekends). A date that counts a provisional
    /// day is printed with "provisional" (暂定) after it.
    ///
    /// Batch form (--batch FILE, or - for standard input): one JSON object per line,
    ///   {"id": 1, "start": "2024-09-27", "working_days": 5, "suspend": {"from": "…", "to": "…"}}
    /// ("natural_days" instead of "working_days"; "suspend" optional), answered line by line
    /// in the same order with {"id": 1, "due": "2024-10-10", "provisional": false} or
    /// {"id": 1, "error": "…"}
    /// (id null when the line is not JSON). Blank lines are skipped. Exit code 2 when any
    /// line failed.
    #[command(verbatim_doc_comment)]
    Due(DueArgs),
    /// Explain a due date day by day: each day counted or skipped and why (weekend, the named
    /// holiday, 调休 working weekend, suspension, extension, provisional).
    Explain(ExplainArgs),
    /// List the years of the database's calendar, official or provisional, with their
    /// sources and the last official day.
    Years(crate::calendar_year_cmd::YearsArgs),
    /// Load or correct a year as official (from the State Council's notice), and re-project
    /// the open cases it touches.
    SetYear(crate::calendar_year_cmd::SetYearArgs),
    /// Show every case and date that loading a year would move; changes nothing.
    Impact(crate::calendar_year_cmd::YearArgs),
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    due: DueArgs,
    /// Working days of an extension (art. 42), counted after the due date.
    #[arg(long, value_name = "N")]
    extension: Option<u32>,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("limit").args(["working_days", "natural_days"])))]
pub struct DueArgs {
    /// The start day (not counted), YYYY-MM-DD.
    #[arg(long, value_name = "DATE", required_unless_present = "batch")]
    from: Option<NaiveDate>,
    /// The limit in working days (工作日).
    #[arg(long, value_name = "N", required_unless_present_any = ["batch", "natural_days"])]
    working_days: Option<u32>,
    /// The limit in natural days (自然日).
    #[arg(long, value_name = "N")]
    natural_days: Option<u32>,
    /// First day of a suspension (not counted).
    #[arg(long, value_name = "DATE", requires = "suspend_to")]
    suspend_from: Option<NaiveDate>,
    /// Last day of the suspension (not counted).
    #[arg(long, value_name = "DATE", requires = "suspend_from")]
    suspend_to: Option<NaiveDate>,
    /// Read requests as JSON lines from FILE (- for standard input).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["from", "working_days", "natural_days", "suspend_from", "suspend_to"])]
    batch: Option<PathBuf>,
    /// A calendar file to use instead of the built-in national calendar: a national file, or
    /// a regional file with `base = "cn"` laid over the built-in one (docs/calendar.md).
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
}

pub fn run(cmd: CalendarCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        CalendarCommand::Due(args) => due(args),
        CalendarCommand::Explain(args) => explain(args),
        CalendarCommand::Years(args) => crate::calendar_year_cmd::list(args),
        CalendarCommand::SetYear(args) => crate::calendar_year_cmd::set(args),
        CalendarCommand::Impact(args) => crate::calendar_year_cmd::impact(args),
    }
}

/// The word printed after a provisional date.
fn provisional_mark(calendar: &Calendar, date: NaiveDate) -> &'static str {
    if calendar.is_provisional(date) {
        " provisional (暂定)"
    } else {
        ""
    }
}

fn one_query(args: &DueArgs) -> anyhow::Result<(NaiveDate, Limit, Option<DateSpan>)> {
    let start = args.from.context("--from is required")?;
    let limit = match (args.working_days, args.natural_days) {
        (Some(n), None) => Limit::Working(n),
        (None, Some(n)) => Limit::Natural(n),
        _ => anyhow::bail!("give one of --working-days and --natural-days"),
    };
    let suspension = match (args.suspend_from, args.suspend_to) {
        (Some(from), Some(to)) => Some(DateSpan { from, to }),
        _ => None,
    };
    Ok((start, limit, suspension))
}

fn explain(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    use tongban_core::explain::DayReason as R;
    let calendar = load_calendar(args.due.calendar.as_deref())?;
    let (start, limit, suspension) = one_query(&args.due)?;
    let limit = match limit {
        Limit::Working(n) => tongban_core::item::TimeLimit::working_days(n),
        Limit::Natural(n) => tongban_core::item::TimeLimit::natural_days(n),
    };
    let e = tongban_core::explain::explain(
        &calendar,
        start,
        limit,
        suspension.as_slice(),
        args.extension,
    )?;
    println!("start {start} (not counted)");
    for d in &e.days {
        let why = match &d.reason {
            R::WorkingDay => "working day".to_owned(),
            R::AdjustedWorkday { name } => format!("adjusted working weekend (调休上班, {name})"),
            R::NaturalDay => "natural day".to_owned(),
            R::Weekend => "weekend".to_owned(),
            R::Holiday { name } => format!("holiday: {name}"),
            R::Suspension => "suspension (特别程序)".to_owned(),
            R::EndsOnWorkingDay => "period ends on the next working day".to_owned(),
        };
        println!(
            "{} {}	{}	{why}{}{}",
            d.date,
            d.date.format("%a"),
            if d.counted { "counted" } else { "skipped" },
            if d.extension { ", extension" } else { "" },
            if d.provisional { ", provisional" } else { "" }
        );
    }
    println!(
        "due {}{} ({} day(s) counted)",
        e.due,
        provisional_mark(&calendar, e.due),
        e.counted
    );
    if e.provisional {
        println!("暂定：按暂定工作日历计算，国务院公布节假日安排后将重新计算。");
    }
    Ok(ExitCode::SUCCESS)
}

fn due(args: DueArgs) -> anyhow::Result<ExitCode> {
    let calendar = load_calendar(args.calendar.as_deref())?;
    if let Some(path) = &args.batch {
        return batch(&calendar, path);
    }
    let (start, limit, suspension) = one_query(&args)?;
    let date = compute(&calendar, start, limit, suspension)?;
    println!("{date}{}", provisional_mark(&calendar, date));
    Ok(ExitCode::SUCCESS)
}

fn load_calendar(path: Option<&std::path::Path>) -> anyhow::Result<Calendar> {
    let mut book = CalendarBook::builtin();
    let name = match path {
        None => tongban_core::calendar::CHINA.to_owned(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the calendar file {}", path.display()))?;
            book.load_str(&text)
                .with_context(|| format!("in the calendar file {}", path.display()))?
        }
    };
    let calendar = book
        .calendar(&name)
        .with_context(|| format!("no calendar named `{name}`"))?;
    Ok(Calendar::clone(calendar))
}

/// One request line of the batch form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    #[serde(default)]
    id: serde_json::Value,
    start: NaiveDate,
    working_days: Option<u32>,
    natural_days: Option<u32>,
    suspend: Option<DateSpan>,
}

/// Just the id of a line that is JSON but not a valid request, to label its error.
#[derive(Debug, Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: serde_json::Value,
}

#[derive(Debug, Serialize)]
struct Answer<'a> {
    id: &'a serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisional: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn batch(calendar: &Calendar, path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let input: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(BufReader::with_capacity(1 << 16, std::io::stdin().lock()))
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open the batch file {}", path.display()))?;
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut failed = 0usize;
    for (number, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("cannot read line {}", number + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let (id, result) = answer_line(calendar, &line);
        let record = match result {
            Ok(due) => Answer {
                id: &id,
                due: Some(due),
                provisional: Some(calendar.is_provisional(due)),
                error: None,
            },
            Err(error) => {
                failed += 1;
                Answer {
                    id: &id,
                    due: None,
                    provisional: None,
                    error: Some(format!("line {}: {error}", number + 1)),
                }
            }
        };
        serde_json::to_writer(&mut out, &record).context("cannot write the answer")?;
        out.write_all(b"\n").context("cannot write the answer")?;
    }
    out.flush().context("cannot write the answers")?;
    if failed > 0 {
        eprintln!("error: {failed} line(s) failed");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// The line's id (null when there is none to be read) and its due date or error.
fn answer_line(calendar: &Calendar, line: &str) -> (serde_json::Value, Result<NaiveDate, String>) {
    let request: Request = match serde_json::from_str(line) {
        Ok(r) => r,
        Err(e) => {
            let id = serde_json::from_str::<IdOnly>(line)
                .map(|i| i.id)
                .unwrap_or(serde_json::Value::Null);
            return (id, Err(e.to_string()));
        }
    };
    let limit = match (request.working_days, request.natural_days) {
        (Some(n), None) => Limit::Working(n),
        (None, Some(n)) => Limit::Natural(n),
        _ => {
            let error = "give exactly one of working_days and natural_days".to_owned();
            return (request.id, Err(error));
        }
    };
    let due = compute(calendar, request.start, limit, request.suspend).map_err(|e| e.to_string());
    (request.id, due)
}
