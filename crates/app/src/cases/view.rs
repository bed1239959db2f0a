//! A stored case as the domain's [`Case`], and the plain views of a case's parts that the
//! drivers render (a work-queue line, a timeline entry).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use tongban_core::case::{Applicant, Case, CaseStatus};
use tongban_store::{CaseRecord, EventRecord};

use crate::catalogue_view::CatalogueView;
use crate::error::{AppResult, Error};
use crate::records::from_millis;

/// A case as the store's row (for drivers that still read rows themselves).
pub type CaseRow = CaseRecord;

/// Decodes the stored case; a row that does not decode is the server's problem, not the
/// caller's.
pub fn decode_case(r: &CaseRecord) -> AppResult<Case> {
    let mut case: Case = serde_json::from_str(&r.data)
        .map_err(|e| Error::corrupt(format!("stored case {} does not decode: {e}", r.case_no)))?;
    // The store owns the version column.
    case.version = u64::try_from(r.version).unwrap_or(case.version);
    Ok(case)
}

/// Whether a status name of a query is a real status.
pub fn parse_status(s: &str) -> Option<CaseStatus> {
    CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
}

/// One line of a work queue.
#[derive(Debug, Clone)]
pub struct QueueLine {
    pub case_no: String,
    pub item_code: String,
    pub item_name: String,
    pub item_version: i64,
    pub department: String,
    pub window: Option<String>,
    pub status: String,
    pub version: i64,
    pub received_at: DateTime<Utc>,
    /// Deadline instants (the end of the due day).
    pub acceptance_deadline: Option<DateTime<Utc>>,
    pub promised_deadline: Option<DateTime<Utc>>,
    pub legal_deadline: Option<DateTime<Utc>>,
    /// Who applied (staff queues show it; an applicant sees only their own cases).
    pub applicant: Option<Applicant>,
}

/// The part of a stored case a queue line needs.
#[derive(Deserialize)]
struct ApplicantOnly {
    applicant: Applicant,
}

impl QueueLine {
    pub fn new(r: &CaseRecord, catalogue: &CatalogueView) -> Self {
        let item_name = u32::try_from(r.item_version)
            .ok()
            .and_then(|v| catalogue.item_version(&r.item_code, v))
            .map(|i| i.name.clone())
            .unwrap_or_default();
        QueueLine {
            case_no: r.case_no.clone(),
            item_code: r.item_code.clone(),
            item_name,
            item_version: r.item_version,
            department: r.department.clone(),
            window: r.window_code.clone(),
            status: r.status.0.as_str().to_owned(),
            version: r.version,
            received_at: from_millis(r.received_at),
            acceptance_deadline: r.acceptance_due.map(from_millis),
            promised_deadline: r.promised_due.map(from_millis),
            legal_deadline: r.legal_due.map(from_millis),
            applicant: serde_json::from_str::<ApplicantOnly>(&r.data)
                .ok()
                .map(|a| a.applicant),
        }
    }
}

/// One entry of a case's timeline.
#[derive(Debug, Clone)]
pub struct Event {
    /// Position in the timeline, from 1.
    pub seq: i64,
    /// Global order, the cursor of the supervision feed.
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub actor: String,
    pub window: Option<String>,
    pub grant_id: Option<i64>,
    /// The event as the core produced it.
    pub event: serde_json::Value,
}

impl From<&EventRecord> for Event {
    fn from(r: &EventRecord) -> Self {
        Event {
            seq: r.seq,
            id: r.id,
            at: from_millis(r.at),
            kind: r.kind.clone(),
            actor: r.actor.clone(),
            window: r.window_code.clone(),
            grant_id: r.grant_id,
            event: serde_json::from_str(&r.data).unwrap_or(serde_json::Value::Null),
        }
    }
}
