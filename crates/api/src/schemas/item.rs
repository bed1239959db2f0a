//! `tongban_core::item` and `tongban_core::catalogue`: the catalogue entries.

use serde::Serialize;
use utoipa::ToSchema;

use super::*;

/// 即办件 / 承诺件.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Decided on the spot by an authorised window.
    Immediate,
    /// Decided within a promised time.
    Promised,
}

/// The legal type of the item (事项类型).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemCategory {
    /// 行政许可
    License,
    /// 行政确认
    Confirmation,
    /// 行政给付
    Benefit,
    /// 行政征收
    Levy,
    /// 行政裁决
    Adjudication,
    /// 公共服务
    PublicService,
    /// 其他行政权力
    Other,
}

/// How a time limit is counted.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    WorkingDays,
    NaturalDays,
    /// Months (月) by the civil rule; `days` holds the number of months.
    Months,
}

/// A period of `days` working or natural days, or of `days` months.
#[derive(Serialize, ToSchema)]
pub struct TimeLimit {
    pub days: u32,
    pub unit: DayUnit,
}

/// The form in which a material is handed in.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaterialForm {
    /// 原件
    Original,
    /// 复印件
    Copy,
    /// 原件和复印件
    OriginalAndCopy,
    /// 电子材料
    Electronic,
}

/// One required or optional material (申请材料).
#[derive(Serialize, ToSchema)]
pub struct Material {
    pub code: String,
    pub name: String,
    /// Must be present for the case to be complete.
    pub required: bool,
    /// May be promised later under tolerated-missing acceptance (容缺受理).
    pub tolerable: bool,
    pub copies: u32,
    pub form: MaterialForm,
    pub note: Option<String>,
}

/// 收费标准及依据.
#[derive(Serialize, ToSchema)]
pub struct Fee {
    pub amount: Yuan,
    /// The legal basis of the fee; for free items, the basis of the exemption or "不收费".
    pub basis: String,
}

/// One stage of the item's workflow (承办, 审核, 批准, a parallel department review …).
#[derive(Serialize, ToSchema)]
pub struct Stage {
    pub code: String,
    pub name: String,
    /// The department that handles the stage.
    pub department: String,
    /// The role that completes it.
    pub role: Role,
    /// The stage's own time budget.
    pub limit: TimeLimit,
    /// Consecutive stages with the same group run in parallel (并联审批) and all must finish
    /// before the next stage starts.
    pub parallel_group: Option<String>,
}

/// The supervision warning threshold: yellow when the remaining time is at or under
/// `working_days`, or under `percent` of the limit when that is less (domain.md).
#[derive(Serialize, ToSchema)]
pub struct WarningThreshold {
    pub working_days: u32,
    pub percent: u32,
}

/// The statutory clocks of an item, with the article defaults of domain.md.
#[derive(Serialize, ToSchema)]
pub struct StatutoryLimits {
    /// Decide on acceptance or send the one-time supplement notice (art. 32).
    pub acceptance: TimeLimit,
    /// One extension of the decision limit (art. 42).
    pub extension: TimeLimit,
    /// Issue the result document after approval (art. 44).
    pub delivery: TimeLimit,
}

/// An approval item of the catalogue, at one version.
#[derive(Serialize, ToSchema)]
pub struct Item {
    pub code: String,
    pub name: String,
    pub version: u32,
    pub kind: ItemKind,
    pub category: ItemCategory,
    /// The implementing department (实施主体), by code.
    pub department: String,
    /// 设定依据.
    pub legal_basis: String,
    /// 办事条件.
    pub conditions: Vec<String>,
    pub materials: Vec<Material>,
    /// 办理流程, as the applicant reads it; the machine-readable form is `stages`.
    pub procedure: String,
    /// 数量限制; `None` when there is none.
    pub quantity_limit: Option<String>,
    /// 法定时限.
    pub legal_limit: TimeLimit,
    /// 承诺时限.
    pub promised_limit: TimeLimit,
    pub statutory: StatutoryLimits,
    pub warning: WarningThreshold,
    pub fee: Fee,
    /// 审批结果 (the result document, e.g. a licence).
    pub result_document: String,
    /// 咨询方式.
    pub consultation: String,
    /// 监督投诉方式.
    pub complaint: String,
    pub stages: Vec<Stage>,
    /// The item's choices within the law's time rules.
    pub rules: ItemRules,
}

/// The item's choices within the law's time rules.
#[derive(Serialize, ToSchema)]
pub struct ItemRules {
    /// Whether an extension granted before the promise broke also moves the promised
    /// deadline (a broken promise is never moved).
    pub extension_moves_promise: bool,
    /// The special procedures (art. 45) a case of this item may stop its clocks for: the
    /// law's list unless the item names its special law.
    pub special_procedures: Vec<Procedure>,
    /// The law or regulation that allows the item what 行政许可法 does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub special_law: Option<String>,
    /// `standard` (art. 42), `joint` (art. 42 para. 2: 45 + 15 working days) or
    /// `preliminary_review` (art. 43: the lower organ's review within 20 working days).
    pub rule_set: RuleSet,
    /// The department whose head approves an extension, when not the item's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension_by: Option<String>,
}

/// The rule set of the law an item is handled under (办理方式).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleSet {
    Standard,
    Joint,
    PreliminaryReview,
}

/// A department (部门) stationed in the hall.
#[derive(Serialize, ToSchema)]
pub struct Department {
    pub code: String,
    pub name: String,
}
