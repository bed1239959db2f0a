//! Windows (窗口) of the hall and the weekly rota (轮值表) of floating windows.

use chrono::Weekday;
use serde::{Deserialize, Serialize};

/// What a window is for (api.md: `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    /// 部门窗口: staffed by one or more departments, serves only their items.
    Department,
    /// 综合窗口: accepts any item it is granted and routes the case to the department.
    General,
    /// 流动窗口: serves the departments on the day's rota.
    Floating,
    /// 咨询窗口: answers questions only.
    Consultation,
    /// 投诉窗口: takes complaints (效能投诉) only.
    Complaint,
}

impl WindowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowKind::Department => "department",
            WindowKind::General => "general",
            WindowKind::Floating => "floating",
            WindowKind::Consultation => "consultation",
            WindowKind::Complaint => "complaint",
        }
    }

    /// The kind as the hall names it.
    pub fn name_zh(self) -> &'static str {
        match self {
            WindowKind::Department => "部门窗口",
            WindowKind::General => "综合窗口",
            WindowKind::Floating => "流动窗口",
            WindowKind::Consultation => "咨询窗口",
            WindowKind::Complaint => "投诉窗口",
        }
    }

    /// Consultation and complaint windows take no applications, so they may only consult.
    pub fn takes_applications(self) -> bool {
        matches!(
            self,
            WindowKind::Department | WindowKind::General | WindowKind::Floating
        )
    }
}

impl std::fmt::Display for WindowKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The departments that staff a floating window on each weekday; a day not listed (or
/// empty) means the window is closed that day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rota {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mon: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tue: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wed: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thu: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fri: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sat: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sun: Vec<String>,
}

impl Rota {
    /// The departments on duty on `day`.
    pub fn on(&self, day: Weekday) -> &[String] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    pub fn on_mut(&mut self, day: Weekday) -> &mut Vec<String> {
        match day {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }

    pub fn is_empty(&self) -> bool {
        WEEK.iter().all(|day| self.on(*day).is_empty())
    }
}

/// Monday first, as the hall's rota is written.
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The weekday as the rota file names it (`mon` … `sun`).
pub fn weekday_key(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// The weekday as a clerk reads it (星期一 … 星期日).
pub fn weekday_zh(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

/// A counter of the hall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub code: String,
    pub name: String,
    pub kind: WindowKind,
    /// The departments that staff the window (for a general window: informative only).
    pub departments: Vec<String>,
    /// Floating windows only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rota: Option<Rota>,
}

impl Window {
    pub fn serves_department(&self, department: &str) -> bool {
        self.departments.iter().any(|d| d == department)
    }
}
