//! The shape of a workflow file, as written by hand (docs/workflows.md).
//!
//! Every file has the same four optional sections, so a hall may split its catalogue as it
//! likes. Fields that errors point at are `Spanned` so that a message can name the line; the
//! JSON Schema (`workflows/schema/workflows.schema.json`) is generated from these types.

use serde::Deserialize;
use serde_spanned::Spanned;

use crate::grant::{WindowAction, WindowKind};
use crate::item::{DayUnit, ItemCategory, ItemKind, MaterialForm};
use crate::role::Role;

pub(crate) type Text = Spanned<String>;

/// One workflow file: any of office hours, departments, windows, grants and items.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Tongban workflow file")]
pub struct WorkflowFile {
    /// 对外办公时间: the sessions of a working day (default 09:00–12:00 and 13:30–17:30).
    /// Given in at most one file.
    #[serde(default)]
    #[schemars(with = "Option<Vec<crate::clock::office_hours::SessionText>>")]
    pub office_hours: Option<Spanned<Vec<crate::clock::office_hours::SessionText>>>,
    /// 部门 (实施主体).
    #[serde(default)]
    pub departments: Vec<DepartmentEntry>,
    /// 窗口.
    #[serde(default)]
    pub windows: Vec<WindowEntry>,
    /// 窗口授权 (授权书).
    #[serde(default)]
    pub grants: Vec<GrantEntry>,
    /// 政务服务事项 (实施清单).
    #[serde(default)]
    pub items: Vec<ItemEntry>,
}

/// A department (部门).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentEntry {
    /// 部门编码, e.g. `scjgj`.
    #[schemars(with = "String")]
    pub code: Text,
    /// 部门名称, e.g. 县市场监督管理局.
    #[schemars(with = "String")]
    pub name: Text,
}

/// A window (窗口) of the hall.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowEntry {
    /// 窗口编号, e.g. `A01`.
    #[schemars(with = "String")]
    pub code: Text,
    /// 窗口名称.
    #[schemars(with = "String")]
    pub name: Text,
    /// 窗口类型.
    #[schemars(with = "WindowKind")]
    pub kind: Spanned<WindowKind>,
    /// 进驻部门 (codes): the departments that staff the window.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub departments: Vec<Text>,
    /// 轮值表: floating windows only.
    #[schemars(with = "Option<RotaEntry>")]
    pub rota: Option<Spanned<RotaEntry>>,
}

/// 轮值表: the departments on duty each weekday; a day left out is a day the window is closed.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RotaEntry {
    /// 星期一
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub mon: Vec<Text>,
    /// 星期二
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub tue: Vec<Text>,
    /// 星期三
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub wed: Vec<Text>,
    /// 星期四
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub thu: Vec<Text>,
    /// 星期五
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub fri: Vec<Text>,
    /// 星期六
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sat: Vec<Text>,
    /// 星期日
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sun: Vec<Text>,
}

/// A grant (授权): a window, or one clerk at it, may take these actions for these items.
/// Give exactly one of `items` and `department`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantEntry {
    /// 被授权窗口 (code).
    #[schemars(with = "String")]
    pub window: Text,
    /// 被授权人员 (username): only this clerk at the window may use the grant.
    #[schemars(with = "Option<String>")]
    pub clerk: Option<Text>,
    /// 授权事项 (item codes).
    #[schemars(with = "Option<Vec<String>>")]
    pub items: Option<Spanned<Vec<Text>>>,
    /// 授权部门: every item of this department.
    #[schemars(with = "Option<String>")]
    pub department: Option<Text>,
    /// 授权权限.
    #[schemars(with = "Vec<WindowAction>")]
    pub actions: Spanned<Vec<WindowAction>>,
    /// 生效日期, `YYYY-MM-DD` (a TOML date or a string).
    #[schemars(with = "String", extend("format" = "date"))]
    pub valid_from: Spanned<toml::Value>,
    /// 失效日期 (inclusive), `YYYY-MM-DD`; omitted: open-ended.
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    pub valid_to: Option<Spanned<toml::Value>>,
    /// 授权单位.
    #[schemars(with = "String")]
    pub granted_by: Text,
    /// 授权书文号, e.g. 县政务办授〔2026〕3号.
    #[schemars(with = "String")]
    pub document_no: Text,
}

