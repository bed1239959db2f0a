//! `tongban calendar due`: due dates from the working-day calendar, one at a time or in bulk.

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
    /// The built-in national calendar covers 2004–2026; dates outside it are an error.
    ///
    /// Batch form (--batch FILE, or - for standard input): one JSON object per line,
    ///   {"id": 1, "start": "2024-09-27", "working_days": 5, "suspend": {"from": "…", "to": "…"}}
    /// ("natural_days" instead of "working_days"; "suspend" optional), answered line by line
    /// in the same order with {"id": 1, "due": "2024-10-10"} or {"id": 1, "error": "…"}
    /// (id null when the line is not JSON). Blank lines are skipped. Exit code 2 when any
    /// line failed.
    #[command(verbatim_doc_comment)]
    Due(DueArgs),
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
    }
}

fn due(args: DueArgs) -> anyhow::Result<ExitCode> {
    let calendar = load_calendar(args.calendar.as_deref())?;
    if let Some(path) = &args.batch {
        return batch(&calendar, path);
    }
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
    let date = compute(&calendar, start, limit, suspension)?;
    println!("{date}");
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
                error: None,
            },
            Err(error) => {
                failed += 1;
                Answer {
                    id: &id,
                    due: None,
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
