//! The message of an urge (督办通知) to the responsible department.

use chrono::{DateTime, Utc};
use tongban_core::clock::HallTime;
use tongban_core::supervision::AlertLevel;
use tongban_store::alerts::AlertRecord;
use tongban_store::NewOutbox;

use super::alerts::rule_name;

/// Who in a department receives an urge: its heads (负责人); when none has an e-mail
/// address, its approvers (承办人).
pub const FIRST_RECIPIENTS: &[&str] = &["head"];
pub const FALLBACK_RECIPIENTS: &[&str] = &["approver"];

/// One e-mail per recipient `(username, name, email)`.
pub fn messages(
    alert: &AlertRecord,
    recipients: &[(String, String, String)],
    supervisor: &str,
    note: Option<&str>,
    hall: HallTime,
    now: DateTime<Utc>,
) -> Vec<NewOutbox> {
    let at = now.timestamp_millis();
    let local = now.with_timezone(&hall.offset()).format("%Y-%m-%d %H:%M");
    let case_no = alert.case_no.as_deref().unwrap_or("（无）");
    let level = if alert.level.0 == AlertLevel::Red {
        "红牌"
    } else {
        "黄牌"
    };
    let rule = rule_name(alert.rule.0.as_str());
    let stage = alert
        .stage
        .as_deref()
        .map(|s| format!("（环节 {s}）"))
        .unwrap_or_default();
    recipients
        .iter()
        .map(|(_, name, email)| NewOutbox {
            kind: "email".into(),
            recipient: email.clone(),
            subject: format!("【通办】督办通知：办件 {case_no} {rule}"),
            body: format!(
                "{name}：\n\n电子监察对办件 {case_no}{stage}发出{level}预警（{rule}），现予督办，\
                 请尽快办理并反馈。\n\n督办人：{supervisor}\n督办时间：{local}\n督办意见：{}\n\n\
                 预警编号：{}\n请登录通办查看办件和预警详情。\n",
                note.filter(|n| !n.trim().is_empty())
                    .unwrap_or("请按时限办理。"),
                alert.id,
            ),
            created_at: at,
            attempts: 0,
            next_attempt_at: at,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_core::supervision::lifecycle::AlertStatus;
    use tongban_core::supervision::AlertRule;

    #[test]
    fn one_message_per_recipient_naming_the_case_and_rule() {
        let alert = AlertRecord {
            id: 7,
            scope: "case:C1".into(),
            case_no: Some("C1".into()),
            stage: None,
            rule: AlertRule::PromisedDeadline.into(),
            level: AlertLevel::Red.into(),
            status: AlertStatus::Acknowledged.into(),
            department: Some("gaj".into()),
            raised_at: 0,
            updated_at: 0,
            detail: "{}".into(),
        };
        let to = vec![(
            "head-gaj".to_owned(),
            "负责人".to_owned(),
            "h@example.org".to_owned(),
        )];
        let now = DateTime::parse_from_rfc3339("2026-03-23T09:00:00+08:00")
            .expect("instant")
            .to_utc();
        let m = messages(
            &alert,
            &to,
            "supervisor",
            Some("三日内办结"),
            HallTime::shanghai(),
            now,
        );
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].recipient, "h@example.org");
        assert!(m[0].subject.contains("C1") && m[0].subject.contains("超承诺时限"));
        assert!(m[0].body.contains("红牌") && m[0].body.contains("三日内办结"));
        assert!(m[0].body.contains("2026-03-23 09:00"), "{}", m[0].body);
    }
}
