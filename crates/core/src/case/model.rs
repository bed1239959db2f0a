//! The case (办件) record: everything the store saves as JSON, plus the fields it indexes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::{Clocks, Due, ExtensionDays};
use crate::item::Yuan;
use crate::role::Role;

use super::status::CaseStatus;

/// One application, from submission to conclusion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub case_no: String,
    /// The secret an applicant uses with `case_no` to query the case.
    pub query_code: String,
    pub item_code: String,
    /// The item version the case was taken under; later catalogue versions do not apply.
    pub item_version: u32,
    /// The implementing department of the item.
    pub department: String,
    pub channel: Channel,
    /// The window that took the case, when taken at a window.
    pub window: Option<String>,
    /// The applicant's account, when submitted online; applicant commands check it.
    pub owner: Option<String>,
    pub applicant: Applicant,
    /// Free-form application form as submitted.
    #[serde(default)]
    pub form: Option<serde_json::Value>,
    pub materials: Vec<SubmittedMaterial>,
    /// Tolerated-missing materials (容缺受理) promised later.
    pub promised_materials: Vec<PromisedMaterial>,
    pub status: CaseStatus,
    /// Optimistic concurrency: 1 on creation, +1 on every transition.
    pub version: u64,
    pub received_at: DateTime<Utc>,
    /// The instant of the last transition.
    pub updated_at: DateTime<Utc>,
    /// 0 for the original application, +1 per supplement: one supplement notice per submission.
    pub submission: u32,
    pub clocks: Clocks,
    pub stages: Vec<CaseStage>,
    pub supplement_notices: Vec<SupplementNotice>,
    pub suspensions: Vec<Suspension>,
    pub extension: Option<Extension>,
    pub decision: Option<Decision>,
    pub delivery: Option<Delivery>,
    pub conclusion: Option<Conclusion>,
    pub fee_charged: Option<Yuan>,
    /// A clerk's record of an acceptance the law made (art. 32), once.
    #[serde(default)]
    pub acceptance_recorded: Option<AcceptanceRecord>,
}

fn moved() -> bool {
    true
}

/// Who recorded an acceptance by operation of law, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptanceRecord {
    pub at: DateTime<Utc>,
    pub by: String,
}

impl Case {
    pub fn stage(&self, code: &str) -> Option<&CaseStage> {
        self.stages.iter().find(|s| s.code == code)
    }

    /// The suspension in progress, if any.
    pub fn open_suspension(&self) -> Option<&Suspension> {
        self.suspensions.last().filter(|s| s.resumed_at.is_none())
    }

    /// Codes of stages not done yet, in workflow order.
    pub fn unfinished_stages(&self) -> Vec<String> {
        self.stages
            .iter()
            .filter(|s| s.status != StageStatus::Done)
            .map(|s| s.code.clone())
            .collect()
    }

    /// Codes of promised (tolerated-missing) materials not handed in yet.
    pub fn outstanding_promises(&self) -> Vec<String> {
        self.promised_materials
            .iter()
            .filter(|p| p.fulfilled_at.is_none())
            .map(|p| p.code.clone())
            .collect()
    }

    /// Art. 32: a case still awaiting acceptance after the acceptance period counts as
    /// accepted on receipt (the decision clock will run from the receipt day).
    pub fn is_deemed_accepted(&self, now: DateTime<Utc>) -> bool {
        self.clocks.deemed_accepted
            || (self.status.awaits_acceptance() && self.clocks.acceptance.due.is_overdue(now))
    }

    /// The days the extension adds to each decision clock.
    pub fn extension_days(&self) -> ExtensionDays {
        match &self.extension {
            Some(e) => ExtensionDays {
                promised: e.moves_promise.then_some(e.working_days),
                legal: Some(e.working_days),
            },
            None => ExtensionDays::default(),
        }
    }

    pub fn copies_of(&self, code: &str) -> u32 {
        self.materials
            .iter()
            .filter(|m| m.code == code)
            .map(|m| m.copies)
            .sum()
    }
}

/// How the case came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 网上申请: status `submitted`.
    Online,
    /// Taken at a window: status `received`.
    Window,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    Person,
    Organization,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub kind: ApplicantKind,
    pub name: String,
    /// ID card number or unified social credit code.
    pub id_number: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A material handed in, by the item's material code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedMaterial {
    pub code: String,
    #[serde(default = "one")]
    pub copies: u32,
}

fn one() -> u32 {
    1
}

/// A tolerated-missing material promised at acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromisedMaterial {
    pub code: String,
    pub promised_at: DateTime<Utc>,
    pub fulfilled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    Pending,
    Active,
    Done,
}

