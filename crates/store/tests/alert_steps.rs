//! The alert lifecycle's store side against real databases: conditional moves, steps, the
//! steps a case's end writes, whom an urge reaches, and what the statistics read.

mod support;

use tongban_core::supervision::lifecycle::AlertStatus;
use tongban_store::alert_steps::{self, NewAlertStep};
use tongban_store::alerts::{self, NewAlert};
use tongban_store::evaluations::{self, EvaluationRecord};
use tongban_store::users::{self, UserRecord};
use tongban_store::{events, stats};

use support::{intake, TestDb};

on_both_backends!(steps_and_moves, contacts_and_statistics);

fn alert(level: &str) -> NewAlert {
    NewAlert {
        scope: "case:C1".into(),
        case_no: Some("C1".into()),
        stage: None,
        rule: "promised_deadline".parse().unwrap(),
        level: level.parse().unwrap(),
        status: "open".parse().unwrap(),
        department: Some("market".into()),
        raised_at: 5_000,
        updated_at: 5_000,
        detail: r#"{"item_code":"ITEM-001"}"#.into(),
    }
}

fn step(alert_id: i64, from: &str, to: &str, at: i64) -> NewAlertStep {
    NewAlertStep {
        alert_id,
        action: "acknowledge".into(),
        from_status: from.into(),
        to_status: to.into(),
        actor: "supervisor".into(),
        at,
        note: None,
        notified: "[]".into(),
    }
}

