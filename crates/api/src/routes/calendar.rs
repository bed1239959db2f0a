//! The working-day calendar: due dates for anyone, and the administrator's years (a newly
//! published year, or a corrected one); use cases in `tongban_app::calendars`.

use actix_web::{get, post, put, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tongban_app::calendars::{due as due_case, set_year, years as years_case};
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
    /// The count used a provisional year (no State Council notice yet): 暂定, recomputed and
    /// told when the year is loaded.
    pub provisional: bool,
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
    let answer = due_case::due(&state, &query).await?;
    Ok(web::Json(Due {
        due: answer.due,
        provisional: answer.provisional,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearBody {
    /// Days off that would otherwise be working days (a holiday block may also list its
    /// weekend days), `YYYY-MM-DD`, all in the year.
    pub holidays: Vec<NaiveDate>,
    /// Weekend days declared working days (调休), `YYYY-MM-DD`, all in the year.
    pub workdays: Vec<NaiveDate>,
    /// The notice: its document number (e.g. 国办发明电〔2026〕N号) or title.
    #[serde(default)]
    pub source: Option<String>,
}

impl YearBody {
    /// The year's rule and the notice it came with.
    fn into_rule(self, year: i32) -> (YearRule, Option<String>) {
        let rule = YearRule {
            year,
            holidays: self.holidays,
            workdays: self.workdays,
        };
        (rule, self.source)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearSet {
    pub calendar: &'static str,
    pub year: i32,
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
    pub source: Option<String>,
    /// The years the calendar now holds (official and provisional).
    pub first_year: i32,
    pub last_year: i32,
    /// The last official year.
    pub official_through: i32,
    /// Open cases re-projected onto the calendar, and how many of them moved.
    pub examined: i64,
    pub moved: i64,
    /// False when another process is still working the re-projection (it finishes it).
    pub reprojected: bool,
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
    let (rule, source) = body.into_inner().into_rule(year.into_inner());
    let set = set_year::set_year(&state, caller.username(), rule, source).await?;
    Ok(web::Json(YearSet {
        calendar: set.calendar,
        year: set.rule.year,
        holidays: set.rule.holidays,
        workdays: set.rule.workdays,
        source: set.source,
        first_year: set.first_year,
        last_year: set.last_year,
        official_through: set.official_through,
        examined: set.examined,
        moved: set.moved,
        reprojected: set.reprojected,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImpactCase {
    pub case_no: String,
    /// `acceptance`, `promised`, `legal`, `delivery` or `stage:<code>`.
    pub clock: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The new date still counts a provisional year.
    pub provisional: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Impact {
    /// How many dates would move.
    pub total: usize,
    pub cases: Vec<ImpactCase>,
}

/// What loading (or correcting) a year would move: every date of every open case. Changes
/// nothing (admin).
#[utoipa::path(
    tag = "calendar",
    params(("year" = i32, Path, description = "The year, e.g. 2027")),
    request_body = YearBody,
    responses(
        (status = 200, body = Impact),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an administrator"),
        (status = 422, description = "The year would not be accepted by PUT")
    )
)]
#[post("/api/v1/calendar/years/{year}/impact")]
pub async fn impact(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
    body: web::Json<YearBody>,
) -> Result<web::Json<Impact>, Problem> {
    caller.require_any(&[Role::Admin])?;
    let (rule, _) = body.into_inner().into_rule(year.into_inner());
    let lines = set_year::impact(&state, rule).await?;
    let cases: Vec<ImpactCase> = lines
        .into_iter()
        .map(|l| ImpactCase {
            case_no: l.case_no,
            clock: l.moved.clock.to_string(),
            from: l.moved.from,
            to: l.moved.to,
            provisional: l.moved.provisional,
        })
        .collect();
    Ok(web::Json(Impact {
        total: cases.len(),
        cases,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearEntry {
    pub year: i32,
    /// `official` (from a notice) or `provisional` (the 放假办法 alone).
    pub status: &'static str,
    pub source: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Reprojection {
    pub year: i64,
    pub source: String,
    pub by: String,
    pub examined: i64,
    pub moved: i64,
    pub finished: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Years {
    /// The last day of the last official year.
    pub last_official_day: NaiveDate,
    /// Days from today to it.
    pub days_left: i64,
    /// Set from 60 days before the last official day: next year is not loaded.
    pub warning: Option<String>,
    pub years: Vec<YearEntry>,
    /// The latest re-projections, newest first.
    pub reprojections: Vec<Reprojection>,
}

/// Every year the hall counts on, official or provisional, with its source, and the last
/// official day.
#[utoipa::path(
    tag = "calendar",
    responses((status = 200, body = Years))
)]
#[get("/api/v1/calendar/years")]
pub async fn years(
    state: web::Data<AppState>,
    lang: crate::lang::Lang,
) -> Result<web::Json<Years>, Problem> {
    let y = years_case::years(&state).await?;
    let warning = y.horizon.warns().then(|| match lang {
        crate::lang::Lang::En => y.horizon.warning_en(),
        crate::lang::Lang::Zh => y.horizon.warning_zh(),
    });
    Ok(web::Json(Years {
        last_official_day: y.horizon.last_official_day,
        days_left: y.horizon.days_left,
        warning,
        years: y
            .years
            .into_iter()
            .map(|v| YearEntry {
                year: v.year,
                status: if v.official {
                    "official"
                } else {
                    "provisional"
                },
                source: v.source,
            })
            .collect(),
        reprojections: y
            .reprojections
            .into_iter()
            .map(|r| Reprojection {
                year: r.year,
                source: r.source,
                by: r.actor,
                examined: r.examined,
                moved: r.moved,
                finished: r.finished_at.is_some(),
            })
            .collect(),
    }))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(due);
    cfg.service(years);
    cfg.service(put_year);
    cfg.service(impact);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(due, years, put_year, impact))]
pub struct Doc;
