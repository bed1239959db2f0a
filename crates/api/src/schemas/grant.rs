//! `tongban_core::grant` and `tongban_core::role`: windows, grants, roles.

use serde::Serialize;
use utoipa::ToSchema;

/// An action a grant allows at a window (api.md: `actions`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WindowAction {
    /// 咨询
    Consult,
    /// 受理 (also refusal, supplement notice, withdrawal at the window)
    Accept,
    /// 即办件当场决定
    DecideOnSpot,
    /// 送达 / 出件
    Deliver,
}

/// What a window is for (api.md: `kind`).
#[derive(Serialize, ToSchema)]
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

/// The departments that staff a floating window on each weekday; a day not listed (or
/// empty) means the window is closed that day.
#[derive(Serialize, ToSchema)]
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

/// A counter of the hall.
#[derive(Serialize, ToSchema)]
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

/// The roles of api.md. A user may hold several.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    Clerk,
    Approver,
    Head,
    Supervisor,
    Admin,
}
