//! `tongban_core::case`: the case, its stages, clocks and timeline events.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::*;

/// One application, from submission to conclusion.
#[derive(Serialize, ToSchema)]
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
    /// A clerk's record, once, of an acceptance the law made (art. 32).
    pub acceptance_recorded: Option<AcceptanceRecord>,
}

/// Who recorded an acceptance by operation of law, and when.
#[derive(Serialize, ToSchema)]
pub struct AcceptanceRecord {
    pub at: DateTime<Utc>,
    pub by: String,
}

/// How the case came in.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 网上申请: status `submitted`.
    Online,
    /// Taken at a window: status `received`.
    Window,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    Person,
    Organization,
}

#[derive(Serialize, ToSchema)]
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
#[derive(Serialize, ToSchema)]
pub struct SubmittedMaterial {
    pub code: String,
    #[serde(default = "one")]
    pub copies: u32,
}

/// A tolerated-missing material promised at acceptance.
#[derive(Serialize, ToSchema)]
pub struct PromisedMaterial {
    pub code: String,
    pub promised_at: DateTime<Utc>,
    pub fulfilled_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    Pending,
    Active,
    Done,
}

/// One workflow stage of the case, with its own clock.
#[derive(Serialize, ToSchema)]
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
#[derive(Serialize, ToSchema)]
pub struct MissingMaterial {
    pub code: String,
    #[serde(default)]
    pub note: String,
}

/// A supplement notice as issued; kept so that supervision can check one notice per submission.
#[derive(Serialize, ToSchema)]
pub struct SupplementNotice {
    pub submission: u32,
    pub at: DateTime<Utc>,
    pub by: String,
    pub missing: Vec<MissingMaterial>,
}

/// Special procedures whose time is not counted (特别程序, art. 45).
#[derive(Serialize, ToSchema)]
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
    /// 鉴定
    Appraisal,
    /// 专家评审
    ExpertReview,
    /// 勘验: not in art. 45, only where the item's special law adds it
    SiteInspection,
    /// 公示、公告: not in art. 45, only where the item's special law adds it
    PublicNotice,
}

#[derive(Serialize, ToSchema)]
pub struct Suspension {
    pub procedure: Procedure,
    /// The written notice told to the applicant.
    pub note: String,
    pub suspended_at: DateTime<Utc>,
    pub resumed_at: Option<DateTime<Utc>>,
    pub by: String,
}

/// The one extension of the decision limit (art. 42).
#[derive(Serialize, ToSchema)]
pub struct Extension {
    pub working_days: u32,
    /// Whether it also moved the promised deadline: only when granted before the promise
    /// broke, and only if the item allows it; it always moves the legal one.
    pub moves_promise: bool,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    Approved,
    Denied,
}

#[derive(Serialize, ToSchema)]
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
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    /// 窗口领取
    Window,
    /// 邮寄
    Post,
    /// 电子证照 / 网上送达
    Electronic,
}

#[derive(Serialize, ToSchema)]
pub struct Delivery {
    pub method: DeliveryMethod,
    pub at: DateTime<Utc>,
    pub by: String,
    /// Sent by post: where to and the tracking number (absent otherwise).
    pub post: Option<PostalDelivery>,
}

/// A result sent by post (邮寄送达).
#[derive(Serialize, ToSchema)]
pub struct PostalDelivery {
    pub address: String,
    pub tracking_no: String,
}

/// How a case ended.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    Denied,
    Refused,
    Withdrawn,
    Terminated,
}

#[derive(Serialize, ToSchema)]
pub struct Conclusion {
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
    /// The reason of a refusal, withdrawal or termination.
    pub reason: Option<String>,
    /// The legal basis of a refusal.
    pub legal_basis: Option<String>,
}

/// The person acting, as authenticated and checked by the caller.
#[derive(Serialize, ToSchema)]
pub struct Actor {
    /// The role the user acts in (a user holding several picks one per request).
    pub role: Role,
    pub user: String,
    /// The user's department, for back-office roles.
    pub department: Option<String>,
    /// The window a clerk sits at.
    pub window: Option<String>,
    /// The grant that authorised this window action, when one did.
    pub grant: Option<GrantRef>,
}

