//! What the case routes answer: the whole case with its due dates lifted to the top level
//! (api.md's `acceptance_due`, …), the work-queue summary, and the timeline.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tongban_core::case::{Applicant, Case, CaseStatus};
use tongban_store::{CaseRecord, EventRecord};
use utoipa::ToSchema;

use tongban_app::catalogue_view::CatalogueView;
use tongban_app::records::from_millis;

/// A whole case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    pub item_name: String,
    /// The status in Chinese, for display.
    pub status_name: &'static str,
    /// Last day to accept or send the one-time supplement notice, while awaiting acceptance.
    pub acceptance_due: Option<NaiveDate>,
    /// 承诺时限: the promised decision date, once accepted.
    pub promised_due: Option<NaiveDate>,
    /// 法定时限: the legal decision date, once accepted.
    pub legal_due: Option<NaiveDate>,
    /// Last day to deliver the result, once decided.
    pub delivery_due: Option<NaiveDate>,
}

impl CaseView {
    pub fn new(case: Case, catalogue: &CatalogueView) -> Self {
        let item_name = catalogue
            .item_version(&case.item_code, case.item_version)
            .map(|i| i.name.clone())
            .unwrap_or_default();
        let clocks = &case.clocks;
        CaseView {
            item_name,
            status_name: case.status.name_zh(),
            acceptance_due: case
                .status
                .awaits_acceptance()
                .then_some(clocks.acceptance.due.date),
            promised_due: clocks.decision.map(|d| d.promised_due.date),
            legal_due: clocks.decision.map(|d| d.legal_due.date),
            delivery_due: clocks.delivery.map(|d| d.due.date),
            case,
        }
    }
}

/// One line of a work queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
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

impl CaseSummary {
    pub fn new(r: &CaseRecord, catalogue: &CatalogueView) -> Self {
        let item_name = u32::try_from(r.item_version)
            .ok()
            .and_then(|v| catalogue.item_version(&r.item_code, v))
            .map(|i| i.name.clone())
            .unwrap_or_default();
        CaseSummary {
            case_no: r.case_no.clone(),
            item_code: r.item_code.clone(),
            item_name,
            item_version: r.item_version,
            department: r.department.clone(),
            window: r.window_code.clone(),
            status: r.status.clone(),
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
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
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
    #[schema(value_type = Object)]
    pub event: serde_json::Value,
}

impl From<&EventRecord> for EventView {
    fn from(r: &EventRecord) -> Self {
        EventView {
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

/// Decodes the stored case; a row that does not decode is the server's problem, not the
/// caller's.
pub fn decode_case(r: &CaseRecord) -> Result<Case, crate::problem::Problem> {
    let mut case: Case = serde_json::from_str(&r.data).map_err(|e| {
        tracing::error!(case_no = %r.case_no, error = %e, "stored case does not decode");
        crate::problem::Problem::internal()
    })?;
    // The store owns the version column.
    case.version = u64::try_from(r.version).unwrap_or(case.version);
    Ok(case)
}

/// Whether a status name of a query is a real status.
pub fn parse_status(s: &str) -> Option<CaseStatus> {
    CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
}
