//! Case events: the append-only timeline. Every transition writes exactly one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::DateSpan;
use crate::clock::Due;
use crate::item::Yuan;

use super::actor::Actor;
use super::model::{
    Channel, DeliveryMethod, MissingMaterial, PostalDelivery, Procedure, SubmittedMaterial,
};
use super::reproject::DueMove;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub case_no: String,
    /// The case version this event produced (1 for the creation).
    pub version: u64,
    pub at: DateTime<Utc>,
    /// Who acted, with the window and grant used (kept even if the grant is revoked later).
    pub actor: Actor,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        #[serde(default, skip_serializing_if = "Option::is_none")]
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

impl EventKind {
    /// Stable name of the event type, for an indexed column and the upstream feed.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventKind::Opened { .. } => "opened",
            EventKind::Accepted { .. } => "accepted",
            EventKind::AcceptanceRecorded => "acceptance_recorded",
            EventKind::Refused { .. } => "refused",
            EventKind::SupplementRequested { .. } => "supplement_requested",
            EventKind::Supplemented { .. } => "supplemented",
            EventKind::StageCompleted { .. } => "stage_completed",
            EventKind::Approved { .. } => "approved",
            EventKind::Denied { .. } => "denied",
            EventKind::Suspended { .. } => "suspended",
            EventKind::Resumed { .. } => "resumed",
            EventKind::Extended { .. } => "extended",
            EventKind::Withdrawn { .. } => "withdrawn",
            EventKind::Delivered { .. } => "delivered",
            EventKind::Terminated { .. } => "terminated",
            EventKind::Reprojected { .. } => "reprojected",
        }
    }
}
