//! An alert key of the core as the store's alert row.

use chrono::{DateTime, Utc};
use tongban_core::case::Case;
use tongban_core::supervision::{AlertKey, AlertScope};
use tongban_store::alerts::NewAlert;

/// The row of `key` on `case`. The scope column carries the case number, so that the unique
/// key (scope, rule, level) is unique across cases; the department is the one responsible
/// (the stage's for a stage alert).
pub fn new_alert(case: &Case, key: &AlertKey, now: DateTime<Utc>) -> NewAlert {
    let (scope, stage, department) = match &key.scope {
        AlertScope::Case => (
            format!("case:{}", case.case_no),
            None,
            case.department.clone(),
        ),
        AlertScope::Stage(code) => (
            format!("stage:{}/{code}", case.case_no),
            Some(code.clone()),
            case.stage(code)
                .map_or_else(|| case.department.clone(), |s| s.department.clone()),
        ),
    };
    let at = now.timestamp_millis();
    NewAlert {
        scope,
        case_no: Some(case.case_no.clone()),
        stage,
        rule: key.rule.as_str().to_owned(),
        level: key.level.as_str().to_owned(),
        status: "open".to_owned(),
        department: Some(department),
        raised_at: at,
        updated_at: at,
        detail: serde_json::json!({
            "item_code": case.item_code,
            "status": case.status,
            "window": case.window,
            "rule_name": key.rule.name_zh(),
        })
        .to_string(),
    }
}