/// A time limit: `{ days = 20, unit = "working_days" }`.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitEntry {
    pub days: u32,
    /// 工作日 (`working_days`, the default), 自然日 (`natural_days`) or 月 (`months`, with
    /// `days` the number of months).
    #[serde(default = "working_days")]
    pub unit: DayUnit,
}

fn working_days() -> DayUnit {
    DayUnit::WorkingDays
}

/// The statutory clocks (法定环节时限); each defaults to 行政许可法 (art. 32: 5, art. 42: 10,
/// art. 44: 10 working days).
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatutoryEntry {
    /// 受理或一次性告知时限 (art. 32): at most 5 working days.
    #[schemars(with = "Option<LimitEntry>")]
    pub acceptance: Option<Spanned<LimitEntry>>,
    /// 延期时限 (art. 42): at most 10 working days (15 for joint handling).
    #[schemars(with = "Option<LimitEntry>")]
    pub extension: Option<Spanned<LimitEntry>>,
    /// 送达时限 (art. 44): at most 10 working days.
    #[schemars(with = "Option<LimitEntry>")]
    pub delivery: Option<Spanned<LimitEntry>>,
}

/// 预警阈值: yellow at `working_days` left, or `percent` of the limit when that is less.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WarningEntry {
    #[serde(default = "two")]
    pub working_days: u32,
    #[serde(default = "twenty")]
    pub percent: u32,
}

fn two() -> u32 {
    2
}

fn twenty() -> u32 {
    20
}

/// 收费标准及依据.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeEntry {
    /// 收费标准 in yuan as a decimal string: "0", "80", "12.50".
    #[schemars(with = "String", extend("pattern" = r"^[0-9]+(\.[0-9]{1,2})?$"))]
    pub amount: Text,
    /// 收费依据 (or the basis of the exemption, or 不收费).
    #[schemars(with = "String")]
    pub basis: Text,
}

/// 申请材料.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialEntry {
    /// 材料编码, unique within the item.
    #[schemars(with = "String")]
    pub code: Text,
    /// 材料名称.
    #[schemars(with = "String")]
    pub name: Text,
    /// 是否必需 (default true).
    #[serde(default = "yes")]
    pub required: bool,
    /// 可容缺 (容缺受理; default false): a required material that may be handed in later.
    #[serde(default)]
    pub tolerable: bool,
    /// 份数 (default 1).
    #[serde(default = "one")]
    pub copies: u32,
    /// 材料形式 (default `copy`).
    #[serde(default)]
    pub form: MaterialForm,
    /// 填报须知 / 备注.
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

/// The role that completes a stage (办理环节角色).
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageRole {
    /// 承办人 / 审核人
    Approver,
    /// 批准人 (负责人)
    Head,
}

impl From<StageRole> for Role {
    fn from(role: StageRole) -> Role {
        match role {
            StageRole::Approver => Role::Approver,
            StageRole::Head => Role::Head,
        }
    }
}

/// 办理环节.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageEntry {
    /// 环节编码, unique within the item.
    #[schemars(with = "String")]
    pub code: Text,
    /// 环节名称 (承办, 审核, 批准 …).
    #[schemars(with = "String")]
    pub name: Text,
    /// 办理部门 (code).
    #[schemars(with = "String")]
    pub department: Text,
    /// 办理角色.
    pub role: StageRole,
    /// 环节时限.
    #[schemars(with = "LimitEntry")]
    pub limit: Spanned<LimitEntry>,
    /// 并联组: consecutive stages with the same group run in parallel (并联审批).
    #[schemars(with = "Option<String>")]
    pub parallel_group: Option<Text>,
}

