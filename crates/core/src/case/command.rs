//! Commands: what a caller asks of a case. Field names follow the bodies of api.md.

use serde::{Deserialize, Serialize};

use crate::item::Yuan;

use super::model::{
    Applicant, DeliveryMethod, MissingMaterial, PostalDelivery, Procedure, SubmittedMaterial,
};
use super::status::Action;

/// A new application (`POST /cases`). The caller generates `case_no` and `query_code`, since
/// the core does not draw random numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCase {
    pub case_no: String,
    pub query_code: String,
    pub applicant: Applicant,
    pub materials: Vec<SubmittedMaterial>,
    #[serde(default)]
    pub form: Option<serde_json::Value>,
}

/// An action on an existing case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    Accept,
    Refuse {
        reason: String,
        legal_basis: String,
    },
    RequestSupplement {
        missing: Vec<MissingMaterial>,
    },
    Supplement {
        materials: Vec<SubmittedMaterial>,
    },
    CompleteStage {
        stage: String,
        opinion: String,
    },
    Approve {
        opinion: String,
    },
    Deny {
        reason: String,
        legal_basis: String,
    },
    Suspend {
        procedure: Procedure,
        note: String,
    },
    Resume,
    Extend {
        working_days: u32,
        reason: String,
    },
    Withdraw {
        reason: String,
    },
    Deliver {
        method: DeliveryMethod,
        /// The fee actually charged; `None` records the item's standard fee.
        #[serde(default)]
        fee: Option<Yuan>,
        /// Required when sent by post: the address and the tracking number.
        #[serde(default)]
        post: Option<PostalDelivery>,
    },
    Terminate {
        reason: String,
    },
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Accept => Action::Accept,
            Command::Refuse { .. } => Action::Refuse,
            Command::RequestSupplement { .. } => Action::RequestSupplement,
            Command::Supplement { .. } => Action::Supplement,
            Command::CompleteStage { .. } => Action::CompleteStage,
            Command::Approve { .. } => Action::Approve,
            Command::Deny { .. } => Action::Deny,
            Command::Suspend { .. } => Action::Suspend,
            Command::Resume => Action::Resume,
            Command::Extend { .. } => Action::Extend,
            Command::Withdraw { .. } => Action::Withdraw,
            Command::Deliver { .. } => Action::Deliver,
            Command::Terminate { .. } => Action::Terminate,
        }
    }
}