/// The grant found in force for a window action, recorded on the event.
#[derive(Serialize, ToSchema)]
pub struct GrantRef {
    pub id: i64,
    /// The authorisation document number (授权书文号).
    pub document_no: String,
}

#[derive(Serialize, ToSchema)]
pub struct CaseEvent {
    pub case_no: String,
    /// The case version this event produced (1 for the creation).
    pub version: u64,
    pub at: DateTime<Utc>,
    /// Who acted, with the window and grant used (kept even if the grant is revoked later).
    pub actor: Actor,
    pub kind: EventKind,
}

#[derive(Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// Opened online (`submitted`) or at a window (`received`).
    Opened {
        channel: Channel,
        materials: Vec<SubmittedMaterial>,
        acceptance_due: Due,
    },
    Accepted {
        /// Accepted after the acceptance due date: the case counts as accepted on receipt.
        deemed_on_receipt: bool,
        /// Tolerated-missing materials promised later (容缺受理).
        promised_materials: Vec<String>,
        promised_due: Due,
        legal_due: Due,
        started_stages: Vec<String>,
    },
    /// A clerk recorded the acceptance the law made on receipt (art. 32).
    AcceptanceRecorded,
    Refused {
        reason: String,
        legal_basis: String,
    },
    SupplementRequested {
        submission: u32,
        missing: Vec<MissingMaterial>,
    },
    Supplemented {
        /// The new submission number (a supplement answering a notice), or the current one
        /// (materials promised at acceptance).
        submission: u32,
        materials: Vec<SubmittedMaterial>,
        fulfilled_promises: Vec<String>,
        /// The restarted acceptance clock, when the supplement answered a notice.
        acceptance_due: Option<Due>,
    },
    StageCompleted {
        stage: String,
        opinion: String,
        /// Stages of the next step, started because this one finished its step.
        started_stages: Vec<String>,
    },
    Approved {
        opinion: String,
        on_spot: bool,
        /// Stages completed by an on-the-spot decision.
        completed_stages: Vec<String>,
        delivery_due: Due,
    },
    Denied {
        reason: String,
        legal_basis: String,
        on_spot: bool,
        completed_stages: Vec<String>,
        delivery_due: Due,
    },
    Suspended {
        procedure: Procedure,
        note: String,
    },
    Resumed {
        procedure: Procedure,
        /// The days taken out of the count; `None` when resumed the same day.
        excluded: Option<DateSpan>,
        promised_due: Due,
        legal_due: Due,
    },
    Extended {
        working_days: u32,
        reason: String,
        promised_due: Due,
        legal_due: Due,
    },
    Withdrawn {
        reason: String,
    },
    Delivered {
        method: DeliveryMethod,
        fee_charged: Yuan,
        post: Option<PostalDelivery>,
    },
    Terminated {
        reason: String,
    },
    /// A calendar year was loaded or corrected and running due dates moved with it.
    Reprojected {
        /// The notice (or note) the year came with.
        source: String,
        moves: Vec<DueMove>,
    },
}

/// One due date that moved when a calendar year was loaded or corrected.
#[derive(Serialize, ToSchema)]
pub struct DueMove {
    /// `acceptance`, `promised`, `legal`, `delivery` or `stage:<code>`.
    pub clock: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The new date still counts a provisional year.
    pub provisional: bool,
}

/// Where a case stands. Terminal: `concluded`, `refused`, `withdrawn`, `terminated`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Submitted online, awaiting the window's pre-review (预审).
    Submitted,
    /// Taken at a window, awaiting the acceptance decision.
    Received,
    /// The one-time supplement notice is out; waiting for the applicant.
    SupplementPending,
    /// Accepted; under review by the workflow stages, decision clock running.
    Accepted,
    /// A special procedure is running; the clocks are stopped.
    Suspended,
    /// Approved; the result is to be delivered.
    Approved,
    /// Denied; the decision is to be delivered.
    Denied,
    /// The result was delivered (办结).
    Concluded,
    /// Not accepted (不予受理).
    Refused,
    Withdrawn,
    Terminated,
}