/// One workflow stage of the case, with its own clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStage {
    pub code: String,
    /// Index of the step (`Item::steps()`) the stage belongs to.
    pub step: usize,
    pub department: String,
    pub role: Role,
    pub status: StageStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub due: Option<Due>,
    pub completed_at: Option<DateTime<Utc>>,
    pub opinion: Option<String>,
    pub by: Option<String>,
    /// Completed by an on-the-spot decision at a window (即办件), not by its own role.
    #[serde(default)]
    pub on_spot: bool,
}

/// One entry of a one-time supplement notice (一次性告知).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingMaterial {
    pub code: String,
    #[serde(default)]
    pub note: String,
}

/// A supplement notice as issued; kept so that supervision can check one notice per submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementNotice {
    pub submission: u32,
    pub at: DateTime<Utc>,
    pub by: String,
    pub missing: Vec<MissingMaterial>,
}

/// Special procedures whose time is not counted (特别程序, art. 45). The first six are the
/// law's list; 勘验 and 公示 are grounds only where an item names the special law that adds
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 听证
    Hearing,
    /// 招标、拍卖
    Auction,
    /// 检验、检测
    Testing,
    /// 检疫
    Quarantine,
    /// 鉴定 (records before 勘验 was split off said `inspection`)
    #[serde(alias = "inspection")]
    Appraisal,
    /// 专家评审
    ExpertReview,
    /// 勘验: not in art. 45
    SiteInspection,
    /// 公示、公告: not in art. 45
    PublicNotice,
}

impl Procedure {
    /// Every procedure: art. 45's own list (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审)
    /// first, then the grounds only a special law adds.
    pub const ALL: [Procedure; 8] = [
        Procedure::Hearing,
        Procedure::Auction,
        Procedure::Testing,
        Procedure::Quarantine,
        Procedure::Appraisal,
        Procedure::ExpertReview,
        Procedure::SiteInspection,
        Procedure::PublicNotice,
    ];

    /// Art. 45's own list.
    pub fn statutory() -> &'static [Procedure] {
        &Procedure::ALL[..6]
    }

    pub fn is_statutory(self) -> bool {
        Procedure::statutory().contains(&self)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Procedure::Hearing => "hearing",
            Procedure::Auction => "auction",
            Procedure::Testing => "testing",
            Procedure::Quarantine => "quarantine",
            Procedure::Appraisal => "appraisal",
            Procedure::ExpertReview => "expert_review",
            Procedure::SiteInspection => "site_inspection",
            Procedure::PublicNotice => "public_notice",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Procedure::Hearing => "听证",
            Procedure::Auction => "招标、拍卖",
            Procedure::Testing => "检验、检测",
            Procedure::Quarantine => "检疫",
            Procedure::Appraisal => "鉴定",
            Procedure::ExpertReview => "专家评审",
            Procedure::SiteInspection => "勘验",
            Procedure::PublicNotice => "公示、公告",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub procedure: Procedure,
    /// The written notice told to the applicant.
    pub note: String,
    pub suspended_at: DateTime<Utc>,
    pub resumed_at: Option<DateTime<Utc>>,
    pub by: String,
}

/// The one extension of the decision limit (art. 42).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub working_days: u32,
    /// Whether it also moved the promised deadline: only when granted before the promise
    /// broke, and only if the item allows it. (Records from before the rule moved both.)
    #[serde(default = "moved")]
    pub moves_promise: bool,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    Approved,
    Denied,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: DecisionOutcome,
    /// The opinion of an approval, or the reasons of a denial.
    pub opinion: String,
    /// Required for a denial.
    pub legal_basis: Option<String>,
    pub at: DateTime<Utc>,
    pub by: String,
    /// Decided on the spot at a window (即办件).
    pub on_spot: bool,
    /// Decided after the promised deadline: the breach stays in the record whatever moves
    /// later (a calendar correction, an extension).
    #[serde(default)]
    pub promise_broken: bool,
    /// Decided after the legal deadline (art. 42).
    #[serde(default)]
    pub law_broken: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    /// 窗口领取
    Window,
    /// 邮寄
    Post,
    /// 电子证照 / 网上送达
    Electronic,
}

impl DeliveryMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryMethod::Window => "window",
            DeliveryMethod::Post => "post",
            DeliveryMethod::Electronic => "electronic",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub method: DeliveryMethod,
    pub at: DateTime<Utc>,
    pub by: String,
    /// Where a result sent by post went, and its tracking number (邮寄送达).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<PostalDelivery>,
}

/// A result sent by post: the address it went to and the carrier's tracking number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalDelivery {
    pub address: String,
    pub tracking_no: String,
}

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    Denied,
    Refused,
    Withdrawn,
    Terminated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conclusion {
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
    /// The reason of a refusal, withdrawal or termination.
    pub reason: Option<String>,
    /// The legal basis of a refusal.
    pub legal_basis: Option<String>,
}
