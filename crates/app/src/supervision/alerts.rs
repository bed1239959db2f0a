//! Reading alerts (预警): the list with its filters, and one alert with the steps of its
//! lifecycle. The JSON routes and the supervision office's pages both read through here.

use chrono::{DateTime, Utc};
use tongban_core::supervision::AlertLevel;
use tongban_core::supervision::{AlertRule, AlertStatus};
use tongban_store::alert_steps::{self, AlertStepRecord};
use tongban_store::alerts::{self, AlertFilter, AlertRecord};
use tongban_store::typed::{StoredAlertRule, StoredAlertStatus};
use tongban_store::{events, EventRecord, Page as StorePage};

use crate::error::{AppResult, Code, Error, Text};
use crate::records::from_millis;
use crate::App;

/// An alert as the office sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub id: i64,
    pub case_no: Option<String>,
    /// The stage, for a stage's alert.
    pub stage: Option<String>,
    /// The stage's name in the case's item version (filled where the case was read).
    pub stage_name: Option<String>,
    /// The rule, e.g. `promised_deadline`; kept as stored, so a rule of a newer version shows.
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
    pub detail: serde_json::Value,
}

impl From<&AlertRecord> for Alert {
    fn from(r: &AlertRecord) -> Self {
        Alert {
            id: r.id,
            case_no: r.case_no.clone(),
            stage: r.stage.clone(),
            stage_name: None,
            rule: r.rule.0.as_str().to_owned(),
            rule_name: rule_name(r.rule.0.as_str()),
            level: r.level.0.as_str().to_owned(),
            status: r.status.0.as_str().to_owned(),
            department: r.department.clone(),
            raised_at: from_millis(r.raised_at),
            updated_at: from_millis(r.updated_at),
            detail: json_or_text(&r.detail),
        }
    }
}

/// One step of an alert's lifecycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
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
    /// Usernames an urge was e-mailed to.
    pub notified: Vec<String>,
}

impl From<&AlertStepRecord> for Step {
    fn from(r: &AlertStepRecord) -> Self {
        let notified = serde_json::from_str(&r.notified).unwrap_or_else(|e| {
            tracing::error!(step = r.id, error = %e, "stored step's recipients do not decode");
            Vec::new()
        });
        Step {
            id: r.id,
            alert_id: r.alert_id,
            action: r.action.clone(),
            from_status: r.from_status.clone(),
            to_status: r.to_status.clone(),
            actor: r.actor.clone(),
            at: from_millis(r.at),
            note: r.note.clone(),
            notified,
        }
    }
}

/// An alert with its lifecycle, oldest step first.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertDetail {
    pub alert: Alert,
    pub steps: Vec<Step>,
}

