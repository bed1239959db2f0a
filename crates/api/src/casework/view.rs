//! What the case routes answer: the whole case with its due dates lifted to the top level
//! (api.md's `acceptance_due`, …), the work-queue summary, and the timeline.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tongban_app::cases::view::{Event, QueueLine};
use tongban_app::catalogue_view::CatalogueView;
use tongban_core::calendar::Calendar;
use tongban_core::case::{Applicant, Case};
use utoipa::ToSchema;

use crate::lang::Lang;
use crate::pages::names;
use crate::schemas;

/// A whole case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    #[schema(value_type = schemas::Case)]
    pub case: Case,
    pub item_name: String,
    /// The status in Chinese, for display; a decision in the item's category's words.
    pub status_name: &'static str,
    /// Last day to accept or send the one-time supplement notice, while awaiting acceptance.
    pub acceptance_due: Option<NaiveDate>,
    /// 承诺时限: the promised decision date, once accepted.
    pub promised_due: Option<NaiveDate>,
    /// 法定时限: the legal decision date, once accepted.
    pub legal_due: Option<NaiveDate>,
    /// Last day to deliver the result, once decided.
    pub delivery_due: Option<NaiveDate>,
    /// Some due date shown counts a provisional year (暂定): every `due` object of `clocks`
    /// and `stages` says which, with its own `provisional`.
    pub provisional: bool,
    /// The last day of the official calendar: a date after it is provisional.
    #[serde(skip)]
    pub last_official_day: NaiveDate,
}

impl CaseView {
    pub fn new(case: Case, catalogue: &CatalogueView, calendar: &Calendar) -> Self {
        let item = catalogue.item_version(&case.item_code, case.item_version);
        let item_name = item.map(|i| i.name.clone()).unwrap_or_default();
        // A decision reads as the item's category words it (予以确认 for a 行政确认, 办结 for a
        // public service), as on the pages and the public status.
        let status_name = names::status_of(case.status, item, Lang::Zh);
        let clocks = &case.clocks;
        let last_official_day = calendar.last_official_day();
        let mut shown: Vec<NaiveDate> = Vec::new();
        shown.extend(
            case.status
                .awaits_acceptance()
                .then_some(clocks.acceptance.due.date),
        );
        if let Some(d) = clocks.decision {
            shown.extend([d.promised_due.date, d.legal_due.date]);
        }
        shown.extend(clocks.delivery.map(|d| d.due.date));
        shown.extend(case.stages.iter().filter_map(|s| s.due.map(|d| d.date)));
        CaseView {
            provisional: shown.iter().any(|d| *d > last_official_day),
            last_official_day,
            item_name,
            status_name,
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

    /// Whether a date of this case counts a provisional year.
    pub fn is_provisional(&self, date: NaiveDate) -> bool {
        date > self.last_official_day
    }

    /// The JSON answer: the case with `provisional` beside every due date (api.md). Added
    /// here rather than stored: it follows the calendar in force, so it turns false the
    /// moment the year is loaded.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        let last = self.last_official_day;
        let mark = |due: &mut serde_json::Value| {
            let date = due
                .get("date")
                .and_then(|d| d.as_str())
                .and_then(|d| d.parse::<NaiveDate>().ok());
            if let (Some(date), Some(obj)) = (date, due.as_object_mut()) {
                obj.insert(
                    "provisional".to_owned(),
                    serde_json::Value::Bool(date > last),
                );
            }
        };
        if let Some(clocks) = v.get_mut("clocks") {
            for path in [
                &["acceptance", "due"][..],
                &["decision", "promised_due"],
                &["decision", "legal_due"],
                &["delivery", "due"],
            ] {
                if let Some(due) = path.iter().try_fold(&mut *clocks, |v, k| v.get_mut(*k)) {
                    mark(due);
                }
            }
        }
        if let Some(stages) = v.get_mut("stages").and_then(|s| s.as_array_mut()) {
            for stage in stages {
                if let Some(due) = stage.get_mut("due") {
                    mark(due);
                }
            }
        }
        v
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
    #[schema(value_type = Option<schemas::Applicant>)]
    pub applicant: Option<Applicant>,
}

impl From<QueueLine> for CaseSummary {
    fn from(l: QueueLine) -> Self {
        CaseSummary {
            case_no: l.case_no,
            item_code: l.item_code,
            item_name: l.item_name,
            item_version: l.item_version,
            department: l.department,
            window: l.window,
            status: l.status,
            version: l.version,
            received_at: l.received_at,
            acceptance_deadline: l.acceptance_deadline,
            promised_deadline: l.promised_deadline,
            legal_deadline: l.legal_deadline,
            applicant: l.applicant,
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

impl From<Event> for EventView {
    fn from(e: Event) -> Self {
        EventView {
            seq: e.seq,
            id: e.id,
            at: e.at,
            kind: e.kind,
            actor: e.actor,
            window: e.window,
            grant_id: e.grant_id,
            event: e.event,
        }
    }
}

/// Decodes a stored case (for the supervision routes, until they read cases through a use
/// case of their own).
pub fn decode_case(r: &tongban_app::cases::view::CaseRow) -> Result<Case, crate::problem::Problem> {
    Ok(tongban_app::cases::view::decode_case(r)?)
}
