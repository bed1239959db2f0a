//! The years the hall counts on (`GET /api/v1/calendar/years`, `tongban calendar years`): each
//! official (with its notice) or provisional (the 放假办法 alone), the last official day, and
//! the warning from 60 days before it that next year is not loaded.

use chrono::NaiveDate;
use tongban_core::calendar::{Calendar, CHINA};
use tongban_store::reprojections::{self, ReprojectionRecord};

use crate::error::AppResult;
use crate::App;

/// How long before the last official day Tongban starts warning (domain.md).
pub const WARN_DAYS: i64 = 60;

/// One year of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearView {
    pub year: i32,
    pub official: bool,
    /// The notice for an official year; for a provisional one, the rule it is counted by.
    pub source: Option<String>,
}

/// How far the official calendar reaches from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    pub last_official_day: NaiveDate,
    /// Days from today to the last official day (negative once it has passed).
    pub days_left: i64,
}

impl Horizon {
    pub fn of(calendar: &Calendar, today: NaiveDate) -> Horizon {
        let last_official_day = calendar.last_official_day();
        Horizon {
            last_official_day,
            days_left: (last_official_day - today).num_days(),
        }
    }

    /// Within 60 days of the last official day (or past it): next year should be loaded.
    pub fn warns(&self) -> bool {
        self.days_left <= WARN_DAYS
    }

    /// The warning shown to administrators and in the supervisors' digest.
    pub fn warning_zh(&self) -> String {
        let next = self.last_official_day.format("%Y").to_string();
        let next: i32 = next.parse::<i32>().unwrap_or_default() + 1;
        format!(
            "{next} 年节假日安排尚未载入：正式工作日历截至 {}（剩余 {} 天），此后的期限按暂定工作日历计算。国务院公布后请在“工作日历”中载入。",
            self.last_official_day,
            self.days_left.max(0)
        )
    }

    pub fn warning_en(&self) -> String {
        let next = self.last_official_day.format("%Y").to_string();
        let next: i32 = next.parse::<i32>().unwrap_or_default() + 1;
        format!(
            "The {next} holiday arrangement is not loaded: the official calendar ends on {} ({} days left); later deadlines are provisional. Load it under Calendar once the State Council publishes it.",
            self.last_official_day,
            self.days_left.max(0)
        )
    }
}

/// The rule a provisional year is counted by.
pub const PROVISIONAL_SOURCE: &str = "全国年节及纪念日放假办法（国务院令第795号），暂定";

/// Every year of the national calendar, the horizon from today, and the latest
/// re-projections.
#[derive(Debug, Clone)]
pub struct Years {
    pub years: Vec<YearView>,
    pub horizon: Horizon,
    pub reprojections: Vec<ReprojectionRecord>,
}

pub async fn years(app: &App) -> AppResult<Years> {
    let config = app.config().await?;
    let calendar = config.calendar();
    let (first, last) = calendar.years();
    let official = calendar.official_through();
    let years = (first..=last)
        .map(|year| YearView {
            year,
            official: year <= official,
            source: if year <= official {
                config.calendars.source(CHINA, year).map(str::to_owned)
            } else {
                Some(PROVISIONAL_SOURCE.to_owned())
            },
        })
        .collect();
    let today = app.hall.local_date(app.clock.now());
    let reprojections = app.store.read(|c| reprojections::recent(c, 5)).await?;
    Ok(Years {
        years,
        horizon: Horizon::of(&calendar, today),
        reprojections,
    })
}
