//! The working-day calendar: due dates for anyone, and the administrator's years (a newly
//! published year, or a corrected one); use cases in `tongban_app::calendars`.

use actix_web::{get, put, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tongban_app::calendars::{due as due_case, set_year};
use tongban_core::calendar::YearRule;
use tongban_core::role::Role;
use utoipa::{IntoParams, ToSchema};

use crate::auth::caller::Caller;
use crate::problem::Problem;
use crate::state::AppState;

/// The longest period asked for: ten years of days.
pub const MAX_DAYS: u32 = due_case::MAX_DAYS;

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
    let DueQuery {
        from,
        working_days,
        natural_days,
    } = query.into_inner();
    let query = due_case::DueQuery {
        from,
        working_days,
        natural_days,
    };
    let due = due_case::due(&state, &query).await?;
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
    let set = set_year::set_year(&state, caller.username(), rule).await?;
    Ok(web::Json(YearSet {
        calendar: set.calendar,
        year: set.rule.year,
        holidays: set.rule.holidays,
        workdays: set.rule.workdays,
        first_year: set.first_year,
        last_year: set.last_year,
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