/// 政务服务事项 with the elements of its 实施清单.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemEntry {
    /// 事项编码.
    #[schemars(with = "String")]
    pub code: Text,
    /// 事项名称.
    #[schemars(with = "String")]
    pub name: Text,
    /// 版本 (default 1).
    #[serde(default = "one")]
    pub version: u32,
    /// 办件类型: 即办件 `immediate` / 承诺件 `promised`.
    #[schemars(with = "ItemKind")]
    pub kind: Spanned<ItemKind>,
    /// 事项类型.
    pub category: ItemCategory,
    /// 实施主体 (department code).
    #[schemars(with = "String")]
    pub department: Text,
    /// 设定依据.
    #[schemars(with = "String")]
    pub legal_basis: Text,
    /// 办事条件 (受理条件).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// 申请材料.
    #[serde(default)]
    pub materials: Vec<MaterialEntry>,
    /// 办理流程, as the applicant reads it.
    #[schemars(with = "String")]
    pub procedure: Text,
    /// 数量限制 (omit when there is none).
    pub quantity_limit: Option<String>,
    /// 法定办结时限.
    #[schemars(with = "LimitEntry")]
    pub legal_limit: Spanned<LimitEntry>,
    /// 承诺办结时限 (即办件: 0).
    #[schemars(with = "LimitEntry")]
    pub promised_limit: Spanned<LimitEntry>,
    /// 法定环节时限 (defaults from 行政许可法).
    #[serde(default)]
    pub statutory: StatutoryEntry,
    /// 预警阈值 (default 2 working days / 20%).
    #[schemars(with = "Option<WarningEntry>")]
    pub warning: Option<Spanned<WarningEntry>>,
    /// 收费标准及依据 (default: "0", 不收费).
    pub fee: Option<FeeEntry>,
    /// 审批结果 (结果名称).
    #[schemars(with = "String")]
    pub result_document: Text,
    /// 咨询方式.
    #[schemars(with = "String")]
    pub consultation: Text,
    /// 监督投诉方式.
    #[schemars(with = "String")]
    pub complaint: Text,
    /// 办理环节, in order.
    #[serde(default)]
    pub stages: Vec<StageEntry>,
    /// 时限规则: the item's choices within the law's rules.
    #[serde(default)]
    pub rules: RulesEntry,
}

/// 时限规则.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesEntry {
    /// Whether an extension granted before the promise broke also moves the promised
    /// deadline (default true; a broken promise is never moved).
    pub extension_moves_promise: Option<bool>,
    /// 特别程序: the grounds (art. 45) on which a case's clocks may stop (default the law's
    /// list: hearing, auction, testing, quarantine, appraisal, expert_review). Others
    /// (`site_inspection` 勘验, `public_notice` 公示) need `special_law`.
    #[schemars(with = "Option<Vec<crate::case::Procedure>>")]
    pub special_procedures: Option<Spanned<Vec<crate::case::Procedure>>>,
    /// 特别规定: the law or regulation that allows this item what 行政许可法 does not.
    #[schemars(with = "Option<String>")]
    pub special_law: Option<Text>,
    /// 办理方式: `standard` (default; art. 42: 20 + 10 working days), `joint` (联合、统一、
    /// 集中办理, art. 42 para. 2: 45 + 15, the extension approved by the head of the
    /// government) or `preliminary_review` (下级机关初审, art. 43: the first step is the lower
    /// organ's review, within 20 working days).
    #[schemars(with = "Option<crate::item::RuleSet>")]
    pub rule_set: Option<Spanned<crate::item::RuleSet>>,
    /// The department whose head approves an extension (a joint item: the government's
    /// office in the hall); default the item's own department.
    #[schemars(with = "Option<String>")]
    pub extension_by: Option<Text>,
}
