//! Why a command on a case was refused. Each rule has a stable machine `code()`; the English
//! text is the `Display`, the Chinese one `message_zh()`.

use chrono::{DateTime, Utc};

use crate::calendar::CalendarError;
use crate::item::Item;
use crate::role::Role;

use super::actor::WindowPermission;
use super::status::CaseStatus;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("`{action}` is not allowed while the case is {status}")]
    ActionNotAllowedInState { action: String, status: CaseStatus },
    #[error("the role {role} may not `{action}` this case")]
    RoleNotAllowed { action: String, role: Role },
    #[error("only the applicant who submitted the case may do this")]
    NotCaseOwner,
    #[error("this belongs to department {expected}, not to {}", actual.as_deref().unwrap_or("no department"))]
    WrongDepartment {
        expected: String,
        actual: Option<String>,
    },
    #[error("`{action}` must be done at a window")]
    WindowRequired { action: String },
    #[error("`{action}` at this window needs a `{}` grant", permission.as_str())]
    GrantRequired {
        action: String,
        permission: WindowPermission,
    },
    #[error("item {item} is not an immediate item and cannot be decided on the spot")]
    NotImmediateItem { item: Named },
    #[error(
        "the case is under item {case_item} version {case_version}, not {item} version {version}"
    )]
    ItemMismatch {
        case_item: String,
        case_version: u32,
        item: String,
        version: u32,
    },
    #[error("a supplement notice was already issued for submission {submission}")]
    SecondSupplementNotice { submission: u32 },
    #[error(
        "the acceptance period has run out: the case is accepted by operation of law as of \
         receipt (art. 32 of the Administrative Licensing Law), so `{action}` is no longer possible"
    )]
    AcceptedByOperationOfLaw { action: String },
    #[error(
        "{} is not a special procedure this item may stop its clocks for (art. 45 of the \
         Administrative Licensing Law lists hearing, tender, auction, testing, inspection, \
         quarantine, appraisal and expert review; another ground needs the item's special law)",
        procedure.as_str()
    )]
    NotASpecialProcedure { procedure: super::model::Procedure },
    #[error("a supplement notice must list at least one material")]
    EmptySupplementList,
    #[error("no materials given")]
    NoMaterials,
    #[error("material `{code}` is not a material of this item")]
    UnknownMaterial { code: String },
    #[error("material `{material}` is listed twice")]
    DuplicateMaterial { material: Named },
    #[error("`{material}` needs at least one copy")]
    ZeroCopies { material: Named },
    #[error(
        "required materials missing and not tolerable: {}",
        Named::codes(materials)
    )]
    MissingRequiredMaterial { materials: Vec<Named> },
    #[error(
        "materials promised at acceptance are still outstanding: {}",
        Named::codes(materials)
    )]
    PromisedMaterialsOutstanding { materials: Vec<Named> },
    #[error("stage `{code}` is not a stage of this item")]
    UnknownStage { code: String },
    #[error("stage `{stage}` is not active")]
    StageNotActive { stage: Named },
    #[error("stages not done yet: {}", Named::codes(stages))]
    StageNotDone { stages: Vec<Named> },
    #[error("the one extension of this case was already used")]
    ExtensionAlreadyUsed,
    #[error("an extension of {requested} working days exceeds the {max} allowed")]
    ExtensionTooLong { requested: u32, max: u32 },
    #[error("an extension must add at least one working day")]
    ExtensionNotPositive,
    #[error("the legal deadline passed at {deadline}; it can no longer be extended")]
    ExtensionAfterDeadline { deadline: DateTime<Utc> },
    #[error("a legal basis is required")]
    MissingLegalBasis,
    #[error("`{field}` must not be empty")]
    BlankField { field: &'static str },
    #[error("the case has no open suspension")]
    NotSuspended,
    #[error("a result sent by post needs the postal address and the tracking number")]
    PostalDetailsMissing,
    #[error("calendar: {0}")]
    Calendar(#[from] CalendarError),
}

impl CaseError {
    /// The stable machine code of the rule (api.md `code`).
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::ActionNotAllowedInState { .. } => "action_not_allowed_in_state",
            CaseError::RoleNotAllowed { .. } => "role_not_allowed",
            CaseError::NotCaseOwner => "not_case_owner",
            CaseError::WrongDepartment { .. } => "wrong_department",
            CaseError::WindowRequired { .. } => "window_required",
            CaseError::GrantRequired { .. } => "grant_required",
            CaseError::NotImmediateItem { .. } => "not_immediate_item",
            CaseError::ItemMismatch { .. } => "item_mismatch",
            CaseError::SecondSupplementNotice { .. } => "second_supplement_notice",
            CaseError::AcceptedByOperationOfLaw { .. } => "accepted_by_law_art32",
            CaseError::NotASpecialProcedure { .. } => "not_a_special_procedure_art45",
            CaseError::EmptySupplementList => "empty_supplement_list",
            CaseError::NoMaterials => "no_materials",
            CaseError::UnknownMaterial { .. } => "unknown_material",
            CaseError::DuplicateMaterial { .. } => "duplicate_material",
            CaseError::ZeroCopies { .. } => "zero_copies",
            CaseError::MissingRequiredMaterial { .. } => "missing_required_material",
            CaseError::PromisedMaterialsOutstanding { .. } => "promised_materials_outstanding",
            CaseError::UnknownStage { .. } => "unknown_stage",
            CaseError::StageNotActive { .. } => "stage_not_active",
            CaseError::StageNotDone { .. } => "stage_not_done",
            CaseError::ExtensionAlreadyUsed => "extension_already_used",
            CaseError::ExtensionTooLong { .. } => "extension_too_long",
            CaseError::ExtensionNotPositive => "extension_not_positive",
            CaseError::ExtensionAfterDeadline { .. } => "extension_after_deadline",
            CaseError::MissingLegalBasis => "missing_legal_basis",
            CaseError::BlankField { .. } => "blank_field",
            CaseError::NotSuspended => "not_suspended",
            CaseError::PostalDetailsMissing => "postal_details_missing",
            CaseError::Calendar(_) => "calendar_out_of_range",
        }
    }

    /// The kind of failure, for the caller's mapping to HTTP (api.md: a rule of the case's
    /// state is 409, a permission 403, bad input 422, a calendar without the year 503).
    pub fn kind(&self) -> CaseErrorKind {
        match self {
            CaseError::RoleNotAllowed { .. }
            | CaseError::NotCaseOwner
            | CaseError::WrongDepartment { .. }
            | CaseError::WindowRequired { .. }
            | CaseError::GrantRequired { .. }
            | CaseError::NotImmediateItem { .. } => CaseErrorKind::Forbidden,
            CaseError::EmptySupplementList
            | CaseError::NoMaterials
            | CaseError::UnknownMaterial { .. }
            | CaseError::DuplicateMaterial { .. }
            | CaseError::ZeroCopies { .. }
            | CaseError::UnknownStage { .. }
            | CaseError::ExtensionTooLong { .. }
            | CaseError::ExtensionNotPositive
            | CaseError::MissingLegalBasis
            | CaseError::NotASpecialProcedure { .. }
            | CaseError::BlankField { .. }
            | CaseError::PostalDetailsMissing => CaseErrorKind::Invalid,
            CaseError::Calendar(_) => CaseErrorKind::CalendarMissing,
            CaseError::ItemMismatch { .. } => CaseErrorKind::Internal,
            _ => CaseErrorKind::Conflict,
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            CaseError::Calendar(CalendarError::OutOfRange { date, .. }) => format!(
                "{self}; an administrator must load the {} holiday schedule published by the \
                 State Council before this can be counted (nothing is guessed)",
                chrono::Datelike::year(date)
            ),
            _ => self.to_string(),
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            CaseError::ActionNotAllowedInState { action, status } => {
                format!("办件当前状态为“{}”，不能执行“{action}”", status.name_zh())
            }
            CaseError::RoleNotAllowed { action, role } => {
                format!("角色 {role} 无权对该办件执行“{action}”")
            }
            CaseError::NotCaseOwner => "只有提交该办件的申请人可以办理此操作".to_owned(),
            CaseError::WrongDepartment { expected, .. } => {
                format!("该操作属于部门 {expected}，您不在该部门")
            }
            CaseError::WindowRequired { action } => format!("“{action}”须在窗口办理"),
            CaseError::GrantRequired { action, permission } => {
                format!(
                    "本窗口没有“{}”授权，不能执行“{action}”",
                    permission.as_str()
                )
            }
            CaseError::NotImmediateItem { item } => {
                format!("事项“{}”不是即办件，不能当场决定", item.name)
            }
            CaseError::ItemMismatch {
                case_item,
                case_version,
                ..
            } => format!("办件按事项 {case_item} 第 {case_version} 版受理，事项版本不符"),
            CaseError::SecondSupplementNotice { submission } => {
                format!("第 {submission} 次提交已发出一次性告知，不得再次告知")
            }
            CaseError::AcceptedByOperationOfLaw { action } => format!(
                "受理期限已届满，依据《行政许可法》第三十二条，本办件自收到申请之日起即为受理，\
                 不能再执行“{action}”"
            ),
            CaseError::NotASpecialProcedure { procedure } => format!(
                "“{}”不是本事项可以中止计时的特别程序。《行政许可法》第四十五条规定的是听证、\
                 招标、拍卖、检验、检测、检疫、鉴定和专家评审；其他情形须由事项载明的法律、\
                 法规规定",
                procedure.name_zh()
            ),
            CaseError::EmptySupplementList => "一次性告知须列明所缺材料".to_owned(),
            CaseError::NoMaterials => "未提交任何材料".to_owned(),
            CaseError::UnknownMaterial { code } => format!("材料 {code} 不属于本事项"),
            CaseError::DuplicateMaterial { material } => {
                format!("材料“{}”重复列出", material.name)
            }
            CaseError::ZeroCopies { material } => {
                format!("材料“{}”份数至少为 1", material.name)
            }
            CaseError::MissingRequiredMaterial { materials } => {
                format!("缺少必要材料且不可容缺：{}", Named::names(materials))
            }
            CaseError::PromisedMaterialsOutstanding { materials } => {
                format!(
                    "容缺受理承诺补交的材料尚未补齐：{}",
                    Named::names(materials)
                )
            }
            CaseError::UnknownStage { code } => format!("环节 {code} 不属于本事项"),
            CaseError::StageNotActive { stage } => {
                format!("环节“{}”当前不在办理中", stage.name)
            }
            CaseError::StageNotDone { stages } => {
                format!("以下环节尚未办结：{}", Named::names(stages))
            }
            CaseError::ExtensionAlreadyUsed => "本办件已延期一次，不得再次延期".to_owned(),
            CaseError::ExtensionTooLong { requested, max } => {
                format!("延期 {requested} 个工作日超过上限 {max} 个工作日")
            }
            CaseError::ExtensionNotPositive => "延期天数至少为 1 个工作日".to_owned(),
            CaseError::ExtensionAfterDeadline { .. } => "法定办理期限已过，不能再延期".to_owned(),
            CaseError::MissingLegalBasis => "须写明法律依据".to_owned(),
            CaseError::BlankField { field } => format!("{field} 不能为空"),
            CaseError::NotSuspended => "办件不在特别程序中".to_owned(),
            CaseError::PostalDetailsMissing => "邮寄送达须填写邮寄地址和快递单号".to_owned(),
            CaseError::Calendar(CalendarError::OutOfRange {
                date,
                first_year,
                last_year,
                ..
            }) => format!(
                "办理期限计算到 {date}，而工作日历只载入了 {first_year}–{last_year} 年；\
                 请管理员载入国务院公布的 {} 年节假日安排后重试（未作任何推测）",
                chrono::Datelike::year(date)
            ),
            CaseError::Calendar(e) => format!("工作日历不覆盖所需日期：{e}"),
        }
    }
}

