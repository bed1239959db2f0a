//! Loading or correcting one year of the national calendar as official
//! (`PUT /api/v1/calendar/years/{year}`, `tongban calendar set-year`, the admin page), and its
//! preview (`POST …/impact`). Every process counts on the year at once (the configuration
//! revision moves with it), and the open cases it touches are re-projected onto it.

use std::time::Duration;

use tongban_core::calendar::{CalendarBook, CalendarBookError, FileProblem, YearRule, CHINA};
use tongban_store::{calendar_years, reprojections};

use super::reproject::{self, ImpactLine};
use crate::app::Config;
use crate::audit;
use crate::error::{AppResult, Error};
use crate::records::{millis, to_json};
use crate::validate::Fields;
use crate::App;

/// The year as stored, what the calendar now holds, and the re-projection it caused.
#[derive(Debug, Clone)]
pub struct YearSet {
    pub calendar: &'static str,
    pub rule: YearRule,
    pub source: Option<String>,
    pub first_year: i32,
    pub last_year: i32,
    /// The last year loaded from a notice (this one or a later one).
    pub official_through: i32,
    /// Open cases looked at, and those whose dates moved.
    pub examined: i64,
    pub moved: i64,
    /// False when another process is still working the re-projection (it finishes it).
    pub reprojected: bool,
}

/// The longest the request waits for a re-projection another process took over.
const WAIT: Duration = Duration::from_secs(60);

pub async fn set_year(
    app: &App,
    actor: &str,
    rule: YearRule,
    source: Option<String>,
) -> AppResult<YearSet> {
    let source = clean_source(source)?;
    let (_, book) = candidate(app, &rule).await?;
    let calendar = book.calendar(CHINA).cloned().ok_or_else(Error::internal)?;
    let (first_year, last_year) = calendar.years();
    let now = app.clock.now();
    let mut record = super::year_record(&rule, now);
    record.source = source.clone();
    let audit_record = audit::record(
        now,
        actor,
        "calendar.set_year",
        &format!("{CHINA}/{}", record.year),
        to_json(&serde_json::json!({ "rule": &rule, "source": &source })),
    );
    let job_source = source
        .clone()
        .unwrap_or_else(|| format!("{} 年度工作日历", rule.year));
    let year = record.year;
    let actor = actor.to_owned();
    let at = millis(now);
    let job = app
        .store
        .write(move |conn| {
            calendar_years::put(conn, &record)?;
            tongban_store::audit::append(conn, &audit_record)?;
            reprojections::start(conn, CHINA, year, &job_source, &actor, at)
        })
        .await?;
    app.config().await?;
    reproject::run_pending(app).await?;
    let deadline = tokio::time::Instant::now() + WAIT;
    let finished = loop {
        let record = app.store.read(move |c| reprojections::get(c, job)).await?;
        match record {
            Some(r) if r.finished_at.is_some() => break Some(r),
            Some(_) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
                // Taken over from a process that stopped: this one can finish it now.
                reproject::run_pending(app).await?;
            }
            _ => break None,
        }
    };
    Ok(YearSet {
        calendar: CHINA,
        rule,
        source,
        first_year,
        last_year,
        official_through: calendar.official_through(),
        examined: finished.as_ref().map_or(0, |r| r.examined),
        moved: finished.as_ref().map_or(0, |r| r.moved),
        reprojected: finished.is_some(),
    })
}

/// What loading `rule` would move: every date of every open case, nothing changed.
pub async fn impact(app: &App, rule: YearRule) -> AppResult<Vec<ImpactLine>> {
    let (config, book) = candidate(app, &rule).await?;
    let candidate = Config {
        revision: config.revision,
        catalogue: config.catalogue.clone(),
        calendars: book,
        keys: config.keys.clone(),
    };
    reproject::preview(app, &candidate).await
}

/// The configuration now and the calendars with `rule` loaded, checked on a copy: nothing is
/// stored unless the calendar builds with the year.
async fn candidate(
    app: &App,
    rule: &YearRule,
) -> AppResult<(std::sync::Arc<Config>, CalendarBook)> {
    let config = app.config().await?;
    let mut book = config.calendars.clone();
    book.set_year(CHINA, rule.clone()).map_err(year_error)?;
    Ok((config, book))
}

/// The notice's document number or title: one line, at most 200 characters.
fn clean_source(source: Option<String>) -> AppResult<Option<String>> {
    let Some(s) = source
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
    else {
        return Ok(None);
    };
    let mut fields = Fields::default();
    if s.chars().count() > 200 || s.chars().any(char::is_control) {
        fields.error(
            "source",
            "来源须为一行、不超过 200 字（通知文号或标题）",
            "source must be one line of at most 200 characters (the notice's number or title)",
        );
    }
    fields.finish()?;
    Ok(Some(s))
}

fn year_error(e: CalendarBookError) -> Error {
    let mut fields = Fields::default();
    match &e {
        CalendarBookError::Rule { problem, .. } => match problem {
            FileProblem::Entry { field, index, .. } => {
                let msg = problem.to_string();
                fields.error(&format!("{field}[{index}]"), msg.clone(), msg);
            }
            other => {
                let msg = other.to_string();
                fields.error("year", msg.clone(), msg);
            }
        },
        other => {
            // E.g. a year not next to the official years: they must stay contiguous.
            let msg = other.to_string();
            fields.error(
                "year",
                format!("无法载入该年度：{msg}（正式年度须与已有正式年度相连）"),
                format!("cannot set this year: {msg} (official years must be contiguous)"),
            );
        }
    }
    fields.finish().err().unwrap_or_else(Error::internal)
}
