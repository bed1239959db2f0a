//! Notices to the applicant that a transition produces, for the outbox. The law requires
//! several of them in writing: the supplement notice with the full list (art. 32), the refusal
//! with reasons, the suspension (art. 45), the extension reason (art. 42), the decision.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::DateSpan;

use super::model::{Applicant, DecisionOutcome, DeliveryMethod, Procedure};
use super::reproject::DueMove;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub case_no: String,
    pub to: Recipient,
    pub notice: Notice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl From<&Applicant> for Recipient {
    fn from(a: &Applicant) -> Self {
        Recipient {
            name: a.name.clone(),
            email: a.email.clone(),
            phone: a.phone.clone(),
        }
    }
}

/// One line of a supplement notice, with the material's name from the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingLine {
    pub code: String,
    pub name: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Notice {
    /// 收件回执: the application was received.
    Receipt {
        item_name: String,
        received_at: DateTime<Utc>,
        acceptance_due: NaiveDate,
        query_code: String,
        /// The date counts a provisional year (暂定).
        #[serde(default)]
        provisional: bool,
    },
    /// 受理通知书.
    Acceptance {
        promised_due: NaiveDate,
        legal_due: NaiveDate,
        /// Names of the materials promised later (容缺), as the item names them.
        promised_materials: Vec<String>,
        /// The legal (and so perhaps the promised) date counts a provisional year (暂定).
        #[serde(default)]
        provisional: bool,
        /// Accepted by operation of law as of receipt (art. 32).
        #[serde(default)]
        deemed_on_receipt: bool,
    },
    /// 不予受理通知书.
    Refusal { reason: String, legal_basis: String },
    /// 一次性告知书: everything missing, at once.
    Supplement { missing: Vec<MissingLine> },
    /// 特别程序告知 (art. 45): the clocks stop.
    Suspension { procedure: Procedure, note: String },
    /// 特别程序结束告知 (art. 45): the clocks run again, with the days taken out and the new
    /// dates.
    Resumption {
        procedure: Procedure,
        /// The days not counted; `None` when no whole day of office hours was lost.
        excluded: Option<DateSpan>,
        promised_due: NaiveDate,
        legal_due: NaiveDate,
        #[serde(default)]
        provisional: bool,
    },
    /// 延期告知.
    Extension {
        working_days: u32,
        reason: String,
        legal_due: NaiveDate,
        #[serde(default)]
        provisional: bool,
        /// Joint handling: approved by the head of the government (art. 42 para. 2), not of
        /// the organ.
        #[serde(default)]
        by_government: bool,
    },
    /// 准予 / 不予许可决定书; a denial tells the right to reconsideration or suit.
    Decision {
        outcome: DecisionOutcome,
        opinion: String,
        legal_basis: Option<String>,
        delivery_due: NaiveDate,
        #[serde(default)]
        provisional: bool,
    },
    /// 送达.
    Delivery {
        method: DeliveryMethod,
        at: DateTime<Utc>,
    },
    /// 终止办理告知.
    Termination { reason: String },
    /// 期限调整告知: a calendar year was loaded or corrected, and dates given moved.
    Rescheduled { source: String, moves: Vec<DueMove> },
}

impl Notice {
    pub fn as_str(&self) -> &'static str {
        match self {
            Notice::Receipt { .. } => "receipt",
            Notice::Acceptance { .. } => "acceptance",
            Notice::Refusal { .. } => "refusal",
            Notice::Supplement { .. } => "supplement",
            Notice::Suspension { .. } => "suspension",
            Notice::Resumption { .. } => "resumption",
            Notice::Extension { .. } => "extension",
            Notice::Decision { .. } => "decision",
            Notice::Delivery { .. } => "delivery",
            Notice::Termination { .. } => "termination",
            Notice::Rescheduled { .. } => "rescheduled",
        }
    }
}