impl AlertDetail {
    pub(crate) fn of(alert: &AlertRecord, steps: &[AlertStepRecord]) -> Self {
        AlertDetail {
            alert: Alert::from(alert),
            steps: steps.iter().map(Step::from).collect(),
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

/// Which alerts to list; empty values mean "any".
#[derive(Debug, Clone, Default)]
pub struct AlertQuery {
    pub level: Option<String>,
    pub status: Option<String>,
    pub department: Option<String>,
    pub rule: Option<String>,
    pub case_no: Option<String>,
    /// Page number from 1 and rows per page, checked by the driver.
    pub page: u32,
    pub per_page: u32,
}

/// A page of alerts and how many match in all.
#[derive(Debug, Clone)]
pub struct AlertPage {
    pub items: Vec<Alert>,
    pub total: u64,
}

/// `invalid_query` on `field`.
pub(crate) fn bad_query(field: &str, zh: String, en: String) -> Error {
    Error::bad_request(Code::InvalidQuery, Text::new(zh, en))
        .with_field(field, Text::new("取值无效", "invalid value"))
}

/// A code-like filter value: short visible ASCII, so that nothing odd reaches the database.
fn plausible_code(s: &str) -> bool {
    s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic())
}

pub(crate) fn alert_filter(q: &AlertQuery) -> AppResult<AlertFilter> {
    let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let level = match given(&q.level).as_deref() {
        None => None,
        Some("yellow") => Some(AlertLevel::Yellow.into()),
        Some("red") => Some(AlertLevel::Red.into()),
        Some(_) => {
            return Err(bad_query(
                "level",
                "level 只能是 yellow 或 red。".into(),
                "`level` is `yellow` or `red`.".into(),
            ))
        }
    };
    let status = match given(&q.status) {
        None => None,
        Some(s) => Some(
            AlertStatus::parse(&s)
                .map(StoredAlertStatus)
                .ok_or_else(|| {
                    bad_query(
                        "status",
                        "status 只能是 open、acknowledged、urged、resolved 或 escalated。".into(),
                        "`status` is one of open, acknowledged, urged, resolved, escalated.".into(),
                    )
                })?,
        ),
    };
    let rule = match given(&q.rule) {
        None => None,
        Some(r) => Some(r.parse::<AlertRule>().map(StoredAlertRule).map_err(|_| {
            let known: Vec<&str> = AlertRule::ALL.iter().map(|r| r.as_str()).collect();
            bad_query(
                "rule",
                format!("未知的预警规则；可用：{}。", known.join("、")),
                format!("Unknown rule; known rules: {}.", known.join(", ")),
            )
        })?),
    };
    for (field, value) in [("department", &q.department), ("case_no", &q.case_no)] {
        if value.as_deref().is_some_and(|v| !plausible_code(v)) {
            return Err(bad_query(
                field,
                format!("{field} 应为编码或办件编号。"),
                format!("`{field}` must be a code or a case number."),
            ));
        }
    }
    Ok(AlertFilter {
        level,
        status,
        department: given(&q.department),
        rule,
        case_no: given(&q.case_no),
    })
}

/// Alerts, newest first, filtered by level, status, department, rule or case.
pub async fn list(app: &App, query: &AlertQuery) -> AppResult<AlertPage> {
    let filter = alert_filter(query)?;
    let page = StorePage {
        page: i64::from(query.page),
        per_page: i64::from(query.per_page),
    };
    let (rows, total) = app
        .store
        .read(move |conn| alerts::list(conn, &filter, page))
        .await?;
    Ok(AlertPage {
        items: rows.iter().map(Alert::from).collect(),
        total: u64::try_from(total).unwrap_or(0),
    })
}

/// One alert with its steps, oldest first.
pub async fn get(app: &App, id: i64) -> AppResult<AlertDetail> {
    let found = app
        .store
        .read(move |conn| {
            let Some(alert) = alerts::get(conn, id)? else {
                return Ok(None);
            };
            Ok(Some((alert, alert_steps::of_alert(conn, id)?)))
        })
        .await?;
    let (alert, steps) = found.ok_or_else(|| not_found(id))?;
    let mut detail = AlertDetail::of(&alert, &steps);
    if let (Some(no), Some(stage)) = (alert.case_no.clone(), alert.stage.as_deref()) {
        let case = app
            .store
            .read(move |conn| tongban_store::cases::get_case(conn, &no))
            .await?;
        let config = app.config().await?;
        detail.alert.stage_name = Some(super::desk::stage_name(&config, case.as_ref(), stage));
    }
    Ok(detail)
}

pub fn not_found(id: i64) -> Error {
    Error::not_found(
        Code::AlertNotFound,
        Text::new(
            format!("没有编号为 {id} 的预警。"),
            format!("No alert {id}."),
        ),
    )
}

/// The timeline of the case an alert is about, oldest first, for the alert's page (the
/// caller has checked that the case is in its scope).
pub async fn case_timeline(app: &App, case_no: &str) -> AppResult<Vec<EventRecord>> {
    let no = case_no.to_owned();
    Ok(app
        .store
        .read(move |conn| events::for_case(conn, &no))
        .await?)
}
