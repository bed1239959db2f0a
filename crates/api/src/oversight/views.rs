//! Alerts and their lifecycle steps as the supervision routes answer them (the JSON
//! contract and its OpenAPI schemas), from the application's alerts.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tongban_app::supervision::alerts::{self, Alert, Step};
use utoipa::ToSchema;

/// An alert (预警).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertView {
    pub id: i64,
    pub case_no: Option<String>,
    /// The stage, for a stage's alert.
    pub stage: Option<String>,
    /// The stage's name in the case's item version, where it was read (one alert, the
    /// alerts grouped by case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage_name: Option<String>,
    /// The rule, e.g. `promised_deadline`.
    pub rule: String,
    /// The rule's name in Chinese, e.g. 超承诺时限.
    pub rule_name: String,
    /// `yellow` or `red`.
    pub level: String,
    /// `open`, `acknowledged`, `urged`, `resolved` or `escalated`.
    pub status: String,
    /// The responsible department.
    pub department: Option<String>,
    pub raised_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What the rule saw when it raised the alert; never overwritten (how it ended is in its steps).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<&Alert> for AlertView {
    fn from(a: &Alert) -> Self {
        AlertView {
            id: a.id,
            case_no: a.case_no.clone(),
            stage: a.stage.clone(),
            stage_name: a.stage_name.clone(),
            rule: a.rule.clone(),
            rule_name: a.rule_name.clone(),
            level: a.level.clone(),
            status: a.status.clone(),
            department: a.department.clone(),
            raised_at: a.raised_at,
            updated_at: a.updated_at,
            detail: a.detail.clone(),
        }
    }
}

/// One step of an alert's lifecycle.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepView {
    pub id: i64,
    pub alert_id: i64,
    /// `acknowledge`, `urge`, `resolve` or `escalate`.
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    /// Who took the step.
    pub actor: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    /// Usernames an urge was e-mailed to (the department's head or approvers with an
    /// address); empty when nobody could be reached by e-mail.
    pub notified: Vec<String>,
}

impl From<&Step> for StepView {
    fn from(s: &Step) -> Self {
        StepView {
            id: s.id,
            alert_id: s.alert_id,
            action: s.action.clone(),
            from_status: s.from_status.clone(),
            to_status: s.to_status.clone(),
            actor: s.actor.clone(),
            at: s.at,
            note: s.note.clone(),
            notified: s.notified.clone(),
        }
    }
}

/// An alert with its lifecycle, oldest step first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertDetail {
    #[serde(flatten)]
    pub alert: AlertView,
    pub steps: Vec<StepView>,
}

impl From<&alerts::AlertDetail> for AlertDetail {
    fn from(d: &alerts::AlertDetail) -> Self {
        AlertDetail {
            alert: AlertView::from(&d.alert),
            steps: d.steps.iter().map(StepView::from).collect(),
        }
    }
}
