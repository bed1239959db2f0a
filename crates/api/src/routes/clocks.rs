//! `GET /api/v1/cases/{case_no}/clocks`: each clock of a case, its inputs, and the day-by-day
//! explanation of its due date (use case `tongban_app::cases::clocks`).

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Serialize;
use tongban_app::cases::clocks::{self, ClockView};
use tongban_core::explain::ExplainedDay;
use tongban_core::item::DayUnit;
use utoipa::ToSchema;

use crate::auth::caller::Caller;
use crate::problem::Problem;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SuspensionSpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// One counted or skipped day.
#[derive(Debug, Serialize, ToSchema)]
pub struct Day {
    pub date: NaiveDate,
    pub counted: bool,
    /// `working_day`, `adjusted_workday` (调休上班), `natural_day`, `weekend`, `holiday`,
    /// `suspension` or `ends_on_working_day`.
    pub reason: String,
    /// The holiday's name (e.g. 春节, 国庆节补假), or the holiday a worked weekend makes up for.
    pub name: Option<String>,
    /// Counted on a provisional year.
    pub provisional: bool,
    /// Counted as part of the extension (art. 42).
    pub extension: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockExplained {
    /// `acceptance`, `promised`, `legal`, `delivery` or `stage:<code>`.
    pub clock: String,
    pub started_on: NaiveDate,
    pub limit_days: u32,
    /// `working_days` or `natural_days`.
    pub unit: &'static str,
    pub suspensions: Vec<SuspensionSpan>,
    pub extension_days: Option<u32>,
    /// The due date stored on the case.
    pub due: NaiveDate,
    /// The due date counts a provisional year (暂定).
    pub provisional: bool,
    pub running: bool,
    /// Days counted towards the limit (and the extension).
    pub counted: u32,
    /// Where the walk over the calendar in force ends: `due`, unless a calendar change has
    /// not reached this case yet.
    pub explained_due: NaiveDate,
    pub days: Vec<Day>,
}

fn day(d: &ExplainedDay) -> Day {
    use tongban_core::explain::DayReason as R;
    let (reason, name) = match &d.reason {
        R::WorkingDay => ("working_day", None),
        R::AdjustedWorkday { name } => ("adjusted_workday", Some(name.clone())),
        R::NaturalDay => ("natural_day", None),
        R::Weekend => ("weekend", None),
        R::Holiday { name } => ("holiday", Some(name.clone())),
        R::Suspension => ("suspension", None),
        R::EndsOnWorkingDay => ("ends_on_working_day", None),
    };
    Day {
        date: d.date,
        counted: d.counted,
        reason: reason.to_owned(),
        name,
        provisional: d.provisional,
        extension: d.extension,
    }
}

pub fn explained(c: &ClockView) -> ClockExplained {
    ClockExplained {
        clock: c.clock.to_string(),
        started_on: c.started_on,
        limit_days: c.limit.days,
        unit: match c.limit.unit {
            DayUnit::WorkingDays => "working_days",
            DayUnit::NaturalDays => "natural_days",
            DayUnit::Months => "months",
        },
        suspensions: c
            .suspensions
            .iter()
            .map(|s| SuspensionSpan {
                from: s.from,
                to: s.to,
            })
            .collect(),
        extension_days: c.extension,
        due: c.due,
        provisional: c.provisional,
        running: c.running,
        counted: c.explanation.counted,
        explained_due: c.explanation.due,
        days: c.explanation.days.iter().map(day).collect(),
    }
}

/// Each clock of the case: its start, limit, suspensions and extension, and every day to its
/// due date, counted or skipped and why (weekend, the named holiday, 调休 working weekend,
/// suspension, extension, provisional).
#[utoipa::path(
    tag = "cases",
    params(("case_no" = String, Path, description = "Case number")),
    responses(
        (status = 200, body = Vec<ClockExplained>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such case in the caller's scope")
    )
)]
#[get("/api/v1/cases/{case_no}/clocks")]
pub async fn case_clocks(
    state: web::Data<AppState>,
    caller: Caller,
    case_no: web::Path<String>,
) -> Result<web::Json<Vec<ClockExplained>>, Problem> {
    let views = clocks::clocks(&state, &caller.0, &case_no).await?;
    Ok(web::Json(views.iter().map(explained).collect()))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(case_clocks);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(case_clocks))]
pub struct Doc;
