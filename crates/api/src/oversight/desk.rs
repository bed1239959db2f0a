//! The supervisor's desk as HTTP speaks it: the alerts grouped by case, the dashboard,
//! urging orders (督办单) and a rating's rectification (整改), with their OpenAPI schemas.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tongban_app::cases::evaluation::Evaluation;
use tongban_app::supervision::desk::{CaseAlerts, Dashboard, Tally};
use tongban_app::supervision::urging::UrgingOrder;
use utoipa::ToSchema;

use super::views::AlertView;

/// An urging order (督办单) and its reply.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UrgingOrderView {
    pub id: i64,
    pub alert_id: i64,
    pub case_no: Option<String>,
    pub department: String,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    pub note: Option<String>,
    pub reply_days: i64,
    /// The last day of the reply (hall's local date).
    #[schema(value_type = String, format = Date)]
    pub reply_due: NaiveDate,
    /// `awaited`, `overdue` (unanswered after its last day), `answered` or `answered_late`.
    pub state: String,
    pub reply: Option<String>,
    pub replied_by: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
}

impl From<&UrgingOrder> for UrgingOrderView {
    fn from(o: &UrgingOrder) -> Self {
        UrgingOrderView {
            id: o.id,
            alert_id: o.alert_id,
            case_no: o.case_no.clone(),
            department: o.department.clone(),
            issued_by: o.issued_by.clone(),
            issued_at: o.issued_at,
            note: o.note.clone(),
            reply_days: o.reply_days,
            reply_due: o.reply_due_date,
            state: o.state.as_str().to_owned(),
            reply: o.reply.clone(),
            replied_by: o.replied_by.clone(),
            replied_at: o.replied_at,
        }
    }
}

/// One case on the desk: its highest open level and the alerts listed (a yellow whose red
/// was raised is not).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseAlertsView {
    pub case_no: Option<String>,
    pub item_code: Option<String>,
    pub item_name: Option<String>,
    pub department: Option<String>,
    pub window: Option<String>,
    /// `red`, `yellow`, or `null` when every alert is closed.
    pub level: Option<String>,
    pub alerts: Vec<AlertView>,
    /// Yellows not listed because their red was raised.
    pub superseded: usize,
    pub latest: DateTime<Utc>,
    /// The urging order that matters most (overdue, else awaited, else the newest).
    pub urging: Option<UrgingOrderView>,
}

impl From<&CaseAlerts> for CaseAlertsView {
    fn from(c: &CaseAlerts) -> Self {
        CaseAlertsView {
            case_no: c.case_no.clone(),
            item_code: c.item_code.clone(),
            item_name: c.item_name.clone(),
            department: c.department.clone(),
            window: c.window.clone(),
            level: c.level.map(|l| l.as_str().to_owned()),
            alerts: c.alerts.iter().map(AlertView::from).collect(),
            superseded: c.superseded,
            latest: c.latest,
            urging: c.urging.as_ref().map(UrgingOrderView::from),
        }
    }
}

/// Open alerts of a department or window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TallyView {
    pub code: Option<String>,
    pub red: u64,
    pub yellow: u64,
}

impl From<&Tally> for TallyView {
    fn from(t: &Tally) -> Self {
        TallyView {
            code: t.key.clone(),
            red: t.red,
            yellow: t.yellow,
        }
    }
}

/// Alerts raised on one day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayView {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub red: u64,
    pub yellow: u64,
}

/// Open reds by how many natural days they have lasted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LastingView {
    pub from_days: i64,
    /// `null`: open-ended.
    pub to_days: Option<i64>,
    pub reds: u64,
}

/// The dashboard of the supervision office.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DashboardView {
    pub at: DateTime<Utc>,
    pub open_red: u64,
    pub open_yellow: u64,
    pub by_department: Vec<TallyView>,
    pub by_window: Vec<TallyView>,
    pub lasting: Vec<LastingView>,
    /// The last 28 days, oldest first.
    pub trend: Vec<DayView>,
    pub urging_overdue: Vec<UrgingOrderView>,
    pub urging_awaited: u64,
}

impl From<&Dashboard> for DashboardView {
    fn from(d: &Dashboard) -> Self {
        DashboardView {
            at: d.at,
            open_red: d.red,
            open_yellow: d.yellow,
            by_department: d.by_department.iter().map(TallyView::from).collect(),
            by_window: d.by_window.iter().map(TallyView::from).collect(),
            lasting: d
                .lasting
                .iter()
                .map(|b| LastingView {
                    from_days: b.from,
                    to_days: b.to,
                    reds: b.reds,
                })
                .collect(),
            trend: d
                .trend
                .iter()
                .map(|t| DayView {
                    date: t.date,
                    red: t.red,
                    yellow: t.yellow,
                })
                .collect(),
            urging_overdue: d.urging_overdue.iter().map(UrgingOrderView::from).collect(),
            urging_awaited: d.urging_awaited,
        }
    }
}

/// A rating (好差评) and its rectification (整改).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RatingView {
    pub case_no: String,
    pub score: i64,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
    pub follow_up_due: Option<DateTime<Utc>>,
    pub rectification: Option<String>,
    pub rectified_by: Option<String>,
    pub rectified_at: Option<DateTime<Utc>>,
}

impl From<&Evaluation> for RatingView {
    fn from(e: &Evaluation) -> Self {
        RatingView {
            case_no: e.case_no.clone(),
            score: e.score,
            comment: e.comment.clone(),
            at: e.at,
            follow_up_due: e.follow_up_due,
            rectification: e.follow_up_note.clone(),
            rectified_by: e.followed_up_by.clone(),
            rectified_at: e.followed_up_at,
        }
    }
}

/// `{"text": "…"}`: what the department did.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RectificationRequest {
    pub text: String,
}

/// `{"reply": "…"}`: the head's reply to an urging order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    pub reply: String,
}