/// A material or stage of the item. The Chinese texts name it as the item names it (people
/// read names, not codes); the English ones give its code, since the catalogue has no English
/// names and an English text stays in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub code: String,
    pub name: String,
}

impl Named {
    pub fn material(item: &Item, code: &str) -> Self {
        Named {
            code: code.to_owned(),
            name: item
                .material(code)
                .map_or_else(|| code.to_owned(), |m| m.name.clone()),
        }
    }

    pub fn stage(item: &Item, code: &str) -> Self {
        Named {
            code: code.to_owned(),
            name: item
                .stage(code)
                .map_or_else(|| code.to_owned(), |s| s.name.clone()),
        }
    }

    pub fn item(item: &Item) -> Self {
        Named {
            code: item.code.clone(),
            name: item.name.clone(),
        }
    }

    pub fn materials(item: &Item, codes: &[String]) -> Vec<Self> {
        codes.iter().map(|c| Named::material(item, c)).collect()
    }

    pub fn stages(item: &Item, codes: &[String]) -> Vec<Self> {
        codes.iter().map(|c| Named::stage(item, c)).collect()
    }

    fn names(all: &[Named]) -> String {
        all.iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }

    fn codes(all: &[Named]) -> String {
        all.iter()
            .map(|n| n.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code)
    }
}

/// Coarse class of a [`CaseError`], for mapping to a status code once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseErrorKind {
    /// The actor may not do this (403).
    Forbidden,
    /// The request itself is malformed (422).
    Invalid,
    /// The case's state does not allow it (409).
    Conflict,
    /// A due date falls in a year the calendar does not hold yet (the State Council has not
    /// published it, or nobody loaded it): nothing is guessed; the caller may retry once an
    /// administrator has loaded the year.
    CalendarMissing,
    /// A configuration problem, not the caller's fault (500).
    Internal,
}
