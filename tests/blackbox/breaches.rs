//! Breaches are never lost and never erased (domain.md), over HTTP on the test clock:
//! - a case decided after its promised and legal deadlines, with no sweep in between, gets
//!   each red exactly once, from the decision itself, and a later sweep adds none;
//! - a clerk's withdrawal after the legal deadline leaves the reds open, closes the yellow
//!   with a note, and overwrites no alert's record.

use serde_json::{json, Value};

use crate::backend::{self, Backend};
use crate::every_alert::Hall;

#[test]
fn breaches_are_never_lost_nor_erased() {
    for backend in backend::all("breaches_are_never_lost_nor_erased") {
        eprintln!("backend: {}", backend.name());
        breaches(&backend);
    }
}

/// The alerts of case `no` as the supervisor lists them.
fn alerts_of(hall: &Hall<'_>, no: &str) -> Vec<Value> {
    hall.alert_page(no)["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// `(rule, level, status)` of each alert of the case that is not a stage's.
fn case_alerts(alerts: &[Value]) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = alerts
        .iter()
        .filter(|a| a["stage"].is_null())
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or("").to_owned();
            (s("rule"), s("level"), s("status"))
        })
        .collect();
    out.sort();
    out
}

fn breaches(backend: &Backend) {
    let server = crate::every_alert::start(backend, None);
    let hall = Hall { server: &server };

    // Day 0: both cases accepted at once. GA-QR-01 promises 20 natural days; by day 75 its
    // promised and legal deadlines have both passed. No sweep runs until stated.
    let decided = hall.intake("breach-decided");
    hall.act("clerk-a02", Some("A02"), &decided, "accept", json!({}));
    let withdrawn = hall.intake("breach-withdrawn");
    hall.act("clerk-a02", Some("A02"), &withdrawn, "accept", json!({}));
    assert!(alerts_of(&hall, &decided).is_empty());

    hall.set_clock(75);
    hall.review_and_approve(&decided);
    // The deadlines passed while the decision clock ran: each red once, from the actions.
    let reds = |list: &[(String, String, String)]| -> Vec<String> {
        list.iter()
            .filter(|(_, level, _)| level == "red")
            .map(|(rule, _, _)| rule.clone())
            .collect()
    };
    let got = case_alerts(&alerts_of(&hall, &decided));
    assert_eq!(
        reds(&got),
        ["legal_deadline", "promised_deadline"],
        "before any sweep: {got:?}"
    );
    // The first stage (5 natural days) was overdue when completed; the second started then.
    let stage_reds: Vec<Value> = alerts_of(&hall, &decided)
        .into_iter()
        .filter(|a| a["rule"] == "stage_deadline" && a["level"] == "red")
        .map(|a| a["stage"].clone())
        .collect();
    assert_eq!(
        stage_reds,
        [json!("shqf")],
        "the overdue stage's red, from its completion"
    );
    hall.sweep();
    hall.sweep();
    let after = alerts_of(&hall, &decided);
    assert_eq!(case_alerts(&after), got, "a sweep adds nothing twice");

    // The other case: the sweep raises its reds (and the promise's yellow); the clerk then
    // withdraws it. The yellow closes with a note; the reds stay open, records untouched.
    hall.sweep();
    let before = alerts_of(&hall, &withdrawn);
    let before_cases = case_alerts(&before);
    assert!(
        before_cases.contains(&("legal_deadline".into(), "red".into(), "open".into())),
        "{before_cases:?}"
    );
    hall.act(
        "clerk-a02",
        Some("A02"),
        &withdrawn,
        "withdraw",
        json!({"reason": "申请人当场撤回"}),
    );
    let after = alerts_of(&hall, &withdrawn);
    assert_eq!(after.len(), before.len(), "no alert added or removed");
    for a in &after {
        let was = before
            .iter()
            .find(|b| b["id"] == a["id"])
            .expect("the same alert");
        assert_eq!(a["detail"], was["detail"], "an alert's record is kept: {a}");
        let expected = if a["level"] == "yellow" {
            "resolved"
        } else {
            was["status"].as_str().unwrap_or("")
        };
        assert_eq!(a["status"], expected, "{a}");
    }
    assert!(after
        .iter()
        .any(|a| a["level"] == "red" && a["status"] == "open"));
    let yellow = after
        .iter()
        .find(|a| a["level"] == "yellow")
        .expect("the promise's yellow, raised by the sweep");
    let token = hall.token("supervisor", None);
    let full: Value = server
        .get(&format!("/api/v1/supervision/alerts/{}", yellow["id"]))
        .bearer_auth(&token)
        .send()
        .expect("alert")
        .json()
        .expect("alert json");
    let text = full.to_string();
    assert!(text.contains("办件已撤回，黄色预警随之关闭"), "{full}");
    assert!(!text.contains("已已"), "{full}");
}
