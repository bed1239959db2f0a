//! The working-day calendar: due dates for anyone, and the administrator's years (a newly
//! published year, or a corrected one).

use actix_web::http::StatusCode;
use actix_web::{get, put, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tongban_core::calendar::{CalendarBookError, CalendarError, FileProblem, YearRule, CHINA};
use tongban_core::role::Role;
use tongban_store::{audit, calendar_years, NewAudit};
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::Caller;
use tongban_app::calendars;
use crate::problem::{Problem, Text};
use tongban_app::records::{millis, to_json};
use crate::state::AppState;
use tongban_app::validate::Fields;

/// The longest period asked for: ten years of days.
pub const MAX_DAYS: u32 = 3650;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DueQuery {
    /// The day the period starts (not counted), `YYYY-MM-DD`.
    pub from: String,
    /// A period of this many working days (0–3650); give this or `natural_days`.
    pub working_days: Option<u32>,
    /// A period of this many natural days (0–3650); it ends on a working day.
    pub natural_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Due {
    /// The last day of the period.
    pub due: NaiveDate,
}

fn date_field(fields: &mut Fields, field: &str, value: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
    if parsed.is_none() {
        fields.error(
            field,
            format!("“{value}”不是有效日期（应为 YYYY-MM-DD）"),
            format!("`{value}` is not a valid date (expected YYYY-MM-DD)"),
        );
    }
    parsed
}

fn days_field(fields: &mut Fields, field: &str, n: u32) {
    if n > MAX_DAYS {
        fields.error(
            field,
            format!("须在 0 到 {MAX_DAYS} 之间"),
            format!("must be 0 to {MAX_DAYS}"),
        );
    }
}

fn outside_calendar(e: &CalendarError) -> Problem {
    let (zh, en) = match e {
        CalendarError::OutOfRange {
            date,
            first_year,
            last_year,
            ..
        } => (
            format!(
                "{date} 不在工作日历范围内（{first_year}–{last_year} 年），无法计算；请先载入该年度的节假日安排。"
            ),
            format!(
                "{date} is outside the working-day calendar ({first_year}–{last_year}); load that year's holidays first."
            ),
        ),
        other => (format!("无法计算期限：{other}"), format!("Cannot compute: {other}")),
    };
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "date_outside_calendar",
        Text::new("超出工作日历范围", "Outside the calendar"),
        Text::new(zh, en),
    )
}

/// The due date of a period of working or natural days, on the national calendar: the
/// start day is not counted, and a natural-day period ends on a working day.
#[utoipa::path(
    tag = "calendar",
    params(DueQuery),
    responses(
        (status = 200, body = Due),
        (status = 400, description = "Bad query"),
        (status = 422, description = "Invalid date or period, or a date outside the calendar's years")
    )
)]
#[get("/api/v1/calendar/due")]
pub async fn due(
    state: web::Data<AppState>,
    query: web::Query<DueQuery>,
) -> Result<web::Json<Due>, Problem> {
    let mut fields = Fields::default();
    let from = date_field(&mut fields, "from", &query.from);
    match (query.working_days, query.natural_days) {
        (Some(n), None) => days_field(&mut fields, "working_days", n),
        (None, Some(n)) => days_field(&mut fields, "natural_days", n),
        _ => fields.error(
            "working_days",
            "须给出 working_days 或 natural_days 之一（只能一个）",
            "give exactly one of `working_days` and `natural_days`",
        ),
    }
    fields.finish()?;
    let Some(from) = from else {
        return Err(Problem::internal());
    };
    let calendar = state.calendar();
    let due = match (query.working_days, query.natural_days) {
        // "Within 0 working days" still ends on a working day, as in the case clocks.
        (Some(0), _) => calendar.working_day_on_or_after(from),
        (Some(n), _) => calendar.add_working_days(from, n),
        (_, Some(n)) => calendar.add_natural_days(from, n),
        (None, None) => return Err(Problem::internal()),
    }
    .map_err(|e| outside_calendar(&e))?;
    Ok(web::Json(Due { due }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearBody {
    /// Days off that would otherwise be working days (a holiday block may also list its
    /// weekend days), `YYYY-MM-DD`, all in the year.
    pub holidays: Vec<NaiveDate>,
    /// Weekend days declared working days (调休), `YYYY-MM-DD`, all in the year.
    pub workdays: Vec<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearSet {
    pub calendar: &'static str,
    pub year: i32,
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
    /// The years the calendar now holds.
    pub first_year: i32,
    pub last_year: i32,
}

fn year_problem(e: CalendarBookError) -> Problem {
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
            // E.g. a year not next to the years held: the calendar must stay contiguous.
            let msg = other.to_string();
            fields.error(
                "year",
                format!("无法载入该年度：{msg}（年度须与已有年度相连）"),
                format!("cannot set this year: {msg} (years must be contiguous)"),
            );
        }
    }
    match fields.finish() {
        Err(p) => p.into(),
        Ok(()) => Problem::internal(),
    }
}

/// Sets one year of the national calendar (admin): a newly published year next to the
/// years held, or a correction of one. Counted on at once; kept across restarts.
#[utoipa::path(
    tag = "calendar",
    params(("year" = i32, Path, description = "The year, e.g. 2027")),
    request_body = YearBody,
    responses(
        (status = 200, body = YearSet),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 422, description = "A date outside the year, listed twice, or an adjusted working day that is not a weekend day; or a year not next to the years held")
    )
)]
#[put("/api/v1/calendar/years/{year}")]
pub async fn put_year(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
    body: web::Json<YearBody>,
) -> Result<web::Json<YearSet>, Problem> {
    caller.require_any(&[Role::Admin])?;
    let body = body.into_inner();
    let rule = YearRule {
        year: year.into_inner(),
        holidays: body.holidays,
        workdays: body.workdays,
    };
    // Checked on a copy first: nothing is stored unless the calendar builds with the year.
    let mut book = state.calendars().calendars.clone();
    let calendar = book.set_year(CHINA, rule.clone()).map_err(year_problem)?;
    let (first_year, last_year) = calendar.years();
    let now = state.clock.now();
    let record = calendars::year_record(&rule, now);
    let actor = caller.username().to_owned();
    let detail = to_json(&rule);
    state
        .store
        .write(move |conn| {
            calendar_years::put(conn, &record)?;
            audit::append(
                conn,
                &NewAudit {
                    at: millis(now),
                    actor,
                    action: "calendar.set_year".into(),
                    subject: format!("{CHINA}/{}", record.year),
                    detail,
                },
            )?;
            Ok(())
        })
        .await
        .map_err(crate::store_problem)?;
    state.app.config().await?;
    Ok(web::Json(YearSet {
        calendar: CHINA,
        year: rule.year,
        holidays: rule.holidays,
        workdays: rule.workdays,
        first_year,
        last_year,
    }))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(due);
    cfg.service(put_year);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(due, put_year))]
pub struct Doc;