fn steps_and_moves(db: &TestDb) {
    let store = db.open();
    store.create_case_blocking(intake("C1", "k1")).unwrap();
    let ids = store
        .write_blocking(|c| {
            alerts::raise(c, &alert("yellow"))?;
            alerts::raise(c, &alert("red"))?;
            Ok(alerts::after(c, 0, 10)?
                .iter()
                .map(|a| a.id)
                .collect::<Vec<_>>())
        })
        .unwrap();
    let (yellow, red) = (ids[0], ids[1]);

    // A move from a status the alert is not in changes nothing.
    let moved = store
        .write_blocking(move |c| {
            let first = alerts::transition(
                c,
                yellow,
                AlertStatus::Open,
                AlertStatus::Acknowledged,
                6_000,
            )?;
            let again = alerts::transition(
                c,
                yellow,
                AlertStatus::Open,
                AlertStatus::Acknowledged,
                6_001,
            )?;
            alert_steps::insert(c, &step(yellow, "open", "acknowledged", 6_000))?;
            Ok((first, again))
        })
        .unwrap();
    assert_eq!(moved, (true, false));
    let a = store
        .read_blocking(move |c| alerts::get(c, yellow))
        .unwrap()
        .unwrap();
    assert_eq!((a.status.0.as_str(), a.updated_at), ("acknowledged", 6_000));
    assert_eq!(
        a.detail, r#"{"item_code":"ITEM-001"}"#,
        "a step keeps the detail"
    );

    // The case ends: the yellow closes with a `resolve` step by `system`; the red is a
    // breach and stays open for a supervision officer; neither record is overwritten.
    let closed = store
        .write_blocking(|c| alerts::close_for_case(c, "C1", 7_000, "办件已办结，黄色预警随之关闭"))
        .unwrap();
    assert_eq!(closed, 1);
    let steps = store
        .read_blocking(|c| alert_steps::after(c, 0, 10))
        .unwrap();
    let seen: Vec<_> = steps
        .iter()
        .map(|s| {
            (
                s.alert_id,
                s.from_status.as_str(),
                s.to_status.as_str(),
                s.actor.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (yellow, "open", "acknowledged", "supervisor"),
            (yellow, "acknowledged", "resolved", "system"),
        ]
    );
    assert_eq!(
        steps[1].note.as_deref(),
        Some("办件已办结，黄色预警随之关闭")
    );
    let (y, r) = store
        .read_blocking(move |c| {
            Ok((
                alerts::get(c, yellow)?.unwrap(),
                alerts::get(c, red)?.unwrap(),
            ))
        })
        .unwrap();
    assert_eq!((y.status.0.as_str(), y.updated_at), ("resolved", 7_000));
    assert_eq!(r.status.0.as_str(), "open");
    assert_eq!(
        y.detail, r#"{"item_code":"ITEM-001"}"#,
        "the record is kept"
    );
    assert_eq!(r.detail, r#"{"item_code":"ITEM-001"}"#);
    // Closed alerts are left alone (and get no second step) when it runs again.
    let again = store
        .write_blocking(|c| alerts::close_for_case(c, "C1", 8_000, "x"))
        .unwrap();
    assert_eq!(again, 0);
    let after_last = store
        .read_blocking(move |c| alert_steps::after(c, steps[1].id, 10))
        .unwrap();
    assert!(after_last.is_empty());
    let many = store
        .read_blocking(move |c| alerts::get_many(c, &[red, 999_999, yellow]))
        .unwrap();
    assert_eq!(many.iter().map(|a| a.id).collect::<Vec<_>>(), [yellow, red]);
}

fn user(username: &str, roles: &str, department: &str, email: Option<&str>) -> UserRecord {
    UserRecord {
        username: username.into(),
        password_hash: "x".into(),
        name: username.into(),
        email: email.map(str::to_owned),
        phone: None,
        roles: roles.into(),
        department: Some(department.into()),
        active: true,
        must_change_password: false,
        created_at: 1,
        updated_at: 1,
    }
}

fn contacts_and_statistics(db: &TestDb) {
    let store = db.open();
    store
        .write_blocking(|c| {
            users::insert(
                c,
                &user("head-a", r#"["head"]"#, "market", Some("a@example.org")),
            )?;
            users::insert(c, &user("head-b", r#"["head"]"#, "market", None))?;
            users::insert(
                c,
                &user("appr", r#"["approver"]"#, "market", Some("p@example.org")),
            )?;
            users::insert(
                c,
                &user("head-x", r#"["head"]"#, "other", Some("x@example.org")),
            )
        })
        .unwrap();
    let heads = store
        .read_blocking(|c| alerts::department_contacts(c, "market", &["head"]))
        .unwrap();
    assert_eq!(
        heads,
        [("head-a".into(), "head-a".into(), "a@example.org".into())]
    );
    let staff = store
        .read_blocking(|c| alerts::department_contacts(c, "market", &["head", "approver"]))
        .unwrap();
    assert_eq!(
        staff.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        ["appr", "head-a"]
    );

    // Cases received at 1 000 (support::case); the period is [from, to).
    store.create_case_blocking(intake("C1", "k1")).unwrap();
    store.create_case_blocking(intake("C2", "k2")).unwrap();
    store
        .write_blocking(|c| {
            evaluations::insert(
                c,
                &EvaluationRecord {
                    case_no: "C2".into(),
                    score: 4,
                    comment: None,
                    at: 9_000,
                    follow_up_due: None,
                    followed_up_at: None,
                    follow_up_note: None,
                    followed_up_by: None,
                },
            )
        })
        .unwrap();
    let (cases, scores) = store
        .read_blocking(|c| {
            Ok((
                stats::cases_received_between(c, 1_000, 1_001)?,
                stats::scores_of_cases_received_between(c, 1_000, 1_001)?,
            ))
        })
        .unwrap();
    assert_eq!(
        cases.iter().map(|c| c.case_no.as_str()).collect::<Vec<_>>(),
        ["C1", "C2"]
    );
    assert_eq!(scores, [("C2".to_owned(), 4)]);
    let none = store
        .read_blocking(|c| stats::cases_received_between(c, 1_001, 2_000))
        .unwrap();
    assert!(none.is_empty());
    // The feed reads events in id order.
    let events = store.read_blocking(|c| events::after(c, 0, 10)).unwrap();
    assert_eq!(events.len(), 2);
    assert!(events[0].id < events[1].id);
}
