//! Alerts and their lifecycle steps as the supervision routes show them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tongban_core::supervision::AlertRule;
use tongban_store::alert_steps::AlertStepRecord;
use tongban_store::alerts::AlertRecord;
use utoipa::ToSchema;

use tongban_app::records::from_millis;

/// An alert (预警).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertView {
    pub id: i64,
    pub case_no: Option<String>,
    /// The stage, for a stage's alert.
    pub stage: Option<String>,
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
    /// What the rule saw when it raised the alert (and, once the case ended, how it closed).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<&AlertRecord> for AlertView {
    fn from(r: &AlertRecord) -> Self {
        AlertView {
            id: r.id,
            case_no: r.case_no.clone(),
            stage: r.stage.clone(),
            rule: r.rule.clone(),
            rule_name: rule_name(&r.rule),
            level: r.level.clone(),
            status: r.status.clone(),
            department: r.department.clone(),
            raised_at: from_millis(r.raised_at),
            updated_at: from_millis(r.updated_at),
            detail: json_or_text(&r.detail),
        }
    }
}

/// The Chinese name of a rule; a rule this version does not know keeps its identifier.
pub fn rule_name(rule: &str) -> String {
    rule.parse::<AlertRule>()
        .map_or_else(|_| rule.to_owned(), |r| r.name_zh().to_owned())
}

/// Stored JSON text as a value; text that is not JSON (written by an older version) is
/// shown as a string rather than lost.
fn json_or_text(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))
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

impl From<&AlertStepRecord> for StepView {
    fn from(r: &AlertStepRecord) -> Self {
        StepView {
            id: r.id,
            alert_id: r.alert_id,
            action: r.action.clone(),
            from_status: r.from_status.clone(),
            to_status: r.to_status.clone(),
            actor: r.actor.clone(),
            at: from_millis(r.at),
            note: r.note.clone(),
            notified: serde_json::from_str(&r.notified).unwrap_or_default(),
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
